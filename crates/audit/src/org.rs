//! Audits of several accounts: the `--accounts FILE` list, and the one report over every
//! account (a failed account is an entry of its own, never hiding another's findings).
//!
//! Part of the auditor; `app::audit` runs the accounts, `report::audit` renders this.

use std::collections::BTreeMap;

use serde::Serialize;

use super::report::AccountReport;
use lambda_trust_verdict::{Status, SCHEMA_VERSION};

/// One account's outcome: its report, or why it could not be audited.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[serde(untagged)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per audited account, built once and moved into the report: boxing saves nothing"
)]
pub enum AccountOutcome {
    /// The account's report.
    Report(AccountReport),
    /// The account could not be audited.
    Error {
        /// The account.
        #[cfg_attr(
            feature = "schemars",
            schemars(
                schema_with = "lambda_trust_model::schema_one::<lambda_trust_model::SchemaAccountId>"
            )
        )]
        account: String,
        /// Why it could not be audited.
        #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
        error: String,
        /// Calls made before it failed (the `AssumeRole`, say), for the summary only.
        #[serde(skip)]
        calls: usize,
    },
}

impl AccountOutcome {
    /// The account the outcome is for.
    pub fn account(&self) -> &str {
        match self {
            AccountOutcome::Report(r) => &r.account,
            AccountOutcome::Error { account, .. } => account,
        }
    }
}

/// The totals over every account.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct OrgSummary {
    /// The accounts audited, failed ones included.
    pub accounts: usize,
    /// The accounts that could not be audited.
    pub accounts_failed: usize,
    /// The roles read, over every account.
    pub roles_scanned: usize,
    /// The roles reported, over every account.
    pub roles_reported: usize,
    /// Every call of the run, the organization-wide ones (`ListAccounts`) included.
    pub calls: usize,
}

/// The audit of several accounts (`--accounts`, `--organization`): every account's outcome and the
/// totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct OrgReport {
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "lambda_trust_model::schema_version")
    )]
    pub(crate) schema_version: u32,
    /// Every account: its report, or why it could not be audited.
    pub accounts: Vec<AccountOutcome>,
    /// The totals over every account.
    pub summary: OrgSummary,
    /// Account names by ID, as the organization lists them (`--organization`; absent with
    /// `--accounts`). Names are chosen by account owners: renderers treat them as data.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "account_names"))]
    pub names: BTreeMap<String, String>,
    /// `--baseline`: the entries that expired or matched nothing in any account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<super::baseline::BaselineOutcome>,
}

impl OrgReport {
    /// `extra_calls`: calls made for the whole run (listing the organization's accounts).
    pub fn new(mut accounts: Vec<AccountOutcome>, extra_calls: usize) -> OrgReport {
        accounts.sort_by(|a, b| a.account().cmp(b.account()));
        let reports = || {
            accounts.iter().filter_map(|a| match a {
                AccountOutcome::Report(r) => Some(r),
                AccountOutcome::Error { .. } => None,
            })
        };
        let summary = OrgSummary {
            accounts: accounts.len(),
            accounts_failed: accounts.len() - reports().count(),
            roles_scanned: reports().map(|r| r.summary.roles_scanned).sum(),
            roles_reported: reports().map(|r| r.summary.roles_reported).sum(),
            calls: extra_calls
                + accounts
                    .iter()
                    .map(|a| match a {
                        AccountOutcome::Report(r) => r.summary.calls,
                        AccountOutcome::Error { calls, .. } => *calls,
                    })
                    .sum::<usize>(),
        };
        OrgReport {
            schema_version: SCHEMA_VERSION,
            accounts,
            summary,
            names: BTreeMap::new(),
            baseline: None,
        }
    }
}

impl lambda_trust_verdict::Judged for OrgReport {
    /// Invalid (1) when an account could not be audited, else Changes (2) when a role has a
    /// security finding, else Ok — as `check`: errors and findings never share a code.
    fn status(&self) -> Status {
        let mut worst = Status::Ok;
        for a in &self.accounts {
            match a {
                AccountOutcome::Error { .. } => return Status::Invalid,
                AccountOutcome::Report(r) if r.status() != Status::Ok => worst = r.status(),
                AccountOutcome::Report(_) => {}
            }
        }
        worst
    }
}

/// Parses an `--accounts` file: one 12-digit account ID per line; blank lines and `#` comments
/// (whole-line or trailing) are ignored; duplicates are dropped. Every bad line is reported,
/// with its number.
pub fn parse_accounts(text: &str) -> Result<Vec<String>, Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let id = line.split('#').next().unwrap_or("").trim();
        if id.is_empty() {
            continue;
        }
        if lambda_trust_iam::is_account_id(id) {
            if !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
        } else {
            bad.push(format!(
                "line {}: {id:?} is not a 12-digit AWS account ID",
                i + 1
            ));
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    if out.is_empty() {
        return Err(vec!["the file lists no account ID".to_owned()]);
    }
    Ok(out)
}

/// Account names by account ID (`names`' schema).
#[cfg(feature = "schemars")]
fn account_names(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "propertyNames": {"pattern": "^[0-9]{12}$"},
        "additionalProperties": {"type": "string"}
    })
}
