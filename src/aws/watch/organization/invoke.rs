//! `lambda:Invoke`, synchronous (`RequestResponse`): the function's answer, or the error it
//! answered. Lambda says a function's own error in `FunctionError` (`Unhandled`) and gives the
//! error's JSON (`errorType`, `errorMessage`) as the payload
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>).

use std::time::Duration;

use serde_json::Value;

use crate::aws::client::{AwsError, Clients};

/// What the function answered: its response, or the error it answered (`failed`).
pub(crate) struct Answer {
    pub failed: bool,
    /// The payload as JSON; `Null` when it is none.
    pub payload: Value,
}

/// Invokes `function` (its name or ARN, in `region`) with `event` and waits for its answer, as
/// long as the function may run (`runs`) and a margin: an attempt cut short while the function
/// still runs would be retried, and the function run twice.
pub(crate) async fn invoke(
    clients: &Clients,
    (region, function): (&str, &str),
    event: &Value,
    runs: Duration,
) -> Result<Answer, AwsError> {
    let wait = runs + Duration::from_secs(30);
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .operation_attempt_timeout(wait)
        .operation_timeout(wait * 2)
        .build();
    let out = (clients.lambda(region).invoke())
        .function_name(function)
        .invocation_type(aws_sdk_lambda::types::InvocationType::RequestResponse)
        .payload(aws_sdk_lambda::primitives::Blob::new(event.to_string()))
        .customize()
        .config_override(aws_sdk_lambda::config::Builder::default().timeout_config(timeouts))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("lambda:Invoke", e))?;
    let payload = (out.payload())
        .and_then(|p| serde_json::from_slice(p.as_ref()).ok())
        .unwrap_or(Value::Null);
    Ok(Answer {
        failed: out.function_error().is_some(),
        payload,
    })
}
