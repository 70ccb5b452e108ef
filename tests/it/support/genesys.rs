//! A local Genesys Cloud per test: `tests/it/support/genesys_fake.py` (stdlib HTTP server, request
//! and response bodies and query parameters checked against the Genesys Python SDK's endpoints
//! and models) on its own port, plus blocking helpers for its control API (`/__fake/…`, no
//! auth, never in the call log):
//!
//! | control call | helper |
//! |---|---|
//! | `GET /__fake/calls`, `POST /__fake/calls/reset` | [`GenesysFake::calls`], [`GenesysFake::writes`], [`GenesysFake::reset_calls`] |
//! | `POST /__fake/inject {status, count, retry_after?, method?, path_prefix?}` | [`GenesysFake::inject`] (fails before the write) |
//! | `… {"status": 503, …, "after_write": true}` | [`GenesysFake::lose_answer`] (the write happens, the answer is a 503) |
//! | `… {"drop": true, count, method?, path_prefix?}` | [`GenesysFake::drop_after_write`] (the write happens, the connection closes unanswered) |
//! | `POST /__fake/tamper {kind, …}` | [`GenesysFake::tamper`] (an edit as a person in the admin UI) |
//! | `POST /__fake/settings {…}` | [`GenesysFake::settings`] (`audit_permitted`, `dependency_tracking_permitted`, `credential_fields`, `rate_limit`, `clock`) |
//! | `POST /__fake/flows {name, type, version?, published?, actions}`, `DELETE /__fake/flows/{id}` | [`GenesysFake::add_flow`], [`GenesysFake::add_flow_with`], [`GenesysFake::remove_flow`] (Architect flows, for dependency tracking) |
//! | `GET /__fake/state` | [`GenesysFake::state`] |
//!
//! The rules the fake follows where it is stricter than a naive server (each pinned by
//! `tests/it/genesys_fake.rs`, sources in the fake's docstring): the actions list never carries
//! `contract` (only `GET …/actions/{id}?expand=contract` does; unknown query parameters are
//! ignored); a published action's contract and `secure` never change (400); a stale draft
//! version is a 400 "Supplied version N does not match latest draft version M" (the action
//! PATCH and config PUT answer 409); the credential listings' dates have second precision while
//! POST/PUT answers have milliseconds; `GET …/credentials/{id}` masks each field; audit entries
//! name the user only with `?expand=user`, draft changes are `ActionDraft` entries; Architect
//! dependency tracking answers the seeded flows (403 without `architect:dependencyTracking:view`);
//! every API answer carries `inin-ratelimit-count|allowed|reset`.

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
#[derive(Debug, Clone, PartialEq)]
pub struct GCall {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The raw query string ("" when none).
    pub query: String,
    pub status: u16,
    /// POST/PUT/PATCH/DELETE under `/api/v2/`, except the audit query and the action test.
    pub write: bool,
    /// The connection was closed without an answer ([`GenesysFake::drop_after_write`]); `status`
    /// is then 0.
    pub dropped: bool,
    /// When the fake answered, in seconds of its monotonic clock (only differences count).
    pub at: f64,
    /// When the request arrived, in seconds since the Unix epoch (before any `latency_seconds`
    /// setting delays it): comparable with the AWS proxy's `Call::arrived`.
    pub arrived: f64,
    /// The `inin-ratelimit-count` the answer carried: the requests of its rate-limit window so
    /// far, this one included (0 when it carried none: a 429 or a login).
    pub window_count: u64,
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
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/genesys_fake.py")
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
                dropped: c["dropped"].as_bool().unwrap_or_default(),
                at: c["at"].as_f64().unwrap_or_default(),
                arrived: c["arrived"].as_f64().unwrap_or_default(),
                window_count: c["window_count"].as_u64().unwrap_or_default(),
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
    /// fail with `status` (429, 409, 500 or 503) before doing anything; a 429 carries
    /// `Retry-After: retry_after` (1 when None).
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

    /// A lost answer: the next `count` calls matching `method` and `path_prefix` ("" = any; a
    /// prefix: `/api/v2/integrations` matches credentials and actions too) are
    /// carried out (the object is created or changed) and then answered 503, as if they had
    /// failed. A call that fails on its own (400, 404…) answers that failure (nothing was
    /// written) and still uses up one of the `count`.
    pub fn lose_answer(&self, method: &str, path_prefix: &str, count: usize) {
        self.control(
            "POST",
            "/__fake/inject",
            Some(&json!({"status": 503, "count": count, "method": method,
                         "path_prefix": path_prefix, "after_write": true})),
        );
    }

    /// A dropped connection: the next `count` calls matching `method` and `path_prefix` are
    /// carried out, then the connection is closed without an answer (the client sees the
    /// connection end; the call log records status 0, `dropped`).
    pub fn drop_after_write(&self, method: &str, path_prefix: &str, count: usize) {
        self.control(
            "POST",
            "/__fake/inject",
            Some(&json!({"drop": true, "count": count, "method": method,
                         "path_prefix": path_prefix, "after_write": true})),
        );
    }

    /// A published Architect flow named `name`, of dependency type `flow_type` (e.g.
    /// `INBOUNDCALLFLOW`, one of the SDK's `Dependency.type` values), version "1.0", calling the
    /// data actions `action_ids`; returns its ID. Dependency tracking
    /// (`GET /api/v2/architect/dependencytracking/consumingresources`) reports it as a consumer
    /// of each of those actions.
    pub fn add_flow(&self, name: &str, flow_type: &str, action_ids: &[&str]) -> String {
        self.add_flow_with(json!({"name": name, "type": flow_type, "actions": action_ids}))
    }

    /// A flow as given: `{"name", "type"?, "version"? (default "1.0"), "published"? (default
    /// true; false = checked in, not published: listed with `flowFilter=checkedIn` or no
    /// filter, not with `flowFilter=published`), "actions": [action IDs], "id"?}`; returns its ID.
    pub fn add_flow_with(&self, flow: Value) -> String {
        let v = self.control("POST", "/__fake/flows", Some(&flow));
        v["id"].as_str().expect("flow id").to_string()
    }

    /// What the action test answers for `function_arn` (moto runs no function code):
    /// `{"answer", "function_error"?, "delay_seconds"?}` (genesys_fake.py, `/__fake/functions`).
    pub fn function_answers(&self, function_arn: &str, mut behaviour: Value) {
        behaviour["arn"] = Value::String(function_arn.to_string());
        self.control("POST", "/__fake/functions", Some(&behaviour));
    }

    /// Removes a flow added by [`GenesysFake::add_flow`] (it no longer consumes anything).
    pub fn remove_flow(&self, id: &str) {
        self.control("DELETE", &format!("/__fake/flows/{id}"), None);
    }

    /// An edit as a person in the admin UI would make it (bumps version/modifiedDate, adds an
    /// audit entry for `user`, default "Jane Admin"); returns the changed object, unredacted.
    /// Kinds: `{"kind":"credential","id","fields":{"ARN":…}}`,
    /// `{"kind":"action","id","set":{"config.timeoutSeconds": 5, …}}` (dotted path or JSON
    /// pointer into the stored action; templates are `config.request.requestTemplate` and
    /// `config.response.successTemplate`; bumps the action's version; the contract and `secure`
    /// cannot change, as in the UI: the call panics with the fake's 400), `{"kind":"integration","id","intendedState"?,
    /// "credentials"?: {KEY: credential id}, "name"?}`, `{"kind":"create_action",
    /// "integrationId","name","requestUrlTemplate","category"?,…}`.
    pub fn tamper(&self, edit: Value) -> Value {
        self.control("POST", "/__fake/tamper", Some(&edit))
    }

    /// Settings, any subset of: `{"audit_permitted": bool}` (false: the audit query answers
    /// 403 `missing.permissions`), `{"dependency_tracking_permitted": bool}` (false: dependency
    /// tracking answers 403 naming `architect:dependencyTracking:view`),
    /// `{"credential_fields": "masked"|"omitted"}` (how `GET …/credentials/{id}` redacts the
    /// fields; default masked), `{"rate_limit": {"allowed": N, "window_seconds": S}}` (enforced:
    /// the N+1st API call in a fixed window answers 429 `too.many.requests` with `Retry-After`;
    /// `"enforce": false` only reports against N and S in the headers; `null` = the default:
    /// not enforced, `inin-ratelimit-*` headers counting against 300 a minute).
    pub fn settings(&self, settings: Value) {
        self.control("POST", "/__fake/settings", Some(&settings));
    }

    /// Everything the fake holds, unredacted: integrations, credentials (with their fields),
    /// actions (with template texts and drafts), the audit trail, flows, settings, injections.
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
