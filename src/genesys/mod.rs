//! The Genesys Cloud adapter layer, beside `aws/`: the only Genesys Cloud network calls live
//! here (and only here may the HTTP client crate be named; `tests/it/layers.rs`). It imports the
//! pure layers below it (`core`, `config`, `iam`), never `aws` or `report`.
//!
//! `regions`: the region table (region name → API and login URLs) and endpoint resolution.
//! `client`: OAuth client credentials, requests, the retry policy, [`client::Secret`].
//! `observe`: every read. `apply`: every write. `audit`: who changed an object (the realtime
//! audit query). `test`: runs a data action end to end (`verify --test-actions`).

pub mod apply;
pub mod audit;
pub mod client;
pub mod observe;
pub mod session;
mod settle;
pub use crate::config::genesys_regions as regions;
pub mod test_run;

pub use client::{Client, GenesysError, OAuthClient, Secret};
pub use session::Session;
