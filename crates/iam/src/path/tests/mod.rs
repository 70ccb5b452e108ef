//! One case per rule of the path evaluation, each failing without its rule.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::hop::{evaluate_hop, Hop, KnownKeys, PrincipalSide, ResourceSide};
use super::vocabulary::*;
use super::*;
use crate::eval::{Decision, LabeledPolicy, Request};
use crate::model::Policy;

const PARTNER: &str = "765628985471";
const ACCT: &str = "123456789012";
const OTHER: &str = "210987654321";
const ROLE: &str = "arn:aws:iam::123456789012:role/genesys/GenesysLambda";
const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";
const FN_OTHER: &str = "arn:aws:lambda:us-east-1:210987654321:function:g";
const EXT: &str = "00000000-0000-0000-0000-000000000001";

fn policy(v: Value) -> Policy {
    Policy::try_from(&v).expect("valid policy")
}

fn trust() -> Policy {
    policy(json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]}))
}

fn invoke_policy(resources: &[&str]) -> LabeledPolicy {
    LabeledPolicy::new(
        "invoke",
        policy(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": resources}]})),
    )
}

fn allow_all(id: &str, name: &str) -> OrgPolicy {
    OrgPolicy {
        id: id.into(),
        name: name.into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "*", "Resource": "*"}]})),
    }
}

fn deny(id: &str, name: &str, sid: &str, action: &str) -> OrgPolicy {
    OrgPolicy {
        id: id.into(),
        name: name.into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": sid, "Effect": "Deny", "Action": action, "Resource": "*"}]})),
    }
}

fn rcp_deny(id: &str, name: &str, sid: &str, action: &str) -> OrgPolicy {
    OrgPolicy {
        id: id.into(),
        name: name.into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": sid, "Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}]})),
    }
}

fn level(kind: LevelKind, id: &str, name: &str, scps: Vec<OrgPolicy>) -> OrgLevel {
    OrgLevel {
        level: Level {
            kind,
            id: id.into(),
            name: name.into(),
        },
        scps,
        rcps: vec![rcp_full_access()],
    }
}

/// What AWS attaches to every level while RCPs are enabled.
fn rcp_full_access() -> OrgPolicy {
    OrgPolicy {
        id: "p-RCPFullAWSAccess".into(),
        name: "RCPFullAWSAccess".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})),
    }
}

/// Root → OU "Workloads" → account, each with FullAWSAccess.
fn levels() -> Vec<OrgLevel> {
    vec![
        level(
            LevelKind::Root,
            "r-1",
            "Root",
            vec![allow_all("p-full", "FullAWSAccess")],
        ),
        level(
            LevelKind::OrganizationalUnit,
            "ou-1",
            "Workloads",
            vec![allow_all("p-full", "FullAWSAccess")],
        ),
        level(
            LevelKind::Account,
            ACCT,
            "prod",
            vec![allow_all("p-full", "FullAWSAccess")],
        ),
    ]
}

fn input(levels: Vec<OrgLevel>, management: bool) -> PathInput {
    let mut orgs = BTreeMap::new();
    orgs.insert(
        ACCT.to_owned(),
        OrgPolicies::Read {
            levels,
            management_account: management,
            organization_id: Some("o-abc".into()),
        },
    );
    orgs.insert(OTHER.to_owned(), OrgPolicies::NoOrganization);
    PathInput {
        partner: Partner {
            account: PARTNER.into(),
            external_id: EXT.into(),
            principals: Vec::new(),
        },
        role: RoleSide {
            arn: ROLE.into(),
            account: RoleAccount::Given,
            trust: trust(),
            identity: vec![invoke_policy(&[FN, FN_OTHER])],
            boundary: None,
            tags: Known::Known(BTreeMap::new()),
        },
        targets: vec![Target {
            arn: FN.into(),
            resource_policy: Known::Known(None),
        }],
        orgs,
    }
}

fn only(report: Vec<Availability>) -> Availability {
    report.into_iter().next().expect("one target")
}

fn with_target(i: &mut PathInput, arn: &str, fp: Option<Value>) {
    i.targets = vec![Target {
        arn: arn.into(),
        resource_policy: Known::Known(fp.map(policy)),
    }];
}

fn fp(principal: Value, effect: &str, resource: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": effect,
        "Principal": principal, "Action": "lambda:InvokeFunction", "Resource": resource}]})
}

/// AWS's identity-perimeter RCP example, without Genesys's account among the exceptions.
fn identity_perimeter() -> OrgPolicy {
    OrgPolicy {
        id: "p-rcp1".into(),
        name: "IdentityPerimeter".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
            "Action": ["sts:AssumeRole", "s3:*"], "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc",
                    "aws:PrincipalAccount": ["111111111111"]},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]})),
    }
}
/// A function policy of `statements` on `FN`.
fn full_policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// Against the reference evaluator, on generated policies and requests.
mod differential;
mod function_policy;
mod keys;
/// The levels a policy type is given at.
mod levels;
mod organization;
/// The published data-perimeter policies, and conditions decided in three values.
mod perimeters;
mod ways_in;

/// A blocker labelled by its kind is named once: "trust policy: no statement allows", never
/// "trust policy trust policy"; a named one keeps its name.
#[test]
fn a_blocker_labelled_by_its_kind_is_named_once() {
    let blocker = |kind, name: &str| Blocker {
        kind,
        reason: BlockReason::NoAllow,
        policy_id: None,
        policy_name: name.into(),
        level: None,
        statement: None,
    };
    assert_eq!(
        blocker(PolicyKind::Trust, "trust policy").to_string(),
        "trust policy: no statement allows"
    );
    assert_eq!(
        blocker(PolicyKind::FunctionPolicy, "function policy").to_string(),
        "function policy: no statement allows"
    );
    assert_eq!(
        blocker(PolicyKind::Identity, "GenesysLambda-invoke").to_string(),
        "identity policy GenesysLambda-invoke: no statement allows"
    );
}
