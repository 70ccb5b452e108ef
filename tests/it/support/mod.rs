//! The integration tests' helpers, all in one place: a real `moto_server` per test, a
//! recording/fault-injecting proxy in front of it, a local Genesys Cloud (`genesys`), a runner
//! for the built `lambda-trust` binary.

pub mod authorized;
pub mod cloudtrail;
pub mod examples;
pub mod finding_shapes;
pub mod genesys;
pub mod hcl_fmt;
pub mod http;
pub mod live;
pub mod moto;
pub mod moto_forks;
pub mod offline;
pub mod proxy;
pub mod runtime_api;
pub mod terminal;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub use moto::{AwsSeed, MotoServer};
pub use proxy::{FaultConfig, Injection, Kind, Proxy};

/// Path of the binary under test.
/// Runs `scripts/seed_audit.py MOTO_URL ARGS…` with the venv's Python — straight to moto, not
/// through a proxy, not counted — and returns its stdout's lines (an organization's account
/// IDs, or a dump); a failed seeding fails the test with the script's stderr.
pub fn seed_audit(moto_url: &str, args: &[&str]) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/seed_audit.py");
    let out = moto_forks::python(&[&[script, moto_url], args].concat());
    assert!(
        out.status.success(),
        "seed_audit.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Writes each `(path, text)` under `dir`, making the folders on the way.
pub fn write_files<P: AsRef<Path>, T: AsRef<[u8]>>(dir: &Path, files: &[(P, T)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

pub fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lambda-trust"))
}

/// Result of one run of the binary.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Exit code; None if killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Human-readable command line, for failure messages.
    pub command: String,
}

impl RunOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
    /// Panics (with full output) unless the exit code is 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(self.success(), "expected success\n{self}");
        self
    }
    /// Panics (with full output) unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit code\n{self}");
        self
    }
    /// stdout parsed as JSON (panics with full output otherwise).
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{self}"))
    }
}

impl std::fmt::Display for RunOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "$ {}\nexit: {:?} ({:.1?})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.code, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// Builder for one invocation of the binary with a hermetic AWS environment:
/// all inherited `AWS_*` variables removed, then `AWS_ACCESS_KEY_ID=testing`,
/// `AWS_SECRET_ACCESS_KEY=testing`, `AWS_REGION=us-east-1`, `AWS_ENDPOINT_URL=<endpoint>`,
/// `AWS_CONFIG_FILE`/`AWS_SHARED_CREDENTIALS_FILE` → nonexistent files,
/// `AWS_EC2_METADATA_DISABLED=true`, `NO_COLOR=1`; stdin is empty; 120 s timeout.
pub struct LambdaTrust {
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    cwd: Option<PathBuf>,
    timeout: Duration,
    endpoint: String,
}

pub fn lambda_trust_cmd(endpoint_url: &str) -> LambdaTrust {
    LambdaTrust {
        args: Vec::new(),
        env: Vec::new(),
        cwd: None,
        timeout: Duration::from_secs(120),
        endpoint: endpoint_url.to_string(),
    }
}

/// Run the binary against `endpoint_url` (normally `proxy.url()`) with `args` and extra
/// `env` (applied last; overrides the defaults).
pub fn lambda_trust(endpoint_url: &str, args: &[&str], env: &[(&str, &str)]) -> RunOutput {
    let mut c = lambda_trust_cmd(endpoint_url).args(args);
    for (k, v) in env {
        c = c.env(k, v);
    }
    c.run()
}

impl LambdaTrust {
    pub fn arg(mut self, a: impl Into<OsString>) -> Self {
        self.args.push(a.into());
        self
    }
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }
    pub fn env(mut self, k: impl Into<OsString>, v: impl Into<OsString>) -> Self {
        self.env.push((k.into(), Some(v.into())));
        self
    }
    pub fn env_remove(mut self, k: impl Into<OsString>) -> Self {
        self.env.push((k.into(), None));
        self
    }
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    pub fn run(self) -> RunOutput {
        let bin = bin_path();
        let mut cmd = Command::new(&bin);
        cmd.args(&self.args);
        for (k, _) in std::env::vars_os() {
            let ks = k.to_string_lossy();
            if ks.starts_with("AWS_") || ks == "CLICOLOR_FORCE" || ks == "FORCE_COLOR" {
                cmd.env_remove(&k);
            }
        }
        let nowhere = std::env::temp_dir().join("lambda-trust-tests-nonexistent");
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_CONFIG_FILE", nowhere.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        let command = std::iter::once(bin.display().to_string())
            .chain(self.args.iter().map(|a| {
                let s = a.to_string_lossy();
                if s.contains(' ') || s.is_empty() {
                    format!("'{s}'")
                } else {
                    s.into_owned()
                }
            }))
            .collect::<Vec<_>>()
            .join(" ");
        let start = Instant::now();
        // assert_cmd reads stdout and stderr while waiting and kills the run at the timeout.
        let out = assert_cmd::Command::from_std(cmd)
            .write_stdin("")
            .timeout(self.timeout)
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()));
        let elapsed = start.elapsed();
        let timed_out = out.status.code().is_none() && elapsed >= self.timeout;
        let output = RunOutput {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed,
            command,
        };
        if timed_out {
            panic!("lambda-trust timed out after {:?}\n{output}", self.timeout);
        }
        output
    }
}

/// moto + proxy in front of it, the usual per-test setup.
pub struct Harness {
    // Field order = drop order: proxy first, then moto.
    pub proxy: Proxy,
    pub moto: MotoServer,
}

impl Harness {
    pub fn start() -> Harness {
        let moto = MotoServer::start();
        let proxy = Proxy::start(&moto.url());
        Harness { proxy, moto }
    }
    /// Endpoint for the binary (the proxy).
    pub fn endpoint(&self) -> String {
        self.proxy.url()
    }
    /// Command builder pointed at the proxy.
    pub fn cmd(&self) -> LambdaTrust {
        lambda_trust_cmd(&self.proxy.url())
    }
}
