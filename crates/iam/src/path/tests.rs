//! One case per rule of the path evaluation, each failing without its rule.

use std::collections::BTreeMap;

use serde_json::{json, Value};

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
    Policy::parse(&v).expect("valid policy")
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

#[test]
fn the_whole_path_is_proved_when_every_policy_allows() {
    let a = only(availability(&input(levels(), false)));
    assert_eq!(a.verdict, AvailabilityVerdict::Proved, "{a:?}");
    assert!(a.blockers.is_empty());
}

#[test]
fn an_scp_deny_at_an_ou_blocks_the_invoke_and_is_named() {
    let mut l = levels();
    l[1].scps
        .push(deny("p-nolambda", "NoLambda", "DenyLambda", "lambda:*"));
    let a = only(availability(&input(l, false)));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert_eq!(a.decision, Some(Decision::ExplicitDeny));
    let b = &a.blockers[0];
    assert_eq!(b.kind, PolicyKind::Scp);
    assert_eq!(b.reason, BlockReason::ExplicitDeny);
    assert_eq!(b.policy_id.as_deref(), Some("p-nolambda"));
    assert_eq!(b.policy_name, "NoLambda");
    let lvl = b.level.as_ref().unwrap();
    assert_eq!(
        (lvl.kind, lvl.name.as_str()),
        (LevelKind::OrganizationalUnit, "Workloads")
    );
    assert_eq!(
        b.statement.as_ref().unwrap().sid.as_deref(),
        Some("DenyLambda")
    );
    assert_eq!(
        b.to_string(),
        "SCP NoLambda (p-nolambda) at OU Workloads (ou-1): statement 0 denies (Sid DenyLambda)"
    );
    assert_eq!(a.request.unwrap().action, "lambda:InvokeFunction");
}

/// A level is named as the Organizations console names it: the name with the ID beside it, or
/// the ID alone when the name is not known (the reader could not read it).
#[test]
fn a_level_shows_its_name_beside_its_id() {
    let named = level(
        LevelKind::OrganizationalUnit,
        "ou-ab12-cdef3456",
        "Workloads",
        vec![],
    );
    assert_eq!(named.level.to_string(), "OU Workloads (ou-ab12-cdef3456)");
    let unnamed = level(
        LevelKind::OrganizationalUnit,
        "ou-ab12-cdef3456",
        "ou-ab12-cdef3456",
        vec![],
    );
    assert_eq!(unnamed.level.to_string(), "OU ou-ab12-cdef3456");
    let root = level(LevelKind::Root, "r-ab12", "r-ab12", vec![]);
    assert_eq!(root.level.to_string(), "root r-ab12");
}

#[test]
fn every_scp_level_must_allow() {
    let mut l = levels();
    // FullAWSAccess detached from the OU: only an S3 allow is left there.
    l[1].scps = vec![OrgPolicy {
        id: "p-s3".into(),
        name: "S3Only".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})),
    }];
    let a = only(availability(&input(l, false)));
    assert_eq!(a.decision, Some(Decision::ImplicitDeny));
    let b = &a.blockers[0];
    assert_eq!((b.kind, b.reason), (PolicyKind::Scp, BlockReason::NoAllow));
    assert_eq!(b.policy_name, "S3Only");
    assert_eq!(b.level.as_ref().unwrap().id, "ou-1");
}

#[test]
fn scps_do_not_apply_to_the_management_account() {
    let mut l = levels();
    l[0].scps.push(deny("p-x", "NoLambda", "D", "lambda:*"));
    let a = only(availability(&input(l, true)));
    assert_eq!(a.verdict, AvailabilityVerdict::Proved, "{a:?}");
}

#[test]
fn scps_do_not_apply_to_service_linked_roles() {
    let mut l = levels();
    l[0].scps.push(deny("p-x", "NoLambda", "D", "lambda:*"));
    let mut i = input(l, false);
    i.role.arn = "arn:aws:iam::123456789012:role/aws-service-role/x.amazonaws.com/R".into();
    assert!(is_service_linked(&i.role.arn));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
}

#[test]
fn scps_do_not_restrict_the_partner_calling_assume_role() {
    let mut l = levels();
    // An SCP denying sts:AssumeRole restricts our principals, not Genesys's.
    l[0].scps
        .push(deny("p-x", "NoAssume", "D", "sts:AssumeRole"));
    assert_eq!(
        only(availability(&input(l, false))).verdict,
        AvailabilityVerdict::Proved
    );
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

#[test]
fn an_rcp_denying_assume_role_blocks_genesys() {
    let mut l = levels();
    l[0].rcps.push(identity_perimeter());
    let a = only(availability(&input(l, false)));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert_eq!(a.request.as_ref().unwrap().action, "sts:AssumeRole");
    let b = &a.blockers[0];
    assert_eq!(b.kind, PolicyKind::Rcp);
    assert_eq!(b.policy_name, "IdentityPerimeter");
    assert_eq!(b.level.as_ref().unwrap().kind, LevelKind::Root);
    assert_eq!(
        b.statement.as_ref().unwrap().sid.as_deref(),
        Some("EnforceOrgIdentities")
    );
}

#[test]
fn rcps_do_not_cover_lambda() {
    assert!(rcps_cover("sts:AssumeRole"));
    assert!(!rcps_cover("lambda:InvokeFunction"));
    let mut l = levels();
    l[0].rcps
        .push(rcp_deny("p-rcp2", "NoLambda", "D", "lambda:*"));
    assert_eq!(
        only(availability(&input(l, false))).verdict,
        AvailabilityVerdict::Proved
    );
}

#[test]
fn rcps_do_not_apply_to_the_management_account() {
    let mut l = levels();
    l[0].rcps.push(identity_perimeter());
    assert_eq!(
        only(availability(&input(l, true))).verdict,
        AvailabilityVerdict::Proved
    );
}

/// SCPs and RCPs not read for one reason say it once; both kinds are named.
#[test]
fn one_reason_for_scps_and_rcps_is_said_once() {
    let why = "an audit through AWS Config reads no organization policy";
    let mut i = input(levels(), false);
    i.orgs
        .insert(ACCT.into(), OrgPolicies::NotRead { reason: why.into() });
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved);
    let reason = a.reason.unwrap();
    assert_eq!(
        reason,
        format!("organization policies not read (SCPs and RCPs): {why}")
    );
    assert_eq!(reason.matches(why).count(), 1, "{reason}");
}

/// Different reasons for SCPs and RCPs are both said, each with its kind.
#[test]
fn different_reasons_for_scps_and_rcps_are_both_said() {
    let unread = |kind, reason: &str| Unread {
        kind,
        reason: reason.into(),
    };
    let reason = super::prove::not_read(&[
        unread(PolicyKind::Rcp, "B"),
        unread(PolicyKind::Scp, "A"),
        unread(PolicyKind::Rcp, "B"),
    ]);
    assert_eq!(
        reason.as_deref(),
        Some("organization policies not read: SCPs not read: A; RCPs not read: B")
    );
    assert_eq!(super::prove::not_read(&[]), None);
}

#[test]
fn unread_organization_policies_are_never_proved_silently() {
    let mut i = input(levels(), false);
    i.orgs.insert(
        ACCT.into(),
        OrgPolicies::NotRead {
            reason: "AccessDeniedException".into(),
        },
    );
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved);
    let reason = a.reason.unwrap();
    assert!(
        reason.starts_with("organization policies not read"),
        "{reason}"
    );
    assert!(reason.contains("AccessDeniedException"), "{reason}");
    // An account missing from the map counts as not read too.
    i.orgs.clear();
    assert_eq!(
        only(availability(&i)).verdict,
        AvailabilityVerdict::NotProved
    );
}

#[test]
fn a_deny_found_without_organization_policies_is_still_a_block() {
    let mut i = input(levels(), false);
    i.orgs.clear();
    i.partner.external_id = "wrong".into();
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    let b = &a.blockers[0];
    assert_eq!(
        (b.kind, b.reason),
        (PolicyKind::Trust, BlockReason::NoAllow)
    );
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

fn sec(i: &PathInput) -> Security {
    security(i, crate::prove::Budget::default())
        .into_iter()
        .next()
        .expect("one target")
}

#[test]
fn no_function_policy_means_no_other_way_in() {
    let s = sec(&input(levels(), false));
    assert_eq!(s.verdict, SecurityVerdict::Proved);
}

#[test]
fn every_way_in_through_the_function_policy_is_found() {
    let cases = [
        (json!("*"), WayIn::Anyone),
        (json!({"AWS": "*"}), WayIn::Anyone),
        (json!({"AWS": PARTNER}), WayIn::PartnerDirect),
        (
            json!({"AWS": "arn:aws:iam::999999999999:root"}),
            WayIn::OtherAccount,
        ),
        (
            json!({"AWS": "arn:aws:iam::123456789012:role/Other"}),
            WayIn::OtherPrincipal,
        ),
        (
            json!({"Service": "events.amazonaws.com"}),
            WayIn::ServiceWithoutSource,
        ),
    ];
    for (principal, way) in cases {
        let mut i = input(levels(), false);
        with_target(&mut i, FN, Some(fp(principal.clone(), "Allow", FN)));
        let s = sec(&i);
        assert_eq!(s.verdict, SecurityVerdict::Counterexample, "{principal}");
        let f = s.findings.iter().find(|f| f.way == way);
        let f = f.unwrap_or_else(|| panic!("{principal}: no {way:?} in {:?}", s.findings));
        // The counterexample replays: the request is the one that gets in.
        let req = f.request.request();
        assert_eq!(req.resource, FN);
        assert!(!req.principal.contains("GenesysLambda"), "{req:?}");
    }
}

#[test]
fn the_role_itself_and_its_own_account_are_not_other_ways_in() {
    for principal in [json!({"AWS": ROLE}), json!({"AWS": ACCT})] {
        let mut i = input(levels(), false);
        with_target(&mut i, FN, Some(fp(principal.clone(), "Allow", FN)));
        assert_eq!(sec(&i).verdict, SecurityVerdict::Proved, "{principal}");
    }
}

#[test]
fn a_service_kept_to_its_source_is_not_a_way_in() {
    let mut i = input(levels(), false);
    let mut doc = fp(json!({"Service": "events.amazonaws.com"}), "Allow", FN);
    doc["Statement"][0]["Condition"] = json!({"ArnLike": {
        "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/r"}});
    with_target(&mut i, FN, Some(doc));
    assert_eq!(sec(&i).verdict, SecurityVerdict::Proved);
}

#[test]
fn conditions_are_solved_and_what_the_search_cannot_decide_is_unknown() {
    let mut i = input(levels(), false);
    let mut doc = fp(json!("*"), "Allow", FN);
    doc["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:PrincipalOrgID": "o-other"}});
    with_target(&mut i, FN, Some(doc.clone()));
    let s = sec(&i);
    assert_eq!(s.verdict, SecurityVerdict::Counterexample);
    assert_eq!(
        s.findings[0].request.context["aws:PrincipalOrgID"],
        vec!["o-other".to_owned()]
    );
    // A value the statement does not name is found too.
    doc["Statement"][0]["Condition"] = json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "10"}});
    with_target(&mut i, FN, Some(doc.clone()));
    let s = sec(&i);
    assert_eq!(s.verdict, SecurityVerdict::Counterexample, "{s:?}");
    let age: u64 = s.findings[0].request.context["aws:MultiFactorAuthAge"][0]
        .parse()
        .unwrap();
    assert!(age < 10);
    // A policy variable in a condition value is not decided: unknown, never proved.
    doc["Statement"][0]["Condition"] =
        json!({"StringEquals": {"aws:PrincipalOrgID": "${aws:PrincipalTag/org}"}});
    with_target(&mut i, FN, Some(doc));
    let s = sec(&i);
    assert_eq!(s.verdict, SecurityVerdict::Unknown, "{s:?}");
}
#[test]
fn a_statement_for_another_function_is_not_a_way_in() {
    let mut i = input(levels(), false);
    with_target(
        &mut i,
        FN,
        Some(fp(
            json!("*"),
            "Allow",
            "arn:aws:lambda:us-east-1:123456789012:function:other",
        )),
    );
    assert_eq!(sec(&i).verdict, SecurityVerdict::Proved);
}

#[test]
fn a_condition_on_a_key_that_follows_the_caller_picks_that_caller() {
    let mut i = input(levels(), false);
    let mut doc = fp(json!("*"), "Allow", FN);
    doc["Statement"][0]["Condition"] =
        json!({"StringEquals": {"aws:PrincipalAccount": "999999999999"}});
    with_target(&mut i, FN, Some(doc.clone()));
    let s = sec(&i);
    assert_eq!(s.verdict, SecurityVerdict::Counterexample, "{s:?}");
    let req = &s.findings[0].request;
    assert_eq!(
        crate::arn::account_of(&req.principal),
        "999999999999",
        "{req:?}"
    );
    assert_eq!(
        req.context["aws:PrincipalAccount"],
        vec!["999999999999".to_owned()]
    );
    // Pinned to the role's own account: that account's IAM decides, not a way in.
    doc["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:PrincipalAccount": ACCT}});
    with_target(&mut i, FN, Some(doc));
    assert_ne!(sec(&i).verdict, SecurityVerdict::Counterexample);
}

#[test]
fn a_trust_policy_must_allow_even_in_the_same_account() {
    let admin = "arn:aws:sts::123456789012:assumed-role/Admin/s";
    let req = Request::new(admin, "sts:AssumeRole", ROLE);
    let identity = vec![LabeledPolicy::new(
        "admin",
        policy(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})),
    )];
    let hop = |trust: &LabeledPolicy| {
        evaluate_hop(&Hop {
            request: &req,
            principal: PrincipalSide::Internal {
                identity: &identity,
                boundary: None,
                scps: ControlPolicies::NotApplicable("test"),
            },
            resource: ResourceSide {
                kind: PolicyKind::Trust,
                policy: Some(trust),
                account: ACCT,
                rcps: ControlPolicies::NotApplicable("test"),
            },
            known: KnownKeys::default(),
        })
    };
    // The trust policy names only the partner: the caller's identity policy is not enough.
    let only_partner = LabeledPolicy::new("trust policy", trust());
    let e = hop(&only_partner);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.blockers[0].kind, PolicyKind::Trust);
    // Naming the account delegates to the identity policy, which allows.
    let account = LabeledPolicy::new(
        "trust policy",
        policy(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")}, "Action": "sts:AssumeRole"}]}),
        ),
    );
    assert_eq!(hop(&account).decision, Decision::Allow);
}

#[test]
fn the_role_session_carries_its_organization_id() {
    // A cross-account function policy granting the organization, as data perimeters do.
    let mut doc = fp(json!("*"), "Allow", FN_OTHER);
    doc["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}});
    let mut i = input(levels(), false);
    with_target(&mut i, FN_OTHER, Some(doc));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
    if let Some(OrgPolicies::Read {
        organization_id, ..
    }) = i.orgs.get_mut(ACCT)
    {
        *organization_id = None;
    }
    // The organization is not known: whether the grant applies is not known either.
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved, "{a:?}");
    assert!(a.reason.unwrap_or_default().contains("aws:PrincipalOrgID"));
    // An account in no organization has no aws:PrincipalOrgID: the grant does not apply.
    i.orgs.insert(ACCT.to_owned(), OrgPolicies::NoOrganization);
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert_eq!(a.blockers[0].kind, PolicyKind::FunctionPolicy);
}

/// AWS's region-deny SCP example (`StringNotEquals aws:RequestedRegion`): the invoke carries
/// the function's region, so a target in an approved region is proved and one elsewhere is
/// blocked by that SCP.
#[test]
fn a_region_deny_scp_blocks_only_targets_outside_its_regions() {
    let region_deny = |allowed: &str| OrgPolicy {
        id: "p-region".into(),
        name: "DenyOtherRegions".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyAllOutsideApproved", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": [allowed]}}}]})),
    };
    let mut l = levels();
    l[0].scps.push(region_deny("us-east-1"));
    assert_eq!(
        only(availability(&input(l, false))).verdict,
        AvailabilityVerdict::Proved
    );
    let mut l = levels();
    l[0].scps.push(region_deny("eu-west-1"));
    let a = only(availability(&input(l, false)));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked);
    assert_eq!(a.blockers[0].policy_name, "DenyOtherRegions");
    assert_eq!(
        a.request.as_ref().unwrap().context["aws:RequestedRegion"],
        vec!["us-east-1".to_string()]
    );
}

// Full function policies (PutResourcePolicy): Deny, NotPrincipal, any condition key.

/// A function policy of `statements` on `FN`.
fn full_policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[test]
fn a_full_policy_denying_everyone_but_another_principal_blocks_the_role() {
    let mut i = input(levels(), false);
    let doc = full_policy(json!([{"Sid": "OnlyBatch", "Effect": "Deny",
        "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/Batch"},
        "Action": "lambda:InvokeFunction", "Resource": FN}]));
    with_target(&mut i, FN, Some(doc));
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "{a:?}");
    assert_eq!(a.decision, Some(Decision::ExplicitDeny));
    assert_eq!(a.blockers[0].kind, PolicyKind::FunctionPolicy);
    assert_eq!(
        a.blockers[0].statement.as_ref().unwrap().sid.as_deref(),
        Some("OnlyBatch")
    );
}

#[test]
fn a_deny_on_a_key_the_path_cannot_know_is_neither_a_block_nor_a_proof() {
    // The source IP of Genesys Cloud's call is not known: a Deny of some addresses may or may
    // not stop it, whether the operator is negated (which the evaluator reads as holding for a
    // missing key) or not (read as not holding).
    for op in ["IpAddress", "NotIpAddress"] {
        let mut i = input(levels(), false);
        let doc = full_policy(
            json!([{"Sid": "Addresses", "Effect": "Deny", "Principal": "*",
            "Action": "lambda:InvokeFunction", "Resource": FN,
            "Condition": {op: {"aws:SourceIp": "203.0.113.0/24"}}}]),
        );
        with_target(&mut i, FN, Some(doc));
        let a = only(availability(&i));
        assert_eq!(a.verdict, AvailabilityVerdict::NotProved, "{op}: {a:?}");
        let why = a.reason.unwrap_or_default();
        assert!(
            why.contains("aws:SourceIp") && why.contains("Addresses"),
            "{op}: {why}"
        );
        assert!(a.blockers.is_empty());
    }
}

#[test]
fn a_deny_that_holds_whatever_the_unknown_keys_are_still_blocks() {
    let mut i = input(levels(), false);
    let doc = full_policy(json!([
        {"Sid": "Addresses", "Effect": "Deny", "Principal": "*",
         "Action": "lambda:InvokeFunction", "Resource": FN,
         "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
        {"Sid": "NoRole", "Effect": "Deny", "Principal": {"AWS": ROLE},
         "Action": "lambda:*", "Resource": "*"}]));
    with_target(&mut i, FN, Some(doc));
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "{a:?}");
    assert!(a.blockers.iter().any(|b| b
        .statement
        .as_ref()
        .is_some_and(|s| s.sid.as_deref() == Some("NoRole"))));
}

#[test]
fn an_allow_kept_to_a_vpc_is_not_a_block_when_it_is_all_that_could_allow() {
    let mut i = input(levels(), false);
    let doc = full_policy(json!([{"Sid": "FromVpc", "Effect": "Allow",
        "Principal": {"AWS": ROLE}, "Action": "lambda:InvokeFunction", "Resource": FN_OTHER,
        "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}]));
    with_target(&mut i, FN_OTHER, Some(doc));
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved, "{a:?}");
    assert!(a.reason.unwrap_or_default().contains("aws:SourceVpc"));
}

#[test]
fn keys_a_direct_call_never_carries_settle_the_answer() {
    // aws:SourceArn is set only when a service acts for a resource; Genesys Cloud's role
    // session calls the function itself, so a Deny of calls without it holds.
    let mut i = input(levels(), false);
    let doc = full_policy(
        json!([{"Sid": "OnlyFromRule", "Effect": "Deny", "Principal": "*",
        "Action": "lambda:InvokeFunction", "Resource": FN,
        "Condition": {"Null": {"aws:SourceArn": "true"}}}]),
    );
    with_target(&mut i, FN, Some(doc));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Blocked);
    // An SCP's usual exception for calls AWS services make on a principal's behalf is settled
    // too: a direct call carries aws:ViaAWSService = false.
    let mut i = input(levels(), false);
    i.orgs.insert(
        ACCT.to_owned(),
        OrgPolicies::Read {
            levels: vec![level(
                LevelKind::Root,
                "r-1",
                "Root",
                vec![
                    allow_all("p-full", "FullAWSAccess"),
                    OrgPolicy {
                        id: "p-direct".into(),
                        name: "NoDirectLambda".into(),
                        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Deny", "Action": "lambda:InvokeFunction",
                            "Resource": "*",
                            "Condition": {"Bool": {"aws:ViaAWSService": "false"}}}]})),
                    },
                ],
            )],
            management_account: false,
            organization_id: Some("o-abc".into()),
        },
    );
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "{a:?}");
    assert_eq!(a.blockers[0].kind, PolicyKind::Scp);
}

/// The levels a policy type is given at.
mod levels;
/// The published data-perimeter policies, and conditions decided in three values.
mod perimeters;
