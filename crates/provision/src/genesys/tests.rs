//! The Genesys Cloud planner and findings in memory: hand-built desired and observed states,
//! no network.
#![cfg(test)]

use crate::genesys::plan::{as_observed, template_reach};
use crate::*;
use lambda_trust_model::{
    settled_by_ledger, ActionDef, ActionRecord, DesiredAction, DesiredGenesys, Flow, Ledger,
    ListedAction, ObservedCredential, ObservedGenesys, ObservedIntegration, SinceLedger,
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
    d.actions[1].def.contract.input.input_schema = json!({"type": "object", "required": ["x"]});
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
    d.actions[1].def.contract.output.success_schema =
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
    let listed = |version| ListedAction {
        id: "a1".into(),
        version,
        def: def("Lookup order", F1).as_listed(),
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
    changed.actions[0].def.contract.output.success_schema = json!({"type": "string"});
    assert_eq!(settled_by_ledger(&changed, &l, &listed(1)), None);
    // A ledger written before records existed: read once.
    let old = Ledger::parse(
        "lambda-trust-ledger: {\"credential_id\":\"c1\",\"credential_modified\":\"t\",\"role_arn\":\"r\",\"actions\":[\"a1\"]}",
    )
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
fn the_ledger_round_trips_through_the_notes() {
    let mut l = ledger();
    l.superseded = vec!["a0".into()];
    assert_eq!(Ledger::parse(&l.to_notes("")), Some(l));
    assert_eq!(Ledger::parse("hand-written notes"), None);
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
#[test]
fn a_target_in_another_region_is_a_note_never_a_failure() {
    let eu = "arn:aws:lambda:eu-west-1:111122223333:function:lookup-invoice";
    let judged = |region: Option<&str>, granted: &[&str]| {
        let mut d = desired();
        d.region = region.map(str::to_owned);
        d.granted = granted.iter().map(|s| s.to_string()).collect();
        let checks = genesys_checks(&d, &in_sync(), Some(ROLE), &[]);
        let plan = plan_genesys(&d, &in_sync(), false).unwrap();
        (checks, genesys_notes(&plan, None))
    };
    let (checks, notes) = judged(Some("us-east-1"), &[F1, eu]);
    assert!(checks.iter().all(|c| c.passed), "{checks:#?}");
    let note = notes
        .iter()
        .find(|n| n.contains(eu))
        .expect("a note naming the target");
    assert!(
        note.contains("us-east-1") && note.contains("latency"),
        "{note}"
    );
    assert!(!note.contains(F1), "{note}");
    let (_, notes) = judged(Some("us-east-1"), &[F1]);
    assert!(notes.iter().all(|n| !n.contains("outside")), "{notes:?}");
    let (_, notes) = judged(None, &[F1, eu]);
    assert!(notes.iter().all(|n| !n.contains("outside")), "{notes:?}");
}

/// A function allowed to run longer than its action waits fails in the flow as a timeout while
/// Lambda keeps running it: a failed check naming the action. Timeouts read for another
/// qualifier do not count; none read, nothing is claimed.
#[test]
fn every_function_must_finish_within_its_actions_timeout() {
    let function = |arn: &str, qualifier: Option<&str>, timeout: Option<i64>| {
        lambda_trust_model::ObservedFunction {
            function: arn.into(),
            region: "us-east-1".into(),
            qualifier: qualifier.map(str::to_owned),
            arn: Some(arn.into()),
            problem: None,
            timeout,
        }
    };
    let order = F1;
    let customer = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer";
    let d = desired();
    let wait = d.actions[0].def.config.timeout_limit();
    let fits = [
        function(order, None, Some(wait)),
        function(customer, Some("live"), Some(3)),
    ];
    let c = super::findings::timeout_check(&d, &fits).unwrap();
    assert!(c.passed, "{c:?}");
    assert!(c.detail.contains("2 action(s)"), "{c:?}");
    let long = [
        function(order, None, Some(wait + 1)),
        function(customer, Some("live"), None),
    ];
    let c = super::findings::timeout_check(&d, &long).unwrap();
    assert!(!c.passed);
    assert!(c.detail.contains("\"Lookup order\""), "{}", c.detail);
    // A timeout read for the unqualified function does not speak for the alias.
    assert!(super::findings::timeout_check(&d, &[function(customer, None, Some(900))]).is_none());
    assert!(super::findings::timeout_check(&d, &[]).is_none());
    // No timeout set: judged against the 60 s Genesys Cloud waits at most.
    let mut none = desired();
    none.actions[0].def.config.timeout_seconds = None;
    assert!(
        super::findings::timeout_check(&none, &[function(order, None, Some(60))])
            .unwrap()
            .passed
    );
    assert!(
        !super::findings::timeout_check(&none, &[function(order, None, Some(61))])
            .unwrap()
            .passed
    );
}

/// The verdict of a test run: Genesys's steps, then the answer — an error payload behind a
/// 2xx, the output contract, `expect` — and the timing beside the timeout; a secure action's
/// values never in the text.
#[test]
fn a_test_run_passes_only_with_an_answer_the_contract_and_expect_accept() {
    use crate::genesys::test_verdict::{test_verdict, TestRun};
    let mut d = action(0, "Validate card", F1);
    d.def.config.timeout_seconds = Some(5);
    d.def.contract.output.success_schema = json!({"$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object", "required": ["valid"], "properties": {"valid": {"type": "boolean"}, "card": {"type": "string"}}});
    let run = |output: serde_json::Value| TestRun {
        success: true,
        steps: "Invoke ok".into(),
        output: Some(output),
        millis: 1200,
    };
    let (ok, detail) = test_verdict(&d, &run(json!({"valid": true})));
    assert!(ok, "{detail}");
    assert!(detail.contains("took 1.2 s of its 5 s timeout"), "{detail}");
    let failing = [
        (
            json!({"valid": "yes", "card": "4111111111111111"}),
            "/valid",
        ),
        (
            json!({"card": "4111111111111111"}),
            "breaks the output contract",
        ),
        (
            json!({"statusCode": 500, "card": "4111111111111111"}),
            "statusCode 500",
        ),
        (
            json!({"statusCode": "404", "valid": true, "card": "4111111111111111"}),
            "statusCode 404",
        ),
        (
            json!({"errorMessage": "card 4111111111111111 refused", "errorType": "ValueError"}),
            "failed with ValueError",
        ),
    ];
    for (output, needle) in &failing {
        let (ok, detail) = test_verdict(&d, &run(output.clone()));
        assert!(!ok, "{output}: {detail}");
        assert!(detail.contains(needle), "{output}: {detail}");
        assert!(
            detail.contains("4111111111111111"),
            "the payload is shown: {detail}"
        );
    }
    // Genesys's own run failed (a step, the timeout): the steps are the verdict.
    let slow = TestRun {
        success: false,
        steps: "Answer FAILED (the function did not answer within the action's timeout (5 s))"
            .into(),
        output: None,
        millis: 5100,
    };
    let (ok, detail) = test_verdict(&d, &slow);
    assert!(
        !ok && detail.contains("within the action's timeout"),
        "{detail}"
    );
    // `expect` asserts values.
    d.expect = Some(json!({"valid": true}).as_object().unwrap().clone());
    let (ok, detail) = test_verdict(&d, &run(json!({"valid": false})));
    assert!(
        !ok && detail.contains("output valid is false, expected true"),
        "{detail}"
    );
    // A secure action: the same verdicts, never a value.
    d.def.secure = true;
    for (output, _) in &failing {
        let (ok, detail) = test_verdict(&d, &run(output.clone()));
        assert!(!ok, "{detail}");
        assert!(
            !detail.contains("4111111111111111") && !detail.contains("refused"),
            "{detail}"
        );
        assert!(detail.contains("output not shown"), "{detail}");
    }
    let (ok, detail) = test_verdict(&d, &run(json!({"valid": false})));
    assert!(
        !ok && detail.contains("output valid is not the expected value"),
        "{detail}"
    );
}

/// Which granted targets a request URL template can produce: each `${…}` stands for any text.
#[test]
fn a_templates_reach_is_the_granted_arns_it_can_produce() {
    let granted = vec![F1.to_string(), F2.to_string()];
    assert_eq!(template_reach("${input.functionArn}", &granted), granted);
    assert_eq!(
        template_reach(
            "arn:aws:lambda:us-east-1:111122223333:function:lookup-${input.kind}",
            &granted
        ),
        granted
    );
    assert_eq!(
        template_reach(
            "arn:aws:lambda:us-east-1:111122223333:function:lookup-order${input.q}",
            &granted
        ),
        [F1]
    );
    assert!(template_reach(
        "arn:aws:lambda:eu-west-1:${input.account}:function:x",
        &granted
    )
    .is_empty());
}

#[test]
fn an_unknown_credential_is_neither_written_nor_proved() {
    let mut o = in_sync();
    o.credential.as_mut().unwrap().since_ledger = SinceLedger::Unknown("no trail".into());
    assert_eq!(ops(&o), vec![], "writing it again would not make it known");
    let checks = genesys_checks(&desired(), &o, Some(ROLE), &[]);
    let c = (checks.iter())
        .find(|c| c.code == crate::verify::CheckId::GenesysCredential)
        .unwrap();
    assert!(!c.passed && c.detail.contains("no trail"), "{c:?}");
}

/// A closed output contract and a success template that puts `extra` into it; a translation
/// default written as a bare word: two defects Genesys Cloud accepts.
fn defective(mut d: DesiredGenesys) -> DesiredGenesys {
    let response = &mut d.actions[1].def.config.response;
    response.success_template = r#"{"name": "${name}", "extra": 1}"#.into();
    response.translation_map = [("name".to_string(), "$.name".to_string())].into();
    response.translation_map_defaults = [("name".to_string(), "unknown".to_string())].into();
    d.actions[1].def.contract.output.success_schema = json!({"type": "object",
        "properties": {"name": {"type": "string"}}, "additionalProperties": false});
    d
}

#[test]
fn a_new_action_with_a_response_defect_is_refused_naming_it() {
    let empty = ObservedGenesys {
        credential_key: "AmazonWebServicesARN".into(),
        ..ObservedGenesys::default()
    };
    let plan = plan_genesys(&defective(desired()), &empty, false).unwrap();
    let e = plan.refuse_defective_writes().unwrap_err().to_string();
    for said in [
        "Lookup customer",
        "\"extra\"",
        "translation_map_defaults.name",
        "refused before any write",
    ] {
        assert!(e.contains(said), "{said}: {e}");
    }
    assert!(!e.contains("Lookup order"), "{e}");
    // check's finding for it says the config's fix, never the apply that refuses.
    let findings = genesys_findings(&defective(desired()), &plan);
    let step = |name: &str| {
        (findings.iter())
            .find(|f| f.finding.message.contains(name) || f.finding.resource.contains(name))
            .map(|f| f.finding.remedy.clone())
    };
    match step("Lookup customer") {
        Some(crate::drift::Remedy::Outside { step }) => {
            assert!(
                step.contains("apply refuses") && step.contains("\"extra\""),
                "{step}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        step("Lookup order"),
        Some(crate::drift::Remedy::Apply)
    ));
    // Without the defects: nothing refused.
    let plan = plan_genesys(&desired(), &empty, false).unwrap();
    assert!(plan.refuse_defective_writes().is_ok());
}

#[test]
fn an_existing_action_keeps_its_defect_and_a_new_one_is_refused() {
    // Genesys Cloud holds the action as the defective config says: nothing is written.
    let d = defective(desired());
    let mut o = in_sync();
    o.actions[1] = as_observed(&d.actions[1], "Lambda", "a2", 1);
    let mut l = ledger();
    l.actions[1] = record("a2", &d.actions[1], 1);
    o.integration.as_mut().unwrap().notes = l.to_notes("");
    let plan = plan_genesys(&d, &o, false).unwrap();
    assert!(plan.refuse_defective_writes().is_ok(), "{:?}", plan.ops);
    // An update that keeps the defect and changes something else passes.
    let mut changed = d.clone();
    changed.actions[1].def.config.timeout_seconds = Some(20);
    let plan = plan_genesys(&changed, &o, false).unwrap();
    assert_eq!(kinds(&plan.ops), ["update_action", "put_config"]);
    assert!(plan.refuse_defective_writes().is_ok());
    // An update bringing a defect the action does not have is refused.
    let plan = plan_genesys(&d, &in_sync(), false).unwrap();
    assert!(plan.refuse_defective_writes().is_err(), "{:?}", plan.ops);
}

#[test]
fn an_existing_action_without_a_timeout_is_never_given_one() {
    let mut d = desired();
    d.actions[0].default_timeout = true;
    let mut o = in_sync();
    o.actions[0].def.config.timeout_seconds = None;
    let plan = plan_genesys(&d, &o, true).unwrap();
    assert!(
        !kinds(&plan.ops).contains(&"update_action".to_string()),
        "{:?}",
        plan.ops
    );
    // A timeout the config sets is written.
    d.actions[0].default_timeout = false;
    let plan = plan_genesys(&d, &o, true).unwrap();
    assert!(kinds(&plan.ops).contains(&"update_action".to_string()));
    // An action created new gets the default.
    let empty = ObservedGenesys {
        credential_key: "AmazonWebServicesARN".into(),
        ..ObservedGenesys::default()
    };
    d.actions[0].default_timeout = true;
    let plan = plan_genesys(&d, &empty, false).unwrap();
    let created = serde_json::to_value(&plan.ops[2]).unwrap();
    assert_eq!(
        created["action"]["def"]["config"]["timeoutSeconds"], 30,
        "{created:#}"
    );
}
