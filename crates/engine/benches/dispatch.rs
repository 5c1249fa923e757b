//! Throughput of the engine, in operations per second on one core: the workloads of
//! `suite.rs`, timed natively. Run with `make bench` (or `cargo bench -p dynoscope-engine`);
//! `cargo bench -p dynoscope-engine -- WORD` runs only the figures whose label has WORD.

mod suite;

use std::time::Instant;

fn main() {
    let origin = Instant::now();
    let clock = move || origin.elapsed().as_secs_f64();
    let mut out = |line: &str| println!("{line}");
    let filter = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    suite::run(&mut suite::Bench {
        clock: &clock,
        out: &mut out,
        filter,
        seconds: 1.5,
    });
}
