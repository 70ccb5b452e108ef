//! Nothing written unasked: on a pseudo-terminal (util-linux `script`), `apply` asks even when
//! its stdout and stderr go to a pipe (`apply 2>&1 | tee apply.log`), only the line `yes`
//! writes (`y` alone writes nothing and does not leak `es` to the shell), and `onboard` asks too
//! unless `--yes`. Writes are counted at the proxy.

use crate::support::live::*;

#[test]
fn apply_piped_to_tee_asks_and_only_a_yes_line_writes() {
    let env = setup(&["lookup-order"]);
    let log = env.dir.path().join("apply.log");
    let shell = format!(
        "\"$LT\" apply --config \"$CONFIG\" 2>&1 | tee '{}'",
        log.display()
    );
    env.proxy.clear();
    let screen = env.on_a_terminal(&shell, "y\r").stdout;
    assert!(screen.contains("Only 'yes' will be accepted."), "{screen}");
    assert_eq!(
        env.proxy.count_writes(),
        0,
        "`y` alone writes nothing: {screen}"
    );
    assert!(!screen.contains("es: command not found"), "{screen}");

    env.proxy.clear();
    let screen = env.on_a_terminal(&shell, "yes\r").stdout;
    assert!(env.proxy.count_writes() > 0, "`yes` writes: {screen}");
    env.expect(&["plan"], 0);
}

#[test]
fn onboard_on_a_terminal_asks_and_writes_nothing_without_yes() {
    let env = setup(&["lookup-order"]);
    env.expect(&["apply", "--yes"], 0);
    env.moto
        .lambda_create_function("lookup-customer", "us-east-1");
    let before = std::fs::read_to_string(env.config_path()).unwrap();
    env.proxy.clear();
    let shell = "\"$LT\" onboard lookup-customer --config \"$CONFIG\"";
    let screen = env.on_a_terminal(shell, "no\r").stdout;
    assert!(screen.contains("Only 'yes' will be accepted."), "{screen}");
    assert_eq!(env.proxy.count_writes(), 0, "{screen}");
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);

    let shell = "\"$LT\" onboard lookup-customer --yes --config \"$CONFIG\"";
    env.on_a_terminal(shell, "");
    assert!(env.proxy.count_writes() > 0);
    assert_ne!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}
