//! In-process HTTP/1.1 forwarding proxy in front of moto: records every AWS call
//! (service, operation, read/write) and injects faults (latency, throttling, 500s,
//! connection resets, a cut-off after N calls, AWS-style URL-encoded policy documents,
//! scripted per-operation errors).
//!
//! Runs on its own thread with its own tokio runtime; hand-rolled on tokio `TcpStream`
//! (no hyper server feature needed). Responses from upstream are buffered, then sent to the
//! client with a fresh `Content-Length`; client connections are kept alive, upstream
//! connections are one-shot (`Connection: close`).

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::cloudtrail::{self, Identity};
use super::http::{self, HttpResponse};
use super::moto::AwsSeed;

// ------------------------------------------------------------------ public types

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// IAM/STS/Lambda `Get*`, `List*`, `Simulate*` (incl. `GetCallerIdentity`), Organizations'
    /// `Describe*`.
    Read,
    /// Anything else that changes IAM/Lambda state.
    Write,
    /// `sts:AssumeRole*`, `lambda:Invoke*`, non-AWS requests (e.g. `/moto-api/…`), unknown routes.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Canned throttling error, not forwarded.
    Throttled,
    /// Canned HTTP 500, not forwarded.
    Error500,
    /// Forwarded (so the upstream change happened), then the client connection was reset (RST)
    /// instead of answering.
    Reset,
    /// `cut_after` reached: not forwarded, connection closed without a response.
    Cut,
    /// Scripted error from [`Proxy::inject`], not forwarded.
    Injected { status: u16, code: String },
    /// Could not reach the upstream; the client got a 502.
    UpstreamError(String),
    /// `hold_writes_from` reached: never answered (forwarded first when `forwarded`); the
    /// connection is held until the client closes it — the place a kill is made to land.
    Held,
}

#[derive(Clone, Debug)]
pub struct Call {
    /// Arrival order, 0-based, across the proxy's lifetime (not reset by `clear`).
    pub seq: usize,
    /// `iam`, `sts`, `lambda`, … from the SigV4 credential scope, else Host/path; `other`.
    pub service: String,
    /// `CreateRole`, `GetFunction`, … ; `"METHOD /path"` when unknown.
    pub operation: String,
    pub kind: Kind,
    /// `kind == Kind::Write`
    pub is_write: bool,
    /// Region from the credential scope.
    pub region: Option<String>,
    pub method: String,
    /// Request target (path + query) as sent.
    pub target: String,
    /// Decoded query-string and form-body parameters (query protocol: `Action`, `RoleName`, …).
    pub params: Vec<(String, String)>,
    /// Request body (lossy UTF-8).
    pub body: String,
    /// Whether the request reached the upstream.
    pub forwarded: bool,
    pub fault: Option<Fault>,
    /// Status sent to the client (None: no response, or still in flight).
    pub status: Option<u16>,
    /// When the request arrived, in seconds since the Unix epoch: comparable with the
    /// Genesys Cloud fake's [`super::genesys::GCall::arrived`] (one machine, one clock).
    pub arrived: f64,
    /// When its answer was sent back (seconds since the Unix epoch); `None` while in flight.
    pub answered: Option<f64>,
    /// The access key that signed it (SigV4's credential scope): which credentials, so which
    /// account, made the call.
    pub access_key: Option<String>,
}

impl Call {
    /// First decoded parameter with this name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// `service:Operation`, e.g. `iam:CreateRole`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
    /// `pattern` is `Operation` or `service:Operation`.
    pub fn matches(&self, pattern: &str) -> bool {
        if pattern.contains(':') {
            self.key() == pattern
        } else {
            self.operation == pattern
        }
    }
}

/// Fault injection settings; `Default` = transparent proxy. Rates are probabilities in
/// [0, 1] drawn per eligible request from a PRNG seeded with `seed` (re-seeded by every
/// `set_faults`), so a sequential client sees the same fault pattern on every run.
#[derive(Clone, Debug, Default)]
pub struct FaultConfig {
    /// Delay added before handling every request.
    pub latency: Duration,
    /// Answer with a throttling error (IAM/STS: 400 `Throttling`; Lambda: 429
    /// `TooManyRequestsException`) without forwarding.
    pub throttle_rate: f64,
    /// Answer with HTTP 500 (IAM: `ServiceFailure`; STS: `InternalFailure`; Lambda:
    /// `ServiceException`) without forwarding.
    pub error500_rate: f64,
    /// Forward, then reset the client connection instead of answering.
    pub reset_rate: f64,
    /// After this many forwarded requests (counted from `set_faults`), every further request is
    /// dropped by closing the connection without a response.
    pub cut_after: Option<usize>,
    /// Percent-encode (RFC 3986) `<PolicyDocument>`, `<AssumeRolePolicyDocument>` and
    /// `<Document>` contents of IAM XML responses that are not encoded yet (moto returns
    /// GetPolicyVersion raw; AWS encodes).
    pub url_encode_documents: bool,
    /// Lambda ListFunctions pages are at most `MaxItems` functions and never more than 50
    /// (AWS Lambda API Reference, ListFunctions: "returns a maximum of 50 items in each
    /// response"), then `NextMarker`; moto returns every function at once. Set, pages are at
    /// most this many (a smaller page exercises the markers).
    pub list_functions_page: Option<usize>,
    pub seed: u64,
    /// Split `GetAccountAuthorizationDetails` answers into pages of at most this many entries
    /// (users, groups, roles and policies together, as AWS counts `MaxItems`), with
    /// `IsTruncated`/`Marker`: moto always answers in one page. Every page is its own call,
    /// forwarded upstream and sliced (see [`paginate_gaad`]).
    pub gaad_page_size: Option<usize>,
    /// Events per CloudTrail `LookupEvents` page the proxy serves (AWS: at most 50, the
    /// request's `MaxResults`); smaller values exercise `NextToken`.
    pub trail_page_size: Option<usize>,
    /// Restrict the `*_rate` faults to these operations (`"CreateRole"` or
    /// `"iam:CreateRole"`); empty = all requests.
    pub only: Vec<String>,
    /// Hold every write from this one on (0-based, counted from `set_faults`): never answered
    /// ([`Fault::Held`]), so a test can kill the client at a chosen write.
    pub hold_writes_from: Option<usize>,
    /// With `hold_writes_from`: the first held write is forwarded before it is held (the change
    /// lands upstream, its answer never reaches the client).
    pub hold_forwards_first: bool,
}

/// A scripted fault for one operation: let `skip` matching calls through, then answer the
/// next `times` ones with this error (not forwarded). Shape follows the protocol (query XML
/// for IAM/STS, JSON + `x-amzn-ErrorType` for Lambda). With `reset` (see [`Injection::reset`])
/// those calls are forwarded instead, then the connection is reset: a lost answer.
#[derive(Clone, Debug)]
pub struct Injection {
    /// `Operation` or `service:Operation`.
    pub operation: String,
    pub skip: usize,
    pub times: usize,
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Forward, then reset the client connection instead of answering ([`Fault::Reset`]).
    pub reset: bool,
    /// Only calls with this decoded parameter equal to this value match (e.g. `RoleArn`).
    pub param: Option<(String, String)>,
}

impl Injection {
    /// Fails the next matching call once.
    pub fn new(operation: &str, status: u16, code: &str, message: &str) -> Injection {
        Injection {
            operation: operation.to_string(),
            skip: 0,
            times: 1,
            status,
            code: code.to_string(),
            message: message.to_string(),
            reset: false,
            param: None,
        }
    }
    /// Matches only calls whose parameter `name` is `value`.
    pub fn when_param(mut self, name: &str, value: &str) -> Injection {
        self.param = Some((name.to_string(), value.to_string()));
        self
    }
    /// Forwards the next matching call (so the change happens upstream), then resets the
    /// client connection instead of answering, once: the answer to that call is lost.
    pub fn reset(operation: &str) -> Injection {
        Injection {
            reset: true,
            ..Injection::new(operation, 0, "", "")
        }
    }
    pub fn skip(mut self, n: usize) -> Injection {
        self.skip = n;
        self
    }
    pub fn times(mut self, n: usize) -> Injection {
        self.times = n;
        self
    }
    pub fn always(self) -> Injection {
        self.times(usize::MAX)
    }
}

// ------------------------------------------------------------------ state

struct InjectionState {
    inj: Injection,
    seen: usize,
}

struct State {
    calls: Vec<Call>,
    next_seq: usize,
    cfg: FaultConfig,
    rng: u64,
    forwarded_since_config: usize,
    /// Writes seen since `set_faults` (for `hold_writes_from`).
    writes_since_config: usize,
    injections: Vec<InjectionState>,
    /// CloudTrail's event history: the IAM writes relayed (oldest first).
    trail: Vec<cloudtrail::Event>,
    /// Access key → who it belongs to (GetCallerIdentity on the upstream), resolved once.
    identities: BTreeMap<String, Identity>,
}

impl State {
    fn next_rand(&mut self) -> f64 {
        // splitmix64
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    fn decide(&mut self, call: &Call) -> Decision {
        if call.is_write {
            let n = self.writes_since_config;
            self.writes_since_config += 1;
            if self.cfg.hold_writes_from.is_some_and(|from| n >= from) {
                let first = self.cfg.hold_writes_from == Some(n);
                return Decision::Hold {
                    forward: first && self.cfg.hold_forwards_first,
                };
            }
        }
        if let Some(n) = self.cfg.cut_after {
            if self.forwarded_since_config >= n {
                return Decision::Cut;
            }
        }
        for st in self.injections.iter_mut() {
            let param_ok = match &st.inj.param {
                Some((k, v)) => call.param(k) == Some(v.as_str()),
                None => true,
            };
            if call.matches(&st.inj.operation) && param_ok {
                st.seen += 1;
                if st.seen > st.inj.skip && st.seen - st.inj.skip <= st.inj.times {
                    if st.inj.reset {
                        self.forwarded_since_config += 1;
                        return Decision::Reset;
                    }
                    return Decision::Inject(st.inj.clone());
                }
            }
        }
        let cfg = &self.cfg;
        let (t, e, r) = (cfg.throttle_rate, cfg.error500_rate, cfg.reset_rate);
        let eligible = cfg.only.is_empty() || cfg.only.iter().any(|p| call.matches(p));
        if eligible && (t > 0.0 || e > 0.0 || r > 0.0) {
            let x = self.next_rand();
            if x < t {
                return Decision::Throttle;
            } else if x < t + e {
                return Decision::Error500;
            } else if x < t + e + r {
                self.forwarded_since_config += 1;
                return Decision::Reset;
            }
        }
        self.forwarded_since_config += 1;
        Decision::Forward
    }
}

enum Decision {
    Forward,
    Throttle,
    Error500,
    Reset,
    Cut,
    Inject(Injection),
    Hold { forward: bool },
}

// ------------------------------------------------------------------ proxy

pub struct Proxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    /// Listen on a free loopback port and forward everything to `upstream_url`
    /// (`http://host:port`).
    pub fn start(upstream_url: &str) -> Proxy {
        let (authority, prefix) = http::split_url(upstream_url);
        assert!(
            prefix.is_empty(),
            "upstream URL must not have a path: {upstream_url}"
        );
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            calls: Vec::new(),
            next_seq: 0,
            cfg: FaultConfig::default(),
            rng: 0,
            forwarded_since_config: 0,
            writes_since_config: 0,
            injections: Vec::new(),
            trail: Vec::new(),
            identities: BTreeMap::new(),
        }));
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let upstream = Arc::new(authority);
        let thread = std::thread::Builder::new()
            .name(format!("proxy-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("proxy runtime");
                rt.block_on(async move {
                    let listener = TcpListener::from_std(std_listener).expect("tokio listener");
                    loop {
                        tokio::select! {
                            _ = &mut rx => break,
                            acc = listener.accept() => {
                                if let Ok((sock, _)) = acc {
                                    let _ = sock.set_nodelay(true);
                                    tokio::spawn(serve_conn(sock, upstream.clone(), st.clone()));
                                }
                            }
                        }
                    }
                });
                rt.shutdown_background();
            })
            .expect("spawn proxy thread");
        Proxy {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT` — use as `AWS_ENDPOINT_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Seeding client whose calls go through (and are recorded by) this proxy.
    pub fn client(&self) -> AwsSeed {
        AwsSeed::new(&self.url())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every request received since start / the last `clear`, in arrival order (including
    /// faulted and cut ones; see `Call::forwarded` / `Call::fault`).
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Forget recorded calls (fault settings and injections stay).
    pub fn clear(&self) {
        self.lock().calls.clear();
    }

    /// The round trips the calls since the last clear waited for one after another: the
    /// longest chain of calls each sent after the previous one was answered. With latency
    /// injected, calls sent together in one round all arrive before any of them is answered,
    /// so this counts what the code made wait on what, not how fast the machine is.
    pub fn rounds(&self) -> usize {
        let depths = self.depths();
        depths.into_iter().map(|(_, d)| d).max().unwrap_or(0)
    }

    /// The rounds (as [`Proxy::rounds`] counts them, from 1) in which the calls matching
    /// `pattern` were sent: `{1}` when every one went out in the first round.
    pub fn rounds_of(&self, pattern: &str) -> std::collections::BTreeSet<usize> {
        let depths = self.depths();
        depths
            .into_iter()
            .filter(|(c, _)| c.matches(pattern))
            .map(|(_, d)| d)
            .collect()
    }

    /// Each call since the last clear with its round: one more than the deepest call answered
    /// before it arrived.
    fn depths(&self) -> Vec<(Call, usize)> {
        let calls = self.calls();
        let mut depth: Vec<usize> = Vec::with_capacity(calls.len());
        for (i, c) in calls.iter().enumerate() {
            let before = (0..i)
                .filter(|&j| calls[j].answered.is_some_and(|a| a <= c.arrived))
                .map(|j| depth[j])
                .max()
                .unwrap_or(0);
            depth.push(before + 1);
        }
        calls.into_iter().zip(depth).collect()
    }

    pub fn count_writes(&self) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.kind == Kind::Write)
            .count()
    }

    pub fn count_reads(&self) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.kind == Kind::Read)
            .count()
    }

    pub fn count_other(&self) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.kind == Kind::Other)
            .count()
    }

    pub fn writes(&self) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.is_write)
            .cloned()
            .collect()
    }

    /// Calls matching `Operation` or `service:Operation`.
    pub fn calls_to(&self, pattern: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.matches(pattern))
            .cloned()
            .collect()
    }

    pub fn count(&self, pattern: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.matches(pattern))
            .count()
    }

    /// `service:Operation` in arrival order.
    pub fn operations(&self) -> Vec<String> {
        self.lock().calls.iter().map(Call::key).collect()
    }

    /// `service:Operation` → number of calls.
    pub fn summary(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for c in self.lock().calls.iter() {
            *m.entry(c.key()).or_insert(0) += 1;
        }
        m
    }

    /// Replace the fault settings; re-seeds the PRNG and restarts the `cut_after` count.
    pub fn set_faults(&self, cfg: FaultConfig) {
        let mut st = self.lock();
        st.rng = cfg.seed;
        st.forwarded_since_config = 0;
        st.writes_since_config = 0;
        st.cfg = cfg;
    }

    /// Back to a transparent proxy (also drops injections).
    pub fn clear_faults(&self) {
        self.set_faults(FaultConfig::default());
        self.lock().injections.clear();
    }

    pub fn inject(&self, injection: Injection) {
        self.lock().injections.push(InjectionState {
            inj: injection,
            seen: 0,
        });
    }

    /// Fail the next call to `operation` once with this error.
    pub fn inject_error(&self, operation: &str, status: u16, code: &str, message: &str) {
        self.inject(Injection::new(operation, status, code, message));
    }

    /// The CloudTrail event history the proxy recorded: every IAM write it relayed that
    /// succeeded, oldest first (`clear` keeps it, like CloudTrail does).
    pub fn trail(&self) -> Vec<cloudtrail::Event> {
        self.lock().trail.clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ------------------------------------------------------------------ connection handling

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    close: bool,
}

async fn read_more(s: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut tmp = [0u8; 16 * 1024];
    let n = s.read(&mut tmp).await?;
    buf.extend_from_slice(&tmp[..n]);
    Ok(n)
}

async fn read_request(s: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Option<Request>> {
    let head_end = loop {
        if let Some(e) = http::find_head_end(buf) {
            break e;
        }
        if buf.len() > 1 << 20 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
        if read_more(s, buf).await? == 0 {
            return if buf.iter().all(|b| b.is_ascii_whitespace()) {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
    };
    let (start, headers) = http::parse_head(&buf[..head_end])?;
    buf.drain(..head_end);
    let mut parts = start.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let version = parts.next().unwrap_or("HTTP/1.1").to_string();
    let conn = http::header_value(&headers, "connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    let close = conn.contains("close") || (version == "HTTP/1.0" && !conn.contains("keep-alive"));
    if http::header_value(&headers, "expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let chunked = http::header_value(&headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        loop {
            match http::decode_chunked(buf) {
                Ok((body, used)) => {
                    buf.drain(..used);
                    break body;
                }
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    if read_more(s, buf).await? == 0 {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    } else if let Some(len) = http::header_value(&headers, "content-length") {
        let len: usize = len
            .trim()
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad content-length"))?;
        while buf.len() < len {
            if read_more(s, buf).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        buf.drain(..len).collect()
    } else {
        Vec::new()
    };
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
        close,
    }))
}

const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "content-length",
    "expect",
    "te",
    "trailer",
    "upgrade",
];

async fn forward(upstream: &str, req: &Request) -> io::Result<HttpResponse> {
    let mut up = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(upstream))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect to upstream timed out"))??;
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in &req.headers {
        if !HOP_BY_HOP.iter().any(|h| k.eq_ignore_ascii_case(h)) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        req.body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&req.body);
    up.write_all(&bytes).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(120), up.read_to_end(&mut raw))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "upstream response timed out"))??;
    http::parse_response(&raw, req.method.eq_ignore_ascii_case("HEAD"))
}

fn reason_for(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

async fn write_response(
    s: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    head_only: bool,
    close: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason_for(status));
    for (k, v) in headers {
        if !HOP_BY_HOP.iter().any(|h| k.eq_ignore_ascii_case(h)) {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        body.len(),
        if close { "close" } else { "keep-alive" }
    ));
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body);
    }
    s.write_all(&bytes).await?;
    s.flush().await
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn finish(
    state: &Mutex<State>,
    seq: usize,
    status: Option<u16>,
    fault: Option<Fault>,
    forwarded: bool,
) {
    let mut st = lock(state);
    if let Some(c) = st.calls.iter_mut().find(|c| c.seq == seq) {
        c.status = status;
        c.answered = Some(now_epoch());
        c.forwarded = forwarded;
        if fault.is_some() {
            c.fault = fault;
        }
    }
}

async fn serve_conn(mut client: TcpStream, upstream: Arc<String>, state: Arc<Mutex<State>>) {
    let peer = client
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let mut buf = Vec::new();
    loop {
        let req = match read_request(&mut client, &mut buf).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(_) => {
                let _ = write_response(&mut client, 400, &[], b"bad request", false, true).await;
                return;
            }
        };
        let mut call = classify(&req);
        let (decision, latency, encode_docs, gaad_page) = {
            let mut st = lock(&state);
            call.seq = st.next_seq;
            st.next_seq += 1;
            let d = st.decide(&call);
            call.fault = match &d {
                Decision::Forward => None,
                Decision::Throttle => Some(Fault::Throttled),
                Decision::Error500 => Some(Fault::Error500),
                Decision::Reset => Some(Fault::Reset),
                Decision::Cut => Some(Fault::Cut),
                // Said once the held write is where it stays (forwarded, when it is).
                Decision::Hold { .. } => None,
                Decision::Inject(i) => Some(Fault::Injected {
                    status: i.status,
                    code: i.code.clone(),
                }),
            };
            st.calls.push(call.clone());
            (
                d,
                st.cfg.latency,
                st.cfg.url_encode_documents,
                st.cfg.gaad_page_size,
            )
        };
        let page = lock(&state).cfg.list_functions_page;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let head_only = req.method.eq_ignore_ascii_case("HEAD");
        let seq = call.seq;
        match decision {
            Decision::Hold { forward: first } => {
                let status = match first {
                    true => forward(&upstream, &req).await.ok().map(|r| r.status),
                    false => None,
                };
                finish(&state, seq, status, Some(Fault::Held), status.is_some());
                // Held until the client goes away (a kill closes its sockets).
                let mut byte = [0u8; 1];
                let _ =
                    tokio::time::timeout(Duration::from_secs(120), client.read(&mut byte)).await;
                return;
            }
            Decision::Cut => {
                finish(&state, seq, None, None, false);
                let _ = client.shutdown().await;
                return;
            }
            Decision::Throttle | Decision::Error500 | Decision::Inject(_) => {
                let (status, code, message) = match &decision {
                    Decision::Throttle if is_query(&call) => {
                        (400, "Throttling".to_string(), "Rate exceeded".to_string())
                    }
                    Decision::Throttle => (
                        429,
                        "TooManyRequestsException".to_string(),
                        "Rate exceeded".to_string(),
                    ),
                    Decision::Error500 if is_query(&call) && call.service == "iam" => (
                        500,
                        "ServiceFailure".to_string(),
                        "Internal failure (injected)".to_string(),
                    ),
                    Decision::Error500 if is_query(&call) => (
                        500,
                        "InternalFailure".to_string(),
                        "Internal failure (injected)".to_string(),
                    ),
                    Decision::Error500 => (
                        500,
                        "ServiceException".to_string(),
                        "Internal failure (injected)".to_string(),
                    ),
                    Decision::Inject(i) => (i.status, i.code.clone(), i.message.clone()),
                    _ => unreachable!(),
                };
                let (headers, body) = error_body(&call, status, &code, &message);
                finish(&state, seq, Some(status), None, false);
                if write_response(&mut client, status, &headers, &body, head_only, req.close)
                    .await
                    .is_err()
                    || req.close
                {
                    return;
                }
            }
            Decision::Forward if is_lookup_events(&call) => {
                let (status, headers, body) = serve_lookup_events(&state, &call);
                finish(&state, seq, Some(status), None, false);
                if write_response(&mut client, status, &headers, &body, head_only, req.close)
                    .await
                    .is_err()
                    || req.close
                {
                    return;
                }
            }
            Decision::Forward | Decision::Reset => {
                let resp = match forward(&upstream, &req).await {
                    Ok(r) => r,
                    Err(e) => {
                        let msg = format!("proxy: upstream {upstream} failed: {e}");
                        finish(
                            &state,
                            seq,
                            Some(502),
                            Some(Fault::UpstreamError(msg.clone())),
                            true,
                        );
                        let h = vec![("Content-Type".to_string(), "text/plain".to_string())];
                        let _ =
                            write_response(&mut client, 502, &h, msg.as_bytes(), head_only, true)
                                .await;
                        return;
                    }
                };
                // The write happened upstream whether or not its answer gets through.
                if call.service == "iam" && call.is_write && (200..300).contains(&resp.status) {
                    record_event(&upstream, &state, &req, &call, &resp, &peer).await;
                }
                if matches!(decision, Decision::Reset) {
                    finish(&state, seq, None, None, true);
                    let _ = client.set_zero_linger();
                    drop(client);
                    return;
                }
                let mut body = resp.body;
                if let (Some(page), "GetAccountAuthorizationDetails", 200) =
                    (gaad_page, call.operation.as_str(), resp.status)
                {
                    if let Ok(text) = std::str::from_utf8(&body) {
                        let max = call.param("MaxItems").and_then(|m| m.parse().ok());
                        body = paginate_gaad(text, call.param("Marker"), max, page).into_bytes();
                    }
                }
                if encode_docs && call.service == "iam" && body.first() == Some(&b'<') {
                    if let Ok(text) = std::str::from_utf8(&body) {
                        body = encode_documents(text).into_bytes();
                    }
                }
                if call.operation == "ListFunctions" && resp.status == 200 {
                    let asked = call.param("MaxItems").and_then(|m| m.parse().ok());
                    let n = asked.unwrap_or(50).min(page.unwrap_or(50));
                    body = page_functions(&body, call.param("Marker"), n);
                }
                finish(&state, seq, Some(resp.status), None, true);
                if write_response(
                    &mut client,
                    resp.status,
                    &resp.headers,
                    &body,
                    head_only,
                    req.close,
                )
                .await
                .is_err()
                    || req.close
                {
                    return;
                }
            }
        }
    }
}

// ------------------------------------------------------------------ CloudTrail

fn is_lookup_events(call: &Call) -> bool {
    call.service == "cloudtrail" && call.operation == "LookupEvents"
}

/// `LookupEvents` from the recorded history. Only the global-events region holds IAM's events;
/// another region answers with none, as AWS would.
fn serve_lookup_events(state: &Mutex<State>, call: &Call) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let (events, page) = {
        let st = lock(state);
        (st.trail.clone(), st.cfg.trail_page_size.unwrap_or(50))
    };
    let in_region = call.region.as_deref() == Some(cloudtrail::GLOBAL_EVENTS_REGION);
    let events = if in_region { events } else { Vec::new() };
    match cloudtrail::lookup_events(&events, &call.body, page) {
        Ok(v) => (
            200,
            vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
            v.to_string().into_bytes(),
        ),
        Err((status, code, message)) => {
            let (headers, body) = error_body(call, status, code, &message);
            (status, headers, body)
        }
    }
}

/// Records a relayed IAM write as CloudTrail would: attributed to the identity of the access
/// key that signed it (asked of the upstream once per key), with the request's user agent.
async fn record_event(
    upstream: &str,
    state: &Mutex<State>,
    req: &Request,
    call: &Call,
    resp: &HttpResponse,
    peer: &str,
) {
    let auth = http::header_value(&req.headers, "authorization").unwrap_or_default();
    let Some(key) = cloudtrail::access_key_of(auth) else {
        return;
    };
    let known = lock(state).identities.get(&key).cloned();
    let identity =
        match known {
            Some(i) => i,
            None => {
                let mut headers = vec![
                    (
                        "Authorization".to_string(),
                        auth.replace("/iam/aws4_request", "/sts/aws4_request"),
                    ),
                    (
                        "Content-Type".to_string(),
                        "application/x-www-form-urlencoded; charset=utf-8".to_string(),
                    ),
                ];
                for h in ["host", "x-moto-account-id"] {
                    if let Some(v) = http::header_value(&req.headers, h) {
                        headers.push((h.to_string(), v.to_string()));
                    }
                }
                let ask = Request {
                    method: "POST".into(),
                    target: "/".into(),
                    headers,
                    body: b"Action=GetCallerIdentity&Version=2011-06-15".to_vec(),
                    close: true,
                };
                let Some(i) = forward(upstream, &ask).await.ok().and_then(|r| {
                    cloudtrail::parse_caller_identity(&String::from_utf8_lossy(&r.body))
                }) else {
                    return;
                };
                lock(state).identities.insert(key.clone(), i.clone());
                i
            }
        };
    let event = cloudtrail::Event::iam_write(
        call.seq,
        &call.operation,
        &call.params,
        &String::from_utf8_lossy(&resp.body),
        &key,
        identity,
        http::header_value(&req.headers, "user-agent").unwrap_or_default(),
        peer,
    );
    lock(state).trail.push(event);
}

// ------------------------------------------------------------------ canned errors

fn is_query(call: &Call) -> bool {
    matches!(call.service.as_str(), "iam" | "sts") || call.param("Action").is_some()
}

fn error_body(
    call: &Call,
    status: u16,
    code: &str,
    message: &str,
) -> (Vec<(String, String)>, Vec<u8>) {
    let request_id = format!("00000000-0000-4000-8000-{:012}", call.seq);
    if is_query(call) {
        let kind = if status >= 500 { "Receiver" } else { "Sender" };
        let ns = match call.service.as_str() {
            "sts" => " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"",
            "iam" => " xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"",
            _ => "",
        };
        let body = format!(
            "<ErrorResponse{ns}><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
             <RequestId>{request_id}</RequestId></ErrorResponse>",
            http::xml_escape(code),
            http::xml_escape(message)
        );
        (
            vec![
                ("Content-Type".into(), "text/xml".into()),
                ("x-amzn-RequestId".into(), request_id),
            ],
            body.into_bytes(),
        )
    } else {
        let body = serde_json::json!({
            "Type": if status >= 500 { "Service" } else { "User" },
            "message": message,
        });
        (
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("x-amzn-ErrorType".into(), code.to_string()),
                ("x-amzn-RequestId".into(), request_id),
            ],
            body.to_string().into_bytes(),
        )
    }
}

// ------------------------------------------------------------------ GAAD pagination

const GAAD_LISTS: &[&str] = &[
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];
const GAAD_MARKER: &str = "lambda-trust-proxy-page-";

/// The top-level `<member>` elements of `<tag>…</tag>` in `xml` (nested members stay inside
/// their parent), with the byte range of the list's content; `None` when the list is absent
/// or empty (`<tag/>`).
fn list_members(xml: &str, tag: &str) -> Option<(std::ops::Range<usize>, Vec<String>)> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    let body = &xml[start..end];
    let (mut members, mut depth, mut from, mut i) = (Vec::new(), 0usize, 0usize, 0usize);
    while i < body.len() {
        if body[i..].starts_with("<member>") {
            if depth == 0 {
                from = i;
            }
            depth += 1;
            i += "<member>".len();
        } else if body[i..].starts_with("</member>") {
            depth = depth.saturating_sub(1);
            i += "</member>".len();
            if depth == 0 {
                members.push(body[from..i].to_owned());
            }
        } else {
            i += body[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    Some((start..end, members))
}

/// One page of a `GetAccountAuthorizationDetails` answer: the entries from `marker` on (the
/// lists' members in order, users, groups, roles, then policies), at most `min(MaxItems,
/// page)` of them, with `IsTruncated` and, when more remain, a `Marker` for the next page.
pub fn paginate_gaad(
    xml: &str,
    marker: Option<&str>,
    max_items: Option<usize>,
    page: usize,
) -> String {
    let from: usize = marker
        .and_then(|m| m.strip_prefix(GAAD_MARKER))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let size = max_items.map_or(page, |m| m.min(page)).max(1);
    let mut out = xml.to_owned();
    let mut seen = 0usize;
    let mut total = 0usize;
    // Lists are rewritten back to front so the earlier ranges stay valid.
    let mut lists: Vec<(std::ops::Range<usize>, Vec<String>)> = GAAD_LISTS
        .iter()
        .filter_map(|t| list_members(xml, t))
        .collect();
    lists.sort_by_key(|(r, _)| r.start);
    let mut kept: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (range, members) in &lists {
        let mut text = String::new();
        for m in members {
            if seen >= from && seen < from + size {
                text.push_str(m);
            }
            seen += 1;
        }
        total += members.len();
        kept.push((range.clone(), text));
    }
    for (range, text) in kept.into_iter().rev() {
        out.replace_range(range, &text);
    }
    let next = from + size;
    let truncated = next < total;
    let tail = if truncated {
        format!("<IsTruncated>true</IsTruncated><Marker>{GAAD_MARKER}{next}</Marker>")
    } else {
        "<IsTruncated>false</IsTruncated>".to_owned()
    };
    out.replacen("<IsTruncated>false</IsTruncated>", &tail, 1)
}

// ------------------------------------------------------------------ list_functions_page

/// One page of a ListFunctions answer: `n` functions from the index in `marker` (our marker
/// is that index), and `NextMarker` when more remain.
fn page_functions(body: &[u8], marker: Option<&str>, n: usize) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body.to_vec();
    };
    let all = v["Functions"].as_array().cloned().unwrap_or_default();
    let start = marker.and_then(|m| m.parse::<usize>().ok()).unwrap_or(0);
    let end = (start + n).min(all.len());
    v["Functions"] = serde_json::Value::Array(all[start.min(end)..end].to_vec());
    if end < all.len() {
        v["NextMarker"] = serde_json::Value::String(end.to_string());
    }
    serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec())
}

// ------------------------------------------------------------------ url_encode_documents

const DOC_TAGS: &[&str] = &["PolicyDocument", "AssumeRolePolicyDocument", "Document"];

fn is_encoded(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%'))
}

/// Percent-encode the policy document elements of an IAM XML response that are still raw.
pub fn encode_documents(xml: &str) -> String {
    let mut out = xml.to_string();
    for tag in DOC_TAGS {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&open) {
            let start = i + open.len();
            let Some(len) = rest[start..].find(&close) else {
                break;
            };
            let content = &rest[start..start + len];
            let raw = http::xml_unescape(content);
            result.push_str(&rest[..start]);
            if is_encoded(&raw) {
                result.push_str(content);
            } else {
                result.push_str(&http::percent_encode(&raw));
            }
            rest = &rest[start + len..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

// ------------------------------------------------------------------ classification

fn classify(req: &Request) -> Call {
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (req.target.clone(), String::new()),
    };
    let mut params = http::parse_form(&query);
    let ctype = http::header_value(&req.headers, "content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let body = String::from_utf8_lossy(&req.body).into_owned();
    if ctype.contains("x-www-form-urlencoded") || (ctype.is_empty() && body.starts_with("Action="))
    {
        params.extend(http::parse_form(&body));
    }
    let (mut service, region) = scope(&req.headers);
    if service.is_none() {
        service = service_from_host_or_path(&req.headers, &path, &params);
    }
    let service = service.unwrap_or_else(|| "other".to_string());
    let action = params
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone());
    // JSON-protocol services (Organizations, …) name the operation in `X-Amz-Target`.
    let target = http::header_value(&req.headers, "x-amz-target")
        .and_then(|t| t.rsplit('.').next())
        .map(str::to_string);
    let operation = match action.or(target) {
        Some(a) => a,
        None if service == "lambda" => lambda_operation(&req.method, &path)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", req.method, path)),
        None if service == "securityhub" => securityhub_operation(&req.method, &path)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", req.method, path)),
        None => format!("{} {}", req.method, path),
    };
    let kind = kind_of(&service, &operation);
    Call {
        seq: 0,
        service,
        operation,
        kind,
        is_write: kind == Kind::Write,
        region,
        method: req.method.clone(),
        target: req.target.clone(),
        params,
        body,
        forwarded: false,
        fault: None,
        status: None,
        access_key: http::header_value(&req.headers, "authorization")
            .and_then(cloudtrail::access_key_of),
        arrived: now_epoch(),
        answered: None,
    }
}

fn now_epoch() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// (service, region) from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, …`
fn scope(headers: &[(String, String)]) -> (Option<String>, Option<String>) {
    let Some(auth) = http::header_value(headers, "authorization") else {
        return (None, None);
    };
    let Some(i) = auth.find("Credential=") else {
        return (None, None);
    };
    let cred: String = auth[i + "Credential=".len()..]
        .chars()
        .take_while(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let parts: Vec<&str> = cred.split('/').collect();
    if parts.len() >= 5 {
        (
            Some(parts[parts.len() - 2].to_string()),
            Some(parts[parts.len() - 3].to_string()),
        )
    } else {
        (None, None)
    }
}

fn service_from_host_or_path(
    headers: &[(String, String)],
    path: &str,
    params: &[(String, String)],
) -> Option<String> {
    let host = http::header_value(headers, "host").unwrap_or("");
    if host.ends_with(".amazonaws.com") || host.contains(".amazonaws.com:") {
        return host.split('.').next().map(str::to_string);
    }
    if let Some((_, v)) = params.iter().find(|(k, _)| k == "Version") {
        match v.as_str() {
            "2010-05-08" => return Some("iam".into()),
            "2011-06-15" => return Some("sts".into()),
            _ => {}
        }
    }
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let looks_dated =
        first.len() == 10 && first.as_bytes()[4] == b'-' && first.as_bytes()[7] == b'-';
    if looks_dated {
        return Some("lambda".into());
    }
    None
}

fn kind_of(service: &str, op: &str) -> Kind {
    if service == "other" || op.contains(' ') {
        return Kind::Other;
    }
    if op.starts_with("AssumeRole") || (service == "lambda" && op.starts_with("Invoke")) {
        return Kind::Other;
    }
    if op.starts_with("Get")
        || op.starts_with("List")
        || op.starts_with("Describe")
        || op.starts_with("Simulate")
        || op.starts_with("Lookup")
        || op.starts_with("BatchGet")
    {
        return Kind::Read;
    }
    if service == "sts" {
        return Kind::Other;
    }
    Kind::Write
}

/// Security Hub REST-JSON route → operation name (the ones the tool and its tests call).
pub fn securityhub_operation(method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    Some(match (method.to_ascii_uppercase().as_str(), path) {
        ("POST", "/findings/import") => "BatchImportFindings",
        ("POST", "/findings") => "GetFindings",
        ("PATCH", "/findings/batchupdate") => "BatchUpdateFindings",
        ("POST", "/accounts") => "EnableSecurityHub",
        ("DELETE", "/accounts") => "DisableSecurityHub",
        _ => return None,
    })
}

/// Lambda REST-JSON route → operation name.
pub fn lambda_operation(method: &str, path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let m = method.to_ascii_uppercase();
    let op = match (m.as_str(), segs.as_slice()) {
        ("POST", [_, "functions"]) => "CreateFunction",
        ("GET", [_, "functions"]) => "ListFunctions",
        ("GET", [_, "functions", _]) => "GetFunction",
        ("DELETE", [_, "functions", _]) => "DeleteFunction",
        ("GET", [_, "functions", _, "configuration"]) => "GetFunctionConfiguration",
        ("PUT", [_, "functions", _, "configuration"]) => "UpdateFunctionConfiguration",
        ("PUT", [_, "functions", _, "code"]) => "UpdateFunctionCode",
        ("POST", [_, "functions", _, "invocations"]) => "Invoke",
        ("POST", [_, "functions", _, "invoke-async"]) => "InvokeAsync",
        ("POST", [_, "functions", _, "response-streaming-invocations"]) => {
            "InvokeWithResponseStream"
        }
        ("GET", [_, "functions", _, "policy"]) => "GetPolicy",
        ("POST", [_, "functions", _, "policy"]) => "AddPermission",
        ("DELETE", [_, "functions", _, "policy", _]) => "RemovePermission",
        ("POST", [_, "functions", _, "versions"]) => "PublishVersion",
        ("GET", [_, "functions", _, "versions"]) => "ListVersionsByFunction",
        ("POST", [_, "functions", _, "aliases"]) => "CreateAlias",
        ("GET", [_, "functions", _, "aliases"]) => "ListAliases",
        ("GET", [_, "functions", _, "aliases", _]) => "GetAlias",
        ("PUT", [_, "functions", _, "aliases", _]) => "UpdateAlias",
        ("DELETE", [_, "functions", _, "aliases", _]) => "DeleteAlias",
        ("PUT", [_, "functions", _, "concurrency"]) => "PutFunctionConcurrency",
        ("GET", [_, "functions", _, "concurrency"]) => "GetFunctionConcurrency",
        ("DELETE", [_, "functions", _, "concurrency"]) => "DeleteFunctionConcurrency",
        ("GET", [_, "functions", _, "url"]) => "GetFunctionUrlConfig",
        ("POST", [_, "functions", _, "url"]) => "CreateFunctionUrlConfig",
        ("PUT", [_, "functions", _, "url"]) => "UpdateFunctionUrlConfig",
        ("DELETE", [_, "functions", _, "url"]) => "DeleteFunctionUrlConfig",
        ("GET", [_, "functions", _, "code-signing-config"]) => "GetFunctionCodeSigningConfig",
        ("GET", [_, "functions", _, "event-invoke-config"]) => "GetFunctionEventInvokeConfig",
        ("PUT", [_, "functions", _, "event-invoke-config"]) => "PutFunctionEventInvokeConfig",
        ("POST", [_, "functions", _, "event-invoke-config"]) => "UpdateFunctionEventInvokeConfig",
        ("DELETE", [_, "functions", _, "event-invoke-config"]) => "DeleteFunctionEventInvokeConfig",
        ("GET", [_, "tags", ..]) => "ListTags",
        ("POST", [_, "tags", ..]) => "TagResource",
        ("DELETE", [_, "tags", ..]) => "UntagResource",
        ("GET", [_, "account-settings"]) => "GetAccountSettings",
        ("GET", [_, "layers"]) => "ListLayers",
        ("GET", [_, "event-source-mappings"]) => "ListEventSourceMappings",
        ("POST", [_, "event-source-mappings"]) => "CreateEventSourceMapping",
        _ => return None,
    };
    Some(op)
}
