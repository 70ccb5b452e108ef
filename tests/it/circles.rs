//! No import circle inside a crate (ARCHITECTURE.md): within each crate — the binary's `src/`
//! and every `crates/*/src` — the files' imports (`crate::…` and `super::…` paths, `use` groups
//! included) run one way, so every file can be read after the ones it stands on. A folder's
//! `mod.rs` (or `lib.rs`) faces its children: its `mod` lines and re-exports of them are not
//! imports. Test modules, comments and string literals are left out, as in the layers test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::layers::rust_files;

/// A file's module path (`["drift", "code"]`; `[]` for `lib.rs`).
pub(crate) fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code a file's imports are read from: before its test module, without comment lines
/// and string literals.
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let body = super::layers::outside_tests(&text);
    // Raw strings, then character literals (`'"'`), then strings.
    let strings = regex::Regex::new(r##"(?s)r#".*?"#|'(\\.|[^'\\])'|"(\\.|[^"\\])*""##).unwrap();
    let lines: Vec<&str> = body
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    strings.replace_all(&lines.join("\n"), "\"\"").into_owned()
}

/// The module paths `code` names from `module`: `crate::a::b`, `super::x`, and each item of a
/// `use` group (`crate::a::{b, c::d}`), as absolute segments.
fn paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let start = regex::Regex::new(r"\b(crate|super)((::super)*)::").unwrap();
    let mut out = Vec::new();
    for m in start.find_iter(code) {
        let mut base: Vec<String> = if m.as_str().starts_with("crate") {
            Vec::new()
        } else {
            module.to_vec()
        };
        for _ in 0..m.as_str().matches("super").count() {
            base.pop();
        }
        expand(base, &code[m.end()..], &mut out);
    }
    out
}

/// The path starting at `rest` under `base`, or each item of its group.
fn expand(mut base: Vec<String>, rest: &str, out: &mut Vec<Vec<String>>) {
    let mut rest = rest;
    loop {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            break;
        }
        base.push(name.clone());
        rest = &rest[name.len()..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    let Some(group) = rest.strip_prefix('{') else {
        out.push(base);
        return;
    };
    let (mut depth, mut item_start) = (0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                expand(base.clone(), group[item_start..i].trim(), out);
                return;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(base.clone(), group[item_start..i].trim(), out);
                item_start = i + 1;
            }
            _ => {}
        }
    }
}

/// The file whose module is the longest prefix of `path`.
fn resolve<'a>(files: &'a BTreeMap<Vec<String>, PathBuf>, path: &[String]) -> Option<&'a [String]> {
    (0..=path.len())
        .rev()
        .find_map(|n| files.get_key_value(&path[..n]).map(|(k, _)| k.as_slice()))
}

/// Every import between two files of the crate at `src`, a parent's of its own children left
/// out: `from module → to module`.
pub(crate) fn imports(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut list = Vec::new();
    rust_files(src, &mut list);
    let files: BTreeMap<Vec<String>, PathBuf> =
        list.into_iter().map(|f| (module_of(src, &f), f)).collect();
    let mut out: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &files {
        let to = out.entry(module.clone()).or_default();
        for path in paths(module, &code(file)) {
            if let Some(target) = resolve(&files, &path) {
                if !target.starts_with(module) {
                    to.insert(target.to_vec());
                }
            }
        }
    }
    out
}

/// The circles of a graph: each set of two or more modules that reach each other.
fn circles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    let reach = |from: &Vec<String>| {
        let (mut seen, mut stack) = (BTreeSet::new(), vec![from.clone()]);
        while let Some(m) = stack.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (m, r) in &reaches {
        let circle: Vec<String> = (reaches.iter())
            .filter(|(n, rn)| r.contains(**n) && rn.contains(*m))
            .map(|(n, _)| n.join("::"))
            .collect();
        if circle.len() > 1 && !out.contains(&circle) {
            out.push(circle);
        }
    }
    out
}

fn crate_sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("src")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        out.push(entry.unwrap().path().join("src"));
    }
    out
}

#[test]
fn no_crate_has_an_import_circle() {
    let mut found = Vec::new();
    for src in crate_sources() {
        for circle in circles(&imports(&src)) {
            found.push(format!("{}: {}", src.display(), circle.join(" ⇄ ")));
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_reader_sees_a_circle_through_groups_and_super() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::write_files(
        dir.path(),
        &[
            ("lib.rs", "mod a;\nmod b;\npub use a::A;\n"),
            ("a.rs", "use crate::{b::{B, C}, other};\n// crate::c::D\n"),
            (
                "b.rs",
                "use super::a::A;\nconst Q: char = '\"';\nconst S: &str = \"crate::c::D\";\n",
            ),
            (
                "c.rs",
                "pub struct D;\n#[cfg(test)]\nmod tests { use crate::a::A; }\n",
            ),
            ("d/mod.rs", "mod e;\npub use e::E;\n"),
            ("d/e.rs", "use super::super::c::D;\n"),
        ],
    );
    let graph = imports(dir.path());
    let m = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(graph[&m("d::e")], BTreeSet::from([m("c")]));
    assert!(graph[&m("d")].is_empty(), "a folder faces its children");
    assert!(
        graph[&m("c")].is_empty(),
        "tests, comments and strings are not imports"
    );
    assert_eq!(circles(&graph), vec![vec!["a".to_owned(), "b".to_owned()]]);
}
