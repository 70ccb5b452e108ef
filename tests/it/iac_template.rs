//! `audit --template`: CloudFormation templates (YAML with short forms, JSON, a CDK-synthesized
//! one) read into the audit's model and audited in memory; unknown values never give a clean
//! result; bad templates are refused with the file, the place and what to fix.

use std::collections::BTreeMap;

use lambda_trust::core::audit::AuditOptions;
use lambda_trust::core::iac::{audit, read_template, IacReport, TemplateInput};

const GENESYS: &str = "765628985471";

fn input(name: &str, params: &[(&str, &str)]) -> TemplateInput {
    let path = format!("{}/tests/fixtures/iac/{name}", env!("CARGO_MANIFEST_DIR"));
    TemplateInput {
        file: name.to_owned(),
        text: std::fs::read_to_string(path).expect("fixture"),
        parameters: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        account_id: Some("111122223333".into()),
        region: Some("eu-west-1".into()),
    }
}

fn run(input: &TemplateInput) -> IacReport {
    let model = read_template(input).expect("template reads");
    let opts = AuditOptions {
        partners: vec![GENESYS.into()],
        region: input.region.clone(),
        ..AuditOptions::default()
    };
    audit(&model, &opts, &input.file)
}

/// Role → (codes, external-ID kind and values), the shape the differential test compares.
fn codes(report: &IacReport) -> BTreeMap<String, (Vec<&'static str>, String)> {
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
                (r.findings.iter().map(|f| f.code.as_str()).collect(), ids),
            )
        })
        .collect()
}

#[test]
fn yaml_short_forms_parameters_and_conditions() {
    let report = run(&input("genesys-role.yaml", &[]));
    insta::assert_json_snapshot!("iac_genesys_role_yaml", report);
    let c = codes(&report);
    assert_eq!(
        c["genesys-invoke-prod"].1,
        "fixed: 9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11"
    );
    assert!(c["genesys-wildcard"].0.contains(&"external-id-pattern"));
    assert!(
        !c.contains_key("LambdaExecutionRole"),
        "a service role is no partner's"
    );
    let prod = &report
        .report
        .roles
        .iter()
        .find(|r| r.role == "genesys-invoke-prod")
        .unwrap();
    assert_eq!(
        prod.invokable.len(),
        2,
        "the IsProd branch is taken: {:?}",
        prod.invokable
    );
}

#[test]
fn a_parameter_decides_a_condition() {
    let report = run(&input("genesys-role.yaml", &[("Stage", "test")]));
    let r = report
        .report
        .roles
        .iter()
        .find(|r| r.role == "genesys-invoke-test")
        .unwrap();
    assert_eq!(r.invokable.len(), 1, "{:?}", r.invokable);
}

#[test]
fn cdk_synthesized_json() {
    let report = run(&input("cdk-genesys.template.json", &[]));
    insta::assert_json_snapshot!("iac_cdk_json", report);
    let r = &report.report.roles[0];
    assert_eq!(r.role, "cdk-genesys-invoke");
    assert_eq!(
        r.invokable,
        ["arn:aws:lambda:eu-west-1:111122223333:function:lookup-customer"]
    );
    assert_eq!(report.sources["cdk-genesys-invoke"].line, Some(3));
}

#[test]
fn unknown_values_are_never_proved() {
    let report = run(&input("unknown-values.yaml", &[]));
    insta::assert_json_snapshot!("iac_unknown_values", report);
    let c = codes(&report);
    for role in ["unknown-external-id", "unknown-partner"] {
        let (codes, ids) = &c[role];
        assert!(codes.contains(&"external-id-unproved"), "{role}: {codes:?}");
        assert!(ids.starts_with("any"), "{role}: {ids}");
        assert!(
            codes.contains(&"beyond-invoke"),
            "{role}: access not proved: {codes:?}"
        );
    }
    assert_eq!(
        report.not_analysed[0].resource_type,
        "AWS::Serverless::Function"
    );
    assert_ne!(report.report.status(), lambda_trust::error::Status::Ok);
}

fn error(text: &str) -> String {
    let input = TemplateInput {
        file: "bad.yaml".into(),
        text: text.into(),
        ..TemplateInput::default()
    };
    read_template(&input).expect_err("refused").to_string()
}

#[test]
fn bad_templates_name_the_file_and_place() {
    insta::assert_snapshot!("iac_bad_syntax", error("Resources:\n  R: [1, 2\n  X: y\n"));
    insta::assert_snapshot!("iac_bad_tag", error("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Reff X\n"));
    insta::assert_snapshot!("iac_ref_to_nothing", error("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref Nope\n"));
    insta::assert_snapshot!("iac_not_a_template", error("{\"format_version\": \"1.2\"}"));
}

#[test]
fn values_known_only_at_deployment_are_unknown_here() {
    // The fixture tests/it/live_iac.rs deploys on moto with the withheld parameters given.
    let report = run(&input("deployable-unknowns.yaml", &[]));
    insta::assert_json_snapshot!("iac_deployable_unknowns", report);
    let c = codes(&report);
    for role in ["UnknownIdRole", "unknown-partner-deployed"] {
        assert!(c[role].0.contains(&"external-id-unproved"), "{role}: {c:?}");
        assert!(c[role].0.contains(&"beyond-invoke"), "{role}: {c:?}");
    }
    assert_eq!(
        c["genesys-prod"].0,
        ["unmanaged"],
        "settled by Mappings, Select, Split, Sub"
    );
}
