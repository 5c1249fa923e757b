//! The create-table form: what CreateTable takes. Table name, partition key and optional
//! sort key (name and type S/N/B), billing mode with table capacity when provisioned,
//! secondary indexes (global or local, keys, projection ALL / KEYS_ONLY / INCLUDE with its
//! attributes, a global index's capacity), and under "Settings" the stream view type, the
//! TTL attribute and deletion protection. The values become a [`TableDraft`]; its table is
//! created with the same steps a model's are ([`apply::create_steps`]: CreateTable, then
//! UpdateTimeToLive). Errors show inline beside the field or index they concern, in
//! DynamoDB's words when DynamoDB refused. Enter submits; on success the table is selected.

use dynoscope_model::ModelError;
use dynoscope_model::TableSpec;
use dynoscope_model::apply;
use dynoscope_model::draft::{IndexDraft, KeyDraft, TableDraft};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{AppState, ErrorNotice, ShownError};

/// One secondary index row of the form; `id` keys it in the list.
#[derive(Clone, Copy)]
struct IndexRow {
    id: u32,
    local: bool,
    name: RwSignal<String>,
    pk_name: RwSignal<String>,
    pk_type: RwSignal<String>,
    sk_name: RwSignal<String>,
    sk_type: RwSignal<String>,
    projection: RwSignal<String>,
    include: RwSignal<String>,
    rcu: RwSignal<String>,
    wcu: RwSignal<String>,
}

impl IndexRow {
    fn from_draft(id: u32, draft: &IndexDraft) -> IndexRow {
        IndexRow {
            id,
            local: draft.local,
            name: RwSignal::new(draft.name.clone()),
            pk_name: RwSignal::new(draft.partition_key.name.clone()),
            pk_type: RwSignal::new(draft.partition_key.kind.clone()),
            sk_name: RwSignal::new(draft.sort_key.name.clone()),
            sk_type: RwSignal::new(draft.sort_key.kind.clone()),
            projection: RwSignal::new(draft.projection_type.clone()),
            include: RwSignal::new(draft.non_key_attributes.clone()),
            rcu: RwSignal::new(draft.read_capacity.clone()),
            wcu: RwSignal::new(draft.write_capacity.clone()),
        }
    }

    fn draft(&self) -> IndexDraft {
        IndexDraft {
            local: self.local,
            name: self.name.get_untracked(),
            partition_key: KeyDraft::new(
                &self.pk_name.get_untracked(),
                &self.pk_type.get_untracked(),
            ),
            sort_key: KeyDraft::new(&self.sk_name.get_untracked(), &self.sk_type.get_untracked()),
            projection_type: self.projection.get_untracked(),
            non_key_attributes: self.include.get_untracked(),
            read_capacity: self.rcu.get_untracked(),
            write_capacity: self.wcu.get_untracked(),
        }
    }
}

/// What went wrong with the last submission, placed where it belongs: under a field (by
/// the draft's field path, e.g. `indexes[1].readCapacity`), under an index (DynamoDB's
/// message names it), or under the whole form.
#[derive(Clone, Default)]
pub struct Problems {
    fields: Vec<ModelError>,
    form: Option<ShownError>,
    /// Index position an engine error names.
    index: Option<(usize, ShownError)>,
}

impl Problems {
    fn at(&self, field: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|e| e.location == field)
            .map(|e| e.message.clone())
    }

    /// Places DynamoDB's refusal under the index its message names (`... for index: GSI1`,
    /// `Duplicate index name: GSI1`, the last so named), if it names one.
    fn from_engine(error: ShownError, index_names: &[String]) -> Problems {
        let names = |name: &String| {
            ["index: ", "index name: "].iter().any(|lead| {
                error
                    .message
                    .match_indices(&format!("{lead}{name}"))
                    .any(|(at, m)| {
                        let next = error.message[at + m.len()..].chars().next();
                        !next.is_some_and(|c| c.is_alphanumeric() || "_-.".contains(c))
                    })
            })
        };
        match index_names.iter().rposition(names) {
            Some(i) => Problems {
                index: Some((i, error)),
                ..Problems::default()
            },
            None => Problems {
                form: Some(error),
                ..Problems::default()
            },
        }
    }
}

/// A key type picker: String, Number or Binary.
#[component]
fn KeyTypeSelect(
    value: RwSignal<String>,
    #[prop(into)] id: String,
    #[prop(into)] testid: String,
    #[prop(into)] label: String,
) -> impl IntoView {
    let option = move |code: &'static str, text: &'static str| {
        view! { <option value=code selected=move || value.get() == code>{text}</option> }
    };
    view! {
        <select id=id data-testid=testid aria-label=label on:change=move |ev| value.set(event_target_value(&ev))>
            {option("S", "String (S)")}
            {option("N", "Number (N)")}
            {option("B", "Binary (B)")}
        </select>
    }
}

/// A one-line text box bound to `value`.
#[component]
fn TextBox(
    value: RwSignal<String>,
    #[prop(into)] testid: String,
    #[prop(into, optional)] id: String,
    #[prop(into, optional)] label: String,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] placeholder: String,
) -> impl IntoView {
    view! {
        <input
            id=(!id.is_empty()).then_some(id)
            type="text"
            autocomplete="off"
            spellcheck="false"
            required=required
            placeholder=placeholder
            aria-label=(!label.is_empty()).then_some(label)
            data-testid=testid
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// Read and write capacity boxes.
#[component]
fn CapacityRow(
    rcu: RwSignal<String>,
    wcu: RwSignal<String>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let number = move |value: RwSignal<String>, label: &'static str, suffix: &'static str| {
        view! {
            <label>
                {label}
                <input
                    type="number"
                    min="1"
                    data-testid=format!("{testid}{suffix}")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <div class="capacity-row">
            {number(rcu, "Read units", "rcu")}
            {number(wcu, "Write units", "wcu")}
        </div>
    }
}

/// A field's inline error, if any.
fn field_error(problems: RwSignal<Problems>, field: String) -> impl IntoView {
    move || {
        problems.with(|p| p.at(&field)).map(|message| {
            view! { <p class="field-error" role="alert" data-testid="create-field-error">{message}</p> }
        })
    }
}

/// One secondary index's fields.
#[component]
fn IndexFields(
    row: IndexRow,
    position: Signal<usize>,
    provisioned: Signal<bool>,
    problems: RwSignal<Problems>,
    on_remove: Callback<u32>,
) -> impl IntoView {
    let kind = if row.local {
        "Local index"
    } else {
        "Global index"
    };
    let at = move |field: &str| format!("indexes[{}].{field}", position.get_untracked());
    let engine_error = move || {
        problems.with(|p| {
            p.index
                .as_ref()
                .filter(|(i, _)| *i == position.get())
                .map(|(_, e)| e.clone())
        })
    };
    let id = row.id;
    view! {
        <fieldset class="index-fields" data-testid="create-index">
            <legend>
                {kind}
                <button type="button" class="link" data-testid="create-index-remove" on:click=move |_| on_remove.run(id)>
                    "Remove"
                </button>
            </legend>
            <TextBox value=row.name testid="create-index-name" label="Index name" required=true />
            {(!row.local).then(|| view! {
                <div class="key-row">
                    <TextBox value=row.pk_name testid="create-index-pk" label="Index partition key" placeholder="partition key" required=true />
                    <KeyTypeSelect value=row.pk_type id=format!("ix{id}-pk-type") testid="create-index-pk-type" label="Index partition key type" />
                </div>
            })}
            {row.local.then(|| view! { <p class="hint">"Shares the table's partition key."</p> })}
            <div class="key-row">
                <TextBox value=row.sk_name testid="create-index-sk" label="Index sort key" placeholder=if row.local { "sort key" } else { "sort key (optional)" } required=row.local />
                <KeyTypeSelect value=row.sk_type id=format!("ix{id}-sk-type") testid="create-index-sk-type" label="Index sort key type" />
            </div>
            {field_error(problems, at("partitionKey"))}
            {field_error(problems, at("sortKey"))}
            <select
                aria-label="Projection"
                data-testid="create-index-projection"
                on:change=move |ev| row.projection.set(event_target_value(&ev))
            >
                <option value="ALL" selected=move || row.projection.get() == "ALL">"Project all attributes (ALL)"</option>
                <option value="KEYS_ONLY" selected=move || row.projection.get() == "KEYS_ONLY">"Keys only (KEYS_ONLY)"</option>
                <option value="INCLUDE" selected=move || row.projection.get() == "INCLUDE">"Keys and chosen attributes (INCLUDE)"</option>
            </select>
            <Show when=move || row.projection.get() == "INCLUDE">
                <TextBox value=row.include testid="create-index-include" label="Projected attributes" placeholder="attributes, separated by commas" />
            </Show>
            <Show when=move || provisioned.get() && !row.local>
                <CapacityRow rcu=row.rcu wcu=row.wcu testid="create-index-" />
                {field_error(problems, at("readCapacity"))}
                {field_error(problems, at("writeCapacity"))}
            </Show>
            {move || engine_error().map(|e| view! { <ErrorNotice error=e testid="create-index-error" /> })}
        </fieldset>
    }
}

/// The values of a table form, each a signal, so the fields can be shared by the Tables
/// view's create form and the Model view's table editor. Copy: arena handles only.
#[derive(Clone, Copy)]
pub struct TableForm {
    name: RwSignal<String>,
    pk_name: RwSignal<String>,
    pk_type: RwSignal<String>,
    sk_name: RwSignal<String>,
    sk_type: RwSignal<String>,
    billing: RwSignal<String>,
    rcu: RwSignal<String>,
    wcu: RwSignal<String>,
    indexes: RwSignal<Vec<IndexRow>>,
    next_id: StoredValue<u32>,
    stream: RwSignal<String>,
    ttl: RwSignal<String>,
    protect: RwSignal<bool>,
    /// What the last submission ran into, placed beside the fields.
    pub problems: RwSignal<Problems>,
}

impl TableForm {
    /// A form filled in with `draft`.
    pub fn new(draft: &TableDraft) -> TableForm {
        let form = TableForm {
            name: RwSignal::new(String::new()),
            pk_name: RwSignal::new(String::new()),
            pk_type: RwSignal::new(String::new()),
            sk_name: RwSignal::new(String::new()),
            sk_type: RwSignal::new(String::new()),
            billing: RwSignal::new(String::new()),
            rcu: RwSignal::new(String::new()),
            wcu: RwSignal::new(String::new()),
            indexes: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
            stream: RwSignal::new(String::new()),
            ttl: RwSignal::new(String::new()),
            protect: RwSignal::new(false),
            problems: RwSignal::new(Problems::default()),
        };
        form.fill(draft);
        form
    }

    /// An empty form: on-demand, string keys, 5 units when switched to provisioned.
    pub fn empty() -> TableForm {
        TableForm::new(&TableDraft {
            partition_key: KeyDraft::new("", "S"),
            sort_key: KeyDraft::new("", "S"),
            billing_mode: "PAY_PER_REQUEST".into(),
            read_capacity: "5".into(),
            write_capacity: "5".into(),
            ..TableDraft::default()
        })
    }

    /// Sets every field from `draft`.
    pub fn fill(&self, draft: &TableDraft) {
        self.name.set(draft.name.clone());
        self.pk_name.set(draft.partition_key.name.clone());
        self.pk_type.set(draft.partition_key.kind.clone());
        self.sk_name.set(draft.sort_key.name.clone());
        self.sk_type.set(draft.sort_key.kind.clone());
        self.billing.set(draft.billing_mode.clone());
        self.rcu.set(draft.read_capacity.clone());
        self.wcu.set(draft.write_capacity.clone());
        let rows = draft.indexes.iter().map(|d| self.index_row(d)).collect();
        self.indexes.set(rows);
        self.stream.set(draft.stream_view_type.clone());
        self.ttl.set(draft.ttl_attribute.clone());
        self.protect.set(draft.deletion_protection);
        self.problems.set(Problems::default());
    }

    /// The values as typed.
    pub fn draft(&self) -> TableDraft {
        TableDraft {
            name: self.name.get_untracked(),
            partition_key: KeyDraft::new(
                &self.pk_name.get_untracked(),
                &self.pk_type.get_untracked(),
            ),
            sort_key: KeyDraft::new(&self.sk_name.get_untracked(), &self.sk_type.get_untracked()),
            billing_mode: self.billing.get_untracked(),
            read_capacity: self.rcu.get_untracked(),
            write_capacity: self.wcu.get_untracked(),
            indexes: self
                .indexes
                .get_untracked()
                .iter()
                .map(IndexRow::draft)
                .collect(),
            stream_view_type: self.stream.get_untracked(),
            ttl_attribute: self.ttl.get_untracked(),
            deletion_protection: self.protect.get_untracked(),
        }
    }

    /// The table the form describes, or `None` with the refusals placed beside the fields.
    pub fn spec(&self) -> Option<TableSpec> {
        match self.draft().to_spec() {
            Ok(spec) => {
                self.problems.set(Problems::default());
                Some(spec)
            }
            Err(fields) => {
                self.problems.set(Problems {
                    fields,
                    ..Problems::default()
                });
                None
            }
        }
    }

    /// Shows DynamoDB's refusal under the index it names, or under the form.
    pub fn refused(&self, error: ShownError) {
        let names: Vec<String> = self
            .indexes
            .get_untracked()
            .iter()
            .map(|i| i.name.get_untracked().trim().to_owned())
            .collect();
        self.problems.set(Problems::from_engine(error, &names));
    }

    fn index_row(&self, draft: &IndexDraft) -> IndexRow {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        IndexRow::from_draft(id, draft)
    }

    fn add_index(&self, local: bool) {
        let ordinal = self
            .indexes
            .with_untracked(|rows| rows.iter().filter(|r| r.local == local).count() + 1);
        let prefix = if local { "LSI" } else { "GSI" };
        let row = self.index_row(&IndexDraft {
            local,
            name: format!("{prefix}{ordinal}"),
            partition_key: KeyDraft::new(
                &if local {
                    String::new()
                } else {
                    format!("{prefix}{ordinal}PK")
                },
                "S",
            ),
            sort_key: KeyDraft::new(&format!("{prefix}{ordinal}SK"), "S"),
            projection_type: "ALL".into(),
            non_key_attributes: String::new(),
            read_capacity: "5".into(),
            write_capacity: "5".into(),
        });
        self.indexes.update(|rows| rows.push(row));
    }
}

/// The fields of a table form (everything but its buttons). `prefix` keeps element ids
/// unique when two forms are on the page.
#[component]
pub fn TableFields(form: TableForm, #[prop(into)] prefix: String) -> impl IntoView {
    let TableForm {
        name,
        pk_name,
        pk_type,
        sk_name,
        sk_type,
        billing,
        rcu,
        wcu,
        indexes,
        stream,
        ttl,
        protect,
        problems,
        ..
    } = form;
    let provisioned = Signal::derive(move || billing.get() == "PROVISIONED");
    let remove_index = Callback::new(move |id: u32| {
        indexes.update(|rows| rows.retain(|r| r.id != id));
        problems.set(Problems::default());
    });
    let index_row = move |row: IndexRow| {
        let position = Signal::derive(move || {
            indexes.with(|rows| rows.iter().position(|r| r.id == row.id).unwrap_or(0))
        });
        view! { <IndexFields row position provisioned problems on_remove=remove_index /> }
    };
    let id = move |name: &str| format!("{prefix}-{name}");
    view! {
                <label for=id("name")>"Table name"</label>
                <TextBox value=name id=id("name") testid="create-table-name" required=true />
                <fieldset>
                    <legend>"Partition key"</legend>
                    <div class="key-row">
                        <TextBox value=pk_name id=id("pk") testid="create-pk-name" label="Partition key name" required=true />
                        <KeyTypeSelect value=pk_type id=id("pk-type") testid="create-pk-type" label="Partition key type" />
                    </div>
                    {field_error(problems, "partitionKey".into())}
                </fieldset>
                <fieldset>
                    <legend>"Sort key " <span class="muted">"(optional)"</span></legend>
                    <div class="key-row">
                        <TextBox value=sk_name id=id("sk") testid="create-sk-name" label="Sort key name" />
                        <KeyTypeSelect value=sk_type id=id("sk-type") testid="create-sk-type" label="Sort key type" />
                    </div>
                    {field_error(problems, "sortKey".into())}
                </fieldset>
                <label for=id("billing")>"Billing mode"</label>
                <select
                    id=id("billing")
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
                <Show when=move || provisioned.get()>
                    <CapacityRow rcu wcu testid="create-" />
                    {field_error(problems, "readCapacity".into())}
                    {field_error(problems, "writeCapacity".into())}
                </Show>
                <fieldset class="create-more" data-testid="create-indexes">
                    <legend>"Secondary indexes " <span class="muted">{move || format!("({})", indexes.with(Vec::len))}</span></legend>
                    <For each=move || indexes.get() key=|row| row.id children=index_row />
                    <div class="button-row">
                        <button type="button" data-testid="create-add-gsi" on:click=move |_| form.add_index(false)>"+ Global index"</button>
                        <button type="button" data-testid="create-add-lsi" on:click=move |_| form.add_index(true)>"+ Local index"</button>
                    </div>
                </fieldset>
                <details class="create-more" data-testid="create-settings">
                    <summary>"Settings"</summary>
                    <label for=id("stream")>"Stream"</label>
                    <select id=id("stream") data-testid="create-stream" on:change=move |ev| stream.set(event_target_value(&ev))>
                        <option value="" selected=move || stream.get().is_empty()>"Off"</option>
                        <option value="KEYS_ONLY" selected=move || stream.get() == "KEYS_ONLY">"Keys only (KEYS_ONLY)"</option>
                        <option value="NEW_IMAGE" selected=move || stream.get() == "NEW_IMAGE">"New image (NEW_IMAGE)"</option>
                        <option value="OLD_IMAGE" selected=move || stream.get() == "OLD_IMAGE">"Old image (OLD_IMAGE)"</option>
                        <option value="NEW_AND_OLD_IMAGES" selected=move || stream.get() == "NEW_AND_OLD_IMAGES">"New and old images (NEW_AND_OLD_IMAGES)"</option>
                    </select>
                    <label for=id("ttl")>"TTL attribute " <span class="muted">"(optional; epoch seconds)"</span></label>
                    <TextBox value=ttl id=id("ttl") testid="create-ttl" placeholder="e.g. expiresAt" />
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="create-deletion-protection"
                            prop:checked=move || protect.get()
                            on:change=move |ev| protect.set(event_target_checked(&ev))
                        />
                        "Deletion protection"
                    </label>
                </details>
    }
}

/// The Tables view's form: creates the table it describes.
#[component]
pub fn CreateTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let form = TableForm::empty();
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(spec) = form.spec() else { return };
        busy.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            let table = spec.table_name.clone();
            let mut outcome = Ok(());
            for step in apply::create_steps(&spec) {
                if let Err(e) = state.send(step.operation, &step.body).await {
                    outcome = Err(e);
                    break;
                }
            }
            busy.set(false);
            match outcome {
                Ok(()) => {
                    notice.set(Some(format!("Created table {table}.")));
                    form.fill(&TableDraft {
                        name: String::new(),
                        indexes: Vec::new(),
                        stream_view_type: String::new(),
                        ttl_attribute: String::new(),
                        deletion_protection: false,
                        ..form.draft()
                    });
                    state.changed();
                    state.selected.set(Some(table));
                }
                Err(e) => form.refused(e),
            }
        });
    };
    view! {
        <section class="panel create-table" aria-labelledby="create-heading">
            <h2 id="create-heading">"Create table"</h2>
            <form on:submit=submit data-testid="create-table-form">
                <TableFields form prefix="ct" />
                <button type="submit" class="primary" data-testid="create-table-submit" disabled=move || busy.get()>
                    "Create table"
                </button>
            </form>
            {move || form.problems.with(|p| p.form.clone()).map(|e| view! { <ErrorNotice error=e testid="create-table-error" /> })}
            {move || notice.get().map(|text| view! {
                <p class="notice" role="status" data-testid="create-table-status">{text}</p>
            })}
        </section>
    }
}
