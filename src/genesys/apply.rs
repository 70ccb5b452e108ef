//! Every Genesys Cloud write: one function per [`GenesysOp`], run in the plan's order.
//!
//! Part of the `genesys` layer. The plan is resolved; the only values filled in here are the
//! IDs and dates Genesys Cloud assigns to what this apply creates. Versioned writes (the
//! integration config, an action, its draft) re-read the version and retry on 409, a bounded
//! number of times; 429/5xx are the client's (`client`).

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Client, GenesysError};
use crate::core::genesys::{
    ActionRef, CredentialRef, DesiredAction, GenesysOp, GenesysPlan, IntegrationRef, Ledger,
    CREDENTIAL_FIELD, CREDENTIAL_TYPE, ENABLED, INTEGRATION_TYPE,
};

/// How many times a versioned write re-reads the version after a 409.
const CONFLICT_RETRIES: u32 = 5;

/// What this apply created, for the ops after it.
#[derive(Debug, Default)]
struct Created {
    integration: Option<String>,
    /// (ID, modifiedDate) of the credential this apply created or rewrote.
    credential: Option<(String, String)>,
    actions: BTreeMap<String, String>,
}

/// What an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenesysOutcome {
    /// Write requests that succeeded (a draft update counts three).
    pub writes: usize,
    /// Versioned writes retried after a 409, as `PUT /api/v2/…`.
    pub conflicts: Vec<String>,
}

/// Runs the plan; `progress(i, op)` before each op.
pub async fn apply(
    client: &Client,
    plan: &GenesysPlan,
    mut progress: impl FnMut(usize, &GenesysOp),
) -> Result<GenesysOutcome, GenesysError> {
    let mut created = Created::default();
    let mut outcome = GenesysOutcome::default();
    for (i, op) in plan.ops.iter().enumerate() {
        progress(i, op);
        run(client, op, &mut created, &mut outcome).await?;
        outcome.writes += op.calls();
    }
    Ok(outcome)
}

fn credential_body(name: &str, role_arn: &str) -> Value {
    json!({"name": name, "type": {"name": CREDENTIAL_TYPE}, "credentialFields": {CREDENTIAL_FIELD: role_arn}})
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

async fn run(
    client: &Client,
    op: &GenesysOp,
    created: &mut Created,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    use GenesysOp::*;
    match op {
        CreateCredential { name, role_arn } => {
            let v = client
                .send(
                    Method::POST,
                    "/api/v2/integrations/credentials",
                    Some(&credential_body(name, role_arn)),
                )
                .await?;
            created.credential = Some((s(&v["id"]), s(&v["modifiedDate"])));
        }
        UpdateCredential {
            id, name, role_arn, ..
        } => {
            let v = client
                .send(
                    Method::PUT,
                    &format!("/api/v2/integrations/credentials/{id}"),
                    Some(&credential_body(name, role_arn)),
                )
                .await?;
            created.credential = Some((id.clone(), s(&v["modifiedDate"])));
        }
        CreateIntegration { name } => {
            let body = json!({"name": name, "integrationType": {"id": INTEGRATION_TYPE}});
            let v = client
                .send(Method::POST, "/api/v2/integrations", Some(&body))
                .await?;
            created.integration = Some(s(&v["id"]));
        }
        CreateAction {
            action,
            category,
            integration,
        } => {
            let mut body = action_body(action, category);
            body["integrationId"] = json!(integration_id(integration, created, op)?);
            let v = client
                .send(Method::POST, "/api/v2/integrations/actions", Some(&body))
                .await?;
            created.actions.insert(action.name.clone(), s(&v["id"]));
        }
        UpdateAction {
            id,
            version,
            action,
            category,
            ..
        } => update_action(client, id, *version, action, category, outcome).await?,
        UpdateActionDraft {
            id,
            action,
            category,
            ..
        } => update_via_draft(client, id, action, category, outcome).await?,
        DeleteAction { id, .. } => {
            client
                .send(
                    Method::DELETE,
                    &format!("/api/v2/integrations/actions/{id}"),
                    None,
                )
                .await?;
        }
        PutConfig { .. } => put_config(client, op, created, outcome).await?,
        Enable { integration, .. } => {
            let id = integration_id(integration, created, op)?;
            client
                .send(
                    Method::PATCH,
                    &format!("/api/v2/integrations/{id}"),
                    Some(&json!({"intendedState": ENABLED})),
                )
                .await?;
        }
        DeleteIntegration { id, .. } => {
            client
                .send(Method::DELETE, &format!("/api/v2/integrations/{id}"), None)
                .await?;
        }
        DeleteCredential { id, .. } => {
            client
                .send(
                    Method::DELETE,
                    &format!("/api/v2/integrations/credentials/{id}"),
                    None,
                )
                .await?;
        }
    }
    Ok(())
}

fn integration_id(
    r: &IntegrationRef,
    created: &Created,
    op: &GenesysOp,
) -> Result<String, GenesysError> {
    match r {
        IntegrationRef::Existing(id) => Ok(id.clone()),
        IntegrationRef::Created => {
            created
                .integration
                .clone()
                .ok_or_else(|| GenesysError::Decode {
                    method: "apply".into(),
                    path: format!("{op:?}"),
                    message: "the integration this apply should have created is missing".into(),
                })
        }
    }
}

/// `PostActionInput` (and the `config`/`contract` of the update inputs).
pub fn action_body(a: &DesiredAction, category: &str) -> Value {
    json!({
        "name": a.name,
        "category": category,
        "secure": false,
        "config": action_config(a),
        "contract": {
            "input": {"inputSchema": a.input_schema},
            "output": {"successSchema": a.output_schema},
        },
    })
}

fn action_config(a: &DesiredAction) -> Value {
    json!({
        "request": {
            "requestUrlTemplate": a.function_arn,
            "requestType": "POST",
            "headers": {},
            "requestTemplate": a.request_template,
        },
        "response": {
            "translationMap": {},
            "translationMapDefaults": {},
            "successTemplate": a.success_template,
        },
        "timeoutSeconds": a.timeout_seconds,
    })
}

fn is_conflict(e: &GenesysError) -> bool {
    e.status() == Some(409)
}

async fn update_action(
    client: &Client,
    id: &str,
    version: i64,
    a: &DesiredAction,
    category: &str,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    let path = format!("/api/v2/integrations/actions/{id}");
    let body = |version: &Value| json!({"name": a.name, "category": category, "config": action_config(a), "version": version});
    versioned_write(
        client,
        Method::PATCH,
        &path,
        &path,
        json!(version),
        body,
        outcome,
    )
    .await
    .map(drop)
}

/// A contract change keeps the action's ID: create the draft (or reuse one that exists),
/// patch it with its version, publish it with its version.
async fn update_via_draft(
    client: &Client,
    id: &str,
    a: &DesiredAction,
    category: &str,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    let draft = format!("/api/v2/integrations/actions/{id}/draft");
    let d = match client.send(Method::POST, &draft, None).await {
        Err(e) if is_conflict(&e) => {
            // A draft exists already (someone's unpublished edit): lambda-trust's content
            // replaces it, as it replaces any other drift.
            outcome.conflicts.push(format!("POST {draft}"));
            client.get(&draft).await?
        }
        other => other?,
    };
    let content = action_body(a, category);
    let body = |version: &Value| {
        let mut body = content.clone();
        body["version"] = version.clone();
        body
    };
    let d = versioned_write(
        client,
        Method::PATCH,
        &draft,
        &draft,
        d["version"].clone(),
        body,
        outcome,
    )
    .await?;
    let publish = format!("{draft}/publish");
    let body = |version: &Value| json!({"version": version});
    versioned_write(
        client,
        Method::POST,
        &publish,
        &draft,
        d["version"].clone(),
        body,
        outcome,
    )
    .await
    .map(drop)
}

async fn put_config(
    client: &Client,
    op: &GenesysOp,
    created: &Created,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    let GenesysOp::PutConfig {
        integration,
        version,
        name,
        properties,
        advanced,
        credential_key,
        credential,
        role_arn,
        actions,
        ..
    } = op
    else {
        unreachable!("put_config runs PutConfig")
    };
    let id = integration_id(integration, created, op)?;
    let path = format!("/api/v2/integrations/{id}/config/current");
    let (credential_id, modified) = match credential {
        CredentialRef::Existing { id, modified } => (id.clone(), modified.clone()),
        CredentialRef::Written => created.credential.clone().unwrap_or_default(),
    };
    let mut ids: Vec<String> = actions
        .iter()
        .filter_map(|a| match a {
            ActionRef::Existing(id) => Some(id.clone()),
            ActionRef::Created(name) => created.actions.get(name).cloned(),
        })
        .collect();
    ids.sort();
    let ledger = Ledger {
        credential_id: credential_id.clone(),
        credential_modified: modified,
        role_arn: role_arn.clone(),
        actions: ids,
    };
    let version = match version {
        Some(v) => json!(v),
        None => client.get(&path).await?["version"].clone(),
    };
    let notes = ledger.to_notes();
    let body = |version: &Value| {
        json!({
            "name": name,
            "version": version,
            "properties": properties,
            "advanced": advanced,
            "notes": notes,
            "credentials": {credential_key.as_str(): {"id": credential_id}},
        })
    };
    versioned_write(client, Method::PUT, &path, &path, version, body, outcome)
        .await
        .map(drop)
}

/// A write that carries the object's `version`: `body(version)` is sent; on a 409 (someone
/// wrote in between) the version is re-read from `read_path` and the write sent again, at most
/// `CONFLICT_RETRIES` times, each retry recorded in `outcome`.
async fn versioned_write(
    client: &Client,
    method: Method,
    path: &str,
    read_path: &str,
    mut version: Value,
    body: impl Fn(&Value) -> Value,
    outcome: &mut GenesysOutcome,
) -> Result<Value, GenesysError> {
    for attempt in 0.. {
        match client
            .send(method.clone(), path, Some(&body(&version)))
            .await
        {
            Err(e) if is_conflict(&e) && attempt < CONFLICT_RETRIES => {
                outcome.conflicts.push(format!("{method} {path}"));
                version = client.get(read_path).await?["version"].clone();
            }
            other => return other,
        }
    }
    unreachable!("the loop returns")
}
