//! The SARIF 2.1.0 envelope shared by `check` and `audit`: one run of the lambda-trust tool
//! with its rules and results.

use serde_json::{json, Value};

use lambda_trust_verdict::{Outcome, Severity};

/// A finding's SARIF level: security is an `error`, config a `warning`, info a `note`.
pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Security => "error",
        Severity::Config => "warning",
        Severity::Info => "note",
    }
}

/// A result's `kind` and `level` (SARIF 2.1.0, §3.27.9 and §3.27.10): a failure is `fail` at
/// its severity's level; an unknown is `open` — "the tool was unable to determine whether the
/// result is a pass or a fail" — whose level is then `none`; a fact is `informational` ("the
/// result does not represent a pass or a fail of a specific rule"), whose level is `none` too.
pub(crate) fn kind_and_level(severity: Severity, outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Failed => ("fail", level(severity)),
        Outcome::Unknown => ("open", "none"),
        Outcome::Informational => ("informational", "none"),
    }
}

/// A rule: an ID and its one-sentence description.
pub(crate) fn rule(id: &str, text: &str) -> Value {
    json!({"id": id, "shortDescription": {"text": text}})
}

/// The whole document, pretty-printed.
pub(crate) fn document(rules: Vec<Value>, results: Vec<Value>) -> String {
    document_with(rules, Vec::new(), results, json!({}))
}

/// The whole document with the driver's notification descriptors and more members of the run
/// (`invocations`, `properties`), pretty-printed.
pub(crate) fn document_with(
    rules: Vec<Value>,
    notifications: Vec<Value>,
    results: Vec<Value>,
    more: Value,
) -> String {
    let mut driver = json!({
        "name": "lambda-trust",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if !notifications.is_empty() {
        driver["notifications"] = json!(notifications);
    }
    let mut run = json!({"tool": {"driver": driver}, "results": results});
    if let (Some(run), Value::Object(more)) = (run.as_object_mut(), more) {
        run.extend(more);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
