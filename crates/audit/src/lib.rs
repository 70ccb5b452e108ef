//! lambda-trust's auditor, the pure half: what an account's IAM, a Terraform plan or a
//! CloudFormation template lets a partner account do, judged as plain data.
//!
//! The API:
//! - **An account's audit**: from an account's IAM as plain data
//!   ([`AccountIam`]: every role with its trust policy, inline and attached policies, boundary
//!   and tags; every customer managed policy with all its versions) to a report of the roles a
//!   partner account can assume — who, with which `sts:ExternalId` values, what each role can
//!   do — with findings ([`audit_account`], [`AccountReport`], [`Finding`]); an organization's
//!   accounts ([`OrgReport`]); the Genesys Cloud side's reach ([`judge_genesys`]).
//! - **Before it is applied**: [`iac`] reads Terraform plans and CloudFormation templates into
//!   the same model and judges them the same way.
//! - **Where security teams look**: [`security_hub`] encodes findings as ASFF and keeps their
//!   lifecycle.
//! - **Onboarding what exists**: [`role_import`] turns an audited role into a config, and
//!   [`genesys_import`] a Genesys Cloud org's actions into targets.
//!
//! The auditor stands beside the provisioner (`lambda-trust-provision`) on the shared model
//! (`lambda-trust-model`), neither using the other: it judges a role with the same path claims
//! `verify` proves, and an IaC file against the role `apply` would build. Pure: the binary's adapters read (one paginated `GetAccountAuthorizationDetails`
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
//! - [`config_items`]: AWS Config's role and policy items → one [`AccountIam`] per account
//!   (`audit --config-aggregator`);
//! - `details`: the API's role and policy details → [`AccountIam`] (the live read's mapping and
//!   `audit --input`'s parser of the CLI's JSON).

#![warn(missing_docs, unreachable_pub)]

mod access;
mod account;
mod audit;
pub mod baseline;
pub mod config_functions;
pub mod config_items;
mod details;
mod documents;
mod findings;
mod genesys;
mod narrow;
mod org;
mod path;
mod principals;
mod report;
mod trust;
pub mod usage;

pub mod genesys_import;
pub mod iac;
pub mod role_import;
pub mod security_hub;

pub use account::{AccountIam, AuditOptions, AuditPolicy, AuditRole, AuditVersion, ConfigIdentity};
pub(crate) use audit::sort_roles;
pub use audit::{
    account_report, audit_account, audit_role, invokable_set, judge_path, policies_to_read,
    roles_accepting,
};
pub use details::{parse_details, InputError, PolicyDetail, RawDocument, RoleDetail};
pub use documents::RoleDocument;
pub use findings::{Code, Finding, Outcome, Severity};
pub use genesys::{judge_genesys, DynamicAction, GenesysIntegration, GenesysReport};
pub use org::{parse_accounts, AccountOutcome, OrgReport, OrgSummary};
pub use path::{arns_to_read, AccountPath, AuditPath, FunctionReport, Listed};
pub use report::{
    AccountReport, ExternalIds, IdKind, InvokableKind, InvokableScope, RoleReport, Summary,
};

pub(crate) use lambda_trust_verdict::SCHEMA_VERSION;
