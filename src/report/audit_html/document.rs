//! A policy document pretty-printed as HTML, with chosen statements marked (`<mark>`): the JSON
//! text is unchanged, so it can be copied as it is.
//!
//! Part of `report::audit_html`.

use serde_json::Value;

use super::esc_text as esc;

/// The document as pretty JSON, escaped, with the statements at `marked` (indexes into
/// `Statement`; a lone statement object is index 0) wrapped in `<mark class="hit">`.
pub(super) fn document_html(doc: &Value, marked: &[usize]) -> String {
    let Value::Object(map) = doc else {
        return esc(&pretty(doc, 0));
    };
    if map.is_empty() {
        return "{}".to_owned();
    }
    let mut out = String::from("{\n");
    let last = map.len() - 1;
    for (i, (k, v)) in map.iter().enumerate() {
        out.push_str("  ");
        out.push_str(&esc(&Value::String(k.clone()).to_string()));
        out.push_str(": ");
        match (k.as_str(), v) {
            ("Statement", Value::Array(items)) if !items.is_empty() => {
                out.push_str("[\n");
                let end = items.len() - 1;
                for (j, s) in items.iter().enumerate() {
                    out.push_str("    ");
                    out.push_str(&statement(s, 4, marked.contains(&j)));
                    out.push_str(if j == end { "\n" } else { ",\n" });
                }
                out.push_str("  ]");
            }
            ("Statement", Value::Object(_)) => {
                out.push_str(&statement(v, 2, marked.contains(&0)));
            }
            _ => out.push_str(&esc(&pretty(v, 2))),
        }
        out.push_str(if i == last { "\n" } else { ",\n" });
    }
    out.push('}');
    out
}

fn statement(s: &Value, indent: usize, hit: bool) -> String {
    let text = esc(&pretty(s, indent));
    if hit {
        format!("<mark class=\"hit\">{text}</mark>")
    } else {
        text
    }
}

/// Pretty JSON whose lines after the first are indented by `indent` spaces.
fn pretty(v: &Value, indent: usize) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    let pad = format!("\n{}", " ".repeat(indent));
    text.replace('\n', &pad)
}

#[cfg(test)]
mod tests {
    use super::document_html;
    use serde_json::json;

    #[test]
    fn marks_the_statement_and_keeps_the_json() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "a"}, {"Effect": "Deny", "Action": "<b>"}]});
        let html = document_html(&doc, &[1]);
        assert!(html.contains("<mark class=\"hit\">{\n      \"Effect\": \"Deny\""));
        assert!(html.contains("&lt;b&gt;"));
        let text = html
            .replace("<mark class=\"hit\">", "")
            .replace("</mark>", "")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc);
    }
}
