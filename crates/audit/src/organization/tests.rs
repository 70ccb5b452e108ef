//! The organization policies over each account, from a tree held in memory: root → Workloads
//! → Prod (nested), with SCPs and RCPs at each level.

use serde_json::json;

use super::*;
use lambda_trust_iam::{LevelKind, OrgPolicies, PolicyKind};

const ROOT: &str = "r-ab12";
const WORKLOADS: &str = "ou-ab12-aaaaaaaa";
const PROD: &str = "ou-ab12-bbbbbbbb";
const MANAGEMENT: &str = "100000000000";
const IN_PROD: &str = "200000000000";
const AT_ROOT: &str = "300000000000";

fn node(id: &str, name: &str, parent: &str) -> OrgNode {
    OrgNode {
        id: id.into(),
        name: name.into(),
        parent: parent.into(),
    }
}

fn policy(id: &str, targets: &[&str]) -> StoredPolicy {
    StoredPolicy {
        id: id.into(),
        name: format!("{id}-name"),
        document: json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        targets: targets.iter().map(|t| (*t).to_owned()).collect(),
        ours: false,
        tags: Vec::new(),
    }
}

fn tree() -> OrgTree {
    OrgTree {
        partition: "aws".into(),
        organization_id: "o-abcdefghij".into(),
        management_account: MANAGEMENT.into(),
        root: ROOT.into(),
        rcps_enabled: true,
        scps_enabled: true,
        nodes: vec![
            node(MANAGEMENT, "management", ROOT),
            node(WORKLOADS, "Workloads", ROOT),
            node(PROD, "Prod", WORKLOADS),
            node(IN_PROD, "app", PROD),
            node(AT_ROOT, "tools", ROOT),
        ],
        policies: vec![policy("p-rcp1", &[ROOT, WORKLOADS, PROD, IN_PROD, AT_ROOT])],
        scps: vec![
            policy(
                "p-FullAWSAccess",
                &[ROOT, WORKLOADS, PROD, IN_PROD, AT_ROOT],
            ),
            policy("p-scp2", &[PROD]),
        ],
    }
}

fn ids(p: &[lambda_trust_iam::OrgPolicy]) -> Vec<&str> {
    p.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn a_nested_account_gets_each_level_root_first_with_what_is_attached_there() {
    let Some(OrgPolicies::Read {
        levels,
        management_account: false,
        organization_id: Some(org),
    }) = tree().policies_over(IN_PROD)
    else {
        panic!("read");
    };
    assert_eq!(org, "o-abcdefghij");
    let named: Vec<(LevelKind, &str, &str)> = (levels.iter())
        .map(|l| (l.level.kind, l.level.id.as_str(), l.level.name.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (LevelKind::Root, ROOT, ROOT),
            (LevelKind::OrganizationalUnit, WORKLOADS, "Workloads"),
            (LevelKind::OrganizationalUnit, PROD, "Prod"),
            (LevelKind::Account, IN_PROD, IN_PROD),
        ]
    );
    assert_eq!(ids(&levels[2].scps), ["p-FullAWSAccess", "p-scp2"]);
    assert_eq!(ids(&levels[1].scps), ["p-FullAWSAccess"]);
    assert!(levels.iter().all(|l| ids(&l.rcps) == ["p-rcp1"]));
}

#[test]
fn the_management_account_is_governed_by_no_level() {
    let got = tree().policies_over(MANAGEMENT);
    assert!(matches!(
        got,
        Some(OrgPolicies::Read { ref levels, management_account: true, .. }) if levels.is_empty()
    ));
}

#[test]
fn an_account_the_tree_does_not_hold_is_left_to_a_read_of_its_own() {
    assert_eq!(tree().policies_over("999999999999"), None);
    assert_eq!(tree().policies_over(PROD), None);
}

#[test]
fn a_type_not_enabled_stands_in_as_its_full_access_policy() {
    let mut t = tree();
    t.scps_enabled = false;
    t.rcps_enabled = false;
    let Some(OrgPolicies::Read { levels, .. }) = t.policies_over(AT_ROOT) else {
        panic!("read");
    };
    assert_eq!(levels.len(), 2);
    for l in &levels {
        assert_eq!(
            l.scps,
            [lambda_trust_iam::OrgPolicy::not_enabled(PolicyKind::Scp)]
        );
        assert_eq!(
            l.rcps,
            [lambda_trust_iam::OrgPolicy::not_enabled(PolicyKind::Rcp)]
        );
    }
}

#[test]
fn a_document_that_is_no_policy_leaves_the_account_not_read_naming_it() {
    let mut t = tree();
    t.scps[1].document = json!({"Statement": "nonsense"});
    let Some(OrgPolicies::NotRead { reason }) = t.policies_over(IN_PROD) else {
        panic!("not read");
    };
    assert!(
        reason.contains("account 200000000000") && reason.contains("p-scp2"),
        "{reason}"
    );
    // An account the broken policy is not over is read.
    assert!(matches!(
        t.policies_over(AT_ROOT),
        Some(OrgPolicies::Read { .. })
    ));
}
