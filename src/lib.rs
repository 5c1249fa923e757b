//! The Dynoscope browser app: the Leptos UI, the `window.dynoscope` JS API and IndexedDB
//! persistence, all over the engine's one dispatch. Browser-only code is compiled for
//! wasm32 only, so native `cargo test` of the workspace stays light. [`start`] is the
//! entry point: it installs `window.dynoscope`, opens the IndexedDB store, restores the
//! engine from it and mounts the UI (or a page explaining why the database could not open).

#[cfg(target_arch = "wasm32")]
pub mod bridge;
#[cfg(target_arch = "wasm32")]
pub mod js_api;
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
        match bridge::EngineHandle::open(store::DEFAULT_DB_NAME).await {
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
