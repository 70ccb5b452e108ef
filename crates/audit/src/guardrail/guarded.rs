//! Whether a role is guarded: the RCPs over its account (read with the whole path) let the
//! partner accounts in only with one of your Genesys Cloud org IDs, whatever the role's own
//! trust policy says — decided as the guardrail's exclusivity is, for this role's ARN (an
//! exempted role is not guarded). `audit` says it of every partner role it reports; a role with
//! no external ID under the guardrail keeps its finding: its trust is still wrong.

use lambda_trust_iam::{Effect, OrgPolicies, Statement};

use super::document::is_account;
use super::probe::only_with;

/// `Some(true)` guarded, `Some(false)` not, `None` not decided: no org IDs of yours given, the
/// organization's policies not read, or the prover could not tell.
pub fn guarded(
    orgs: Option<&OrgPolicies>,
    role_arn: &str,
    partners: &[String],
    ours: &[String],
) -> Option<bool> {
    if ours.is_empty() || !partners.iter().any(|a| is_account(a)) {
        return None;
    }
    let levels = match orgs? {
        OrgPolicies::NoOrganization => return Some(false),
        OrgPolicies::Read {
            management_account: true,
            ..
        } => return Some(false),
        OrgPolicies::Read { levels, .. } => levels,
        OrgPolicies::NotRead { .. } => return None,
    };
    let denies: Vec<Statement> = (levels.iter())
        .flat_map(|l| &l.rcps)
        .flat_map(|p| p.policy.statements.iter().cloned())
        .filter(|s| s.effect == Effect::Deny)
        .collect();
    only_with(role_arn, &denies, partners, ours)
        .ok()
        .map(|admitted| admitted.is_none())
}
