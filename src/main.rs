//! Entry point of the wasm app built by Trunk: hands over to `dynoscope::start`. Native
//! builds get an empty `main`, so the workspace still builds and tests on the host.

fn main() {
    #[cfg(target_arch = "wasm32")]
    dynoscope::start();
}
