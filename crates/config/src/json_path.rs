//! Translation-map paths: the JSONPath Genesys Cloud evaluates against the function's answer.
//! Genesys Cloud's dialect is Jayway's (Genesys Resource Center, "Translation map"; the Jayway
//! JsonPath README): filters `$.items[?(@.type == 'home')].value`, deep scans `$..id`, bracket
//! names `$['a b']`, and spellings RFC 9535 does not have — `$.[0]`, a path without its `$`,
//! dotted names with `-`, a trailing function such as `.length()`. Those spellings are
//! rewritten into RFC 9535's and the result is read by a maintained RFC 9535 parser
//! (`serde_json_path`); nothing here is a grammar of its own. A path it still cannot read is
//! the config's as written: the caller warns, never refuses (Genesys Cloud is the judge).
//!
//! Part of the pure `config` layer.

/// Jayway's functions, which end a path (`$.items.length()`): the Jayway JsonPath README,
/// "Functions".
const FUNCTIONS: [&str; 12] = [
    "min", "max", "avg", "stddev", "length", "sum", "keys", "concat", "append", "first", "last",
    "index",
];

/// Whether `path` reads as a JSONPath Genesys Cloud evaluates; `Err` holds the parser's words.
pub(super) fn check(path: &str) -> Result<(), String> {
    if path.trim().is_empty() {
        return Err("the path is empty".into());
    }
    serde_json_path::JsonPath::parse(&rfc9535(path))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `path` in RFC 9535's spelling: the function call at its end dropped, `$` added when missing,
/// each dotted name as a bracketed one (`.first-name` → `['first-name']`, `.[0]` → `[0]`).
/// Brackets (indexes, names, filters) are copied as written.
fn rfc9535(path: &str) -> String {
    let path = without_function(path.trim());
    let mut rest = path.strip_prefix('$').unwrap_or(path);
    let mut out = String::from("$");
    // Jayway reads `customer.id` as `$.customer.id`.
    if !rest.is_empty() && !rest.starts_with(['.', '[']) {
        let (name, after) = split_name(rest);
        out.push_str(&segment(".", name));
        rest = after;
    }
    while !rest.is_empty() {
        let dots = if rest.starts_with("..") { ".." } else { "." };
        if rest.starts_with('[') {
            let (inside, after) = split_bracket(rest);
            out.push_str(inside);
            rest = after;
        } else if let Some(after) = rest.strip_prefix(dots) {
            let (name, after) = split_name(after);
            out.push_str(&segment(dots, name));
            rest = after;
        } else {
            // Not a path segment: left for the parser to refuse.
            out.push_str(rest);
            break;
        }
    }
    out
}

/// A dotted segment (`dots` is `.` or `..`) as RFC 9535 spells it: a name bracketed, `*` and an
/// empty name (`.[`, `..[`) as the brackets that follow need, a name with a call, a quote or a
/// space as written, for the parser to judge.
fn segment(dots: &str, name: &str) -> String {
    let descendant = if dots == ".." { ".." } else { "" };
    if name.is_empty() {
        descendant.into()
    } else if name == "*" || name.contains(['(', ')', '\'', '"', ' ']) {
        format!("{dots}{name}")
    } else {
        format!("{descendant}['{}']", name.replace('\\', "\\\\"))
    }
}

/// A dotted name and what follows it (from the next `.` or `[`).
fn split_name(s: &str) -> (&str, &str) {
    let end = s.find(['.', '[']).unwrap_or(s.len());
    s.split_at(end)
}

/// A bracket from its `[` through its matching `]` (quotes and nested brackets respected), and
/// what follows it; an unclosed one is all of `s`.
fn split_bracket(s: &str) -> (&str, &str) {
    let (mut depth, mut quote, mut escaped) = (0usize, None::<char>, false);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return s.split_at(i + 1);
                }
            }
            _ => {}
        }
    }
    (s, "")
}

/// `path` without a Jayway function call at its end (`$.items.length()` → `$.items`).
fn without_function(path: &str) -> &str {
    let Some(open) = path.strip_suffix(')').and_then(|p| p.rfind('(')) else {
        return path;
    };
    let before = &path[..open];
    match before.rsplit_once('.') {
        Some((head, name)) if FUNCTIONS.contains(&name) && !head.is_empty() => head,
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jayway_spellings_become_rfc_9535() {
        for (jayway, rfc) in [
            ("$.a.b[0]", "$['a']['b'][0]"),
            ("$.[0]", "$[0]"),
            ("customer.id", "$['customer']['id']"),
            ("[0].id", "$[0]['id']"),
            ("$..id", "$..['id']"),
            ("$..[0]", "$..[0]"),
            ("$.first-name", "$['first-name']"),
            ("$.items.length()", "$['items']"),
            ("$.a[?(@.t == 'x]')].v", "$['a'][?(@.t == 'x]')]['v']"),
            ("$.*", "$.*"),
        ] {
            assert_eq!(rfc9535(jayway), rfc, "{jayway}");
        }
    }

    #[test]
    fn what_genesys_evaluates_reads_and_the_rest_does_not() {
        for ok in [
            "$.items[?(@.type == 'home')].value",
            "$..id",
            "$['a b']",
            "$.[0]",
            "customer.id",
            "$.items.length()",
            "$.slots[?(@.free == true && @.minutes > 15)].start",
            "$.entities[*].user.presence",
            "$",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in ["$.items[?(@.tags anyof ['x'])]", "$.a.size()", "$.a[", ""] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
