//! The create-table form: table name, partition key (name and type S/N/B), an optional sort
//! key, and the billing mode (with read and write capacity when provisioned). Enter submits.
//! On success the new table is selected; a rejection is shown as DynamoDB names it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{Value, json};

use super::{AppState, ErrorNotice, ShownError};

/// Builds the CreateTable request from the form's values.
#[allow(clippy::too_many_arguments)]
fn create_request(
    name: &str,
    pk_name: &str,
    pk_type: &str,
    sk_name: &str,
    sk_type: &str,
    billing: &str,
    rcu: &str,
    wcu: &str,
) -> Result<Value, ShownError> {
    let mut definitions = vec![json!({ "AttributeName": pk_name, "AttributeType": pk_type })];
    let mut schema = vec![json!({ "AttributeName": pk_name, "KeyType": "HASH" })];
    if !sk_name.is_empty() {
        definitions.push(json!({ "AttributeName": sk_name, "AttributeType": sk_type }));
        schema.push(json!({ "AttributeName": sk_name, "KeyType": "RANGE" }));
    }
    let mut request = json!({
        "TableName": name,
        "AttributeDefinitions": definitions,
        "KeySchema": schema,
        "BillingMode": billing,
    });
    if billing == "PROVISIONED" {
        let units = |label: &str, text: &str| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| ShownError::local(format!("{label} must be a whole number")))
        };
        request["ProvisionedThroughput"] = json!({
            "ReadCapacityUnits": units("Read capacity", rcu)?,
            "WriteCapacityUnits": units("Write capacity", wcu)?,
        });
    }
    Ok(request)
}

/// A key type picker: String, Number or Binary.
#[component]
fn KeyTypeSelect(
    value: RwSignal<String>,
    #[prop(into)] id: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let option = move |code: &'static str, label: &'static str| {
        view! { <option value=code selected=move || value.get() == code>{label}</option> }
    };
    view! {
        <select id=id data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
            {option("S", "String (S)")}
            {option("N", "Number (N)")}
            {option("B", "Binary (B)")}
        </select>
    }
}

/// The form.
#[component]
pub fn CreateTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = RwSignal::new(String::new());
    let pk_name = RwSignal::new(String::new());
    let pk_type = RwSignal::new("S".to_owned());
    let sk_name = RwSignal::new(String::new());
    let sk_type = RwSignal::new("S".to_owned());
    let billing = RwSignal::new("PAY_PER_REQUEST".to_owned());
    let rcu = RwSignal::new("5".to_owned());
    let wcu = RwSignal::new("5".to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ShownError>);
    let notice = RwSignal::new(None::<String>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let table = name.get_untracked().trim().to_owned();
        let request = create_request(
            &table,
            pk_name.get_untracked().trim(),
            &pk_type.get_untracked(),
            sk_name.get_untracked().trim(),
            &sk_type.get_untracked(),
            &billing.get_untracked(),
            &rcu.get_untracked(),
            &wcu.get_untracked(),
        );
        let request = match request {
            Ok(request) => request,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            let result = state.send("CreateTable", &request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    error.set(None);
                    notice.set(Some(format!("Created table {table}.")));
                    name.set(String::new());
                    state.selected.set(Some(table));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let text_input =
        move |id: &'static str, testid: &'static str, value: RwSignal<String>, required: bool| {
            view! {
                <input
                    id=id
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    required=required
                    data-testid=testid
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            }
        };

    view! {
        <section class="panel create-table" aria-labelledby="create-heading">
            <h2 id="create-heading">"Create table"</h2>
            <form on:submit=submit data-testid="create-table-form">
                <label for="ct-name">"Table name"</label>
                {text_input("ct-name", "create-table-name", name, true)}
                <fieldset>
                    <legend>"Partition key"</legend>
                    <div class="key-row">
                        <label class="visually-hidden" for="ct-pk">"Partition key name"</label>
                        {text_input("ct-pk", "create-pk-name", pk_name, true)}
                        <label class="visually-hidden" for="ct-pk-type">"Partition key type"</label>
                        <KeyTypeSelect value=pk_type id="ct-pk-type" testid="create-pk-type" />
                    </div>
                </fieldset>
                <fieldset>
                    <legend>"Sort key " <span class="muted">"(optional)"</span></legend>
                    <div class="key-row">
                        <label class="visually-hidden" for="ct-sk">"Sort key name"</label>
                        {text_input("ct-sk", "create-sk-name", sk_name, false)}
                        <label class="visually-hidden" for="ct-sk-type">"Sort key type"</label>
                        <KeyTypeSelect value=sk_type id="ct-sk-type" testid="create-sk-type" />
                    </div>
                </fieldset>
                <label for="ct-billing">"Billing mode"</label>
                <select
                    id="ct-billing"
                    data-testid="create-billing"
                    on:change=move |ev| billing.set(event_target_value(&ev))
                >
                    <option value="PAY_PER_REQUEST" selected=move || billing.get() == "PAY_PER_REQUEST">
                        "On-demand (PAY_PER_REQUEST)"
                    </option>
                    <option value="PROVISIONED" selected=move || billing.get() == "PROVISIONED">
                        "Provisioned"
                    </option>
                </select>
                <Show when=move || billing.get() == "PROVISIONED">
                    <div class="capacity-row">
                        <label>
                            "Read units"
                            <input
                                type="number"
                                min="1"
                                data-testid="create-rcu"
                                prop:value=move || rcu.get()
                                on:input=move |ev| rcu.set(event_target_value(&ev))
                            />
                        </label>
                        <label>
                            "Write units"
                            <input
                                type="number"
                                min="1"
                                data-testid="create-wcu"
                                prop:value=move || wcu.get()
                                on:input=move |ev| wcu.set(event_target_value(&ev))
                            />
                        </label>
                    </div>
                </Show>
                <button type="submit" class="primary" data-testid="create-table-submit" disabled=move || busy.get()>
                    "Create table"
                </button>
            </form>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="create-table-error" /> })}
            {move || notice.get().map(|text| view! {
                <p class="notice" role="status" data-testid="create-table-status">{text}</p>
            })}
        </section>
    }
}
