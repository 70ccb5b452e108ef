//! A real moto server per test, plus blocking helpers to seed AWS state directly
//! (query-protocol IAM/STS, REST-JSON Lambda) without going through the binary.
//!
//! The server is `moto_aws.py` (beside this file): moto 5.2.5 patched to answer as AWS does
//! where moto departs from it on the whole path (Organizations access and policy types, one
//! Lambda resource policy per qualifier, principals, duplicate statement IDs, another
//! account's function), then served as `moto_server` would be.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::http::{self, HttpResponse};

#[allow(dead_code, reason = "benches/bench/audit.rs")]
pub const DEFAULT_ACCOUNT: &str = "123456789012";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const LAMBDA_EXEC_ROLE: &str = "lambda-exec";

/// The server's process: spawned by the test, or forked for it by `moto_forks.py`.
enum Process {
    Spawned(Child),
    Forked(super::moto_forks::Forked),
}

impl Process {
    fn id(&self) -> u32 {
        match self {
            Process::Spawned(child) => child.id(),
            Process::Forked(forked) => forked.pid,
        }
    }

    /// How it ended, once it has.
    fn ended(&mut self) -> Option<String> {
        match self {
            Process::Spawned(child) => child.try_wait().ok().flatten().map(|s| s.to_string()),
            Process::Forked(forked) => forked.exited().then(|| "exited".to_owned()),
        }
    }

    fn stop(&mut self) {
        match self {
            Process::Spawned(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Process::Forked(forked) => forked.stop(),
        }
    }
}

pub struct MotoServer {
    process: Process,
    port: u16,
    log_path: PathBuf,
    dir: Option<tempfile::TempDir>,
    /// The `lambda-exec` role's ARN once made: seeding a thousand functions then costs a
    /// thousand calls, not three thousand (cleared by [`MotoServer::reset`]).
    exec_role: std::sync::Mutex<Option<String>>,
}

/// `$MOTO_SERVER`, else `<crate>/.venv/bin/moto_server`: the venv the launcher runs in.
pub fn moto_server_binary() -> PathBuf {
    match std::env::var_os("MOTO_SERVER") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"),
    }
}

/// The command that serves the local AWS: `$MOTO_SERVER` as given (a bare moto, e.g. to see
/// moto's own answers), else the venv's Python running `moto_aws.py`.
pub fn moto_command() -> Command {
    match std::env::var_os("MOTO_SERVER") {
        Some(p) if !p.is_empty() => Command::new(p),
        _ => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut cmd = Command::new(root.join(".venv/bin/python"));
            cmd.arg(root.join("tests/it/support/moto_aws.py"));
            cmd
        }
    }
}

/// Bind 127.0.0.1:0, take the port, drop the listener.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

enum StartError {
    Exited(String),
    Timeout,
}

impl MotoServer {
    /// Start a fresh moto_server on a free loopback port and wait until it answers
    /// `GET /moto-api/` with 200 (30 s). Panics with the log tail on failure.
    pub fn start() -> MotoServer {
        Self::start_with_env(&[])
    }

    /// Like [`start`](Self::start) with extra environment for moto, e.g.
    /// `("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")` — moto 5 does not know AWS managed policies
    /// (`arn:aws:iam::aws:policy/…`) unless this is set (GetPolicy → NoSuchEntity).
    pub fn start_with_env(env: &[(&str, &str)]) -> MotoServer {
        let bin = moto_server_binary();
        if !bin.exists() {
            panic!(
                "moto_server not found at {} — run `just setup` first \
                 (creates .venv with moto[server]==5.2.5), or set MOTO_SERVER",
                bin.display()
            );
        }
        const ATTEMPTS: usize = 5;
        for attempt in 1..=ATTEMPTS {
            let dir = tempfile::Builder::new()
                .prefix("moto-server-")
                .tempdir()
                .expect("create temp dir for moto log");
            let log_path = dir.path().join("moto_server.log");
            let log = File::create(&log_path).expect("create moto log");
            let port = free_port();
            let argv = ["-H", "127.0.0.1", "-p", &port.to_string()].map(str::to_owned);
            // A server with environment of its own reads it as moto is imported: spawned.
            let process = if env.is_empty() && std::env::var_os("MOTO_SERVER").is_none() {
                drop(log);
                Process::Forked(super::moto_forks::fork(&argv, &log_path))
            } else {
                let child = moto_command()
                    .args(&argv)
                    .env("PYTHONUNBUFFERED", "1")
                    .envs(env.iter().copied())
                    .stdin(Stdio::null())
                    .stdout(log.try_clone().expect("clone log handle"))
                    .stderr(log)
                    .spawn()
                    .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
                Process::Spawned(child)
            };
            let mut server = MotoServer {
                process,
                port,
                log_path,
                dir: Some(dir),
                exec_role: std::sync::Mutex::new(None),
            };
            match server.wait_ready(Duration::from_secs(30)) {
                Ok(()) => return server,
                Err(StartError::Exited(status))
                    if attempt < ATTEMPTS
                        && server.log_tail(50).contains("Address already in use") =>
                {
                    // Lost the port race with a parallel test; try another port.
                    let _ = status;
                    continue;
                }
                Err(StartError::Exited(status)) => panic!(
                    "moto_server exited ({status}) before becoming ready on port {}; log {}:\n{}",
                    server.port,
                    server.log_path.display(),
                    server.log_tail(40)
                ),
                Err(StartError::Timeout) => panic!(
                    "moto_server not ready on port {} after 30 s; log {}:\n{}",
                    server.port,
                    server.log_path.display(),
                    server.log_tail(40)
                ),
            }
        }
        unreachable!()
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), StartError> {
        let deadline = Instant::now() + timeout;
        let url = self.url();
        loop {
            if let Some(status) = self.process.ended() {
                return Err(StartError::Exited(status));
            }
            // Asked only once it says it bound the port (else it exits, "Address already in
            // use", and is started on another port): a probe sent before would reach whatever
            // won the port race, another test's server or the recording proxy of another test,
            // and be counted among that test's calls.
            if self.log_tail(50).contains(&format!("Running on {url}")) {
                let probe = http::request_with_timeout(
                    &url,
                    "GET",
                    "/moto-api/",
                    &[],
                    b"",
                    Duration::from_secs(5),
                );
                if probe.is_ok_and(|r| r.status == 200) {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(StartError::Timeout);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    #[allow(dead_code, reason = "benches/bench/fixture.rs")]
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Last `lines` lines of the server log (for failure messages).
    pub fn log_tail(&self, lines: usize) -> String {
        let mut s = String::new();
        if let Ok(mut f) = File::open(&self.log_path) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = f.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
            let _ = f.read_to_string(&mut s);
        }
        let all: Vec<&str> = s.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Seeds the organization of `support/seed_path.py` (root → OU → member account, their
    /// SCPs and RCPs, the targets and their function policies): the IDs it made, as JSON.
    pub fn seed_path(&self) -> serde_json::Value {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/support/seed_path.py");
        let out = super::moto_forks::python(&[script, &self.url()]);
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed_path.py prints JSON")
    }

    /// Wipe all emulated state (`POST /moto-api/reset`).
    pub fn reset(&self) {
        let r = http::request(&self.url(), "POST", "/moto-api/reset", &[], b"")
            .unwrap_or_else(|e| panic!("moto reset: {e}; log:\n{}", self.log_tail(20)));
        assert_eq!(r.status, 200, "moto reset failed: {}", r.text());
        *self.exec_role.lock().unwrap() = None;
    }

    /// Seeding client talking to moto directly (calls are not seen by any proxy).
    /// The CPU time (user + system) moto has spent so far, from `/proc/PID/stat` (Linux): what
    /// the one Python process, serving one request at a time, costs a run.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.process.id()));
        let stat = stat.unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // After the command's `)`: state is field 0, utime 11, stime 12 (proc(5)); 100 ticks/s.
        (ticks(11) + ticks(12)) / 100.0
    }

    pub fn client(&self) -> AwsSeed {
        AwsSeed::new(&self.url())
    }

    /// See [`AwsSeed::iam_query`].
    pub fn iam_query(&self, action: &str, params: &[(&str, &str)]) -> String {
        self.client().iam_query(action, params)
    }

    /// See [`AwsSeed::try_iam_query`].
    pub fn try_iam_query(&self, action: &str, params: &[(&str, &str)]) -> HttpResponse {
        self.client().try_iam_query(action, params)
    }

    /// See [`AwsSeed::lambda_create_function`].
    pub fn lambda_create_function(&self, name: &str, region: &str) -> String {
        let role = self
            .exec_role
            .lock()
            .unwrap()
            .get_or_insert_with(|| self.client().ensure_lambda_exec_role())
            .clone();
        self.client().lambda_create_function_as(name, region, &role)
    }

    /// See [`AwsSeed::publish_version`].
    pub fn publish_version(&self, function: &str) -> String {
        self.client().publish_version(function)
    }

    /// See [`AwsSeed::create_alias`].
    pub fn create_alias(&self, function: &str, alias: &str, version: &str) -> String {
        self.client().create_alias(function, alias, version)
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        self.process.stop();
        if std::thread::panicking() {
            if let Some(dir) = self.dir.take() {
                let kept = dir.keep();
                eprintln!(
                    "moto_server log kept: {}",
                    kept.join("moto_server.log").display()
                );
            }
        }
    }
}

// ------------------------------------------------------------------ seeding client

/// Blocking AWS client for seeding/inspecting state. Points at moto directly or at a proxy
/// (`AwsSeed::new(&proxy.url())`, then calls are recorded like the binary's).
/// Moto does not verify signatures; the Authorization header only routes the request.
#[derive(Clone, Debug)]
pub struct AwsSeed {
    pub base_url: String,
    /// Sent as `x-moto-account-id` when set (moto's account selection).
    pub account_id: Option<String>,
    /// Region for IAM/STS credential scopes and for Lambda calls given a bare function name.
    pub region: String,
    /// The access key ID the requests are signed with (moto: `testing` is its default user;
    /// another principal's key makes moto, and the proxy's CloudTrail, see that principal).
    pub access_key: String,
    /// Sent as `User-Agent` when set.
    pub user_agent: Option<String>,
}

impl AwsSeed {
    pub fn new(base_url: &str) -> AwsSeed {
        AwsSeed {
            base_url: base_url.trim_end_matches('/').to_string(),
            account_id: None,
            access_key: "testing".to_string(),
            user_agent: None,
            region: DEFAULT_REGION.to_string(),
        }
    }

    pub fn with_account(mut self, account_id: &str) -> AwsSeed {
        self.account_id = Some(account_id.to_string());
        self
    }

    /// Signs as another principal: its access key ID (from `CreateAccessKey` on moto).
    pub fn with_access_key(mut self, access_key: &str) -> AwsSeed {
        self.access_key = access_key.to_string();
        self
    }

    pub fn with_user_agent(mut self, user_agent: &str) -> AwsSeed {
        self.user_agent = Some(user_agent.to_string());
        self
    }

    fn auth(&self, service: &str, region: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential={}/20260101/{region}/{service}/aws4_request, \
             SignedHeaders=host, Signature=0",
            self.access_key
        )
    }

    /// Raw query-protocol request (form POST to `/`).
    pub fn query(
        &self,
        service: &str,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> HttpResponse {
        let mut all: Vec<(&str, &str)> = vec![("Action", action), ("Version", version)];
        all.extend_from_slice(params);
        let body = http::encode_form(&all);
        let auth = self.auth(service, &self.region);
        let mut headers: Vec<(&str, &str)> = vec![
            ("Authorization", auth.as_str()),
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
        ];
        if let Some(acct) = &self.account_id {
            headers.push(("x-moto-account-id", acct));
        }
        if let Some(ua) = &self.user_agent {
            headers.push(("User-Agent", ua));
        }
        http::request(&self.base_url, "POST", "/", &headers, body.as_bytes())
            .unwrap_or_else(|e| panic!("{service} {action} via {}: {e}", self.base_url))
    }

    /// IAM query request; returns the response XML, panics unless 2xx.
    pub fn iam_query(&self, action: &str, params: &[(&str, &str)]) -> String {
        let r = self.try_iam_query(action, params);
        assert!(
            r.is_success(),
            "IAM {action} failed: HTTP {} {}",
            r.status,
            r.text()
        );
        r.text()
    }

    /// IAM query request, any status.
    pub fn try_iam_query(&self, action: &str, params: &[(&str, &str)]) -> HttpResponse {
        self.query("iam", "2010-05-08", action, params)
    }

    /// The role `arn` made in its account when it is not there, trusting the tests' account
    /// (STS assumes only a role that exists).
    pub fn assumable_role(&self, arn: &str) {
        let (account, name) = (
            arn.split(':').nth(4).unwrap(),
            arn.rsplit('/').next().unwrap(),
        );
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
        );
        let made = self.clone().with_account(account).try_iam_query(
            "CreateRole",
            &[("RoleName", name), ("AssumeRolePolicyDocument", &trust)],
        );
        assert!(
            made.is_success() || made.text().contains("EntityAlreadyExists"),
            "CreateRole {arn}: {}",
            made.text()
        );
    }

    /// STS query request; returns the response XML, panics unless 2xx.
    pub fn sts_query(&self, action: &str, params: &[(&str, &str)]) -> String {
        let r = self.query("sts", "2011-06-15", action, params);
        assert!(
            r.is_success(),
            "STS {action} failed: HTTP {} {}",
            r.status,
            r.text()
        );
        r.text()
    }

    /// Raw Lambda REST-JSON request in `region`.
    pub fn lambda(
        &self,
        region: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> HttpResponse {
        let auth = self.auth("lambda", region);
        let mut headers: Vec<(&str, &str)> = vec![("Authorization", auth.as_str())];
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(acct) = &self.account_id {
            headers.push(("x-moto-account-id", acct));
        }
        http::request(&self.base_url, method, path, &headers, payload.as_bytes())
            .unwrap_or_else(|e| panic!("lambda {method} {path} via {}: {e}", self.base_url))
    }

    fn lambda_ok(
        &self,
        region: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> serde_json::Value {
        let r = self.lambda(region, method, path, body);
        assert!(
            r.is_success(),
            "lambda {method} {path} failed: HTTP {} {}",
            r.status,
            r.text()
        );
        r.json()
    }

    /// ARN of the `lambda-exec` role (moto requires the function's role to exist); creates it
    /// if missing.
    pub fn ensure_lambda_exec_role(&self) -> String {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let r = self.try_iam_query(
            "CreateRole",
            &[
                ("RoleName", LAMBDA_EXEC_ROLE),
                ("AssumeRolePolicyDocument", trust),
            ],
        );
        let xml = if r.is_success() {
            r.text()
        } else if r.text().contains("EntityAlreadyExists") {
            self.iam_query("GetRole", &[("RoleName", LAMBDA_EXEC_ROLE)])
        } else {
            panic!("create {LAMBDA_EXEC_ROLE}: HTTP {} {}", r.status, r.text())
        };
        http::xml_first(&xml, "Arn").expect("role ARN in response")
    }

    /// Create a python3.12 function `name` in `region` (tiny zip, role `lambda-exec`);
    /// returns its unqualified ARN.
    pub fn lambda_create_function(&self, name: &str, region: &str) -> String {
        let role = self.ensure_lambda_exec_role();
        self.lambda_create_function_as(name, region, &role)
    }

    /// [`lambda_create_function`](Self::lambda_create_function) with the role's ARN known.
    pub fn lambda_create_function_as(&self, name: &str, region: &str, role: &str) -> String {
        let zip = tiny_zip(
            "index.py",
            b"def handler(event, context):\n    return event\n",
        );
        let body = serde_json::json!({
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": role,
            "Handler": "index.handler",
            "Code": { "ZipFile": http::base64_encode(&zip) },
        });
        // moto answers a burst of first calls into new accounts, seeded from many threads, with
        // an occasional HTTP 500. Seeding is not what a test measures: the function made anyway
        // is taken, else the call is made again.
        let account = self.account_id.as_deref().unwrap_or(DEFAULT_ACCOUNT);
        let arn = format!("arn:aws:lambda:{region}:{account}:function:{name}");
        for _ in 0..3 {
            let r = self.lambda(region, "POST", "/2015-03-31/functions", Some(&body));
            if r.status != 500 {
                assert!(
                    r.is_success(),
                    "lambda CreateFunction {name}: HTTP {} {}",
                    r.status,
                    r.text()
                );
                return r.json()["FunctionArn"]
                    .as_str()
                    .expect("FunctionArn")
                    .to_string();
            }
            let got = self.get_function(&arn, None);
            if got.is_success() {
                return got.json()["Configuration"]["FunctionArn"]
                    .as_str()
                    .expect("FunctionArn")
                    .to_string();
            }
        }
        panic!("lambda CreateFunction {name}: HTTP 500 three times from moto")
    }

    /// Publish a version of `function` (name or ARN); returns the version number.
    pub fn publish_version(&self, function: &str) -> String {
        let (name, region) = self.function_ref(function);
        let v = self.lambda_ok(
            &region,
            "POST",
            &format!(
                "/2015-03-31/functions/{}/versions",
                http::percent_encode(&name)
            ),
            Some(&serde_json::json!({})),
        );
        v["Version"].as_str().expect("Version").to_string()
    }

    /// Create alias `alias` → `version` on `function` (name or ARN); returns the alias ARN.
    /// Use `publish_version` first (or pass "$LATEST").
    pub fn create_alias(&self, function: &str, alias: &str, version: &str) -> String {
        let (name, region) = self.function_ref(function);
        let v = self.lambda_ok(
            &region,
            "POST",
            &format!(
                "/2015-03-31/functions/{}/aliases",
                http::percent_encode(&name)
            ),
            Some(&serde_json::json!({ "Name": alias, "FunctionVersion": version })),
        );
        v["AliasArn"].as_str().expect("AliasArn").to_string()
    }

    /// GetFunction (any status). `function` is a name or ARN.
    pub fn get_function(&self, function: &str, qualifier: Option<&str>) -> HttpResponse {
        let (name, region) = self.function_ref(function);
        let mut path = format!("/2015-03-31/functions/{}", http::percent_encode(&name));
        if let Some(q) = qualifier {
            path.push_str(&format!("?Qualifier={}", http::percent_encode(q)));
        }
        self.lambda(&region, "GET", &path, None)
    }

    /// An AWS Organizations call (JSON 1.1: `X-Amz-Target: AWSOrganizationsV20161128.OP`),
    /// any status.
    pub fn organizations(&self, op: &str, body: serde_json::Value) -> HttpResponse {
        let auth = self.auth("organizations", DEFAULT_REGION);
        let target = format!("AWSOrganizationsV20161128.{op}");
        let mut headers: Vec<(&str, &str)> = vec![
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", target.as_str()),
        ];
        if let Some(acct) = &self.account_id {
            headers.push(("x-moto-account-id", acct));
        }
        let payload = body.to_string();
        http::request(&self.base_url, "POST", "/", &headers, payload.as_bytes())
            .unwrap_or_else(|e| panic!("organizations {op} via {}: {e}", self.base_url))
    }

    /// A new organization of this account with each of `kinds` of policy enabled at its root
    /// (waited for) and one member account, `member`: (root, member).
    pub fn organization_with(&self, kinds: &[&str]) -> (String, String) {
        let all = serde_json::json!({"FeatureSet": "ALL"});
        self.organizations_ok("CreateOrganization", all);
        let roots = self.organizations_ok("ListRoots", serde_json::json!({}));
        let root = roots["Roots"][0]["Id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for kind in kinds {
            self.enable_policy_type(&root, kind);
        }
        let member = self.create_account("member");
        (root, member)
    }

    /// A member account `name` made in the organization: its ID.
    pub fn create_account(&self, name: &str) -> String {
        let body = serde_json::json!({"AccountName": name, "Email": format!("{name}@example.com")});
        let made = self.organizations_ok("CreateAccount", body);
        let id = made["CreateAccountStatus"]["AccountId"].as_str();
        id.unwrap_or_default().to_owned()
    }

    /// Enables `kind` at `root` and waits, as a caller of AWS must, until `ListRoots` says it
    /// is ENABLED (the local AWS answers PENDING_ENABLE first: `moto_rcps.py`).
    pub fn enable_policy_type(&self, root: &str, kind: &str) {
        let body = serde_json::json!({"RootId": root, "PolicyType": kind});
        self.organizations_ok("EnablePolicyType", body);
        for _ in 0..10 {
            let roots = self.organizations_ok("ListRoots", serde_json::json!({}));
            let types = roots["Roots"][0]["PolicyTypes"].as_array().cloned();
            let enabled = types
                .unwrap_or_default()
                .iter()
                .any(|t| t["Type"] == kind && t["Status"] == "ENABLED");
            if enabled {
                return;
            }
        }
        panic!("{kind} is still not ENABLED at {root} after ten ListRoots");
    }

    /// An AWS Organizations call that must succeed; its JSON answer.
    pub fn organizations_ok(&self, op: &str, body: serde_json::Value) -> serde_json::Value {
        let r = self.organizations(op, body);
        assert!(
            r.is_success(),
            "organizations {op} failed: HTTP {} {}",
            r.status,
            r.text()
        );
        r.json()
    }

    /// Lambda `AddPermission` on `function` (name or ARN) at `qualifier`, any status.
    pub fn add_permission(
        &self,
        function: &str,
        qualifier: Option<&str>,
        body: &serde_json::Value,
    ) -> HttpResponse {
        let (name, region) = self.function_ref(function);
        self.lambda(&region, "POST", &policy_path(&name, qualifier), Some(body))
    }

    /// Lambda `GetPolicy` of `function` (name or ARN) at `qualifier`, any status.
    pub fn get_policy(&self, function: &str, qualifier: Option<&str>) -> HttpResponse {
        let (name, region) = self.function_ref(function);
        self.lambda(&region, "GET", &policy_path(&name, qualifier), None)
    }

    /// (function name, region) from a bare name (self.region) or a function ARN.
    fn function_ref(&self, function: &str) -> (String, String) {
        let parts: Vec<&str> = function.split(':').collect();
        if parts.len() >= 7 && parts[0] == "arn" && parts[2] == "lambda" {
            (parts[6].to_string(), parts[3].to_string())
        } else {
            (function.to_string(), self.region.clone())
        }
    }
}

/// `/2015-03-31/functions/NAME/policy[?Qualifier=Q]`.
fn policy_path(name: &str, qualifier: Option<&str>) -> String {
    let mut path = format!(
        "/2015-03-31/functions/{}/policy",
        http::percent_encode(name)
    );
    if let Some(q) = qualifier {
        path.push_str(&format!("?Qualifier={}", http::percent_encode(q)));
    }
    path
}

// ------------------------------------------------------------------ tiny zip

/// A single-file, uncompressed (stored) zip archive.
pub fn tiny_zip(file_name: &str, content: &[u8]) -> Vec<u8> {
    let crc = crc32(content);
    let name = file_name.as_bytes();
    let size = content.len() as u32;
    let mut z = Vec::new();
    // local file header
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    z.extend_from_slice(&20u16.to_le_bytes()); // version needed
    z.extend_from_slice(&0u16.to_le_bytes()); // flags
    z.extend_from_slice(&0u16.to_le_bytes()); // method: stored
    z.extend_from_slice(&0u16.to_le_bytes()); // mod time
    z.extend_from_slice(&0x21u16.to_le_bytes()); // mod date 1980-01-01
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes()); // extra len
    z.extend_from_slice(name);
    z.extend_from_slice(content);
    let cd_offset = z.len() as u32;
    // central directory
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&0x031Eu16.to_le_bytes()); // version made by (unix, 3.0)
    z.extend_from_slice(&20u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&0x21u16.to_le_bytes());
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes()); // extra
    z.extend_from_slice(&0u16.to_le_bytes()); // comment
    z.extend_from_slice(&0u16.to_le_bytes()); // disk
    z.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
    z.extend_from_slice(&(0o100644u32 << 16).to_le_bytes()); // external attrs
    z.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    z.extend_from_slice(name);
    let cd_size = z.len() as u32 - cd_offset;
    // end of central directory
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&1u16.to_le_bytes());
    z.extend_from_slice(&1u16.to_le_bytes());
    z.extend_from_slice(&cd_size.to_le_bytes());
    z.extend_from_slice(&cd_offset.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
