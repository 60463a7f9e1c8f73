//! Trunk's entry point: mounts the dashboard (see `queuescope::start`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    queuescope::start();
}
