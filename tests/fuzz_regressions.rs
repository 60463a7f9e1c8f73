//! Replays every input kept from the fuzz runs (`tests/fuzz-corpus/<target>/`:
//! the crashes found, each fixed, and a small minimised seed corpus) through
//! the fuzz targets' own checks, in the regular native tests. Fuzzing itself
//! is `cargo +nightly fuzz run TARGET` (README, "Fuzzing").
#![cfg(not(target_arch = "wasm32"))]

mod fuzz_checks;

#[test]
fn every_kept_fuzz_input_passes_its_checks() {
    for (target, check) in fuzz_checks::TARGETS {
        let inputs = fuzz_checks::corpus(target);
        assert!(!inputs.is_empty(), "no inputs kept for {target}");
        for (name, bytes) in inputs {
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "tests/fuzz-corpus/{target}/{name}");
        }
    }
}
