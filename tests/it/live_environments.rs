//! One config, two environments (docs/environments.md), on moto: dev in the default account
//! with the environment's keys, prod in a second account through an assumed-role profile
//! (`aws.profile` in `[environments.prod]`). Each environment is its own deployment: applied,
//! checked, re-applied with zero writes and destroyed without touching the other.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::http;
use crate::support::live::{json_of, Env, Run, ACCOUNT};

const PROD: &str = "222222222222";
const DEPLOYER: &str = "arn:aws:iam::222222222222:role/lt-deployer";
const DEV_ORG: &str = "11111111-1111-4111-8111-111111111111";
const PROD_ORG: &str = "22222222-2222-4222-8222-222222222222";

fn config() -> String {
    format!(
        r#"deployment = "contact-center"

[trust]
partner = "genesys-cloud"
external_id = "{DEV_ORG}"

[role]
name = "GenesysLambdaInvoker"

[aws]
region = "us-east-1"

[[targets]]
function = "lookup-customer"

[environments.dev]
aws.account_id = "{ACCOUNT}"

[environments.prod]
trust.external_id = "{PROD_ORG}"
aws = {{ profile = "prod", account_id = "{PROD}" }}
"#
    )
}

/// The prod profile: keys of a role assumed in the prod account, in a temporary AWS config.
fn prod_profile(env: &Env) -> String {
    env.assumable_role(DEPLOYER);
    let xml = env.moto.client().sts_query(
        "AssumeRole",
        &[("RoleArn", DEPLOYER), ("RoleSessionName", "seed")],
    );
    let get = |tag: &str| http::xml_first(&xml, tag).unwrap();
    let text = format!(
        "[profile prod]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
        get("AccessKeyId"),
        get("SecretAccessKey"),
        get("SessionToken")
    );
    let path = env.dir.path().join("aws-config");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

struct Two {
    env: Env,
    aws_config: String,
}

impl Two {
    fn new() -> Two {
        let env = Env::new();
        env.moto
            .lambda_create_function("lookup-customer", "us-east-1");
        (env.moto.client().with_account(PROD))
            .lambda_create_function("lookup-customer", "us-east-1");
        let aws_config = prod_profile(&env);
        env.write_config(&config());
        Two { env, aws_config }
    }

    fn run(&self, args: &[&str]) -> Run {
        let config = self.env.config_path();
        let mut all = args.to_vec();
        all.extend(["--config", config.to_str().unwrap()]);
        self.env
            .run_env(&all, &[("AWS_CONFIG_FILE", self.aws_config.as_str())])
    }

    fn expect(&self, args: &[&str], code: i32) -> Run {
        let r = self.run(args);
        assert_eq!(
            r.code, code,
            "{args:?}\nstdout:\n{}\nstderr:\n{}",
            r.stdout, r.stderr
        );
        r
    }

    fn trust_of(&self, account: &str) -> Option<Value> {
        let seed = self.env.moto.client().with_account(account);
        let roles = seed.iam_query("ListRoles", &[]);
        if !roles.contains("<RoleName>GenesysLambdaInvoker</RoleName>") {
            return None;
        }
        let xml = seed.iam_query("GetRole", &[("RoleName", "GenesysLambdaInvoker")]);
        let doc = http::xml_first(&xml, "AssumeRolePolicyDocument")?;
        let doc = percent_decode(&doc);
        serde_json::from_str(&doc).ok()
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[test]
fn each_environment_is_applied_checked_and_destroyed_on_its_own() {
    let two = Two::new();

    // Without --env a command that writes names the environments and writes nothing.
    two.env.proxy.clear();
    let r = two.expect(&["apply", "--yes"], 1);
    assert!(r.stderr.contains("dev, prod"), "{}", r.stderr);
    assert!(r.stderr.contains("--env"), "{}", r.stderr);
    assert_eq!(two.env.proxy.writes().len(), 0);

    two.expect(&["apply", "--yes", "--env", "dev"], 0);
    two.expect(&["apply", "--yes", "--env", "prod"], 0);
    let dev = two
        .trust_of(ACCOUNT)
        .expect("dev's role in the dev account");
    let prod = two.trust_of(PROD).expect("prod's role in the prod account");
    assert!(dev.to_string().contains(DEV_ORG) && !dev.to_string().contains(PROD_ORG));
    assert!(prod.to_string().contains(PROD_ORG) && !prod.to_string().contains(DEV_ORG));

    // Second applies write nothing.
    for name in ["dev", "prod"] {
        two.env.proxy.clear();
        two.expect(&["apply", "--yes", "--env", name], 0);
        assert_eq!(
            two.env.proxy.writes().len(),
            0,
            "{name}: {:?}",
            two.env.proxy.writes()
        );
    }

    // check takes every environment without --env: one result each, named.
    let check = json_of(&two.expect(&["check", "--format", "json"], 0));
    let names: Vec<&str> = (check["configs"].as_array().unwrap().iter())
        .map(|c| c["environment"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dev", "prod"], "{check}");

    // verify takes every environment without --env: one result each, and each live role is
    // proved isolated from the other environment (4 claims each).
    let verified = json_of(&two.expect(&["verify", "--format", "json"], 0));
    let envs = verified["environments"].as_array().unwrap();
    let names: Vec<&str> = envs
        .iter()
        .map(|e| e["environment"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dev", "prod"], "{verified}");
    for e in envs {
        let claims = e["isolation"].as_array().unwrap();
        assert_eq!(claims.len(), 4, "{e}");
        assert!(claims.iter().all(|c| c["verdict"] == "proved"), "{e}");
    }

    // dev and prod are the same, their overrides (org ID, account, profile) taken out.
    let diff = json_of(&two.expect(
        &["diff", "--env", "dev", "--env", "prod", "--format", "json"],
        0,
    ));
    assert_eq!(diff["same"], true, "{diff}");

    // The GitHub Action takes the environments (comma-separated, as in a workflow's input).
    let config = two.env.config_path();
    let (code, _, stderr, outputs) = crate::live_ux::run_action(
        &two.env,
        &[
            ("INPUT_CONFIGS", config.to_str().unwrap()),
            ("INPUT_ENVIRONMENTS", "dev,prod"),
            ("AWS_CONFIG_FILE", two.aws_config.as_str()),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(outputs.contains("in_sync=true"), "{outputs}");

    // prod's role tampered to trust dev's org too: a security finding naming both.
    let both = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": [PROD_ORG, DEV_ORG]}}}]});
    let seed = two.env.moto.client().with_account(PROD);
    seed.iam_query(
        "UpdateAssumeRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyDocument", &both.to_string()),
        ],
    );
    let check = json_of(&two.expect(&["check", "--env", "prod", "--format", "json"], 2));
    let findings = crate::support::live::check_findings(&check);
    let other = (findings.iter())
        .find(|f| f["code"] == "trust-other-environment")
        .unwrap_or_else(|| panic!("{check}"));
    assert_eq!(other["severity"], "security");
    let message = other["message"].as_str().unwrap();
    assert!(
        message.starts_with("prod's role") && message.contains("admits dev's"),
        "{message}"
    );
    assert!(message.contains(DEV_ORG), "{message}");
    let diff = json_of(&two.expect(
        &["diff", "--env", "dev", "--env", "prod", "--format", "json"],
        2,
    ));
    let whats: Vec<&str> = (diff["differences"].as_array().unwrap().iter())
        .map(|d| d["what"].as_str().unwrap())
        .collect();
    assert_eq!(whats, ["role trust policy"], "{diff}");
    // One run for CI: every environment, each result naming its own, the exit code the worst.
    let sarif = json_of(&two.expect(&["check", "--env", "all", "--format", "sarif"], 2));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let other = (results.iter())
        .find(|r| r["ruleId"] == "lambda-trust/check/trust-other-environment")
        .unwrap_or_else(|| panic!("{sarif}"));
    assert_eq!(other["properties"]["environment"], "prod");
    assert!(other["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("prod: "));
    // verify of prod proves it live: its trust claim towards dev fails with the request.
    let verified = json_of(&two.expect(&["verify", "--env", "prod", "--format", "json"], 3));
    assert_eq!(verified["environment"], "prod", "{verified}");
    let trust = (verified["isolation"].as_array().unwrap().iter())
        .find(|c| c["claim"] == "trust" && c["other"] == "dev")
        .unwrap_or_else(|| panic!("{verified}"));
    assert_eq!(trust["verdict"], "counterexample", "{trust}");
    assert_eq!(trust["counterexample"]["context:sts:ExternalId"], DEV_ORG);
    let all = two.expect(&["verify", "--env", "all"], 3).stdout;
    assert!(all.contains("prod → dev (trust)"), "{all}");
    assert!(
        all.contains("1 of 2 environments not verified: prod"),
        "{all}"
    );
    let human = two.expect(&["check", "--env", "all"], 2).stdout;
    assert!(human.contains("(environment dev): in sync"), "{human}");
    assert!(human.contains("(environment prod)"), "{human}");
    // An inline policy on prod's role that reaches dev's function: the same, for invoke.
    let dev_fn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-customer");
    let reach = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": dev_fn}]});
    let role = [("RoleName", "GenesysLambdaInvoker")];
    let inline = [
        role[0],
        ("PolicyName", "reach-dev"),
        ("PolicyDocument", &reach.to_string()),
    ];
    seed.iam_query("PutRolePolicy", &inline);
    let check = json_of(&two.expect(&["check", "--env", "prod", "--format", "json"], 2));
    let findings = crate::support::live::check_findings(&check);
    let invoke = (findings.iter())
        .find(|f| f["code"] == "invoke-other-environment")
        .unwrap_or_else(|| panic!("{check}"));
    assert_eq!(invoke["severity"], "security");
    // The config keeps them apart: apply repairs what was done by hand.
    assert_eq!(invoke["remedy"]["by"], "apply", "{invoke}");
    let message = invoke["message"].as_str().unwrap();
    assert!(
        message.contains("prod's role may invoke dev's function") && message.contains(&dev_fn),
        "{message}"
    );
    seed.iam_query("DeleteRolePolicy", &[role[0], ("PolicyName", "reach-dev")]);

    // dev is not touched by it, and apply repairs prod.
    two.expect(&["check", "--env", "dev"], 0);
    two.expect(&["apply", "--yes", "--env", "prod"], 0);
    two.expect(&["check", "--env", "prod"], 0);
    let prod = two.trust_of(PROD).unwrap();

    // Destroying dev leaves prod whole.
    two.expect(&["destroy", "--env", "dev", "--yes"], 0);
    assert!(two.trust_of(ACCOUNT).is_none(), "dev's role is gone");
    assert_eq!(two.trust_of(PROD), Some(prod), "prod's role is untouched");
    two.env.proxy.clear();
    two.expect(&["apply", "--yes", "--env", "prod"], 0);
    assert_eq!(two.env.proxy.writes().len(), 0, "prod still in sync");
}

/// Two environments of one account that both target one function, not declared `shared`: the
/// config itself breaks isolation, so apply (in sync) cannot repair it — check says the config
/// change, never `apply`; declared shared, check is green.
#[test]
fn a_function_two_environments_share_undeclared_is_a_config_change() {
    let env = Env::new();
    env.moto
        .lambda_create_function("lookup-customer", "us-east-1");
    let text = format!(
        "deployment = \"cc\"\n[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{DEV_ORG}\"\n[role]\nname = \"DevInvoker\"\n[aws]\nregion = \"us-east-1\"\naccount_id = \"{ACCOUNT}\"\n[[targets]]\nfunction = \"lookup-customer\"\n[environments.dev]\n[environments.test]\ntrust.external_id = \"{PROD_ORG}\"\nrole.name = \"TestInvoker\"\n"
    );
    env.write_config(&text);
    env.expect(&["apply", "--yes", "--env", "dev"], 0);
    env.expect(&["apply", "--yes", "--env", "test"], 0);
    env.expect(&["plan", "--env", "test"], 0);
    let check = json_of(&env.expect(&["check", "--env", "test", "--format", "json"], 2));
    let findings = crate::support::live::check_findings(&check);
    let invoke = (findings.iter())
        .find(|f| f["code"] == "invoke-other-environment")
        .unwrap_or_else(|| panic!("{check}"));
    assert_eq!(invoke["remedy"]["by"], "outside", "{invoke}");
    let step = invoke["remedy"]["step"].as_str().unwrap();
    assert!(step.contains("shared = true"), "{step}");
    let human = env.expect(&["check", "--env", "test"], 2);
    assert!(
        !human.stdout.contains("run `lambda-trust apply`"),
        "{}",
        human.stdout
    );
    env.write_config(&text.replace(
        "function = \"lookup-customer\"\n",
        "function = \"lookup-customer\"\nshared = true\n",
    ));
    env.expect(&["check", "--env", "all"], 0);
}

#[test]
fn the_offline_proof_names_both_environments_of_a_mistake() {
    let two = Two::new();
    let proved = json_of(&two.expect(&["prove", "--format", "json"], 0));
    let claims = proved["isolation"].as_array().unwrap();
    assert_eq!(claims.len(), 8, "4 claims × 2 ordered pairs: {proved}");
    assert!(claims.iter().all(|c| c["verdict"] == "proved"), "{proved}");

    // prod's org ID equal to dev's: prod's role admits dev's org.
    two.env.write_config(&config().replace(PROD_ORG, DEV_ORG));
    let r = two.expect(&["prove", "--format", "json"], 3);
    let v = json_of(&r);
    let failed: Vec<&Value> = (v["isolation"].as_array().unwrap().iter())
        .filter(|c| c["verdict"] == "counterexample")
        .collect();
    assert!(!failed.is_empty(), "{v}");
    let trust = failed.iter().find(|c| c["claim"] == "trust").unwrap();
    assert_eq!(trust["counterexample"]["context:sts:ExternalId"], DEV_ORG);
    assert!(trust["detail"].as_str().unwrap().contains("prod"));
    let lint = two.expect(&["lint"], 0);
    assert!(
        lint.stdout.contains("environment-not-isolated"),
        "{}",
        lint.stdout
    );
    assert!(lint.stdout.contains("dev → prod"), "{}", lint.stdout);

    // A prod target written as a full ARN in dev's account: prod's role invokes dev's function.
    let dev_fn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-customer");
    let cross = format!(
        "{}\n[environments.prod.targets.\"lookup-customer\"]\nfunction = \"{dev_fn}\"\n",
        config()
    );
    two.env.write_config(&cross);
    let v = json_of(&two.expect(&["prove", "--format", "json"], 3));
    let invoke = (v["isolation"].as_array().unwrap().iter())
        .find(|c| c["claim"] == "invoke" && c["environment"] == "prod")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(invoke["verdict"], "counterexample", "{invoke}");
    assert_eq!(
        invoke["counterexample"]["resource"],
        dev_fn.as_str(),
        "{invoke}"
    );
    let lint = two.expect(&["lint"], 0);
    assert!(lint.stdout.contains("prod → dev"), "{}", lint.stdout);
    // Declared shared (a base target key: both environments), it is allowed and named.
    two.env.write_config(&cross.replace(
        "[[targets]]\nfunction = \"lookup-customer\"\n",
        "[[targets]]\nfunction = \"lookup-customer\"\nshared = true\n",
    ));
    let v = json_of(&two.expect(&["prove", "--format", "json"], 0));
    let invoke = (v["isolation"].as_array().unwrap().iter())
        .find(|c| c["claim"] == "invoke" && c["environment"] == "prod")
        .unwrap();
    assert_eq!(invoke["shared"][0], dev_fn.as_str(), "{invoke}");
}

/// Three environments of thirty targets, each in its own account (one profile per account):
/// `check --env all` reads them concurrently, within 1.8× of one environment's wall time (the
/// median of five runs each, alternated). Every call is delayed 200 ms at the proxy, a round
/// trip to AWS's global IAM endpoint: without it the one local moto process (serial under
/// Python's lock), not lambda-trust, is what is timed — 2.6× at no delay, 1.9× at 30 ms.
#[test]
fn checking_every_environment_costs_about_one() {
    let (one, all, windows) = environments_of(30, 1, false);
    eprintln!("check of 3 × 30: one environment {one:?}, three {all:?}");
    // What the code decides, not how fast the machine is: the three environments' calls
    // (each account's own credentials) are in flight together — every environment's first
    // call comes before every other's last.
    assert_eq!(windows.len(), 3, "{windows:?}");
    for (a, (first, _)) in &windows {
        for (b, (_, last)) in &windows {
            assert!(first < last, "{a} started after {b} was done: {windows:?}");
        }
    }
}

/// BENCHMARKS.md's "Environments" rows: `LAMBDA_TRUST_BENCH_ENVIRONMENTS=30 cargo nextest run
/// --no-capture -E 'test(environments_benchmark)'` (ignored otherwise: the suite judges 3 × 30),
/// with the three accounts on one local AWS process, then each on its own.
#[test]
fn environments_benchmark() {
    let Some(n) = std::env::var("LAMBDA_TRUST_BENCH_ENVIRONMENTS").ok() else {
        return;
    };
    for (apart, how) in [(false, "one local AWS"), (true, "a local AWS per account")] {
        let (one, all, _) = environments_of(n.parse().unwrap(), 5, apart);
        let ratio = all.as_secs_f64() / one.as_secs_f64();
        eprintln!(
            "check of 3 × {n}, {how}: one environment {one:?}, three {all:?}, ratio {ratio:.2}"
        );
    }
}

/// With each account on its own local AWS (moto and the proxy), as AWS serves accounts apart:
/// `check --env all` still sends every environment's calls together, each to its own account's
/// endpoint (`endpoint_url` of the environment's profile).
#[test]
fn each_account_on_its_own_endpoint_is_checked_at_once() {
    let (_, _, windows) = environments_of(3, 1, true);
    // Three endpoints, each called with its own account's keys alone.
    let served: Vec<&str> = windows.keys().map(|k| &k[..1]).collect();
    assert_eq!(served, ["0", "1", "2"], "{windows:?}");
    for (a, (first, _)) in &windows {
        for (b, (_, last)) in &windows {
            assert!(first < last, "{a} started after {b} was done: {windows:?}");
        }
    }
}

/// The medians of `runs` `check --env dev` and `check --env all` runs, alternated, of three
/// environments of `targets` targets each; and of the last `check --env all`, each access
/// key's first and last call (arrival times). `apart`: each account on a local AWS of its own
/// (one moto process serves requests one at a time; AWS serves accounts apart), reached
/// through the `endpoint_url` of the environment's profile.
fn environments_of(
    targets: usize,
    runs: usize,
    apart: bool,
) -> (
    std::time::Duration,
    std::time::Duration,
    BTreeMap<String, (f64, f64)>,
) {
    let env = Env::new();
    let others: Vec<Env> = match apart {
        true => vec![Env::new(), Env::new()],
        false => Vec::new(),
    };
    let served = |k: usize| match apart {
        true => [&env, &others[0], &others[1]][k],
        false => &env,
    };
    let accounts = [ACCOUNT, PROD, "333333333333"];
    let names = ["dev", "test", "prod"];
    let mut profiles = String::new();
    if apart {
        profiles.push_str(&format!("[default]\nendpoint_url = {}\n", env.proxy.url()));
    }
    for (k, (name, account)) in names.iter().zip(accounts).enumerate() {
        let served = served(k);
        let seed = served.moto.client().with_account(account);
        for i in 0..targets {
            seed.lambda_create_function(&format!("fn-{i:03}"), "us-east-1");
        }
        if account != ACCOUNT {
            let role = format!("arn:aws:iam::{account}:role/lt-deployer");
            served.moto.client().assumable_role(&role);
            let xml = served.moto.client().sts_query(
                "AssumeRole",
                &[("RoleArn", &role), ("RoleSessionName", "seed")],
            );
            let get = |tag: &str| http::xml_first(&xml, tag).unwrap();
            profiles.push_str(&format!(
                "[profile {name}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
                get("AccessKeyId"),
                get("SecretAccessKey"),
                get("SessionToken")
            ));
            if apart {
                profiles.push_str(&format!("endpoint_url = {}\n", served.proxy.url()));
            }
        }
    }
    let aws_config = env.dir.path().join("aws-config");
    std::fs::write(&aws_config, profiles).unwrap();
    let mut text = String::from(
        "deployment = \"cc\"\n[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"00000000-0000-4000-8000-000000000000\"\n[role]\nname = \"GenesysLambdaInvoker\"\n[aws]\nregion = \"us-east-1\"\n",
    );
    for i in 0..targets {
        text.push_str(&format!("\n[[targets]]\nfunction = \"fn-{i:03}\"\n"));
    }
    for (n, (name, account)) in names.iter().zip(accounts).enumerate() {
        let profile = match account {
            ACCOUNT => String::new(),
            _ => format!("aws.profile = \"{name}\"\n"),
        };
        text.push_str(&format!(
            "\n[environments.{name}]\ntrust.external_id = \"{n}0000000-0000-4000-8000-000000000000\"\naws.account_id = \"{account}\"\n{profile}"
        ));
    }
    env.write_config(&text);
    let aws = aws_config.display().to_string();
    let extra = [("AWS_CONFIG_FILE", aws.as_str())];
    let config = env.config_path();
    let run = |args: &[&str], code: i32| {
        let mut all = args.to_vec();
        all.extend(["--config", config.to_str().unwrap()]);
        let (started, cpu) = (std::time::Instant::now(), env.moto.cpu_seconds());
        let r = match apart {
            // Each environment's endpoint from its profile, none from the environment.
            true => Run::of(
                &env.command(env!("CARGO_BIN_EXE_lambda-trust"))
                    .args(&all)
                    .envs(extra)
                    .env_remove("AWS_ENDPOINT_URL")
                    .output()
                    .unwrap(),
            ),
            false => env.run_env(&all, &extra),
        };
        assert_eq!(r.code, code, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        if std::env::var("LAMBDA_TRUST_BENCH_ENVIRONMENTS").is_ok() {
            let moto = env.moto.cpu_seconds() - cpu;
            eprintln!("{args:?}: {:?}, moto's CPU {moto:.2} s", started.elapsed());
        }
        started.elapsed()
    };
    for name in names {
        run(&["apply", "--yes", "--env", name], 0);
    }
    let latency = std::env::var("LAMBDA_TRUST_BENCH_LATENCY_MS").ok();
    let latency = latency.and_then(|v| v.parse().ok()).unwrap_or(150);
    for k in 0..3 {
        served(k)
            .proxy
            .set_faults(crate::support::proxy::FaultConfig {
                latency: std::time::Duration::from_millis(latency),
                ..Default::default()
            });
    }
    let (mut one, mut all) = (Vec::new(), Vec::new());
    let mut windows = BTreeMap::new();
    for _ in 0..runs {
        one.push(run(&["check", "--env", "dev"], 0));
        (0..3).for_each(|k| served(k).proxy.clear());
        all.push(run(&["check", "--env", "all"], 0));
        windows.clear();
        // Keyed by the local AWS that answered and the access key that signed.
        let calls = (0..3).flat_map(|k| match apart || k == 0 {
            true => served(k)
                .proxy
                .calls()
                .into_iter()
                .map(move |c| (k, c))
                .collect(),
            false => Vec::new(),
        });
        for (k, c) in calls {
            let key = format!("{k} {}", c.access_key.clone().unwrap_or_default());
            let w = windows.entry(key).or_insert((c.arrived, c.arrived));
            w.0 = w.0.min(c.arrived);
            w.1 = w.1.max(c.arrived);
        }
    }
    one.sort();
    all.sort();
    (one[runs / 2], all[runs / 2], windows)
}

/// A Secrets Manager secret in `account` (moto's account header), as a user stores each
/// environment's OAuth client in its own account.
fn put_secret_in(env: &Env, account: &str, name: &str, value: &str) {
    let body = serde_json::json!({"Name": name, "SecretString": value}).to_string();
    let auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0";
    let headers = [
        ("Authorization", auth),
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", "secretsmanager.CreateSecret"),
        ("x-moto-account-id", account),
    ];
    let r = http::request(&env.moto.url(), "POST", "/", &headers, body.as_bytes()).unwrap();
    assert!(r.is_success(), "CreateSecret: {} {}", r.status, r.text());
}

/// Everything lambda-trust may create in `account`'s IAM: the roles with their trust
/// policies, tags and policies, and the account's own managed policies (request IDs out).
fn iam_snapshot(env: &Env, account: &str) -> String {
    let seed = env.moto.client().with_account(account);
    let mut out = seed.iam_query("ListRoles", &[]);
    out.push_str(&seed.iam_query("ListPolicies", &[("Scope", "Local")]));
    if out.contains("<RoleName>GenesysLambdaInvoker</RoleName>") {
        let role = [("RoleName", "GenesysLambdaInvoker")];
        for action in [
            "ListAttachedRolePolicies",
            "ListRolePolicies",
            "ListRoleTags",
        ] {
            out.push_str(&seed.iam_query(action, &role));
        }
    }
    let request_id = regex::Regex::new("<RequestId>[^<]*</RequestId>").unwrap();
    request_id.replace_all(&out, "").into_owned()
}

/// Both sides, two orgs and two accounts: dev's Genesys Cloud org and prod's, each reached
/// through the OAuth secret in its own account (the secret's `base_url` alone names the org).
/// Each environment's apply creates its role and its org's integration, credential and
/// action; second applies write nothing anywhere; `ids` gives what each org holds; destroying
/// dev leaves prod whole on both sides.
#[test]
fn two_orgs_each_get_their_own_setup_and_dev_is_destroyed_alone() {
    use crate::support::genesys::GenesysFake;
    let two = Two::new();
    let dev_org = GenesysFake::start_with_aws(&two.env.moto.url(), DEV_ORG);
    let prod_org = GenesysFake::start_with_aws(&two.env.moto.url(), PROD_ORG);
    for (account, fake) in [(ACCOUNT, &dev_org), (PROD, &prod_org)] {
        let secret = serde_json::json!({"client_id": fake.client_id(),
            "client_secret": fake.client_secret(), "base_url": fake.url()});
        put_secret_in(&two.env, account, "genesys-oauth", &secret.to_string());
    }
    let genesys = "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\noauth_secret = \"genesys-oauth\"\n";
    let text = config().replace(
        "\n[environments.dev]",
        &format!("{genesys}\n[environments.dev]"),
    );
    two.env.write_config(&text);

    two.expect(&["apply", "--yes", "--env", "dev"], 0);
    assert_eq!(prod_org.writes(), 0, "dev's apply never reaches prod's org");
    two.expect(&["apply", "--yes", "--env", "prod"], 0);
    for (name, fake, account) in [("dev", &dev_org, ACCOUNT), ("prod", &prod_org, PROD)] {
        let state = fake.state();
        let creds: Vec<&Value> = state["credentials"].as_object().unwrap().values().collect();
        assert_eq!(creds.len(), 1, "{name}: {state}");
        let role = format!("arn:aws:iam::{account}:role/GenesysLambdaInvoker");
        assert!(creds[0].to_string().contains(&role), "{name}: {}", creds[0]);
        assert_eq!(state["actions"].as_object().unwrap().len(), 1, "{name}");
    }
    // Second applies write nothing on either account or org.
    for name in ["dev", "prod"] {
        two.env.proxy.clear();
        dev_org.reset_calls();
        prod_org.reset_calls();
        two.expect(&["apply", "--yes", "--env", name], 0);
        let writes = (
            two.env.proxy.writes().len(),
            dev_org.writes(),
            prod_org.writes(),
        );
        assert_eq!(writes, (0, 0, 0), "{name}: AWS, dev's org, prod's org");
    }
    two.expect(&["check", "--env", "all"], 0);
    two.expect(&["verify"], 0);

    // ids: what prod's org holds, and dev's own.
    for (name, fake) in [("dev", &dev_org), ("prod", &prod_org)] {
        let ids = json_of(&two.expect(&["ids", "--env", name, "--format", "json"], 0));
        let state = fake.state();
        let only = |kind: &str| state[kind].as_object().unwrap().keys().next().cloned();
        assert_eq!(
            ids["integration"]["id"].as_str().map(String::from),
            only("integrations"),
            "{name}: {ids}"
        );
        assert_eq!(
            ids["credential"]["id"].as_str().map(String::from),
            only("credentials"),
            "{name}: {ids}"
        );
        let action = &ids["actions"][0];
        assert_eq!(
            action["id"].as_str().map(String::from),
            only("actions"),
            "{name}: {ids}"
        );
        assert_eq!(action["name"], "lookup-customer", "{ids}");
    }

    // Destroying dev leaves every prod resource on both sides as it was.
    let (prod_iam, prod_state) = (iam_snapshot(&two.env, PROD), prod_org.state());
    two.expect(&["destroy", "--env", "dev", "--yes"], 0);
    assert_eq!(
        iam_snapshot(&two.env, PROD),
        prod_iam,
        "prod's account is untouched"
    );
    assert_eq!(prod_org.state(), prod_state, "prod's org is untouched");
    let dev_state = dev_org.state();
    assert!(
        dev_state["actions"].as_object().unwrap().is_empty(),
        "{dev_state}"
    );
    assert!(
        dev_state["integrations"].as_object().unwrap().is_empty(),
        "{dev_state}"
    );
    two.expect(&["check", "--env", "prod"], 0);
}

/// `init --from-genesys --env prod` adds prod to an existing config from what prod's org holds
/// (its org ID, its role's account), only where it differs from the base; the config then
/// plans prod in sync. `init --env NAME` from flags adds one too, and an existing one is kept.
#[test]
fn an_environment_is_added_to_a_config_from_its_org() {
    use crate::support::genesys::GenesysFake;
    let two = Two::new();
    let prod_org = GenesysFake::start_with_aws(&two.env.moto.url(), PROD_ORG);
    let genesys =
        "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n";
    let full = config().replace(
        "\n[environments.dev]",
        &format!("{genesys}\n[environments.dev]"),
    );
    two.env.write_config(&full);
    let fake_env: Vec<(String, String)> = prod_org.env();
    let mut extra: Vec<(&str, &str)> = fake_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    extra.push(("AWS_CONFIG_FILE", two.aws_config.as_str()));
    let config_path = two.env.config_path();
    let config = config_path.to_str().unwrap();
    let run = |args: &[&str], code: i32| {
        let mut all = args.to_vec();
        all.extend(["--config", config]);
        let r = two.env.run_env(&all, &extra);
        assert_eq!(r.code, code, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        r
    };
    run(&["apply", "--yes", "--env", "prod"], 0);

    // The config without prod: prod is added back from its org.
    let without = full[..full.find("\n[environments.prod]").unwrap()].to_string() + "\n";
    two.env.write_config(&without);
    let role = format!("arn:aws:iam::{PROD}:role/GenesysLambdaInvoker");
    let added = run(
        &[
            "init",
            "--from-genesys",
            "--env",
            "prod",
            "--profile",
            "prod",
            "--role-arn",
            &role,
            "--no-input",
            "--format",
            "json",
        ],
        0,
    );
    let v = json_of(&added);
    assert_eq!(v["environment"]["name"], "prod", "{v}");
    let overrides: Vec<&str> = (v["environment"]["overrides"].as_array().unwrap().iter())
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(
        overrides,
        ["trust.external_id", "aws.profile", "aws.account_id"],
        "{v}"
    );
    let text = std::fs::read_to_string(&config_path).unwrap();
    assert!(
        text.starts_with(without.trim_end()),
        "the rest of the file is kept:\n{text}"
    );
    assert!(
        text.contains(&format!("trust.external_id = \"{PROD_ORG}\"")),
        "{text}"
    );
    run(&["plan", "--env", "prod"], 0);
    run(&["prove"], 0);

    // From flags: a third environment; the same name again is refused and writes nothing.
    run(
        &[
            "init",
            "--env",
            "test",
            "--external-id",
            "33333333-3333-4333-8333-333333333333",
            "--account-id",
            "333333333333",
        ],
        0,
    );
    let before = std::fs::read_to_string(&config_path).unwrap();
    let again = run(
        &[
            "init",
            "--env",
            "test",
            "--external-id",
            "33333333-3333-4333-8333-333333333333",
        ],
        1,
    );
    assert!(
        again.stderr.contains("already has [environments.test]"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), before);
    let lint = run(&["lint"], 0);
    assert!(
        lint.stdout
            .contains("environment test overrides aws.account_id, trust.external_id"),
        "{}",
        lint.stdout
    );
}
