//! The Genesys Cloud adapter layer, beside `aws/`: the only Genesys Cloud network calls live
//! here (and only here may the HTTP client crate be named; `tests/it/layers.rs`). It imports the
//! pure layers below it (the provisioner crate, `event`, `config`, `iam`), never `aws` or `report`.
//!
//! The region table (region name → API and login URLs) and endpoint resolution are the config
//! crate's (`lambda_trust_config::resolve_endpoints`).
//! `client`: requests and the retry policy. `credentials`: the OAuth client, its
//! [`credentials::Secret`], the endpoints.
//! `observe`: every read. `apply`: every write. `audit`: who changed an object (the realtime
//! audit query). `test`: runs a data action end to end (`verify --test-actions`).
//!
//! # Modules
//!
//! `client` (OAuth client credentials, `Secret`,
//! the retry policy: 429 Retry-After (honoured above 30 s, said), pacing by the `inin-ratelimit-*`
//! headers, 5xx backoff for repeatable calls only, counted), `observe` (every read, typed; the
//! ledger settles unchanged actions; dependency tracking; `organization`: `audit --genesys`'s
//! read), `apply` (every write; version conflicts 409/408/400 → re-read the version, retry; a
//! create whose answer was lost is found by name, never re-sent blindly), `audit` (who changed an
//! object, `expand=user`), `settle` (the credential date the ledger records after a write: the
//! whole second once Genesys Cloud's `Date` has left it and the audit trail shows no other change),
//! `test_run` (the data-action test run: steps, answer, duration), `session` (one config's
//! signed-in side: desired, observed, and the plans that need Architect's answer — plan, ask which
//! flows call an action, plan again; who changed each finding)

pub(crate) mod apply;
pub(crate) mod audit;
pub(crate) mod client;
pub(crate) mod credentials;
pub(crate) mod error;
pub(crate) mod observe;
pub(crate) mod session;
mod settle;
pub(crate) mod test_run;

pub(crate) use session::Session;

/// The one field of the integration's credential (`amazonWebServicesARN`): the role ARN, as
/// `POST /api/v2/integrations/credentials` takes it and `GET` answers it. Only this adapter
/// reads or writes the credential's fields.
pub(crate) const CREDENTIAL_FIELD: &str = "ARN";
