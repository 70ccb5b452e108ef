//! lambda-trust's auditor, the pure half: what an account's IAM, a Terraform plan or a
//! CloudFormation template lets a partner account do, judged as plain data.
//!
//! The API:
//! - **An account's audit** (this module): from an account's IAM as plain data
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
//! The auditor sits above the provisioner's crate (`lambda-trust-provision`): it judges a role
//! with the same path claims `verify` proves, and an IaC file against the role `apply` would
//! build. Pure: the binary's adapters read (one paginated `GetAccountAuthorizationDetails`
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
mod trust;
pub mod usage;

pub mod genesys_import;
pub mod iac;
pub mod role_import;
pub mod security_hub;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use lambda_trust_config::{CONFIG_TAG_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_verdict::Status;

pub use details::{parse_details, InputError, PolicyDetail, RawDocument, RoleDetail};
pub use documents::RoleDocument;
pub use findings::{Code, Finding, Outcome, Severity};
pub use genesys::{judge_genesys, DynamicAction, GenesysIntegration, GenesysReport};
pub use org::{parse_accounts, AccountOutcome, OrgReport, OrgSummary};
pub use path::{arns_to_read, AccountPath, AuditPath, FunctionReport, Listed};

pub(crate) use lambda_trust_verdict::SCHEMA_VERSION;

/// One account's IAM as read by `GetAccountAuthorizationDetails`, documents decoded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountIam {
    /// The audited account.
    pub account_id: String,
    /// Every role of the account.
    pub roles: Vec<AuditRole>,
    /// Managed policies by ARN: the account's own (all versions) and the AWS managed ones
    /// attached to a role (default version only).
    pub policies: BTreeMap<String, AuditPolicy>,
    /// Each role's `CreateDate` and `RoleLastUsed`, by role ARN, where the read has them.
    #[serde(default)]
    pub usage: BTreeMap<String, usage::RoleUsage>,
}

/// One role as `GetAccountAuthorizationDetails` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRole {
    /// The role's name.
    pub name: String,
    /// The role's ARN.
    pub arn: String,
    /// Its trust policy, URL-decoded.
    pub trust: Value,
    /// Inline policies: (name, document).
    pub inline: Vec<(String, Value)>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    /// The ARN of its permissions boundary, if it has one.
    pub boundary: Option<String>,
    /// Its tags, key to value.
    pub tags: BTreeMap<String, String>,
}

impl AuditRole {
    /// Carries `managed-by = lambda-trust`.
    pub(crate) fn is_managed(&self) -> bool {
        self.tags.get(MANAGED_BY_KEY).map(String::as_str) == Some(MANAGED_BY_VALUE)
    }
}

/// A managed policy as `GetAccountAuthorizationDetails` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPolicy {
    /// The policy's ARN.
    pub arn: String,
    /// The policy's name.
    pub name: String,
    /// Its versions, as read (the default one among them).
    pub versions: Vec<AuditVersion>,
}

impl AuditPolicy {
    /// Its default version, the one in force.
    pub fn default_version(&self) -> Option<&AuditVersion> {
        self.versions.iter().find(|v| v.is_default)
    }
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditVersion {
    /// The version's ID (`v1`).
    pub version_id: String,
    /// Whether it is the policy's default version, the one in force.
    pub is_default: bool,
    /// Its document, URL-decoded.
    pub document: Value,
}

/// What the audit looks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditOptions {
    /// Partner account IDs; empty: every account other than the audited one, and anyone.
    pub partners: Vec<String>,
    /// With `--config`: the role name and the `lambda-trust:config` digest a managed role of
    /// that config carries.
    pub config: Option<ConfigIdentity>,
    /// The region the audit runs in: counterexamples name a function there (plain data, passed
    /// in by the command). `None`: the region of the role's own policies' first function ARN.
    pub region: Option<String>,
    /// `--partner-principal`: the principals of the partner accounts that must be able to
    /// assume the role (see `principals`); empty: the audit speaks of whole accounts.
    pub partner_principals: Vec<String>,
}

/// The role a config manages and the config tag it carries (`--config`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigIdentity {
    /// The role's name in the config.
    pub role_name: String,
    /// The config's identity digest, the value of its `lambda-trust:config` tag.
    pub digest: String,
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
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

impl IdKind {
    /// The kind as the JSON writes it (`fixed`, `several`, `pattern`, `any`).
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Fixed => "fixed",
            IdKind::Several => "several",
            IdKind::Pattern => "pattern",
            IdKind::Any => "any",
        }
    }
}

impl std::fmt::Display for IdKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

impl InvokableScope {
    /// One word for a table cell: the count, `all`, `pattern` or `unknown`.
    pub fn word(&self, invokable: &[String]) -> String {
        match self.kind {
            InvokableKind::Listed => invokable.len().to_string(),
            InvokableKind::All => "all".to_owned(),
            InvokableKind::Pattern => "pattern".to_owned(),
            InvokableKind::Unknown => "unknown".to_owned(),
        }
    }

    /// The invokable set in a few words: `3`, `all functions (*)`, `pattern (…:function:f-*)`,
    /// `unknown (not read: AWSLambda_FullAccess)` — never a count that understates.
    pub fn short(&self, invokable: &[String]) -> String {
        let wild: Vec<&str> = (invokable.iter())
            .filter(|p| p.contains(['*', '?']))
            .map(String::as_str)
            .collect();
        match self.kind {
            InvokableKind::Listed => invokable.len().to_string(),
            InvokableKind::All => format!("all functions ({})", wild.join(", ")),
            InvokableKind::Pattern => format!("pattern ({})", wild.join(", ")),
            InvokableKind::Unknown => {
                let names: Vec<&str> = (self.not_read.iter())
                    .map(|n| n.rsplit('/').next().unwrap_or(n))
                    .collect();
                format!("unknown (policy not read: {})", names.join(", "))
            }
        }
    }
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
    /// The trust and identity policy documents the report was decided on (not in the JSON:
    /// they are the account's own; the HTML report shows them).
    #[serde(skip)]
    pub documents: Vec<RoleDocument>,
    /// What IAM says of the role's use (`usage::mark_unused` reads it; not in the JSON).
    #[serde(skip)]
    pub(crate) usage: Option<usage::RoleUsage>,
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
        schemars(schema_with = "lambda_trust_model::schema_refs::schema_version")
    )]
    pub(crate) schema_version: u32,
    /// The audited account.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "lambda_trust_model::schema_refs::account_id")
    )]
    pub account: String,
    /// The partner accounts audited for; empty without --partner/--partner-account (any other
    /// account, or anyone).
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "lambda_trust_model::schema_refs::account_ids")
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
    pub baseline: Option<baseline::BaselineOutcome>,
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

impl AccountReport {
    /// Changes (exit 2) when any role has a security finding a baseline does not suppress,
    /// else Ok.
    pub fn status(&self) -> Status {
        let roles = self.roles.iter().flat_map(|r| &r.findings);
        let functions = (self.path.iter())
            .flat_map(|p| &p.functions)
            .flat_map(|f| &f.findings);
        let security = (roles.chain(functions))
            .any(|f| f.severity == Severity::Security && !f.is_suppressed());
        Status::ok_or(!security, Status::Changes)
    }
}

/// Audits every role of one account, one after the other. `calls` is what reading it cost, for
/// the summary. The live audit splits the roles across the machine's cores itself
/// (`app::audit`: the executor owns the parallelism, shared by the accounts audited side by
/// side) and hands the proved roles to [`account_report`].
pub fn audit_account(iam: &AccountIam, opts: &AuditOptions, calls: usize) -> AccountReport {
    let roles = (iam.roles.iter())
        .filter_map(|r| audit_role(iam, r, opts))
        .collect();
    account_report(iam, opts, roles, calls)
}

/// The account's report from its roles' reports ([`audit_role`] of each role, in any order).
pub fn account_report(
    iam: &AccountIam,
    opts: &AuditOptions,
    mut roles: Vec<RoleReport>,
    calls: usize,
) -> AccountReport {
    sort_roles(&mut roles);
    AccountReport {
        schema_version: SCHEMA_VERSION,
        account: iam.account_id.clone(),
        partners: opts.partners.clone(),
        path: None,
        summary: Summary {
            roles_scanned: iam.roles.len(),
            roles_reported: roles.len(),
            calls,
        },
        roles,
        region: opts.region.clone(),
        baseline: None,
        recorded_in: None,
        not_read: Vec::new(),
        genesys: None,
    }
}

/// Worst first, then by name: the order of the human table and of the JSON.
pub(crate) fn sort_roles(roles: &mut [RoleReport]) {
    roles.sort_by(|a, b| {
        let rank = |r: &RoleReport| r.worst().map_or(3, |s| s as u8);
        rank(a).cmp(&rank(b)).then_with(|| a.role.cmp(&b.role))
    });
}

/// The whole path judged for every reported role of `report` (over the functions it may
/// invoke) with `path` — the organization and function policies read or given —, and the
/// listed functions scanned for direct access by a partner or anyone.
pub fn judge_path(
    report: &mut AccountReport,
    iam: &AccountIam,
    opts: &AuditOptions,
    p: &AuditPath,
) {
    for r in &mut report.roles {
        let Some(role) = iam.roles.iter().find(|x| x.arn == r.arn) else {
            continue;
        };
        let partners = match opts.partners.is_empty() {
            true => r.assumable_by.clone(),
            false => opts.partners.clone(),
        };
        let found =
            path::role_findings(iam, role, &partners, opts, &r.external_ids, &r.invokable, p);
        r.findings.extend(found);
        r.findings.sort_by_key(|f| (f.severity, f.code));
    }
    sort_roles(&mut report.roles);
    report.path = Some(account_path(iam, opts, &report.roles, p));
}

/// The account's part of the whole path: each account's organization policies (the audited
/// one's and every target's), and the scan of the listed functions.
fn account_path(
    iam: &AccountIam,
    opts: &AuditOptions,
    roles: &[RoleReport],
    p: &AuditPath,
) -> AccountPath {
    let mut accounts = vec![iam.account_id.clone()];
    accounts.extend(p.sources.orgs.keys().cloned());
    accounts.extend((roles.iter()).flat_map(|r| &r.invokable).filter_map(|a| {
        let account = lambda_trust_iam::arn::split(a)?[4];
        (!account.contains(['*', '?'])).then(|| account.to_owned())
    }));
    accounts.sort();
    accounts.dedup();
    AccountPath {
        organization: path::organization(p, &accounts),
        functions_listed: p.functions.as_ref().map(|l| l.arns.len()),
        functions_not_listed: p.not_listed.clone(),
        functions: path::open_functions(&iam.account_id, &opts.partners, p),
    }
}

/// The managed policies that roles whose trust policy names a partner (or anyone) use,
/// attached or as a boundary, and that `iam` does not hold: the AWS managed ones, which the
/// account pass leaves out. A cheap superset of what the reported roles need (no prover).
pub fn policies_to_read(iam: &AccountIam, opts: &AuditOptions) -> Vec<String> {
    let mut out: Vec<String> = iam
        .roles
        .iter()
        .filter(|r| trust::may_concern(&iam.account_id, r, &opts.partners))
        .flat_map(|r| r.attached.iter().chain(&r.boundary))
        .filter(|arn| !iam.policies.contains_key(*arn))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The report of one role, or `None` when no partner (no outsider) can assume it.
pub fn audit_role(iam: &AccountIam, role: &AuditRole, opts: &AuditOptions) -> Option<RoleReport> {
    let trust = trust::analyse(&iam.account_id, role, opts)?;
    let access = access::analyse(iam, role, opts.region.as_deref());
    let mut findings = trust.findings;
    findings.extend(access.findings);
    findings.extend(ownership(role, opts));
    findings.sort_by_key(|f| (f.severity, f.code));
    let documents = documents::of(iam, role, &findings);
    documents::mark(&role.arn, &documents, &mut findings);
    Some(RoleReport {
        role: role.name.clone(),
        arn: role.arn.clone(),
        managed: role.is_managed(),
        assumable_by: trust.assumable_by,
        external_ids: trust.external_ids,
        invokable: access.invokable,
        invokable_scope: access.scope,
        findings,
        documents,
        usage: iam.usage.get(&role.arn).cloned(),
    })
}

/// The invokable set of one role and the witnesses of its patterns, computed as the audit does
/// or (`reference`) by the method it replaced, one proof per candidate ARN: the tests' oracle
/// and the benchmark's baseline.
#[doc(hidden)]
pub fn invokable_set(
    iam: &AccountIam,
    role: &AuditRole,
    region: Option<&str>,
    reference: bool,
) -> (Vec<String>, Vec<(String, lambda_trust_iam::Counterexample)>) {
    access::invokable_set(iam, role, region, reference)
}

/// `unmanaged` for a role without our tag; with `--config`, `config-mismatch` for a managed
/// role of that name whose `lambda-trust:config` digest is another config's.
fn ownership(role: &AuditRole, opts: &AuditOptions) -> Option<Finding> {
    if !role.is_managed() {
        return Some(Finding::new(
            Code::Unmanaged,
            format!("not managed by lambda-trust (no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE})"),
            None,
        ));
    }
    let want = opts.config.as_ref()?;
    if want.role_name != role.name {
        return None;
    }
    let live = role.tags.get(CONFIG_TAG_KEY).map(String::as_str);
    (live != Some(want.digest.as_str())).then(|| {
        Finding::new(
            Code::ConfigMismatch,
            format!(
                "managed by lambda-trust, but its {CONFIG_TAG_KEY} tag is {} and the given config's is {}: the trusted account, external ID, role path or policy name differ",
                live.unwrap_or("absent"),
                want.digest
            ),
            None,
        )
    })
}

/// The reported roles that one of `partners` (account IDs) can assume with `external_id`, as
/// the audit proved them: the ID is one of the accepted values, matches an accepted pattern, or
/// any ID is accepted. `init --from-genesys` offers these when Genesys Cloud redacts the role ARN.
pub fn roles_accepting<'a>(
    report: &'a AccountReport,
    partners: &[&str],
    external_id: &str,
) -> Vec<&'a RoleReport> {
    let root = |p: &str| {
        lambda_trust_iam::arn::Arn::parse(p).is_some_and(|a| partners.contains(&a.account.as_str()))
    };
    let accepts = |ids: &ExternalIds| match ids.kind {
        IdKind::Any => true,
        IdKind::Pattern => {
            (ids.values.iter()).any(|p| lambda_trust_iam::wildcard_match(p, external_id, true))
        }
        IdKind::Fixed | IdKind::Several => ids.values.iter().any(|v| v == external_id),
    };
    (report.roles.iter())
        .filter(|r| r.assumable_by.iter().any(|p| p == "*" || root(p)))
        .filter(|r| accepts(&r.external_ids))
        .collect()
}
