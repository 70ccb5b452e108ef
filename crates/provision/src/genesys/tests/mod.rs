//! The Genesys Cloud planner and findings in memory: hand-built desired and observed states,
//! no network.
#![cfg(test)]

use crate::genesys::plan::{as_observed, template_reach, DeleteWhy};
use crate::*;
use lambda_trust_model::{
    settled_by_ledger, ActionDef, ActionRecord, DesiredAction, DesiredGenesys, Flow, Ledger,
    ObservedAction, ObservedCredential, ObservedGenesys, ObservedIntegration, SinceLedger,
};
use lambda_trust_verdict::Severity;
use serde_json::json;

const ROLE: &str = "arn:aws:iam::111122223333:role/GenesysLambdaInvoker";
const F1: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-order";
const F2: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer:live";

fn action(target: usize, name: &str, arn: &str) -> DesiredAction {
    DesiredAction {
        target,
        def: def(name, arn),
        sample_input: json!({}),
        expect: None,
        default_timeout: false,
    }
}

/// An action in category "Lambda" with the default templates, a 30 s timeout, open schemas.
fn def(name: &str, arn: &str) -> ActionDef {
    serde_json::from_value(json!({
        "name": name, "category": "Lambda",
        "config": {"request": {"requestUrlTemplate": arn, "requestTemplate": "${input.rawRequest}"},
                   "response": {"successTemplate": "${rawResult}"}, "timeoutSeconds": 30},
        "contract": {"input": {"inputSchema": {"type": "object"}},
                     "output": {"successSchema": {"type": "object"}}},
    }))
    .unwrap()
}

/// [`def`] as the action list shows it: the config without the template texts, no contract.
fn listed_def(name: &str, arn: &str) -> ActionDef {
    serde_json::from_value(json!({
        "name": name, "category": "Lambda",
        "config": {"request": {"requestUrlTemplate": arn}, "response": {}, "timeoutSeconds": 30},
    }))
    .unwrap()
}

fn desired() -> DesiredGenesys {
    DesiredGenesys {
        deployment: None,
        integration: "AWS Lambda".into(),
        integration_id: None,
        category: "Lambda".into(),
        credential_name: "AWS Lambda role".into(),
        role_arn: ROLE.into(),
        actions: vec![
            action(0, "Lookup order", F1),
            action(1, "Lookup customer", F2),
        ],
        granted: vec![F1.into(), F2.into()],
        region: None,
        drafts: false,
        publish_drafts: false,
    }
}

fn record(id: &str, d: &DesiredAction, version: i64) -> ActionRecord {
    ActionRecord {
        id: id.into(),
        version: Some(version),
        contract: d.def.contract_digest(),
        config: d.def.config_digest(),
    }
}

/// The ledger a successful apply of `desired()` leaves.
fn ledger() -> Ledger {
    let d = desired();
    Ledger {
        deployment: None,
        credential_id: "c1".into(),
        credential_modified: "2026-01-01T00:00:00.123Z".into(),
        role_arn: ROLE.into(),
        actions: vec![
            record("a1", &d.actions[0], 1),
            record("a2", &d.actions[1], 1),
        ],
        superseded: vec![],
    }
}

/// The state a successful apply of `desired()` leaves.
fn in_sync() -> ObservedGenesys {
    let d = desired();
    let ledger = ledger();
    ObservedGenesys {
        credential_key: "AmazonWebServicesARN".into(),
        matches: vec!["i1".into()],
        integration: Some(ObservedIntegration {
            id: "i1".into(),
            name: "AWS Lambda".into(),
            intended_state: "ENABLED".into(),
            version: 3,
            notes: ledger.to_notes(""),
            properties: json!({}),
            advanced: json!({}),
            bound_credential: Some("c1".into()),
        }),
        credential: Some(ObservedCredential {
            id: "c1".into(),
            name: "AWS Lambda role".into(),
            type_name: "amazonWebServicesARN".into(),
            arn: None,
            // The listing carries seconds where the write's answer carried milliseconds.
            modified_date: Some("2026-01-01T00:00:00Z".into()),
            since_ledger: SinceLedger::Unchanged,
        }),
        actions: vec![
            as_observed(&d.actions[0], "Lambda", "a1", 1),
            as_observed(&d.actions[1], "Lambda", "a2", 1),
        ],
        ..ObservedGenesys::default()
    }
}

fn flow(name: &str) -> Flow {
    Flow {
        id: format!("flow-{name}"),
        name: name.into(),
        flow_type: "INBOUNDCALLFLOW".into(),
        version: "3.0".into(),
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
    assert_eq!(plan.ops.len(), 6);
}

#[test]
fn the_applied_state_plans_nothing() {
    assert_eq!(ops(&in_sync()), vec![]);
}

#[test]
fn a_credential_modified_after_the_ledger_is_rewritten_as_a_security_finding() {
    let mut o = in_sync();
    let c = o.credential.as_mut().unwrap();
    c.modified_date = Some("2026-02-01T00:00:00.000Z".into());
    c.since_ledger = SinceLedger::Changed;
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
fn template_drift_is_a_patch_keeping_the_id() {
    let mut o = in_sync();
    o.actions[0].def.config.timeout_seconds = Some(5);
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["update_action", "put_config"]);
    assert_eq!(plan.ops.len(), 2);
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
fn a_contract_change_of_an_unused_action_replaces_it_and_deletes_the_old_one() {
    let mut d = desired();
    d.actions[1].def.contract.input_schema = json!({"type": "object", "required": ["x"]});
    let mut o = in_sync();
    // Unknown callers: kept (renamed), never deleted blindly; the plan asks.
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert_eq!(
        kinds(&plan.ops),
        ["supersede_action", "create_action", "put_config"]
    );
    assert_eq!(plan.unknown_consumers(), ["a2"]);
    // Nobody calls it: deleted first (freeing its name), then the new action.
    o.consumers.insert("a2".into(), vec![]);
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert_eq!(
        kinds(&plan.ops),
        ["delete_action", "create_action", "put_config"]
    );
    assert!(plan.unknown_consumers().is_empty());
    assert!(plan.refuse_in_use(false).is_ok());
    let GenesysOp::CreateAction {
        replaces: Some(r), ..
    } = &plan.ops[1]
    else {
        panic!("{:?}", plan.ops)
    };
    assert_eq!(
        (r.id.as_str(), r.differs.clone(), r.kept),
        ("a2", vec!["inputSchema".to_string()], false)
    );
    let f = genesys_findings(&d, &plan);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].finding.message.contains("new action (new ID)"),
        "{f:?}"
    );
}

#[test]
fn a_contract_change_of_an_action_a_flow_calls_keeps_the_old_one_superseded() {
    let mut d = desired();
    d.actions[1].def.contract.success_schema =
        json!({"type": "object", "properties": {"ok": {"type": "boolean"}}});
    let mut o = in_sync();
    o.consumers.insert("a2".into(), vec![flow("Main IVR")]);
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert_eq!(
        kinds(&plan.ops),
        ["supersede_action", "create_action", "put_config"]
    );
    let GenesysOp::SupersedeAction { new_name, .. } = &plan.ops[0] else {
        panic!()
    };
    assert_eq!(new_name, "Lookup customer (superseded a2)");
    let GenesysOp::PutConfig(w) = &plan.ops[2] else {
        panic!()
    };
    assert_eq!(w.superseded, vec!["a2".to_string()]);
    // Applied: the old action renamed and in the ledger's superseded list; a new one.
    let mut after = o.clone();
    let mut l = ledger();
    l.superseded = vec!["a2".into()];
    l.actions[1] = record("a3", &d.actions[1], 1);
    after.integration.as_mut().unwrap().notes = l.to_notes("");
    after.actions[1].def.name = new_name.clone();
    after
        .actions
        .push(as_observed(&d.actions[1], "Lambda", "a3", 1));
    let plan = plan_genesys(&d, &after, false).unwrap();
    assert!(plan.ops.is_empty(), "{:?}", plan.ops);
    assert_eq!(plan.kept.len(), 1);
    let notes = genesys_notes(&plan, None);
    assert!(notes[0].contains("Main IVR"), "{notes:?}");
    // Once no published flow calls it, the next apply deletes it.
    after.consumers.insert("a2".into(), vec![]);
    let plan = plan_genesys(&d, &after, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["delete_action", "put_config"]);
    assert!(genesys_findings(&d, &plan).is_empty());
}

#[test]
fn deleting_an_action_a_flow_calls_is_refused_unless_forced() {
    let mut d = desired();
    d.actions.pop();
    let mut o = in_sync();
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert_eq!(plan.unknown_consumers(), ["a2"]);
    // Unknown callers are not "no callers".
    assert!(plan.refuse_in_use(false).is_err());
    o.consumers
        .insert("a2".into(), vec![flow("Main IVR"), flow("Billing")]);
    let plan = plan_genesys(&d, &o, false).unwrap();
    let e = lambda_trust_verdict::shown(&plan.refuse_in_use(false).unwrap_err());
    assert!(
        e.contains("\"Main IVR\" (INBOUNDCALLFLOW, version 3.0") && e.contains("Billing"),
        "{e}"
    );
    assert!(e.contains("--force"), "{e}");
    assert!(plan.refuse_in_use(true).is_ok());
    o.consumers.insert("a2".into(), vec![]);
    assert!(plan_genesys(&d, &o, false)
        .unwrap()
        .refuse_in_use(false)
        .is_ok());
}

#[test]
fn an_action_listed_at_its_recorded_version_is_settled_without_reading_it() {
    let d = desired();
    let l = ledger();
    let listed = |version| ObservedAction {
        id: "a1".into(),
        version,
        def: listed_def("Lookup order", F1),
    };
    assert_eq!(
        settled_by_ledger(&d, &l, &listed(1)),
        Some(as_observed(&d.actions[0], "Lambda", "a1", 1))
    );
    // Edited since (the version moved), or configured otherwise since: read it.
    assert_eq!(settled_by_ledger(&d, &l, &listed(2)), None);
    let mut changed = d.clone();
    changed.actions[0].def.config.request.request_template = "{}".into();
    assert_eq!(settled_by_ledger(&changed, &l, &listed(1)), None);
    let mut changed = d.clone();
    changed.actions[0].def.contract.success_schema = json!({"type": "string"});
    assert_eq!(settled_by_ledger(&changed, &l, &listed(1)), None);
    // A ledger written before records existed: read once.
    let old = ObservedIntegration {
        notes: "lambda-trust-ledger: {\"credential_id\":\"c1\",\"credential_modified\":\"t\",\"role_arn\":\"r\",\"actions\":[\"a1\"]}".into(),
        ..in_sync().integration.unwrap()
    }
    .ledger()
    .unwrap();
    assert_eq!(old.actions[0].id, "a1");
    assert_eq!(settled_by_ledger(&d, &old, &listed(1)), None);
}

#[test]
fn an_action_edited_and_found_as_configured_only_updates_the_records() {
    let mut o = in_sync();
    o.actions[0].version = 4;
    let plan = plan_genesys(&desired(), &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["put_config"]);
    assert!(genesys_findings(&desired(), &plan).is_empty());
}

#[test]
fn a_listed_date_in_the_second_of_the_write_is_neither_unchanged_nor_changed() {
    use lambda_trust_model::{compare_listed_dates, whole_second, Listed};
    let write = "2026-01-01T00:00:00.123Z";
    // The listing shows only the write's second: someone may have edited it in that second.
    assert_eq!(
        compare_listed_dates("2026-01-01T00:00:00Z", write),
        Listed::SameSecond
    );
    assert_eq!(
        compare_listed_dates("2026-01-01T00:00:01Z", write),
        Listed::Changed
    );
    assert_eq!(compare_listed_dates(write, write), Listed::Unchanged);
    assert_eq!(
        compare_listed_dates("2026-01-01T00:00:00.124Z", write),
        Listed::Changed
    );
    // Once settled (the second over, the audit trail clean), the whole second is recorded and
    // the listings compare exactly.
    let settled = whole_second(write).unwrap();
    assert_eq!(settled, "2026-01-01T00:00:00Z");
    assert_eq!(
        compare_listed_dates("2026-01-01T00:00:00Z", &settled),
        Listed::Unchanged
    );
    assert_eq!(
        compare_listed_dates("2026-01-01T00:00:01Z", &settled),
        Listed::Changed
    );
}

#[test]
fn an_owned_action_calling_a_non_target_is_security() {
    let mut o = in_sync();
    o.actions[0].def.config.request.request_url_template =
        "arn:aws:lambda:us-east-1:111122223333:function:admin".into();
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
    foreign.def.name = "Admin".into();
    foreign.def.config.request.request_url_template =
        "arn:aws:lambda:us-east-1:111122223333:function:admin".into();
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
    let mut o = in_sync();
    o.consumers.insert("a2".into(), vec![]);
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["delete_action", "put_config"]);
    match &plan.ops[0] {
        GenesysOp::DeleteAction { id, why, .. } => {
            assert_eq!((id.as_str(), *why), ("a2", DeleteWhy::NotATarget))
        }
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
    assert!(lambda_trust_verdict::shown(&e).contains("--adopt"), "{e}");
    // Adopting takes over the actions named as ours and the bound credential (its redacted
    // ARN written again, in place).
    let plan = plan_genesys(&desired(), &o, true).unwrap();
    assert_eq!(kinds(&plan.ops), ["update_credential", "put_config"]);
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
fn genesys_findings_point_at_the_genesys_table() {
    let text = "[trust]\nexternal_id = \"x\"\n[[targets]]\nfunction = \"f\"\n[targets.action]\nname = \"F\"\n\n[genesys]   # Genesys Cloud\nintegration = \"L\"\n";
    let lines = crate::drift::config_lines(text);
    assert!(
        lines.contains(&(crate::drift::ConfigKey::Genesys, 8)),
        "{lines:?}"
    );
}

#[test]
fn each_action_is_compared_with_its_own_category() {
    let mut d = desired();
    d.actions[1].def.category = "Customers".into();
    let mut o = in_sync();
    o.actions[1].def.category = "Customers".into();
    let action_ops = |o: &ObservedGenesys| -> Vec<String> {
        kinds(&plan_genesys(&d, o, false).unwrap().ops)
            .into_iter()
            .filter(|k| k.contains("action"))
            .collect()
    };
    assert!(action_ops(&o).is_empty(), "{:?}", action_ops(&o));
    o.actions[1].def.category = "Lambda".into();
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert!(
        plan.ops.iter().any(
            |op| matches!(op, GenesysOp::UpdateAction { category, .. } if category == "Customers")
        ),
        "{:#?}",
        plan.ops
    );
}

#[test]
fn adopting_keeps_the_bound_credential_and_writes_the_arn_only_when_it_is_unknown() {
    let d = desired();
    let mut o = in_sync();
    o.integration.as_mut().unwrap().notes = "Owned by the CX team".into();
    // Redacted ARN: written into the same credential, never a new one.
    let plan = plan_genesys(&d, &o, true).unwrap();
    assert!(
        plan.ops
            .iter()
            .any(|op| matches!(op, GenesysOp::UpdateCredential { id, .. } if id == "c1")),
        "{:#?}",
        plan.ops
    );
    assert!(!kinds(&plan.ops).contains(&"create_credential".to_string()));
    let put = plan.ops.iter().find_map(|op| match op {
        GenesysOp::PutConfig(w) => Some(w.notes.clone()),
        _ => None,
    });
    assert_eq!(
        put.as_deref(),
        Some("Owned by the CX team"),
        "the notes are kept"
    );
    // Returned and naming the role: adopted as it is.
    o.credential.as_mut().unwrap().arn = Some(ROLE.into());
    let plan = plan_genesys(&d, &o, true).unwrap();
    assert!(
        !kinds(&plan.ops).iter().any(|k| k.contains("credential")),
        "{:#?}",
        plan.ops
    );
}

#[test]
fn a_pinned_integration_that_is_not_there_is_an_error_never_a_create() {
    let mut d = desired();
    d.integration_id = Some("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b".into());
    assert!(
        plan_genesys(&d, &in_sync(), false).is_ok(),
        "found: planned as usual"
    );
    let missing = ObservedGenesys {
        credential_key: "AmazonWebServicesARN".into(),
        ..ObservedGenesys::default()
    };
    let e = plan_genesys(&d, &missing, true).unwrap_err().to_string();
    assert!(
        e.contains("6f1e2d3c") && e.contains("no integration with that ID"),
        "{e}"
    );
    let other = ObservedGenesys {
        pinned_type: Some("custom-rest-actions".into()),
        ..missing
    };
    let e = plan_genesys(&d, &other, true).unwrap_err().to_string();
    assert!(e.contains("of type custom-rest-actions"), "{e}");
}

/// Genesys Cloud invokes functions in other regions than its organization's (its help page,
/// "Create IAM resources to invoke an AWS Lambda function", in French and German): a target
/// elsewhere is no failed check, only a note in the plan (latency, data residency); with the
/// region unknown (an API URL), nothing is said.
mod checks;
