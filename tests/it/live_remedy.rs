//! Every finding says who can fix it: what `apply` cannot repair (here a function policy open
//! to anyone, a statement lambda-trust did not write) carries the exact step outside
//! lambda-trust, and after `apply` reports in sync `check` never says to run `apply`.

use serde_json::json;

use crate::live_onboard::open_to_anyone;
use crate::support::live::*;

#[test]
fn a_function_open_to_anyone_names_the_step_outside_lambda_trust_not_apply() {
    let env = setup(&["lookup-customer"]);
    open_to_anyone(&env, "lookup-order");
    let mut text = config(&["lookup-customer", "lookup-order"], "");
    text.push('\n');
    env.write_config(&text);
    env.expect(&["apply", "--yes"], 0);
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        writes, 0,
        "apply is in sync: it cannot repair the function's policy"
    );

    let v = json_of(&env.expect(&["check", "--format", "json"], 2));
    let findings = check_findings(&v);
    let open = (findings.iter())
        .find(|f| {
            f["resource"]
                .as_str()
                .unwrap_or_default()
                .ends_with(":lookup-order")
        })
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(open["remedy"]["by"], json!("outside"), "{open:#}");
    let step = open["remedy"]["step"].as_str().unwrap();
    assert!(
        step.contains("aws lambda remove-permission --function-name lookup-order"),
        "{step}"
    );
    // Nothing here is apply's to repair: the human report never says to run it.
    let r = env.expect(&["check"], 2);
    assert!(
        !r.stdout.contains("run `lambda-trust apply"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("fix: outside lambda-trust:"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("need a step outside lambda-trust"),
        "{}",
        r.stdout
    );
}
