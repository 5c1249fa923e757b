//! The engine's benchmark workloads (`crates/engine/benches/suite`) compiled to
//! WebAssembly with the browser app's profile (`wasm-release`: the engine optimised for
//! size), so the figures show what a request costs in a tab. `scripts/bench-wasm.sh` builds
//! it, binds it for Node with wasm-bindgen and calls `run`; Node's V8 is the engine
//! Chromium uses. Native builds compile to nothing.

#[cfg(target_arch = "wasm32")]
#[path = "../../engine/benches/suite/mod.rs"]
mod suite;

#[cfg(target_arch = "wasm32")]
mod host {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console)]
        pub fn log(line: &str);
        #[wasm_bindgen(js_namespace = performance)]
        pub fn now() -> f64;
    }
}

/// Runs every figure whose label contains one of the space-separated words in `filter`
/// (all when it is empty), printing each line to the console as it is measured.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn run(filter: &str, seconds: f64) {
    let clock = || host::now() / 1000.0;
    let mut out = |line: &str| host::log(line);
    let filter = filter.split_whitespace().map(str::to_owned).collect();
    suite::run(&mut suite::Bench {
        clock: &clock,
        out: &mut out,
        filter,
        seconds,
    });
}
