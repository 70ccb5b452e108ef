//! The verdict of one data-action test run (`verify --test-actions`, `check --test-actions`):
//! Genesys Cloud's own steps must pass, and then the answer must be one a flow can use — no
//! error payload behind a 2xx (`statusCode` ≥ 400, or Lambda's unhandled error with
//! `errorMessage`/`errorType`), valid against the action's output contract (JSON Schema, the
//! draft its `$schema` declares), and equal to `expect` where the config asserts values. The
//! timing is told beside the action's timeout. A secure action's output is never shown: only
//! where it fails (JSON pointers and schema keywords), never its values.
//!
//! Pure: `genesys::test_run` makes the call and hands the answer here.

use serde_json::{Map, Value};

use lambda_trust_model::DesiredAction;

/// What one test run answered (the Platform API's `TestExecutionResult`, as read).
#[derive(Debug, Clone, PartialEq)]
pub struct TestRun {
    /// Every step of Genesys Cloud's run passed.
    pub success: bool,
    /// The steps, one line: `NAME ok; NAME FAILED (why)`.
    pub steps: String,
    /// `finalResult`: what the action answers a flow.
    pub output: Option<Value>,
    /// The run's duration as the caller measured it.
    pub millis: u64,
}

/// Whether the run passed, and what to tell (problems first, then the timing).
pub fn test_verdict(d: &DesiredAction, run: &TestRun) -> (bool, String) {
    let timeout = d.def.config.timeout_limit();
    let timing = format!(
        "took {:.1} s of its {timeout} s timeout",
        run.millis as f64 / 1000.0
    );
    if !run.success {
        return (false, format!("{}; {timing}", run.steps));
    }
    let secure = d.def.secure;
    let output = run.output.clone().unwrap_or(Value::Null);
    let mut problems = error_payload(&output, secure);
    if problems.is_empty() {
        problems.extend(contract_problems(
            &d.def.contract.success_schema,
            &output,
            secure,
        ));
        problems.extend(expect_problems(d.expect.as_ref(), &output, secure));
    }
    if run.millis > (timeout.max(0) as u64) * 1000 {
        problems.push(format!("it answered after its {timeout} s timeout"));
    }
    if problems.is_empty() {
        return (true, format!("output matches the contract; {timing}"));
    }
    let shown = match secure {
        true => "output not shown: the action is secure".to_string(),
        false => format!("output: {}", compact(&output)),
    };
    (false, format!("{}; {shown}; {timing}", problems.join("; ")))
}

/// An error behind a success: `statusCode` ≥ 400 (a number or numeric text), or Lambda's
/// unhandled error (`errorMessage`/`errorType`, which Lambda returns with `FunctionError`).
fn error_payload(output: &Value, secure: bool) -> Vec<String> {
    let mut out = Vec::new();
    let status = match &output["statusCode"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    if let Some(code) = status.filter(|c| *c >= 400) {
        out.push(format!("the function answered statusCode {code}"));
    }
    if output.get("errorMessage").is_some() || output.get("errorType").is_some() {
        let kind = output["errorType"].as_str().unwrap_or("an error");
        out.push(match (secure, output["errorMessage"].as_str()) {
            (false, Some(m)) => format!("the function failed with {kind}: {m}"),
            _ => format!("the function failed with {kind}"),
        });
    }
    out
}

/// Where `output` breaks `schema`: each error's place, and for a secure action only the
/// schema keyword (the validator's messages quote the values).
fn contract_problems(schema: &Value, output: &Value, secure: bool) -> Vec<String> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            return vec![format!(
                "the output contract is not a usable JSON Schema: {e}"
            )]
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(output)
        .map(|e| {
            let at = match e.instance_path().to_string() {
                p if p.is_empty() => "the output".to_string(),
                p => p,
            };
            match secure {
                true => format!("{at} fails {}", e.schema_path()),
                false => format!("{at}: {e}"),
            }
        })
        .collect();
    match errors.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "the output breaks the output contract ({})",
            errors.join(", ")
        )],
    }
}

/// The `expect` values the output does not have, by key.
fn expect_problems(
    expect: Option<&Map<String, Value>>,
    output: &Value,
    secure: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, want) in expect.into_iter().flatten() {
        let got = output.get(key);
        if got == Some(want) {
            continue;
        }
        out.push(match (secure, got) {
            (true, _) => format!("output {key} is not the expected value"),
            (false, Some(v)) => {
                format!("output {key} is {}, expected {}", compact(v), compact(want))
            }
            (false, None) => format!("output {key} is missing, expected {}", compact(want)),
        });
    }
    out
}

/// One line of JSON, cut at 300 characters.
fn compact(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
