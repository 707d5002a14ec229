//! The JSON Lines reader (see `targets::run_jsonl`).
#![no_main]
#[path = "targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::run_jsonl(data));
