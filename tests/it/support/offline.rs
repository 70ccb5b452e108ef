//! The binary run offline, for the tests without a server: AWS's endpoint is the discard port
//! (any AWS call fails), no colour, no `LAMBDA_TRUST_CONFIG` from the caller's environment,
//! stdin empty, 120 s at most. The live tests use [`super::LambdaTrust`] instead.

use std::path::Path;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);

/// Exit code (-1 when killed by a signal) and output of one run.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the binary in the crate's root with `args`.
pub fn run(args: &[&str]) -> Out {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

/// Runs the binary in `cwd` with `args` and `env` (applied last: it may set
/// `LAMBDA_TRUST_CONFIG` or override the defaults).
pub fn run_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let start = Instant::now();
    let out = assert_cmd::Command::new(super::bin_path())
        .args(args)
        .current_dir(cwd)
        .env_remove("LAMBDA_TRUST_CONFIG")
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9") // discard port: any AWS call fails
        .envs(env.iter().copied())
        .write_stdin("")
        .timeout(TIMEOUT)
        .output()
        .expect("run lambda-trust");
    assert!(
        out.status.code().is_some() || start.elapsed() < TIMEOUT,
        "lambda-trust {args:?} timed out after {TIMEOUT:?}"
    );
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An `--org-policies` directory (`DIR/org-ACCOUNT-N`, N the number of `listed` accounts): the
/// FullAWSAccess SCP at the root and at `account`, and AWS's identity-perimeter RCP
/// (aws-samples/data-perimeter-policy-examples) at the root with the `listed` accounts exempt.
pub fn org_policies_dir(
    dir: &std::path::Path,
    account: &str,
    listed: &[&str],
) -> std::path::PathBuf {
    use serde_json::json;
    let org = dir.join(format!("org-{account}-{}", listed.len()));
    std::fs::create_dir_all(&org).unwrap();
    let full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let rcp_full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    let level = |kind: &str, id: &str| json!({"kind": kind, "id": id, "name": id});
    // The full-access policy of each type, as AWS attaches it to every level.
    let full_access = |kind: &str, at: &str, id: &str| {
        let (policy, document) = match kind {
            "SCP" => ("FullAWSAccess", &full),
            _ => ("RCPFullAWSAccess", &rcp_full),
        };
        json!({"kind": kind, "id": format!("p-{policy}"), "name": policy,
            "level": level(at, id), "document": document})
    };
    let files = [
        ("root-rcp-full.json", full_access("RCP", "root", "r-root")),
        (
            "account-rcp-full.json",
            full_access("RCP", "account", account),
        ),
        ("root-scp.json", full_access("SCP", "root", "r-root")),
        ("account-scp.json", full_access("SCP", "account", account)),
        (
            "root-rcp.json",
            json!({"kind": "RCP", "id": "p-perimeter", "name": "IdentityPerimeter",
            "organization": "o-abc",
            "level": level("root", "r-root"), "document": {"Version": "2012-10-17", "Statement": [{
                "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                "Action": "sts:AssumeRole", "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc", "aws:PrincipalAccount": listed},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}}),
        ),
    ];
    for (name, doc) in files {
        std::fs::write(org.join(name), doc.to_string()).unwrap();
    }
    org
}
