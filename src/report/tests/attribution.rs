//! Who changed it, in words: each attribution's phrase after a finding, and a lookup that
//! could not answer said once per report.
#![cfg(test)]

use crate::report::attribution::{not_permitted_note, phrase, suffix, LookupsSaid};
use lambda_trust_provision::{
    genesys_attribution, Attribution, ChangedBy, GenesysLookup, Trail, TrailSource,
};

const MALLORY: &str = "arn:aws:iam::111122223333:user/mallory";

fn cloudtrail(a: Attribution) -> Trail {
    let mut t = Trail::default();
    t.cloudtrail = Some(a);
    t
}

fn genesys_audit(a: Attribution) -> Trail {
    let mut t = Trail::default();
    t.genesys_audit = Some(a);
    t
}

/// `who`'s write `event` at `at`, as `source` found it.
fn changed_by(source: TrailSource, event: &str, who: &str, at: &str) -> Option<ChangedBy> {
    Some(ChangedBy {
        source,
        event: event.into(),
        who: who.into(),
        arn: (source == TrailSource::Cloudtrail).then(|| who.into()),
        name: None,
        at: at.into(),
        source_ip: None,
        event_id: Some("e1".into()),
    })
}

#[test]
fn a_culprits_write_is_said_with_who_and_when() {
    let mut t = cloudtrail(Attribution::Changed);
    let (event, at) = ("UpdateAssumeRolePolicy", "2026-11-22T14:37:52Z");
    t.changed_by = changed_by(TrailSource::Cloudtrail, event, MALLORY, at);
    assert_eq!(
        phrase(&t).unwrap(),
        "— UpdateAssumeRolePolicy by arn:aws:iam::111122223333:user/mallory at 2026-11-22T14:37:52Z"
    );
    let ours = cloudtrail(Attribution::AppliedByLambdaTrust {
        at: "2026-11-22T14:40:00Z".into(),
        arn: "arn:aws:iam::111122223333:user/ci".into(),
        event_id: "e2".into(),
    });
    assert_eq!(
        phrase(&ours).unwrap(),
        "— last applied by lambda-trust at 2026-11-22T14:40:00Z"
    );
    let none = cloudtrail(Attribution::NoEvent { days: 90 });
    assert_eq!(
        phrase(&none).unwrap(),
        "— no CloudTrail event in the last 90 days"
    );
    let refused = cloudtrail(Attribution::NotPermitted {
        permission: "cloudtrail:LookupEvents",
    });
    assert_eq!(phrase(&refused), None, "said once by suffix");
}

#[test]
fn a_genesys_change_is_said_as_a_cloudtrail_one() {
    let mut t = genesys_audit(Attribution::Changed);
    let at = "2026-11-22T14:37:52Z";
    t.changed_by = changed_by(TrailSource::GenesysAudit, "Update", "Jane Admin", at);
    assert_eq!(
        phrase(&t).as_deref(),
        Some("— Update by Jane Admin at 2026-11-22T14:37:52Z")
    );
    let mut refused = Trail::default();
    genesys_attribution(&mut refused, GenesysLookup::NotPermitted);
    let Some(Attribution::NotPermitted { permission }) = refused.genesys_audit else {
        panic!("{refused:?}");
    };
    let note = not_permitted_note(TrailSource::GenesysAudit, permission);
    assert!(
        note.contains("give the OAuth client audits:audit:view"),
        "{note}"
    );
    let mut none = Trail::default();
    genesys_attribution(&mut none, GenesysLookup::Unknown { days: 7 });
    assert_eq!(
        phrase(&none).as_deref(),
        Some("— no entry in Genesys Cloud's audit trail in the last 7 days")
    );
}

#[test]
fn a_lookup_that_could_not_answer_is_said_once_per_source() {
    let failed = |source: TrailSource, reason: &str| {
        let a = Attribution::Failed {
            reason: reason.into(),
        };
        match source {
            TrailSource::Cloudtrail => cloudtrail(a),
            TrailSource::GenesysAudit => genesys_audit(a),
        }
    };
    let mut said = LookupsSaid::default();
    let aws = failed(TrailSource::Cloudtrail, "HTTP 500");
    assert_eq!(
        suffix(&aws, &mut said),
        " — who changed it is unknown: the CloudTrail lookup failed: HTTP 500"
    );
    assert_eq!(suffix(&aws, &mut said), "", "said once");
    // Another source, or another failure, is its own.
    let genesys = failed(TrailSource::GenesysAudit, "HTTP 500");
    assert!(suffix(&genesys, &mut said).contains("Genesys Cloud's audit trail lookup"));
    assert_eq!(suffix(&genesys, &mut said), "");
    let other = failed(TrailSource::Cloudtrail, "timed out");
    assert!(suffix(&other, &mut said).ends_with("failed: timed out"));
    // A refusal likewise; an answer is said on every finding.
    let refused = cloudtrail(Attribution::NotPermitted {
        permission: "cloudtrail:LookupEvents",
    });
    assert!(suffix(&refused, &mut said).contains("AccessDenied"));
    assert_eq!(suffix(&refused, &mut said), "");
    let none = cloudtrail(Attribution::NoEvent { days: 90 });
    for _ in 0..2 {
        assert_eq!(
            suffix(&none, &mut said),
            " — no CloudTrail event in the last 90 days"
        );
    }
}
