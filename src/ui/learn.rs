//! The Learn view: the guided scenarios, and the player. `/learn` lists every scenario with
//! its topics and exams; `/learn/ID` plays one. The player runs in a workspace of its own
//! (`?ws=learn`), so the Tables and Cluster views show each step's tables and the learner's
//! own data is never touched; opened elsewhere it offers to move there. Opening a scenario
//! picks up where it was left, since how far it was played is kept in IndexedDB beside the
//! workspace's tables (one scenario at a time: opening another starts that one over, with a
//! stepped clock, its simulation and no tables); each step shows
//! its explanation and source, runs its action on a click, and shows its checkpoints as
//! held or not, with what was expected and what came back. Exam-style questions close it,
//! each answer explained.
//!
//! The scenarios' text, steps and questions come from the worker as escaped HTML
//! (`dynoscope_learn::html`) rather than as view trees, and the buttons inside report to one
//! listener per list (`data-step`, `data-question`, `data-choice`): that keeps this view a
//! small part of the page's code.

use dynoscope_learn::StepReport;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use super::{AppState, ErrorNotice, ShownError};
use crate::converters::{self, LessonPlan};
use crate::learn::WORKSPACE;

/// How far the scenario the learn workspace holds was played, kept under
/// [`crate::store::LESSON_PROGRESS`].
#[derive(Serialize, Deserialize)]
struct Progress {
    id: String,
    next: usize,
    reports: Vec<StepReport>,
    picked: Vec<Option<usize>>,
}

/// The view.
#[component]
pub fn LearnPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = RwSignal::new(None::<Result<String, ShownError>>);
    leptos::task::spawn_local(async move {
        let loaded = converters::lessons().await;
        list.try_set(Some(loaded.map(|(_, html)| html).map_err(ShownError::from)));
    });
    move || {
        let body = match state.lesson.get() {
            Some(id) => view! { <Lesson id /> }.into_any(),
            None => match list.get() {
                None => view! { <p class="muted">"Loading the scenarios…"</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e testid="learn-error" /> }.into_any(),
                Some(Ok(html)) => view! { <div inner_html=html></div> }.into_any(),
            },
        };
        view! { <main class="learn" data-testid="learn">{body}</main> }
    }
}

/// The `data-NAME` number of the element an event came from (or its nearest holder).
/// The progress kept for `plan`'s scenario, if the learn workspace holds that one and the
/// progress still fits it.
async fn kept_progress(
    handle: &crate::bridge::EngineHandle,
    plan: &LessonPlan,
) -> Option<Progress> {
    let text = handle
        .load_text(crate::store::LESSON_PROGRESS)
        .await
        .ok()??;
    let kept: Progress = serde_json::from_slice(text.as_bytes()).ok()?;
    let fits = kept.id == plan.id
        && kept.next <= plan.steps
        && kept.reports.len() == kept.next
        && kept.picked.len() == plan.questions;
    fits.then_some(kept)
}

fn data_number(ev: &leptos::ev::Event, name: &str) -> Option<usize> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let holder = target.closest(&format!("[data-{name}]")).ok()??;
    holder.get_attribute(&format!("data-{name}"))?.parse().ok()
}

/// "See it in the Cluster view" (`data-see-table`, `data-see-panel`, `data-see-key`): opens
/// the table's Cluster view, with the item located when the step named one, and brings the
/// panel the step is about into view, outlined. Whether the click was one.
fn see_it(state: AppState, ev: &leptos::ev::Event) -> bool {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("[data-see-table]").ok().flatten())
    else {
        return false;
    };
    let (Some(table), Some(panel)) = (
        button.get_attribute("data-see-table"),
        button.get_attribute("data-see-panel"),
    ) else {
        return false;
    };
    let key = button
        .get_attribute("data-see-key")
        .and_then(|k| serde_json::from_slice(k.as_bytes()).ok());
    state.selected.set(Some(table.clone()));
    state.view.set(super::MainView::Cluster);
    state.locate_key.set(key.map(|key| (table, key)));
    state.page.set(super::route::Page::Tables);
    spotlight(format!("[data-testid=\"{panel}\"]"), 40);
    true
}

/// Scrolls the element `selector` finds into view and outlines it for a moment, looking
/// again every 100 ms (the view it is in may still be loading), `tries` times at most.
fn spotlight(selector: String, tries: u32) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let found = window
        .document()
        .and_then(|d| d.query_selector(&selector).ok().flatten());
    match found {
        Some(element) => {
            element.scroll_into_view();
            let _ = element.class_list().add_1("spotlight");
        }
        None if tries > 0 => {
            let again = wasm_bindgen::closure::Closure::once_into_js(move || {
                spotlight(selector, tries - 1)
            });
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), 100);
        }
        None => {}
    }
}

/// Scenario `id`, played step by step.
#[component]
fn Lesson(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let in_workspace = crate::workspace().as_deref() == Some(WORKSPACE);
    let plan = RwSignal::new(None::<LessonPlan>);
    // The next step to play, the reports of those played, the answers picked.
    let next = RwSignal::new(0usize);
    let reports = RwSignal::new(Vec::<StepReport>::new());
    let picked = RwSignal::new(Vec::<Option<usize>>::new());
    let busy = RwSignal::new(true);
    let error = RwSignal::new(None::<ShownError>);
    let html = RwSignal::new((String::new(), String::new()));
    // Starts over (n = None) or plays step n, then records what came of it.
    let act = move |n: Option<usize>| {
        let Some(current) = plan.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let outcome = match (state.handle(), n) {
                (Err(e), _) => Err(e),
                (Ok(handle), None) => crate::learn::reset(&handle, &current)
                    .await
                    .map(|()| None)
                    .map_err(ShownError::from),
                (Ok(handle), Some(n)) => {
                    let saved = reports.with_untracked(|r| {
                        dynoscope_engine::sorting::ordered(r.iter().flat_map(|r| r.saved.clone()))
                    });
                    crate::learn::play_step(&handle, &current.id, n, saved)
                        .await
                        .map(Some)
                        .map_err(ShownError::from)
                }
            };
            match outcome {
                Ok(None) => {
                    next.set(0);
                    reports.set(Vec::new());
                    picked.set(vec![None; current.questions]);
                }
                Ok(Some(report)) => {
                    reports.update(|r| r.push(report));
                    next.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            state.changed();
            busy.set(false);
        });
    };
    // Every change of where the player stands is kept, so a reload picks up from there.
    Effect::new(move |_| {
        let Some(id) = plan.with(|p| p.as_ref().map(|p| p.id.clone())) else {
            return;
        };
        let progress = Progress {
            id,
            next: next.get(),
            reports: reports.get(),
            picked: picked.get(),
        };
        if !in_workspace || busy.get() {
            return;
        }
        let (Ok(handle), Ok(text)) = (state.handle(), serde_json::to_string(&progress)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Err(e) = handle
                .save_text(crate::store::LESSON_PROGRESS, Some(&text))
                .await
            {
                error.set(Some(ShownError::local(format!(
                    "the progress could not be kept: {}",
                    e.message
                ))));
            }
        });
    });
    {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match converters::lesson(id, in_workspace).await {
                Ok(loaded) => {
                    picked.set(vec![None; loaded.questions]);
                    let kept = match (in_workspace, state.handle()) {
                        (true, Ok(handle)) => kept_progress(&handle, &loaded).await,
                        _ => None,
                    };
                    let resume = kept.is_some();
                    if let Some(kept) = kept {
                        next.set(kept.next);
                        reports.set(kept.reports);
                        picked.set(kept.picked);
                    }
                    plan.set(Some(loaded));
                    if in_workspace && !resume {
                        act(None);
                    } else {
                        busy.set(false);
                    }
                }
                Err(e) => error.set(Some(e.into())),
            }
        });
    }
    // The steps and questions as the player stands, written by the worker.
    Effect::new(move |_| {
        let Some(id) = plan.with(|p| p.as_ref().map(|p| p.id.clone())) else {
            return;
        };
        let (n, done, can_run, answers) = (
            next.get(),
            reports.get(),
            in_workspace && !busy.get(),
            picked.get(),
        );
        leptos::task::spawn_local(async move {
            match converters::render(id, n, done, can_run, answers).await {
                Ok(rendered) => html.set(rendered),
                Err(e) => error.set(Some(e.into())),
            }
        });
    });
    view! {
        <section class="lesson-header" data-lesson=id inner_html=move || plan.with(|p| p.as_ref().map(|p| p.header.clone()).unwrap_or_default())></section>
        <Show when=move || in_workspace>
            <button type="button" data-testid="lesson-restart" disabled=move || busy.get() on:click=move |_| act(None)>"Start over"</button>
        </Show>
        {move || error.get().map(|e| view! { <ErrorNotice error=e testid="lesson-error" /> })}
        <ol class="lesson-steps" inner_html=move || html.with(|h| h.0.clone())
            on:click=move |ev| {
                if see_it(state, &ev) {
                    return;
                }
                if let Some(n) = data_number(&ev, "step") && n == next.get_untracked() && !busy.get_untracked() { act(Some(n)) }
            }></ol>
        <section class="lesson-questions" inner_html=move || html.with(|h| h.1.clone())
            on:change=move |ev| {
                if let (Some(q), Some(c)) = (data_number(&ev, "question"), data_number(&ev, "choice")) {
                    picked.update(|p| if let Some(slot) = p.get_mut(q) { *slot = Some(c) });
                }
            }></section>
    }
}
