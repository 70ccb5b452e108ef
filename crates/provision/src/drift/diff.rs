//! Where two JSON documents differ, path by path, compared in canonical form: the drift
//! findings' `changes`.
//!
//! Part of the pure model.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Change;
use lambda_trust_iam::normalize;

/// Paths where two JSON documents differ, compared in canonical form (so only differences that
/// matter to IAM count). The canonical form lowercases condition keys and action names; paths
/// and values are given back the spelling the documents use (AWS's, for the live one).
pub(crate) fn json_diff(
    expected: &Value,
    actual: &Value,
) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut out = Vec::new();
    diff_into("", &normalize(expected), &normalize(actual), &mut out);
    let mut spelling = Spelling::default();
    spelling.collect(expected);
    spelling.collect(actual);
    for (path, e, a) in &mut out {
        *path = spelling.path(path);
        for v in [e, a].into_iter().flatten() {
            *v = spelling.value(v);
        }
    }
    out
}

/// [`json_diff`] as the findings' `changes`, each path rooted at `$`.
pub(super) fn changes(expected: &Value, actual: &Value) -> Vec<Change> {
    json_diff(expected, actual)
        .into_iter()
        .map(|(path, expected, actual)| Change {
            path: format!("${path}"),
            expected,
            actual,
        })
        .collect()
}

/// lowercase → as written, for object keys and strings, over both documents (the live one,
/// collected last, wins).
#[derive(Default)]
struct Spelling {
    keys: BTreeMap<String, String>,
    strings: BTreeMap<String, String>,
}

impl Spelling {
    fn collect(&mut self, v: &Value) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    self.keys.insert(k.to_lowercase(), k.clone());
                    self.collect(child);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.collect(i)),
            Value::String(s) => {
                self.strings.insert(s.to_lowercase(), s.clone());
            }
            _ => {}
        }
    }

    /// `.statement[0].condition` → `.Statement[0].Condition`.
    fn path(&self, path: &str) -> String {
        path.split('.')
            .map(|seg| {
                let (key, index) = seg.split_at(seg.find('[').unwrap_or(seg.len()));
                match self.keys.get(&key.to_lowercase()) {
                    Some(original) => format!("{original}{index}"),
                    None => seg.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// A canonical value with its keys and lowercased strings spelled as written. Strings the
    /// canonical form kept (ARNs are case-sensitive) stay as they are.
    fn value(&self, v: &Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, child)| {
                        let key = self.keys.get(&k.to_lowercase()).unwrap_or(k);
                        (key.clone(), self.value(child))
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|i| self.value(i)).collect()),
            Value::String(s) if *s == s.to_lowercase() => {
                Value::String(self.strings.get(s).unwrap_or(s).clone())
            }
            other => other.clone(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Condition keys and action names come back as the documents spell them, not in the
    /// canonical lowercase (`sts:externalid`, `lambda:invokefunction`).
    #[test]
    fn changes_keep_the_documents_spelling() {
        let config = json!({"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:F",
            "Condition": {"StringEquals": {"sts:ExternalId": "a"}}}]});
        let live = json!({"Statement": [{"Effect": "Allow", "Action": ["lambda:InvokeFunction",
            "s3:GetObject"], "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:F",
            "Condition": {"StringEquals": {"sts:ExternalId": "B"}}}]});
        let c = changes(&config, &live);
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "$.Statement[0].Action",
                "$.Statement[0].Condition.StringEquals.sts:ExternalId[0]"
            ],
            "{c:?}"
        );
        assert_eq!(c[0].expected, Some(json!(["lambda:InvokeFunction"])));
        assert_eq!(
            c[0].actual,
            Some(json!(["lambda:InvokeFunction", "s3:GetObject"]))
        );
        assert_eq!(c[1].actual, Some(json!("B")));
    }

    /// A value only the canonical form lowercases is restored; one written in lowercase stays.
    #[test]
    fn a_condition_object_gets_its_keys_back() {
        let config = json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Condition": {"StringEquals": {"sts:ExternalId": "a"}}}]});
        let live = json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]});
        let c = changes(&config, &live);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            c[0].expected,
            Some(json!({"StringEquals": {"sts:ExternalId": ["a"]}}))
        );
    }
}
