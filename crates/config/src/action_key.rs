//! An unknown key inside a data action (`[targets.action]`, `[[targets.actions]]`,
//! `[[genesys.actions]]`): which action it is in, the keys an action has, and the one it most
//! likely meant. The TOML parser names the key only; this names the action too (issue 36's bad
//! input: "an unknown action key … exit 1 naming the key and the action").
//!
//! Part of the `config` layer, pure: the file's text and the parser's error span in, plain data
//! out.

use std::ops::Range;

use serde_json::Value;
use toml_edit::{ImDocument, Item, TableLike};

use super::function::{parse_function, FunctionRef};
use super::genesys_model::DataActionConfig;

/// A key no data action has, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownActionKey {
    /// The action's place in the config: `targets[0].action`, `genesys.actions[1]`.
    pub field: String,
    /// The action's name: `name`, default the target's function name.
    pub action: String,
    /// The key as written.
    pub key: String,
    /// The action key it most likely meant, when one is close.
    pub suggestion: Option<String>,
    /// Every key a data action has, in the order the config documents them.
    pub(crate) allowed: Vec<String>,
}

impl UnknownActionKey {
    /// The hint, as data: the likely key and every key an action has.
    pub(crate) fn hint(&self) -> String {
        let keys = format!("a data action's keys are: {}", self.allowed.join(", "));
        match &self.suggestion {
            Some(s) => format!("did you mean `{s}`? {keys}"),
            None => keys,
        }
    }
}

/// Every key of a data action, from [`DataActionConfig`] itself (each field serialises, unset ones
/// as null), so the list cannot fall behind the type.
pub(super) fn action_keys() -> Vec<String> {
    match serde_json::to_value(DataActionConfig::default()) {
        Ok(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The unknown key at `span` of `text` when it sits in a data action's table; `None` when the
/// key is elsewhere (the parser's own message then stands).
pub(super) fn at(text: &str, span: &Range<usize>) -> Option<UnknownActionKey> {
    let doc = ImDocument::parse(text).ok()?;
    let (field, table, function) = action_tables(doc.as_table())
        .into_iter()
        .find(|(_, t, _)| key_at(*t, span).is_some())?;
    let key = key_at(table, span)?;
    let action = match table.get("name").and_then(Item::as_str) {
        Some(name) => name.to_owned(),
        None => function.map_or_else(|| field.clone(), |f| function_name(&f)),
    };
    let allowed = action_keys();
    Some(UnknownActionKey {
        suggestion: closest(&key, &allowed),
        field,
        action,
        key,
        allowed,
    })
}

/// The key of `table` whose span is `span`.
fn key_at(table: &dyn TableLike, span: &Range<usize>) -> Option<String> {
    table.iter().find_map(|(name, _)| {
        let (key, _) = table.get_key_value(name)?;
        (key.span().as_ref() == Some(span)).then(|| name.to_owned())
    })
}

/// Every action table of the document: (its config path, the table, the target's function).
fn action_tables(root: &toml_edit::Table) -> Vec<(String, &dyn TableLike, Option<String>)> {
    let mut out = Vec::new();
    for (i, t) in root
        .get("targets")
        .map(tables)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let function = t.get("function").and_then(Item::as_str).map(str::to_owned);
        if let Some(a) = t.get("action").and_then(Item::as_table_like) {
            out.push((format!("targets[{i}].action"), a, function.clone()));
        }
        let many = t.get("actions").map(tables).unwrap_or_default();
        for (k, a) in many.into_iter().enumerate() {
            out.push((format!("targets[{i}].actions[{k}]"), a, function.clone()));
        }
    }
    let genesys = root.get("genesys").and_then(Item::as_table_like);
    let dynamic = genesys.and_then(|g| g.get("actions")).map(tables);
    for (k, a) in dynamic.unwrap_or_default().into_iter().enumerate() {
        out.push((format!("genesys.actions[{k}]"), a, None));
    }
    out
}

/// The tables of an array of tables, written as `[[…]]` or as an array of inline tables.
fn tables(item: &Item) -> Vec<&dyn TableLike> {
    match item {
        Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Item::Value(toml_edit::Value::Array(a)) => (a.iter())
            .filter_map(toml_edit::Value::as_inline_table)
            .map(|t| t as &dyn TableLike)
            .collect(),
        _ => Vec::new(),
    }
}

/// A target's function as an action's default name (see `genesys::action_name`).
fn function_name(function: &str) -> String {
    match parse_function(function) {
        Ok(FunctionRef::Arn(arn)) => arn.name,
        _ => function.to_owned(),
    }
}

/// The candidate closest to `word` by edit distance, when it is close: at most a third of the
/// word's length, and at least two edits allowed (a swapped pair, `nmae`).
fn closest(word: &str, candidates: &[String]) -> Option<String> {
    let limit = (word.chars().count() / 3).max(2);
    (candidates.iter())
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

/// Levenshtein distance over characters, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_key_is_suggested_only_when_close() {
        let keys = action_keys();
        assert_eq!(keys.first().map(String::as_str), Some("name"));
        assert!(keys.iter().any(|k| k == "request_url_template"));
        assert_eq!(closest("nmae", &keys).as_deref(), Some("name"));
        assert_eq!(closest("timeout", &keys).as_deref(), None);
        assert_eq!(
            closest("timout_seconds", &keys).as_deref(),
            Some("timeout_seconds")
        );
        assert_eq!(closest("colour", &keys), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn the_action_is_found_by_the_key_s_span() {
        let text = "[[targets]]\nfunction = \"arn:aws:lambda:us-east-1:111122223333:function:pay:live\"\n[targets.action]\nsecure = true\nnmae = \"x\"\n\n[genesys]\nintegration = \"i\"\n[[genesys.actions]]\nname = \"Any\"\nrequest_url_tmplate = \"${input.arn}\"\n";
        let span = |key: &str| {
            let start = text.find(key).unwrap();
            start..start + key.len()
        };
        let found = at(text, &span("nmae")).unwrap();
        assert_eq!(
            (
                found.field.as_str(),
                found.action.as_str(),
                found.key.as_str()
            ),
            ("targets[0].action", "pay", "nmae")
        );
        let found = at(text, &span("request_url_tmplate")).unwrap();
        assert_eq!(
            (found.field.as_str(), found.action.as_str()),
            ("genesys.actions[0]", "Any")
        );
        assert_eq!(found.suggestion.as_deref(), Some("request_url_template"));
        assert_eq!(at(text, &span("integration")), None);
    }
}
