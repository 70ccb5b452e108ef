//! `onboard` / `offboard`: config edited in place (comments kept), converge, verify.

use crate::support;

use support::live::*;

const COMMENTED: &str = "# Production role for Genesys Cloud data actions.\n[trust]\npartner = \"genesys-cloud\"   # Genesys production\nexternal_id = \"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\"\n\n[role]\nname = \"GenesysLambdaInvoker\"\n\n[aws]\nregion = \"us-east-1\"\n\n# The first function we exposed.\n[[targets]]\nfunction = \"lookup-customer\"  # keep this comment\n";

fn commented_env() -> Env {
    let env = Env::new();
    env.moto
        .lambda_create_function("lookup-customer", "us-east-1");
    env.write_config(COMMENTED);
    env.expect(&["apply", "--yes"], 0);
    env
}

fn config_text(env: &Env) -> String {
    std::fs::read_to_string(env.config_path()).unwrap()
}

#[test]
fn onboard_adds_in_place_converges_and_verifies() {
    let env = commented_env();
    env.moto.lambda_create_function("lookup-order", "eu-west-1");
    let (r, writes) = env.writes_of(
        &["onboard", "--yes", "lookup-order", "--region", "eu-west-1"],
        0,
    );
    assert_eq!(writes, 1, "one new policy version: {}", r.stdout);
    assert!(r.stdout.contains("PASS"), "{}", r.stdout);
    let text = config_text(&env);
    assert!(
        text.starts_with(COMMENTED),
        "comments and layout kept:\n{text}"
    );
    assert!(
        text.ends_with("\n[[targets]]\nfunction = \"lookup-order\"\nregion = \"eu-west-1\"\n"),
        "{text}"
    );
    env.expect(&["plan"], 0);
    env.expect(&["verify"], 0);
}

#[test]
fn onboard_again_is_a_noop() {
    let env = commented_env();
    let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-customer");
    let (r, writes) = env.writes_of(&["onboard", "--yes", &arn], 0);
    assert_eq!(writes, 0);
    assert!(r.stdout.contains("already a target"), "{}", r.stdout);
    assert_eq!(config_text(&env), COMMENTED);
}

#[test]
fn onboard_dry_run_changes_nothing() {
    let env = commented_env();
    env.moto.lambda_create_function("lookup-order", "us-east-1");
    let (r, writes) = env.writes_of(&["onboard", "--yes", "lookup-order", "--dry-run"], 2);
    assert_eq!(writes, 0);
    assert!(
        r.stdout.contains("+function = \"lookup-order\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Dry run: nothing was changed."),
        "{}",
        r.stdout
    );
    assert_eq!(config_text(&env), COMMENTED);
}

#[test]
fn onboard_of_a_missing_function_writes_nothing() {
    let env = commented_env();
    let (r, writes) = env.writes_of(&["onboard", "--yes", "no-such-function"], 1);
    assert_eq!(writes, 0);
    assert!(r.stderr.contains("no-such-function"), "{}", r.stderr);
    assert_eq!(config_text(&env), COMMENTED, "config untouched");
}

#[test]
fn onboard_alias_and_all_aliases() {
    let env = commented_env();
    env.moto.lambda_create_function("lookup-order", "us-east-1");
    let v = env.moto.publish_version("lookup-order");
    env.moto.create_alias("lookup-order", "live", &v);
    let alias = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-order:live");
    env.expect(&["onboard", "--yes", &alias], 0);
    assert!(config_text(&env).contains(&format!("function = \"{alias}\"")));
    let r = env.expect(&["onboard", "--yes", "lookup-order", "--all-aliases"], 0);
    assert!(
        r.stderr
            .contains("--all-aliases grants every version and alias"),
        "{}",
        r.stderr
    );
    let doc = env.iam(
        "GetPolicyVersion",
        &[("PolicyArn", &policy_arn()), ("VersionId", "v3")],
    );
    assert!(doc.contains("function:lookup-order:*"), "{doc}");
    assert!(
        !doc.contains("function:lookup-order*"),
        "never a prefix wildcard: {doc}"
    );
}

#[test]
fn offboard_removes_and_last_target_deletes_the_policy() {
    let env = commented_env();
    env.moto.lambda_create_function("lookup-order", "us-east-1");
    env.expect(&["onboard", "--yes", "lookup-order"], 0);
    // A new default version, and the old one deleted: it still grants the offboarded
    // function (latent access, one SetDefaultPolicyVersion away).
    let (r, writes) = env.writes_of(&["offboard", "--yes", "lookup-order"], 0);
    assert_eq!(writes, 2, "{}", r.stdout);
    assert!(r.stdout.contains("latent access"), "{}", r.stdout);
    assert_eq!(config_text(&env), COMMENTED, "back to the original text");
    env.expect(&["plan"], 0);

    let r = env.expect(&["offboard", "--yes", "lookup-customer"], 0);
    assert!(r.stderr.contains("no targets remain"), "{}", r.stderr);
    assert!(!config_text(&env).contains("[[targets]]"));
    let resp = env
        .moto
        .try_iam_query("GetPolicy", &[("PolicyArn", &policy_arn())]);
    assert!(
        resp.text().contains("NoSuchEntity"),
        "policy deleted: {}",
        resp.text()
    );
    let role = env
        .moto
        .try_iam_query("GetRole", &[("RoleName", "GenesysLambdaInvoker")]);
    assert!(role.is_success(), "the role stays");
    env.expect(&["plan"], 0);
}

#[test]
fn offboard_of_an_unknown_function_says_what_the_targets_are() {
    let env = commented_env();
    let r = env.expect(&["offboard", "--yes", "not-a-target"], 1);
    assert!(
        r.stderr.contains("not a target") && r.stderr.contains("lookup-customer"),
        "{}",
        r.stderr
    );
}

/// A function whose own policy lets anyone invoke it: `verify` fails its path claim, and its
/// closing line counts that failure instead of "all checks passed".
pub(crate) fn open_to_anyone(env: &Env, name: &str) {
    let arn = env.moto.lambda_create_function(name, "us-east-1");
    let anyone = serde_json::json!({"StatementId": "anyone", "Action": "lambda:InvokeFunction",
        "Principal": "*"});
    assert_eq!(
        env.moto.client().add_permission(&arn, None, &anyone).status,
        201
    );
}

#[test]
fn onboard_fails_a_function_open_to_anyone_as_verify_does() {
    let env = commented_env();
    open_to_anyone(&env, "lookup-order");
    let r = env.expect(&["onboard", "--yes", "lookup-order"], 3);
    assert!(r.stdout.contains("FAIL"), "{}", r.stdout);
    let last = r.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("✗") && last.contains("path claims"),
        "the closing line counts the path claim: {}",
        r.stdout
    );
    let r = env.expect(&["verify"], 3);
    let last = r.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("✗") && last.contains("of") && !last.contains("all"),
        "{}",
        r.stdout
    );
}
