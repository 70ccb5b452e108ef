//! Policy variables: `${aws:username}`, `${key, 'default'}` and the `${*}`, `${?}`, `${$}`
//! escapes, substituted into Resource and condition values before matching.
//!
//! Part of `policy` (used by `eval` and `condition`). Only 2012-10-17 documents have variables;
//! in 2008-10-17 (or no Version) `${…}` is literal text (IAM User Guide, "Policy variables").

use super::wildcard::{compile, Tok};

/// Looks a context key up (case-insensitively, as context key names are).
pub(crate) trait VarSource {
    fn lookup(&self, key: &str) -> Option<&[String]>;
}

/// Expands `text` into a pattern. `None` means a variable could not be resolved: AWS then does
/// not match that value (the User Guide warns an unresolved variable can invalidate the
/// statement; we treat just the value as non-matching and say so in docs).
pub(crate) fn expand(text: &str, variables: bool, ctx: &dyn VarSource) -> Option<Vec<Tok>> {
    if !variables || !text.contains("${") {
        return Some(compile(text));
    }
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.extend(compile(&rest[..start]));
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // No closing brace: not a variable, keep the text as written.
            out.extend(compile(&rest[start..]));
            return Some(out);
        };
        let inner = &after[..end];
        out.extend(resolve(inner, ctx)?.chars().map(Tok::Lit));
        rest = &after[end + 1..];
    }
    out.extend(compile(rest));
    Some(out)
}

/// The literal text of one `${…}`; characters from variables never act as wildcards.
fn resolve(inner: &str, ctx: &dyn VarSource) -> Option<String> {
    match inner {
        "*" | "?" | "$" => return Some(inner.to_owned()),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        None => (inner.trim(), None),
        Some((key, default)) => {
            let default = default.trim();
            // The documented form is `${key, 'default'}`; anything else is not a variable AWS
            // would resolve.
            let quoted = default.len() >= 2 && default.starts_with('\'') && default.ends_with('\'');
            if !quoted {
                return None;
            }
            (key.trim(), Some(&default[1..default.len() - 1]))
        }
    };
    // Only single-valued keys can be variables (IAM User Guide, "Single-valued vs multivalued
    // context keys").
    match ctx.lookup(key) {
        Some([value]) => Some(value.clone()),
        _ => default.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::super::wildcard::flatten;
    use super::*;
    use std::collections::BTreeMap;

    struct Map(BTreeMap<String, Vec<String>>);
    impl VarSource for Map {
        fn lookup(&self, key: &str) -> Option<&[String]> {
            self.0.get(&key.to_lowercase()).map(Vec::as_slice)
        }
    }

    #[test]
    fn substitution() {
        let mut m = BTreeMap::new();
        m.insert("aws:username".to_owned(), vec!["bob*".to_owned()]);
        let ctx = Map(m);
        let toks = expand("home/${aws:username}/*", true, &ctx).unwrap();
        assert_eq!(flatten(&toks), "home/bob*/*");
        // The `*` from the user name is literal, the last one is a wildcard.
        assert_eq!(toks[8], Tok::Lit('*'));
        assert_eq!(toks[10], Tok::Many);
        assert!(expand("${aws:userid}", true, &ctx).is_none());
        assert_eq!(
            flatten(&expand("${aws:userid, 'none'}", true, &ctx).unwrap()),
            "none"
        );
        assert_eq!(expand("${*}", true, &ctx).unwrap(), vec![Tok::Lit('*')]);
        assert_eq!(
            flatten(&expand("${aws:username}", false, &ctx).unwrap()),
            "${aws:username}"
        );
        assert_eq!(flatten(&expand("a${b", true, &ctx).unwrap()), "a${b");
    }
}
