//! Many targets against moto: the invoke policy is sharded deterministically, every shard fits
//! the 6,144-character quota and is attached, a second apply writes nothing, `check` is clean,
//! and onboarding one more target touches exactly one shard.

use crate::support;

use std::collections::BTreeSet;

use support::live::*;

fn shard_arns(env: &Env) -> Vec<String> {
    let xml = env.iam(
        "ListAttachedRolePolicies",
        &[("RoleName", "GenesysLambdaInvoker")],
    );
    let mut arns: Vec<String> = xml
        .split("<PolicyArn>")
        .skip(1)
        .filter_map(|s| s.split("</PolicyArn>").next())
        .map(str::to_string)
        .collect();
    arns.sort();
    arns
}

fn document_of(env: &Env, arn: &str) -> serde_json::Value {
    let xml = env.iam("GetPolicy", &[("PolicyArn", arn)]);
    let version = xml
        .split("<DefaultVersionId>")
        .nth(1)
        .and_then(|s| s.split("</DefaultVersionId>").next())
        .unwrap()
        .to_string();
    let xml = env.iam(
        "GetPolicyVersion",
        &[("PolicyArn", arn), ("VersionId", &version)],
    );
    let raw = xml
        .split("<Document>")
        .nth(1)
        .and_then(|s| s.split("</Document>").next())
        .unwrap();
    let raw = raw
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    lambda_trust_iam::decode_document(&raw).unwrap()
}

fn granted(doc: &serde_json::Value) -> Vec<String> {
    match &doc["Statement"][0]["Resource"] {
        serde_json::Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

/// The AWS calls `check` may make at `n` targets besides one `lambda:GetPolicy` per target
/// (issue: at most 60 at 500); at 1,000 targets, where AWS Config records the functions, the
/// whole check (issue 58: at most 100).
fn call_budget(n: usize) -> Option<usize> {
    match n {
        500 => Some(60),
        1000 => Some(100),
        _ => None,
    }
}

/// At 1,000 targets the account's AWS Config records its functions (`--function-policies
/// auto` reads their policies from it); below, it has no recorder.
fn config_records(n: usize) -> bool {
    n == 1000
}

fn scenario(n: usize) {
    // Short names at 1,000 targets: 1,000 ARNs of `customer-lookup-NNNN` would not fit in the
    // 10 managed policies a role takes by default.
    let names: Vec<String> = (0..n)
        .map(|i| match n {
            1000 => format!("f{i:04}"),
            _ => format!("customer-lookup-{i:04}"),
        })
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = setup(&refs);
    // ListFunctions answers in pages of 50, as AWS does (moto answers with every function).
    env.proxy.set_faults(support::FaultConfig {
        list_functions_page: Some(50),
        ..support::FaultConfig::default()
    });
    env.expect(&["apply", "--yes"], 0);

    // Every ARN granted exactly once, across shards that each fit the quota.
    let shards = shard_arns(&env);
    let mut all = BTreeSet::new();
    for arn in &shards {
        let doc = document_of(&env, arn);
        let len = lambda_trust_iam::minified_len(&doc);
        assert!(len <= 6144, "{arn}: {len} characters");
        for a in granted(&doc) {
            assert!(all.insert(a.clone()), "{a} granted twice");
        }
    }
    let want: BTreeSet<String> = names
        .iter()
        .map(|f| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{f}"))
        .collect();
    assert_eq!(all, want, "{n} targets");
    // As many shards as the ARNs need: each ARN costs its length plus `"",` in a document of
    // at most 6,144 characters, of which the template takes a few hundred.
    let per_arn = want.iter().map(|a| a.len() + 3).max().unwrap_or(1);
    let (fewest, most) = (
        n.div_ceil(6144 / per_arn).max(1),
        n.div_ceil((6144 - 300) / per_arn).max(1),
    );
    assert!(
        shards.len() >= fewest && shards.len() <= most,
        "{n} targets in {} shards",
        shards.len()
    );

    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "second apply with {n} targets");
    if config_records(n) {
        support::seed_audit(&env.moto.url(), &["recorder", "us-east-1", "all"]);
    }
    env.proxy.clear();
    let started = std::time::Instant::now();
    env.expect(&["check"], 0);
    let check_ms = started.elapsed().as_millis();
    let check_calls = env.proxy.calls();
    assert_eq!(env.proxy.count_writes(), 0);
    assert_eq!(env.proxy.count("cloudtrail:LookupEvents"), 0, "in sync");
    // Targets confirmed by the cheaper of GetFunction per target and ListFunctions pages: from
    // three targets on, GetAccountSettings counts the region's functions (here the targets),
    // and their pages plus that call are fewer calls than the targets.
    let (counts, lists, gets) = (
        env.proxy.count("lambda:GetAccountSettings"),
        env.proxy.count("lambda:ListFunctions"),
        env.proxy.count("lambda:GetFunction"),
    );
    if n > 2 {
        assert_eq!((counts, lists, gets), (1, n.div_ceil(50), 0), "{n} targets");
    } else {
        assert_eq!((counts, lists, gets), (0, 0, n), "{n} targets");
    }
    // The whole path reads each target's own resource policy: from AWS Config's items in
    // batches of 100 where it records the functions, else one lambda:GetPolicy per target and
    // qualifier (Lambda has no batch read of resource policies). Every other call stays
    // within the budget.
    let (get_policy, batches) = match config_records(n) {
        true => (0, n.div_ceil(100)),
        false => (n, 0),
    };
    assert_eq!(
        (
            env.proxy.count("lambda:GetPolicy"),
            env.proxy.count("config:BatchGetResourceConfig")
        ),
        (get_policy, batches),
        "{n} targets"
    );
    if let Some(budget) = call_budget(n) {
        let others = check_calls.len() - get_policy;
        assert!(
            others <= budget,
            "check at {n} targets made {others} calls besides GetPolicy (budget {budget}): {:?}",
            env.proxy.summary()
        );
    }

    // Onboarding one more target touches one shard.
    env.moto
        .lambda_create_function("zz-new-function", "us-east-1");
    env.proxy.clear();
    let started = std::time::Instant::now();
    env.expect(&["onboard", "--yes", "zz-new-function"], 0);
    let onboard_ms = started.elapsed().as_millis();
    let onboard_calls = env.proxy.calls();
    let touched: BTreeSet<String> = env
        .proxy
        .writes()
        .iter()
        .filter_map(|c| {
            c.param("PolicyArn")
                .or_else(|| c.param("PolicyName"))
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        touched.len(),
        1,
        "onboarding with {n} targets touched {touched:?}"
    );
    env.expect(&["plan"], 0);
    let reads = |calls: &[support::proxy::Call], svc: &str| {
        calls
            .iter()
            .filter(|c| c.service == svc && !c.is_write)
            .count()
    };
    println!(
        "{n} targets: {} shard(s) | check: {} calls: {} IAM + {} STS + {} Lambda + {} Config reads, 0 writes, {check_ms} ms | onboard: {} IAM + {} STS + {} Lambda reads, {} write(s), {onboard_ms} ms, touched {touched:?}",
        shards.len(),
        check_calls.len(),
        reads(&check_calls, "iam"),
        reads(&check_calls, "sts"),
        reads(&check_calls, "lambda"),
        reads(&check_calls, "config"),
        reads(&onboard_calls, "iam"),
        reads(&onboard_calls, "sts"),
        reads(&onboard_calls, "lambda"),
        onboard_calls.iter().filter(|c| c.is_write).count(),
    );
    if n == 1000 {
        watch_one_of_a_thousand(&env);
    }
}

/// The watching function at 1,000 targets: after the schedule's full read, a permission added
/// on one target reads that function's policy and the role, not the other 999.
fn watch_one_of_a_thousand(env: &Env) {
    use support::runtime_api::{cloudtrail_event, schedule_tick, Function, RuntimeApi};
    crate::live_security_hub::enable_hub(env, ACCOUNT);
    let api = RuntimeApi::start();
    let _function = Function::start(env, &api);
    env.proxy.clear();
    let tick = api.invoke(&schedule_tick());
    assert_eq!(tick["body"]["verdict"]["status"], "ok", "{tick:#}");
    let full = env.proxy.calls().len();
    // The schedule's full read is `check`'s (its 20 pages of functions after one count) and
    // Security Hub's: within the budget `check` keeps at 1,000 targets.
    assert!(full <= 100, "{full} calls: {:?}", env.proxy.summary());
    let code = r#"
client("lambda").add_permission(FunctionName="f0500", StatementId="open",
    Action="lambda:InvokeFunction", Principal="*")
"#;
    crate::live_security_hub::python(env, code, &[]);
    env.proxy.clear();
    let params = serde_json::json!({"functionName": "f0500", "statementId": "open",
        "action": "lambda:InvokeFunction", "principal": "*"});
    let event = cloudtrail_event("lambda", "AddPermission20150331v2", params, "us-east-1");
    let started = std::time::Instant::now();
    let run = api.invoke(&event);
    let event_ms = started.elapsed().as_millis();
    assert_eq!(run["body"]["verdict"]["status"], "drift", "{run:#}");
    let calls = env.proxy.calls();
    let lambda: Vec<String> = (calls.iter())
        .filter(|c| c.service == "lambda")
        .map(|c| c.target.clone())
        .collect();
    assert_eq!(lambda.len(), 1, "{lambda:?}");
    assert!(lambda[0].contains("f0500"), "{lambda:?}");
    let reads = calls.iter().filter(|c| c.service != "securityhub").count();
    assert!(reads <= 3, "{:?}", env.proxy.summary());
    let one_function = env.proxy.summary();
    // A role's event reads IAM again (the role and its 10 invoke policies), no target.
    env.proxy.clear();
    let params = serde_json::json!({"roleName": "GenesysLambdaInvoker"});
    let event = cloudtrail_event("iam", "TagRole", params, "us-east-1");
    let role = api.invoke(&event);
    assert_eq!(role["body"]["reread"], "role", "{role:#}");
    assert_eq!(
        env.proxy.count("lambda:GetPolicy") + env.proxy.count("lambda:ListFunctions"),
        0
    );
    println!(
        "watch at 1000 targets: the schedule's full read {full} calls | AddPermission on one target: {} calls ({reads} reads: {one_function:?}), {event_ms} ms | TagRole: {} calls: {:?}",
        calls.len(),
        env.proxy.calls().len(),
        env.proxy.summary()
    );
}

#[test]
fn one_target() {
    scenario(1);
}

#[test]
fn ten_targets() {
    scenario(10);
}

#[test]
fn a_hundred_targets() {
    scenario(100);
}

#[test]
fn five_hundred_targets() {
    scenario(500);
}

#[test]
fn a_thousand_targets() {
    scenario(1000);
}

#[test]
fn fifty_targets() {
    scenario(50);
}

/// Targets spread over 10 accounts of 100 functions each (`[aws.accounts]`, one role assumed
/// in each): a no-op `check` reads each target's function policy once with that account's
/// clients and confirms the targets from that account's listing; calls grow with the targets,
/// and the time is printed for BENCHMARKS.md.
#[test]
fn ten_accounts_of_a_hundred_targets() {
    targets_in_ten_accounts(100);
}

/// 100 targets in 10 accounts of 10 functions each: each account's functions are counted
/// (`GetAccountSettings`) and listed in one page with its own clients — 20 calls, not 100
/// `GetFunction`.
#[test]
fn ten_accounts_of_ten_targets() {
    targets_in_ten_accounts(10);
}

fn targets_in_ten_accounts(per_account: usize) {
    const ACCOUNTS: usize = 10;
    let env = Env::new();
    let accounts: Vec<String> = (0..ACCOUNTS).map(|k| format!("2222222222{k:02}")).collect();
    // Seeded an account a thread, each account's execution role made once.
    let arns: Vec<String> = std::thread::scope(|s| {
        let seeds: Vec<_> = (accounts.iter())
            .map(|account| {
                let moto = env.moto.client().with_account(account);
                s.spawn(move || {
                    let role = moto.ensure_lambda_exec_role();
                    (0..per_account)
                        .map(|i| {
                            moto.lambda_create_function_as(&format!("f{i:03}"), "us-east-1", &role)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        seeds.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let refs: Vec<&str> = arns.iter().map(String::as_str).collect();
    let mut text = config(&refs, "");
    for account in &accounts {
        text.push_str(&format!(
            "\n[aws.accounts.\"{account}\"]\nrole_arn = \"arn:aws:iam::{account}:role/lt-deployer\"\n"
        ));
    }
    env.write_config(&text);
    env.expect(&["apply", "--yes"], 0);
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "a second apply writes nothing on any account");
    env.proxy.clear();
    let started = std::time::Instant::now();
    env.expect(&["check"], 0);
    let check_ms = started.elapsed().as_millis();
    let n = ACCOUNTS * per_account;
    assert_eq!(
        env.proxy.count("lambda:GetPolicy"),
        n,
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(
        env.proxy.count("sts:AssumeRole"),
        ACCOUNTS,
        "{:?}",
        env.proxy.summary()
    );
    let calls = env.proxy.calls().len();
    println!(
        "{ACCOUNTS} accounts × {per_account} targets: check {calls} calls ({:?}), {check_ms} ms",
        env.proxy.summary()
    );
    // Each account's functions are counted and listed with that account's clients (a page a
    // 50 functions), not read one by one.
    assert_eq!(
        (
            env.proxy.count("lambda:GetAccountSettings"),
            env.proxy.count("lambda:ListFunctions"),
        ),
        (ACCOUNTS, per_account.div_ceil(50) * ACCOUNTS),
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(env.proxy.count("lambda:GetFunction"), 0);
    // Per target: its policy; per account: its listing, its role and its organization.
    assert!(
        calls <= n + 12 * ACCOUNTS,
        "{calls} calls for {n} targets in {ACCOUNTS} accounts: {:?}",
        env.proxy.summary()
    );
}

/// More ARNs than ten policies can hold: refused before any write, saying how many fit. The
/// functions need not exist — the packing is checked before the function preflight — so the
/// test stays cheap: 380 targets with `qualifier = "*"` grant 760 ARNs.
#[test]
fn too_many_targets_fail_before_any_write() {
    let env = Env::new();
    let mut text = config(&[], "");
    for i in 0..380 {
        text.push_str(&format!(
            "\n[[targets]]\nfunction = \"a-rather-long-function-name-for-the-quota-test-{i:04}\"\nqualifier = \"*\"\n"
        ));
    }
    env.write_config(&text);
    let (r, writes) = env.writes_of(&["apply", "--yes"], 1);
    assert_eq!(writes, 0);
    assert!(
        r.stderr.contains("do not fit in 10 invoke policies") && r.stderr.contains("fit"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("split the targets across two roles"),
        "{}",
        r.stderr
    );
}

/// Above 50 targets, a function with several qualified targets has its aliases listed once
/// (`ListAliases`) instead of one `GetFunction` per alias; an alias the listing does not show is
/// read with `GetFunction` and reported missing exactly as without a listing.
#[test]
fn qualified_targets_are_confirmed_by_listing_aliases() {
    let names: Vec<String> = (0..55).map(|i| format!("customer-lookup-{i:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = setup(&refs);
    env.moto.lambda_create_function("multi", "us-east-1");
    let version = env.moto.publish_version("multi");
    env.moto.create_alias("multi", "live", &version);
    env.moto.create_alias("multi", "beta", &version);
    let mut text = config(&refs, "");
    for alias in ["live", "beta"] {
        text.push_str(&format!(
            "\n[[targets]]\nfunction = \"multi\"\nqualifier = \"{alias}\"\n"
        ));
    }
    env.write_config(&text);
    env.proxy.set_faults(support::FaultConfig {
        list_functions_page: Some(50),
        ..support::FaultConfig::default()
    });
    env.expect(&["apply", "--yes"], 0);
    env.proxy.clear();
    env.expect(&["check"], 0);
    assert_eq!(
        (
            env.proxy.count("lambda:GetAccountSettings"),
            env.proxy.count("lambda:ListFunctions"),
            env.proxy.count("lambda:ListAliases"),
            env.proxy.count("lambda:GetFunction"),
        ),
        (1, 2, 1, 0),
        "{:?}",
        env.proxy.summary()
    );

    // An alias that does not exist: not in the listing, read with GetFunction, reported.
    text.push_str("\n[[targets]]\nfunction = \"multi\"\nqualifier = \"gone\"\n");
    env.write_config(&text);
    env.proxy.clear();
    let r = env.expect(&["check"], 2);
    // The words as said, whatever the 80 columns wrapped.
    let said = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("function multi with qualifier gone does not exist"),
        "{}",
        r.stdout
    );
    assert_eq!(
        env.proxy.count("lambda:GetFunction"),
        1,
        "{:?}",
        env.proxy.summary()
    );
}

/// At 50 targets in an account of 51 functions (ListFunctions in pages of 50, as AWS answers),
/// `GetAccountSettings` counts the region's functions and one or two pages confirm the targets:
/// at most 3 Lambda calls before the function policies, not 50 `GetFunction`. A target the
/// listing does not show is read with `GetFunction` and reported missing exactly as without a
/// listing; a qualified target is read with `GetFunction` (its own configuration, timeout
/// included); and where `GetAccountSettings` is refused, each target is read with
/// `GetFunction`, as before.
#[test]
fn fifty_targets_are_confirmed_by_counting_the_functions_then_listing_them() {
    let names: Vec<String> = (0..50).map(|i| format!("customer-lookup-{i:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = setup(&refs);
    env.moto.lambda_create_function("not-a-target", "us-east-1");
    env.proxy.set_faults(support::FaultConfig {
        list_functions_page: Some(50),
        ..support::FaultConfig::default()
    });
    env.expect(&["apply", "--yes"], 0);
    let confirming = |env: &Env| {
        (
            env.proxy.count("lambda:GetAccountSettings"),
            env.proxy.count("lambda:ListFunctions"),
            env.proxy.count("lambda:GetFunction"),
        )
    };
    env.proxy.clear();
    env.expect(&["check"], 0);
    let (counts, lists, gets) = confirming(&env);
    assert!(
        counts == 1 && (1..=2).contains(&lists) && gets == 0,
        "{:?}",
        env.proxy.summary()
    );

    // One target gone (49 that exist, 1 that does not): the listing confirms the 49, the
    // missing one is read with GetFunction and reported as without a listing.
    let mut gone = refs.clone();
    gone[49] = "customer-lookup-gone";
    env.write_config(&config(&gone, ""));
    env.proxy.clear();
    let r = env.expect(&["check"], 2);
    let said = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("function customer-lookup-gone does not exist"),
        "{}",
        r.stdout
    );
    let missing = env.proxy.calls_to("lambda:GetFunction");
    assert_eq!(missing.len(), 1, "{:?}", env.proxy.summary());
    assert!(missing[0].target.contains("customer-lookup-gone"));
    assert_eq!(confirming(&env).0, 1);

    // A qualified target: read with GetFunction and its qualifier, the rest listed.
    let version = env.moto.publish_version("customer-lookup-0049");
    let mut text = config(&refs[..49], "");
    text.push_str(&format!(
        "\n[[targets]]\nfunction = \"customer-lookup-0049\"\nqualifier = \"{version}\"\n"
    ));
    env.write_config(&text);
    env.expect(&["apply", "--yes"], 0);
    env.proxy.clear();
    env.expect(&["check"], 0);
    let qualified = env.proxy.calls_to("lambda:GetFunction");
    assert_eq!(qualified.len(), 1, "{:?}", env.proxy.summary());
    assert!(qualified[0].target.contains("customer-lookup-0049"));
    assert_eq!(confirming(&env).0, 1);

    // GetAccountSettings refused: one GetFunction per target, as before, and check in sync.
    env.write_config(&config(&refs, ""));
    env.expect(&["apply", "--yes"], 0);
    env.proxy.inject(
        support::Injection::new(
            "lambda:GetAccountSettings",
            403,
            "AccessDeniedException",
            "not authorized to perform: lambda:GetAccountSettings",
        )
        .always(),
    );
    env.proxy.clear();
    env.expect(&["check"], 0);
    assert_eq!(confirming(&env), (1, 0, 50), "{:?}", env.proxy.summary());
}

/// The function policies are read without pacing below the quota: throttling answers slow the
/// account's and region's Lambda client down (the SDK's adaptive retry) and every policy is
/// still read, each throttled call retried.
#[test]
fn throttled_policy_reads_are_retried_and_every_policy_read() {
    let names: Vec<String> = (0..30).map(|i| format!("customer-lookup-{i:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = setup(&refs);
    env.expect(&["apply", "--yes"], 0);
    env.proxy.inject(
        support::Injection::new(
            "lambda:GetPolicy",
            429,
            "TooManyRequestsException",
            "Rate exceeded",
        )
        .times(12),
    );
    env.proxy.clear();
    env.expect(&["check"], 0);
    assert_eq!(
        env.proxy.count("lambda:GetPolicy"),
        30 + 12,
        "every throttled read retried once more"
    );
}
