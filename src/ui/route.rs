//! Views as routes: the page's URL path says which view is shown, so a reload or a shared
//! address opens the same view. `/` is Home, `/tables` the table workbench (`/tables/NAME`
//! with a table selected, `/tables/NAME/cluster` its Cluster view), `/model` the model
//! workspace, `/learn` the guided scenarios (`/learn/ID` one being played), `/activity` the
//! log of every request served. [`sync`] keeps the URL and [`AppState`]'s signals in
//! step both ways: signals follow the address on load and on Back/Forward, and the address
//! follows the signals (a new history entry per change). The fragment is left alone: it
//! carries share links. Serving needs an index.html fallback for these paths
//! (`scripts/serve.py` does it).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::{AppState, MainView};

/// The app's top-level views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Home,
    Tables,
    Model,
    Learn,
    Activity,
}

impl Page {
    /// The path of the page itself.
    pub fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Tables => "/tables",
            Page::Model => "/model",
            Page::Learn => "/learn",
            Page::Activity => "/activity",
        }
    }
}

/// What a URL path names: the page and, under `/tables`, a table and its view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub page: Page,
    pub table: Option<String>,
    pub view: MainView,
    /// Under `/learn`, the scenario being played.
    pub lesson: Option<String>,
}

impl Route {
    /// Reads a path; anything unknown is Home.
    pub fn parse(path: &str) -> Route {
        let mut parts = path.trim_matches('/').split('/').filter(|p| !p.is_empty());
        let page = match parts.next() {
            Some("tables") => Page::Tables,
            Some("model") => Page::Model,
            Some("learn") => Page::Learn,
            Some("activity") => Page::Activity,
            _ => Page::Home,
        };
        let lesson = if page == Page::Learn {
            parts.clone().next().map(decode)
        } else {
            None
        };
        let (table, view) = if page == Page::Tables {
            let table = parts.next().map(decode);
            let view = match parts.next() {
                Some("cluster") => MainView::Cluster,
                Some("query") => MainView::Query,
                _ => MainView::Items,
            };
            (table, view)
        } else {
            (None, MainView::Items)
        };
        Route {
            page,
            table,
            view,
            lesson,
        }
    }

    /// The path naming this route.
    pub fn path(&self) -> String {
        match (&self.page, &self.table) {
            (Page::Tables, Some(table)) => {
                let view = match self.view {
                    MainView::Cluster => "/cluster",
                    MainView::Query => "/query",
                    MainView::Items => "",
                };
                format!("/tables/{}{view}", encode(table))
            }
            (Page::Learn, _) => match &self.lesson {
                Some(id) => format!("/learn/{}", encode(id)),
                None => Page::Learn.path().to_owned(),
            },
            (page, _) => page.path().to_owned(),
        }
    }
}

/// Percent-encodes a table name for a path segment (names may hold `.`, `-`, `_` only
/// besides letters and digits, but be safe with anything).
fn encode(name: &str) -> String {
    js_sys::encode_uri_component(name).into()
}

fn decode(segment: &str) -> String {
    js_sys::decode_uri_component(segment)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| segment.to_owned())
}

/// The current location's path.
fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".to_owned())
}

/// Points the address bar at `path`, keeping the query and fragment, as a new history entry.
fn push(path: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let rest = format!(
        "{}{}",
        location.search().unwrap_or_default(),
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{rest}")),
        );
    }
}

/// Sets the signals from a route.
fn apply(state: AppState, route: Route) {
    state.page.set(route.page);
    if route.page == Page::Tables {
        state.selected.set(route.table);
        state.view.set(route.view);
    }
    if route.page == Page::Learn {
        state.lesson.set(route.lesson);
    }
}

/// The route the signals describe now.
fn from_signals(state: AppState) -> Route {
    Route {
        page: state.page.get(),
        table: state.selected.get(),
        view: state.view.get(),
        lesson: state.lesson.get(),
    }
}

/// Starts keeping the URL and the signals in step.
pub fn sync(state: AppState) {
    apply(state, Route::parse(&current_path()));
    Effect::new(move |_| {
        let path = from_signals(state).path();
        if path != current_path() {
            push(&path);
        }
    });
    let on_pop = Closure::<dyn Fn()>::new(move || apply(state, Route::parse(&current_path())));
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    on_pop.forget();
}

/// A navigation link: a real `<a href>` (so it opens in a new tab too) that switches the
/// view in place on a plain click.
#[component]
pub fn NavLink(
    page: Page,
    #[prop(optional, into)] testid: String,
    children: Children,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = move || state.page.get() == page;
    view! {
        <a
            href=page.path()
            class="nav-link"
            class:current=current
            aria-current=move || current().then_some("page")
            data-testid=testid
            on:click=move |ev: web_sys::MouseEvent| {
                if ev.button() == 0 && !ev.ctrl_key() && !ev.meta_key() && !ev.shift_key() {
                    ev.prevent_default();
                    // The Learn link leads to the list of scenarios, not the one last played.
                    if page == Page::Learn {
                        state.lesson.set(None);
                    }
                    state.page.set(page);
                }
            }
        >
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn paths_name_their_routes() {
        assert_eq!(Route::parse("/").page, Page::Home);
        assert_eq!(Route::parse("/model").page, Page::Model);
        let r = Route::parse("/tables/Orders/cluster");
        assert_eq!(
            (r.page, r.table.as_deref(), r.view),
            (Page::Tables, Some("Orders"), MainView::Cluster)
        );
        assert_eq!(r.path(), "/tables/Orders/cluster");
    }
}
