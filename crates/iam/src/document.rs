//! Policy documents as text: decoding what AWS (or the emulator) returns, canonical forms for
//! semantic comparison, and the size AWS counts against quotas.
//!
//! Part of `policy`; `observe` decodes with it and `plan`/`verify` compare with it. Documents
//! are compared semantically, never as text: AWS reorders principals, may return a single value
//! where we sent a one-element array, and returns documents URL-encoded (docs/aws-behaviour.md).

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::error::PolicyError;
use super::principal::is_account_id;

/// Turns a policy document as returned by an API into JSON.
///
/// AWS returns documents from GetRole, GetRolePolicy and GetPolicyVersion URL-encoded
/// (RFC 3986); the moto emulator returns GetPolicyVersion raw. Text that starts with `{` after
/// trimming is raw JSON (an encoded document starts with `%7B`); anything else is
/// percent-decoded first. `+` is not a space in RFC 3986 encoding, so it is kept.
pub fn decode_document(text: &str) -> Result<Value, PolicyError> {
    if text.starts_with('\u{feff}') {
        return Err(PolicyError::Bom);
    }
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| PolicyError::json(e, false));
    }
    let decoded = percent_decode_str(trimmed)
        .decode_utf8()
        .map_err(|_| PolicyError::Encoding)?;
    if decoded.starts_with('\u{feff}') {
        return Err(PolicyError::Bom);
    }
    let was_encoded = decoded != trimmed;
    serde_json::from_str(decoded.trim()).map_err(|e| PolicyError::json(e, was_encoded))
}

/// The canonical form of a policy document for semantic comparison:
/// - object keys sorted; `Statement` always an array, sorted, duplicates removed (statement
///   order never matters to evaluation);
/// - `Action`/`NotAction` always arrays, lowercased (action names are case-insensitive), sorted
///   and deduplicated;
/// - `Resource`/`NotResource` and principal lists always arrays, sorted and deduplicated, case
///   kept (ARNs are case-sensitive); a bare account ID in `Principal.AWS` becomes
///   `arn:aws:iam::ACCT:root`, which is how IAM stores it;
/// - condition key names lowercased (they are case-insensitive), values stringified (`true` and
///   `"true"` are the same to IAM) and treated as a set. AWS documents that condition value
///   order "can matter"; to evaluation it does not (values OR, or NOR for negated operators), so
///   a set is correct for deciding whether a document must be rewritten;
/// - `Version`, `Id`, `Sid`, `Effect` kept as they are.
///
/// Works on any JSON value; parts that are not policy-shaped only get their keys sorted.
pub fn normalize(doc: &Value) -> Value {
    match doc {
        Value::Object(obj) => Value::Object(sorted_map(obj.iter().map(|(k, v)| {
            let v = if k == "Statement" {
                normalize_statements(v)
            } else {
                sort_keys(v)
            };
            (k.clone(), v)
        }))),
        other => sort_keys(other),
    }
}

/// Whether two documents mean the same policy (see [`normalize`]).
pub fn semantically_equal(a: &Value, b: &Value) -> bool {
    normalize(a) == normalize(b)
}

/// Characters of the document without insignificant whitespace: what IAM counts against its
/// size quotas ("IAM doesn't count white space").
pub fn minified_len(doc: &Value) -> usize {
    serde_json::to_string(doc)
        .map(|s| s.chars().count())
        .unwrap_or(0)
}

fn sorted_map(entries: impl Iterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = entries.collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// `v` with its object keys sorted at every level, values untouched: one spelling of a JSON
/// document whatever order its keys were written in (for digests, display and diffs).
pub(crate) fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(obj) => Value::Object(sorted_map(
            obj.iter().map(|(k, v)| (k.clone(), sort_keys(v))),
        )),
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// Sorts by canonical JSON text and removes duplicates.
fn sorted_set(mut items: Vec<Value>) -> Vec<Value> {
    let mut keyed: Vec<(String, Value)> = items
        .drain(..)
        .map(|v| (serde_json::to_string(&v).unwrap_or_default(), v))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, v)| v).collect()
}

fn normalize_statements(v: &Value) -> Value {
    let items: Vec<Value> = match v {
        Value::Array(items) => items.iter().map(normalize_statement).collect(),
        other => vec![normalize_statement(other)],
    };
    Value::Array(sorted_set(items))
}

fn normalize_statement(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        return sort_keys(v);
    };
    Value::Object(sorted_map(obj.iter().map(|(k, v)| {
        let v = match k.as_str() {
            "Action" | "NotAction" => string_set(v, |s| s.to_lowercase()),
            "Resource" | "NotResource" => string_set(v, str::to_owned),
            "Principal" | "NotPrincipal" => normalize_principal(v),
            "Condition" => normalize_condition(v),
            _ => sort_keys(v),
        };
        (k.clone(), v)
    })))
}

/// A string or an array of strings as a sorted, deduplicated array; other shapes unchanged.
fn string_set(v: &Value, canon: impl Fn(&str) -> String) -> Value {
    let strings: Option<Vec<&str>> = match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    };
    match strings {
        Some(strings) => Value::Array(sorted_set(
            strings
                .into_iter()
                .map(|s| Value::String(canon(s)))
                .collect(),
        )),
        None => sort_keys(v),
    }
}

fn normalize_principal(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        return sort_keys(v);
    };
    Value::Object(sorted_map(obj.iter().map(|(k, v)| {
        let v = if k == "AWS" {
            string_set(v, |s| {
                if is_account_id(s) {
                    format!("arn:aws:iam::{s}:root")
                } else {
                    s.to_owned()
                }
            })
        } else {
            string_set(v, str::to_owned)
        };
        (k.clone(), v)
    })))
}

fn normalize_condition(v: &Value) -> Value {
    let Value::Object(operators) = v else {
        return sort_keys(v);
    };
    Value::Object(sorted_map(operators.iter().map(|(op, keys)| {
        let keys = match keys {
            Value::Object(keys) => {
                // Two spellings of one key under one operator AND together; merging them would
                // OR their values, so in that (odd) case the names keep their case.
                let mut lowered: Vec<String> = keys.keys().map(|k| k.to_lowercase()).collect();
                lowered.sort();
                lowered.dedup();
                let lower = lowered.len() == keys.len();
                Value::Object(sorted_map(keys.iter().map(|(key, values)| {
                    let key = if lower {
                        key.to_lowercase()
                    } else {
                        key.clone()
                    };
                    (key, condition_values(values))
                })))
            }
            other => sort_keys(other),
        };
        (op.clone(), keys)
    })))
}

fn condition_values(v: &Value) -> Value {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let values: Option<Vec<String>> = match v {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|s| vec![s]),
    };
    match values {
        Some(values) => Value::Array(sorted_set(values.into_iter().map(Value::String).collect())),
        None => sort_keys(v),
    }
}
