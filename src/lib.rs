//! The Dynoscope browser app: the Leptos UI, the `window.dynoscope` JS API and IndexedDB
//! persistence, all over the engine's one dispatch. Browser-only code is compiled for
//! wasm32 only, so native `cargo test` of the workspace stays light. `start` is the
//! entry point: it installs `window.dynoscope`, opens the IndexedDB store of the workspace
//! the address names (once this tab owns it: `owner`), restores the engine from it and
//! mounts the UI.

pub mod aggregate;
#[cfg(target_arch = "wasm32")]
pub mod bridge;
#[cfg(target_arch = "wasm32")]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod converters;
#[cfg(target_arch = "wasm32")]
pub mod engines;
#[cfg(target_arch = "wasm32")]
pub mod full;
#[cfg(target_arch = "wasm32")]
pub mod functions;
#[cfg(target_arch = "wasm32")]
pub mod js_api;
#[cfg(target_arch = "wasm32")]
pub mod learn;
#[cfg(target_arch = "wasm32")]
pub mod owner;
pub mod pages;
pub mod panels;
#[cfg(target_arch = "wasm32")]
pub mod playground;
#[cfg(target_arch = "wasm32")]
pub mod remember;
#[cfg(target_arch = "wasm32")]
pub mod s3;
pub mod s3_files;
#[cfg(target_arch = "wasm32")]
pub mod store;
pub mod triggers_panel;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// Starts the app in the current page.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    console_error_panic_hook::set_once();
    let api = match js_api::install() {
        Ok(api) => Some(api),
        Err(e) => {
            web_sys::console::error_2(&"dynoscope: could not install window.dynoscope".into(), &e);
            None
        }
    };
    let db_name = workspace_database();
    let take_over = owner::take_wish(&db_name);
    wasm_bindgen_futures::spawn_local(boot(db_name, api, take_over));
}

/// Takes the database for this tab (or, if another tab serves it, shows so and waits for
/// "Use it here"), restores the engine and mounts the UI.
#[cfg(target_arch = "wasm32")]
async fn boot(db_name: String, api: Option<js_api::PendingApi>, take_over: bool) {
    if take_over {
        owner::show_notice(None);
    }
    let Some(tenure) = owner::acquire(&db_name, take_over).await else {
        owner::show_notice(Some(Box::new(move || {
            wasm_bindgen_futures::spawn_local(boot(db_name, api, true));
        })));
        return;
    };
    owner::hide_notice();
    let handle = bridge::EngineHandle::open(&db_name).await;
    let keeper = remember::Keeper::start(handle.clone());
    functions::start(handle.clone());
    step_down_when_asked(tenure, handle.clone(), keeper, db_name);
    ui::mount(handle.clone());
    if let Some(api) = api {
        api.resolve(handle);
    }
}

/// When another tab asks for the database: refuse new requests, commit everything
/// acknowledged, save the history ([`remember`]), close the database, let the lock go and offer to take it back.
#[cfg(target_arch = "wasm32")]
fn step_down_when_asked(
    tenure: owner::Tenure,
    handle: bridge::EngineHandle,
    keeper: remember::Keeper,
    db_name: String,
) {
    tenure.on_take_over(move |tenure| {
        owner::refuse_requests();
        wasm_bindgen_futures::spawn_local(async move {
            handle.settle().await;
            keeper.save().await;
            if let Some(store) = handle.store() {
                store.clone().close();
            }
            tenure.release();
            owner::show_notice(Some(Box::new(move || owner::reload_to_take_over(&db_name))));
        });
    });
}

/// The IndexedDB database of the workspace the address names: `?ws=NAME` opens a workspace
/// of its own (a shared link opened beside the visitor's data), none the default one.
#[cfg(target_arch = "wasm32")]
pub fn workspace_database() -> String {
    match workspace() {
        Some(name) => format!("{}-ws-{name}", store::DEFAULT_DB_NAME),
        None => store::DEFAULT_DB_NAME.to_owned(),
    }
}

/// The workspace named by `?ws=` in the address, reduced to letters, digits and `-`.
#[cfg(target_arch = "wasm32")]
pub fn workspace() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let name: String = params
        .get("ws")?
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    (!name.is_empty()).then_some(name)
}
