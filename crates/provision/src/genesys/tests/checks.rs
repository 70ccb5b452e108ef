//! The Genesys side's checks and refusals in memory: other regions, timeouts, action test
//! runs, a template's reach, an unknown credential, response defects.
#![cfg(test)]

use super::*;

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
    let c = crate::genesys::findings::timeout_check(&d, &fits).unwrap();
    assert!(c.passed, "{c:?}");
    assert!(c.detail.contains("2 action(s)"), "{c:?}");
    let long = [
        function(order, None, Some(wait + 1)),
        function(customer, Some("live"), None),
    ];
    let c = crate::genesys::findings::timeout_check(&d, &long).unwrap();
    assert!(!c.passed);
    assert!(c.detail.contains("\"Lookup order\""), "{}", c.detail);
    // A timeout read for the unqualified function does not speak for the alias.
    assert!(
        crate::genesys::findings::timeout_check(&d, &[function(customer, None, Some(900))])
            .is_none()
    );
    assert!(crate::genesys::findings::timeout_check(&d, &[]).is_none());
    // No timeout set: judged against the 60 s Genesys Cloud waits at most.
    let mut none = desired();
    none.actions[0].def.config.timeout_seconds = None;
    assert!(
        crate::genesys::findings::timeout_check(&none, &[function(order, None, Some(60))])
            .unwrap()
            .passed
    );
    assert!(
        !crate::genesys::findings::timeout_check(&none, &[function(order, None, Some(61))])
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
    d.def.contract.success_schema = json!({"$schema": "http://json-schema.org/draft-04/schema#",
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
    d.actions[1].def.contract.success_schema = json!({"type": "object",
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
