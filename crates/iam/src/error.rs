//! Errors of the `policy` module: every way a document can fail to decode or parse.
//!
//! Messages point at the statement (index and Sid) and the element, so a user can find the line
//! to fix in a file they wrote or in a document AWS returned.

use std::fmt;

/// Where in a policy document a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The top level of the document (`Version`, `Id`, `Statement` itself).
    Document,
    /// One statement, by zero-based index; `sid` when the statement has one.
    Statement {
        /// Zero-based index in `Statement`.
        index: usize,
        /// The statement's `Sid`, when it has one.
        sid: Option<String>,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Document => f.write_str("policy"),
            Location::Statement {
                index,
                sid: Some(sid),
            } => write!(f, "statement {index} (Sid {})", quote(sid)),
            Location::Statement { index, sid: None } => write!(f, "statement {index}"),
        }
    }
}

/// A policy document that could not be decoded or is not a valid IAM policy.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The text starts with a byte order mark.
    #[error("{}", shown_with_hint(self))]
    Bom,

    /// The text is not JSON.
    #[error("policy document is not valid JSON{context}: line {line}, column {column}")]
    Json {
        /// 1-based line of the JSON error.
        line: usize,
        /// 1-based column of the JSON error.
        column: usize,
        /// Empty, or " (after URL-decoding)" when the text was percent-encoded.
        context: &'static str,
        /// The JSON parser's error.
        #[source]
        source: serde_json::Error,
    },

    /// Percent-encoded text that does not decode to UTF-8.
    #[error("{}", shown_with_hint(self))]
    Encoding,

    /// JSON, but not a policy document.
    #[error("{}", shown_with_hint(self))]
    NotAPolicy {
        /// What makes it not a policy.
        reason: String,
    },

    /// A statement or the document breaks an IAM rule.
    #[error("{}", shown_with_hint(self))]
    Invalid {
        /// Where.
        at: Location,
        /// The policy element at fault, as spelled in IAM JSON (`Effect`, `Condition`, …).
        field: String,
        /// What is wrong, starting lowercase.
        problem: String,
        /// What to write instead, when something can be said.
        hint: Option<String>,
    },
}

/// The message, then the hint on a last line `(hint: …)`: the error's `Display`, for callers
/// that print it alone; the binary prints [`PolicyError::message`] and the hint as data.
fn shown_with_hint(e: &PolicyError) -> String {
    match lambda_trust_verdict::Hinted::hint(e) {
        Some(hint) => format!("{}\n(hint: {hint})", e.message()),
        None => e.message(),
    }
}

impl PolicyError {
    /// The message alone, without the hint.
    pub(crate) fn message(&self) -> String {
        match self {
            PolicyError::Bom => {
                "policy document starts with a UTF-8 byte order mark (BOM), which AWS rejects"
                    .into()
            }
            PolicyError::Json {
                line,
                column,
                context,
                ..
            } => {
                format!("policy document is not valid JSON{context}: line {line}, column {column}")
            }
            PolicyError::Encoding => {
                "policy document is URL-encoded but does not decode to UTF-8 text".into()
            }
            PolicyError::NotAPolicy { reason } => format!("not an IAM policy: {reason}"),
            PolicyError::Invalid {
                at, field, problem, ..
            } => format!("{at}: \"{field}\" {problem}"),
        }
    }

    pub(crate) fn json(source: serde_json::Error, url_decoded: bool) -> Self {
        PolicyError::Json {
            line: source.line(),
            column: source.column(),
            context: if url_decoded {
                " (after URL-decoding)"
            } else {
                ""
            },
            source,
        }
    }
}

/// A string as a JSON literal, so quotes and control characters in user data stay visible.
pub(crate) fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A short rendering of a JSON value for "found …" in messages; long values are cut.
pub(crate) fn show(value: &serde_json::Value) -> String {
    const MAX_CHARS: usize = 60;
    let text = value.to_string();
    if text.chars().count() <= MAX_CHARS {
        text
    } else {
        let cut: String = text.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    }
}

/// "a string", "an array", … for "must be X, found Y" messages.
pub(crate) fn kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The hint, as data: what to write instead.
impl lambda_trust_verdict::Hinted for PolicyError {
    fn hint(&self) -> Option<String> {
        match self {
            PolicyError::Bom => Some("save the file as UTF-8 without a BOM".into()),
            PolicyError::Encoding => {
                Some("AWS returns documents percent-encoded as UTF-8; was the text altered?".into())
            }
            PolicyError::NotAPolicy { .. } => Some(
                "a policy is a JSON object such as {\"Version\":\"2012-10-17\",\"Statement\":[…]}"
                    .into(),
            ),
            PolicyError::Invalid { hint, .. } => hint.clone(),
            PolicyError::Json { .. } => None,
        }
    }

    fn message(&self) -> Option<String> {
        Some(PolicyError::message(self))
    }
}

#[cfg(test)]
mod hint_tests {
    use lambda_trust_verdict::Hinted;

    #[test]
    fn the_hint_is_data_and_the_message_leaves_it_out() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"effect": "Allow", "Action": "*", "Resource": "*"}]});
        let e = crate::model::Policy::try_from(&doc).unwrap_err();
        assert_eq!(
            e.hint().as_deref(),
            Some("element names are case-sensitive: write \"Effect\"")
        );
        assert!(!e.message().contains("hint"), "{}", e.message());
        assert_eq!(
            lambda_trust_verdict::shown(&e),
            format!("{}\n(hint: {})", e.message(), e.hint().unwrap())
        );
        // Display, for callers that print it alone, still carries the hint.
        assert!(e.to_string().ends_with("write \"Effect\")"), "{e}");
    }
}
