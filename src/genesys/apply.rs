//! Every Genesys Cloud write: one function per [`GenesysOp`], run in the plan's order.
//!
//! Part of the `genesys` layer. The plan is resolved; the only values filled in here are the
//! IDs, versions and dates Genesys Cloud assigns to what this apply writes. Versioned writes
//! (the integration config, an action) re-read the version and retry on a version conflict, a
//! bounded number of times; 429/5xx of repeatable calls are the client's (`client`). A create
//! whose answer was lost is never sent again blindly: the object is looked for by name first
//! and adopted when the lost answer created it, so no run duplicates an object.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{json, Value};

use serde::Deserialize;

use super::client::{maybe_lost, Client, Retried};
use super::error::GenesysError;
use super::observe;
use lambda_trust_model::{
    ActionDef, ActionRecord, DesiredAction, Ledger, CREDENTIAL_TYPE, ENABLED, INTEGRATION_TYPE,
};
use lambda_trust_provision::{
    ActionRef, ConfigWrite, CredentialRef, GenesysOp, GenesysPlan, IntegrationRef, UpdateVia,
};

/// How many times a versioned write re-reads the version after a 409.
const CONFLICT_RETRIES: u32 = 5;

/// What this apply wrote, for the ops after it.
#[derive(Debug, Default)]
struct Created {
    integration: Option<String>,
    /// (ID, modifiedDate) of the credential this apply created or rewrote.
    credential: Option<(String, String)>,
    /// Action name → (ID, version) of each action this apply created or updated.
    actions: BTreeMap<String, (String, i64)>,
}

/// What an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GenesysOutcome {
    /// Write requests that succeeded.
    pub writes: usize,
    /// Versioned writes retried after a version conflict (409, 408, a stale-version 400).
    pub conflicts: Vec<Retried>,
    /// Creates whose answer was lost and whose object was found by listing (adopted, not
    /// created again), as `POST /api/v2/…`.
    pub recovered: Vec<String>,
    /// Creates sent again after a failure that created nothing (the listing shows no such
    /// object).
    pub resent: Vec<Retried>,
}

/// Runs the plan; `progress(i, op)` before each op.
pub(crate) async fn apply(
    client: &Client,
    plan: &GenesysPlan,
    mut progress: impl FnMut(usize, &GenesysOp),
) -> Result<GenesysOutcome, GenesysError> {
    let mut created = Created::default();
    let mut outcome = GenesysOutcome::default();
    for (i, op) in plan.ops.iter().enumerate() {
        progress(i, op);
        run(client, op, &mut created, &mut outcome).await?;
        outcome.writes += 1;
    }
    Ok(outcome)
}

fn credential_body(name: &str, role_arn: &str) -> Value {
    json!({"name": name, "type": {"name": CREDENTIAL_TYPE}, "credentialFields": {super::CREDENTIAL_FIELD: role_arn}})
}

/// The part of a write's answer the next ops need; missing fields are an error naming the
/// endpoint (never a silent empty ID).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Written {
    id: String,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    modified_date: Option<String>,
}

fn written(v: Value, method: &str, path: &str) -> Result<Written, GenesysError> {
    serde_json::from_value(v).map_err(|e| GenesysError::Decode {
        method: method.into(),
        path: path.into(),
        message: e.to_string(),
    })
}

fn versioned(w: &Written, method: &str, path: &str) -> Result<i64, GenesysError> {
    w.version.ok_or_else(|| GenesysError::Decode {
        method: method.into(),
        path: path.into(),
        message: "the answer carries no version".into(),
    })
}

async fn run(
    client: &Client,
    op: &GenesysOp,
    created: &mut Created,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    use GenesysOp::*;
    match op {
        CreateCredential {
            name,
            role_arn,
            known,
        } => {
            let w = create_credential(client, name, role_arn, known, outcome).await?;
            created.credential = Some((w.id, w.modified_date.unwrap_or_default()));
        }
        UpdateCredential {
            id, name, role_arn, ..
        } => {
            let modified = update_credential(client, id, name, role_arn).await?;
            created.credential = Some((id.clone(), modified));
        }
        CreateIntegration { name } => {
            created.integration = Some(create_integration(client, name, outcome).await?);
        }
        CreateAction {
            action,
            category,
            integration,
            ..
        } => {
            let integration = integration_id(integration, created, op)?;
            let made = create_action(client, action, category, &integration, outcome).await?;
            created.actions.insert(action.def.name.clone(), made);
        }
        UpdateAction {
            id,
            version,
            action,
            category,
            via,
            ..
        } => {
            let def = in_category(action, category);
            let version = update_action(client, id, *version, &def, via, outcome).await?;
            (created.actions).insert(action.def.name.clone(), (id.clone(), version));
        }
        SupersedeAction {
            id,
            version,
            new_name,
            ..
        } => supersede(client, (id, *version, new_name), outcome).await?,
        DeleteAction { id, .. } => delete(client, &format!("{ACTIONS}/{id}")).await?,
        PutConfig(w) => put_config(client, op, w, created, outcome).await?,
        Enable { integration, .. } => {
            let id = integration_id(integration, created, op)?;
            enable(client, &id).await?;
        }
        DeleteIntegration { id, .. } => {
            delete(client, &format!("/api/v2/integrations/{id}")).await?
        }
        DeleteCredential { id, .. } => {
            delete(client, &format!("/api/v2/integrations/credentials/{id}")).await?
        }
    }
    Ok(())
}

/// An action replaced after a contract change: renamed out of the way, kept while flows call
/// it.
async fn supersede(
    client: &Client,
    (id, version, new_name): (&str, i64, &str),
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    let body = |version: &Value| json!({"name": new_name, "version": version});
    patch_action(client, id, version, body, outcome).await?;
    Ok(())
}

/// An action's change written as its plan says: patched, into its draft, or its draft
/// published. Returns the action's version afterwards.
async fn update_action(
    client: &Client,
    id: &str,
    version: i64,
    def: &ActionDef,
    via: &UpdateVia,
    outcome: &mut GenesysOutcome,
) -> Result<i64, GenesysError> {
    // `UpdateActionInput`: the config as a create writes it, defaults written out.
    let config = def.body()["config"].take();
    let body = |version: &Value| json!({"name": def.name, "category": def.category, "config": config, "version": version});
    Ok(match via {
        UpdateVia::Patch => patch_action(client, id, version, body, outcome).await?,
        UpdateVia::Draft { draft } => {
            write_draft(client, id, *draft, body, outcome).await?;
            version
        }
        UpdateVia::Publish { draft } => publish_draft(client, id, *draft, outcome).await?,
    })
}

/// The integration's intended state set to enabled.
async fn enable(client: &Client, id: &str) -> Result<(), GenesysError> {
    client
        .send(
            Method::PATCH,
            &format!("/api/v2/integrations/{id}"),
            Some(&json!({"intendedState": ENABLED})),
        )
        .await?;
    Ok(())
}

const ACTIONS: &str = "/api/v2/integrations/actions";

/// `PATCH …/actions/{id}` with its version (re-read and retried on a conflict); the action's
/// version after the write, from the answer.
async fn patch_action(
    client: &Client,
    id: &str,
    version: i64,
    body: impl Fn(&Value) -> Value,
    outcome: &mut GenesysOutcome,
) -> Result<i64, GenesysError> {
    let path = format!("{ACTIONS}/{id}");
    let v = versioned_write(
        client,
        Method::PATCH,
        &path,
        &path,
        json!(version),
        body,
        outcome,
    )
    .await?;
    versioned(&written(v, "PATCH", &path)?, "PATCH", &path)
}

/// The change written to the action's draft (created from the published action first when
/// there is none): `PATCH …/{id}/draft` with the draft's version. The published action stays.
async fn write_draft(
    client: &Client,
    id: &str,
    draft: Option<i64>,
    body: impl Fn(&Value) -> Value,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    let path = format!("{ACTIONS}/{id}/draft");
    let draft = match draft {
        Some(v) => v,
        None => {
            let v = client.send(Method::POST, &path, Some(&json!({}))).await?;
            versioned(&written(v, "POST", &path)?, "POST", &path)?
        }
    };
    versioned_write(
        client,
        Method::PATCH,
        &path,
        &path,
        json!(draft),
        body,
        outcome,
    )
    .await
    .map(drop)
}

/// `POST …/{id}/draft/publish` of the draft at `draft`: the action's version after it.
async fn publish_draft(
    client: &Client,
    id: &str,
    draft: i64,
    outcome: &mut GenesysOutcome,
) -> Result<i64, GenesysError> {
    let path = format!("{ACTIONS}/{id}/draft/publish");
    let read = format!("{ACTIONS}/{id}/draft");
    let body = |version: &Value| json!({"version": version});
    let v = versioned_write(
        client,
        Method::POST,
        &path,
        &read,
        json!(draft),
        body,
        outcome,
    )
    .await?;
    versioned(&written(v, "POST", &path)?, "POST", &path)
}

/// A delete; a 404 means it is gone already (a retried delete whose first answer was lost, or
/// someone deleted it in between): the planned state holds.
async fn delete(client: &Client, path: &str) -> Result<(), GenesysError> {
    match client.send(Method::DELETE, path, None).await {
        Err(e) if e.status() == Some(404) => Ok(()),
        other => other.map(drop),
    }
}

/// How many times a create whose answer was lost (and whose object the listing does not show)
/// is sent again.
const LOST_CREATE_RETRIES: u32 = 2;

/// A create (`POST`) that never duplicates: when the answer is lost (a 5xx or a dropped
/// connection), `find` lists what exists and adopts the object the lost answer created; only
/// when it is not there is the create sent again, a bounded number of times.
async fn create_once<F, Fut>(
    client: &Client,
    path: &str,
    body: &Value,
    outcome: &mut GenesysOutcome,
    find: F,
) -> Result<Written, GenesysError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Written>, GenesysError>>,
{
    let mut attempt = 0;
    loop {
        match client.send(Method::POST, path, Some(body)).await {
            Ok(v) => return written(v, "POST", path),
            Err(e) if maybe_lost(&e) => {
                if let Some(w) = find().await? {
                    outcome.recovered.push(format!("POST {path}"));
                    return Ok(w);
                }
                if attempt >= LOST_CREATE_RETRIES {
                    return Err(e);
                }
                outcome.resent.push(Retried::new(&e, &Method::POST, path));
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn create_credential(
    client: &Client,
    name: &str,
    role_arn: &str,
    known: &[String],
    outcome: &mut GenesysOutcome,
) -> Result<Written, GenesysError> {
    let body = credential_body(name, role_arn);
    create_once(
        client,
        "/api/v2/integrations/credentials",
        &body,
        outcome,
        || async {
            let listed = observe::credentials_named(client, name).await?;
            Ok(listed
                .into_iter()
                .find(|(id, _)| !known.contains(id))
                .map(|(id, modified_date)| Written {
                    id,
                    version: None,
                    modified_date,
                }))
        },
    )
    .await
}

async fn create_integration(
    client: &Client,
    name: &str,
    outcome: &mut GenesysOutcome,
) -> Result<String, GenesysError> {
    let body = json!({"name": name, "integrationType": {"id": INTEGRATION_TYPE}});
    let w = create_once(client, "/api/v2/integrations", &body, outcome, || async {
        // The plan creates only when no integration of the type has the name: one now is ours.
        let ids = observe::integrations_named(client, name).await?;
        Ok(ids.into_iter().next().map(|id| Written {
            id,
            version: None,
            modified_date: None,
        }))
    })
    .await?;
    Ok(w.id)
}

/// `PUT …/credentials/{id}`: the role ARN written again; the `modifiedDate` of the answer.
async fn update_credential(
    client: &Client,
    id: &str,
    name: &str,
    role_arn: &str,
) -> Result<String, GenesysError> {
    let path = format!("/api/v2/integrations/credentials/{id}");
    let v = client
        .send(Method::PUT, &path, Some(&credential_body(name, role_arn)))
        .await?;
    Ok(written(v, "PUT", &path)?.modified_date.unwrap_or_default())
}

/// Creates (and so publishes) an action in `integration`: its ID and version.
async fn create_action(
    client: &Client,
    action: &DesiredAction,
    category: &str,
    integration: &str,
    outcome: &mut GenesysOutcome,
) -> Result<(String, i64), GenesysError> {
    let mut body = action_body(action, category);
    body["integrationId"] = json!(integration);
    let name = action.def.name.as_str();
    let w = create_once(client, ACTIONS, &body, outcome, || async {
        // Action names are unique, and the plan creates only a name it did not find.
        let found = observe::action_named(client, name, integration).await?;
        Ok(found.map(|(id, version)| Written {
            id,
            version: Some(version),
            modified_date: None,
        }))
    })
    .await?;
    Ok((w.id.clone(), versioned(&w, "POST", ACTIONS)?))
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

/// `PostActionInput` less `integrationId`: the action in `category`.
pub(crate) fn action_body(a: &DesiredAction, category: &str) -> Value {
    in_category(a, category).body()
}

fn in_category(a: &DesiredAction, category: &str) -> ActionDef {
    ActionDef {
        category: category.to_string(),
        ..a.def.clone()
    }
}

/// A version conflict: someone wrote in between. 409 for the integration config and an
/// action; 408; and 400 "Supplied version N does not match latest draft version M", which
/// Genesys Cloud answers for a stale draft version (terraform-provider-genesyscloud issue
/// #1961, whose provider treats the three alike). Re-read the version and retry.
fn is_conflict(e: &GenesysError) -> bool {
    match e {
        GenesysError::Api {
            status: 409 | 408, ..
        } => true,
        GenesysError::Api {
            status: 400,
            message,
            ..
        } => message.contains("does not match latest draft version"),
        _ => false,
    }
}

/// The credential the config binds, and its date as the ledger records it: as read, or as
/// settled after this run wrote it.
async fn credential_written(
    client: &Client,
    credential: &CredentialRef,
    created: &Created,
) -> (String, String) {
    match credential {
        CredentialRef::Existing { id, modified } => (id.clone(), modified.clone()),
        CredentialRef::Written => {
            let (id, written) = created.credential.clone().unwrap_or_default();
            let date = super::settle::settled_date(client, &id, &written).await;
            (id, date)
        }
    }
}

/// The ledger's action records, by ID: those kept as they were, and those this run wrote.
fn ledger_records(actions: &[ActionRef], created: &Created) -> Vec<ActionRecord> {
    let mut records: Vec<ActionRecord> = (actions.iter())
        .filter_map(|a| match a {
            ActionRef::Existing(r) => Some(r.clone()),
            ActionRef::Written {
                name,
                contract,
                config,
            } => created.actions.get(name).map(|(id, version)| ActionRecord {
                id: id.clone(),
                version: Some(*version),
                contract: contract.clone(),
                config: config.clone(),
            }),
        })
        .collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
}

async fn put_config(
    client: &Client,
    op: &GenesysOp,
    w: &ConfigWrite,
    created: &Created,
    outcome: &mut GenesysOutcome,
) -> Result<(), GenesysError> {
    let ConfigWrite {
        integration,
        version,
        name,
        properties,
        advanced,
        credential_key,
        credential,
        role_arn,
        actions,
        superseded,
        deployment,
        ..
    } = w;
    let id = integration_id(integration, created, op)?;
    let path = format!("/api/v2/integrations/{id}/config/current");
    let (credential_id, modified) = credential_written(client, credential, created).await;
    let records = ledger_records(actions, created);
    let ledger = Ledger {
        credential_id: credential_id.clone(),
        credential_modified: modified,
        role_arn: role_arn.clone(),
        actions: records,
        superseded: superseded.clone(),
        deployment: deployment.clone(),
    };
    let version = match version {
        Some(v) => json!(v),
        None => client.get(&path).await?["version"].clone(),
    };
    let notes = ledger.to_notes(&w.notes);
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

/// A write that carries the object's `version`: `body(version)` is sent; on a version
/// conflict ([`is_conflict`]: someone wrote in between) the version is re-read from `read_path` and the write sent again, at most
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
    let mut attempt = 0;
    loop {
        match client
            .send(method.clone(), path, Some(&body(&version)))
            .await
        {
            Err(e) if is_conflict(&e) && attempt < CONFLICT_RETRIES => {
                outcome.conflicts.push(Retried::new(&e, &method, path));
                version = client.get(read_path).await?["version"].clone();
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, message: &str) -> GenesysError {
        GenesysError::Api {
            method: "PATCH".into(),
            path: "/".into(),
            status,
            code: String::new(),
            message: message.into(),
            retry_after: None,
        }
    }

    #[test]
    fn version_conflicts_are_409_408_and_the_stale_draft_400() {
        assert!(is_conflict(&api(409, "")));
        assert!(is_conflict(&api(408, "")));
        assert!(is_conflict(&api(
            400,
            "Supplied version 3 does not match latest draft version 4"
        )));
        assert!(!is_conflict(&api(400, "invalid contract")));
        assert!(!is_conflict(&api(500, "")));
    }

    #[test]
    fn a_write_answer_without_an_id_is_an_error_naming_the_endpoint() {
        let e = written(json!({"name": "x"}), "POST", ACTIONS)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("POST /api/v2/integrations/actions"), "{e}");
        let w = written(json!({"id": "a", "version": 2}), "POST", ACTIONS).unwrap();
        assert_eq!(versioned(&w, "POST", ACTIONS).unwrap(), 2);
        let w = written(json!({"id": "a"}), "PATCH", ACTIONS).unwrap();
        assert!(versioned(&w, "PATCH", ACTIONS).is_err());
    }
}
