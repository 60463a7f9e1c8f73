//! `cargo +nightly fuzz run cache`: the check in `tests/fuzz_checks/mod.rs`,
//! which the regular tests replay on `tests/fuzz-corpus/cache/`.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::cache(data));
