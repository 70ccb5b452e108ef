//! `audit --template`: CloudFormation templates (YAML with short forms, JSON, a CDK-synthesized
//! one) read into the audit's model and audited in memory; unknown values never give a clean
//! result; bad templates are refused with the file, the place and what to fix.

use lambda_trust_verdict::Judged;
use std::collections::BTreeMap;

use lambda_trust_audit::{
    audit_account, audit_iac_proved, read_template, AuditOptions, IacReport, TemplateInput,
};

const GENESYS: &str = "765628985471";

fn input(name: &str, params: &[(&str, &str)]) -> TemplateInput {
    let path = format!(
        "{}/../../tests/fixtures/iac/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
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
    audit_iac(&model, &opts, &input.file)
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
                (r.findings.iter().map(|f| f.code.into()).collect(), ids),
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
    assert_ne!(report.report.status(), lambda_trust_verdict::Status::Ok);
}

fn error(text: &str) -> String {
    let input = TemplateInput {
        file: "bad.yaml".into(),
        text: text.into(),
        ..TemplateInput::default()
    };
    lambda_trust_verdict::shown(&read_template(&input).expect_err("refused"))
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

/// An inline template, read with the partner account and a region given.
fn inline(text: &str) -> Result<IacReport, String> {
    let input = TemplateInput {
        file: "inline.yaml".into(),
        text: text.into(),
        account_id: Some("111122223333".into()),
        region: Some("eu-west-1".into()),
        ..TemplateInput::default()
    };
    let model = read_template(&input).map_err(|e| e.to_string())?;
    Ok(run_model(&model, &input))
}

fn run_model(model: &lambda_trust_audit::IacModel, input: &TemplateInput) -> IacReport {
    let opts = AuditOptions {
        partners: vec![GENESYS.into()],
        region: input.region.clone(),
        ..AuditOptions::default()
    };
    audit_iac(model, &opts, &input.file)
}

/// A partner role: `{name}` is the `RoleName` line (or none), `{extra}` more resources.
fn partner_role(name: &str, extra: &str) -> String {
    format!(
        r#"Resources:
  PartnerRole:
    Type: AWS::IAM::Role
    Properties:
{name}
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
                Resource: arn:aws:lambda:eu-west-1:111122223333:function:lookup
{extra}"#
    )
}

#[test]
fn an_intrinsic_over_a_value_unknown_before_deploy_is_unknown() {
    // The third part of the stack ID (its UUID) is only known once the stack exists.
    let name = "      RoleName: !Select [2, !Split ['/', !Ref AWS::StackId]]";
    let report = inline(&partner_role(name, "")).expect("the audit goes on");
    let u = &report.unknowns;
    assert_eq!(u.len(), 1, "{u:?}");
    assert_eq!(u[0].value, "Ref AWS::StackId");
    assert_eq!(u[0].at, "PartnerRole.Properties.RoleName");
    // The role is still audited, under its logical ID (its name is only a label).
    let role = &report.report.roles[0];
    assert_eq!(role.role, "PartnerRole");
    assert_eq!(
        role.external_ids.values,
        ["9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11"]
    );
    // An unknown list or index anywhere gives an unknown element, never an error.
    let sections = "Parameters:\n  Names: {Type: String}\n  Index: {Type: String}\n\
        Conditions:\n  Maybe: !Equals [!Ref Names, x]\n";
    for (select, name) in [
        ("!Select [0, !Split [',', !Ref Names]]", "PartnerRole"),
        ("!Select [!Ref Index, [a, b]]", "PartnerRole"),
        ("!Select [1, !GetAZs '']", "PartnerRole"),
        // An undecided element may be absent: the ones after it are unknown.
        (
            "!Select [1, [!If [Maybe, a, !Ref AWS::NoValue], b]]",
            "PartnerRole",
        ),
        // The ones before an unknown part are known.
        ("!Select [0, [known, !If [Maybe, a, b]]]", "known"),
        (
            "!Select [1, !Split ['/', !Sub 'x/y/${AWS::StackName}']]",
            "y",
        ),
        (
            "!Select [2, !Split ['/', !Sub 'x/y/${AWS::StackName}']]",
            "PartnerRole",
        ),
    ] {
        let text = partner_role(&format!("      RoleName: {select}"), sections);
        let report = inline(&text).unwrap_or_else(|e| panic!("{select}: {e}"));
        assert_eq!(report.report.roles[0].role, name, "{select}");
    }
    // A known list is still checked: an index past its end is the template's mistake.
    let bad = partner_role("      RoleName: !Select [2, !Split ['/', 'a/b']]", "");
    let err = inline(&bad).expect_err("refused");
    assert!(
        err.contains("Fn::Select index 2 is past the list's end"),
        "{err}"
    );
}

#[test]
fn quoted_scalars_continued_at_the_keys_indentation_are_read() {
    // CloudFormation (and PyYAML, which cfn-lint uses) accepts continuation lines of a quoted
    // scalar at its key's indentation; the folded values are PyYAML's.
    let text = "AWSTemplateFormatVersion: \"2010-09-09\"
Description: \"Cross-account role of the monitoring vendor. It
lets the vendor read metrics.\"
Resources:
  PartnerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: partner
      Description: 'The vendor''s
      read-only role,

      with a blank line'
      MaxSessionDuration: \"36\\
      00\"
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: \"arn:aws:iam::765628985471:root\" }
            Action: sts:AssumeRole
            Condition:
              StringEquals: { \"sts:ExternalId\": \"an
            id\" }
";
    let input = TemplateInput {
        file: "quoted.yaml".into(),
        text: text.into(),
        ..TemplateInput::default()
    };
    let model = read_template(&input).expect("accepted, as CloudFormation accepts it");
    let settings = &model.settings["partner"];
    assert_eq!(
        settings.description.as_deref(),
        Some("The vendor's read-only role,\nwith a blank line")
    );
    assert_eq!(settings.max_session_duration, Some(3600));
    let report = run_model(&model, &input);
    assert_eq!(report.report.roles[0].external_ids.values, ["an id"]);
    assert_eq!(
        report.sources["partner"].line,
        Some(5),
        "lines still point into the file as written"
    );
    // A quoted scalar that never closes is still refused, at its start.
    let err = error("Description: \"no end\nResources: {}\n");
    assert!(err.contains("bad.yaml:1:"), "{err}");
}

/// A role resource `id` trusted by the partner with an external ID, allowed to invoke one
/// function; `name`: its `RoleName` (none: generated).
fn role_resource(id: &str, name: Option<&str>, principal: &str) -> String {
    let name = name.map_or(String::new(), |n| format!("\n      RoleName: {n}"));
    format!(
        r#"
  {id}:
    Type: AWS::IAM::Role
    Properties:{name}
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: sts:AssumeRole
            Condition:
              StringEquals: {{ "sts:ExternalId": "9b8d6a35" }}
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource: arn:aws:lambda:eu-west-1:111122223333:function:lookup"#
    )
}

const PARTNER: &str = "{ AWS: \"arn:aws:iam::765628985471:root\" }";
const SERVICE: &str = "{ Service: lambda.amazonaws.com }";

/// Role → its finding codes.
fn role_codes(report: &IacReport) -> BTreeMap<String, Vec<&'static str>> {
    codes(report)
        .into_iter()
        .map(|(r, (c, _))| (r, c))
        .collect()
}

#[test]
fn a_template_macro_makes_every_role_unproved() {
    let roles = [
        role_resource("PartnerRole", Some("partner"), PARTNER),
        role_resource("ServiceRole", None, SERVICE),
    ]
    .concat();
    let sam = "Transform: AWS::Serverless-2016-10-31\n";
    // Without a macro (SAM's transform is read: its types are listed as not analysed), the
    // partner role is proved and the service role is no partner's.
    let clean = inline(&format!("{sam}Resources:{roles}\n")).unwrap();
    assert!(clean.unknowns.is_empty(), "{:?}", clean.unknowns);
    assert_eq!(role_codes(&clean)["partner"], ["unmanaged"]);
    assert!(!role_codes(&clean).contains_key("ServiceRole"));
    assert_eq!(clean.status(), lambda_trust_verdict::Status::Ok);

    let text = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform:\n  - AWS::Serverless-2016-10-31\n  - ExecutionRoleBuilder\nResources:{roles}\n"
    );
    let report = inline(&text).expect("read");
    let u: Vec<(&str, String)> = report
        .unknowns
        .iter()
        .map(|u| (u.value.as_str(), u.reason.to_string()))
        .collect();
    assert_eq!(
        u,
        [(
            "Transform ExecutionRoleBuilder",
            "a template macro, not run: it may rewrite the whole template".to_string()
        )]
    );
    let n = &report.not_analysed;
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(
        (
            n[0].resource.as_str(),
            n[0].resource_type.as_str(),
            n[0].line
        ),
        ("ExecutionRoleBuilder", "Transform", Some(2))
    );
    // A macro may rewrite every role: the service role too is reported, and nothing is proved.
    let c = role_codes(&report);
    for role in ["partner", "ServiceRole"] {
        assert!(c[role].contains(&"external-id-unproved"), "{role}: {c:?}");
        assert!(c[role].contains(&"beyond-invoke"), "{role}: {c:?}");
        let r = report.report.roles.iter().find(|r| r.role == role).unwrap();
        let f = r
            .findings
            .iter()
            .find(|f| f.code.to_string() == "beyond-invoke");
        assert!(
            f.unwrap()
                .message
                .contains("Transform ExecutionRoleBuilder"),
            "{role}: {:?}",
            r.findings
        );
    }
    assert_eq!(report.status(), lambda_trust_verdict::Status::Changes);

    // With no role at all, a macro may still add one: never clean.
    let none =
        inline("Transform: ExecutionRoleBuilder\nResources:\n  Topic: {Type: AWS::SNS::Topic}\n");
    let none = none.unwrap();
    assert!(none.report.roles.is_empty());
    assert_eq!(none.status(), lambda_trust_verdict::Status::Changes);

    // A template-level `Fn::Transform` (an include of resources) is a macro too; the
    // language extensions are one only when `Fn::ForEach` makes resources.
    for (text, macro_name) in [
        (
            format!("Resources:\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters: {{Location: s3://b/roles.yaml}}{roles}\n"),
            Some("AWS::Include"),
        ),
        (
            format!("Transform: AWS::LanguageExtensions\nResources:{roles}\n"),
            None,
        ),
        (
            format!("Transform: AWS::LanguageExtensions\nResources:{roles}\n  Fn::ForEach::Topics:\n    - T\n    - [a, b]\n    - Topic${{T}}: {{Type: AWS::SNS::Topic}}\n"),
            Some("AWS::LanguageExtensions"),
        ),
    ] {
        let report = inline(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let found: Vec<&str> = report
            .not_analysed
            .iter()
            .filter(|n| n.resource_type == "Transform")
            .map(|n| n.resource.as_str())
            .collect();
        assert_eq!(found, macro_name.into_iter().collect::<Vec<_>>(), "{text}");
        let proved = role_codes(&report)["partner"] == ["unmanaged"];
        assert_eq!(proved, macro_name.is_none(), "{text}: {report:?}");
    }
}

#[test]
fn a_nested_stack_makes_the_roles_it_may_reach_unproved() {
    // Passed: the nested stack gets the role's generated name and may attach a policy to it.
    // Fixed: any template may name it. Apart: a generated name no one is given.
    let text = format!(
        "Resources:{}{}{}
  Permissions:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/vendor/permissions.yaml
      Parameters:
        RoleName: !Ref Passed
",
        role_resource("Passed", None, PARTNER),
        role_resource("Fixed", Some("fixed-name"), PARTNER),
        role_resource("Apart", None, PARTNER),
    );
    let report = inline(&text).expect("read");
    let c = role_codes(&report);
    for role in ["Passed", "fixed-name"] {
        assert!(c[role].contains(&"beyond-invoke"), "{role}: {c:?}");
        let r = report.report.roles.iter().find(|r| r.role == role).unwrap();
        let f = r
            .findings
            .iter()
            .find(|f| f.code.to_string() == "beyond-invoke");
        assert!(
            f.unwrap()
                .message
                .contains("AWS::CloudFormation::Stack Permissions (a nested stack"),
            "{role}: {:?}",
            r.findings
        );
        // Its trust policy is its own: the nested stack cannot change it.
        assert_eq!(r.external_ids.values, ["9b8d6a35"], "{role}");
    }
    assert_eq!(c["Apart"], ["unmanaged"], "{c:?}");
    assert_eq!(report.unknowns.len(), 1, "{:?}", report.unknowns);
    assert_eq!(report.unknowns[0].at, "Permissions");
    assert_eq!(report.not_analysed[0].resource, "Permissions");
    assert_eq!(report.status(), lambda_trust_verdict::Status::Changes);

    // Through another resource (a parameter store value the nested stack is given) and a
    // SAM application (a nested stack too).
    let text = format!(
        "Resources:{}
  Name:
    Type: AWS::SSM::Parameter
    Properties: {{ Type: String, Value: !Sub '${{Passed.Arn}}' }}
  App:
    Type: AWS::Serverless::Application
    DependsOn: Name
    Properties:
      Location: https://s3.amazonaws.com/vendor/app.yaml
",
        role_resource("Passed", None, PARTNER),
    );
    let report = inline(&text).expect("read");
    assert!(role_codes(&report)["Passed"].contains(&"beyond-invoke"));
}

/// The template's audit as `audit --iac` makes it, without organization policies: the roles
/// proved, then judged as a template's.
fn audit_iac(model: &lambda_trust_audit::IacModel, opts: &AuditOptions, file: &str) -> IacReport {
    let proved = audit_account(&model.iam, opts, 0);
    audit_iac_proved(model, opts, file, None, proved)
}
