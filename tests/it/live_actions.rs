//! Every data-action field end to end (issue 36): secure actions, request types, headers,
//! translation maps — written, read back, settled, replaced when `secure` changes; bad action
//! input refused before any write; a secure action's data in no output.

use serde_json::{json, Value};

use crate::live_genesys::{genesys_section, setup_g, G};
use crate::support::live::*;

/// A card number: the secure sample input's value, which no output may carry.
const CARD: &str = "4111111111111111";

const OUT_SCHEMA: &str = r#"{"type":"object","properties":{"order":{"type":"object","properties":{"id":{"type":"string"}}},"valid":{"type":"boolean"}},"required":["valid"]}"#;
const IN_SCHEMA: &str =
    r#"{"type":"object","properties":{"cardNumber":{"type":"string"}},"required":["cardNumber"]}"#;

/// The order target with one action carrying `action` (TOML lines of `[targets.action]`).
fn with_action(g: &G, action: &str) {
    std::fs::write(g.env.dir.path().join("pay.in.json"), IN_SCHEMA).unwrap();
    std::fs::write(g.env.dir.path().join("pay.out.json"), OUT_SCHEMA).unwrap();
    // With the account, `lint` checks it all offline (a bare function name needs it).
    let mut text = config(&["lookup-order"], "").replace(
        "region = \"us-east-1\"\n",
        &format!("region = \"us-east-1\"\naccount_id = \"{ACCOUNT}\"\n"),
    );
    text.push_str("[targets.action]\nname = \"Validate card\"\n");
    text.push_str(action);
    text.push_str(genesys_section());
    g.env.write_config(&text);
}

fn every_field(secure: bool, header: &str) -> String {
    format!(
        "secure = {secure}\nrequest_type = \"PUT\"\nheaders = {{ \"X-Team\" = \"{header}\" }}\n\
         input_schema = \"pay.in.json\"\noutput_schema = \"pay.out.json\"\n\
         translation_map = {{ orderId = \"$.order.id\" }}\n\
         translation_map_defaults = {{ orderId = '\"none\"' }}\ntimeout_seconds = 10\n\
         sample_input = '{{\"cardNumber\": \"{CARD}\"}}'\n"
    )
}

#[test]
fn every_action_field_is_written_settles_and_a_secure_change_replaces_the_action() {
    let g = setup_g(&["lookup-order"]);
    with_action(&g, &every_field(true, "cx"));
    let (r, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert!(genesys > 0, "{}", r.stderr);
    let a = g.action_named("Validate card");
    assert_eq!(a["secure"], true);
    let request = &a["config"]["request"];
    assert_eq!(request["requestType"], "PUT");
    assert_eq!(request["headers"], json!({"X-Team": "cx"}));
    let response = &a["config"]["response"];
    assert_eq!(response["translationMap"], json!({"orderId": "$.order.id"}));
    assert_eq!(
        response["translationMapDefaults"],
        json!({"orderId": "\"none\""})
    );
    assert_eq!(
        a["contract"]["input"]["inputSchema"]["required"],
        json!(["cardNumber"])
    );

    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        (aws, genesys),
        (0, 0),
        "settled:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    g.expect(&["plan"], 0);
    g.expect(&["check"], 0);

    // A header is configuration: updated in place, the ID kept.
    with_action(&g, &every_field(true, "billing"));
    let r = g.expect(&["plan"], 2);
    assert!(r.stdout.contains("X-Team"), "{}", r.stdout);
    let (_, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(genesys, 2, "the action's PATCH and the ledger");
    let b = g.action_named("Validate card");
    assert_eq!(b["id"], a["id"]);
    assert_eq!(
        b["config"]["request"]["headers"],
        json!({"X-Team": "billing"})
    );

    // `secure` is fixed when Genesys Cloud creates the action: a change is a replacement.
    with_action(&g, &every_field(false, "billing"));
    let r = g.expect(&["plan"], 2);
    assert!(
        r.stdout.contains("replaces action") && r.stdout.contains("secure"),
        "{}",
        r.stdout
    );
    g.expect(&["apply", "--yes"], 0);
    let c = g.action_named("Validate card");
    assert_ne!(c["id"], a["id"], "a new action");
    assert_eq!(c["secure"], false);
    assert_eq!(g.actions().len(), 1, "the unused old one is deleted");
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

/// An unknown action key, a secure action without a contract, a translation-map default that
/// is not JSON: `lint` and `plan` exit 1 naming the key and the action, and nothing is written
/// on either side.
#[test]
fn bad_action_input_exits_1_naming_the_key_and_the_action_with_zero_writes() {
    let g = setup_g(&["lookup-order"]);
    let cases = [
        (
            "secur = true\n",
            vec![
                "targets[0].action: `secur` is not a key of the data action \"Validate card\"",
                "did you mean `secure`?",
                "lambda-trust.toml:",
            ],
        ),
        (
            "secure = true\ninput_schema = \"pay.in.json\"\n",
            vec!["targets[0].action.secure", "\"Validate card\""],
        ),
    ];
    for (action, needles) in cases {
        with_action(&g, action);
        for args in [&["lint"][..], &["plan"][..], &["apply", "--yes"][..]] {
            let (r, aws, genesys) = g.writes_of(args, 1);
            assert_eq!((aws, genesys), (0, 0), "{args:?} {action:?}");
            for n in &needles {
                assert!(
                    r.stderr.contains(n),
                    "{args:?} {action:?}: {n} missing:\n{}",
                    r.stderr
                );
            }
        }
    }
    assert!(g.actions().is_empty());
    // A default that is not a JSON value, or a success-template key a closed output contract
    // forbids: an action written new with it fails the runs that reach it, so `plan` and
    // `apply` refuse it, naming it, before any write on either side — and `lint` errors on it
    // with the same words (a warning only on an action marked `imported = true`: it exists,
    // and is kept as it is).
    std::fs::write(
        g.env.dir.path().join("closed.out.json"),
        r#"{"type": "object", "properties": {"valid": {"type": "boolean"}}, "additionalProperties": false}"#,
    )
    .unwrap();
    let cases = [
        (
            "translation_map = { orderId = \"$.order.id\" }\ntranslation_map_defaults = { orderId = \"none\" }\n".to_string(),
            ["translation_map_defaults.orderId", "'\"none\"'"],
        ),
        (
            "output_schema = \"closed.out.json\"\nsuccess_template = '{\"valid\": true, \"extra\": 1}'\n".to_string(),
            ["\"extra\"", "additionalProperties: false"],
        ),
    ];
    for (action, needles) in cases {
        with_action(&g, &format!("{action}imported = true\n"));
        let (r, _, _) = g.writes_of(&["lint"], 0);
        let said = format!("{}{}", r.stdout, r.stderr);
        assert!(said.contains("warning"), "lint {action:?}: {said}");
        with_action(&g, &action);
        let (r, _, _) = g.writes_of(&["lint"], 1);
        for n in needles
            .iter()
            .chain(&["plan and apply refuse to write it new", "imported = true"])
        {
            let said = format!("{}{}", r.stdout, r.stderr);
            assert!(said.contains(n), "lint {action:?}: {n}: {said}");
        }
        for args in [&["plan"][..], &["apply", "--yes"][..]] {
            let (r, aws, genesys) = g.writes_of(args, 1);
            assert_eq!((aws, genesys), (0, 0), "{args:?} {action:?}");
            for n in needles
                .iter()
                .chain(&["\"Validate card\"", "refused before any write"])
            {
                assert!(
                    r.stderr.contains(n),
                    "{args:?} {action:?}: {n} missing:\n{}",
                    r.stderr
                );
            }
        }
        assert!(g.actions().is_empty());
        // check's findings — the missing action's and the AWS side's alike — say the config's
        // fix, never the apply that refuses everything.
        let v = json_of(&g.expect(&["check", "--format", "json"], 2));
        let findings = crate::support::live::check_findings(&v);
        let steps: Vec<String> = (findings.iter())
            .filter_map(|f| f["remedy"]["step"].as_str().map(str::to_owned))
            .collect();
        assert!(
            steps
                .iter()
                .any(|s| s.contains("apply refuses") && s.contains(needles[0])),
            "{v:#}"
        );
        let by_apply: Vec<&Value> = (findings.iter())
            .filter(|f| f["remedy"]["by"] != "outside")
            .collect();
        assert_eq!(by_apply, Vec::<&Value>::new(), "{v:#}");
        let text = g.expect(&["check"], 2);
        assert!(
            !text.stdout.contains("→ run `lambda-trust apply"),
            "{}",
            text.stdout
        );
    }
}

/// A secure action's sample data (a card number) appears in no output of any command: human,
/// JSON, SARIF, on stdout or stderr, with `-v`.
#[test]
fn a_secure_actions_data_never_appears_in_any_output() {
    let g = setup_g(&["lookup-order"]);
    with_action(&g, &every_field(true, "cx"));
    let sarif = g.env.dir.path().join("check.sarif");
    let sarif_arg = sarif.to_str().unwrap().to_string();
    let mut outputs: Vec<String> = Vec::new();
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["lint"], 0),
        (vec!["plan", "-v"], 2),
        (vec!["plan", "--format", "json"], 2),
        (vec!["apply", "--yes", "-v"], 0),
        (vec!["check", "--format", "json"], 0),
        (vec!["check", "--sarif", &sarif_arg], 0),
        (vec!["verify", "--test-actions", "-v"], 0),
        (vec!["verify", "--test-actions", "--format", "json"], 0),
    ];
    let function = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-order");
    g.fake.function_answers(
        &function,
        json!({"answer": {"valid": true, "order": {"id": CARD}}}),
    );
    for (args, code) in runs {
        let r = g.expect(&args, code);
        outputs.push(format!("{args:?}\n{}\n{}", r.stdout, r.stderr));
    }
    // A failing test run (the answer breaks the contract, an error payload) shows no value.
    for answer in [
        json!({"answer": {"valid": CARD}}),
        json!({"answer": {"statusCode": 402, "card": CARD}}),
        json!({"answer": {"errorMessage": format!("card {CARD} refused"), "errorType": "ValueError"}}),
    ] {
        g.fake.function_answers(&function, answer);
        for args in [
            &["verify", "--test-actions"][..],
            &["verify", "--test-actions", "--format", "json"][..],
        ] {
            let r = g.expect(args, 3);
            assert!(r.stdout.contains("output not shown"), "{}", r.stdout);
            outputs.push(format!("{args:?}\n{}\n{}", r.stdout, r.stderr));
        }
    }
    outputs.push(std::fs::read_to_string(&sarif).unwrap());
    // The action ran with the card number (the test run's input reached Genesys Cloud)…
    let calls = g.fake.calls();
    assert!(calls.iter().any(|c| c.path.ends_with("/test")), "{calls:?}");
    // …and no output carries it.
    for out in &outputs {
        assert!(!out.contains(CARD), "the card number leaked:\n{out}");
    }
    let v: Value = serde_json::from_str(outputs.last().unwrap()).unwrap();
    assert!(v["runs"].is_array());
}

const CHECK_OUT: &str = r#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"valid":{"type":"boolean"},"brand":{"type":"string"}},"required":["valid"]}"#;

/// Five functions, each answering one way through the local server's `/test` (which checks the
/// role's trust and grant and the function's existence on moto first): a valid output, one the
/// contract refuses, `{"statusCode": 500}`, Lambda's unhandled error, and an answer slower than
/// the action's timeout. Each gets its verdict; `expect` asserts a value.
#[test]
fn test_actions_judge_each_answer_against_the_contract_expect_and_the_timeout() {
    let functions = ["valid", "contract", "status", "unhandled", "slow"];
    let g = setup_g(&functions);
    std::fs::write(g.env.dir.path().join("check.out.json"), CHECK_OUT).unwrap();
    let mut text = config(&[], "");
    for f in functions {
        let timeout = if f == "slow" { 1 } else { 10 };
        text.push_str(&format!(
            "\n[[targets]]\nfunction = \"{f}\"\n[targets.action]\noutput_schema = \"check.out.json\"\n\
             timeout_seconds = {timeout}\nexpect = {{ brand = \"visa\" }}\n"
        ));
    }
    text.push_str(genesys_section());
    g.env.write_config(&text);
    g.expect(&["apply", "--yes"], 0);
    let arn = |f: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{f}");
    let answers = [
        ("valid", json!({"answer": {"valid": true, "brand": "visa"}})),
        (
            "contract",
            json!({"answer": {"valid": "yes", "brand": "visa"}}),
        ),
        (
            "status",
            json!({"answer": {"statusCode": 500, "body": "upstream down"}}),
        ),
        (
            "unhandled",
            json!({"answer": {"errorMessage": "division by zero", "errorType": "ZeroDivisionError"}, "function_error": true}),
        ),
        (
            "slow",
            json!({"answer": {"valid": true, "brand": "visa"}, "delay_seconds": 3}),
        ),
    ];
    for (f, behaviour) in &answers {
        g.fake.function_answers(&arn(f), behaviour.clone());
    }
    let verdicts = |args: &[&str]| -> Vec<(String, bool, String)> {
        let v = json_of(&g.expect(args, 3));
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["name"].as_str().unwrap().contains("test run"))
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["passed"].as_bool().unwrap(),
                    c["detail"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let got = verdicts(&["verify", "--test-actions", "--format", "json"]);
    assert_eq!(got.len(), 5, "{got:#?}");
    let of = |f: &str| {
        got.iter()
            .find(|(n, _, _)| n.contains(&format!("\"{f}\"")))
            .unwrap_or_else(|| panic!("{f}: {got:#?}"))
            .clone()
    };
    let (_, ok, detail) = of("valid");
    assert!(ok, "{detail}");
    assert!(detail.contains("s of its 10 s timeout"), "{detail}");
    for (f, needle) in [
        ("contract", "/valid"),
        ("status", "statusCode 500"),
        (
            "unhandled",
            "failed with ZeroDivisionError: division by zero",
        ),
        ("slow", "within the action's timeout (1 s)"),
    ] {
        let (_, ok, detail) = of(f);
        assert!(!ok, "{f}: {detail}");
        assert!(detail.contains(needle), "{f}: {needle} missing: {detail}");
    }
    assert!(
        of("status").2.contains("upstream down"),
        "the payload is shown"
    );

    // `check --test-actions` (CI on a schedule): the same runs, each failure a finding (exit 2);
    // plain `check` runs none (its one finding: "slow"'s 1 s timeout is below the function's).
    g.fake.reset_calls();
    g.expect(&["check"], 2);
    assert!(!g.fake.calls().iter().any(|c| c.path.ends_with("/test")));
    let v = json_of(&g.expect(&["check", "--test-actions", "--format", "json"], 2));
    let messages: Vec<String> = check_findings(&v)
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    for f in ["contract", "status", "unhandled", "slow"] {
        let name = format!("test run of action \"{f}\"");
        assert!(
            messages.iter().any(|m| m.contains(&name)),
            "{name}: {messages:#?}"
        );
    }
    assert!(!messages
        .iter()
        .any(|m| m.contains("test run of action \"valid\"")));

    // `expect` fails a valid output whose value differs.
    g.fake.function_answers(
        &arn("valid"),
        json!({"answer": {"valid": true, "brand": "amex"}}),
    );
    let got = verdicts(&["verify", "--test-actions", "--format", "json"]);
    let (_, ok, detail) = got
        .iter()
        .find(|(n, _, _)| n.contains("\"valid\""))
        .unwrap()
        .clone();
    assert!(
        !ok && detail.contains("output brand is \"amex\", expected \"visa\""),
        "{detail}"
    );
}

/// `[genesys] publish = "draft"`: a configuration change goes to the action's draft (the
/// published action, its version and ID unchanged); `plan` and `check` show the pending draft;
/// a second apply writes nothing; `apply --publish` publishes it (the ID kept); then nothing.
#[test]
fn drafts_hold_changes_until_apply_publish() {
    let g = setup_g(&["lookup-order"]);
    let section = genesys_section();
    let write = |timeout: u32, draft: bool| {
        let mut text = config(&["lookup-order"], "");
        text.push_str(&format!("[targets.action]\ntimeout_seconds = {timeout}\n"));
        text.push_str(section);
        if draft {
            text.push_str("publish = \"draft\"\n");
        }
        g.env.write_config(&text);
    };
    write(20, true);
    g.expect(&["apply", "--yes"], 0);
    let a = g.action_named("lookup-order");
    assert!(a["draft"].is_null(), "a new action is published at once");

    write(25, true);
    let r = g.expect(&["plan"], 2);
    assert!(r.stdout.contains("draft"), "{}", r.stdout);
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(aws, 0);
    assert_eq!(genesys, 2, "create the draft, write it:\n{}", r.stderr);
    let b = g.action_named("lookup-order");
    assert_eq!(
        (&b["id"], &b["version"]),
        (&a["id"], &a["version"]),
        "published unchanged"
    );
    assert_eq!(b["config"]["timeoutSeconds"], 20);
    assert_eq!(b["draft"]["config"]["timeoutSeconds"], 25);

    // Pending: shown by plan and check, written by no apply.
    let r = g.expect(&["plan"], 0);
    assert!(r.stdout.contains("apply --publish"), "{}", r.stdout);
    let r = g.expect(&["check"], 0);
    assert!(r.stdout.contains("apply --publish"), "{}", r.stdout);
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "the draft already holds the change");
    // Its reads: the 7 of a no-op, the drafts list, the action in full (the ledger records the
    // published action, not the configured one) and the draft's two templates.
    assert_eq!(g.fake.calls().len(), 13, "{:#?}", g.fake.calls());

    // A second change while the draft waits: the draft is written again, nothing published.
    write(30, true);
    let (_, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(genesys, 1, "the draft's PATCH");
    assert_eq!(
        g.action_named("lookup-order")["draft"]["config"]["timeoutSeconds"],
        30
    );

    let (r, aws, genesys) = g.writes_of(&["apply", "--yes", "--publish"], 0);
    assert_eq!(aws, 0);
    assert_eq!(genesys, 2, "publish, the ledger:\n{}", r.stderr);
    let c = g.action_named("lookup-order");
    assert_eq!(c["id"], a["id"], "publishing keeps the ID");
    assert_eq!(c["config"]["timeoutSeconds"], 30);
    assert!(c["draft"].is_null());
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
    assert_eq!(g.fake.calls().len(), 8, "a no-op's 7 and the drafts list");
    g.expect(&["plan"], 0);
}

/// `[[genesys.actions]]`: an action whose function the flow's input chooses. It grants
/// nothing (adding it writes nothing on AWS); `plan` and `verify` say which targets it can
/// reach, with a security note when that is more than one; its test run invokes the function
/// the sample input names.
#[test]
fn a_function_chosen_at_run_time_grants_nothing_and_its_reach_is_told() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    g.expect(&["apply", "--yes"], 0);
    let order = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-order");
    let mut text = config(&["lookup-order", "lookup-customer"], "");
    text.push_str(genesys_section());
    text.push_str(&format!(
        "\n[[genesys.actions]]\nname = \"Any lookup\"\nrequest_url_template = \"${{input.functionArn}}\"\n\
         sample_input = '{{\"functionArn\": \"{order}\"}}'\n"
    ));
    g.env.write_config(&text);
    let r = g.expect(&["plan"], 2);
    assert!(
        r.stdout.contains("chooses its function at run time") && r.stdout.contains("security note"),
        "{}",
        r.stdout
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        (aws, genesys),
        (0, 2),
        "no grant; the action and the ledger"
    );
    let a = g.action_named("Any lookup");
    assert_eq!(
        a["config"]["request"]["requestUrlTemplate"],
        "${input.functionArn}"
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));

    let v = json_of(&g.expect(&["verify", "--test-actions", "--format", "json"], 0));
    let checks = v["checks"].as_array().unwrap();
    let reach = checks
        .iter()
        .find(|c| c["name"] == "genesys: action \"Any lookup\" reaches only granted targets")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    let detail = reach["detail"].as_str().unwrap();
    assert!(
        detail.contains("can reach 2 target(s)") && detail.contains("security note"),
        "{detail}"
    );
    let run = checks
        .iter()
        .find(|c| c["name"] == "genesys: test run of action \"Any lookup\"")
        .unwrap();
    assert_eq!(run["passed"], true, "{run}");

    // A prefix narrows the reach to one target: no security note.
    let narrow = text.replace(
        "${input.functionArn}",
        "arn:aws:lambda:us-east-1:123456789012:function:lookup-o${input.rest}",
    );
    g.env.write_config(&narrow);
    let r = g.expect(&["plan"], 2);
    assert!(r.stdout.contains("can reach 1 target(s) the role grants: arn:aws:lambda:us-east-1:123456789012:function:lookup-order"), "{}", r.stdout);
    assert!(!r.stdout.contains("security note"), "{}", r.stdout);
}
