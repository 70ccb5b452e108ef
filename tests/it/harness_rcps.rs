//! The local AWS keeps resource control policies as AWS Organizations does
//! (`tests/it/support/moto_rcps.py`): each rule below is one that moto 5.2.5 does not hold, cited
//! from the AWS Organizations User Guide ("RCP syntax", "Quotas and service limits", "Enabling a
//! policy type") and API Reference.

use crate::support;

use serde_json::{json, Value};

use support::{AwsSeed, MotoServer};

const RCP: &str = "RESOURCE_CONTROL_POLICY";

/// An organization whose root has RCPs enabled: (client, root, member account).
fn organization(moto: &MotoServer) -> (AwsSeed, String, String) {
    let m = moto.client();
    let (root, member) = m.organization_with(&[RCP]);
    (m, root, member)
}

fn deny(statement: Value) -> String {
    let mut s = json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
        "Resource": "*"});
    for (k, v) in statement.as_object().unwrap() {
        match v {
            Value::Null => s.as_object_mut().unwrap().remove(k),
            _ => s.as_object_mut().unwrap().insert(k.clone(), v.clone()),
        };
    }
    json!({"Version": "2012-10-17", "Statement": [s]}).to_string()
}

fn create(m: &AwsSeed, name: &str, content: &str) -> support::http::HttpResponse {
    m.organizations(
        "CreatePolicy",
        json!({"Name": name, "Description": "", "Type": RCP, "Content": content}),
    )
}

fn error(r: &support::http::HttpResponse) -> (String, Value) {
    let v = r.json();
    let code = v["__type"].as_str().unwrap_or_default();
    (code.rsplit('#').next().unwrap_or_default().to_owned(), v)
}

/// "RCP syntax": Deny only (Allow is RCPFullAWSAccess's alone), `Principal` `"*"` only, no
/// `NotPrincipal` nor `NotAction`, an action naming its service; `NotResource` and conditions
/// are taken. UpdatePolicy holds the same rules.
#[test]
fn an_rcp_that_is_not_a_deny_for_every_principal_is_refused_as_organizations_refuses_it() {
    let moto = MotoServer::start();
    let (m, _, _) = organization(&moto);
    let refused = [
        json!({"Effect": "Allow"}),
        json!({"Principal": {"AWS": "arn:aws:iam::765628985471:root"}}),
        json!({"Principal": null, "NotPrincipal": {"AWS": "123456789012"}}),
        json!({"Action": null, "NotAction": "sts:AssumeRole"}),
        json!({"Action": "*"}),
    ];
    for (i, statement) in refused.iter().enumerate() {
        let r = create(&m, &format!("bad-{i}"), &deny(statement.clone()));
        assert_eq!(r.status, 400, "{statement}: {}", r.text());
        assert_eq!(
            error(&r).0,
            "MalformedPolicyDocumentException",
            "{statement}"
        );
    }
    let taken = deny(
        json!({"Resource": null, "NotResource": "arn:aws:iam::*:role/lex",
        "Condition": {"StringNotEquals": {"sts:ExternalId": ["o-1"]}}}),
    );
    let made = create(&m, "good", &taken);
    assert!(made.is_success(), "{}", made.text());
    let id = made.json()["Policy"]["PolicySummary"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = m.organizations(
        "UpdatePolicy",
        json!({"PolicyId": id, "Content": deny(json!({"Effect": "Allow"}))}),
    );
    assert_eq!(error(&r).0, "MalformedPolicyDocumentException");
}

/// "Quotas and service limits": an RCP holds at most 5,120 characters, white space counted.
#[test]
fn an_rcp_over_5120_characters_is_refused_and_one_of_5120_is_taken() {
    let moto = MotoServer::start();
    let (m, _, _) = organization(&moto);
    let base = deny(json!({"Sid": ""}));
    let exactly = deny(json!({"Sid": "x".repeat(5120 - base.len())}));
    assert_eq!(exactly.len(), 5120);
    let r = create(&m, "at-the-limit", &exactly);
    assert!(r.is_success(), "{}", r.text());
    let over = exactly.replacen('{', "{ ", 1);
    let r = create(&m, "over", &over);
    let (code, body) = error(&r);
    assert_eq!(code, "ConstraintViolationException", "{body}");
    assert_eq!(body["Reason"], "POLICY_CONTENT_LIMIT_EXCEEDED");
}

/// "Quotas and service limits": at most 5 RCPs on a root, OU or account, RCPFullAWSAccess
/// counted; it cannot be detached ("RCP syntax": "You cannot detach this policy").
#[test]
fn a_target_takes_five_rcps_with_rcp_full_aws_access_which_stays_attached() {
    let moto = MotoServer::start();
    let (m, root, member) = organization(&moto);
    let attach = |name: &str| {
        let made = create(&m, name, &deny(json!({})));
        let id = made.json()["Policy"]["PolicySummary"]["Id"].clone();
        m.organizations("AttachPolicy", json!({"PolicyId": id, "TargetId": member}))
    };
    for i in 1..=4 {
        let r = attach(&format!("rcp-{i}"));
        assert!(r.is_success(), "the {}th RCP: {}", i + 1, r.text());
    }
    let (code, body) = error(&attach("rcp-5"));
    assert_eq!(code, "ConstraintViolationException", "{body}");
    assert_eq!(body["Reason"], "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    for target in [&root, &member] {
        let r = m.organizations(
            "DetachPolicy",
            json!({"PolicyId": "p-RCPFullAWSAccess", "TargetId": target}),
        );
        assert_eq!(error(&r).0, "ConstraintViolationException", "{}", r.text());
    }
}

/// "Quotas and service limits" and the API Reference's `Tag` and `TagResource`: a policy holds
/// at most 50 tags, each value at most 256 characters; a request past either fails whole.
#[test]
fn a_policy_takes_fifty_tags_of_at_most_256_characters() {
    let moto = MotoServer::start();
    let (m, _, _) = organization(&moto);
    let made = create(&m, "tagged", &deny(json!({})));
    let id = made.json()["Policy"]["PolicySummary"]["Id"].clone();
    let tags = |range: std::ops::Range<usize>, value: &str| -> Vec<Value> {
        range
            .map(|i| json!({"Key": format!("k{i}"), "Value": value}))
            .collect()
    };
    let r = m.organizations(
        "TagResource",
        json!({"ResourceId": id, "Tags": tags(0..50, "v")}),
    );
    assert!(r.is_success(), "{}", r.text());
    let (code, body) = error(&m.organizations(
        "TagResource",
        json!({"ResourceId": id, "Tags": tags(50..51, "v")}),
    ));
    assert_eq!(code, "ConstraintViolationException", "{body}");
    assert_eq!(body["Reason"], "MAX_TAG_LIMIT_EXCEEDED");
    let long = "x".repeat(257);
    let (code, body) = error(&m.organizations(
        "TagResource",
        json!({"ResourceId": id, "Tags": tags(0..1, &long)}),
    ));
    assert_eq!(code, "InvalidInputException", "{body}");
    assert_eq!(body["Reason"], "MAX_LENGTH_EXCEEDED");
    let r = m.organizations(
        "TagResource",
        json!({"ResourceId": id, "Tags": tags(0..1, &"x".repeat(256))}),
    );
    assert!(r.is_success(), "256 characters are taken: {}", r.text());
}

/// "Enabling a policy type": EnablePolicyType is asynchronous. Its answer and the next ListRoots
/// say PENDING_ENABLE, and attaching one of the type's policies before ListRoots says ENABLED is
/// PolicyTypeNotEnabledException.
#[test]
fn enabling_rcps_is_pending_until_a_later_list_roots_says_enabled() {
    let moto = MotoServer::start();
    let m = moto.client();
    m.organizations_ok("CreateOrganization", json!({"FeatureSet": "ALL"}));
    let roots = m.organizations_ok("ListRoots", json!({}));
    let root = roots["Roots"][0]["Id"].as_str().unwrap().to_owned();
    let status = |v: &Value| v["PolicyTypes"][0]["Status"].as_str().map(str::to_owned);
    let enabled = m.organizations_ok(
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": RCP}),
    );
    assert_eq!(status(&enabled["Root"]).as_deref(), Some("PENDING_ENABLE"));
    let made = create(&m, "guardrail", &deny(json!({})));
    let id = made.json()["Policy"]["PolicySummary"]["Id"].clone();
    let attach = || m.organizations("AttachPolicy", json!({"PolicyId": id, "TargetId": root}));
    let first = m.organizations_ok("ListRoots", json!({}));
    assert_eq!(
        status(&first["Roots"][0]).as_deref(),
        Some("PENDING_ENABLE")
    );
    assert_eq!(error(&attach()).0, "PolicyTypeNotEnabledException");
    let second = m.organizations_ok("ListRoots", json!({}));
    assert_eq!(status(&second["Roots"][0]).as_deref(), Some("ENABLED"));
    assert!(attach().is_success());
}
