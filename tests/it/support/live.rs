//! Shared fixture for the live tests: a moto server behind a counting proxy, a temp dir with
//! the config, and the real binary run against them.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::moto::MotoServer;
use super::proxy::Proxy;

pub const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
pub const ACCOUNT: &str = "123456789012";

pub struct Env {
    pub moto: MotoServer,
    pub proxy: Proxy,
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(out: &std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Env {
    pub fn new() -> Env {
        let moto = MotoServer::start();
        let proxy = Proxy::start(&moto.url());
        Env {
            moto,
            proxy,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("lambda-trust.toml")
    }

    /// Writes `text` as the config, and each role a `role_arn` of it names made in its account
    /// (trusting this test's account) when it is not there, as its user has them before a run:
    /// STS assumes only a role that exists. [`Env::write_config_only`] makes none.
    pub fn write_config(&self, text: &str) {
        self.write_config_only(text);
        let arns = regex::Regex::new(r#"role_arn\s*=\s*"(arn:[^"]+:role/[^"]+)""#).unwrap();
        for arn in arns.captures_iter(text) {
            self.assumable_role(&arn[1]);
        }
    }

    /// The config's file, and nothing else.
    pub fn write_config_only(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("write config");
    }

    /// The role `arn` made in its account when it is not there, trusting this test's account.
    pub fn assumable_role(&self, arn: &str) {
        self.moto.client().assumable_role(arn);
    }

    /// Runs the binary against the proxy with this env's config; returns exit code and output.
    pub fn run(&self, args: &[&str]) -> Run {
        let config = self.config_path();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", config.to_str().expect("utf-8 path")]);
        self.run_raw(&all)
    }

    /// Runs the binary with exactly these arguments (no --config added).
    pub fn run_raw(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs with exactly these arguments and extra environment variables (applied last).
    pub fn run_env(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let out = self
            .command(env!("CARGO_BIN_EXE_lambda-trust"))
            .args(args)
            .envs(extra.iter().copied())
            .output()
            .expect("run lambda-trust");
        Run::of(&out)
    }

    /// Runs with this env's config, `input` piped to standard input (not a terminal).
    pub fn run_piped(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        use std::process::Stdio;
        let config = self.config_path();
        let mut child = self
            .command(env!("CARGO_BIN_EXE_lambda-trust"))
            .args(args)
            .args(["--config", config.to_str().expect("utf-8 path")])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run lambda-trust");
        let mut stdin = child.stdin.take().unwrap();
        // The process may exit before reading all of it.
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        Run::of(&child.wait_with_output().unwrap())
    }

    /// `program` with this env's AWS (the proxy, test keys, no profile or config files) and
    /// no colour.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut c = std::process::Command::new(program);
        c.env("AWS_ENDPOINT_URL", self.proxy.url())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env_remove("AWS_PROFILE")
            .env_remove("LAMBDA_TRUST_CONFIG")
            .env("NO_COLOR", "1");
        c
    }

    /// Runs the shell line `command` on a pseudo-terminal (util-linux `script`) with this env's
    /// AWS, `$LT` the binary and `$CONFIG` this env's config, typing `keys` at once (the
    /// terminal holds them until read); its input stays open until the command has exited.
    /// What the terminal showed is `stdout`.
    pub fn on_a_terminal(&self, command: &str, keys: &str) -> Run {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .command("script")
            // Keys typed before the command reads them are not echoed (a person types after
            // the prompt): under load the terminal would otherwise print them into its text.
            .args(["-qfec", &format!("stty -echo; {command}"), "/dev/null"])
            .env("LT", env!("CARGO_BIN_EXE_lambda-trust"))
            .env("CONFIG", self.config_path())
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("util-linux `script` runs the command on a pseudo-terminal");
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(keys.as_bytes()).unwrap();
        // Closing the terminal's input early ends `script`: keep it open until the command is done.
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let writer = std::thread::spawn(move || {
            let _ = wait.recv_timeout(std::time::Duration::from_secs(120));
            drop(stdin);
        });
        let out = child.wait_with_output().unwrap();
        let _ = done.send(());
        let _ = writer.join();
        Run::of(&out)
    }

    pub fn expect(&self, args: &[&str], code: i32) -> Run {
        let r = self.run(args);
        assert_eq!(
            r.code,
            code,
            "`lambda-trust {}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            r.code,
            r.stdout,
            r.stderr
        );
        r
    }

    /// Runs and returns the number of write calls the proxy saw during the run.
    pub fn writes_of(&self, args: &[&str], code: i32) -> (Run, usize) {
        self.proxy.clear();
        let r = self.expect(args, code);
        (r, self.proxy.count_writes())
    }

    pub fn iam(&self, action: &str, params: &[(&str, &str)]) -> String {
        self.moto.iam_query(action, params)
    }
}

pub fn config(targets: &[&str], extra_role: &str) -> String {
    let mut s = format!(
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n\n[role]\nname = \"GenesysLambdaInvoker\"\ndescription = \"Genesys data actions\"\ntags = {{ team = \"cx\" }}\n{extra_role}\n[aws]\nregion = \"us-east-1\"\n"
    );
    for t in targets {
        s.push_str(&format!("\n[[targets]]\nfunction = \"{t}\"\n"));
    }
    s
}

/// Every finding of a `check --format json` report, each followed by the failed checks and
/// proofs told under it (`related`).
pub fn check_findings(v: &Value) -> Vec<Value> {
    fn with_related(f: &Value) -> Vec<Value> {
        let related = f["related"].as_array().cloned().unwrap_or_default();
        std::iter::once(f.clone()).chain(related).collect()
    }
    v["configs"]
        .as_array()
        .map(|c| c.iter().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|c| c["findings"].as_array().cloned().unwrap_or_default())
        .flat_map(|f| with_related(&f))
        .collect()
}

pub fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", r.stdout))
}

pub fn setup(targets: &[&str]) -> Env {
    let env = Env::new();
    for t in targets {
        env.moto.lambda_create_function(t, "us-east-1");
    }
    env.write_config(&config(targets, ""));
    env
}

pub fn policy_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/GenesysLambdaInvoker-invoke")
}

/// A trust policy like ours, with the given external ID and principal.
pub fn trust_doc(ext: &str, principal: &str) -> String {
    json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":principal},
        "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":ext}}}]})
    .to_string()
}
