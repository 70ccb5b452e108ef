//! `audit --plan`: Terraform plans (the JSON of `terraform show -json`, hand-written to the
//! documented format, with their `.tf` sources) read into the audit's model and audited in
//! memory, snapshot-tested; unknown values never give a clean result; the binary's exit codes,
//! SARIF locations at the `.tf` lines, and bad plans refused with the file, the place and what
//! to fix.

use lambda_trust_verdict::Judged;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lambda_trust_audit::{
    audit_account, audit_iac_proved, read_plan, AuditOptions, IacReport, PlanInput,
};
use serde_json::Value;

const GENESYS: &str = "765628985471";
const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terraform")
        .join(name)
}

/// The `.tf` files under `dir`, as the command reads them.
fn sources(dir: &Path, rel: &str, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if e.path().is_dir() {
            sources(&e.path(), &child, out);
        } else if name.ends_with(".tf") {
            out.insert(child, std::fs::read_to_string(e.path()).unwrap());
        }
    }
}

fn input(name: &str) -> PlanInput {
    let dir = fixture(name);
    let mut tf = BTreeMap::new();
    sources(&dir, "", &mut tf);
    PlanInput {
        file: format!("{name}/plan.json"),
        text: std::fs::read_to_string(dir.join("plan.json")).unwrap(),
        sources: tf,
        source_dir: name.to_owned(),
        account_id: Some("111122223333".into()),
        region: Some("us-east-1".into()),
    }
}

fn run(name: &str) -> IacReport {
    let input = input(name);
    let model = read_plan(&input).expect("plan reads");
    let opts = AuditOptions {
        partners: vec![GENESYS.into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    };
    let proved = audit_account(&model.iam, &opts, 0);
    audit_iac_proved(&model, &opts, &input.file, None, proved)
}

/// Role → (codes, "kind: values" of the external IDs).
pub fn codes(report: &IacReport) -> BTreeMap<String, (Vec<&'static str>, String)> {
    report
        .report
        .roles
        .iter()
        .map(|r| {
            let ids = format!(
                "{}: {}",
                r.external_ids.kind,
                r.external_ids.values.join(",")
            );
            (
                r.role.clone(),
                (r.findings.iter().map(|f| f.code.into()).collect(), ids),
            )
        })
        .collect()
}

#[test]
fn a_role_in_a_child_module_with_a_policy_linked_by_reference_is_clean() {
    let report = run("module-tree");
    insta::assert_json_snapshot!("plan_module_tree", report);
    let c = codes(&report);
    assert_eq!(
        c["genesys-invoke"],
        (vec!["unmanaged"], format!("fixed: {ORG}"))
    );
    let role = &report.report.roles[0];
    assert_eq!(
        role.invokable,
        ["arn:aws:lambda:eu-west-1:111122223333:function:lookup-customer"],
        "the policy in module.cx.module.policies is attached through the output's reference"
    );
    assert!(report.unknowns.is_empty(), "{:?}", report.unknowns);
    let s = &report.sources["genesys-invoke"];
    assert_eq!(s.resource, "module.cx.aws_iam_role.genesys");
    assert_eq!(
        (s.file.as_deref(), s.line),
        (Some("module-tree/modules/cx/main.tf"), Some(21))
    );
    assert_eq!(report.report.status(), lambda_trust_verdict::Status::Ok);
}

#[test]
fn an_external_id_from_random_uuid_is_never_proved() {
    let report = run("unknown-external-id");
    insta::assert_json_snapshot!("plan_unknown_external_id", report);
    let (codes, ids) = &codes(&report)["genesys-random-id"];
    assert!(codes.contains(&"external-id-unproved"), "{codes:?}");
    assert_eq!(ids, "any: ");
    let u = &report.unknowns[0];
    assert_eq!(u.value, "random_uuid.external_id.result");
    assert_eq!(u.at, "aws_iam_role.genesys.assume_role_policy");
    assert_eq!(
        report.report.roles[0].invokable,
        ["arn:aws:lambda:eu-west-1:111122223333:function:lookup-customer"],
        "the inline policy's role (an id unknown until apply) is linked by reference"
    );
    assert_ne!(report.report.status(), lambda_trust_verdict::Status::Ok);
}

#[test]
fn a_wrong_partner_and_more_than_invoke_are_found() {
    let report = run("findings");
    insta::assert_json_snapshot!("plan_findings", report);
    let c = codes(&report);
    assert!(
        c["genesys-wrong-partner"].0.contains(&"other-principals"),
        "{c:?}"
    );
    let too_much = &c["genesys-too-much"];
    assert!(too_much.0.contains(&"beyond-invoke"), "{c:?}");
    assert_eq!(too_much.1, format!("fixed: {ORG}"));
    let aws_managed = report
        .unknowns
        .iter()
        .find(|u| u.value.contains(":aws:policy/"));
    assert!(
        aws_managed.is_some(),
        "the AWS managed policy is an unknown: {:?}",
        report.unknowns
    );
    assert_eq!(
        report.not_analysed[0].resource,
        "aws_iam_role_policies_exclusive.too_much"
    );
    assert_eq!(report.not_analysed[0].line, Some(56));
}

/// `docs/schemas/audit.schema.json`, its references resolved from docs/schemas/ only.
fn audit_schema() -> jsonschema::Validator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas");
    let base = crate::json_schemas::id_base();
    let read = |n: &str| -> Value {
        let doc = serde_json::from_str(&std::fs::read_to_string(dir.join(n)).unwrap()).unwrap();
        crate::json_schemas::placed(n, &doc)
    };
    let mut registry = jsonschema::Registry::new();
    for n in ["common.schema.json", "audit.schema.json"] {
        registry = registry.add(format!("{base}{n}"), read(n)).unwrap();
    }
    let registry = registry.prepare().unwrap();
    jsonschema::draft202012::options()
        .offline()
        .with_registry(&registry)
        .build(&read("audit.schema.json"))
        .unwrap()
}

#[test]
fn plan_reports_match_the_audit_schema() {
    let schema = audit_schema();
    for name in ["module-tree", "unknown-external-id", "findings"] {
        let json: Value = serde_json::from_str(&lambda_trust::audit_iac_json(&run(name))).unwrap();
        let errors: Vec<String> = schema.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

/// The binary, offline (no AWS variables needed: no AWS call is made).
fn binary(args: &[&str]) -> (i32, String, String) {
    let env = [
        ("AWS_ACCESS_KEY_ID", "unused"),
        ("AWS_SECRET_ACCESS_KEY", "unused"),
    ];
    let out = crate::support::offline::run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &env);
    (out.code, out.stdout, out.stderr)
}

#[test]
fn the_binary_exits_0_on_a_clean_plan_and_2_on_findings_with_sarif_at_the_tf_lines() {
    let clean = fixture("module-tree/plan.json");
    let (code, out, err) = binary(&[
        "audit",
        "--plan",
        clean.to_str().unwrap(),
        "--partner",
        "genesys-cloud",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.starts_with("plan "), "{out}");
    let findings = fixture("findings/plan.json");
    let (code, out, err) = binary(&[
        "audit",
        "--plan",
        findings.to_str().unwrap(),
        "--partner",
        "genesys-cloud",
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 2, "{out}\n{err}");
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let at = |rule: &str, name: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == format!("lambda-trust/audit/{rule}")
                    && r["message"]["text"].as_str().unwrap().starts_with(name)
            })
            .map(|r| r["locations"][0]["physicalLocation"].clone())
            .unwrap_or_else(|| panic!("{rule} on {name}: {results:?}"))
    };
    let loc = at("other-principals", "aws_iam_role.wrong_partner");
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("findings/main.tf"),
        "{loc}"
    );
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(
        at("beyond-invoke", "aws_iam_role.too_much")["region"]["startLine"],
        27
    );
}

#[test]
fn bad_plans_exit_1_naming_the_file_the_place_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "malformed.json",
            "{\"format_version\": \"1.2\",\n  \"planned_values\": {,}\n}",
            "malformed.json:2:22",
        ),
        (
            "state.json",
            "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {}}}",
            "not of the state",
        ),
        (
            "future.json",
            "{\"format_version\": \"2.0\", \"planned_values\": {}}",
            "format_version 2.0 is not supported",
        ),
        (
            "template.json",
            "{\"Resources\": {}}",
            "audit it with --template",
        ),
        ("other.json", "[1, 2]", "no format_version"),
    ];
    let mut messages = Vec::new();
    for (name, text, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (code, out, err) = binary(&["audit", "--plan", path.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}: {out}\n{err}");
        assert!(out.is_empty(), "{name}: nothing on stdout: {out}");
        assert!(
            err.contains(name) && err.contains(want) && err.contains("hint:"),
            "{name}: {err}"
        );
        messages.push(err.replace(dir.path().to_str().unwrap(), "DIR"));
    }
    insta::assert_snapshot!("plan_bad_inputs", messages.join("\n"));
}
