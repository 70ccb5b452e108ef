//! Who changed it, on plain data: the resources looked up, the events that explain a finding,
//! lambda-trust's own writes never the culprit, the Genesys audit trail's attribution.
#![cfg(test)]

use super::*;
use serde_json::json;

fn event(id: &str, name: &str, at: &str, arn: &str, ua: &str) -> TrailEvent {
    let record = json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "arn": arn, "userName": arn.rsplit('/').next()},
        "eventSource": "iam.amazonaws.com",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": ua,
    });
    TrailEvent::from_lookup(id, name, at, None, Some(&record.to_string()))
}

const OURS: &str =
    "aws-sdk-rust/1.3.9 ua/2.1 api/iam/1.133.0 os/linux lang/rust/1.89.0 app/lambda-trust-0.1.0";
const MALLORY: &str = "arn:aws:iam::111122223333:user/mallory";

#[test]
fn the_latest_foreign_write_is_the_culprit() {
    let mut t = Trail::key("R", Drift::Trust);
    let lookups = BTreeMap::from([(
        "R".to_string(),
        Lookup::Events(vec![
            event(
                "e3",
                "TagRole",
                "2026-11-22T15:00:00Z",
                MALLORY,
                "aws-cli/2",
            ),
            event(
                "e2",
                "UpdateAssumeRolePolicy",
                "2026-11-22T14:37:52Z",
                MALLORY,
                "aws-cli/2",
            ),
            event(
                "e1",
                "CreateRole",
                "2026-11-20T09:00:00Z",
                "arn:aws:iam::111122223333:user/ci",
                OURS,
            ),
        ]),
    )]);
    attribute(&mut t, &lookups);
    assert_eq!(t.cloudtrail, Some(Attribution::Changed));
    let c = t.changed_by.as_ref().unwrap();
    assert_eq!(
        (
            c.event.as_str(),
            c.arn.as_deref().unwrap(),
            c.name.as_deref(),
            c.at.as_str(),
            c.event_id.as_deref().unwrap()
        ),
        (
            "UpdateAssumeRolePolicy",
            MALLORY,
            Some("mallory"),
            "2026-11-22T14:37:52Z",
            "e2"
        )
    );
    assert_eq!(c.who, MALLORY);
}

#[test]
fn our_own_write_is_never_blamed() {
    let mut t = Trail::key("R", Drift::Trust);
    let lookups = BTreeMap::from([(
        "R".to_string(),
        Lookup::Events(vec![
            event(
                "e2",
                "UpdateAssumeRolePolicy",
                "2026-11-22T14:40:00Z",
                "arn:aws:iam::111122223333:user/ci",
                OURS,
            ),
            event(
                "e1",
                "UpdateAssumeRolePolicy",
                "2026-11-22T14:37:52Z",
                MALLORY,
                "aws-cli/2",
            ),
        ]),
    )]);
    attribute(&mut t, &lookups);
    assert_eq!(t.changed_by, None);
    assert!(
        matches!(&t.cloudtrail, Some(Attribution::AppliedByLambdaTrust { at, event_id, .. })
            if at == "2026-11-22T14:40:00Z" && event_id == "e2"),
        "{t:?}"
    );
}

#[test]
fn a_genesys_change_fills_the_same_fields_as_a_cloudtrail_one() {
    let mut t = Trail::default();
    genesys_attribution(
        &mut t,
        GenesysLookup::Changed {
            who: "Jane Admin".into(),
            when: "2026-11-22T14:37:52Z".into(),
            action: "Update".into(),
            id: Some("e1".into()),
        },
    );
    assert_eq!(t.genesys_audit, Some(Attribution::Changed));
    assert_eq!(t.cloudtrail, None);
    let c = t.changed_by.as_ref().unwrap();
    assert_eq!(
        (c.source, c.who.as_str(), c.event.as_str(), c.at.as_str()),
        (
            TrailSource::GenesysAudit,
            "Jane Admin",
            "Update",
            "2026-11-22T14:37:52Z"
        )
    );
    let mut refused = Trail::default();
    genesys_attribution(&mut refused, GenesysLookup::NotPermitted);
    assert_eq!(
        refused.genesys_audit,
        Some(Attribution::NotPermitted {
            permission: GENESYS_AUDIT_PERMISSION
        })
    );
    assert_eq!(GENESYS_AUDIT_PERMISSION, "audits:audit:view");
    let mut none = Trail::default();
    genesys_attribution(&mut none, GenesysLookup::Unknown { days: 7 });
    assert_eq!(none.genesys_audit, Some(Attribution::NoEvent { days: 7 }));
}

#[test]
fn nothing_found_and_refused() {
    let mut t = Trail::key("R", Drift::Boundary);
    let lookups = BTreeMap::from([("R".to_string(), Lookup::Events(vec![]))]);
    attribute(&mut t, &lookups);
    assert_eq!(t.cloudtrail, Some(Attribution::NoEvent { days: 90 }));
    let mut t = Trail::key("R", Drift::Boundary);
    attribute(
        &mut t,
        &BTreeMap::from([("R".to_string(), Lookup::NotPermitted)]),
    );
    assert_eq!(
        t.cloudtrail,
        Some(Attribution::NotPermitted {
            permission: PERMISSION
        })
    );
}

#[test]
fn assumed_role_sessions_are_named() {
    let record = json!({"userIdentity": {"type": "AssumedRole",
        "arn": "arn:aws:sts::111122223333:assumed-role/Admin/jane"}, "userAgent": "console.amazonaws.com"});
    let e = TrailEvent::from_lookup(
        "e",
        "UpdateRole",
        "t",
        Some("Admin"),
        Some(&record.to_string()),
    );
    assert_eq!(e.name.as_deref(), Some("jane"));
}

#[test]
fn only_keyed_findings_are_looked_up_once_each() {
    let keys = [
        Trail::key("R", Drift::Trust),
        Trail::default(),
        Trail::key("R", Drift::RoleTags),
        Trail::key("arn:aws:iam::1:policy/p", Drift::PolicyDocument),
    ];
    assert_eq!(
        resources_to_look_up(&keys),
        vec!["R", "arn:aws:iam::1:policy/p"]
    );
    assert!(resources_to_look_up(&[Trail::default()]).is_empty());
    let seen = vec![event("e", "TagRole", "t", MALLORY, "x")];
    assert!(
        !answered("R", &keys, &seen),
        "the trust finding has no event yet"
    );
    assert!(answered("arn:aws:iam::1:policy/x", &keys, &seen));
}

#[test]
fn own_user_agents() {
    assert!(is_own_user_agent(OURS));
    assert!(is_own_user_agent("lambda-trust/0.1.0"));
    assert!(!is_own_user_agent("aws-cli/2.15 Python/3.11"));
    assert_eq!(app_name("0.1.0"), "lambda-trust-0.1.0");
}
