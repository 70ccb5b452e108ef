//! install.sh and the GitHub Action's install step (scripts/action-install.sh) against a real
//! release layout on a local HTTP server (`python3 -m http.server`): the archive is made by
//! scripts/release.sh from this test build, SHA256SUMS is the one the release workflow writes.
//! A good archive installs and runs; a tampered one (same name, different bytes) is refused
//! and nothing is installed; a missing release is told apart (exit 4) so the Action can fall
//! back to building from source, which a recording `cargo` on PATH observes here (the real
//! `cargo install` is what `just demo` and every other test already exercise).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release target install.sh picks on this machine (its uname table, from Rust's side).
fn target() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "linux" => format!("{arch}-unknown-linux-musl"),
        "macos" => format!("{arch}-apple-darwin"),
        other => panic!("install.sh has no archive for {other}"),
    }
}

/// `python3 -m http.server` on a free loopback port, serving `dir`; killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn serve(dir: &Path) -> Server {
        let mut child = Command::new("python3")
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1"])
            .arg("--directory")
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3 -m http.server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A release directory `DIR/vVERSION/` with the archive of this test build and SHA256SUMS: a
/// copy of the one the run made, which the test may tamper with.
fn release_dir() -> (tempfile::TempDir, String) {
    let made = made_once();
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("cp")
        .arg("-R")
        .arg(made.join(format!("v{VERSION}")))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(ok.success(), "copy the release of this run");
    (dir, format!("lambda-trust-{VERSION}-{}.tar.gz", target()))
}

/// The release of this test build, made once per test run (its archive gzips the whole test
/// binary, seconds of processor each time): `scripts/release.sh`, then SHA256SUMS as the release
/// workflow writes it. One test makes it, under a lock; the others wait and copy it.
fn made_once() -> PathBuf {
    let run = std::env::var("NEXTEST_RUN_ID").unwrap_or_else(|_| std::process::id().to_string());
    let place = std::env::temp_dir().join(format!("lambda-trust-release-{run}"));
    let lock = std::fs::File::create(place.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    if place.join("made").exists() {
        return place;
    }
    forget_old_releases();
    let rel = place.join(format!("v{VERSION}"));
    let r = Command::new("bash")
        .arg(format!("{ROOT}/scripts/release.sh"))
        .arg(&rel)
        .env("LAMBDA_TRUST_BIN", env!("CARGO_BIN_EXE_lambda-trust"))
        .env("TARGET", target())
        .output()
        .unwrap();
    assert!(r.status.success(), "release.sh: {}", text(&r));
    let archive = format!("lambda-trust-{VERSION}-{}.tar.gz", target());
    let sums = std::fs::read_to_string(rel.join(format!("{archive}.sha256"))).unwrap();
    std::fs::write(rel.join("SHA256SUMS"), sums).unwrap();
    std::fs::write(place.join("made"), "").unwrap();
    place
}

/// Removes the releases earlier runs made (a day old: none still in use).
fn forget_old_releases() {
    let day = std::time::Duration::from_secs(24 * 3600);
    for entry in std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let age = entry.metadata().and_then(|m| m.modified()).ok();
        let old = age.and_then(|t| t.elapsed().ok()).is_some_and(|a| a > day);
        if name.starts_with("lambda-trust-release-") && old {
            let _ = std::fs::remove_dir_all(entry.path());
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Replaces the archive by one of the same name and layout whose binary is something else.
fn tamper(dir: &Path, archive: &str) {
    let stage = tempfile::tempdir().unwrap();
    let name = archive.trim_end_matches(".tar.gz");
    let inner = stage.path().join(name);
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(inner.join("lambda-trust"), "#!/bin/sh\necho tampered\n").unwrap();
    let path = dir.join(format!("v{VERSION}")).join(archive);
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&path)
        .arg("-C")
        .arg(stage.path())
        .arg(name)
        .status()
        .unwrap();
    assert!(ok.success());
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn install_sh(server: &Server, version: &str, to: &Path) -> Output {
    Command::new("sh")
        .arg(format!("{ROOT}/install.sh"))
        .args(["--version", version, "--to"])
        .arg(to)
        .env("LAMBDA_TRUST_DOWNLOAD_URL", &server.url)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The archive carries the README and the book its links lead to, so they resolve offline.
#[test]
fn the_archive_holds_the_readme_and_the_book_it_links_to() {
    let (dir, archive) = release_dir();
    let path = dir.path().join(format!("v{VERSION}")).join(&archive);
    let list = Command::new("tar").arg("-tzf").arg(&path).output().unwrap();
    assert!(list.status.success(), "{}", text(&list));
    let names = String::from_utf8_lossy(&list.stdout).to_string();
    let name = archive.trim_end_matches(".tar.gz");
    for file in [
        "README.md",
        "docs/SUMMARY.md",
        "docs/check.md",
        "docs/schemas/check.schema.json",
    ] {
        assert!(
            names.lines().any(|l| l == format!("{name}/{file}")),
            "{file} is not in the archive:\n{names}"
        );
    }
}

#[test]
fn install_sh_installs_the_archive_for_this_machine_and_it_runs() {
    let (dir, _) = release_dir();
    let server = Server::serve(dir.path());
    let to = tempfile::tempdir().unwrap();
    let bin_dir = to.path().join("bin");
    let out = install_sh(&server, VERSION, &bin_dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let run = Command::new(bin_dir.join("lambda-trust"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&run.stdout).starts_with(&format!("lambda-trust {VERSION}")),
        "{}",
        text(&run)
    );
    // `v` in front of the version is accepted, and a reinstall replaces the binary.
    let again = install_sh(&server, &format!("v{VERSION}"), &bin_dir);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
}

#[test]
fn install_sh_refuses_a_tampered_archive_and_installs_nothing() {
    let (dir, archive) = release_dir();
    tamper(dir.path(), &archive);
    let server = Server::serve(dir.path());
    let to = tempfile::tempdir().unwrap();
    let out = install_sh(&server, VERSION, to.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("checksum mismatch"), "{}", text(&out));
    assert_eq!(std::fs::read_dir(to.path()).unwrap().count(), 0);
}

#[test]
fn install_sh_tells_a_missing_release_apart() {
    let (dir, _) = release_dir();
    let server = Server::serve(dir.path());
    let to = tempfile::tempdir().unwrap();
    let out = install_sh(&server, "9.9.9", to.path());
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(text(&out).contains("no release v9.9.9"), "{}", text(&out));
    assert_eq!(std::fs::read_dir(to.path()).unwrap().count(), 0);
}

/// With a mirror, "latest" is not looked up on github.com behind the user's back: the
/// version is required, and the message says so.
#[test]
fn install_sh_from_a_mirror_asks_for_the_version_instead_of_asking_github() {
    let (dir, _) = release_dir();
    let server = Server::serve(dir.path());
    let to = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg(format!("{ROOT}/install.sh"))
        .arg("--to")
        .arg(to.path())
        .env("LAMBDA_TRUST_DOWNLOAD_URL", &server.url)
        .env_remove("LAMBDA_TRUST_VERSION")
        // Any request to github.com fails at once instead of waiting on the network.
        .env("https_proxy", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("LAMBDA_TRUST_DOWNLOAD_URL is set (a mirror): pass --version"),
        "{said}"
    );
    assert_eq!(std::fs::read_dir(to.path()).unwrap().count(), 0);
    // LAMBDA_TRUST_VERSION is the same as --version.
    let pinned = Command::new("sh")
        .arg(format!("{ROOT}/install.sh"))
        .arg("--to")
        .arg(to.path())
        .env("LAMBDA_TRUST_DOWNLOAD_URL", &server.url)
        .env("LAMBDA_TRUST_VERSION", VERSION)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(pinned.status.code(), Some(0), "{}", text(&pinned));
}

#[test]
fn install_sh_rejects_bad_arguments_with_what_to_fix() {
    let out = Command::new("sh")
        .arg(format!("{ROOT}/install.sh"))
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("unknown argument --frobnicate"));
    let syntax = Command::new("sh")
        .args(["-n", &format!("{ROOT}/install.sh")])
        .output()
        .unwrap();
    assert!(syntax.status.success(), "{}", text(&syntax));
}

/// A directory with a `cargo` that records its arguments and installs a script as the binary.
fn recording_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho \"$*\" >\"$HOME/cargo-args\"\nmkdir -p \"$HOME/.lambda-trust/bin\"\n\
         printf '#!/bin/sh\\necho lambda-trust built\\n' >\"$HOME/.lambda-trust/bin/lambda-trust\"\n\
         chmod +x \"$HOME/.lambda-trust/bin/lambda-trust\"\n",
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    bin
}

/// Runs the Action's install step as action.yml does, with HOME and $GITHUB_PATH in `home`.
fn action_install(server: &Server, reference: &str, home: &Path) -> Output {
    let action = std::fs::read_to_string(format!("{ROOT}/action.yml")).unwrap();
    assert!(action.contains("ACTION_REF: ${{ github.action_ref }}"));
    assert!(action.contains("run: bash \"$GITHUB_ACTION_PATH/scripts/action-install.sh\""));
    let path = format!(
        "{}:{}",
        recording_cargo(home).display(),
        std::env::var("PATH").unwrap()
    );
    Command::new("bash")
        .arg(format!("{ROOT}/scripts/action-install.sh"))
        .env("ACTION_REF", reference)
        .env("GITHUB_ACTION_PATH", ROOT)
        .env("GITHUB_PATH", home.join("github-path"))
        .env("HOME", home)
        .env("PATH", path)
        .env("LAMBDA_TRUST_DOWNLOAD_URL", &server.url)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_action_installs_the_release_of_its_tag_without_building() {
    let (dir, _) = release_dir();
    let server = Server::serve(dir.path());
    let home = tempfile::tempdir().unwrap();
    let out = action_install(&server, &format!("v{VERSION}"), home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("lambda-trust {VERSION}")),
        "{}",
        text(&out)
    );
    assert!(!home.path().join("cargo-args").exists(), "cargo ran");
    let github_path = std::fs::read_to_string(home.path().join("github-path")).unwrap();
    assert_eq!(
        github_path.trim(),
        home.path().join(".lambda-trust/bin").to_str().unwrap()
    );
}

#[test]
fn the_action_refuses_a_tampered_release_and_does_not_fall_back() {
    let (dir, archive) = release_dir();
    tamper(dir.path(), &archive);
    let server = Server::serve(dir.path());
    let home = tempfile::tempdir().unwrap();
    let out = action_install(&server, &format!("v{VERSION}"), home.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("checksum mismatch"), "{}", text(&out));
    assert!(!home.path().join(".lambda-trust/bin/lambda-trust").exists());
    assert!(!home.path().join("cargo-args").exists(), "cargo ran");
}

#[test]
fn the_action_builds_refs_without_a_release_from_its_checkout() {
    let (dir, _) = release_dir();
    let server = Server::serve(dir.path());
    for reference in ["main", "v9.9.9"] {
        let home = tempfile::tempdir().unwrap();
        let out = action_install(&server, reference, home.path());
        assert_eq!(out.status.code(), Some(0), "{reference}: {}", text(&out));
        let args = std::fs::read_to_string(home.path().join("cargo-args")).unwrap();
        let expected = format!(
            "install --locked --path {ROOT} --root {}",
            home.path().join(".lambda-trust").display()
        );
        assert_eq!(args.trim(), expected, "{reference}");
    }
}

/// The project has no public home yet: install.sh names no repository of its own accord. Without
/// one (`--repo`, `LAMBDA_TRUST_REPO`) or a mirror it refuses, saying what to set and how to build
/// instead, and asks no server; the Action passes its own repository as that one setting.
#[test]
fn install_sh_has_no_pretend_repository_and_says_what_to_set() {
    let script = std::fs::read_to_string(format!("{ROOT}/install.sh")).unwrap();
    assert!(
        script.contains("\nREPO=${LAMBDA_TRUST_REPO:-}\n"),
        "install.sh's REPO"
    );
    let out = Command::new("sh")
        .arg(format!("{ROOT}/install.sh"))
        .env_remove("LAMBDA_TRUST_REPO")
        .env_remove("LAMBDA_TRUST_DOWNLOAD_URL")
        .env("PATH", std::env::var("PATH").unwrap())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("--repo OWNER/NAME")
            && said.contains("LAMBDA_TRUST_REPO")
            && said.contains("cargo install --locked --path ."),
        "{said}"
    );
    let action = std::fs::read_to_string(format!("{ROOT}/action.yml")).unwrap();
    assert!(
        action.contains("LAMBDA_TRUST_REPO: ${{ github.action_repository }}"),
        "action.yml passes its repository to install.sh"
    );
}
