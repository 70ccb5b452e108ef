//! The guardrail as its user gets it, on an organization as AWS builds one
//! (`scripts/seed_guardrail.py`): read through `OrganizationAccountAccessRole`, which the
//! management account and the invited account do not hold; what apply chose remembered by
//! `check`; a namesake and a piped `y` refused, naming what they are.

use serde_json::{json, Value};

use crate::live_guardrail::{arns, claim, Org};
use crate::support::live::*;

const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ACCESS_ROLE: &str = "OrganizationAccountAccessRole";

fn through_access_role<'a>(verb: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["guardrail", verb, "--genesys-org-id", ORG];
    a.extend(["--assume-role", ACCESS_ROLE, "--format", "json"]);
    a.extend(extra);
    a
}

/// The management account (no access role) is read with the caller's own session; the
/// invited account (no access role either) cannot be read: covered, it refuses apply naming
/// it; outside the targets, it never blocks apply and is said not read.
#[test]
fn through_the_access_role_the_management_account_is_read_and_an_invited_one_is_named() {
    let org = Org::new();
    let env = &org.env;
    let invited = org.seed["invited"].as_str().unwrap();
    let management = org.seed["management"].as_str().unwrap();
    let plan = json_of(&env.expect(&through_access_role("plan", &[]), 2));
    let not_read = plan["not_read"].as_array().unwrap();
    assert_eq!(not_read.len(), 1, "one line per cause: {plan:#}");
    let line = not_read[0].as_str().unwrap();
    assert!(
        line.starts_with(&format!("account {invited}: ")) && line.contains(ACCESS_ROLE),
        "{line}"
    );
    assert!(
        !line.contains("--accounts"),
        "guardrail has no --accounts: {line}"
    );
    // The management account's open role was read (with the caller's own session) and named.
    let open = format!("arn:aws:iam::{management}:role/genesys-open");
    assert!(arns(&plan["uncovered"]).contains(&open), "{plan:#}");
    let why = (plan["uncovered"].as_array().unwrap().iter())
        .find(|r| r["arn"] == open.as_str())
        .map(|r| r["why"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(
        why.starts_with(&format!("the management account {management} (")),
        "{why}"
    );
    let (r, writes) = env.writes_of(&through_access_role("apply", &["--yes"]), 1);
    assert_eq!(writes, 0);
    assert!(r.stderr.contains(invited), "{}", r.stderr);

    // The Prod OU does not hold the invited account: apply goes on, and says it was not read.
    let prod = org.seed["ous"]["Prod"].as_str().unwrap();
    let plan = json_of(&env.expect(&through_access_role("plan", &["--target", prod]), 2));
    assert_eq!(plan["not_read"], json!([]), "{plan:#}");
    let uncovered = plan["not_read_uncovered"][0].as_str().unwrap();
    assert!(uncovered.contains(invited), "{uncovered}");
    let (_, writes) = env.writes_of(
        &through_access_role("apply", &["--target", prod, "--yes"]),
        0,
    );
    assert!(writes > 0);
}

/// What apply chose — org IDs, exemptions, targets — is what `check` proves without flags;
/// flags that differ are a difference (2), never a failed proof.
#[test]
fn check_without_apply_s_flags_proves_what_apply_attached() {
    let org = Org::new();
    let env = &org.env;
    let lex = org.role("Sandbox", "genesys-lex");
    let sandbox = org.seed["ous"]["Sandbox"].as_str().unwrap();
    // A staged rollout: the Sandbox OU first, its integration roles exempted.
    env.expect(&org.args("apply", &lex, &["--target", sandbox, "--yes"]), 0);
    let bare = [
        "guardrail",
        "check",
        "--assume-role",
        "lambda-trust-audit",
        "--format",
        "json",
    ];
    let r = env.run_raw(&bare);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let checked = json_of(&r);
    assert_eq!(checked["changes"], json!([]), "{checked:#}");
    assert_eq!(claim(&checked, "coverage")["verdict"], "proved");
    let from: Vec<&Value> = (checked["choices"]["org_ids"].as_array().unwrap().iter())
        .map(|c| &c["from"]["kind"])
        .collect();
    assert_eq!(from, ["recorded"]);
    assert_eq!(checked["choices"]["exempt"].as_array().unwrap().len(), 3);

    // Another target given: a difference, not a failed coverage proof.
    let root = org.seed["root"].as_str().unwrap();
    let mut other = bare.to_vec();
    other.extend(["--target", root]);
    let r = env.run_raw(&other);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let checked = json_of(&r);
    let why = checked["changes"][0]["why"].as_str().unwrap();
    assert!(
        why.starts_with("--target differs from what apply attached"),
        "{checked:#}"
    );
}

/// An RCP of the guardrail's name that lambda-trust did not tag: plan refuses (1) naming its
/// ID and the way out, and apply writes nothing.
#[test]
fn an_untagged_namesake_is_refused_before_any_write() {
    let org = Org::new();
    let env = &org.env;
    let lex = org.role("Sandbox", "genesys-lex");
    let root = org.seed["root"].as_str().unwrap();
    env.moto
        .client()
        .enable_policy_type(root, "RESOURCE_CONTROL_POLICY");
    let content = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}]}"#;
    let made = org.organizations(
        "CreatePolicy",
        json!({"Name": "lambda-trust-genesys-cloud-external-id", "Description": "",
            "Type": "RESOURCE_CONTROL_POLICY", "Content": content}),
    );
    let id = made["Policy"]["PolicySummary"]["Id"].as_str().unwrap();
    let plan = json_of(&env.expect(&org.args("plan", &lex, &[]), 1));
    let refused = plan["refused"][0].as_str().unwrap();
    assert!(
        refused.contains(id) && refused.contains("rename"),
        "{refused}"
    );
    let (_, writes) = env.writes_of(&org.args("apply", &lex, &["--yes"]), 1);
    assert_eq!(writes, 0);
}

/// `yes |` sends `y`: refused, naming what it got; a `yes` line writes.
#[test]
fn a_piped_y_is_refused_naming_it_and_a_yes_line_writes() {
    let org = Org::new();
    let env = &org.env;
    let lex = org.role("Sandbox", "genesys-lex");
    let mut args = org.args("apply", &lex, &[]);
    args.retain(|a| *a != "--format" && *a != "json");
    let r = env.run_piped(&args, "y\ny\n");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("gave \"y\""), "{}", r.stderr);
    assert_eq!(r.stdout, "", "nothing on stdout");

    // On a terminal: the question says how many roles it stops; answered `n`, nothing is
    // written, the plan is not printed again, and it exits 2 as apply does.
    let line = format!("{} --config \"$CONFIG\"", shell_words(&args));
    let r = env.on_a_terminal(&format!("\"$LT\" {line}"), "n\n");
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("stops 2 role(s)"), "{}", r.stdout);
    assert!(r.stdout.contains("Nothing was changed"), "{}", r.stdout);
    assert_eq!(
        r.stdout.matches("Roles it stops").count(),
        1,
        "{}",
        r.stdout
    );

    let r = env.run_piped(&args, "yes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// `args` quoted for a POSIX shell.
fn shell_words(args: &[&str]) -> String {
    (args.iter())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ")
}
