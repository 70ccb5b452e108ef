//! Nothing written unasked: on a pseudo-terminal (util-linux `script`), `apply` asks even when
//! its stdout and stderr go to a pipe (`apply 2>&1 | tee apply.log`), only the line `yes`
//! writes (`y` alone writes nothing and does not leak `es` to the shell), and `onboard` asks too
//! unless `--yes`. Writes are counted at the proxy.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::live::*;

/// Runs `shell` (the binary as `$LT`) on a pseudo-terminal, typing `typed` into it.
fn on_a_terminal(env: &Env, shell: &str, typed: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_lambda-trust");
    let config = env.config_path();
    let mut child = Command::new("script")
        .args(["-qfec", shell, "/dev/null"])
        .env("LT", bin)
        .env("CONFIG", &config)
        .env("AWS_ENDPOINT_URL", env.proxy.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    let mut stdin = child.stdin.take().unwrap();
    let typed = typed.to_string();
    let writer = std::thread::spawn(move || {
        // Typed once the question is up (reading AWS takes a moment).
        std::thread::sleep(std::time::Duration::from_secs(3));
        let _ = stdin.write_all(typed.as_bytes());
        std::thread::sleep(std::time::Duration::from_secs(4));
        drop(stdin);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn apply_piped_to_tee_asks_and_only_a_yes_line_writes() {
    let env = setup(&["lookup-order"]);
    let log = env.dir.path().join("apply.log");
    let shell = format!(
        "\"$LT\" apply --config \"$CONFIG\" 2>&1 | tee '{}'",
        log.display()
    );
    env.proxy.clear();
    let screen = on_a_terminal(&env, &shell, "y\r");
    assert!(screen.contains("only yes writes"), "{screen}");
    assert_eq!(
        env.proxy.count_writes(),
        0,
        "`y` alone writes nothing: {screen}"
    );
    assert!(!screen.contains("es: command not found"), "{screen}");

    env.proxy.clear();
    let screen = on_a_terminal(&env, &shell, "yes\r");
    assert!(env.proxy.count_writes() > 0, "`yes` writes: {screen}");
    env.expect(&["plan"], 0);
}

#[test]
fn onboard_on_a_terminal_asks_and_writes_nothing_without_yes() {
    let env = setup(&["lookup-order"]);
    env.expect(&["apply"], 0);
    env.moto
        .lambda_create_function("lookup-customer", "us-east-1");
    let before = std::fs::read_to_string(env.config_path()).unwrap();
    env.proxy.clear();
    let shell = "\"$LT\" onboard lookup-customer --config \"$CONFIG\"";
    let screen = on_a_terminal(&env, shell, "no\r");
    assert!(screen.contains("only yes writes"), "{screen}");
    assert_eq!(env.proxy.count_writes(), 0, "{screen}");
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);

    let shell = "\"$LT\" onboard lookup-customer --yes --config \"$CONFIG\"";
    on_a_terminal(&env, shell, "");
    assert!(env.proxy.count_writes() > 0);
    assert_ne!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}
