//! Regression corpus for the prover: known traps in trust and invoke policies, each with its
//! expected verdicts. Every counterexample is also checked against the evaluator here.
#![cfg(test)]

use super::support::*;
use lambda_trust_iam::{
    evaluate, prove_invoke, prove_trust, Budget, InvokeSpec, LabeledPolicy, Verdict,
};

use super::samples::{EXTERNAL_ID, PARTNER, ROLE_ARN};
use serde_json::{json, Value};

use Verdict::{Counterexample as C, Proved as P, Unknown as U};

const FOREIGN: &str = "444455556666";
const F: &str = "arn:aws:lambda:us-east-1:111122223333:function:f";
const G: &str = "arn:aws:lambda:us-east-1:111122223333:function:g";

fn partner() -> Value {
    json!({"AWS": format!("arn:aws:iam::{PARTNER}:root")})
}

fn ext() -> Value {
    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}})
}

/// An Allow trust statement for the partner, AssumeRole, with `cond`.
fn allow_partner(cond: Value) -> Value {
    json!({"Effect": "Allow", "Principal": partner(), "Action": "sts:AssumeRole", "Condition": cond})
}

fn with(mut stmt: Value, field: &str, value: Value) -> Value {
    stmt[field] = value;
    stmt
}

fn without(mut stmt: Value, field: &str) -> Value {
    stmt.as_object_mut().unwrap().remove(field);
    stmt
}

struct TrustCase {
    name: &'static str,
    statements: Vec<Value>,
    only: Verdict,
    allowed: Verdict,
}

fn t(name: &'static str, statements: Vec<Value>, only: Verdict, allowed: Verdict) -> TrustCase {
    TrustCase {
        name,
        statements,
        only,
        allowed,
    }
}

fn trust_cases() -> Vec<TrustCase> {
    let good = allow_partner(ext());
    vec![
        t("default", vec![good.clone()], P, P),
        t(
            "external id list with a second org",
            vec![allow_partner(
                json!({"StringEquals": {"sts:ExternalId": [EXTERNAL_ID, "other-org"]}}),
            )],
            C,
            P,
        ),
        t(
            "StringLike pattern",
            vec![allow_partner(
                json!({"StringLike": {"sts:ExternalId": "0f8c*"}}),
            )],
            C,
            P,
        ),
        t(
            "StringLike without wildcard",
            vec![allow_partner(
                json!({"StringLike": {"sts:ExternalId": EXTERNAL_ID}}),
            )],
            P,
            P,
        ),
        t(
            "second statement with StringNotEquals",
            vec![
                good.clone(),
                allow_partner(json!({"StringNotEquals": {"sts:ExternalId": EXTERNAL_ID}})),
            ],
            C,
            P,
        ),
        t(
            "ForAllValues on ExternalId",
            vec![allow_partner(
                json!({"ForAllValues:StringEquals": {"sts:ExternalId": EXTERNAL_ID}}),
            )],
            C,
            P,
        ),
        t(
            "ForAllValues with Null false",
            vec![allow_partner(
                json!({"ForAllValues:StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "Null": {"sts:ExternalId": "false"}}),
            )],
            P,
            P,
        ),
        t(
            "ForAnyValue on ExternalId",
            vec![allow_partner(
                json!({"ForAnyValue:StringEquals": {"sts:ExternalId": EXTERNAL_ID}}),
            )],
            P,
            P,
        ),
        t(
            "IfExists",
            vec![allow_partner(
                json!({"StringEqualsIfExists": {"sts:ExternalId": EXTERNAL_ID}}),
            )],
            C,
            P,
        ),
        t(
            "Null false only",
            vec![allow_partner(json!({"Null": {"sts:ExternalId": "false"}}))],
            C,
            P,
        ),
        t(
            "Null true",
            vec![allow_partner(json!({"Null": {"sts:ExternalId": "true"}}))],
            C,
            C,
        ),
        t(
            "StringNotLike star",
            vec![allow_partner(
                json!({"StringNotLike": {"sts:ExternalId": "*"}}),
            )],
            C,
            C,
        ),
        t(
            "IgnoreCase",
            vec![allow_partner(
                json!({"StringEqualsIgnoreCase": {"sts:ExternalId": EXTERNAL_ID}}),
            )],
            C,
            P,
        ),
        t(
            "no condition",
            vec![without(good.clone(), "Condition")],
            C,
            P,
        ),
        t(
            "Principal *",
            vec![with(good.clone(), "Principal", json!("*"))],
            C,
            P,
        ),
        t(
            "Principal AWS *",
            vec![with(good.clone(), "Principal", json!({"AWS": "*"}))],
            C,
            P,
        ),
        t(
            "sts:* action",
            vec![with(good.clone(), "Action", json!("sts:*"))],
            C,
            P,
        ),
        t(
            "* action",
            vec![with(good.clone(), "Action", json!("*"))],
            C,
            P,
        ),
        t(
            "NotAction",
            vec![without(
                with(good.clone(), "NotAction", json!("iam:*")),
                "Action",
            )],
            C,
            P,
        ),
        t(
            "extra sts:TagSession",
            vec![with(
                good.clone(),
                "Action",
                json!(["sts:AssumeRole", "sts:TagSession"]),
            )],
            C,
            P,
        ),
        t(
            "case-insensitive action",
            vec![with(good.clone(), "Action", json!("STS:ASSUMEROLE"))],
            P,
            P,
        ),
        t(
            "case-insensitive key",
            vec![allow_partner(
                json!({"StringEquals": {"STS:EXTERNALID": EXTERNAL_ID}}),
            )],
            P,
            P,
        ),
        t(
            "role session of a foreign account",
            vec![
                good.clone(),
                with(
                    good.clone(),
                    "Principal",
                    json!({"AWS": format!("arn:aws:sts::{FOREIGN}:assumed-role/R/s")}),
                ),
            ],
            C,
            P,
        ),
        t(
            "second account listed",
            vec![with(
                good.clone(),
                "Principal",
                json!({"AWS": [format!("arn:aws:iam::{PARTNER}:root"), FOREIGN]}),
            )],
            C,
            P,
        ),
        t(
            "service principal",
            vec![
                good.clone(),
                json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
            ],
            C,
            P,
        ),
        t(
            "federated principal",
            vec![
                good.clone(),
                json!({"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}),
            ],
            C,
            P,
        ),
        t(
            "NotPrincipal allow",
            vec![without(
                with(good.clone(), "NotPrincipal", partner()),
                "Principal",
            )],
            C,
            C,
        ),
        t(
            "Deny narrows actions",
            vec![
                with(good.clone(), "Action", json!("sts:*")),
                json!({"Effect": "Deny", "Principal": "*", "NotAction": "sts:AssumeRole"}),
            ],
            P,
            P,
        ),
        t(
            "Deny narrows the external id",
            vec![
                without(good.clone(), "Condition"),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEquals": {"sts:ExternalId": EXTERNAL_ID}}}),
            ],
            P,
            P,
        ),
        t(
            "Deny narrows the id list",
            vec![
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": [EXTERNAL_ID, "other-org"]}}),
                ),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringEquals": {"sts:ExternalId": "other-org"}}}),
            ],
            P,
            P,
        ),
        t(
            "Deny narrows Principal *",
            vec![
                with(good.clone(), "Principal", json!("*")),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": PARTNER}}}),
            ],
            P,
            P,
        ),
        // NotPrincipal excludes a role session only when its account is listed too.
        t(
            "Deny by NotPrincipal",
            vec![
                with(good.clone(), "Principal", json!("*")),
                json!({"Effect": "Deny", "NotPrincipal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")}, "Action": "*"}),
            ],
            P,
            C,
        ),
        t(
            "PrincipalAccount condition",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID, "aws:PrincipalAccount": PARTNER}}),
                ),
                "Principal",
                json!("*"),
            )],
            P,
            P,
        ),
        t(
            "PrincipalOrgID is chosen by the caller",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID, "aws:PrincipalOrgID": "o-abc"}}),
                ),
                "Principal",
                json!("*"),
            )],
            C,
            C,
        ),
        t(
            "ArnLike PrincipalArn wildcard",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{PARTNER}:*")}}),
                ),
                "Principal",
                json!("*"),
            )],
            P,
            P,
        ),
        t(
            "ArnLike PrincipalArn any account",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
                ),
                "Principal",
                json!("*"),
            )],
            C,
            C,
        ),
        t(
            "extra SecureTransport",
            vec![allow_partner(
                json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "Bool": {"aws:SecureTransport": "true"}}),
            )],
            P,
            C,
        ),
        t(
            "extra SourceIp",
            vec![allow_partner(
                json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            )],
            P,
            C,
        ),
        t(
            "deny everything",
            vec![
                good.clone(),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*"}),
            ],
            P,
            C,
        ),
        t(
            "only a partner role",
            vec![with(
                good.clone(),
                "Principal",
                json!({"AWS": format!("arn:aws:iam::{PARTNER}:role/GenesysCloudRole")}),
            )],
            P,
            C,
        ),
        t(
            "policy variable in condition",
            vec![allow_partner(
                json!({"StringEquals": {"sts:ExternalId": "${aws:username}"}}),
            )],
            U,
            C,
        ),
        t(
            "date window",
            vec![allow_partner(
                json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
            )],
            P,
            C,
        ),
        t(
            "numeric contradiction denies nothing extra",
            vec![
                good.clone(),
                allow_partner(
                    json!({"NumericLessThan": {"k:n": "5"}, "ForAllValues:NumericGreaterThan": {"k:n": "7"}}),
                ),
            ],
            P,
            P,
        ),
        t(
            "numeric window open",
            vec![
                good.clone(),
                allow_partner(
                    json!({"NumericLessThan": {"k:n": "5"}, "NumericGreaterThan": {"k:n": "4"}}),
                ),
            ],
            C,
            P,
        ),
        t("no statement", vec![], P, C),
        t(
            "ArnLike PrincipalArn role pattern in any account",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Genesys*"}}),
                ),
                "Principal",
                json!("*"),
            )],
            C,
            C,
        ),
        t(
            "StringLike PrincipalArn role pattern in the partner",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "StringLike": {"aws:PrincipalArn": format!("arn:aws:iam::{PARTNER}:role/Gen*")}}),
                ),
                "Principal",
                json!("*"),
            )],
            P,
            C,
        ),
        t(
            "ForAnyValue Deny misses callers without a PrincipalArn",
            vec![
                with(good.clone(), "Principal", json!("*")),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"ForAnyValue:StringNotLike": {"aws:PrincipalArn": format!("arn:aws:iam::{PARTNER}:*")}}}),
            ],
            C,
            P,
        ),
        t(
            "Deny outside the partner by PrincipalArn pattern, anonymous too",
            vec![
                with(good.clone(), "Principal", json!("*")),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotLikeIfExists": {"aws:PrincipalArn": format!("arn:aws:iam::{PARTNER}:*")}}}),
            ],
            P,
            P,
        ),
        t(
            "wildcard in the account of a PrincipalArn pattern",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::7656*:root"}}),
                ),
                "Principal",
                json!("*"),
            )],
            U,
            C,
        ),
        t(
            "wildcard on aws:username",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "StringLike": {"aws:username": "genesys-*"}}),
                ),
                "Principal",
                json!({"AWS": format!("arn:aws:iam::{PARTNER}:root")}),
            )],
            U,
            C,
        ),
        // A foreign account's users may carry any aws:userid (unique IDs are unknown offline).
        t(
            "aws:userid on a foreign account",
            vec![
                good.clone(),
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{FOREIGN}:root")}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:userid": "AIDAEXAMPLE"}}}),
            ],
            C,
            P,
        ),
        // The root user's aws:userid is its account ID.
        t(
            "aws:userid of a root user",
            vec![
                good.clone(),
                json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:userid": "AIDAEXAMPLE", "aws:PrincipalType": "Account"}}}),
            ],
            P,
            P,
        ),
        t(
            "aws:userid is chosen per caller",
            vec![with(
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "StringLike": {"aws:userid": "AROA*"}}),
                ),
                "Principal",
                json!("*"),
            )],
            C,
            C,
        ),
        t(
            "Deny with IfExists narrows",
            vec![
                without(good.clone(), "Condition"),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEqualsIfExists": {"sts:ExternalId": EXTERNAL_ID}}}),
            ],
            P,
            P,
        ),
        t(
            "Deny with Null true and NotEquals",
            vec![
                without(good.clone(), "Condition"),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"Null": {"sts:ExternalId": "true"}}}),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEquals": {"sts:ExternalId": EXTERNAL_ID}}}),
            ],
            P,
            P,
        ),
        t(
            "two tests on the id need two values",
            vec![allow_partner(
                json!({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}, "StringLike": {"sts:ExternalId": "x*"}}),
            )],
            P,
            C,
        ),
        t(
            "mixed operator families on one key",
            vec![
                good.clone(),
                allow_partner(
                    json!({"StringLike": {"k:v": "1*"}, "NumericLessThan": {"k:v": "5"}, "StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
                ),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}),
            ],
            P,
            P,
        ),
        // Issue pattern 1: a single-valued key given several values is not a request. Safe
        // once that is respected: proved.
        t(
            "single-valued: two tests on sts:ExternalId for anyone",
            vec![
                good.clone(),
                json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "a"}, "StringLike": {"sts:ExternalId": "b*"}}}),
            ],
            P,
            P,
        ),
        t(
            "single-valued: aws:SourceIp inside and outside a range",
            vec![
                good.clone(),
                json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "ForAnyValue:NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}),
            ],
            P,
            P,
        ),
        t(
            "single-valued: the partner with two tests on the id",
            vec![
                good.clone(),
                allow_partner(
                    json!({"StringEquals": {"sts:ExternalId": "x"}, "StringLike": {"sts:ExternalId": "y*"}}),
                ),
            ],
            P,
            P,
        ),
        // Issue pattern 2: the Deny guard — allow the partner, deny everyone whose ID differs.
        t(
            "Deny guard: StringNotEquals on the id",
            vec![
                without(good.clone(), "Condition"),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEquals": {"sts:ExternalId": EXTERNAL_ID}}}),
            ],
            P,
            P,
        ),
        t(
            "Deny guard: StringNotLikeIfExists on the id",
            vec![
                without(good.clone(), "Condition"),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotLikeIfExists": {"sts:ExternalId": EXTERNAL_ID}}}),
            ],
            P,
            P,
        ),
        t(
            "Deny guard with a wildcard lets a pattern through",
            vec![
                without(good.clone(), "Condition"),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotLike": {"sts:ExternalId": "0f8c*"}}}),
            ],
            C,
            P,
        ),
        t(
            "Deny on source IP range leaves the rest",
            vec![
                with(good.clone(), "Principal", json!("*")),
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}),
            ],
            C,
            C,
        ),
    ]
}

#[test]
fn trust_corpus() {
    let cases = trust_cases();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in &cases {
        let policy = doc(case.statements.clone());
        let r = prove_trust(&policy, ROLE_ARN, &spec(), BUDGET);
        check_trust_result(&r[0], &policy);
        if r[0].verdict != case.only || r[1].verdict != case.allowed {
            failures.push(format!(
                "{}: expected {:?}/{:?}, got\n  {}\n  {}",
                case.name,
                case.only,
                case.allowed,
                r[0].summary(),
                r[1].summary()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

struct InvokeCase {
    name: &'static str,
    identity: Vec<Vec<Value>>,
    boundary: Option<Vec<Value>>,
    targets: Vec<&'static str>,
    only: Verdict,
    allowed: Verdict,
}

fn allow(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn inv() -> Value {
    json!("lambda:InvokeFunction")
}

fn i(
    name: &'static str,
    identity: Vec<Vec<Value>>,
    boundary: Option<Vec<Value>>,
    targets: Vec<&'static str>,
    only: Verdict,
    allowed: Verdict,
) -> InvokeCase {
    InvokeCase {
        name,
        identity,
        boundary,
        targets,
        only,
        allowed,
    }
}

fn invoke_cases() -> Vec<InvokeCase> {
    let fq = "arn:aws:lambda:us-east-1:111122223333:function:f:*";
    let live = "arn:aws:lambda:us-east-1:111122223333:function:f:live";
    vec![
        i(
            "default",
            vec![vec![allow(inv(), json!([F, G]))]],
            None,
            vec![F, G],
            P,
            P,
        ),
        i(
            "lambda:*",
            vec![vec![allow(json!("lambda:*"), json!([F]))]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "lambda:Invoke*",
            vec![vec![allow(json!("lambda:Invoke*"), json!([F]))]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "function:f*",
            vec![vec![allow(inv(), json!(format!("{F}*")))]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "Resource *",
            vec![vec![allow(inv(), json!("*"))]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "NotResource",
            vec![vec![without(
                with(allow(inv(), json!(F)), "NotResource", json!(G)),
                "Resource",
            )]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "NotAction",
            vec![vec![without(
                with(allow(inv(), json!(F)), "NotAction", json!("iam:*")),
                "Action",
            )]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "any region",
            vec![vec![allow(
                inv(),
                json!("arn:aws:lambda:*:111122223333:function:f"),
            )]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "boundary narrows a broad policy",
            vec![vec![allow(json!("*"), json!("*"))]],
            Some(vec![allow(inv(), json!([F, G]))]),
            vec![F, G],
            P,
            P,
        ),
        i(
            "broad boundary, exact policy",
            vec![vec![allow(inv(), json!([F]))]],
            Some(vec![allow(json!("lambda:*"), json!("*"))]),
            vec![F],
            P,
            P,
        ),
        i(
            "Deny narrows",
            vec![vec![
                allow(json!("lambda:*"), json!("*")),
                json!({"Effect": "Deny", "NotAction": "lambda:InvokeFunction", "Resource": "*"}),
                json!({"Effect": "Deny", "Action": "*", "NotResource": [F]}),
            ]],
            None,
            vec![F],
            P,
            P,
        ),
        i(
            "qualifier wildcard granted",
            vec![vec![allow(inv(), json!([fq]))]],
            None,
            vec![fq],
            P,
            P,
        ),
        i(
            "qualifier wildcard granted, only live allowed",
            vec![vec![allow(inv(), json!([live]))]],
            None,
            vec![fq],
            P,
            C,
        ),
        i(
            "unqualified and every qualifier when only unqualified granted",
            vec![vec![allow(inv(), json!([F, fq]))]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "a target not granted",
            vec![vec![allow(inv(), json!([F]))]],
            None,
            vec![F, G],
            P,
            C,
        ),
        i(
            "split over policies",
            vec![
                vec![allow(inv(), json!([F]))],
                vec![allow(inv(), json!([G]))],
            ],
            None,
            vec![F, G],
            P,
            P,
        ),
        i(
            "boundary with a condition",
            vec![vec![allow(inv(), json!([F]))]],
            Some(vec![with(
                allow(inv(), json!("*")),
                "Condition",
                json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            )]),
            vec![F],
            P,
            C,
        ),
        i(
            "broad grant under a condition",
            vec![vec![
                allow(inv(), json!([F])),
                with(
                    allow(json!("lambda:*"), json!("*")),
                    "Condition",
                    json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
                ),
            ]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "broad grant under an impossible condition",
            vec![vec![
                allow(inv(), json!([F])),
                with(
                    allow(json!("lambda:*"), json!("*")),
                    "Condition",
                    json!({"Null": {"aws:SourceIp": "true"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
                ),
            ]],
            None,
            vec![F],
            P,
            P,
        ),
        i(
            "policy variable in Resource",
            vec![vec![allow(
                inv(),
                json!("arn:aws:lambda:us-east-1:111122223333:function:${aws:username}"),
            )]],
            None,
            vec![F],
            U,
            U,
        ),
        i(
            "lowercase action",
            vec![vec![allow(json!("LAMBDA:invokefunction"), json!([F]))]],
            None,
            vec![F],
            P,
            P,
        ),
        i("no identity policy", vec![], None, vec![F], P, C),
        i(
            "broad grant before a date",
            vec![vec![
                allow(inv(), json!([F])),
                with(
                    allow(json!("lambda:*"), json!("*")),
                    "Condition",
                    json!({"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}),
                ),
            ]],
            None,
            vec![F],
            C,
            P,
        ),
        i(
            "broad grant in an empty date window",
            vec![vec![
                allow(inv(), json!([F])),
                with(
                    allow(json!("lambda:*"), json!("*")),
                    "Condition",
                    json!({"ForAllValues:DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}, "DateGreaterThan": {"aws:CurrentTime": "2021-01-01T00:00:00Z"}}),
                ),
            ]],
            None,
            vec![F],
            P,
            P,
        ),
        i(
            "Deny NotResource narrows Resource *",
            vec![vec![
                allow(inv(), json!("*")),
                json!({"Effect": "Deny", "Action": "*", "NotResource": [F, G]}),
            ]],
            None,
            vec![F, G],
            P,
            P,
        ),
        // Issue pattern 3: a permissions boundary capping a broad identity policy.
        i(
            "boundary capping * on *",
            vec![vec![allow(json!("*"), json!("*"))]],
            Some(vec![allow(inv(), json!([F]))]),
            vec![F],
            P,
            P,
        ),
        // Issue pattern 4: an explicit Deny on one function.
        i(
            "explicit Deny on one function",
            vec![vec![
                allow(inv(), json!([F, G])),
                json!({"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": G}),
            ]],
            None,
            vec![F],
            P,
            P,
        ),
        i(
            "explicit Deny on every qualifier of one function",
            vec![vec![
                allow(inv(), json!([F, format!("{F}:*"), G])),
                json!({"Effect": "Deny", "Action": "lambda:*", "Resource": [G, format!("{F}:*")]}),
            ]],
            None,
            vec![F],
            P,
            P,
        ),
        i(
            "boundary Deny narrows",
            vec![vec![allow(json!("lambda:*"), json!([F]))]],
            Some(vec![
                allow(json!("*"), json!("*")),
                json!({"Effect": "Deny", "NotAction": "lambda:InvokeFunction", "Resource": "*"}),
            ]),
            vec![F],
            P,
            P,
        ),
    ]
}

#[test]
fn invoke_corpus() {
    let cases = invoke_cases();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in &cases {
        let identity: Vec<LabeledPolicy> = case
            .identity
            .iter()
            .enumerate()
            .map(|(n, s)| LabeledPolicy::new(format!("policy-{n}"), doc(s.clone())))
            .collect();
        let boundary = case
            .boundary
            .clone()
            .map(|s| LabeledPolicy::new("boundary", doc(s)));
        let spec = InvokeSpec::from(
            case.targets
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        let r = prove_invoke(&identity, boundary.as_ref(), &spec, BUDGET);
        if let Some(c) = &r[0].counterexample {
            let req = request(c);
            assert!(evaluate(&invoke_input(&identity, boundary.as_ref()), &req).allowed());
        }
        if r[0].verdict != case.only || r[1].verdict != case.allowed {
            failures.push(format!(
                "{}: expected {:?}/{:?}, got\n  {}\n  {}",
                case.name,
                case.only,
                case.allowed,
                r[0].summary(),
                r[1].summary()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Out of time is `unknown`, never `proved`.
#[test]
fn no_budget_is_unknown() {
    let r = prove_trust(
        &doc(vec![allow_partner(ext())]),
        ROLE_ARN,
        &spec(),
        Budget::new(0, None),
    );
    assert_eq!(r[0].verdict, U, "{}", r[0].summary());
    let identity = vec![LabeledPolicy::new("p", doc(vec![allow(inv(), json!([F]))]))];
    let spec = InvokeSpec::from(vec![F.to_owned()]);
    let r = prove_invoke(&identity, None, &spec, Budget::new(0, None));
    assert_eq!(r[0].verdict, U, "{}", r[0].summary());
}

#[test]
fn summary_line_and_json_shape() {
    let policy = doc(vec![
        allow_partner(ext()),
        json!({"Sid": "Legacy", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{FOREIGN}:root")}, "Action": "sts:AssumeRole"}),
    ]);
    let r = prove_trust(&policy, ROLE_ARN, &spec(), BUDGET);
    let line = r[0].summary();
    assert_eq!(
        line,
        format!("trust-only-partner-with-external-id: counterexample — arn:aws:iam::{FOREIGN}:root may sts:AssumeRole with sts:ExternalId absent — allowed by trust policy statement 1 (Sid \"Legacy\")")
    );
    let v = serde_json::to_value(&r[0]).unwrap();
    assert_eq!(v["property"], "trust-only-partner-with-external-id");
    assert_eq!(v["verdict"], "counterexample");
    assert_eq!(
        v["counterexample"]["principal"],
        format!("arn:aws:iam::{FOREIGN}:root")
    );
    assert_eq!(v["statements"][0]["index"], 1);
    assert_eq!(v["statements"][0]["sid"], "Legacy");
    let ok = serde_json::to_value(&r[1]).unwrap();
    assert_eq!(ok["verdict"], "proved");
    assert!(ok["counterexample"].is_null());
}

/// Every verdict and summary of the corpus, in order.
fn corpus_answers() -> Vec<String> {
    let mut out = Vec::new();
    for case in trust_cases() {
        let r = prove_trust(&doc(case.statements.clone()), ROLE_ARN, &spec(), BUDGET);
        out.extend(r.iter().map(|r| format!("{}: {}", case.name, r.summary())));
    }
    for case in invoke_cases() {
        let identity: Vec<LabeledPolicy> = case
            .identity
            .iter()
            .enumerate()
            .map(|(n, s)| LabeledPolicy::new(format!("policy-{n}"), doc(s.clone())))
            .collect();
        let boundary = case
            .boundary
            .clone()
            .map(|s| LabeledPolicy::new("boundary", doc(s)));
        let spec = InvokeSpec::from(
            case.targets
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        let r = prove_invoke(&identity, boundary.as_ref(), &spec, BUDGET);
        out.extend(r.iter().map(|r| format!("{}: {}", case.name, r.summary())));
    }
    out
}

/// The budget is counted in steps, not time: the corpus gets the same answers alone and with
/// 16 copies running at once (on a 2-core runner, each copy gets an eighth of a core).
#[test]
fn same_verdicts_with_16_copies_at_once() {
    let alone = corpus_answers();
    let copies: Vec<std::thread::JoinHandle<Vec<String>>> = (0..16)
        .map(|_| std::thread::spawn(corpus_answers))
        .collect();
    for (i, c) in copies.into_iter().enumerate() {
        let busy = c.join().expect("a copy panicked");
        assert_eq!(busy, alone, "copy {i} differs");
    }
}

/// With the role known, an invoke counterexample names it and a function in its own account
/// and region that is not a target — never a placeholder.
#[test]
fn invoke_counterexample_names_the_role_and_its_account() {
    let role = "arn:aws:iam::222233334444:role/ops/GenesysLambdaInvoker";
    let target = "arn:aws:lambda:eu-west-1:222233334444:function:lookup";
    let identity = vec![LabeledPolicy::new(
        "p",
        doc(vec![allow(inv(), json!("arn:aws:lambda:*:*:function:*"))]),
    )];
    let spec = InvokeSpec {
        targets: vec![target.to_owned()],
        role_arn: Some(role.into()),
        region: Some("eu-west-1".into()),
    };
    let r = prove_invoke(&identity, None, &spec, BUDGET);
    let c = r[0].counterexample.as_ref().expect("a counterexample");
    assert_eq!(c.principal, role);
    assert_eq!(
        c.resource,
        "arn:aws:lambda:eu-west-1:222233334444:function:other-function"
    );
    assert!(evaluate(&invoke_input(&identity, None), &request(c)).allowed());
    assert!(r[0]
        .summary()
        .contains(&format!("{role} may lambda:InvokeFunction")));

    // Principal-derived keys follow the named role: a grant for another account's principals
    // gives this role nothing.
    let other_account = vec![LabeledPolicy::new(
        "p",
        doc(vec![
            allow(inv(), json!([target])),
            with(
                allow(json!("*"), json!("*")),
                "Condition",
                json!({"StringEquals": {"aws:PrincipalAccount": "999988887777"}}),
            ),
        ]),
    )];
    let r = prove_invoke(&other_account, None, &spec, BUDGET);
    assert_eq!(r[0].verdict, P, "{}", r[0].summary());
    // Without the role, the key is free: the prover must assume the worst.
    let r = prove_invoke(
        &other_account,
        None,
        &InvokeSpec::from(vec![target.to_owned()]),
        BUDGET,
    );
    assert_eq!(r[0].verdict, C, "{}", r[0].summary());
}

/// A counterexample never gives a single-valued key two values; the evaluator refuses such a
/// request as malformed rather than evaluating it.
#[test]
fn single_valued_keys_get_one_value() {
    let policy = doc(vec![
        json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "a"}, "StringLike": {"sts:ExternalId": "b*"}}}),
    ]);
    let r = prove_trust(&policy, ROLE_ARN, &spec(), BUDGET);
    assert_eq!(r[0].verdict, P, "{}", r[0].summary());
    let two = lambda_trust_iam::Request::new(
        format!("arn:aws:iam::{FOREIGN}:root"),
        "sts:AssumeRole",
        ROLE_ARN,
    )
    .with_context("sts:ExternalId", "a")
    .with_context("sts:ExternalId", "b");
    let e = evaluate(&trust_input(&policy), &two);
    assert_eq!(e.decision, lambda_trust_iam::Decision::Malformed);
    assert!(e.malformed.unwrap().contains("sts:ExternalId"));
    // A multivalued key may still carry several values.
    let tags = doc(vec![
        json!({"Effect": "Allow", "Principal": "*", "Action": "sts:TagSession", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}, "ForAnyValue:StringLike": {"aws:TagKeys": "b*"}}}),
    ]);
    let r = prove_trust(&tags, ROLE_ARN, &spec(), BUDGET);
    let c = r[0].counterexample.as_ref().expect("a counterexample");
    assert_eq!(c.context["aws:TagKeys"].len(), 2, "{c:?}");
}
