//! Who changed an object: Genesys Cloud's realtime audit query
//! (`POST /api/v2/audits/query/realtime`, service `Integrations`, filtered to the entity's
//! type and ID over the last [`AUDIT_DAYS`] days). Needs `audits:audit:view`; a 403 is an
//! answer ([`Who::NotPermitted`]), not an error.
//!
//! Part of the `genesys` layer. Shapes: the SDK's `AuditRealtimeQueryRequest`,
//! `AuditQueryFilter` (`property`, `value`), `AuditRealtimeQueryResultsResponse`,
//! `AuditLogMessage` (`user`, `client`, `eventDate`, `action`).

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Client, GenesysError};

/// How far back the query looks (the realtime query serves recent history only).
pub const AUDIT_DAYS: i64 = 7;

/// The answer for one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The latest change not made by lambda-trust's own OAuth client.
    Changed {
        who: String,
        when: String,
        action: String,
    },
    /// No such change in the interval.
    Unknown,
    /// The OAuth client may not read the audit trail.
    NotPermitted(String),
}

/// The latest change of `entity_type`/`entity_id` by anyone but `own_client` (our OAuth
/// client ID: our own writes are not drift).
pub async fn who_changed(
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
            {"property": "EntityType", "value": entity_type},
            {"property": "EntityId", "value": entity_id},
        ],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        "pageNumber": 1,
        "pageSize": 25,
    });
    let v = match client
        .send(Method::POST, "/api/v2/audits/query/realtime", Some(&body))
        .await
    {
        Ok(v) => v,
        Err(e) if e.status() == Some(403) => return Ok(Who::NotPermitted(e.to_string())),
        Err(e) => return Err(e),
    };
    Ok(latest_foreign(&v, own_client))
}

fn latest_foreign(v: &Value, own_client: &str) -> Who {
    let entries = v["entities"].as_array().cloned().unwrap_or_default();
    let e = entries
        .iter()
        .find(|e| e["client"]["id"].as_str() != Some(own_client));
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
            {"client": {"id": "ui"}, "user": {"id": "u1", "name": "Jane Admin"}, "eventDate": "1", "action": "Update"},
        ]});
        assert_eq!(
            latest_foreign(&v, "us"),
            Who::Changed {
                who: "Jane Admin".into(),
                when: "1".into(),
                action: "Update".into()
            }
        );
        assert_eq!(latest_foreign(&json!({"entities": []}), "us"), Who::Unknown);
    }
}
