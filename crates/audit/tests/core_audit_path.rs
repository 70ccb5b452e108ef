//! `lambda_trust_audit::judge_path` in memory: the whole path of a reported role over function and
//! organization policies handed in as plain data — the cases the local AWS cannot seed (a
//! function policy with a Deny: `AddPermission` writes only Allows; a cross-account target), and
//! an unread organization said once, not proved.

use std::collections::BTreeMap;

use lambda_trust_audit::{
    audit_account, judge_path, AccountIam, AuditOptions, AuditPath, AuditRole,
};
use lambda_trust_iam::{OrgPolicies, Policy};
use lambda_trust_model::{FunctionPolicy, PathSources};
use serde_json::json;

const OWN: &str = "111122223333";
const OTHER: &str = "444455556666";
const GENESYS: &str = "765628985471";
const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

fn function(account: &str, name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{account}:function:{name}")
}

fn account(targets: &[String]) -> AccountIam {
    let role = AuditRole {
        name: "genesys".into(),
        arn: format!("arn:aws:iam::{OWN}:role/genesys"),
        trust: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{GENESYS}:root")}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]}),
        inline: vec![(
            "invoke".into(),
            json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": targets}]}),
        )],
        attached: Vec::new(),
        boundary: None,
        tags: BTreeMap::new(),
    };
    AccountIam {
        account_id: OWN.into(),
        roles: vec![role],
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    }
}

fn judged(
    targets: &[String],
    policies: Vec<(String, FunctionPolicy)>,
    orgs: OrgPolicies,
) -> Vec<(String, String)> {
    let iam = account(targets);
    let opts = AuditOptions {
        partners: vec![GENESYS.into()],
        region: Some("us-east-1".into()),
        ..AuditOptions::default()
    };
    let mut report = audit_account(&iam, &opts, 0);
    let path = AuditPath {
        sources: PathSources {
            genesys_org: None,
            orgs: [OWN, OTHER]
                .iter()
                .map(|a| (a.to_string(), orgs.clone()))
                .collect(),
            function_policies: policies.into_iter().collect(),
            ..PathSources::default()
        },
        ..AuditPath::default()
    };
    judge_path(&mut report, &iam, &opts, &path);
    // The role is not tagged: `unmanaged` is the audit's own, not the path's.
    (report.roles[0].findings.iter())
        .filter(|f| f.code.path().is_some())
        .map(|f| (f.code.to_string().to_owned(), f.message.clone()))
        .collect()
}

fn policy(doc: serde_json::Value) -> FunctionPolicy {
    FunctionPolicy::Policy(Policy::try_from(&doc).unwrap())
}

#[test]
fn a_function_policy_denying_the_role_blocks_it() {
    let target = function(OWN, "guarded");
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoGenesys", "Effect": "Deny",
        "Principal": {"AWS": format!("arn:aws:iam::{OWN}:role/genesys")},
        "Action": "lambda:InvokeFunction", "Resource": target}]});
    let found = judged(
        std::slice::from_ref(&target),
        vec![(target.clone(), policy(deny))],
        OrgPolicies::NoOrganization,
    );
    let blocks: Vec<_> = found
        .iter()
        .filter(|(c, _)| c == "function-policy-blocks")
        .collect();
    assert_eq!(blocks.len(), 1, "{found:#?}");
    assert!(
        blocks[0].1.contains("NoGenesys") && blocks[0].1.contains(&target),
        "{found:#?}"
    );
    // Without the Deny: nothing to say.
    let found = judged(
        std::slice::from_ref(&target),
        vec![(target.clone(), FunctionPolicy::None)],
        OrgPolicies::NoOrganization,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_target_in_another_account_needs_its_policy_to_allow_the_role() {
    let target = function(OTHER, "shared");
    let found = judged(
        std::slice::from_ref(&target),
        vec![(target.clone(), FunctionPolicy::None)],
        OrgPolicies::NoOrganization,
    );
    assert!(
        found
            .iter()
            .any(|(c, _)| c == "cross-account-permission-missing"),
        "{found:#?}"
    );
    let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{OWN}:role/genesys")},
        "Action": "lambda:InvokeFunction", "Resource": target}]});
    let found = judged(
        std::slice::from_ref(&target),
        vec![(target.clone(), policy(allow))],
        OrgPolicies::NoOrganization,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn organization_policies_not_read_are_said_once_and_never_proved() {
    let targets = [function(OWN, "a"), function(OWN, "b")];
    let policies = targets
        .iter()
        .map(|t| (t.clone(), FunctionPolicy::None))
        .collect();
    let unread = OrgPolicies::NotRead {
        reason: "AccessDeniedException".into(),
    };
    let found = judged(&targets, policies, unread);
    let not_read: Vec<_> = found.iter().filter(|(c, _)| c == "path-not-read").collect();
    assert_eq!(
        not_read.len(),
        1,
        "one finding for both targets: {found:#?}"
    );
    assert!(
        targets.iter().all(|t| not_read[0].1.contains(t.as_str())),
        "{found:#?}"
    );
    // A function policy not read: who else gets in is unknown (security), never proved.
    let found = judged(&targets[..1], Vec::new(), OrgPolicies::NoOrganization);
    assert!(found.iter().any(|(c, _)| c == "path-unknown"), "{found:#?}");
}

/// Issue 43, item 2: a function policy not read (AccessDenied in the function's account) is
/// unknown, said once — never also "function policy (none): no statement allows", never
/// `cross-account-permission-missing`.
#[test]
fn a_function_policy_not_read_is_unknown_once_never_a_block() {
    let target = function(OTHER, "lookup");
    let not_read = FunctionPolicy::NotRead {
        reason: "AccessDeniedException: not authorized to perform lambda:GetPolicy".into(),
    };
    let found = judged(
        std::slice::from_ref(&target),
        vec![(target.clone(), not_read)],
        OrgPolicies::NoOrganization,
    );
    assert!(
        !found
            .iter()
            .any(|(c, m)| c == "cross-account-permission-missing"
                || m.contains("no statement allows")
                || m.contains("stopped")),
        "not read is not a block: {found:#?}"
    );
    let about: Vec<_> = found.iter().filter(|(_, m)| m.contains(&target)).collect();
    assert!(
        about
            .iter()
            .all(|(_, m)| m.contains("AccessDeniedException")),
        "{found:#?}"
    );
    // One cause, one unknown: who else gets in is not proved (security), saying Genesys
    // Cloud's way through is not proved either — never also a config unknown of its own.
    let codes: Vec<&str> = about.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["path-unknown"], "{found:#?}");
    assert!(about[0]
        .1
        .contains("whether Genesys Cloud gets through is not proved either"));
}

/// What is known still decides: an SCP that denies the invoke blocks whatever the unread
/// function policy says.
#[test]
fn a_known_deny_blocks_even_beside_a_function_policy_not_read() {
    use lambda_trust_iam::{Level, LevelKind, OrgLevel, OrgPolicy, PolicyKind};
    let target = function(OTHER, "lookup");
    let scp = |doc: serde_json::Value| OrgPolicy {
        id: "p-deny".into(),
        name: "deny-lambda".into(),
        policy: Policy::try_from(&doc).unwrap(),
    };
    let level = |kind, id: &str| OrgLevel {
        level: Level {
            kind,
            id: id.into(),
            name: id.into(),
        },
        scps: vec![scp(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*"}]}))],
        rcps: vec![OrgPolicy::not_enabled(PolicyKind::Rcp)],
    };
    let orgs = OrgPolicies::Read {
        levels: vec![
            level(LevelKind::Root, "r-ab12"),
            level(LevelKind::Account, OWN),
        ],
        management_account: false,
        organization_id: None,
    };
    let not_read = FunctionPolicy::NotRead {
        reason: "AccessDeniedException".into(),
    };
    let found = judged(
        std::slice::from_ref(&target),
        vec![(target.clone(), not_read)],
        orgs,
    );
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "org-policy-blocks" && m.contains("deny-lambda")),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|(_, m)| m.contains("function policy (none)")),
        "{found:#?}"
    );
}
