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
        std::fs::copy(env.config_path(), task.path().join("lambda-trust.toml")).expect("config");
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
