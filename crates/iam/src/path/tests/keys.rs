//! Conditions on the path: trust in the same account, the session's organization, region
//! denies, and keys the path cannot know or a direct call never carries.

use super::*;

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
