//! `parse_str` never panics: on arbitrary text, and on valid TOML mutated byte by byte.

use lambda_trust_config as config;
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../../../examples/lambda-trust.toml");

/// Characters that matter to TOML and to our validators.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '"', '\'', '[', ']', '{', '}', '=', ',', '.', '\n', '\\', '#', ':', '*', '$', '-', '0',
            '9', 'a', ' ', '\t', '\u{feff}', 'é', '€', '\u{0}', '\r',
        ]),
        any::<char>(),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, char),
    Delete(usize),
    Replace(usize, char),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), interesting_char()).prop_map(|(i, c)| Mutation::Insert(i, c)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), interesting_char()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in mutations {
        let len = chars.len().max(1);
        match *m {
            Mutation::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Mutation::Delete(i) if !chars.is_empty() => {
                chars.remove(i % len);
            }
            Mutation::Replace(i, c) if !chars.is_empty() => chars[i % len] = c,
            Mutation::Truncate(i) => chars.truncate(i % (chars.len() + 1)),
            Mutation::Duplicate(i, n) if !chars.is_empty() => {
                let start = i % len;
                let end = (start + n).min(chars.len());
                let piece: Vec<char> = chars[start..end].to_vec();
                chars.splice(start..start, piece);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".*") {
        let _ = config::parse_str(&text, "fuzz.toml", None).map_err(|e| e.to_string());
    }

    #[test]
    fn toml_shaped_text_never_panics(text in r#"(\[\[?[a-z]{0,8}\]\]?\n|[a-z_]{1,12} = ("[^"\n]{0,40}"|[0-9-]{1,8}|\{[^\n]{0,30}\})\n){0,12}"#) {
        let _ = config::parse_str(&text, "fuzz.toml", None).map_err(|e| e.to_string());
    }

    #[test]
    fn mutated_example_never_panics(mutations in prop::collection::vec(mutation(), 1..8)) {
        let text = apply(EXAMPLE, &mutations);
        match config::parse_str(&text, "fuzz.toml", None) {
            // Whatever survives mutation must still satisfy the invariants later phases rely on.
            Ok(loaded) => {
                prop_assert!(loaded.config.partner_account().len() == 12);
            }
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(shown.starts_with("fuzz.toml"), "{}", shown);
            }
        }
    }

    #[test]
    fn field_values_never_panic(
        value in prop_oneof![".{0,70}", "[a-z0-9:*$/_-]{0,70}", "arn:aws:lambda:[a-z0-9:*$-]{0,60}"],
        key in prop::sample::select(vec![
            "external_id", "name", "path", "description", "permissions_boundary", "function",
            "qualifier", "region", "account_id",
        ]),
    ) {
        // Put the value under every key of that name; JSON string escapes are valid TOML ones.
        let quoted = serde_json::to_string(&value).unwrap();
        let text: String = EXAMPLE
            .lines()
            .map(|l| {
                if l.trim_start().starts_with(&format!("{key} =")) {
                    format!("{key} = {quoted}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let _ = config::parse_str(&text, "fuzz.toml", None).map_err(|e| e.to_string());
    }
}
