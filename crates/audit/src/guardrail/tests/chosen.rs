//! What apply chose is what `check`, `plan` and `export` default to: a check without apply's
//! flags proves what apply attached; flags that differ are a difference (2), never a failed
//! proof; a value a hand edit added is never taken as chosen. And the plan apply would refuse
//! (a namesake, a quota) exits 1; a failed claim names every role it hits; accounts not read
//! are grouped by cause, and those it does not cover never block apply.

use super::*;

/// Nothing given: `check` takes every family from apply's record.
fn nothing_given() -> GuardrailAsked {
    GuardrailAsked::default()
}

fn with_exemption() -> GuardrailSpec {
    GuardrailSpec {
        exempt: vec!["arn:aws:iam::300000000000:role/open".into()],
        targets: vec!["ou-ab12-aaaa".into()],
        ..spec()
    }
}

#[test]
fn a_check_without_apply_s_flags_proves_what_apply_attached() {
    let mut t = tree();
    let s = with_exemption();
    let p = applied(&t, &s);
    t.policies.push(p);
    let plan = plan_guardrail(GuardrailMode::Check, &nothing_given(), &t, &roles()).unwrap();
    assert_eq!(plan.changes, [], "{:#?}", plan.changes);
    assert_eq!(plan.status(), Status::Ok, "{:#?}", plan.claims);
    let values = |c: &[Chosen]| c.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
    assert_eq!(values(&plan.choices.exempt), s.exempt);
    assert_eq!(values(&plan.choices.targets), s.targets);
    assert_eq!(values(&plan.choices.org_ids), [OURS]);
    assert!(plan
        .choices
        .org_ids
        .iter()
        .all(|c| c.from == ChosenFrom::Recorded));
    let exempted = arns(&plan.uncovered);
    assert!(exempted.contains(&s.exempt[0]), "{exempted:?}");
}

#[test]
fn flags_that_differ_from_apply_s_are_a_difference_not_a_failed_proof() {
    let mut t = tree();
    let p = applied(&t, &with_exemption());
    t.policies.push(p);
    let other = GuardrailSpec {
        exempt: vec!["arn:aws:iam::400000000000:role/other-org".into()],
        ..with_exemption()
    };
    let plan = plan_guardrail(GuardrailMode::Check, &asked(&other), &t, &roles()).unwrap();
    let differs: Vec<&String> = (plan.changes.iter())
        .filter_map(|c| match c {
            GuardrailChange::Differs { why } => Some(why),
            _ => None,
        })
        .collect();
    assert_eq!(differs.len(), 1, "{:#?}", plan.changes);
    assert!(differs[0].starts_with("--exempt-role differs from what apply attached"));
    assert!(plan
        .claims
        .iter()
        .all(|c| c.verdict != Verdict::Counterexample));
    assert_eq!(plan.status(), Status::Changes);
}

#[test]
fn an_org_id_a_hand_edit_added_is_never_taken_as_chosen() {
    let mut t = tree();
    let mut p = applied(&t, &spec());
    let mut loose = spec();
    loose.org_ids.push(OTHER_ORG.into());
    p.document = guardrail_document(&loose).unwrap();
    t.policies.push(p);
    let plan = plan_guardrail(GuardrailMode::Check, &nothing_given(), &t, &roles()).unwrap();
    let ids: Vec<&str> = plan
        .choices
        .org_ids
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(ids, [OURS]);
    let c = verdict(&plan, GuardrailProperty::Exclusivity);
    assert_eq!(c.verdict, Verdict::Counterexample, "{}", c.detail);
    assert_eq!(
        c.counterexample.as_ref().unwrap().context["sts:ExternalId"],
        [OTHER_ORG]
    );
    assert_eq!(plan.status(), Status::Denied);
}

#[test]
fn without_org_ids_given_nor_recorded_it_cannot_be_planned() {
    let e = plan_guardrail(GuardrailMode::Plan, &nothing_given(), &tree(), &roles()).unwrap_err();
    assert!(e.contains("needs your Genesys Cloud org IDs"), "{e}");
}

#[test]
fn an_untagged_namesake_is_refused_and_a_refused_plan_is_invalid() {
    let mut t = tree();
    let mut namesake = stored(json!({"Version": "2012-10-17", "Statement": []}), &[]);
    namesake.ours = false;
    namesake.id = "p-someone".into();
    t.policies.push(namesake);
    let plan = planned(&spec(), &t, &roles());
    assert!(
        plan.refused.iter().any(|r| r.contains("p-someone")),
        "{:?}",
        plan.refused
    );
    assert!(!plan
        .changes
        .iter()
        .any(|c| matches!(c, GuardrailChange::Create { .. })));
    assert_eq!(plan.status(), Status::Invalid, "apply would refuse: exit 1");
}

/// A hand edit with a typo in your ID shuts every right role: each is named.
#[test]
fn a_failed_claim_names_every_role_it_hits() {
    let mut typo = spec();
    typo.org_ids = vec!["0f8c3a5e-1b2d-4c6e-8f90-123456789abd".into()];
    let mut t = tree();
    let mut p = applied(&t, &spec());
    p.document = guardrail_document(&typo).unwrap();
    t.policies.push(p);
    let GuardrailRoles::Read(mut accounts) = roles() else {
        unreachable!()
    };
    for (account, read) in accounts.iter_mut() {
        if let Ok(list) = read {
            list.push(role(account, "right-too", trust(GENESYS, Some(OURS))));
        }
    }
    let plan = plan_guardrail(
        GuardrailMode::Check,
        &nothing_given(),
        &t,
        &GuardrailRoles::Read(accounts),
    )
    .unwrap();
    let c = verdict(&plan, GuardrailProperty::Availability);
    assert_eq!(c.verdict, Verdict::Counterexample);
    // Every member account's right roles but the management account's (never covered).
    assert_eq!(c.roles.len(), 5, "{:#?}", c.roles);
    assert!(
        c.detail.ends_with("5 roles it would shut in all"),
        "{}",
        c.detail
    );
}

#[test]
fn accounts_not_read_are_grouped_by_cause_and_uncovered_ones_never_block() {
    let mut t = tree();
    t.nodes.push(node("600000000000", ROOT));
    let why = |a: &str| {
        Err(format!(
            "sts:AssumeRole: not authorized on arn:aws:iam::{a}:role/SecurityAudit"
        ))
    };
    let GuardrailRoles::Read(mut accounts) = roles() else {
        unreachable!()
    };
    accounts.retain(|(a, _)| a != "200000000000" && a != MANAGEMENT);
    accounts.push(("200000000000".into(), why("200000000000")));
    accounts.push(("600000000000".into(), why("600000000000")));
    accounts.push((MANAGEMENT.into(), why(MANAGEMENT)));
    let mut s = spec();
    s.targets = vec!["ou-ab12-aaaa".into(), "600000000000".into()];
    let plan = planned(&s, &t, &GuardrailRoles::Read(accounts));
    assert_eq!(
        plan.not_read,
        [
            "2 accounts (200000000000, 600000000000): sts:AssumeRole: not authorized on \
          arn:aws:iam::…:role/SecurityAudit"
        ]
    );
    assert_eq!(
        plan.not_read_uncovered.len(),
        1,
        "{:?}",
        plan.not_read_uncovered
    );
    assert!(plan.not_read_uncovered[0].starts_with(&format!("account {MANAGEMENT}")));

    let mut s = spec();
    s.targets = vec!["ou-ab12-aaaa".into()];
    let GuardrailRoles::Read(mut accounts) = roles() else {
        unreachable!()
    };
    accounts.retain(|(a, _)| a != MANAGEMENT && a != "500000000000");
    accounts.push((MANAGEMENT.into(), why(MANAGEMENT)));
    accounts.push(("500000000000".into(), why("500000000000")));
    let plan = planned(&s, &tree(), &GuardrailRoles::Read(accounts));
    assert_eq!(plan.not_read, Vec::<String>::new());
    assert_eq!(
        plan.not_read_uncovered.len(),
        1,
        "{:?}",
        plan.not_read_uncovered
    );
    assert!(plan.not_read_uncovered[0].starts_with("2 accounts ("));
    assert_eq!(
        verdict(&plan, GuardrailProperty::Availability).verdict,
        Verdict::Proved
    );
}

#[test]
fn the_management_account_s_roles_are_named_with_the_account() {
    let plan = planned(&spec(), &tree(), &roles());
    let management = (plan.uncovered.iter())
        .find(|r| r.arn.contains(MANAGEMENT))
        .unwrap();
    assert!(
        management
            .why
            .starts_with(&format!("the management account {MANAGEMENT} (")),
        "{}",
        management.why
    );
}

#[test]
fn exemptions_and_partners_that_cannot_be_meant_are_refused_naming_why() {
    let refused = |exempt: &str, partner: Option<&str>| {
        let mut s = spec();
        s.exempt = vec![exempt.to_owned()];
        if let Some(p) = partner {
            s.partners = vec![p.to_owned()];
        }
        plan_guardrail(GuardrailMode::Plan, &asked(&s), &tree(), &roles()).unwrap_err()
    };
    let e = refused("arn:aws-cn:iam::300000000000:role/open", None);
    assert!(e.contains("aws-cn partition"), "{e}");
    let e = refused(&format!("arn:aws:iam::{MANAGEMENT}:role/open"), None);
    assert!(e.contains("management account's"), "{e}");
    let e = refused("arn:aws:iam::999988887777:role/open", None);
    assert!(e.contains("not in this organization"), "{e}");
    let e = refused("arn:aws:iam::300000000000:role/nobody", None);
    assert!(e.contains("nothing to exempt"), "{e}");
    let e = refused("arn:aws:iam::300000000000:role/open", Some("200000000000"));
    assert!(e.contains("one of this organization's accounts"), "{e}");
    let mut s = spec();
    s.exempt = vec!["arn:aws:iam::300000000000:role/open".into()];
    assert!(plan_guardrail(GuardrailMode::Plan, &asked(&s), &tree(), &roles()).is_ok());
}

fn arns(list: &[RoleUnder]) -> Vec<String> {
    list.iter().map(|r| r.arn.clone()).collect()
}
