//! The CI and onboarding plumbing against a real moto server, through the counting proxy:
//! `check --sarif/--json` (one read of AWS, several outputs), the GitHub Action's script, and
//! `init --from-account` (paginated ListFunctions, `--match` globs).

use crate::support;

use std::path::Path;

use serde_json::json;
use support::live::*;
use support::FaultConfig;

/// Drift on purpose: the role's description changed outside lambda-trust.
fn drifted(env: &Env) {
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "UpdateRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("Description", "changed by hand"),
        ],
    );
}

#[test]
fn check_writes_sarif_and_json_files_from_one_read_of_aws() {
    let env = setup(&["lookup-customer"]);
    drifted(&env);
    let sarif_only = env.expect(&["check", "--format", "sarif"], 2).stdout;
    let json_only = env.expect(&["check", "--format", "json"], 2).stdout;
    env.proxy.clear();
    let plain = env.expect(&["check", "--format", "github"], 2);
    let calls_of_one_check = env.proxy.calls().len();

    let sarif = env.dir.path().join("out.sarif");
    let json = env.dir.path().join("out.json");
    env.proxy.clear();
    let both = env.expect(
        &[
            "check",
            "--format",
            "github",
            "--sarif",
            sarif.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
        2,
    );
    // stdout keeps --format; the files are what --format sarif/json print.
    assert_eq!(both.stdout, plain.stdout);
    assert!(
        both.stdout.contains("::warning") || both.stdout.contains("::error"),
        "{}",
        both.stdout
    );
    assert_eq!(std::fs::read_to_string(&sarif).unwrap(), sarif_only);
    assert_eq!(std::fs::read_to_string(&json).unwrap(), json_only);
    // AWS was read once: the same calls as one plain check, one GetRole, no writes.
    assert_eq!(
        env.proxy.calls().len(),
        calls_of_one_check,
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(env.proxy.count("GetRole"), 1, "{:?}", env.proxy.summary());
    assert_eq!(env.proxy.count_writes(), 0);
}

/// Runs scripts/action-check.sh like action.yml does, with a fake $GITHUB_OUTPUT.
pub(crate) fn run_action(env: &Env, inputs: &[(&str, &str)]) -> (i32, String, String, String) {
    let output = env.dir.path().join("github_output");
    std::fs::write(&output, "").unwrap();
    let out = std::process::Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/action-check.sh"
        ))
        .current_dir(env.dir.path())
        .env("INPUT_BINARY", env!("CARGO_BIN_EXE_lambda-trust"))
        .env("GITHUB_OUTPUT", &output)
        .env("AWS_ENDPOINT_URL", env.proxy.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env_remove("AWS_PROFILE")
        .env_remove("LAMBDA_TRUST_CONFIG")
        .env("NO_COLOR", "1")
        .envs(inputs.iter().copied())
        .output()
        .expect("run the action script");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(&output).unwrap(),
    )
}

fn output_of(outputs: &str, key: &str) -> String {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key} in {outputs}"))
        .to_string()
}

#[test]
fn the_action_script_sets_outputs_and_writes_sarif_from_one_check() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    // A second config in a subdirectory, matched by a quoted glob input.
    let configs = env.dir.path().join("configs");
    std::fs::create_dir(&configs).unwrap();
    std::fs::copy(env.config_path(), configs.join("prod.toml")).unwrap();
    let inputs = [("INPUT_CONFIGS", "lambda-trust.toml\nconfigs/*.toml")];

    env.proxy.clear();
    let (code, stdout, stderr, outputs) = run_action(&env, &inputs);
    assert_eq!(code, 0, "{stdout}\n{stderr}\n{outputs}");
    assert_eq!(output_of(&outputs, "in_sync"), "true");
    assert_eq!(output_of(&outputs, "findings"), "0");
    assert_eq!(output_of(&outputs, "exit-code"), "0");
    assert_eq!(output_of(&outputs, "sarif-file"), "lambda-trust.sarif");
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(env.dir.path().join("lambda-trust.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], json!("2.1.0"));
    // Two configs, each read once.
    assert_eq!(env.proxy.count("GetRole"), 2, "{:?}", env.proxy.summary());

    drifted(&env);
    env.proxy.clear();
    let (code, stdout, _, outputs) = run_action(&env, &inputs);
    assert_eq!(code, 2, "{stdout}\n{outputs}");
    assert_eq!(output_of(&outputs, "in_sync"), "false");
    let findings: usize = output_of(&outputs, "findings").parse().unwrap();
    assert_eq!(findings, 2, "one description finding per config: {outputs}");
    assert!(
        stdout.contains("::"),
        "github annotations on stdout: {stdout}"
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(env.dir.path().join("lambda-trust.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings
    );
    assert_eq!(env.proxy.count("GetRole"), 2, "{:?}", env.proxy.summary());

    // fail-on-drift false: the step passes, the outputs still tell.
    let (code, _, _, outputs) = run_action(&env, &[inputs[0], ("INPUT_FAIL_ON_DRIFT", "false")]);
    assert_eq!(code, 0);
    assert_eq!(output_of(&outputs, "in_sync"), "false");

    // An error (a config that does not parse) is exit 1, not drift.
    std::fs::write(configs.join("broken.toml"), "[trust\n").unwrap();
    let (code, _, _, outputs) = run_action(&env, &inputs);
    assert_eq!(code, 1, "{outputs}");
    assert_eq!(output_of(&outputs, "exit-code"), "1");
    assert_eq!(output_of(&outputs, "in_sync"), "false");
    assert_eq!(
        output_of(&outputs, "sarif-file"),
        "lambda-trust.sarif",
        "the report still covers the other configs"
    );

    // Stopped before any report (a glob that matches nothing): no SARIF to upload.
    let (code, _, stderr, outputs) =
        run_action(&env, &[("INPUT_CONFIGS", "configs/nowhere-*.toml")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no file matches configs/nowhere-*.toml"),
        "{stderr}"
    );
    assert_eq!(output_of(&outputs, "sarif-file"), "");
    assert!(!env.dir.path().join("lambda-trust.sarif").exists());
}

fn init_in(env: &Env, dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["init", "--external-id", EXT, "--region", "us-east-1"];
    all.extend(args);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lambda-trust"))
        .args(&all)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", env.proxy.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env_remove("LAMBDA_TRUST_CONFIG")
        .env("NO_COLOR", "1")
        .output()
        .expect("run init");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn init_from_account_pages_through_list_functions_and_prefills_by_glob() {
    let env = Env::new();
    let names = [
        "genesys-lookup-customer",
        "genesys-lookup-order",
        "billing-export",
        "genesys-lookup-invoice",
        "nightly-report",
    ];
    for n in names {
        env.moto.lambda_create_function(n, "us-east-1");
    }
    // AWS pages ListFunctions (50 a page); moto does not, so the proxy does, 2 a page.
    env.proxy.set_faults(FaultConfig {
        list_functions_page: Some(2),
        ..FaultConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    env.proxy.clear();
    let r = init_in(
        &env,
        dir.path(),
        &["--from-account", "--match", "genesys-*"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        env.proxy.count("ListFunctions"),
        3,
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(env.proxy.count_writes(), 0);
    assert!(
        r.stdout.contains("3 target(s), 2 more listed as comments"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(dir.path().join("lambda-trust.toml")).unwrap();
    let arn = |n: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{n}");
    for n in [
        "genesys-lookup-customer",
        "genesys-lookup-order",
        "genesys-lookup-invoice",
    ] {
        assert!(
            text.contains(&format!("\nfunction = \"{}\"", arn(n))),
            "{n}:\n{text}"
        );
    }
    for n in ["billing-export", "nightly-report"] {
        assert!(
            text.contains(&format!("# function = \"{}\"", arn(n))),
            "{n}:\n{text}"
        );
    }
    assert!(
        text.contains(&format!("\naccount_id = \"{ACCOUNT}\"")),
        "{text}"
    );

    // The file is a working config: lint offline, then apply and verify against the account.
    let cfg = dir.path().join("lambda-trust.toml");
    let cfg = cfg.to_str().unwrap();
    assert_eq!(env.run_raw(&["lint", "--config", cfg]).code, 0);
    env.proxy.clear_faults();
    let apply = env.run_raw(&["apply", "--yes", "--config", cfg]);
    assert_eq!(apply.code, 0, "{}\n{}", apply.stdout, apply.stderr);
    let verify = env.run_raw(&["verify", "--config", cfg]);
    assert_eq!(verify.code, 0, "{}\n{}", verify.stdout, verify.stderr);

    // A glob that matches nothing: exit 1, nothing written.
    let empty = tempfile::tempdir().unwrap();
    let r = init_in(
        &env,
        empty.path(),
        &["--from-account", "--match", "payroll-*"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no function in us-east-1 matches payroll-*"),
        "{}",
        r.stderr
    );
    assert!(!empty.path().join("lambda-trust.toml").exists());
}

#[test]
fn the_action_and_the_example_workflow_run_check_once() {
    let root = env!("CARGO_MANIFEST_DIR");
    let action = std::fs::read_to_string(format!("{root}/action.yml")).unwrap();
    assert!(action.contains("using: composite"), "{action}");
    assert!(action.contains("scripts/action-check.sh"), "{action}");
    for output in ["in_sync:", "findings:"] {
        assert!(action.contains(output), "{output} missing from action.yml");
    }
    assert!(action.contains("scripts/action-install.sh"), "{action}");
    assert!(action.contains("actions/cache@"));
    assert!(action.contains("upload-sarif@"));
    let workflow =
        std::fs::read_to_string(format!("{root}/examples/github-drift-check.yml")).unwrap();
    let runs_of_check = workflow
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains("lambda-trust check"))
        .count();
    assert_eq!(
        runs_of_check, 1,
        "one check run, several outputs:\n{workflow}"
    );
    assert!(workflow.contains("--sarif lambda-trust.sarif --json lambda-trust.json"));
}

/// `init ARGS` on a pseudo-terminal in `dir` against `env`'s AWS, typing `keys`: the screen.
fn init_on_a_pty(env: &Env, dir: &std::path::Path, args: &str, keys: &str) -> String {
    use std::io::Write;
    let bin = env!("CARGO_BIN_EXE_lambda-trust");
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &format!("'{bin}' init {args}"), "/dev/null"])
        .current_dir(dir)
        .env("COLUMNS", "80")
        .env("AWS_ENDPOINT_URL", env.proxy.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env_remove("LAMBDA_TRUST_CONFIG")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs init on a pseudo-terminal");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(keys.as_bytes()).unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(6));
        drop(stdin);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{screen}");
    screen
}

/// Without `--from-account`, `y` and Enter at "List them?" lists the account's functions to
/// tick (the Enter is the answer's, not the next prompt's): the ticked one is the target.
#[test]
fn init_on_a_terminal_lists_the_functions_on_y_enter() {
    let env = Env::new();
    env.moto
        .lambda_create_function("genesys-lookup-customer", "us-east-1");
    let dir = tempfile::tempdir().unwrap();
    let keys = format!("{EXT}\r\r\r\ry\r \r");
    let screen = init_on_a_pty(&env, dir.path(), "", &keys);
    assert!(
        screen.contains("wrote lambda-trust.toml (1 target(s)"),
        "{screen}"
    );
    assert_eq!(env.proxy.count("ListFunctions"), 1);
}

#[test]
fn init_on_a_terminal_offers_the_accounts_functions_as_a_checklist() {
    let env = Env::new();
    for n in [
        "billing-export",
        "genesys-lookup-customer",
        "genesys-lookup-order",
    ] {
        env.moto.lambda_create_function(n, "us-east-1");
    }
    let dir = tempfile::tempdir().unwrap();
    // The org ID; Enter for the role name, the region (us-east-1 from AWS_REGION) and no
    // Genesys region; in the checklist (sorted: billing-export first, the two genesys-* ticked
    // by --match) move down twice, untick genesys-lookup-order with Space, accept with Enter.
    let keys = format!("{EXT}\r\r\r\r\x1b[B\x1b[B \r");
    let screen = init_on_a_pty(
        &env,
        dir.path(),
        "--from-account --match 'genesys-*'",
        &keys,
    );
    // Every line of the dialogue fits 80 columns: the questions are short, what explains them
    // is wrapped at spaces.
    let rows = crate::support::terminal::replay(&screen);
    let wide: Vec<_> = (rows.iter())
        .filter(|l| console::measure_text_width(l.trim_end()) > 80)
        .collect();
    assert!(wide.is_empty(), "{wide:#?}\n{screen}");
    assert!(
        screen.contains("wrote lambda-trust.toml (1 target(s), 2 more listed as comments)"),
        "{screen}"
    );
    assert_eq!(env.proxy.count("ListFunctions"), 1);
    let text = std::fs::read_to_string(dir.path().join("lambda-trust.toml")).unwrap();
    let arn = |n: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{n}");
    assert!(
        text.contains(&format!(
            "\nfunction = \"{}\"",
            arn("genesys-lookup-customer")
        )),
        "{text}"
    );
    for n in ["billing-export", "genesys-lookup-order"] {
        assert!(
            text.contains(&format!("# function = \"{}\"", arn(n))),
            "{n}:\n{text}"
        );
    }
}

/// AWS config and credentials files of the test's own (never the developer's ~/.aws): the
/// environment to point the binary at them.
fn aws_files(env: &Env, config: &str, credentials: &str) -> Vec<(String, String)> {
    let (c, k) = (
        env.dir.path().join("aws-config"),
        env.dir.path().join("aws-credentials"),
    );
    std::fs::write(&c, config).unwrap();
    std::fs::write(&k, credentials).unwrap();
    vec![
        ("AWS_CONFIG_FILE".into(), c.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            k.display().to_string(),
        ),
    ]
}

fn run_with(env: &Env, args: &[&str], vars: &[(String, String)]) -> Run {
    let config = env.config_path();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--config", config.to_str().unwrap()]);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.run_env(&all, &vars)
}

/// `--profile` or `[aws].profile` naming a profile neither file defines: exit 1 before any
/// call, in the AWS CLI's words, with the profiles there are — although environment keys are
/// set (the AWS CLI lets an explicit profile win over them).
#[test]
fn an_unknown_profile_is_an_error_before_any_call() {
    let env = setup(&["lookup-customer"]);
    let files = aws_files(
        &env,
        "[profile staging]\nregion = us-east-1\n",
        "[dev]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    env.proxy.clear();
    let r = run_with(&env, &["plan", "--profile", "prod"], &files);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the config profile (prod) could not be found"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("defined: dev, staging"), "{}", r.stderr);
    assert!(
        r.stderr.contains("aws configure --profile prod"),
        "{}",
        r.stderr
    );
    assert!(env.proxy.calls().is_empty(), "{:?}", env.proxy.operations());

    let mut text = config(&["lookup-customer"], "");
    text = text.replace("[aws]\n", "[aws]\nprofile = \"prod\"\n");
    env.write_config(&text);
    let r = run_with(&env, &["check"], &files);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("the config profile (prod) could not be found"),
        "{said}"
    );
    assert!(env.proxy.calls().is_empty(), "{:?}", env.proxy.operations());
}

/// An explicit profile wins over environment keys: its `credential_process` is called (here it
/// fails, and that failure is the error), and nothing reaches AWS.
#[test]
fn an_explicit_profile_wins_over_environment_keys() {
    let env = setup(&["lookup-customer"]);
    let called = env.dir.path().join("credential-process-called");
    let files = aws_files(
        &env,
        &format!(
            "[profile broken]\nregion = us-east-1\ncredential_process = sh -c \"touch '{}'; echo token expired >&2; exit 3\"\n",
            called.display()
        ),
        "",
    );
    env.proxy.clear();
    let r = run_with(&env, &["plan", "--profile", "broken"], &files);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        called.exists(),
        "credential_process was not called:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("Stderr: token expired"), "{}", r.stderr);
    assert!(r.stderr.contains("credential_process"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("no AWS credentials were found"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("in sync"), "{}", r.stderr);
    assert!(
        env.proxy.calls().iter().all(|c| !c.forwarded),
        "{:?}",
        env.proxy.operations()
    );
}

/// `-v` says which credentials the run used: a profile's keys over the environment's, or the
/// environment's when no profile is named.
#[test]
fn verbose_says_which_credentials_were_used() {
    let env = setup(&["lookup-customer"]);
    env.iam("CreateUser", &[("UserName", "jane")]);
    let xml = env.iam("CreateAccessKey", &[("UserName", "jane")]);
    let key = support::http::xml_first(&xml, "AccessKeyId").unwrap();
    let secret = support::http::xml_first(&xml, "SecretAccessKey").unwrap();
    let files = aws_files(
        &env,
        "[profile jane]\nregion = us-east-1\n",
        &format!("[jane]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    );
    let r = run_with(&env, &["plan", "-v", "--profile", "jane"], &files);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "caller arn:aws:iam::{ACCOUNT}:user/jane, credentials: profile jane (--profile or [aws].profile)"
        )),
        "{}",
        r.stderr
    );
    let r = run_with(&env, &["plan", "-v"], &files);
    assert!(
        r.stderr
            .contains("credentials: environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"),
        "{}",
        r.stderr
    );
}

/// `--progress json`: every stderr line of a run is one event of docs/schemas/event.schema.json
/// (reads, the writes with their place, notes), and stdout keeps the result.
#[test]
fn progress_json_tells_every_event_as_one_schema_line_on_stderr() {
    let env = setup(&["lookup-customer"]);
    let run = env.expect(&["apply", "--yes", "-v", "--progress", "json"], 0);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/schemas/event.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut kinds = Vec::new();
    for line in run.stderr.lines() {
        let doc: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}\n{}", run.stderr));
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
        kinds.push(doc["event"].as_str().unwrap().to_string());
    }
    for kind in ["read-timed", "write-started"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let first_write = run
        .stderr
        .lines()
        .find(|l| l.contains("\"write-started\""))
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(first_write).unwrap();
    assert_eq!(
        (first["side"].as_str(), first["number"].as_u64()),
        (Some("aws"), Some(1))
    );
    // The schema refuses what is not an event.
    assert!(!validator.is_valid(&json!({"schema_version": 1, "event": "surprise"})));
    // A failed run's error is a JSON line too (error.schema.json's object).
    let failed = env.run(&["plan", "--progress", "json", "--config", "missing.toml"]);
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    let last: serde_json::Value =
        serde_json::from_str(failed.stderr.lines().last().unwrap()).unwrap();
    assert!(
        last["error"].is_string() && last["exit_code"] == 1,
        "{last}"
    );
    // Without the flag, the same run says lines for people.
    let env = setup(&["lookup-customer"]);
    let plain = env.expect(&["apply", "--yes"], 0);
    assert!(plain.stderr.contains("[1/"), "{}", plain.stderr);
    assert!(!plain.stderr.contains("\"event\""), "{}", plain.stderr);
}

/// On a terminal, a line said while a spinner is drawn (here the notice of a call that hangs)
/// starts a row of its own, and the spinner is drawn again below it: no spinner text is left
/// glued before the line. Every call answers after 7 s, the first is said to hang at 5 s, and
/// the run is stopped at 6.5 s; the bytes the terminal got are replayed on a screen of rows.
#[test]
fn a_line_said_under_a_spinner_leaves_no_spinner_behind() {
    let env = setup(&["lookup-customer"]);
    env.proxy.set_faults(FaultConfig {
        latency: std::time::Duration::from_secs(7),
        ..FaultConfig::default()
    });
    let r = env.on_a_terminal(
        "COLUMNS=200 timeout 6.5 \"$LT\" plan --config \"$CONFIG\"",
        "",
    );
    env.proxy.clear_faults();
    let screen = support::terminal::replay(&r.stdout);
    let row = (screen.iter())
        .find(|r| r.contains("has had no answer for"))
        .unwrap_or_else(|| panic!("the notice is on the screen: {screen:#?}"));
    assert!(
        row.starts_with("still waiting for"),
        "the notice's row: {row:?}\n{screen:#?}"
    );
}
