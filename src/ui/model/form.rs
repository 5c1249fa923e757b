//! The model's forms: each table's entities (name, key templates, attributes and their
//! types, how many to generate) and access patterns (operation, table or index, key
//! condition from templates, filter, projection, limit, direction, consistency), edited in
//! place. Every keystroke changes the current model ([`AppState::model`]), so validation
//! runs as the designer types and each finding shows under the entity or pattern it names;
//! the rest of the Model view (data, runs, saving) follows a moment later. Fields read and
//! write the model by position (`table`, `row`), so lists grow and shrink without the
//! inputs being rebuilt and focus stays where it is.

use dynoscope_model::access::parameter_names;
use dynoscope_model::data::check_item;
use dynoscope_model::draft::{KeyDraft, TableDraft};
use dynoscope_model::generate::{DEFAULT_SEED, EXAMPLES};
use dynoscope_model::model::GeneratorJson;
use dynoscope_model::model::{AttributeSpec, KeyTemplate, SortCondition, SortOperator};
use dynoscope_model::validate::{Finding, Severity};
use dynoscope_model::{AccessPattern, Entity, ModelTable, Operation};
use leptos::prelude::*;

use super::super::AppState;
use super::super::create_table;

/// Which entity or pattern of which table a field edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    table: usize,
    row: usize,
}

fn read_table<R: Default>(state: AppState, table: usize, f: impl FnOnce(&ModelTable) -> R) -> R {
    state.model.with(|m| {
        m.as_ref()
            .and_then(|m| m.tables.get(table))
            .map(f)
            .unwrap_or_default()
    })
}

fn write_table(state: AppState, table: usize, f: impl FnOnce(&mut ModelTable)) {
    state.model.update(|m| {
        if let Some(t) = m.as_mut().and_then(|m| m.tables.get_mut(table)) {
            f(t)
        }
    });
}

/// Reads row `at.row` of the list `rows` picks from table `at.table`.
fn read_row<X, R: Default>(
    state: AppState,
    at: At,
    rows: fn(&ModelTable) -> &Vec<X>,
    f: impl FnOnce(&X) -> R,
) -> R {
    read_table(state, at.table, |t| {
        rows(t).get(at.row).map(f).unwrap_or_default()
    })
}

/// Changes row `at.row` of the list `rows` picks from table `at.table`.
fn write_row<X>(
    state: AppState,
    at: At,
    rows: fn(&mut ModelTable) -> &mut Vec<X>,
    f: impl FnOnce(&mut X),
) {
    write_table(state, at.table, |t| {
        if let Some(row) = rows(t).get_mut(at.row) {
            f(row)
        }
    });
}

fn read_entity<R: Default>(state: AppState, at: At, f: impl FnOnce(&Entity) -> R) -> R {
    read_row(state, at, |t| &t.entities, f)
}

fn write_entity(state: AppState, at: At, f: impl FnOnce(&mut Entity)) {
    write_row(state, at, |t| &mut t.entities, f)
}

fn read_pattern<R: Default>(state: AppState, at: At, f: impl FnOnce(&AccessPattern) -> R) -> R {
    read_row(state, at, |t| &t.access_patterns, f)
}

fn write_pattern(state: AppState, at: At, f: impl FnOnce(&mut AccessPattern)) {
    write_row(state, at, |t| &mut t.access_patterns, f)
}

/// A text box showing `value` and reporting each edit.
#[component]
fn Field(
    value: Signal<String>,
    on_edit: Callback<String>,
    #[prop(into)] label: String,
    #[prop(into)] testid: String,
    #[prop(into, optional)] placeholder: String,
    #[prop(into, optional)] class: String,
) -> impl IntoView {
    view! {
        <input
            type="text"
            class=class
            autocomplete="off"
            spellcheck="false"
            aria-label=label
            placeholder=placeholder
            data-testid=testid
            prop:value=move || value.get()
            on:input=move |ev| on_edit.run(event_target_value(&ev))
        />
    }
}

/// A picker of `options` (value, label) showing `value`.
#[component]
fn Choice(
    value: Signal<String>,
    on_edit: Callback<String>,
    options: Vec<(String, String)>,
    #[prop(into)] label: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <select aria-label=label data-testid=testid on:change=move |ev| on_edit.run(event_target_value(&ev))>
            {options.into_iter().map(|(code, text)| {
                let selected = code.clone();
                view! { <option value=code selected=move || value.get() == selected>{text}</option> }
            }).collect_view()}
        </select>
    }
}

/// The findings whose location starts with `prefix`, under the thing they concern.
fn findings_at(findings: Memo<Vec<Finding>>, prefix: Signal<String>) -> impl IntoView {
    move || {
        let prefix = prefix.get();
        findings.with(|all| {
            all.iter()
                .filter(|f| f.location == prefix || f.location.starts_with(&format!("{prefix} ›")))
                .map(|f| {
                    let class = if f.severity == Severity::Error {
                        "finding error"
                    } else {
                        "finding warning"
                    };
                    view! { <li class=class data-testid="form-finding">{f.message.clone()}</li> }
                })
                .collect_view()
        })
    }
}

fn pairs(items: &[&str]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|s| (s.to_string(), s.to_string()))
        .collect()
}

/// The forms for every table of the model.
#[component]
pub fn ModelForm(findings: Memo<Vec<Finding>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let tables = move || {
        state
            .model
            .with(|m| m.as_ref().map_or(0, |m| m.tables.len()))
    };
    let add_table = move |_| {
        state.model.update(|m| {
            let Some(m) = m else { return };
            let draft = TableDraft {
                name: format!("Table{}", m.tables.len() + 1),
                partition_key: KeyDraft::new("PK", "S"),
                sort_key: KeyDraft::new("SK", "S"),
                billing_mode: "PAY_PER_REQUEST".into(),
                ..TableDraft::default()
            };
            if let Ok(definition) = draft.to_spec() {
                m.tables.push(ModelTable {
                    definition,
                    entities: Vec::new(),
                    access_patterns: Vec::new(),
                    items: Vec::new(),
                    seed: None,
                    extra: Default::default(),
                });
            }
        })
    };
    let name = Signal::derive(move || {
        state
            .model
            .with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default())
    });
    let rename = Callback::new(move |v: String| {
        state.model.update(|m| {
            if let Some(m) = m {
                m.name = v
            }
        })
    });
    view! {
        <section class="panel model-form" data-testid="model-form">
            <h2>"Design"</h2>
            <div class="form-row">
                <span class="form-label">"Model name"</span>
                <Field value=name on_edit=rename label="Model name" testid="form-model-name" />
            </div>
            <label class="form-row">
                <span class="form-label">"Description"</span>
                <textarea rows="2" class="wide" data-testid="form-model-description"
                    prop:value=move || state.model.with(|m| m.as_ref().map(|m| m.description.clone()).unwrap_or_default())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        state.model.update(|m| { if let Some(m) = m { m.description = text } });
                    }></textarea>
            </label>
            <For each=move || 0..tables() key=|t| *t let(table)>
                <TableDesign table findings />
            </For>
            <button type="button" data-testid="form-add-table" on:click=add_table>"+ Table"</button>
        </section>
    }
}

/// A model table's definition, edited with the create-table form ([`create_table`]) and
/// saved into the model (what the form has no field for, such as tags, is kept).
#[component]
fn TableDefinition(table: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = Memo::new(move |_| read_table(state, table, |t| Some(t.definition.clone())));
    let prefix = format!("model-{table}");
    // The definition can change under the form (the JSON editor, an import): follow it.
    let drawn = prefix.clone();
    Effect::new(move |_| {
        leptos::task::spawn_local(create_table::draw(drawn.clone(), current.get()));
    });
    let saving = prefix.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let prefix = saving.clone();
        leptos::task::spawn_local(async move {
            let Some(mut spec) = create_table::definition(&prefix).await else {
                return;
            };
            write_table(state, table, |t| {
                let old = &t.definition;
                spec.tags = old.tags.clone();
                spec.table_class = old.table_class.clone();
                spec.point_in_time_recovery_enabled = old.point_in_time_recovery_enabled;
                t.definition = spec;
            });
        });
    };
    view! {
        <details class="table-definition" data-testid="table-definition">
            <summary>"Table definition: keys, indexes, capacity, stream, TTL"</summary>
            <form class="create-table" data-ct-form=prefix on:submit=save>
                <div data-ct-fields style="display:contents"></div>
                <div class="row">
                    <button type="submit" class="primary" data-testid="table-definition-save">"Save definition"</button>
                    <button type="button" class="link" data-testid="form-table-remove"
                        on:click=move |_| state.model.update(|m| { if let Some(m) = m && table < m.tables.len() { m.tables.remove(table); } })>
                        "Remove table"
                    </button>
                </div>
            </form>
        </details>
    }
}

#[component]
fn TableDesign(table: usize, findings: Memo<Vec<Finding>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = move || read_table(state, table, |t| t.definition.table_name.clone());
    let entities = move || read_table(state, table, |t| t.entities.len());
    let patterns = move || read_table(state, table, |t| t.access_patterns.len());
    let add_entity = move |_| {
        write_table(state, table, |t| {
            let keys = t
                .definition
                .key_schema
                .iter()
                .map(|k| KeyTemplate {
                    attribute: k.attribute_name.clone(),
                    template: String::new(),
                })
                .collect();
            t.entities.push(Entity {
                name: format!("Entity{}", t.entities.len() + 1),
                keys,
                attributes: Vec::new(),
                count: Some(10),
                extra: Default::default(),
            });
        })
    };
    let add_pattern = move |_| {
        write_table(state, table, |t| {
            t.access_patterns.push(AccessPattern {
                name: format!("Pattern {}", t.access_patterns.len() + 1),
                description: String::new(),
                operation: Operation::Query,
                index: None,
                partition_key: Some(String::new()),
                sort_key: None,
                filter: None,
                projection: Vec::new(),
                limit: None,
                scan_forward: true,
                consistent_read: false,
                parameters: Default::default(),
            });
        })
    };
    view! {
        <div class="table-form" data-testid="table-form">
            <h3>{move || format!("Table {}", name())}</h3>
            <TableDefinition table />
            <h4>"Entities"</h4>
            <For each=move || 0..entities() key=|i| *i let(row)>
                <EntityForm at=At { table, row } findings />
            </For>
            <button type="button" data-testid="form-add-entity" on:click=add_entity>"+ Entity"</button>
            <h4>"Access patterns"</h4>
            <For each=move || 0..patterns() key=|i| *i let(row)>
                <PatternForm at=At { table, row } findings />
            </For>
            <button type="button" data-testid="form-add-pattern" on:click=add_pattern>"+ Access pattern"</button>
            <SampleData table />
        </div>
    }
}

/// Sample items shown per page of the sample data list.
const ITEMS_PER_PAGE: usize = 10;

/// A table's sample data: the generator's seed and the items written into the model (in
/// DynamoDB JSON, a page at a time, each checked by the engine's parser as it is typed).
/// Items the entities generate are not listed here; they appear in the data below once the
/// model settles.
#[component]
fn SampleData(table: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = move || read_table(state, table, |t| t.items.len());
    let pages = move || count().div_ceil(ITEMS_PER_PAGE).max(1);
    let page = RwSignal::new(0usize);
    let shown = move || page.get().min(pages() - 1);
    let rows = move || {
        let start = shown() * ITEMS_PER_PAGE;
        start..(start + ITEMS_PER_PAGE).min(count())
    };
    let add_item = move |_| {
        write_table(state, table, |t| t.items.push(new_item(&t.definition)));
        page.set(pages() - 1);
    };
    let seed = move || {
        read_table(state, table, |t| {
            t.seed.map(|s| s.to_string()).unwrap_or_default()
        })
    };
    view! {
        <details class="sample-data" data-testid="sample-data">
            <summary>{move || format!("Sample data: the generator's seed, and {} item{} written by hand", count(), if count() == 1 { "" } else { "s" })}</summary>
            <label class="form-row">
                <span class="form-label">"Generator seed"</span>
                <input type="number" min="0" class="short" data-testid="form-seed" placeholder=DEFAULT_SEED.to_string()
                    prop:value=seed
                    on:input=move |ev| {
                        let seed = event_target_value(&ev).trim().parse().ok();
                        write_table(state, table, |t| t.seed = seed);
                    } />
                <span class="muted">"The same seed makes the same items every time."</span>
            </label>
            <For each=rows key=|i| *i let(row)>
                <ItemField table row />
            </For>
            <div class="row">
                <Show when=move || { pages() > 1 }>
                    <button type="button" class="link" disabled=move || shown() == 0 on:click=move |_| page.set(shown().saturating_sub(1))>"‹ Previous"</button>
                    <span class="muted">{move || format!("page {} of {}", shown() + 1, pages())}</span>
                    <button type="button" class="link" disabled=move || shown() + 1 >= pages() on:click=move |_| page.set(shown() + 1)>"Next ›"</button>
                </Show>
                <button type="button" data-testid="form-add-item" on:click=add_item>"+ Item"</button>
            </div>
        </details>
    }
}

/// A new hand-written item: the table's key attributes with a placeholder value each.
fn new_item(spec: &dynoscope_model::model::TableSpec) -> dynoscope_model::model::ItemJson {
    dynoscope_engine::sorting::ordered(spec.key_schema.iter().map(|k| {
        let kind = spec.attribute_type(&k.attribute_name).unwrap_or("S");
        let value = match kind {
            "N" => serde_json::json!({"N": "0"}),
            "B" => serde_json::json!({"B": "AA=="}),
            _ => serde_json::json!({"S": "new"}),
        };
        (k.attribute_name.clone(), value)
    }))
}

/// One sample item as DynamoDB JSON on one line. Text the engine's parser accepts replaces
/// the item; anything else stays in the box with DynamoDB's reason beside it.
#[component]
fn ItemField(table: usize, row: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let saved = move || {
        read_table(state, table, |t| {
            t.items
                .get(row)
                .map(|i| serde_json::Value::Object(i.clone()).to_string())
                .unwrap_or_default()
        })
    };
    let draft = RwSignal::new(None::<(String, String)>);
    let edit = Callback::new(move |text: String| {
        let parsed = match serde_json::from_slice::<serde_json::Value>(text.as_bytes()) {
            Ok(serde_json::Value::Object(item)) => check_item(&item).map(|_| item),
            Ok(_) => Err("an item is an object of attributes in DynamoDB JSON".to_owned()),
            Err(e) => Err(format!("not JSON: {e}")),
        };
        match parsed {
            Ok(item) => {
                draft.set(None);
                write_table(state, table, |t| {
                    if let Some(slot) = t.items.get_mut(row) {
                        *slot = item
                    }
                });
            }
            Err(why) => draft.set(Some((text, why))),
        }
    });
    let remove = move |_| {
        draft.set(None);
        write_table(state, table, |t| {
            if row < t.items.len() {
                t.items.remove(row);
            }
        })
    };
    view! {
        <div class="form-row">
            <Field value=Signal::derive(move || draft.with(|d| d.as_ref().map(|(t, _)| t.clone())).unwrap_or_else(saved))
                on_edit=edit label=format!("Sample item {}", row + 1) testid="form-item" class="code wide" />
            <button type="button" class="link" data-testid="form-item-remove" on:click=remove>"Remove"</button>
        </div>
        {move || draft.with(|d| d.as_ref().map(|(_, why)| why.clone())).filter(|why| !why.is_empty()).map(|why| view! {
            <p class="field-error" role="alert" data-testid="form-item-error">{why}</p>
        })}
    }
}

const ATTRIBUTE_TYPES: &[&str] = &["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

#[component]
fn EntityForm(at: At, findings: Memo<Vec<Finding>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let text =
        move |get: fn(&Entity) -> String| Signal::derive(move || read_entity(state, at, get));
    let edit = move |set: fn(&mut Entity, String)| {
        Callback::new(move |v: String| write_entity(state, at, |e| set(e, v)))
    };
    let keys = move || read_entity(state, at, |e| e.keys.len());
    let attributes = move || read_entity(state, at, |e| e.attributes.len());
    let prefix = Signal::derive(move || {
        let table = read_table(state, at.table, |t| t.definition.table_name.clone());
        format!(
            "{table} › entity {}",
            read_entity(state, at, |e| e.name.clone())
        )
    });
    let key_row = move |k: usize| {
        let get = move |f: fn(&KeyTemplate) -> String| {
            Signal::derive(move || {
                read_entity(state, at, |e| e.keys.get(k).map(f).unwrap_or_default())
            })
        };
        let set = move |f: fn(&mut KeyTemplate, String)| {
            Callback::new(move |v: String| {
                write_entity(state, at, |e| {
                    if let Some(key) = e.keys.get_mut(k) {
                        f(key, v)
                    }
                })
            })
        };
        view! {
            <div class="form-row">
                <Field value=get(|k| k.attribute.clone()) on_edit=set(|k, v| k.attribute = v) label="Key attribute" testid="form-key-attribute" class="short" />
                <span>"="</span>
                <Field value=get(|k| k.template.clone()) on_edit=set(|k, v| k.template = v) label="Key template" testid="form-key-template" placeholder="e.g. USER#{userId}" />
                <button type="button" class="link" on:click=move |_| write_entity(state, at, |e| { if k < e.keys.len() { e.keys.remove(k); } })>"Remove"</button>
            </div>
        }
    };
    let attribute_row = move |a: usize| {
        let get = move |f: fn(&AttributeSpec) -> String| {
            Signal::derive(move || {
                read_entity(state, at, |e| {
                    e.attributes.get(a).map(f).unwrap_or_default()
                })
            })
        };
        let set = move |f: fn(&mut AttributeSpec, String)| {
            Callback::new(move |v: String| {
                write_entity(state, at, |e| {
                    if let Some(x) = e.attributes.get_mut(a) {
                        f(x, v)
                    }
                })
            })
        };
        view! {
            <div class="form-row">
                <Field value=get(|x| x.name.clone()) on_edit=set(|x, v| x.name = v) label="Attribute name" testid="form-attribute-name" />
                <Choice value=get(|x| x.kind.clone()) on_edit=set(|x, v| x.kind = v) options=pairs(ATTRIBUTE_TYPES) label="Attribute type" testid="form-attribute-type" />
                <button type="button" class="link" on:click=move |_| write_entity(state, at, |e| { if a < e.attributes.len() { e.attributes.remove(a); } })>"Remove"</button>
            </div>
            <GeneratorField at attribute=a />
        }
    };
    view! {
        <fieldset class="form-card" data-testid="entity-form">
            <legend>
                <Field value=text(|e| e.name.clone()) on_edit=edit(|e, v| e.name = v) label="Entity name" testid="form-entity-name" />
                <button type="button" class="link" data-testid="form-entity-remove"
                    on:click=move |_| write_table(state, at.table, |t| { if at.row < t.entities.len() { t.entities.remove(at.row); } })>
                    "Remove entity"
                </button>
            </legend>
            <p class="form-label">"Keys"</p>
            <For each=move || 0..keys() key=|k| *k children=key_row />
            <button type="button" class="link" data-testid="form-add-key"
                on:click=move |_| write_entity(state, at, |e| e.keys.push(KeyTemplate { attribute: String::new(), template: String::new() }))>
                "+ Key template"
            </button>
            <p class="form-label">"Attributes"</p>
            <For each=move || 0..attributes() key=|a| *a children=attribute_row />
            <button type="button" class="link" data-testid="form-add-attribute"
                on:click=move |_| write_entity(state, at, |e| e.attributes.push(AttributeSpec { name: String::new(), kind: "S".into(), generator: None }))>
                "+ Attribute"
            </button>
            <label class="form-row">
                "Sample items to generate"
                <input type="number" min="0" class="short" data-testid="form-entity-count"
                    prop:value=move || read_entity(state, at, |e| e.count.map(|c| c.to_string()).unwrap_or_default())
                    on:input=move |ev| {
                        let count = event_target_value(&ev).trim().parse().ok();
                        write_entity(state, at, |e| e.count = count);
                    } />
            </label>
            <ul class="findings">{findings_at(findings, prefix)}</ul>
        </fieldset>
    }
}

/// How one attribute's sample values are made: a kind picker that fills in that kind's
/// example, and the generator's JSON, applied to the model as soon as it reads as a
/// generator (until then the text stays here with the reason beside it). Empty means the
/// generator picks values fitting the attribute's name and type.
#[component]
fn GeneratorField(at: At, attribute: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let saved = move || {
        read_entity(state, at, |e| {
            e.attributes
                .get(attribute)
                .and_then(|x| x.generator.as_ref())
                .and_then(|g| serde_json::to_string(g).ok())
                .unwrap_or_default()
        })
    };
    // Text typed that is not (yet) a generator, and why.
    let draft = RwSignal::new(None::<(String, String)>);
    // Settings are read by the model's worker (the generator parser lives there); the last
    // text typed wins when answers cross.
    let typed = StoredValue::new(String::new());
    let edit = move |text: String| {
        typed.set_value(text.clone());
        if text.trim().is_empty() {
            draft.set(None);
            write_entity(state, at, |e| {
                if let Some(x) = e.attributes.get_mut(attribute) {
                    x.generator = None;
                }
            });
            return;
        }
        draft.set(Some((text.clone(), String::new())));
        leptos::task::spawn_local(async move {
            let checked = crate::converters::check_generator(text.clone()).await;
            if typed.get_value() != text {
                return;
            }
            match checked {
                Ok(settings) => {
                    draft.set(None);
                    write_entity(state, at, |e| {
                        if let Some(x) = e.attributes.get_mut(attribute) {
                            x.generator = Some(GeneratorJson(settings));
                        }
                    });
                }
                Err(e) => draft.set(Some((text, e.message))),
            }
        });
    };
    let kind = move || {
        let text = draft
            .with(|d| d.as_ref().map(|(t, _)| t.clone()))
            .unwrap_or_else(saved);
        EXAMPLES
            .iter()
            .find(|(kind, _)| text.contains(&format!(r#""kind":"{kind}""#)))
            .map(|(kind, _)| kind.to_string())
            .unwrap_or_default()
    };
    let mut kinds = vec![(String::new(), "values: automatic".to_owned())];
    kinds.extend(
        EXAMPLES
            .iter()
            .map(|(kind, _)| (kind.to_string(), format!("values: {kind}"))),
    );
    view! {
        <div class="form-row generator">
            <Choice value=Signal::derive(kind)
                on_edit=Callback::new(move |kind: String| {
                    let example = EXAMPLES.iter().find(|(k, _)| *k == kind).map(|(_, json)| json.to_string());
                    edit(example.unwrap_or_default());
                })
                options=kinds label="How values are generated" testid="form-generator-kind" />
            <Field value=Signal::derive(move || draft.with(|d| d.as_ref().map(|(t, _)| t.clone())).unwrap_or_else(saved))
                on_edit=Callback::new(edit) label="Generator settings (JSON)" testid="form-generator" placeholder="automatic" class="code" />
        </div>
        {move || draft.with(|d| d.as_ref().map(|(_, why)| why.clone())).map(|why| view! {
            <p class="field-error" role="alert" data-testid="form-generator-error">{why}</p>
        })}
    }
}

const OPERATORS: &[(&str, &str)] = &[
    ("", "no sort key condition"),
    ("=", "="),
    ("<", "<"),
    ("<=", "<="),
    (">", ">"),
    (">=", ">="),
    ("BETWEEN", "BETWEEN"),
    ("begins_with", "begins_with"),
];

fn operator_code(op: SortOperator) -> &'static str {
    match op {
        SortOperator::Eq => "=",
        SortOperator::Lt => "<",
        SortOperator::Le => "<=",
        SortOperator::Gt => ">",
        SortOperator::Ge => ">=",
        SortOperator::Between => "BETWEEN",
        SortOperator::BeginsWith => "begins_with",
    }
}

fn operator_of(code: &str) -> Option<SortOperator> {
    Some(match code {
        "=" => SortOperator::Eq,
        "<" => SortOperator::Lt,
        "<=" => SortOperator::Le,
        ">" => SortOperator::Gt,
        ">=" => SortOperator::Ge,
        "BETWEEN" => SortOperator::Between,
        "begins_with" => SortOperator::BeginsWith,
        _ => return None,
    })
}

/// Empty text means absent.
fn some_text(v: String) -> Option<String> {
    (!v.trim().is_empty()).then_some(v)
}

#[component]
fn PatternForm(at: At, findings: Memo<Vec<Finding>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move |get: fn(&AccessPattern) -> String| {
        Signal::derive(move || read_pattern(state, at, get))
    };
    let edit = move |set: fn(&mut AccessPattern, String)| {
        Callback::new(move |v: String| write_pattern(state, at, |p| set(p, v)))
    };
    let operation = move || read_pattern(state, at, |p| Some(p.operation));
    let is_scan = move || operation() == Some(Operation::Scan);
    let is_query = move || operation() == Some(Operation::Query);
    let operator = move || read_pattern(state, at, |p| p.sort_key.as_ref().map(|s| s.operator));
    let index_options = move || {
        let mut options = vec![(String::new(), "the table".to_owned())];
        read_table(state, at.table, |t| {
            let spec = &t.definition;
            for index in spec
                .global_secondary_indexes
                .iter()
                .chain(&spec.local_secondary_indexes)
            {
                options.push((
                    index.index_name.clone(),
                    format!("index {}", index.index_name),
                ));
            }
        });
        options
    };
    let prefix = Signal::derive(move || {
        let table = read_table(state, at.table, |t| t.definition.table_name.clone());
        format!(
            "{table} › access pattern {}",
            read_pattern(state, at, |p| p.name.clone())
        )
    });
    let check = move |get: fn(&AccessPattern) -> bool,
                      set: fn(&mut AccessPattern, bool),
                      label: &'static str,
                      testid: &'static str| {
        view! {
            <label class="check">
                <input type="checkbox" data-testid=testid
                    prop:checked=move || read_pattern(state, at, get)
                    on:change=move |ev| { let on = event_target_checked(&ev); write_pattern(state, at, |p| set(p, on)) } />
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="form-card" data-testid="pattern-form">
            <legend>
                <Field value=text(|p| p.name.clone()) on_edit=edit(|p, v| p.name = v) label="Pattern name" testid="form-pattern-name" />
                <button type="button" class="link" data-testid="form-pattern-remove"
                    on:click=move |_| write_table(state, at.table, |t| { if at.row < t.access_patterns.len() { t.access_patterns.remove(at.row); } })>
                    "Remove pattern"
                </button>
            </legend>
            <div class="form-row">
                <Choice value=Signal::derive(move || format!("{:?}", operation().unwrap_or(Operation::Query)))
                    on_edit=Callback::new(move |v: String| write_pattern(state, at, |p| {
                        p.operation = match v.as_str() { "GetItem" => Operation::GetItem, "Scan" => Operation::Scan, _ => Operation::Query };
                    }))
                    options=pairs(&["GetItem", "Query", "Scan"]) label="Operation" testid="form-pattern-operation" />
                "on"
                {move || view! {
                    <Choice value=text(|p| p.index.clone().unwrap_or_default())
                        on_edit=edit(|p, v| p.index = some_text(v))
                        options=index_options() label="Table or index" testid="form-pattern-index" />
                }}
            </div>
            <Show when=move || !is_scan()>
                <div class="form-row">
                    <span class="form-label">"Partition key ="</span>
                    <Field value=text(|p| p.partition_key.clone().unwrap_or_default()) on_edit=edit(|p, v| p.partition_key = some_text(v))
                        label="Partition key template" testid="form-pattern-pk" placeholder="e.g. USER#{userId}" />
                </div>
                <div class="form-row">
                    <span class="form-label">"Sort key"</span>
                    <Choice value=Signal::derive(move || operator().map(operator_code).unwrap_or("").to_owned())
                        on_edit=Callback::new(move |v: String| write_pattern(state, at, |p| {
                            p.sort_key = operator_of(&v).map(|operator| SortCondition {
                                operator,
                                value: p.sort_key.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
                                upper: p.sort_key.as_ref().and_then(|s| s.upper.clone()),
                            });
                        }))
                        options=OPERATORS.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect() label="Sort key operator" testid="form-pattern-sk-operator" />
                    <Show when=move || operator().is_some()>
                        <Field value=text(|p| p.sort_key.as_ref().map(|s| s.value.clone()).unwrap_or_default())
                            on_edit=edit(|p, v| if let Some(s) = p.sort_key.as_mut() { s.value = v })
                            label="Sort key template" testid="form-pattern-sk" placeholder="e.g. ORDER#{date}" />
                    </Show>
                    <Show when=move || operator() == Some(SortOperator::Between)>
                        "and"
                        <Field value=text(|p| p.sort_key.as_ref().and_then(|s| s.upper.clone()).unwrap_or_default())
                            on_edit=edit(|p, v| if let Some(s) = p.sort_key.as_mut() { s.upper = some_text(v) })
                            label="Upper bound template" testid="form-pattern-sk-upper" />
                    </Show>
                </div>
            </Show>
            <div class="form-row">
                <span class="form-label">"What it is for"</span>
                <Field value=text(|p| p.description.clone()) on_edit=edit(|p, v| p.description = v)
                    label="Pattern description" testid="form-pattern-description" placeholder="e.g. a customer's orders, newest first" />
            </div>
            <div class="form-row">
                <span class="form-label">"Filter"</span>
                <Field value=text(|p| p.filter.clone().unwrap_or_default()) on_edit=edit(|p, v| p.filter = some_text(v))
                    label="Filter expression" testid="form-pattern-filter" placeholder="e.g. #status = {status}" />
            </div>
            <div class="form-row">
                <span class="form-label">"Return"</span>
                <Field value=text(|p| p.projection.join(", "))
                    on_edit=edit(|p, v| p.projection = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
                    label="Attributes to return" testid="form-pattern-projection" placeholder="all attributes" />
                <span class="form-label">"Limit"</span>
                <input type="number" min="1" class="short" aria-label="Limit" data-testid="form-pattern-limit"
                    prop:value=move || read_pattern(state, at, |p| p.limit.map(|l| l.to_string()).unwrap_or_default())
                    on:input=move |ev| { let limit = event_target_value(&ev).trim().parse().ok(); write_pattern(state, at, |p| p.limit = limit) } />
            </div>
            <div class="form-row">
                <Show when=is_query>{check(|p| !p.scan_forward, |p, on| p.scan_forward = !on, "Newest first (ScanIndexForward false)", "form-pattern-descending")}</Show>
                {check(|p| p.consistent_read, |p, on| p.consistent_read = on, "Strongly consistent", "form-pattern-consistent")}
            </div>
            <ParameterFields at />
            <ul class="findings">{findings_at(findings, prefix)}</ul>
        </fieldset>
    }
}

/// An example value for each parameter the pattern's templates and filter name, kept in the
/// model (`parameters`) so a run, a saved model and a shared link all use it.
#[component]
fn ParameterFields(at: At) -> impl IntoView {
    let state = expect_context::<AppState>();
    let names = Memo::new(move |_| read_pattern(state, at, parameter_names));
    let field = move |name: String| {
        let (read, write) = (name.clone(), name.clone());
        let value = Signal::derive(move || {
            read_pattern(state, at, |p| {
                p.parameters.get(&read).cloned().unwrap_or_default()
            })
        });
        let on_edit = Callback::new(move |v: String| {
            write_pattern(state, at, |p| {
                p.parameters.insert(write.clone(), v);
            })
        });
        view! {
            <label class="param">
                <code>{format!("{{{name}}}")}</code>
                <Field value on_edit label=format!("Example value of {{{name}}}") testid="form-pattern-param" class="short" />
            </label>
        }
    };
    view! {
        <Show when=move || names.with(|n| !n.is_empty())>
            <div class="form-row params" data-testid="form-pattern-params">
                <span class="form-label">"Example values"</span>
                <For each=move || names.get() key=|n| n.clone() children=field />
            </div>
        </Show>
    }
}

/// A model's validation findings, recomputed as it changes.
pub fn live_findings(state: AppState) -> Memo<Vec<Finding>> {
    Memo::new(move |_| {
        state.model.with(|m| {
            m.as_ref()
                .map(dynoscope_model::validate::validate)
                .unwrap_or_default()
        })
    })
}
