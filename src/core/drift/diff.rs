//! Where two JSON documents differ, path by path, compared in canonical form: the drift
//! findings' `path`, `expected` and `actual`.
//!
//! Part of the pure `core` layer.

use serde_json::Value;

use crate::iam::normalize;

/// Paths where two JSON documents differ, compared in canonical form. The canonical form
/// lowercases condition keys; paths are given back the spelling the documents use.
pub fn json_diff(expected: &Value, actual: &Value) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut out = Vec::new();
    diff_into("", &normalize(expected), &normalize(actual), &mut out);
    let mut spelling = std::collections::BTreeMap::new();
    collect_keys(actual, &mut spelling);
    collect_keys(expected, &mut spelling);
    for (path, _, _) in &mut out {
        *path = path
            .split('.')
            .map(|seg| {
                let (key, index) = seg.split_at(seg.find('[').unwrap_or(seg.len()));
                match spelling.get(key) {
                    Some(original) => format!("{original}{index}"),
                    None => seg.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(".");
    }
    out
}

/// lowercase key → the key as written, over every object in `v` (later documents win).
fn collect_keys(v: &Value, out: &mut std::collections::BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                out.insert(k.to_lowercase(), k.clone());
                collect_keys(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_keys(i, out)),
        _ => {}
    }
}

fn diff_into(
    path: &str,
    e: &Value,
    a: &Value,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                let p = format!("{path}.{k}");
                match ao.get(k) {
                    Some(av) => diff_into(&p, ev, av, out),
                    None => out.push((p, Some(ev.clone()), None)),
                }
            }
            for (k, av) in ao {
                if !eo.contains_key(k) {
                    out.push((format!("{path}.{k}"), None, Some(av.clone())));
                }
            }
        }
        (Value::Array(ea), Value::Array(aa)) if ea.len() == aa.len() => {
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                diff_into(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if e != a => out.push((path.to_string(), Some(e.clone()), Some(a.clone()))),
        _ => {}
    }
}
