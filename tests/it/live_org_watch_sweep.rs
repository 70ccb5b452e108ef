//! The organization watch's sweep as Lambda runs it, in an organization of 20 accounts on the
//! local AWS: the schedule's tick lists the accounts and puts one event per account on the
//! watch's bus (10 a `PutEvents` call); EventBridge hands each, by the bus's sweep rule, to the
//! function — here a queue on that rule catches them as EventBridge delivers them, and each is
//! handed to the function — which re-proves that account and publishes to its own Security
//! Hub. A sweep event another account puts asks nothing; an Organizations call sweeps too; a
//! sweep whose events are not all taken is never answered healthy.

use crate::live_org_watch::{
    about_account, codes, forwarded, genesys, invoke, org_findings, organization,
    organization_trail, partner_role, set_trust, watching_with, OURS, ROLE,
};
use crate::live_security_hub::{enable_hub, python};
use crate::support;

use serde_json::{json, Value};
use support::live::*;
use support::runtime_api::{cloudtrail_event, schedule_tick};

pub(crate) const BUS: &str =
    "arn:aws:events:us-east-1:123456789012:event-bus/lambda-trust-org-watch";

/// The watch's bus, its sweep rule as `watch deploy --organization` writes it, and a queue on
/// that rule that catches what EventBridge delivers (the function's own target is not invoked
/// by the local AWS). Returns the queue's URL.
pub(crate) fn bus_with_a_listener(env: &Env) -> String {
    let code = r#"
events, sqs = client("events"), client("sqs")
events.create_event_bus(Name="lambda-trust-org-watch")
events.put_rule(Name="lambda-trust-org-watch-sweep", EventBusName="lambda-trust-org-watch",
    EventPattern=json.dumps({"source": ["lambda-trust.org-watch"],
        "detail-type": ["Sweep account", "Re-prove again"], "account": [sys.argv[2]]}))
url = sqs.create_queue(QueueName="sweep")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_targets(Rule="lambda-trust-org-watch-sweep", EventBusName="lambda-trust-org-watch",
    Targets=[{"Id": "listener", "Arn": arn}])
print(url)
"#;
    python(env, code, &[ACCOUNT]).trim().to_owned()
}

/// Every event the queue caught, as EventBridge delivered it.
fn delivered(env: &Env, url: &str) -> Vec<Value> {
    let code = r#"
sqs, out = client("sqs"), []
while True:
    got = sqs.receive_message(QueueUrl=sys.argv[2], MaxNumberOfMessages=10).get("Messages", [])
    if not got:
        break
    for m in got:
        out.append(json.loads(m["Body"]))
        sqs.delete_message(QueueUrl=sys.argv[2], ReceiptHandle=m["ReceiptHandle"])
print(json.dumps(out))
"#;
    serde_json::from_str(&python(env, code, &[url])).expect("the queue's events")
}

#[test]
fn the_tick_puts_one_event_per_account_and_each_is_reproved_in_its_own_security_hub() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m9 = members[8].clone();
    partner_role(&env, &m9, ROLE, &genesys(None));
    enable_hub(&env, &m9);
    enable_hub(&env, ACCOUNT);
    let queue = bus_with_a_listener(&env);
    let (api, _function) = watching_with(&env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);

    // The tick: the accounts listed, 20 events put, 10 a call; no account read here.
    env.proxy.clear();
    let answer = invoke(&api, &schedule_tick());
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let swept = &answer["body"]["swept"];
    assert_eq!(swept["accounts"], 20, "{answer:#}");
    assert_eq!(swept["put"], 20, "{answer:#}");
    assert_eq!(swept["failed"], json!({}), "{answer:#}");
    assert_eq!(env.proxy.count("PutEvents"), 2);
    assert_eq!(env.proxy.count("AssumeRole"), 0);
    assert_eq!(swept["calls"], env.proxy.calls().len(), "{answer:#}");
    println!("the tick, 20 accounts: {} calls", env.proxy.calls().len());

    // What EventBridge delivers: one event per account, each from the watch's account.
    let events = delivered(&env, &queue);
    let mut asked: Vec<String> = (events.iter())
        .map(|e| e["detail"]["account"].as_str().unwrap().to_owned())
        .collect();
    asked.sort();
    let mut every: Vec<String> = members.iter().cloned().chain([ACCOUNT.into()]).collect();
    every.sort();
    assert_eq!(asked, every);
    assert!(
        events.iter().all(|e| e["account"] == ACCOUNT),
        "{events:#?}"
    );

    // Member 9's event, handed to the function: that account read whole, its finding in its
    // own Security Hub.
    let m9_event = (events.iter())
        .find(|e| e["detail"]["account"] == m9.as_str())
        .unwrap();
    env.proxy.clear();
    let answer = invoke(&api, m9_event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let record = &answer["body"];
    let made: Vec<String> = (env.proxy.calls().iter())
        .map(|c| c.operation.clone())
        .collect();
    println!(
        "one account's sweep invocation: {} calls: {made:?}",
        made.len()
    );
    assert_eq!(record["change"]["scope"], "account", "{record:#}");
    assert_eq!(record["accounts"][0]["account"], m9.as_str());
    assert!(record["accounts"][0].get("role").is_none(), "{record:#}");
    let active = codes(&org_findings(&env, &m9, "ACTIVE"));
    assert!(active.contains(&"no-external-id".to_owned()), "{active:?}");

    // The organization's policies are read once per sweep in an environment: the same sweep's
    // event again (as Lambda retries it) reads none of them; the next sweep's reads them again.
    let organizations = |env: &Env| {
        (env.proxy.calls().iter())
            .filter(|c| c.service == "organizations")
            .count()
    };
    assert!(organizations(&env) > 0, "{made:?}");
    env.proxy.clear();
    assert_eq!(invoke(&api, m9_event)["kind"], "response");
    assert_eq!(
        organizations(&env),
        0,
        "the same sweep's policies, read once"
    );
    assert_eq!(invoke(&api, &schedule_tick())["kind"], "response");
    // (The queue also holds the re-reading m9's first run asked for: it changed m9's hub.)
    let next = delivered(&env, &queue);
    let m9_next = (next.iter())
        .find(|e| e["detail"]["account"] == m9.as_str() && e["detail-type"] == "Sweep account")
        .unwrap();
    assert_ne!(m9_next["detail"]["sweep"], m9_event["detail"]["sweep"]);
    env.proxy.clear();
    assert_eq!(invoke(&api, m9_next)["kind"], "response");
    assert!(organizations(&env) > 0, "the next sweep reads them again");

    // The same event put by a member asks nothing: no call, nothing published.
    let mut theirs = m9_event.clone();
    theirs["account"] = json!(m9);
    env.proxy.clear();
    let answer = invoke(&api, &theirs);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(answer["body"]["change"]["scope"], "nothing", "{answer:#}");
    assert_eq!(env.proxy.calls().len(), 0);
}

#[test]
fn an_organizations_call_sweeps_and_a_sweep_not_all_put_is_never_healthy() {
    let env = Env::new();
    let (organization, _members) = organization(&env, 20);
    let queue = bus_with_a_listener(&env);
    let (api, _function) = watching_with(&env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);

    let mut scp = cloudtrail_event(
        "organizations",
        "AttachPolicy",
        json!({"policyId": "p-1", "targetId": "r-1"}),
        "us-east-1",
    );
    scp["account"] = json!(ACCOUNT);
    let answer = invoke(&api, &scp);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(answer["body"]["change"]["scope"], "organization");
    assert_eq!(answer["body"]["swept"]["put"], 20, "{answer:#}");
    let events = delivered(&env, &queue);
    assert_eq!(events.len(), 20);
    assert!(
        (events.iter()).all(|e| e["detail"]["why"] == "AttachPolicy in the organization"),
        "{events:#?}"
    );

    // Three entries EventBridge does not take (its answer's ErrorCode) are put again: every
    // account's event is put, in one more call.
    let code = r#"
client("events").tag_resource(ResourceARN=sys.argv[2],
    Tags=[{"Key": "lambda-trust-test:put-fails", "Value": "3"}])
"#;
    python(&env, code, &[BUS]);
    env.proxy.clear();
    let answer = invoke(&api, &schedule_tick());
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(answer["body"]["swept"]["put"], 20, "{answer:#}");
    assert_eq!(env.proxy.count("PutEvents"), 3);
    assert_eq!(delivered(&env, &queue).len(), 20);

    // EventBridge refuses the second call: its 10 accounts are named and the invocation fails,
    // so Lambda retries it.
    env.proxy.inject(
        support::Injection::new("PutEvents", 400, "AccessDeniedException", "not authorized")
            .skip(1)
            .always(),
    );
    let answer = api.invoke(&schedule_tick());
    assert_eq!(answer["kind"], "error", "{answer:#}");
    let body = answer["body"].to_string();
    assert!(
        body.contains("LambdaTrust.NotReproved") && body.contains("AccessDeniedException"),
        "{answer:#}"
    );
    assert_eq!(delivered(&env, &queue).len(), 10);
}

/// Through an AWS Config aggregator (`--config-aggregator`), the tick leaves out the accounts
/// where nothing can be re-proved: the aggregator shows no partner role in them and Security
/// Hub — the watch's account administers the members' — no finding of the watch. Member 3 (a
/// partner role), member 9 (a finding from before, its role gone, the event missed) and
/// member 12 (whose Security Hub the watch's account does not see) are swept; the other 17
/// are not. An aggregator that cannot be read sweeps every account, saying why.
#[test]
fn through_an_aggregator_the_tick_sweeps_only_the_accounts_that_hold_something() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let (m3, m9, m12) = (members[2].clone(), members[8].clone(), members[11].clone());
    partner_role(&env, &m3, ROLE, &genesys(None));
    enable_hub(&env, ACCOUNT);
    enable_hub(&env, &m9);
    let code = r#"
m9, m12, members = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
now = "2026-11-27T10:00:00.000Z"
gen = f"lambda-trust/organization-watch/{m9}/gone/no-external-id"
client("securityhub", m9).batch_import_findings(Findings=[{"SchemaVersion": "2018-10-08",
    "Id": gen, "GeneratorId": gen, "AwsAccountId": m9,
    "ProductArn": f"arn:aws:securityhub:us-east-1:{m9}:product/{m9}/default",
    "Types": ["Software and Configuration Checks"], "CreatedAt": now, "UpdatedAt": now,
    "Severity": {"Label": "HIGH"}, "Title": "gone", "Description": "gone",
    "Resources": [{"Type": "AwsIamRole", "Id": f"arn:aws:iam::{m9}:role/gone"}]}])
client("securityhub").create_members(
    AccountDetails=[{"AccountId": a} for a in members if a != m12])
client("config").put_configuration_aggregator(ConfigurationAggregatorName="org",
    OrganizationAggregationSource={"RoleArn": "arn:aws:iam::123456789012:role/config",
        "AllAwsRegions": True})
"#;
    python(&env, code, &[&m9, &m12, &json!(members).to_string()]);
    let queue = bus_with_a_listener(&env);
    let vars = [
        ("LAMBDA_TRUST_BUS", BUS),
        ("LAMBDA_TRUST_CONFIG_AGGREGATOR", "org"),
    ];
    let (api, _function) = watching_with(&env, &organization, &vars);

    env.proxy.clear();
    let answer = invoke(&api, &schedule_tick());
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let swept = &answer["body"]["swept"];
    assert_eq!(swept["aggregator"], "org", "{answer:#}");
    assert_eq!(
        (&swept["accounts"], &swept["skipped"], &swept["put"]),
        (&json!(20), &json!(17), &json!(3)),
        "{answer:#}"
    );
    assert_eq!(swept["calls"], env.proxy.calls().len(), "{answer:#}");
    println!(
        "the tick through the aggregator, 20 accounts: {} calls",
        env.proxy.calls().len()
    );
    let events = delivered(&env, &queue);
    let mut asked: Vec<String> = (events.iter())
        .map(|e| e["detail"]["account"].as_str().unwrap().to_owned())
        .collect();
    asked.sort();
    let mut wanted = vec![m3.clone(), m9.clone(), m12.clone()];
    wanted.sort();
    assert_eq!(asked, wanted);

    // Member 9's event settles the finding whose role is gone.
    let m9_event = (events.iter())
        .find(|e| e["detail"]["account"] == m9.as_str())
        .unwrap();
    assert_eq!(invoke(&api, m9_event)["kind"], "response");
    assert_eq!(org_findings(&env, &m9, "ACTIVE"), Vec::<Value>::new());

    // An aggregator that cannot be read: every account swept, and why.
    drop((api, _function));
    let vars = [
        ("LAMBDA_TRUST_BUS", BUS),
        ("LAMBDA_TRUST_CONFIG_AGGREGATOR", "nope"),
    ];
    let (api, _function) = watching_with(&env, &organization, &vars);
    let answer = invoke(&api, &schedule_tick());
    let swept = &answer["body"]["swept"];
    assert_eq!(swept["put"], 20, "{answer:#}");
    assert_eq!(swept["skipped"], 0, "{answer:#}");
    let why = swept["not_narrowed"].as_str().unwrap_or_default();
    assert!(why.contains("nope"), "{answer:#}");
}

/// An account whose management events no trail logs is not heard: EventBridge announces none
/// of its IAM calls, so only the sweep re-proves it. Its sweep says so in the watch's own
/// Security Hub (where status reads it), never failing the invocation: the account was
/// re-proved. Once the organization trail logs again, its next sweep settles it.
#[test]
fn an_account_no_trail_logs_is_said_not_heard_until_a_trail_logs_it() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m4 = members[3].clone();
    enable_hub(&env, &m4);
    enable_hub(&env, ACCOUNT);
    let queue = bus_with_a_listener(&env);
    let (api, _function) = watching_with(&env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);
    assert_eq!(invoke(&api, &schedule_tick())["kind"], "response");
    let events = delivered(&env, &queue);
    let m4_event = (events.iter())
        .find(|e| e["detail"]["account"] == m4.as_str())
        .unwrap();

    // The organization trail logs every account's management events: heard, nothing said.
    let answer = invoke(&api, m4_event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let heard = &answer["body"]["accounts"][0]["heard"];
    assert_eq!(
        heard,
        &json!({"status": "heard", "trail": "org"}),
        "{answer:#}"
    );
    assert_eq!(
        about_account(&env, &m4, "not-heard", "ACTIVE"),
        Vec::<Value>::new()
    );

    // The trail stops logging: not heard, said in the watch's account, naming m4.
    organization_trail(&env, false);
    let answer = invoke(&api, m4_event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let heard = &answer["body"]["accounts"][0]["heard"];
    assert_eq!(
        heard,
        &json!({"status": "not-heard", "region": "us-east-1"}),
        "{answer:#}"
    );
    let said = about_account(&env, &m4, "not-heard", "ACTIVE");
    assert_eq!(said.len(), 1, "{said:#?}");
    assert_eq!(said[0]["AwsAccountId"], ACCOUNT);
    assert_eq!(
        said[0]["Resources"][0]["Id"],
        format!("AWS::::Account:{m4}")
    );
    let title = said[0]["Title"].as_str().unwrap();
    assert!(title.contains("do not reach the watch"), "{title}");
    // Logging again: the trail is read through each account's reader, so one trail heard
    // again is heard in every account.
    organization_trail(&env, true);
    // Logging again: m4's next sweep settles what was said.
    let answer = invoke(&api, m4_event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(
        about_account(&env, &m4, "not-heard", "ACTIVE"),
        Vec::<Value>::new()
    );
    assert_eq!(about_account(&env, &m4, "not-heard", "ARCHIVED").len(), 1);
}

/// Two runs about one role whose writes cross: the older reading's answer written last. A run
/// that changed what the account's Security Hub holds asks for the same reading once more on
/// the watch's bus, so the last change is followed by a reading made after it. Here the hub
/// holds a run's answer that the role no longer bears — its repair's own run wrote first, or
/// found nothing to write — and no call is left to come: the re-reading settles it, and the
/// chain ends with the run that changes nothing.
#[test]
fn a_run_that_changed_a_finding_reads_again_so_crossing_writes_end_on_the_roles_answer() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m17 = members[16].clone();
    partner_role(&env, &m17, ROLE, &genesys(None));
    enable_hub(&env, &m17);
    enable_hub(&env, ACCOUNT);
    let queue = bus_with_a_listener(&env);
    let (api, _function) = watching_with(&env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);

    // The older reading: the role without an external ID, its finding written.
    env.proxy.clear();
    let answer = invoke(&api, &forwarded(&m17, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let part = &answer["body"]["accounts"][0];
    assert_eq!(
        part["again"],
        json!({"status": "asked", "round": 1}),
        "{answer:#}"
    );
    assert_eq!(env.proxy.count("PutEvents"), 1);
    assert!(codes(&org_findings(&env, &m17, "ACTIVE")).contains(&"no-external-id".to_owned()));

    // The role was repaired before that write landed: its own run is over, nothing else
    // comes. The re-reading the bus delivers reads the role as it is, and settles the finding.
    set_trust(&env, &m17, ROLE, &genesys(Some(OURS)));
    let again = delivered(&env, &queue);
    assert_eq!(again.len(), 1, "{again:#?}");
    assert_eq!(again[0]["detail-type"], "Re-prove again");
    let answer = invoke(&api, &again[0]);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let record = &answer["body"];
    assert_eq!(record["change"]["scope"], "again", "{record:#}");
    assert_eq!(record["change"]["role"], ROLE, "{record:#}");
    assert_eq!(org_findings(&env, &m17, "ACTIVE"), Vec::<Value>::new());
    assert_eq!(record["accounts"][0]["again"]["round"], 2, "{record:#}");

    // The next re-reading changes nothing, so it asks for none: the chain ends.
    let again = delivered(&env, &queue);
    assert_eq!(again.len(), 1, "{again:#?}");
    let answer = invoke(&api, &again[0]);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(
        answer["body"]["accounts"][0].get("again"),
        None,
        "{answer:#}"
    );
    assert_eq!(delivered(&env, &queue), Vec::<Value>::new());
}

/// Who changed it is kept (BatchImportFindings keeps none of a provider's `ProductFields` on
/// a re-import): the hand edit's finding names the call and the editor, and still does after
/// every delivery its run caused — the re-reading it asks for, then a sweep's events — each
/// handed to the function as EventBridge delivers it. The re-reading that finds the same thing
/// sends nothing, so the chain ends after it.
#[test]
fn a_hand_edits_finding_still_names_the_editor_after_every_delivery_its_run_caused() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m17 = members[16].clone();
    partner_role(&env, &m17, ROLE, &genesys(Some(OURS)));
    enable_hub(&env, &m17);
    enable_hub(&env, ACCOUNT);
    let queue = bus_with_a_listener(&env);
    let (api, _function) = watching_with(&env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);
    set_trust(&env, &m17, ROLE, &genesys(None));
    let edit = invoke(&api, &forwarded(&m17, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(edit["kind"], "response", "{edit:#}");
    let names_the_editor = |env: &Env, after: &str| {
        let active = org_findings(env, &m17, "ACTIVE");
        let finding = (active.iter())
            .find(|f| f["ProductFields"]["lambda-trust/Code"] == "no-external-id")
            .unwrap_or_else(|| panic!("{after}: {active:#?}"));
        let fields = &finding["ProductFields"];
        assert_eq!(
            fields["lambda-trust/Change"], "UpdateAssumeRolePolicy",
            "{after}"
        );
        assert_eq!(
            fields["lambda-trust/ChangedBy"],
            format!("arn:aws:sts::{m17}:assumed-role/Admin/alice"),
            "{after}: {finding:#}"
        );
    };
    names_the_editor(&env, "the edit");
    // Every delivery the run caused, until none is left.
    let drain = |env: &Env, after: &str| {
        let mut rounds = 0;
        loop {
            let next = delivered(env, &queue);
            if next.is_empty() {
                return rounds;
            }
            rounds += 1;
            assert!(rounds <= 3, "{after}: the chain ends: {next:#?}");
            // A sweep's event of an account whose Security Hub is off fails, as it should:
            // what matters here is the edited account's finding after each.
            for event in &next {
                invoke(&api, event);
                names_the_editor(env, after);
            }
        }
    };
    // One re-reading: it finds the same and sends nothing, so it asks for no other.
    assert_eq!(drain(&env, "the re-reading"), 1);
    // A sweep: the tick puts an event per account; each re-proves its account.
    assert_eq!(invoke(&api, &schedule_tick())["kind"], "response");
    assert!(drain(&env, "the sweep") >= 1);
    names_the_editor(&env, "the sweep");
}

/// What each account's Security Hub holds of the watch, as the watch's own ledger (a
/// Parameter Store parameter per account, in the watch's account) names it.
pub(crate) fn ledger_of(env: &Env, holder: &str, account: &str) -> Option<Value> {
    let code = r#"
ssm = client("ssm", sys.argv[2])
try:
    print(ssm.get_parameter(Name=f"/lambda-trust/organization-watch/held/{sys.argv[3]}")["Parameter"]["Value"])
except ssm.exceptions.ParameterNotFound:
    print("null")
"#;
    serde_json::from_str(python(env, code, &[holder, account]).trim()).unwrap()
}

/// A whole account's reading keeps the watch's ledger of what the account's hub holds: written
/// when it holds something else, kept (one read, no write) when the reading found the same, and
/// emptied when the role is right again — so an account that leaves can still be told.
#[test]
fn a_whole_reading_keeps_the_ledger_of_what_the_account_holds_writing_only_what_changed() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m5 = members[4].clone();
    partner_role(&env, &m5, ROLE, &genesys(None));
    enable_hub(&env, &m5);
    enable_hub(&env, ACCOUNT);
    let queue = bus_with_a_listener(&env);
    let (api, _function) = watching_with(&env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);
    assert_eq!(invoke(&api, &schedule_tick())["kind"], "response");
    let events = delivered(&env, &queue);
    let m5_event = (events.iter())
        .find(|e| e["detail"]["account"] == m5.as_str())
        .unwrap();

    let answer = invoke(&api, m5_event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let ledger = &answer["body"]["accounts"][0]["ledger"];
    assert_eq!(ledger, &json!({"status": "written"}), "{answer:#}");
    let held = ledger_of(&env, ACCOUNT, &m5).expect("m5's entry");
    let finding = format!("{ROLE}/no-external-id");
    assert!(
        held["findings"]
            .as_array()
            .unwrap()
            .contains(&json!(finding)),
        "{held:#}"
    );
    let active = org_findings(&env, &m5, "ACTIVE").len();
    assert_eq!(
        held["findings"].as_array().unwrap().len(),
        active,
        "{held:#}"
    );

    // The same reading again: the ledger read, nothing written.
    env.proxy.clear();
    let answer = invoke(&api, m5_event);
    let ledger = &answer["body"]["accounts"][0]["ledger"];
    assert_eq!(ledger, &json!({"status": "kept"}), "{answer:#}");
    assert_eq!(env.proxy.count("GetParameter"), 1);
    assert_eq!(env.proxy.count("PutParameter"), 0);

    // The role made right: its findings settled, and the ledger says the account holds none.
    set_trust(&env, &m5, ROLE, &genesys(Some(OURS)));
    let answer = invoke(&api, m5_event);
    let ledger = &answer["body"]["accounts"][0]["ledger"];
    assert_eq!(ledger, &json!({"status": "written"}), "{answer:#}");
    assert_eq!(org_findings(&env, &m5, "ACTIVE"), Vec::<Value>::new());
    let held = ledger_of(&env, ACCOUNT, &m5).expect("m5's entry");
    assert_eq!(held["findings"], json!([]), "{held:#}");

    // A role's reading keeps no ledger: only a whole account's says all it holds.
    let answer = invoke(&api, &forwarded(&m5, "UpdateAssumeRolePolicy", ROLE));
    assert!(
        answer["body"]["accounts"][0].get("ledger").is_none(),
        "{answer:#}"
    );
}
