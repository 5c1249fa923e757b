//! Entry point of the converters' web worker built by Trunk beside the app: hands over to
//! `dynoscope::converters::serve`. Native builds get an empty `main`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    dynoscope::converters::serve();
}
