//! The prover's answers: one `PropertyResult` per property, serialisable for `--json` and with
//! a one-line human summary.
//!
//! Sits at the top of `prove` (built by `prove::trust` and `prove::invoke`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::eval::{Evaluation, Request, StatementRef};

/// A property's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema), schemars(inline))]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No request outside the intended set is allowed (or: the intended requests are).
    Proved,
    /// A concrete request, confirmed by `iam::evaluate`, breaks the property.
    Counterexample,
    /// The prover cannot decide; `reason` says why. Never a silent "proved".
    Unknown,
}

/// The four properties the prover decides. Their names are rendered from here; what a failure
/// means is decided by these methods, never by reading the name back.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema), schemars(inline))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Property {
    /// Only the partner, only with the external ID, may assume the role.
    TrustOnlyPartnerWithExternalId,
    /// The partner with the external ID may assume the role.
    TrustPartnerAllowed,
    /// The identity policies allow nothing but `lambda:InvokeFunction` on the targets.
    InvokeOnlyTargets,
    /// Every target may be invoked.
    InvokeTargetsAllowed,
}

impl Property {
    /// Every property, in the order the prover reports them.
    pub const ALL: [Property; 4] = [
        Property::TrustOnlyPartnerWithExternalId,
        Property::TrustPartnerAllowed,
        Property::InvokeOnlyTargets,
        Property::InvokeTargetsAllowed,
    ];

    /// About the trust policy (else about the identity policies).
    pub fn is_trust(self) -> bool {
        matches!(
            self,
            Property::TrustOnlyPartnerWithExternalId | Property::TrustPartnerAllowed
        )
    }

    /// An "…-allowed" property: the intended requests must be allowed, so a counterexample is
    /// narrower access than intended (an outage), not broader.
    pub(crate) fn is_allowed(self) -> bool {
        matches!(
            self,
            Property::TrustPartnerAllowed | Property::InvokeTargetsAllowed
        )
    }
}

/// The prover's answer on one property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        rename = "property",
        deny_unknown_fields,
        description = "One property decided over every request (prove, verify).",
        extend(
            "if" = {"properties": {"verdict": {"const": "counterexample"}}},
            "then" = {"properties": {"counterexample": {"not": {"type": "null"}}}},
            "else" = {"properties": {"counterexample": {"type": "null"}}}
        )
    )
)]
pub struct PropertyResult {
    /// Which property.
    pub property: Property,
    /// Proved, counterexample, or unknown.
    pub verdict: Verdict,
    /// The request that breaks it, when the verdict is a counterexample.
    pub counterexample: Option<Request>,
    /// Counterexample: the statements that allowed it (or, for an "…-allowed" property, the
    /// Deny statements that refused it). Proved "…-allowed": the statements that allow it.
    pub statements: Vec<StatementRef>,
    /// Why, in words: what was proved, or what made the prover unsure.
    pub reason: String,
}

impl PropertyResult {
    pub(crate) fn proved(property: Property, reason: impl Into<String>) -> Self {
        PropertyResult {
            property,
            verdict: Verdict::Proved,
            counterexample: None,
            statements: Vec::new(),
            reason: reason.into(),
        }
    }

    /// A candidate counterexample, kept only if the evaluator allows it and it is outside the
    /// intended set; otherwise `unknown` (a disagreement is a bug, never a false alarm).
    pub(crate) fn confirmed(
        property: Property,
        eval: &Evaluation,
        intended: bool,
        req: Request,
        reason: &str,
    ) -> Self {
        if !eval.allowed() || intended {
            return PropertyResult::unknown(
                property,
                format!("internal disagreement: the evaluator does not confirm the candidate counterexample {req:?} ({:?})", eval.decision),
            );
        }
        PropertyResult {
            property,
            verdict: Verdict::Counterexample,
            counterexample: Some(Request {
                principal: req.principal,
                action: req.action,
                resource: req.resource,
                context: req.context,
            }),
            statements: eval.deciding.clone(),
            reason: reason.to_owned(),
        }
    }

    pub(crate) fn unknown(property: Property, reason: impl Into<String>) -> Self {
        PropertyResult {
            property,
            verdict: Verdict::Unknown,
            counterexample: None,
            statements: Vec::new(),
            reason: reason.into(),
        }
    }

    /// One line for people, e.g. `trust-only-partner-with-external-id: counterexample —
    /// arn:aws:iam::444455556666:root may sts:AssumeRole with sts:ExternalId absent — allowed by
    /// trust policy statement 1 (Sid "Legacy")`.
    pub fn summary(&self) -> String {
        match (&self.verdict, &self.counterexample) {
            (Verdict::Counterexample, Some(c)) => {
                format!("{}: counterexample — {}", self.property, self.describe(c))
            }
            (Verdict::Proved, _) => format!("{}: proved — {}", self.property, self.reason),
            _ => format!("{}: unknown — {}", self.property, self.reason),
        }
    }

    /// The request alone (`… may sts:AssumeRole with sts:ExternalId absent — allowed by …`),
    /// or, without a counterexample, the reason.
    pub fn request_text(&self) -> String {
        match &self.counterexample {
            Some(c) => self.describe(c),
            None => self.reason.clone(),
        }
    }

    fn describe(&self, c: &Request) -> String {
        let trust = self.property.is_trust();
        let refused = self.property.is_allowed();
        let verb = if refused { "may not" } else { "may" };
        let who = match c.principal.as_str() {
            "*" => "an anonymous caller (*)",
            p => p,
        };
        let mut line = format!("{who} {verb} {}", c.action);
        if !trust {
            line.push_str(&format!(" on {}", c.resource));
        }
        line.push_str(&context_text(&c.context, trust));
        let who: Vec<String> = self.statements.iter().map(|s| s.to_string()).collect();
        let by = match (refused, who.is_empty()) {
            (false, _) => format!("allowed by {}", who.join(" and ")),
            (true, true) => "no statement allows it".to_owned(),
            (true, false) => format!("denied by {}", who.join(" and ")),
        };
        format!("{line} — {by}")
    }
}

impl std::fmt::Display for PropertyResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

fn context_text(context: &BTreeMap<String, Vec<String>>, trust: bool) -> String {
    let mut parts = Vec::new();
    let has_id = context
        .keys()
        .any(|k| k.eq_ignore_ascii_case("sts:ExternalId"));
    if trust && !has_id {
        parts.push("sts:ExternalId absent".to_owned());
    }
    for (k, vs) in context {
        let shown: Vec<String> = vs.iter().map(|v| format!("{v:?}")).collect();
        match shown.as_slice() {
            [one] => parts.push(format!("{k}={one}")),
            _ => parts.push(format!("{k}=[{}]", shown.join(", "))),
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(" with {}", parts.join(", "))
}
