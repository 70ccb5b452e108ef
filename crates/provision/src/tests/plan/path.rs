//! The whole path as `verify` and `check` claim it, in memory: the config, a live role in sync,
//! and what the adapters read (organization policies, function policies) → two claims per
//! target and the findings `check` reports.
#![cfg(test)]

use std::collections::BTreeMap;

use super::support::state::*;
use crate::check::{judge_aws, AwsRead};
use crate::drift::verify_findings;
use lambda_trust_iam::{Level, LevelKind, OrgLevel, OrgPolicies, OrgPolicy, Policy};
use lambda_trust_model::invoked_arns;
use lambda_trust_model::ClaimVerdict;
use lambda_trust_model::FunctionPolicy;
use lambda_trust_model::PathCode;
use lambda_trust_model::PathSources;
use lambda_trust_provision::{Code, Verification};
use lambda_trust_verdict::Severity;
use serde_json::{json, Value};

const GENESYS: &str = "765628985471";

/// `verify`'s checks and proofs with the whole path over `sources`, as `check` judges them
/// (no drift, nothing looked up, no other environment).
fn verification_with_path(
    d: &lambda_trust_model::Desired,
    o: &lambda_trust_model::Observed,
    sources: &PathSources,
) -> Verification {
    let read = AwsRead {
        drift: Vec::new(),
        lookups: &BTreeMap::new(),
        sources,
        isolation: Vec::new(),
    };
    judge_aws(d, o, read).1
}

/// Every account read, no organization, no function policy: the plain case.
fn plain(d: &lambda_trust_model::Desired) -> PathSources {
    PathSources {
        genesys_org: None,
        orgs: BTreeMap::from([(ACCOUNT.to_string(), OrgPolicies::NoOrganization)]),
        function_policies: invoked_arns(&d.targets)
            .into_iter()
            .map(|a| (a, FunctionPolicy::None))
            .collect(),
        ..PathSources::default()
    }
}

fn root_with_rcp(document: Value) -> OrgPolicies {
    let level = |kind, id: &str| Level {
        kind,
        id: id.into(),
        name: id.into(),
    };
    let rcp = OrgPolicy {
        id: "p-rcp1".into(),
        name: "IdentityPerimeter".into(),
        policy: Policy::try_from(&document).unwrap(),
    };
    OrgPolicies::Read {
        levels: vec![
            OrgLevel {
                level: level(LevelKind::Root, "r-root"),
                scps: vec![full_access()],
                rcps: vec![rcp_full_access(), rcp],
            },
            OrgLevel {
                level: level(LevelKind::Account, ACCOUNT),
                scps: vec![full_access()],
                rcps: vec![rcp_full_access()],
            },
        ],
        management_account: false,
        organization_id: Some("o-abc".into()),
    }
}

fn rcp_full_access() -> OrgPolicy {
    let doc = json!({"Version": "2012-10-17", "Statement":
        [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    OrgPolicy {
        id: "p-RCPFullAWSAccess".into(),
        name: "RCPFullAWSAccess".into(),
        policy: Policy::try_from(&doc).unwrap(),
    }
}

fn full_access() -> OrgPolicy {
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    OrgPolicy {
        id: "p-FullAWSAccess".into(),
        name: "FullAWSAccess".into(),
        policy: Policy::try_from(&doc).unwrap(),
    }
}

/// AWS's identity-perimeter RCP example: denies sts:AssumeRole to principals outside the
/// organization unless their account is listed.
fn identity_perimeter(listed: &[&str]) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
        "Action": ["sts:AssumeRole"], "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc", "aws:PrincipalAccount": listed},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]})
}

fn findings(v: &Verification) -> Vec<(String, Severity)> {
    verify_findings(v)
        .into_iter()
        .filter(|f| matches!(f.code, Code::Path(_)))
        .map(|f| (f.code.to_string(), f.severity))
        .collect()
}

#[test]
fn a_plain_setup_is_proved_end_to_end() {
    let (d, o) = synced(&example());
    let v = verification_with_path(&d, &o, &plain(&d));
    let path = v.path.as_ref().expect("evaluated");
    assert_eq!(path.targets.len(), d.targets.len());
    assert!(path.proved(), "{path:#?}");
    assert!(v.passed);
    assert_eq!(path.organization[ACCOUNT], "no organization");
}

/// The identity-perimeter RCP rolled out without Genesys Cloud's account: every data action
/// fails, and verify says which policy at which level instead of "proved".
#[test]
fn an_rcp_without_genesys_listed_blocks_every_target() {
    let (d, o) = synced(&example());
    let mut sources = plain(&d);
    sources.orgs.insert(
        ACCOUNT.into(),
        root_with_rcp(identity_perimeter(&["444455556666"])),
    );
    let v = verification_with_path(&d, &o, &sources);
    assert!(!v.passed);
    let t = &v.path.as_ref().unwrap().targets[0];
    assert_eq!(t.genesys_gets_through.verdict, ClaimVerdict::Refuted);
    assert_eq!(t.genesys_gets_through.code, Some(PathCode::OrgPolicyBlocks));
    let detail = &t.genesys_gets_through.detail;
    assert!(
        detail.contains("RCP IdentityPerimeter (p-rcp1) at root r-root"),
        "{detail}"
    );
    assert_eq!(
        t.genesys_gets_through.request.as_ref().unwrap()["action"],
        "sts:AssumeRole"
    );
    assert!(findings(&v).contains(&("org-policy-blocks".into(), Severity::Config)));

    // Listed, it is proved.
    sources.orgs.insert(
        ACCOUNT.into(),
        root_with_rcp(identity_perimeter(&["444455556666", GENESYS])),
    );
    assert!(verification_with_path(&d, &o, &sources).passed);
}

/// What was not read is said, never assumed: organization policies not read leave Genesys
/// Cloud's access not proved, and a function policy not read leaves security not proved.
#[test]
fn what_was_not_read_is_never_proved() {
    let (d, o) = synced(&example());
    let mut sources = plain(&d);
    sources.orgs.insert(
        ACCOUNT.into(),
        OrgPolicies::NotRead {
            reason: "AccessDeniedException: not the management account".into(),
        },
    );
    let v = verification_with_path(&d, &o, &sources);
    assert!(!v.passed);
    let t = &v.path.as_ref().unwrap().targets[0];
    assert_eq!(t.genesys_gets_through.verdict, ClaimVerdict::Unknown);
    // The one reason, said once for SCPs and RCPs alike.
    let detail = &t.genesys_gets_through.detail;
    assert_eq!(detail.matches("AccessDeniedException").count(), 1, "{t:#?}");
    assert!(
        detail.contains("organization policies not read (SCPs and RCPs): "),
        "{t:#?}"
    );
    assert!(findings(&v).contains(&("path-not-read".into(), Severity::Config)));

    let mut sources = plain(&d);
    sources.function_policies.clear();
    let v = verification_with_path(&d, &o, &sources);
    let t = &v.path.as_ref().unwrap().targets[0];
    assert_eq!(t.nobody_else.verdict, ClaimVerdict::Unknown);
    assert!(findings(&v).contains(&("path-unknown".into(), Severity::Security)));
}

/// A function policy naming Genesys Cloud's account lets it invoke the function without the
/// role and its external ID: the confused-deputy guard is bypassed, with the request.
#[test]
fn a_function_policy_trusting_genesys_directly_bypasses_the_role() {
    let (d, o) = synced(&example());
    let mut sources = plain(&d);
    let target = invoked_arns(&d.targets)[0].clone();
    let doc = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "genesys", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{GENESYS}:root")},
        "Action": "lambda:InvokeFunction", "Resource": target}]});
    sources.function_policies.insert(
        target.clone(),
        FunctionPolicy::Policy(Policy::try_from(&doc).unwrap()),
    );
    let v = verification_with_path(&d, &o, &sources);
    assert!(!v.passed);
    let t = &v.path.as_ref().unwrap().targets[0];
    assert_eq!(t.nobody_else.code, Some(PathCode::PartnerBypassesRole));
    let request = t.nobody_else.request.as_ref().unwrap();
    assert_eq!(request["action"], "lambda:InvokeFunction");
    assert!(
        request["principal"].as_str().unwrap().contains(GENESYS),
        "{request}"
    );
    assert!(findings(&v).contains(&("partner-bypasses-role".into(), Severity::Security)));
}

/// An explicit Deny in the function's policy stops the role: an outage, named.
#[test]
fn a_function_policy_deny_blocks_genesys() {
    let (d, o) = synced(&example());
    let mut sources = plain(&d);
    let target = invoked_arns(&d.targets)[0].clone();
    let doc = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "freeze", "Effect": "Deny", "Principal": "*",
        "Action": "lambda:InvokeFunction", "Resource": target}]});
    sources.function_policies.insert(
        target.clone(),
        FunctionPolicy::Policy(Policy::try_from(&doc).unwrap()),
    );
    let v = verification_with_path(&d, &o, &sources);
    let t = &v.path.as_ref().unwrap().targets[0];
    assert_eq!(
        t.genesys_gets_through.code,
        Some(PathCode::FunctionPolicyBlocks),
        "{t:#?}"
    );
    assert!(
        t.genesys_gets_through.detail.contains("Sid freeze"),
        "{t:#?}"
    );
}
