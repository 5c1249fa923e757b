//! The table list in the sidebar: every table ListTables reports, as buttons that select the
//! table whose items the main area shows. The list itself is loaded by [`super::App`], which
//! reloads it after every write.

use leptos::prelude::*;

use super::AppState;

/// The list of tables.
#[component]
pub fn TableList() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel table-list" aria-labelledby="tables-heading">
            <h2 id="tables-heading">"Tables"</h2>
            {move || {
                let tables = state.tables.get();
                if tables.is_empty() {
                    view! { <p class="muted" data-testid="no-tables">"No tables yet."</p> }.into_any()
                } else {
                    view! {
                        <ul data-testid="table-list">
                            {tables
                                .into_iter()
                                .map(|name| {
                                    let selected = {
                                        let name = name.clone();
                                        move || state.selected.get().as_deref() == Some(name.as_str())
                                    };
                                    let select = {
                                        let name = name.clone();
                                        move |_| state.selected.set(Some(name.clone()))
                                    };
                                    view! {
                                        <li>
                                            <button
                                                type="button"
                                                class="table-link"
                                                class:selected=selected.clone()
                                                aria-current=move || selected().then_some("true")
                                                data-testid="table-link"
                                                data-table=name.clone()
                                                on:click=select
                                            >
                                                {name.clone()}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
