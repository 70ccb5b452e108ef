//! AWS's published data-perimeter policies over Genesys Cloud's path, and the three-valued
//! conditions they need: a condition false for the request settles its statement; an unknown
//! stays unknown only where the keys not known really decide it.

use super::*;

/// AWS's published identity-perimeter RCP (aws-samples/data-perimeter-policy-examples,
/// `resource_control_policies/identity_perimeter_rcp.json`), its statements that govern
/// `sts:AssumeRole`, with `third_parties` as its list of accounts let in.
fn published_identity_perimeter(third_parties: &[&str]) -> OrgPolicy {
    OrgPolicy {
        id: "p-idperim".into(),
        name: "identity_perimeter_rcp".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
             "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole",
                "sts:DecodeAuthorizationMessage", "sts:GetAccessKeyInfo",
                "sts:GetFederationToken", "sts:GetServiceBearerToken", "sts:GetSessionToken",
                "sts:SetContext", "aoss:*", "ecr:*"],
             "Resource": "*",
             "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc",
                    "aws:PrincipalAccount": third_parties,
                    "aws:ResourceTag/dp:exclude:identity": "true"},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}},
            {"Sid": "EnforceConfusedDeputyProtection", "Effect": "Deny", "Principal": "*",
             "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*", "aoss:*", "ecr:*"],
             "Resource": "*",
             "Condition": {
                "StringNotEqualsIfExists": {"aws:SourceOrgID": "o-abc",
                    "aws:SourceAccount": third_parties,
                    "aws:ResourceTag/dp:exclude:identity": "true"},
                "Null": {"aws:SourceAccount": "false"},
                "Bool": {"aws:PrincipalIsAWSService": "true"}}}]})),
    }
}

fn perimeter_input(third_parties: &[&str], organization: Option<&str>) -> PathInput {
    let mut l = levels();
    l[0].rcps.push(published_identity_perimeter(third_parties));
    let mut i = input(l, false);
    if let Some(OrgPolicies::Read {
        organization_id, ..
    }) = i.orgs.get_mut(ACCT)
    {
        *organization_id = organization.map(str::to_owned);
    }
    i
}

#[test]
fn the_published_identity_perimeter_lets_genesys_in_when_its_account_is_listed() {
    for org in [Some("o-abc"), None] {
        let i = perimeter_input(&["111111111111", PARTNER], org);
        let a = only(availability(&i));
        assert_eq!(a.verdict, AvailabilityVerdict::Proved, "{org:?}: {a:?}");
    }
    // The role's tags not known: the listed account settles the statement all the same.
    let mut i = perimeter_input(&[PARTNER], None);
    i.role.tags = Known::Unknown {
        reason: "not given".into(),
    };
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
}

#[test]
fn the_published_identity_perimeter_blocks_genesys_when_its_account_is_not_listed() {
    let a = only(availability(&perimeter_input(
        &["111111111111"],
        Some("o-abc"),
    )));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "{a:?}");
    assert_eq!(a.request.as_ref().unwrap().action, "sts:AssumeRole");
    let b = &a.blockers[0];
    assert_eq!(
        (b.kind, b.policy_name.as_str()),
        (PolicyKind::Rcp, "identity_perimeter_rcp")
    );
    assert_eq!(
        b.statement.as_ref().unwrap().sid.as_deref(),
        Some("EnforceOrgIdentities")
    );
}

#[test]
fn the_exclusion_tag_on_the_role_lets_genesys_through_the_published_perimeter() {
    let mut i = perimeter_input(&["111111111111"], Some("o-abc"));
    i.role.tags = Known::Known(BTreeMap::from([(
        "dp:exclude:identity".to_owned(),
        "true".to_owned(),
    )]));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
    // Tags not known: whether the role carries the exclusion decides it.
    i.role.tags = Known::Unknown {
        reason: "not given".into(),
    };
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved, "{a:?}");
    assert!(a.reason.unwrap_or_default().contains("dp:exclude:identity"));
}

#[test]
fn without_the_organization_id_only_what_it_decides_stays_unknown() {
    // Genesys Cloud's account is not listed, the role has no exclusion tag: only whether
    // Genesys Cloud's organization is the one the RCP names is left, and that is not known.
    let a = only(availability(&perimeter_input(&["111111111111"], None)));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved, "{a:?}");
    let why = a.reason.unwrap_or_default();
    assert!(why.contains("aws:PrincipalOrgID"), "{why}");
    assert!(!why.contains("dp:exclude"), "{why}");
}

#[test]
fn a_condition_false_for_the_request_settles_its_statement_whatever_the_unknown_keys() {
    // aws:SourceIp is not known for Genesys Cloud's call; aws:PrincipalAccount is, and it is
    // not the one the Deny names: the Deny does not apply.
    let mut l = levels();
    l[0].rcps.push(OrgPolicy {
        id: "p-x".into(),
        name: "OnlyOneAccountFromOneNetwork".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
            "Resource": "*", "Condition": {
                "StringEquals": {"aws:PrincipalAccount": "111111111111"},
                "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})),
    });
    let a = only(availability(&input(l, false)));
    assert_eq!(a.verdict, AvailabilityVerdict::Proved, "{a:?}");
}

/// AWS's published resource-perimeter SCP (`service_control_policies/resource_perimeter_scp.json`),
/// its first statement: the role's session may reach only its organization's resources.
fn published_resource_perimeter() -> OrgPolicy {
    OrgPolicy {
        id: "p-resperim".into(),
        name: "resource_perimeter_scp".into(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "EnforceResourcePerimeterAWSResources", "Effect": "Deny", "Action": "*",
            "NotResource": ["arn:aws:iam::aws:policy/*", "arn:aws:ssm:*::document/*"],
            "Condition": {"StringNotEqualsIfExists": {"aws:ResourceOrgID": "o-abc",
                "ec2:Owner": "amazon", "aws:PrincipalTag/dp:exclude:resource": "true"}}}]})),
    }
}

#[test]
fn the_published_resource_perimeter_lets_the_role_invoke_its_organizations_functions() {
    let mut l = levels();
    l[0].scps.push(published_resource_perimeter());
    let i = input(l, false);
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
    // A function in an account of no organization is outside the perimeter: blocked, unless
    // the role carries the exclusion tag.
    let mut l = levels();
    l[0].scps.push(published_resource_perimeter());
    let mut i = input(l, false);
    with_target(
        &mut i,
        FN_OTHER,
        Some(full_policy(json!([{"Effect": "Allow",
        "Principal": {"AWS": ROLE}, "Action": "lambda:InvokeFunction", "Resource": FN_OTHER}]))),
    );
    let a = only(availability(&i));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "{a:?}");
    assert_eq!(a.blockers[0].kind, PolicyKind::Scp);
    i.role.tags = Known::Known(BTreeMap::from([(
        "dp:exclude:resource".to_owned(),
        "true".to_owned(),
    )]));
    assert_eq!(only(availability(&i)).verdict, AvailabilityVerdict::Proved);
}
