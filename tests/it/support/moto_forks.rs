//! The client of `moto_forks.py`: a local AWS forked from one that already imported moto,
//! instead of a Python started per test (about 1.5 s of processor time each).
//!
//! The fork server is shared by every test process of a run: the first test to need it starts
//! it (under a lock file, so only one does), on a socket named for the scripts it serves — an
//! edited script gets a server of its own. It exits after five idle minutes.

use std::fs::{File, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A server forked for one test: it exits when `link` closes (dropped, or the test gone).
pub struct Forked {
    pub pid: u32,
    link: UnixStream,
}

impl Forked {
    pub fn exited(&self) -> bool {
        !Path::new(&format!("/proc/{}", self.pid)).exists()
    }

    /// Closes the link and waits (5 s at most) until the server is gone and its port free.
    pub fn stop(&self) {
        let _ = self.link.shutdown(std::net::Shutdown::Both);
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.exited() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A server forked to serve as `moto_aws.py ARGV` would, its output in `log`.
pub fn fork(argv: &[String], log: &Path) -> Forked {
    let request = serde_json::json!({ "argv": argv, "log": log });
    let mut last = String::new();
    // A fork server that went idle as this test connected is started again.
    for _ in 0..3 {
        match ask(&connect(), &request) {
            Ok(forked) => return forked,
            Err(e) => last = e.to_string(),
        }
    }
    panic!(
        "the local AWS's fork server did not answer: {last}; its log: {}",
        place().with_extension("log").display()
    )
}

/// `python ARGV` (`["-c", CODE, ARGS…]` or `[SCRIPT, ARGS…]`) as the venv's Python runs it, in
/// the test's directory and environment, forked from the server (boto3 already imported): its
/// exit status and output, as `Command::output` gives them.
pub fn python(argv: &[&str]) -> std::process::Output {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().expect("a directory for the script's output");
    let (stdout, stderr) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let env: std::collections::BTreeMap<String, String> = std::env::vars().collect();
    let request = serde_json::json!({
        "python": argv, "stdout": stdout, "stderr": stderr, "env": env,
        "cwd": std::env::current_dir().expect("the test's directory"),
    });
    let mut last = String::new();
    for _ in 0..3 {
        match exit_of(&connect(), &request) {
            Ok(code) => {
                return std::process::Output {
                    status: std::process::ExitStatus::from_raw(code << 8),
                    stdout: std::fs::read(&stdout).unwrap_or_default(),
                    stderr: std::fs::read(&stderr).unwrap_or_default(),
                }
            }
            Err(e) => last = e.to_string(),
        }
    }
    panic!(
        "the local AWS's fork server did not run the script: {last}; its log: {}",
        place().with_extension("log").display()
    )
}

fn exit_of(link: &UnixStream, request: &serde_json::Value) -> std::io::Result<i32> {
    let answer = exchange(link, request)?;
    serde_json::from_str::<serde_json::Value>(&answer)
        .ok()
        .and_then(|v| v["exit"].as_i64())
        .map(|code| code as i32)
        .ok_or_else(|| std::io::Error::other(format!("answered {answer:?}")))
}

/// Sends one request line; the one line answered.
fn exchange(link: &UnixStream, request: &serde_json::Value) -> std::io::Result<String> {
    let mut line = request.to_string();
    line.push('\n');
    (&*link).write_all(line.as_bytes())?;
    let mut answer = String::new();
    BufReader::new(link).read_line(&mut answer)?;
    Ok(answer)
}

fn ask(link: &UnixStream, request: &serde_json::Value) -> std::io::Result<Forked> {
    let answer = exchange(link, request)?;
    let pid = serde_json::from_str::<serde_json::Value>(&answer)
        .ok()
        .and_then(|v| v["pid"].as_u64())
        .ok_or_else(|| std::io::Error::other(format!("answered {answer:?}")))?;
    Ok(Forked {
        pid: pid as u32,
        link: link.try_clone()?,
    })
}

/// A connection to the fork server, started first if none listens.
fn connect() -> UnixStream {
    let socket = place();
    if let Ok(link) = UnixStream::connect(&socket) {
        return link;
    }
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(socket.with_extension("lock"))
        .expect("the fork server's lock file");
    lock.lock().expect("lock the fork server's lock file");
    if let Ok(link) = UnixStream::connect(&socket) {
        return link;
    }
    let _ = std::fs::remove_file(&socket);
    start(&socket);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(link) = UnixStream::connect(&socket) {
            return link;
        }
        assert!(
            Instant::now() < deadline,
            "the local AWS's fork server did not listen on {} within 60 s; its log: {}",
            socket.display(),
            socket.with_extension("log").display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts the fork server in a process group of its own, its output in a file: nothing of the
/// test's (its terminal, its pipes to the test runner, its group's signals) is held.
fn start(socket: &Path) {
    let log = File::create(socket.with_extension("log")).expect("the fork server's log");
    let mut command = super::moto::moto_command();
    command
        .arg("--fork-server")
        .arg(socket)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log)
        .process_group(0);
    let mut server = command.spawn().expect("start the local AWS's fork server");
    // It outlives this test; should it exit first (five idle minutes), it is reaped here.
    std::thread::spawn(move || server.wait());
}

/// The socket's path: named for the Python and the scripts it serves.
fn place() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    // Every script the server may import: one edited gets a server of its own.
    let dir = root.join("tests/it/support");
    let mut scripts: Vec<PathBuf> = (std::fs::read_dir(&dir).expect("the test support"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    scripts.sort();
    for script in scripts {
        std::fs::read(script).unwrap_or_default().hash(&mut hasher);
    }
    std::env::temp_dir().join(format!("lambda-trust-moto-{:016x}.sock", hasher.finish()))
}
