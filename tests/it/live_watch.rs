//! `watch run`: the watching function as Lambda runs it — the binary started as `bootstrap`
//! against the local Runtime API (tests/it/support/runtime_api.py), handed EventBridge events
//! of AWS's documented shapes, while moto (behind the counting proxy) holds the setup and its
//! Security Hub. A hand edit of the trust policy becomes a finding in the next invocation,
//! reading the role alone; the repair resolves it; a permission added on one target reads that
//! function's policy and the role, not the others; the audit's findings are never settled by
//! the watch; an event on another role reads nothing.

use crate::live_security_hub::{enable_hub, hub_findings, open_roles, python};
use crate::support;

use serde_json::{json, Value};
use support::live::*;
use support::runtime_api::{cloudtrail_event, schedule_tick, Function, RuntimeApi, Shipped};

const ROLE: &str = "GenesysLambdaInvoker";

/// The function's answer to `event`, which must be a response (not an error) of the run
/// record's schema (docs/schemas/watch-run.schema.json).
fn invoke(api: &RuntimeApi, event: &Value) -> Value {
    let answer = api.invoke(event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let schema = &crate::json_schemas::validators()["watch-run.schema.json"];
    let errors: Vec<String> = (schema.iter_errors(&answer["body"]))
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors, Vec::<String>::new(), "{answer:#}");
    answer["body"].clone()
}

fn watch_findings(env: &Env, state: &str) -> Vec<Value> {
    let prefix = format!("lambda-trust/watch/{ROLE}/");
    (hub_findings(env, ACCOUNT).into_iter())
        .filter(|f| {
            f["GeneratorId"]
                .as_str()
                .is_some_and(|g| g.starts_with(&prefix))
        })
        .filter(|f| f["RecordState"] == state)
        .collect()
}

/// `env`'s config applied, Security Hub on, and the function running, its first (full) read
/// done and in sync.
fn watching(env: &Env) -> (RuntimeApi, Function) {
    env.expect(&["apply", "--yes"], 0);
    enable_hub(env, ACCOUNT);
    let api = RuntimeApi::start();
    let function = Function::start(env, &api);
    assert_eq!(invoke(&api, &schedule_tick())["verdict"]["status"], "ok");
    (api, function)
}

/// Opens the trust policy by hand: no external ID.
fn open_trust(env: &Env) {
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole"}]});
    env.iam(
        "UpdateAssumeRolePolicy",
        &[("RoleName", ROLE), ("PolicyDocument", &doc.to_string())],
    );
}

fn lambda_calls(env: &Env) -> Vec<String> {
    (env.proxy.operations().into_iter())
        .filter(|o| o.starts_with("lambda:"))
        .collect()
}

#[test]
fn a_hand_edit_of_the_trust_policy_is_a_finding_in_the_next_invocation_and_the_repair_resolves_it()
{
    let env = setup(&["lookup", "orders", "refunds"]);
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    // The audit's finding on another role is not the watch's to settle.
    open_roles(&env, "open", 1, "{}");
    env.expect(
        &["audit", "--partner", "genesys-cloud", "--to-security-hub"],
        2,
    );
    let audit_active = |env: &Env| {
        (hub_findings(env, ACCOUNT).into_iter())
            .filter(|f| {
                f["GeneratorId"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("lambda-trust/audit/")
            })
            .filter(|f| f["RecordState"] == "ACTIVE")
            .count()
    };
    let audited = audit_active(&env);
    assert!(audited > 0);

    let api = RuntimeApi::start();
    let _function = Function::start(&env, &api);
    let first = invoke(&api, &schedule_tick());
    assert_eq!(first["reread"], "everything", "{first:#}");
    assert_eq!(first["verdict"]["status"], "ok", "{first:#}");

    open_trust(&env);
    env.proxy.clear();
    let params = json!({"roleName": ROLE, "policyDocument": "{}"});
    let edit = cloudtrail_event("iam", "UpdateAssumeRolePolicy", params, "us-east-1");
    let second = invoke(&api, &edit);
    assert_eq!(second["reread"], "role", "{second:#}");
    assert_eq!(second["verdict"]["status"], "drift", "{second:#}");
    let codes = second["verdict"]["findings"].to_string();
    assert!(codes.contains("trust-"), "{second:#}");
    assert!(second["published"]["security_hub"]["imported"].as_u64() >= Some(1));
    // The role alone was read again: no target, no function policy.
    assert_eq!(lambda_calls(&env), Vec::<String>::new());
    assert_eq!(
        env.proxy.count("lambda:ListFunctions") + env.proxy.count("lambda:GetPolicy"),
        0
    );
    let active = watch_findings(&env, "ACTIVE");
    // Each finding sent is one Security Hub holds: no two share an Id.
    assert_eq!(
        second["published"]["security_hub"]["imported"],
        active.len(),
        "{second:#}\n{active:#?}"
    );
    let trust = (active.iter())
        .find(|f| {
            f["ProductFields"]["lambda-trust/Code"]
                .as_str()
                .unwrap_or("")
                .starts_with("trust-")
        })
        .unwrap_or_else(|| panic!("no trust finding: {active:#?}"));
    assert_eq!(trust["Compliance"]["Status"], "FAILED");
    assert_eq!(
        trust["ProductFields"]["lambda-trust/ChangedBy"],
        format!("arn:aws:iam::{ACCOUNT}:user/alice")
    );
    assert_eq!(
        trust["Resources"][0]["Id"],
        format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}")
    );
    // The schedule's next tick names no change: it finds the same, so it sends nothing, and
    // the finding still names who made the edit.
    let tick = invoke(&api, &schedule_tick());
    assert_eq!(tick["reread"], "everything", "{tick:#}");
    assert_eq!(tick["published"]["security_hub"]["imported"], 0, "{tick:#}");
    let still = watch_findings(&env, "ACTIVE");
    let trust = (still.iter())
        .find(|f| f["Id"] == trust["Id"])
        .unwrap_or_else(|| panic!("{still:#?}"));
    assert_eq!(
        trust["ProductFields"]["lambda-trust/ChangedBy"],
        format!("arn:aws:iam::{ACCOUNT}:user/alice")
    );

    env.expect(&["apply", "--yes"], 0);
    let repair = cloudtrail_event(
        "iam",
        "UpdateAssumeRolePolicy",
        json!({"roleName": ROLE}),
        "us-east-1",
    );
    let third = invoke(&api, &repair);
    assert_eq!(third["verdict"]["status"], "ok", "{third:#}");
    assert_eq!(
        third["published"]["security_hub"]["resolved"],
        active.len(),
        "{third:#}"
    );
    assert_eq!(watch_findings(&env, "ACTIVE"), Vec::<Value>::new());
    assert_eq!(
        audit_active(&env),
        audited,
        "the watch settled the audit's findings"
    );
}

/// The package `watch deploy` built from this binary, downloaded from the function and run as
/// Lambda runs it (support::runtime_api::Shipped): it starts read-only, as nobody, without
/// HOME, reads everything on its schedule and turns a hand edit into a finding.
#[test]
fn the_package_watch_deploy_uploads_runs_as_lambda_runs_it_and_hears_a_hand_edit() {
    let env = setup(&["lookup", "orders"]);
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    let binary = env!("CARGO_BIN_EXE_lambda-trust");
    // No trail: deployed, and said unhealthy (exit 2); the schedule still re-proves.
    env.expect(&["watch", "deploy", "--package", binary, "--yes"], 2);
    let api = RuntimeApi::start();
    let function = Shipped::start(&env, &api, &format!("lambda-trust-watch-{ROLE}"));
    let log = || std::fs::read_to_string(&function.log).unwrap_or_default();
    let answer = api.invoke(&schedule_tick());
    assert_eq!(answer["kind"], "response", "{answer:#}\n{}", log());
    assert_eq!(answer["body"]["reread"], "everything", "{answer:#}");
    assert_eq!(answer["body"]["verdict"]["status"], "ok", "{answer:#}");

    open_trust(&env);
    let params = json!({"roleName": ROLE, "policyDocument": "{}"});
    let edit = cloudtrail_event("iam", "UpdateAssumeRolePolicy", params, "us-east-1");
    let answer = api.invoke(&edit);
    assert_eq!(answer["kind"], "response", "{answer:#}\n{}", log());
    assert_eq!(answer["body"]["verdict"]["status"], "drift", "{answer:#}");
    // Each invocation is one JSON line in the function's log: its record.
    let records: Vec<Value> = (log().lines())
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["watch"] == 1)
        .collect();
    assert_eq!(records.len(), 2, "{}", log());
    assert_eq!(records[1]["verdict"]["status"], "drift", "{}", log());
    let active = watch_findings(&env, "ACTIVE");
    assert!(
        (active.iter()).any(|f| f["ProductFields"]["lambda-trust/Code"]
            .as_str()
            .is_some_and(|c| c.starts_with("trust-"))),
        "{active:#?}"
    );
}

#[test]
fn a_permission_on_one_target_reads_that_functions_policy_and_the_role_not_the_others() {
    let env = setup(&["lookup", "orders", "refunds"]);
    let (api, _function) = watching(&env);

    // Anyone may invoke `orders` now.
    let code = r#"
client("lambda").add_permission(FunctionName="orders", StatementId="open",
    Action="lambda:InvokeFunction", Principal="*")
"#;
    python(&env, code, &[]);
    env.proxy.clear();
    let params = json!({"functionName": "orders", "statementId": "open",
        "action": "lambda:InvokeFunction", "principal": "*"});
    let event = cloudtrail_event("lambda", "AddPermission20150331v2", params, "us-east-1");
    let run = invoke(&api, &event);
    assert_eq!(run["reread"], "role-and-function", "{run:#}");
    assert_eq!(run["verdict"]["status"], "drift", "{run:#}");
    let read: Vec<_> = env.proxy.calls_to("lambda:GetPolicy");
    let functions: Vec<_> = read.iter().map(|c| c.target.clone()).collect();
    assert_eq!(functions.len(), 1, "{functions:?}");
    assert!(functions[0].contains("orders"), "{functions:?}");
    assert_eq!(
        env.proxy.count("lambda:GetAccountSettings")
            + env.proxy.count("lambda:ListFunctions")
            + env.proxy.count("lambda:GetFunction"),
        0
    );
    assert!(
        env.proxy.count("iam:GetRole") >= 1,
        "the role was read again"
    );
    let active = watch_findings(&env, "ACTIVE");
    assert!(!active.is_empty(), "no finding for the open function");
}

#[test]
fn an_event_on_another_role_reads_nothing_and_a_failed_read_is_published_as_unknown() {
    let env = setup(&["lookup"]);
    let (api, _function) = watching(&env);

    env.proxy.clear();
    let other = json!({"roleName": "SomeoneElsesRole"});
    let run = invoke(
        &api,
        &cloudtrail_event("iam", "UpdateAssumeRolePolicy", other, "us-east-1"),
    );
    assert_eq!(run["reread"], "nothing", "{run:#}");
    assert_eq!(env.proxy.calls().len(), 0, "{:?}", env.proxy.operations());

    // A hand edit: a finding.
    open_trust(&env);
    let params = json!({"roleName": ROLE, "policyDocument": "{}"});
    let run = invoke(
        &api,
        &cloudtrail_event("iam", "UpdateAssumeRolePolicy", params, "us-east-1"),
    );
    assert_eq!(run["verdict"]["status"], "drift", "{run:#}");
    let found = watch_findings(&env, "ACTIVE");
    assert!(!found.is_empty());

    // IAM refuses the role's read: the run is an unknown in Security Hub, not silence, and
    // what was found before stays active (it was not read again, so it is not settled).
    env.proxy.inject(
        support::proxy::Injection::new("GetRole", 403, "AccessDenied", "not allowed").always(),
    );
    let edit = cloudtrail_event("iam", "TagRole", json!({"roleName": ROLE}), "us-east-1");
    let run = invoke(&api, &edit);
    assert_eq!(run["verdict"]["status"], "error", "{run:#}");
    let active = watch_findings(&env, "ACTIVE");
    let unknown: Vec<&Value> = (active.iter())
        .filter(|f| f["Compliance"]["Status"] == "NOT_AVAILABLE")
        .collect();
    assert_eq!(unknown.len(), 1, "{active:#?}");
    assert_eq!(active.len(), found.len() + 1, "{active:#?}");
}

/// Security Hub not enabled: the run's record is said and the invocation fails with an
/// `errorType` Lambda groups and alarms on, never the handler's Rust type name.
#[test]
fn a_run_that_cannot_publish_fails_the_invocation_with_a_named_error_type() {
    let env = setup(&["lookup"]);
    env.expect(&["apply", "--yes"], 0);
    let api = RuntimeApi::start();
    let _function = Function::start(&env, &api);
    let answer = api.invoke(&schedule_tick());
    assert_eq!(answer["kind"], "error", "{answer:#}");
    assert_eq!(
        answer["body"]["errorType"], "LambdaTrust.NotPublished",
        "{answer:#}"
    );
    let message = answer["body"]["errorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("\"verdict\""),
        "the record is in the message: {message}"
    );
}

#[test]
fn outside_lambda_watch_run_names_what_is_missing() {
    let env = setup(&["lookup"]);
    let r = env.expect(&["watch", "run"], 1);
    assert!(r.stderr.contains("AWS_LAMBDA_RUNTIME_API"), "{}", r.stderr);
}

#[test]
fn the_function_acts_with_its_execution_role_never_the_configs_profile() {
    let env = setup(&["lookup"]);
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    // The profile of the machine that deployed it: not on the function.
    let text = config(&["lookup"], "").replace("[aws]\n", "[aws]\nprofile = \"deployer\"\n");
    env.write_config(&text);
    let api = RuntimeApi::start();
    let _function = Function::start(&env, &api);
    let run = invoke(&api, &schedule_tick());
    assert_eq!(run["verdict"]["status"], "ok", "{run:#}");
}

#[test]
fn a_change_of_the_result_is_told_to_the_configs_sns_topic() {
    let env = setup(&["lookup"]);
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    let code = r#"
sns, sqs = client("sns"), client("sqs")
topic = sns.create_topic(Name="alerts")["TopicArn"]
queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
print(topic)
"#;
    let topic = python(&env, code, &[]);
    let text = config(&["lookup"], "");
    env.write_config(&format!(
        "{text}\n[watch]\nsns_topic = \"{}\"\n",
        topic.trim()
    ));
    let api = RuntimeApi::start();
    let _function = Function::start(&env, &api);
    let tick = invoke(&api, &schedule_tick());
    assert!(
        tick.get("sns").is_none(),
        "nothing changed, nothing told: {tick:#}"
    );
    open_trust(&env);
    let edit = cloudtrail_event(
        "iam",
        "UpdateAssumeRolePolicy",
        json!({"roleName": ROLE}),
        "us-east-1",
    );
    let run = invoke(&api, &edit);
    assert!(run["sns"]["message_id"].is_string(), "{run:#}");
    let code = r#"
sqs = client("sqs")
queue = sqs.get_queue_url(QueueName="alerts")["QueueUrl"]
messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
print(json.dumps([json.loads(m["Body"]) for m in messages]))
"#;
    let told: Vec<Value> = serde_json::from_str(&python(&env, code, &[])).unwrap();
    assert_eq!(told.len(), 1, "{told:#?}");
    assert_eq!(
        told[0]["Subject"],
        format!("lambda-trust watch: {ROLE}: drift")
    );
    let message: Value = serde_json::from_str(told[0]["Message"].as_str().unwrap()).unwrap();
    assert_eq!(message["change"]["call"]["event"], "UpdateAssumeRolePolicy");
}

/// An AWS Config custom rule's invocation of the function (AWS's documented event shape).
fn config_rule_event(message: &str, item: Option<Value>) -> Value {
    let mut invoking = json!({"messageType": message,
        "notificationCreationTime": "2026-11-26T10:03:00.000Z", "recordVersion": "1.3"});
    if let Some(item) = item {
        invoking["configurationItem"] = item;
    }
    json!({"version": "1.0", "invokingEvent": invoking.to_string(), "ruleParameters": "{}",
        "resultToken": "eyJlbmNyeXB0ZWREYXRhIjpbXX0=", "eventLeftScope": false,
        "executionRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
        "configRuleArn": format!("arn:aws:config:us-east-1:{ACCOUNT}:config-rule/config-rule-abc123"),
        "configRuleName": format!("lambda-trust-watch-{ROLE}"), "configRuleId": "config-rule-abc123",
        "accountId": ACCOUNT})
}

/// The evaluations the function answered with, as sent (the proxy's record).
fn evaluations(env: &Env) -> Vec<Value> {
    (env.proxy.calls_to("config:PutEvaluations").iter())
        .flat_map(|c| {
            let body: Value = serde_json::from_str(&c.body).unwrap_or(Value::Null);
            body["Evaluations"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

#[test]
fn with_the_config_rule_engine_the_function_answers_its_rule_and_a_switch_back_removes_it() {
    let env = setup(&["lookup"]);
    let base = config(&["lookup"], "");
    env.write_config(&format!("{base}\n[watch]\nengine = \"config-rule\"\n"));
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    let pkg = crate::live_watch_deploy::package(&env, crate::live_watch_deploy::Fake::LambdaTrust);
    // The Config rule engine needs no trail: healthy.
    env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 0);
    let (_, writes) = env.writes_of(&["watch", "deploy", "--package", &pkg, "--yes"], 0);
    assert_eq!(writes, 0);
    let code = r#"
rules = client("config").describe_config_rules()["ConfigRules"]
print(json.dumps([[r["ConfigRuleName"], r["Source"]["SourceIdentifier"], r.get("MaximumExecutionFrequency")] for r in rules]))
"#;
    let rules: Value = serde_json::from_str(&python(&env, code, &[])).unwrap();
    let function = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lambda-trust-watch-{ROLE}");
    assert_eq!(
        rules,
        json!([[format!("lambda-trust-watch-{ROLE}"), function, "One_Hour"]])
    );

    let api = RuntimeApi::start();
    let _function = Function::start(&env, &api);
    env.proxy.clear();
    let tick = invoke(&api, &config_rule_event("ScheduledNotification", None));
    assert_eq!(tick["config_rule"]["compliance"], "COMPLIANT", "{tick:#}");
    open_trust(&env);
    let role = json!({"resourceType": "AWS::IAM::Role", "resourceId": "AROAEXAMPLEID",
        "resourceName": ROLE, "ARN": format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"),
        "configurationItemCaptureTime": "2026-11-26T10:02:30.000Z",
        "configurationItemStatus": "OK", "awsAccountId": ACCOUNT});
    let changed = invoke(
        &api,
        &config_rule_event("ConfigurationItemChangeNotification", Some(role)),
    );
    assert_eq!(changed["reread"], "role", "{changed:#}");
    let sent = evaluations(&env);
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert_eq!(sent[0]["ComplianceType"], "COMPLIANT");
    assert_eq!(sent[0]["ComplianceResourceType"], "AWS::::Account");
    assert_eq!(sent[1]["ComplianceType"], "NON_COMPLIANT");
    assert_eq!(sent[1]["ComplianceResourceId"], "AROAEXAMPLEID");
    assert!(
        sent[1]["Annotation"].as_str().unwrap().contains("trust-"),
        "{sent:#?}"
    );

    // Back to EventBridge: the Config rule goes, the rules come; no trail logs the calls the
    // rules wait for, which deploy says (exit 2).
    env.write_config(&base);
    env.expect(&["apply", "--yes"], 0);
    let r = env.expect(
        &[
            "watch",
            "deploy",
            "--package",
            &pkg,
            "--yes",
            "--format",
            "json",
        ],
        2,
    );
    assert!(r.stdout.contains("delete Config rule"), "{}", r.stdout);
    let rules: Value = serde_json::from_str(&python(&env, code, &[])).unwrap();
    assert_eq!(rules, json!([]));
}

/// An event of the Genesys Cloud org's Amazon EventBridge integration: the audit topic of an
/// entity, as its partner event source delivers it.
fn genesys_audit_event(entity_type: &str, action: &str, id: &str) -> Value {
    let topic = format!("v2.audits.entitytype.{entity_type}.entityid.{id}");
    json!({"version": "0", "id": "0d6ae1a5-6c0a-4e5b-9d1c-7f1e2a3b4c5d", "detail-type": topic,
        "source": "aws.partner/genesys.com/cloud/org-1/watch", "account": ACCOUNT,
        "time": "2026-11-26T10:05:00Z", "region": "us-east-1", "resources": [],
        "detail": {"topicName": topic, "version": "2", "eventBody": {
            "id": "a1", "serviceName": "Integrations", "entityType": entity_type,
            "action": action, "entity": {"id": id}, "user": {"id": "admin-1"},
            "eventDate": "2026-11-26T10:04:59Z", "status": "SUCCESS"}}})
}

/// A config of both sides applied (the local Genesys Cloud beside the local AWS), Security Hub
/// on, and the function running with the Genesys Cloud client's environment.
fn watching_both_sides() -> (Env, support::genesys::GenesysFake, RuntimeApi, Function) {
    let env = setup(&["lookup"]);
    let fake = support::genesys::GenesysFake::start_with_aws(&env.moto.url(), EXT);
    let mut text = config(&["lookup"], "");
    text.push_str(
        "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n",
    );
    env.write_config(&text);
    let envs = fake.env();
    let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let config = env.config_path();
    let applied = env.run_env(
        &["apply", "--yes", "--config", config.to_str().unwrap()],
        &extra,
    );
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    enable_hub(&env, ACCOUNT);
    let api = RuntimeApi::start();
    let function = Function::start_with(&env, &api, &envs);
    (env, fake, api, function)
}

#[test]
fn an_audit_event_of_the_orgs_action_rereads_the_genesys_side_alone() {
    let (env, fake, api, _function) = watching_both_sides();
    let tick = invoke(&api, &schedule_tick());
    assert_eq!(tick["verdict"]["status"], "ok", "{tick:#}");

    // Someone deletes the data action in Genesys Cloud.
    let token = fake.token();
    let actions = fake
        .api(&token, "GET", "/api/v2/integrations/actions", None)
        .json();
    let id = actions["entities"][0]["id"]
        .as_str()
        .expect("an action")
        .to_owned();
    let gone = fake.api(
        &token,
        "DELETE",
        &format!("/api/v2/integrations/actions/{id}"),
        None,
    );
    assert!(gone.is_success(), "{}", gone.text());
    env.proxy.clear();
    let run = invoke(&api, &genesys_audit_event("Action", "Delete", &id));
    assert_eq!(run["reread"], "genesys", "{run:#}");
    assert_eq!(run["verdict"]["status"], "drift", "{run:#}");
    // AWS is not read again: only Security Hub is written.
    let aws: Vec<String> = (env.proxy.operations().into_iter())
        .filter(|o| !o.starts_with("securityhub:"))
        .collect();
    assert_eq!(aws, Vec::<String>::new());
    let active = watch_findings(&env, "ACTIVE");
    let genesys = format!("lambda-trust/watch/{ROLE}/genesys/");
    assert!(
        active.iter().any(|f| f["GeneratorId"]
            .as_str()
            .unwrap_or("")
            .starts_with(&genesys)),
        "{active:#?}"
    );
    assert!(
        active
            .iter()
            .any(|f| f["ProductFields"]["lambda-trust/ChangedBy"] == "Genesys Cloud user admin-1"),
        "{active:#?}"
    );
}

/// Genesys Cloud fails on the schedule's full read: the AWS side's finding is published as
/// found, beside an unknown for the Genesys Cloud side — never one unknown for all, and never
/// the AWS findings settled for want of the other side.
#[test]
fn a_genesys_side_that_cannot_be_read_still_publishes_what_the_aws_side_found() {
    let (env, fake, api, _function) = watching_both_sides();
    assert_eq!(invoke(&api, &schedule_tick())["verdict"]["status"], "ok");

    open_trust(&env);
    fake.inject(500, 1000, None, None, "/api/v2");
    fake.inject(500, 1000, None, None, "/oauth");
    let run = invoke(&api, &schedule_tick());
    assert_eq!(run["reread"], "everything", "{run:#}");
    // A breach is drift even when the other side could not be read: the error is beside it.
    assert_eq!(run["verdict"]["status"], "drift", "{run:#}");
    assert!(run["verdict"]["error"].is_string(), "{run:#}");
    let codes = run["verdict"]["findings"].to_string();
    assert!(codes.contains("trust-"), "{run:#}");
    let active = watch_findings(&env, "ACTIVE");
    let generator = |f: &Value| f["GeneratorId"].as_str().unwrap_or("").to_owned();
    let aws = format!("lambda-trust/watch/{ROLE}/aws/");
    assert!(
        (active.iter())
            .any(|f| generator(f).starts_with(&aws) && f["Compliance"]["Status"] == "FAILED"),
        "{active:#?}"
    );
    let unknown: Vec<String> = (active.iter())
        .filter(|f| f["Compliance"]["Status"] == "NOT_AVAILABLE")
        .map(generator)
        .collect();
    assert_eq!(
        unknown,
        [format!("lambda-trust/watch/{ROLE}/genesys/not-read")]
    );
}

#[test]
fn a_new_default_version_of_the_invoke_policy_is_a_finding_in_the_next_invocation() {
    let env = setup(&["lookup"]);
    let (api, _function) = watching(&env);
    // Every function of every account, made the default by hand.
    let open = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    env.iam(
        "CreatePolicyVersion",
        &[
            ("PolicyArn", &policy_arn()),
            ("PolicyDocument", &open.to_string()),
            ("SetAsDefault", "true"),
        ],
    );
    env.proxy.clear();
    let params = json!({"policyArn": policy_arn(), "setAsDefault": true});
    let run = invoke(
        &api,
        &cloudtrail_event("iam", "CreatePolicyVersion", params, "us-east-1"),
    );
    assert_eq!(run["reread"], "role", "{run:#}");
    assert_eq!(run["verdict"]["status"], "drift", "{run:#}");
    assert_eq!(lambda_calls(&env), Vec::<String>::new());
    let active = watch_findings(&env, "ACTIVE");
    assert!(!active.is_empty(), "no finding for the opened policy");
    assert!(active.iter().all(|f| f["Compliance"]["Status"] != "PASSED"));
}

/// AWS refuses the schedule's full read: what the Genesys Cloud side shows is published as
/// found, beside an unknown for the AWS side — and the AWS findings already active stay so,
/// never settled for want of a read.
#[test]
fn an_aws_side_that_cannot_be_read_still_publishes_what_the_genesys_side_found() {
    let (env, fake, api, _function) = watching_both_sides();
    open_trust(&env);
    let first = invoke(&api, &schedule_tick());
    assert_eq!(first["verdict"]["status"], "drift", "{first:#}");
    let generator = |f: &Value| f["GeneratorId"].as_str().unwrap_or("").to_owned();
    let aws = format!("lambda-trust/watch/{ROLE}/aws/");
    let failed_aws = |active: &[Value]| {
        (active.iter())
            .filter(|f| generator(f).starts_with(&aws) && f["Compliance"]["Status"] == "FAILED")
            .count()
    };
    let before = failed_aws(&watch_findings(&env, "ACTIVE"));
    assert!(before > 0);

    let integration = (fake.state()["integrations"].as_object().unwrap().keys())
        .next()
        .unwrap()
        .clone();
    fake.tamper(json!({"kind": "integration", "id": integration, "intendedState": "DISABLED"}));
    env.proxy.inject(
        support::Injection::new("iam:GetRole", 403, "AccessDenied", "not authorized").always(),
    );
    let run = invoke(&api, &schedule_tick());
    assert_eq!(run["verdict"]["status"], "drift", "{run:#}");
    assert!(run["verdict"]["error"].is_string(), "{run:#}");
    let active = watch_findings(&env, "ACTIVE");
    let genesys = format!("lambda-trust/watch/{ROLE}/genesys/");
    assert!(
        (active.iter())
            .any(|f| generator(f).starts_with(&genesys) && f["Compliance"]["Status"] == "FAILED"),
        "{active:#?}"
    );
    assert_eq!(failed_aws(&active), before, "{active:#?}");
    let unknown: Vec<String> = (active.iter())
        .filter(|f| f["Compliance"]["Status"] == "NOT_AVAILABLE")
        .map(generator)
        .collect();
    assert_eq!(unknown, [format!("lambda-trust/watch/{ROLE}/aws/not-read")]);
}

/// `watch destroy` never hides a live breach: before it asks, it proves the setup once more.
/// A finding that still fails stays ACTIVE, its own text saying the watch was removed and what
/// settles it, and is named in the plan; one that no longer holds is archived.
#[test]
fn watch_destroy_keeps_what_still_fails_active_and_archives_what_no_longer_holds() {
    let env = setup(&["lookup"]);
    let (api, _function) = watching(&env);
    open_trust(&env);
    let params = json!({"roleName": ROLE, "policyDocument": "{}"});
    let edit = cloudtrail_event("iam", "UpdateAssumeRolePolicy", params, "us-east-1");
    assert_eq!(invoke(&api, &edit)["verdict"]["status"], "drift");
    let breach: Vec<String> = (watch_findings(&env, "ACTIVE").iter())
        .map(|f| f["Id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!breach.is_empty());
    // A finding the watch filed once, about something that holds again.
    let stale = format!("lambda-trust/watch/{ACCOUNT}/{ROLE}/aws/invoke-broader/policy");
    let code = r#"
account, id, role = "123456789012", sys.argv[2], sys.argv[3]
product = f"arn:aws:securityhub:us-east-1:{account}:product/{account}/default"
out = client("securityhub").batch_import_findings(Findings=[{
    "SchemaVersion": "2018-10-08", "Id": id, "ProductArn": product,
    "GeneratorId": f"lambda-trust/watch/{role}/aws/invoke-broader",
    "AwsAccountId": account, "Types": ["Software and Configuration Checks"],
    "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-02T03:04:05Z",
    "Severity": {"Label": "HIGH"}, "Title": "stale", "Description": "d",
    "Resources": [{"Type": "AwsIamRole", "Id": role}]}])
assert out["FailedCount"] == 0, out
"#;
    python(&env, code, &[&stale, ROLE]);

    let pending = env.expect(&["watch", "destroy"], 1);
    assert!(
        pending.stderr.contains("keep ACTIVE, still failing:")
            && pending
                .stderr
                .contains("archive 1 Security Hub finding(s) of this watch that no longer hold"),
        "{}",
        pending.stderr
    );
    let done = json_of(&env.expect(&["watch", "destroy", "--yes", "--format", "json"], 0));
    assert_eq!(done["archived_findings"], 1, "{done:#}");
    assert_eq!(
        done["kept_findings"].as_array().map(Vec::len),
        Some(breach.len()),
        "{done:#}"
    );
    let active = watch_findings(&env, "ACTIVE");
    let ids: Vec<&str> = active.iter().filter_map(|f| f["Id"].as_str()).collect();
    assert_eq!(ids.len(), breach.len(), "{active:#?}");
    for f in &active {
        assert!(breach.iter().any(|b| f["Id"] == b.as_str()), "{f:#}");
        let text = f["Description"].as_str().unwrap();
        assert!(
            text.contains("`lambda-trust watch destroy`") && text.contains("still fails"),
            "{text}"
        );
    }
    let archived = watch_findings(&env, "ARCHIVED");
    assert!(
        archived.iter().any(|f| f["Id"] == stale.as_str()),
        "{archived:#?}"
    );
}
