//! The library side of `lambda-trust simulate`: evaluate one request against policy files,
//! offline, and render the decision.
//!
//! Beside the pipeline, on top of `policy`: it reads the files it is given (the only I/O), then
//! calls the pure evaluator. Rendering is a pure function of the outcome; `main` maps
//! [`SimulateOutcome::allowed`] to the exit code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[cfg(feature = "schemars")]
use schemars::{json_schema, Schema, SchemaGenerator};
use serde::Serialize;

use lambda_trust_iam::{
    decode_document, evaluate, simulate_organization, Decision, EvalInput, LabeledPolicy,
    OrgSimulation, Policy, PolicyError, Request, StatementRef,
};

/// What the user asked to simulate, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimulateInput {
    /// Identity policies attached to the caller.
    pub policies: Vec<PathBuf>,
    /// A role trust policy: the request is then judged as an AssumeRole on that role.
    pub trust_policy: Option<PathBuf>,
    /// The caller's permissions boundary, if it has one.
    pub boundary: Option<PathBuf>,
    /// The calling principal's ARN.
    pub principal: String,
    /// The action requested (`lambda:InvokeFunction`).
    pub action: String,
    /// The resource requested (a function ARN).
    pub resource: String,
    /// `KEY=VALUE` as typed; repeating a key gives it several values.
    pub context: Vec<String>,
    /// `--org-policies DIR`: the SCPs and RCPs of the resource's account, read.
    pub org_policies: Option<lambda_trust_iam::OrgPolicies>,
}

/// Why `simulate` cannot evaluate the request.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// A policy file cannot be read.
    #[error("cannot read policy file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A policy file is not a valid IAM policy.
    #[error("policy file {} is not a valid IAM policy", path.display())]
    Policy {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: Box<PolicyError>,
    },

    /// A `--context` entry is not `KEY=VALUE`.
    #[error("context entry {entry:?} is not KEY=VALUE")]
    Context {
        /// The entry as typed.
        entry: String,
    },

    /// The principal, action or resource is empty.
    #[error("the {what} to simulate is empty")]
    EmptyRequest {
        /// Which of them.
        what: &'static str,
        /// The flag that sets it.
        flag: &'static str,
    },

    /// Neither an identity policy nor a trust policy was given.
    #[error("no policy to evaluate")]
    NoPolicies,

    /// The request IAM would never receive: a single-valued context key given several values.
    #[error("the request is malformed: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
}

/// The decision and why. Serialized as
/// `{"decision":…,"statements":[{"policy":…,"index":…,"sid":…,"effect":…}],"missing_allow":[…],"request":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct SimulateOutcome {
    /// The decision: Allow, ExplicitDeny or ImplicitDeny.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "decision_schema"))]
    pub decision: Decision,
    /// ExplicitDeny: every matching Deny. Allow: the Allow statements that granted it.
    /// ImplicitDeny: empty.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::schema_refs::list::<lambda_trust_iam::StatementRef>")
    )]
    pub statements: Vec<StatementRef>,
    /// ImplicitDeny: the policies (by label) whose Allow was needed and missing.
    pub missing_allow: Vec<String>,
    /// The request as evaluated.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::schema_refs::one::<lambda_trust_iam::Request>")
    )]
    pub request: Request,
    /// With `--org-policies`: the organization's part of the decision (an SCP or RCP that
    /// stops the request makes `decision` its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgSimulation>,
}

/// The decisions `simulate` can print: a malformed request is refused before evaluation.
#[cfg(feature = "schemars")]
pub(crate) fn decision_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": ["Allow", "ExplicitDeny", "ImplicitDeny"]})
}

/// Denied (exit 3) unless the request is allowed: an organization policy not known leaves it
/// undecided, never allowed.
impl lambda_trust_verdict::Judged for SimulateOutcome {
    fn status(&self) -> lambda_trust_verdict::Status {
        let allowed = self.decision == Decision::Allow
            && (self.organization.as_ref()).is_none_or(|o| o.not_read.is_empty());
        lambda_trust_verdict::Status::ok_or(allowed, lambda_trust_verdict::Status::Denied)
    }
}

/// A file reader handed in by the caller: the core reads no files itself.
pub(crate) type ReadFile<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// The policies the files hold: identity policies, the trust policy (as the resource
/// policy) and the boundary.
fn eval_input(input: &SimulateInput, read: ReadFile) -> Result<EvalInput, SimulateError> {
    let identity_policies = (input.policies.iter())
        .map(|path| {
            Ok(LabeledPolicy::new(
                path.display().to_string(),
                load(path, read)?,
            ))
        })
        .collect::<Result<Vec<_>, SimulateError>>()?;
    let trust = match &input.trust_policy {
        Some(path) => Some(LabeledPolicy::new("trust policy", load(path, read)?)),
        None => None,
    };
    let boundary = match &input.boundary {
        Some(path) => Some(LabeledPolicy::new(
            "permissions boundary",
            load(path, read)?,
        )),
        None => None,
    };
    Ok(EvalInput {
        identity_policies,
        resource_policy_is_trust: trust.is_some(),
        resource_policy: trust,
        boundary,
    })
}

/// Reads the files (with `read`), evaluates the request, reports the decision.
pub fn run(input: &SimulateInput, read: ReadFile) -> Result<SimulateOutcome, SimulateError> {
    let context = parse_context(&input.context)?;
    for (what, flag, value) in [
        ("principal", "--principal", &input.principal),
        ("action", "--action", &input.action),
        ("resource", "--resource", &input.resource),
    ] {
        if value.trim().is_empty() {
            return Err(SimulateError::EmptyRequest { what, flag });
        }
    }
    if input.policies.is_empty() && input.trust_policy.is_none() {
        return Err(SimulateError::NoPolicies);
    }

    let eval_input = eval_input(input, read)?;
    let request = Request {
        principal: input.principal.clone(),
        action: input.action.clone(),
        resource: input.resource.clone(),
        context,
    };
    let evaluation = evaluate(&eval_input, &request);
    if let Some(reason) = evaluation.malformed.clone() {
        return Err(SimulateError::Malformed { reason });
    }
    let organization =
        (input.org_policies.as_ref()).map(|org| simulate_organization(&request, org));
    let (decision, statements, missing_allow) =
        crate::simulate_org::combined(evaluation, organization.as_ref());
    Ok(SimulateOutcome {
        organization,
        decision,
        statements,
        missing_allow,
        request,
    })
}

/// `KEY=VALUE` entries into a context; the value may be empty and may contain `=`.
fn parse_context(entries: &[String]) -> Result<BTreeMap<String, Vec<String>>, SimulateError> {
    let mut context: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in entries {
        match entry.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => context
                .entry(key.trim().to_owned())
                .or_default()
                .push(value.to_owned()),
            _ => {
                return Err(SimulateError::Context {
                    entry: entry.clone(),
                })
            }
        }
    }
    Ok(context)
}

/// A policy file (read with `read`), raw JSON or URL-encoded as AWS returns it. Also used by
/// `prove`.
pub(crate) fn load(path: &Path, read: ReadFile) -> Result<Policy, SimulateError> {
    let text = read(path).map_err(|source| SimulateError::Read {
        path: path.to_owned(),
        source,
    })?;
    let policy_err = |source| SimulateError::Policy {
        path: path.to_owned(),
        source: Box::new(source),
    };
    let value = decode_document(&text).map_err(policy_err)?;
    Policy::try_from(&value).map_err(policy_err)
}

impl lambda_trust_verdict::Hinted for SimulateError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            SimulateError::Context { .. } => {
                "for example --context sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10".into()
            }
            SimulateError::EmptyRequest { flag, .. } => {
                format!("pass {flag} with a non-empty value")
            }
            SimulateError::NoPolicies => {
                "pass --policy FILE for identity policies and/or --trust-policy FILE".into()
            }
            SimulateError::Malformed { .. } => "AWS sends at most one value for a single-valued \
                key; pass --context KEY=VALUE once for it"
                .into(),
            SimulateError::Read { .. } | SimulateError::Policy { .. } => return None,
        })
    }
}
