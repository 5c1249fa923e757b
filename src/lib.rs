//! The Dynoscope browser app: the Leptos UI, the `window.dynoscope` JS API and IndexedDB
//! persistence, all over the engine's one dispatch. Browser-only code is compiled for
//! wasm32 only, so native `cargo test` of the workspace stays light. [`start`] is the
//! entry point: it installs `window.dynoscope`, opens the IndexedDB store of the workspace
//! the address names, restores the engine from it and mounts the UI (or a page explaining
//! why the database could not open).

#[cfg(target_arch = "wasm32")]
pub mod bridge;
#[cfg(target_arch = "wasm32")]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod converters;
#[cfg(target_arch = "wasm32")]
pub mod js_api;
#[cfg(target_arch = "wasm32")]
pub mod learn;
#[cfg(target_arch = "wasm32")]
pub mod playground;
#[cfg(target_arch = "wasm32")]
pub mod store;
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
    wasm_bindgen_futures::spawn_local(async move {
        match bridge::EngineHandle::open(&workspace_database()).await {
            Ok(handle) => {
                ui::mount(handle.clone());
                if let Some(api) = api {
                    api.resolve(handle);
                }
            }
            Err(error) => {
                ui::mount_failure(error.message.clone());
                if let Some(api) = api {
                    api.reject(&error);
                }
            }
        }
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
