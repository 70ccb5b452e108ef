//! lambda-trust's provisioner, the pure half: everything between reading AWS and Genesys Cloud
//! and writing them, as functions of plain data. No network, no clock; tests build the inputs
//! by hand.
//!
//! Its face is flat: every module is private and what other crates use is named here, at the
//! root. The entry points, in the order a run uses them:
//! - **Check the rendered documents**: [`lint`] and [`check_rendered`] (the invariants a
//!   rendered document keeps, as [`LintFinding`]s; rendering and sharding are the model's,
//!   `lambda_trust_model::render`).
//! - **State**: [`desired_state`] (what is wanted, `lambda_trust_model::Desired`, from a config
//!   and a read, `lambda_trust_model::Observed`) and [`aws_query`] (what to read).
//! - **Plan**: [`plan`] (the writes, in order, as [`Op`]s), [`ChangeSet`] and [`describe_plan`]
//!   (how they read), [`plan_genesys`] (the Genesys Cloud side: credential, integration,
//!   actions, as [`GenesysOp`]s) and [`plan_destroy`].
//! - **Prove**: [`verify_verdict`] (`verify`'s judgement of what it read), [`verification`]
//!   (the checks and the proofs) and [`Verification::with_whole_path`] (the whole path's
//!   claims), [`sides_from_config`] and [`simulate`] (offline proofs and one request; with
//!   `--org-policies` the organization's part), [`resolve_args`] (adding or removing a target).
//! - **Drift**: [`aws_drift`] ([`Finding`]s, their [`Code`]s and [`Remedy`]),
//!   [`CheckReading`] (everything `check` reads of one config, judged with no call, and judged
//!   again by the watching function after an event, the failed checks and proofs among its
//!   findings) and [`config_report`] (one of its parts),
//!   [`attribute_findings`] (who changed it, from CloudTrail events).
//! - **Environments** (`[environments.NAME]`): [`isolation`] (every pair of environments
//!   proved isolated offline, and a live role's claims towards the other environments),
//!   [`differences`] (two live environments compared with their overrides taken
//!   out), and [`org_ids`] (an org's IDs under keys the same in every environment).
//! - **Export**: [`export_from_config`] and [`aws_from_live`] (what lambda-trust manages, as
//!   [`export_files`]: Terraform's with import blocks, or CloudFormation's with their
//!   resources-to-import files), and [`as_handed_over`] (the setup once another tool manages
//!   it: judged on what matters, never written).
//! - **Watch**: [`classify_event`] (what an event handed to the watching function can have
//!   changed, so it re-reads only that), [`watch_deployment`] and [`plan_watch`] (the watching
//!   function's deployment, its read-only role proved so by [`prove_read_only`], and the writes
//!   that deploy it or, [`watch_teardown`], remove it).
//! - **Schemas** (with the `schemars` feature): `SchemaChanges` and `schema_plan`, the
//!   provisioner's pieces of the JSON Schemas beside the model's shared ones.
//!
//! It depends on the `iam`, `config` and `verdict` crates, and on no runtime, SDK or HTTP client
//! (a test in the binary's suite holds that).

#![warn(missing_docs, unreachable_pub)]

mod change_set;
mod check;
mod check_reading;
mod cloudtrail_calls;
mod describe;
mod drift;
mod export;
mod genesys;
mod handover;
mod identity;
mod isolation;
mod isolation_claim;
mod lint;
mod onboard;
mod plan;
mod prepare;
mod promotion;
mod prove;
#[cfg(feature = "schemars")]
mod schema_refs;
mod side;
mod simulate;
mod simulate_org;
mod trail;
mod verify;
mod watch;

// Checking the rendered documents.
pub use lint::{
    check_rendered, cross_account_hint, lint, lint_documents, lint_environments,
    EnvironmentOverrides as LintOverrides, Finding as LintFinding, LintCode, LintReport,
    Severity as LintSeverity,
};
#[cfg(feature = "schemars")]
pub use schema_refs::{plan as schema_plan, Changes as SchemaChanges};

// State: what is wanted, and what to read.
pub use prepare::{
    desired as desired_state, kinship, may_be_predecessor, query as aws_query, Kinship, Prepared,
    TargetPolicy,
};

// Plan: the writes, how they read, the Genesys Cloud side.
pub use change_set::{ChangeSet, HandedOver};
pub use describe::{describe, describe_plan, Action as ChangeAction, ChangeView};
pub use genesys::ids::{org_ids, ActionId, NamedId, OrgIds};
pub use genesys::plan::GenesysPlanError;
pub use genesys::{
    describe_genesys, genesys_checks, genesys_findings, genesys_notes, integration_deployment,
    plan_genesys, plan_genesys_destroy, test_verdict, ActionRef, ConfigWrite, CredentialRef,
    GenesysFinding, GenesysOp, GenesysPlan, IntegrationRef, KeptAction, TestRun, UpdateVia,
};
pub use plan::{
    check_deployment, check_external_id, held_permissions, plan, plan_destroy,
    plan_retire_predecessors, refuse_others, unreachable_accounts, AttachmentOp, BoundaryOp,
    HeldPermission, Op, PermissionOp, Plan, PlanError, PlanOptions, PolicyOp, RoleOp, TagOp,
    VersionOp,
};
pub use side::Side;

// Prove: verification, the whole path, offline proofs, one request, a new target.
pub use onboard::{already_present, matching as offboard_matching, new_action, resolve_args};
pub use prove::{
    from_config as sides_from_config, load_files, organization as prove_organization, FileInput,
    OrgProof, Proof, Sides,
};
pub use simulate::{run as simulate, SimulateError, SimulateInput, SimulateOutcome};
pub use verify::{
    verdict as verify_verdict, verification, Check, CheckId, Subject, Tally, Verification,
    VerifyRead,
};

// Drift: findings, their codes and remedies, `check`'s judgement, who changed what.
pub use check::{aws_drift, config_report, GenesysSide};
pub use check_reading::{AwsReading, AwsUnread, CheckReading, GenesysReading};
pub use drift::{
    CheckReport, Code, ConfigKey, ConfigNote, ConfigReport, ConfigStatus, Finding,
    Kind as FindingKind, Remedy,
};
pub use trail::{
    answered as lookup_answered, app_name, attribute as attribute_findings, genesys_attribution,
    resources_to_look_up, Attribution, ChangedBy, GenesysLookup, Lookup, Trail, TrailEvent,
    TrailSource, LOOKBACK_DAYS,
};

// Environments: isolation and promotion.
pub use isolation::{
    isolation, not_read as isolation_not_read, Environment as IsolationEnvironment,
    EnvironmentsRead, IsolationClaim,
};
pub use promotion::{differences, Difference, Environment as PromotionEnvironment};

// Export, and a setup another tool manages.
pub use export::guardrail::{guardrail_code, GuardrailCode};
pub use export::terraform::File as ExportFile;
pub use export::{
    aws_from_live, counts as export_counts, files as export_files,
    from_config as export_from_config, genesys_from as genesys_export, Export, Origin,
};
pub use handover::{as_handed_over, hand_over_to};

// Watch: what an event changed, and the watching function's deployment.
/// A sweep event, as EventBridge carries it (AWS's own Rust definition).
pub use aws_lambda_events::event::eventbridge::EventBridgeEvent;
pub use watch::classify::{
    classify as classify_event, Call as WatchCall, Change as WatchChange, Watched,
};
pub use watch::deploy::{
    deployment as watch_deployment, plan as plan_watch, prove_read_only, read_roles,
    runs_on_al2023, secret_readable, teardown as watch_teardown, watch_names, Deployment, Seen,
    SeenBus, SeenConfigRule, SeenFunction, SeenRole, SeenRule, WatchConfigRule, WatchFunction,
    WatchInput, WatchOp, WatchOwner, WatchRule, WATCH_TAG,
};
pub use watch::event::{read_event, RuleEvent, WatchEvent};
pub use watch::generator::{settles, Settles, WatchCode, WatchGenerator};
pub use watch::organization::change::{classify as classify_org_event, OrgChange};
pub use watch::organization::home::{org_watch_deployment, OrgWatchDeployment};
pub use watch::organization::ledger::{Held, LedgerName};
pub use watch::organization::model::{OrgWatchInput, ORG_WATCH};
pub use watch::organization::plan::{
    plan_stacks, teardown_stacks, SeenInstance, SeenStack, SeenStacks, StackOp,
};
pub use watch::organization::record::{
    GuardrailWatched, Hearing, LedgerWrite, OrgAccountRecord, OrgWatchRecord, ReRead, SweptRecord,
};
pub use watch::organization::settings::OrgWatchSettings;
pub use watch::organization::stacks::{Stack, StackSet};
pub use watch::organization::sweep::{again_event, retire_event, sweep_events};
pub use watch::outcome::WatchOutcome;
pub use watch::record::{
    compliance as rule_compliance, Compliance, Notice, Published, Reread, RuleAnswer,
    Verdict as WatchVerdict, WatchRecord,
};

// The planner's tests name the crate as other crates do (`src/tests/plan`).
#[cfg(test)]
extern crate self as lambda_trust_provision;
#[cfg(test)]
mod tests;
