//! The organization watch's check of the guardrail (docs/guardrail.md): an Organizations call
//! that can change it — a policy attached, detached, updated or deleted, a policy type disabled
//! or enabled, an account moved — reads the organization once (`aws::guardrail::read_tree`, with
//! the function's own credentials) and judges what is attached against the deployment's org IDs
//! and partner accounts (`lambda_trust_audit::plan_guardrail`, as `guardrail check`), in this
//! one invocation. A failed claim is a finding in the watch's own Security Hub naming the call
//! and who made it; the next check that finds none settles it.
//!
//! The watch reads no member's roles for it: what each role admits is each role's own re-proof
//! (the sweep the same call starts), so availability is left to those. The intended targets
//! are the policy's own (where it is attached): a detach from every target, or RCPs disabled,
//! leaves the organization uncovered; a detach from one of several is not seen here
//! (`guardrail check` compares with the targets you give).

use serde_json::Value;

use crate::app::security_hub as hub;
use crate::aws::guardrail::read_tree;
use crate::aws::Clients;
use lambda_trust_audit::{
    plan_guardrail, GuardrailMode, GuardrailPlan, GuardrailRoles, GuardrailSpec,
};
use lambda_trust_iam::{ResourceClause, Verdict};
use lambda_trust_model::OrgWatchGenerator;
use lambda_trust_provision::{GuardrailWatched, OrgChange, OrgWatchSettings, Published, WatchCall};

/// The Organizations calls that can change what the guardrail covers or says (AWS
/// Organizations API Reference).
const GUARDRAIL_CALLS: [&str; 7] = [
    "AttachPolicy",
    "DetachPolicy",
    "UpdatePolicy",
    "DeletePolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "MoveAccount",
];

/// The call of `change` when it can change the guardrail.
pub(super) fn guardrail_call(change: &OrgChange) -> Option<&WatchCall> {
    match change {
        OrgChange::Organization { call } if GUARDRAIL_CALLS.contains(&call.event.as_str()) => {
            Some(call)
        }
        _ => None,
    }
}

/// Checks the guardrail and publishes in the watch's account `home` the finding `finding`
/// renders of what is attached (`None`: it holds, and what was filed before is settled).
pub(super) async fn check(
    clients: &Clients,
    settings: &OrgWatchSettings,
    home: &str,
    finding: &dyn Fn(&GuardrailPlan) -> Option<Value>,
) -> GuardrailWatched {
    let tree = match read_tree(clients).await {
        Ok(tree) => tree,
        Err(e) => return not_read(crate::error::shown(&e)),
    };
    let Some(stored) = tree.policies.iter().find(|p| p.ours) else {
        return GuardrailWatched {
            policy: None,
            failed: Vec::new(),
            error: None,
            published: None,
        };
    };
    let spec = GuardrailSpec {
        org_ids: settings.genesys_org_ids.clone(),
        partners: settings.partners.clone(),
        exempt: exempted(&stored.document),
        targets: stored.targets.clone(),
    };
    let roles =
        GuardrailRoles::NotRead("each role is re-proved by its own account's reading".into());
    let plan = match plan_guardrail(GuardrailMode::Check, &spec, &tree, &roles) {
        Ok(plan) => plan,
        Err(why) => return not_read(why),
    };
    let failed = (plan.claims.iter())
        .filter(|c| c.verdict == Verdict::Counterexample)
        .map(|c| format!("{}: {}", c.property, c.detail))
        .collect();
    let region = clients.region();
    let findings: Vec<Value> = finding(&plan).into_iter().collect();
    let prefix = OrgWatchGenerator::Guardrail.to_string();
    let sent = hub::send_to(clients, (home, &region), findings, &prefix).await;
    GuardrailWatched {
        policy: Some(stored.id.clone()),
        failed,
        error: None,
        published: Some(match sent {
            Ok(sent) => Published::SecurityHub(sent.counts()),
            Err(e) => Published::Error(crate::error::shown(&e)),
        }),
    }
}

fn not_read(why: String) -> GuardrailWatched {
    GuardrailWatched {
        policy: None,
        failed: Vec::new(),
        error: Some(why),
        published: None,
    }
}

/// The roles the stored guardrail leaves outside (`NotResource`), so that what was meant to
/// be exempted reads as meant, and only what else changed is judged.
fn exempted(document: &Value) -> Vec<String> {
    let Ok(policy) = lambda_trust_iam::Policy::try_from(document) else {
        return Vec::new();
    };
    (policy.statements.iter())
        .filter_map(|s| match &s.resource {
            Some(ResourceClause::NotResource(arns)) => Some(arns.clone()),
            _ => None,
        })
        .flatten()
        .filter(|a| !a.contains(['*', '?']))
        .collect()
}
