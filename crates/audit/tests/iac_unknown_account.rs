//! `audit --template` / `--plan` without `--account-id` (issue 43, item 2): the account the
//! code deploys to is not known, so whether a function named by a literal ARN is in the role's
//! account is not known either. What depends on it is `unknown`, naming `--account-id` — never
//! `cross-account-permission-missing` ("Genesys Cloud is stopped"); given, the same target is
//! judged.

use std::collections::BTreeMap;
use std::path::Path;

use lambda_trust_audit::{
    audit_account, audit_iac_proved, read_plan, read_template, AuditFinding, AuditOptions,
    IacReport, PlanInput, TemplateInput,
};

const GENESYS: &str = "765628985471";
const TARGET: &str = "arn:aws:lambda:eu-west-1:111122223333:function:lookup";

fn template(account_id: Option<&str>) -> IacReport {
    let text = format!(
        r#"Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: genesys
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{ AWS: "arn:aws:iam::{GENESYS}:root" }}
            Action: sts:AssumeRole
            Condition:
              StringEquals: {{ "sts:ExternalId": "9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11" }}
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource: {TARGET}
"#
    );
    let input = TemplateInput {
        file: "inline.yaml".into(),
        text,
        account_id: account_id.map(Into::into),
        region: Some("eu-west-1".into()),
        ..TemplateInput::default()
    };
    let model = read_template(&input).expect("template reads");
    audit_iac(&model, &opts(), &input.file)
}

fn opts() -> AuditOptions {
    AuditOptions {
        partners: vec![GENESYS.into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    }
}

fn findings(report: &IacReport) -> Vec<&AuditFinding> {
    report
        .report
        .roles
        .iter()
        .flat_map(|r| &r.findings)
        .collect()
}

fn codes(report: &IacReport) -> Vec<&'static str> {
    findings(report).iter().map(|f| f.code.into()).collect()
}

#[test]
fn without_account_id_a_literal_function_arn_is_unknown_naming_the_flag() {
    let report = template(None);
    let found = findings(&report);
    assert!(
        !codes(&report).contains(&"cross-account-permission-missing"),
        "an unknown account is never a block: {found:#?}"
    );
    let unknown = found
        .iter()
        .find(|f| f.code.to_string() == "path-not-read" && f.message.contains(TARGET))
        .unwrap_or_else(|| panic!("the target's path is unknown: {found:#?}"));
    assert!(unknown.message.contains("--account-id"), "{unknown:#?}");
    assert!(unknown.counterexample.is_none(), "{unknown:#?}");
    assert!(
        !unknown.message.contains("stopped"),
        "not a verdict: {unknown:#?}"
    );
}

#[test]
fn with_account_id_the_same_target_is_judged() {
    // The function's own account: the role's identity policy suffices.
    let same = template(Some("111122223333"));
    assert_eq!(codes(&same), ["unmanaged"], "{:#?}", findings(&same));
    // Another account, given: a function no permission of the template names has no
    // policy (docs/iac.md), so the role is not let in.
    let other = template(Some("444455556666"));
    assert!(
        codes(&other).contains(&"cross-account-permission-missing"),
        "{:#?}",
        findings(&other)
    );
}

fn sources(dir: &Path, rel: &str, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = match rel {
            "" => name.clone(),
            _ => format!("{rel}/{name}"),
        };
        if e.path().is_dir() {
            sources(&e.path(), &child, out);
        } else if name.ends_with(".tf") {
            out.insert(child, std::fs::read_to_string(e.path()).unwrap());
        }
    }
}

/// docs/iac.md's `audit --plan plan.json --partner genesys-cloud`: no `--account-id`.
#[test]
fn a_plan_without_account_id_is_not_a_block() {
    // The workspace's fixtures, beside the binary's tests that read the same tree.
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/terraform/module-tree");
    let mut tf = BTreeMap::new();
    sources(&dir, "", &mut tf);
    let input = PlanInput {
        file: "module-tree/plan.json".into(),
        text: std::fs::read_to_string(dir.join("plan.json")).unwrap(),
        sources: tf,
        source_dir: "module-tree".into(),
        account_id: None,
        region: Some("eu-west-1".into()),
    };
    let model = read_plan(&input).expect("plan reads");
    let report = audit_iac(&model, &opts(), &input.file);
    let found = findings(&report);
    assert!(
        !codes(&report).contains(&"cross-account-permission-missing"),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.code.to_string() == "path-not-read" && f.message.contains("--account-id")),
        "{found:#?}"
    );
}

/// The template's audit as `audit --iac` makes it, without organization policies: the roles
/// proved, then judged as a template's.
fn audit_iac(model: &lambda_trust_audit::IacModel, opts: &AuditOptions, file: &str) -> IacReport {
    let proved = audit_account(&model.iam, opts, 0);
    audit_iac_proved(model, opts, file, None, proved)
}
