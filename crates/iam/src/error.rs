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
    #[error(
        "policy document starts with a UTF-8 byte order mark (BOM), which AWS rejects\n\
         (hint: save the file as UTF-8 without a BOM)"
    )]
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
    #[error(
        "policy document is URL-encoded but does not decode to UTF-8 text\n\
         (hint: AWS returns documents percent-encoded as UTF-8; was the text altered?)"
    )]
    Encoding,

    /// JSON, but not a policy document.
    #[error(
        "not an IAM policy: {reason}\n\
         (hint: a policy is a JSON object such as {{\"Version\":\"2012-10-17\",\"Statement\":[…]}})"
    )]
    NotAPolicy {
        /// What makes it not a policy.
        reason: String,
    },

    /// A statement or the document breaks an IAM rule.
    #[error("{at}: \"{field}\" {problem}")]
    Invalid {
        /// Where.
        at: Location,
        /// The policy element at fault, as spelled in IAM JSON (`Effect`, `Condition`, …).
        field: String,
        /// What is wrong, starting lowercase; may end with a `\n(hint: …)` line.
        problem: String,
    },
}

impl PolicyError {
    /// Where the problem is, for errors that point into a document.
    pub fn location(&self) -> Option<&Location> {
        match self {
            PolicyError::Invalid { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The element at fault, for errors that point into a document.
    pub fn field(&self) -> Option<&str> {
        match self {
            PolicyError::Invalid { field, .. } => Some(field),
            _ => None,
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

/// The messages say what to fix (the statement, the element and the rule), so no hint is
/// added after them.
impl lambda_trust_verdict::Hinted for PolicyError {
    fn hint(&self) -> Option<String> {
        None
    }
}
