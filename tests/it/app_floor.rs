//! The application floor (`src/app/`): the one region rule, and workflows driven in memory
//! against the in-memory events sink (`Recorded`) where they need no server — plus the
//! live case where the flag and the config used to disagree, against moto.

use std::path::PathBuf;

use lambda_trust::IacSource;
use lambda_trust::{audit_workflow as audit, AuditSource, Audited};
use lambda_trust::{check_iac, IacCheck};
use lambda_trust::{region_rule, AppError, AwsSettings, Event, Recorded, Settings};
use lambda_trust_audit::AuditOptions;
use lambda_trust_verdict::Status;

use crate::support;

const TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iac/check-genesys.yaml"
);
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-input/moto-gaad.json"
);

/// The config `tests/it/iac_check.rs` checks the template against: in sync in us-east-1.
const CONFIG: &str = r#"[trust]
partner = "genesys-cloud"
external_id = "9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11"

[role]
name = "genesys-invoke-prod"
description = "Genesys Cloud data actions"

[aws]
region = "us-east-1"
account_id = "123456789012"

[[targets]]
function = "lookup-customer"

[[targets]]
function = "create-case"
"#;

/// Settings with `--region` = `flag` and the environment's region `env` (none read).
fn settings(flag: Option<&str>, env: Option<&str>) -> Settings {
    Settings {
        aws: AwsSettings {
            region: flag.map(str::to_owned),
            ..AwsSettings::default()
        },
        env_region: env.map(str::to_owned),
        ..Settings::default()
    }
}

fn config_file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("lambda-trust.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_region_rule_is_flag_then_config_then_environment() {
    let (flag, config, env) = (Some("eu-west-1"), Some("us-east-1"), Some("ap-south-1"));
    assert_eq!(region_rule(flag, config, env).as_deref(), Some("eu-west-1"));
    assert_eq!(region_rule(None, config, env).as_deref(), Some("us-east-1"));
    assert_eq!(region_rule(None, None, env).as_deref(), Some("ap-south-1"));
    // Nothing named: the SDK reads the profile's region.
    assert_eq!(region_rule(None, None, None), None);
    assert_eq!(
        region_rule(Some(""), config, env).as_deref(),
        Some("us-east-1")
    );

    // Settings apply it to a loaded config, and give the SDK the same region.
    let loaded = lambda_trust_config::parse_str(CONFIG, "x.toml").unwrap();
    let config = Some(&loaded.config);
    let s = settings(Some("eu-west-1"), Some("ap-south-1"));
    assert_eq!(s.region(config).as_deref(), Some("eu-west-1"));
    assert_eq!(s.aws_for(config).region.as_deref(), Some("eu-west-1"));
    let s = settings(None, Some("ap-south-1"));
    assert_eq!(s.region(config).as_deref(), Some("us-east-1"));
    assert_eq!(s.region(None).as_deref(), Some("ap-south-1"));
    assert_eq!(s.aws_for(None).region.as_deref(), Some("ap-south-1"));
}

#[test]
fn check_iac_resolves_bare_names_in_the_flag_region_over_the_config() {
    // The template grants the functions in us-east-1, the config's region, whatever region
    // it is deployed to. Before the one rule, `check --template` let the config win over
    // `--region`.
    let dir = tempfile::tempdir().unwrap();
    let paths = vec![lambda_trust_config::ConfigFile::new(config_file(
        &dir, CONFIG,
    ))];
    let fixed = std::fs::read_to_string(TEMPLATE)
        .unwrap()
        .replace("lambda:${AWS::Region}:", "lambda:us-east-1:");
    let template = dir.path().join("template.yaml");
    std::fs::write(&template, fixed).unwrap();
    let options = IacCheck {
        source: IacSource::Template {
            path: template,
            parameters: Default::default(),
        },
        account_id: None,
    };
    let report = check_iac(&settings(None, Some("eu-west-1")), &paths, &options).unwrap();
    assert_eq!(
        report.status(),
        Status::Ok,
        "the config's region over the environment"
    );
    let report = check_iac(&settings(Some("eu-west-1"), None), &paths, &options).unwrap();
    assert_eq!(
        report.status(),
        Status::Changes,
        "the flag's region over the config's"
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("arn:aws:lambda:eu-west-1:123456789012:function:lookup-customer"));
}

#[test]
fn loading_a_config_says_its_warnings_as_events() {
    let dir = tempfile::tempdir().unwrap();
    let fedramp = CONFIG.replace(
        r#"partner = "genesys-cloud""#,
        r#"partner = "genesys-cloud-fedramp""#,
    );
    let events = Recorded::default();
    lambda_trust::load_config(
        &lambda_trust_config::ConfigFile::new(config_file(&dir, &fedramp)),
        &events,
    )
    .unwrap();
    let said = events.events();
    assert_eq!(said.len(), 1, "{said:?}");
    let Event::Warning { message, hint } = &said[0] else {
        panic!("a warning: {said:?}")
    };
    assert!(message.contains("325654371633"), "{message}");
    assert!(hint.as_deref().unwrap().contains("Genesys"));
    let events = Recorded::default();
    lambda_trust::load_config(
        &lambda_trust_config::ConfigFile::new(config_file(&dir, CONFIG)),
        &events,
    )
    .unwrap();
    assert_eq!(events.events(), []);
}

fn audit_offline(source: AuditSource) -> Result<Audited, lambda_trust::Error> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        ..AuditOptions::default()
    };
    let events = Recorded::default();
    let s = settings(Some("us-east-1"), None);
    let audited = rt.block_on(audit(&s, &events, &source, opts, None, None));
    assert_eq!(events.events(), [], "an offline audit waits on nothing");
    audited
}

#[test]
fn an_audit_of_a_snapshot_is_the_account_report_in_the_rules_region() {
    let Audited::Account(report) = audit_offline(AuditSource::Snapshot(SNAPSHOT.into())).unwrap()
    else {
        panic!("one account");
    };
    assert_eq!(report.account, "123456789012");
    assert_eq!(report.summary.calls, 0);
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("eu-west-1"),
        "counterexamples in the rule's region"
    );
}

#[test]
fn unreadable_iac_and_snapshots_are_typed_errors_with_their_hint_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"RoleDetailList": [], "IsTruncated": true}"#).unwrap();
    let e = audit_offline(AuditSource::Snapshot(bad.clone())).unwrap_err();
    assert!(
        matches!(e.downcast_ref(), Some(AppError::Details(_))),
        "{e:?}"
    );
    assert!(e.hint().unwrap().contains("every page"), "{:?}", e.hint());
    assert!(
        !e.to_string().contains("hint"),
        "the hint is data, not message: {e}"
    );

    std::fs::write(&bad, "Resources: [").unwrap();
    let template = IacSource::Template {
        path: bad.clone(),
        parameters: Default::default(),
    };
    let e = audit_offline(AuditSource::Iac(template)).unwrap_err();
    assert!(
        matches!(e.downcast_ref(), Some(AppError::Template(_))),
        "{e:?}"
    );
    assert!(e.hint().is_some());

    let plan = IacSource::Plan {
        path: bad,
        source_dir: None,
    };
    let e = audit_offline(AuditSource::Iac(plan)).unwrap_err();
    assert!(matches!(e.downcast_ref(), Some(AppError::Plan(_))), "{e:?}");
    assert!(e.hint().is_some());
}

#[test]
fn a_bad_snapshot_under_json_has_its_hint() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"format_version": "1.2"}"#).unwrap();
    let path = bad.to_str().unwrap();
    let r = support::offline::run(&["audit", "--input", path, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    let hint = error["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("get-account-authorization-details"),
        "{error}"
    );
    assert!(
        !error["error"].as_str().unwrap().contains("hint"),
        "{error}"
    );
    // As people read it: the same text as before, the hint on its last line.
    let r = support::offline::run(&["audit", "--input", path]);
    assert!(
        r.stderr.trim_end().ends_with(&format!("(hint: {hint})")),
        "{}",
        r.stderr
    );
}

#[test]
fn live_the_flag_region_wins_over_the_configs_for_bare_function_names() {
    // The function exists only in eu-west-1; the config says us-east-1. Before the one rule,
    // bare names resolved in the config's region whatever --region said, and plan failed.
    use support::live::*;
    let env = Env::new();
    env.moto.lambda_create_function("only-in-eu", "eu-west-1");
    env.write_config(&config(&["only-in-eu"], ""));
    let r = env.expect(&["plan", "--region", "eu-west-1", "--format", "json"], 2);
    let want = format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:only-in-eu");
    assert!(r.stdout.contains(&want), "{}", r.stdout);
    // Without the flag the config's region decides: the function is not there.
    let r = env.expect(&["plan", "--format", "json"], 1);
    assert!(r.stderr.contains("only-in-eu"), "{}", r.stderr);
}

/// `init --from-genesys` writes its contract files and the config all or nothing: a file that
/// cannot be staged leaves nothing behind, and one that cannot be put in place takes back the
/// ones already placed.
#[test]
fn init_writes_the_contracts_and_the_config_all_or_nothing() {
    use lambda_trust_audit::ImportFiles;
    let dir = tempfile::tempdir().unwrap();
    let files = ImportFiles {
        config: CONFIG.to_string(),
        contracts: [
            ("a/x.json".to_string(), "{}".to_string()),
            ("b/y.json".to_string(), "{}".to_string()),
        ]
        .into(),
    };
    // `b` is a file, so b/y.json cannot be staged: a/x.json was before, and is gone.
    std::fs::write(dir.path().join("b"), "in the way").unwrap();
    let path = dir.path().join("lambda-trust.toml");
    assert!(lambda_trust::write_init_files(&path, &files, false, &Recorded::default()).is_err());
    assert!(!dir.path().join("a/x.json").exists());
    assert!(!path.exists());

    // The config's place is a directory: staged fine, the rename fails, the contracts placed
    // before it are removed again.
    std::fs::remove_file(dir.path().join("b")).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), "x").unwrap();
    let err =
        lambda_trust::write_init_files(&path, &files, true, &Recorded::default()).unwrap_err();
    assert!(
        format!("{err:#}").contains("nothing was written"),
        "{err:#}"
    );
    assert!(!dir.path().join("a/x.json").exists());
    assert!(!dir.path().join("b/y.json").exists());

    // Nothing in the way: all three.
    std::fs::remove_dir_all(&path).unwrap();
    lambda_trust::write_init_files(&path, &files, false, &Recorded::default()).unwrap();
    assert!(dir.path().join("a/x.json").exists() && dir.path().join("b/y.json").exists());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
}

/// The live audit proves an account's roles in chunks on the executor's blocking threads (at
/// most one per core across every account audited at once); the result is the sequential
/// audit's, role for role.
#[test]
fn the_executor_proves_the_roles_as_the_sequential_audit_does() {
    use std::sync::Arc;
    let text = std::fs::read_to_string(SNAPSHOT).unwrap();
    let mut iam = lambda_trust_audit::parse_details(SNAPSHOT, &text, None).unwrap();
    // Five copies of each role under other names: several chunks.
    let originals = iam.roles.clone();
    for copy in 1..5 {
        iam.roles.extend(originals.iter().map(|r| {
            let mut r = r.clone();
            r.name = format!("{}-{copy}", r.name);
            r.arn = format!("{}-{copy}", r.arn);
            r
        }));
    }
    assert!(iam.roles.len() > 32, "more roles than two chunks");
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        ..AuditOptions::default()
    };
    let sequential = lambda_trust_audit::audit_account(&iam, &opts, 0);
    let iam = Arc::new(iam);
    let roles = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(lambda_trust::prove_roles(&iam, &opts))
        .unwrap();
    let split = lambda_trust_audit::account_report(&iam, &opts, roles, 0);
    assert_eq!(split, sequential);
    assert!(!split.roles.is_empty());
}
