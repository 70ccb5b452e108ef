//! The tree shows the layers, and this test holds the code to them (ARCHITECTURE.md):
//! each folder of `src/` imports only the layers below it — and of those, `app` (the
//! workflows) never `report`, and `commands` (binding only) never the adapters `aws` and
//! `genesys`: the workflows call them —, no file outside `src/aws/` names an
//! AWS SDK crate, no file outside `src/genesys/` names an HTTP client crate, and the pure layers
//! (`event`, `report/`, and the library crates under `crates/` — `verdict`, `iam`, `config` but
//! its loader, `provision`, `audit`) touch no file, environment variable, process, network,
//! async runtime or clock. Between the crates Cargo holds the order; [`LIBRARY_CRATES`] says
//! which of ours each may use. Test modules
//! (`#[cfg(test)]`) are exempt: a unit test of a pure module may render its result to look at
//! it.

use std::path::{Path, PathBuf};

/// A layer's rank: a file may import `crate::X` only when X's rank is lower than its own, or
/// X is its own layer. `aws`, `genesys` and `report` share a rank and must not import each
/// other; so do `app` and `cli`.
fn rank(layer: &str) -> Option<u32> {
    Some(match layer {
        "error" | "retry" => 0,
        "iam" => 1,
        "config" => 2,
        "event" => 3,
        "aws" | "genesys" | "report" => 4,
        "app" | "cli" => 5,
        "commands" => 6,
        _ => return None,
    })
}

/// Layers below a layer that it still may not import: the workflows (`app`) return data and
/// never render it; the commands bind flags to workflows and never call an adapter.
fn forbidden(layer: &str) -> &'static [&'static str] {
    match layer {
        "app" => &["report"],
        "commands" => &["aws", "genesys"],
        _ => &[],
    }
}

/// The layer rules broken by a file of `layer` importing `used`, if any.
fn breaks(layer: &str, used: &str) -> bool {
    let (Some(own), Some(theirs)) = (rank(layer), rank(used)) else {
        return false;
    };
    (used != layer && theirs >= own) || forbidden(layer).contains(&used)
}

pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer of a file: its first folder under `src/`, or its stem for top-level files.
fn layer_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// What of a file's text is built outside tests: nothing when the file is a test module of its
/// own (it opens with `#![cfg(test)]` after its docs), else the file without each item marked
/// `#[cfg(test)]` (a test module, a test-only `impl` or `use`), wherever it stands.
pub(crate) fn outside_tests(text: &str) -> String {
    let opening = text
        .lines()
        .find(|l| !l.starts_with("//!") && !l.trim().is_empty());
    if opening == Some("#![cfg(test)]") {
        return String::new();
    }
    let mut kept = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        match line.trim() == "#[cfg(test)]" {
            true => skip_item(&mut lines),
            false => kept.push(line),
        }
    }
    kept.iter().map(|l| format!("{l}\n")).collect()
}

/// Consumes the lines of one item: to the `;` of a declaration, or until the braces it opens
/// close again (braces inside string and character literals not counted).
fn skip_item<'a>(lines: &mut impl Iterator<Item = &'a str>) {
    let strings = regex::Regex::new(r#""(\\.|[^"\\])*"|'(\\.|[^'\\])'"#).unwrap();
    let (mut depth, mut opened) = (0i64, false);
    for line in lines {
        let code = strings.replace_all(line, "\"\"");
        depth += code.matches('{').count() as i64 - code.matches('}').count() as i64;
        opened |= code.contains('{');
        if (opened && depth <= 0) || (!opened && code.trim_end().ends_with(';')) {
            return;
        }
    }
}

/// The file's code before its test module, without comment lines.
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let body = outside_tests(&text);
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::NAME` a file mentions.
fn crate_refs(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        // `lambda_trust::` is the binary's spelling; `crate::` inside the library.
        let rest = &code[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let layer = layer_of(&src, file);
        for used in crate_refs(&code(file)) {
            if breaks(&layer, &used) {
                violations.push(format!(
                    "{} ({layer}) imports crate::{used}",
                    file.display()
                ));
            }
        }
    }
    violations.sort();
    violations.dedup();
    assert!(
        violations.is_empty(),
        "layer violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn only_the_aws_layer_names_an_aws_sdk() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| layer_of(&src, f) != "aws")
        .filter(|f| {
            let code = code(f);
            ["aws_sdk_", "aws_config", "aws_smithy", "lambda_runtime"]
                .iter()
                .any(|c| code.contains(c))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "AWS SDK (or Lambda's runtime) named outside src/aws/: {offenders:?}"
    );
}

/// AWS Organizations is read and written in one room (`src/aws/organizations/`): one reader
/// and one model of the organization, read once a run; `client.rs` only builds its client.
#[test]
fn only_aws_organizations_room_calls_organizations() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = (files.iter())
        .filter(|f| {
            let path = f.to_string_lossy().replace('\\', "/");
            !path.contains("/src/aws/organizations/") && !path.ends_with("/src/aws/client.rs")
        })
        .filter(|f| {
            let code = code(f);
            code.contains("aws_sdk_organizations") || code.contains(".organizations()")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "AWS Organizations called outside src/aws/organizations/: {offenders:?}"
    );
}

/// Whether a file is under a `watch/` folder: the watch's files, on every floor
/// (`crates/provision/src/watch/`, `src/{aws,app,commands,report}/watch/`).
fn under_watch(file: &Path) -> bool {
    file.to_string_lossy()
        .replace('\\', "/")
        .contains("/watch/")
}

/// The deployment's watch: under a `watch/` folder, and not the organization's
/// (`watch/organization/`).
fn is_the_watchs(file: &Path) -> bool {
    let path = file.to_string_lossy().replace('\\', "/");
    under_watch(file) && !path.contains("/watch/organization/")
}

/// The common ground the watch publishes through and speaks with, beside its folders.
const COMMON_GROUND: &[&str] = &[
    "/aws/security_hub.rs",
    "/app/security_hub.rs",
    "/src/event.rs",
];

/// Every source file of the binary and the provisioner.
fn binary_and_provisioner() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let provision = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/provision/src");
    rust_files(&provision, &mut files);
    files
}

/// Security Hub is where the audit and the watch meet, on common ground (the model crate's
/// lifecycle, counts and generator schemes): the watch stands on the provisioner and the
/// model, and never on the auditor. The organization watch is the one exception, in its own
/// folders (`watch/organization/`): it re-proves the partner roles `audit` judges, with the
/// auditor's one judgement (`audit --genesys-org-id`'s), joined on the application floor as
/// ARCHITECTURE.md has the binary join the two products.
#[test]
fn nothing_in_the_watch_imports_the_auditor() {
    let files = binary_and_provisioner();
    let watch: Vec<&PathBuf> = (files.iter())
        .filter(|f| is_the_watchs(f) || COMMON_GROUND.iter().any(|s| f.ends_with(&s[1..])))
        .collect();
    assert!(watch.len() > 20, "the watch's files are found: {watch:?}");
    let offenders: Vec<String> = (watch.iter())
        .filter(|f| names_crate(&code(f), "lambda_trust_audit"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "the watch imports the auditor: {offenders:?}"
    );
}

/// Each floor keeps the watch's files under its `watch/` folder: no file elsewhere is named
/// for the watch (`watch_deploy.rs`, `org_watch.rs`, `asff_watch.rs`, …), so what is the
/// watch's is found in one place on each floor and the tests above see all of it.
#[test]
fn the_watchs_files_are_under_a_watch_folder_on_every_floor() {
    let files = binary_and_provisioner();
    let named: Vec<String> = (files.iter())
        .filter(|f| !under_watch(f))
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("watch"))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        named.is_empty(),
        "move these under a watch/ folder: {named:?}"
    );
    for floor in ["aws", "app", "commands", "report"] {
        assert!(
            (files.iter()).any(|f| f.starts_with(src().join(floor).join("watch"))),
            "src/{floor}/watch/ holds the watch's files there"
        );
    }
}

/// The watch reaches accounts on common ground — sessions (`aws::sessions`, `app::sessions`)
/// and the whole path's reads (`app::path_reads`) — never through the audit's workflow or
/// adapter: nothing under a `watch/` folder imports `app::audit` or `aws::audit` (the
/// organization watch may still name the auditor's crate, `lambda_trust_audit`).
#[test]
fn nothing_under_a_watch_folder_imports_the_audit_wing() {
    let offenders: Vec<String> = (binary_and_provisioner().iter())
        .filter(|f| under_watch(f))
        .filter(|f| {
            let code = code(f);
            ["app::audit", "aws::audit"].iter().any(|wing| {
                code.match_indices(wing).any(|(i, _)| {
                    let after = code[i + wing.len()..].chars().next();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "the watch imports the audit wing: {offenders:?}"
    );
}

/// HTTP client crates: only the Genesys Cloud layer makes plain HTTP calls (the AWS SDK brings
/// its own client).
const HTTP_CLIENTS: &[&str] = &["reqwest", "ureq", "hyper", "isahc", "attohttpc", "surf"];

/// Whether the code names a crate as a path root (`reqwest::…`, `use ureq;`).
fn names_crate(code: &str, krate: &str) -> bool {
    code.match_indices(krate).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = &code[i + krate.len()..];
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && (after.starts_with("::") || after.starts_with(';'))
    })
}

#[test]
fn only_the_genesys_layer_names_an_http_client() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| layer_of(&src, f) != "genesys")
        .filter(|f| {
            let code = code(f);
            HTTP_CLIENTS.iter().any(|k| names_crate(&code, k))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "HTTP client crate named outside src/genesys/: {offenders:?}"
    );
}

#[test]
fn every_top_level_folder_is_a_known_layer() {
    // A new folder must be placed in the order above before it can hold code.
    let src = src();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if matches!(name.as_str(), "lib" | "main") {
            continue;
        }
        assert!(
            rank(&name).is_some(),
            "src/{name} is not in the layer order"
        );
    }
}

#[test]
fn the_checker_sees_a_violation() {
    // The scanner itself: an upward import is found, comments and test modules are not.
    let refs = crate_refs("use crate::aws::Clients;\nlet x = crate::event::Event::ReadDone;");
    assert_eq!(refs, ["aws", "event"]);
    assert!(rank("event") < rank("aws"));
    assert_eq!(rank("aws"), rank("report"));
    assert_eq!(rank("genesys"), rank("aws"));
    // The floors between the adapters and the commands.
    assert!(breaks("app", "report") && breaks("app", "cli") && breaks("app", "commands"));
    assert!(breaks("commands", "aws") && breaks("commands", "genesys"));
    assert!(breaks("cli", "app") && breaks("event", "app"));
    for ok in ["aws", "genesys", "event", "config", "iam", "error", "retry"] {
        assert!(!breaks("app", ok), "app may import {ok}");
    }
    assert!(!breaks("commands", "app") && !breaks("commands", "report"));
    assert!(names_crate("let c = reqwest::Client::new();", "reqwest"));
    assert!(names_crate("use ureq;", "ureq"));
    assert!(!names_crate("let my_reqwest = 1; // reqwest", "reqwest"));
}

/// What a pure layer may not touch: the file system, the environment, processes, the network,
/// an async runtime or HTTP client, the clock. (`std::net::IpAddr` and friends are plain data.)
const IMPURE: &[&str] = &[
    r"\bstd::fs\b",
    r"\bfs::",
    r"\bFile::",
    r"\bread_dir\b",
    r"\bstd::env\b",
    r"\benv::(var|vars|args|current_dir|set_var)",
    r"\bstd::process\b",
    r"\bstd::net::(TcpStream|TcpListener|UdpSocket|ToSocketAddrs)",
    r"\btokio\b",
    r"\breqwest\b",
    r"\bInstant::now\b",
    r"\bSystemTime\b",
    r"\bUtc::now\b",
    r"\bLocal::now\b",
];

/// The impure names a piece of code uses.
fn impure(code: &str) -> Vec<&'static str> {
    IMPURE
        .iter()
        .filter(|p| regex::Regex::new(p).unwrap().is_match(code))
        .copied()
        .collect()
}

#[test]
fn the_pure_layers_touch_no_file_environment_clock_or_network() {
    // iam, event and report/ are pure; in the config crate only the loader (its load.rs) reads
    // files.
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let layer = layer_of(&src, file);
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let pure = matches!(layer.as_str(), "iam" | "event" | "report");
        if !pure {
            continue;
        }
        for name in impure(&code(file)) {
            problems.push(format!("{rel} uses {name}"));
        }
    }
    // The library crates are pure throughout, but the config crate's loader (its load.rs).
    for &(krate, loader, _) in LIBRARY_CRATES {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("crates/{krate}/src"));
        let mut crate_files = Vec::new();
        rust_files(&dir, &mut crate_files);
        assert!(
            crate_files.len() > 2,
            "crates/{krate}/src holds the {krate} layer"
        );
        for file in &crate_files {
            if loader.is_some_and(|l| file.ends_with(l)) {
                continue;
            }
            for name in impure(&code(file)) {
                problems.push(format!("{} uses {name}", file.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "pure layers doing I/O (move the read to the caller and pass the data in):\n{}",
        problems.join("\n")
    );
}

/// The library crates under `crates/`, bottom first: the file allowed I/O (a loader), and
/// which of our crates each may use — the walls of ARCHITECTURE.md's picture.
pub(crate) const LIBRARY_CRATES: &[(&str, Option<&str>, &[&str])] = &[
    ("verdict", None, &[]),
    ("iam", None, &["lambda-trust-verdict"]),
    (
        "config",
        Some("load.rs"),
        &["lambda-trust-iam", "lambda-trust-verdict"],
    ),
    (
        "model",
        None,
        &[
            "lambda-trust-config",
            "lambda-trust-iam",
            "lambda-trust-verdict",
        ],
    ),
    // The two products stand side by side on the model: neither uses the other.
    (
        "provision",
        None,
        &[
            "lambda-trust-config",
            "lambda-trust-iam",
            "lambda-trust-model",
            "lambda-trust-verdict",
        ],
    ),
    (
        "audit",
        None,
        &[
            "lambda-trust-config",
            "lambda-trust-iam",
            "lambda-trust-model",
            "lambda-trust-verdict",
        ],
    ),
];

/// The library crates' dependencies: data and parsing crates only, never an SDK, HTTP client or
/// runtime (and none can name the main crate: that would be a cycle); of ours, only those
/// below them ([`LIBRARY_CRATES`]).
#[test]
fn the_library_crates_depend_on_no_sdk_runtime_or_http_client() {
    for &(krate, _, ours) in LIBRARY_CRATES {
        let manifest =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("crates/{krate}/Cargo.toml"));
        let text = std::fs::read_to_string(manifest).unwrap();
        let deps = super::house::dependencies(&text);
        // AWS's Rust definitions of event shapes are serde data (with chrono), no client.
        let data = |d: &&String| d.as_str() == "aws_lambda_events";
        for banned in ["aws_", "reqwest", "hyper", "tokio", "futures"] {
            let found = deps
                .iter()
                .filter(|d| !data(d))
                .find(|d| d.starts_with(banned));
            assert!(found.is_none(), "crates/{krate} depends on {found:?}");
        }
        let main_crate = deps.iter().any(|d| d == "lambda_trust");
        assert!(!main_crate, "crates/{krate} depends on the main crate");
        let mut named: Vec<String> = (deps.iter())
            .filter(|name| name.starts_with("lambda_trust_"))
            .map(|name| name.replace('_', "-"))
            .collect();
        named.sort();
        assert_eq!(named, ours, "crates/{krate}: which of our crates it uses");
    }
}

/// Each library crate's `lib.rs` opens with its API's documentation and warns on
/// `unreachable_pub` (so `pub` means "used from another crate"); the small ones on
/// `missing_docs` too. Its JSON Schemas are behind a `schemars` feature where it has any.
#[test]
fn each_library_crate_opens_with_its_api_and_curbs_pub() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for &(krate, _, _) in LIBRARY_CRATES {
        let lib = std::fs::read_to_string(root.join(format!("crates/{krate}/src/lib.rs"))).unwrap();
        assert!(
            lib.starts_with("//! "),
            "crates/{krate}/src/lib.rs opens with its API docs"
        );
        let warns = lib
            .lines()
            .find(|l| l.starts_with("#![warn("))
            .unwrap_or_default();
        assert!(warns.contains("unreachable_pub"), "crates/{krate}: {warns}");
        if matches!(krate, "verdict" | "iam" | "config") {
            assert!(warns.contains("missing_docs"), "crates/{krate}: {warns}");
        }
        let manifest =
            std::fs::read_to_string(root.join(format!("crates/{krate}/Cargo.toml"))).unwrap();
        if manifest.contains("\nschemars") {
            assert!(
                manifest.contains("optional = true") && manifest.contains("\n[features]\n"),
                "crates/{krate}: schemars behind a feature"
            );
        }
    }
}

#[test]
fn the_purity_checker_sees_io() {
    assert!(!impure("let t = std::fs::read_to_string(p);").is_empty());
    assert!(!impure("use std::fs;\nfs::write(p, t)").is_empty());
    assert!(!impure("let d = Instant::now() + budget;").is_empty());
    assert!(!impure("std::env::var(\"HOME\")").is_empty());
    assert!(!impure("let s = std::net::TcpStream::connect(a);").is_empty());
    assert!(impure("use std::net::IpAddr; let refs::x = 1;").is_empty());
}

/// Where a run may write to stderr itself: `lambda_trust::main` (`commands/entry.rs`: the error
/// it ends with) and the terminal's sink (`commands/invocation.rs`'s `Output`). Everything else
/// sends events, so `--progress json` sees every line.
const STDERR_WRITERS: &[&str] = &["commands/entry.rs", "commands/invocation.rs"];

fn writes_stderr(code: &str) -> bool {
    regex::Regex::new(r"\beprint(ln)?!|std::io::stderr\(\)\s*\.(write|lock)")
        .unwrap()
        .is_match(code)
}

#[test]
fn only_main_and_the_terminal_sink_write_to_stderr() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .map(|f| {
            (
                f.strip_prefix(&src).unwrap().to_string_lossy().to_string(),
                f,
            )
        })
        .filter(|(rel, f)| !STDERR_WRITERS.contains(&rel.as_str()) && writes_stderr(&code(f)))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        offenders.is_empty(),
        "stderr written outside the sink (send an app::Event, or use Output): {offenders:?}"
    );
    // The checker sees a write.
    assert!(writes_stderr("fn f() { eprintln!(\"x\"); }"));
    assert!(!writes_stderr("fn f() { println!(\"x\"); }"));
}

#[test]
fn a_test_module_of_its_own_is_left_out_and_test_items_are_cut_wherever_they_stand() {
    let own = "//! Snapshots.\n#![cfg(test)]\nuse std::fs;\n";
    assert_eq!(outside_tests(own), "");
    let inside = "use crate::a;\n#[cfg(test)]\nmod tests { use std::fs; }\n";
    assert_eq!(outside_tests(inside), "use crate::a;\n");
    let middle = "mod a;\n#[cfg(test)]\nmod tests;\nuse std::fs;\n#[cfg(test)]\nimpl A {\n    fn f() { \"}\"; }\n}\nfn g() {}\n";
    assert_eq!(outside_tests(middle), "mod a;\nuse std::fs;\nfn g() {}\n");
    let brace_char = "#[cfg(test)]\nfn t() {\n    let _ = '{';\n}\nfn g() {}\n";
    assert_eq!(outside_tests(brace_char), "fn g() {}\n");
    assert_eq!(
        outside_tests("//! A.\nuse crate::b;\n"),
        "//! A.\nuse crate::b;\n"
    );
}

/// Every ARN the project writes is built in one place, `lambda_trust_iam`'s `Arn::of` an
/// `AwsResource` (or `Arn::iam`, `Arn::function`): outside the iam crate, no code formats a
/// string starting `arn:` (a prefix checked, or a hint's text, is no ARN written). Tests may
/// write their fixtures as they like.
#[test]
fn every_arn_is_built_by_the_iam_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for krate in ["audit", "config", "model", "provision", "verdict"] {
        rust_files(&root.join("crates").join(krate).join("src"), &mut files);
    }
    let re = regex::Regex::new(r#"format!\(\s*"arn:"#).unwrap();
    let offenders: Vec<String> = (files.iter())
        .filter(|f| !f.components().any(|c| c.as_os_str() == "tests"))
        .filter(|f| re.is_match(&outside_tests(&std::fs::read_to_string(f).unwrap())))
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.len() + files.len() > 100, "the sources are found");
    assert!(
        offenders.is_empty(),
        "build these ARNs with lambda_trust_iam::Arn::of: {offenders:?}"
    );
}

#[test]
fn the_arn_check_sees_a_formatted_arn_across_lines() {
    let re = regex::Regex::new(r#"format!\(\s*"arn:"#).unwrap();
    assert!(re.is_match("let a = format!(\n    \"arn:{p}:iam::{a}:root\"\n);"));
    assert!(!re.is_match("if s.starts_with(\"arn:\") {}"));
}
