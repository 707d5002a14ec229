//! The plain-text listing reader (see `targets::run_listing`).
#![no_main]
#[path = "targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::run_listing(data));
