//! Terminal control in data AWS and Genesys Cloud hand us (CWE-150): an account name, an
//! `sts:ExternalId` condition value and a Genesys Cloud data action holding escape sequences,
//! 8-bit CSI and a right-to-left override reach the human output only as `report::printable`
//! writes them (`\u{1b}`), never as the raw characters — on stdout and on stderr, with and
//! without colour — while `--format json` keeps them as they are (JSON-escaped).

use crate::support;

use serde_json::json;
use support::live::*;

use crate::live_genesys::setup_g;

const ROLE: &str = "lambda-trust-audit";
/// scripts/seed_audit.py's TERMINAL_ACCOUNT_NAME and TERMINAL_ID.
const NAME: &str = "prod\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}teg";
const NAME_SHOWN: &str = r"prod\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}teg";
const ID: &str = "id-\u{1b}[8mhidden\u{1b}[0m-\u{9b}31m-\u{202e}txet";
const ID_SHOWN: &str = r"id-\u{1b}[8mhidden\u{1b}[0m-\u{9b}31m-\u{202e}txet";

fn seed(env: &Env, args: &[&str]) -> Vec<String> {
    support::seed_audit(&env.moto.url(), args)
}

/// No character a terminal acts on in `text` (our colours aside: `colour` allows `ESC [ … m`).
fn assert_inert(what: &str, text: &str, colour: bool) {
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        rest = &rest[at + 1..];
        let sgr = rest.strip_prefix('[').is_some_and(|r| {
            let end = r.find(|c: char| !c.is_ascii_digit() && c != ';');
            end.is_some_and(|e| r[e..].starts_with('m') && !r[..e].starts_with('8'))
        });
        assert!(colour && sgr, "{what}: a raw ESC not ours:\n{text:?}");
    }
    for c in ['\u{7}', '\u{9b}', '\u{202e}', '\r'] {
        assert!(!text.contains(c), "{what}: a raw {c:?}:\n{text:?}");
    }
}

fn audit_org(env: &Env, extra: &[&str]) -> Run {
    let mut args = vec!["audit", "--partner", "genesys-cloud", "--organization"];
    args.extend(["--assume-role", ROLE]);
    args.extend(extra);
    env.run_raw(&args)
}

#[test]
fn an_account_name_and_an_external_id_with_escapes_are_shown_escaped() {
    let env = Env::new();
    let ids = seed(&env, &["org", "3", "2", "terminal"]);
    assert_eq!(ids.len(), 3);
    let r = audit_org(&env, &[]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_inert("stdout", &r.stdout, false);
    assert_inert("stderr", &r.stderr, false);
    let header = format!("account {} ({NAME_SHOWN}): ", ids[1]);
    assert!(r.stdout.contains(&header), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("fixed: {ID_SHOWN}")),
        "{}",
        r.stdout
    );

    // Our colours stay; the data's sequences do not come with them.
    let r = audit_org(&env, &["--color", "always"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.contains("\u{1b}[1m"), "coloured: {:?}", r.stdout);
    assert_inert("coloured stdout", &r.stdout, true);
    assert_inert("coloured stderr", &r.stderr, true);
    assert!(r.stdout.contains(NAME_SHOWN), "{}", r.stdout);

    // JSON carries the text as it is.
    let v = json_of(&audit_org(&env, &["--format", "json"]));
    assert_eq!(v["names"][&ids[1]], NAME);
    let roles = v["accounts"][1]["roles"].as_array().unwrap();
    let role = roles.iter().find(|r| r["role"] == "audit-terminal-id");
    assert_eq!(role.unwrap()["external_ids"]["values"], json!([ID]));
}

#[test]
fn an_external_id_with_escapes_in_one_account_and_its_error_are_shown_escaped() {
    let env = Env::new();
    seed(&env, &["terminal", ACCOUNT]);
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud"]);
    assert_eq!(r.code, 0, "a fixed ID: {}\n{}", r.stdout, r.stderr);
    assert_inert("stdout", &r.stdout, false);
    assert!(
        r.stdout.contains(&format!("fixed: {ID_SHOWN}")),
        "{}",
        r.stdout
    );

    // An error quoting what a server answered: the proxy answers with the hostile text.
    env.proxy.inject(
        support::Injection::new("GetAccountAuthorizationDetails", 403, "AccessDenied", NAME)
            .always(),
    );
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_inert("stderr", &r.stderr, false);
    assert!(r.stderr.contains(NAME_SHOWN), "{}", r.stderr);
}

#[test]
fn a_genesys_action_with_escapes_is_shown_escaped_by_plan_and_check() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let s = g.fake.state();
    let integration = &s["integrations"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()["id"];
    let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:admin{NAME}");
    g.fake.tamper(
        json!({"kind": "create_action", "integrationId": integration,
        "name": format!("Admin {NAME}"), "requestUrlTemplate": arn}),
    );
    for (args, code) in [(&["plan"][..], 0), (&["check"][..], 2)] {
        let r = g.expect(args, code);
        assert_inert(args[0], &r.stdout, false);
        assert_inert(args[0], &r.stderr, false);
        assert!(
            r.stdout.contains(&format!("admin{NAME_SHOWN}")),
            "{}",
            r.stdout
        );
    }
}
