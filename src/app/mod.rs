//! The `app` layer: every workflow, between the command layer (which binds flags, asks on the
//! terminal and prints) and the adapters. A workflow takes the run's [`Settings`], a small
//! options struct of its own and an [`Events`] sink for what it says while it runs; it returns
//! plain data (core's types, or a small struct of them) that `commands` wraps in `report`'s
//! result types. It never prints, prompts or renders: questions are options, answers are
//! callbacks, progress is [`Event`]s.
//!
//! May import the adapters (`aws`, `genesys`), the provisioner and auditor crates, `event`, `config`, `iam`, `error` and `retry`;
//! never `report`, `cli` or `commands` (`tests/it/layers.rs`).
//!
//! # Modules
//!
//! Every workflow, each taking `app::Settings` (built once from the invocation: the AWS flags, the
//! templates, `-v`, the environment's region; `region(config)` is the one region rule — `--region`,
//! then `[aws].region`, then `AWS_REGION`/`AWS_DEFAULT_REGION`, then the profile's, docs/regions.md
//! — and `aws_for(config)` the SDK settings), a small options struct of its own (never a
//! `cli::*Args`) and a `&dyn app::Events` sink; each returns plain data that `commands` wraps in
//! `report`'s results. every workflow `async`, run on the one runtime `main` builds (no workflow
//! builds one). `live` (`load`; the read → plan prologue of plan, apply, destroy, onboard/offboard:
//! `read_and_plan`/`plan_both` toward a `Goal` → `LivePlan`; `aws_drift`, shared by check and
//! verify), `genesys` (the Genesys half of the live workflows: find the OAuth client — the
//! environment, else the AWS secret: the one step joining `aws/` and `genesys/`, which never import
//! each other — sign in and read into a `genesys::Session` in the read phase, before any AWS write;
//! its writes), `write` (a change set's writes side by side in its order, each an event), `verify`
//! (`verify` → `Verified`; `prove_result`, onboard's last step), `path` (the whole path's reads for
//! verify and check: each account's organization policies once, or the role's from `--org-policies
//! DIR`, and each target's function policy), `check` (`check` over many configs → `CheckReport`;
//! `check_iac`), `audit` (`audit` over one resolved `AuditSource` — the account, many accounts
//! (`AccountList`), an `IacSource`, a snapshot — → `Audited`; `audit_keeping`: with the `Sessions`
//! it read each account with, for `--to-security-hub`), `sessions` (`Sessions`: the run's own
//! clients and each account's assumed session, reused while young enough — common ground of the
//! audit and the watch), `path_reads` (one account read and audited with its whole path, and the
//! organization policies read once per run: `audit --organization`'s and the organization
//! watch's), `audit_run` (the `audit` command's whole
//! run in order: the baseline refused first, the audit, `--genesys` reach, the findings' region,
//! unused roles, the baseline applied and written), `prove_roles` (the roles proved in chunks on
//! blocking threads, at most one per core across every account audited at once — the executor owns
//! the parallelism, `lambda_trust_audit` proves one role at a time; and `AuditFailure`: shared by `audit`
//! and `aggregator`, which import it and not each other), `prove` (`prove`: files or the config's
//! rendered documents, the budget's timer, the organization claim), `baseline` (after the audit:
//! `--unused-days`, then `--baseline FILE` read and applied, and `--write-baseline FILE`),
//! `security_hub` (`--to-security-hub`: each account's ASFF findings, which the command builds with
//! `report::asff` and hands over as JSON (the one place a command still calls a renderer by name:
//! `app` cannot import `report`), imported with `crates/model/src/security_hub.rs`'s lifecycle in the audit's
//! `Sessions`, assuming `--assume-role` only where it has none), `iac` (a template or a plan, and
//! its `.tf` files, read into `crates/audit/src/iac/mod.rs`'s model), `org_policies` (`org-policies`: one account's
//! SCPs and RCPs read and written as `--org-policies` files), `onboard` (`plan` → `Planned`:
//! already there, or `Ready` with the edited text and both sides' plan; `apply`: file, writes,
//! proof), `init` (`--from-account`, `--from-role`, `write_all`), `import` (`init --from-genesys`;
//! what only a person decides is asked through the command's `import::Ask`), `audit_genesys`
//! (`audit --genesys`: signs in as `plan` does, reads the organization, has `lambda_trust_audit` judge
//! it), `aggregator` (`audit --config-aggregator`: every account's roles from Config, the policies
//! partner roles use, AWS managed ones once per run, the whole path judged as not read), `files`
//! (templates, atomic writes), `events` (`Events`, the sink of `event::Event`s, whose
//! `retries` hands the retry loops' waits to the same sink; the unit tests in `tests.rs` drive
//! workflows with an in-memory one), `diff` (`diff --env A --env B`: two environments read concurrently,
//! compared with `crates/provision/src/promotion.rs`), `ids` (one org's Genesys Cloud IDs), `export` (`export terraform|cloudformation`: what is live, or what the config would create, written as code through `crates/provision/src/export/mod.rs`), `isolation` (an
//! environment's live role against every other environment's config, for `verify` and `check`),
//! `init_env` (`init --env`: an environment added to an existing config from what an importer
//! read), `error` (`AppError`: the workflows' own failures — a template, plan or snapshot that
//! cannot be read, a role that cannot be read, accounts that cannot be listed, a prover that
//! stopped — each keeping its typed cause and deciding its hint), `destroy` (the config's deployed
//! watch, removed before the role it watches), `watch/` (the watching function's run on each
//! event; `watch deploy|status|destroy`: the deployment, its package, what it publishes, its
//! secret, and destroy's re-proof of its findings)

pub(crate) mod aggregator;
pub(crate) mod audit;
pub(crate) mod audit_genesys;
pub(crate) mod audit_run;
pub(crate) mod baseline;
pub(crate) mod check;
pub(crate) mod destroy;
pub(crate) mod diff;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod files;
pub(crate) mod function_policies;
pub(crate) mod genesys;
pub(crate) mod guardrail;
pub(crate) mod iac;
pub(crate) mod iac_check;
pub(crate) mod ids;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod init_env;
pub(crate) mod isolation;
pub(crate) mod live;
pub(crate) mod onboard;
pub(crate) mod org_policies;
pub(crate) mod path;
pub(crate) mod path_reads;
pub(crate) mod prove;
pub(crate) mod prove_roles;
pub(crate) mod security_hub;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod verify;
pub(crate) mod watch;
pub(crate) mod write;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tls_connector;

pub(crate) use crate::aws::sessions::EntryRole;
pub(crate) use crate::aws::AwsSettings;

pub(crate) use events::Event;
pub(crate) use events::Events;
pub(crate) use settings::Settings;
pub(crate) use settings::TemplateSource;
