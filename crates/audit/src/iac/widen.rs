//! Unknown values in policy documents (the markers of `unknown_marker` the readers leave): the
//! widening that makes a document holding them allow at least as much as any value could.
//!
//! Part of the auditor's `iac`. A statement holding a marker is rewritten so that whatever the value
//! turns out to be, the real statement allows no more than the widened one: in an Allow, an
//! unknown `Principal`/`Action`/`Resource` becomes `*`, an unknown `NotPrincipal`/`NotAction`/
//! `NotResource` becomes the `*` of its positive form, and a condition key with an unknown
//! key or value is dropped (fewer conditions, more requests); a Deny holding a marker is
//! dropped (a Deny only ever narrows). The audit of the widened documents is therefore sound
//! for every value, and `lambda_trust_audit::audit_iac_proved` reports it as the weaker claim.

use serde_json::{json, Map, Value};

use crate::unknown_marker::{marker, markers_in, OPEN};

/// The key an array element read from an undecided `Fn::If` branch carries: such a Deny may
/// not exist, so it is dropped like one holding an unknown value.
pub(super) const UNDECIDED_KEY: &str = "\u{27e6}undecided\u{27e7}";

/// `text` with each marker replaced by the unknown value it stands for, in angle brackets.
pub(super) fn readable(text: &str, unknowns: &[super::Unknown]) -> String {
    let mut out = text.to_owned();
    for (i, u) in unknowns.iter().enumerate() {
        out = out.replace(&marker(i), &format!("<{}>", u.value));
    }
    out
}

fn holds_marker(value: &Value) -> bool {
    !markers_in(value).is_empty() || value.get(UNDECIDED_KEY).is_some()
}

/// Whether the document is a trust policy (its widened statements then name principals).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Trust,
    Permissions,
}

/// The widened document: as much allowed as the document allows for any value of its
/// unknowns (see the module header).
pub(super) fn widen(doc: &Value, kind: Kind) -> Value {
    if !holds_marker(doc) {
        return doc.clone();
    }
    let Value::Object(map) = doc else {
        return json!({"Version": "2012-10-17", "Statement": [allow_all(kind)]});
    };
    let statements: Vec<Value> = match map.get("Statement") {
        Some(Value::Array(items)) => items.iter().filter_map(|s| statement(s, kind)).collect(),
        Some(s) => statement(s, kind).into_iter().collect(),
        None => Vec::new(),
    };
    let mut out = Map::new();
    out.insert("Version".into(), json!("2012-10-17"));
    out.insert("Statement".into(), Value::Array(statements));
    Value::Object(out)
}

fn allow_all(kind: Kind) -> Value {
    match kind {
        Kind::Trust => json!({"Effect": "Allow", "Principal": "*", "Action": "*"}),
        Kind::Permissions => json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    }
}

/// One statement widened, or `None` when it is a Deny that may not hold.
fn statement(s: &Value, kind: Kind) -> Option<Value> {
    let Value::Object(map) = s else {
        return Some(allow_all(kind));
    };
    if !holds_marker(s) {
        return Some(s.clone());
    }
    let effect = map.get("Effect").and_then(Value::as_str);
    if effect != Some("Allow") && effect.is_some_and(|e| !e.contains(OPEN)) {
        return None;
    }
    let mut out = Map::new();
    for (key, value) in map {
        let (key, value) = match key.as_str() {
            k if k == UNDECIDED_KEY => continue,
            "Effect" => (key.clone(), json!("Allow")),
            "Condition" => match condition(value) {
                Some(c) => (key.clone(), c),
                None => continue,
            },
            _ if !holds_marker(value) => (key.clone(), value.clone()),
            "Principal" | "NotPrincipal" => ("Principal".into(), json!("*")),
            "Action" | "NotAction" => ("Action".into(), json!("*")),
            "Resource" | "NotResource" => ("Resource".into(), json!("*")),
            _ => (key.clone(), value.clone()),
        };
        out.insert(key, value);
    }
    Some(Value::Object(out))
}

/// The condition block without the keys that hold a marker; `None` when nothing is left.
fn condition(block: &Value) -> Option<Value> {
    let Value::Object(ops) = block else {
        return None;
    };
    let mut out = Map::new();
    for (op, keys) in ops {
        if op.contains(OPEN) {
            continue;
        }
        let Value::Object(keys) = keys else { continue };
        let kept: Map<String, Value> = keys
            .iter()
            .filter(|(k, v)| !k.contains(OPEN) && !holds_marker(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            out.insert(op.clone(), Value::Object(kept));
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}
