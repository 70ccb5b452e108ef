//! The findings of planned writes: what the live state has that the config does not, and how
//! bad it is. One function per group of [`Op`], each an exhaustive `match`.
//!
//! Part of the pure `core` layer.

use serde_json::{json, Value};

use super::{json_diff, Finding, Severity};
use crate::config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use crate::core::describe::describe;
use crate::core::plan::{AttachmentOp, BoundaryOp, Op, Plan, PolicyOp, RoleOp, TagOp, VersionOp};
use crate::core::state::Desired;
use crate::core::trail::Trail;
use crate::core::verify;
use crate::iam::arn::Arn;
use crate::iam::{
    prove_invoke, prove_trust, LabeledPolicy, Policy, Property, PropertyResult, Verdict,
};

fn doc_findings(
    severity: Severity,
    resource: &str,
    config_key: &'static str,
    expected: &Value,
    actual: &Value,
    what: &str,
) -> Vec<Finding> {
    let diffs = json_diff(expected, actual);
    if diffs.is_empty() {
        return vec![];
    }
    diffs
        .into_iter()
        .map(|(path, e, a)| {
            // JSONPath-like: `$.Statement[0].Condition…`
            let path = format!("${path}");
            Finding {
                severity,
                kind: "drift",
                resource: resource.to_string(),
                message: format!("{what} differs at {path}"),
                path,
                expected: e,
                actual: a,
                config_key,
                counterexample: None,
                trail: Trail::default(),
            }
        })
        .collect()
}

/// Turns a plan into findings: what the live state has that the config does not, and how bad.
pub fn drift_findings(desired: &Desired, plan: &Plan) -> Vec<Finding> {
    plan.ops
        .iter()
        .flat_map(|op| op_findings(desired, op))
        .collect()
}

/// The findings one planned write stands for, each with what CloudTrail can explain it by.
fn op_findings(desired: &Desired, op: &Op) -> Vec<Finding> {
    let mut findings = op_findings_untraced(desired, op);
    let trail = crate::core::trail::trail_of(desired, op);
    for f in &mut findings {
        f.trail = trail.clone();
    }
    findings
}

fn op_findings_untraced(desired: &Desired, op: &Op) -> Vec<Finding> {
    let at = At {
        resource: describe(op).resource,
    };
    match op {
        Op::Role(op) => role_findings(desired, &at, op),
        Op::Boundary(op) => vec![boundary_finding(&at, op)],
        Op::Tags(op) => tag_findings(&at, op),
        Op::Attachment(op) => vec![attachment_finding(&at, op)],
        Op::Policy(op) => policy_finding(&at, op).into_iter().collect(),
        Op::Version(op) => version_findings(desired, &at, op),
    }
}

/// The role: missing, or its trust policy or settings differ. Deleting it is destroy's, not
/// drift.
fn role_findings(desired: &Desired, at: &At, op: &RoleOp) -> Vec<Finding> {
    match op {
        RoleOp::Create(_) => vec![at.finding(
            Severity::Config,
            "role",
            None,
            None,
            "the role does not exist".into(),
        )],
        RoleOp::UpdateTrust {
            document, previous, ..
        } => {
            let admits = trust_admits(desired, previous);
            document_findings(at, "trust", (document, previous), admits, "trust policy")
        }
        RoleOp::UpdateSettings {
            description,
            max_session_duration,
            previous_description,
            previous_max_session_duration,
            ..
        } => role_setting_findings(
            at,
            (previous_description.as_deref(), description),
            (*previous_max_session_duration, *max_session_duration),
        ),
        RoleOp::Delete { .. } => vec![],
    }
}

/// A policy document that differs, one finding per differing path. The severity comes from the
/// proof, not from where the difference sits: security when the live document admits a request
/// outside the intended set (or cannot be proved not to), config otherwise.
fn document_findings(
    at: &At,
    config_key: &'static str,
    (expected, live): (&Value, &Value),
    admits: Option<Admission>,
    what: &str,
) -> Vec<Finding> {
    let severity = severity(admits.is_some());
    let f = doc_findings(severity, &at.resource, config_key, expected, live, what);
    with_admission(f, admits)
}

/// The `managed-by` tag is gone: someone changed the object outside lambda-trust. `plan` and
/// `apply` refuse to write to it without `--adopt`; `check` still looks at everything else.
fn ownership_lost(what: &str) -> String {
    format!(
        "ownership lost: the {what} no longer carries {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}, so it \
         was changed outside lambda-trust; review every other finding, then `lambda-trust apply \
         --adopt` restores it"
    )
}

/// What a live trust policy admits beyond the partner with the external ID: `None` when the
/// prover proves it admits nothing more; else the counterexample (or why it is unknown).
fn trust_admits(desired: &Desired, live: &Value) -> Option<Admission> {
    let policy = match Policy::parse(live) {
        Ok(p) => p,
        Err(e) => return Some(Admission::unparsable(e)),
    };
    let role = &desired.role;
    let role_arn = Arn::iam(
        &desired.partition,
        &desired.account_id,
        &format!("role{}{}", role.path, role.name),
    );
    let spec = verify::trust_spec(desired);
    let results = prove_trust(&policy, &role_arn.to_string(), &spec, verify::PROOF_BUDGET);
    Admission::of(results, Property::TrustOnlyPartnerWithExternalId)
}

/// What a live invoke document admits beyond `lambda:InvokeFunction` on the granted ARNs.
fn invoke_admits(desired: &Desired, label: &str, live: &Value) -> Option<Admission> {
    let policy = match Policy::parse(live) {
        Ok(p) => p,
        Err(e) => return Some(Admission::unparsable(e)),
    };
    let spec = verify::invoke_spec(desired);
    let identity = [LabeledPolicy::new(label.to_string(), policy)];
    let results = prove_invoke(&identity, None, &spec, verify::PROOF_BUDGET);
    Admission::of(results, Property::InvokeOnlyTargets)
}

/// A request a document lets in that it should not, as text and as the request itself.
struct Admission {
    summary: String,
    request: Option<Value>,
}

impl Admission {
    fn of(results: Vec<PropertyResult>, property: Property) -> Option<Admission> {
        let r = results.into_iter().find(|r| r.property == property)?;
        (r.verdict != Verdict::Proved).then(|| Admission {
            summary: r.request_text(),
            request: r.counterexample.as_ref().map(|c| json!(c)),
        })
    }

    fn unparsable(e: impl std::fmt::Display) -> Admission {
        Admission {
            summary: format!("the live document does not parse, so nothing is proved: {e}"),
            request: None,
        }
    }
}

/// Says on each document finding what the live document admits, and carries the request.
fn with_admission(mut findings: Vec<Finding>, admits: Option<Admission>) -> Vec<Finding> {
    if let Some(a) = admits {
        for f in &mut findings {
            f.message = format!("{}; it admits more: {}", f.message, a.summary);
            f.counterexample = a.request.clone();
        }
    }
    findings
}

pub(super) fn severity(security: bool) -> Severity {
    if security {
        Severity::Security
    } else {
        Severity::Config
    }
}

/// The resource a finding is about, and the constructor of a finding without a document path.
struct At {
    resource: String,
}

impl At {
    fn finding(
        &self,
        severity: Severity,
        config_key: &'static str,
        expected: Option<Value>,
        actual: Option<Value>,
        message: String,
    ) -> Finding {
        Finding {
            severity,
            kind: "drift",
            resource: self.resource.clone(),
            path: String::new(),
            expected,
            actual,
            message,
            config_key,
            counterexample: None,
            trail: Trail::default(),
        }
    }
}

/// Description and maximum session duration, one finding per differing setting: (live,
/// configured) of each.
fn role_setting_findings(
    at: &At,
    description: (Option<&str>, &str),
    max_session: (i64, i64),
) -> Vec<Finding> {
    let mut out = Vec::new();
    if description.0 != Some(description.1) {
        out.push(Finding {
            path: "Description".into(),
            ..at.finding(
                Severity::Config,
                "role.description",
                Some(json!(description.1)),
                description.0.map(|d| json!(d)),
                "role description differs".into(),
            )
        });
    }
    if max_session.0 != max_session.1 {
        out.push(Finding {
            path: "MaxSessionDuration".into(),
            ..at.finding(
                Severity::Config,
                "role.max_session_duration",
                Some(json!(max_session.1)),
                Some(json!(max_session.0)),
                "role max session duration differs".into(),
            )
        });
    }
    out
}

/// One finding per role tag that differs or should not be there; our policy without our tag.
fn tag_findings(at: &At, op: &TagOp) -> Vec<Finding> {
    let tag = |k: &str, expected: Option<Value>, actual: Option<Value>, message: String| Finding {
        path: format!("Tags.{k}"),
        ..at.finding(Severity::Config, "role.tags", expected, actual, message)
    };
    match op {
        TagOp::TagRole { tags, previous, .. } => tags
            .iter()
            .map(|(k, val)| {
                let was = previous.get(k).map(|p| json!(p));
                if k == MANAGED_BY_KEY && was.is_none() {
                    return Finding {
                        severity: Severity::Security,
                        ..tag(k, Some(json!(val)), was, ownership_lost("role"))
                    };
                }
                tag(k, Some(json!(val)), was, format!("tag {k} differs"))
            })
            .collect(),
        TagOp::UntagRole { keys, .. } => keys
            .iter()
            .map(|k| {
                let message = format!("tag {k} is on the role but not in the config");
                tag(k, None, None, message)
            })
            .collect(),
        TagOp::TagPolicy { tags, .. } => vec![at.finding(
            Severity::Security,
            "policy",
            tags.get(MANAGED_BY_KEY).map(|v| json!(v)),
            None,
            ownership_lost("invoke policy"),
        )],
    }
}

/// The permissions boundary: removed or changed (security), or one the config lacks.
fn boundary_finding(at: &At, op: &BoundaryOp) -> Finding {
    match op {
        BoundaryOp::Put { arn, previous, .. } => at.finding(
            Severity::Security,
            "role.permissions_boundary",
            Some(json!(arn)),
            previous.as_ref().map(|p| json!(p)),
            match previous {
                None => "permissions boundary was removed".to_string(),
                Some(p) => format!("permissions boundary is {p}, not {arn}"),
            },
        ),
        BoundaryOp::Delete { previous, .. } => at.finding(
            Severity::Config,
            "role",
            None,
            Some(json!(previous)),
            format!("the role has a permissions boundary {previous} the config does not declare"),
        ),
    }
}

/// What is attached to the role: an undeclared policy (security), or ours missing.
fn attachment_finding(at: &At, op: &AttachmentOp) -> Finding {
    match op {
        AttachmentOp::Detach { arn, document, .. } => at.finding(
            Severity::Security,
            "role",
            None,
            Some(json!({"policy_arn": arn, "document": document})),
            format!("managed policy {arn} is attached to the role but not in the config"),
        ),
        AttachmentOp::DeleteInline { name, document, .. } => at.finding(
            Severity::Security,
            "role",
            None,
            Some(json!({"inline_policy": name, "document": document})),
            format!("inline policy {name} is on the role but not in the config"),
        ),
        AttachmentOp::Attach { arn, .. } => at.finding(
            Severity::Config,
            "targets",
            Some(json!(arn)),
            None,
            "the invoke policy is not attached to the role".into(),
        ),
    }
}

/// Our invoke policy missing; deleting it is destroy's, not drift.
fn policy_finding(at: &At, op: &PolicyOp) -> Option<Finding> {
    match op {
        PolicyOp::Create { .. } => Some(at.finding(
            Severity::Config,
            "targets",
            None,
            None,
            "the invoke policy does not exist".into(),
        )),
        PolicyOp::Delete { .. } => None,
    }
}

/// The invoke policy's versions: a default that differs, latent access in another version.
/// Pruning to stay under the version limit is a consequence of a new version, not drift.
fn version_findings(desired: &Desired, at: &At, op: &VersionOp) -> Vec<Finding> {
    match op {
        VersionOp::Create {
            document, previous, ..
        } => {
            let admits = invoke_admits(desired, &at.resource, previous);
            document_findings(at, "targets", (document, previous), admits, "invoke policy")
        }
        VersionOp::DeleteLatent {
            version_id,
            document,
            admits,
            replaced_default,
            ..
        } => vec![at.finding(
            Severity::Security,
            "targets",
            None,
            Some(json!({"version_id": version_id, "document": document})),
            latent_message(version_id, replaced_default.as_deref(), admits),
        )],
        VersionOp::Delete { .. } => vec![],
    }
}

/// The latent-access finding. A non-default version that admits more is named as such; the
/// live default that admits more (someone published a broader version as the default) is named
/// as the default, beside the non-default version(s) it displaced: once apply restores the
/// config's document it would stay behind as a non-default version, so apply deletes it too.
fn latent_message(version_id: &str, replaced_default: Option<&[String]>, admits: &str) -> String {
    match replaced_default {
        None => format!(
            "latent access: non-default version {version_id} admits more than the targets \
             (anyone with iam:SetDefaultPolicyVersion can switch it on): {admits}"
        ),
        Some(others) => {
            let others = match others {
                [] => "no non-default version".to_owned(),
                [one] => format!("non-default version {one}"),
                many => format!("non-default versions {}", many.join(", ")),
            };
            format!(
                "latent access after repair: version {version_id} is the default ({others}) and \
                 admits more than the targets; apply publishes the config's document as the new \
                 default and deletes {version_id} rather than leave it as a non-default version \
                 anyone with iam:SetDefaultPolicyVersion could switch back on: {admits}"
            )
        }
    }
}
