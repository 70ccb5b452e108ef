//! The watching function run as Lambda runs it: the local Runtime API
//! (tests/it/support/runtime_api.py) on loopback, and the binary started as `bootstrap` in a
//! task directory holding the config, with `AWS_LAMBDA_RUNTIME_API` pointing at it and the
//! test's AWS (the proxy in front of moto).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::genesys::python;
use super::http;
use super::live::Env;

/// The local Runtime API.
pub struct RuntimeApi {
    child: Child,
    port: u16,
}

impl RuntimeApi {
    pub fn start() -> RuntimeApi {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/runtime_api.py");
        let mut child = Command::new(python())
            .arg(script)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the local Runtime API");
        let mut line = String::new();
        let out = child.stdout.take().expect("its stdout");
        BufReader::new(out).read_line(&mut line).expect("its port");
        let port = line.trim().parse().expect("a port number");
        RuntimeApi { child, port }
    }

    /// What `AWS_LAMBDA_RUNTIME_API` holds: `host:port`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Hands `event` to the function and waits for its answer: `{"kind": "response"|"error",
    /// "body": …}`.
    pub fn invoke(&self, event: &Value) -> Value {
        let url = format!("http://{}", self.address());
        let body = event.to_string();
        let headers = [("Content-Type", "application/json")];
        let r = http::request_with_timeout(
            &url,
            "POST",
            "/test/invoke",
            &headers,
            body.as_bytes(),
            Duration::from_secs(150),
        )
        .expect("the local Runtime API answers");
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary running as the watching function: copied into a task directory as `bootstrap`
/// (beside the config, as `watch deploy` packages it) and started with no argument.
pub struct Function {
    child: Child,
    /// The task directory, kept while the function runs.
    _task: tempfile::TempDir,
}

impl Function {
    pub fn start(env: &Env, api: &RuntimeApi) -> Function {
        Self::start_with(env, api, &[])
    }

    /// [`Function::start`] with `extra` environment (the Genesys Cloud client's).
    pub fn start_with(env: &Env, api: &RuntimeApi, extra: &[(String, String)]) -> Function {
        let task = tempfile::tempdir().expect("task dir");
        let bootstrap = task.path().join("bootstrap");
        std::fs::copy(env!("CARGO_BIN_EXE_lambda-trust"), &bootstrap).expect("copy bootstrap");
        // The organization watch's function has none: its deployment's variables set it.
        if env.config_path().exists() {
            std::fs::copy(env.config_path(), task.path().join("lambda-trust.toml"))
                .expect("config");
        }
        let child = env
            .command(&bootstrap)
            .current_dir(task.path())
            .env("AWS_LAMBDA_RUNTIME_API", api.address())
            .env("AWS_LAMBDA_FUNCTION_NAME", "lambda-trust-watch")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("LAMBDA_TASK_ROOT", task.path())
            .envs(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start bootstrap");
        Function { child, _task: task }
    }
}

/// The package a deployed function holds (`GetFunction`'s `Code.Location`), unpacked as Lambda
/// unpacks it and its `bootstrap` run as Lambda runs it: the task root read-only, a non-root
/// user, only the variables Lambda sets (Developer Guide, "Defined runtime environment
/// variables"; no `HOME`) and the function's own, the SDK's endpoint the one addition.
pub struct Shipped {
    child: Child,
    task: tempfile::TempDir,
    /// What the function wrote to stderr (its log).
    pub log: std::path::PathBuf,
}

impl Shipped {
    pub fn start(env: &Env, api: &RuntimeApi, function: &str) -> Shipped {
        let path = format!("/2015-03-31/functions/{function}");
        let r = env.moto.client().lambda("us-east-1", "GET", &path, None);
        assert_eq!(r.status, 200, "{}", r.text());
        Self::start_from(env, api, &r.json(), &[])
    }

    /// [`Shipped::start`] of the function `deployed` (`GetFunction`'s answer, read in its own
    /// account), its credentials `credentials` (the variables Lambda sets from its role's
    /// session) when they are not the test's.
    pub fn start_from(
        env: &Env,
        api: &RuntimeApi,
        deployed: &Value,
        credentials: &[(&str, String)],
    ) -> Shipped {
        use std::os::unix::fs::PermissionsExt as _;
        use std::os::unix::process::CommandExt as _;
        let location = deployed["Code"]["Location"].as_str().expect("a Location");
        let zip = http::request(location, "GET", "", &[], b"").expect("the package");
        assert_eq!(zip.status, 200);
        let task = tempfile::tempdir().expect("task dir");
        let modes = unpack(&zip.body, task.path());
        assert_eq!(
            modes.get("bootstrap"),
            Some(&0o755),
            "the package's files: {modes:?}"
        );
        for name in modes.keys() {
            let file = task.path().join(name);
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o555;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        read_only(task.path(), 0o555);
        let config = &deployed["Configuration"];
        let function = config["FunctionName"].as_str().unwrap_or("function");
        let log = std::env::temp_dir().join(format!("{function}-{}.log", std::process::id()));
        let mut command = Command::new(task.path().join("bootstrap"));
        command
            .env_clear()
            .envs(lambda_variables(config, api, task.path()))
            .envs(credentials.iter().map(|(k, v)| (*k, v.as_str())))
            .env("AWS_ENDPOINT_URL", env.proxy.url())
            .current_dir(task.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"));
        // Lambda runs the function as a non-root user (sbx_user…): nobody here.
        if running_as_root() {
            command.uid(65534).gid(65534);
        }
        let child = command.spawn().expect("start the package's bootstrap");
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()));
        let uid = status
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .map(str::to_owned);
        assert!(
            !uid.unwrap_or_default()
                .split_whitespace()
                .any(|id| id == "0"),
            "the function runs as root"
        );
        Shipped { child, task, log }
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Uid:"))?.to_owned();
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

/// Each file of the zip written under `dir` with its Unix mode; name → mode.
fn unpack(zip: &[u8], dir: &Path) -> std::collections::BTreeMap<String, u32> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut modes = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.enclosed_name().expect("a relative name");
        let mode = file.unix_mode().expect("a Unix mode") & 0o777;
        let to = dir.join(&name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let mut out = std::fs::File::create(&to).unwrap();
        std::io::copy(&mut file, &mut out).unwrap();
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(mode)).unwrap();
        modes.insert(name.to_string_lossy().into_owned(), mode);
    }
    modes
}

/// `dir` and the folders under it set to `mode`.
fn read_only(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            read_only(&entry.path(), mode);
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// What Lambda sets in a `provided.al2023` function's environment, and the function's own.
fn lambda_variables(config: &Value, api: &RuntimeApi, task: &Path) -> Vec<(String, String)> {
    let name = config["FunctionName"].as_str().unwrap_or_default();
    let mut vars: Vec<(String, String)> = [
        ("_HANDLER", config["Handler"].as_str().unwrap_or("bootstrap")),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_LAMBDA_FUNCTION_NAME", name),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/26/[$LATEST]0123456789abcdef"),
        ("AWS_ACCESS_KEY_ID", "ASIATESTINGFUNCTION"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_SESSION_TOKEN", "testing-session"),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime"),
        ("LANG", "en_US.UTF-8"),
        ("TZ", ":UTC"),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
        ("LD_LIBRARY_PATH", "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec();
    vars.push((
        "AWS_LAMBDA_LOG_GROUP_NAME".into(),
        format!("/aws/lambda/{name}"),
    ));
    let memory = config["MemorySize"].as_u64().unwrap_or(128).to_string();
    vars.push(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(), memory));
    vars.push(("AWS_LAMBDA_RUNTIME_API".into(), api.address()));
    vars.push(("LAMBDA_TASK_ROOT".into(), task.display().to_string()));
    let own = config["Environment"]["Variables"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    vars.extend(
        own.into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned())),
    );
    vars
}

impl Drop for Shipped {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        read_only(self.task.path(), 0o755);
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An EventBridge event of CloudTrail's call `name` from `source` (`iam`, `lambda`) with
/// `params`, as AWS documents its shape ("AWS API Call via CloudTrail").
pub fn cloudtrail_event(source: &str, name: &str, params: Value, region: &str) -> Value {
    serde_json::json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail",
        "source": format!("aws.{source}"),
        "account": super::live::ACCOUNT,
        "time": "2026-11-26T10:02:00Z",
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDAEXAMPLE",
                "arn": format!("arn:aws:iam::{}:user/alice", super::live::ACCOUNT),
                "accountId": super::live::ACCOUNT,
                "userName": "alice"
            },
            "eventTime": "2026-11-26T10:02:00Z",
            "eventSource": format!("{source}.amazonaws.com"),
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": "203.0.113.10",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": params,
            "responseElements": null,
            "requestID": "a3f5d3ad-2c3b-4a7e-9e1f-8d7c6b5a4f3e",
            "eventID": "7b0f3f26-1d3a-4bd4-9c0f-3e1f0d5a2b6c",
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": super::live::ACCOUNT,
            "eventCategory": "Management"
        }
    })
}

/// The schedule's tick ("Scheduled Event").
pub fn schedule_tick() -> Value {
    serde_json::json!({
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": super::live::ACCOUNT,
        "time": "2026-11-26T11:00:00Z",
        "region": "us-east-1",
        "resources": [format!("arn:aws:events:us-east-1:{}:rule/lambda-trust-watch-schedule", super::live::ACCOUNT)],
        "detail": {}
    })
}
