//! The organization watch's check of the guardrail (docs/guardrail.md): an Organizations call
//! that can change it — a policy attached, detached, updated or deleted, a policy type disabled
//! or enabled, an account moved — reads the organization once (`aws::organizations::read_tree`, with
//! the function's own credentials) and judges what is attached against the deployment's org IDs
//! and partner accounts (`lambda_trust_audit::plan_guardrail`, as `guardrail check`), in this
//! one invocation. A failed claim is a finding in the watch's own Security Hub naming the call
//! and who made it; the next check that finds none settles it.
//!
//! The watch reads no member's roles for it: availability is decided from the document (a
//! guardrail that cannot deny a request carrying one of your IDs takes nothing away from any
//! role). The intended targets are the ones apply recorded in the policy's tags (else where
//! it is attached): a detach from one of them, or RCPs disabled, leaves accounts uncovered,
//! named.
//!
//! No account is swept for a call that changed no account's policies — `DeletePolicy` (a
//! policy still attached cannot be deleted: AWS Organizations API Reference, `DeletePolicy`,
//! `PolicyInUseException`) and `EnablePolicyType` (which attaches only the full-access
//! policy) — nor for one that changed only the guardrail when this check proved it acts only
//! on the partner accounts' STS requests and denies none carrying your IDs: each role's answer
//! is then what it was. Any other policy's change sweeps, since what it denies or allows is
//! each role's own path — and a moved account's functions are on other accounts' roles' paths
//! too, so a `MoveAccount` sweeps every account, not the one moved.

use serde_json::Value;

use crate::app::security_hub as hub;
use crate::aws::organizations::{read_tree, Tags};
use crate::aws::Clients;
use crate::event::HubAt;
use lambda_trust_audit::{
    plan_guardrail, GuardrailAsked, GuardrailChosen, GuardrailChosenFrom, GuardrailMode,
    GuardrailPlan, GuardrailProperty, GuardrailRoles, StoredPolicy,
};
use lambda_trust_iam::{ResourceClause, Verdict};
use lambda_trust_model::OrgWatchGenerator;
use lambda_trust_provision::{GuardrailWatched, OrgChange, OrgWatchSettings, Published, WatchCall};

/// The call of `change` when it can change the guardrail (the catalogue's Organizations
/// calls: `lambda_trust_provision::classify_org_event` decides it).
pub(super) fn guardrail_call(change: &OrgChange) -> Option<&WatchCall> {
    match change {
        OrgChange::Organization {
            call,
            guardrail: true,
            ..
        } => Some(call),
        _ => None,
    }
}

/// Why `change` needs no sweep whatever the guardrail says: it changed no account's
/// policies (decided with the event's classification).
pub(super) fn changes_no_path(change: &OrgChange) -> Option<String> {
    match change {
        OrgChange::Organization { no_path, .. } => no_path.clone(),
        _ => None,
    }
}

/// Why `change` needs no sweep once `plan` checked the guardrail `stored`: it changed that
/// policy alone, which acts only on STS requests from the partner accounts (no collateral)
/// and cannot deny one carrying your IDs (availability) — the only partner request on a
/// role's path is its `sts:AssumeRole`.
fn only_the_guardrail(
    change: &OrgChange,
    stored: &StoredPolicy,
    plan: &GuardrailPlan,
) -> Option<String> {
    let OrgChange::Organization {
        call,
        policy: Some(policy),
        one_policy: true,
        ..
    } = change
    else {
        return None;
    };
    let id = stored.id.as_str();
    let proved = |p: GuardrailProperty| {
        (plan.claims.iter()).any(|c| c.property == p && c.verdict == Verdict::Proved)
    };
    let holds = proved(GuardrailProperty::Availability)
        && proved(GuardrailProperty::NoCollateral)
        && sts_only(&stored.document);
    (policy == id && holds).then(|| {
        format!(
            "{} changed only the guardrail ({id}), checked here: it cannot deny a request \
             carrying one of your org IDs, so no role's answer changed",
            call.event
        )
    })
}

/// Checks the guardrail after `change` and publishes in the watch's account `home` the
/// finding `finding` renders of what is attached (`None`: it holds, and what was filed before
/// is settled); with why `change` needs no sweep, when it changed only the guardrail.
pub(super) async fn check(
    clients: &Clients,
    settings: &OrgWatchSettings,
    home: &str,
    change: &OrgChange,
    finding: &dyn Fn(&GuardrailPlan) -> Option<Value>,
) -> (GuardrailWatched, Option<String>) {
    let tree = match read_tree(clients, Tags::Read).await {
        Ok(tree) => tree,
        Err(e) => return (not_read(crate::error::shown(&e)), None),
    };
    let Some(stored) = tree.policies.iter().find(|p| p.ours) else {
        let none = GuardrailWatched {
            policy: None,
            failed: Vec::new(),
            error: None,
            published: None,
        };
        return (none, None);
    };
    let asked = asked(settings, stored);
    let roles =
        GuardrailRoles::NotRead("each role is re-proved by its own account's reading".into());
    let plan = match plan_guardrail(GuardrailMode::Check, &asked, &tree, &roles) {
        Ok(plan) => plan,
        Err(why) => return (not_read(why), None),
    };
    let spared = only_the_guardrail(change, stored, &plan);
    let failed = (plan.claims.iter())
        .filter(|c| c.verdict == Verdict::Counterexample)
        .map(|c| format!("{}: {}", c.property, c.detail))
        .collect();
    let region = clients.region();
    let findings: Vec<Value> = finding(&plan).into_iter().collect();
    let prefix = OrgWatchGenerator::Guardrail.to_string();
    let sent = hub::send_to(
        clients,
        HubAt {
            account: home,
            region: &region,
        },
        findings,
        &prefix,
    )
    .await;
    let watched = GuardrailWatched {
        policy: Some(stored.id.clone()),
        failed,
        error: None,
        published: Some(match sent {
            Ok(sent) => Published::SecurityHub(sent.counts()),
            Err(e) => Published::Error(crate::error::shown(&e)),
        }),
    };
    (watched, spared)
}

/// The deployment's org IDs and partner accounts; the exemptions and targets as apply recorded
/// them (a check proves what apply recorded: the exemptions stored and the targets attached
/// count only when nothing is recorded, and their differences are no failure).
fn asked(settings: &OrgWatchSettings, stored: &StoredPolicy) -> GuardrailAsked {
    let from = |v: &String| GuardrailChosen {
        value: v.clone(),
        from: GuardrailChosenFrom::Flag,
    };
    GuardrailAsked {
        org_ids: settings.genesys_org_ids.iter().map(from).collect(),
        partners: settings.partners.clone(),
        exempt: exempted(&stored.document),
        no_exempt: false,
        targets: stored.targets.clone(),
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

/// Whether every statement of `document` names only STS actions (`Action`, never
/// `NotAction`).
fn sts_only(document: &Value) -> bool {
    let Ok(policy) = lambda_trust_iam::Policy::try_from(document) else {
        return false;
    };
    (policy.statements.iter()).all(|s| match &s.action {
        lambda_trust_iam::ActionClause::Action(actions) => {
            (actions.iter()).all(|a| a.to_ascii_lowercase().starts_with("sts:"))
        }
        lambda_trust_iam::ActionClause::NotAction(_) => false,
    })
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
