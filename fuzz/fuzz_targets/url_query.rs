//! `cargo +nightly fuzz run url_query`: the check in `tests/fuzz_checks/mod.rs`,
//! which the regular tests replay on `tests/fuzz-corpus/url_query/`.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::url_query(data));
