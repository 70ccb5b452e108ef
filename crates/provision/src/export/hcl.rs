//! The few pieces of HCL (Terraform's native syntax) the Terraform export writes: quoted
//! strings with HCL's escapes, JSON values as HCL expressions (for `jsonencode(...)`), and
//! block labels made of a name; and the two pieces both halves of the export write with them:
//! an `import` block and the variables in place of the per-environment values.

use std::fmt::Write as _;

use serde_json::Value;

use super::Export;

/// A quoted HCL string: `\`, `"` and control characters escaped, and the template sequences
/// `${` and `%{` doubled (`$${`, `%%{`) so they stay literal text — Genesys Cloud's templates
/// are full of `${input.x}` (Terraform Language, "Strings and Templates": Escape Sequences).
pub(super) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON value as an HCL expression, indented by `indent` spaces after its first line: objects
/// with quoted keys (`"Effect" = "Allow"`), so `jsonencode(...)` of it gives the value back.
pub(super) fn value(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let end = " ".repeat(indent);
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) if items.is_empty() => "[]".to_string(),
        Value::Array(items) => {
            let inner: Vec<String> = (items.iter())
                .map(|i| format!("{pad}{},\n", value(i, indent + 2)))
                .collect();
            format!("[\n{}{end}]", inner.concat())
        }
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let inner: Vec<String> = (map.iter())
                .map(|(k, v)| format!("{pad}{} = {}\n", string(k), value(v, indent + 2)))
                .collect();
            format!("{{\n{}{end}}}", inner.concat())
        }
    }
}

/// A resource name made of `name`: letters, digits, `_` and `-`, starting with a letter or `_`
/// (Terraform Language, "Identifiers"); other characters become `_`.
pub(super) fn label(name: &str) -> String {
    let mut out: String = (name.chars())
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                true => c.to_ascii_lowercase(),
                false => '_',
            },
        )
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// Labels for `names`, each unique: a repeated one gets `_2`, `_3`, …
pub(super) fn labels<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    names
        .into_iter()
        .map(|n| {
            let base = label(n);
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            match *count {
                1 => base,
                k => format!("{base}_{k}"),
            }
        })
        .collect()
}

/// `text` with the `=` of each run of consecutive one-line `key = value` lines in one column,
/// one space after the run's longest key, as `terraform fmt` aligns them (hclwrite's
/// formatter: a line whose value opens a bracket it does not close — `key = {` — or a line with
/// no `=` ends the run, and keeps one space before its `=`).
pub(super) fn aligned(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let cells: Vec<Option<(usize, usize)>> = lines.iter().map(|l| assignment(l, false)).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let Some(_) = cells[i] else {
            // A value that opens: one space before its `=`.
            match assignment(lines[i], true) {
                Some((key, eq)) => {
                    out.push_str(&lines[i][..key]);
                    out.push(' ');
                    out.push_str(&lines[i][eq..]);
                }
                None => out.push_str(lines[i]),
            }
            i += 1;
            continue;
        };
        let end = (i..lines.len())
            .find(|&k| cells[k].is_none())
            .unwrap_or(lines.len());
        let widest = (cells[i..end].iter().flatten().map(|(key, _)| *key))
            .max()
            .unwrap_or(0);
        for k in i..end {
            let (key, eq) = cells[k].unwrap_or_default();
            let line = lines[k];
            out.push_str(&line[..key]);
            out.push_str(&" ".repeat(widest - key + 1));
            out.push_str(&line[eq..]);
        }
        i = end;
    }
    out
}

/// A `key = value` (the key an identifier or a quoted string after the indent): the end of the
/// key and the offset of `=`; none for any other line. `opening`: only one whose value opens
/// more brackets than it closes, else only a one-line one.
fn assignment(line: &str, opening: bool) -> Option<(usize, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let key = if let Some(quoted) = rest.strip_prefix('"') {
        1 + quoted_len(quoted)? + 1
    } else {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?
    };
    let after = &rest[key..];
    let eq = key + (after.len() - after.trim_start_matches(' ').len());
    let value = rest[eq..].strip_prefix('=')?;
    if key == 0 || value.starts_with('=') || (net_brackets(value) > 0) != opening {
        return None;
    }
    Some((indent + key, indent + eq))
}

/// The length of a quoted string's text up to its closing quote (the opening one before `s`).
fn quoted_len(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' if !escaped => return Some(i),
            '\\' if !escaped => escaped = true,
            _ => escaped = false,
        }
    }
    None
}

/// Brackets opened minus closed outside quoted strings and comments.
fn net_brackets(code: &str) -> i64 {
    let (mut net, mut quoted, mut escaped) = (0, false, false);
    for c in code.chars() {
        match (quoted, c) {
            (true, '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (true, '"') if !escaped => quoted = false,
            (true, _) => {}
            (false, '"') => quoted = true,
            (false, '#') => break,
            (false, '{' | '[' | '(') => net += 1,
            (false, '}' | ']' | ')') => net -= 1,
            (false, _) => {}
        }
        escaped = false;
    }
    net
}

/// An `import` block, when the object is live (a `--from-config` export has none).
pub(super) fn import(e: &Export, out: &mut String, to: &str, id: &str) {
    if e.origin.live {
        let _ = write!(out, "\nimport {{\n  to = {to}\n  id = {}\n}}\n", string(id));
    }
}

/// The org ID as `var.org_id` and the role's account in ARNs as `${var.account_id}`, so the
/// code serves every environment with its own `terraform.tfvars`.
pub(super) fn with_vars(e: &Export, hcl: &str) -> String {
    let org = string(&e.external_id);
    let account = format!(":{}:", e.account_id);
    hcl.replace(&org, "var.org_id")
        .replace(&account, ":${var.account_id}:")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn runs_of_one_line_assignments_are_aligned_as_terraform_fmt_aligns_them() {
        let text = "x {\n  name   = \"a\"\n  path = \"/\"\n  policy    = jsonencode({\n    \"Effect\" = \"Allow\"\n    \"Sid\" = \"a = b\"\n  })\n  tags_all = {}\n  t = 1\n}\n";
        let want = "x {\n  name = \"a\"\n  path = \"/\"\n  policy = jsonencode({\n    \"Effect\" = \"Allow\"\n    \"Sid\"    = \"a = b\"\n  })\n  tags_all = {}\n  t        = 1\n}\n";
        assert_eq!(aligned(text), want);
        assert_eq!(aligned(want), want);
    }

    #[test]
    fn templates_stay_literal_and_quotes_are_escaped() {
        assert_eq!(
            string("${input.id} 100%{x} \"q\"\n"),
            r#""$${input.id} 100%%{x} \"q\"\n""#
        );
        assert_eq!(string("a $ b % c"), "\"a $ b % c\"");
    }

    #[test]
    fn a_document_is_an_hcl_object() {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}], "N": 1});
        assert_eq!(
            value(&doc, 0),
            "{\n  \"Version\" = \"2012-10-17\"\n  \"Statement\" = [\n    {\n      \"Effect\" = \"Allow\"\n    },\n  ]\n  \"N\" = 1\n}"
        );
    }

    #[test]
    fn labels_are_identifiers_and_unique() {
        assert_eq!(
            labels(["Lookup order", "lookup order", "9x"]),
            ["lookup_order", "lookup_order_2", "_9x"]
        );
    }
}
