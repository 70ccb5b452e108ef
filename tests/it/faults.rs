//! Fault tolerance of the live commands: the real binary against a real moto server through the
//! fault-injecting proxy (`tests/it/support/proxy.rs`).
//!
//! What is proved, each against direct IAM reads of the end state (no orphaned policies, at most
//! 5 versions with one default, exactly our policy attached, nothing inline) plus `plan` (exit 0)
//! and `verify` (exit 0):
//! - throttling and HTTP 500s are retried within a bounded number of attempts;
//! - AWS's URL-encoded policy documents are read correctly;
//! - a run cut off after *every* possible number of calls, then a clean apply, converges;
//! - `kill -9` at seeded random points, then apply, converges;
//! - two concurrent applies: one may lose, but with a clear message, and a third converges;
//! - AWS-only errors (LimitExceeded, DeleteConflict) fail with a message naming the operation
//!   and leave nothing a clean apply cannot converge;
//! - lost responses to writes (the SDK retries them) are confirmed by a re-read: the run succeeds.
//!
//! Randomness is seeded; loops are bounded. Each test prints what it measured (run with
//! `--nocapture` to see it).

use crate::support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::http::xml_all;
use support::{FaultConfig, Harness, Injection, RunOutput};

const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ACCOUNT: &str = "123456789012";
const ROLE: &str = "GenesysLambdaInvoker";
const POLICY: &str = "GenesysLambdaInvoker-invoke";
const FOREIGN: &str = "someone-elses-policy";
const FN_A: &str = "lookup-customer";
const FN_B: &str = "lookup-order";

fn policy_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{POLICY}")
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

fn config(targets: &[&str]) -> String {
    let mut s = format!(
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n\n\
         [role]\nname = \"{ROLE}\"\ntags = {{ team = \"cx\" }}\n\n[aws]\nregion = \"us-east-1\"\n"
    );
    for t in targets {
        s.push_str(&format!("\n[[targets]]\nfunction = \"{t}\"\n"));
    }
    s
}

fn invoke_doc(functions: &[&str]) -> String {
    let arns: Vec<String> = functions.iter().map(|f| function_arn(f)).collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": arns}]})
    .to_string()
}

/// moto + proxy + a config file.
struct Env {
    h: Harness,
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            h: Harness::start(),
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("lambda-trust.toml")
    }

    fn write_config(&self, targets: &[&str]) {
        std::fs::write(self.config_path(), config(targets)).expect("write config");
    }

    /// Wipes moto, re-creates the target functions, writes the config for `targets`, clears the
    /// proxy's faults and recorded calls.
    fn fresh(&self, targets: &[&str]) {
        self.h.proxy.clear_faults();
        self.h.moto.reset();
        for f in [FN_A, FN_B] {
            self.h.moto.lambda_create_function(f, "us-east-1");
        }
        self.write_config(targets);
        self.h.proxy.clear();
    }

    fn run(&self, args: &[&str]) -> RunOutput {
        self.h
            .cmd()
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .timeout(Duration::from_secs(60))
            .run()
    }

    #[track_caller]
    fn expect(&self, args: &[&str], code: i32) -> RunOutput {
        let out = self.run(args);
        out.assert_code(code);
        out
    }

    /// The binary, spawned with the same hermetic environment as `support::LambdaTrust`, for
    /// tests that must kill it or run it concurrently.
    fn spawn(&self, args: &[&str]) -> Child {
        let mut cmd = Command::new(support::bin_path());
        cmd.arg("--config").arg(self.config_path()).args(args);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(&k);
            }
        }
        let nowhere = std::env::temp_dir().join("lambda-trust-tests-nonexistent");
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", self.h.endpoint())
            .env("AWS_CONFIG_FILE", nowhere.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd.spawn().expect("spawn lambda-trust")
    }

    fn iam(&self, action: &str, params: &[(&str, &str)]) -> String {
        self.h.moto.iam_query(action, params)
    }

    /// Seeds drift directly in moto (not through the proxy): 4 extra non-default versions of our
    /// policy (so it is at the 5-version limit), a foreign managed policy attached to the role,
    /// an inline policy and an extra tag. Requires a converged setup for `[FN_A]`.
    fn seed_drift(&self) {
        for _ in 0..4 {
            self.iam(
                "CreatePolicyVersion",
                &[
                    ("PolicyArn", &policy_arn()),
                    ("PolicyDocument", &invoke_doc(&[FN_A])),
                    ("SetAsDefault", "false"),
                ],
            );
        }
        let xml = self.iam(
            "CreatePolicy",
            &[
                ("PolicyName", FOREIGN),
                ("PolicyDocument", &invoke_doc(&[FN_B])),
            ],
        );
        let foreign = xml_all(&xml, "Arn").remove(0);
        self.iam(
            "AttachRolePolicy",
            &[("RoleName", ROLE), ("PolicyArn", &foreign)],
        );
        self.iam(
            "PutRolePolicy",
            &[
                ("RoleName", ROLE),
                ("PolicyName", "stray-inline"),
                ("PolicyDocument", &invoke_doc(&[FN_B])),
            ],
        );
        self.iam(
            "TagRole",
            &[
                ("RoleName", ROLE),
                ("Tags.member.1.Key", "owner"),
                ("Tags.member.1.Value", "someone"),
            ],
        );
    }

    /// The desired end state, read directly from moto: `plan` exits 0, `verify` exits 0, the
    /// only customer-managed policies are ours (plus `extra_local`), our policy has 1–5 versions
    /// with exactly one default, exactly our policy is attached, no inline policies, one role.
    #[track_caller]
    fn assert_converged(&self, extra_local: &[&str], ctx: &str) {
        let plan = self.run(&["plan"]);
        assert_eq!(plan.code, Some(0), "{ctx}: plan after apply\n{plan}");
        let verify = self.run(&["verify"]);
        assert_eq!(verify.code, Some(0), "{ctx}: verify after apply\n{verify}");

        let mut local = xml_all(
            &self.iam("ListPolicies", &[("Scope", "Local")]),
            "PolicyName",
        );
        local.sort();
        let mut want: Vec<String> = extra_local.iter().map(|s| s.to_string()).collect();
        want.push(POLICY.to_string());
        want.sort();
        assert_eq!(local, want, "{ctx}: orphaned or missing managed policies");

        let versions = self.iam("ListPolicyVersions", &[("PolicyArn", &policy_arn())]);
        let ids = xml_all(&versions, "VersionId");
        let defaults = xml_all(&versions, "IsDefaultVersion")
            .iter()
            .filter(|d| d.as_str() == "true")
            .count();
        assert!(
            (1..=5).contains(&ids.len()) && defaults == 1,
            "{ctx}: policy versions {ids:?} ({defaults} default)"
        );

        let attached = xml_all(
            &self.iam("ListAttachedRolePolicies", &[("RoleName", ROLE)]),
            "PolicyArn",
        );
        assert_eq!(
            attached,
            vec![policy_arn()],
            "{ctx}: attachments of the role"
        );
        let inline = xml_all(
            &self.iam("ListRolePolicies", &[("RoleName", ROLE)]),
            "member",
        );
        assert!(inline.is_empty(), "{ctx}: inline policies left: {inline:?}");
        let roles = xml_all(&self.iam("ListRoles", &[]), "RoleName");
        assert_eq!(
            roles.iter().filter(|r| r.as_str() == ROLE).count(),
            1,
            "{ctx}: roles {roles:?}"
        );
    }

    /// Calls the proxy has seen since the last clear.
    fn calls(&self) -> usize {
        self.h.proxy.calls().len()
    }
}

// ------------------------------------------------------------------ throttling and 500s

/// With 30 % throttling and 5 % HTTP 500s (seeded), apply and then plan succeed, and the SDK's
/// retries stay within 4× the fault-free number of calls.
#[test]
fn throttling_and_server_errors_converge_with_bounded_attempts() {
    let env = Env::new();
    let targets = [FN_A, FN_B];

    env.fresh(&targets);
    env.expect(&["apply", "--yes"], 0);
    let clean_apply = env.calls();
    env.h.proxy.clear();
    env.expect(&["plan"], 0);
    let clean_plan = env.calls();

    for seed in [7u64, 1234, 99_991] {
        env.fresh(&targets);
        let faults = FaultConfig {
            throttle_rate: 0.30,
            error500_rate: 0.05,
            seed,
            ..Default::default()
        };
        env.h.proxy.set_faults(faults.clone());
        let apply = env.run(&["apply", "--yes"]);
        let apply_calls = env.calls();
        let apply_faults = env
            .h
            .proxy
            .calls()
            .iter()
            .filter(|c| c.fault.is_some())
            .count();
        assert_eq!(
            apply.code,
            Some(0),
            "seed {seed}: apply under faults\n{apply}\ncalls: {:#?}",
            env.h.proxy.summary()
        );

        env.h.proxy.clear();
        env.h.proxy.set_faults(FaultConfig {
            seed: seed + 1,
            ..faults
        });
        let plan = env.run(&["plan"]);
        let plan_calls = env.calls();
        assert_eq!(plan.code, Some(0), "seed {seed}: plan under faults\n{plan}");

        println!(
            "seed {seed}: apply {apply_calls} calls ({apply_faults} faulted) vs {clean_apply} \
             fault-free; plan {plan_calls} vs {clean_plan}"
        );
        assert!(
            apply_calls <= 4 * clean_apply,
            "seed {seed}: apply made {apply_calls} calls, more than 4× the fault-free \
             {clean_apply}"
        );
        assert!(
            plan_calls <= 4 * clean_plan,
            "seed {seed}: plan made {plan_calls} calls, more than 4× the fault-free {clean_plan}"
        );
        env.h.proxy.clear_faults();
        env.assert_converged(&[], &format!("seed {seed}"));
    }
}

/// When retries run out, the failure names the operation and says what to do.
#[test]
fn persistent_throttling_fails_clearly_after_max_attempts() {
    let env = Env::new();
    env.fresh(&[FN_A]);
    env.h
        .proxy
        .inject(Injection::new("iam:CreateRole", 400, "Throttling", "Rate exceeded").always());
    let out = env.run(&["apply", "--yes", "--max-attempts", "3"]);
    out.assert_code(1);
    assert_eq!(env.h.proxy.count("iam:CreateRole"), 3, "{out}");
    assert!(
        out.stderr.contains("iam:CreateRole") && out.stderr.contains("--max-attempts"),
        "{out}"
    );
    assert_eq!(
        env.h.proxy.writes().iter().filter(|c| c.forwarded).count(),
        0
    );
    env.h.proxy.clear_faults();
    env.expect(&["apply", "--yes"], 0);
    env.assert_converged(&[], "after throttled-out apply");
}

// ------------------------------------------------------------------ URL-encoded documents

/// AWS URL-encodes GetRole/GetRolePolicy/GetPolicyVersion documents; moto leaves
/// GetPolicyVersion raw. With every document encoded, create, update and repair still converge.
#[test]
fn url_encoded_documents_converge() {
    let env = Env::new();
    env.fresh(&[FN_A]);
    env.h.proxy.set_faults(FaultConfig {
        url_encode_documents: true,
        ..Default::default()
    });
    env.expect(&["apply", "--yes"], 0);
    env.expect(&["plan"], 0);
    env.expect(&["verify"], 0);

    // A new policy version, a foreign policy, an inline policy: all read back encoded.
    env.seed_drift();
    env.write_config(&[FN_A, FN_B]);
    env.expect(&["plan"], 2);
    env.expect(&["apply", "--yes"], 0);
    env.h.proxy.clear();
    env.expect(&["plan"], 0);
    assert!(
        env.h.proxy.count("iam:GetPolicyVersion") >= 1,
        "{:?}",
        env.h.proxy.summary()
    );
    env.expect(&["verify"], 0);
    env.h.proxy.clear_faults();
    env.assert_converged(&[FOREIGN], "url-encoded");
}

// ------------------------------------------------------------------ cut-off at every call

/// A first apply cut off after k calls (every k from 1 to the length of a full first apply),
/// then a clean apply, always ends in exactly the desired state.
#[test]
fn cut_off_after_every_call_then_apply_converges() {
    let env = Env::new();
    let targets = [FN_A, FN_B];
    env.fresh(&targets);
    env.expect(&["apply", "--yes"], 0);
    let full = env.calls();
    let full_writes = env.h.proxy.count_writes();
    println!(
        "a full first apply makes {full} calls ({full_writes} writes): {:?}",
        env.h.proxy.operations()
    );
    assert!((8..=20).contains(&full), "unexpected call count {full}");

    let mut summary = Vec::new();
    for k in 1..=full {
        env.fresh(&targets);
        env.h.proxy.set_faults(FaultConfig {
            cut_after: Some(k),
            ..Default::default()
        });
        // Two attempts: the SDK retries a dropped connection once, quickly; more attempts only
        // add backoff (every later request is dropped too).
        let cut = env.run(&["apply", "--yes", "--max-attempts", "2"]);
        let landed = env.h.proxy.writes().iter().filter(|c| c.forwarded).count();
        match cut.code {
            Some(0) => assert!(k >= full, "k={k}: cut-off apply claimed success\n{cut}"),
            Some(1) => assert!(
                cut.stderr.contains("failed") && cut.stderr.contains("hint"),
                "k={k}: unclear failure\n{cut}"
            ),
            other => panic!("k={k}: exit {other:?}\n{cut}"),
        }
        env.h.proxy.clear_faults();
        let again = env.run(&["apply", "--yes"]);
        assert_eq!(again.code, Some(0), "k={k}: clean apply after cut\n{again}");
        env.assert_converged(&[], &format!("cut after {k}"));
        summary.push(format!(
            "k={k}: exit {:?}, {landed} write(s) landed",
            cut.code
        ));
    }
    println!("{}", summary.join("\n"));
}

// ------------------------------------------------------------------ kill -9

/// Scenario for the kill trials.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scenario {
    /// Nothing exists: CreateRole, CreatePolicy, AttachRolePolicy.
    Create,
    /// Converged for [FN_A], then drift seeded and FN_B added: detach, delete inline, untag,
    /// prune a version, create a version (5 writes).
    Repair,
}

impl Scenario {
    fn prepare(self, env: &Env) {
        match self {
            Scenario::Create => env.fresh(&[FN_A, FN_B]),
            Scenario::Repair => {
                env.fresh(&[FN_A]);
                env.expect(&["apply", "--yes"], 0);
                env.seed_drift();
                env.write_config(&[FN_A, FN_B]);
                env.h.proxy.clear();
            }
        }
    }
    fn extra_local(self) -> &'static [&'static str] {
        match self {
            Scenario::Create => &[],
            Scenario::Repair => &[FOREIGN],
        }
    }
}

/// Forwarded write calls so far.
fn landed_writes(env: &Env) -> usize {
    env.h.proxy.writes().iter().filter(|c| c.forwarded).count()
}

/// SIGKILL at every write of apply, chosen through the proxy (held there, then the process
/// killed): before the write reaches AWS, and after it landed with its answer lost. Each is
/// followed by a clean apply, which always ends in the desired state.
#[test]
fn kill_9_during_apply_then_apply_converges() {
    let env = Env::new();
    let mut log = Vec::new();
    let mut kills = 0;
    for scenario in [Scenario::Create, Scenario::Repair] {
        scenario.prepare(&env);
        env.h.proxy.clear();
        env.expect(&["apply", "--yes"], 0);
        let writes = landed_writes(&env);
        assert!(writes >= 3, "{scenario:?}: {writes} writes");
        for at in 0..writes {
            for forwards in [false, true] {
                scenario.prepare(&env);
                env.h.proxy.clear();
                env.h.proxy.set_faults(FaultConfig {
                    hold_writes_from: Some(at),
                    hold_forwards_first: forwards,
                    ..Default::default()
                });
                let mut child = env.spawn(&["apply", "--yes"]);
                let held = wait_for_held_write(&env, &mut child);
                assert!(held, "{scenario:?}: apply ended before write {at}");
                child.kill().expect("SIGKILL");
                child.wait().expect("wait");
                kills += 1;
                settle(&env);
                // The held write landed only when it was forwarded first; none after it did.
                let landed = landed_writes(&env);
                assert_eq!(landed, at + usize::from(forwards), "{scenario:?} at {at}");
                log.push(format!(
                    "{scenario:?}: killed at write {at} ({}), {landed}/{writes} landed",
                    if forwards { "answer lost" } else { "not sent" }
                ));
                env.h.proxy.clear_faults();
                let again = env.run(&["apply", "--yes"]);
                assert_eq!(
                    again.code,
                    Some(0),
                    "{scenario:?} at {at}\n{again}\n{}",
                    log.join("\n")
                );
                env.assert_converged(
                    scenario.extra_local(),
                    &format!("{scenario:?}, killed at write {at}"),
                );
            }
        }
    }
    println!("{}\n{kills} kills", log.join("\n"));
}

/// Waits until every write the proxy did not hold has its answer (those sent before the kill
/// still reach moto, as they would reach AWS).
fn settle(env: &Env) {
    use crate::support::proxy::Fault;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let writes = env.h.proxy.writes();
        if (writes.iter()).all(|c| c.fault == Some(Fault::Held) || c.status.is_some()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until the proxy holds a write of `child`'s: `false` when it exits first.
fn wait_for_held_write(env: &Env, child: &mut Child) -> bool {
    use crate::support::proxy::Fault;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if env
            .h
            .proxy
            .writes()
            .iter()
            .any(|c| c.fault == Some(Fault::Held))
        {
            return true;
        }
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

// ------------------------------------------------------------------ concurrent applies

/// Two applies of the same config at once: at least one succeeds; a loser fails with a clear
/// message (never a silent success with a broken state); a third apply converges.
#[test]
fn two_concurrent_applies() {
    let env = Env::new();
    let mut losers = Vec::new();
    for (round, scenario) in [
        Scenario::Create,
        Scenario::Create,
        Scenario::Repair,
        Scenario::Create,
        Scenario::Repair,
    ]
    .into_iter()
    .enumerate()
    {
        scenario.prepare(&env);
        env.h.proxy.set_faults(FaultConfig {
            latency: Duration::from_millis(5 * round as u64),
            ..Default::default()
        });
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| env.run(&["apply", "--yes"]));
            let b = s.spawn(|| env.run(&["apply", "--yes"]));
            (a.join().unwrap(), b.join().unwrap())
        });
        env.h.proxy.clear_faults();
        assert!(
            a.success() || b.success(),
            "round {round}: both concurrent applies failed\n{a}\n{b}"
        );
        for r in [&a, &b] {
            match r.code {
                Some(0) => {}
                Some(1) => {
                    assert!(
                        r.stderr.contains("another lambda-trust run"),
                        "round {round}: the losing apply does not say what happened\n{r}"
                    );
                    losers.push(format!(
                        "round {round} ({scenario:?}):\n{}",
                        r.stderr.trim()
                    ));
                }
                other => panic!("round {round}: exit {other:?}\n{r}"),
            }
        }
        env.expect(&["apply", "--yes"], 0);
        env.assert_converged(scenario.extra_local(), &format!("concurrent round {round}"));
    }
    println!("losing runs:\n{}", losers.join("\n---\n"));
}

// ------------------------------------------------------------------ AWS-only errors

/// Asserts a failed run: exit 1, one `error:` naming `operation` and `code`, with a hint.
#[track_caller]
fn assert_clear_failure(out: &RunOutput, operation: &str, code: &str) {
    out.assert_code(1);
    assert_eq!(out.stderr.matches("error:").count(), 1, "{out}");
    assert!(
        out.stderr.contains(operation) && out.stderr.contains(code),
        "the message must name {operation} and {code}\n{out}"
    );
    assert!(out.stderr.contains("hint:"), "no hint\n{out}");
    assert_eq!(
        out.stderr.matches(&format!("{operation} failed")).count(),
        1,
        "the failure is repeated\n{out}"
    );
}

/// AWS refuses a 6th policy version (moto may not); the message names the operation, nothing is
/// corrupted, a clean apply converges.
#[test]
fn limit_exceeded_on_create_policy_version() {
    let env = Env::new();
    env.fresh(&[FN_A]);
    env.expect(&["apply", "--yes"], 0);
    env.write_config(&[FN_A, FN_B]);
    env.h.proxy.inject(Injection::new(
        "iam:CreatePolicyVersion",
        409,
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
    ));
    let out = env.run(&["apply", "--yes"]);
    assert_clear_failure(&out, "iam:CreatePolicyVersion", "LimitExceeded");
    assert!(out.stderr.contains("5 versions"), "{out}");
    env.h.proxy.clear_faults();
    env.expect(&["plan"], 2);
    env.expect(&["apply", "--yes"], 0);
    env.assert_converged(&[], "after LimitExceeded on CreatePolicyVersion");
}

/// AWS refuses an 11th managed policy on a role (moto does not): the first apply has created
/// the role and the policy but cannot attach; the message says why; a clean apply converges.
#[test]
fn limit_exceeded_on_attach_role_policy() {
    let env = Env::new();
    env.fresh(&[FN_A, FN_B]);
    env.h.proxy.inject(Injection::new(
        "iam:AttachRolePolicy",
        409,
        "LimitExceeded",
        "Cannot exceed quota for PoliciesPerRole: 10",
    ));
    let out = env.run(&["apply", "--yes"]);
    assert_clear_failure(&out, "iam:AttachRolePolicy", "LimitExceeded");
    assert!(out.stderr.contains("2 of 3 changes were applied"), "{out}");
    env.h.proxy.clear_faults();
    let plan = env.expect(&["plan"], 2);
    assert!(plan.stdout.contains("attachment"), "{plan}");
    env.expect(&["apply", "--yes"], 0);
    env.assert_converged(&[], "after LimitExceeded on AttachRolePolicy");
}

/// DeleteConflict (AWS: deleting a policy that is still attached or has versions, deleting the
/// default version): during an apply that prunes a version, and during destroy.
#[test]
fn delete_conflict_fails_clearly_and_apply_converges() {
    let env = Env::new();

    // Apply at the version limit must prune the oldest non-default version first.
    Scenario::Repair.prepare(&env);
    env.h.proxy.inject(Injection::new(
        "iam:DeletePolicyVersion",
        409,
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
    ));
    let out = env.run(&["apply", "--yes"]);
    assert_clear_failure(&out, "iam:DeletePolicyVersion", "DeleteConflict");
    assert!(
        out.stderr
            .contains("changes were applied before the failure"),
        "{out}"
    );
    env.h.proxy.clear_faults();
    env.expect(&["apply", "--yes"], 0);
    env.assert_converged(&[FOREIGN], "after DeleteConflict on DeletePolicyVersion");

    // destroy: DeletePolicy and DeleteRole conflicts; each time a clean apply converges again.
    for (op, message) in [
        (
            "iam:DeletePolicy",
            "Cannot delete a policy attached to entities.",
        ),
        (
            "iam:DeleteRole",
            "Cannot delete entity, must detach all policies first.",
        ),
    ] {
        env.h.proxy.clear();
        env.h
            .proxy
            .inject(Injection::new(op, 409, "DeleteConflict", message));
        let out = env.run(&["destroy", "--yes"]);
        assert_clear_failure(&out, op, "DeleteConflict");
        env.h.proxy.clear_faults();
        env.expect(&["apply", "--yes"], 0);
        env.assert_converged(&[FOREIGN], &format!("after DeleteConflict on {op}"));
    }
}

/// A write whose response is lost (forwarded, then the connection reset) is retried by the SDK:
/// a create then meets EntityAlreadyExists, a delete NoSuchEntity, a new policy version is
/// published twice. Apply re-reads the resource and goes on, so the run succeeds; the next
/// apply converges (never more than 5 versions, no duplicates). One lost answer per operation
/// is tested in `tests/it/faults_lost_write.rs`.
#[test]
fn lost_responses_to_writes_then_apply_converges() {
    let env = Env::new();
    let mut outcomes = Vec::new();
    for seed in 1..=6u64 {
        let scenario = if seed % 2 == 1 {
            Scenario::Create
        } else {
            Scenario::Repair
        };
        scenario.prepare(&env);
        env.h.proxy.set_faults(FaultConfig {
            reset_rate: 0.5,
            only: [
                "CreateRole",
                "CreatePolicy",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "DeleteRolePolicy",
                "UntagRole",
                "DeletePolicyVersion",
                "CreatePolicyVersion",
            ]
            .map(|op| format!("iam:{op}"))
            .to_vec(),
            seed,
            ..Default::default()
        });
        let first = env.run(&["apply", "--yes"]);
        let resets = env
            .h
            .proxy
            .calls()
            .iter()
            .filter(|c| c.fault.is_some())
            .count();
        assert_eq!(
            first.code,
            Some(0),
            "seed {seed}: apply with {resets} lost answer(s)\n{first}"
        );
        outcomes.push(format!(
            "seed {seed} ({scenario:?}): {resets} lost response(s), exit {:?}: {}",
            first.code,
            first
                .stderr
                .lines()
                .find(|l| l.contains("error:"))
                .unwrap_or("-")
        ));
        env.h.proxy.clear_faults();
        env.expect(&["apply", "--yes"], 0);
        env.assert_converged(scenario.extra_local(), &format!("reset seed {seed}"));
    }
    println!("{}", outcomes.join("\n"));
}

// ------------------------------------------------------------------ waiting on Genesys Cloud

/// moto (with one function) and a config with `[genesys]`; the Genesys environment is the
/// caller's (a fake's, or one pointing nowhere).
fn genesys_env() -> support::live::Env {
    let env = support::live::setup(&[FN_A]);
    let mut text = support::live::config(&[FN_A], "");
    text.push_str(
        "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n",
    );
    env.write_config(&text);
    env
}

fn run_genesys(
    env: &support::live::Env,
    args: &[&str],
    vars: &[(String, String)],
) -> support::live::Run {
    let config = env.config_path();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--config", config.to_str().unwrap()]);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.run_env(&all, &vars)
}

/// Genesys Cloud unreachable: `--max-attempts` bounds the sign-in's attempts as it bounds
/// AWS's, and `-v` (stderr not a terminal) says each wait as it happens.
#[test]
fn genesys_unreachable_is_retried_max_attempts_times_with_progress() {
    let env = genesys_env();
    let closed = format!("http://127.0.0.1:{}", support::moto::free_port());
    let vars = vec![
        ("GENESYSCLOUD_OAUTHCLIENT_ID".to_string(), "id".to_string()),
        (
            "GENESYSCLOUD_OAUTHCLIENT_SECRET".to_string(),
            "secret".to_string(),
        ),
        ("GENESYSCLOUD_API_REGION".to_string(), closed),
    ];
    let started = Instant::now();
    let r = run_genesys(&env, &["plan", "-v", "--max-attempts", "3"], &vars);
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cannot reach Genesys Cloud"),
        "{}",
        r.stderr
    );
    for n in [2, 3] {
        let line = format!("still waiting for Genesys Cloud: attempt {n} of 3, ");
        assert!(r.stderr.contains(&line), "{line}\n{}", r.stderr);
    }
    assert!(!r.stderr.contains("attempt 4 of"), "{}", r.stderr);
    // Backoff 0.2 s then 0.4 s; before, the sign-in retried for a minute.
    assert!(took < Duration::from_secs(20), "{took:?}");
    eprintln!("genesys unreachable, --max-attempts 3: {took:?}");

    // Without -v and off a terminal (CI): the wait is said too, on a line at most every 10 s
    // (issue 43: a CI log that says nothing while a call is retried hides a hanging endpoint).
    let r = run_genesys(&env, &["plan", "--max-attempts", "3"], &vars);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.matches("still waiting").count(), 1, "{}", r.stderr);
}

/// A Genesys Cloud read answered 503 every time: `--max-attempts` calls, then the error names
/// the status and Genesys's own code and message.
#[test]
fn genesys_server_errors_stop_at_max_attempts_with_the_services_message() {
    let env = genesys_env();
    let fake = support::genesys::GenesysFake::start();
    fake.inject(503, 100, None, Some("GET"), "/api/v2/integrations");
    fake.reset_calls();
    let r = run_genesys(&env, &["plan", "-v", "--max-attempts", "4"], &fake.env());
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    // The reads run side by side; the first to use up its attempts ends the run.
    let calls = fake.calls();
    let mut per_path = std::collections::BTreeMap::<&str, usize>::new();
    for c in calls
        .iter()
        .filter(|c| c.method == "GET" && c.status == 503)
    {
        *per_path.entry(c.path.as_str()).or_default() += 1;
    }
    assert_eq!(per_path.values().max(), Some(&4), "{calls:?}");
    assert!(r.stderr.contains(": 503 "), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("still waiting for Genesys Cloud: attempt 4 of 4, "),
        "{}",
        r.stderr
    );
}

/// A call that hangs is said on stderr within seconds, in every mode (a line off a terminal,
/// and a JSON event under `--progress json`), not only when its attempt times out.
#[test]
fn a_call_that_hangs_is_said_at_once_in_every_mode() {
    use std::io::BufRead;
    let env = Env::new();
    env.fresh(&[FN_A]);
    // Every write is held: the first one of each run never answers.
    env.h.proxy.set_faults(FaultConfig {
        hold_writes_from: Some(0),
        ..Default::default()
    });
    // Both modes at once: each apply waits on its own held write.
    let modes: [&[&str]; 2] = [&[], &["--progress", "json"]];
    let children: Vec<(bool, Child)> = (modes.iter())
        .map(|progress| {
            let mut args = vec!["apply", "--yes"];
            args.extend(*progress);
            (!progress.is_empty(), env.spawn(&args))
        })
        .collect();
    for (json, mut child) in children {
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let said = stderr
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains("has had no answer for") || l.contains("\"no answer yet\""));
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        let said = said.expect("the hanging call is said before the process ends");
        assert!(said.contains("iam:"), "{said}");
        if json {
            let v: serde_json::Value = serde_json::from_str(&said).expect("a JSON event");
            assert_eq!(v["cause"], "no answer yet", "{v}");
        }
    }
    env.h.proxy.clear_faults();
}
