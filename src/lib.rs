//! papersift: a research-paper explorer that runs entirely in the browser.
//!
//! The [`engine`] turns paper listings into a static index built on an FST term dictionary and
//! searches it; the same code runs in the native CLI (`papersift build`, `search`, …) and, compiled
//! to wasm32, in the Leptos app under `ui`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cite;
pub mod engine;
pub mod exports;
pub mod readinglist;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod viewstate;
