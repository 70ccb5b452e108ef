//! Every `--format json` output against its JSON Schema (docs/schemas/, draft 2020-12): the real
//! binary is run for each command — against moto and the local Genesys Cloud where the command
//! is live, offline otherwise — and its stdout must be exactly one JSON document (nothing before
//! or after it but whitespace) that the command's schema accepts. A failed run (exit 1) must
//! leave stdout empty: under `--format json` nothing but JSON reaches stdout.
//!
//! Each test drives one scenario and collects every problem before failing, so one run lists
//! every output that is wrong.

use crate::support;
use strum::IntoEnumIterator;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{json, Value};
use support::genesys::GenesysFake;
use support::live::*;
use support::{FaultConfig, Injection};

const SCHEMA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/schemas");
/// Where the tests place `docs/schemas/NAME` (the files have no `$id`: their references resolve
/// against where they are read from, beside each other).
pub(crate) fn id_base() -> String {
    "file:///lambda-trust/docs/schemas/".to_string()
}

/// `doc` as read from `id_base()` + `name`: the `$id` a reader's location gives it.
pub(crate) fn placed(name: &str, doc: &Value) -> Value {
    let mut doc = doc.clone();
    doc["$id"] = format!("{}{name}", id_base()).into();
    doc
}
/// The shapes the command schemas share; not an output of its own.
const COMMON: &str = "common.schema.json";
/// `lambda-trust --version --format json`: a flag, not a command.
const VERSION: &str = "version.schema.json";
/// Every failed run under `--format json`: the object on stderr.
const ERROR: &str = "error.schema.json";
/// stderr's events under `--progress json` (tests/it/live_ux.rs validates a run's lines).
const EVENT: &str = "event.schema.json";

/// Every command that takes `--format json`, and the schema of what it prints.
const SCHEMAS: &[(&str, &str)] = &[
    ("init", "init.schema.json"),
    ("render", "render.schema.json"),
    ("lint", "lint.schema.json"),
    ("simulate", "simulate.schema.json"),
    ("prove", "prove.schema.json"),
    ("plan", "plan.schema.json"),
    ("apply", "apply.schema.json"),
    ("verify", "verify.schema.json"),
    ("check", "check.schema.json"),
    ("audit", "audit.schema.json"),
    ("onboard", "onboard.schema.json"),
    ("offboard", "offboard.schema.json"),
    ("destroy", "destroy.schema.json"),
    ("org-policies", "org-policies.schema.json"),
    ("genesys regions", "genesys-regions.schema.json"),
    ("ids", "ids.schema.json"),
    ("diff", "diff.schema.json"),
    ("export terraform", "export.schema.json"),
    ("export cloudformation", "export.schema.json"),
    ("watch deploy", "watch.schema.json"),
    ("watch status", "watch.schema.json"),
    ("watch destroy", "watch.schema.json"),
    ("guardrail plan", "guardrail.schema.json"),
    ("guardrail apply", "guardrail.schema.json"),
    ("guardrail check", "guardrail.schema.json"),
    ("guardrail destroy", "guardrail-destroy.schema.json"),
    ("guardrail export", "guardrail-export.schema.json"),
];

/// Commands that print no report (a script, a man page): `--format json` is global, so they
/// parse it, and must then print JSON or refuse (see `commands_without_a_report_print_json_or_refuse`).
const NO_REPORT: &[&str] = &["completions", "man", "watch run"];

// ------------------------------------------------------------------ schemas

fn schema_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(SCHEMA_DIR)
        .unwrap_or_else(|e| panic!("{SCHEMA_DIR}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", p.display()))
}

/// Every schema file compiled, its references resolved from docs/schemas/ only (no network, no
/// file retrieval: the crate is built without them, and `offline()` refuses any other).
fn compile_all() -> BTreeMap<String, jsonschema::Validator> {
    let docs: Vec<(String, Value)> = schema_files()
        .iter()
        .map(|p| (file_name(p), read_json(p)))
        .collect();
    let mut registry = jsonschema::Registry::new();
    for (name, doc) in &docs {
        registry = registry
            .add(format!("{}{name}", id_base()), placed(name, doc))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let registry = registry
        .prepare()
        .unwrap_or_else(|e| panic!("the schema registry: {e}"));
    docs.iter()
        .map(|(name, doc)| {
            let v = jsonschema::draft202012::options()
                .offline()
                .should_validate_formats(true)
                .with_registry(&registry)
                .build(&placed(name, doc))
                .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
            (name.clone(), v)
        })
        .collect()
}

pub(crate) fn validators() -> &'static BTreeMap<String, jsonschema::Validator> {
    static V: OnceLock<BTreeMap<String, jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(compile_all)
}

/// The leaf commands of the command line, `genesys regions` style.
fn leaf_commands(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        let name = format!("{prefix}{}", sub.get_name());
        if sub.has_subcommands() {
            leaf_commands(sub, &format!("{name} "), out);
        } else {
            out.push(name);
        }
    }
}

#[test]
fn every_schema_is_valid_and_every_json_command_has_one() {
    let mut problems = Vec::new();
    for p in schema_files() {
        let name = file_name(&p);
        let doc = read_json(&p);
        if let Err(e) = jsonschema::draft202012::meta::validate(&doc) {
            problems.push(format!("{name} is not a valid draft 2020-12 schema: {e}"));
        }
        if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
            problems.push(format!("{name}: $schema is not draft 2020-12"));
        }
        if let Some(id) = doc.get("$id") {
            problems.push(format!(
                "{name}: $id {id} names a home the project does not have"
            ));
        }
        for key in ["title", "description"] {
            if doc[key].as_str().is_none_or(|s| s.is_empty()) {
                problems.push(format!("{name}: no {key}"));
            }
        }
        let listed = name == COMMON
            || name == VERSION
            || name == ERROR
            || name == EVENT
            // The watching functions' answers (`watch run` prints none): live_watch and
            // live_org_watch validate them.
            || name == "watch-run.schema.json"
            || name == "org-watch-run.schema.json"
            || SCHEMAS.iter().any(|(_, f)| *f == name);
        if !listed {
            problems.push(format!(
                "{name} is not the schema of any command in SCHEMAS"
            ));
        }
    }
    // Compiles, every reference resolved offline.
    let compiled = validators();
    let mut commands = Vec::new();
    leaf_commands(&lambda_trust::cli_command(), "", &mut commands);
    for c in &commands {
        let schema = SCHEMAS.iter().find(|(name, _)| name == c).map(|(_, f)| *f);
        match schema {
            Some(f) if !compiled.contains_key(f) => {
                problems.push(format!("`{c}`: its schema docs/schemas/{f} does not exist"))
            }
            Some(_) => {}
            None if NO_REPORT.contains(&c.as_str()) => {}
            None => problems.push(format!(
                "`{c}` takes --format json but has no schema in docs/schemas/ (add it to SCHEMAS)"
            )),
        }
    }
    for (c, _) in SCHEMAS {
        if !commands.iter().any(|x| x == c) {
            problems.push(format!("SCHEMAS names `{c}`, which is not a command"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schemas reject what they should: an undocumented field, a value outside an enum, a
/// missing required field — a schema that accepts anything would pass every test below.
#[test]
fn the_schemas_reject_undocumented_fields_and_unknown_values() {
    let v = validators();
    let valid = |schema: &str, doc: &Value| v[schema].is_valid(doc);
    let change = json!({"resource": "role R", "action": "create", "detail": "d"});
    let plan = json!({"schema_version": 1, "in_sync": false, "changes": [change]});
    assert!(valid("plan.schema.json", &plan));
    let mut extra = plan.clone();
    extra["surprise"] = json!(1);
    assert!(
        !valid("plan.schema.json", &extra),
        "undocumented top-level field"
    );
    let mut extra = plan.clone();
    extra["changes"][0]["surprise"] = json!(1);
    assert!(
        !valid("plan.schema.json", &extra),
        "undocumented field in a change"
    );
    let mut bad = plan.clone();
    bad["changes"][0]["action"] = json!("replace");
    assert!(!valid("plan.schema.json", &bad), "unknown action");
    assert!(
        !valid(
            "plan.schema.json",
            &json!({"schema_version": 1, "changes": []})
        ),
        "in_sync missing"
    );
    let mut bad = plan.clone();
    bad["in_sync"] = json!(true);
    assert!(!valid("plan.schema.json", &bad), "in sync with changes");
    assert!(valid("destroy.schema.json", &plan));
    assert!(valid(
        "destroy.schema.json",
        &json!({"schema_version": 1, "destroyed": true, "writes": 0, "changes": []})
    ));
    assert!(!valid(
        "destroy.schema.json",
        &json!({"schema_version": 1, "destroyed": true, "writes": 0, "changes": [], "in_sync": true})
    ));
    let property = json!({"property": "invoke-only-targets", "verdict": "proved",
        "counterexample": null, "statements": [], "reason": "r"});
    let prove = json!({"schema_version": 1, "passed": true, "properties": [property]});
    assert!(valid("prove.schema.json", &prove));
    let mut bad = prove.clone();
    bad["properties"][0]["verdict"] = json!("counterexample");
    assert!(
        !valid("prove.schema.json", &bad),
        "a counterexample needs its request"
    );
    let mut bad = prove.clone();
    bad["schema_version"] = json!(2);
    assert!(!valid("prove.schema.json", &bad), "schema_version 1");
    let config = |status: &str, findings: Value| {
        json!({"schema_version": 1, "in_sync": status == "ok",
            "configs": [{"config": "c.toml", "status": status, "findings": findings}]})
    };
    assert!(valid("check.schema.json", &config("ok", json!([]))));
    assert!(!valid("check.schema.json", &config("drift", json!([]))));
    assert!(
        !valid("check.schema.json", &config("error", json!([]))),
        "error needs its message"
    );
}

// ------------------------------------------------------------------ checking outputs

/// One run of the binary, as the checks see it.
struct Out {
    what: String,
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<(String, Run)> for Out {
    fn from((what, r): (String, Run)) -> Out {
        Out {
            what,
            code: r.code,
            stdout: r.stdout,
            stderr: r.stderr,
        }
    }
}

/// The problems of one scenario, reported together at its end.
#[derive(Default)]
struct Problems {
    list: Vec<String>,
    outputs: usize,
}

impl Problems {
    fn add(&mut self, out: &Out, problem: impl std::fmt::Display) {
        self.list.push(format!(
            "output {} `lambda-trust {}` (exit {}): {problem}\n--- stdout\n{}\n--- stderr\n{}",
            self.outputs,
            out.what,
            out.code,
            truncated(&out.stdout),
            truncated(&out.stderr)
        ));
    }

    /// A `--format json` report: exit `code`, stdout exactly one JSON document that `schema`
    /// accepts. Returns the document when it parses.
    fn report(&mut self, out: Out, code: i32, schema: &str) -> Value {
        self.outputs += 1;
        if out.code != code {
            self.add(&out, format!("expected exit {code}"));
        }
        let doc: Value = match serde_json::from_str(&out.stdout) {
            Ok(doc) => doc,
            Err(e) => {
                self.add(
                    &out,
                    format!("stdout is not exactly one JSON document: {e}"),
                );
                return Value::Null;
            }
        };
        let errors: Vec<String> = validators()[schema]
            .iter_errors(&doc)
            .map(|e| format!("  at {:?}: {e}", e.instance_path().as_str()))
            .collect();
        if !errors.is_empty() {
            self.add(
                &out,
                format!("does not match {schema}:\n{}", errors.join("\n")),
            );
        }
        doc
    }

    /// A failed run under `--format json`: exit 1, nothing on stdout (the error is on stderr).
    fn failure(&mut self, out: Out) {
        self.outputs += 1;
        if out.code != 1 {
            self.add(&out, "expected exit 1");
        }
        if !out.stdout.trim().is_empty() {
            self.add(&out, "a failed run printed to stdout under --format json");
        }
        // The error itself: one object on the last line of stderr.
        let last = out.stderr.lines().rfind(|l| !l.trim().is_empty());
        let doc: Value = last
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or_default();
        if !validators()[ERROR].is_valid(&doc) || doc["error"] == "" {
            self.add(&out, "stderr does not end in an error.schema.json object");
        }
    }

    /// `cond` must hold of a report: the scenario produced the variant it is for, or the
    /// report says what the documentation says it does.
    fn expect(&mut self, cond: bool, what: &str, doc: &Value) {
        if !cond && !doc.is_null() {
            self.list.push(format!(
                "output {} not as expected: {what}\n{}",
                self.outputs,
                truncated(&doc.to_string())
            ));
        }
    }

    fn finish(self, scenario: &str) {
        assert!(
            self.list.is_empty(),
            "{scenario}: {} problem(s) in {} output(s):\n\n{}",
            self.list.len(),
            self.outputs,
            self.list.join("\n\n")
        );
        assert!(self.outputs > 0);
    }
}

/// At most 1500 bytes of an output in a failure message; all of it with
/// `JSON_SCHEMAS_FULL_OUTPUT=1`.
fn truncated(s: &str) -> String {
    const MAX: usize = 1500;
    if s.len() <= MAX || std::env::var_os("JSON_SCHEMAS_FULL_OUTPUT").is_some() {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &s[..end], s.len() - end)
}

/// Runs `args` plus `--format json` against `env`, with `--config` its config file unless the
/// arguments name one, and `extra` environment (the Genesys client).
fn json_run(env: &Env, args: &[&str], extra: &[(String, String)]) -> Out {
    let config = env.config_path();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    if !args.contains(&"--config") {
        all.extend(["--config", config.to_str().unwrap()]);
    }
    let extra: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    (args.join(" "), env.run_env(&all, &extra)).into()
}

/// The binary with no AWS endpoint that answers (offline commands must not call AWS).
fn offline(args: &[&str], dir: &Path) -> Out {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let out = support::offline::run_in(dir, &all, &[]);
    Out {
        what: args.join(" "),
        code: out.code,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Every finding of a check report.
fn findings(v: &Value) -> Vec<Value> {
    crate::support::live::check_findings(v)
}

fn statuses(findings: &[Value]) -> BTreeSet<String> {
    findings
        .iter()
        .filter_map(|f| f["cloudtrail"]["status"].as_str().map(str::to_string))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

// ------------------------------------------------------------------ offline commands

#[test]
fn offline_outputs_match_their_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/lambda-trust.toml");
    let mut p = Problems::default();

    // init from flags: with a Genesys Cloud region, and without.
    let written = d.join("init.toml");
    let v = p.report(
        offline(
            &[
                "init",
                "--no-input",
                "--external-id",
                EXT,
                "--region",
                "eu-west-1",
                "--account-id",
                "111122223333",
                "--function",
                "lookup-customer",
                "--function",
                "lookup-order",
                "--genesys-region",
                "eu-west-1",
                "--config",
                written.to_str().unwrap(),
            ],
            d,
        ),
        0,
        "init.schema.json",
    );
    p.expect(arr(&v["targets"]).len() == 2, "init: two targets", &v);
    p.report(
        offline(
            &[
                "init",
                "--no-input",
                "--external-id",
                EXT,
                "--region",
                "us-east-1",
            ],
            d,
        ),
        0,
        "init.schema.json",
    );
    p.failure(offline(&["init", "--no-input", "--region", "us-east-1"], d));

    // lint: clean; warnings only; errors (a custom template that matches the ExternalId with
    // StringLike), which exit 1 with the report on stdout.
    let v = p.report(
        offline(&["lint", "--config", example], d),
        0,
        "lint.schema.json",
    );
    p.expect(v["errors"] == 0, "lint: clean", &v);
    let warned = write(
        d,
        "warned.toml",
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\"\n\n[role]\nname = \"R\"\n\n[aws]\nregion = \"us-east-1\"\naccount_id = \"111122223333\"\n",
    );
    let v = p.report(
        offline(&["lint", "--config", &warned], d),
        0,
        "lint.schema.json",
    );
    p.expect(
        v["warnings"].as_u64() > Some(0)
            && arr(&v["findings"]).iter().any(|f| f["hint"].is_string()),
        "lint: warnings with a hint",
        &v,
    );
    let templates = d.join("templates");
    std::fs::create_dir(&templates).unwrap();
    write(
        &templates,
        "trust.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{partner_principal}}"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"{{external_id}}"}}}]}"#,
    );
    write(
        &templates,
        "invoke.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"{{function_arns}}"}]}"#,
    );
    let v = p.report(
        offline(
            &[
                "lint",
                "--config",
                example,
                "--policies",
                templates.to_str().unwrap(),
            ],
            d,
        ),
        1,
        "lint.schema.json",
    );
    p.expect(v["errors"].as_u64() > Some(0), "lint: errors", &v);

    // render: JSON whatever --format says; all, and each document.
    for which in ["all", "trust", "invoke"] {
        p.report(
            offline(&["render", "--which", which, "--config", example], d),
            0,
            "render.schema.json",
        );
    }

    // simulate: Allow, ImplicitDeny, ExplicitDeny.
    let trust = write(
        d,
        "trust.json",
        &serde_json::to_string(&json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Genesys", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
             "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]}))
        .unwrap(),
    );
    let deny = write(
        d,
        "deny.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}"#,
    );
    let role = "arn:aws:iam::111122223333:role/GenesysLambdaInvoker";
    let ext = format!("sts:ExternalId={EXT}");
    let simulate = |extra: &[&str], ctx: &str| {
        let mut args = vec![
            "simulate",
            "--trust-policy",
            &trust,
            "--principal",
            "arn:aws:iam::765628985471:root",
            "--action",
            "sts:AssumeRole",
            "--resource",
            role,
            "--context",
            ctx,
        ];
        args.extend(extra);
        offline(&args, d)
    };
    for (extra, ctx, code, decision) in [
        (vec![], ext.as_str(), 0, "Allow"),
        (vec![], "sts:ExternalId=wrong", 3, "ImplicitDeny"),
        (
            vec!["--policy", deny.as_str()],
            ext.as_str(),
            3,
            "ExplicitDeny",
        ),
    ] {
        let v = p.report(simulate(&extra, ctx), code, "simulate.schema.json");
        p.expect(v["decision"] == decision, decision, &v);
    }

    // prove: every property proved; a counterexample; unknown (no budget).
    let v = p.report(
        offline(&["prove", "--config", example], d),
        0,
        "prove.schema.json",
    );
    p.expect(
        arr(&v["properties"]).len() == 4,
        "prove: four properties",
        &v,
    );
    let legacy = write(
        d,
        "legacy.json",
        &serde_json::to_string(&json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Legacy", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
             "Action": "sts:AssumeRole"}]}))
        .unwrap(),
    );
    let v = p.report(
        offline(
            &[
                "prove",
                "--trust-policy",
                &legacy,
                "--partner-account",
                "765628985471",
                "--external-id",
                EXT,
            ],
            d,
        ),
        3,
        "prove.schema.json",
    );
    p.expect(
        arr(&v["properties"])
            .iter()
            .any(|x| x["verdict"] == "counterexample"),
        "prove: a counterexample",
        &v,
    );
    let v = p.report(
        offline(&["prove", "--config", example, "--budget-steps", "1"], d),
        3,
        "prove.schema.json",
    );
    p.expect(
        arr(&v["properties"])
            .iter()
            .any(|x| x["verdict"] == "unknown"),
        "prove: unknown",
        &v,
    );

    let gaad = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/audit-input/moto-gaad.json"
    );
    let args = ["audit", "--input", gaad, "--partner", "genesys-cloud"];
    p.report(offline(&args, d), 2, "audit.schema.json");
    let template = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/iac/genesys-role.yaml"
    );
    let config = write(
        d,
        "iac-check.toml",
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11\"\n[role]\nname = \"genesys-invoke-prod\"\n[aws]\nregion = \"us-east-1\"\naccount_id = \"123456789012\"\n[[targets]]\nfunction = \"lookup-customer\"\n",
    );
    let args = ["check", "--config", &config, "--template", template];
    p.report(offline(&args, d), 2, "check.schema.json");

    p.report(
        offline(&["genesys", "regions"], d),
        0,
        "genesys-regions.schema.json",
    );
    p.finish("offline commands");
}

/// `--version --format json` (with or without `--verbose`) prints the build facts.
#[test]
fn version_json_matches_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Problems::default();
    for args in [&["--version"][..], &["--version", "--verbose"][..]] {
        let doc = p.report(offline(args, dir.path()), 0, VERSION);
        p.expect(
            doc["version"] == env!("CARGO_PKG_VERSION"),
            "the crate's version",
            &doc,
        );
    }
    p.finish("--version");
}

/// `completions` and `man` print a script and a man page; under `--format json` they must
/// print JSON or refuse (exit 1, stdout empty), never something else on stdout.
#[test]
fn commands_without_a_report_print_json_or_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Problems::default();
    for args in [&["completions", "bash"][..], &["man"][..]] {
        let out = offline(args, dir.path());
        if out.code == 0 {
            p.outputs += 1;
            if serde_json::from_str::<Value>(&out.stdout).is_err() {
                p.add(&out, "printed something that is not JSON on stdout under --format json (print JSON, or refuse --format json like --format sarif)");
            }
        } else {
            p.failure(out);
        }
    }
    p.finish("commands without a report");
}

// ------------------------------------------------------------------ AWS (moto)

#[test]
fn aws_outputs_match_their_schemas() {
    let env = setup(&["lookup-customer", "lookup-order"]);
    env.moto
        .lambda_create_function("lookup-invoice", "us-east-1");
    env.moto.lambda_create_function("admin-tool", "us-east-1");
    let none: &[(String, String)] = &[];
    let run = |args: &[&str]| json_run(&env, args, none);
    let mut p = Problems::default();

    // Nothing exists yet: everything is to create.
    let v = p.report(run(&["plan"]), 2, "plan.schema.json");
    p.expect(
        arr(&v["changes"]).iter().any(|c| c["after"].is_object()),
        "plan: a create with its document",
        &v,
    );
    let v = p.report(run(&["verify"]), 3, "verify.schema.json");
    p.expect(v.get("proofs").is_none(), "verify: no role, no proofs", &v);
    p.report(run(&["check"]), 2, "check.schema.json");
    // Nothing to delete, without --yes: the plan shape (in sync), as documented.
    let v = p.report(run(&["destroy"]), 0, "destroy.schema.json");
    p.expect(
        v["in_sync"] == true && v.get("destroyed").is_none(),
        "destroy without --yes, nothing to delete: the plan shape ({\"in_sync\": true, \"changes\": []}), not destroyed: true",
        &v,
    );

    let v = p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    p.expect(v["writes"] == 3, "apply: three writes", &v);
    let v = p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    p.expect(v["writes"] == 0, "apply: in sync", &v);
    for target in ["terraform", "cloudformation"] {
        let out = env.dir.path().join(format!("export-{target}"));
        let v = p.report(
            run(&["export", target, "--out", out.to_str().unwrap()]),
            0,
            "export.schema.json",
        );
        p.expect(
            v["imports"] == v["objects"],
            "export: every object imported",
            &v,
        );
    }
    let v = p.report(run(&["plan"]), 0, "plan.schema.json");
    p.expect(v["in_sync"] == true, "plan: in sync", &v);
    let v = p.report(run(&["verify"]), 0, "verify.schema.json");
    p.expect(
        v["passed"] == true && v.get("changes").is_none(),
        "verify: passed, no changes",
        &v,
    );
    let v = p.report(run(&["check"]), 0, "check.schema.json");
    p.expect(v["in_sync"] == true, "check: in sync", &v);

    // Two configs, one that cannot be checked: an `error` entry beside the other (exit 1).
    let broken = write(
        env.dir.path(),
        "broken.toml",
        "[trust]\npartner = \"nobody\"\n",
    );
    let path = env.config_path();
    let v = p.report(
        run(&[
            "check",
            "--config",
            path.to_str().unwrap(),
            "--config",
            &broken,
        ]),
        1,
        "check.schema.json",
    );
    p.expect(
        arr(&v["configs"]).iter().any(|c| c["status"] == "error"),
        "check: an error entry",
        &v,
    );

    // onboard / offboard: dry run, the real thing, and onboarding a target again (a no-op).
    let v = p.report(
        run(&["onboard", "--yes", "lookup-invoice", "--dry-run"]),
        2,
        "onboard.schema.json",
    );
    p.expect(v["dry_run"] == true, "onboard --dry-run", &v);
    let v = p.report(
        run(&["onboard", "--yes", "lookup-invoice"]),
        0,
        "onboard.schema.json",
    );
    p.expect(v["verification"]["passed"] == true, "onboard: verified", &v);
    p.report(
        run(&["onboard", "--yes", "lookup-invoice"]),
        0,
        "onboard.schema.json",
    );
    p.report(
        run(&["onboard", "--yes", "lookup-invoice", "--dry-run"]),
        0,
        "onboard.schema.json",
    );
    p.report(
        run(&["offboard", "--yes", "lookup-invoice", "--dry-run"]),
        2,
        "offboard.schema.json",
    );
    p.report(
        run(&["offboard", "--yes", "lookup-invoice"]),
        0,
        "offboard.schema.json",
    );
    p.failure(run(&["offboard", "--yes", "not-a-target"]));

    // Drift, each finding attributed from CloudTrail: the trust policy by another principal
    // (changed), the description by the config (last written by lambda-trust), an extra
    // managed policy attached behind the proxy's back (no event), an inline policy that admits
    // more, and a broader non-default version of the invoke policy (latent access).
    env.iam("CreateUser", &[("UserName", "mallory")]);
    let xml = env.iam("CreateAccessKey", &[("UserName", "mallory")]);
    let key = support::http::xml_first(&xml, "AccessKeyId").expect("access key");
    let mallory = env.proxy.client().with_access_key(&key);
    mallory.iam_query(
        "UpdateAssumeRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            (
                "PolicyDocument",
                &trust_doc("attacker-org", "arn:aws:iam::765628985471:root"),
            ),
        ],
    );
    env.write_config(
        &config(&["lookup-customer", "lookup-order"], "")
            .replace("Genesys data actions", "Genesys data actions (edited)"),
    );
    let broad = json!({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]})
    .to_string();
    env.iam(
        "CreatePolicy",
        &[("PolicyName", "TooBroad"), ("PolicyDocument", &broad)],
    );
    env.iam(
        "AttachRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyArn", "arn:aws:iam::123456789012:policy/TooBroad"),
        ],
    );
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyName", "sneaky"),
            ("PolicyDocument", &broad),
        ],
    );
    env.iam(
        "CreatePolicyVersion",
        &[("PolicyArn", &policy_arn()), ("PolicyDocument", &broad)],
    );

    // --json FILE: byte for byte what --format json prints.
    let file = env.dir.path().join("check.json");
    let out = run(&["check", "--json", file.to_str().unwrap()]);
    let printed = out.stdout.clone();
    let v = p.report(out, 2, "check.schema.json");
    p.expect(
        std::fs::read_to_string(&file).ok().as_deref() == Some(printed.as_str()),
        "check --json FILE: the same bytes as stdout",
        &v,
    );
    let f = findings(&v);
    p.expect(
        ["changed", "applied_by_lambda_trust", "no_event"]
            .iter()
            .all(|s| statuses(&f).contains(*s)),
        "check: changed, applied_by_lambda_trust and no_event attributions",
        &v,
    );
    p.expect(
        f.iter().any(|x| x["changed_by"].is_object()),
        "check: changed_by",
        &v,
    );
    p.expect(
        f.iter().any(|x| x["counterexample"].is_object()),
        "check: a finding with its counterexample",
        &v,
    );
    p.expect(
        f.iter().any(|x| x["kind"] == "verify") && f.iter().any(|x| x["kind"] == "drift"),
        "check: drift and verify findings",
        &v,
    );
    let v = p.report(run(&["verify"]), 3, "verify.schema.json");
    p.expect(
        !arr(&v["changes"]).is_empty()
            && arr(&v["proofs"])
                .iter()
                .any(|x| x["verdict"] == "counterexample"),
        "verify: changes and a counterexample",
        &v,
    );
    let v = p.report(run(&["plan"]), 2, "plan.schema.json");
    p.expect(
        arr(&v["changes"])
            .iter()
            .any(|c| c["before"].is_object() && c["after"].is_object()),
        "plan: an update with both documents",
        &v,
    );
    // A lookup that fails, then one that is refused.
    env.proxy.inject(Injection::new(
        "cloudtrail:LookupEvents",
        400,
        "InvalidLookupAttributesException",
        "the lookup failed",
    ));
    let v = p.report(run(&["check"]), 2, "check.schema.json");
    p.expect(
        statuses(&findings(&v)).contains("failed"),
        "check: a failed lookup",
        &v,
    );
    env.proxy.inject(
        Injection::new(
            "cloudtrail:LookupEvents",
            400,
            "AccessDeniedException",
            "not authorized to perform: cloudtrail:LookupEvents",
        )
        .always(),
    );
    let v = p.report(run(&["check"]), 2, "check.schema.json");
    p.expect(
        statuses(&findings(&v)).contains("not_permitted"),
        "check: a refused lookup",
        &v,
    );
    env.proxy.set_faults(FaultConfig::default());

    let v = p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    p.expect(
        arr(&v["changes"]).iter().any(|c| c["action"] == "delete"),
        "apply: repairs",
        &v,
    );
    let v = p.report(run(&["destroy"]), 2, "destroy.schema.json");
    p.expect(v["in_sync"] == false, "destroy: the plan shape", &v);
    let v = p.report(run(&["destroy", "--yes"]), 0, "destroy.schema.json");
    p.expect(
        v["destroyed"] == true && v["writes"].as_u64() > Some(0),
        "destroy --yes: deleted",
        &v,
    );
    p.report(run(&["destroy", "--yes"]), 0, "destroy.schema.json");

    // init --from-account lists the account's functions: matches and commented-out ones.
    let listed = env.dir.path().join("listed.toml");
    let v = p.report(
        run(&[
            "init",
            "--external-id",
            EXT,
            "--region",
            "us-east-1",
            "--from-account",
            "--match",
            "lookup-*",
            "--config",
            listed.to_str().unwrap(),
        ]),
        0,
        "init.schema.json",
    );
    p.expect(
        !arr(&v["commented_out"]).is_empty(),
        "init --from-account: commented-out functions",
        &v,
    );
    p.finish("AWS commands");
}

#[test]
fn audit_outputs_match_their_schemas() {
    let env = Env::new();
    crate::support::seed_audit(&env.moto.url(), &["roles", ACCOUNT, "20"]);
    env.write_config(&config(&[], ""));
    let none: &[(String, String)] = &[];
    let config = env.config_path();
    let mut p = Problems::default();

    let file = env.dir.path().join("audit.json");
    let out = json_run(
        &env,
        &[
            "audit",
            "--partner",
            "genesys-cloud",
            "--config",
            config.to_str().unwrap(),
            // A principal no role admits: partner-refused on every role.
            "--partner-principal",
            "arn:aws:iam::765628985471:role/NoSuchVendorRole",
            // Another organization's ID: external-id-not-ours on the roles locked to the
            // config's, external-id-not-uuid on a value that is no organization's ID.
            "--genesys-org-id",
            "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
            "--json",
            file.to_str().unwrap(),
        ],
        none,
    );
    let printed = out.stdout.clone();
    let v = p.report(out, 2, "audit.schema.json");
    p.expect(
        std::fs::read_to_string(&file).ok().as_deref() == Some(printed.as_str()),
        "audit --json FILE: the same bytes as stdout",
        &v,
    );
    let codes: BTreeSet<&str> = arr(&v["roles"])
        .iter()
        .flat_map(|r| arr(&r["findings"]))
        .filter_map(|f| f["code"].as_str())
        .collect();
    // The whole path's codes need an organization and function policies: live_audit_path.rs.
    let own =
        lambda_trust_audit::AuditCode::iter().filter(|c| c.path().is_none() && !c.is_genesys());
    p.expect(
        codes.len() == own.count(),
        "audit: every finding code of the audit's own",
        &v,
    );
    p.expect(
        arr(&v["roles"])
            .iter()
            .flat_map(|r| arr(&r["findings"]))
            .any(|f| f["counterexample"].is_object()),
        "audit: a counterexample",
        &v,
    );
    let v = p.report(
        json_run(&env, &["audit", "--partner-account", "444455556666"], none),
        2,
        "audit.schema.json",
    );
    p.expect(
        v["partners"] == json!(["444455556666"]),
        "audit --partner-account",
        &v,
    );
    // Without --partner…: any other account, or anyone (no --config: no config is read).
    let out: Out = (
        "audit".to_string(),
        env.run_raw(&["audit", "--format", "json"]),
    )
        .into();
    p.report(out, 2, "audit.schema.json");

    // Several accounts, one of which refuses the audit role (the other has it).
    env.assumable_role(&format!("arn:aws:iam::{ACCOUNT}:role/lambda-trust-audit"));
    let accounts = write(
        env.dir.path(),
        "accounts.txt",
        &format!("{ACCOUNT}\n111111111111\n"),
    );
    env.proxy.inject(
        Injection::new(
            "AssumeRole",
            403,
            "AccessDenied",
            "not authorized to perform sts:AssumeRole",
        )
        .when_param(
            "RoleArn",
            "arn:aws:iam::111111111111:role/lambda-trust-audit",
        )
        .always(),
    );
    let v = p.report(
        json_run(
            &env,
            &[
                "audit",
                "--partner",
                "genesys-cloud",
                "--accounts",
                &accounts,
                "--assume-role",
                "lambda-trust-audit",
            ],
            none,
        ),
        1,
        "audit.schema.json",
    );
    p.expect(
        v["summary"]["accounts_failed"] == 1 && arr(&v["accounts"]).len() == 2,
        "audit --accounts: a report and a failed account",
        &v,
    );
    p.finish("audit");
}

// ------------------------------------------------------------------ Genesys Cloud

/// The config with `[genesys]`: both targets, lookup-order's action with `input_schema` when
/// `contract` (a contract change from the default open object).
fn genesys_config(env: &Env, targets: &[&str], contract: bool) {
    let mut text = config(targets, "");
    if contract && targets.last() == Some(&"lookup-order") {
        text.push_str("[targets.action]\ninput_schema = \"order.in.json\"\n");
    }
    text.push_str(
        "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n",
    );
    env.write_config(&text);
}

fn action_id(fake: &GenesysFake, name: &str) -> String {
    let s = fake.state();
    s["actions"]
        .as_object()
        .unwrap()
        .values()
        .find(|a| a["name"] == name)
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("no action {name}: {s:#}"))
        .to_string()
}

fn only_id(fake: &GenesysFake, kind: &str) -> String {
    let s = fake.state();
    let all: Vec<&Value> = s[kind].as_object().unwrap().values().collect();
    assert_eq!(all.len(), 1, "{kind}: {all:#?}");
    all[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn genesys_outputs_match_their_schemas() {
    let targets = ["lookup-customer", "lookup-order"];
    let env = setup(&targets);
    env.moto
        .lambda_create_function("lookup-invoice", "us-east-1");
    let fake = GenesysFake::start_with_aws(&env.moto.url(), EXT);
    write(
        env.dir.path(),
        "order.in.json",
        r#"{"type":"object","properties":{"orderId":{"type":"string"}},"required":["orderId"]}"#,
    );
    genesys_config(&env, &targets, false);
    let genesys = fake.env();
    let run = |args: &[&str]| json_run(&env, args, &genesys);
    let mut p = Problems::default();

    let v = p.report(run(&["plan"]), 2, "plan.schema.json");
    p.expect(
        !arr(&v["genesys"]["changes"]).is_empty(),
        "plan: Genesys Cloud changes",
        &v,
    );
    let v = p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    p.expect(
        v["genesys"]["writes"].as_u64() > Some(0),
        "apply: Genesys writes",
        &v,
    );
    let v = p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    p.expect(
        v["genesys"].is_object(),
        "apply in sync: the genesys section",
        &v,
    );
    let v = p.report(run(&["plan"]), 0, "plan.schema.json");
    p.expect(
        v["genesys"]["in_sync"] == true,
        "plan: in sync on both sides",
        &v,
    );
    let v = p.report(run(&["ids"]), 0, "ids.schema.json");
    let held: Vec<(String, String)> = (arr(&v["actions"]).iter())
        .map(|a| {
            (
                a["name"].as_str().unwrap_or_default().to_string(),
                a["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = (targets.iter())
        .map(|t| (t.to_string(), action_id(&fake, t)))
        .collect();
    p.expect(
        held == expected,
        "ids: each action's name with the ID Genesys Cloud holds",
        &v,
    );
    p.expect(
        v["integration"]["id"] == only_id(&fake, "integrations").as_str(),
        "ids: the integration's ID",
        &v,
    );
    let v = p.report(run(&["verify", "--test-actions"]), 0, "verify.schema.json");
    p.expect(
        arr(&v["checks"]).iter().any(|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("genesys:"))
        }),
        "verify: Genesys checks",
        &v,
    );
    p.report(run(&["check"]), 0, "check.schema.json");

    // A foreign action in our integration; a contract change of an action a flow calls (the
    // old one is kept, superseded, while the flow calls it).
    let integration = only_id(&fake, "integrations");
    fake.tamper(
        json!({"kind": "create_action", "integrationId": integration,
        "name": "Admin tool",
        "requestUrlTemplate": "arn:aws:lambda:us-east-1:123456789012:function:admin-tool"}),
    );
    let old = action_id(&fake, "lookup-order");
    fake.add_flow("Main IVR", "INBOUNDCALLFLOW", &[&old]);
    genesys_config(&env, &targets, true);
    let v = p.report(run(&["plan"]), 2, "plan.schema.json");
    p.expect(
        !arr(&v["genesys"]["foreign_actions"]).is_empty(),
        "plan: foreign actions",
        &v,
    );
    p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    let v = p.report(run(&["plan"]), 0, "plan.schema.json");
    p.expect(
        arr(&v["genesys"]["kept_actions"])
            .iter()
            .any(|k| !arr(&k["flows"]).is_empty()),
        "plan: a kept action with the flows that call it",
        &v,
    );
    let v = p.report(run(&["check"]), 2, "check.schema.json");
    p.expect(
        arr(&v["configs"])
            .iter()
            .any(|c| !arr(&c["notes"]).is_empty())
            && findings(&v).iter().any(|f| f["config_key"] == "genesys"),
        "check: Genesys findings and notes",
        &v,
    );

    // init --from-genesys of that integration, into another folder.
    let imported = env.dir.path().join("imported/lambda-trust.toml");
    let v = p.report(
        run(&[
            "init",
            "--from-genesys",
            "--no-input",
            "--external-id",
            EXT,
            "--role-arn",
            "arn:aws:iam::123456789012:role/GenesysLambdaInvoker",
            "--config",
            imported.to_str().unwrap(),
        ]),
        0,
        "init.schema.json",
    );
    p.expect(
        v["imported"].as_u64() > Some(0),
        "init --from-genesys: imported actions",
        &v,
    );

    // The credential pointed at another role: a Genesys finding, a failed Genesys check.
    let credential = only_id(&fake, "credentials");
    fake.tamper(json!({"kind": "credential", "id": credential,
        "fields": {"ARN": "arn:aws:iam::999999999999:role/Attacker"}}));
    let v = p.report(run(&["check"]), 2, "check.schema.json");
    p.expect(
        findings(&v)
            .iter()
            .any(|f| f["config_key"] == "genesys" && f["kind"] == "verify"),
        "check: a failed Genesys check as a finding",
        &v,
    );
    p.expect(
        findings(&v)
            .iter()
            .any(|f| f["changed_by"]["source"] == "genesys-audit"),
        "check: who changed the credential, from Genesys Cloud's audit trail",
        &v,
    );
    let v = p.report(run(&["verify"]), 3, "verify.schema.json");
    p.expect(v["passed"] == false, "verify: the Genesys side fails", &v);
    p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    p.finish("Genesys Cloud");
}

/// onboard, offboard and destroy with the Genesys side, against a Genesys Cloud org of their
/// own (a separate test: one org's rate-limit window of 300 requests a minute holds the runs
/// of one test, and the tool waits out a used-up window as it should).
#[test]
fn genesys_onboarding_and_teardown_outputs_match_their_schemas() {
    let targets = ["lookup-customer", "lookup-order"];
    let env = setup(&targets);
    env.moto
        .lambda_create_function("lookup-invoice", "us-east-1");
    let fake = GenesysFake::start_with_aws(&env.moto.url(), EXT);
    genesys_config(&env, &targets, false);
    let genesys = fake.env();
    let run = |args: &[&str]| json_run(&env, args, &genesys);
    let mut p = Problems::default();
    p.report(run(&["apply", "--yes"]), 0, "apply.schema.json");
    let integration = only_id(&fake, "integrations");
    fake.tamper(
        json!({"kind": "create_action", "integrationId": integration,
        "name": "Admin tool",
        "requestUrlTemplate": "arn:aws:lambda:us-east-1:123456789012:function:admin-tool"}),
    );

    // onboard / offboard with the Genesys side; the foreign action still calls a function
    // that is not a target, so their verification fails (exit 3).
    let v = p.report(
        run(&["onboard", "--yes", "lookup-invoice", "--dry-run"]),
        2,
        "onboard.schema.json",
    );
    p.expect(
        v["plan"]["genesys"].is_object(),
        "onboard --dry-run: the Genesys plan",
        &v,
    );
    let v = p.report(
        run(&["onboard", "--yes", "lookup-invoice"]),
        3,
        "onboard.schema.json",
    );
    p.expect(
        v["verification"]["passed"] == false,
        "onboard: a failed verification",
        &v,
    );
    let v = p.report(
        run(&["offboard", "--yes", "lookup-invoice", "--dry-run"]),
        2,
        "offboard.schema.json",
    );
    p.expect(
        v["plan"]["genesys"].is_object(),
        "offboard --dry-run: the Genesys plan",
        &v,
    );
    p.report(
        run(&["offboard", "--yes", "lookup-invoice"]),
        3,
        "offboard.schema.json",
    );
    // An action a published flow calls is not offboarded: exit 1, nothing on stdout.
    let new = action_id(&fake, "lookup-order");
    fake.add_flow("Order status", "INBOUNDCALLFLOW", &[&new]);
    p.failure(run(&["offboard", "--yes", "lookup-order"]));
    p.failure(run(&["destroy"]));

    let v = p.report(run(&["destroy", "--force"]), 2, "destroy.schema.json");
    p.expect(
        !arr(&v["genesys"]["changes"]).is_empty(),
        "destroy: the Genesys plan",
        &v,
    );
    let v = p.report(
        run(&["destroy", "--yes", "--force"]),
        0,
        "destroy.schema.json",
    );
    p.expect(
        v["genesys"]["writes"].as_u64() > Some(0),
        "destroy --yes: Genesys writes",
        &v,
    );
    // Nothing left on either side: still the genesys section, as in every other output.
    let v = p.report(run(&["destroy", "--yes"]), 0, "destroy.schema.json");
    p.expect(
        v["genesys"].is_object(),
        "destroy --yes with [genesys], nothing left: the genesys section",
        &v,
    );
    p.finish("Genesys Cloud");
}

/// The common schema, generated from the types, lists every check code and every check finding
/// code the types have: a new `CheckId` or drift `Code` that the schema lacks fails here, not in
/// a user's validator. (`report::tests::schemas` keeps the committed file the generated one, so
/// the committed file is read here.)
#[test]
fn the_common_schema_lists_every_check_and_finding_code() {
    let common = read_json(&Path::new(SCHEMA_DIR).join(COMMON));
    // Each `enum`, and each `oneOf` of `const`s (a documented enum: one description a value).
    let enums: Vec<BTreeSet<String>> = {
        fn strings<'a>(values: impl Iterator<Item = &'a Value>) -> BTreeSet<String> {
            values
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        }
        fn walk(v: &Value, out: &mut Vec<BTreeSet<String>>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::Array(e)) = m.get("enum") {
                        out.push(strings(e.iter()));
                    }
                    if let Some(Value::Array(one_of)) = m.get("oneOf") {
                        out.push(strings(one_of.iter().filter_map(|o| o.get("const"))));
                    }
                    m.values().for_each(|c| walk(c, out));
                }
                Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&common, &mut out);
        out
    };
    let listed = |codes: &BTreeSet<String>| enums.iter().any(|e| codes.is_subset(e));
    let checks: BTreeSet<String> = lambda_trust_provision::CheckId::iter()
        .map(|c| c.to_string().to_owned())
        .collect();
    assert!(listed(&checks), "a check code is missing: {checks:?}");
    let findings: BTreeSet<String> = lambda_trust_provision::Code::all()
        .map(|c| c.to_string())
        .collect();
    assert!(listed(&findings), "a finding code is missing: {findings:?}");
}

/// `$ref`s in a schema, every one.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|c| refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
        _ => {}
    }
}

/// `common.schema.json` is generated with the others, so a stale one fails
/// `report::tests::schemas`; and every definition any schema refers to there
/// (`common.schema.json#/$defs/NAME`, or `#/$defs/NAME` inside it) is one of its `$defs`.
#[test]
fn the_common_schema_is_generated_and_defines_every_reference_into_it() {
    let common = read_json(&Path::new(SCHEMA_DIR).join(COMMON));
    let defs = common["$defs"].as_object().expect("$defs");
    let mut missing = Vec::new();
    for p in schema_files() {
        let name = file_name(&p);
        let prefix = if name == COMMON {
            "#/$defs/".to_string()
        } else {
            format!("{COMMON}#/$defs/")
        };
        let mut all = Vec::new();
        refs(&read_json(&p), &mut all);
        for r in all {
            if let Some(def) = r.strip_prefix(&prefix) {
                if !defs.contains_key(def) {
                    missing.push(format!("{name}: {r}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not defined in {COMMON}: {missing:?}");
}

/// What the hand-kept common schema said between fields, the generated one still says: a check
/// finding's code, severity and config key are the ones the codes decide; `changed_by` goes with
/// a `changed` lookup of its own side; CloudTrail's lookback and each side's permission are
/// fixed; verify findings are not looked up.
#[test]
fn the_common_schema_keeps_the_rules_between_fields() {
    let v = validators();
    let finding = json!({"severity": "security", "code": "trust-broader", "outcome": "failed", "kind": "drift",
        "resource": "role R", "path": "", "expected": null, "actual": null, "message": "m",
        "config_key": "trust", "remedy": {"by": "apply"}});
    let valid = |f: &Value| {
        let doc = json!({"schema_version": 1, "in_sync": false,
            "configs": [{"config": "c.toml", "status": "drift", "findings": [f]}]});
        v["check.schema.json"].is_valid(&doc)
    };
    let with = |extra: Value| {
        let mut f = finding.clone();
        for (k, x) in extra.as_object().unwrap() {
            f[k] = x.clone();
        }
        f
    };
    let by = |source: &str| {
        json!({"source": source, "event": "UpdateAssumeRolePolicy", "who": "arn:aws:iam::111122223333:user/jane",
            "arn": "arn:aws:iam::111122223333:user/jane", "name": "jane",
            "at": "2026-11-24T03:00:00Z", "source_ip": null, "event_id": "e-1"})
    };
    assert!(valid(&finding));
    let changed = json!({"status": "changed"});
    assert!(valid(&with(
        json!({"changed_by": by("cloudtrail"), "cloudtrail": changed})
    )));
    assert!(valid(&with(
        json!({"cloudtrail": {"status": "no_event", "days": 90}})
    )));
    let genesys = with(
        json!({"config_key": "genesys", "code": "genesys-config-differs",
        "severity": "config"}),
    );
    assert!(valid(&genesys));
    let rejected = [
        ("an unknown code", with(json!({"code": "no-such-code"}))),
        ("the audit's severity", with(json!({"severity": "info"}))),
        (
            "a config key no code has",
            with(json!({"config_key": "trust.principal"})),
        ),
        (
            "changed_by without a lookup",
            with(json!({"changed_by": by("cloudtrail")})),
        ),
        (
            "a changed lookup without changed_by",
            with(json!({"cloudtrail": changed})),
        ),
        (
            "changed_by from the other side",
            with(json!({"changed_by": by("genesys-audit"), "cloudtrail": changed})),
        ),
        (
            "a CloudTrail write without its ARN",
            with(
                json!({"changed_by": {"source": "cloudtrail", "event": "E", "who": "w",
                "name": null, "at": "2026-11-24T03:00:00Z", "source_ip": null, "event_id": "e"},
                "cloudtrail": changed}),
            ),
        ),
        (
            "another lookback",
            with(json!({"cloudtrail": {"status": "no_event", "days": 30}})),
        ),
        (
            "the other side's permission",
            with(json!({"cloudtrail": {"status": "not_permitted",
                "permission": "audits:audit:view"}})),
        ),
        (
            "a verify finding looked up",
            with(json!({"kind": "verify", "code": "verify-trust-structure",
                "cloudtrail": {"status": "failed", "reason": "r"}})),
        ),
        (
            "an AWS finding looked up in Genesys Cloud",
            with(json!({"genesys_audit": {"status": "failed", "reason": "r"}})),
        ),
        ("a Genesys finding looked up in CloudTrail", {
            let mut f = genesys.clone();
            f["cloudtrail"] = json!({"status": "failed", "reason": "r"});
            f
        }),
        ("applied by lambda-trust in Genesys Cloud", {
            let mut f = genesys.clone();
            f["genesys_audit"] = json!({"status": "applied_by_lambda_trust",
                "at": "2026-11-24T03:00:00Z", "arn": "a", "event_id": "e"});
            f
        }),
        ("an empty changes list", with(json!({"changes": []}))),
        ("an undocumented field", with(json!({"surprise": 1}))),
    ];
    let accepted: Vec<&str> = rejected
        .iter()
        .filter(|(_, f)| valid(f))
        .map(|(what, _)| *what)
        .collect();
    assert!(
        accepted.is_empty(),
        "the common schema accepts {accepted:?}"
    );
}
