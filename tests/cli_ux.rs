//! The user-facing plumbing through the real binary, offline: config discovery, `--version`,
//! shell completions, the man page and `init` from flags. No AWS endpoint is reachable, so any
//! AWS call would fail these tests.

use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/lambda-trust.toml");

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the binary in `cwd` with `env` (LAMBDA_TRUST_CONFIG removed unless given).
fn run_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_lambda-trust"))
        .args(args)
        .current_dir(cwd)
        .env_remove("LAMBDA_TRUST_CONFIG")
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9") // discard port: any AWS call fails
        .envs(env.iter().copied())
        .output()
        .expect("run lambda-trust");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Out {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

/// A temp git repository (`git init`) with a subdirectory `svc/app`.
fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git init");
    assert!(status.success());
    std::fs::create_dir_all(dir.path().join("svc/app")).unwrap();
    dir
}

fn example_with_role(name: &str) -> String {
    std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("\"GenesysLambdaInvoker\"", &format!("\"{name}\""))
        .replace(
            "\"GenesysLambdaInvoker-invoke\"",
            &format!("\"{name}-invoke\""),
        )
}

// ---------------------------------------------------------------------------------------------
// Config discovery
// ---------------------------------------------------------------------------------------------

#[test]
fn a_subdirectory_of_a_git_repo_finds_the_roots_config() {
    let repo = git_repo();
    std::fs::write(
        repo.path().join("lambda-trust.toml"),
        example_with_role("RootRole"),
    )
    .unwrap();
    let sub = repo.path().join("svc/app");
    let r = run_in(&sub, &["render", "--which", "trust", "-v"], &[]);
    assert_eq!(r.code, 0, "{r}");
    let root_config = repo.path().join("lambda-trust.toml");
    assert!(
        r.stderr.contains(&format!(
            "config: {} (the git root's)",
            root_config.display()
        )),
        "{r}"
    );
    // `check` without --config discovers the same file (and then fails on the unreachable AWS
    // endpoint, naming that file).
    let r = run_in(
        &sub,
        &["check", "--format", "json", "--max-attempts", "1"],
        &[],
    );
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stdout.contains(&root_config.display().to_string()), "{r}");
}

#[test]
fn precedence_is_flag_then_env_then_current_dir_then_git_root() {
    let repo = git_repo();
    let sub = repo.path().join("svc/app");
    // The configs differ in one target; the rendered invoke policy says which one was read.
    let rendered = |r: &Out| -> String {
        assert_eq!(r.code, 0, "{r}");
        r.stdout.clone()
    };
    let with_target = |f: &str| {
        std::fs::read_to_string(EXAMPLE)
            .unwrap()
            .replace("lookup-customer", f)
    };
    std::fs::write(
        repo.path().join("lambda-trust.toml"),
        with_target("from-root"),
    )
    .unwrap();
    let render = ["render", "--format", "json", "--which", "invoke"];
    assert!(rendered(&run_in(&sub, &render, &[])).contains("from-root"));

    std::fs::write(sub.join("lambda-trust.toml"), with_target("from-cwd")).unwrap();
    assert!(rendered(&run_in(&sub, &render, &[])).contains("from-cwd"));

    let env_file = repo.path().join("env.toml");
    std::fs::write(&env_file, with_target("from-env")).unwrap();
    let env = [("LAMBDA_TRUST_CONFIG", env_file.to_str().unwrap())];
    assert!(rendered(&run_in(&sub, &render, &env)).contains("from-env"));

    let flag_file = repo.path().join("flag.toml");
    std::fs::write(&flag_file, with_target("from-flag")).unwrap();
    let mut args = render.to_vec();
    args.extend(["--config", flag_file.to_str().unwrap()]);
    assert!(rendered(&run_in(&sub, &args, &env)).contains("from-flag"));
}

#[test]
fn errors_name_the_discovered_file() {
    let repo = git_repo();
    let broken = std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("name = \"GenesysLambdaInvoker\"", "name = \"bad name!\"");
    std::fs::write(repo.path().join("lambda-trust.toml"), broken).unwrap();
    let r = run_in(&repo.path().join("svc/app"), &["lint"], &[]);
    assert_eq!(r.code, 1, "{r}");
    let root_config = repo.path().join("lambda-trust.toml");
    assert!(
        r.stderr
            .contains(&format!("{}: role.name", root_config.display())),
        "{r}"
    );
}

#[test]
fn no_config_anywhere_lists_every_place_looked() {
    let repo = git_repo();
    let sub = repo.path().join("svc/app");
    let r = run_in(&sub, &["lint"], &[]);
    assert_eq!(r.code, 1, "{r}");
    for looked in [
        sub.join("lambda-trust.toml"),
        repo.path().join("lambda-trust.toml"),
    ] {
        assert!(r.stderr.contains(&looked.display().to_string()), "{r}");
    }
    assert!(r.stderr.contains("LAMBDA_TRUST_CONFIG not set"), "{r}");
    assert!(r.stderr.contains("lambda-trust init"), "{r}");
    // Outside any git repository it says so instead.
    let plain = tempfile::tempdir().unwrap();
    let r = run_in(plain.path(), &["lint"], &[]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("no git repository above"), "{r}");
}

// ---------------------------------------------------------------------------------------------
// --version
// ---------------------------------------------------------------------------------------------

#[test]
fn version_prints_the_version_and_the_commit() {
    let r = run(&["--version"]);
    assert_eq!(r.code, 0, "{r}");
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    assert_eq!(
        r.stdout.trim(),
        format!("lambda-trust {} (commit {head})", env!("CARGO_PKG_VERSION"))
    );
}

// ---------------------------------------------------------------------------------------------
// Completions and man pages
// ---------------------------------------------------------------------------------------------

/// The subcommands, read from `--help` (so a command added later is checked too).
fn subcommands() -> Vec<String> {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0, "{r}");
    let names: Vec<String> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // wrapped description lines
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    for known in ["init", "plan", "check", "completions", "man"] {
        assert!(
            names.iter().any(|n| n == known),
            "{known} missing from {names:?}"
        );
    }
    names
}

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let subs = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {r}");
        for sub in &subs {
            assert!(
                r.stdout.contains(sub.as_str()),
                "{shell} completion lacks {sub}"
            );
        }
        // Flags complete too, global ones included.
        assert!(r.stdout.contains("--config"), "{shell}");
    }
    let bash = run(&["completions", "bash"]).stdout;
    assert!(bash.contains("complete -F _lambda-trust"), "{bash}");
    // The flags of `check` are offered after `check`.
    assert!(bash.contains("lambda__trust__check)"), "{bash}");
    let r = run(&["completions", "tcsh"]);
    assert_eq!(r.code, 1, "{r}");
}

#[test]
fn the_man_page_has_name_synopsis_and_every_subcommand() {
    let subs = subcommands();
    let r = run(&["man"]);
    assert_eq!(r.code, 0, "{r}");
    for section in [
        ".TH lambda-trust 1",
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
    ] {
        assert!(r.stdout.contains(section), "{section} missing");
    }
    for sub in &subs {
        assert!(
            r.stdout
                .contains(&format!("lambda\\-trust\\-{}", sub.replace('-', "\\-"))),
            "root page lacks {sub}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let r = run(&["man", "--out-dir", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r}");
    for sub in subs
        .iter()
        .map(|s| format!("lambda-trust-{s}"))
        .chain(["lambda-trust".into()])
    {
        let page = std::fs::read_to_string(out.join(format!("{sub}.1")))
            .unwrap_or_else(|e| panic!("{sub}.1: {e}\n{r}"));
        assert!(
            page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"),
            "{sub}"
        );
        assert!(r.stderr.contains(&format!("{sub}.1")), "{r}");
    }
    let check = std::fs::read_to_string(out.join("lambda-trust-check.1")).unwrap();
    assert!(check.contains("drift check for CI"), "{check}");
}
