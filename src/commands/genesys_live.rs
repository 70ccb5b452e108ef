//! The Genesys Cloud half of the live commands, shared by plan, apply, check, verify,
//! onboard/offboard and destroy: find the OAuth client (environment, else the Secrets Manager
//! secret), sign in, read, plan, apply, and say who changed what.
//!
//! Part of the `commands` layer. Signing in and reading happen in the read phase, before any
//! AWS write, so bad credentials cost nothing on either side.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::aws::prepare::Prepared;
use crate::aws::Clients;
use crate::core::genesys::{
    describe_genesys, plan_genesys, DesiredGenesys, GenesysFinding, GenesysPlan, ObservedGenesys,
};
use crate::error::Result;
use crate::genesys::audit::{who_changed, Who};
use crate::genesys::client::{endpoints, Client, GenesysError, OAuthClient};
use crate::genesys::{apply as gapply, observe};

/// Everything a command needs of the Genesys side.
pub struct GenesysSide {
    pub client: Client,
    /// Retries already reported (the client's count is cumulative).
    reported: AtomicUsize,
    pub oauth_id: String,
    pub desired: DesiredGenesys,
    pub observed: ObservedGenesys,
}

/// The OAuth client: the environment first, else `[genesys].oauth_secret` (whose `base_url`,
/// when present, must agree with the configured API URL).
async fn oauth(clients: &Clients, secret: Option<&str>, api_url: &str) -> Result<OAuthClient> {
    if let Some(c) = OAuthClient::from_env() {
        return Ok(c);
    }
    let Some(secret) = secret else {
        return Err(GenesysError::NoClient.into());
    };
    let text = crate::aws::secrets::read_secret(clients, secret).await?;
    let (client, base_url) = OAuthClient::from_secret_json(&text, secret)?;
    if let Some(base) = base_url {
        if base.trim_end_matches('/') != api_url {
            return Err(GenesysError::RegionMismatch {
                base_url: base,
                api_url: api_url.to_string(),
            }
            .into());
        }
    }
    Ok(client)
}

/// Signs in and reads the Genesys side; `None` without `[genesys]`.
pub async fn prepare(
    clients: &Clients,
    prepared: &Prepared,
    verbose: bool,
) -> Result<Option<GenesysSide>> {
    let config = &prepared.loaded.config;
    let Some(g) = &config.genesys else {
        return Ok(None);
    };
    let Some(desired) = DesiredGenesys::new(&prepared.loaded, &prepared.desired) else {
        return Ok(None);
    };
    let started = Instant::now();
    let ends = endpoints(g.region.as_deref())?;
    let oauth = oauth(clients, g.oauth_secret.as_deref(), &ends.api_url).await?;
    let client = Client::connect(&ends, &oauth).await?;
    let observed = observe::observe(&client, &desired.integration).await?;
    if verbose {
        eprintln!(
            "read Genesys Cloud state in {:.2}s ({})",
            started.elapsed().as_secs_f64(),
            client.api_url()
        );
    }
    let side = GenesysSide {
        client,
        reported: AtomicUsize::new(0),
        oauth_id: oauth.id,
        desired,
        observed,
    };
    side.report_retries(&[]);
    Ok(Some(side))
}

/// Reads the Genesys side again (after an apply), with the same client.
pub async fn reobserve(side: &GenesysSide) -> Result<ObservedGenesys> {
    Ok(observe::observe(&side.client, &side.desired.integration).await?)
}

impl GenesysSide {
    pub fn plan(&self, adopt: bool) -> Result<GenesysPlan> {
        Ok(plan_genesys(&self.desired, &self.observed, adopt)?)
    }

    /// Runs the plan with progress on stderr; returns the writes and prints what was retried.
    pub async fn apply(&self, plan: &GenesysPlan) -> Result<usize> {
        let total = plan.ops.len();
        let outcome = gapply::apply(&self.client, plan, |i, op| {
            let v = describe_genesys(op);
            eprintln!("[genesys {}/{total}] {:?} {}", i + 1, v.action, v.resource);
        })
        .await?;
        self.report_retries(&outcome.conflicts);
        Ok(outcome.writes)
    }

    /// Says which calls were retried (429, 5xx, 409), if any: bounded retries are reported,
    /// never silent.
    pub fn report_retries(&self, conflicts: &[String]) {
        let stats = self.client.stats();
        let seen = self.reported.swap(stats.retried.len(), Ordering::Relaxed);
        let mut all: Vec<String> = stats.retried[seen.min(stats.retried.len())..].to_vec();
        all.extend(conflicts.iter().map(|c| format!("409 {c}")));
        if !all.is_empty() {
            let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
            for r in &all {
                let status = r.split(' ').next().unwrap_or("?").to_string();
                *counts.entry(status).or_default() += 1;
            }
            let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
            eprintln!(
                "Genesys Cloud: {} call(s) retried ({})",
                all.len(),
                summary.join(", ")
            );
        }
    }

    /// Adds "changed by … at …" to each finding from the audit trail; a refused query is said
    /// once, on the first finding, and the rest go on without it.
    pub async fn annotate(
        &self,
        findings: Vec<GenesysFinding>,
    ) -> Vec<crate::core::drift::Finding> {
        let mut refused = false;
        let mut out = Vec::new();
        for f in findings {
            let mut finding = f.finding;
            if let (Some((kind, id)), false) = (&f.entity, refused) {
                match who_changed(&self.client, &self.oauth_id, kind, id).await {
                    Ok(Who::Changed { who, when, action }) => finding
                        .message
                        .push_str(&format!(" — {action} by {who} at {when} (audit trail)")),
                    Ok(Who::Unknown) => {}
                    Ok(Who::NotPermitted(why)) => {
                        refused = true;
                        finding.message.push_str(&format!(
                            " — who changed it is unknown: the audit query was refused ({why}); give the OAuth client audits:audit:view"
                        ));
                    }
                    Err(e) => finding
                        .message
                        .push_str(&format!(" — who changed it is unknown: {e}")),
                }
            }
            out.push(finding);
        }
        out
    }
}
