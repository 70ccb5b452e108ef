//! `audit --genesys` (issue 36 item 2): the audit reads the Genesys Cloud organization's
//! Lambda integrations and says, on the role each integration's credential holds, which
//! functions every action choosing its function at run time can reach — a security finding
//! when more than one — in every output format; when Genesys Cloud cannot be read the report
//! says so and every AWS finding stands. The real binary against moto and the local Genesys
//! Cloud.

use serde_json::{json, Value};

use crate::live_genesys::{genesys_section, setup_g, G};
use crate::support::live::*;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GenesysLambdaInvoker";
const ORDER_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:lookup-order";
const CUSTOMER_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:lookup-customer";
const PAY_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:pay";

/// Two granted lookups and a payment function; one action picks any function
/// (`${input.functionArn}`), one a lookup (`…:function:lookup-${input.kind}`), one calls
/// `pay` only (`…:function:pa${input.x}`). Applied: the integration carries lambda-trust's ledger.
fn applied() -> G {
    let targets = ["lookup-order", "lookup-customer", "pay"];
    let g = setup_g(&targets);
    let mut text = config(&targets, "");
    text.push_str(genesys_section());
    let prefix = "arn:aws:lambda:us-east-1:123456789012:function:";
    for (name, url) in [
        ("Any function", "${input.functionArn}".to_owned()),
        ("Any lookup", format!("{prefix}lookup-${{input.kind}}")),
        ("Pay only", format!("{prefix}pa${{input.x}}")),
    ] {
        text.push_str(&format!(
            "\n[[genesys.actions]]\nname = \"{name}\"\nrequest_url_template = \"{url}\"\n"
        ));
    }
    g.env.write_config(&text);
    g.expect(&["apply", "--yes"], 0);
    g
}

/// The audit of Genesys Cloud's roles with `--genesys`, as JSON.
const AUDIT_JSON: &[&str] = &[
    "audit",
    "--partner",
    "genesys-cloud",
    "--genesys",
    "--format",
    "json",
];

/// The role's findings of `code` in an account report.
fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    let role = (report["roles"].as_array().unwrap().iter())
        .find(|r| r["arn"] == ROLE_ARN)
        .unwrap_or_else(|| panic!("no role {ROLE_ARN}: {report:#}"));
    (role["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == code)
        .collect()
}

/// The report is valid against docs/schemas/audit.schema.json.
fn schema_valid(report: &Value) {
    let schema = &crate::json_schemas::validators()["audit.schema.json"];
    let errors: Vec<String> = schema.iter_errors(report).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "audit.schema.json: {errors:?}");
}

fn message_of<'a>(found: &[&'a Value], action: &str) -> &'a str {
    found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .find(|m| m.contains(&format!("{action:?}")))
        .unwrap_or_else(|| panic!("no finding for {action:?}: {found:#?}"))
}

#[test]
fn a_dynamic_action_reaching_two_granted_targets_is_a_security_finding_naming_both() {
    let g = applied();
    let dir = g.env.dir.path();
    let file = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let (sarif, html, asff, ocsf) = (
        file("a.sarif"),
        file("a.html"),
        file("a.asff"),
        file("a.ocsf"),
    );
    let files = [
        "--sarif", &sarif, "--html", &html, "--asff", &asff, "--ocsf", &ocsf,
    ];
    let r = g.expect(&[AUDIT_JSON, &files[..]].concat(), 2);
    let report = json_of(&r);
    schema_valid(&report);
    let many = findings(&report, "genesys-action-reaches-many");
    assert_eq!(many.len(), 2, "{many:#?}");
    let lookup = message_of(&many, "Any lookup");
    assert!(
        lookup.contains(ORDER_ARN) && lookup.contains(CUSTOMER_ARN) && !lookup.contains(PAY_ARN),
        "{lookup}"
    );
    assert!(
        lookup.contains("can reach 2 of the functions the role grants"),
        "{lookup}"
    );
    assert!(many.iter().all(|f| f["severity"] == "security"));
    let any = message_of(&many, "Any function");
    assert!(
        [ORDER_ARN, CUSTOMER_ARN, PAY_ARN]
            .iter()
            .all(|a| any.contains(a)),
        "{any}"
    );
    let one = findings(&report, "genesys-dynamic-action");
    assert_eq!(one.len(), 1, "{one:#?}");
    let pay = message_of(&one, "Pay only");
    assert!(
        pay.contains(&format!("one function the role grants: {PAY_ARN}")),
        "{pay}"
    );
    assert_eq!(one[0]["severity"], "info");

    // The section: the integration, its role from the ledger, each dynamic action's targets.
    let i = &report["genesys"]["integrations"][0];
    assert_eq!(report["genesys"]["organization"], EXT);
    assert_eq!(
        (i["role"].as_str(), i["role_from"].as_str()),
        (Some(ROLE_ARN), Some("ledger"))
    );
    assert_eq!(
        i["actions"], 6,
        "a default action per target, and the three"
    );
    let lookup = (i["dynamic"].as_array().unwrap().iter())
        .find(|d| d["name"] == "Any lookup")
        .unwrap();
    let mut targets: Vec<&str> = (lookup["targets"].as_array().unwrap().iter())
        .map(|t| t.as_str().unwrap())
        .collect();
    targets.sort();
    assert_eq!(targets, [CUSTOMER_ARN, ORDER_ARN]);

    // Every other format carries the security finding naming both targets.
    for (what, path) in [
        ("SARIF", &sarif),
        ("HTML", &html),
        ("ASFF", &asff),
        ("OCSF", &ocsf),
    ] {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.contains("genesys-action-reaches-many")
                && text.contains(ORDER_ARN)
                && text.contains(CUSTOMER_ARN),
            "{what}: {text}"
        );
    }
    g.fake.reset_calls();
    let human = g
        .expect(&["audit", "--partner", "genesys-cloud", "--genesys"], 2)
        .stdout;
    // Reads only: the token, the organization, the type, the integrations, the credentials
    // listing, the organization's actions (one page each), then per integration its config
    // and its credential.
    let calls = g.fake.calls();
    let paths: Vec<String> = calls
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert!(calls.iter().all(|c| !c.write), "{paths:#?}");
    assert_eq!(calls.len(), 8, "{paths:#?}");
    assert!(
        human.contains("Genesys Cloud organization")
            && human.contains("genesys-action-reaches-many")
            && human.contains("\"Any lookup\""),
        "{human}"
    );
}

/// When lambda-trust's ledger no longer vouches for the credential (changed in the admin UI)
/// and Genesys Cloud redacts its role, the actions are judged through each role Genesys Cloud
/// can assume with the organization's ID, and the finding says the credential may hold it.
#[test]
fn a_redacted_credential_is_judged_through_the_roles_accepting_the_organization_s_id() {
    let g = applied();
    let credential = g.fake.state()["credentials"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    g.fake
        .tamper(json!({"kind": "credential", "id": credential, "fields": {"ARN": ROLE_ARN}}));
    let report = json_of(&g.expect(AUDIT_JSON, 2));
    schema_valid(&report);
    let i = &report["genesys"]["integrations"][0];
    assert_eq!(
        (i["role"].clone(), i["role_from"].clone()),
        (Value::Null, json!("external-id"))
    );
    assert_eq!(i["roles"], json!([ROLE_ARN]));
    let many = findings(&report, "genesys-action-reaches-many");
    let lookup = message_of(&many, "Any lookup");
    assert!(
        lookup.contains("may hold it") && lookup.contains(ORDER_ARN),
        "{lookup}"
    );
}

/// Genesys Cloud unreadable (a refused OAuth client): the report says why, every AWS finding
/// stands and the exit code is the AWS audit's.
#[test]
fn an_unreadable_genesys_cloud_is_said_and_hides_no_aws_finding() {
    let g = applied();
    let without = json_of(&g.expect(
        &["audit", "--partner", "genesys-cloud", "--format", "json"],
        0,
    ));
    let config = g.env.config_path();
    let mut envs = g.fake.env();
    for (k, v) in &mut envs {
        if k == "GENESYSCLOUD_OAUTHCLIENT_SECRET" {
            *v = "wrong".into();
        }
    }
    let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let args = [AUDIT_JSON, &["--config", config.to_str().unwrap()]].concat();
    let r = g.env.run_env(&args, &extra);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let with = json_of(&r);
    schema_valid(&with);
    let why = with["genesys"]["not_read"].as_str().unwrap();
    assert!(why.contains("OAuth client"), "{why}");
    assert_eq!(with["roles"], without["roles"]);
    // --genesys is for the live single-account audit.
    let r = g
        .env
        .run_raw(&["audit", "--genesys", "--organization", "--assume-role", "R"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--genesys"), "{}", r.stderr);
}
