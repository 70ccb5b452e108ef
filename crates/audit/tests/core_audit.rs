//! `lambda_trust_audit` in memory: plain roles and policies in, the report out — one test per finding
//! code, plus the roles the audit must leave out.

use lambda_trust_verdict::Judged;
use std::collections::BTreeMap;
use strum::IntoEnumIterator;

use lambda_trust_audit::{
    audit_account, audit_role, policies_to_read, AccountIam, AuditCode, AuditOptions, AuditPolicy,
    AuditRole, AuditVersion, ConfigIdentity, RoleReport,
};
use lambda_trust_verdict::{Severity, Status};
use serde_json::{json, Value};

const OWN: &str = "111122223333";
const GENESYS: &str = "765628985471";
const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const FN: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup";

fn trust(principal: Value, condition: Value) -> Value {
    let mut s = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
    if !condition.is_null() {
        s["Condition"] = condition;
    }
    json!({"Version": "2012-10-17", "Statement": [s]})
}

fn genesys_trust(condition: Value) -> Value {
    trust(
        json!({"AWS": format!("arn:aws:iam::{GENESYS}:root")}),
        condition,
    )
}

fn locked() -> Value {
    genesys_trust(json!({"StringEquals": {"sts:ExternalId": ORG}}))
}

fn invoke(resources: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": resources}]})
}

fn role(name: &str, trust: Value) -> AuditRole {
    AuditRole {
        name: name.into(),
        arn: format!("arn:aws:iam::{OWN}:role/{name}"),
        trust,
        inline: vec![("invoke".into(), invoke(json!([FN])))],
        attached: Vec::new(),
        boundary: None,
        tags: BTreeMap::from([("managed-by".into(), "lambda-trust".into())]),
    }
}

fn account(roles: Vec<AuditRole>) -> AccountIam {
    AccountIam {
        account_id: OWN.into(),
        roles,
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    }
}

fn genesys() -> AuditOptions {
    AuditOptions {
        partners: vec![GENESYS.into()],
        config: None,
        region: Some("us-east-1".into()),
        partner_principals: Vec::new(),
        genesys_org_ids: Vec::new(),
    }
}

fn report(r: AuditRole) -> RoleReport {
    let iam = account(vec![r.clone()]);
    audit_role(&iam, &r, &genesys()).expect("the role is reported")
}

fn codes(r: &RoleReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code.into()).collect()
}

#[test]
fn a_locked_managed_role_is_clean() {
    let r = report(role("clean", locked()));
    assert_eq!(r.external_ids.kind.to_string(), "fixed");
    assert_eq!(r.external_ids.values, vec![ORG]);
    assert_eq!(r.assumable_by, vec![format!("arn:aws:iam::{GENESYS}:root")]);
    assert_eq!(r.invokable, vec![FN]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(r.managed);
}

#[test]
fn no_external_id_is_critical_with_the_request() {
    let r = report(role("open", genesys_trust(Value::Null)));
    assert_eq!(r.external_ids.kind.to_string(), "any");
    assert_eq!(codes(&r), vec!["no-external-id"]);
    let f = &r.findings[0];
    assert_eq!(f.severity, Severity::Security);
    let c = f.counterexample.as_ref().expect("a counterexample");
    assert_eq!(c["action"], "sts:AssumeRole");
    assert!(c["principal"].as_str().unwrap().contains(GENESYS));
    assert!(c["context"].get("sts:ExternalId").is_none());
}

#[test]
fn any_external_id_value_is_no_external_id() {
    let r = report(role(
        "anyid",
        genesys_trust(json!({"Null": {"sts:ExternalId": "false"}})),
    ));
    assert_eq!(r.external_ids.kind.to_string(), "any");
    assert_eq!(codes(&r), vec!["no-external-id"]);
}

#[test]
fn several_ids_and_patterns_are_external_id_pattern() {
    let several = report(role(
        "several",
        genesys_trust(json!({"StringEquals": {"sts:ExternalId": [ORG, "other-org"]}})),
    ));
    assert_eq!(several.external_ids.kind.to_string(), "several");
    assert_eq!(several.external_ids.values.len(), 2);
    assert_eq!(codes(&several), vec!["external-id-pattern"]);
    let pattern = report(role(
        "pattern",
        genesys_trust(json!({"StringLike": {"sts:ExternalId": "0f8c*"}})),
    ));
    assert_eq!(pattern.external_ids.kind.to_string(), "pattern");
    assert_eq!(pattern.external_ids.values, vec!["0f8c*"]);
    assert_eq!(codes(&pattern), vec!["external-id-pattern"]);
    assert!(pattern.findings[0].counterexample.is_some());
}

#[test]
fn a_value_shadowed_by_a_deny_is_not_accepted() {
    let mut t = genesys_trust(json!({"StringEquals": {"sts:ExternalId": [ORG, "old-org"]}}));
    t["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Effect": "Deny",
        "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "old-org"}}}));
    let r = report(role("shadowed", t));
    assert_eq!(r.external_ids.kind.to_string(), "fixed");
    assert_eq!(r.external_ids.values, vec![ORG]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn other_principals_are_reported() {
    let mut t = locked();
    t["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}));
    let r = report(role("shared", t));
    assert_eq!(codes(&r), vec!["other-principals"]);
    assert!(r
        .assumable_by
        .contains(&"arn:aws:iam::444455556666:root".to_string()));
    let c = r.findings[0].counterexample.as_ref().unwrap();
    assert!(c["principal"].as_str().unwrap().contains("444455556666"));
}

/// A trust policy open to every account is said to be: in the finding and in who can assume it.
#[test]
fn a_role_any_account_can_assume_is_called_that() {
    for principal in [json!("*"), json!({"AWS": "*"})] {
        let mut t = locked();
        t["Statement"][0]["Principal"] = principal.clone();
        let r = report(role("open", t));
        assert!(
            codes(&r).contains(&"other-principals"),
            "{principal}: {:#?}",
            r.findings
        );
        assert!(
            r.assumable_by.contains(&"*".to_string()),
            "{principal}: {:?}",
            r.assumable_by
        );
        let f = (r.findings.iter())
            .find(|f| f.code == AuditCode::OtherPrincipals)
            .unwrap();
        assert!(
            f.message.starts_with("any AWS account can assume the role"),
            "{}",
            f.message
        );
    }
    // Kept to one organization, it is not "any account": only the proof's example is said.
    let mut t = locked();
    t["Statement"][0]["Principal"] = json!("*");
    t["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"] = json!("o-abc");
    let r = report(role("org-only", t));
    assert!(
        !r.assumable_by.contains(&"*".to_string()),
        "{:?}",
        r.assumable_by
    );
}

#[test]
fn beyond_invoke_and_all_functions() {
    let mut r = role("broad", locked());
    r.inline = vec![(
        "broad".into(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["lambda:InvokeFunction", "s3:GetObject"], "Resource": "*"}]}),
    )];
    let rep = report(r);
    assert_eq!(codes(&rep), vec!["beyond-invoke", "all-functions"]);
    assert_eq!(rep.invokable, vec!["*"]);
    for f in &rep.findings {
        let c = f.counterexample.as_ref().unwrap_or_else(|| panic!("{f:?}"));
        assert_eq!(c["principal"], format!("arn:aws:iam::{OWN}:role/broad"));
    }
    // The wildcard's request names a function in the role's own account and region.
    assert_eq!(
        rep.findings[1].counterexample.as_ref().unwrap()["resource"],
        format!("arn:aws:lambda:us-east-1:{OWN}:function:other-function")
    );
    let beyond = &rep.findings[0];
    assert_ne!(
        beyond.counterexample.as_ref().unwrap()["action"],
        "lambda:InvokeFunction"
    );
}

#[test]
fn a_function_name_wildcard_is_all_functions_but_all_qualifiers_is_not() {
    let mut r = role("prefix", locked());
    r.inline = vec![(
        "p".into(),
        invoke(json!([
            "arn:aws:lambda:us-east-1:111122223333:function:lookup-*"
        ])),
    )];
    assert_eq!(codes(&report(r)), vec!["all-functions"]);
    let mut q = role("qualifiers", locked());
    q.inline = vec![("p".into(), invoke(json!([FN, format!("{FN}:*")])))];
    assert!(report(q).findings.is_empty());
}

#[test]
fn a_broader_non_default_version_is_latent() {
    let arn = format!("arn:aws:iam::{OWN}:policy/invoke");
    let mut r = role("latent", locked());
    r.inline.clear();
    r.attached = vec![arn.clone()];
    let mut iam = account(vec![r.clone()]);
    let version = |id: &str, default: bool, doc: Value| AuditVersion {
        version_id: id.into(),
        is_default: default,
        document: doc,
    };
    iam.policies.insert(
        arn.clone(),
        AuditPolicy {
            arn: arn.clone(),
            name: "invoke".into(),
            versions: vec![
                version(
                    "v1",
                    false,
                    json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
                ),
                version("v2", true, invoke(json!([FN]))),
                version("v3", false, invoke(json!([FN]))),
            ],
        },
    );
    let rep = audit_role(&iam, &r, &genesys()).unwrap();
    assert_eq!(codes(&rep), vec!["latent-version"]);
    assert!(rep.findings[0].message.contains("version v1"));
    assert_eq!(rep.invokable, vec![FN]);
}

#[test]
fn unmanaged_is_info_and_config_mismatch_is_config() {
    let mut r = role("foreign", locked());
    r.tags.clear();
    let rep = report(r);
    assert_eq!(codes(&rep), vec!["unmanaged"]);
    assert_eq!(rep.findings[0].severity, Severity::Info);

    let mut m = role("GenesysLambdaInvoker", locked());
    m.tags
        .insert("lambda-trust:config".into(), "0000000000000000".into());
    let iam = account(vec![m.clone()]);
    let opts = AuditOptions {
        config: Some(ConfigIdentity {
            role_name: "GenesysLambdaInvoker".into(),
            digest: "1111111111111111".into(),
        }),
        ..genesys()
    };
    let rep = audit_role(&iam, &m, &opts).unwrap();
    assert_eq!(codes(&rep), vec!["config-mismatch"]);
    assert_eq!(rep.findings[0].severity, Severity::Config);
    m.tags
        .insert("lambda-trust:config".into(), "1111111111111111".into());
    assert!(audit_role(&iam, &m, &opts).unwrap().findings.is_empty());
}

#[test]
fn unproved_external_id_is_reported_as_the_weaker_claim() {
    let t = genesys_trust(json!({"StringEquals": {"sts:ExternalId": "${aws:PrincipalTag/org}"}}));
    let rep = report(role("variable", t));
    assert_eq!(rep.external_ids.kind.to_string(), "any");
    // Undecided on both questions: the weaker claim on both (any ID, maybe other principals).
    assert_eq!(
        codes(&rep),
        vec!["external-id-unproved", "other-principals"]
    );
    assert!(rep.findings.iter().all(|f| f.counterexample.is_none()));
}

#[test]
fn roles_no_partner_can_assume_are_left_out() {
    let service = role(
        "svc",
        trust(json!({"Service": "lambda.amazonaws.com"}), Value::Null),
    );
    let own = role(
        "own",
        trust(
            json!({"AWS": format!("arn:aws:iam::{OWN}:root")}),
            Value::Null,
        ),
    );
    let other = role(
        "other-partner",
        trust(
            json!({"AWS": "arn:aws:iam::444455556666:root"}),
            json!({"StringEquals": {"sts:ExternalId": "x-org"}}),
        ),
    );
    let mut denied = locked();
    denied["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Effect": "Deny",
        "Principal": "*", "Action": "*"}));
    let denied = role("denied", denied);
    let iam = account(vec![
        service.clone(),
        own.clone(),
        other.clone(),
        denied.clone(),
    ]);
    for r in [&service, &own, &other, &denied] {
        assert!(audit_role(&iam, r, &genesys()).is_none(), "{}", r.name);
    }
    // Without --partner the role trusting another account is audited, the rest are not.
    let any = AuditOptions::default();
    let rep = audit_role(&iam, &other, &any).expect("reported without --partner");
    assert_eq!(rep.external_ids.kind.to_string(), "fixed");
    assert!(audit_role(&iam, &service, &any).is_none());
    assert!(audit_role(&iam, &own, &any).is_none());
}

#[test]
fn anyone_is_audited_without_partner() {
    let star = role("star", trust(json!("*"), Value::Null));
    let iam = account(vec![star.clone()]);
    let rep = audit_role(&iam, &star, &AuditOptions::default()).unwrap();
    assert_eq!(rep.assumable_by, vec!["*"]);
    assert_eq!(codes(&rep), vec!["no-external-id"]);
    // With --partner genesys, `*` lets Genesys in too.
    let rep = audit_role(&iam, &star, &genesys()).unwrap();
    assert!(codes(&rep).contains(&"no-external-id"));
    assert!(codes(&rep).contains(&"other-principals"));
}

#[test]
fn the_account_report_is_worst_first_and_exits_2_on_a_security_finding() {
    let mut foreign = role("b-foreign", locked());
    foreign.tags.clear();
    let roles = vec![
        role("c-clean", locked()),
        foreign,
        role("a-open", genesys_trust(Value::Null)),
    ];
    let rep = audit_account(&account(roles), &genesys(), 7);
    let names: Vec<&str> = rep.roles.iter().map(|r| r.role.as_str()).collect();
    assert_eq!(names, vec!["a-open", "b-foreign", "c-clean"]);
    assert_eq!(rep.summary.roles_scanned, 3);
    assert_eq!(rep.summary.calls, 7);
    assert_eq!(rep.status(), Status::Changes);
    let clean = audit_account(&account(vec![role("c-clean", locked())]), &genesys(), 1);
    assert_eq!(clean.status(), Status::Ok);
}

#[test]
fn every_code_has_a_description_and_a_kebab_case_name() {
    for c in AuditCode::iter() {
        assert!(!c.description().is_empty());
        assert!(c
            .to_string()
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch == '-'));
    }
}

#[test]
fn a_case_insensitive_id_is_a_pattern() {
    let r = report(role(
        "ignorecase",
        genesys_trust(json!({"StringEqualsIgnoreCase": {"sts:ExternalId": ORG}})),
    ));
    assert_eq!(r.external_ids.kind.to_string(), "pattern");
    assert_eq!(codes(&r), vec!["external-id-pattern"]);
}

#[test]
fn identity_side_requests_name_the_role() {
    let mut r = role("names", locked());
    r.inline = vec![(
        "p".into(),
        json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:GetFunction"], "Resource": FN}]}),
    )];
    let rep = report(r.clone());
    let f = &rep.findings[0];
    assert_eq!(f.code.to_string(), "beyond-invoke");
    assert_eq!(f.counterexample.as_ref().unwrap()["principal"], r.arn);
    assert!(
        f.message.contains(&format!("{} may ", r.arn)),
        "{}",
        f.message
    );
}

#[test]
fn a_boundary_caps_what_the_role_can_do() {
    let arn = "arn:aws:iam::111122223333:policy/boundary".to_string();
    let mut r = role("bounded", locked());
    r.inline = vec![(
        "broad".into(),
        json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )];
    r.boundary = Some(arn.clone());
    let mut iam = account(vec![r.clone()]);
    iam.policies.insert(
        arn.clone(),
        AuditPolicy {
            arn: arn.clone(),
            name: "boundary".into(),
            versions: vec![AuditVersion {
                version_id: "v1".into(),
                is_default: true,
                document: invoke(json!([FN])),
            }],
        },
    );
    let rep = audit_role(&iam, &r, &genesys()).unwrap();
    // The inline policy allows "*", but the boundary keeps the role to invoking FN: the
    // effective invokable set is FN, nothing beyond invoke, no wildcard.
    assert_eq!(rep.invokable, vec![FN]);
    assert!(rep.findings.is_empty(), "{:#?}", rep.findings);
    // Without the boundary read, nothing is proved about the role's access.
    iam.policies.clear();
    let rep = audit_role(&iam, &r, &genesys()).unwrap();
    assert!(codes(&rep).contains(&"beyond-invoke"));
    assert!(rep
        .findings
        .iter()
        .any(|f| f.message.contains("was not read")));
}

#[test]
fn aws_managed_policies_are_read_only_for_roles_that_name_a_partner() {
    let lambda_role = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole".to_string();
    let read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string();
    let own_policy = format!("arn:aws:iam::{OWN}:policy/invoke");
    let mut genesys_role = role("genesys", locked());
    genesys_role.attached = vec![lambda_role.clone(), own_policy.clone()];
    genesys_role.boundary = Some(read_only.clone());
    let mut service = role(
        "svc",
        trust(json!({"Service": "lambda.amazonaws.com"}), Value::Null),
    );
    service.attached = vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()];
    let mut iam = account(vec![genesys_role, service]);
    iam.policies.insert(
        own_policy.clone(),
        AuditPolicy {
            arn: own_policy,
            name: "invoke".into(),
            versions: vec![AuditVersion {
                version_id: "v1".into(),
                is_default: true,
                document: invoke(json!([FN])),
            }],
        },
    );
    assert_eq!(
        policies_to_read(&iam, &genesys()),
        vec![read_only, lambda_role]
    );
}

// The four patterns of "no false alarms": none yields a security finding, and the external-ID
// and invokable sets are exact.

/// Pattern 1: a single-valued key given two values is not a request. Two tests on
/// sts:ExternalId for anyone admit nobody, so only the partner (with ORG) gets in.
#[test]
fn single_valued_keys_raise_no_false_alarm() {
    let mut t = locked();
    t["Statement"].as_array_mut().unwrap().push(json!({"Effect": "Allow", "Principal": "*",
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "a"}, "StringLike": {"sts:ExternalId": "b*"}}}));
    let r = report(role("single-valued", t));
    assert_eq!(r.external_ids.kind.to_string(), "fixed");
    assert_eq!(r.external_ids.values, vec![ORG]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

/// Pattern 2: the Deny guard — allow the partner without a condition, deny every request whose
/// ID differs (StringNotEquals, StringNotLike, the IfExists forms, with or without Null).
#[test]
fn a_deny_guard_fixes_the_external_id() {
    for guard in [
        json!({"StringNotEquals": {"sts:ExternalId": ORG}}),
        json!({"StringNotEqualsIfExists": {"sts:ExternalId": ORG}}),
        json!({"StringNotLike": {"sts:ExternalId": ORG}}),
        json!({"StringNotLikeIfExists": {"sts:ExternalId": ORG}}),
    ] {
        let mut t = genesys_trust(Value::Null);
        t["Statement"]
            .as_array_mut()
            .unwrap()
            .push(json!({"Effect": "Deny", "Principal": "*",
            "Action": "sts:AssumeRole", "Condition": guard}));
        let r = report(role("guarded", t));
        assert_eq!(r.external_ids.kind.to_string(), "fixed", "{guard}");
        assert_eq!(r.external_ids.values, vec![ORG], "{guard}");
        assert!(r.findings.is_empty(), "{guard}: {:#?}", r.findings);
    }
    // A guard pinning the ID under a broader Allow pattern: exactly that ID.
    let mut t = genesys_trust(json!({"StringLike": {"sts:ExternalId": "0f8c*"}}));
    t["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Effect": "Deny", "Principal": "*",
        "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"sts:ExternalId": ORG}}}));
    let r = report(role("guarded-under-pattern", t));
    assert_eq!(r.external_ids.kind.to_string(), "fixed");
    assert_eq!(r.external_ids.values, vec![ORG]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // A guard with a wildcard accepts a pattern: reported as such, with the pattern.
    let mut t = genesys_trust(Value::Null);
    t["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Effect": "Deny", "Principal": "*",
        "Action": "sts:AssumeRole", "Condition": {"StringNotLike": {"sts:ExternalId": "0f8c*"}}}));
    let r = report(role("guarded-pattern", t));
    assert_eq!(r.external_ids.kind.to_string(), "pattern");
    assert_eq!(r.external_ids.values, vec!["0f8c*"]);
    assert_eq!(codes(&r), vec!["external-id-pattern"]);
    // Null false inside the guard exempts requests without the key: they get in.
    let mut t = genesys_trust(Value::Null);
    t["Statement"].as_array_mut().unwrap().push(json!({"Effect": "Deny", "Principal": "*",
        "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"sts:ExternalId": ORG}, "Null": {"sts:ExternalId": "false"}}}));
    let r = report(role("leaky-guard", t));
    assert_eq!(r.external_ids.kind.to_string(), "any");
    assert_eq!(codes(&r), vec!["no-external-id"]);
    // A Null guard alone leaves any value in.
    let mut t = genesys_trust(Value::Null);
    t["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Effect": "Deny", "Principal": "*",
        "Action": "sts:AssumeRole", "Condition": {"Null": {"sts:ExternalId": "true"}}}));
    let r = report(role("null-guard", t));
    assert_eq!(r.external_ids.kind.to_string(), "any");
    assert_eq!(codes(&r), vec!["no-external-id"]);
}

/// Pattern 4: an explicit Deny on one function (also by qualifier or wildcard) takes it out of
/// the invokable set.
#[test]
fn an_explicit_deny_removes_functions_from_the_invokable_set() {
    let other = "arn:aws:lambda:us-east-1:111122223333:function:retired";
    let cases = [
        (
            json!("arn:aws:lambda:us-east-1:111122223333:function:ret*"),
            vec![FN.to_owned()],
        ),
        (json!([other, format!("{other}:*")]), vec![FN.to_owned()]),
    ];
    for (denied, want) in cases {
        let mut r = role("denied", locked());
        r.inline = vec![(
            "p".into(),
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [FN, other, format!("{other}:*")]},
                {"Effect": "Deny", "Action": "lambda:*", "Resource": denied}]}),
        )];
        let rep = report(r);
        assert_eq!(rep.invokable, want, "{denied}");
        assert!(rep.findings.is_empty(), "{denied}: {:#?}", rep.findings);
    }
    // A Deny on the unqualified ARN leaves its qualifiers invokable.
    let mut r = role("denied-unqualified", locked());
    r.inline = vec![(
        "p".into(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [FN, other, format!("{other}:*")]},
            {"Effect": "Deny", "Action": "lambda:*", "Resource": other}]}),
    )];
    assert_eq!(
        report(r).invokable,
        vec![FN.to_owned(), format!("{other}:*")]
    );
    // A Deny on everything but FN caps a wildcard grant to FN.
    let mut r = role("denied-wildcard", locked());
    r.inline = vec![(
        "p".into(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "NotResource": FN}]}),
    )];
    let rep = report(r);
    assert_eq!(rep.invokable, vec![FN]);
    assert!(rep.findings.is_empty(), "{:#?}", rep.findings);
}

/// The roles `init --from-genesys` offers when Genesys Cloud redacts the role ARN: those the
/// partner can assume with the organization's ID (a fixed one, a matching pattern, or any).
#[test]
fn roles_accepting_an_id_are_the_ones_genesys_can_assume_with_it() {
    let other = trust(
        json!({"AWS": "arn:aws:iam::444455556666:root"}),
        json!({"StringEquals": {"sts:ExternalId": ORG}}),
    );
    let iam = account(vec![
        role("Locked", locked()),
        role(
            "OtherId",
            genesys_trust(json!({"StringEquals": {"sts:ExternalId": "someone-else"}})),
        ),
        role(
            "Pattern",
            genesys_trust(json!({"StringLike": {"sts:ExternalId": "0f8c7a52-*"}})),
        ),
        role("Open", genesys_trust(Value::Null)),
        role("OtherPartner", other),
    ]);
    let mut opts = genesys();
    opts.partners.push("444455556666".into());
    let rep = audit_account(&iam, &opts, 0);
    let mut names: Vec<&str> = lambda_trust_audit::roles_accepting(&rep, &[GENESYS], ORG)
        .iter()
        .map(|r| r.role.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["Locked", "Open", "Pattern"]);
}

mod role_import {
    //! `init --from-role`, the pure part: a role's proved grants back into targets.

    use super::*;
    use lambda_trust_audit::{import_role, ImportedRole, TrustedAccount};
    use lambda_trust_config::Partner;
    use lambda_trust_model::{InlinePolicy, Observed, ObservedRole};

    fn function(name: &str) -> String {
        format!("arn:aws:lambda:us-east-1:{OWN}:function:{name}")
    }

    fn observed(resources: Vec<String>, condition: Value) -> Observed {
        Observed {
            account_id: OWN.into(),
            caller_arn: format!("arn:aws:iam::{OWN}:user/me"),
            role: Some(ObservedRole {
                arn: format!("arn:aws:iam::{OWN}:role/Legacy"),
                name: "Legacy".into(),
                path: "/".into(),
                description: None,
                max_session_duration: 3600,
                permissions_boundary: None,
                tags: BTreeMap::from([("team".into(), "cx".into())]),
                trust: genesys_trust(condition),
                created_epoch: None,
            }),
            attached: Vec::new(),
            inline: vec![InlinePolicy {
                name: "invoke".into(),
                document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": "lambda:InvokeFunction", "Resource": resources}]}),
            }],
            policies: Vec::new(),
            boundary: None,
            functions: Vec::new(),
            permissions: Vec::new(),
        }
    }

    fn import(
        o: &Observed,
        external_id: Option<&str>,
    ) -> Result<ImportedRole, lambda_trust_verdict::Problem> {
        import_role(o, &AuditOptions::default(), external_id)
    }

    #[test]
    fn grants_become_targets_and_what_a_target_cannot_say_is_noted() {
        let resources = vec![
            function("plain"),
            function("star"),
            format!("{}:*", function("star")),
            format!("{}:live", function("aliased")),
            format!("{}:*", function("versions-only")),
            function("cs-*"),
        ];
        let o = observed(resources, json!({"StringEquals": {"sts:ExternalId": ORG}}));
        let r = import(&o, None).unwrap();
        assert_eq!(r.partner, TrustedAccount::Preset(Partner::GenesysCloud));
        assert_eq!(r.external_id, ORG);
        assert_eq!(
            r.description.as_deref(),
            Some(""),
            "no description stays none"
        );
        assert_eq!(r.tags, BTreeMap::from([("team".into(), "cx".into())]));
        let star = Some("*".to_string());
        assert_eq!(
            r.targets,
            vec![
                (function("aliased"), Some("live".into())),
                (function("plain"), None),
                (function("star"), star.clone()),
                (function("versions-only"), star),
            ]
        );
        let notes = r.notes.join("\n");
        assert!(notes.contains("cs-* names no single function"), "{notes}");
        assert!(
            notes.contains("versions-only:* is granted without"),
            "{notes}"
        );
        assert!(
            notes.contains("deletes the inline policy invoke"),
            "{notes}"
        );
    }

    #[test]
    fn a_role_without_a_fixed_id_needs_one_given_and_says_what_it_accepts() {
        let o = observed(vec![function("plain")], Value::Null);
        assert!(import(&o, None).is_err());
        let r = import(&o, Some(ORG)).unwrap();
        assert_eq!(r.external_id, ORG);
        assert!(r
            .findings
            .iter()
            .any(|f| f.code.to_string() == "no-external-id"));
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("lambda-trust will require")),
            "{:?}",
            r.notes
        );
    }
}

// ---------------------------------------------------------------------------------------------
// --partner-principal
// ---------------------------------------------------------------------------------------------

const VENDOR_ROLE: &str = "arn:aws:iam::765628985471:role/VendorRole";

/// A vendor's usual trust policy: the partner's account root as Principal, narrowed to one of
/// its roles with `aws:PrincipalArn`, and the external ID.
fn vendor_role_trust() -> Value {
    genesys_trust(json!({
        "StringEquals": {"sts:ExternalId": ORG},
        "ArnEquals": {"aws:PrincipalArn": VENDOR_ROLE}
    }))
}

fn with_principals(principals: &[&str]) -> AuditOptions {
    AuditOptions {
        partner_principals: principals.iter().map(|p| p.to_string()).collect(),
        ..genesys()
    }
}

#[test]
fn a_given_partner_principal_that_gets_in_is_listed_instead_of_the_account() {
    let r = role("GenesysLambdaInvoker", vendor_role_trust());
    let iam = account(vec![r.clone()]);
    // Without the flag: the account, as today.
    let plain = audit_role(&iam, &r, &genesys()).unwrap();
    assert_eq!(
        plain.assumable_by,
        vec![format!("arn:aws:iam::{GENESYS}:root")]
    );
    assert!(plain.findings.is_empty(), "{:?}", plain.findings);
    // With it: the role it names, and no finding.
    let rep = audit_role(&iam, &r, &with_principals(&[VENDOR_ROLE])).unwrap();
    assert_eq!(rep.assumable_by, vec![VENDOR_ROLE.to_string()]);
    assert!(rep.findings.is_empty(), "{:?}", rep.findings);
    assert_eq!(rep.external_ids.values, vec![ORG.to_string()]);
}

#[test]
fn a_given_partner_principal_the_trust_policy_refuses_is_a_config_finding() {
    let r = role("GenesysLambdaInvoker", vendor_role_trust());
    let iam = account(vec![r.clone()]);
    let other = "arn:aws:iam::765628985471:role/OtherRole";
    let rep = audit_role(&iam, &r, &with_principals(&[other])).unwrap();
    assert_eq!(codes(&rep), vec!["partner-refused"]);
    assert_eq!(rep.findings[0].severity, Severity::Config);
    assert!(
        rep.findings[0].message.contains(other),
        "{}",
        rep.findings[0].message
    );
    // The account does get in (through VendorRole): still listed by its root.
    assert_eq!(
        rep.assumable_by,
        vec![format!("arn:aws:iam::{GENESYS}:root")]
    );
    // A security finding still decides the exit code; a refused principal alone does not.
    assert_eq!(
        audit_account(&iam, &with_principals(&[other]), 1).status(),
        Status::Ok
    );
    // One given principal that gets in and one that does not.
    let rep = audit_role(&iam, &r, &with_principals(&[other, VENDOR_ROLE])).unwrap();
    assert_eq!(rep.assumable_by, vec![VENDOR_ROLE.to_string()]);
    assert_eq!(codes(&rep), vec!["partner-refused"]);
}

#[test]
fn a_partner_principal_of_another_partition_is_refused() {
    // The role is in aws-us-gov: a principal of the aws partition never assumes it.
    let mut r = role("GenesysLambdaInvoker", locked());
    r.arn = format!("arn:aws-us-gov:iam::{OWN}:role/GenesysLambdaInvoker");
    r.trust = trust(
        json!({"AWS": format!("arn:aws-us-gov:iam::{GENESYS}:root")}),
        json!({"StringEquals": {"sts:ExternalId": ORG}}),
    );
    let iam = account(vec![r.clone()]);
    let gov = "arn:aws-us-gov:iam::765628985471:role/VendorRole";
    let rep = audit_role(&iam, &r, &with_principals(&[gov, VENDOR_ROLE])).unwrap();
    assert_eq!(rep.assumable_by, vec![gov.to_string()]);
    assert_eq!(codes(&rep), vec!["partner-refused"]);
    assert!(rep.findings[0].message.contains(VENDOR_ROLE));
}

/// Two partner accounts let in without an external ID: one `no-external-id` finding naming
/// both accounts (not one per account), with the first account's request.
#[test]
fn two_partners_without_an_external_id_are_one_finding_naming_both() {
    const OTHER: &str = "444455556666";
    let t = trust(
        json!({"AWS": [format!("arn:aws:iam::{GENESYS}:root"), format!("arn:aws:iam::{OTHER}:root")]}),
        Value::Null,
    );
    let r = role("two-partners", t);
    let iam = account(vec![r.clone()]);
    let rep = audit_role(&iam, &r, &AuditOptions::default()).expect("reported");
    assert_eq!(codes(&rep), vec!["no-external-id"]);
    let f = &rep.findings[0];
    assert!(f.message.contains(GENESYS), "{}", f.message);
    assert!(f.message.contains(OTHER), "{}", f.message);
    assert!(
        f.message.starts_with(&format!(
            "account {OTHER} and account {GENESYS} can assume the role without sts:ExternalId"
        )),
        "{}",
        f.message
    );
    assert!(f.counterexample.is_some());
}

mod invokable_oracle {
    //! The invokable set as the audit computes it (patterns one at a time, literal ARNs
    //! together) against the reference (one proof per candidate ARN), on random roles: literal
    //! and qualified ARNs, wildcards, `NotResource`, Denies, conditions, a boundary.

    use super::*;
    use lambda_trust_audit::invokable_set;
    use proptest::prelude::*;

    const ARN: &str = "arn:aws:lambda:us-east-1:111122223333:function:";

    fn resource() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(vec!["f", "g", "h", "f-2", "g:live", "f:live", "h:1"])
                .prop_map(|n| format!("{ARN}{n}")),
            1 => prop::sample::select(vec![
                "*",
                "arn:aws:lambda:us-east-1:111122223333:function:*",
                "arn:aws:lambda:us-east-1:111122223333:function:f*",
                "arn:aws:lambda:us-east-1:111122223333:function:g:*",
                "arn:aws:lambda:*:111122223333:function:h",
                "arn:aws:lambda:us-east-1:111122223333:function:?",
            ])
            .prop_map(str::to_owned),
        ]
    }

    fn condition() -> impl Strategy<Value = Value> {
        prop::sample::select(vec![
            Value::Null,
            Value::Null,
            Value::Null,
            json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            json!({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
            json!({"StringEquals": {"aws:PrincipalType": "AssumedRole"}}),
            json!({"StringNotEquals": {"aws:PrincipalType": "AssumedRole"}}),
            json!({"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        ])
    }

    fn statement() -> impl Strategy<Value = Value> {
        (
            prop::bool::weighted(0.25),
            prop::bool::weighted(0.15),
            prop::sample::select(vec!["lambda:InvokeFunction", "lambda:*", "lambda:Invoke*"]),
            prop::collection::vec(resource(), 1..5),
            condition(),
        )
            .prop_map(|(deny, not, action, resources, condition)| {
                let mut s =
                    json!({"Effect": if deny { "Deny" } else { "Allow" }, "Action": action});
                s[if not { "NotResource" } else { "Resource" }] = json!(resources);
                if !condition.is_null() {
                    s["Condition"] = condition;
                }
                s
            })
    }

    fn policy() -> impl Strategy<Value = Value> {
        prop::collection::vec(statement(), 1..4)
            .prop_map(|s| json!({"Version": "2012-10-17", "Statement": s}))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

        #[test]
        fn the_fast_invokable_set_is_the_reference_one(
            inline in prop::collection::vec(policy(), 1..3),
            boundary in prop::option::weighted(0.2, policy()),
        ) {
            let mut r = role("oracle", locked());
            r.inline = inline.into_iter().enumerate().map(|(i, p)| (format!("p{i}"), p)).collect();
            let mut iam = account(vec![]);
            if let Some(b) = boundary {
                let arn = format!("arn:aws:iam::{OWN}:policy/boundary");
                iam.policies.insert(arn.clone(), AuditPolicy {
                    arn: arn.clone(),
                    name: "boundary".into(),
                    versions: vec![AuditVersion { version_id: "v1".into(), is_default: true, document: b }],
                });
                r.boundary = Some(arn);
            }
            iam.roles.push(r.clone());
            let fast = invokable_set(&iam, &r, Some("us-east-1"), false);
            let reference = invokable_set(&iam, &r, Some("us-east-1"), true);
            prop_assert_eq!(fast, reference);
        }
    }
}

/// "Invokable" never understates: `*` and `function:*` are all functions, `function:f*` a
/// pattern, an identity policy that was not read (an AWS managed policy absent from the input)
/// makes it unknown, naming the policy; only a list of named functions is a count.
#[test]
fn invokable_says_all_pattern_or_unknown_instead_of_a_count() {
    use lambda_trust_audit::InvokableKind;
    let with = |resource: Value| {
        let mut r = role("scoped", locked());
        r.inline = vec![("invoke".into(), invoke(resource))];
        report(r)
    };
    let star = with(json!("*"));
    assert_eq!(star.invokable_scope.kind, InvokableKind::All);
    assert!(
        star.invokable.iter().any(|f| f == "*"),
        "{:?}",
        star.invokable
    );
    let all = with(json!("arn:aws:lambda:us-east-1:111122223333:function:*"));
    assert_eq!(all.invokable_scope.kind, InvokableKind::All);
    let some = with(json!([
        "arn:aws:lambda:us-east-1:111122223333:function:f-*",
        FN
    ]));
    assert_eq!(some.invokable_scope.kind, InvokableKind::Pattern);
    let listed = with(json!([FN, format!("{FN}:live")]));
    assert_eq!(listed.invokable_scope.kind, InvokableKind::Listed);
    assert_eq!(listed.invokable.len(), 2);

    let full = "arn:aws:iam::aws:policy/AWSLambda_FullAccess";
    let mut r = role("full-access", locked());
    r.inline.clear();
    r.attached = vec![full.into()];
    let unread = report(r);
    assert!(unread.invokable.is_empty());
    assert_eq!(unread.invokable_scope.kind, InvokableKind::Unknown);
    assert_eq!(unread.invokable_scope.not_read, vec![full]);
    // Read, the same policy grants every function.
    let mut r = role("full-access", locked());
    r.attached = vec![full.into()];
    let mut iam = account(vec![r.clone()]);
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]});
    iam.policies.insert(
        full.into(),
        AuditPolicy {
            arn: full.into(),
            name: "AWSLambda_FullAccess".into(),
            versions: vec![AuditVersion {
                version_id: "v1".into(),
                is_default: true,
                document: doc,
            }],
        },
    );
    let read = audit_role(&iam, &r, &genesys()).unwrap();
    assert_eq!(read.invokable_scope.kind, InvokableKind::All);
    assert_eq!(read.invokable, vec!["*"]);
}
