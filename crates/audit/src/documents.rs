//! The documents behind a role's report — its trust policy and identity policies as read — and,
//! for each finding with a counterexample, the statements that let that request in (asked of
//! the evaluator over the same documents, so a marked statement is one the evaluator names).
//!
//! Part of the auditor; the HTML report (`report::audit_html`) shows the documents with those
//! statements marked.

use serde::Serialize;
use serde_json::Value;

use lambda_trust_iam::{evaluate, EvalInput, LabeledPolicy, Policy, Request};

use super::account::{AccountIam, AuditRole};
use super::findings::{Code, Finding};

/// The label of the trust policy, as the evaluator names its statements.
const TRUST: &str = "trust policy";

/// Which part of the decision a document plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DocumentKind {
    Trust,
    /// An inline or attached (default version) policy.
    Identity,
    Boundary,
    /// A non-default version of an attached policy (shown for `latent-version`).
    Latent,
}

/// One policy document of a reported role, under the label the evaluator reports it by
/// (`trust policy`, `inline policy NAME`, `managed policy NAME`, `permissions boundary NAME`,
/// `managed policy NAME version ID`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleDocument {
    /// The label the evaluator reports it by.
    pub label: String,
    pub(crate) kind: DocumentKind,
    /// The document, URL-decoded.
    pub document: Value,
}

impl RoleDocument {
    fn new(label: String, kind: DocumentKind, document: &Value) -> RoleDocument {
        RoleDocument {
            label,
            kind,
            document: document.clone(),
        }
    }
}

/// The role's documents: the trust policy, inline policies, attached policies (default
/// version), the boundary; and the non-default versions of attached policies when a finding
/// is `latent-version`.
pub(super) fn of(iam: &AccountIam, role: &AuditRole, findings: &[Finding]) -> Vec<RoleDocument> {
    let mut out = vec![RoleDocument::new(
        TRUST.to_owned(),
        DocumentKind::Trust,
        &role.trust,
    )];
    for (name, doc) in &role.inline {
        let label = format!("inline policy {name}");
        out.push(RoleDocument::new(label, DocumentKind::Identity, doc));
    }
    let latent = findings.iter().any(|f| f.code == Code::LatentVersion);
    for arn in &role.attached {
        let Some(p) = iam.policies.get(arn) else {
            continue;
        };
        for v in &p.versions {
            let (label, kind) = match v.is_default {
                true => (format!("managed policy {}", p.name), DocumentKind::Identity),
                false if latent => (
                    format!("managed policy {} version {}", p.name, v.version_id),
                    DocumentKind::Latent,
                ),
                false => continue,
            };
            out.push(RoleDocument::new(label, kind, &v.document));
        }
    }
    let boundary = role.boundary.as_ref().and_then(|a| iam.policies.get(a));
    if let Some(v) = boundary.and_then(|p| p.default_version().map(|v| (p, v))) {
        let label = format!("permissions boundary {}", v.0.name);
        out.push(RoleDocument::new(
            label,
            DocumentKind::Boundary,
            &v.1.document,
        ));
    }
    out
}

/// Sets each finding's `admitted_by`: the Allow statements the evaluator says let its
/// counterexample in — through the trust policy for a request to assume the role, else through
/// the identity policies and boundary (with the non-default versions for `latent-version`).
pub(super) fn mark(role_arn: &str, docs: &[RoleDocument], findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        let Some(req) = f.counterexample.as_ref().and_then(request) else {
            continue;
        };
        let assume = req.resource == role_arn && req.action.starts_with("sts:");
        let input = input(docs, assume, f.code == Code::LatentVersion);
        let evaluation = evaluate(&input, &req);
        if evaluation.allowed() {
            f.admitted_by = evaluation.deciding;
        }
    }
}

fn input(docs: &[RoleDocument], assume: bool, latent: bool) -> EvalInput {
    let parsed = |kind: DocumentKind| {
        docs.iter().filter(move |d| d.kind == kind).filter_map(|d| {
            Some(LabeledPolicy::new(
                &d.label,
                Policy::try_from(&d.document).ok()?,
            ))
        })
    };
    if assume {
        return EvalInput {
            resource_policy: parsed(DocumentKind::Trust).next(),
            resource_policy_is_trust: true,
            ..EvalInput::default()
        };
    }
    let mut identity: Vec<LabeledPolicy> = parsed(DocumentKind::Identity).collect();
    if latent {
        identity.extend(parsed(DocumentKind::Latent));
    }
    EvalInput {
        identity_policies: identity,
        boundary: parsed(DocumentKind::Boundary).next(),
        ..EvalInput::default()
    }
}

/// The request of a counterexample (`findings::request_json`'s shape).
fn request(c: &Value) -> Option<Request> {
    let text = |k: &str| c[k].as_str().map(str::to_owned);
    let mut req = Request::new(text("principal")?, text("action")?, text("resource")?);
    for (key, values) in c["context"].as_object().into_iter().flatten() {
        for v in values.as_array().into_iter().flatten() {
            req = req.with_context(key, v.as_str()?);
        }
    }
    Some(req)
}
