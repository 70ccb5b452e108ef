//! Where a resource is written: the line of its `resource "TYPE" "NAME" {` (or `data …`) block
//! in the `.tf` files of its module's directory.
//!
//! Part of `lambda_trust_audit::iac::terraform`. The command reads the files and hands their texts here;
//! a module's directory comes from the `module` blocks' local `source` (`refs::Config::dir`).
//! A module from a registry or a block not found has no line (the report then points at the
//! plan file).

use std::collections::BTreeMap;

/// Block header → (file, line), for every `.tf` file given.
pub(super) struct Lines {
    index: BTreeMap<(String, String, String, String), (String, usize)>,
}

impl Lines {
    /// `sources`: path relative to the source directory (`/`-separated) → text.
    pub(super) fn new(sources: &BTreeMap<String, String>) -> Lines {
        let mut index = BTreeMap::new();
        for (path, text) in sources.iter().filter(|(p, _)| p.ends_with(".tf")) {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
            for (n, line) in text.lines().enumerate() {
                if let Some((mode, kind, name)) = header(line) {
                    let key = (
                        dir.clone(),
                        mode.to_owned(),
                        kind.to_owned(),
                        name.to_owned(),
                    );
                    index.entry(key).or_insert((path.clone(), n + 1));
                }
            }
        }
        Lines { index }
    }

    /// The file and line of resource `kind.name` (`data` when `data`) in directory `dir`.
    pub(super) fn find(
        &self,
        dir: &str,
        data: bool,
        kind: &str,
        name: &str,
    ) -> Option<&(String, usize)> {
        let mode = if data { "data" } else { "resource" };
        self.index.get(&(
            dir.to_owned(),
            mode.to_owned(),
            kind.to_owned(),
            name.to_owned(),
        ))
    }
}

/// `resource "aws_iam_role" "genesys" {` → (`resource`, `aws_iam_role`, `genesys`).
fn header(line: &str) -> Option<(&str, &str, &str)> {
    let line = line.trim_start();
    let mode = ["resource", "data"]
        .into_iter()
        .find(|m| line.starts_with(m))?;
    let rest = line[mode.len()..].trim_start();
    let (kind, rest) = quoted(rest)?;
    let (name, rest) = quoted(rest.trim_start())?;
    rest.trim_start()
        .starts_with('{')
        .then_some((mode, kind, name))
}

fn quoted(s: &str) -> Option<(&str, &str)> {
    let s = s.strip_prefix('"')?;
    let end = s.find('"')?;
    Some((&s[..end], &s[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_per_directory() {
        let sources = BTreeMap::from([
            (
                "main.tf".to_owned(),
                "module \"cx\" {}\n\nresource \"aws_iam_role\" \"r\" {\n}\n".to_owned(),
            ),
            (
                "modules/cx/iam.tf".to_owned(),
                "# x\n  resource  \"aws_iam_role\"   \"r\"{\n".to_owned(),
            ),
            (
                "notes.md".to_owned(),
                "resource \"aws_iam_role\" \"r\" {\n".to_owned(),
            ),
        ]);
        let l = Lines::new(&sources);
        assert_eq!(
            l.find("", false, "aws_iam_role", "r"),
            Some(&("main.tf".to_owned(), 3))
        );
        assert_eq!(
            l.find("modules/cx", false, "aws_iam_role", "r"),
            Some(&("modules/cx/iam.tf".to_owned(), 2))
        );
        assert_eq!(l.find("", true, "aws_iam_role", "r"), None);
        assert_eq!(header("resource \"a\" \"b\" = {"), None);
    }
}
