//! The organization watch's finding about the guardrail (docs/guardrail.md), in the watch's own
//! account: what is attached fails a claim — a hand edit that lets another org's ID in, a
//! detach or RCPs disabled leaving accounts uncovered — naming the call that changed it and
//! who made it. Its `Id` and generator are `OrgWatchGenerator::Guardrail`: the guardrail's next
//! check that finds nothing failing settles it (resolved), no account's reading does.

use serde_json::{json, Value};

use crate::event::HubAt;
use crate::report::asff::{cut, MAX_FIELD_VALUE};
use crate::report::audit_html::HtmlMeta;
use lambda_trust_audit::GuardrailPlan;
use lambda_trust_iam::Verdict;
use lambda_trust_model::OrgWatchGenerator;

use super::asff::{in_the_watch_account, About, OrgWatchChange};

/// The guardrail's finding in the watch's account and region `at`, or `None` when what is
/// attached fails no claim the watch judges (the roles' availability is each role's own
/// re-proof's business).
pub(crate) fn organization_watch_guardrail_finding(
    at: HubAt<'_>,
    plan: &GuardrailPlan,
    change: &OrgWatchChange<'_>,
    meta: &HtmlMeta,
) -> Option<Value> {
    let failed: Vec<String> = (plan.claims.iter())
        .filter(|c| c.verdict == Verdict::Counterexample)
        .map(|c| format!("{}: {}", c.property, c.detail))
        .collect();
    if failed.is_empty() {
        return None;
    }
    let policy = plan.policy.id.as_deref().unwrap_or("none");
    let request = (plan.claims.iter())
        .find_map(|c| c.counterexample.as_ref())
        .map(|r| {
            format!(
                " The request it lets in: {}.",
                serde_json::to_string(r).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let about = About {
        code: "guardrail",
        title: format!("the guardrail {policy} no longer holds Genesys Cloud to your org IDs"),
        description: format!("{}.{request}", failed.join("; ")),
        fix: FIX,
    };
    let id = OrgWatchGenerator::Guardrail.to_string();
    let subject = json!({"Type": "Other", "Id": format!("AWS::Organizations::Policy:{policy}")});
    let mut finding = in_the_watch_account(at, &id, &about, subject, meta);
    let severity = json!({"Label": "HIGH", "Original": "guardrail"});
    finding["Severity"] = severity.clone();
    finding["FindingProviderFields"]["Severity"] = severity;
    finding["Compliance"] = json!({"Status": "FAILED"});
    add_fields(&mut finding["ProductFields"], policy, change);
    Some(finding)
}

/// Who repairs it, and how.
const FIX: &str = "Run `lambda-trust guardrail plan` with your org IDs, then `guardrail apply`: it updates the policy in place and attaches it where it belongs; the guardrail's next Organizations event settles this finding.";

/// The policy, the call and who made it, added to the finding's `ProductFields`.
fn add_fields(fields: &mut Value, policy: &str, change: &OrgWatchChange<'_>) {
    fields["lambda-trust/Policy"] = policy.into();
    if let Some(event) = change.event {
        fields["lambda-trust/Change"] = cut(event, MAX_FIELD_VALUE).into();
    }
    if let Some(by) = change.by {
        fields["lambda-trust/ChangedBy"] = cut(by, MAX_FIELD_VALUE).into();
    }
}
