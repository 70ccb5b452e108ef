//! The project has no public home yet, so nothing names one: Cargo.toml has no `repository` or
//! `homepage`, the binary prints no link to it (SARIF's `informationUri`, ASFF's
//! `Remediation.Url`, OCSF's `url_string` are left out), the JSON Schemas have no `$id`, and
//! install.sh, action.yml, the docs and the examples take the repository from one setting
//! (`LAMBDA_TRUST_REPO`, the Action's own `github.action_repository`) or write `OWNER/NAME`.
//! This test reads every file of the repository and fails on any concrete lambda-trust
//! repository it names.

use std::path::{Path, PathBuf};

use regex::Regex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every concrete lambda-trust repository `text` names: github.com and raw.githubusercontent.com
/// URLs, `uses: OWNER/NAME@REF` with an owner other than the placeholder `OWNER`, install.sh's
/// `REPO=OWNER/NAME`, and the old placeholder `your-org`.
fn repositories_named(text: &str) -> Vec<String> {
    let patterns = [
        r"(?i)(?:github\.com|githubusercontent\.com)/([A-Za-z0-9_.-]+/lambda[-_]trust)\b",
        r"(?i)uses:\s*([A-Za-z0-9_.-]+/lambda[-_]trust)@",
        r"(?i)\bREPO=([A-Za-z0-9_.-]+/lambda[-_]trust)\b",
        r"(your-org/[A-Za-z0-9_.-]+)",
    ];
    let mut found = Vec::new();
    for pattern in patterns {
        for m in Regex::new(pattern).unwrap().captures_iter(text) {
            if &m[1] != "OWNER/lambda-trust" {
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
fn no_file_names_a_repository_the_project_does_not_have() {
    assert_eq!(env!("CARGO_PKG_REPOSITORY"), "", "Cargo.toml: repository");
    assert_eq!(env!("CARGO_PKG_HOMEPAGE"), "", "Cargo.toml: homepage");
    let mut all = Vec::new();
    files(Path::new(ROOT), &mut all);
    let this = Path::new(ROOT).join("tests/it/repository_url.rs");
    let mut problems = Vec::new();
    for path in all.iter().filter(|p| **p != this) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not text
        };
        let rel = path.strip_prefix(ROOT).unwrap().display();
        for bad in repositories_named(&text) {
            problems.push(format!(
                "{rel}: `{bad}` names a home the project does not have"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_named_repository_is_found_in_each_form() {
    let other = ["someone", "lambda-trust"].join("/");
    for text in [
        format!("informationUri: https://github.com/{other}"),
        format!("$id: https://raw.githubusercontent.com/{other}/main/x.json"),
        format!("  - uses: {other}@v1"),
        format!("REPO={other}"),
        format!("see https://github.com/{}", other.to_uppercase()),
        ["your", "-org/anything"].concat(),
    ] {
        assert_eq!(repositories_named(&text).len(), 1, "{text}");
    }
    for text in [
        "uses: OWNER/lambda-trust@v0.1.0",
        "REPO=${LAMBDA_TRUST_REPO:-}",
        "cargo install --locked --git \"https://github.com/$LAMBDA_TRUST_REPO\"",
        "uses: actions/checkout@v4 and https://github.com/EmbarkStudios/cargo-deny",
    ] {
        assert!(repositories_named(text).is_empty(), "{text}");
    }
}
