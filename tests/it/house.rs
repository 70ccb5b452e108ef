//! The house's size bars (ARCHITECTURE.md): a function reads on one screen. At most
//! [`LONG_ALLOWED`] functions outside test modules run over [`SCREEN`] lines, counted from the
//! `fn` line to its closing brace; a table or a generated schema is excepted when its function
//! is named so (`generated…`, `table…`).

use std::path::Path;

use super::layers::{outside_tests, rust_files};

/// One screen.
const SCREEN: usize = 60;
/// How many functions may run longer.
const LONG_ALLOWED: usize = 5;

/// Each function of `text` (before its test module) longer than [`SCREEN`] lines: its name
/// and length. A function ends where the braces opened from its `fn` line close again (braces
/// inside string and character literals are not counted).
fn long_functions(text: &str) -> Vec<(String, usize)> {
    let head =
        regex::Regex::new(r"^\s*(pub(\([^)]*\))? )?(async )?(const )?(unsafe )?fn ([A-Za-z0-9_]+)")
            .unwrap();
    let code = super::layers::outside_tests(text);
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = head.captures(line) else {
            continue;
        };
        let name = c[6].to_string();
        let length = extent(&lines[i..]);
        let excepted = name.starts_with("generated") || name.starts_with("table");
        if length > SCREEN && !excepted {
            out.push((name, length));
        }
    }
    out
}

/// How many lines the item starting at `lines[0]` spans: until its braces balance (1 for a
/// declaration ending in `;` before any brace).
fn extent(lines: &[&str]) -> usize {
    let literal = regex::Regex::new(r#""([^"\\]|\\.)*"|'([^'\\]|\\.)'"#).unwrap();
    let mut depth = 0i64;
    let mut opened = false;
    for (n, line) in lines.iter().enumerate() {
        let code = literal.replace_all(line.split("//").next().unwrap_or_default(), "");
        for ch in code.chars() {
            match ch {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth -= 1,
                ';' if !opened => return n + 1,
                _ => {}
            }
        }
        if opened && depth <= 0 {
            return n + 1;
        }
    }
    lines.len()
}

/// Every Rust file of the binary's and the crates' `src`.
fn source_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    files
}

/// The longest a file that is not a test may be: one idea a file.
const FILE_LINES: usize = 800;

/// Whether `file` holds tests alone: a `tests.rs`, or a file of a `tests/` folder.
fn is_test_file(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "tests.rs")
        || file.components().any(|c| c.as_os_str() == "tests")
}

#[test]
fn files_hold_one_idea() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long: Vec<String> = (source_files(root).iter())
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            let rel = f.strip_prefix(root).unwrap().display().to_string();
            (lines > FILE_LINES).then(|| format!("{lines:>5} {rel}"))
        })
        .collect();
    long.sort();
    assert_eq!(
        long,
        Vec::<String>::new(),
        "files over {FILE_LINES} lines that are not tests: split them along their seams"
    );
    assert!(is_test_file(Path::new("crates/x/src/trail/tests.rs")));
    assert!(is_test_file(Path::new("crates/x/src/path/tests/keys.rs")));
    assert!(!is_test_file(Path::new("crates/x/src/trail/mod.rs")));
}

#[test]
fn functions_read_on_one_screen() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = source_files(root);
    let mut long = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (name, length) in long_functions(&text) {
            let rel = file.strip_prefix(root).unwrap().display().to_string();
            long.push(format!("{length:>4} {rel} {name}"));
        }
    }
    long.sort();
    long.reverse();
    assert!(
        long.len() <= LONG_ALLOWED,
        "{} functions run over {SCREEN} lines (at most {LONG_ALLOWED}): split them\n{}",
        long.len(),
        long.join("\n")
    );
}

#[test]
fn the_counter_sees_a_long_function_and_skips_tests_and_tables() {
    let body = "    let x = 1;\n".repeat(SCREEN);
    let text = format!(
        "pub fn long() {{\n{body}}}\n\nfn short() {{}}\nfn braces() {{ let s = \"}}\"; }}\n\
         fn declared(&self);\nfn table_of_codes() {{\n{body}}}\n\
         impl A {{\n    pub(crate) async fn inner() {{\n{body}    }}\n}}\n\
         #[cfg(test)]\nmod tests {{\n    fn in_test() {{\n{body}    }}\n}}\n"
    );
    let found = long_functions(&text);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["long", "inner"]);
    assert_eq!(found[0].1, SCREEN + 2);
}

/// The names of a manifest's `[dependencies]`, as code spells them (`aws-sdk-iam` → `aws_sdk_iam`).
pub(crate) fn dependencies(manifest: &str) -> Vec<String> {
    let deps = manifest
        .split("\n[dependencies]\n")
        .nth(1)
        .unwrap_or_default()
        .split("\n[")
        .next()
        .unwrap_or_default();
    deps.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim()))
        .filter(|name| !name.is_empty())
        .map(|name| name.replace('-', "_"))
        .collect()
}

/// Every dependency of every crate is named by its code (`src/`, its `build.rs`, the binary's
/// benchmarks): one nothing uses only costs build time and binary size.
#[test]
fn every_dependency_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut crates = vec![root.to_path_buf()];
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        crates.push(krate.unwrap().path());
    }
    let mut unused = Vec::new();
    for dir in crates {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let mut files = Vec::new();
        for sub in ["src", "benches"] {
            if dir.join(sub).is_dir() {
                rust_files(&dir.join(sub), &mut files);
            }
        }
        if dir.join("build.rs").is_file() {
            files.push(dir.join("build.rs"));
        }
        let code: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        for name in dependencies(&manifest) {
            let used = regex::Regex::new(&format!(r"\b{name}\b")).unwrap();
            if !used.is_match(&code) {
                unused.push(format!("{}: {name}", dir.display()));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "dependencies nothing uses:\n{}",
        unused.join("\n")
    );
}

#[test]
fn the_dependency_list_is_read_as_cargo_writes_it() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\n# a comment\naws-sdk-iam = { version = \"1\" }\nserde = \"1\"\n\n[dev-dependencies]\ninsta = \"1\"\n";
    assert_eq!(dependencies(manifest), ["aws_sdk_iam", "serde"]);
}

/// The most public declarations the house holds: `pub` items and methods (not `pub use`, not
/// `pub(crate)`), outside tests. Each is a door another crate may lean on. A ratchet: it only
/// comes down. Every public method is called across a crate boundary (narrowing all of them to
/// `pub(crate)` and compiling the workspace puts each one back), so what is left to close is
/// types and functions on the faces. 757 before the organization watch's function, whose face
/// is 8 (`OrgChange`, `classify_org_event`, `OrgWatchSettings` and its `from_vars`, the
/// invocation's `OrgWatchRecord` and `OrgAccountRecord`, the generators of what a run settles
/// and of an account not watched), less `ListedAction` (a second name of `ObservedAction`): 764.
/// Then `watch deploy --organization`'s face, 14: its input and deployment
/// (`OrgWatchInput`, `OrgWatchDeployment`, `org_watch_deployment`, `StackSet`, `Stack`), what
/// is live of its StackSets (`SeenStacks`, `SeenStack`, `SeenInstance`), their plan
/// (`StackOp`, `plan_stacks`, `teardown_stacks`, `NotOurStack`, since merged into `NotOurs`), and its names
/// (`ORG_WATCH`, `ORGANIZATION_WATCHER`). Then the organization's sweep, 2: its events
/// (`sweep_events`, each AWS's own `EventBridgeEvent`, not a type of ours) and its record
/// (`SweptRecord`); then `watch destroy --organization`'s last re-proof, 1 (`retire_event`,
/// the event it hands the function for each account); the 59 types and functions no other crate names were tried at
/// `pub(crate)` and each is in a public signature or re-exported for a crate's tests; the
/// names no other crate uses came off the faces (780); then whether an account is heard, 2
/// (`Hearing`, in the organization watch's record, and the generator of a finding about an
/// account itself, which the watch and its status share);
/// then the re-reading after a change, 2 (`again_event`, the event the function puts on its
/// bus, and `ReRead`, what the record says of it). Then a config report's notes as data, 1
/// (`ConfigNote`, worded in `report`); then the ledger of what each account's Security Hub
/// holds, 8 (`Held` with `of`, `same_as` and `is_empty`, `LEDGER_PATH`, `ledger_parameter`,
/// `ledger_account`, and `LedgerWrite` in the record): 793. Then the organization watch's
/// generators as one type, −3 (`OrgWatchGenerator` and its `not_watched` for the namespace
/// constant and four functions): 790; a deployment's watch's likewise, −1
/// (`WatchGenerator` for `watch_generator` and `settled_prefix`): 789; less three doors only
/// tests of other crates opened (a policy error's `location` and `field`, which those tests now
/// read from the error's variant, and the audit's default session name): 786. Every public type,
/// trait, function and constant was narrowed to `pub(crate)` once more and the workspace
/// compiled with all its targets, the `private_interfaces` lint counted: each one is put back.
/// Then tests moved beside what they test: the clients' TLS test into the binary's library (its
/// Genesys Cloud client, sign-in and pacing were public for it alone), the generated schemas'
/// test likewise, the ledger's round trip into the model, −13; the organization watch's ledger
/// names as one type (`LedgerName`), −1: 772; the whole path's reading test beside its
/// adapters, on the same local AWS (its clients, entry role and readers were public for it
/// alone), −13: 759; the findings' in-memory tests beside their renderers (the ASFF and OCSF
/// renderers, SARIF's, their version and an ID formula only the tests called), −5: 754; the
/// binary's version, which a benchmark took for a label, −1: 753; an audit code's severity,
/// which another crate's test only called (its result unread), −1: 752; a config error's broken
/// rules, which those tests now read from the error's variant, −1: 751. What the binary's library
/// still opens besides `main` is for the benchmarks (the prover over an account, two renderers
/// and their metadata) and the command tree three integration tests walk. Then the planner's and
/// the prover's tests beside them (`src/tests/plan`, `src/prove/tests`), −4: the AWS side's
/// judgement and what it reads, the failed checks' findings, the real action names; the
/// credential's field name in the Genesys Cloud adapter, its only reader, −1: 746; then one call
/// where the caller asks one question, −18: a package's fit from its bytes (the ELF reader, its
/// type and section name inside), a Genesys Cloud plan's one refusal, `destroy` refusing another
/// deployment's role through `refuse_others`, the read roles from the environment, the
/// qualifier checked by the parser alone, which tool manages which side in one match, the
/// success exit code from std, the watch's change judging a kept reading, one "not this watch's"
/// error, init's environment name as one of init's values, the unproven predecessor's warning
/// worded in the binary, `check`'s drift (`aws_drift`) in the report tests in place of the
/// planner's raw changes and their findings, onboard's target resolved in one call, and the
/// top-level error shown through `Hinted`: 728; the ARNs Genesys Cloud invokes from resolved
/// targets alone (`invoked_arns`), the common schema reference through `schema_one` alone, and
/// the account names' schema beside its one field in the audit, −3: 725; the prover's test
/// helpers (a resource's fit to an action, a partition's regions) the crate's own now its tests
/// are inside, `simulate` reading the evaluator's malformed verdict instead of asking again, the
/// organization's part of a request simulated inside iam (`simulate_organization`: the control
/// policies, what governs and what RCPs cover are iam's own), a role's import auditing the role
/// itself, the granted functions given to the Genesys Cloud import's classification, what a
/// role can invoke worded in `report`, `unqualified_arn` for the one caller of the method, −11:
/// 714; the template audit through the one call the live command makes (`audit_iac_proved`),
/// the invoke spec of a known role as a plain value, one `parse_str` with its environment, the
/// organization's region for the same-region check decided where the endpoints are, the
/// actions a plan would delete that flows call said as kept actions, the live export's missing
/// role an `Option` worded by the binary, an action's update body from its create body, the
/// Genesys side before AWS is read in one call (`DesiredGenesys::before_aws`), an action's
/// contract flat with its wire shape private, the common schema's file named by its one
/// generator, −11: 703; who changed a finding worded in `report` beside the other findings'
/// words (the phrase, the refusal, a lookup said once), −2: 701; the prover's budget made in
/// one call with its stop flag, −1: 700. Every ARN built by the iam crate (`Arn::of` an
/// `AwsResource`), +2, less `Arn::function` and `product_arn` folded into it, −2: 700; a watch's
/// owner a type (`WatchOwner`) for the organization's sentinel (`ORGANIZATION_WATCHER`): 700.
/// Then a feature's face, +18: the guardrail (an RCP) written, planned and proved by the
/// auditor (`guardrail_document`, `plan_guardrail`; what it reads: the organization's tree, its
/// nodes and RCPs, the roles; what it decides: the plan, its mode, policy, targets, changes,
/// claims and their property, the roles under it) and its export by the provisioner
/// (`GuardrailCode`, `guardrail_terraform`, `guardrail_cloudformation`): 718; the organization
/// watch's record of its guardrail check (`GuardrailWatched`), +1: 719; a policy at a target
/// at its quota with the guardrail merged in, for its owner (`GuardrailMerge`), +1: 720; what
/// apply records in the guardrail's tags, read by the adapter and the watch (`GuardrailRecord`,
/// `from_tags`, `targets`), +3: 723; a role's `guarded` read by `verify` as `audit` reads it,
/// +1: 724; one short digest for the model and the auditor (`short_digest`, replacing two
/// hand-written ones), +1: 725. Then back to 700 (issue 106): one error where twins were
/// (`PlanError` for destroy's and preparing's refusals, `InputError` for a bad template or
/// plan, `RenderError` for the shards' limits, `ConfigError` for in-place edits), one concrete
/// `Request` (the counterexample and what `simulate` evaluated), one `Problem` (a message and
/// its hint apart) for a function rule, a side not read, a baseline entry, an `--org-policies`
/// file, `onboard`'s and `init --from-role`'s refusals; the tool chosen by `ManagedBy` for the
/// export's files and the guardrail's code; a report folded `From` its items, a `Tally`
/// `Judged`; what only one caller read taken off the face: 699.
const PUBLIC_DECLARATIONS: usize = 700;

/// The public declarations of `text`, outside its tests.
fn public_declarations(text: &str) -> usize {
    let re = regex::Regex::new(
        r"(?m)^\s*pub (async |const |unsafe )*(fn|struct|enum|const|static|trait|type|mod|union) ",
    )
    .unwrap();
    re.find_iter(&outside_tests(text)).count()
}

#[test]
fn the_doors_stay_few() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut per_file: Vec<(usize, String)> = (source_files(root).iter())
        .filter(|f| !is_test_file(f))
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let rel = f.strip_prefix(root).unwrap().display().to_string();
            (public_declarations(&text), rel)
        })
        .collect();
    let total: usize = per_file.iter().map(|(n, _)| n).sum();
    per_file.sort();
    let most: Vec<String> = (per_file.iter().rev().take(10))
        .map(|(n, f)| format!("{n:>4} {f}"))
        .collect();
    println!(
        "{total} public declarations; the most:\n{}",
        most.join("\n")
    );
    assert!(
        total <= PUBLIC_DECLARATIONS,
        "{total} public declarations (at most {PUBLIC_DECLARATIONS}): make what no other crate uses \
         pub(crate), and take what no other crate names off the face; the most:\n{}",
        most.join("\n")
    );
}

#[test]
fn the_door_counter_sees_items_and_methods_and_skips_uses_crate_items_and_tests() {
    let text = "pub fn a() {}\npub(crate) fn b() {}\npub use x::y;\nimpl T {\n    pub async fn c() {}\n    pub const D: u8 = 1;\n}\n#[cfg(test)]\nmod tests {\n    pub fn e() {}\n}\n";
    assert_eq!(public_declarations(text), 3);
}

/// The bundles still passed as tuples: each `(a, b): (A, B)` parameter of a function outside
/// the tests, a pair whose meaning only its destructuring names. 75 at the organization watch
/// (40 of them in the watch); then each named for what it is (`InRegion`, `Reached`, `OnBus`,
/// `WatchRead`, `Asked`, `ReadWith`, `FunctionAt`, `RuleAt`, `ForwardRole`, …) or
/// given as the parameters it is: 19. Then the tuple-typed parameters not destructured
/// (`at: (&str, &str)`) counted too, a pair all the same (issue 106): at most 30 in all.
const TUPLE_BUNDLES: usize = 30;

/// The tuple-typed parameters of the functions of `text`, outside its tests: destructured
/// (`b, c` of `(b, c): (A, B)`) or not (`at` of `at: (A, B)` or `at: &(A, B)`).
fn tuple_bundles(text: &str) -> Vec<String> {
    let code = outside_tests(text);
    let signature = regex::Regex::new(r"\bfn\s+\w+\s*(<[^>{]*>)?\s*\(").unwrap();
    let bundle = regex::Regex::new(r"(?:^|,)\s*(?:mut\s+)?\(([^()]*)\)\s*:\s*\(").unwrap();
    let named =
        regex::Regex::new(r"(?:^|,)\s*(?:mut\s+)?(\w+)\s*:\s*&?(?:'\w+\s+)?(?:mut\s+)?\(").unwrap();
    let mut found = Vec::new();
    for m in signature.find_iter(&code) {
        let (mut depth, mut end) = (1, m.end());
        for (i, c) in code[m.end()..].char_indices() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            if depth == 0 {
                end = m.end() + i;
                break;
            }
        }
        let params = &code[m.end()..end];
        found.extend(bundle.captures_iter(params).map(|c| c[1].trim().to_owned()));
        found.extend(named.captures_iter(params).map(|c| c[1].to_owned()));
    }
    found
}

#[test]
fn bundles_are_named_not_tuples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for file in source_files(root).iter().filter(|f| !is_test_file(f)) {
        let text = std::fs::read_to_string(file).unwrap();
        let rel = file.strip_prefix(root).unwrap().display().to_string();
        all.extend(
            tuple_bundles(&text)
                .into_iter()
                .map(|b| format!("{rel}: ({b})")),
        );
    }
    println!("{} tuple bundles:\n{}", all.len(), all.join("\n"));
    assert!(
        all.len() <= TUPLE_BUNDLES,
        "{} parameters are tuples (at most {TUPLE_BUNDLES}): name the bundle (a small \
         struct) or pass its parts:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn the_bundle_counter_sees_a_tuple_parameter_and_not_a_tuple_type() {
    let text = "fn a(x: u8, (b, c): (&str, &str)) {}\n\
                fn d(at: (&str, &str), f: impl Fn((u8, u8))) {}\n\
                fn e(\n    (g, h): (u8, u8),\n) -> (u8, u8) { (g, h) }\n\
                #[cfg(test)]\nmod tests {\n    fn t((a, b): (u8, u8)) {}\n}\n";
    assert_eq!(tuple_bundles(text), ["b, c", "at", "g, h"]);
}
