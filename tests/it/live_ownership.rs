//! One config never touches another's resources: two and three configs (two teams, roles TeamA
//! and TeamB, default policy names) in one AWS account and one Genesys Cloud organization, every
//! command of each run in turn, and what belongs to the others compared in full before and after.
//! A rename within one deployment still retires the old role; a config without a `deployment`
//! never removes what it cannot prove it created.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::live_genesys::{setup_g, G};
use crate::support::live::{config, json_of, Run};

/// One team's config file in the test's directory.
struct Team {
    role: &'static str,
    integration: String,
    path: PathBuf,
}

fn team_text(role: &str, deployment: Option<&str>, integration: &str) -> String {
    let mut text = String::new();
    if let Some(d) = deployment {
        text.push_str(&format!("deployment = \"{d}\"\n\n"));
    }
    text.push_str(&config(&["lookup-order"], "").replace(
        "name = \"GenesysLambdaInvoker\"",
        &format!("name = \"{role}\""),
    ));
    // Action names are unique in a Genesys Cloud organization: each team names its own.
    text.push_str(&format!(
        "[targets.action]\nname = \"{role} lookup-order\"\n"
    ));
    text.push_str(&format!(
        "\n[genesys]\nintegration = \"{integration}\"\ncategory = \"Lambda\"\n"
    ));
    text
}

fn team(g: &G, role: &'static str, deployment: Option<&str>) -> Team {
    let integration = format!("{role} (lambda-trust)");
    let path = g.env.dir.path().join(format!("{role}.toml"));
    std::fs::write(&path, team_text(role, deployment, &integration)).unwrap();
    Team {
        role,
        integration,
        path,
    }
}

fn run(g: &G, t: &Team, args: &[&str], code: i32) -> Run {
    let r = g.run_config(&t.path, args);
    assert_eq!(
        r.code,
        code,
        "`lambda-trust {}` of {} exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        t.role,
        r.code,
        r.stdout,
        r.stderr
    );
    r
}

/// An IAM query's answer without its request ID (new on every call).
fn iam(g: &G, action: &str, params: &[(&str, &str)]) -> String {
    let r = g.env.moto.client().try_iam_query(action, params);
    let text = r.text();
    match (
        text.find("<ResponseMetadata>"),
        text.find("</ResponseMetadata>"),
    ) {
        (Some(a), Some(b)) => format!("{}{}", &text[..a], &text[b..]),
        _ => text,
    }
}

/// Everything of one team's deployment, on both sides: its role (trust policy and tags), the
/// role's attached and inline policies, its invoke policy and that policy's document, its
/// Genesys Cloud integration, the integration's credential and its actions.
fn snapshot(g: &G, t: &Team) -> Value {
    let policy = format!("arn:aws:iam::123456789012:policy/{}-invoke", t.role);
    let state = g.fake.state();
    let integrations: Vec<&Value> = (state["integrations"].as_object().unwrap().values())
        .filter(|i| i["config"]["name"] == json!(t.integration))
        .collect();
    let ids: Vec<&Value> = integrations.iter().map(|i| &i["id"]).collect();
    let actions: Vec<&Value> = (state["actions"].as_object().unwrap().values())
        .filter(|a| ids.contains(&&a["integrationId"]))
        .collect();
    let credentials: Vec<&Value> = (integrations.iter())
        .filter_map(|i| i["config"]["credentials"]["AmazonWebServicesARN"]["id"].as_str())
        .filter_map(|id| state["credentials"].get(id))
        .collect();
    json!({
        "role": iam(g, "GetRole", &[("RoleName", t.role)]),
        "role_tags": iam(g, "ListRoleTags", &[("RoleName", t.role)]),
        "attached": iam(g, "ListAttachedRolePolicies", &[("RoleName", t.role)]),
        "inline": iam(g, "ListRolePolicies", &[("RoleName", t.role)]),
        "policy": iam(g, "GetPolicy", &[("PolicyArn", &policy)]),
        "policy_document": iam(g, "GetPolicyVersion", &[("PolicyArn", &policy), ("VersionId", "v1")]),
        "integrations": integrations,
        "credentials": credentials,
        "actions": actions,
    })
}

fn role_exists(g: &G, name: &str) -> bool {
    iam(g, "ListRoles", &[]).contains(&format!("<RoleName>{name}</RoleName>"))
}

/// Runs each command of `t` and asserts that the other teams' deployments are exactly as they
/// were before.
fn every_command_leaves_the_others_alone(g: &G, t: &Team, others: &[&Team]) {
    let before: Vec<Value> = others.iter().map(|o| snapshot(g, o)).collect();
    run(g, t, &["plan"], 0);
    run(g, t, &["check"], 0);
    run(g, t, &["verify"], 0);
    run(g, t, &["apply", "--yes"], 0);
    run(g, t, &["apply", "--yes", "--adopt"], 0);
    run(g, t, &["onboard", "--yes", "lookup-customer"], 0);
    run(g, t, &["offboard", "--yes", "lookup-customer"], 0);
    for (o, was) in others.iter().zip(&before) {
        assert_eq!(
            &snapshot(g, o),
            was,
            "{}'s commands changed {}",
            t.role,
            o.role
        );
    }
}

fn two_teams_case(deployments: [Option<&str>; 2]) {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let a = team(&g, "TeamA", deployments[0]);
    let b = team(&g, "TeamB", deployments[1]);
    run(&g, &a, &["apply", "--yes"], 0);
    let a_before = snapshot(&g, &a);

    let plan = json_of(&run(&g, &b, &["plan", "--format", "json"], 2));
    assert!(
        !plan.to_string().contains("TeamA"),
        "TeamB's plan names nothing of TeamA's: {plan:#}"
    );
    run(&g, &b, &["apply", "--yes"], 0);
    assert!(role_exists(&g, "TeamA") && role_exists(&g, "TeamB"));
    assert_eq!(snapshot(&g, &a), a_before, "TeamB's apply changed TeamA");

    // TeamA's own plan does not show TeamB's removal, and nothing of TeamA drifted.
    let plan = run(&g, &a, &["plan", "--format", "json"], 0);
    assert!(!plan.stdout.contains("TeamB"), "{}", plan.stdout);

    every_command_leaves_the_others_alone(&g, &a, &[&b]);
    every_command_leaves_the_others_alone(&g, &b, &[&a]);

    let b_before = snapshot(&g, &b);
    run(&g, &a, &["destroy", "--yes"], 0);
    assert_eq!(snapshot(&g, &b), b_before, "TeamA's destroy changed TeamB");
    assert!(!role_exists(&g, "TeamA"));
}

#[test]
fn two_deployments_in_one_account_and_org_never_touch_each_other() {
    two_teams_case([Some("team-a"), Some("team-b")]);
}

#[test]
fn two_configs_without_a_deployment_never_remove_each_other() {
    two_teams_case([None, None]);
}

#[test]
fn three_configs_applied_in_turn_all_survive() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let teams = [
        team(&g, "TeamA", Some("team-a")),
        team(&g, "TeamB", Some("team-b")),
        team(&g, "TeamC", None),
    ];
    for t in &teams {
        run(&g, t, &["apply", "--yes"], 0);
    }
    let before: Vec<Value> = teams.iter().map(|t| snapshot(&g, t)).collect();
    for t in &teams {
        let (_, aws, genesys) = g.writes_of_config(&t.path, &["apply", "--yes"], 0);
        assert_eq!((aws, genesys), (0, 0), "{} again writes nothing", t.role);
        assert!(role_exists(&g, t.role));
    }
    let after: Vec<Value> = teams.iter().map(|t| snapshot(&g, t)).collect();
    assert_eq!(after, before);
}

#[test]
fn a_config_without_a_deployment_leaves_an_earlier_role_and_says_how_to_remove_it() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let old = team(&g, "TeamA", None);
    run(&g, &old, &["apply", "--yes"], 0);
    // The same file, renamed: without a deployment nothing proves the old role was its own.
    let text = team_text("TeamA2", None, &old.integration);
    std::fs::write(&old.path, text).unwrap();
    let r = run(&g, &old, &["apply", "--yes"], 0);
    assert!(role_exists(&g, "TeamA"), "{}", r.stderr);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("TeamA") && said.contains("deployment"),
        "apply says what it found and what to do: {said}"
    );
}

#[test]
fn a_rename_within_a_deployment_retires_the_old_role() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let a = team(&g, "TeamA", Some("team-a"));
    let b = team(&g, "TeamB", Some("team-b"));
    run(&g, &a, &["apply", "--yes"], 0);
    run(&g, &b, &["apply", "--yes"], 0);
    let b_before = snapshot(&g, &b);
    std::fs::write(&a.path, team_text("TeamA2", Some("team-a"), &a.integration)).unwrap();
    let plan = run(&g, &a, &["plan", "--format", "json"], 2);
    assert!(plan.stdout.contains("role TeamA\""), "{}", plan.stdout);
    assert!(!plan.stdout.contains("TeamB"), "{}", plan.stdout);
    run(&g, &a, &["apply", "--yes"], 0);
    assert!(!role_exists(&g, "TeamA") && role_exists(&g, "TeamA2"));
    assert_eq!(snapshot(&g, &b), b_before);
}

#[test]
fn a_role_of_another_deployment_is_refused_with_both_named() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let c = team(&g, "TeamC", Some("other"));
    run(&g, &c, &["apply", "--yes"], 0);
    std::fs::write(&c.path, team_text("TeamC", Some("shared"), &c.integration)).unwrap();
    let before = snapshot(&g, &c);
    // Adopting takes over what lambda-trust did not make, never another deployment's role or
    // integration: refused as plan refuses it, and never suggested.
    let all: [&[&str]; 5] = [
        &["plan"],
        &["apply", "--yes"],
        &["plan", "--adopt"],
        &["apply", "--yes", "--adopt"],
        &["destroy"],
    ];
    for args in all {
        let r = run(&g, &c, args, 1);
        assert!(
            r.stderr.contains("TeamC")
                && r.stderr.contains("\"other\"")
                && r.stderr.contains("\"shared\""),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("apply --adopt"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert_eq!(snapshot(&g, &c), before);
}

#[test]
fn a_second_config_claiming_a_deployment_is_refused_with_both_named() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let a = team(&g, "TeamA", Some("shared"));
    run(&g, &a, &["apply", "--yes"], 0);
    // TeamD's config copied TeamA's deployment: TeamA is not TeamD's earlier role, since TeamD's
    // own integration does not name it.
    let d = team(&g, "TeamD", Some("shared"));
    let before = snapshot(&g, &a);
    for args in [&["plan"][..], &["apply", "--yes"]] {
        let r = run(&g, &d, args, 1);
        assert!(
            r.stderr.contains("TeamA") && r.stderr.contains("\"shared\""),
            "{}",
            r.stderr
        );
    }
    // check says the same, never that an apply would repair it.
    let r = g.run_config(&d.path, &["check"]);
    let said = format!("{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.code, 1, "{said}");
    assert!(
        said.contains("TeamA") && said.contains("\"shared\""),
        "{said}"
    );
    assert!(!said.contains("run `lambda-trust apply"), "{said}");
    assert_eq!(snapshot(&g, &a), before);
    assert!(!role_exists(&g, "TeamD"));
    // Checked in one run, the two files claiming one deployment are each refused naming both.
    let r = g.run_config(&a.path, &["check", "--config", d.path.to_str().unwrap()]);
    let said = format!("{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.code, 1, "{said}");
    assert!(
        said.contains("two config files claim deployment \"shared\"")
            && said.contains("TeamA.toml")
            && said.contains("TeamD.toml"),
        "{said}"
    );
    assert!(!said.contains("run `lambda-trust apply"), "{said}");
}

/// Two configs naming one integration in one org: the second's apply is refused naming both
/// deployments, and its check says the integration is another deployment's and the step —
/// never a credential finding whose remedy is the apply that refuses.
#[test]
fn an_integration_of_another_deployment_is_said_by_check_as_apply_refuses_it() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let a = team(&g, "TeamA", Some("team-a"));
    run(&g, &a, &["apply", "--yes"], 0);
    let b = team(&g, "TeamB", Some("team-b"));
    let text = std::fs::read_to_string(&b.path)
        .unwrap()
        .replace(&b.integration, &a.integration);
    std::fs::write(&b.path, text).unwrap();
    let before = snapshot(&g, &a);
    let (r, aws, genesys) = g.writes_of_config(&b.path, &["apply", "--yes"], 1);
    assert_eq!((aws, genesys), (0, 0), "{}", r.stderr);
    assert!(
        r.stderr.contains("\"team-a\"") && r.stderr.contains("\"team-b\""),
        "{}",
        r.stderr
    );
    let r = g.run_config(&b.path, &["check"]);
    let said = format!("{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.code, 1, "{said}");
    assert!(said.contains("belongs to deployment \"team-a\""), "{said}");
    assert!(said.contains("[genesys].integration"), "{said}");
    assert!(!said.contains("holds arn:"), "{said}");
    assert!(!said.contains("run `lambda-trust apply"), "{said}");
    assert_eq!(snapshot(&g, &a), before);
}

/// Action names are unique in a Genesys Cloud organization: a second team whose action has the
/// first's name is refused at plan time — zero writes on both sides — naming the action that
/// holds it, instead of failing mid-apply after its AWS writes.
#[test]
fn an_action_name_another_integration_holds_is_refused_before_any_write() {
    let g = setup_g(&["lookup-order", "lookup-customer"]);
    let a = team(&g, "TeamA", Some("team-a"));
    run(&g, &a, &["apply", "--yes"], 0);
    let b = team(&g, "TeamB", Some("team-b"));
    let text = std::fs::read_to_string(&b.path).unwrap().replace(
        "name = \"TeamB lookup-order\"",
        "name = \"TeamA lookup-order\"",
    );
    std::fs::write(&b.path, text).unwrap();
    let before = snapshot(&g, &a);
    let (r, aws, genesys) = g.writes_of_config(&b.path, &["apply", "--yes"], 1);
    assert_eq!((aws, genesys), (0, 0), "{}", r.stderr);
    assert!(
        r.stderr.contains("\"TeamA lookup-order\"") && r.stderr.contains("unique"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&g, &a), before);
    assert!(!role_exists(&g, "TeamB"));
}
