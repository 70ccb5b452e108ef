//! The user-facing plumbing through the real binary: config discovery, `--version`, shell
//! completions, the man page and `init` from flags, offline (no AWS endpoint is reachable, so
//! any AWS call would fail those tests); and `apply`'s question on a terminal and `destroy`'s
//! wording, against moto.

use std::path::Path;
use std::process::Command;

use crate::support::offline::{run, run_in, Out};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/lambda-trust.toml");

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

/// `--version --verbose` (flags in any order, `-v` too) adds the commit, the target triple, the
/// profile, the features and the compiler, each as build.rs recorded it for this very binary.
#[test]
fn version_verbose_prints_what_the_binary_was_built_from() {
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string()))
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap();
    for args in [
        &["--version", "--verbose"][..],
        &["-v", "--version"][..],
        &["-vV"][..],
    ] {
        let r = run(args);
        assert_eq!(r.code, 0, "{r}");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(lines.len(), 6, "{args:?}: {r}");
        assert!(lines[0].starts_with("lambda-trust "), "{r}");
        let field = |key: &str| {
            lines
                .iter()
                .find_map(|l| l.strip_prefix(&format!("{key}:")))
                .map(str::trim)
                .unwrap_or_else(|| panic!("no {key}: line in {r}"))
        };
        assert!(
            lines[0].contains(&format!("(commit {})", field("commit"))),
            "{r}"
        );
        // The test binary and lambda-trust are built for the same target by the same rustc.
        assert!(
            field("target").contains(std::env::consts::ARCH),
            "target {} is not for {}",
            field("target"),
            std::env::consts::ARCH
        );
        assert!(field("target").contains(std::env::consts::OS), "{r}");
        assert_eq!(
            field("profile"),
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
        );
        assert_eq!(
            field("features"),
            "none",
            "the crate has no features of its own"
        );
        assert!(field("rustc").starts_with("rustc "), "{r}");
        if rustc.starts_with("rustc ") {
            assert_eq!(field("rustc"), rustc, "{r}");
        }
    }
    // Without --verbose: the one line.
    assert_eq!(run(&["--version"]).stdout.lines().count(), 1);
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
        let flag = if shell == "fish" {
            "-l config"
        } else {
            "--config"
        };
        assert!(r.stdout.contains(flag), "{shell}");
    }
    let bash = run(&["completions", "bash"]).stdout;
    assert!(bash.contains("complete -F _lambda__trust"), "{bash}");
    // The flags of `check` are offered after `check`.
    assert!(bash.contains("lambda__trust,check)"), "{bash}");
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

// ---------------------------------------------------------------------------------------------
// init (offline: flags, refusals, the terminal prompts)
// ---------------------------------------------------------------------------------------------

const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

#[test]
fn init_from_flags_writes_a_config_that_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(
        dir.path(),
        &[
            "init",
            "--external-id",
            ORG,
            "--region",
            "eu-west-1",
            "--account-id",
            "111122223333",
            "--role-name",
            "CxInvoker",
            "--function",
            "lookup-order",
            "--function",
            "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer",
            // The domain `genesys regions` lists for eu-west-1 names it too.
            "--genesys-region",
            "mypurecloud.ie",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stdout.contains("wrote lambda-trust.toml (2 target(s))"),
        "{r}"
    );
    let text = std::fs::read_to_string(dir.path().join("lambda-trust.toml")).unwrap();
    // --genesys-region writes the [genesys] section (the Genesys half of the pipeline).
    assert!(
        text.contains("\n[genesys]\nregion = \"eu-west-1\""),
        "{text}"
    );
    assert!(
        text.contains("integration = \"AWS Lambda (lambda-trust)\""),
        "{text}"
    );
    assert!(
        text.contains("Organization ID"),
        "the org ID is explained:\n{text}"
    );
    let lint = run_in(dir.path(), &["lint", "--format", "json"], &[]);
    assert_eq!(lint.code, 0, "{lint}");
    let v: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    assert_eq!(v["errors"], 0, "{lint}");
    assert_eq!(v["warnings"], 0, "{lint}");
    let render = run_in(dir.path(), &["render", "--which", "invoke"], &[]);
    assert_eq!(render.code, 0, "{render}");
    for arn in [
        "arn:aws:lambda:eu-west-1:111122223333:function:lookup-order",
        "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer",
    ] {
        assert!(render.stdout.contains(arn), "{render}");
    }
    let trust = run_in(dir.path(), &["render", "--which", "trust"], &[]);
    assert!(
        trust.stdout.contains(ORG) && trust.stdout.contains("765628985471"),
        "{trust}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda-trust.toml");
    std::fs::write(&path, "# mine\n").unwrap();
    let args = ["init", "--external-id", ORG, "--region", "us-east-1"];
    let r = run_in(dir.path(), &args, &[]);
    assert_eq!(r.code, 1, "{r}");
    assert!(
        r.stderr.contains("already exists") && r.stderr.contains("--force"),
        "{r}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    let mut forced = args.to_vec();
    forced.push("--force");
    let r = run_in(dir.path(), &forced, &[]);
    assert_eq!(r.code, 0, "{r}");
    assert!(std::fs::read_to_string(&path).unwrap().contains(ORG));
    // --config names another file; --format json says what was written.
    let other = dir.path().join("staging.toml");
    let r = run_in(
        dir.path(),
        &[
            "init",
            "--external-id",
            ORG,
            "--region",
            "us-east-1",
            "--config",
            other.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(other.is_file());
    let json = dir.path().join("json.toml");
    let r = run_in(
        dir.path(),
        &[
            "init",
            "--external-id",
            ORG,
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--function",
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            "--config",
            json.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r}");
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{r}"));
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["written"], json.to_str().unwrap());
    assert_eq!(
        v["targets"],
        serde_json::json!(["arn:aws:lambda:us-east-1:111122223333:function:f"])
    );
}

#[test]
fn init_takes_the_region_from_function_arns_that_agree() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(
        dir.path(),
        &[
            "init",
            "--external-id",
            ORG,
            "--function",
            "arn:aws:lambda:eu-west-1:111122223333:function:f",
            "--function",
            "arn:aws:lambda:eu-west-1:111122223333:function:g:live",
        ],
        &[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "")],
    );
    assert_eq!(r.code, 0, "{r}");
    let text = std::fs::read_to_string(dir.path().join("lambda-trust.toml")).unwrap();
    assert!(text.contains("region = \"eu-west-1\""), "{text}");
}

#[test]
fn init_without_a_terminal_names_each_missing_or_bad_flag_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["init"], "--external-id is required"),
        (&["init", "--external-id", ORG], "--region is required"),
        (
            &[
                "init",
                "--external-id",
                ORG,
                "--region",
                "us-east-1",
                "--function",
                "f",
            ],
            "--account-id is required",
        ),
        (
            &["init", "--external-id", "x", "--region", "us-east-1"],
            "--external-id: \"x\" is not a valid external ID",
        ),
        (
            &["init", "--external-id", ORG, "--region", "mars-1"],
            "--region: \"mars-1\" is not a valid region",
        ),
        (
            &[
                "init",
                "--external-id",
                ORG,
                "--region",
                "us-east-1",
                "--role-name",
                "a b",
            ],
            "--role-name:",
        ),
        (
            &[
                "init",
                "--external-id",
                ORG,
                "--region",
                "us-east-1",
                "--genesys-region",
                "x",
            ],
            "--genesys-region:",
        ),
        (
            &[
                "init",
                "--external-id",
                ORG,
                "--region",
                "us-east-1",
                "--function",
                "bad name",
            ],
            "--function:",
        ),
        (
            &[
                "init",
                "--external-id",
                ORG,
                "--region",
                "us-east-1",
                "--match",
                "f*",
            ],
            "--from-account",
        ),
        (
            &[
                "init",
                "--external-id",
                ORG,
                "--function",
                "arn:aws:lambda:us-east-1:111122223333:function:f",
                "--function",
                "arn:aws:lambda:eu-west-1:111122223333:function:g",
            ],
            "several regions (eu-west-1, us-east-1)",
        ),
    ];
    for (args, want) in cases {
        let r = run_in(
            dir.path(),
            args,
            &[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "")],
        );
        assert_eq!(r.code, 1, "{args:?}: {r}");
        assert!(r.stderr.contains(want), "{args:?}: expected {want:?}\n{r}");
        assert!(
            !dir.path().join("lambda-trust.toml").exists(),
            "{args:?} wrote a file"
        );
    }
    // The environment's region is the default for --region.
    let r = run_in(
        dir.path(),
        &["init", "--external-id", ORG],
        &[("AWS_REGION", "ap-southeast-2")],
    );
    assert_eq!(r.code, 0, "{r}");
    let text = std::fs::read_to_string(dir.path().join("lambda-trust.toml")).unwrap();
    assert!(text.contains("region = \"ap-southeast-2\""), "{text}");
}

/// Runs `init` on a pseudo-terminal (util-linux `script`), typing `keys`, with `vars` set.
fn init_on_a_terminal(dir: &Path, keys: &str, vars: &[(&str, &str)]) -> Out {
    use std::io::Write;
    let bin = env!("CARGO_BIN_EXE_lambda-trust");
    let mut child = Command::new("script")
        // Keys typed before init reads them are not echoed (a person types after the prompt):
        // under load the terminal would otherwise print them into the text before it.
        .args([
            "-qfec",
            &format!("stty -echo; exec '{bin}' init"),
            "/dev/null",
        ])
        .current_dir(dir)
        .env_remove("LAMBDA_TRUST_CONFIG")
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .envs(vars.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs init on a pseudo-terminal");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(keys.as_bytes()).unwrap();
    // Keep the terminal open until init has read everything; closing it early ends `script`.
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(5));
        drop(stdin);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn init_on_a_terminal_asks_checks_as_you_type_and_explains_the_org_id() {
    let dir = tempfile::tempdir().unwrap();
    // A bad org ID, then the real one; the default role name; a region; no Genesys region; no
    // account listing; a bad function list, then a good one; a bad account, then a good one.
    let keys = format!(
        "not-an-org\r{ORG}\r\reu-west-1\r\rn\rlookup-order, bad name\rlookup-order\r1234\r111122223333\r"
    );
    let r = init_on_a_terminal(dir.path(), &keys, &[]);
    assert_eq!(r.code, 0, "{r}");
    let screen = &r.stdout;
    assert!(
        screen
            .contains("Organization Settings > Organization Details > Advanced > Organization ID"),
        "{r}"
    );
    assert!(
        screen.contains("\"not-an-org\" is not a Genesys Cloud organization ID"),
        "{r}"
    );
    assert!(
        screen.contains("\"bad name\" is not a valid function name"),
        "{r}"
    );
    assert!(screen.contains("\"1234\" is not an AWS account ID"), "{r}");
    assert!(
        screen.contains("wrote lambda-trust.toml (1 target(s))"),
        "{r}"
    );
    let text = std::fs::read_to_string(dir.path().join("lambda-trust.toml")).unwrap();
    for line in [
        format!("external_id = \"{ORG}\""),
        "name = \"GenesysLambdaInvoker\"".to_string(),
        "region = \"eu-west-1\"".to_string(),
        "account_id = \"111122223333\"".to_string(),
        "function = \"lookup-order\"".to_string(),
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
    }
    let lint = run_in(dir.path(), &["lint"], &[]);
    assert_eq!(lint.code, 0, "{lint}");
}

/// A check's message under a prompt fits an 80-column terminal, broken at spaces: the
/// organization ID's (its hint names where Genesys Cloud shows it) is never split mid-word.
#[test]
fn init_prompt_errors_fit_an_80_column_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let keys = format!("not-an-org\r{ORG}\r\r\r\rn\r\r");
    let r = init_on_a_terminal(dir.path(), &keys, &[("COLUMNS", "80")]);
    assert_eq!(r.code, 0, "{r}");
    // The screen as the message left it (the right answer then clears it).
    let said = r
        .stdout
        .find("is not a Genesys Cloud")
        .expect("the org ID's message");
    let end = said + r.stdout[said..].find("> Organization ID").unwrap();
    let rows = rows_within_80("init", &r.stdout[..end]);
    let shown: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
    let message = "\"not-an-org\" is not a Genesys Cloud organization ID (a UUID such as \
        0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10): Genesys Cloud sends its organization ID as the \
        external ID, so the role would refuse every data action (copy it from Genesys Cloud: \
        Admin > Account Settings > Organization Settings > Organization Details > Advanced >";
    for word in message.split_whitespace() {
        assert!(
            shown.contains(&word),
            "{word:?} broken:\n{}",
            rows.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// just release (scripts/release.sh), with this test build instead of a release compile
// ---------------------------------------------------------------------------------------------

#[test]
fn the_release_script_packs_binary_readme_completions_and_man_with_a_checksum() {
    let out = tempfile::tempdir().unwrap();
    let r = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release.sh"))
        .arg(out.path())
        .env("LAMBDA_TRUST_BIN", env!("CARGO_BIN_EXE_lambda-trust"))
        .output()
        .expect("run release.sh");
    let stdout = String::from_utf8_lossy(&r.stdout).into_owned();
    assert!(
        r.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let tarball = Path::new(stdout.lines().next().unwrap()).to_path_buf();
    let name = tarball.file_name().unwrap().to_string_lossy().into_owned();
    let stem = name.trim_end_matches(".tar.gz");
    assert!(
        stem.starts_with(&format!("lambda-trust-{}-", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );

    // The checksum file verifies the tarball.
    let check = Command::new("sha256sum")
        .args(["-c", &format!("{name}.sha256")])
        .current_dir(out.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let unpacked = tempfile::tempdir().unwrap();
    let untar = Command::new("tar")
        .args([
            "-xzf",
            tarball.to_str().unwrap(),
            "-C",
            unpacked.path().to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(untar.success());
    let root = unpacked.path().join(stem);
    for f in [
        "lambda-trust",
        "README.md",
        // Error hints name it ("every key is shown in examples/lambda-trust.toml").
        "examples/lambda-trust.toml",
        "completions/lambda-trust.bash",
        "completions/_lambda-trust",
        "completions/lambda-trust.fish",
        "completions/_lambda-trust.ps1",
        "man/man1/lambda-trust.1",
        "man/man1/lambda-trust-init.1",
        "man/man1/lambda-trust-check.1",
    ] {
        let p = root.join(f);
        assert!(
            p.is_file() && p.metadata().unwrap().len() > 0,
            "{f} missing from {name}"
        );
    }
    let packed = Command::new(root.join("lambda-trust"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&packed.stdout).contains("(commit "));
    let bash = std::fs::read_to_string(root.join("completions/lambda-trust.bash")).unwrap();
    assert!(bash.contains("complete -F _lambda__trust"));
}

/// Warnings on stderr follow `--color` like everything else: `always` colours them even into a
/// pipe, `never` leaves them plain even on a terminal (a pseudo-terminal from util-linux
/// `script`).
#[test]
fn warnings_follow_the_color_flag() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(EXAMPLE).unwrap().replace(
        r#"partner = "genesys-cloud""#,
        r#"partner = "genesys-cloud-fedramp""#,
    );
    let config = dir.path().join("lambda-trust.toml");
    std::fs::write(&config, text).unwrap();
    let path = config.to_str().unwrap();
    let out = run_in(
        dir.path(),
        &["--color", "always", "render", "--config", path],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stderr.contains("warning:"), "{out}");
    assert!(
        out.stderr.contains('\u{1b}'),
        "coloured on --color always: {out}"
    );

    let command = format!(
        "{} --color never render --config {path}",
        env!("CARGO_BIN_EXE_lambda-trust")
    );
    let tty = Command::new("script")
        .args(["-qefc", &command, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("LAMBDA_TRUST_CONFIG")
        .output()
        .expect("util-linux script (a pseudo-terminal)");
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{shown}");
    assert!(shown.contains("warning:"), "{shown}");
    assert!(
        !shown.contains('\u{1b}'),
        "plain on --color never: {shown:?}"
    );
}

/// `init --force` replaces a config whole (a temporary file renamed over it) and keeps its
/// mode; a new config is readable like any file written plainly (0644), not private.
#[test]
fn init_force_replaces_the_config_whole_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "init",
        "--external-id",
        ORG,
        "--region",
        "eu-west-1",
        "--account-id",
        "111122223333",
        "--function",
        "lookup-order",
    ];
    let config = dir.path().join("lambda-trust.toml");
    let r = run_in(dir.path(), &args, &[]);
    assert_eq!(r.code, 0, "{r}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&config), 0o644);
    std::fs::write(&config, "# mine\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mut forced = args.to_vec();
    forced.push("--force");
    let r = run_in(dir.path(), &forced, &[]);
    assert_eq!(r.code, 0, "{r}");
    assert!(std::fs::read_to_string(&config).unwrap().contains(ORG));
    assert_eq!(mode(&config), 0o640, "the config keeps its mode");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file left beside it");
}

// ---------------------------------------------------------------------------------------------
// apply on a terminal: the plan, the deletions, the question (against moto)
// ---------------------------------------------------------------------------------------------

const QUESTION: &str = "write call(s)? Only 'yes' will be accepted. Enter a value:";

/// Runs `lambda-trust apply ARGS` on a pseudo-terminal against `env`'s moto, typing `keys`.
fn apply_on_a_terminal(env: &crate::support::live::Env, args: &str, keys: &str) -> Out {
    let r = env.on_a_terminal(&format!("\"$LT\" apply --config \"$CONFIG\" {args}"), keys);
    Out {
        code: r.code,
        stdout: r.stdout,
        stderr: r.stderr,
    }
}

/// On a terminal apply shows the plan and asks: no writes nothing (exit 2, changes pending),
/// the line `yes` writes the plan.
#[test]
fn apply_on_a_terminal_asks_and_only_yes_writes() {
    let env = crate::support::live::setup(&["f1"]);
    env.proxy.clear();
    let no = apply_on_a_terminal(&env, "", "no\r");
    assert_eq!(no.code, 2, "{no}");
    let screen = &no.stdout;
    let plan = screen.find("Plan: 3 to create").expect("the plan is shown");
    let asked = screen
        .find(&format!("Make these 3 {QUESTION}"))
        .expect("the question");
    assert!(
        plan < asked,
        "the plan comes before the question:\n{screen}"
    );
    assert!(
        screen.contains("Nothing was changed: apply was not confirmed"),
        "{no}"
    );
    assert_eq!(env.proxy.count_writes(), 0, "a no writes nothing\n{no}");

    let yes = apply_on_a_terminal(&env, "", "yes\r");
    assert_eq!(yes.code, 0, "{yes}");
    assert!(yes.stdout.contains(QUESTION), "{yes}");
    assert!(yes.stdout.contains("✓ applied: 3 change(s)"), "{yes}");
    assert_eq!(env.proxy.count_writes(), 3, "{yes}");
    // In sync: nothing to ask.
    env.proxy.clear();
    let again = apply_on_a_terminal(&env, "", "");
    assert_eq!(again.code, 0, "{again}");
    assert!(!again.stdout.contains(QUESTION), "{again}");
    assert_eq!(env.proxy.count_writes(), 0);
}

/// A plan that deletes something names each deletion before the question; `--yes` writes
/// without asking.
#[test]
fn apply_names_deletions_before_asking_and_yes_or_no_terminal_does_not_ask() {
    let env = crate::support::live::setup(&["f1"]);
    let (quiet, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 3, "--yes: no question, the plan is written");
    assert!(
        !quiet.stdout.contains(QUESTION) && !quiet.stderr.contains(QUESTION),
        "{}{}",
        quiet.stdout,
        quiet.stderr
    );
    put_extra_inline_policy(&env);
    env.proxy.clear();
    let no = apply_on_a_terminal(&env, "", "no\r");
    assert_eq!(no.code, 2, "{no}");
    let screen = &no.stdout;
    let warned = screen
        .find("warning: these changes remove 1 item: role GenesysLambdaInvoker inline policy extra")
        .unwrap_or_else(|| panic!("the deletion is named\n{screen}"));
    let asked = screen.find(QUESTION).expect("the question");
    assert!(warned < asked, "deletions before the question:\n{screen}");
    assert_eq!(env.proxy.count_writes(), 0, "{no}");

    let yes = apply_on_a_terminal(&env, "--yes", "");
    assert_eq!(yes.code, 0, "{yes}");
    assert!(!yes.stdout.contains(QUESTION), "--yes does not ask\n{yes}");
    assert_eq!(env.proxy.count_writes(), 1, "{yes}");
}

/// An inline policy `extra` put on the role by hand: what apply deletes.
fn put_extra_inline_policy(env: &crate::support::live::Env) {
    let inline = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyName", "extra"),
            ("PolicyDocument", inline),
        ],
    );
}

/// Off a terminal a piped line is the answer: `yes` writes; `no`, any other line or none at all
/// writes nothing and exits 1 naming `--yes`.
#[test]
fn a_piped_answer_is_an_answer() {
    let env = crate::support::live::setup(&["f1"]);
    env.expect(&["apply", "--yes"], 0);
    put_extra_inline_policy(&env);
    for input in ["no\n", "y\n", "", "\n", "yes please\n"] {
        env.proxy.clear();
        let r = env.run_piped(&["apply"], input);
        let said = format!("{input:?}: {}\n{}", r.stdout, r.stderr);
        assert_eq!(r.code, 1, "{said}");
        assert!(r.stderr.contains("--yes"), "{said}");
        assert_eq!(env.proxy.count_writes(), 0, "{said}");
    }
    env.proxy.clear();
    let r = env.run_piped(&["apply"], "yes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(env.proxy.count_writes(), 1, "{}", r.stderr);
}

/// `destroy` never says a policy is kept and then deletes it: the detach of our own invoke
/// policy says it is deleted next.
#[test]
fn destroy_says_the_invoke_policy_is_deleted_not_kept() {
    let env = crate::support::live::setup(&["f1"]);
    env.expect(&["apply", "--yes"], 0);
    let review = env.expect(&["destroy"], 2);
    let detach = review
        .stdout
        .lines()
        .find(|l| {
            l.contains("attachment arn:aws:iam::123456789012:policy/GenesysLambdaInvoker-invoke")
        })
        .unwrap_or_else(|| panic!("the detach is shown\n{}", review.stdout));
    assert!(!detach.contains("kept"), "{detach}");
    assert!(
        detach.contains("detached, then the policy is deleted"),
        "{detach}"
    );
    assert!(
        review.stdout.contains(
            "- managed policy arn:aws:iam::123456789012:policy/GenesysLambdaInvoker-invoke"
        ),
        "{}",
        review.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// --help per command: its own flags first, only its formats, the globals it uses after
// ---------------------------------------------------------------------------------------------

/// `plan -h`: its two flags, then the globals under their heading; `--format` offers only
/// what plan prints; no `--config` paragraph about other commands.
#[test]
fn each_help_lists_its_own_flags_first_and_only_its_formats() {
    // The help wraps at the terminal's width: compare with the lines joined.
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let plan = run(&["plan", "-h"]);
    assert_eq!(plan.code, 0, "{plan}");
    let text = &flat(&plan.stdout);
    let own = text.find("--adopt").expect("--adopt");
    let globals = text.find("Global options:").expect("the globals' heading");
    assert!(own < globals, "{text}");
    assert!(text.find("--config").unwrap() > globals, "{text}");
    for absent in [
        "sarif",
        "github",
        "html",
        "`check` takes several",
        "(plan, apply, verify, destroy)",
    ] {
        assert!(!text.contains(absent), "{absent:?} in plan -h:\n{text}");
    }
    let lines = plan.stdout.lines().count();
    assert!(lines <= 40, "{lines} lines:\n{}", plan.stdout);

    // `-h` names the formats in a line, `--help` as clap would.
    let plan_long = flat(&run(&["plan", "--help"]).stdout);
    assert!(
        plan_long.contains("[possible values: human, json]"),
        "{plan_long}"
    );
    assert!(text.contains("Output as human or json"), "{text}");
    let check = flat(&run(&["check", "--help"]).stdout);
    assert!(
        check.contains("[possible values: human, json, sarif, github]"),
        "{check}"
    );
    assert!(check.contains("give a directory (its *.toml)"), "{check}");
    let audit = flat(&run(&["audit", "--help"]).stdout);
    assert!(
        audit.contains("[possible values: human, json, sarif, html, asff, ocsf]"),
        "{audit}"
    );
    let audit = flat(&run(&["audit", "-h"]).stdout);
    assert!(
        audit.contains("Output as human, json, sarif, html, asff or ocsf"),
        "{audit}"
    );
    // Offline commands show no AWS flags; simulate reads no config.
    let simulate = run(&["simulate", "-h"]).stdout;
    for absent in ["--config", "--profile", "AWS access"] {
        assert!(
            !simulate.contains(absent),
            "{absent} in simulate -h:\n{simulate}"
        );
    }
    assert!(!run(&["render", "-h"]).stdout.contains("--profile"));
    assert!(run(&["verify", "-h"]).stdout.contains("AWS access:"));

    // A format the command does not have is refused, naming the commands that have it and
    // the ones this command has (exit 1).
    let refused = run(&["check", "--format", "html"]);
    assert_eq!(refused.code, 1, "{refused}");
    let said = flat(&refused.stderr);
    assert!(
        said.contains("--format html is only for `audit`")
            && said.contains("use --format human, json, sarif or github"),
        "{refused}"
    );
    // A value that is no format at all: clap lists the command's own.
    let unknown = run(&["plan", "--format", "yaml"]);
    assert_eq!(unknown.code, 1, "{unknown}");
    assert!(
        flat(&unknown.stderr).contains("[possible values: human, json]"),
        "{unknown}"
    );
    // Before the command, --format is the global flag: the command's refusal still applies.
    let global = run(&["--format", "sarif", "plan"]);
    assert_eq!(global.code, 1, "{global}");
    assert!(
        global.stderr.contains("--format sarif is only for"),
        "{global}"
    );
}

/// The rows a terminal shows after `screen`, colour codes dropped, each checked to be at most
/// 80 columns but a single word longer than the width (an ARN).
fn rows_within_80(what: &str, screen: &str) -> Vec<String> {
    let ansi = regex::Regex::new("\u{1b}\\[[0-9;?]*[A-Za-z]").unwrap();
    let rows: Vec<String> = (crate::support::terminal::replay(screen).iter())
        .map(|row| ansi.replace_all(row.trim_end(), "").into_owned())
        .collect();
    for line in &rows {
        let words = line.split_whitespace().count();
        assert!(
            line.chars().count() <= 80 || words <= 1,
            "{what}: {} columns: {line:?}\n{screen}",
            line.chars().count(),
        );
    }
    rows
}

/// On a terminal, reports fit its width: at 80 columns no line of `verify`, `check` or `plan`
/// runs past it but a single word longer than the width (an ARN), and no word is broken.
#[test]
fn reports_fit_an_80_column_terminal() {
    let env = crate::support::live::setup(&["f1"]);
    for command in ["plan", "apply --yes", "verify", "check"] {
        let r = env.on_a_terminal(
            &format!("COLUMNS=80 \"$LT\" {command} --config \"$CONFIG\""),
            "",
        );
        // The screen the bytes leave: what a spinner drew and wiped is gone.
        rows_within_80(command, &r.stdout);
    }
}

/// An error on an 80-column terminal is fitted to it like any line for people, broken at
/// spaces and never mid-word: `apply` refusing to write without `--yes` (its input not a
/// terminal), with `COLUMNS=80`, and with stdout a file and `COLUMNS` unset (stderr's width is
/// its own terminal's). Under `--format json` the error stays one line of JSON.
#[test]
fn errors_fit_an_80_column_terminal() {
    let env = crate::support::live::setup(&["f1"]);
    let refused = env.run(&["apply"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--yes") && refused.stderr.lines().any(|l| l.len() > 80),
        "{}",
        refused.stderr
    );
    let apply = "\"$LT\" apply --config \"$CONFIG\" </dev/null";
    for shell in [
        format!("COLUMNS=80 {apply}"),
        format!("unset COLUMNS; stty cols 80 rows 24; {apply} >/dev/null"),
    ] {
        let r = env.on_a_terminal(&shell, "");
        assert_eq!(r.code, 1, "{shell}: {}", r.stdout);
        let rows = rows_within_80(&shell, &r.stdout);
        let shown: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
        for word in refused.stderr.split_whitespace() {
            assert!(
                shown.contains(&word),
                "{shell}: {word:?} broken:\n{}",
                rows.join("\n")
            );
        }
    }
    let json = env.on_a_terminal(&format!("COLUMNS=80 {apply} --format json"), "");
    let rows = crate::support::terminal::replay(&json.stdout);
    let error: Vec<serde_json::Value> = (rows.iter())
        .filter_map(|row| serde_json::from_str(row.trim()).ok())
        .collect();
    assert!(
        matches!(error.as_slice(), [e] if e["error"].as_str().unwrap().contains("standard input")),
        "{}",
        json.stdout
    );
}

/// With colour on, a wrapped line keeps its indent: at 80 columns the screen of `plan`,
/// `verify` and `check` with `--color always` is, its colour codes dropped, the screen
/// without colour (a coloured line wraps under its own indent, not at column 2).
#[test]
fn coloured_lines_keep_their_indent_at_80_columns() {
    let env = crate::support::live::setup(&["f1"]);
    for command in ["plan", "verify", "check"] {
        if command == "verify" {
            env.expect(&["apply", "--yes"], 0);
        }
        let screen = |color: &str| {
            let shell =
                format!("COLUMNS=80 \"$LT\" {command} --color {color} --config \"$CONFIG\"");
            let r = env.on_a_terminal(&shell, "");
            let mut rows = rows_within_80(&shell, &r.stdout);
            // The colour's last reset may open a row of nothing.
            while rows.last().is_some_and(String::is_empty) {
                rows.pop();
            }
            rows
        };
        let (coloured, plain) = (screen("always"), screen("never"));
        assert!(coloured.len() > 1, "{command}: {coloured:?}");
        assert_eq!(coloured, plain, "{command} with colour");
    }
}
