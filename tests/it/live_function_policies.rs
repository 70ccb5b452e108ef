//! The targets' function policies from the account's own AWS Config (issue 58): `check` and
//! `verify` ask the region's recorders whether they record `AWS::Lambda::Function`, read the
//! targets' items in batches of 100 (`BatchGetResourceConfig`), and read with
//! `lambda:GetPolicy` only what Config does not hold fresh — against moto answering as Config
//! does (`support/moto_aws.py`), counted at the proxy.

use serde_json::{json, Value};

use crate::support::http::percent_encode;
use crate::support::live::{json_of, setup, Env, ACCOUNT};
use crate::support::seed_audit;

const TARGETS: [&str; 3] = ["lookup-a", "lookup-b", "lookup-c"];

fn arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

/// Three targets applied, and the region's recorder in `group` (`seed_audit.py recorder`).
fn applied(recorder: Option<(&str, &str)>) -> Env {
    let env = setup(&TARGETS);
    env.expect(&["apply", "--yes"], 0);
    if let Some((group, frequency)) = recorder {
        seed_audit(
            &env.moto.url(),
            &["recorder", "us-east-1", group, frequency],
        );
    }
    env.proxy.clear();
    env
}

fn tag(env: &Env, name: &str, key: &str, value: &str) {
    let path = format!("/2017-03-31/tags/{}", percent_encode(&arn(name)));
    let r = env.moto.client().lambda(
        "us-east-1",
        "POST",
        &path,
        Some(&json!({"Tags": {key: value}})),
    );
    assert!(r.is_success(), "tag {name}: {}", r.text());
}

/// (target → where its policy was read) from `verify --format json`.
fn sources(v: &Value) -> Vec<(String, String)> {
    let targets = v["path"]["targets"].as_array().cloned().unwrap_or_default();
    targets
        .iter()
        .map(|t| {
            let name = t["target"].as_str().unwrap_or_default();
            let from = t["function_policy"]["source"].as_str().unwrap_or("none");
            (
                name.rsplit(':').next().unwrap_or_default().to_owned(),
                from.to_owned(),
            )
        })
        .collect()
}

fn calls(env: &Env) -> (usize, usize, usize) {
    (
        env.proxy.count("config:DescribeConfigurationRecorders"),
        env.proxy.count("config:BatchGetResourceConfig"),
        env.proxy.count("lambda:GetPolicy"),
    )
}

#[test]
fn a_recording_region_answers_every_target_in_one_batch_and_get_policy_reads_none() {
    let env = applied(Some(("all", "CONTINUOUS")));
    let run = env.expect(&["verify", "--format", "json"], 0);
    assert_eq!(calls(&env), (1, 1, 0), "{:?}", env.proxy.calls());
    let v = json_of(&run);
    assert!(
        sources(&v).iter().all(|(_, from)| from == "aws-config"),
        "{:?}",
        sources(&v)
    );
    let captured = v["path"]["targets"][0]["function_policy"]["captured"]
        .as_str()
        .unwrap();
    assert!(captured.ends_with('Z'), "{captured}");
    let note = v["path"]["function_policies"][0].as_str().unwrap();
    assert!(
        note.starts_with("us-east-1: 3 function policies from AWS Config"),
        "{note}"
    );

    // `check` reads the same way and says so in its notes.
    env.proxy.clear();
    let run = env.expect(&["check", "--format", "json"], 0);
    assert_eq!(calls(&env), (1, 1, 0));
    let notes = json_of(&run)["configs"][0]["notes"].to_string();
    assert!(
        notes.contains("3 function policies from AWS Config"),
        "{notes}"
    );

    // `api` never asks Config.
    env.proxy.clear();
    env.expect(&["check", "--function-policies", "api"], 0);
    assert_eq!(calls(&env), (0, 0, 3));
}

#[test]
fn what_config_holds_is_judged_a_public_statement_in_an_item_refutes_nobody_else() {
    let env = applied(Some(("lambda", "CONTINUOUS")));
    let open = json!({"StatementId": "anyone", "Action": "lambda:InvokeFunction",
        "Principal": "*"});
    let r = env
        .moto
        .client()
        .add_permission(&arn("lookup-b"), None, &open);
    assert!(r.is_success(), "{}", r.text());
    let run = env.run(&["verify", "--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(calls(&env), (1, 1, 0));
    let v = json_of(&run);
    let b = &v["path"]["targets"][1];
    assert_eq!(b["nobody_else"]["verdict"], "refuted", "{b}");
    assert_eq!(b["function_policy"]["source"], "aws-config");
}

#[test]
fn an_item_captured_before_the_role_s_last_change_is_read_again_with_get_policy() {
    let env = applied(Some(("all", "CONTINUOUS")));
    tag(
        &env,
        "lookup-c",
        "lambda-trust-test:config-captured",
        "1000",
    );
    env.proxy.clear();
    let v = json_of(&env.expect(&["verify", "--format", "json"], 0));
    assert_eq!(calls(&env), (1, 1, 1));
    let want = [
        ("lookup-a", "aws-config"),
        ("lookup-b", "aws-config"),
        ("lookup-c", "get-policy"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(sources(&v), want);
    let note = v["path"]["function_policies"][0].as_str().unwrap();
    assert!(
        note.contains("1 function policy read with lambda:GetPolicy"),
        "{note}"
    );
    assert!(note.contains("before the role's last change"), "{note}");
}

#[test]
fn unprocessed_keys_are_asked_once_more() {
    let env = applied(Some(("all", "CONTINUOUS")));
    tag(
        &env,
        "lookup-a",
        "lambda-trust-test:config-unprocessed",
        "1",
    );
    env.proxy.clear();
    env.expect(&["check"], 0);
    assert_eq!(calls(&env), (1, 2, 0));
}

#[test]
fn a_region_that_does_not_record_functions_is_read_with_get_policy_and_said() {
    for (group, frequency, why) in [
        ("iam", "CONTINUOUS", "leaves AWS::Lambda::Function out"),
        (
            "no-lambda",
            "CONTINUOUS",
            "leaves AWS::Lambda::Function out",
        ),
        ("all", "stopped", "not recording"),
        ("all", "DAILY", "records functions daily"),
    ] {
        let env = applied(Some((group, frequency)));
        let run = env.expect(&["check", "--format", "json"], 0);
        assert_eq!(calls(&env), (1, 0, 3), "{group} {frequency}");
        let notes = json_of(&run)["configs"][0]["notes"].to_string();
        assert!(notes.contains(why), "{group} {frequency}: {notes}");
        // `config` insists: daily items are taken; a region that records none is an error.
        env.proxy.clear();
        let run = env.run(&["check", "--function-policies", "config"]);
        if frequency == "DAILY" {
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert_eq!(calls(&env), (1, 1, 0));
        } else {
            assert_eq!(run.code, 1, "{group} {frequency}: {}", run.stdout);
            let all = format!("{}{}", run.stdout, run.stderr);
            assert!(
                all.contains("does not record Lambda functions in us-east-1"),
                "{all}"
            );
            assert!(all.contains("start-configuration-recorder"), "{all}");
        }
    }
    // No recorder at all: two calls, then GetPolicy as before.
    let env = applied(None);
    env.expect(&["check"], 0);
    assert_eq!(calls(&env), (1, 0, 3));
}

/// `check` and `verify` read the organization's and the functions' policies beside the role
/// (and its own policies beside the role too): two round trips one after the other with the
/// account in the config, whatever the source; three without it (the managed policy's ARN
/// needs the account), with only what needs the account waiting for the caller's identity.
#[test]
fn check_and_verify_wait_for_two_round_trips_three_without_the_account() {
    for recorder in [Some(("all", "CONTINUOUS")), None] {
        let env = setup(&TARGETS);
        let named = crate::support::live::config(&TARGETS, "")
            .replace("[aws]\n", &format!("[aws]\naccount_id = \"{ACCOUNT}\"\n"));
        env.write_config(&named);
        env.expect(&["apply", "--yes"], 0);
        if let Some((group, frequency)) = recorder {
            seed_audit(
                &env.moto.url(),
                &["recorder", "us-east-1", group, frequency],
            );
        }
        // Each call held a second: calls in flight together overlap even on a loaded machine
        // (at 300 ms, a starved client started one late enough to read as a round of its own).
        env.proxy.set_faults(crate::support::FaultConfig {
            latency: std::time::Duration::from_millis(1000),
            ..crate::support::FaultConfig::default()
        });
        let rounds = |command: &str| {
            env.proxy.clear();
            env.expect(&[command], 0);
            let summary = env.proxy.summary();
            assert_eq!(env.proxy.count("sts:GetCallerIdentity"), 1, "{summary:?}");
            (env.proxy.rounds(), summary)
        };
        for command in ["check", "verify"] {
            let (n, summary) = rounds(command);
            assert_eq!(n, 2, "{command} {recorder:?}: {summary:?}");
        }
        // Without the account: its identity read once, and beside it every read that does not
        // need it (the role's, the Config recorders'); the function policies right after it;
        // the managed policy's document after the policy's ARN, which needs the account.
        env.write_config(&crate::support::live::config(&TARGETS, ""));
        let policies = match recorder {
            Some(_) => "config:BatchGetResourceConfig",
            None => "lambda:GetPolicy",
        };
        for command in ["check", "verify"] {
            let (n, summary) = rounds(command);
            assert_eq!(n, 3, "{command} {recorder:?}: {summary:?}");
            let first = [
                "sts:GetCallerIdentity",
                "iam:GetRole",
                "iam:ListAttachedRolePolicies",
                "config:DescribeConfigurationRecorders",
            ];
            for op in first.into_iter() {
                let rounds = env.proxy.rounds_of(op);
                assert_eq!(rounds, [1].into(), "{command} {recorder:?}: {op}");
            }
            let rounds = env.proxy.rounds_of(policies);
            assert_eq!(rounds, [2].into(), "{command} {recorder:?}: {policies}");
        }
    }
}
