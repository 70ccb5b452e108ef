//! The application floor (`src/app/`) through the binary: a bad snapshot's hint under
//! `--format json` and as people read it, and the live case where the flag and the config used
//! to disagree, against moto. Its workflows in memory are its unit tests (`src/app/tests.rs`).

use crate::support;

#[test]
fn a_bad_snapshot_under_json_has_its_hint() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"format_version": "1.2"}"#).unwrap();
    let path = bad.to_str().unwrap();
    let r = support::offline::run(&["audit", "--input", path, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    let hint = error["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("get-account-authorization-details"),
        "{error}"
    );
    assert!(
        !error["error"].as_str().unwrap().contains("hint"),
        "{error}"
    );
    // As people read it: the same text as before, the hint on its last line.
    let r = support::offline::run(&["audit", "--input", path]);
    assert!(
        r.stderr.trim_end().ends_with(&format!("(hint: {hint})")),
        "{}",
        r.stderr
    );
}

#[test]
fn live_the_flag_region_wins_over_the_configs_for_bare_function_names() {
    // The function exists only in eu-west-1; the config says us-east-1. Before the one rule,
    // bare names resolved in the config's region whatever --region said, and plan failed.
    use support::live::*;
    let env = Env::new();
    env.moto.lambda_create_function("only-in-eu", "eu-west-1");
    env.write_config(&config(&["only-in-eu"], ""));
    let r = env.expect(&["plan", "--region", "eu-west-1", "--format", "json"], 2);
    let want = format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:only-in-eu");
    assert!(r.stdout.contains(&want), "{}", r.stdout);
    // Without the flag the config's region decides: the function is not there.
    let r = env.expect(&["plan", "--format", "json"], 1);
    assert!(r.stderr.contains("only-in-eu"), "{}", r.stderr);
}
