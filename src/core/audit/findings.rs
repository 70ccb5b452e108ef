//! The audit's findings: a stable code, its severity, a message and, where the prover found
//! one, the request that shows it.
//!
//! Part of `core::audit`; `trust` and `access` build them, `report::audit` renders them.

use serde::Serialize;
use serde_json::{json, Value};

use crate::iam::Counterexample;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Someone can do more than the partner invoking functions with one external ID.
    Security,
    /// Differs from the given config without broadening access.
    Config,
    /// Worth knowing; not a risk by itself.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Security => "security",
            Severity::Config => "config",
            Severity::Info => "info",
        }
    }
}

/// The finding codes; their text is the stable interface (JSON, SARIF rule IDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// The partner can assume the role with no `sts:ExternalId`, or with any.
    NoExternalId,
    /// More than one external ID, a wildcard, or a case-insensitive match.
    ExternalIdPattern,
    /// The prover could not decide which external IDs are accepted.
    ExternalIdUnproved,
    /// Principals other than the partner can assume the role.
    OtherPrincipals,
    /// The role can do something besides `lambda:InvokeFunction`.
    BeyondInvoke,
    /// A wildcard in the function name of an invokable resource.
    AllFunctions,
    /// A non-default policy version admits more than the current policies.
    LatentVersion,
    /// Managed by lambda-trust, but by another config than the one given.
    ConfigMismatch,
    /// Not managed by lambda-trust.
    Unmanaged,
}

impl Code {
    pub const ALL: [Code; 9] = [
        Code::NoExternalId,
        Code::ExternalIdPattern,
        Code::ExternalIdUnproved,
        Code::OtherPrincipals,
        Code::BeyondInvoke,
        Code::AllFunctions,
        Code::LatentVersion,
        Code::ConfigMismatch,
        Code::Unmanaged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::NoExternalId => "no-external-id",
            Code::ExternalIdPattern => "external-id-pattern",
            Code::ExternalIdUnproved => "external-id-unproved",
            Code::OtherPrincipals => "other-principals",
            Code::BeyondInvoke => "beyond-invoke",
            Code::AllFunctions => "all-functions",
            Code::LatentVersion => "latent-version",
            Code::ConfigMismatch => "config-mismatch",
            Code::Unmanaged => "unmanaged",
        }
    }

    /// The position of a code's text in [`Code::ALL`], for a stable finding order.
    pub fn rank(code: &str) -> usize {
        Code::ALL
            .iter()
            .position(|c| c.as_str() == code)
            .unwrap_or(Code::ALL.len())
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::ConfigMismatch => Severity::Config,
            Code::Unmanaged => Severity::Info,
            _ => Severity::Security,
        }
    }

    /// One sentence for SARIF rule descriptions and the README.
    pub fn description(self) -> &'static str {
        match self {
            Code::NoExternalId => "A partner principal can assume the role without sts:ExternalId, or with any value: any organization of the partner could use it.",
            Code::ExternalIdPattern => "The role accepts more than one sts:ExternalId value (several values, a wildcard, or a case-insensitive match).",
            Code::ExternalIdUnproved => "The prover could not decide which sts:ExternalId values the role accepts.",
            Code::OtherPrincipals => "Principals other than the partner account can assume the role.",
            Code::BeyondInvoke => "The role can do something besides lambda:InvokeFunction.",
            Code::AllFunctions => "The role can invoke functions through a wildcard function name.",
            Code::LatentVersion => "A non-default version of an attached policy admits more than the current policies: anyone with iam:SetDefaultPolicyVersion can switch it on.",
            Code::ConfigMismatch => "The role is managed by lambda-trust, but by another config than the one given.",
            Code::Unmanaged => "The role is not managed by lambda-trust.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// `{principal, action, resource, context}`, confirmed by the evaluator, or null.
    pub counterexample: Option<Value>,
}

impl Finding {
    pub fn new(code: Code, message: String, counterexample: Option<&Counterexample>) -> Finding {
        Finding {
            severity: code.severity(),
            code: code.as_str(),
            message,
            counterexample: counterexample.map(request_json),
        }
    }
}

pub(crate) fn request_json(c: &Counterexample) -> Value {
    json!(c)
}
