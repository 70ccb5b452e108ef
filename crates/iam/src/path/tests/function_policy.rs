//! The function's own policy on the path: same account either side may allow, another account
//! needs both, boundaries and malformed hops.

use super::*;

#[test]
fn a_function_policy_deny_blocks_the_role() {
    let mut i = input(levels(), false);
    with_target(&mut i, FN, Some(fp(json!({"AWS": ROLE}), "Deny", FN)));
    let a = only(availability(&i));
    assert_eq!(a.decision, Some(Decision::ExplicitDeny));
    let b = &a.blockers[0];
    assert_eq!(b.kind, PolicyKind::FunctionPolicy);
    assert_eq!(b.statement.as_ref().unwrap().sid.as_deref(), Some("S"));
}

#[test]
fn same_account_either_side_may_allow() {
    let mut i = input(levels(), false);
    i.role.identity.clear();
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert_eq!(a.blockers[0].kind, PolicyKind::Identity);
    with_target(&mut i, FN, Some(fp(json!({"AWS": ROLE}), "Allow", FN)));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
}

#[test]
fn another_account_needs_both_sides() {
    let mut i = input(levels(), false);
    with_target(&mut i, FN_OTHER, None);
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "identity alone");
    assert_eq!(
        (a.blockers[0].kind, a.blockers[0].policy_name.as_str()),
        (PolicyKind::FunctionPolicy, "(none)")
    );
    with_target(
        &mut i,
        FN_OTHER,
        Some(fp(json!({"AWS": ROLE}), "Allow", FN_OTHER)),
    );
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
    i.role.identity = vec![invoke_policy(&[FN])];
    let a = only(availability(&i));
    assert_eq!(
        a.verdict,
        AvailabilityVerdict::Blocked,
        "function policy alone"
    );
    assert_eq!(a.blockers[0].kind, PolicyKind::Identity);
}

#[test]
fn a_boundary_limits_a_grant_to_the_role_but_not_to_its_session() {
    let mut i = input(levels(), false);
    i.role.identity.clear();
    i.role.boundary = Some(LabeledPolicy::new(
        "boundary",
        policy(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})),
    ));
    with_target(&mut i, FN, Some(fp(json!({"AWS": ROLE}), "Allow", FN)));
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert!(a.blockers.iter().any(|b| b.kind == PolicyKind::Boundary));
    let session = "arn:aws:sts::123456789012:assumed-role/GenesysLambda/lambda-trust-path";
    with_target(&mut i, FN, Some(fp(json!({"AWS": session}), "Allow", FN)));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
}

#[test]
fn naming_the_account_delegates_to_identity_policies() {
    let mut i = input(levels(), false);
    i.role.identity.clear();
    with_target(
        &mut i,
        FN,
        Some(fp(
            json!({"AWS": format!("arn:aws:iam::{ACCT}:root")}),
            "Allow",
            FN,
        )),
    );
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert_eq!(a.blockers[0].kind, PolicyKind::Identity);
}

#[test]
fn hops_are_malformed_like_single_evaluations() {
    let req = Request::new(PARTNER, "sts:AssumeRole", ROLE)
        .with_context("sts:ExternalId", "a")
        .with_context("sts:ExternalId", "b");
    let hop = Hop {
        request: &req,
        principal: PrincipalSide::External,
        resource: ResourceSide {
            kind: PolicyKind::Trust,
            policy: None,
            account: ACCT,
            rcps: ControlPolicies::NotApplicable("test"),
        },
        known: KnownKeys::default(),
    };
    let e = evaluate_hop(&hop);
    assert_eq!(e.decision, Decision::Malformed);
    assert!(e.malformed.unwrap().contains("sts:ExternalId"));
}
