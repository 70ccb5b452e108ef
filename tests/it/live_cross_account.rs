//! Cross-account targets, managed end to end (docs/cross-account.md): a function
//! in a second account gets lambda-trust's own statement in its function policy, written there
//! with that account's credentials (`[aws.accounts]`), and every call is counted at the proxy.
//! moto serves both accounts: credentials from `sts:AssumeRole` into a role of 222222222222
//! act in that account.

use serde_json::{json, Value};

use crate::support::http;
use crate::support::live::{config, json_of, Env, ACCOUNT};
use crate::support::moto::AwsSeed;
use crate::support::proxy::Injection;

const WORKLOAD: &str = "222222222222";
const DEPLOYER: &str = "arn:aws:iam::222222222222:role/lt-deployer";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GenesysLambdaInvoker";

fn workload(env: &Env) -> AwsSeed {
    env.moto.client().with_account(WORKLOAD)
}

/// A function in the workload account with a statement lambda-trust did not write.
fn seed_function(env: &Env, name: &str) -> String {
    let arn = workload(env).lambda_create_function(name, "us-east-1");
    let foreign = json!({"StatementId": "someone-else", "Action": "lambda:InvokeFunction",
        "Principal": "444455556666"});
    assert_eq!(
        workload(env).add_permission(&arn, None, &foreign).status,
        201
    );
    arn
}

fn statements(env: &Env, arn: &str, qualifier: Option<&str>) -> Vec<Value> {
    let r = workload(env).get_policy(arn, qualifier);
    if r.status == 404 {
        return Vec::new();
    }
    assert_eq!(r.status, 200, "{}", r.text());
    let policy: Value = serde_json::from_str(r.json()["Policy"].as_str().unwrap()).unwrap();
    policy["Statement"].as_array().unwrap().clone()
}

fn sid_of(s: &Value) -> &str {
    s["Sid"].as_str().unwrap_or_default()
}

fn ours(env: &Env, arn: &str, qualifier: Option<&str>) -> Vec<Value> {
    (statements(env, arn, qualifier).into_iter())
        .filter(|s| sid_of(s).starts_with("lambda-trust-"))
        .collect()
}

fn remove_statement(env: &Env, arn: &str, sid: &str) {
    let name = arn.rsplit(':').next().unwrap();
    let path = format!("/2015-03-31/functions/{name}/policy/{sid}");
    let r = workload(env).lambda("us-east-1", "DELETE", &path, None);
    assert!(r.is_success(), "{}", r.text());
}

fn with_accounts(targets: &[&str], entry: &str) -> String {
    format!(
        "{}\n[aws.accounts.\"{WORKLOAD}\"]\n{entry}\n",
        config(targets, "")
    )
}

/// Lambda writes seen at the proxy, as `operation path`.
fn lambda_writes(env: &Env) -> Vec<String> {
    (env.proxy.writes().into_iter())
        .filter(|c| c.service == "lambda")
        .map(|c| format!("{} {}", c.operation, c.target))
        .collect()
}

fn codes(check: &Value) -> Vec<String> {
    crate::support::live::check_findings(check)
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_cross_account_target_is_converged_reapplied_tampered_repaired_and_destroyed() {
    let env = Env::new();
    let arn = seed_function(&env, "workload-fn");
    let foreign_before = statements(&env, &arn, None);
    env.write_config(&with_accounts(
        &[&arn],
        &format!("role_arn = \"{DEPLOYER}\""),
    ));

    // plan shows the statement, in that account.
    let plan = env.expect(&["plan", "--format", "json"], 2);
    assert!(
        plan.stdout.contains("function policy of") && plan.stdout.contains(WORKLOAD),
        "{}",
        plan.stdout
    );

    // apply writes it there, with the deployer role's credentials.
    env.proxy.clear();
    env.expect(&["apply", "--yes"], 0);
    let writes = lambda_writes(&env);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].starts_with("AddPermission"), "{writes:?}");
    assert_eq!(env.proxy.count("sts:AssumeRole"), 1);
    let mine = ours(&env, &arn, None);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["Principal"], json!({"AWS": ROLE_ARN}));
    assert_eq!(mine[0]["Action"], "lambda:InvokeFunction");
    assert_eq!(mine[0]["Resource"], arn.as_str());
    let sid = sid_of(&mine[0]).to_owned();

    // A second apply writes nothing, on either account; reading the other account costs one
    // AssumeRole, one GetCallerIdentity (the entry's check) and one GetPolicy per target.
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "{:?}", env.proxy.writes());
    let summary = env.proxy.summary();
    assert_eq!(env.proxy.count("sts:AssumeRole"), 1, "{summary:?}");
    assert_eq!(env.proxy.count("lambda:GetPolicy"), 1, "{summary:?}");
    assert_eq!(env.proxy.count("lambda:GetFunction"), 1, "{summary:?}");
    // check reads each function policy once: the statement's read serves the whole path too.
    env.proxy.clear();
    env.run(&["check"]);
    assert_eq!(
        env.proxy.count("lambda:GetPolicy"),
        1,
        "{:?}",
        env.proxy.summary()
    );
    // In sync: no finding on our statement; the foreign one is judged, never written.
    let check = json_of(&env.expect(&["check", "--format", "json"], 2));
    let found = codes(&check);
    assert!(
        !found.iter().any(|c| c.starts_with("function-permission")),
        "{check:#}"
    );
    assert!(
        found.iter().any(|c| c == "function-policy-open"),
        "{check:#}"
    );

    // Removed by someone: check and verify say so; apply adds it back.
    remove_statement(&env, &arn, &sid);
    let check = json_of(&env.expect(&["check", "--format", "json"], 2));
    assert!(
        codes(&check).contains(&"function-permission-missing".to_owned()),
        "{check:#}"
    );
    let verify = env.run(&["verify", "--format", "json"]);
    assert_ne!(verify.code, 0, "{}", verify.stdout);
    assert!(
        verify.stdout.contains("function-permission-missing"),
        "{}",
        verify.stdout
    );
    env.proxy.clear();
    env.expect(&["apply", "--yes"], 0);
    let writes = lambda_writes(&env);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].starts_with("AddPermission"));
    assert_eq!(ours(&env, &arn, None).len(), 1);

    // Its principal changed: one finding; apply removes it and adds it back.
    remove_statement(&env, &arn, &sid);
    let edited = json!({"StatementId": sid, "Action": "lambda:InvokeFunction",
        "Principal": "arn:aws:iam::123456789012:role/SomeoneElse"});
    assert_eq!(
        workload(&env).add_permission(&arn, None, &edited).status,
        201
    );
    let check = json_of(&env.expect(&["check", "--format", "json"], 2));
    let found = codes(&check);
    assert_eq!(
        found
            .iter()
            .filter(|c| c.starts_with("function-permission"))
            .collect::<Vec<_>>(),
        ["function-permission-differs"],
        "{check:#}"
    );
    env.proxy.clear();
    env.expect(&["apply", "--yes"], 0);
    let writes = lambda_writes(&env);
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(writes[0].starts_with("RemovePermission") && writes[0].contains(&sid));
    assert!(writes[0].contains("RevisionId="), "{writes:?}");
    assert!(writes[1].starts_with("AddPermission"));
    assert_eq!(
        ours(&env, &arn, None)[0]["Principal"],
        json!({"AWS": ROLE_ARN})
    );
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0);

    // destroy removes exactly our statement, before the role; the other one is untouched.
    env.proxy.clear();
    env.expect(&["destroy", "--yes"], 0);
    let writes = lambda_writes(&env);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].starts_with("RemovePermission") && writes[0].contains(&sid));
    let order = env.proxy.operations();
    let removed = order.iter().position(|o| o.ends_with("RemovePermission"));
    let deleted = order.iter().position(|o| o.ends_with("DeleteRole"));
    assert!(removed < deleted, "{order:?}");
    assert_eq!(statements(&env, &arn, None), foreign_before);
}

#[test]
fn a_qualified_target_gets_its_statement_on_that_qualifier_and_offboard_removes_it() {
    let env = Env::new();
    let arn = seed_function(&env, "aliased");
    let w = workload(&env);
    let version = w.publish_version(&arn);
    w.create_alias(&arn, "live", &version);
    let live = format!("{arn}:live");
    env.write_config(&with_accounts(
        &[&live],
        &format!("role_arn = \"{DEPLOYER}\""),
    ));
    env.expect(&["apply", "--yes"], 0);
    let mine = ours(&env, &arn, Some("live"));
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["Resource"], live.as_str());
    assert!(
        ours(&env, &arn, None).is_empty(),
        "not on the function itself"
    );
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0);

    env.proxy.clear();
    env.expect(&["offboard", "--yes", &live], 0);
    let writes = lambda_writes(&env);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].starts_with("RemovePermission") && writes[0].contains("Qualifier=live"));
    assert!(ours(&env, &arn, Some("live")).is_empty());
    assert_eq!(
        statements(&env, &arn, None).len(),
        1,
        "the foreign statement stays"
    );
}

/// Credentials for the workload account, as a profile of a temporary AWS config file.
fn profile_file(env: &Env, name: &str, keys: Option<(&str, &str, &str)>) -> String {
    let path = env.dir.path().join("aws-config");
    let mut text = String::new();
    if let Some((key, secret, token)) = keys {
        text = format!(
            "[profile {name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"
        );
    }
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn assumed_keys(env: &Env) -> (String, String, String) {
    env.assumable_role(DEPLOYER);
    let xml = env.moto.client().sts_query(
        "AssumeRole",
        &[("RoleArn", DEPLOYER), ("RoleSessionName", "seed")],
    );
    let get = |tag: &str| http::xml_first(&xml, tag).unwrap();
    (
        get("AccessKeyId"),
        get("SecretAccessKey"),
        get("SessionToken"),
    )
}

#[test]
fn two_roles_on_one_function_do_not_collide_and_a_profile_reaches_the_account() {
    let env = Env::new();
    let arn = seed_function(&env, "shared");
    let (key, secret, token) = assumed_keys(&env);
    let aws_config = profile_file(&env, "workload", Some((&key, &secret, &token)));
    let extra = [("AWS_CONFIG_FILE", aws_config.as_str())];
    let first = with_accounts(&[&arn], "profile = \"workload\"");
    let second = first.replace(
        "name = \"GenesysLambdaInvoker\"",
        "name = \"GenesysLambdaInvoker2\"",
    );
    let second_path = env.dir.path().join("second.toml");
    std::fs::write(&second_path, &second).unwrap();
    env.write_config(&first);
    let run = |args: &[&str], config: &std::path::Path| {
        let mut all = args.to_vec();
        all.extend(["--config", config.to_str().unwrap()]);
        env.run_env(&all, &extra)
    };
    let r = run(&["apply", "--yes"], &env.config_path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["apply", "--yes"], &second_path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mine = ours(&env, &arn, None);
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_ne!(sid_of(&mine[0]), sid_of(&mine[1]));
    // Destroying the first leaves the second's statement (and the foreign one).
    let r = run(&["destroy", "--yes"], &env.config_path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let left = ours(&env, &arn, None);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        left[0]["Principal"],
        json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/GenesysLambdaInvoker2")})
    );
    assert_eq!(statements(&env, &arn, None).len(), 2);
    env.proxy.clear();
    let r = run(&["apply", "--yes"], &second_path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.proxy.count_writes(), 0, "{:?}", env.proxy.writes());
}

#[test]
fn a_missing_profile_or_one_in_the_wrong_account_is_refused_with_nothing_written() {
    let env = Env::new();
    let arn = seed_function(&env, "guarded");
    let before = statements(&env, &arn, None);

    // A profile that no AWS config file defines.
    let aws_config = profile_file(&env, "absent", None);
    let extra = [("AWS_CONFIG_FILE", aws_config.as_str())];
    env.write_config(&with_accounts(&[&arn], "profile = \"absent\""));
    env.proxy.clear();
    for command in ["plan", "apply"] {
        let r = env.run_env(
            &[command, "--config", env.config_path().to_str().unwrap()],
            &extra,
        );
        assert_eq!(r.code, 1, "{command}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("[aws.accounts.\"{WORKLOAD}\"]"))
                && r.stderr.contains("absent"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(env.proxy.count_writes(), 0, "{:?}", env.proxy.writes());

    // A profile whose credentials act in the role's own account, not the key's.
    let aws_config = profile_file(&env, "wrong", Some(("testing", "testing", "x")));
    let extra = [("AWS_CONFIG_FILE", aws_config.as_str())];
    env.write_config(&with_accounts(&[&arn], "profile = \"wrong\""));
    env.proxy.clear();
    let r = env.run_env(
        &[
            "apply",
            "--yes",
            "--config",
            env.config_path().to_str().unwrap(),
        ],
        &extra,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(WORKLOAD) && r.stderr.contains(ACCOUNT),
        "names the key and the account found: {}",
        r.stderr
    );
    assert_eq!(env.proxy.count_writes(), 0, "{:?}", env.proxy.writes());
    // Nothing on the role's side either, and the function policy is as it was.
    assert!(
        env.iam("ListRoles", &[]).contains("<Roles/>")
            || !env.iam("ListRoles", &[]).contains("GenesysLambdaInvoker")
    );
    assert_eq!(statements(&env, &arn, None), before);
}

#[test]
fn without_an_accounts_entry_plan_shows_the_statement_and_apply_refuses() {
    let env = Env::new();
    let arn = seed_function(&env, "unreached");
    env.write_config(&config(&[&arn], ""));
    env.proxy.clear();
    let plan = env.expect(&["plan", "--format", "json"], 2);
    assert!(
        plan.stdout.contains("function policy of") && plan.stdout.contains("not writable"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stderr
            .contains(&format!("[aws.accounts.\"{WORKLOAD}\"]")),
        "a warning says which entry to add: {}",
        plan.stderr
    );
    let r = env.expect(&["apply", "--yes"], 1);
    assert!(
        r.stderr.contains(&format!("[aws.accounts.\"{WORKLOAD}\"]")),
        "{}",
        r.stderr
    );
    assert_eq!(env.proxy.count_writes(), 0, "{:?}", env.proxy.writes());
    // The statement that was not read is unknown, never a failure: an open result in SARIF.
    let sarif: Value =
        serde_json::from_str(&env.expect(&["check", "--format", "sarif"], 2).stdout).unwrap();
    let result = (sarif["runs"][0]["results"].as_array().unwrap().iter())
        .find(|r| r["ruleId"] == "lambda-trust/check/function-permission-missing")
        .unwrap_or_else(|| panic!("{sarif:#}"));
    assert_eq!(
        (&result["kind"], &result["level"]),
        (&json!("open"), &json!("none")),
        "{sarif:#}"
    );
}

#[test]
fn a_write_whose_answer_was_lost_is_read_again_and_the_run_goes_on() {
    let env = Env::new();
    let arn = seed_function(&env, "flaky");
    env.write_config(&with_accounts(
        &[&arn],
        &format!("role_arn = \"{DEPLOYER}\""),
    ));
    // AddPermission reaches Lambda, its answer is lost; the SDK's retry meets 409.
    env.proxy.inject(Injection::reset("lambda:AddPermission"));
    env.proxy.clear();
    let r = env.expect(&["apply", "--yes"], 0);
    assert_eq!(env.proxy.count("lambda:AddPermission"), 2, "{}", r.stderr);
    assert_eq!(ours(&env, &arn, None).len(), 1);
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0);
    // RemovePermission reaches Lambda, its answer is lost; the retry meets 412 (its revision
    // is the one it changed): read again, the statement is gone, destroy goes on.
    env.proxy
        .inject(Injection::reset("lambda:RemovePermission"));
    env.proxy.clear();
    let r = env.expect(&["destroy", "--yes"], 0);
    assert_eq!(
        env.proxy.count("lambda:RemovePermission"),
        2,
        "{}",
        r.stderr
    );
    assert!(ours(&env, &arn, None).is_empty());
    assert_eq!(statements(&env, &arn, None).len(), 1);
}

/// `PutResourcePolicy` on the workload function (the whole policy), as its owner writes it.
fn put_whole_policy(env: &Env, arn: &str, policy: &Value, revision: Option<&str>) {
    let path = format!("/2026-07-09/resource-policy/{}", arn.replace(':', "%3A"));
    let mut body = json!({"Policy": policy.to_string()});
    if let Some(r) = revision {
        body["RevisionId"] = json!(r);
    }
    let r = workload(env).lambda("us-east-1", "PUT", &path, Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
}

/// The `--policy '…'` and `--revision-id` of the step a finding names.
fn step_policy(step: &str) -> (Value, String) {
    let start = step.find("--policy '").expect("a --policy") + "--policy '".len();
    let end = start + step[start..].find('\'').expect("quoted");
    let revision = step.split("--revision-id ").nth(1).expect("a revision");
    let revision = revision.split_whitespace().next().unwrap().to_owned();
    (serde_json::from_str(&step[start..end]).unwrap(), revision)
}

#[test]
fn a_function_policy_written_whole_is_never_written_into_and_the_step_is_named() {
    let env = Env::new();
    let arn = workload(&env).lambda_create_function("whole-fn", "us-east-1");
    let whole = json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoOldPartner",
        "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": "lambda:*", "Resource": arn}]});
    put_whole_policy(&env, &arn, &whole, None);
    env.write_config(&with_accounts(
        &[&arn],
        &format!("role_arn = \"{DEPLOYER}\""),
    ));

    // plan and apply say what is held back and how to add it; apply writes nothing there.
    let plan = env.run(&["plan"]);
    assert!(
        plan.stderr.contains("written whole") && plan.stderr.contains("put-resource-policy"),
        "{}",
        plan.stderr
    );
    env.expect(&["apply", "--yes"], 0);
    assert_eq!(lambda_writes(&env), Vec::<String>::new());
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "a second apply writes nothing either");
    assert_eq!(
        statements(&env, &arn, None),
        whole["Statement"].as_array().unwrap().clone()
    );

    // check: one finding, fixed outside lambda-trust by the exact step.
    let check = json_of(&env.expect(&["check", "--format", "json"], 2));
    let findings = crate::support::live::check_findings(&check);
    let held: Vec<&Value> = (findings.iter())
        .filter(|f| f["code"] == "function-policy-written-whole")
        .collect();
    assert_eq!(held.len(), 1, "{check:#}");
    assert_eq!(held[0]["remedy"]["by"], "outside", "{check:#}");
    assert!(
        !codes(&check)
            .iter()
            .any(|c| c.starts_with("function-permission")),
        "never also reported as something apply repairs: {check:#}"
    );

    // The step, run as given, writes the policy with lambda-trust's statement in it: in sync.
    let step = held[0]["remedy"]["step"].as_str().unwrap();
    let (policy, revision) = step_policy(step);
    put_whole_policy(&env, &arn, &policy, Some(&revision));
    assert_eq!(ours(&env, &arn, None).len(), 1);
    let check = json_of(&env.run(&["check", "--format", "json"]));
    assert!(
        !codes(&check)
            .iter()
            .any(|c| c == "function-policy-written-whole" || c.starts_with("function-permission")),
        "{check:#}"
    );
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0);

    // destroy leaves the whole policy alone and says how to take the statement out.
    env.proxy.clear();
    let r = env.expect(&["destroy", "--yes"], 0);
    assert!(
        !lambda_writes(&env)
            .iter()
            .any(|w| w.contains("RemovePermission")),
        "{:?}",
        lambda_writes(&env)
    );
    assert!(
        r.stderr.contains("not removed") && r.stderr.contains("put-resource-policy"),
        "{}",
        r.stderr
    );
    assert_eq!(ours(&env, &arn, None).len(), 1);
}
