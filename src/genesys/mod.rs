//! The Genesys Cloud adapter layer, beside `aws/`: the only Genesys Cloud network calls live
//! here (and only here may the HTTP client crate be named; `tests/layers.rs`). It imports the
//! pure layers below it (`core`, `config`, `iam`), never `aws` or `report`.
//!
//! `regions`: the region table (region name → API and login URLs) and endpoint resolution.

pub mod regions;
