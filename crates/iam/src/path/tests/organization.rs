//! The organization's policies on the path: SCPs at each level, RCPs, the management
//! account and service-linked roles, and what is said when they were not read.

use super::*;

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
