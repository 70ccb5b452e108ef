//! Runs a data action end to end: `POST /api/v2/integrations/actions/{id}/test` with a sample
//! input. Genesys Cloud assumes the credential's role and invokes the function, so a success is
//! the real proof that the whole chain works (`verify --test-actions`); what the action answered
//! is judged by `lambda_trust_provision::test_verdict`.
//!
//! Part of the `genesys` layer. Shape: the SDK's `TestExecutionResult` (`success`,
//! `operations[]` of `TestExecutionOperationResult`, `error`, `finalResult`).

use std::time::Instant;

use reqwest::Method;
use serde_json::Value;

use super::client::Client;
use super::error::GenesysError;
use lambda_trust_provision::TestRun;

/// One test run: Genesys Cloud's verdict on its steps, the action's answer, the time it took.
pub(crate) async fn test_action(
    client: &Client,
    action_id: &str,
    input: &Value,
) -> Result<TestRun, GenesysError> {
    let started = Instant::now();
    let v = client
        .send(
            Method::POST,
            &format!("/api/v2/integrations/actions/{action_id}/test"),
            Some(input),
        )
        .await?;
    let millis = started.elapsed().as_millis() as u64;
    Ok(TestRun {
        success: v["success"].as_bool().unwrap_or(false),
        steps: steps(&v),
        output: v.get("finalResult").cloned(),
        millis,
    })
}

/// The steps, one line: `NAME ok; NAME FAILED (why)` (else the run's error message).
fn steps(v: &Value) -> String {
    let steps: Vec<String> = v["operations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let mark = if o["success"].as_bool() == Some(true) {
                "ok"
            } else {
                "FAILED"
            };
            let why = o["error"]["message"]
                .as_str()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            format!("{} {mark}{why}", o["name"].as_str().unwrap_or("step"))
        })
        .collect();
    if steps.is_empty() {
        v["error"]["message"]
            .as_str()
            .unwrap_or("no steps reported")
            .to_string()
    } else {
        steps.join("; ")
    }
}
