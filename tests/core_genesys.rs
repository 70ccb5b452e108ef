//! The Genesys Cloud planner and findings in memory: hand-built desired and observed states,
//! no network.

use lambda_trust::core::drift::Severity;
use lambda_trust::core::genesys::plan::as_observed;
use lambda_trust::core::genesys::*;
use serde_json::json;

const ROLE: &str = "arn:aws:iam::111122223333:role/GenesysLambdaInvoker";
const F1: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-order";
const F2: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer:live";

fn action(target: usize, name: &str, arn: &str) -> DesiredAction {
    DesiredAction {
        target,
        name: name.into(),
        function_arn: arn.into(),
        request_template: "${input.rawRequest}".into(),
        success_template: "${rawResult}".into(),
        timeout_seconds: 30,
        input_schema: json!({"type": "object"}),
        output_schema: json!({"type": "object"}),
        sample_input: json!({}),
    }
}

fn desired() -> DesiredGenesys {
    DesiredGenesys {
        integration: "AWS Lambda".into(),
        category: "Lambda".into(),
        credential_name: "AWS Lambda role".into(),
        role_arn: ROLE.into(),
        actions: vec![
            action(0, "Lookup order", F1),
            action(1, "Lookup customer", F2),
        ],
    }
}

/// The state a successful apply of `desired()` leaves.
fn in_sync() -> ObservedGenesys {
    let d = desired();
    let ledger = Ledger {
        credential_id: "c1".into(),
        credential_modified: "2026-01-01T00:00:00.000Z".into(),
        role_arn: ROLE.into(),
        actions: vec!["a1".into(), "a2".into()],
    };
    ObservedGenesys {
        credential_key: "AmazonWebServicesARN".into(),
        matches: vec!["i1".into()],
        integration: Some(ObservedIntegration {
            id: "i1".into(),
            name: "AWS Lambda".into(),
            intended_state: "ENABLED".into(),
            version: 3,
            notes: ledger.to_notes(),
            properties: json!({}),
            advanced: json!({}),
            bound_credential: Some("c1".into()),
        }),
        credential: Some(ObservedCredential {
            id: "c1".into(),
            name: "AWS Lambda role".into(),
            type_name: "amazonWebServicesARN".into(),
            arn: None,
            modified_date: Some("2026-01-01T00:00:00.000Z".into()),
        }),
        actions: vec![
            as_observed(&d.actions[0], "Lambda", "a1", 1),
            as_observed(&d.actions[1], "Lambda", "a2", 1),
        ],
    }
}

fn ops(o: &ObservedGenesys) -> Vec<GenesysOp> {
    plan_genesys(&desired(), o, false).unwrap().ops
}

fn kinds(ops: &[GenesysOp]) -> Vec<String> {
    ops.iter()
        .map(|op| {
            serde_json::to_value(op).unwrap()["op"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn from_empty_everything_is_created_in_order() {
    let o = ObservedGenesys {
        credential_key: "AmazonWebServicesARN".into(),
        ..ObservedGenesys::default()
    };
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert_eq!(
        kinds(&plan.ops),
        [
            "create_credential",
            "create_integration",
            "create_action",
            "create_action",
            "put_config",
            "enable"
        ]
    );
    assert_eq!(plan.calls(), 6);
}

#[test]
fn the_applied_state_plans_nothing() {
    assert_eq!(ops(&in_sync()), vec![]);
}

#[test]
fn a_credential_modified_after_the_ledger_is_rewritten_as_a_security_finding() {
    let mut o = in_sync();
    o.credential.as_mut().unwrap().modified_date = Some("2026-02-01T00:00:00.000Z".into());
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["update_credential", "put_config"]);
    let f = genesys_findings(&desired(), &plan);
    assert_eq!(f[0].finding.severity, Severity::Security);
    assert!(
        f[0].finding
            .message
            .contains("modified outside lambda-trust"),
        "{f:?}"
    );
    assert_eq!(f[0].entity, Some(("Credential", "c1".to_string())));
}

#[test]
fn a_readable_arn_is_compared_directly() {
    let mut o = in_sync();
    o.credential.as_mut().unwrap().arn = Some("arn:aws:iam::999999999999:role/Other".into());
    assert_eq!(kinds(&ops(&o)), ["update_credential", "put_config"]);
}

#[test]
fn a_swapped_binding_is_security() {
    let mut o = in_sync();
    o.integration.as_mut().unwrap().bound_credential = Some("c9".into());
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["put_config"]);
    let f = genesys_findings(&desired(), &plan);
    assert_eq!(f[0].finding.severity, Severity::Security);
}

#[test]
fn template_drift_is_a_patch_and_contract_drift_a_draft() {
    let mut o = in_sync();
    o.actions[0].timeout_seconds = 5;
    o.actions[1].input_schema = json!({"type": "object", "required": ["x"]});
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["update_action", "update_action_draft"]);
    assert_eq!(plan.calls(), 4);
    let f = genesys_findings(&desired(), &plan);
    assert!(
        f.iter().all(|f| f.finding.severity == Severity::Config),
        "{f:?}"
    );
    assert!(
        f.iter().any(|f| f.finding.path == ".timeoutSeconds"),
        "{f:?}"
    );
}

#[test]
fn an_owned_action_calling_a_non_target_is_security() {
    let mut o = in_sync();
    o.actions[0].function_arn = "arn:aws:lambda:us-east-1:111122223333:function:admin".into();
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    let f = genesys_findings(&desired(), &plan);
    assert!(
        f.iter().any(|f| f.finding.severity == Severity::Security
            && f.finding.message.contains("not a target")),
        "{f:?}"
    );
}

#[test]
fn foreign_actions_are_reported_never_touched() {
    let mut o = in_sync();
    let mut foreign = o.actions[0].clone();
    foreign.id = "x1".into();
    foreign.name = "Admin".into();
    foreign.function_arn = "arn:aws:lambda:us-east-1:111122223333:function:admin".into();
    o.actions.push(foreign);
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert!(plan.ops.is_empty(), "{:?}", plan.ops);
    assert_eq!(plan.foreign.len(), 1);
    let f = genesys_findings(&desired(), &plan);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].finding.severity, Severity::Security);
}

#[test]
fn an_offboarded_target_deletes_only_its_owned_action() {
    let mut d = desired();
    d.actions.pop();
    let plan = plan_genesys(&d, &in_sync(), false).unwrap();
    assert_eq!(kinds(&plan.ops), ["delete_action", "put_config"]);
    match &plan.ops[0] {
        GenesysOp::DeleteAction { id, .. } => assert_eq!(id, "a2"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn two_integrations_with_the_name_are_an_error_naming_both() {
    let mut o = in_sync();
    o.matches.push("i2".into());
    let e = plan_genesys(&desired(), &o, false).unwrap_err();
    assert!(e.to_string().contains("i1, i2"), "{e}");
}

#[test]
fn an_integration_without_a_ledger_needs_adopt() {
    let mut o = in_sync();
    o.integration.as_mut().unwrap().notes = "made by hand".into();
    let e = plan_genesys(&desired(), &o, false).unwrap_err();
    assert!(e.to_string().contains("--adopt"), "{e}");
    // Adopting takes over the actions named as ours and rewrites the credential.
    let plan = plan_genesys(&desired(), &o, true).unwrap();
    assert_eq!(kinds(&plan.ops), ["create_credential", "put_config"]);
}

#[test]
fn destroy_removes_owned_objects_and_keeps_an_integration_with_foreign_actions() {
    let (plan, kept) = plan_genesys_destroy(&in_sync());
    assert_eq!(
        kinds(&plan.ops),
        [
            "delete_action",
            "delete_action",
            "delete_integration",
            "delete_credential"
        ]
    );
    assert!(kept.is_empty());
    let mut o = in_sync();
    let mut foreign = o.actions[0].clone();
    foreign.id = "x1".into();
    o.actions.push(foreign);
    let (plan, kept) = plan_genesys_destroy(&o);
    assert_eq!(kinds(&plan.ops), ["delete_action", "delete_action"]);
    assert_eq!(kept.len(), 1);
}

#[test]
fn the_ledger_round_trips_through_the_notes() {
    let l = Ledger {
        credential_id: "c".into(),
        credential_modified: "t".into(),
        role_arn: ROLE.into(),
        actions: vec!["a".into()],
    };
    assert_eq!(Ledger::parse(&l.to_notes()), Some(l));
    assert_eq!(Ledger::parse("hand-written notes"), None);
}

#[test]
fn genesys_findings_point_at_the_genesys_table() {
    let text = "[trust]\nexternal_id = \"x\"\n[[targets]]\nfunction = \"f\"\n[targets.action]\nname = \"F\"\n\n[genesys]   # Genesys Cloud\nintegration = \"L\"\n";
    let lines = lambda_trust::core::drift::config_lines(text);
    assert!(lines.contains(&("genesys", 8)), "{lines:?}");
}
