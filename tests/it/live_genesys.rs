//! The Genesys Cloud side end to end: the real binary against moto (through the counting proxy)
//! and the local Genesys Cloud fake (`tests/it/support/genesys_fake.py`), writes counted on the
//! wire on both sides.

use crate::support;

use serde_json::{json, Value};
use support::genesys::GenesysFake;
use support::live::*;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GenesysLambdaInvoker";
const ORDER_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:lookup-order";
const CUSTOMER_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:lookup-customer";

pub(crate) struct G {
    pub(crate) env: Env,
    pub(crate) fake: GenesysFake,
}

pub(crate) fn genesys_section() -> &'static str {
    "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n"
}

/// moto with the functions, the fake wired to moto (for the action test), and a config with
/// `[genesys]` and one `[targets.action]`.
pub(crate) fn setup_g(targets: &[&str]) -> G {
    let env = setup(targets);
    let fake = GenesysFake::start_with_aws(&env.moto.url(), EXT);
    std::fs::write(
        env.dir.path().join("order.in.json"),
        r#"{"type":"object","properties":{"orderId":{"type":"string"}},"required":["orderId"]}"#,
    )
    .unwrap();
    let mut text = config(targets, "");
    text.push_str(genesys_section());
    env.write_config(&text);
    G { env, fake }
}

impl G {
    fn envs(&self) -> Vec<(String, String)> {
        self.fake.env()
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_config(&self.env.config_path(), args)
    }

    /// Runs with another config file than the env's.
    pub(crate) fn run_config(&self, config: &std::path::Path, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", config.to_str().unwrap()]);
        let envs = self.envs();
        let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.env.run_env(&all, &extra)
    }

    /// [`G::writes_of`] with another config file than the env's.
    pub(crate) fn writes_of_config(
        &self,
        config: &std::path::Path,
        args: &[&str],
        code: i32,
    ) -> (Run, usize, usize) {
        self.env.proxy.clear();
        self.fake.reset_calls();
        let r = self.run_config(config, args);
        assert_eq!(r.code, code, "{}\n{}", r.stdout, r.stderr);
        (r, self.env.proxy.count_writes(), self.fake.writes())
    }

    pub(crate) fn expect(&self, args: &[&str], code: i32) -> Run {
        let r = self.run(args);
        assert_eq!(
            r.code, code,
            "`lambda-trust {}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}\n--- fake log\n{}",
            args.join(" "), r.code, r.stdout, r.stderr, self.fake.log_tail(20)
        );
        r
    }

    /// Runs and returns (run, AWS writes on the wire, Genesys writes on the wire).
    pub(crate) fn writes_of(&self, args: &[&str], code: i32) -> (Run, usize, usize) {
        self.env.proxy.clear();
        self.fake.reset_calls();
        let r = self.expect(args, code);
        (r, self.env.proxy.count_writes(), self.fake.writes())
    }

    pub(crate) fn actions(&self) -> Vec<Value> {
        let s = self.fake.state();
        s["actions"]
            .as_object()
            .unwrap()
            .values()
            .cloned()
            .collect()
    }

    pub(crate) fn action_named(&self, name: &str) -> Value {
        self.actions()
            .into_iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no action {name}"))
    }

    fn one(&self, kind: &str) -> Value {
        let s = self.fake.state();
        let all: Vec<Value> = s[kind].as_object().unwrap().values().cloned().collect();
        assert_eq!(all.len(), 1, "{kind}: {all:#?}");
        all[0].clone()
    }
}

#[test]
fn apply_from_empty_then_zero_writes_on_both_sides() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    let plan = json_of(&g.expect(&["plan", "--format", "json"], 2));
    assert_eq!(plan["in_sync"], json!(false));
    let gchanges: Vec<String> = plan["genesys"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["action"].as_str().unwrap(),
                c["resource"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        gchanges,
        [
            "create genesys credential \"AWS Lambda (lambda-trust) role\"",
            "create genesys integration \"AWS Lambda (lambda-trust)\"",
            "create genesys action \"lookup-customer\"",
            "create genesys action \"lookup-order\"",
            "update genesys integration \"AWS Lambda (lambda-trust)\" config",
            "update genesys integration \"AWS Lambda (lambda-trust)\"",
        ]
    );

    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(aws, 3, "CreateRole, CreatePolicy, AttachRolePolicy");
    assert_eq!(
        genesys, 6,
        "credential, integration, 2 actions, config, enable"
    );

    let cred = g.one("credentials");
    assert_eq!(cred["fields"]["ARN"], ROLE_ARN);
    assert_eq!(cred["type"], "amazonWebServicesARN");
    let i = g.one("integrations");
    assert_eq!(i["intendedState"], "ENABLED");
    assert_eq!(
        i["config"]["credentials"]["AmazonWebServicesARN"]["id"],
        cred["id"]
    );
    let order = g.action_named("lookup-order");
    assert_eq!(order["config"]["request"]["requestUrlTemplate"], ORDER_ARN);
    assert_eq!(order["category"], "Lambda");
    assert_eq!(order["integrationId"], i["id"]);
    assert_eq!(
        g.action_named("lookup-customer")["config"]["request"]["requestUrlTemplate"],
        CUSTOMER_ARN
    );

    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        (aws, genesys),
        (0, 0),
        "a second apply writes nothing:\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Genesys Cloud in sync with the config"),
        "{}",
        r.stdout
    );
    // Its reads: token, type, integrations, credentials listing, the signed-in organization
    // (what is written must work for it), config, actions list — none per action: each is
    // listed at the version the ledger recorded.
    let calls: Vec<String> = g
        .fake
        .calls()
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert_eq!(calls.len(), 7, "{calls:#?}");
    assert!(calls.contains(&"GET /api/v2/organizations/me".to_string()));
    g.expect(&["plan"], 0);
}

#[test]
fn a_qualified_target_gets_the_qualified_arn_and_schemas_come_from_files() {
    let g = setup_g(&["lookup-order"]);
    g.env.moto.publish_version("lookup-order");
    g.env.moto.create_alias("lookup-order", "live", "1");
    let mut text = config(&[], "");
    text.push_str(
        "\n[[targets]]\nfunction = \"lookup-order\"\nqualifier = \"live\"\n[targets.action]\nname = \"Lookup order\"\ninput_schema = \"order.in.json\"\ntimeout_seconds = 12\nsample_input = '{\"orderId\": \"42\"}'\n",
    );
    text.push_str(genesys_section());
    g.env.write_config(&text);
    g.expect(&["apply", "--yes"], 0);
    let a = g.action_named("Lookup order");
    assert_eq!(
        a["config"]["request"]["requestUrlTemplate"],
        format!("{ORDER_ARN}:live")
    );
    assert_eq!(a["config"]["timeoutSeconds"], 12);
    assert_eq!(
        a["contract"]["input"]["inputSchema"]["required"],
        json!(["orderId"])
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn bad_oauth_credentials_exit_1_with_zero_writes_on_both_sides() {
    let g = setup_g(&["lookup-order"]);
    g.env.proxy.clear();
    g.fake.reset_calls();
    let config = g.env.config_path();
    let mut envs = g.envs();
    for (k, v) in envs.iter_mut() {
        if k == "GENESYSCLOUD_OAUTHCLIENT_SECRET" {
            *v = "wrong".into();
        }
    }
    let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = g.env.run_env(
        &["apply", "--yes", "--config", config.to_str().unwrap()],
        &extra,
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("refused the OAuth client"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("wrong"),
        "the secret is never printed: {}",
        r.stderr
    );
    assert_eq!(g.env.proxy.count_writes(), 0);
    assert_eq!(g.fake.writes(), 0);
}

#[test]
fn no_oauth_client_exits_1_with_a_hint() {
    let g = setup_g(&["lookup-order"]);
    let config = g.env.config_path();
    let api = g.fake.url();
    let r = g.env.run_env(
        &["plan", "--config", config.to_str().unwrap()],
        &[("GENESYSCLOUD_API_REGION", api.as_str())],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("GENESYSCLOUD_OAUTHCLIENT_ID"),
        "{}",
        r.stderr
    );
}

/// Each Genesys drift: `check` finds it (exit 2, the expected severity, naming who changed it),
/// `apply` repairs it, and the next `check` is clean.
fn drift_case(name: &str, tamper: impl FnOnce(&G), severity: &str, needle: &str) {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    g.expect(&["check"], 0);
    tamper(&g);
    let r = g.expect(&["check", "--format", "json"], 2);
    let v = json_of(&r);
    let findings = v["configs"][0]["findings"].as_array().unwrap().clone();
    let hit = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap_or("").contains(needle))
        .unwrap_or_else(|| panic!("{name}: no finding mentions {needle:?}: {findings:#?}"));
    assert_eq!(hit["severity"], severity, "{name}: {hit:#}");
    // Who changed it: typed as for AWS (`changed_by`), and said on the human report.
    assert!(
        findings
            .iter()
            .any(|f| f["changed_by"]["who"] == "Jane Admin"
                && f["changed_by"]["source"] == "genesys-audit"),
        "{name}: who changed it: {findings:#?}"
    );
    let human = g.expect(&["check"], 2).stdout;
    assert!(human.contains("by Jane Admin"), "{name}: {human}");
    let (_, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert!(genesys > 0, "{name}: apply repaired nothing");
    g.expect(&["check"], 0);
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "{name}: quiet after the repair");
}

#[test]
fn a_credential_pointed_at_another_role_is_a_security_finding_and_repaired() {
    drift_case(
        "credential",
        |g| {
            let id = g.one("credentials")["id"].as_str().unwrap().to_string();
            g.fake.tamper(json!({"kind": "credential", "id": id,
                "fields": {"ARN": "arn:aws:iam::999999999999:role/Attacker"}}));
        },
        "security",
        "modified outside lambda-trust",
    );
}

#[test]
fn a_swapped_credential_binding_is_a_security_finding_and_repaired() {
    drift_case(
        "binding",
        |g| {
            let other = g.fake.api(
                &g.fake.token(),
                "POST",
                "/api/v2/integrations/credentials",
                Some(
                    &json!({"name": "other", "type": {"name": "amazonWebServicesARN"},
                    "credentialFields": {"ARN": "arn:aws:iam::999999999999:role/Other"}}),
                ),
            );
            let other: Value = serde_json::from_slice(&other.body).unwrap();
            let i = g.one("integrations")["id"].as_str().unwrap().to_string();
            g.fake.tamper(json!({"kind": "integration", "id": i,
                "credentials": {"AmazonWebServicesARN": other["id"]}}));
        },
        "security",
        "credential bound",
    );
}

#[test]
fn an_action_pointed_at_another_function_is_a_security_finding_and_repaired() {
    drift_case(
        "function",
        |g| {
            let id = g.action_named("lookup-order")["id"]
                .as_str()
                .unwrap()
                .to_string();
            g.fake.tamper(json!({"kind": "action", "id": id, "set": {
                "config.request.requestUrlTemplate": "arn:aws:lambda:us-east-1:123456789012:function:admin-tool"}}));
        },
        "security",
        "not a target",
    );
}

#[test]
fn template_and_timeout_drift_are_config_findings_and_repaired() {
    drift_case(
        "timeout",
        |g| {
            let id = g.action_named("lookup-order")["id"]
                .as_str()
                .unwrap()
                .to_string();
            g.fake.tamper(json!({"kind": "action", "id": id, "set": {
                "config.timeoutSeconds": 5,
                "config.response.successTemplate": "{\"x\": 1}"}}));
        },
        "config",
        "timeoutSeconds differs",
    );
}

#[test]
fn a_disabled_integration_is_a_config_finding_and_repaired() {
    drift_case(
        "disabled",
        |g| {
            let i = g.one("integrations")["id"].as_str().unwrap().to_string();
            g.fake
                .tamper(json!({"kind": "integration", "id": i, "intendedState": "DISABLED"}));
        },
        "config",
        "ENABLED",
    );
}

#[test]
fn a_foreign_action_is_reported_never_touched() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let i = g.one("integrations")["id"].as_str().unwrap().to_string();
    g.fake.tamper(
        json!({"kind": "create_action", "integrationId": i, "name": "Admin tool",
        "requestUrlTemplate": "arn:aws:lambda:us-east-1:123456789012:function:admin-tool"}),
    );
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    let f = &v["configs"][0]["findings"];
    assert!(f.to_string().contains("Admin tool"), "{f:#}");
    assert_eq!(f[0]["severity"], "security", "{f:#}");
    // apply leaves it alone: nothing to write.
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "{}", r.stdout);
    assert!(r.stdout.contains("left alone"), "{}", r.stdout);
    assert_eq!(g.actions().len(), 2);
}

/// Writes the config with `lookup-order`'s input schema from order.in.json (a contract change
/// from the default open object).
fn with_order_contract(g: &G) {
    let mut text = config(&["lookup-order"], "");
    text.push_str("[targets.action]\ninput_schema = \"order.in.json\"\n");
    text.push_str(genesys_section());
    g.env.write_config(&text);
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn a_contract_change_of_an_unused_action_replaces_it_and_settles() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let before = id_of(&g.action_named("lookup-order"));
    with_order_contract(&g);
    let r = g.expect(&["plan"], 2);
    assert!(r.stdout.contains("replaces action"), "{}", r.stdout);
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(aws, 0);
    assert_eq!(
        genesys, 3,
        "delete the old action, create the new one, ledger:\n{}",
        r.stderr
    );
    let after = g.action_named("lookup-order");
    assert_ne!(
        id_of(&after),
        before,
        "a published contract never changes: a new action"
    );
    assert_eq!(
        after["contract"]["input"]["inputSchema"]["required"],
        json!(["orderId"])
    );
    assert_eq!(g.actions().len(), 1, "the unused old action is deleted");
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
    g.expect(&["check"], 0);
}

#[test]
fn a_contract_change_of_an_action_a_flow_calls_keeps_it_until_no_flow_does() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let old = id_of(&g.action_named("lookup-order"));
    let flow = g.fake.add_flow("Main IVR", "INBOUNDCALLFLOW", &[&old]);
    with_order_contract(&g);
    let r = g.expect(&["plan"], 2);
    assert!(
        r.stdout.contains("Main IVR") && r.stdout.contains("superseded"),
        "plan names the flows that call the old action:\n{}",
        r.stdout
    );
    let (r, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        genesys, 3,
        "rename the old one, create the new one, ledger:\n{}",
        r.stderr
    );
    let kept = g
        .actions()
        .into_iter()
        .find(|a| a["id"] == old.as_str())
        .expect("the old action is kept while a flow calls it");
    assert!(
        kept["name"].as_str().unwrap().contains("(superseded"),
        "{kept}"
    );
    let new = g.action_named("lookup-order");
    assert_ne!(id_of(&new), old);
    // Settled: nothing to write, check in sync, and both say which flow still calls the old one.
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "{}", r.stdout);
    assert!(r.stdout.contains("Main IVR"), "{}", r.stdout);
    let v = json_of(&g.expect(&["check", "--format", "json"], 0));
    assert!(
        v["configs"][0]["notes"].to_string().contains("Main IVR"),
        "{v:#}"
    );
    // Once no published flow calls it, the next apply deletes it.
    g.fake.remove_flow(&flow);
    let (r, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        genesys, 2,
        "delete the superseded action, ledger:\n{}",
        r.stderr
    );
    assert_eq!(g.actions().len(), 1);
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn offboarding_an_action_a_flow_calls_exits_1_with_zero_writes_unless_forced() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let id = id_of(&g.action_named("lookup-order"));
    g.fake.add_flow("Order status", "INBOUNDCALLFLOW", &[&id]);
    let before = std::fs::read_to_string(g.env.config_path()).unwrap();
    let (r, aws, genesys) = g.writes_of(&["offboard", "--yes", "lookup-order"], 1);
    assert_eq!((aws, genesys), (0, 0), "nothing written on either side");
    assert!(
        r.stderr.contains("Order status") && r.stderr.contains("INBOUNDCALLFLOW"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(g.env.config_path()).unwrap(),
        before,
        "the config file is untouched"
    );
    // destroy refuses the same way.
    let (r, aws, genesys) = g.writes_of(&["destroy", "--yes"], 1);
    assert_eq!((aws, genesys), (0, 0), "{}", r.stderr);
    assert!(r.stderr.contains("Order status"), "{}", r.stderr);
    // --force deletes anyway and says what it broke.
    let (r, _, genesys) = g.writes_of(&["offboard", "--yes", "lookup-order", "--force"], 0);
    assert_eq!(genesys, 2, "{}", r.stderr);
    assert!(r.stdout.contains("breaks"), "{}", r.stdout);
    assert!(g.actions().iter().all(|a| a["name"] != "lookup-order"));
}

#[test]
fn a_refused_dependency_lookup_names_the_permission_and_writes_nothing() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    g.fake
        .settings(json!({"dependency_tracking_permitted": false}));
    let (r, aws, genesys) = g.writes_of(&["offboard", "--yes", "lookup-order"], 1);
    assert_eq!((aws, genesys), (0, 0));
    assert!(
        r.stderr.contains("architect:dependencyTracking:view"),
        "{}",
        r.stderr
    );
    // check still reports (the lookup is not needed when nothing would be deleted).
    g.expect(&["check"], 0);
}

#[test]
fn lost_answers_on_every_create_converge_without_duplicates() {
    for (how, prefix) in [
        ("lose", "/api/v2/integrations/credentials"),
        ("drop", "/api/v2/integrations/actions"),
        ("lose", "/api/v2/integrations/actions"),
        ("drop", "/api/v2/integrations/credentials"),
    ] {
        let g = setup_g(&["lookup-customer", "lookup-order"]);
        match how {
            "lose" => g.fake.lose_answer("POST", prefix, 1),
            _ => g.fake.drop_after_write("POST", prefix, 1),
        }
        let r = g.expect(&["apply", "--yes"], 0);
        assert!(
            r.stderr.contains("was lost"),
            "{how} {prefix}: {}",
            r.stderr
        );
        let s = g.fake.state();
        assert_eq!(
            s["credentials"].as_object().unwrap().len(),
            1,
            "{how} {prefix}"
        );
        assert_eq!(g.actions().len(), 2, "{how} {prefix}");
        let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
        assert_eq!((aws, genesys), (0, 0), "{how} {prefix}: {}", r.stdout);
    }
}

#[test]
fn a_lost_integration_create_is_adopted_not_duplicated() {
    let g = setup_g(&["lookup-order"]);
    g.fake.lose_answer("POST", "/api/v2/integrations", 1);
    let r = g.expect(&["apply", "--yes"], 0);
    assert!(r.stderr.contains("was lost"), "{}", r.stderr);
    g.one("integrations");
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

/// The Genesys calls of a no-op `check` (token included).
fn noop_reads(targets: usize) -> Vec<String> {
    let names: Vec<String> = (0..targets).map(|i| format!("fn-{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let g = setup_g(&refs);
    g.expect(&["apply", "--yes"], 0);
    g.fake.reset_calls();
    g.expect(&["check"], 0);
    let integration = g.one("integrations")["id"].as_str().unwrap().to_string();
    let mut calls: Vec<String> = g
        .fake
        .calls()
        .iter()
        .map(|c| format!("{} {}", c.method, c.path.replace(&integration, "{id}")))
        .collect();
    calls.sort();
    calls
}

/// A no-op `check` reads Genesys Cloud a fixed number of times plus one per page of 100
/// actions, never per action. Sizes: `LAMBDA_TRUST_GENESYS_SIZES` (default `1,40`; BENCHMARKS.md
/// was measured with `1,10,100,500`); each size's calls are printed.
#[test]
fn a_no_op_check_makes_genesys_reads_per_page_of_actions_not_per_action() {
    let sizes: Vec<usize> = std::env::var("LAMBDA_TRUST_GENESYS_SIZES")
        .unwrap_or_else(|_| "1,40".into())
        .split(',')
        .map(|n| n.trim().parse().unwrap())
        .collect();
    let one = noop_reads(1);
    assert_eq!(
        one.len(),
        7,
        "token, type, integrations, credentials, the org (the external ID it sends, which check \
         compares), config, actions: {one:#?}"
    );
    for n in sizes {
        let calls = noop_reads(n);
        let pages = n.div_ceil(100).max(1);
        eprintln!(
            "{n} target(s): {} Genesys call(s) in a no-op check",
            calls.len()
        );
        assert_eq!(calls.len(), 6 + pages, "{n} targets: {calls:#?}");
        let mut expected = one.clone();
        expected.extend(std::iter::repeat_n(
            "GET /api/v2/integrations/actions".to_string(),
            pages - 1,
        ));
        expected.sort();
        assert_eq!(calls, expected, "{n} targets: no read per action");
    }
}

#[test]
fn a_429_storm_and_409s_converge_and_are_reported() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.fake.inject(429, 4, Some(1), None, "/api/v2/integrations");
    let r = g.expect(&["apply", "--yes"], 0);
    assert!(r.stderr.contains("retried"), "{}", r.stderr);
    assert!(r.stderr.contains("429"), "{}", r.stderr);
    // A config PUT that meets a stale version re-reads it and retries.
    let id = g.action_named("lookup-order")["id"]
        .as_str()
        .unwrap()
        .to_string();
    g.fake
        .tamper(json!({"kind": "action", "id": id, "set": {"config.timeoutSeconds": 9}}));
    g.fake
        .inject(409, 2, None, Some("PATCH"), "/api/v2/integrations/actions");
    let r = g.expect(&["apply", "--yes"], 0);
    assert!(r.stderr.contains("409"), "{}", r.stderr);
    assert_eq!(
        g.action_named("lookup-order")["config"]["timeoutSeconds"],
        30
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn a_stale_config_version_is_re_read_and_the_put_retried() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let i = g.one("integrations");
    let id = i["id"].as_str().unwrap().to_string();
    // Someone renames the integration (the config version moves on), and the next two PUTs of
    // the config meet a conflict.
    g.fake
        .tamper(json!({"kind": "integration", "id": id, "name": "AWS Lambda (lambda-trust)"}));
    g.fake
        .tamper(json!({"kind": "integration", "id": id, "intendedState": "DISABLED"}));
    let cred = g.one("credentials")["id"].as_str().unwrap().to_string();
    let other = g.fake.api(
        &g.fake.token(),
        "POST",
        "/api/v2/integrations/credentials",
        Some(
            &json!({"name": "other", "type": {"name": "amazonWebServicesARN"},
            "credentialFields": {"ARN": "arn:aws:iam::999999999999:role/Other"}}),
        ),
    );
    let other: Value = serde_json::from_slice(&other.body).unwrap();
    g.fake.tamper(json!({"kind": "integration", "id": id,
        "credentials": {"AmazonWebServicesARN": other["id"]}}));
    g.fake.inject(
        409,
        2,
        None,
        Some("PUT"),
        &format!("/api/v2/integrations/{id}/config"),
    );
    let r = g.expect(&["apply", "--yes"], 0);
    assert!(r.stderr.contains("409 ×2"), "{}", r.stderr);
    let i = g.one("integrations");
    assert_eq!(
        i["config"]["credentials"]["AmazonWebServicesARN"]["id"],
        cred.as_str()
    );
    assert_eq!(i["intendedState"], "ENABLED");
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn verify_checks_the_genesys_side_and_test_actions_run_end_to_end() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let v = json_of(&g.expect(&["verify", "--test-actions", "--format", "json"], 0));
    let checks = v["checks"].as_array().unwrap();
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for want in [
        "genesys: integration is enabled",
        "genesys: the integration's credential holds the role proved on the AWS side",
        "genesys: test run of action \"lookup-order\"",
    ] {
        assert!(names.contains(&want), "{want} missing: {names:#?}");
    }
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("genesys: action \"lookup-order\" calls exactly")),
        "{names:#?}"
    );
    // A hand-edited credential fails verify (exit 3).
    let id = g.one("credentials")["id"].as_str().unwrap().to_string();
    g.fake.tamper(json!({"kind": "credential", "id": id,
        "fields": {"ARN": "arn:aws:iam::999999999999:role/Attacker"}}));
    let v = json_of(&g.expect(&["verify", "--test-actions", "--format", "json"], 3));
    let failed: Vec<String> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        failed
            .iter()
            .any(|n| n.contains("credential holds the role")),
        "{failed:#?}"
    );
    assert!(
        failed.iter().any(|n| n.contains("test run")),
        "the test run assumes the attacker's role: {failed:#?}"
    );
}

#[test]
fn onboard_creates_the_action_and_offboard_deletes_it_before_the_grant() {
    let g = setup_g(&["lookup-order"]);
    g.env
        .moto
        .lambda_create_function("lookup-invoice", "us-east-1");
    g.expect(&["apply", "--yes"], 0);
    let (r, aws, genesys) = g.writes_of(&["onboard", "--yes", "lookup-invoice"], 0);
    assert!(aws >= 1, "{}", r.stderr);
    assert_eq!(genesys, 2, "create action, config (ledger):\n{}", r.stderr);
    let a = g.action_named("lookup-invoice");
    assert_eq!(
        a["config"]["request"]["requestUrlTemplate"],
        "arn:aws:lambda:us-east-1:123456789012:function:lookup-invoice"
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));

    let (r, _, genesys) = g.writes_of(&["offboard", "--yes", "lookup-invoice"], 0);
    assert_eq!(genesys, 2, "delete action, config (ledger):\n{}", r.stderr);
    let order: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert!(
        order[0].starts_with("[genesys"),
        "the action goes first: {order:#?}"
    );
    assert!(g.actions().iter().all(|a| a["name"] != "lookup-invoice"));
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn destroy_removes_the_genesys_objects_first() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let r = g.expect(&["destroy"], 2);
    let genesys_at = r.stdout.find("genesys action").expect("shown");
    let role_at = r.stdout.find("role GenesysLambdaInvoker").expect("shown");
    assert!(genesys_at < role_at, "{}", r.stdout);
    let (_, aws, genesys) = g.writes_of(&["destroy", "--yes"], 0);
    assert!(aws > 0);
    assert_eq!(genesys, 3, "action, integration, credential");
    let s = g.fake.state();
    assert!(s["actions"].as_object().unwrap().is_empty());
    assert!(s["integrations"].as_object().unwrap().is_empty());
    assert!(s["credentials"].as_object().unwrap().is_empty());
}

#[test]
fn an_audit_trail_refusal_is_said_once_and_check_goes_on() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    g.fake.settings(json!({"audit_permitted": false}));
    for name in ["lookup-customer", "lookup-order"] {
        let id = g.action_named(name)["id"].as_str().unwrap().to_string();
        g.fake
            .tamper(json!({"kind": "action", "id": id, "set": {"config.timeoutSeconds": 7}}));
    }
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    let findings = v["configs"][0]["findings"].as_array().unwrap();
    let text = v["configs"][0]["findings"].to_string();
    // Typed, as CloudTrail's refusal is: on the first finding only, the rest not looked up.
    let refused: Vec<&serde_json::Value> = (findings.iter())
        .filter_map(|f| f.get("genesys_audit"))
        .collect();
    assert_eq!(
        refused,
        [&json!({"status": "not_permitted", "permission": "audits:audit:view"})],
        "{text}"
    );
    assert_eq!(findings.len(), 2, "{text}");
    let human = g.expect(&["check"], 2).stdout;
    assert_eq!(
        human.matches("the audit query was refused").count(),
        1,
        "{human}"
    );
}

/// Who changed a Genesys object is told in the same typed fields as CloudTrail's answer for
/// AWS (`changed_by`, with `genesys_audit`), and on its own line in the human report.
#[test]
fn who_changed_a_data_action_is_typed_as_for_aws() {
    let g = setup_g(&["lookup-customer"]);
    g.expect(&["apply", "--yes"], 0);
    let id = g.action_named("lookup-customer")["id"]
        .as_str()
        .unwrap()
        .to_string();
    g.fake.tamper(
        json!({"kind": "action", "id": id, "user": "Mallory Admin", "set": {"config.timeoutSeconds": 7}}),
    );
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    let findings = v["configs"][0]["findings"].as_array().unwrap();
    let f = (findings.iter())
        .find(|f| f.get("changed_by").is_some())
        .unwrap_or_else(|| panic!("no changed_by in {findings:?}"));
    assert_eq!(f["config_key"], "genesys");
    assert_eq!(f["genesys_audit"], json!({"status": "changed"}));
    let c = &f["changed_by"];
    assert_eq!(
        (&c["source"], &c["who"], &c["event"]),
        (
            &json!("genesys-audit"),
            &json!("Mallory Admin"),
            &json!("Update")
        )
    );
    assert!(c.get("arn").is_none() && c["event_id"].is_string(), "{c}");
    assert!(!f["message"].as_str().unwrap().contains("Mallory"), "{f}");
    let human = g.expect(&["check"], 2).stdout;
    assert!(human.contains("— Update by Mallory Admin at "), "{human}");
    assert!(
        human.contains("Genesys Cloud's audit trail entry "),
        "{human}"
    );
}

/// Stores a secret in moto with boto3 (Secrets Manager speaks JSON, not the query protocol).
fn put_secret(g: &G, name: &str, value: &str) {
    let script = format!(
        "import boto3; boto3.client('secretsmanager', endpoint_url='{}', region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing').create_secret(Name='{name}', SecretString='''{value}''')",
        g.env.moto.url()
    );
    let out = std::process::Command::new(support::genesys::python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_oauth_client_comes_from_secrets_manager_and_a_missing_secret_exits_1() {
    let g = setup_g(&["lookup-order"]);
    let mut text = config(&["lookup-order"], "");
    text.push_str(genesys_section());
    text.push_str("oauth_secret = \"genesys-oauth\"\n");
    g.env.write_config(&text);
    let config = g.env.config_path();
    let api = g.fake.url();
    let only_url = [("GENESYSCLOUD_API_REGION", api.as_str())];
    let r = g
        .env
        .run_env(&["plan", "--config", config.to_str().unwrap()], &only_url);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("genesys-oauth") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );

    put_secret(
        &g,
        "genesys-oauth",
        &json!({"client_id": g.fake.client_id(), "client_secret": g.fake.client_secret(), "base_url": api}).to_string(),
    );
    let r = g.env.run_env(
        &["apply", "--yes", "--config", config.to_str().unwrap()],
        &only_url,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        !r.stderr.contains(g.fake.client_secret()) && !r.stdout.contains(g.fake.client_secret())
    );
    assert_eq!(g.one("integrations")["intendedState"], "ENABLED");
}

/// Each environment of a config reaches its own org through its own secret, so the secret's
/// `base_url` alone must reach the org: no region, no process-wide variable.
#[test]
fn the_secrets_base_url_alone_reaches_the_org() {
    let g = setup_g(&["lookup-order"]);
    let mut text = config(&["lookup-order"], "");
    text.push_str(genesys_section());
    text.push_str("oauth_secret = \"genesys-oauth\"\n");
    g.env.write_config(&text);
    let api = g.fake.url();
    put_secret(
        &g,
        "genesys-oauth",
        &json!({"client_id": g.fake.client_id(), "client_secret": g.fake.client_secret(), "base_url": api}).to_string(),
    );
    let config = g.env.config_path();
    let r = g.env.run_env(
        &["apply", "--yes", "--config", config.to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(g.one("integrations")["intendedState"], "ENABLED");
    // A region given too must agree with it.
    text.push_str("region = \"eu-west-1\"\n");
    g.env.write_config(&text);
    let r = g
        .env
        .run_env(&["check", "--config", config.to_str().unwrap()], &[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(said.contains("disagrees"), "{said}");
}

fn hand_made_integration(g: &G, name: &str) -> String {
    let r = g.fake.api(
        &g.fake.token(),
        "POST",
        "/api/v2/integrations",
        Some(&json!({"name": name, "integrationType": {"id": "aws-lambda-data-actions"}})),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn an_integration_lambda_trust_did_not_create_needs_adopt() {
    let g = setup_g(&["lookup-order"]);
    let id = hand_made_integration(&g, "AWS Lambda (lambda-trust)");
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 1);
    assert!(
        r.stderr.contains("--adopt") && r.stderr.contains(&id),
        "{}",
        r.stderr
    );
    assert_eq!(
        (aws, genesys),
        (0, 0),
        "refused before any write on either side"
    );
    let (_, _, genesys) = g.writes_of(&["apply", "--yes", "--adopt"], 0);
    assert!(genesys > 0);
    assert_eq!(
        g.one("integrations")["id"],
        id.as_str(),
        "taken over, not duplicated"
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn two_integrations_with_the_configured_name_are_an_error_naming_both() {
    let g = setup_g(&["lookup-order"]);
    let a = hand_made_integration(&g, "AWS Lambda (lambda-trust)");
    let b = hand_made_integration(&g, "AWS Lambda (lambda-trust)");
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes", "--adopt"], 1);
    assert!(
        r.stderr.contains(&a) && r.stderr.contains(&b),
        "{}",
        r.stderr
    );
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let g = setup_g(&["lookup-order"]);
    g.fake
        .inject(503, 2, None, Some("POST"), "/api/v2/integrations/actions");
    let r = g.expect(&["apply", "--yes"], 0);
    assert!(r.stderr.contains("503 ×2"), "{}", r.stderr);
    assert_eq!(g.actions().len(), 1, "no duplicate action");
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn requests_are_paced_by_the_rate_limit_headers() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.fake
        .settings(json!({"rate_limit": {"allowed": 8, "window_seconds": 8, "enforce": true}}));
    let r = g.expect(&["apply", "--yes"], 0);
    assert!(
        r.stderr.contains("rate-limit window used up"),
        "the used-up window held the next requests:\n{}",
        r.stderr
    );
    let throttled = g.fake.calls().iter().filter(|c| c.status == 429).count();
    assert!(
        throttled <= 3,
        "pacing, not a 429 storm: {throttled} throttled"
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn a_retry_after_above_30_seconds_is_honoured_and_said() {
    let g = setup_g(&["lookup-order"]);
    g.fake
        .inject(429, 1, Some(31), Some("GET"), "/api/v2/integrations/types");
    let started = std::time::Instant::now();
    let r = g.expect(&["plan"], 2);
    assert!(
        started.elapsed().as_secs() >= 31,
        "waited as told:\n{}\n{:#?}\n{:#}",
        r.stderr,
        g.fake.calls(),
        g.fake.state()["injections"]
    );
    assert!(
        r.stderr.contains("waiting 31 s"),
        "a long wait is said:\n{}",
        r.stderr
    );
}

#[test]
fn check_runs_the_genesys_verify_checks_too() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let i = g.one("integrations")["id"].as_str().unwrap().to_string();
    g.fake
        .tamper(json!({"kind": "integration", "id": i, "intendedState": "DISABLED"}));
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    // The failed check is told under the drift that causes it (the disabled integration).
    let findings = check_findings(&v);
    let verify: Vec<&Value> = findings
        .iter()
        .filter(|f| f["kind"] == "verify" && f["config_key"] == "genesys")
        .collect();
    assert_eq!(verify.len(), 1, "what verify sees, CI sees: {findings:#?}");
    assert!(
        verify[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("genesys: integration is enabled"),
        "{verify:#?}"
    );
    assert_eq!(verify[0]["severity"], "config");
}

/// docs/onboard.md's `onboard lookup-order --qualifier live` beside the unqualified target: the new
/// action is `lookup-order (live)`, never a collision; `--action-name` names it; a taken name is
/// an error about the flag, with nothing written anywhere.
#[test]
fn onboard_of_a_second_qualifier_gets_an_action_name_that_does_not_collide() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    g.env.moto.publish_version("lookup-order");
    g.env.moto.create_alias("lookup-order", "live", "1");
    g.env.moto.create_alias("lookup-order", "blue", "1");
    g.expect(&["apply", "--yes"], 0);
    let (r, _, genesys) = g.writes_of(
        &["onboard", "--yes", "lookup-order", "--qualifier", "live"],
        0,
    );
    assert_eq!(genesys, 2, "create action, config (ledger):\n{}", r.stderr);
    let live = g.action_named("lookup-order (live)");
    assert_eq!(
        live["config"]["request"]["requestUrlTemplate"],
        format!("{ORDER_ARN}:live")
    );
    let text = std::fs::read_to_string(g.env.config_path()).unwrap();
    assert!(
        text.contains("qualifier = \"live\"\n\n[targets.action]\nname = \"lookup-order (live)\"\n"),
        "{text}"
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));

    // A name already taken, given or by default: the flag is named, the existing target too.
    for args in [
        vec![
            "onboard",
            "--yes",
            "lookup-order",
            "--qualifier",
            "blue",
            "--action-name",
            "lookup-customer",
        ],
        vec![
            "onboard",
            "--yes",
            "lookup-order",
            "--qualifier",
            "blue",
            "--action-name",
            "lookup-order (live)",
        ],
    ] {
        let (r, aws, genesys) = g.writes_of(&args, 1);
        assert!(r.stderr.contains("--action-name"), "{}", r.stderr);
        assert!(!r.stderr.contains("targets[3]"), "{}", r.stderr);
        assert_eq!((aws, genesys), (0, 0));
    }
    let before = std::fs::read_to_string(g.env.config_path()).unwrap();
    assert_eq!(before, text, "config untouched");

    let (r, _, genesys) = g.writes_of(
        &[
            "onboard",
            "--yes",
            "lookup-order",
            "--qualifier",
            "blue",
            "--action-name",
            "Order (blue)",
        ],
        0,
    );
    assert_eq!(genesys, 2, "{}", r.stderr);
    assert_eq!(
        g.action_named("Order (blue)")["config"]["request"]["requestUrlTemplate"],
        format!("{ORDER_ARN}:blue")
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

#[test]
fn action_name_without_genesys_is_an_error_about_the_flag() {
    let env = setup(&["lookup-order"]);
    env.moto
        .lambda_create_function("lookup-invoice", "us-east-1");
    env.expect(&["apply", "--yes"], 0);
    let (r, writes) = env.writes_of(
        &["onboard", "--yes", "lookup-invoice", "--action-name", "x"],
        1,
    );
    assert!(
        r.stderr
            .contains("--action-name needs the [genesys] section"),
        "{}",
        r.stderr
    );
    assert_eq!(writes, 0);
}

/// The config text with `integration_id` pinned.
fn pin(g: &G, id: &str) {
    let text = std::fs::read_to_string(g.env.config_path()).unwrap();
    let pinned = text.replace(
        "[genesys]\n",
        &format!("[genesys]\nintegration_id = \"{id}\"\n"),
    );
    assert_ne!(pinned, text);
    g.env.write_config(&pinned);
}

/// Two integrations with the configured name (Genesys Cloud allows it): with `integration_id`
/// every command uses the pinned one and never touches the other.
#[test]
fn a_pinned_integration_is_used_by_every_command_beside_one_with_its_name() {
    let g = setup_g(&["lookup-order"]);
    g.env
        .moto
        .lambda_create_function("lookup-invoice", "us-east-1");
    g.expect(&["apply", "--yes"], 0);
    let ours = g.one("integrations")["id"].as_str().unwrap().to_string();
    let other = hand_made_integration(&g, "AWS Lambda (lambda-trust)");
    let r = g.expect(&["plan"], 1);
    assert!(
        r.stderr.contains(&other),
        "by name: ambiguous\n{}",
        r.stderr
    );

    pin(&g, &ours);
    g.expect(&["plan"], 0);
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        (aws, genesys),
        (0, 0),
        "a second apply writes nothing:\n{}",
        r.stdout
    );
    g.expect(&["check"], 0);
    g.expect(&["verify"], 0);
    let (r, _, genesys) = g.writes_of(&["onboard", "--yes", "lookup-invoice"], 0);
    assert_eq!(genesys, 2, "create action, config (ledger):\n{}", r.stderr);
    assert_eq!(
        g.action_named("lookup-invoice")["integrationId"],
        ours.as_str()
    );
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
    let (r, _, genesys) = g.writes_of(&["offboard", "--yes", "lookup-invoice"], 0);
    assert_eq!(genesys, 2, "delete action, config (ledger):\n{}", r.stderr);

    let (_, _, genesys) = g.writes_of(&["destroy", "--yes"], 0);
    assert_eq!(genesys, 3, "action, integration, credential");
    let s = g.fake.state();
    let left: Vec<&String> = s["integrations"].as_object().unwrap().keys().collect();
    assert_eq!(left, [&other], "only the pinned one deleted");
}

/// A pinned ID that no integration has, or that is an integration of another type: a clear
/// error before any write on either side; no integration is created.
#[test]
fn a_pinned_id_that_is_missing_or_of_another_type_is_an_error_and_creates_nothing() {
    let g = setup_g(&["lookup-order"]);
    let missing = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
    pin(&g, missing);
    for cmd in ["plan", "apply"] {
        let (r, aws, genesys) = g.writes_of(&[cmd], 1);
        assert!(
            r.stderr.contains(missing) && r.stderr.contains("no integration with that ID"),
            "{}",
            r.stderr
        );
        assert_eq!((aws, genesys), (0, 0));
    }
    let v = json_of(&g.expect(&["verify", "--format", "json"], 3));
    assert!(v.to_string().contains(missing), "{v:#}");

    let r = g.fake.api(
        &g.fake.token(),
        "POST",
        "/api/v2/integrations",
        Some(&json!({"name": "AWS Lambda (lambda-trust)",
                     "integrationType": {"id": "custom-rest-actions"}})),
    );
    let web: Value = serde_json::from_slice(&r.body).unwrap();
    let web = web["id"].as_str().unwrap().to_string();
    g.env.write_config(
        &std::fs::read_to_string(g.env.config_path())
            .unwrap()
            .replace(missing, &web),
    );
    let (r, aws, genesys) = g.writes_of(&["apply", "--yes", "--adopt"], 1);
    assert!(
        r.stderr.contains(&web) && r.stderr.contains("of type custom-rest-actions"),
        "{}",
        r.stderr
    );
    assert_eq!((aws, genesys), (0, 0));
    assert_eq!(g.one("integrations")["id"], web.as_str(), "nothing created");
}

/// The credential's ARN pointed at another role by hand in the very second lambda-trust wrote
/// it (the fake's clock held in one second, so the listing, to the second, shows one date for
/// both): the audit trail tells the edit apart, `check` reports it and `apply` repairs it.
#[test]
fn a_credential_edited_in_the_second_of_lambda_trusts_write_is_found_and_repaired() {
    let g = setup_g(&["lookup-order"]);
    g.fake.settings(json!({"clock": "held"}));
    g.expect(&["apply", "--yes"], 0);
    let id = g.one("credentials")["id"].as_str().unwrap().to_string();
    g.fake.tamper(json!({"kind": "credential", "id": id,
        "fields": {"ARN": "arn:aws:iam::999999999999:role/Attacker"}}));
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    let text = v.to_string();
    assert!(text.contains("modified outside lambda-trust"), "{v:#}");
    g.fake.settings(json!({"clock": "running"}));
    let (_, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert!(genesys > 0, "apply writes the credential again");
    assert_eq!(
        g.fake.state()["credentials"][&id]["fields"]["ARN"],
        json!(ROLE_ARN)
    );
    g.expect(&["check"], 0);
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
}

/// A hand edit that lambda-trust's rewrite then undid, in the same second, is not a change
/// since: the audit trail's time (to the millisecond) is before the write's. The next `check`
/// is in sync (it reported drift when only the seconds were compared).
#[test]
fn an_edit_repaired_in_the_same_second_is_not_a_change_since() {
    let g = setup_g(&["lookup-order"]);
    g.fake.settings(json!({"clock": "held"}));
    g.expect(&["apply", "--yes"], 0);
    let id = g.one("credentials")["id"].as_str().unwrap().to_string();
    g.fake.tamper(json!({"kind": "credential", "id": id,
        "fields": {"ARN": "arn:aws:iam::999999999999:role/Attacker"}}));
    let (_, _, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert!(
        genesys > 0,
        "apply writes the credential again, in the same second"
    );
    g.fake.settings(json!({"clock": "running"}));
    g.expect(&["check"], 0);
}

/// Without the audit trail, a credential listed in the second of lambda-trust's write is
/// neither unchanged nor changed: `check` and `verify` say it is not proved (never in sync), and
/// `apply` does not write it again and again.
#[test]
fn without_the_audit_trail_a_same_second_credential_is_unknown_not_in_sync() {
    let g = setup_g(&["lookup-order"]);
    g.fake.settings(json!({"clock": "held"}));
    g.expect(&["apply", "--yes"], 0);
    g.fake
        .settings(json!({"audit_permitted": false, "clock": "running"}));
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    assert!(v.to_string().contains("audits:audit:view"), "{v:#}");
    let r = g.expect(&["verify"], 3);
    assert!(r.stdout.contains("not proved unchanged"), "{}", r.stdout);
    let (_, aws, genesys) = g.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0));
    // With the trail readable again, the listing's second is decided: unchanged.
    g.fake.settings(json!({"audit_permitted": true}));
    g.expect(&["check"], 0);
}

/// `check` reads both sides at once: it signs in to Genesys Cloud while AWS is read, and reads
/// the org (against the role and targets the config and the account resolve) while the role,
/// its policies and the whole path's are read, instead of one side after the other. Every AWS
/// call and every Genesys Cloud call answers 300 ms late here, so calls made in turn could not
/// overlap; the arrival times (one machine, one clock) show they do.
#[test]
fn check_reads_genesys_cloud_while_aws_is_read() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let latency = std::time::Duration::from_millis(300);
    g.env.proxy.set_faults(support::proxy::FaultConfig {
        latency,
        ..Default::default()
    });
    g.fake
        .settings(json!({"latency_seconds": latency.as_secs_f64()}));
    g.env.proxy.clear();
    g.fake.reset_calls();
    let started = std::time::Instant::now();
    g.expect(&["check"], 0);
    let elapsed = started.elapsed();
    let aws = g.env.proxy.calls();
    let genesys = g.fake.calls();
    // The last AWS call is in flight for at least the latency after it arrives.
    let last_aws = aws.iter().map(|c| c.arrived).fold(0.0, f64::max) + latency.as_secs_f64();
    let overlapping = genesys.iter().filter(|c| c.arrived < last_aws).count();
    eprintln!(
        "check in {elapsed:?}: {} AWS calls, {} Genesys Cloud calls, {overlapping} of them \
         sent while AWS was still being read",
        aws.len(),
        genesys.len()
    );
    assert!(!aws.is_empty() && !genesys.is_empty());
    // The sign-in and the org's reads while the AWS state is read: read in turn, none would be.
    assert!(
        overlapping >= 2,
        "Genesys Cloud was read only after AWS: {overlapping} of {} calls sent while AWS was \
         still being read\n{genesys:#?}",
        genesys.len()
    );
}

/// The org Genesys Cloud signs in to is not the one whose ID the config gives as the external
/// ID: Genesys Cloud sends its own ID, the role refuses it, and every data action fails.
#[test]
fn an_external_id_of_another_org_is_a_failed_claim_naming_both_ids() {
    const SIGNED_IN: &str = "9b2d4e61-0c3a-4f7e-8d15-6a7b8c9d0e1f";
    let env = setup(&["lookup-order", "lookup-customer"]);
    let fake = GenesysFake::start_with_aws(&env.moto.url(), SIGNED_IN);
    let mut text = config(&["lookup-order", "lookup-customer"], "");
    text.push_str(genesys_section());
    env.write_config(&text);
    let g = G { env, fake };
    // What is written must work: plan and apply know the signed-in org and refuse before any
    // write, naming both IDs and the key to fix.
    for args in [
        &["plan"][..],
        &["apply", "--yes"],
        &["apply", "--yes", "--adopt"],
    ] {
        let (r, aws, genesys) = g.writes_of(args, 1);
        assert_eq!((aws, genesys), (0, 0), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(SIGNED_IN)
                && r.stderr.contains(EXT)
                && r.stderr.contains("trust.external_id"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("applied"), "{}", r.stderr);
    }
    // The AWS side alone applied (it cannot read the org): check prescribes no `apply`, which
    // would refuse everything; every finding's step is the config's fix.
    g.expect(&["apply", "--yes", "--only", "aws"], 0);
    let json = json_of(&g.expect(&["check", "--format", "json"], 2));
    let findings = crate::support::live::check_findings(&json);
    assert!(findings.len() > 1, "{json:#}");
    for f in &findings {
        assert_eq!(f["remedy"]["by"], "outside", "{f:#}");
    }
    let c = g.expect(&["check"], 2);
    assert!(
        !c.stdout.contains("→ run `lambda-trust apply"),
        "{}",
        c.stdout
    );
    assert!(
        c.stdout.contains("apply refuses") && c.stdout.contains("apply --adopt"),
        "{}",
        c.stdout
    );
    // A deployment that came to this (applied for the signed-in org, the ID then edited and
    // the AWS side alone converged, which cannot read the org and says so) is what verify and
    // check judge.
    g.env.write_config(&text.replace(EXT, SIGNED_IN));
    g.expect(&["apply", "--yes", "--adopt"], 0);
    g.env.write_config(&text);
    let aws_only = g.expect(&["apply", "--yes", "--only", "aws", "--adopt"], 0);
    assert!(
        aws_only
            .stderr
            .contains(&format!("trust.external_id {EXT} is taken as")),
        "{}",
        aws_only.stderr
    );
    let v = g.expect(&["verify"], 3);
    assert!(
        v.stdout.contains("FAIL") && v.stdout.contains(SIGNED_IN),
        "{}",
        v.stdout
    );
    assert!(!v.stdout.contains("✓"), "{}", v.stdout);
    let json = json_of(&g.expect(&["verify", "--format", "json"], 3));
    let claim = &json["path"]["targets"][0]["genesys_gets_through"];
    assert_eq!(claim["code"], "external-id-not-org", "{claim:#}");
    let detail = claim["detail"].as_str().unwrap();
    assert!(
        detail.contains(SIGNED_IN) && detail.contains(EXT),
        "{detail}"
    );
    // check: a finding naming both IDs, with the step that fixes it.
    let c = g.expect(&["check"], 2);
    assert!(
        c.stdout.contains(SIGNED_IN) && c.stdout.contains(EXT),
        "{}",
        c.stdout
    );
    assert!(c.stdout.contains("trust.external_id"), "{}", c.stdout);
    // One wrong ID is one finding, however many targets it stops.
    let json = json_of(&g.expect(&["check", "--format", "json"], 2));
    let wrong: Vec<Value> = (crate::support::live::check_findings(&json).into_iter())
        .filter(|f| f["code"] == "external-id-not-org")
        .collect();
    assert_eq!(wrong.len(), 1, "{json:#}");
    assert!(
        wrong[0]["message"]
            .as_str()
            .unwrap()
            .contains("2 target(s)"),
        "{json:#}"
    );
    // Set to the signed-in org's ID, it is proved, not assumed.
    // (Changing the external ID is changing the deployment's identity: `--adopt` says so.)
    g.env.write_config(&text.replace(EXT, SIGNED_IN));
    g.expect(&["apply", "--yes", "--adopt"], 0);
    let v = g.expect(&["verify"], 0);
    assert!(!v.stdout.contains("ASSUMED"), "{}", v.stdout);
}

/// Without a Genesys Cloud sign-in the org ID is not read: Genesys Cloud getting through holds
/// only on the assumption that the configured ID is its organization's, and says so.
#[test]
fn without_genesys_the_organization_id_is_assumed_never_proved() {
    let env = setup(&["lookup-order"]);
    env.expect(&["apply", "--yes"], 0);
    let v = env.expect(&["verify"], 0);
    assert!(v.stdout.contains("ASSUMED"), "{}", v.stdout);
    assert!(
        v.stdout.contains(&format!("organization ID is {EXT}")),
        "{}",
        v.stdout
    );
    let last = v.stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains("holding if Genesys Cloud's organization ID is the configured one"),
        "{last}"
    );
    let json = json_of(&env.expect(&["verify", "--format", "json"], 0));
    let claim = &json["path"]["targets"][0]["genesys_gets_through"];
    assert!(
        claim["assumes"].as_str().unwrap().contains(EXT),
        "{claim:#}"
    );
    // check says it too, beside "in sync".
    let c = env.expect(&["check"], 0);
    assert!(
        c.stdout
            .contains("assuming Genesys Cloud's organization ID is"),
        "{}",
        c.stdout
    );
}
