//! `guarded` (what `audit` says of a role) and the guardrail's exclusivity claim are one
//! question over one model: for each account of a 20-account organization, the organization
//! policies over it (`OrgTree::policies_over`, the whole path's form) say "guarded" exactly
//! when the exclusivity proof for that account (the guardrail's form) is proved.

use super::*;
use crate::organization::OrgNode;
use proof::{exclusive_in, over_account, Attached, ANY_ROLE};

const OUS: [(&str, &str); 5] = [
    ("ou-ab12-guard", ROOT),
    ("ou-ab12-nested", "ou-ab12-guard"),
    ("ou-ab12-hand", ROOT),
    ("ou-ab12-open", ROOT),
    ("ou-ab12-both", ROOT),
];

fn node(id: &str, parent: &str) -> OrgNode {
    OrgNode {
        id: id.into(),
        name: id.into(),
        parent: parent.into(),
    }
}

fn rcp(id: &str, document: Value, targets: Vec<String>, ours: bool) -> StoredPolicy {
    StoredPolicy {
        id: id.into(),
        name: id.into(),
        document,
        targets,
        ours,
        tags: Vec::new(),
    }
}

/// Four accounts in each OU; the guardrail on `guard` (so on `nested`) and `both`; a hand-made
/// RCP that also lets another org's ID in on `hand` and `both`.
fn organization() -> (OrgTree, Value) {
    let mut nodes = vec![node(MANAGEMENT, ROOT)];
    nodes.extend(OUS.iter().map(|(id, parent)| node(id, parent)));
    for (i, (ou, _)) in OUS.iter().enumerate() {
        nodes.extend((0..4).map(|n| node(&format!("2000000000{i}{n}"), ou)));
    }
    let everywhere: Vec<String> = (nodes.iter().map(|n| n.id.clone()))
        .chain([ROOT.to_owned()])
        .collect();
    let ours = guardrail_document(&spec()).unwrap();
    let wider = GuardrailSpec {
        org_ids: vec![OURS.into(), OTHER_ORG.into()],
        ..spec()
    };
    let hand = guardrail_document(&wider).unwrap();
    let targets = |ids: &[&str]| ids.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
    let tree = OrgTree {
        partition: "aws".into(),
        organization_id: "o-abcdefghij".into(),
        management_account: MANAGEMENT.into(),
        root: ROOT.into(),
        rcps_enabled: true,
        nodes,
        policies: vec![
            rcp(
                "p-RCPFullAWSAccess",
                full_access().document,
                everywhere,
                false,
            ),
            rcp(
                "p-guard",
                ours.clone(),
                targets(&["ou-ab12-guard", "ou-ab12-both"]),
                true,
            ),
            rcp(
                "p-hand",
                hand,
                targets(&["ou-ab12-hand", "ou-ab12-both"]),
                false,
            ),
        ],
        ..OrgTree::default()
    };
    (tree, ours)
}

#[test]
fn guarded_is_the_exclusivity_claim_for_every_account_of_twenty() {
    let (tree, document) = organization();
    let targets = vec!["ou-ab12-guard".to_owned(), "ou-ab12-both".to_owned()];
    let attached = Attached {
        document: &document,
        targets: &targets,
    };
    let members = tree.members();
    assert_eq!(members.len(), 20);
    let mut answers = Vec::new();
    for account in &members {
        let role = format!("arn:aws:iam::{account}:role/{ANY_ROLE}");
        let over = over_account(&tree, &attached, account);
        let proved = exclusive_in(&tree, &spec(), account, &over).is_none();
        let orgs = tree.policies_over(account);
        let said = guarded(orgs.as_ref(), &role, &[GENESYS.into()], &[OURS.into()]);
        assert_eq!(said, Some(proved), "{account}");
        answers.push(proved);
    }
    // Both answers are given: guard, nested and both are guarded; hand and open are not.
    assert_eq!(answers.iter().filter(|p| **p).count(), 12, "{answers:?}");
}
