//! The query parser and search (see `targets::run_query`).
#![no_main]
#[path = "targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::run_query(data));
