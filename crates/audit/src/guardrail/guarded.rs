//! Whether a role is guarded: the RCPs over its account (read with the whole path) let the
//! partner accounts in only with one of your Genesys Cloud org IDs, whatever the role's own
//! trust policy says — decided as the guardrail's exclusivity is, for this role's ARN (an
//! exempted role is not guarded). `audit` says it of every partner role it reports; a role with
//! no external ID under the guardrail keeps its finding: its trust is still wrong.

use serde_json::json;

use lambda_trust_iam::{Arn, AwsResource, Effect, OrgPolicies, Policy, Statement};

use super::document::is_account;
use super::proof::{beyond, under};
use crate::trust::accepted;

/// `Some(true)` guarded, `Some(false)` not, `None` not decided: no org IDs of yours given, the
/// organization's policies not read, or the prover could not tell.
pub fn guarded(
    orgs: Option<&OrgPolicies>,
    role_arn: &str,
    partners: &[String],
    ours: &[String],
) -> Option<bool> {
    let partners: Vec<&String> = partners.iter().filter(|a| is_account(a)).collect();
    if ours.is_empty() || partners.is_empty() {
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
    let partition = lambda_trust_iam::split_arn(role_arn).map_or("aws", |p| p[1]);
    for partner in partners {
        let root = Arn::of(partition, partner, AwsResource::Root).to_string();
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": root}, "Action": "sts:AssumeRole"}]});
        let trust = Policy::try_from(&trust).ok()?;
        match beyond(&accepted(&under(&trust, &denies), role_arn, partner), ours) {
            Ok(None) => {}
            Ok(Some(_)) => return Some(false),
            Err(_) => return None,
        }
    }
    Some(true)
}
