//! Config discovery (shared by the commands): which `lambda-trust.toml` a command reads, in
//! the order users know from git and Terraform-style tools — `--config`, then
//! `LAMBDA_TRUST_CONFIG` (clap folds it into `--config`, the flag winning), then
//! `./lambda-trust.toml`, then the `lambda-trust.toml` at the root of the enclosing git
//! repository (the nearest directory above that holds `.git`). `check` takes several:
//! directories and globs expanded ([`expand_configs`]). Which rule a command follows:
//! `commands::ConfigSource`.

use std::path::{Path, PathBuf};

use crate::error::{Error, FileError, Result};

/// The config file name looked for.
pub(crate) const FILE_NAME: &str = "lambda-trust.toml";

/// Where a command's config comes from when `--config` is not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// `./lambda-trust.toml`.
    CurrentDir(PathBuf),
    /// `<git root>/lambda-trust.toml`, found from a subdirectory.
    GitRoot(PathBuf),
}

impl Found {
    pub(crate) fn path(&self) -> &Path {
        match self {
            Found::CurrentDir(p) | Found::GitRoot(p) => p,
        }
    }
}

/// The nearest directory at or above `dir` that holds `.git` (a directory in a clone, a file in
/// a worktree or submodule).
pub(crate) fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Looks for the config from `cwd`: `./lambda-trust.toml`, then the git root's. The error lists
/// every place looked.
pub(crate) fn discover_from(cwd: &Path) -> Result<Found> {
    let here = PathBuf::from(FILE_NAME);
    if cwd.join(&here).is_file() {
        return Ok(Found::CurrentDir(here));
    }
    let mut looked = vec![format!(
        "{} (current directory)",
        cwd.join(FILE_NAME).display()
    )];
    match git_root(cwd) {
        Some(root) => {
            let candidate = root.join(FILE_NAME);
            if candidate.is_file() {
                return Ok(Found::GitRoot(candidate));
            }
            looked.push(format!("{} (git root)", candidate.display()));
        }
        None => looked.push("no git repository above the current directory".to_string()),
    }
    Err(Error::usage(
        format!(
            "no config file: --config not given, LAMBDA_TRUST_CONFIG not set, and no {FILE_NAME} in:\n  {}",
            looked.join("\n  ")
        ),
        "create one with `lambda-trust init`, or pass --config FILE",
    ))
}

/// The config of a one-config command: the one given, or the discovered one; and whether it
/// was found at the git root (`-v` says so).
pub(crate) fn config_file(given: &[PathBuf]) -> Result<(PathBuf, bool)> {
    match given {
        [] => {
            let cwd = std::env::current_dir()
                .map_err(|e| FileError::new("read", "the current directory", e))?;
            let found = discover_from(&cwd)?;
            let at_git_root = matches!(found, Found::GitRoot(_));
            Ok((found.path().to_path_buf(), at_git_root))
        }
        [one] => Ok((one.clone(), false)),
        many => Err(Error::usage(
            format!(
                "{} config files given; only `check` takes several",
                many.len()
            ),
            "run the command once per config",
        )),
    }
}

/// `--config` values expanded: a directory means its `*.toml` files, a glob (`*`, `?`, `[…]`,
/// `{a,b}`) is matched against the file names of its directory.
pub(crate) fn expand_configs(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for a in args {
        let text = a.to_string_lossy();
        if a.is_dir() {
            let found = files_in(a, |name| name.ends_with(".toml"))?;
            if found.is_empty() {
                return Err(Error::usage(
                    format!("no *.toml files in {}", a.display()),
                    "give a directory holding configs, a config file, or a glob",
                ));
            }
            out.extend(found);
        } else if text.contains(['*', '?', '[', '{']) {
            out.extend(matching_files(a)?);
        } else {
            out.push(a.clone());
        }
    }
    out.dedup();
    Ok(out)
}

/// The files of `a`'s directory whose names match `a`'s file-name glob.
fn matching_files(a: &Path) -> Result<Vec<PathBuf>> {
    let text = a.to_string_lossy();
    let dir = a
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pattern = a
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let glob = globset::Glob::new(&pattern)
        .map_err(|e| Error::usage(format!("--config {text}: {e}"), "fix the pattern"))?
        .compile_matcher();
    let found = files_in(dir, |name| glob.is_match(name))?;
    if found.is_empty() {
        return Err(Error::usage(
            format!("no file matches {text}"),
            "quote the pattern, or list the files",
        ));
    }
    Ok(found)
}

/// The entries of `dir` whose file names pass `keep`, sorted.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| FileError::new("read directory", dir.display(), e))?
        .filter_map(|e| e.ok())
        .filter(|e| keep(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_directory_wins_over_the_git_root() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        let sub = repo.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(repo.path().join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover_from(&sub).unwrap(),
            Found::GitRoot(repo.path().join(FILE_NAME))
        );
        std::fs::write(sub.join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover_from(&sub).unwrap(),
            Found::CurrentDir(PathBuf::from(FILE_NAME))
        );
    }

    #[test]
    fn none_found_lists_every_place_looked() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        let sub = repo.path().join("x");
        std::fs::create_dir_all(&sub).unwrap();
        let msg = discover_from(&sub).unwrap_err().human();
        assert!(
            msg.contains(&sub.join(FILE_NAME).display().to_string()),
            "{msg}"
        );
        assert!(
            msg.contains(&repo.path().join(FILE_NAME).display().to_string()),
            "{msg}"
        );
        assert!(msg.contains("lambda-trust init"), "{msg}");
    }
}
