//! Renderers: pure functions from pipeline data (plans, verifications, drift findings, lint
//! reports, simulations, proofs, the Genesys Cloud region table) to text — human, JSON, SARIF, GitHub annotations,
//! and the audit's self-contained HTML page.
//!
//! The `report` layer sits beside `aws` above the pure crates: it imports the provisioner and
//! auditor crates, `event`, `config` and `iam`, never `aws`. Colour is off unless the caller enables it (`--color`, or auto on a
//! terminal). The JSON shapes are the stable, documented interface (docs/json-output.md).
//!
//! # Modules
//!
//! `text` (`printable`: text others chose — names, condition values, server answers — with control
//! characters and bidi overrides shown escaped, where it enters human output); `results` (the typed
//! result of each command that changes things — `PlanResult`, `ApplyResult`, `DestroyResult`,
//! `OnboardResult`, `DryRunResult`, `InitResult`, `VerifyResult` — with `schema_version`: their
//! `--format json`, whose JSON Schemas are in `docs/schemas/`); `output` (the one printer:
//! `Format`, the `Report` trait each command's result implements — human, JSON, and
//! SARIF/GitHub/HTML where it has them, listed in `Report::FORMATS` — `render`, the only `match` on
//! the format, and `Unsupported`, the one refusal); `outcomes` (each command's result as a
//! `Report`, joining the renderers: `Planned`, `Applied`, `Destroyed`, `Onboarded`, `Proved`,
//! `AccountAudit`, …; `WriteStarted`, the progress line of a write, is in `plan`); renderers: plan,
//! verify, check (human/JSON/SARIF/GitHub), lint, simulate, prove, audit (human/JSON/SARIF; `asff`:
//! the findings in the AWS Security Finding Format, `ocsf`: as OCSF 1.6.0 Detection Findings, both
//! with the stable finding ID; `audit_html/`: the self-contained HTML page, its stylesheet and
//! script inline under a hash-based Content-Security-Policy, every audited text escaped); `sarif`
//! (the SARIF envelope `check` and `audit` share, and the level of a `Severity`; no
//! `informationUri`: the project has no public home yet; a result's rule is its finding's code:
//! `lambda-trust/check/CODE`, `lambda-trust/audit/CODE`); `schemas` (the JSON Schemas generated
//! from the result types with `schemars` — every command's but `render`'s (AWS's policy grammar,
//! kept by hand), and `common.schema.json` (`common_schema`: the shared pieces the others reference
//! through the model's `schema_one`, `schema_list`, …, from the same types — the drift `Code`'s and the check's codes, the
//! finding's severities and config keys listed from the enums themselves); rules between fields are
//! `#[schemars(extend(...))]` on the type; `just schemas` writes them to `docs/schemas/`,
//! `tests/it/json_schemas.rs` fails while they differ); `version` (`--version`, with `--verbose` or
//! `--format json` the build facts build.rs records); `events` (a workflow's `Event` as people read
//! it on stderr, or as one line of JSON under `--progress json`: `EventLine`, schema
//! `event.schema.json`); `event_words` (the words of the typed events — what a wait is for, a
//! probe's step, a note, a said line — written once); `fit` (a report fitted to the terminal's width, which `Output` reads:
//! lines broken at spaces, never inside a word); `Styles` (colour of one stream, decided by the
//! command layer); `watch` (the watch's: its deployment's result, the words beside its plan, and
//! its findings in ASFF — a deployment's and the organization's)

pub(crate) mod asff;
mod attribution;
mod audit;
mod audit_html;
mod audit_iac;
mod check;
mod check_notes;
mod diff;
pub(crate) mod event_words;
pub(crate) mod events;
mod export;
mod fit;
mod generated_schemas;
mod genesys;
mod guardrail;
mod ids;
mod lint;
pub(crate) mod ocsf;
mod outcomes;
mod output;
mod plan;
mod prove;
mod results;
mod sarif;
pub(crate) mod schemas;
mod simulate;
mod styles;
mod text;
mod verify;
mod version;
mod watch;

#[cfg(test)]
mod tests;

pub use audit_html::{org_html as audit_org_html, HtmlMeta};
pub use audit_iac::iac_json as audit_iac_json;
pub(crate) use diff::DiffResult;
pub(crate) use export::ExportResult;
pub(crate) use fit::{fit, wrap};
pub(crate) use genesys::RegionRow;
pub(crate) use guardrail::{GuardrailCode, GuardrailDestroyed, GuardrailResult};
pub(crate) use ids::IdsResult;
pub(crate) use outcomes::{
    AccountAudit, Destroyed, Imported, NotApplied, Onboarded, OrgAudit, Planned, Regions,
    RenderedDocuments,
};
pub(crate) use outcomes::{Applied, Proved};
pub(crate) use output::{accepts, render, Format, Report};
pub(crate) use output::{Unsupported, HUMAN_JSON};
pub(crate) use plan::{
    apply_question, change_set_human, config_diff, deletions_human, genesys_plan_human, plan_human,
    watch_removal_human,
};
pub(crate) use results::{to_json, VerifyResult, Writes, SCHEMA_VERSION};
pub(crate) use results::{
    EnvironmentWritten, ImportResult, ImportedRoleResult, InitResult, OrgPoliciesResult,
    OrgPolicyFileWritten, RenderedPolicies, VerifyEnvironmentsResult,
};
pub(crate) use styles::Styles;
pub(crate) use text::printable;
pub(crate) use version::VersionResult;
pub(crate) use watch::asff::{watch_findings, WatchSubject};
pub(crate) use watch::deploy::{
    org_watch_last_reproof, OrgAccountStatus, RetiredAccount, WatchFinding, WatchResult,
};
pub(crate) use watch::organization::asff::{
    organization_watch_blind_finding, organization_watch_findings,
    organization_watch_unheard_finding, OrgWatchChange,
};
pub(crate) use watch::organization::guardrail::organization_watch_guardrail_finding;
pub(crate) use watch::words::{
    blind as watch_blind, note as watch_note, problem as watch_problem, restored as watch_restored,
};
