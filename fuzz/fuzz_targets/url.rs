//! The app's URL state (see `targets::run_url`).
#![no_main]
#[path = "targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::run_url(data));
