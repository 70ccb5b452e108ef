//! The project's repository is one value, Cargo.toml's `repository` (a placeholder until the
//! project is published). The binary reads it from Cargo (SARIF's `informationUri`); the files
//! that cannot — install.sh (downloaded on its own), action.yml, the docs, the JSON Schemas'
//! `$id`s, the examples, the snapshots — must hold the same one: this test reads every file of
//! the repository and fails on any lambda-trust repository URL or `uses:` reference that
//! names another.

use std::path::{Path, PathBuf};

use regex::Regex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `OWNER/NAME` of Cargo.toml's `repository`, which must be a github.com URL.
fn cargo_repository() -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let manifest: toml::Value = toml::from_str(&text).unwrap();
    // One value for both crates: `[workspace.package]`, inherited by each `[package]`.
    for key in ["repository", "homepage"] {
        assert_eq!(
            manifest["package"][key]["workspace"].as_bool(),
            Some(true),
            "Cargo.toml: {key}.workspace = true"
        );
    }
    let package = &manifest["workspace"]["package"];
    let repository = package["repository"]
        .as_str()
        .expect("Cargo.toml: repository");
    assert_eq!(repository, env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(
        package["homepage"].as_str(),
        Some(repository),
        "Cargo.toml: homepage is the repository"
    );
    repository
        .strip_prefix("https://github.com/")
        .unwrap_or_else(|| panic!("repository {repository} is not a https://github.com/ URL"))
        .trim_end_matches('/')
        .to_string()
}

/// Every reference to a lambda-trust repository in `text` that is not `expected`
/// (`OWNER/NAME`): github.com and raw.githubusercontent.com URLs, `uses: OWNER/NAME@REF`,
/// and install.sh's `REPO=OWNER/NAME`.
fn foreign_repositories(text: &str, expected: &str) -> Vec<String> {
    let patterns = [
        r"(?i)(?:github\.com|githubusercontent\.com)/([A-Za-z0-9_.-]+/lambda[-_]trust)\b",
        r"(?i)uses:\s*([A-Za-z0-9_.-]+/lambda[-_]trust)@",
        r"(?i)\bREPO=([A-Za-z0-9_.-]+/lambda[-_]trust)\b",
    ];
    let mut found = Vec::new();
    for pattern in patterns {
        for m in Regex::new(pattern).unwrap().captures_iter(text) {
            let repo = &m[1];
            if repo != expected {
                found.push(m[0].to_string());
            }
        }
    }
    found
}

/// The repository's files: everything under the root but build output, installed tools and
/// hidden directories other than .github and .ci.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let skipped = ["target", "node_modules", "dist"].contains(&name.as_str())
            || (name.starts_with('.') && name != ".github" && name != ".ci");
        if skipped {
            continue;
        }
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_file_names_the_one_repository_of_cargo_toml() {
    let expected = cargo_repository();
    let mut all = Vec::new();
    files(Path::new(ROOT), &mut all);
    let mut problems = Vec::new();
    let mut holders = Vec::new();
    for path in &all {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not text
        };
        let rel = path.strip_prefix(ROOT).unwrap().display().to_string();
        for bad in foreign_repositories(&text, &expected) {
            problems.push(format!(
                "{rel}: `{bad}` is not {expected} (Cargo.toml's repository)"
            ));
        }
        if text.contains(expected.as_str()) {
            holders.push(rel);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The places that must carry it do (so the scan above read them).
    for must in [
        "install.sh",
        "action.yml",
        "README.md",
        "docs/schemas/common.schema.json",
    ] {
        assert!(
            holders.iter().any(|h| h == must),
            "{must} does not name {expected}"
        );
    }
    let install = std::fs::read_to_string(Path::new(ROOT).join("install.sh")).unwrap();
    assert!(
        install.lines().any(|l| l == format!("REPO={expected}")),
        "install.sh: REPO={expected}"
    );
}

#[test]
fn another_repository_is_found_in_each_form() {
    let ours = "your-org/lambda-trust";
    let other = ["someone", "lambda-trust"].join("/");
    for text in [
        format!("informationUri: https://github.com/{other}"),
        format!("$id: https://raw.githubusercontent.com/{other}/main/x.json"),
        format!("  - uses: {other}@v1"),
        format!("REPO={other}"),
        format!("see https://github.com/{}", other.to_uppercase()),
    ] {
        assert_eq!(foreign_repositories(&text, ours).len(), 1, "{text}");
    }
    for text in [
        format!("https://github.com/{ours}/releases"),
        format!("uses: {ours}@v0.1.0"),
        format!("REPO={ours}"),
        "uses: actions/checkout@v4 and https://github.com/EmbarkStudios/cargo-deny".to_string(),
    ] {
        assert!(foreign_repositories(&text, ours).is_empty(), "{text}");
    }
}
