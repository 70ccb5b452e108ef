//! A write whose answer was lost: the proxy forwards the call to moto (so the change happens),
//! then resets the connection instead of answering (`Injection::reset`, once). The SDK retries
//! the call, and the retry meets the write's own effect. For each write apply can make, the
//! apply that lost the answer exits 0 in the same run, a following `plan` is empty, and a
//! second apply makes no write call at all (counted on the wire).
//!
//! What AWS answers the retry, per operation (and what moto does):
//! - CreateRole, CreatePolicy: EntityAlreadyExists → apply re-reads and goes on.
//! - AttachRolePolicy: attaching an attached policy succeeds → nothing to do.
//! - DetachRolePolicy, DeletePolicyVersion, DeleteRolePolicy, DeleteRole, DeletePolicy:
//!   NoSuchEntity → apply re-reads and goes on.
//! - CreatePolicyVersion: not idempotent; below the 5-version limit the retry publishes the
//!   document again as another (default) version, at the limit it is refused with LimitExceeded
//!   → apply re-reads the default version and goes on.

use crate::support;

use std::path::PathBuf;
use std::time::Duration;

use support::http::xml_all;
use support::proxy::Fault;
use support::{Harness, Injection, RunOutput};

const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ACCOUNT: &str = "123456789012";
const ROLE: &str = "GenesysLambdaInvoker";
const POLICY: &str = "GenesysLambdaInvoker-invoke";
const FN_A: &str = "lookup-customer";
const FN_B: &str = "lookup-order";

fn policy_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{POLICY}")
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

fn invoke_doc(functions: &[&str]) -> String {
    let arns: Vec<String> = functions.iter().map(|f| function_arn(f)).collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": arns}]})
    .to_string()
}

struct Env {
    h: Harness,
    dir: tempfile::TempDir,
}

impl Env {
    /// moto with both target functions, and a config for `targets`.
    fn new(targets: &[&str]) -> Env {
        let env = Env {
            h: Harness::start(),
            dir: tempfile::tempdir().expect("tempdir"),
        };
        for f in [FN_A, FN_B] {
            env.h.moto.lambda_create_function(f, "us-east-1");
        }
        env.write_config(targets);
        env
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("lambda-trust.toml")
    }

    fn write_config(&self, targets: &[&str]) {
        let mut s = format!(
            "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n\n\
             [role]\nname = \"{ROLE}\"\ntags = {{ team = \"cx\" }}\n\n[aws]\nregion = \"us-east-1\"\n"
        );
        for t in targets {
            s.push_str(&format!("\n[[targets]]\nfunction = \"{t}\"\n"));
        }
        std::fs::write(self.config_path(), s).expect("write config");
    }

    #[track_caller]
    fn expect(&self, args: &[&str], code: i32) -> RunOutput {
        let out = self
            .h
            .cmd()
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .timeout(Duration::from_secs(60))
            .run();
        out.assert_code(code);
        out
    }

    fn iam(&self, action: &str, params: &[(&str, &str)]) -> String {
        self.h.moto.iam_query(action, params)
    }

    /// Our policy's versions: (ids oldest first, the default's id).
    fn versions(&self) -> (Vec<String>, String) {
        let xml = self.iam("ListPolicyVersions", &[("PolicyArn", &policy_arn())]);
        let mut ids = xml_all(&xml, "VersionId");
        let defaults = xml_all(&xml, "IsDefaultVersion");
        let default = ids
            .iter()
            .zip(&defaults)
            .find(|(_, d)| d.as_str() == "true")
            .map(|(id, _)| id.clone())
            .expect("a default version");
        ids.sort_by_key(|id| id.trim_start_matches('v').parse::<u32>().unwrap_or(0));
        (ids, default)
    }

    /// Adds `n` non-default versions to our policy directly in moto.
    fn add_versions(&self, n: usize, functions: &[&str]) {
        for _ in 0..n {
            self.iam(
                "CreatePolicyVersion",
                &[
                    ("PolicyArn", &policy_arn()),
                    ("PolicyDocument", &invoke_doc(functions)),
                    ("SetAsDefault", "false"),
                ],
            );
        }
    }

    /// Runs apply with the answer to the first call of `operation` lost, and asserts: exit 0;
    /// `operation` was sent twice, the first one forwarded and reset; `plan` then exits 0; a
    /// second apply makes zero write calls; `reread` (the read that confirms the planned state;
    /// `None` when the retry succeeds by itself) was made `observed + 1` times. Returns the
    /// write calls of the lossy apply.
    #[track_caller]
    fn lose_answer_then_converge(
        &self,
        operation: &str,
        reread: Option<(&str, usize)>,
    ) -> Vec<String> {
        self.h.proxy.clear_faults();
        self.h.proxy.clear();
        self.h.proxy.inject(Injection::reset(operation));
        let apply = self.expect(&["apply", "--yes"], 0);
        let calls = self.h.proxy.calls_to(operation);
        assert_eq!(calls.len(), 2, "{operation} sent twice\n{apply}");
        assert!(
            calls[0].forwarded && calls[0].fault == Some(Fault::Reset),
            "the first {operation} reached moto and lost its answer: {:?}",
            calls[0]
        );
        assert!(calls[1].forwarded && calls[1].fault.is_none());
        let writes: Vec<String> = self.h.proxy.writes().iter().map(|c| c.key()).collect();
        println!(
            "{operation}: lossy apply made {} write calls {writes:?}, {} reads; calls {:?}",
            writes.len(),
            self.h.proxy.count_reads(),
            self.h.proxy.summary()
        );
        if let Some((read, observed)) = reread {
            assert_eq!(
                self.h.proxy.count(read),
                observed + 1,
                "one {read} re-read after the lost {operation} answer: {:?}",
                self.h.proxy.summary()
            );
        }

        self.h.proxy.clear_faults();
        self.expect(&["plan"], 0);
        self.h.proxy.clear();
        self.expect(&["apply", "--yes"], 0);
        assert_eq!(
            self.h.proxy.count_writes(),
            0,
            "second apply after a lost {operation} answer wrote: {:?}",
            self.h.proxy.operations()
        );
        self.expect(&["verify"], 0);
        writes
    }

    /// Exactly our policy is attached; no inline policy.
    #[track_caller]
    fn assert_attachments(&self) {
        let attached = xml_all(
            &self.iam("ListAttachedRolePolicies", &[("RoleName", ROLE)]),
            "PolicyArn",
        );
        assert_eq!(attached, vec![policy_arn()]);
        let inline = xml_all(
            &self.iam("ListRolePolicies", &[("RoleName", ROLE)]),
            "member",
        );
        assert!(inline.is_empty(), "{inline:?}");
    }
}

#[test]
fn lost_create_role_answer_converges_in_the_same_run() {
    let env = Env::new(&[FN_A]);
    let writes = env.lose_answer_then_converge("iam:CreateRole", Some(("iam:GetRole", 1)));
    assert_eq!(
        writes,
        [
            "iam:CreateRole",
            "iam:CreateRole",
            "iam:CreatePolicy",
            "iam:AttachRolePolicy"
        ]
    );
    env.assert_attachments();
}

#[test]
fn lost_create_policy_answer_converges_in_the_same_run() {
    let env = Env::new(&[FN_A]);
    let writes = env.lose_answer_then_converge("iam:CreatePolicy", Some(("iam:GetPolicy", 1)));
    assert_eq!(
        writes,
        [
            "iam:CreateRole",
            "iam:CreatePolicy",
            "iam:CreatePolicy",
            "iam:AttachRolePolicy"
        ]
    );
    env.assert_attachments();
    assert_eq!(env.versions(), (vec!["v1".to_string()], "v1".to_string()));
}

#[test]
fn lost_attach_role_policy_answer_converges_in_the_same_run() {
    let env = Env::new(&[FN_A]);
    let writes = env.lose_answer_then_converge("iam:AttachRolePolicy", None);
    assert_eq!(writes.len(), 4, "{writes:?}");
    env.assert_attachments();
}

/// Below the version limit, AWS answers the retried CreatePolicyVersion by publishing the
/// document again: two new versions, the later one default, both with the new document.
#[test]
fn lost_create_policy_version_answer_publishes_twice_and_converges() {
    let env = Env::new(&[FN_A]);
    env.expect(&["apply", "--yes"], 0);
    env.write_config(&[FN_A, FN_B]);
    let writes = env.lose_answer_then_converge("iam:CreatePolicyVersion", None);
    assert_eq!(
        writes,
        ["iam:CreatePolicyVersion", "iam:CreatePolicyVersion"]
    );
    let (ids, default) = env.versions();
    assert_eq!(ids, ["v1", "v2", "v3"]);
    assert_eq!(default, "v3");
    for v in ["v2", "v3"] {
        let xml = env.iam(
            "GetPolicyVersion",
            &[("PolicyArn", &policy_arn()), ("VersionId", v)],
        );
        assert!(xml.contains(FN_B), "{v} holds the new document: {xml}");
    }
}

/// At the limit (apply prunes one of 5 versions first), the lost attempt takes the last slot and
/// the retry is refused with LimitExceeded; apply sees its document is the default and goes on.
#[test]
fn lost_create_policy_version_answer_at_the_version_limit_converges() {
    let env = Env::new(&[FN_A]);
    env.expect(&["apply", "--yes"], 0);
    env.add_versions(4, &[FN_A]);
    env.write_config(&[FN_A, FN_B]);
    // The re-read: GetPolicy for the default version's ID, GetPolicyVersion for its document
    // (observe itself reads all 5 versions' documents, to prove the non-default ones).
    let writes =
        env.lose_answer_then_converge("iam:CreatePolicyVersion", Some(("iam:GetPolicyVersion", 5)));
    assert_eq!(
        writes,
        [
            "iam:DeletePolicyVersion",
            "iam:CreatePolicyVersion",
            "iam:CreatePolicyVersion"
        ]
    );
    let (ids, default) = env.versions();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert_eq!(default, "v6");
}

#[test]
fn lost_delete_policy_version_answer_converges_in_the_same_run() {
    let env = Env::new(&[FN_A]);
    env.expect(&["apply", "--yes"], 0);
    env.add_versions(4, &[FN_A]);
    env.write_config(&[FN_A, FN_B]);
    // Observe reads all 5 versions' documents; then one re-read of the pruned version.
    let writes =
        env.lose_answer_then_converge("iam:DeletePolicyVersion", Some(("iam:GetPolicyVersion", 5)));
    assert_eq!(
        writes,
        [
            "iam:DeletePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:CreatePolicyVersion"
        ]
    );
    let (ids, default) = env.versions();
    // v2, the oldest non-default version, was pruned; v1 was the default until v6.
    assert_eq!(ids, ["v1", "v3", "v4", "v5", "v6"]);
    assert_eq!(default, "v6");
}

#[test]
fn lost_detach_role_policy_answer_converges_in_the_same_run() {
    let env = Env::new(&[FN_A]);
    env.expect(&["apply", "--yes"], 0);
    let xml = env.iam(
        "CreatePolicy",
        &[
            ("PolicyName", "someone-elses-policy"),
            ("PolicyDocument", &invoke_doc(&[FN_B])),
        ],
    );
    let foreign = xml_all(&xml, "Arn").remove(0);
    env.iam(
        "AttachRolePolicy",
        &[("RoleName", ROLE), ("PolicyArn", &foreign)],
    );
    let writes = env.lose_answer_then_converge(
        "iam:DetachRolePolicy",
        Some(("iam:ListAttachedRolePolicies", 1)),
    );
    assert_eq!(writes, ["iam:DetachRolePolicy", "iam:DetachRolePolicy"]);
    env.assert_attachments();
}

#[test]
fn lost_delete_role_policy_answer_converges_in_the_same_run() {
    let env = Env::new(&[FN_A]);
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", ROLE),
            ("PolicyName", "stray-inline"),
            ("PolicyDocument", &invoke_doc(&[FN_B])),
        ],
    );
    let writes =
        env.lose_answer_then_converge("iam:DeleteRolePolicy", Some(("iam:GetRolePolicy", 1)));
    assert_eq!(writes, ["iam:DeleteRolePolicy", "iam:DeleteRolePolicy"]);
    env.assert_attachments();
}

/// destroy runs the same write path: lost answers to DeleteRole and DeletePolicy still end with
/// everything gone, in one run each.
#[test]
fn lost_delete_answers_during_destroy_converge_in_the_same_run() {
    for operation in ["iam:DeletePolicy", "iam:DeleteRole"] {
        let env = Env::new(&[FN_A]);
        env.expect(&["apply", "--yes"], 0);
        env.h.proxy.clear();
        env.h.proxy.inject(Injection::reset(operation));
        let out = env.expect(&["destroy", "--yes"], 0);
        assert_eq!(env.h.proxy.count(operation), 2, "{out}");
        let roles = xml_all(&env.iam("ListRoles", &[]), "RoleName");
        assert!(!roles.iter().any(|r| r == ROLE), "{roles:?}");
        let local = xml_all(
            &env.iam("ListPolicies", &[("Scope", "Local")]),
            "PolicyName",
        );
        assert!(local.is_empty(), "{local:?}");
        println!(
            "{operation} during destroy: {} write calls {:?}",
            env.h.proxy.count_writes(),
            env.h
                .proxy
                .writes()
                .iter()
                .map(|c| c.key())
                .collect::<Vec<_>>()
        );
    }
}

/// The same error on a first attempt (no retry: no earlier attempt of this run can have done
/// it) still fails the run: it is someone else's change, reported as today.
#[test]
fn entity_already_exists_on_a_first_attempt_still_fails() {
    let env = Env::new(&[FN_A]);
    env.h.proxy.inject(Injection::new(
        "iam:CreateRole",
        409,
        "EntityAlreadyExists",
        "Role with name GenesysLambdaInvoker already exists.",
    ));
    let out = env.expect(&["apply", "--yes"], 1);
    assert!(
        out.stderr.contains("iam:CreateRole") && out.stderr.contains("EntityAlreadyExists"),
        "{out}"
    );
    assert_eq!(env.h.proxy.count("iam:CreateRole"), 1, "{out}");
    assert_eq!(
        env.h.proxy.count("iam:GetRole"),
        1,
        "only observe's read\n{out}"
    );
}
