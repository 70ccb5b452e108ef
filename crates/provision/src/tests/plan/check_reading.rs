//! One config's check as read, judged with no call (`CheckReading`): the reading of both sides
//! joined, and the watching function's kept reading judged again after an event over the side
//! the event read again — the rest as read before, said in a note.
#![cfg(test)]

use std::collections::BTreeMap;

use super::support::state::*;
use lambda_trust_iam::OrgPolicies;
use lambda_trust_model::{
    invoked_arns, DesiredGenesys, FunctionPolicy, Observed, ObservedGenesys, PathSources,
    PolicyRead,
};
use lambda_trust_provision::{
    AwsReading, AwsUnread, CheckReading, Code, ConfigNote, ConfigStatus, Finding, GenesysPlan,
    GenesysReading, Lookup, Prepared, Side, TargetPolicy, WatchCall, WatchChange,
};
use lambda_trust_verdict::Problem;

/// The example's external ID (`[trust].external_id`).
const EXTERNAL_ID: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const READ_AT: &str = "2026-11-26T10:00:00Z";

/// The example with a Genesys Cloud side.
fn loaded() -> lambda_trust_config::Loaded {
    let text = format!("{EXAMPLE}\n[genesys]\nintegration = \"Lambda\"\n");
    lambda_trust_config::parse_str(&text, "test.toml", None).unwrap()
}

/// The example's config with its role as `observed` shows it.
fn prepared(observed: impl Fn(&lambda_trust_model::Desired) -> Observed) -> Prepared {
    let loaded = loaded();
    let wanted = desired(&loaded.config, &empty(&loaded.config));
    let observed = observed(&wanted);
    Prepared {
        desired: desired(&loaded.config, &observed),
        observed,
        loaded,
        predecessors: Vec::new(),
        unproven_predecessors: Vec::new(),
        warnings: Vec::new(),
        function_policies: Vec::new(),
    }
}

fn in_sync(d: &lambda_trust_model::Desired) -> Observed {
    synced_with(d, functions_ok(&loaded().config))
}

/// Every account read, no organization, every function without a policy.
fn sources(d: &lambda_trust_model::Desired) -> PathSources {
    PathSources {
        orgs: BTreeMap::from([(ACCOUNT.to_string(), OrgPolicies::NoOrganization)]),
        function_policies: (invoked_arns(&d.targets).into_iter())
            .map(|a| (a, FunctionPolicy::None))
            .collect(),
        ..PathSources::default()
    }
}

/// The AWS side as read: the drift `prepared` shows, nothing looked up.
fn aws(prepared: &Prepared) -> AwsReading {
    let (d, o) = (&prepared.desired, &prepared.observed);
    let role = &prepared.loaded.config.role.name;
    AwsReading {
        drift: lambda_trust_provision::aws_drift(d, o, &[], role).unwrap(),
        lookups: BTreeMap::new(),
        sources: sources(d),
        environments: None,
    }
}

/// The Genesys Cloud side read in `org`, with one finding of its own.
fn genesys(prepared: &Prepared, org: &str) -> GenesysReading {
    let desired = DesiredGenesys::new(&prepared.loaded, &prepared.desired).unwrap();
    let observed = ObservedGenesys {
        organization_id: Some(org.into()),
        ..ObservedGenesys::default()
    };
    GenesysReading {
        findings: vec![Finding::new(
            Code::GenesysCredentialChanged,
            "genesys credential",
            "changed by hand",
        )],
        desired: Box::new(desired),
        observed: Box::new(observed),
        test_runs: Vec::new(),
        plan: GenesysPlan::default(),
        lookup_error: None,
    }
}

/// Both sides read: the role in sync, the Genesys Cloud side in the configured org.
fn both() -> CheckReading {
    let prepared = prepared(in_sync);
    let (aws, genesys) = (aws(&prepared), genesys(&prepared, EXTERNAL_ID));
    CheckReading::new(prepared, REGION.into(), Some(aws), Ok(Some(genesys)))
}

fn sides(report: &lambda_trust_provision::ConfigReport) -> Vec<Side> {
    let mut sides: Vec<Side> = report.findings.iter().map(|f| f.code.side()).collect();
    sides.dedup();
    sides
}

fn call() -> WatchCall {
    WatchCall {
        event: "UpdateAssumeRolePolicy".into(),
        by: None,
        at: None,
    }
}

#[test]
fn the_org_the_genesys_side_read_is_the_external_id_the_path_is_judged_with() {
    let reading = both();
    let org = |r: &CheckReading| r.aws.as_ref().unwrap().sources.genesys_org.clone();
    assert_eq!(org(&reading).as_deref(), Some(EXTERNAL_ID));
    let report = reading.judge("test.toml", Some(Side::Aws));
    assert_eq!(report.status, ConfigStatus::Ok, "{:#?}", report.findings);
    let assuming = |n: &ConfigNote| matches!(n, ConfigNote::GetsThroughAssuming { .. });
    assert!(!report.notes.iter().any(assuming));

    // Another org signed in: Genesys Cloud sends its ID, which the trust policy refuses.
    let mut reading = both();
    let other = "11111111-2222-4333-8444-555555555555";
    reading.read_genesys(Ok(Some(genesys(&reading.prepared, other))));
    assert_eq!(org(&reading).as_deref(), Some(other));
    let report = reading.judge("test.toml", Some(Side::Aws));
    assert_eq!(report.status, ConfigStatus::Drift);

    // A side that could not be read again leaves the org read before.
    reading.read_genesys(Err("signing in failed: 401".into()));
    assert_eq!(org(&reading).as_deref(), Some(other));
}

#[test]
fn without_the_genesys_side_the_configured_external_id_is_assumed_and_said() {
    let prepared = prepared(in_sync);
    let aws = aws(&prepared);
    let reading = CheckReading::new(prepared, REGION.into(), Some(aws), Ok(None));
    let report = reading.judge("test.toml", Some(Side::Aws));
    assert_eq!(report.status, ConfigStatus::Ok);
    assert!(
        (report.notes.iter()).any(|n| matches!(n, ConfigNote::GetsThroughAssuming { .. })),
        "{:?}",
        report.notes
    );
    assert_eq!(report.not_checked, [Side::Genesys]);
}

#[test]
fn a_role_event_judges_the_aws_side_and_leaves_the_genesys_side_as_read_out() {
    let reading = both();
    let whole = reading.judge("test.toml", None);
    assert!(
        sides(&whole).contains(&Side::Genesys),
        "{:#?}",
        whole.findings
    );
    let change = WatchChange::Role { call: call() };
    let report = change.judged(&reading, "test.toml", READ_AT).unwrap();
    assert_eq!(sides(&report), Vec::<Side>::new(), "{:#?}", report.findings);
    assert_eq!(report.not_checked, [Side::Genesys]);
    let read_at = READ_AT.to_owned();
    assert_eq!(
        report.notes.last(),
        Some(&ConfigNote::WatchReadRole { read_at })
    );
}

#[test]
fn a_genesys_event_judges_the_genesys_side_alone() {
    let prepared = prepared(|_| empty(&loaded().config));
    let (aws, genesys) = (aws(&prepared), genesys(&prepared, EXTERNAL_ID));
    let reading = CheckReading::new(prepared, REGION.into(), Some(aws), Ok(Some(genesys)));
    let whole = reading.judge("test.toml", None);
    assert!(sides(&whole).contains(&Side::Aws), "{:#?}", whole.findings);
    let change = WatchChange::Genesys { call: call() };
    let report = change.judged(&reading, "test.toml", READ_AT).unwrap();
    assert_eq!(sides(&report), [Side::Genesys], "{:#?}", report.findings);
    assert_eq!(report.not_checked, [Side::Aws]);
    assert_eq!(report.notes.last(), Some(&ConfigNote::WatchReadGenesys));
}

#[test]
fn a_genesys_side_that_failed_is_no_error_of_an_aws_event_but_stays_one_of_the_whole() {
    let mut reading = both();
    reading.read_genesys(Err("signing in failed: 401".into()));
    let whole = reading.judge("test.toml", None);
    assert_eq!(whole.status, ConfigStatus::Error);
    assert_eq!(whole.failed_side, Some(Side::Genesys));
    let change = WatchChange::Function {
        arn: "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer".into(),
        call: call(),
    };
    let report = change.judged(&reading, "test.toml", READ_AT).unwrap();
    assert_eq!((report.status, report.error), (ConfigStatus::Ok, None));
    let function = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer".into();
    let read_at = READ_AT.to_owned();
    let note = ConfigNote::WatchReadFunction { function, read_at };
    assert_eq!(report.notes.last(), Some(&note));
}

#[test]
fn the_role_read_again_is_judged_anew_and_what_cloudtrail_said_of_the_old_drift_dropped() {
    let prepared = prepared(|_| empty(&loaded().config));
    let mut aws = aws(&prepared);
    aws.lookups
        .insert("GenesysLambdaInvoker".into(), Lookup::NotPermitted);
    let mut reading = CheckReading::new(prepared, REGION.into(), Some(aws), Ok(None));
    assert_eq!(reading.judge("test.toml", None).status, ConfigStatus::Drift);
    let synced = in_sync(&reading.prepared.desired);
    let arn = invoked_arns(&reading.prepared.desired.targets).remove(0);
    let policy = TargetPolicy::of(&arn, FunctionPolicy::None);
    reading.reread_aws(synced, vec![policy]).unwrap();
    let aws = reading.aws.as_ref().unwrap();
    assert!(aws.drift.is_empty() && aws.lookups.is_empty());
    assert_eq!(
        aws.sources.reads.from.get(&arn),
        Some(&PolicyRead::GetPolicy)
    );
    let change = WatchChange::Role { call: call() };
    let report = change.judged(&reading, "test.toml", READ_AT).unwrap();
    assert_eq!(report.status, ConfigStatus::Ok, "{:#?}", report.findings);
}

#[test]
fn nothing_watched_is_no_report_and_everything_is_the_whole_judgement() {
    let reading = both();
    let nothing = WatchChange::Nothing {
        why: "another role".into(),
    };
    assert_eq!(nothing.read_again(), None);
    let everything = WatchChange::Everything {
        why: "the schedule".into(),
    };
    let report = everything.judged(&reading, "test.toml", READ_AT).unwrap();
    let whole = reading.judge("test.toml", None);
    assert_eq!(report.findings, whole.findings);
}

#[test]
fn an_aws_side_that_could_not_be_read_never_hides_the_genesys_findings() {
    let prepared = prepared(in_sync);
    let unread = AwsUnread {
        genesys: Ok(Some(genesys(&prepared, EXTERNAL_ID))),
        loaded: prepared.loaded,
        error: "iam:GetRole: AccessDenied".into(),
    };
    let report = unread.judge("test.toml");
    assert_eq!(report.status, ConfigStatus::Error);
    assert_eq!(report.failed_side, Some(Side::Aws));
    let error = report.error.clone().unwrap_or_default();
    assert!(
        error.contains("AWS side") && error.contains("AccessDenied"),
        "{error}"
    );
    assert_eq!(sides(&report), [Side::Genesys], "{:#?}", report.findings);
    assert!(report.notes.contains(&ConfigNote::GenesysJudgedAlone));

    // Both sides failed: nothing was read, and both errors are said, each side's hint on a
    // line of its own after its message.
    let both = AwsUnread {
        genesys: Err(Problem {
            message: "signing in failed: 401".into(),
            hint: Some("check oauth_secret".into()),
        }),
        ..unread
    };
    let report = both.judge("test.toml");
    assert_eq!((report.failed_side, report.findings.len()), (None, 0));
    let error = report.error.unwrap_or_default();
    assert!(
        error.contains("AccessDenied") && error.contains("401\n(hint: check oauth_secret)"),
        "{error}"
    );
}
