//! `simulate` results: the decision, the request, and the statements that decided it.

use std::fmt::Write as _;

use super::styles::Styles;

use lambda_trust_iam::Decision;
use lambda_trust_provision::SimulateOutcome;

/// What `simulate --format json` prints (docs/schemas/simulate.schema.json).
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct SimulateResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    schema_version: u32,
    #[serde(flatten)]
    outcome: &'a SimulateOutcome,
}

/// Compact JSON, one line: `{"schema_version": 1, "decision", "statements", "missing_allow",
/// "request"}`.
pub(super) fn render_json(outcome: &SimulateOutcome) -> String {
    let out = SimulateResult {
        schema_version: lambda_trust_verdict::SCHEMA_VERSION,
        outcome,
    };
    serde_json::to_string(&out).unwrap_or_else(|_| "{}".to_string())
}

/// The decision line, the request, then the statements that decided it, coloured by `styles`.
pub(super) fn render_human(outcome: &SimulateOutcome, styles: Styles) -> String {
    let mut out = String::new();
    let decision = outcome.decision.into();
    let decision = match outcome.decision {
        Decision::Allow => styles.bold(&styles.green(decision)),
        _ => styles.bold(&styles.red(decision)),
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
            for s in outcome.organization.iter().flat_map(|o| &o.stopped_by) {
                let _ = writeln!(out, "  {s}");
            }
        }
        Decision::Malformed => {
            let _ = writeln!(out, "not evaluated: the request is malformed");
        }
        Decision::ImplicitDeny => {
            let _ = writeln!(out, "implicitly denied: no statement allowed it");
            for label in &outcome.missing_allow {
                let _ = writeln!(out, "  no statement in {label} allowed it");
            }
        }
    }
    if let Some(o) = &outcome.organization {
        out.push_str(&organization_lines(o, styles));
    }
    out
}

/// `--org-policies`: which kinds applied, and what was not known (then nothing is decided).
fn organization_lines(o: &lambda_trust_iam::OrgSimulation, styles: Styles) -> String {
    let mut out = String::from("organization policies:\n");
    for a in &o.applied {
        let _ = writeln!(out, "  {a}");
    }
    for n in &o.not_read {
        let line = format!("  not known, so not decided: {n}");
        let _ = writeln!(out, "{}", styles.yellow(&line));
    }
    out
}

#[cfg(test)]
mod tests {
    fn run_files(
        input: &SimulateInput,
    ) -> Result<lambda_trust_provision::SimulateOutcome, SimulateError> {
        lambda_trust_provision::simulate(input, &|p| std::fs::read_to_string(p))
    }
    use super::*;
    use lambda_trust_provision::*;
    use lambda_trust_verdict::{Judged, Status};
    use std::path::PathBuf;

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
        let out = run_files(&trust_input(
            &dir,
            &["sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"],
        ))
        .unwrap();
        assert_eq!(out.status(), Status::Ok);
        assert_eq!(
            render_json(&out),
            r#"{"schema_version":1,"decision":"Allow","statements":[{"policy":"trust policy","index":0,"sid":"GenesysAssume","effect":"Allow"}],"missing_allow":[],"request":{"principal":"arn:aws:iam::765628985471:root","action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/genesys-lambda","context":{"sts:ExternalId":["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"]}}}"#
        );
        assert_eq!(
            render_human(&out, Styles::default()),
            "decision: Allow\n\
             \x20 principal: arn:aws:iam::765628985471:root\n\
             \x20 action:    sts:AssumeRole\n\
             \x20 resource:  arn:aws:iam::123456789012:role/genesys-lambda\n\
             \x20 context:   sts:ExternalId = 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\n\
             allowed by:\n\
             \x20 trust policy statement 0 (Sid \"GenesysAssume\")\n"
        );
        assert!(!render_human(&out, Styles::default()).contains('\u{1b}'));
        assert!(render_human(&out, Styles { color: true }).contains('\u{1b}'));
    }

    #[test]
    fn implicit_deny_explains() {
        let dir = tempfile::tempdir().unwrap();
        let out = run_files(&trust_input(&dir, &["sts:ExternalId=wrong"])).unwrap();
        assert_eq!(out.status(), Status::Denied);
        assert_eq!(out.decision, Decision::ImplicitDeny);
        let human = render_human(&out, Styles::default());
        assert!(human.starts_with("decision: ImplicitDeny\n"), "{human}");
        assert!(human.ends_with(
            "implicitly denied: no statement allowed it\n  no statement in trust policy allowed it\n"
        ));
        assert!(render_json(&out)
            .starts_with(r#"{"schema_version":1,"decision":"ImplicitDeny","statements":[],"#));
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
        let out = run_files(&input).unwrap();
        assert_eq!(out.decision, Decision::ExplicitDeny);
        let human = render_human(&out, Styles::default());
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
        let out = run_files(&input).unwrap();
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
        let e = run_files(&input).unwrap_err();
        assert!(matches!(e, SimulateError::Context { .. }));
        assert!(crate::error::shown(&e).contains("(hint: "), "{e}");

        input.context.clear();
        let not_policy = write(&dir, "array.json", "[]");
        input.policies = vec![not_policy.clone()];
        let e = run_files(&input).unwrap_err();
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
        let e = run_files(&input).unwrap_err();
        assert!(matches!(e, SimulateError::Read { .. }));
        assert!(e.to_string().contains("missing.json"));

        let e = run_files(&SimulateInput {
            principal: "p".into(),
            action: "a:b".into(),
            resource: "*".into(),
            ..SimulateInput::default()
        })
        .unwrap_err();
        assert!(matches!(e, SimulateError::NoPolicies));

        input.policies.clear();
        input.principal = " ".into();
        let e = run_files(&input).unwrap_err();
        assert!(crate::error::shown(&e).contains("--principal"), "{e}");
    }
}
