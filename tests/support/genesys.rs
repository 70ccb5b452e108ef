//! A local Genesys Cloud per test: `tests/support/genesys_fake.py` (stdlib HTTP server, request
//! and response bodies checked against the Genesys Python SDK's models) on its own port, plus
//! blocking helpers for its control API (`/__fake/…`: calls on the wire, fault injection,
//! tampering as a person in the admin UI, settings, the full state).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use super::http::{self, HttpResponse};

/// The organization ID the fake uses when none is given (the example config's external ID).
pub const DEFAULT_ORG_ID: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

/// One request the fake answered (control calls excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GCall {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The raw query string ("" when none).
    pub query: String,
    pub status: u16,
    /// POST/PUT/PATCH/DELETE under `/api/v2/`, except the audit query and the action test.
    pub write: bool,
}

pub struct GenesysFake {
    child: Child,
    url: String,
    client_id: String,
    client_secret: String,
    log_path: PathBuf,
    dir: Option<tempfile::TempDir>,
}

/// `<crate>/.venv/bin/python` (made by `just setup`, with `purecloudplatformclientv2`).
pub fn python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python")
}

/// The fake's script.
pub fn fake_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/genesys_fake.py")
}

static STARTED: AtomicUsize = AtomicUsize::new(0);

impl GenesysFake {
    /// A fresh fake on a port of its own (the fake binds port 0 and prints it); the action test
    /// reports failure (no AWS endpoint).
    pub fn start() -> GenesysFake {
        Self::spawn(None, DEFAULT_ORG_ID)
    }

    /// A fresh fake whose action test assumes roles and dry-run invokes functions on the moto
    /// server at `aws_endpoint`, with `org_id` as the external ID.
    pub fn start_with_aws(aws_endpoint: &str, org_id: &str) -> GenesysFake {
        Self::spawn(Some(aws_endpoint), org_id)
    }

    fn spawn(aws_endpoint: Option<&str>, org_id: &str) -> GenesysFake {
        let python = python();
        assert!(
            python.exists(),
            "{} not found — run `just setup` first (creates .venv with moto and \
             purecloudplatformclientv2)",
            python.display()
        );
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let client_id = format!("lambda-trust-test-{}-{n}", std::process::id());
        let client_secret = format!("secret-{:x}-{n}", std::process::id() as u64 * 7919 + 17);
        let dir = tempfile::Builder::new()
            .prefix("genesys-fake-")
            .tempdir()
            .expect("create temp dir for the genesys fake log");
        let log_path = dir.path().join("genesys_fake.log");
        let log = File::create(&log_path).expect("create genesys fake log");
        let mut cmd = Command::new(&python);
        cmd.arg(fake_script())
            .args(["--port", "0", "--client-id", &client_id])
            .args(["--client-secret", &client_secret, "--org-id", org_id])
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(endpoint) = aws_endpoint {
            cmd.args(["--aws-endpoint", endpoint]);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", python.display()));
        let stdout = child.stdout.take().expect("fake stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut fake = GenesysFake {
            child,
            url: String::new(),
            client_id,
            client_secret,
            log_path,
            dir: Some(dir),
        };
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        match line.trim().strip_prefix("listening on ") {
            Some(url) => fake.url = url.to_string(),
            None => panic!(
                "genesys fake did not start (first line {line:?}); log {}:\n{}",
                fake.log_path.display(),
                fake.log_tail(40)
            ),
        }
        fake
    }

    /// Base URL: the API URL and its own login URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// `GENESYSCLOUD_OAUTHCLIENT_ID`, `GENESYSCLOUD_OAUTHCLIENT_SECRET` and
    /// `GENESYSCLOUD_API_REGION` (= the URL) for the binary.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "GENESYSCLOUD_OAUTHCLIENT_ID".to_string(),
                self.client_id.clone(),
            ),
            (
                "GENESYSCLOUD_OAUTHCLIENT_SECRET".to_string(),
                self.client_secret.clone(),
            ),
            ("GENESYSCLOUD_API_REGION".to_string(), self.url.clone()),
        ]
    }

    /// Every call the fake answered since the last reset, in order.
    pub fn calls(&self) -> Vec<GCall> {
        let v = self.control("GET", "/__fake/calls", None);
        v.as_array()
            .expect("calls: a list")
            .iter()
            .map(|c| GCall {
                method: c["method"].as_str().unwrap_or_default().to_string(),
                path: c["path"].as_str().unwrap_or_default().to_string(),
                query: c["query"].as_str().unwrap_or_default().to_string(),
                status: c["status"].as_u64().unwrap_or_default() as u16,
                write: c["write"].as_bool().unwrap_or_default(),
            })
            .collect()
    }

    /// How many write calls (see [`GCall::write`]) the fake answered since the last reset.
    pub fn writes(&self) -> usize {
        self.calls().iter().filter(|c| c.write).count()
    }

    pub fn reset_calls(&self) {
        self.control("POST", "/__fake/calls/reset", Some(&json!({})));
    }

    /// The next `count` calls matching `method` (any when None) and `path_prefix` ("" = any)
    /// fail with `status` (429, 409, 500 or 503); a 429 carries `Retry-After: retry_after`
    /// (1 when None).
    pub fn inject(
        &self,
        status: u16,
        count: usize,
        retry_after: Option<u64>,
        method: Option<&str>,
        path_prefix: &str,
    ) {
        self.control(
            "POST",
            "/__fake/inject",
            Some(&json!({
                "status": status,
                "count": count,
                "retry_after": retry_after,
                "method": method,
                "path_prefix": path_prefix,
            })),
        );
    }

    /// An edit as a person in the admin UI would make it (bumps version/modifiedDate, adds an
    /// audit entry for `user`, default "Jane Admin"); returns the changed object, unredacted.
    /// Kinds: `{"kind":"credential","id","fields":{"ARN":…}}`,
    /// `{"kind":"action","id","set":{"config.timeoutSeconds": 5, …}}` (dotted path or JSON
    /// pointer into the stored action; templates are `config.request.requestTemplate` and
    /// `config.response.successTemplate`), `{"kind":"integration","id","intendedState"?,
    /// "credentials"?: {KEY: credential id}, "name"?}`, `{"kind":"create_action",
    /// "integrationId","name","requestUrlTemplate","category"?,…}`.
    pub fn tamper(&self, edit: Value) -> Value {
        self.control("POST", "/__fake/tamper", Some(&edit))
    }

    /// `{"audit_permitted": bool}`: without it the audit query answers 403.
    pub fn settings(&self, settings: Value) {
        self.control("POST", "/__fake/settings", Some(&settings));
    }

    /// Everything the fake holds, unredacted: integrations, credentials (with their fields),
    /// actions (with template texts and drafts), the audit trail, settings, injections.
    pub fn state(&self) -> Value {
        self.control("GET", "/__fake/state", None)
    }

    /// A bearer token for this fake's client (not recorded specially: it is a call like any).
    pub fn token(&self) -> String {
        let basic =
            http::base64_encode(format!("{}:{}", self.client_id, self.client_secret).as_bytes());
        let r = self.raw(
            "POST",
            "/oauth/token",
            &[
                ("Authorization", &format!("Basic {basic}")),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            b"grant_type=client_credentials",
        );
        assert_eq!(r.status, 200, "token: {}", r.text());
        r.json()["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// One API call with `token` (JSON body when given).
    pub fn api(&self, token: &str, method: &str, path: &str, body: Option<&Value>) -> HttpResponse {
        let auth = format!("Bearer {token}");
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.raw(method, path, &headers, payload.as_bytes())
    }

    /// One raw request to the fake.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResponse {
        http::request(&self.url, method, path, headers, body)
            .unwrap_or_else(|e| panic!("genesys fake {method} {path}: {e}"))
    }

    fn control(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let r = self.raw(
            method,
            path,
            &[("Content-Type", "application/json")],
            payload.as_bytes(),
        );
        assert_eq!(r.status, 200, "genesys fake {method} {path}: {}", r.text());
        r.json()
    }

    /// The last `n` lines of the fake's stderr log.
    pub fn log_tail(&self, n: usize) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(&self.log_path) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = f.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
            let _ = f.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

impl Drop for GenesysFake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            if let Some(dir) = self.dir.take() {
                let kept = dir.keep();
                eprintln!(
                    "genesys fake log kept: {}",
                    kept.join("genesys_fake.log").display()
                );
            }
        }
    }
}
