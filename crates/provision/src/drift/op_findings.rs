//! The findings of planned writes: what the live state has that the config does not, and how
//! bad it is. One function per group of [`Op`], each an exhaustive `match`.
//!
//! Part of the pure model.

use serde_json::{json, Value};

use super::code::Code;
use super::remedy::Remedy;
use super::Finding;
use crate::describe::describe;
use crate::plan::{
    AttachmentOp, BoundaryOp, HeldPermission, Op, PermissionOp, Plan, PolicyOp, RoleOp, TagOp,
    VersionOp,
};
use crate::verify;
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_iam::{
    prove_invoke, prove_trust, Arn, LabeledPolicy, Policy, Property, PropertyResult, Verdict,
};
use lambda_trust_model::Desired;

/// One finding for a policy document that differs: the whole documents as expected and actual
/// (as written, for a readable diff), and where they differ in `changes`.
fn doc_finding(
    code: Code,
    resource: &str,
    expected: &Value,
    actual: &Value,
    what: &str,
) -> Finding {
    let changes = super::diff::changes(expected, actual);
    let places = match changes.as_slice() {
        [one] => format!("at {}", one.path),
        many => format!("in {} places", many.len()),
    };
    let mut finding = Finding::new(code, resource, format!("{what} differs {places}"))
        .values(Some(expected.clone()), Some(actual.clone()));
    finding.changes = changes;
    finding
}

/// Turns a plan into findings: what the live state has that the config does not, and how bad.
pub(crate) fn drift_findings(desired: &Desired, plan: &Plan) -> Vec<Finding> {
    let findings = (plan.ops.iter())
        .filter(|op| !re_adds(plan, op))
        .flat_map(|op| op_findings(desired, op));
    one_per_resource_and_code(findings)
}

/// The add of a statement the same plan removes first (a replacement): the removal's finding
/// says what differs, one finding for the one statement.
fn re_adds(plan: &Plan, op: &Op) -> bool {
    let Op::Permission(PermissionOp::Add { permission, .. }) = op else {
        return false;
    };
    plan.ops.iter().any(|o| {
        matches!(o, Op::Permission(PermissionOp::Remove { permission: p, .. })
            if p.function_arn == permission.function_arn && p.qualifier == permission.qualifier)
    })
}

/// Several differences of one kind on one resource (three tags) are one finding whose
/// `changes` list them, not three.
pub(crate) fn one_per_resource_and_code(findings: impl Iterator<Item = Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        let same = out
            .iter_mut()
            .find(|o| o.resource == f.resource && kin(o.code) == kin(f.code) && is_placed(o));
        match same {
            Some(o) if !f.path.is_empty() => {
                // One edit of the role's tags (a TagRole that changes one and adds another)
                // is one finding: a tag that differs and one that should not be there.
                if o.code != f.code {
                    o.code = kin(f.code);
                }
                if o.changes.is_empty() {
                    o.changes.push(as_change(o));
                    o.path = String::new();
                }
                o.changes.push(as_change(&f));
                o.message = format!("{}; {}", o.message, f.message);
                (o.expected, o.actual) = (None, None);
            }
            _ => out.push(f),
        }
    }
    out
}

/// The code findings of one resource are grouped under: a role tag the config lacks is a role
/// tag that differs.
fn kin(code: Code) -> Code {
    match code {
        Code::RoleTagExtra => Code::RoleTagDiffers,
        other => other,
    }
}

/// A finding about one place (a tag, a setting), or already a list of places.
fn is_placed(f: &Finding) -> bool {
    !f.path.is_empty() || !f.changes.is_empty()
}

fn as_change(f: &Finding) -> super::Change {
    super::Change {
        path: f.path.clone(),
        expected: f.expected.clone(),
        actual: f.actual.clone(),
    }
}

/// The findings one planned write stands for, each with what CloudTrail can explain it by.
fn op_findings(desired: &Desired, op: &Op) -> Vec<Finding> {
    let mut findings = op_findings_untraced(desired, op);
    let trail = crate::trail::trail_of(desired, op);
    for f in &mut findings {
        f.trail = trail.clone();
    }
    findings
}

fn op_findings_untraced(desired: &Desired, op: &Op) -> Vec<Finding> {
    let drifted = DriftedResource {
        resource: describe(op).resource,
    };
    match op {
        Op::Role(op) => role_findings(desired, &drifted, op),
        Op::Boundary(op) => vec![boundary_finding(&drifted, op)],
        Op::Tags(op) => tag_findings(&drifted, op),
        Op::Attachment(op) => vec![attachment_finding(&drifted, op)],
        Op::Policy(op) => policy_finding(&drifted, op).into_iter().collect(),
        Op::Version(op) => version_findings(desired, &drifted, op),
        Op::Permission(op) => permission_finding(desired, &drifted, op)
            .into_iter()
            .collect(),
    }
}

/// lambda-trust's statements held back from function policies written whole: one finding
/// each, whose remedy is the step that writes the policy with it (apply never does).
pub(crate) fn held_findings(held: &[HeldPermission]) -> Vec<Finding> {
    held.iter()
        .map(|h| {
            let op = Op::Permission(PermissionOp::Add {
                permission: h.permission.clone(),
                read: true,
            });
            let state = if h.adds {
                "missing or different"
            } else {
                "still there, though the function is no longer a target"
            };
            let mut f = Finding::new(
                Code::PermissionHeld,
                describe(&op).resource,
                format!(
                    "lambda-trust's statement letting the role invoke this target is {state}, and \
                     apply does not write into this function policy: it is written whole ({})",
                    h.why
                ),
            )
            .values(h.adds.then(|| h.permission.statement()), None);
            f.remedy = Remedy::Outside {
                step: h.step.clone(),
            };
            f
        })
        .collect()
}

/// lambda-trust's statement on a cross-account target: missing, or not the one it wrote.
/// Removing one no longer targeted is `offboard`'s and `destroy`'s, not drift.
fn permission_finding(
    desired: &Desired,
    drifted: &DriftedResource,
    op: &PermissionOp,
) -> Option<Finding> {
    match op {
        PermissionOp::Add { read: true, .. } => Some(drifted.finding(
            Code::PermissionMissing,
            "the statement letting the role invoke this target is not in its function policy",
        )),
        // Not read: whether the statement is there is unknown, never a failure.
        PermissionOp::Add {
            read: false,
            permission,
        } => Some({
            let mut f = drifted.finding(
                Code::PermissionMissing,
                format!(
                    "the function policy was not read: account {} has no [aws.accounts] entry, so lambda-trust cannot confirm or write the statement letting the role invoke this target",
                    permission.account
                ),
            );
            f.outcome = lambda_trust_verdict::Outcome::Unknown;
            f
        }),
        PermissionOp::Remove {
            permission,
            statement,
            ..
        } if desired.permissions.contains(permission) => Some(doc_finding(
            Code::PermissionDiffers,
            &drifted.resource,
            &permission.statement(),
            statement,
            "lambda-trust's function policy statement",
        )),
        PermissionOp::Remove { .. } => None,
    }
}

/// The role: missing, or its trust policy or settings differ. Deleting it is destroy's, not
/// drift.
fn role_findings(desired: &Desired, drifted: &DriftedResource, op: &RoleOp) -> Vec<Finding> {
    match op {
        RoleOp::Create(_) => vec![drifted.finding(Code::RoleMissing, "the role does not exist")],
        RoleOp::UpdateTrust {
            document, previous, ..
        } => {
            let admits = trust_admits(desired, previous);
            // A request shows it admits more; without one the prover decided nothing.
            let code = match &admits {
                Some(a) if a.request.is_some() => Code::TrustBroader,
                Some(_) => Code::TrustUndecided,
                None => Code::TrustDiffers,
            };
            document_findings(drifted, code, document, previous, admits, "the document")
        }
        RoleOp::UpdateSettings {
            description,
            max_session_duration,
            previous_description,
            previous_max_session_duration,
            ..
        } => role_setting_findings(
            drifted,
            (previous_description.as_deref(), description),
            (*previous_max_session_duration, *max_session_duration),
        ),
        RoleOp::Delete { .. } => vec![],
    }
}

/// A policy document that differs, one finding for the document. The code (and so the
/// severity) comes from the proof, not from where the difference sits: `…-broader` (security)
/// when the live document admits a request outside the intended set (or cannot be proved not
/// to), `…-differs` (config) otherwise.
fn document_findings(
    drifted: &DriftedResource,
    code: Code,
    expected: &Value,
    live: &Value,
    admits: Option<Admission>,
    what: &str,
) -> Vec<Finding> {
    let f = doc_finding(code, &drifted.resource, expected, live, what);
    with_admission(vec![f], admits)
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
    let policy = match Policy::try_from(live) {
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
    let results = prove_trust(
        &policy,
        &role_arn.to_string(),
        &spec,
        lambda_trust_iam::Budget::default(),
    );
    Admission::of(results, Property::TrustOnlyPartnerWithExternalId)
}

/// What a live invoke document admits beyond `lambda:InvokeFunction` on the granted ARNs.
fn invoke_admits(desired: &Desired, label: &str, live: &Value) -> Option<Admission> {
    let policy = match Policy::try_from(live) {
        Ok(p) => p,
        Err(e) => return Some(Admission::unparsable(e)),
    };
    let spec = verify::invoke_spec(desired);
    let identity = [LabeledPolicy::new(label.to_string(), policy)];
    let results = prove_invoke(&identity, None, &spec, lambda_trust_iam::Budget::default());
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
        let said = match a.request {
            Some(_) => "it admits more",
            None => "whether it admits more was not decided",
        };
        for f in &mut findings {
            f.message = format!("{}; {said}: {}", f.message, a.summary);
            f.counterexample = a.request.clone();
        }
    }
    findings
}

/// The resource a finding is about, and the constructor of a finding without a document path.
struct DriftedResource {
    resource: String,
}

impl DriftedResource {
    fn finding(&self, code: Code, message: impl Into<String>) -> Finding {
        Finding::new(code, self.resource.clone(), message)
    }
}

/// Description and maximum session duration, one finding per differing setting: (live,
/// configured) of each.
fn role_setting_findings(
    drifted: &DriftedResource,
    description: (Option<&str>, &str),
    max_session: (i64, i64),
) -> Vec<Finding> {
    let mut out = Vec::new();
    if description.0 != Some(description.1) {
        out.push(
            drifted
                .finding(Code::RoleDescription, "role description differs")
                .at("Description")
                .values(Some(json!(description.1)), description.0.map(|d| json!(d))),
        );
    }
    if max_session.0 != max_session.1 {
        out.push(
            drifted
                .finding(Code::RoleMaxSession, "role max session duration differs")
                .at("MaxSessionDuration")
                .values(Some(json!(max_session.1)), Some(json!(max_session.0))),
        );
    }
    out
}

/// One finding per role tag that differs or should not be there; our policy without our tag.
fn tag_findings(drifted: &DriftedResource, op: &TagOp) -> Vec<Finding> {
    let tag =
        |code, k: &str, message: String| drifted.finding(code, message).at(format!("Tags.{k}"));
    match op {
        TagOp::TagRole { tags, previous, .. } => tags
            .iter()
            .map(|(k, val)| {
                let was = previous.get(k).map(|p| json!(p));
                // The ownership tag overwritten or removed: ownership lost, one finding (the
                // ownership check nests under it), never also "a tag differs".
                let f = if k == MANAGED_BY_KEY {
                    tag(Code::RoleOwnershipLost, k, ownership_lost("role"))
                } else {
                    tag(Code::RoleTagDiffers, k, format!("tag {k} differs"))
                };
                f.values(Some(json!(val)), was)
            })
            .collect(),
        TagOp::UntagRole { keys, .. } => keys
            .iter()
            .map(|k| {
                let message = format!("tag {k} is on the role but not in the config");
                tag(Code::RoleTagExtra, k, message)
            })
            .collect(),
        TagOp::TagPolicy { tags, .. } => vec![drifted
            .finding(Code::PolicyOwnershipLost, ownership_lost("invoke policy"))
            .values(tags.get(MANAGED_BY_KEY).map(|v| json!(v)), None)],
    }
}

/// The permissions boundary: removed or changed (security), or one the config lacks.
fn boundary_finding(drifted: &DriftedResource, op: &BoundaryOp) -> Finding {
    match op {
        BoundaryOp::Put { arn, previous, .. } => drifted
            .finding(
                Code::BoundaryChanged,
                match previous {
                    None => "permissions boundary was removed".to_string(),
                    Some(p) => format!("permissions boundary is {p}, not {arn}"),
                },
            )
            .values(Some(json!(arn)), previous.as_ref().map(|p| json!(p))),
        BoundaryOp::Delete { previous, .. } => drifted
            .finding(
                Code::BoundaryUndeclared,
                format!(
                    "the role has a permissions boundary {previous} the config does not declare"
                ),
            )
            .values(None, Some(json!(previous))),
    }
}

/// What is attached to the role: an undeclared policy (security), or ours missing.
fn attachment_finding(drifted: &DriftedResource, op: &AttachmentOp) -> Finding {
    match op {
        AttachmentOp::Detach { arn, document, .. } => drifted
            .finding(
                Code::ForeignManagedPolicy,
                format!("managed policy {arn} is attached to the role but not in the config"),
            )
            .values(None, Some(json!({"policy_arn": arn, "document": document}))),
        AttachmentOp::DeleteInline { name, document, .. } => drifted
            .finding(
                Code::ForeignInlinePolicy,
                format!("inline policy {name} is on the role but not in the config"),
            )
            .values(
                None,
                Some(json!({"inline_policy": name, "document": document})),
            ),
        AttachmentOp::Attach { arn, .. } => drifted
            .finding(
                Code::InvokeDetached,
                "the invoke policy is not attached to the role",
            )
            .values(Some(json!(arn)), None),
    }
}

/// Our invoke policy missing; deleting it is destroy's, not drift.
fn policy_finding(drifted: &DriftedResource, op: &PolicyOp) -> Option<Finding> {
    match op {
        PolicyOp::Create { .. } => {
            Some(drifted.finding(Code::InvokeMissing, "the invoke policy does not exist"))
        }
        PolicyOp::Delete { .. } => None,
    }
}

/// The invoke policy's versions: a default that differs, latent access in another version.
/// Pruning to stay under the version limit is a consequence of a new version, not drift.
fn version_findings(desired: &Desired, drifted: &DriftedResource, op: &VersionOp) -> Vec<Finding> {
    match op {
        VersionOp::Create {
            document, previous, ..
        } => {
            let admits = invoke_admits(desired, &drifted.resource, previous);
            let code = if admits.is_some() {
                Code::InvokeBroader
            } else {
                Code::InvokeDiffers
            };
            document_findings(drifted, code, document, previous, admits, "invoke policy")
        }
        VersionOp::DeleteLatent {
            version_id,
            document,
            admits,
            replaced_default,
            ..
        } => vec![drifted
            .finding(
                Code::LatentVersion,
                latent_message(version_id, replaced_default.as_deref(), admits),
            )
            .values(
                None,
                Some(json!({"version_id": version_id, "document": document})),
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
