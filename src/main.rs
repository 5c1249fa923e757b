//! Entry point of the wasm app built by Trunk.
fn main() {}
