//! Other ways in: every principal a function policy lets invoke besides the role, found and
//! named, with what the search cannot decide said.

use super::*;

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
        let req = f.request.clone();
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
