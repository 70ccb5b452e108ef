//! Who changed an object: Genesys Cloud's realtime audit query
//! (`POST /api/v2/audits/query/realtime?expand=user`, service `Integrations`, filtered to the
//! entity's ID over the last [`AUDIT_DAYS`] days; the user's name comes back only with
//! `expand=user`, else the user ID is shown). A change to an action's draft (entity type
//! `ActionDraft`) counts as a change to the action. Needs `audits:audit:view`; a 403 is an
//! answer ([`Who::NotPermitted`]), not an error.
//!
//! Part of the `genesys` layer. Shapes: the SDK's `AuditRealtimeQueryRequest`,
//! `AuditQueryFilter` (`property`, `value`), `AuditRealtimeQueryResultsResponse`,
//! `AuditLogMessage` (`user`, `client`, `eventDate`, `action`).

use reqwest::Method;
use serde_json::{json, Value};

use super::client::Client;
use super::error::GenesysError;

/// How far back the query looks (the realtime query serves recent history only).
pub(crate) const AUDIT_DAYS: i64 = 7;

/// The answer for one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// The latest change not made by lambda-trust's own OAuth client.
    Changed {
        who: String,
        when: String,
        action: String,
        /// The audit entry's ID.
        id: Option<String>,
    },
    /// No such change in the interval.
    Unknown,
    /// The OAuth client may not read the audit trail.
    NotPermitted(String),
}

/// The latest change of `entity_type`/`entity_id` by anyone but `own_client` (our OAuth
/// client ID: our own writes are not drift).
pub(crate) async fn who_changed(
    client: &Client,
    own_client: &str,
    entity_type: &str,
    entity_id: &str,
) -> Result<Who, GenesysError> {
    let end = chrono::Utc::now() + chrono::Duration::seconds(1);
    let start = end - chrono::Duration::days(AUDIT_DAYS);
    let fmt = "%Y-%m-%dT%H:%M:%S%.3fZ";
    let body = json!({
        "interval": format!("{}/{}", start.format(fmt), end.format(fmt)),
        "serviceName": "Integrations",
        "filters": [
            {"property": "EntityId", "value": entity_id},
        ],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        "pageNumber": 1,
        "pageSize": 25,
    });
    let v = match client
        .send(
            Method::POST,
            "/api/v2/audits/query/realtime?expand=user",
            Some(&body),
        )
        .await
    {
        Ok(v) => v,
        Err(e) if e.status() == Some(403) => return Ok(Who::NotPermitted(e.to_string())),
        Err(e) => return Err(e),
    };
    if !v["entities"].is_array() {
        // A missing list is not "nobody changed it".
        return Err(GenesysError::Decode {
            method: "POST".into(),
            path: "/api/v2/audits/query/realtime".into(),
            message: "no entities in the answer".into(),
        });
    }
    Ok(latest_foreign(&v, own_client, entity_type))
}

/// The entity types whose changes count for `entity_type`: an action's draft is the action's.
fn counts_for(entity_type: &str, entry_type: Option<&str>) -> bool {
    match entry_type {
        None => true,
        Some(t) => t == entity_type || (entity_type == "Action" && t == "ActionDraft"),
    }
}

fn latest_foreign(v: &Value, own_client: &str, entity_type: &str) -> Who {
    let entries = v["entities"].as_array().cloned().unwrap_or_default();
    let e = entries.iter().find(|e| {
        e["client"]["id"].as_str() != Some(own_client)
            && counts_for(entity_type, e["entityType"].as_str())
    });
    match e {
        None => Who::Unknown,
        Some(e) => Who::Changed {
            who: e["user"]["name"]
                .as_str()
                .or(e["user"]["id"].as_str())
                .map(str::to_string)
                .unwrap_or_else(|| {
                    format!("OAuth client {}", e["client"]["id"].as_str().unwrap_or("?"))
                }),
            when: e["eventDate"].as_str().unwrap_or_default().to_string(),
            action: e["action"].as_str().unwrap_or_default().to_string(),
            id: e["id"].as_str().map(str::to_string),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_changes_are_skipped() {
        let v = json!({"entities": [
            {"client": {"id": "us"}, "user": {"id": "us"}, "eventDate": "2", "action": "Update"},
            {"id": "e1", "client": {"id": "ui"}, "user": {"id": "u1", "name": "Jane Admin"}, "eventDate": "1", "action": "Update"},
        ]});
        assert_eq!(
            latest_foreign(&v, "us", "Action"),
            Who::Changed {
                who: "Jane Admin".into(),
                when: "1".into(),
                action: "Update".into(),
                id: Some("e1".into()),
            }
        );
        assert_eq!(
            latest_foreign(&json!({"entities": []}), "us", "Action"),
            Who::Unknown
        );
    }

    #[test]
    fn a_draft_change_counts_for_its_action_and_a_missing_name_shows_the_id() {
        let v = json!({"entities": [
            {"client": {"id": "ui"}, "user": {"id": "u7"}, "eventDate": "3", "action": "Update", "entityType": "Integration"},
            {"client": {"id": "ui"}, "user": {"id": "u7"}, "eventDate": "2", "action": "Update", "entityType": "ActionDraft"},
        ]});
        assert_eq!(
            latest_foreign(&v, "us", "Action"),
            Who::Changed {
                who: "u7".into(),
                when: "2".into(),
                action: "Update".into(),
                id: None,
            }
        );
    }
}
