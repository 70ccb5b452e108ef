//! Renaming `role.name` never leaves the old role behind: the role lambda-trust created from the
//! config under its earlier name still trusts Genesys Cloud and can invoke the targets, so
//! `plan` shows its removal, `check` reports it, `apply` removes it after the new role is in
//! place — and a role lambda-trust did not create, or another config's, is never touched.

use crate::support;

use serde_json::{json, Value};
use support::live::*;

const OLD: &str = "GenesysLambdaInvoker";
const NEW: &str = "GenesysLambdaInvokerV2";

/// The config with a deployment of its own: a rename within it is provably its own.
fn deployed(env: &Env) {
    env.write_config(&format!(
        "deployment = \"cx\"\n{}",
        config(&["lookup-order"], "")
    ));
}

fn renamed(env: &Env) {
    let text = format!("deployment = \"cx\"\n{}", config(&["lookup-order"], ""))
        .replace(&format!("name = \"{OLD}\""), &format!("name = \"{NEW}\""));
    env.write_config(&text);
}

fn role_exists(env: &Env, name: &str) -> bool {
    let roles = env.iam("ListRoles", &[]);
    roles.contains(&format!("<RoleName>{name}</RoleName>"))
}

#[test]
fn a_renamed_role_is_planned_reported_and_removed_after_the_new_one_exists() {
    let env = setup(&["lookup-order"]);
    deployed(&env);
    env.expect(&["apply", "--yes"], 0);
    renamed(&env);

    let r = env.expect(&["plan", "--format", "json"], 2);
    let plan = json_of(&r);
    let text = plan.to_string();
    assert!(text.contains(NEW), "{plan:#}");
    assert!(
        text.contains(&format!(
            "\"resource\":\"role {OLD}\",\"action\":\"delete\""
        )),
        "the old role's removal is in the plan: {plan:#}"
    );

    let r = env.expect(&["check", "--format", "json"], 2);
    let v = json_of(&r);
    let findings = v["configs"][0]["findings"].as_array().unwrap();
    let old: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == json!("role-predecessor"))
        .collect();
    assert_eq!(old.len(), 1, "{findings:#?}");
    assert_eq!(old[0]["severity"], json!("security"));
    assert!(old[0]["message"].as_str().unwrap().contains(OLD));

    let r = env.expect(&["apply", "--yes"], 0);
    assert!(role_exists(&env, NEW), "{}", r.stderr);
    assert!(
        !role_exists(&env, OLD),
        "the old role is gone: {}",
        r.stderr
    );
    // The old role's invoke policy went with it; the new one stays.
    let policies = env.iam("ListPolicies", &[("Scope", "Local")]);
    assert!(
        !policies.contains(&format!("<PolicyName>{OLD}-invoke</PolicyName>")),
        "{policies}"
    );
    assert!(
        policies.contains(&format!("<PolicyName>{NEW}-invoke</PolicyName>")),
        "{policies}"
    );

    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "a second apply writes nothing");
    env.expect(&["check"], 0);
}

#[test]
fn roles_lambda_trust_did_not_create_from_this_config_are_never_touched() {
    let env = setup(&["lookup-order"]);
    // A hand-made role trusting Genesys Cloud with the same external ID, without our tags.
    env.iam(
        "CreateRole",
        &[
            ("RoleName", "HandMade"),
            (
                "AssumeRolePolicyDocument",
                &trust_doc(EXT, "arn:aws:iam::765628985471:root"),
            ),
        ],
    );
    // One carrying our marker but another config's digest.
    env.iam(
        "CreateRole",
        &[
            ("RoleName", "OtherConfig"),
            (
                "AssumeRolePolicyDocument",
                &trust_doc(EXT, "arn:aws:iam::765628985471:root"),
            ),
            ("Tags.member.1.Key", "managed-by"),
            ("Tags.member.1.Value", "lambda-trust"),
            ("Tags.member.2.Key", "lambda-trust:config"),
            ("Tags.member.2.Value", "0000000000000000"),
        ],
    );
    renamed(&env);
    let r = env.expect(&["plan", "--format", "json"], 2);
    let text = r.stdout;
    assert!(
        !text.contains("HandMade") && !text.contains("OtherConfig"),
        "{text}"
    );
    env.expect(&["apply", "--yes"], 0);
    assert!(role_exists(&env, "HandMade") && role_exists(&env, "OtherConfig"));
}

#[test]
fn an_in_sync_run_does_not_look_for_predecessors() {
    let env = setup(&["lookup-order"]);
    env.expect(&["apply", "--yes"], 0);
    env.proxy.clear();
    env.expect(&["plan"], 0);
    let listed = env
        .proxy
        .calls()
        .iter()
        .filter(|c| c.operation == "ListRoles")
        .count();
    assert_eq!(listed, 0);
}
