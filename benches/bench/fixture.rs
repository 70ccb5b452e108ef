//! The fixture every round runs against: one `moto_server` behind the counting proxy of
//! `tests/it/support`, reset and re-seeded with N functions before each round (straight to moto:
//! not counted, not delayed), the config file, and the hermetic AWS environment of every
//! measured process.

use std::path::PathBuf;
use std::process::Command;

use super::settings::Settings;
use super::REGION;
use crate::support::moto::tiny_zip;
use crate::support::{http, live, MotoServer, Proxy};

/// Parallel seeding connections to moto (seeding is not measured).
const SEED_THREADS: usize = 8;

pub struct Bench {
    pub settings: Settings,
    // Field order = drop order: proxy before moto.
    pub proxy: Proxy,
    pub moto: MotoServer,
    pub dir: tempfile::TempDir,
}

/// Names of the N seeded target functions.
pub fn function_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("bench-fn-{i:04}")).collect()
}

impl Bench {
    /// Starts moto and the proxy in front of it (latency is set per run, see `measure`).
    pub fn start(settings: Settings) -> Bench {
        let moto = MotoServer::start();
        let proxy = Proxy::start(&moto.url());
        Bench {
            settings,
            proxy,
            moto,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("lambda-trust.toml")
    }

    /// A config (`tests/it/support/live.rs`'s) with these targets.
    pub fn write_config(&self, targets: &[String]) {
        let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        std::fs::write(self.config_path(), live::config(&refs, "")).expect("write config");
    }

    /// Fresh moto state with these functions (straight to moto: not counted, not delayed).
    /// Like `AwsSeed::lambda_create_function`, but one role lookup per round, not per function.
    pub fn fresh_state(&self, functions: &[String]) {
        self.moto.reset();
        let seed = self.moto.client();
        let role = seed.ensure_lambda_exec_role();
        let zip = http::base64_encode(&tiny_zip(
            "index.py",
            b"def handler(event, context):\n    return event\n",
        ));
        std::thread::scope(|scope| {
            for chunk in functions.chunks(functions.len().div_ceil(SEED_THREADS).max(1)) {
                let (seed, role, zip) = (&seed, &role, &zip);
                scope.spawn(move || {
                    for name in chunk {
                        let body = serde_json::json!({
                            "FunctionName": name,
                            "Runtime": "python3.12",
                            "Role": role,
                            "Handler": "index.handler",
                            "Code": { "ZipFile": zip },
                        });
                        let r = seed.lambda(REGION, "POST", "/2015-03-31/functions", Some(&body));
                        assert!(
                            r.is_success(),
                            "seed function {name}: HTTP {} {}",
                            r.status,
                            r.text()
                        );
                    }
                });
            }
        });
    }
}

/// The environment `tests/it/support` gives the binary (`LambdaTrust::run`): no inherited AWS
/// settings, fixed test credentials, every call to `endpoint`; plus `AWS_DEFAULT_REGION` for
/// boto3. A `Command` of our own rather than `LambdaTrust`, which polls for the exit every 10 ms
/// and runs only the lambda-trust binary.
pub fn hermetic_aws_env(cmd: &mut Command, endpoint: &str) {
    for (k, _) in std::env::vars_os() {
        let ks = k.to_string_lossy();
        if ks.starts_with("AWS_") || ks == "CLICOLOR_FORCE" || ks == "FORCE_COLOR" {
            cmd.env_remove(&k);
        }
    }
    let nowhere = std::env::temp_dir().join("lambda-trust-bench-nonexistent");
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
}
