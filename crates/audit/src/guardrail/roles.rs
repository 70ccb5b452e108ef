//! The roles an organization's audit reported, as the guardrail judges them: each account's
//! roles a partner account can assume, with their trust policies, or why the account was not
//! read.
//!
//! Part of `guardrail`: the audit reads (`audit --organization`, `--config-aggregator`), the
//! guardrail judges what it read.

use super::model::GuardrailRoles;
use crate::documents::DocumentKind;
use crate::org::{AccountOutcome, OrgReport};

impl From<&OrgReport> for GuardrailRoles {
    fn from(report: &OrgReport) -> GuardrailRoles {
        let accounts = (report.accounts.iter()).map(|a| match a {
            AccountOutcome::Report(r) => {
                let roles = (r.roles.iter())
                    .filter_map(|role| {
                        let trust = role
                            .documents
                            .iter()
                            .find(|d| d.kind == DocumentKind::Trust)?;
                        let identity = (role.documents.iter())
                            .filter(|d| d.kind == DocumentKind::Identity)
                            .map(|d| d.document.clone())
                            .collect();
                        Some((role.arn.clone(), trust.document.clone(), identity))
                    })
                    .collect();
                let not_read = (!r.not_read.is_empty()).then(|| {
                    format!(
                        "roles AWS Config lists but could not give: {}",
                        r.not_read.join(", ")
                    )
                });
                (r.account.clone(), not_read.map_or(Ok(roles), Err))
            }
            AccountOutcome::Error { account, error, .. } => (account.clone(), Err(error.clone())),
        });
        GuardrailRoles::Read(accounts.collect())
    }
}
