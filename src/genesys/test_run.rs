//! Runs a data action end to end: `POST /api/v2/integrations/actions/{id}/test` with a sample
//! input. Genesys Cloud assumes the credential's role and invokes the function, so a success is
//! the real proof that the whole chain works (`verify --test-actions`).
//!
//! Part of the `genesys` layer. Shape: the SDK's `TestExecutionResult` (`success`,
//! `operations[]` of `TestExecutionOperationResult`, `error`).

use reqwest::Method;
use serde_json::Value;

use super::client::{Client, GenesysError};

/// The outcome of one test run: passed, and a one-line account of the steps.
pub async fn test_action(
    client: &Client,
    action_id: &str,
    input: &Value,
) -> Result<(bool, String), GenesysError> {
    let v = client
        .send(
            Method::POST,
            &format!("/api/v2/integrations/actions/{action_id}/test"),
            Some(input),
        )
        .await?;
    let success = v["success"].as_bool().unwrap_or(false);
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
    let detail = if steps.is_empty() {
        v["error"]["message"]
            .as_str()
            .unwrap_or("no steps reported")
            .to_string()
    } else {
        steps.join("; ")
    };
    Ok((success, detail))
}
