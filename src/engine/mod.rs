//! The pure engine: everything papersift does with text and index bytes, free of I/O policy
//! and UI, compiled for both the native CLI and the browser.

pub mod corpus;
pub mod error;
pub mod eval;
pub mod index;
pub mod search;
pub mod sort;
pub mod stages;
pub mod text;
pub mod topics;
