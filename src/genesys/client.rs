//! The Genesys Cloud HTTP client: OAuth client credentials, JSON requests, and the one retry
//! policy (429 → wait `Retry-After`; 5xx and dropped connections → backoff, at most
//! `--max-attempts` attempts, the setting the AWS calls use; all counted for the report, each
//! wait told to a [`Progress`] sink the command passes in).
//!
//! Part of the `genesys` layer: the only place that names the HTTP client crate. Secrets live
//! in `credentials::Secret`, whose `Debug` and `Display` never show them.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::time::Instant;

use super::credentials::{OAuthClient, Secret};
use super::error::GenesysError;
use crate::retry::{
    retry_with, Backoff, Limit, Progress, Quiet, Retry, Wait, Waiting, DEFAULT_MAX_ATTEMPTS,
};
use lambda_trust_config::Endpoints;

/// What the client did, for the report: writes on the wire and every retried call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    pub reads: usize,
    pub writes: usize,
    /// One per retried attempt.
    pub retried: Vec<Retried>,
    /// The server's clock at its latest answer (the `Date` header, second precision): what
    /// decides when a second has passed on Genesys Cloud's side, never this machine's clock.
    pub server_date: Option<chrono::DateTime<chrono::Utc>>,
}

/// One retried call: what made it retry, and the request (its path without the query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Retried {
    /// The HTTP status answered (429, 409, 5xx…); `None`: the connection failed.
    pub status: Option<u16>,
    pub method: Method,
    pub path: String,
}

impl Retried {
    pub(crate) fn new(e: &GenesysError, method: &Method, path: &str) -> Retried {
        Retried {
            status: e.status(),
            method: method.clone(),
            path: path.split('?').next().unwrap_or(path).to_string(),
        }
    }

    /// `429`, `503`, `connection`: how the report counts retries.
    pub(crate) fn cause(&self) -> String {
        self.status
            .map_or_else(|| "connection".to_string(), |s| s.to_string())
    }
}

impl fmt::Display for Retried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.cause(), self.method, self.path)
    }
}

/// How the client retries: attempts per call (`--max-attempts`, first try included) and
/// where each wait is told.
#[derive(Clone)]
pub(crate) struct Retries {
    pub max_attempts: u32,
    /// `--timeout`: the most one call may take, its retries and waits included.
    pub timeout: Duration,
    pub progress: Arc<dyn Progress>,
}

impl Default for Retries {
    fn default() -> Retries {
        Retries {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            timeout: crate::retry::DEFAULT_TIMEOUT,
            progress: Arc::new(Quiet),
        }
    }
}

impl Retries {
    /// The limit of one call starting now: `--max-attempts`, and `--timeout` from now.
    fn limit(&self) -> Limit {
        Limit {
            deadline: Instant::now() + self.timeout,
            max_attempts: self.max_attempts.max(1),
        }
    }

    /// Tells the sink of a retry's wait.
    fn waiting(&self, e: &GenesysError, method: &Method, path: &str, wait: Wait) {
        let retried = Retried::new(e, method, path);
        self.progress.waiting(&Waiting {
            service: SERVICE,
            request: format!("{} {}", retried.method, retried.path),
            cause: retried.cause(),
            asked: matches!(e, GenesysError::Api { status: 429, .. }),
            wait,
        });
    }
}

/// How progress names this service.
const SERVICE: &str = "Genesys Cloud";

/// A signed-in client.
pub(crate) struct Client {
    http: reqwest::Client,
    api_url: String,
    token: Secret,
    /// The OAuth client's ID: its own changes are told apart in the audit trail.
    oauth_id: String,
    retries: Retries,
    stats: Mutex<Stats>,
    /// Requests wait until then: the rate-limit window was used up.
    paused_until: Mutex<Option<Instant>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// The backoff between attempts after a server error or a dropped connection (their number is
/// [`Retries::max_attempts`]).
const BACKOFF: Backoff = Backoff {
    initial: Duration::from_millis(200),
    max: Duration::from_secs(4),
};
/// The longest single `Retry-After` honoured (a longer one is waited this long, then retried).
const MAX_RETRY_AFTER: u64 = 300;
/// A connection not made by then is a failed attempt (an unreachable host).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which errors are worth another attempt, and after how long. `repeatable`: sending the
/// request twice does no harm (every method but POST, and the POSTs that only read). A create
/// whose answer was lost is never sent again blindly: `apply` re-lists first.
fn classify(e: &GenesysError, repeatable: bool) -> Retry {
    match e {
        GenesysError::Api {
            status: 429,
            retry_after,
            ..
        } => Retry::After(Duration::from_secs(
            retry_after.unwrap_or(1).clamp(1, MAX_RETRY_AFTER),
        )),
        GenesysError::Api { status, .. } if *status >= 500 && repeatable => Retry::Backoff,
        GenesysError::Transport { .. } if repeatable => Retry::Backoff,
        _ => Retry::No,
    }
}

/// Whether an answer may have been lost after the server acted on it: a server error or a
/// dropped connection (a create may have happened; re-list before creating again).
pub(crate) fn maybe_lost(e: &GenesysError) -> bool {
    matches!(e, GenesysError::Transport { .. })
        || matches!(e, GenesysError::Api { status, .. } if *status >= 500)
}

/// The `inin-ratelimit-*` headers of one answer: requests counted in the current window, the
/// number allowed, and the seconds until the window resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RateWindow {
    count: u64,
    allowed: u64,
    reset_seconds: u64,
}

impl RateWindow {
    fn from_headers(h: &reqwest::header::HeaderMap) -> Option<RateWindow> {
        let num = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        Some(RateWindow {
            count: num("inin-ratelimit-count")?,
            allowed: num("inin-ratelimit-allowed")?,
            reset_seconds: num("inin-ratelimit-reset")?,
        })
    }

    /// How long to hold the next requests: until the reset once the window is used up (a
    /// per-minute window: a larger reset value is capped at a minute).
    fn pause(&self) -> Option<Duration> {
        (self.allowed > 0 && self.count >= self.allowed)
            .then(|| Duration::from_secs(self.reset_seconds.clamp(1, 60)))
    }
}

/// reqwest is built without a crypto provider of its own (Cargo.toml): it takes the process
/// default, which is aws-lc-rs, the one the AWS SDK's client uses. Err = already installed.
fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// The sign-in's request, as progress names it.
const TOKEN_REQUEST: &str = "POST /oauth/token";

/// The token endpoint's answer to one sign-in (attempt `attempt` of `retries`' most): the
/// access token, or why not (a refused client is `Auth`, with the server's description). An
/// attempt unanswered for a while is said, as every other call's is.
async fn token_answer(
    req: reqwest::RequestBuilder,
    url: &str,
    source_name: &str,
    retries: &Retries,
    attempt: u32,
) -> Result<Secret, GenesysError> {
    let exchange = async {
        let resp = req.send().await?;
        let status = resp.status();
        Ok::<_, reqwest::Error>((status, resp.text().await?))
    };
    let unanswered = || {
        crate::retry::unanswered(
            SERVICE,
            TOKEN_REQUEST.to_owned(),
            attempt,
            retries.max_attempts,
        )
    };
    let (status, text) =
        crate::retry::told_if_slow(retries.progress.as_ref(), unanswered, exchange)
            .await
            .map_err(|e| transport("POST", url, e))?;
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST {
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let message = v["error_description"]
            .as_str()
            .or(v["description"].as_str())
            .or(v["error"].as_str())
            .unwrap_or("invalid client credentials")
            .to_string();
        return Err(GenesysError::Auth {
            source_name: source_name.to_owned(),
            status: status.as_u16(),
            message,
        });
    }
    check_status("POST", "/oauth/token", status, None, &text)?;
    let v: Value = serde_json::from_str(&text).map_err(|e| decode("POST", "/oauth/token", e))?;
    v["access_token"]
        .as_str()
        .map(Secret::from)
        .ok_or_else(|| decode("POST", "/oauth/token", "no access_token"))
}

impl Client {
    /// Signs in (client-credentials grant) at the login URL; every call, this one included,
    /// retries as `retries` says.
    pub(crate) async fn connect(
        endpoints: &Endpoints,
        oauth: &OAuthClient,
        retries: Retries,
    ) -> Result<Client, GenesysError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(crate::retry::attempt_timeout(retries.timeout))
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("lambda-trust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GenesysError::Transport {
                method: "build".into(),
                url: endpoints.api_url.clone(),
                message: e.to_string(),
            })?;
        let url = format!("{}/oauth/token", endpoints.login_url);
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            oauth.id,
            oauth.secret.expose()
        ));
        let url = url.as_str();
        let post = Method::POST;
        let out = retry_with(
            retries.limit(),
            BACKOFF,
            |e| classify(e, true),
            |e, wait| retries.waiting(e, &post, "/oauth/token", wait),
            |attempt| {
                let req = http
                    .post(url)
                    .header("Authorization", format!("Basic {basic}"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body("grant_type=client_credentials");
                token_answer(req, url, &oauth.source, &retries, attempt)
            },
        )
        .await;
        if out.attempts > 1 {
            retries.progress.settled();
        }
        Ok(Client {
            http,
            api_url: endpoints.api_url.clone(),
            token: out.result?,
            oauth_id: oauth.id.clone(),
            retries,
            stats: Mutex::new(Stats::default()),
            paused_until: Mutex::new(None),
        })
    }

    pub(crate) fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The OAuth client's ID (lambda-trust's own changes in the audit trail).
    pub(crate) fn oauth_id(&self) -> &str {
        &self.oauth_id
    }

    pub(crate) fn stats(&self) -> Stats {
        self.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// `GET` a JSON document (`path` includes the query string).
    pub(crate) async fn get(&self, path: &str) -> Result<Value, GenesysError> {
        let text = self.call(Method::GET, path, None).await?;
        serde_json::from_str(&text).map_err(|e| decode("GET", path, e))
    }

    /// `GET` a text document (templates).
    pub(crate) async fn get_text(&self, path: &str) -> Result<String, GenesysError> {
        let text = self.call(Method::GET, path, None).await?;
        // Served as text/plain; a JSON string is accepted too.
        Ok(match serde_json::from_str::<Value>(&text) {
            Ok(Value::String(s)) => s,
            _ => text,
        })
    }

    /// A write (`POST`/`PUT`/`PATCH`/`DELETE`); the answer's JSON (`null` when empty).
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, GenesysError> {
        let m = method.to_string();
        let text = self.call(method, path, body).await?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| decode(&m, path, e))
    }

    /// One call with the retry policy; counts it and every retry.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<String, GenesysError> {
        let repeatable = method != Method::POST || path.starts_with("/api/v2/audits/query");
        let write = method != Method::GET && !is_query(path);
        let url = format!("{}{}", self.api_url, path);
        let out = retry_with(
            self.retries.limit(),
            BACKOFF,
            |e| classify(e, repeatable),
            |e, wait| {
                self.note_retry(e, &method, path);
                self.retries.waiting(e, &method, path, wait);
            },
            |attempt| self.once(method.clone(), url.clone(), path, body, attempt),
        )
        .await;
        if out.attempts > 1 {
            self.retries.progress.settled();
        }
        if let Ok(mut s) = self.stats.lock() {
            let n = out.attempts as usize;
            if write {
                s.writes += n;
            } else {
                s.reads += n;
            }
        }
        out.result
    }

    /// Waits while the rate-limit window is used up.
    async fn paced(&self, method: &Method, path: &str) {
        let until = self.paused_until.lock().ok().and_then(|p| *p);
        if let Some(until) = until {
            let now = Instant::now();
            if until > now {
                self.retries.progress.waiting(&Waiting {
                    service: SERVICE,
                    request: format!("{method} {}", path.split('?').next().unwrap_or(path)),
                    cause: "rate-limit window".to_string(),
                    asked: true,
                    wait: Wait {
                        attempt: 0,
                        max_attempts: self.retries.max_attempts,
                        elapsed: Duration::ZERO,
                        wait: until - now,
                    },
                });
                tokio::time::sleep_until(until).await;
                self.retries.progress.settled();
            }
        }
    }

    fn note_window(&self, w: Option<RateWindow>) {
        if let (Some(pause), Ok(mut p)) = (w.and_then(|w| w.pause()), self.paused_until.lock()) {
            let until = Instant::now() + pause;
            if p.is_none_or(|old| old < until) {
                *p = Some(until);
            }
        }
    }

    /// Keeps the answer's `Date` (an IMF-fixdate, RFC 9110) as the server's latest time.
    fn note_date(&self, headers: &reqwest::header::HeaderMap) {
        let date = (headers.get("Date").and_then(|v| v.to_str().ok()))
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .map(|d| d.with_timezone(&chrono::Utc));
        if let (Some(date), Ok(mut s)) = (date, self.stats.lock()) {
            s.server_date = Some(s.server_date.map_or(date, |d| d.max(date)));
        }
    }

    fn note_retry(&self, e: &GenesysError, method: &Method, path: &str) {
        if let Ok(mut s) = self.stats.lock() {
            s.retried.push(Retried::new(e, method, path));
        }
    }

    /// One attempt (numbered from 1) of a call: sent, and its answer read whole; an attempt
    /// unanswered for a while is said.
    async fn once(
        &self,
        method: Method,
        url: String,
        path: &str,
        body: Option<&Value>,
        attempt: u32,
    ) -> Result<String, GenesysError> {
        self.paced(&method, path).await;
        let m = method.to_string();
        let mut req = self
            .http
            .request(method, &url)
            .bearer_auth(self.token.expose())
            .header("Accept", "application/json");
        if let Some(b) = body {
            req = req.json(b);
        }
        let exchange = async {
            let resp = req.send().await?;
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get("Retry-After")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            self.note_window(RateWindow::from_headers(resp.headers()));
            self.note_date(resp.headers());
            Ok::<_, reqwest::Error>((status, retry_after, resp.text().await?))
        };
        let progress = self.retries.progress.as_ref();
        let unanswered = || {
            let request = format!("{m} {}", path.split('?').next().unwrap_or(path));
            crate::retry::unanswered(SERVICE, request, attempt, self.retries.max_attempts)
        };
        let (status, retry_after, text) =
            crate::retry::told_if_slow(progress, unanswered, exchange)
                .await
                .map_err(|e| transport(&m, &url, e))?;
        check_status(&m, path, status, retry_after, &text)?;
        Ok(text)
    }
}

/// `POST`s that only read: the audit query and the action test.
fn is_query(path: &str) -> bool {
    path.starts_with("/api/v2/audits/query") || path.ends_with("/test")
}

fn check_status(
    method: &str,
    path: &str,
    status: StatusCode,
    retry_after: Option<u64>,
    text: &str,
) -> Result<(), GenesysError> {
    if status.is_success() {
        return Ok(());
    }
    // Errors are the SDK's ErrorBody: {message, code, status, …}.
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    Err(GenesysError::Api {
        method: method.to_string(),
        path: path.split('?').next().unwrap_or(path).to_string(),
        status: status.as_u16(),
        code: v["code"].as_str().unwrap_or("").to_string(),
        message: v["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| text.chars().take(200).collect()),
        retry_after,
    })
}

/// A request that got no answer, with the causes reqwest keeps as sources ("connection
/// refused", "timed out"), which its own message leaves out.
fn transport(method: &str, url: &str, e: reqwest::Error) -> GenesysError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    GenesysError::Transport {
        method: method.to_string(),
        url: url.to_string(),
        message,
    }
}

fn decode(method: &str, path: &str, e: impl fmt::Display) -> GenesysError {
    GenesysError::Decode {
        method: method.to_string(),
        path: path.to_string(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show() {
        let c = OAuthClient {
            id: "id".into(),
            secret: Secret::from("hunter2"),
            source: "env".into(),
        };
        let shown = format!("{c:?} {}", c.secret);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
    }

    #[test]
    fn a_secret_json_names_what_is_missing() {
        let (c, base) = OAuthClient::from_secret_json(
            r#"{"client_id":"a","client_secret":"b","base_url":"https://api.mypurecloud.com"}"#,
            "s",
        )
        .unwrap();
        assert_eq!((c.id.as_str(), c.secret.expose()), ("a", "b"));
        assert_eq!(base.as_deref(), Some("https://api.mypurecloud.com"));
        let e = OAuthClient::from_secret_json(r#"{"client_id":"a"}"#, "s").unwrap_err();
        assert!(e.to_string().contains("client_secret"), "{e}");
        assert!(!e.to_string().contains("\"a\""));
    }

    #[test]
    fn retry_policy() {
        let api = |status, retry_after| GenesysError::Api {
            method: "GET".into(),
            path: "/".into(),
            status,
            code: String::new(),
            message: String::new(),
            retry_after,
        };
        assert_eq!(
            classify(&api(429, Some(3)), false),
            Retry::After(Duration::from_secs(3))
        );
        assert_eq!(
            classify(&api(429, Some(45)), true),
            Retry::After(Duration::from_secs(45))
        );
        assert_eq!(
            classify(&api(429, Some(3600)), true),
            Retry::After(Duration::from_secs(MAX_RETRY_AFTER))
        );
        assert_eq!(classify(&api(503, None), true), Retry::Backoff);
        // A create whose answer was lost is not sent again blindly.
        assert_eq!(classify(&api(503, None), false), Retry::No);
        assert!(maybe_lost(&api(503, None)) && !maybe_lost(&api(400, None)));
        assert_eq!(classify(&api(409, None), true), Retry::No);
        assert_eq!(classify(&api(400, None), true), Retry::No);
        let t = GenesysError::Transport {
            method: "POST".into(),
            url: "u".into(),
            message: "reset".into(),
        };
        assert_eq!(classify(&t, false), Retry::No);
        assert_eq!(classify(&t, true), Retry::Backoff);
    }

    #[test]
    fn a_used_up_rate_window_pauses_until_its_reset() {
        let w = |count, allowed, reset_seconds| RateWindow {
            count,
            allowed,
            reset_seconds,
        };
        assert_eq!(w(299, 300, 20).pause(), None);
        assert_eq!(w(300, 300, 20).pause(), Some(Duration::from_secs(20)));
        assert_eq!(w(301, 300, 0).pause(), Some(Duration::from_secs(1)));
        assert_eq!(
            w(300, 300, 1_800_000_000).pause(),
            Some(Duration::from_secs(60))
        );
        assert_eq!(w(5, 0, 20).pause(), None);
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("inin-ratelimit-count", "300".parse().unwrap());
        h.insert("inin-ratelimit-allowed", "300".parse().unwrap());
        assert_eq!(RateWindow::from_headers(&h), None);
        h.insert("inin-ratelimit-reset", "12".parse().unwrap());
        assert_eq!(RateWindow::from_headers(&h), Some(w(300, 300, 12)));
    }
}
