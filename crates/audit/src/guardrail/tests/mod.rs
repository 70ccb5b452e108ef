//! The guardrail over an organization held in memory: a root, two OUs (one nested), member
//! accounts, the management account, and roles of every kind the guardrail must judge.

mod chosen;
mod differential;
mod guarded_is_exclusivity;

use serde_json::{json, Value};

use super::document::{guardrail_document, rcp_problem};
use super::model::GuardrailSpec;
use super::record::GuardrailRecord;
use super::*;
use crate::organization::{OrgNode, OrgTree, StoredPolicy};
use lambda_trust_iam::Verdict;
use lambda_trust_verdict::{Judged, Status};

const GENESYS: &str = "765628985471";
const OURS: &str = "0f8c3a5e-1b2d-4c6e-8f90-123456789abc";
const OTHER_ORG: &str = "9d1e2f3a-4b5c-4d6e-8f70-abcdefabcdef";
const MANAGEMENT: &str = "100000000000";
const ROOT: &str = "r-ab12";

fn spec() -> GuardrailSpec {
    GuardrailSpec {
        org_ids: vec![OURS.into()],
        partners: vec![GENESYS.into()],
        exempt: Vec::new(),
        targets: Vec::new(),
    }
}

/// `spec` as flags given for every family.
fn asked(spec: &GuardrailSpec) -> GuardrailAsked {
    let flag = |v: &String| Chosen {
        value: v.clone(),
        from: ChosenFrom::Flag,
    };
    GuardrailAsked {
        org_ids: spec.org_ids.iter().map(flag).collect(),
        partners: spec.partners.clone(),
        exempt: spec.exempt.clone(),
        no_exempt: false,
        targets: spec.targets.clone(),
    }
}

fn node(id: &str, parent: &str) -> OrgNode {
    OrgNode {
        id: id.into(),
        name: format!("name-{id}"),
        parent: parent.into(),
    }
}

fn full_access() -> StoredPolicy {
    StoredPolicy {
        id: "p-RCPFullAWSAccess".into(),
        name: "RCPFullAWSAccess".into(),
        document: json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
        targets: vec![ROOT.into(), "ou-ab12-aaaa".into(), "ou-ab12-bbbb".into()],
        ours: false,
        tags: Vec::new(),
    }
}

/// Root → OU a (accounts 2, 3) → OU b nested in a (account 4); account 5 at the root.
fn tree() -> OrgTree {
    OrgTree {
        partition: "aws".into(),
        management_account: MANAGEMENT.into(),
        root: ROOT.into(),
        rcps_enabled: true,
        nodes: vec![
            node(MANAGEMENT, ROOT),
            node("ou-ab12-aaaa", ROOT),
            node("ou-ab12-bbbb", "ou-ab12-aaaa"),
            node("200000000000", "ou-ab12-aaaa"),
            node("300000000000", "ou-ab12-aaaa"),
            node("400000000000", "ou-ab12-bbbb"),
            node("500000000000", ROOT),
        ],
        policies: vec![full_access()],
        ..OrgTree::default()
    }
}

fn trust(account: &str, id: Option<&str>) -> Value {
    let mut s = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
        "Action": "sts:AssumeRole"});
    if let Some(id) = id {
        s["Condition"] = json!({"StringEquals": {"sts:ExternalId": id}});
    }
    json!({"Version": "2012-10-17", "Statement": [s]})
}

fn role(account: &str, name: &str, trust: Value) -> (String, Value, Vec<Value>) {
    (
        format!("arn:aws:iam::{account}:role/{name}"),
        trust,
        Vec::new(),
    )
}

/// A role of each kind: right, no external ID, another org's ID, a vendor's, the management
/// account's.
fn roles() -> GuardrailRoles {
    GuardrailRoles::Read(vec![
        (
            MANAGEMENT.into(),
            Ok(vec![role(MANAGEMENT, "open", trust(GENESYS, None))]),
        ),
        (
            "200000000000".into(),
            Ok(vec![role(
                "200000000000",
                "right",
                trust(GENESYS, Some(OURS)),
            )]),
        ),
        (
            "300000000000".into(),
            Ok(vec![role("300000000000", "open", trust(GENESYS, None))]),
        ),
        (
            "400000000000".into(),
            Ok(vec![role(
                "400000000000",
                "other-org",
                trust(GENESYS, Some(OTHER_ORG)),
            )]),
        ),
        (
            "500000000000".into(),
            Ok(vec![role(
                "500000000000",
                "vendor",
                trust("999999999999", None),
            )]),
        ),
    ])
}

fn verdict(plan: &GuardrailPlan, p: GuardrailProperty) -> &GuardrailClaim {
    let found = plan.claims.iter().find(|c| c.property == p);
    found.unwrap_or_else(|| panic!("no {p} claim: {:#?}", plan.claims))
}

fn planned(spec: &GuardrailSpec, tree: &OrgTree, roles: &GuardrailRoles) -> GuardrailPlan {
    plan_guardrail(GuardrailMode::Plan, &asked(spec), tree, roles).unwrap()
}

#[test]
fn the_document_denies_the_partner_without_your_ids_and_is_an_rcp() {
    let doc = guardrail_document(&spec()).unwrap();
    assert_eq!(
        serde_json::to_string(&doc).unwrap(),
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"GenesysCloudOnlyWithYourOrgIds","Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalAccount":["{GENESYS}"]}},"StringNotEquals":{{"sts:ExternalId":["{OURS}"]}}}}}}]}}"#
        )
    );
    assert_eq!(rcp_problem(&doc), None);
}

#[test]
fn exemptions_are_written_as_not_resource() {
    let mut s = spec();
    s.exempt = vec!["arn:aws:iam::200000000000:role/lex".into()];
    let doc = guardrail_document(&s).unwrap();
    assert_eq!(
        doc["Statement"][0]["NotResource"],
        json!(["arn:aws:iam::200000000000:role/lex"])
    );
    assert!(doc["Statement"][0].get("Resource").is_none());
    s.exempt = vec!["arn:aws:iam::200000000000:role/lex*".into()];
    assert!(guardrail_document(&s)
        .unwrap_err()
        .contains("without wildcards"));
}

#[test]
fn an_upper_case_org_id_is_refused_because_the_comparison_is_case_sensitive() {
    let mut s = spec();
    s.org_ids = vec![OURS.to_uppercase()];
    let e = guardrail_document(&s).unwrap_err();
    assert!(
        e.contains("not a lowercase UUID") && e.contains("case-sensitively"),
        "{e}"
    );
    s.org_ids = vec!["not-an-id".into()];
    assert!(guardrail_document(&s).is_err());
    s.org_ids = Vec::new();
    assert!(guardrail_document(&s)
        .unwrap_err()
        .contains("--genesys-org-id"));
}

/// Each org ID costs 39 characters: 120 fit in 5,120, 130 do not, and the refusal counts them.
#[test]
fn more_org_ids_than_fit_in_5120_characters_are_refused_naming_the_count() {
    let ids = |n: usize| {
        (0..n)
            .map(|i| format!("{i:08x}-0000-4000-8000-000000000000"))
            .collect()
    };
    let mut s = spec();
    s.org_ids = ids(120);
    let doc = guardrail_document(&s).unwrap();
    assert!(lambda_trust_iam::minified_len(&doc) <= 5120);
    s.org_ids = ids(130);
    let e = guardrail_document(&s).unwrap_err();
    assert!(e.contains("130 org IDs") && e.contains("5120"), "{e}");
}

/// The generator cannot write what an RCP may not hold, whatever it is given.
#[test]
fn every_generated_document_passes_the_rcp_syntax_rules() {
    for n in [1, 2, 7, 40] {
        for exempt in [0, 1, 3] {
            let s = GuardrailSpec {
                org_ids: (0..n)
                    .map(|i| format!("{i:08x}-1111-4000-8000-000000000000"))
                    .collect(),
                partners: vec![GENESYS.into(), "325654371633".into()],
                exempt: (0..exempt)
                    .map(|i| format!("arn:aws:iam::20000000000{i}:role/r{i}"))
                    .collect(),
                targets: Vec::new(),
            };
            let doc = guardrail_document(&s).unwrap();
            assert_eq!(rcp_problem(&doc), None, "{doc}");
        }
    }
    let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}]});
    assert_eq!(
        rcp_problem(&allow).unwrap(),
        "statement 1: Effect is not Deny"
    );
    let not_action = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "NotAction": "sts:AssumeRole", "Resource": "*"}]});
    assert!(rcp_problem(&not_action).unwrap().contains("NotAction"));
}

#[test]
fn a_plan_over_the_root_proves_every_claim_and_lists_the_roles_it_stops() {
    let plan = planned(&spec(), &tree(), &roles());
    let GuardrailChange::Create { name, record } = &plan.changes[0] else {
        panic!("{:?}", plan.changes)
    };
    assert_eq!(name, "lambda-trust-genesys-cloud-external-id");
    let read = GuardrailRecord::from_tags(record.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(read.targets(), Some(vec![ROOT.to_owned()]));
    assert_eq!(read.accounts.values.map(|a| a.len()), Some(4));
    assert_eq!(read.stops.values.map(|s| s.len()), Some(plan.stops.len()));
    assert_eq!(
        plan.changes[1..],
        [GuardrailChange::Attach {
            target: ROOT.into()
        }]
    );
    for p in [
        GuardrailProperty::Availability,
        GuardrailProperty::Exclusivity,
        GuardrailProperty::NoCollateral,
        GuardrailProperty::Syntax,
        GuardrailProperty::Coverage,
    ] {
        assert_eq!(
            verdict(&plan, p).verdict,
            Verdict::Proved,
            "{p}: {:#?}",
            plan.claims
        );
    }
    assert_eq!(plan.targets[0].accounts.len(), 4);
    let stopped: Vec<&str> = plan.stops.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(
        stopped,
        [
            "arn:aws:iam::300000000000:role/open",
            "arn:aws:iam::400000000000:role/other-org"
        ]
    );
    assert!(plan.stops[1].admits.contains(OTHER_ORG));
    let uncovered: Vec<&str> = plan.uncovered.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(uncovered, [format!("arn:aws:iam::{MANAGEMENT}:role/open")]);
    assert!(plan.uncovered[0].why.contains("management account"));
    assert!(verdict(&plan, GuardrailProperty::Availability)
        .detail
        .starts_with("1 of the 4"));
    assert_eq!(plan.status(), Status::Changes);
}

#[test]
fn rcps_not_enabled_are_enabled_first_and_an_ou_target_covers_its_nested_ou() {
    let mut t = tree();
    t.rcps_enabled = false;
    let mut s = spec();
    s.targets = vec!["ou-ab12-aaaa".into()];
    let plan = planned(&s, &t, &roles());
    assert_eq!(
        plan.changes[0],
        GuardrailChange::EnableRcps { root: ROOT.into() }
    );
    assert_eq!(
        plan.targets[0].accounts,
        ["200000000000", "300000000000", "400000000000"]
    );
    let outside: Vec<&str> = plan.uncovered.iter().map(|r| r.why.as_str()).collect();
    assert!(
        !outside.iter().any(|w| w.contains("targets")),
        "the vendor's role is not Genesys's: {outside:?}"
    );
}

#[test]
fn an_exempted_role_is_listed_not_stopped() {
    let mut s = spec();
    s.exempt = vec!["arn:aws:iam::300000000000:role/open".into()];
    let plan = planned(&s, &tree(), &roles());
    let exempt = plan
        .uncovered
        .iter()
        .find(|r| r.arn.ends_with("300000000000:role/open"))
        .unwrap();
    assert!(exempt.why.starts_with("exempted"));
    assert!(!plan.stops.iter().any(|r| r.arn == exempt.arn));
    assert_eq!(
        verdict(&plan, GuardrailProperty::Exclusivity).verdict,
        Verdict::Proved
    );
}

#[test]
fn the_management_account_as_target_and_an_unknown_target_are_refused() {
    let mut s = spec();
    s.targets = vec![MANAGEMENT.into()];
    let e = plan_guardrail(GuardrailMode::Plan, &asked(&s), &tree(), &roles()).unwrap_err();
    assert!(e.contains("management account"), "{e}");
    s.targets = vec!["ou-zz99-nope".into()];
    assert!(plan_guardrail(GuardrailMode::Plan, &asked(&s), &tree(), &roles()).is_err());
    let mut gov = tree();
    gov.partition = "aws-us-gov".into();
    let e = plan_guardrail(GuardrailMode::Plan, &asked(&spec()), &gov, &roles()).unwrap_err();
    assert!(e.contains("aws-us-gov"), "{e}");
}

#[test]
fn a_target_at_its_quota_of_five_rcps_is_refused_naming_the_quota() {
    let mut t = tree();
    for i in 0..4 {
        t.policies.push(StoredPolicy {
            id: format!("p-other{i}"),
            name: format!("other-{i}"),
            document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
                "Action": "s3:DeleteBucket", "Resource": "*"}]}),
            targets: vec![ROOT.into()],
            ours: false,
            tags: Vec::new(),
        });
    }
    let plan = planned(&spec(), &t, &roles());
    assert!(
        plan.refused[0].contains("5 RCPs") && plan.refused[0].contains("quota"),
        "{:?}",
        plan.refused
    );
    // Each customer policy there, merged with the guardrail's statement, proved as merged.
    assert_eq!(plan.merges.len(), 4);
    let merged = &plan.merges[0];
    assert_eq!(merged.document["Statement"].as_array().unwrap().len(), 2);
    assert_eq!(rcp_problem(&merged.document), None);
    assert_eq!(merged.claims.len(), 2);
    for c in &merged.claims {
        assert_eq!(c.verdict, Verdict::Proved, "{c:?}");
    }
}

/// Without the roles, availability is the document's: the guardrail as generated cannot deny
/// a request carrying one of your IDs, so it takes nothing away whatever the roles say.
#[test]
fn without_the_roles_availability_is_decided_from_the_document() {
    let plan = planned(
        &spec(),
        &tree(),
        &GuardrailRoles::NotRead("no --assume-role".into()),
    );
    let c = verdict(&plan, GuardrailProperty::Availability);
    assert_eq!(c.verdict, Verdict::Proved, "{}", c.detail);
    assert!(
        c.detail.contains("decided from the document"),
        "{}",
        c.detail
    );
    assert_eq!(
        verdict(&plan, GuardrailProperty::Exclusivity).verdict,
        Verdict::Proved
    );
    assert_eq!(plan.not_read.len(), 1);
}

/// Another RCP already denying Genesys Cloud everything: the roles' availability is the
/// guardrail's to keep only where it is there today.
#[test]
fn another_rcp_that_blocks_your_id_is_not_the_guardrails_loss() {
    let mut t = tree();
    t.policies.push(StoredPolicy {
        id: "p-perimeter".into(),
        name: "perimeter".into(),
        document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
            "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": GENESYS}}}]}),
        targets: vec!["ou-ab12-aaaa".into()],
        ours: false,
        tags: Vec::new(),
    });
    let plan = planned(&spec(), &t, &roles());
    assert_eq!(
        verdict(&plan, GuardrailProperty::Availability).verdict,
        Verdict::Proved
    );
    assert!(verdict(&plan, GuardrailProperty::Availability)
        .detail
        .starts_with("none of the"));
}

fn stored(document: Value, targets: &[&str]) -> StoredPolicy {
    StoredPolicy {
        id: "p-guard".into(),
        name: "lambda-trust-genesys-cloud-external-id".into(),
        document,
        targets: targets.iter().map(|t| t.to_string()).collect(),
        ours: true,
        tags: Vec::new(),
    }
}

fn checked(t: &OrgTree) -> GuardrailPlan {
    plan_guardrail(GuardrailMode::Check, &asked(&spec()), t, &roles()).unwrap()
}

/// Right after apply: the stored guardrail, its targets and apply's record all hold.
#[test]
fn a_check_in_sync_is_ok() {
    let mut t = tree();
    let p = applied(&t, &spec());
    t.policies.push(p);
    let plan = checked(&t);
    assert_eq!(plan.changes, []);
    assert_eq!(plan.status(), Status::Ok, "{:#?}", plan.claims);
}

#[test]
fn a_hand_edit_admitting_another_orgs_id_fails_exclusivity_with_the_request() {
    let mut t = tree();
    let mut loose = spec();
    loose.org_ids.push(OTHER_ORG.into());
    let mut p = applied(&t, &spec());
    p.document = guardrail_document(&loose).unwrap();
    t.policies.push(p);
    let plan = checked(&t);
    let c = verdict(&plan, GuardrailProperty::Exclusivity);
    assert_eq!(c.verdict, Verdict::Counterexample);
    let request = c.counterexample.as_ref().unwrap();
    assert_eq!(request.context["sts:ExternalId"], [OTHER_ORG]);
    assert!(matches!(
        &plan.changes[..],
        [GuardrailChange::Update { .. }]
    ));
    assert_eq!(plan.status(), Status::Denied);
}

#[test]
fn a_detach_from_an_ou_leaves_its_accounts_uncovered_by_name() {
    let mut t = tree();
    let mut s = spec();
    s.targets = vec!["ou-ab12-aaaa".into(), "500000000000".into()];
    let mut p = applied(&t, &s);
    p.targets.retain(|x| x != "ou-ab12-aaaa");
    t.policies.push(p);
    let plan = plan_guardrail(GuardrailMode::Check, &asked(&s), &t, &roles()).unwrap();
    let c = verdict(&plan, GuardrailProperty::Coverage);
    assert_eq!(c.verdict, Verdict::Counterexample);
    assert!(
        c.detail
            .contains("200000000000, 300000000000, 400000000000"),
        "{}",
        c.detail
    );
    // Only what apply writes: the roles it stops as attached now are not apply's record.
    assert_eq!(
        plan.changes,
        vec![GuardrailChange::Attach {
            target: "ou-ab12-aaaa".into()
        }]
    );
    assert_eq!(plan.status(), Status::Denied);
}

#[test]
fn a_stricter_hand_edit_is_a_difference_not_a_failure() {
    let mut t = tree();
    let mut strict = guardrail_document(&spec()).unwrap();
    strict["Statement"][0]["Sid"] = json!("Stricter");
    let mut p = applied(&t, &spec());
    p.document = strict;
    t.policies.push(p);
    let plan = checked(&t);
    assert!(matches!(
        &plan.changes[..],
        [GuardrailChange::Update { .. }]
    ));
    assert_eq!(plan.status(), Status::Changes);
}

#[test]
fn a_statement_without_the_partner_condition_is_collateral_shown_by_a_request() {
    let mut t = tree();
    let mut wide = guardrail_document(&spec()).unwrap();
    wide["Statement"][0]["Condition"]
        .as_object_mut()
        .unwrap()
        .remove("StringEquals");
    t.policies.push(stored(wide, &[ROOT]));
    let plan = checked(&t);
    let c = verdict(&plan, GuardrailProperty::NoCollateral);
    assert_eq!(c.verdict, Verdict::Counterexample);
    assert_eq!(
        c.counterexample.as_ref().unwrap().context["aws:PrincipalAccount"],
        ["444455556666"]
    );
}

fn not_read() -> GuardrailRoles {
    GuardrailRoles::NotRead("the watch reads no role".into())
}

/// A hand edit that denies the partner whatever the external ID: without the roles, the
/// document alone shows a request carrying your ID that it denies; one held off your IDs by a
/// condition the analysis does not read is unknown, never proved.
#[test]
fn without_the_roles_a_guardrail_denying_your_id_fails_and_an_unclear_one_is_unknown() {
    let mut t = tree();
    let mut all = guardrail_document(&spec()).unwrap();
    all["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:PrincipalAccount": GENESYS}});
    t.policies.push(stored(all, &[ROOT]));
    let plan = plan_guardrail(GuardrailMode::Check, &asked(&spec()), &t, &not_read()).unwrap();
    let c = verdict(&plan, GuardrailProperty::Availability);
    assert_eq!(c.verdict, Verdict::Counterexample, "{}", c.detail);
    let request = c.counterexample.as_ref().unwrap();
    assert_eq!(request.context["sts:ExternalId"], [OURS]);

    let mut t = tree();
    let mut unclear = guardrail_document(&spec()).unwrap();
    unclear["Statement"][0]["Condition"] = json!({
        "StringEquals": {"aws:PrincipalAccount": GENESYS},
        "StringNotLike": {"sts:ExternalId": "0f8c3a5e-*"}});
    t.policies.push(stored(unclear, &[ROOT]));
    let plan = plan_guardrail(GuardrailMode::Check, &asked(&spec()), &t, &not_read()).unwrap();
    assert_eq!(
        verdict(&plan, GuardrailProperty::Availability).verdict,
        Verdict::Unknown
    );
}

/// The guardrail as apply left it: its document, its targets, and apply's record.
fn applied(t: &OrgTree, s: &GuardrailSpec) -> StoredPolicy {
    let plan = plan_guardrail(GuardrailMode::Plan, &asked(s), t, &roles()).unwrap();
    let Some(GuardrailChange::Create { record, .. }) = plan.changes.first() else {
        panic!("{:?}", plan.changes)
    };
    let mut p = stored(guardrail_document(s).unwrap(), &[]);
    p.targets = plan.targets.iter().map(|c| c.target.clone()).collect();
    p.tags = (record.iter())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    p
}

/// A role made after apply that the partner can assume without your ID: check names it (2).
#[test]
fn a_new_role_it_stops_is_a_difference_naming_the_role() {
    let mut t = tree();
    let p = applied(&t, &spec());
    t.policies.push(p);
    let GuardrailRoles::Read(mut accounts) = roles() else {
        unreachable!()
    };
    let new = role("300000000000", "made-by-hand", trust(GENESYS, None));
    let (_, Ok(list)) = accounts
        .iter_mut()
        .find(|(a, _)| a == "300000000000")
        .unwrap()
    else {
        panic!("account 3 read")
    };
    list.push(new.clone());
    let plan = plan_guardrail(
        GuardrailMode::Check,
        &asked(&spec()),
        &t,
        &GuardrailRoles::Read(accounts),
    )
    .unwrap();
    let [GuardrailChange::Record { why, .. }] = &plan.changes[..] else {
        panic!("{:?}", plan.changes)
    };
    assert_eq!(
        why,
        &[format!("it now stops {}, which it did not at apply", new.0)]
    );
    assert_eq!(plan.status(), Status::Changes);
}

/// An account moved out from under the OU the guardrail was applied to: named (2), not a
/// failure — the targets still cover what is under them.
#[test]
fn an_account_moved_out_from_under_the_targets_is_named() {
    let mut t = tree();
    let mut s = spec();
    s.targets = vec!["ou-ab12-aaaa".into()];
    let p = applied(&t, &s);
    t.policies.push(p);
    let moved = t.nodes.iter_mut().find(|n| n.id == "400000000000").unwrap();
    moved.parent = ROOT.into();
    let plan = plan_guardrail(GuardrailMode::Check, &asked(&s), &t, &roles()).unwrap();
    let [GuardrailChange::Record { why, .. }] = &plan.changes[..] else {
        panic!("{:?}", plan.changes)
    };
    assert!(
        why.contains(&"account 400000000000 is no longer under the targets".to_owned()),
        "{why:?}"
    );
    assert_eq!(plan.status(), Status::Changes);
}

/// What the watch does without the flags: the targets apply recorded are the ones meant, so a
/// detach from one of several leaves that one's accounts uncovered, by name (3).
#[test]
fn a_detach_from_one_of_two_recorded_targets_fails_coverage_from_the_record_alone() {
    let mut t = tree();
    let mut s = spec();
    s.targets = vec!["ou-ab12-aaaa".into(), "500000000000".into()];
    let mut p = applied(&t, &s);
    p.targets.retain(|x| x != "ou-ab12-aaaa");
    let recorded = p.record().targets().unwrap();
    t.policies.push(p);
    let watch = GuardrailSpec {
        targets: recorded,
        ..spec()
    };
    let plan = plan_guardrail(GuardrailMode::Check, &asked(&watch), &t, &not_read()).unwrap();
    let c = verdict(&plan, GuardrailProperty::Coverage);
    assert_eq!(c.verdict, Verdict::Counterexample);
    assert!(c
        .detail
        .contains("200000000000, 300000000000, 400000000000"));
    assert_eq!(plan.status(), Status::Denied);
}
