//! The markers the IaC readers write for a value a template or plan leaves unknown before
//! deployment (`⟦unknown#N⟧`), and where they are found: the readers and the widening
//! (`iac`) write and read them, the whole path (`path`) asks whether a role's tags hold one.
//!
//! Part of the pure auditor.

use std::collections::BTreeMap;

use serde_json::Value;

/// Where a marker starts.
pub(crate) const OPEN: &str = "\u{27e6}unknown#";
const CLOSE: &str = "\u{27e7}";
/// The marker of unknown value `index`.
pub(crate) fn marker(index: usize) -> String {
    format!("{OPEN}{index}{CLOSE}")
}

/// The indexes of every marker in `value` (keys included), in order, without repeats.
pub(crate) fn markers_in(value: &Value) -> Vec<usize> {
    let mut out = Vec::new();
    collect(value, &mut out);
    out.dedup();
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|i| seen.insert(*i));
    out
}

fn collect(value: &Value, out: &mut Vec<usize>) {
    match value {
        Value::String(s) => in_text(s, out),
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            in_text(k, out);
            collect(v, out);
        }),
        _ => {}
    }
}

fn in_text(mut s: &str, out: &mut Vec<usize>) {
    while let Some(start) = s.find(OPEN) {
        let rest = &s[start + OPEN.len()..];
        let Some(end) = rest.find(CLOSE) else { return };
        if let Ok(i) = rest[..end].parse() {
            out.push(i);
        }
        s = &rest[end..];
    }
}

/// Whether `tags` hold a value a template leaves unknown before deployment.
pub(crate) fn holds_unknown(tags: &BTreeMap<String, String>) -> bool {
    !markers_in(&serde_json::json!(tags)).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_holding_a_value_unknown_before_deployment_are_not_known() {
        let known = BTreeMap::from([("dp:exclude:identity".to_owned(), "true".to_owned())]);
        assert!(!holds_unknown(&known));
        let unknown = BTreeMap::from([("dp:exclude:identity".to_owned(), marker(0))]);
        assert!(holds_unknown(&unknown));
    }
}
