//! The application floor's own tests: the one region rule, and workflows driven in memory
//! against the in-memory events sink (`Recorded`), needing no server. Their runs through the
//! binary, and the live case where the flag and the config used to disagree, are in
//! `tests/it/app_floor.rs`.
#![cfg(test)]

use lambda_trust_verdict::Judged;
use std::path::PathBuf;

use lambda_trust_audit::AuditOptions;
use lambda_trust_verdict::Status;

use super::audit::{audit_keeping, AuditSource, Audited};
use super::check::{check_iac, IacCheck};
use super::error::AppError;
use super::events::Events;
use super::iac::IacSource;
use super::settings::{region_rule, Settings};
use crate::aws::AwsSettings;
use crate::event::Event;
use crate::retry::{Progress, Quiet};
use std::sync::{Arc, Mutex};

/// The in-memory events sink: every event kept, in order.
#[derive(Debug, Default)]
struct Recorded {
    events: Mutex<Vec<Event>>,
}

impl Recorded {
    /// The events so far.
    fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Events for Recorded {
    fn event(&self, event: Event) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
    }

    fn retries(&self) -> Arc<dyn Progress> {
        Arc::new(Quiet)
    }
}

const TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iac/check-genesys.yaml"
);
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-input/moto-gaad.json"
);

/// The config `tests/it/iac_check.rs` checks the template against: in sync in us-east-1.
const CONFIG: &str = include_str!("../../tests/fixtures/iac/check-genesys.toml");

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
    let loaded = lambda_trust_config::parse_str(CONFIG, "x.toml", None).unwrap();
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
    let said = format!("{report:?}");
    assert!(said.contains("arn:aws:lambda:eu-west-1:123456789012:function:lookup-customer"));
}

#[test]
fn loading_a_config_says_its_warnings_as_events() {
    let dir = tempfile::tempdir().unwrap();
    let fedramp = CONFIG.replace(
        r#"partner = "genesys-cloud""#,
        r#"partner = "genesys-cloud-fedramp""#,
    );
    let events = Recorded::default();
    super::live::load(
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
    super::live::load(
        &lambda_trust_config::ConfigFile::new(config_file(&dir, CONFIG)),
        &events,
    )
    .unwrap();
    assert_eq!(events.events(), []);
}

fn audit_offline(source: AuditSource) -> crate::error::Result<Audited> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        ..AuditOptions::default()
    };
    let events = Recorded::default();
    let s = settings(Some("us-east-1"), None);
    let audited = rt.block_on(audit_keeping(&s, &events, &source, opts, None, None, false));
    assert_eq!(events.events(), [], "an offline audit waits on nothing");
    audited.map(|(audited, _)| audited)
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
    assert!(super::init::write_all(&path, &files, false, &Recorded::default()).is_err());
    assert!(!dir.path().join("a/x.json").exists());
    assert!(!path.exists());

    // The config's place is a directory: staged fine, the rename fails, the contracts placed
    // before it are removed again.
    std::fs::remove_file(dir.path().join("b")).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), "x").unwrap();
    let err = super::init::write_all(&path, &files, true, &Recorded::default()).unwrap_err();
    assert!(
        format!("{err:#}").contains("nothing was written"),
        "{err:#}"
    );
    assert!(!dir.path().join("a/x.json").exists());
    assert!(!dir.path().join("b/y.json").exists());

    // Nothing in the way: all three.
    std::fs::remove_dir_all(&path).unwrap();
    super::init::write_all(&path, &files, false, &Recorded::default()).unwrap();
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
        .block_on(super::prove_roles::prove_roles(&iam, &opts))
        .unwrap();
    let split = lambda_trust_audit::account_report(&iam, &opts, roles, 0);
    assert_eq!(split, sequential);
    assert!(!split.roles.is_empty());
}
