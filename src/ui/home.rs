//! Home: the three things people come for, one click each: design a table (the Model view),
//! open a bundled sample model (applied at once, then shown in the Model view) and explore
//! tables (the Tables view).

use leptos::prelude::*;

use super::route::Page;
use super::{AppState, ErrorNotice, ShownError};

/// The landing page.
#[component]
pub fn Home() -> impl IntoView {
    let state = expect_context::<AppState>();
    let opening = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<ShownError>);
    let open_sample = move |id: &'static str| {
        opening.set(Some(id));
        error.set(None);
        leptos::task::spawn_local(async move {
            match super::model::open_sample(state, id).await {
                Ok(()) => state.page.set(Page::Model),
                Err(e) => error.set(Some(e)),
            }
            opening.set(None);
        });
    };
    view! {
        <main class="home" data-testid="home">
            <section class="home-intro">
                <h2>"DynamoDB, with the cluster showing"</h2>
                <p>
                    "A complete DynamoDB engine running in this tab. Every request answers as DynamoDB does, with what it cost, "
                    "which partition and replica served it, and what the stream saw. Nothing leaves the browser."
                </p>
            </section>
            <div class="home-cards">
                <section class="home-card">
                    <h3>"Design a table"</h3>
                    <p>"Model entities, key templates, indexes and access patterns; load sample data and see each pattern run with its exact cost."</p>
                    <a class="button primary" href="/model" data-testid="home-design"
                        on:click=move |ev: web_sys::MouseEvent| { ev.prevent_default(); state.page.set(Page::Model); }>
                        "Design a table"
                    </a>
                </section>
                <section class="home-card">
                    <h3>"Open a sample model"</h3>
                    <p>"Start from a worked single-table design. Opening one creates its tables here and loads its data."</p>
                    <ul class="sample-list">
                        {dynoscope_model::samples::SAMPLES
                            .iter()
                            .map(|sample| {
                                let id = sample.id;
                                view! {
                                    <li>
                                        <button type="button" class="sample" data-testid="home-sample" data-sample=id
                                            disabled=move || opening.get().is_some()
                                            on:click=move |_| open_sample(id)>
                                            <strong>{sample.title}</strong>
                                            <span class="muted">{sample.summary}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {move || opening.get().map(|_| view! { <p class="muted" role="status">"Creating the tables and loading the data…"</p> })}
                    {move || error.get().map(|e| view! { <ErrorNotice error=e testid="home-error" /> })}
                </section>
                <section class="home-card">
                    <h3>"Explore a table"</h3>
                    <p>"Create a table, write items, and watch partitions, replicas, capacity and the stream in the Cluster view."</p>
                    <a class="button" href="/tables" data-testid="home-explore"
                        on:click=move |ev: web_sys::MouseEvent| { ev.prevent_default(); state.page.set(Page::Tables); }>
                        "Explore tables"
                    </a>
                </section>
            </div>
        </main>
    }
}
