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
    describe_genesys, plan_genesys, plan_genesys_destroy, DesiredGenesys, GenesysFinding,
    GenesysPlan, ObservedGenesys,
};
use crate::error::Result;
use crate::genesys::audit::{who_changed, Who};
use crate::genesys::client::{endpoints, Client, GenesysError, OAuthClient, Retried};
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
    let observed = observe::observe(&client, &desired).await?;
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
    Ok(observe::observe(&side.client, &side.desired).await?)
}

impl GenesysSide {
    /// Plans the Genesys side. Where the plan would delete or replace an action, asks
    /// Architect dependency tracking which published flows call it (only then), and plans
    /// again knowing; then refuses (unless `force`) to delete an action a flow calls. A refused
    /// lookup is an error naming the permission: nothing has been written on either side.
    pub async fn plan(&mut self, adopt: bool, force: bool) -> Result<GenesysPlan> {
        let (plan, lookup) = self.plan_knowing_consumers(adopt).await?;
        if let Some(e) = lookup {
            return Err(e.into());
        }
        plan.refuse_in_use(force)?;
        Ok(plan)
    }

    /// The plan, and the error of the consumers lookup when it failed (the plan then says the
    /// consumers are unknown).
    async fn plan_knowing_consumers(
        &mut self,
        adopt: bool,
    ) -> Result<(GenesysPlan, Option<GenesysError>)> {
        let plan = plan_genesys(&self.desired, &self.observed, adopt)?;
        match self.learn_consumers(&plan).await {
            Ok(false) => Ok((plan, None)),
            Ok(true) => Ok((plan_genesys(&self.desired, &self.observed, adopt)?, None)),
            Err(e) => Ok((plan, Some(e))),
        }
    }

    /// Asks Architect dependency tracking which published flows call the actions `plan` needs
    /// to know about (only those); true when it learnt something (plan again).
    async fn learn_consumers(&mut self, plan: &GenesysPlan) -> Result<bool, GenesysError> {
        let ids = plan.unknown_consumers();
        if ids.is_empty() {
            return Ok(false);
        }
        let found = observe::consumers(&self.client, &ids).await?;
        self.observed.consumers.extend(found);
        Ok(true)
    }

    /// `destroy`'s plan, knowing which flows call the actions it deletes; refused (unless
    /// `force`) when a flow calls one. Also returns what is kept, with why.
    pub async fn plan_destroy(&mut self, force: bool) -> Result<(GenesysPlan, Vec<String>)> {
        let (plan, _) = plan_genesys_destroy(&self.observed);
        self.learn_consumers(&plan).await?;
        let (plan, kept) = plan_genesys_destroy(&self.observed);
        plan.refuse_in_use(force)?;
        Ok((plan, kept))
    }

    /// `check`'s plan: as if adopting, never refused; when the flows calling an action cannot
    /// be looked up, the plan says they are unknown and the returned note says why.
    pub async fn plan_for_check(&mut self) -> Result<(GenesysPlan, Option<String>)> {
        let (plan, lookup) = self.plan_knowing_consumers(true).await?;
        Ok((plan, lookup.map(|e| crate::error::shown(&e))))
    }

    /// Runs the plan with progress on stderr; returns the writes and prints what was retried.
    pub async fn apply(&self, plan: &GenesysPlan) -> Result<usize> {
        let total = plan.ops.len();
        let outcome = gapply::apply(&self.client, plan, |i, op| {
            let v = describe_genesys(op);
            eprintln!("[genesys {}/{total}] {:?} {}", i + 1, v.action, v.resource);
        })
        .await?;
        let mut retried = outcome.conflicts.clone();
        retried.extend(outcome.resent.iter().cloned());
        self.report_retries(&retried);
        for r in &outcome.recovered {
            eprintln!("Genesys Cloud: the answer to {r} was lost; the object it created was found by name and kept (not created twice)");
        }
        Ok(outcome.writes)
    }

    /// Says which calls were retried (429, 5xx, 409), if any: bounded retries are reported,
    /// never silent. `more`: retries made outside the client (version conflicts, resent creates).
    pub fn report_retries(&self, more: &[Retried]) {
        let stats = self.client.stats();
        let seen = self.reported.swap(stats.retried.len(), Ordering::Relaxed);
        let mut all: Vec<Retried> = stats.retried[seen.min(stats.retried.len())..].to_vec();
        all.extend(more.iter().cloned());
        if !all.is_empty() {
            let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
            for r in &all {
                *counts.entry(r.cause()).or_default() += 1;
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
                    Err(e) => finding.message.push_str(&format!(
                        " — who changed it is unknown: {}",
                        crate::error::shown(&e)
                    )),
                }
            }
            out.push(finding);
        }
        out
    }
}
