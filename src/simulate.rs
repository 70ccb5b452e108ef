//! The library side of `lambda-trust simulate`: evaluate one request against policy files,
//! offline, and render the decision.
//!
//! Beside the pipeline, on top of `policy`: it reads the files it is given (the only I/O), then
//! calls the pure evaluator. Rendering is a pure function of the outcome; `main` maps
//! [`SimulateOutcome::allowed`] to the exit code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use owo_colors::OwoColorize;
use serde::Serialize;

use crate::policy::{
    decode_document, evaluate, Decision, EvalInput, LabeledPolicy, Policy, PolicyError, Request,
    StatementRef,
};

/// What the user asked to simulate, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimulateInput {
    /// Identity policies attached to the caller.
    pub policies: Vec<PathBuf>,
    /// A role trust policy: the request is then judged as an AssumeRole on that role.
    pub trust_policy: Option<PathBuf>,
    pub boundary: Option<PathBuf>,
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// `KEY=VALUE` as typed; repeating a key gives it several values.
    pub context: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("cannot read policy file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("policy file {} is not a valid IAM policy", path.display())]
    Policy {
        path: PathBuf,
        #[source]
        source: PolicyError,
    },

    #[error(
        "context entry {entry:?} is not KEY=VALUE\n\
         (hint: for example --context sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10)"
    )]
    Context { entry: String },

    #[error("the {what} to simulate is empty\n(hint: pass {flag} with a non-empty value)")]
    EmptyRequest {
        what: &'static str,
        flag: &'static str,
    },

    #[error(
        "no policy to evaluate\n\
         (hint: pass --policy FILE for identity policies and/or --trust-policy FILE)"
    )]
    NoPolicies,
}

/// The request as it was evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulatedRequest {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub context: BTreeMap<String, Vec<String>>,
}

/// The decision and why. Serialized as
/// `{"decision":…,"statements":[{"policy":…,"index":…,"sid":…,"effect":…}],"missing_allow":[…],"request":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulateOutcome {
    pub decision: Decision,
    /// The deciding statements: the matching Denies, or the Allows that granted the request.
    pub statements: Vec<StatementRef>,
    /// On implicit deny: the policies whose Allow was needed and missing.
    pub missing_allow: Vec<String>,
    pub request: SimulatedRequest,
}

impl SimulateOutcome {
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}

/// Reads the files, evaluates the request, reports the decision.
pub fn run(input: &SimulateInput) -> Result<SimulateOutcome, SimulateError> {
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

    let identity_policies = input
        .policies
        .iter()
        .map(|path| Ok(LabeledPolicy::new(path.display().to_string(), load(path)?)))
        .collect::<Result<Vec<_>, SimulateError>>()?;
    let trust = match &input.trust_policy {
        Some(path) => Some(LabeledPolicy::new("trust policy", load(path)?)),
        None => None,
    };
    let boundary = match &input.boundary {
        Some(path) => Some(LabeledPolicy::new("permissions boundary", load(path)?)),
        None => None,
    };

    let eval_input = EvalInput {
        identity_policies,
        resource_policy_is_trust: trust.is_some(),
        resource_policy: trust,
        boundary,
    };
    let request = Request {
        principal: input.principal.clone(),
        action: input.action.clone(),
        resource: input.resource.clone(),
        context,
    };
    let evaluation = evaluate(&eval_input, &request);
    Ok(SimulateOutcome {
        decision: evaluation.decision,
        statements: evaluation.deciding,
        missing_allow: evaluation.missing_allow,
        request: SimulatedRequest {
            principal: request.principal,
            action: request.action,
            resource: request.resource,
            context: request.context,
        },
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

/// A policy file, raw JSON or URL-encoded as AWS returns it.
fn load(path: &Path) -> Result<Policy, SimulateError> {
    let text = std::fs::read_to_string(path).map_err(|source| SimulateError::Read {
        path: path.to_owned(),
        source,
    })?;
    let policy_err = |source| SimulateError::Policy {
        path: path.to_owned(),
        source,
    };
    let value = decode_document(&text).map_err(policy_err)?;
    Policy::parse(&value).map_err(policy_err)
}

/// Compact JSON, one line.
pub fn render_json(outcome: &SimulateOutcome) -> String {
    serde_json::to_string(outcome).unwrap_or_default()
}

/// The decision line, the request, then the statements that decided it. Colour only when
/// `color` is true.
pub fn render_human(outcome: &SimulateOutcome, color: bool) -> String {
    let mut out = String::new();
    let decision = outcome.decision.as_str();
    let decision = match (color, outcome.decision) {
        (false, _) => decision.to_owned(),
        (true, Decision::Allow) => decision.green().bold().to_string(),
        (true, _) => decision.red().bold().to_string(),
    };
    let _ = writeln!(out, "decision: {decision}");
    let req = &outcome.request;
    let _ = writeln!(out, "  principal: {}", req.principal);
    let _ = writeln!(out, "  action:    {}", req.action);
    let _ = writeln!(out, "  resource:  {}", req.resource);
    for (key, values) in &req.context {
        let _ = writeln!(out, "  context:   {key} = {}", values.join(", "));
    }
    match outcome.decision {
        Decision::Allow => {
            let _ = writeln!(out, "allowed by:");
            for s in &outcome.statements {
                let _ = writeln!(out, "  {s}");
            }
        }
        Decision::ExplicitDeny => {
            let _ = writeln!(out, "explicitly denied by:");
            for s in &outcome.statements {
                let _ = writeln!(out, "  {s}");
            }
        }
        Decision::ImplicitDeny => {
            let _ = writeln!(out, "implicitly denied: no statement allowed it");
            for label in &outcome.missing_allow {
                let _ = writeln!(out, "  no statement in {label} allowed it");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"GenesysAssume","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}}]}"#;
    const ROLE: &str = "arn:aws:iam::123456789012:role/genesys-lambda";

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn trust_input(dir: &tempfile::TempDir, context: &[&str]) -> SimulateInput {
        SimulateInput {
            trust_policy: Some(write(dir, "trust.json", TRUST)),
            principal: "arn:aws:iam::765628985471:root".into(),
            action: "sts:AssumeRole".into(),
            resource: ROLE.into(),
            context: context.iter().map(|s| s.to_string()).collect(),
            ..SimulateInput::default()
        }
    }

    #[test]
    fn trust_allow_renders() {
        let dir = tempfile::tempdir().unwrap();
        let out = run(&trust_input(
            &dir,
            &["sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"],
        ))
        .unwrap();
        assert!(out.allowed());
        assert_eq!(
            render_json(&out),
            r#"{"decision":"Allow","statements":[{"policy":"trust policy","index":0,"sid":"GenesysAssume","effect":"Allow"}],"missing_allow":[],"request":{"principal":"arn:aws:iam::765628985471:root","action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/genesys-lambda","context":{"sts:ExternalId":["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"]}}}"#
        );
        assert_eq!(
            render_human(&out, false),
            "decision: Allow\n\
             \x20 principal: arn:aws:iam::765628985471:root\n\
             \x20 action:    sts:AssumeRole\n\
             \x20 resource:  arn:aws:iam::123456789012:role/genesys-lambda\n\
             \x20 context:   sts:ExternalId = 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\n\
             allowed by:\n\
             \x20 trust policy statement 0 (Sid \"GenesysAssume\")\n"
        );
        assert!(!render_human(&out, false).contains('\u{1b}'));
        assert!(render_human(&out, true).contains('\u{1b}'));
    }

    #[test]
    fn implicit_deny_explains() {
        let dir = tempfile::tempdir().unwrap();
        let out = run(&trust_input(&dir, &["sts:ExternalId=wrong"])).unwrap();
        assert!(!out.allowed());
        assert_eq!(out.decision, Decision::ImplicitDeny);
        let human = render_human(&out, false);
        assert!(human.starts_with("decision: ImplicitDeny\n"), "{human}");
        assert!(human.ends_with(
            "implicitly denied: no statement allowed it\n  no statement in trust policy allowed it\n"
        ));
        assert!(render_json(&out).starts_with(r#"{"decision":"ImplicitDeny","statements":[],"#));
    }

    #[test]
    fn explicit_deny_names_statement() {
        let dir = tempfile::tempdir().unwrap();
        let deny = write(
            &dir,
            "deny.json",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoAssume","Effect":"Deny","Action":"sts:*","Resource":"*"}]}"#,
        );
        let mut input = trust_input(
            &dir,
            &["sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"],
        );
        input.policies = vec![deny.clone()];
        let out = run(&input).unwrap();
        assert_eq!(out.decision, Decision::ExplicitDeny);
        let human = render_human(&out, false);
        assert!(
            human.contains(&format!(
                "explicitly denied by:\n  {} statement 0 (Sid \"NoAssume\")\n",
                deny.display()
            )),
            "{human}"
        );
    }

    #[test]
    fn repeated_context_keys_accumulate_and_url_encoded_files_load() {
        let dir = tempfile::tempdir().unwrap();
        let encoded: String =
            percent_encoding::utf8_percent_encode(TRUST, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let mut input = trust_input(&dir, &["k=a", "k=b=c", "empty="]);
        input.trust_policy = Some(write(&dir, "encoded.txt", &encoded));
        let out = run(&input).unwrap();
        assert_eq!(
            out.request.context["k"],
            vec!["a".to_owned(), "b=c".to_owned()]
        );
        assert_eq!(out.request.context["empty"], vec![String::new()]);
    }

    #[test]
    fn errors_name_the_file_and_hint() {
        let dir = tempfile::tempdir().unwrap();
        let mut input = trust_input(&dir, &["sts:ExternalId"]);
        let e = run(&input).unwrap_err();
        assert!(matches!(e, SimulateError::Context { .. }));
        assert!(e.to_string().contains("(hint: "), "{e}");

        input.context.clear();
        let not_policy = write(&dir, "array.json", "[]");
        input.policies = vec![not_policy.clone()];
        let e = run(&input).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "policy file {} is not a valid IAM policy",
                not_policy.display()
            )
        );
        let source = std::error::Error::source(&e).unwrap().to_string();
        assert!(source.starts_with("not an IAM policy"), "{source}");

        input.policies = vec![dir.path().join("missing.json")];
        let e = run(&input).unwrap_err();
        assert!(matches!(e, SimulateError::Read { .. }));
        assert!(e.to_string().contains("missing.json"));

        let e = run(&SimulateInput {
            principal: "p".into(),
            action: "a:b".into(),
            resource: "*".into(),
            ..SimulateInput::default()
        })
        .unwrap_err();
        assert!(matches!(e, SimulateError::NoPolicies));

        input.policies.clear();
        input.principal = " ".into();
        let e = run(&input).unwrap_err();
        assert!(e.to_string().contains("--principal"), "{e}");
    }
}
