//! What the audit says of a role (who may assume it, with which external IDs, what it may
//! invoke) and of an account.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::account::RoleUsage;
use crate::baseline::BaselineOutcome;
use crate::documents::RoleDocument;
use crate::findings::Finding;
use lambda_trust_model::RoleFrom;
use lambda_trust_verdict::{Severity, Status};

/// The accepted `sts:ExternalId` values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct ExternalIds {
    /// How many values, and how strict.
    pub kind: IdKind,
    /// The accepted values, as the trust policy writes them.
    pub values: Vec<String>,
}

/// Which external IDs a role accepts, weakest last.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum IdKind {
    /// One value.
    Fixed,
    /// Several values.
    Several,
    /// A wildcard or a case-insensitive match.
    Pattern,
    /// Absent, arbitrary, or not proved otherwise.
    Any,
}

/// How far the invokable list goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct InvokableScope {
    /// What the list means: exactly those functions, patterns, every function, or unknown.
    pub kind: InvokableKind,
    /// The identity policies that were not read or do not parse (managed policy ARNs, inline
    /// policy names): with `kind` = `unknown` they may grant more than the list.
    pub not_read: Vec<String>,
}

/// What the invokable list means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum InvokableKind {
    /// Exactly the listed functions (and qualifiers).
    Listed,
    /// Every function the listed patterns match (a wildcard in a function name).
    Pattern,
    /// Every function: `*`, or a function name `*` (of an account and region, at least).
    All,
    /// An identity policy was not read (`not_read`): at least the listed ones, maybe more.
    Unknown,
}

/// What one role lets a partner do: who can assume it, with which external IDs, what it can invoke,
/// and the findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct RoleReport {
    /// The role's name.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub role: String,
    /// The role's ARN.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub arn: String,
    /// Tagged managed-by = lambda-trust.
    pub managed: bool,
    /// The partner accounts that can assume the role (`*` for anyone), then every other
    /// principal its Allow statements name.
    pub assumable_by: Vec<String>,
    /// The `sts:ExternalId` values the trust policy accepts.
    pub external_ids: ExternalIds,
    /// The function ARNs and patterns the role may invoke (see `invokable_scope`).
    pub invokable: Vec<String>,
    /// How to read `invokable`: exactly those functions, every function a pattern matches, or
    /// unknown because an identity policy was not read.
    pub invokable_scope: InvokableScope,
    /// The findings on the role, worst first.
    pub findings: Vec<Finding>,
    /// Whether the organization's RCPs over the role's account let the partner accounts in only
    /// with one of your `--genesys-org-id`s, whatever the role's trust policy says (a guardrail,
    /// docs/guardrail.md): absent when not judged — no org ID given, or the organization's
    /// policies not read. A guarded role's findings stand: its trust is still what it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guarded: Option<bool>,
    /// The trust and identity policy documents the report was decided on (not in the JSON:
    /// they are the account's own; the HTML report shows them).
    #[serde(skip)]
    pub documents: Vec<RoleDocument>,
    /// What IAM says of the role's use (`usage::mark_unused` reads it; not in the JSON).
    #[serde(skip)]
    pub(crate) usage: Option<RoleUsage>,
}

impl RoleReport {
    /// The worst severity among the findings (`None`: no finding).
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }
}

/// What the audit read and reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Summary {
    /// The roles read.
    pub roles_scanned: usize,
    /// The roles reported: those a partner can assume.
    pub roles_reported: usize,
    /// The AWS API calls the read took.
    pub calls: usize,
}

/// One account's report (the whole JSON document for a single-account audit).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct AccountReport {
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "lambda_trust_model::schema_version")
    )]
    pub(crate) schema_version: u32,
    /// The audited account.
    #[cfg_attr(
        feature = "schemars",
        schemars(
            schema_with = "lambda_trust_model::schema_one::<lambda_trust_model::SchemaAccountId>"
        )
    )]
    pub account: String,
    /// The partner accounts audited for; empty without --partner/--partner-account (any other
    /// account, or anyone).
    #[cfg_attr(
        feature = "schemars",
        schemars(
            schema_with = "lambda_trust_model::schema_list::<lambda_trust_model::SchemaAccountId>"
        )
    )]
    pub partners: Vec<String>,
    /// The roles a partner can assume, worst first.
    pub roles: Vec<RoleReport>,
    /// The whole path (organization and function policies), when the audit judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<AccountPath>,
    /// How many roles were read and reported, and what the read cost.
    pub summary: Summary,
    /// The region the audit ran in (`AuditOptions::region`): where its Security Hub findings
    /// go. Not in the JSON (the findings formats carry it).
    #[serde(skip)]
    pub region: Option<String>,
    /// `--baseline`: the entries that expired or matched nothing (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineOutcome>,
    /// `--config-aggregator`: the region AWS Config recorded the account's roles in (IAM is
    /// global; Config records it in the regions whose recorder includes global resources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_in: Option<String>,
    /// `--config-aggregator`: roles Config lists in the account whose configuration could not
    /// be read (not recorded, or left unprocessed): not audited, by name.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub not_read: Vec<String>,
    /// `--genesys`: the Genesys Cloud organization's Lambda integrations and what their
    /// actions that choose a function at run time can reach (absent without the flag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genesys: Option<GenesysReport>,
}

impl lambda_trust_verdict::Judged for AccountReport {
    /// Changes (exit 2) when any role has a security finding a baseline does not suppress,
    /// else Ok.
    fn status(&self) -> Status {
        let roles = self.roles.iter().flat_map(|r| &r.findings);
        let functions = (self.path.iter())
            .flat_map(|p| &p.functions)
            .flat_map(|f| &f.findings);
        let security = (roles.chain(functions))
            .any(|f| f.severity == Severity::Security && !f.is_suppressed());
        Status::ok_or(!security, Status::Changes)
    }
}

/// The account's part of the whole path in the report: where the organization policies came
/// from, and the functions a partner or anyone can invoke without a role.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct AccountPath {
    /// Per account ID (the audited one and every target's): `read`, `no organization`, or why
    /// not (`not read: …`, `not given`).
    pub organization: BTreeMap<String, String>,
    /// How many functions were listed (`lambda:ListFunctions` in the audit's region) and had
    /// their policy read; null when not listed.
    pub functions_listed: Option<usize>,
    /// Why they were not listed (a refused or failed `lambda:ListFunctions`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub functions_not_listed: Option<String>,
    /// Functions whose own policy lets a partner account or anyone invoke them directly,
    /// granted by a role or not.
    pub functions: Vec<FunctionReport>,
}

/// One function's findings from the account-wide scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct FunctionReport {
    /// The function's ARN.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub function: String,
    /// What the scan found on it.
    pub findings: Vec<Finding>,
}

/// The Genesys Cloud part of an account's report (`audit --genesys`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GenesysReport {
    /// The signed-in organization's ID (null when it was not read).
    pub organization: Option<String>,
    /// Its `aws-lambda-data-actions` integrations.
    pub integrations: Vec<GenesysIntegration>,
    /// Why Genesys Cloud could not be read: then nothing is claimed of it, and every AWS
    /// finding stands.
    pub not_read: Option<String>,
}

/// One integration: the role its credential holds (or may hold) and its actions that choose
/// their function at run time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GenesysIntegration {
    /// The integration's ID.
    pub id: String,
    /// The integration's name.
    pub name: String,
    /// The role its credential holds, when known (`role_from` says how); null otherwise.
    pub role: Option<String>,
    /// How the role is known: from the credential, from lambda-trust's ledger, or by the
    /// organization's ID.
    pub role_from: RoleFrom,
    /// The roles of this report the actions were judged through: the known role when a
    /// partner can assume it, else every role Genesys Cloud can assume with the
    /// organization's ID.
    pub roles: Vec<String>,
    /// How many actions the integration has.
    pub actions: usize,
    /// Its actions whose request URL template is an expression, with what each can reach.
    pub dynamic: Vec<DynamicAction>,
}

/// One action that chooses its function at run time, through one role.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct DynamicAction {
    /// The action's ID.
    pub id: String,
    pub(crate) name: String,
    /// Its `requestUrlTemplate`.
    pub(crate) template: String,
    pub(crate) role: String,
    /// The role's invokable ARNs and patterns the template can produce.
    pub(crate) targets: Vec<String>,
}
