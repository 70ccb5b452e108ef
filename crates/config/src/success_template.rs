//! What a data action's success template refers to and what it puts into the output. The
//! template is Velocity that renders the action's output JSON (Genesys Resource Center,
//! "Response configuration"): `${rawResult}`, the translation map's variables as `${name}`,
//! `$!{name}`, `$name` or `$!name`, and helpers such as `${successTemplateUtils.firstFromArray(…)}`.
//! When it is JSON apart from those references (no `#if`/`#foreach`), its keys can be judged
//! against the output contract; anything else is not judged.
//!
//! Part of the pure `config` layer.

use std::collections::BTreeSet;

use serde_json::Value;

/// Stands in a JSON string for a reference's text: keys holding it are chosen at run time.
const AT_RUN_TIME: char = '\u{E000}';

/// The names the template refers to (`${a.b}` → `a`; `$esc.quote` → `esc`).
pub(super) fn references(template: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let after = rest.strip_prefix('!').unwrap_or(rest);
        let after = after.strip_prefix('{').unwrap_or(after);
        let name = identifier(after);
        if !name.is_empty() {
            out.insert(name.to_string());
        }
    }
    out
}

/// A Velocity identifier at the start of `s` (`[A-Za-z][A-Za-z0-9_-]*`), possibly empty.
fn identifier(s: &str) -> &str {
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return "";
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The JSON the template renders, each reference standing for a value (`0`, or a marker in a
/// string); `None` when it is not JSON once the references are set aside.
fn shape(template: &str) -> Option<Value> {
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if c == '$' {
            if let Some(after) = skip_reference(rest) {
                out.push(if in_string { AT_RUN_TIME } else { '0' });
                rest = after;
                continue;
            }
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    serde_json::from_str(&out).ok()
}

/// `s` after the reference it starts with (`${…}` with its nested braces, `$!{…}`, `$name`
/// with its `.member` and `(…)` tails); `None` when `$` starts none.
fn skip_reference(s: &str) -> Option<&str> {
    let s = s.strip_prefix('$')?;
    let s = s.strip_prefix('!').unwrap_or(s);
    if let Some(inner) = s.strip_prefix('{') {
        let mut depth = 1;
        for (i, c) in inner.char_indices() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            if depth == 0 {
                return Some(&inner[i + 1..]);
            }
        }
        return None;
    }
    let name = identifier(s);
    if name.is_empty() {
        return None;
    }
    let mut rest = &s[name.len()..];
    loop {
        if let Some(member) = rest
            .strip_prefix('.')
            .map(identifier)
            .filter(|m| !m.is_empty())
        {
            rest = &rest[1 + member.len()..];
        } else if rest.starts_with('(') {
            let close = rest.find(')')?;
            rest = &rest[close + 1..];
        } else {
            return Some(rest);
        }
    }
}

/// The output keys (dotted from the top) the template puts where the output contract `schema`
/// forbids other keys (`additionalProperties: false` beside `properties`); empty when the
/// template or the schema cannot be judged.
pub(super) fn forbidden_keys(template: &str, schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(shape) = shape(template) {
        forbidden_in(&shape, schema, "", &mut out);
    }
    out
}

fn forbidden_in(shape: &Value, schema: &Value, prefix: &str, out: &mut Vec<String>) {
    let (Value::Object(fields), Value::Object(s)) = (shape, schema) else {
        return;
    };
    // Combinators, references and patterns decide keys in ways not followed here.
    let judged = ["$ref", "allOf", "anyOf", "oneOf", "patternProperties", "if"];
    if judged.iter().any(|k| s.contains_key(*k)) {
        return;
    }
    let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
    let properties = s.get("properties").and_then(Value::as_object);
    for (key, value) in fields {
        if key.contains(AT_RUN_TIME) {
            continue;
        }
        let path = format!("{prefix}{key}");
        match properties.and_then(|p| p.get(key)) {
            Some(inner) => forbidden_in(value, inner, &format!("{path}."), out),
            None if closed => out.push(path),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spelling_of_a_reference_is_found() {
        let t = r#"{"a": ${a}, "b": "$!{b}", "c": $c, "d": $!d, "e": ${successTemplateUtils.firstFromArray("${e}", "$esc.quote$esc.quote")}, "cost": "$5"}"#;
        let names: Vec<String> = references(t).into_iter().collect();
        assert_eq!(
            names,
            ["a", "b", "c", "d", "e", "esc", "successTemplateUtils"]
        );
    }

    #[test]
    fn the_shape_sets_references_aside() {
        let t = r#"{"a": ${a}, "b": "x $!{b.c(1)} y", "${k}": 1, "n": $n.size()}"#;
        let s = shape(t).unwrap();
        assert_eq!(s["a"], 0);
        assert_eq!(s["n"], 0);
        assert_eq!(s.as_object().unwrap().len(), 4);
        assert!(shape("#if($a)1#end").is_none());
        assert_eq!(shape("${rawResult}"), Some(json!(0)));
    }

    #[test]
    fn keys_a_closed_contract_lacks_are_named() {
        let schema = json!({"type": "object", "additionalProperties": false,
            "properties": {"a": {"type": "object", "additionalProperties": false, "properties": {}}}});
        let t = r#"{"a": {"x": 1}, "b": ${b}, "${k}": 2}"#;
        assert_eq!(forbidden_keys(t, &schema), ["a.x", "b"]);
        assert!(forbidden_keys(t, &json!({"type": "object"})).is_empty());
        assert!(forbidden_keys("${rawResult}", &schema).is_empty());
    }
}
