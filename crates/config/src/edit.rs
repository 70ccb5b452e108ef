//! In-place edits of `lambda-trust.toml` for `onboard` and `offboard`, preserving the user's
//! comments, ordering and formatting (toml_edit). Pure: text in, text out; the caller validates
//! the result with `config::parse_str` before anything is written.

use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};

use crate::TargetConfig;

/// Why the config file could not be edited in place.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file is not TOML.
    #[error("{path}: not valid TOML: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// `targets` is not written as `[[targets]]` tables.
    #[error("{path}: `targets` is not an array of tables ([[targets]])")]
    Shape {
        /// The file.
        path: String,
    },
}

fn parse(text: &str, path: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| EditError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// Appends a `[[targets]]` table.
pub fn add_target(text: &str, path: &str, target: &TargetConfig) -> Result<String, EditError> {
    let mut doc = parse(text, path)?;
    let mut table = Table::new();
    table.insert("function", value(target.function.clone()));
    if let Some(r) = &target.region {
        table.insert("region", value(r.clone()));
    }
    if let Some(q) = &target.qualifier {
        table.insert("qualifier", value(q.clone()));
    }
    if let Some(name) = target.action.as_ref().and_then(|a| a.name.as_ref()) {
        let mut action = Table::new();
        action.insert("name", value(name.clone()));
        table.insert("action", Item::Table(action));
    }
    match doc.get_mut("targets") {
        None => {
            let mut arr = ArrayOfTables::new();
            arr.push(table);
            doc.insert("targets", Item::ArrayOfTables(arr));
        }
        Some(item) => match item.as_array_of_tables_mut() {
            Some(arr) => arr.push(table),
            None => {
                return Err(EditError::Shape {
                    path: path.to_string(),
                })
            }
        },
    }
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Removes every `[[targets]]` table for which `matches(index)` is true, where `index` is the
/// table's position (as in `Config::targets`). Returns the new text and how many were removed.
pub fn remove_targets(
    text: &str,
    path: &str,
    matches: impl Fn(usize) -> bool,
) -> Result<(String, usize), EditError> {
    let mut doc = parse(text, path)?;
    let Some(item) = doc.get_mut("targets") else {
        return Ok((text.to_string(), 0));
    };
    let Some(arr) = item.as_array_of_tables_mut() else {
        return Err(EditError::Shape {
            path: path.to_string(),
        });
    };
    let before = arr.len();
    let mut i = 0;
    arr.retain(|_| {
        let keep = !matches(i);
        i += 1;
        keep
    });
    let removed = before - arr.len();
    if arr.is_empty() {
        doc.remove("targets");
    }
    Ok((doc.to_string(), removed))
}

/// A unified diff of two config texts, for `--dry-run`.
pub fn text_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header(path, &format!("{path} (after)"))
        .to_string()
}

impl EditError {
    /// What the user can do about it: the hint, kept out of the message (the binary prints it
    /// as a last line `(hint: …)`).
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            EditError::Parse { .. } => "fix the file first; `lambda-trust lint` shows where",
            EditError::Shape { .. } => "write each target as its own [[targets]] table",
        };
        Some(hint.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# my config\n[trust]\npartner = \"genesys-cloud\" # the preset\nexternal_id = \"x\"\n\n[role]\nname = \"R\"\n\n# first target\n[[targets]]\nfunction = \"a\"   # keep me\n\n[[targets]]\nfunction = \"b\"\n";

    fn target(f: &str, q: Option<&str>) -> TargetConfig {
        TargetConfig {
            function: f.into(),
            region: None,
            qualifier: q.map(Into::into),
            action: None,
            actions: None,
            shared: false,
        }
    }

    #[test]
    fn add_keeps_comments_and_appends() {
        let out = add_target(TEXT, "c.toml", &target("c", Some("live"))).unwrap();
        assert!(out.starts_with(TEXT.trim_end()), "{out}");
        assert!(
            out.contains("# first target")
                && out.contains("# keep me")
                && out.contains("# the preset")
        );
        assert!(
            out.ends_with("[[targets]]\nfunction = \"c\"\nqualifier = \"live\"\n"),
            "{out}"
        );
    }

    #[test]
    fn add_to_a_config_without_targets() {
        let out = add_target("[role]\nname = \"R\"\n", "c.toml", &target("a", None)).unwrap();
        assert_eq!(
            out,
            "[role]\nname = \"R\"\n\n[[targets]]\nfunction = \"a\"\n"
        );
    }

    #[test]
    fn remove_keeps_the_rest() {
        let (out, n) = remove_targets(TEXT, "c.toml", |i| i == 1).unwrap();
        assert_eq!(n, 1);
        assert!(
            out.contains("# keep me") && !out.contains("function = \"b\""),
            "{out}"
        );
    }

    #[test]
    fn remove_last_drops_the_key() {
        let (out, n) = remove_targets(TEXT, "c.toml", |_| true).unwrap();
        assert_eq!(n, 2);
        assert!(!out.contains("[[targets]]"), "{out}");
        assert!(out.contains("# the preset"));
    }

    #[test]
    fn wrong_shape_is_an_error() {
        let e = add_target("targets = 3\n", "c.toml", &target("a", None)).unwrap_err();
        assert!(e.to_string().contains("[[targets]]"));
    }
}
