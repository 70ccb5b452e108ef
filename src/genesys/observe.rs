//! Every Genesys Cloud read: the signed-in organization's ID, the integration type's credential
//! key, our integration (of our type, by name or by the pinned `integration_id`; a pinned ID
//! the listing does not show is read alone, to say whether it exists), its current config, our
//! credential (from the listing; one GET only when the listing shows it changed), the actions
//! of our integration (from the list; contract and template texts only for an action the
//! ledger cannot vouch for), and the flows that call an action (Architect dependency tracking).
//!
//! Part of the `genesys` layer. Answers are decoded into structs whose fields the tool relies
//! on are required: a missing `entities`, `id` or `version` is an error naming the endpoint,
//! never "nothing exists". Shapes: the Python SDK `purecloudplatformclientv2` models
//! (`IntegrationEntityListing`, `IntegrationConfiguration`, `CredentialInfoCursorListing`,
//! `Credential`, `ActionEntityListing`, `Action`, `ConsumingResourcesEntityListing`).
//!
//! Cost of a read with nothing changed: the token, the integration type, the integrations,
//! the credential listing, the config, and the actions list, one call a page each — not one
//! per action: an action listed at the version the ledger recorded is as lambda-trust left it.

use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::client::Client;
use super::error::GenesysError;
use lambda_trust_model::{
    compare_listed_dates, ledger_role, settled_by_ledger, ActionContract, ActionDef,
    DesiredGenesys, Flow, KnownRole, Ledger, Listed, ObservedAction, ObservedCredential,
    ObservedGenesys, ObservedIntegration, OrgIntegration, OrgRead, RoleFrom, SinceLedger,
    CREDENTIAL_TYPE, INTEGRATION_TYPE,
};

const PAGE_SIZE: usize = 100;
/// Reads of single actions (or their callers) in flight at once.
const CONCURRENCY: usize = 16;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<T> {
    entities: Vec<T>,
    #[serde(default)]
    page_count: Option<u64>,
    #[serde(default)]
    next_uri: Option<String>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListedIntegration {
    id: String,
    #[serde(default)]
    name: Option<String>,
    integration_type: IdRef,
    #[serde(default)]
    intended_state: Option<String>,
}

#[derive(Deserialize)]
struct IdRef {
    id: String,
}

#[derive(Deserialize)]
struct Config {
    name: String,
    version: i64,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    properties: Option<Value>,
    #[serde(default)]
    advanced: Option<Value>,
    #[serde(default)]
    credentials: Option<BTreeMap<String, IdRef>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialInfo {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    modified_date: Option<String>,
    #[serde(rename = "type", default)]
    type_: Option<Named>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Credential {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type")]
    type_: Named,
    #[serde(default)]
    credential_fields: Option<BTreeMap<String, Value>>,
}

/// An action as the list (or `GET …/actions/{id}`) shows it: the [`ActionDef`] (without
/// contract and template texts in the list), its ID, version and integration.
#[derive(Deserialize)]
#[serde(try_from = "Value")]
struct ApiAction {
    integration_id: String,
    action: ObservedAction,
}

impl TryFrom<Value> for ApiAction {
    type Error = serde_json::Error;

    fn try_from(v: Value) -> Result<Self, Self::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Head {
            id: String,
            integration_id: String,
            version: i64,
            #[serde(flatten)]
            def: ActionDef,
        }
        let head = Head::deserialize(v)?;
        Ok(ApiAction {
            integration_id: head.integration_id,
            action: ObservedAction {
                id: head.id,
                version: head.version,
                def: head.def,
            },
        })
    }
}

#[derive(Deserialize)]
struct WithContract {
    contract: ActionContract,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(rename = "type", default)]
    type_: Option<String>,
    #[serde(default)]
    deleted: bool,
}

/// `GET path` decoded as `T`; a shape that does not fit is an error naming the endpoint.
async fn get<T: DeserializeOwned>(client: &Client, path: &str) -> Result<T, GenesysError> {
    let v = client.get(path).await?;
    serde_json::from_value(v).map_err(|e| GenesysError::Decode {
        method: "GET".into(),
        path: path.split('?').next().unwrap_or(path).to_string(),
        message: e.to_string(),
    })
}

/// Reads everything the Genesys side plans from.
pub(crate) async fn observe(
    client: &Client,
    desired: &DesiredGenesys,
) -> Result<ObservedGenesys, GenesysError> {
    let list = format!("/api/v2/integrations?integrationType={INTEGRATION_TYPE}");
    let (key, integrations, credentials) = futures::try_join!(
        credential_key(client),
        list_pages::<ListedIntegration>(client, &list),
        credential_listing(client),
    )?;
    let matches: Vec<&ListedIntegration> = integrations
        .iter()
        .filter(|i| i.integration_type.id == INTEGRATION_TYPE)
        .filter(|i| match &desired.integration_id {
            Some(id) => i.id == *id,
            None => i.name.as_deref() == Some(desired.integration.as_str()),
        })
        .collect();
    let pinned_type = match (&desired.integration_id, matches.as_slice()) {
        (Some(id), []) => type_of(client, id).await?,
        _ => None,
    };
    let mut out = ObservedGenesys {
        pinned_type,
        credential_key: key.clone(),
        matches: matches.iter().map(|i| i.id.clone()).collect(),
        credentials_named: credentials
            .iter()
            .filter(|c| c.name.as_deref() == Some(desired.credential_name.as_str()))
            .map(|c| c.id.clone())
            .collect(),
        ..ObservedGenesys::default()
    };
    let [one] = matches.as_slice() else {
        return Ok(out);
    };
    the_integration(client, desired, (one, &key, credentials), &mut out).await?;
    Ok(out)
}

/// The one matched integration read into `out`: its config and ledger, its credential and its
/// actions (their drafts when asked).
async fn the_integration(
    client: &Client,
    desired: &DesiredGenesys,
    (one, key, credentials): (&ListedIntegration, &str, Vec<CredentialInfo>),
    out: &mut ObservedGenesys,
) -> Result<(), GenesysError> {
    let config_path = format!("/api/v2/integrations/{}/config/current", one.id);
    let (config, listed) = futures::try_join!(
        get::<Config>(client, &config_path),
        list_actions(client, &one.id),
    )?;
    let i = integration_of(one, config, key);
    let ledger = i.ledger();
    let wanted = ledger
        .as_ref()
        .map(|l| l.credential_id.clone())
        .or_else(|| i.bound_credential.clone());
    let listed_credential = wanted
        .filter(|c| !c.is_empty())
        .and_then(|cid| credentials.into_iter().find(|c| c.id == cid));
    let ledger = ledger.unwrap_or_default();
    let (credential, actions) = futures::try_join!(
        async {
            match listed_credential {
                Some(c) => credential(client, c, &ledger).await.map(Some),
                None => Ok(None),
            }
        },
        actions_of(client, desired, &ledger, listed),
    )?;
    out.credential = credential;
    out.integration = Some(i);
    if desired.drafts {
        out.drafts = drafts_of(client, &one.id, &actions).await?;
    }
    out.actions = actions;
    Ok(())
}

/// The drafts of our actions (`[genesys].publish = "draft"` or `apply --publish` only): the
/// drafts list (no contract: a draft keeps the published one), then each draft's templates.
async fn drafts_of(
    client: &Client,
    integration: &str,
    actions: &[ObservedAction],
) -> Result<BTreeMap<String, ObservedAction>, GenesysError> {
    let listed: Vec<ApiAction> = list_pages(
        client,
        "/api/v2/integrations/actions/drafts?includeConfig=true",
    )
    .await?;
    let ours = listed
        .into_iter()
        .filter(|d| d.integration_id == integration);
    let reads = ours.filter_map(|d| {
        let published = actions.iter().find(|a| a.id == d.action.id)?;
        let contract = published.def.contract.clone();
        Some(async move {
            let base = format!("/api/v2/integrations/actions/{}/draft", d.action.id);
            let (req_path, ok_path) = (
                format!("{base}/templates/requesttemplate.vm"),
                format!("{base}/templates/successtemplate.vm"),
            );
            let (request, success) =
                futures::try_join!(client.get_text(&req_path), client.get_text(&ok_path))?;
            let mut draft = d.action;
            draft.def.config.request.request_template = request;
            draft.def.config.response.success_template = success;
            draft.def.contract = contract;
            Ok::<_, GenesysError>((draft.id.clone(), draft))
        })
    });
    futures::stream::iter(reads)
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}

/// The type of the integration `id` (`GET /api/v2/integrations/{id}`), `None` when there is
/// none (404): a pinned ID that the listing of our type did not show.
async fn type_of(client: &Client, id: &str) -> Result<Option<String>, GenesysError> {
    let path = format!("/api/v2/integrations/{id}");
    match get::<ListedIntegration>(client, &path).await {
        Ok(i) => Ok(Some(i.integration_type.id)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The key the integration type binds an `amazonWebServicesARN` credential under.
async fn credential_key(client: &Client) -> Result<String, GenesysError> {
    let t = client
        .get(&format!("/api/v2/integrations/types/{INTEGRATION_TYPE}"))
        .await?;
    let key = t["credentials"].as_object().and_then(|m| {
        m.iter()
            .find(|(_, spec)| {
                spec["credentialTypes"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| t == CREDENTIAL_TYPE))
            })
            .map(|(k, _)| k.clone())
    });
    Ok(key.unwrap_or_default())
}

fn integration_of(listed: &ListedIntegration, config: Config, key: &str) -> ObservedIntegration {
    let object = |v: Option<Value>| {
        v.filter(Value::is_object)
            .unwrap_or_else(|| serde_json::json!({}))
    };
    ObservedIntegration {
        id: listed.id.clone(),
        name: config.name,
        intended_state: listed.intended_state.clone().unwrap_or_default(),
        version: config.version,
        notes: config.notes.unwrap_or_default(),
        properties: object(config.properties),
        advanced: object(config.advanced),
        bound_credential: config
            .credentials
            .and_then(|mut m| m.remove(key))
            .map(|r| r.id),
    }
}

/// Every entity of a page-numbered list (`pageSize`, `pageNumber`, `pageCount`).
async fn list_pages<T: DeserializeOwned>(
    client: &Client,
    path: &str,
) -> Result<Vec<T>, GenesysError> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let p: Page<T> = get(
            client,
            &format!("{path}{sep}pageSize={PAGE_SIZE}&pageNumber={page}"),
        )
        .await?;
        out.extend(p.entities);
        if page as u64 >= p.page_count.unwrap_or(1) {
            return Ok(out);
        }
        page += 1;
    }
}

/// Every credential of the cursor-paged listing (`after` = the last ID, `nextUri`).
async fn credential_listing(client: &Client) -> Result<Vec<CredentialInfo>, GenesysError> {
    let base = "/api/v2/integrations/credentials/listing?pageSize=200";
    let mut out: Vec<CredentialInfo> = Vec::new();
    let mut path = base.to_string();
    loop {
        let p: Page<CredentialInfo> = get(client, &path).await?;
        let last = p.entities.last().map(|c| c.id.clone());
        out.extend(p.entities);
        match (p.next_uri, last) {
            (Some(_), Some(last)) => path = format!("{base}&after={last}"),
            _ => return Ok(out),
        }
    }
}

/// Whether the listed credential is the ledger's, unchanged since lambda-trust wrote it. When
/// the listing shows only the second of that write (`Listed::SameSecond`), the audit trail
/// decides: a change by anyone but lambda-trust's OAuth client in or after that second is a
/// change; a trail that cannot be read leaves it unknown.
async fn since_ledger(
    client: &Client,
    listed: &CredentialInfo,
    ledger: &Ledger,
) -> Result<SinceLedger, GenesysError> {
    let recorded = &ledger.credential_modified;
    let compared = (listed.modified_date.as_deref()).map(|d| compare_listed_dates(d, recorded));
    match (listed.id == ledger.credential_id, compared) {
        (true, Some(Listed::Unchanged)) => Ok(SinceLedger::Unchanged),
        (true, Some(Listed::SameSecond)) => changed_after(client, &listed.id, recorded).await,
        _ => Ok(SinceLedger::Changed),
    }
}

/// What the audit trail says of the credential since the second of `written`.
pub(crate) async fn changed_after(
    client: &Client,
    id: &str,
    written: &str,
) -> Result<SinceLedger, GenesysError> {
    use super::audit::{who_changed, Who};
    let instant = |d: &str| chrono::DateTime::parse_from_rfc3339(d).ok();
    Ok(
        match who_changed(client, client.oauth_id(), "Credential", id).await? {
            Who::Unknown => SinceLedger::Unchanged,
            // A change before the write (both Genesys Cloud's clock, to the millisecond where
            // the write's time has them; a write recorded to the second counts its whole
            // second) is not one since.
            Who::Changed { when, .. }
                if matches!((instant(&when), instant(written)), (Some(w), Some(x)) if w < x) =>
            {
                SinceLedger::Unchanged
            }
            Who::Changed { .. } => SinceLedger::Changed,
            Who::NotPermitted(e) => SinceLedger::Unknown(format!(
                "its listing shows only the second lambda-trust wrote it in, and the audit trail that would tell an edit in that second is not readable ({e}); grant the OAuth client audits:audit:view"
            )),
        },
    )
}

/// The credential from the listing; `GET …/credentials/{id}` only when the listing does not
/// show it as lambda-trust last wrote it (then its fields may say more).
async fn credential(
    client: &Client,
    listed: CredentialInfo,
    ledger: &Ledger,
) -> Result<ObservedCredential, GenesysError> {
    let since_ledger = since_ledger(client, &listed, ledger).await?;
    let unchanged = since_ledger == SinceLedger::Unchanged;
    let mut c = ObservedCredential {
        id: listed.id.clone(),
        name: listed.name.unwrap_or_default(),
        type_name: listed.type_.map(|t| t.name).unwrap_or_default(),
        arn: None,
        modified_date: listed.modified_date,
        since_ledger,
    };
    if unchanged && !c.type_name.is_empty() {
        return Ok(c);
    }
    let full: Credential = get(
        client,
        &format!("/api/v2/integrations/credentials/{}", listed.id),
    )
    .await?;
    c.name = full.name.unwrap_or(c.name);
    c.type_name = full.type_.name;
    c.arn = full
        .credential_fields
        .and_then(|f| {
            f.get(super::CREDENTIAL_FIELD)
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .filter(|v| is_clear_arn(v));
    Ok(c)
}

/// Genesys Cloud redacts credential fields (masked or absent): a value that is not an ARN in
/// clear is unknown, never a mismatch.
fn is_clear_arn(v: &str) -> bool {
    v.starts_with("arn:") && !v.contains('*')
}

/// Every action of the org (the list has no integration filter and no `expand`), with config.
async fn list_actions(
    client: &Client,
    integration: &str,
) -> Result<Vec<ObservedAction>, GenesysError> {
    let all: Vec<ApiAction> =
        list_pages(client, "/api/v2/integrations/actions?includeConfig=true").await?;
    Ok(all
        .into_iter()
        .filter(|a| a.integration_id == integration)
        .map(|a| a.action)
        .collect())
}

/// The actions of our integration: settled from the ledger where it vouches for them, read in
/// full (contract and templates) where it does not.
async fn actions_of(
    client: &Client,
    desired: &DesiredGenesys,
    ledger: &Ledger,
    listed: Vec<ObservedAction>,
) -> Result<Vec<ObservedAction>, GenesysError> {
    futures::stream::iter(listed.into_iter().map(|a| async move {
        match settled_by_ledger(desired, ledger, &a) {
            Some(o) => Ok(o),
            None => read_action(client, a).await,
        }
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await
}

/// `GET …/actions/{id}?expand=contract` and the two template texts.
async fn read_action(client: &Client, a: ObservedAction) -> Result<ObservedAction, GenesysError> {
    let base = format!("/api/v2/integrations/actions/{}", a.id);
    let (req_path, ok_path, full_path) = (
        format!("{base}/templates/requesttemplate.vm"),
        format!("{base}/templates/successtemplate.vm"),
        format!("{base}?expand=contract"),
    );
    let (full, request, success) = futures::try_join!(
        get::<WithContract>(client, &full_path),
        client.get_text(&req_path),
        client.get_text(&ok_path)
    )?;
    let mut action = a;
    action.def.config.request.request_template = request;
    action.def.config.response.success_template = success;
    action.def.contract = full.contract;
    Ok(action)
}

/// The permission Architect dependency tracking needs.
pub(crate) const DEPENDENCY_PERMISSION: &str = "architect:dependencyTracking:view";

/// The published flows that call each action (Architect dependency tracking,
/// `GET /api/v2/architect/dependencytracking/consumingresources`), concurrently.
pub(crate) async fn consumers(
    client: &Client,
    ids: &[String],
) -> Result<BTreeMap<String, Vec<Flow>>, GenesysError> {
    let found: Vec<(String, Vec<Flow>)> = futures::stream::iter(ids.iter().map(|id| async move {
        let path = format!(
            "/api/v2/architect/dependencytracking/consumingresources?id={id}&objectType=DATAACTION&flowFilter=published"
        );
        let deps: Vec<Dependency> = list_pages(client, &path).await.map_err(|e| match e {
            GenesysError::Api { status: 403, .. } => GenesysError::Permission {
                permission: DEPENDENCY_PERMISSION,
                what: "which Architect flows call a data action".into(),
                message: e.to_string(),
            },
            e => e,
        })?;
        let flows = deps
            .into_iter()
            .filter(|d| !d.deleted)
            .map(|d| Flow {
                name: d.name.unwrap_or_else(|| d.id.clone()),
                id: d.id,
                flow_type: d.type_.unwrap_or_default(),
                version: d.version.unwrap_or_default(),
            })
            .collect();
        Ok::<_, GenesysError>((id.clone(), flows))
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await?;
    Ok(found.into_iter().collect())
}

/// The credentials listed with `name`: (ID, `modifiedDate`). For a create whose answer was
/// lost.
pub(crate) async fn credentials_named(
    client: &Client,
    name: &str,
) -> Result<Vec<(String, Option<String>)>, GenesysError> {
    Ok(credential_listing(client)
        .await?
        .into_iter()
        .filter(|c| c.name.as_deref() == Some(name))
        .map(|c| (c.id, c.modified_date))
        .collect())
}

/// The signed-in organization's ID (`GET /api/v2/organizations/me`, the SDK's
/// `OrganizationApi.get_organizations_me`, which needs no permission): the external ID Genesys
/// Cloud sends when it assumes the role.
pub(crate) async fn organization_id(client: &Client) -> Result<String, GenesysError> {
    #[derive(Deserialize)]
    struct Organization {
        id: String,
    }
    Ok(get::<Organization>(client, "/api/v2/organizations/me")
        .await?
        .id)
}

/// How many actions the organization has (the list's `total`, one call of one entry).
pub(crate) async fn action_count(client: &Client) -> Result<u64, GenesysError> {
    let v = client
        .get("/api/v2/integrations/actions?pageSize=1&pageNumber=1")
        .await?;
    Ok(v["total"].as_u64().unwrap_or(0))
}

/// Every integration of our type: (ID, name), in the listing's order.
pub(crate) async fn integrations(client: &Client) -> Result<Vec<(String, String)>, GenesysError> {
    let list = format!("/api/v2/integrations?integrationType={INTEGRATION_TYPE}");
    Ok(list_pages::<ListedIntegration>(client, &list)
        .await?
        .into_iter()
        .filter(|i| i.integration_type.id == INTEGRATION_TYPE)
        .map(|i| (i.id, i.name.unwrap_or_default()))
        .collect())
}

/// The IDs of the integrations of our type named `name`. For a create whose answer was lost.
pub(crate) async fn integrations_named(
    client: &Client,
    name: &str,
) -> Result<Vec<String>, GenesysError> {
    let list = format!("/api/v2/integrations?integrationType={INTEGRATION_TYPE}");
    Ok(list_pages::<ListedIntegration>(client, &list)
        .await?
        .into_iter()
        .filter(|i| i.name.as_deref() == Some(name) && i.integration_type.id == INTEGRATION_TYPE)
        .map(|i| i.id)
        .collect())
}

/// The action of `integration` named exactly `name` (the list's `name` filter matches
/// partially): (ID, version). For a create whose answer was lost.
pub(crate) async fn action_named(
    client: &Client,
    name: &str,
    integration: &str,
) -> Result<Option<(String, i64)>, GenesysError> {
    let query = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let path = format!("/api/v2/integrations/actions?includeConfig=true&name={query}");
    Ok(list_pages::<ApiAction>(client, &path)
        .await?
        .into_iter()
        .find(|a| a.action.def.name == name && a.integration_id == integration)
        .map(|a| (a.action.id, a.action.version)))
}

/// An action named `name` in another integration than `ours` (`None`: ours is not created
/// yet): Genesys Cloud keeps action names unique in an organization, so a create of that name
/// would be refused. Its ID and its integration's.
pub(crate) async fn action_named_elsewhere(
    client: &Client,
    name: &str,
    ours: Option<&str>,
) -> Result<Option<(String, String)>, GenesysError> {
    let query = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let path = format!("/api/v2/integrations/actions?includeConfig=true&name={query}");
    Ok(list_pages::<ApiAction>(client, &path)
        .await?
        .into_iter()
        .find(|a| a.action.def.name == name && Some(a.integration_id.as_str()) != ours)
        .map(|a| (a.action.id, a.integration_id)))
}

/// `audit --genesys`'s read: the organization's ID and every integration of our type with its
/// actions (one list of the organization's actions, with config) and the role its credential
/// holds where that can be known — the credential's `ARN` in clear (one GET per integration's
/// credential), else lambda-trust's ledger when the bound credential is unchanged since it
/// wrote it. Per integration one more call: its config.
pub(crate) async fn organization(client: &Client) -> Result<OrgRead, GenesysError> {
    let list = format!("/api/v2/integrations?integrationType={INTEGRATION_TYPE}");
    let all_actions = "/api/v2/integrations/actions?includeConfig=true";
    let (organization, key, integrations, credentials, actions) = futures::try_join!(
        organization_id(client),
        credential_key(client),
        list_pages::<ListedIntegration>(client, &list),
        credential_listing(client),
        list_pages::<ApiAction>(client, all_actions),
    )?;
    let mut out = OrgRead {
        organization,
        integrations: Vec::new(),
    };
    let ours = integrations
        .iter()
        .filter(|i| i.integration_type.id == INTEGRATION_TYPE);
    for listed in ours {
        let path = format!("/api/v2/integrations/{}/config/current", listed.id);
        let i = integration_of(listed, get::<Config>(client, &path).await?, &key);
        let bound = credentials
            .iter()
            .find(|c| Some(&c.id) == i.bound_credential.as_ref());
        let modified = bound.and_then(|c| c.modified_date.as_deref());
        let in_clear = match &i.bound_credential {
            Some(id) if !id.is_empty() => credential_arn(client, id).await?,
            _ => None,
        };
        let role = match in_clear {
            Some(arn) => Some(KnownRole {
                arn,
                from: RoleFrom::Credential,
            }),
            None => ledger_role(&i.notes, i.bound_credential.as_deref(), modified).map(|arn| {
                KnownRole {
                    arn,
                    from: RoleFrom::Ledger,
                }
            }),
        };
        out.integrations.push(OrgIntegration {
            actions: (actions.iter())
                .filter(|a| a.integration_id == i.id)
                .map(|a| a.action.clone())
                .collect(),
            id: i.id,
            name: i.name,
            role,
        });
    }
    Ok(out)
}

/// The `ARN` field of credential `id` when Genesys Cloud returns it in clear (it usually
/// redacts it); a credential that is gone (404) has none.
async fn credential_arn(client: &Client, id: &str) -> Result<Option<String>, GenesysError> {
    let full =
        match get::<Credential>(client, &format!("/api/v2/integrations/credentials/{id}")).await {
            Ok(c) => c,
            Err(e) if e.status() == Some(404) => return Ok(None),
            Err(e) => return Err(e),
        };
    Ok(full
        .credential_fields
        .and_then(|f| {
            f.get(super::CREDENTIAL_FIELD)
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .filter(|v| is_clear_arn(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_without_entities_or_an_action_without_a_version_does_not_decode() {
        // "Nothing exists" is never read into a missing field: that would lead to duplicates.
        assert!(
            serde_json::from_value::<Page<ApiAction>>(serde_json::json!({"pageCount": 1})).is_err()
        );
        let action = serde_json::json!({"id": "a", "name": "n", "integrationId": "i",
            "config": {"request": {"requestUrlTemplate": "arn"}}});
        assert!(serde_json::from_value::<ApiAction>(action.clone()).is_err());
        let mut with_version = action;
        with_version["version"] = 3.into();
        assert!(serde_json::from_value::<ApiAction>(with_version).is_ok());
    }

    #[test]
    fn a_masked_credential_field_is_unknown() {
        assert!(is_clear_arn("arn:aws:iam::111122223333:role/R"));
        assert!(!is_clear_arn("********"));
        assert!(!is_clear_arn("arn:aws:iam::1111****3333:role/R"));
    }
}
