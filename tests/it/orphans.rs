//! No Rust file is left out of the build: every `.rs` file under `src/`, `benches/`, `tests/it/`
//! and each crate's `src/` and `tests/` is a target's root or is reached from one by `mod`
//! declarations (with `#[path]` too). A file no `mod` names is never compiled: its code is not
//! checked and its tests never run, and nothing says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::layers::rust_files;

/// `mod NAME;` (any visibility) on one line: the name.
fn declared_mod(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let rest = match line.strip_prefix("pub") {
        Some(r) if r.starts_with(' ') => r.trim_start(),
        Some(r) if r.starts_with('(') => r.split_once(')')?.1.trim_start(),
        _ => line,
    };
    let name = rest.strip_prefix("mod ")?.trim().strip_suffix(';')?.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// `#[path = "P"]`: P.
fn path_attribute(line: &str) -> Option<&str> {
    let rest = line
        .trim()
        .strip_prefix("#[path")?
        .trim_start()
        .strip_prefix('=')?;
    rest.trim()
        .strip_suffix("]")?
        .trim()
        .strip_prefix('"')?
        .strip_suffix('"')
}

/// The files of the modules `file` declares. A crate root and a `mod.rs` keep their modules
/// beside them; another file `x.rs` keeps them in `x/`. A `#[path]` is relative to the file's
/// directory (the Rust Reference, "Modules": the `path` attribute).
fn children(file: &Path, is_root: bool) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let dir = file.parent().unwrap_or(Path::new(""));
    let own = match is_root || file.file_name().is_some_and(|n| n == "mod.rs") {
        true => dir.to_path_buf(),
        false => dir.join(file.file_stem().unwrap_or_default()),
    };
    let (mut out, mut path) = (Vec::new(), None);
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        if let Some(p) = path_attribute(line) {
            path = Some(dir.join(p));
            continue;
        }
        if let Some(name) = declared_mod(line) {
            let file = path
                .take()
                .unwrap_or_else(|| match own.join(format!("{name}.rs")) {
                    f if f.exists() => f,
                    _ => own.join(name).join("mod.rs"),
                });
            out.push(file);
        } else if !line.trim_start().starts_with("#[") {
            path = None;
        }
    }
    out
}

/// Every file reached from `roots`.
fn reached(roots: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<(PathBuf, bool)> = roots.iter().map(|r| (r.clone(), true)).collect();
    while let Some((file, is_root)) = todo.pop() {
        let file = std::fs::canonicalize(&file).unwrap_or(file);
        if seen.insert(file.clone()) {
            todo.extend(children(&file, is_root).into_iter().map(|c| (c, false)));
        }
    }
    seen
}

/// The `.rs` files directly in `dir`, and each `main.rs` one folder down: targets' roots.
fn target_roots(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        match path.is_dir() {
            true if path.join("main.rs").exists() => out.push(path.join("main.rs")),
            true => {}
            false if path.extension().is_some_and(|e| e == "rs") => out.push(path),
            false => {}
        }
    }
}

/// The files under `trees` that no root reaches.
fn orphans(roots: &[PathBuf], trees: &[PathBuf]) -> Vec<PathBuf> {
    let reached = reached(roots);
    let mut files = Vec::new();
    for tree in trees.iter().filter(|t| t.is_dir()) {
        rust_files(tree, &mut files);
    }
    (files.into_iter())
        .filter(|f| !f.components().any(|c| c.as_os_str() == "node_modules"))
        .filter(|f| !reached.contains(&std::fs::canonicalize(f).unwrap_or(f.clone())))
        .collect()
}

#[test]
fn every_rust_file_is_compiled() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![repo.join("src/lib.rs"), repo.join("src/main.rs")];
    roots.push(repo.join("tests/it/main.rs"));
    target_roots(&repo.join("benches"), &mut roots);
    let mut trees = vec![
        repo.join("src"),
        repo.join("benches"),
        repo.join("tests/it"),
    ];
    for krate in std::fs::read_dir(repo.join("crates")).unwrap().flatten() {
        let krate = krate.path();
        roots.push(krate.join("src/lib.rs"));
        target_roots(&krate.join("tests"), &mut roots);
        trees.extend([krate.join("src"), krate.join("tests")]);
    }
    let left_out = orphans(&roots, &trees);
    assert!(
        left_out.is_empty(),
        "files no `mod` declares, never compiled (declare each where it belongs, or remove it):\n{}",
        (left_out.iter())
            .map(|f| f.strip_prefix(repo).unwrap_or(f).display().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_checker_sees_a_file_no_mod_declares() {
    let dir = tempfile::tempdir().unwrap();
    let lib = "mod a;\n#[cfg(test)]\nmod tests;\n#[path = \"x/b.rs\"]\nmod b;\n// mod d;\n";
    crate::support::write_files(
        dir.path(),
        &[
            ("lib.rs", lib),
            ("a.rs", "pub(crate) mod c;\n"),
            ("a/c.rs", ""),
            ("tests/mod.rs", "mod deep;\n"),
            ("tests/deep.rs", ""),
            ("x/b.rs", ""),
            ("d.rs", ""),
        ],
    );
    let roots = [dir.path().join("lib.rs")];
    let left_out = orphans(&roots, &[dir.path().to_path_buf()]);
    assert_eq!(left_out, vec![dir.path().join("d.rs")]);
    assert_eq!(declared_mod("pub(super) mod z;"), Some("z"));
    assert_eq!(declared_mod("mod inline {"), None);
}
