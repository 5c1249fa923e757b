//! The engine with every feature (`extras`), as the WebAssembly module the browser page
//! loads the first time a request needs it (see `dynoscope_engine::needs_full`): backups,
//! exports and imports, PartiQL, global tables, DAX, IAM principals and the rest. Trunk
//! builds it beside the app (`www/index.html`); the page's `full` module loads it and
//! drives one [`FullEngine`] as it would the engine in its first load. Everything crosses as
//! text: requests and responses as DynamoDB JSON, changes and snapshots as their serde JSON,
//! so the page keeps committing each request's changes to IndexedDB itself. Native builds
//! get an empty `main`.

#[cfg(target_arch = "wasm32")]
mod exports;

fn main() {}
