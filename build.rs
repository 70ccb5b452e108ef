//! Build script: records what the binary is built from, for `lambda-trust --version` (and
//! `--version --verbose`): the commit, the target triple, the profile, the crate features
//! enabled, and the compiler's version.
//!
//! `git rev-parse --short HEAD` when the source is a git checkout (a clone, a worktree, or the
//! checkout `cargo install --git` makes); "unknown" otherwise (a crates.io tarball, no git on
//! the PATH). `LAMBDA_TRUST_COMMIT` overrides both, for builds from an exported tree.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=LAMBDA_TRUST_COMMIT");
    let commit = std::env::var("LAMBDA_TRUST_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=LAMBDA_TRUST_COMMIT={commit}");
    build_facts();
    // Rebuild when HEAD moves: HEAD itself (a checkout of another branch or commit) and the ref
    // it points to (a new commit on the branch). In a worktree both live under the git dir, not
    // under ./.git, so ask git where they are.
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
        let git_dir = PathBuf::from(git_dir);
        watch(git_dir.join("HEAD"));
        if let (Some(common), Some(reference)) = (
            git(&["rev-parse", "--git-common-dir"]),
            git(&["symbolic-ref", "-q", "HEAD"]),
        ) {
            let common = PathBuf::from(common);
            watch(common.join(reference));
            // A ref that was packed (git gc) lives in packed-refs instead.
            watch(common.join("packed-refs"));
        }
    }
}

/// The target triple, the profile, the enabled features (cargo sets `CARGO_FEATURE_<NAME>` for
/// each) and `rustc --version` of the compiler cargo runs (`RUSTC`), as `LAMBDA_TRUST_*`.
fn build_facts() {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=LAMBDA_TRUST_TARGET={}", env("TARGET"));
    println!("cargo:rustc-env=LAMBDA_TRUST_PROFILE={}", env("PROFILE"));
    let mut features: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| {
            k.strip_prefix("CARGO_FEATURE_")
                .map(|f| f.to_lowercase().replace('_', "-"))
        })
        .collect();
    features.sort();
    println!(
        "cargo:rustc-env=LAMBDA_TRUST_FEATURES={}",
        features.join(",")
    );
    let rustc = Command::new(env("RUSTC"))
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=LAMBDA_TRUST_RUSTC={rustc}");
}

/// Watches a file that exists: cargo reruns the script on every build for a missing one.
fn watch(path: PathBuf) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
