//! lambda-trust's auditor, the pure half: what an account's IAM, a Terraform plan or a
//! CloudFormation template lets a partner account do, judged as plain data.
//!
//! Its face is flat: every module is private and what other crates use is named here, at the
//! root. The entry points:
//! - **An account's audit**: from an account's IAM as plain data
//!   ([`AccountIam`]: every role with its trust policy, inline and attached policies, boundary
//!   and tags; every customer managed policy with all its versions) to a report of the roles a
//!   partner account can assume — who, with which `sts:ExternalId` values, what each role can
//!   do — with findings ([`audit_account`], [`AccountReport`], [`AuditFinding`]); an organization's
//!   accounts ([`OrgReport`]); the Genesys Cloud side's reach ([`judge_genesys`]).
//! - **Before it is applied**: [`read_plan`] and [`read_template`] read Terraform plans and
//!   CloudFormation templates into the same model, and [`audit_iac_proved`] judges them the same way.
//! - **Where security teams look**: [`apply_baseline`] marks the findings a security team
//!   accepted, which then no longer decide the exit code (the lifecycle of the findings
//!   imported into Security Hub is the model's, shared with the watch:
//!   `lambda_trust_model::plan_import`).
//! - **Onboarding what exists**: [`import_role`] turns an audited role into a config, and
//!   [`classify_actions`] a Genesys Cloud org's actions into targets.
//!
//! The auditor stands beside the provisioner (`lambda-trust-provision`) on the shared model
//! (`lambda-trust-model`), neither using the other: it judges a role with the same path claims
//! `verify` proves, and an IaC file against the role `apply` would build.
//!
//! Pure: the binary's adapters read (one paginated `GetAccountAuthorizationDetails`
//! pass, AWS Config items, files) and hand the data here; its reports render the result.
//!
//! Every claim comes from the prover (`iam::prove`) or from a request the evaluator
//! (`iam::evaluate`) confirms; where the prover cannot decide, the weaker claim is reported
//! (more IDs accepted, more principals, more actions), never the stronger one. Inside:
//! - `trust`: which partner accounts can assume the role, and the accepted external IDs
//!   (asking the prover through `narrow`);
//! - `access`: the functions it may invoke, anything beyond invoking, latent versions;
//! - `findings`: the finding codes and their severities;
//! - `documents`: the role's policy documents and the statements that let each counterexample in;
//! - `config_items`: AWS Config's role and policy items → one [`AccountIam`] per account
//!   ([`AggregatedIam`] `from` the items, `audit --config-aggregator`);
//! - `details`: the API's role and policy details → [`AccountIam`] (the live read's mapping and
//!   `audit --input`'s parser of the CLI's JSON).

#![warn(missing_docs, unreachable_pub)]

mod access;
mod account;
mod audit;
mod baseline;
mod config_functions;
mod config_items;
mod details;
mod documents;
mod findings;
mod genesys;
mod guardrail;
mod narrow;
mod org;
mod org_ids;
mod organization;
mod path;
mod principals;
mod report;
mod trust;
mod unknown_marker;
mod usage;

mod genesys_import;
mod iac;
mod role_import;
mod suppress;

// An account's audit: its IAM as data, the report, its findings.
pub use account::{
    AccountIam, AuditOptions, AuditPolicy, AuditRole, AuditVersion, ConfigIdentity, RoleUsage,
};
pub use audit::{
    account_report, audit_account, audit_role, invokable_set, judge_path, policies_to_read,
    roles_accepting,
};
pub use details::{parse_details, InputError, PolicyDetail, RawDocument, RoleDetail};
pub use findings::{Code as AuditCode, Finding as AuditFinding};
pub use genesys::judge_genesys;
pub use lambda_trust_verdict::{Outcome, Severity};
pub use path::{arns_to_read, AuditPath, Listed as ListedFunctions};
pub use report::{
    AccountPath, AccountReport, ExternalIds, GenesysReport, IdKind, InvokableKind, RoleReport,
    Summary,
};
pub use usage::mark_unused;

// An organization, and AWS Config as its source.
pub use config_functions::{config_path as path_from_config, RecordedFunctions};
pub use config_items::{
    aggregated_policies_to_read, AggregatedIam, POLICY_TYPE as CONFIG_POLICY_TYPE,
    ROLE_TYPE as CONFIG_ROLE_TYPE,
};
pub use org::{parse_accounts, AccountOutcome, OrgReport};

// Prevention: the organization's guardrail (an RCP).
pub use guardrail::{
    guarded, plan_guardrail, Chosen as GuardrailChosen, ChosenFrom as GuardrailChosenFrom,
    Covered as GuardrailCovered, GuardrailAsked, GuardrailChange, GuardrailChoices, GuardrailClaim,
    GuardrailMerge, GuardrailMode, GuardrailPlan, GuardrailPolicy, GuardrailProperty,
    GuardrailRoles, RoleUnder,
};
// The organization as read once a run: its tree and its SCPs and RCPs.
pub use organization::{OrgNode, OrgTree, StoredPolicy};

// Before it is applied: Terraform plans and CloudFormation templates.
pub use iac::{
    audit_proved as audit_iac_proved, read_plan, read_template, IacModel, IacReport, PlanInput,
    RoleSettings, Source as RoleSource, TemplateInput,
};

// Where security teams look: Security Hub and the baseline.
pub use baseline::{parse as parse_baseline, Baseline, BaselineOutcome, Entry as BaselineEntry};
pub use suppress::{apply as apply_baseline, write as write_baseline};

// Onboarding what exists.
pub use genesys_import::text::{import_files, ImportFiles, ImportHeader, IntegrationOwner};
pub use genesys_import::{
    classify as classify_actions, Import as GenesysImport, LeftOut, LeftOutWhy,
};
pub use role_import::{import_role, role_config, ImportedRole, TrustedAccount};
