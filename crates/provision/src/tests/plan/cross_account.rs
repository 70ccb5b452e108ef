//! Cross-account targets in memory: the `[aws.accounts]` rules, lambda-trust's statement in
//! the desired state, and the planner's add / replace / remove of it (converge, drift, destroy),
//! on hand-built states. No moto, no network.
#![cfg(test)]

use super::support::state::*;
use crate::drift::drift_findings;
use crate::plan::changes as plan_changes;
use lambda_trust_model::{Desired, Observed, ObservedPermission};
use lambda_trust_provision::{
    plan, plan_destroy, unreachable_accounts, Code, Op, PermissionOp, PlanError, PlanOptions,
    RoleOp,
};
use serde_json::json;

const WORKLOAD: &str = "222233334444";
const TARGET: &str = "arn:aws:lambda:us-east-1:222233334444:function:billing";
const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/GenesysLambdaInvoker";
const OWNED: PlanOptions = PlanOptions { adopt: false };

fn config_text(qualifier: Option<&str>, entry: bool) -> String {
    let mut text = format!(
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\"\n\n\
         [role]\nname = \"GenesysLambdaInvoker\"\n\n[aws]\nregion = \"us-east-1\"\naccount_id = \"{ACCOUNT}\"\n\n\
         [[targets]]\nfunction = \"lookup-customer\"\n\n[[targets]]\nfunction = \"{TARGET}\"\n"
    );
    if let Some(q) = qualifier {
        text.push_str(&format!("qualifier = \"{q}\"\n"));
    }
    if entry {
        text.push_str(&format!(
            "\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"arn:aws:iam::{WORKLOAD}:role/deployer\"\n"
        ));
    }
    text
}

/// The config's desired state, and AWS with everything in place but lambda-trust's statement
/// (its policy read, with a foreign statement in it).
fn fresh(qualifier: Option<&str>) -> (Desired, Observed) {
    let config = parse(&config_text(qualifier, true));
    let d = desired(&config, &empty(&config));
    let mut o = synced_with(&d, functions_ok(&config));
    for p in &mut o.permissions {
        p.statement = None;
    }
    (d, o)
}

fn permission_ops(ops: &[Op]) -> Vec<&PermissionOp> {
    ops.iter()
        .filter_map(|op| match op {
            Op::Permission(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[test]
fn a_cross_account_target_needs_one_statement_naming_the_role() {
    let (d, _) = fresh(Some("live"));
    assert_eq!(d.permissions.len(), 1, "only the target in another account");
    let p = &d.permissions[0];
    assert_eq!(p.account, WORKLOAD);
    assert_eq!(p.function_arn, TARGET);
    assert_eq!(p.qualifier.as_deref(), Some("live"));
    assert_eq!(p.principal, ROLE_ARN);
    assert_eq!(p.resource(), format!("{TARGET}:live"));
    assert_eq!(
        p.statement(),
        json!({"Sid": p.statement_id, "Effect": "Allow", "Principal": {"AWS": ROLE_ARN},
            "Action": "lambda:InvokeFunction", "Resource": format!("{TARGET}:live")})
    );
    assert!(p.matches(&p.statement()));
}

#[test]
fn a_missing_statement_is_added_after_the_role_and_the_next_plan_is_empty() {
    let config = parse(&config_text(None, true));
    let d = desired(&config, &empty(&config));
    // Nothing exists: the role is created first, the statement last.
    let mut nothing = empty(&config);
    nothing.permissions = vec![ObservedPermission {
        function_arn: TARGET.into(),
        qualifier: None,
        statement_id: d.permissions[0].statement_id.clone(),
        statement: None,
        revision_id: None,
        document: None,
    }];
    let ops = plan(&d, &nothing, OWNED).unwrap().ops;
    assert!(matches!(ops[0], Op::Role(RoleOp::Create(_))));
    assert!(matches!(
        ops.last(),
        Some(Op::Permission(PermissionOp::Add { read: true, .. }))
    ));
    let after = observed_after(&nothing, &plan(&d, &nothing, OWNED).unwrap()).unwrap();
    assert_eq!(plan(&d, &after, OWNED).unwrap().ops, vec![]);
}

#[test]
fn in_sync_plans_nothing_and_a_removed_statement_is_one_finding() {
    let (d, mut o) = fresh(None);
    o = synced_with(&d, o.functions.clone());
    assert_eq!(plan(&d, &o, OWNED).unwrap().ops, vec![]);
    o.permissions[0].statement = None;
    let ops = plan(&d, &o, OWNED).unwrap().ops;
    assert_eq!(permission_ops(&ops).len(), 1);
    let found = drift_findings(&d, &plan_changes(&d, &o, OWNED).unwrap());
    let codes: Vec<Code> = found.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::PermissionMissing]);
}

#[test]
fn a_statement_naming_another_principal_is_replaced_with_one_finding() {
    let (d, mut o) = fresh(None);
    o = synced_with(&d, o.functions.clone());
    // The role was deleted and recreated: AWS shows the old role's unique ID.
    let mut changed = d.permissions[0].statement();
    changed["Principal"] = json!({"AWS": "AROAEXAMPLEEXAMPLE123"});
    o.permissions[0].statement = Some(changed.clone());
    o.permissions[0].revision_id = Some("rev-7".into());
    let ops = plan(&d, &o, OWNED).unwrap().ops;
    let perms = permission_ops(&ops);
    assert!(
        matches!(perms[0], PermissionOp::Remove { revision_id: Some(r), statement, .. }
        if r == "rev-7" && *statement == changed)
    );
    assert!(matches!(perms[1], PermissionOp::Add { read: true, .. }));
    assert_eq!(perms.len(), 2);
    let found = drift_findings(&d, &plan_changes(&d, &o, OWNED).unwrap());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::PermissionDiffers);
    let after = observed_after(&o, &plan(&d, &o, OWNED).unwrap()).unwrap();
    assert_eq!(plan(&d, &after, OWNED).unwrap().ops, vec![]);
    // A condition added to it is drift too.
    let mut conditioned = d.permissions[0].statement();
    conditioned["Condition"] = json!({"StringEquals": {"aws:SourceAccount": "111122223333"}});
    o.permissions[0].statement = Some(conditioned);
    assert_eq!(permission_ops(&plan(&d, &o, OWNED).unwrap().ops).len(), 2);
}

#[test]
fn destroy_removes_only_our_statement_and_before_the_role() {
    let (d, mut o) = fresh(None);
    o = synced_with(&d, o.functions.clone());
    let (destroy, _) = plan_destroy(&o).unwrap();
    let perms = permission_ops(&destroy.ops);
    assert_eq!(perms.len(), 1);
    assert_eq!(
        perms[0].permission().statement_id,
        d.permissions[0].statement_id
    );
    let removed = destroy
        .ops
        .iter()
        .position(|op| matches!(op, Op::Permission(_)));
    let deleted = (destroy.ops.iter()).position(|op| matches!(op, Op::Role(RoleOp::Delete { .. })));
    assert!(removed < deleted);
    // Nothing under our ID: nothing to remove.
    o.permissions[0].statement = None;
    assert!(permission_ops(&plan_destroy(&o).unwrap().0.ops).is_empty());
}

#[test]
fn a_target_no_longer_configured_has_its_statement_removed_when_read() {
    let (d, mut o) = fresh(None);
    o = synced_with(&d, o.functions.clone());
    let mut without = d.clone();
    without.permissions.clear();
    let ops = plan(&without, &o, OWNED).unwrap().ops;
    assert!(matches!(
        permission_ops(&ops)[..],
        [PermissionOp::Remove { .. }]
    ));
}

#[test]
fn without_an_accounts_entry_the_statement_is_shown_unread_and_said() {
    let config = parse(&config_text(None, false));
    let d = desired(&config, &empty(&config));
    let o = synced_with(&d, functions_ok(&config));
    let mut unread = o.clone();
    unread.permissions.clear();
    let ops = plan(&d, &unread, OWNED).unwrap().ops;
    assert!(matches!(
        permission_ops(&ops)[..],
        [PermissionOp::Add { read: false, .. }]
    ));
    let unreachable = unreachable_accounts(&d);
    assert_eq!(
        unreachable.get(WORKLOAD).cloned(),
        Some(vec![TARGET.to_owned()])
    );
    let found = drift_findings(&d, &plan_changes(&d, &unread, OWNED).unwrap());
    assert!(found[0].message.contains("[aws.accounts]"), "{found:?}");
}

#[test]
fn a_cross_account_target_with_every_qualifier_is_refused() {
    let config = parse(&config_text(Some("*"), true));
    let d = desired(&config, &empty(&config));
    assert!(d.permissions.is_empty());
    let o = synced_with(&d, functions_ok(&config));
    match plan(&d, &o, OWNED) {
        Err(PlanError::AllQualifiersAcrossAccounts { targets }) => {
            assert_eq!(targets, [format!("{TARGET}:*")])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn accounts_entries_are_validated() {
    let base = config_text(None, false);
    let bad = |entry: &str| -> Vec<String> {
        let text = format!("{base}\n{entry}\n");
        match lambda_trust_config::parse_str(&text, "t.toml", None) {
            Ok(_) => panic!("accepted: {entry}"),
            Err(lambda_trust_config::ConfigError::Invalid { problems, .. }) => problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect(),
            Err(e) => panic!("not a broken rule: {e}"),
        }
    };
    let p = bad("[aws.accounts.\"2222\"]\nprofile = \"w\"");
    assert!(
        p[0].contains("aws.accounts.\"2222\"") && p[0].contains("12 digits"),
        "{p:?}"
    );
    let p = bad(&format!("[aws.accounts.\"{WORKLOAD}\"]\nprofile = \"w\"\nrole_arn = \"arn:aws:iam::{WORKLOAD}:role/d\""));
    assert!(
        p[0].contains("exactly one of profile and role_arn"),
        "{p:?}"
    );
    let p = bad(&format!("[aws.accounts.\"{WORKLOAD}\"]"));
    assert!(
        p[0].contains("exactly one of profile and role_arn"),
        "{p:?}"
    );
    let p = bad(&format!(
        "[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"arn:aws:iam::999988887777:role/d\""
    ));
    assert!(
        p[0].contains(".role_arn") && p[0].contains("not 222233334444"),
        "{p:?}"
    );
    let p = bad(&format!(
        "[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"arn:aws:s3:::bucket\""
    ));
    assert!(p[0].contains("not an IAM role ARN"), "{p:?}");
    let p = bad(&format!(
        "[aws.accounts.\"{WORKLOAD}\"]\nprofile = \"w\"\nexternal_id = \"abc\""
    ));
    assert!(p[0].contains("go with role_arn only"), "{p:?}");
    let p = bad(&format!(
        "[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"arn:aws:iam::{WORKLOAD}:role/d\"\nsession_name = \"a b\""
    ));
    assert!(p[0].contains(".session_name"), "{p:?}");
    // An unknown key is a TOML error naming it.
    let typo = format!("{base}\n[aws.accounts.\"{WORKLOAD}\"]\nprofil = \"w\"\n");
    let e = lambda_trust_config::parse_str(&typo, "t.toml", None).unwrap_err();
    assert!(e.to_string().contains("profil"), "{e}");
    // A good entry of each kind parses.
    for entry in [
        "profile = \"workload\"".to_owned(),
        format!("role_arn = \"arn:aws:iam::{WORKLOAD}:role/d\"\nexternal_id = \"ext-1\"\nsession_name = \"ci\""),
    ] {
        let text = format!("{base}\n[aws.accounts.\"{WORKLOAD}\"]\n{entry}\n");
        lambda_trust_config::parse_str(&text, "t.toml", None).unwrap_or_else(|e| panic!("{e}"));
    }
}
