//! Every Genesys Cloud read: the integration type's credential key, our integration (by name
//! and type), its current config, our credential (listing for `modifiedDate`, GET for the
//! rest), and the actions of our integration with their template texts.
//!
//! Part of the `genesys` layer. Shapes are the Platform API's (Python SDK
//! `purecloudplatformclientv2` models: `IntegrationEntityListing`, `IntegrationConfiguration`,
//! `CredentialInfoCursorListing`, `Credential`, `ActionEntityListing`, `Action`).

use futures::future::try_join_all;
use serde_json::Value;

use super::client::{Client, GenesysError};
use crate::core::genesys::{
    Ledger, ObservedAction, ObservedCredential, ObservedGenesys, ObservedIntegration,
    CREDENTIAL_TYPE, INTEGRATION_TYPE,
};

const PAGE_SIZE: usize = 100;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Reads everything the Genesys side plans from. `integration` is the configured name.
pub async fn observe(client: &Client, integration: &str) -> Result<ObservedGenesys, GenesysError> {
    let list = format!("/api/v2/integrations?integrationType={INTEGRATION_TYPE}");
    let (key, integrations, credentials) = futures::try_join!(
        credential_key(client),
        list_pages(client, &list),
        credential_listing(client),
    )?;
    let matches: Vec<&Value> = integrations
        .iter()
        .filter(|i| i["name"] == integration && i["integrationType"]["id"] == INTEGRATION_TYPE)
        .collect();
    let mut out = ObservedGenesys {
        credential_key: key.clone(),
        matches: matches.iter().map(|i| s(&i["id"])).collect(),
        ..ObservedGenesys::default()
    };
    let [one] = matches.as_slice() else {
        return Ok(out);
    };
    let id = s(&one["id"]);
    let config_path = format!("/api/v2/integrations/{id}/config/current");
    let (config, actions) = futures::try_join!(client.get(&config_path), actions_of(client, &id),)?;
    let i = integration_of(one, &config, &key);
    let wanted = i
        .ledger()
        .map(|l: Ledger| l.credential_id)
        .or_else(|| i.bound_credential.clone());
    if let Some(cid) = wanted.filter(|c| !c.is_empty()) {
        if let Some(listed) = credentials.iter().find(|c| c["id"] == cid.as_str()) {
            out.credential = Some(credential(client, &cid, listed).await?);
        }
    }
    out.integration = Some(i);
    out.actions = actions;
    Ok(out)
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

fn integration_of(listed: &Value, config: &Value, key: &str) -> ObservedIntegration {
    ObservedIntegration {
        id: s(&listed["id"]),
        name: s(&config["name"]),
        intended_state: s(&listed["intendedState"]),
        version: config["version"].as_i64().unwrap_or(0),
        notes: s(&config["notes"]),
        properties: object_or_empty(&config["properties"]),
        advanced: object_or_empty(&config["advanced"]),
        bound_credential: config["credentials"][key]["id"]
            .as_str()
            .map(str::to_string),
    }
}

fn object_or_empty(v: &Value) -> Value {
    if v.is_object() {
        v.clone()
    } else {
        serde_json::json!({})
    }
}

/// Every entity of a page-numbered list (`pageSize`, `pageNumber`, `pageCount`).
async fn list_pages(client: &Client, path: &str) -> Result<Vec<Value>, GenesysError> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let v = client
            .get(&format!(
                "{path}{sep}pageSize={PAGE_SIZE}&pageNumber={page}"
            ))
            .await?;
        out.extend(v["entities"].as_array().cloned().unwrap_or_default());
        let count = v["pageCount"].as_u64().unwrap_or(1);
        if page as u64 >= count {
            return Ok(out);
        }
        page += 1;
    }
}

/// Every credential of the cursor-paged listing (`after` = the last ID, `nextUri`).
async fn credential_listing(client: &Client) -> Result<Vec<Value>, GenesysError> {
    let base = "/api/v2/integrations/credentials/listing?pageSize=200";
    let mut out: Vec<Value> = Vec::new();
    let mut path = base.to_string();
    loop {
        let v = client.get(&path).await?;
        let page = v["entities"].as_array().cloned().unwrap_or_default();
        let last = page.last().map(|c| s(&c["id"]));
        out.extend(page);
        match (v["nextUri"].as_str(), last) {
            (Some(_), Some(last)) => path = format!("{base}&after={last}"),
            _ => return Ok(out),
        }
    }
}

async fn credential(
    client: &Client,
    id: &str,
    listed: &Value,
) -> Result<ObservedCredential, GenesysError> {
    let c = client
        .get(&format!("/api/v2/integrations/credentials/{id}"))
        .await?;
    Ok(ObservedCredential {
        id: id.to_string(),
        name: s(&c["name"]),
        type_name: s(&c["type"]["name"]),
        // Genesys Cloud redacts credential fields; when a field comes back, compare it.
        arn: c["credentialFields"]["ARN"].as_str().map(str::to_string),
        modified_date: listed["modifiedDate"].as_str().map(str::to_string),
    })
}

/// The actions of one integration (the list has no integration filter: filter on the field),
/// with their template texts (the action carries only their URIs).
async fn actions_of(
    client: &Client,
    integration: &str,
) -> Result<Vec<ObservedAction>, GenesysError> {
    let all = list_pages(
        client,
        "/api/v2/integrations/actions?includeConfig=true&expand=contract",
    )
    .await?;
    let ours: Vec<&Value> = all
        .iter()
        .filter(|a| a["integrationId"] == integration)
        .collect();
    try_join_all(ours.into_iter().map(|a| action(client, a))).await
}

async fn action(client: &Client, a: &Value) -> Result<ObservedAction, GenesysError> {
    let id = s(&a["id"]);
    let base = format!("/api/v2/integrations/actions/{id}/templates");
    let (req_path, ok_path) = (
        format!("{base}/requesttemplate.vm"),
        format!("{base}/successtemplate.vm"),
    );
    let (request, success) =
        futures::try_join!(client.get_text(&req_path), client.get_text(&ok_path))?;
    let config = &a["config"];
    Ok(ObservedAction {
        id,
        name: s(&a["name"]),
        category: s(&a["category"]),
        version: a["version"].as_i64().unwrap_or(0),
        secure: a["secure"].as_bool().unwrap_or(false),
        function_arn: s(&config["request"]["requestUrlTemplate"]),
        request_template: request,
        success_template: success,
        timeout_seconds: config["timeoutSeconds"].as_i64().unwrap_or(0),
        input_schema: a["contract"]["input"]["inputSchema"].clone(),
        output_schema: a["contract"]["output"]["successSchema"].clone(),
    })
}
