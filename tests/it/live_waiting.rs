//! Waiting is visible and bounded: an endpoint that accepts connections and never answers
//! ends the run after `--timeout` (default 60 s), naming what it waited for and the flag —
//! not after every attempt's own timeout (8 × 30 s before). AWS and Genesys Cloud alike.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::live_genesys::setup_g;
use crate::support::live::*;

/// A port that accepts connections and never answers; kept open while the returned listener
/// (and the thread holding the accepted connections) lives.
fn silent_endpoint() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepting = listener.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in accepting.incoming().flatten() {
            held.push(conn);
        }
    });
    (listener, url)
}

#[test]
fn an_aws_endpoint_that_never_answers_ends_the_run_after_the_timeout() {
    let env = setup(&["lookup-order"]);
    let (_listener, url) = silent_endpoint();
    let started = Instant::now();
    let r = env.run_env(
        &[
            "plan",
            "--timeout",
            "4",
            "--config",
            env.config_path().to_str().unwrap(),
        ],
        &[("AWS_ENDPOINT_URL", url.as_str())],
    );
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        took < Duration::from_secs(20),
        "bounded by --timeout 4: {took:?}\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--timeout"),
        "names the flag: {}",
        r.stderr
    );
}

#[test]
fn a_genesys_cloud_that_never_answers_ends_the_run_after_the_timeout() {
    let g = setup_g(&["lookup-order"]);
    g.expect(&["apply", "--yes"], 0);
    let (_listener, url) = silent_endpoint();
    // Genesys Cloud (its login and API, one address here) never answers.
    let mut envs = g.fake.env();
    for (k, v) in envs.iter_mut() {
        if k == "GENESYSCLOUD_API_REGION" {
            *v = url.clone();
        }
    }
    let config = g.env.config_path();
    let mut args = vec!["check", "--timeout", "6", "--config"];
    args.push(config.to_str().unwrap());
    let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let started = Instant::now();
    let r = g.env.run_env(&args, &extra);
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        took < Duration::from_secs(20),
        "bounded by --timeout 6: {took:?}\n{}",
        r.stderr
    );
    assert!(r.stdout.contains("Genesys Cloud"), "{}", r.stdout);
    // Without a terminal, the retried call's wait is said on a line, with its attempt.
    assert!(
        r.stderr
            .contains("still waiting for Genesys Cloud: attempt 2 of 8"),
        "{}",
        r.stderr
    );
}

/// A Genesys Cloud that never answers is said on stderr within seconds, naming the call that
/// waits — sign-in here (its login and API are one address) — not only when the attempt times
/// out (a third of the default 60 s `--timeout`).
#[test]
fn a_genesys_cloud_that_never_answers_is_said_at_once_naming_the_call() {
    use std::io::BufRead;
    use std::process::Stdio;
    let g = setup_g(&["lookup-order"]);
    let (_listener, url) = silent_endpoint();
    let mut envs = g.fake.env();
    for (k, v) in envs.iter_mut() {
        if k == "GENESYSCLOUD_API_REGION" {
            *v = url.clone();
        }
    }
    let config = g.env.config_path();
    let mut child = g
        .env
        .command(env!("CARGO_BIN_EXE_lambda-trust"))
        .args(["check", "--config", config.to_str().unwrap()])
        .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lambda-trust");
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut seen = Vec::new();
    let said = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("Genesys Cloud") && line.contains("has had no answer") => {
                break Some(line)
            }
            Ok(line) => seen.push(line),
            Err(_) => break None,
        }
    };
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    let said = said.unwrap_or_else(|| panic!("no Genesys wait said within 15 s: {seen:?}"));
    assert!(said.contains("POST /oauth/token"), "{said}");
    assert!(said.contains("attempt 1 of 8"), "{said}");
}

/// The AWS SDK retries inside one call; each retry is told with its attempt number: an event
/// under `--progress json` (and its end), a line without a terminal.
#[test]
fn each_retry_the_aws_sdk_makes_is_told_with_its_attempt_number() {
    let env = setup(&["lookup-order"]);
    for _ in 0..2 {
        env.proxy
            .inject_error("GetRole", 503, "ServiceUnavailable", "injected");
    }
    let r = env.expect(&["plan", "--progress", "json"], 2);
    let waits: Vec<serde_json::Value> = (r.stderr.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "waiting" && e["service"] == "AWS")
        .collect();
    let attempts: Vec<u64> = waits.iter().filter_map(|w| w["attempt"].as_u64()).collect();
    assert_eq!(attempts, [1, 2], "{}", r.stderr);
    assert!(
        waits
            .iter()
            .all(|w| w["request"] == "iam:GetRole" && w["cause"] == "503"),
        "{waits:?}"
    );
    assert!(r.stderr.contains("\"event\":\"settled\""), "{}", r.stderr);
    // Without a terminal, as in CI: a line naming the attempt.
    for _ in 0..2 {
        env.proxy
            .inject_error("GetRole", 503, "ServiceUnavailable", "injected");
    }
    let r = env.expect(&["plan"], 2);
    assert!(
        r.stderr
            .contains("retrying iam:GetRole on AWS: attempt 2 of"),
        "{}",
        r.stderr
    );
}
