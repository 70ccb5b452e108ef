//! The `app` layer: every workflow, between the command layer (which binds flags, asks on the
//! terminal and prints) and the adapters. A workflow takes the run's [`Settings`], a small
//! options struct of its own and an [`Events`] sink for what it says while it runs; it returns
//! plain data (core's types, or a small struct of them) that `commands` wraps in `report`'s
//! result types. It never prints, prompts or renders: questions are options, answers are
//! callbacks, progress is [`Event`]s.
//!
//! May import the adapters (`aws`, `genesys`), `core`, `config`, `iam`, `error` and `retry`;
//! never `report`, `cli` or `commands` (`tests/it/layers.rs`).
//!
//! One workflow, or one shared step, a file: `live` (the runtime; the read → plan prologue of
//! plan, apply, destroy, onboard/offboard toward a `Goal`: `plan` is `read_and_plan`, `apply`
//! and `destroy` add `write`; `aws_drift`), `genesys` (the Genesys Cloud half: the OAuth
//! client, sign-in, read, writes), `write` (a change set's writes in its order), `verify`
//! (verify, and the proof `onboard` ends with), `path` (the whole path's reads: organization
//! and function policies), `check` (live, and against IaC), `audit` (one
//! `AuditSource`), `aggregator` (`audit --config-aggregator`), `audit_genesys` (`audit
//! --genesys`: the Genesys Cloud organization's dynamic actions judged on the audited roles),
//! `iac` (templates and plans read for the core), `onboard`, `init`
//! (`--from-account`, `--from-role`), `import` (`init --from-genesys`), `files` (templates,
//! atomic writes), `settings` (the one region rule), `events`, `error`.

pub mod aggregator;
pub mod audit;
pub mod audit_genesys;
pub mod audit_run;
pub mod baseline;
pub mod check;
pub mod diff;
pub mod error;
pub mod events;
pub mod files;
pub mod genesys;
pub mod iac;
pub mod ids;
pub mod import;
pub mod init;
pub mod init_env;
pub mod isolation;
pub mod live;
pub mod onboard;
pub mod org_policies;
pub mod path;
pub mod prove;
pub mod prove_roles;
pub mod security_hub;
pub mod settings;
pub mod verify;
pub mod write;

pub use crate::aws::audit::EntryRole;
pub use crate::aws::AwsSettings;
pub use error::AppError;
pub use events::{Event, Events, Recorded};
pub use settings::{region_rule, Settings, TemplateSource};
