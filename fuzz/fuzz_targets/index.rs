//! The index reader, manifest and every file kind (see `targets::run_index`).
#![no_main]
#[path = "targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::run_index(data));
