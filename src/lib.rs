//! The Dynoscope browser app: the Leptos UI, the `window.dynoscope` JS API and IndexedDB
//! persistence, all over the engine's one dispatch. Browser-only code is compiled for
//! wasm32 only, so native `cargo test` of the workspace stays light.
