//! billdiff: read bill versions written in Markdown into clause trees, align two versions
//! clause by clause, redline the changed clauses word by word, and render the result.
//!
//! The pipeline and the module that owns each stage are described in `ARCHITECTURE.md`.

pub mod align;
pub mod annotate;
pub mod app;
pub mod cite;
pub mod cli;
pub mod config;
pub mod memory;
pub mod model;
pub mod output;
pub mod parse;
pub mod redline;
pub mod render;
pub mod report;
pub mod source;
pub mod tokens;
pub mod yaml;
