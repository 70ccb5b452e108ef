//! `verify --assume-profile`: the live probe assumes the role with a profile's credentials and
//! the external ID, then dry-run invokes each target. moto accepts any AssumeRole (it does not
//! evaluate trust policies), so this proves the probe's mechanics; the trust proof itself is the
//! offline evaluation tested elsewhere.

use crate::support;

use support::live::*;

/// Runs `verify --assume-profile genesys-test ARGS…` with a profile of static test credentials.
fn verify_with_probe(env: &Env, args: &[&str]) -> Run {
    let (config, creds) = probe_env(env);
    let cfg = env.config_path();
    let mut all = vec![
        "verify",
        "--assume-profile",
        "genesys-test",
        "--config",
        cfg.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    env.run_env(
        &all,
        &[
            ("AWS_CONFIG_FILE", &config),
            ("AWS_SHARED_CREDENTIALS_FILE", &creds),
        ],
    )
}

fn probe_env(env: &Env) -> (String, String) {
    let dir = env.dir.path();
    let config = dir.join("aws-config");
    let creds = dir.join("aws-credentials");
    std::fs::write(&config, "[profile genesys-test]\nregion = us-east-1\n").unwrap();
    std::fs::write(
        &creds,
        "[genesys-test]\naws_access_key_id = probe\naws_secret_access_key = probe\n",
    )
    .unwrap();
    (
        config.to_string_lossy().into_owned(),
        creds.to_string_lossy().into_owned(),
    )
}

#[test]
fn probe_assumes_the_role_and_dry_runs_every_target() {
    let env = setup(&["lookup-customer", "lookup-order"]);
    env.expect(&["apply", "--yes"], 0);
    let r = verify_with_probe(&env, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("PASS  live: assume the role with profile genesys-test"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("PASS  live: dry-run invoke arn:aws:lambda:us-east-1:123456789012:function:lookup-customer"), "{}", r.stdout);
    assert!(r.stdout.contains("PASS  live: dry-run invoke arn:aws:lambda:us-east-1:123456789012:function:lookup-order"), "{}", r.stdout);
    // Temporary credentials are never printed.
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        !all.contains("SessionToken") && !all.contains("FQoGZXIvYXdzE"),
        "{all}"
    );
    let assumed = env.proxy.calls_to("sts:AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert_eq!(assumed[0].param("ExternalId"), Some(EXT));
}

#[test]
fn probe_failure_is_reported_after_the_wait() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    // The function disappears behind our back: the dry run cannot succeed.
    env.moto.client().lambda(
        "us-east-1",
        "DELETE",
        "/2015-03-31/functions/lookup-customer",
        None,
    );
    let r = verify_with_probe(&env, &["--wait", "2"]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("FAIL  live: dry-run invoke"),
        "{}",
        r.stdout
    );
    // It retried with backoff rather than giving up at once.
    assert!(
        env.proxy.calls_to("lambda:Invoke").len() >= 2,
        "{:?}",
        env.proxy.summary()
    );
}
