//! The Genesys Cloud half of the live workflows, shared by plan, apply, check, verify,
//! onboard/offboard and destroy: find the OAuth client (environment, else the Secrets Manager
//! secret — the one step that needs `aws/`, so it is here, above both adapters), sign in and
//! read into a `genesys::Session` (which plans), and write a plan, each write an event.
//!
//! Signing in and reading happen in the read phase, before any AWS write, so bad credentials
//! cost nothing on either side.

use std::time::Instant;

use super::events::{Event, Events};
use crate::aws::Clients;
use crate::error::Result;
use crate::event::Note;
use crate::genesys::client::{Client, Retried, Retries};
use crate::genesys::credentials::{endpoints, OAuthClient};
use crate::genesys::error::GenesysError;
use crate::genesys::{apply as genesys_apply, observe, Session};
use lambda_trust_config::{Endpoints, RegionError};
use lambda_trust_model::DesiredGenesys;
use lambda_trust_provision::Prepared;
use lambda_trust_provision::{describe_genesys, test_verdict, Check, CheckId, GenesysPlan, Side};

/// `--test-actions`: one check per desired action, its test run through Genesys Cloud judged by
/// `lambda_trust_provision::test_verdict` (the answer against the output contract, `expect`, error
/// payloads, the timing beside the timeout). One run at a time: each invokes a function.
pub(crate) async fn test_runs(side: &Session) -> Result<Vec<Check>> {
    let mut checks = Vec::new();
    for d in &side.desired.actions {
        let action = side
            .observed
            .actions
            .iter()
            .find(|a| a.def.name == d.def.name);
        let (passed, detail) = match action {
            Some(a) => {
                let run =
                    crate::genesys::test_run::test_action(&side.client, &a.id, &d.sample_input)
                        .await?;
                test_verdict(d, &run)
            }
            None => (false, "the action does not exist".to_string()),
        };
        checks.push(Check {
            code: CheckId::GenesysTestRun,
            name: format!("genesys: test run of action {:?}", d.def.name),
            passed,
            detail,
        });
    }
    Ok(checks)
}

/// The OAuth client and the org's endpoints: the client from the environment first, else
/// `[genesys].oauth_secret`; the endpoints from the region (the environment's, else
/// `region`), else from the secret's `base_url` alone — so each environment's secret reaches
/// its own org. A `base_url` must agree with a region given too.
pub(super) async fn sign_in_parts(
    clients: &Clients,
    secret: Option<&str>,
    region: Option<&str>,
) -> Result<(OAuthClient, Endpoints)> {
    let (client, base_url) = match (OAuthClient::from_env(), secret) {
        (Some(c), _) => (c, None),
        (None, None) => return Err(GenesysError::NoClient.into()),
        (None, Some(secret)) => {
            let text = crate::aws::secrets::read_secret(clients, secret).await?;
            OAuthClient::from_secret_json(&text, secret).map_err(GenesysError::from)?
        }
    };
    let base = base_url.as_deref().map(|b| b.trim_end_matches('/'));
    let ends = match (endpoints(region), base) {
        (Err(RegionError::Missing), Some(base)) => from_base_url(base)?,
        (ends, _) => ends?,
    };
    if let Some(base) = base.filter(|b| *b != ends.api_url) {
        return Err(GenesysError::RegionMismatch {
            base_url: base.to_string(),
            api_url: ends.api_url.clone(),
        }
        .into());
    }
    Ok((client, ends))
}

/// The endpoints of a secret's `base_url`, its region named when the URL is a known one.
fn from_base_url(base: &str) -> Result<Endpoints> {
    let mut ends = lambda_trust_config::resolve_endpoints(None, None, Some(base))?;
    ends.region = (lambda_trust_config::GENESYS_REGIONS.iter())
        .find(|r| r.api_url == ends.api_url)
        .map(|r| r.name.to_string());
    Ok(ends)
}

/// `--only genesys` converges or checks the `[genesys]` table: refused without one.
pub(crate) fn check_only(only: Option<Side>, config: &lambda_trust_config::Config) -> Result<()> {
    if only == Some(Side::Genesys) && config.genesys.is_none() {
        return Err(crate::error::Error::usage(
            "--only genesys: the config has no [genesys] table",
            "add [genesys] (docs/genesys.md), or run without --only",
        ));
    }
    Ok(())
}

/// Signs in and reads the Genesys side; `None` without `[genesys]`. `org`: the signed-in
/// organization's ID is read too (what verifying compares with the external ID).
pub(crate) async fn prepare(
    clients: &Clients,
    prepared: &Prepared,
    verbose: bool,
    org: bool,
    events: &dyn Events,
) -> Result<Option<Session>> {
    match sign_in(clients, &prepared.loaded.config, events).await? {
        Some(mut signed_in) => {
            signed_in.read_org = org;
            read(signed_in, prepared, verbose, events).await
        }
        None => Ok(None),
    }
}

/// A client signed in to the org, before anything of it is read: signing in needs only the
/// config (and AWS for the OAuth secret), so `check` does it while AWS is being read.
pub(crate) struct SignedIn {
    client: Client,
    oauth_id: String,
    /// The region the endpoints came from (the environment's wins over the config's); with
    /// an explicit API URL, the configured one.
    region: Option<String>,
    started: Instant,
    /// Read the signed-in organization's ID with the rest (`verify`, `check`): the external ID
    /// Genesys Cloud sends. Planning and writing do not need it.
    pub(crate) read_org: bool,
}

/// Finds the OAuth client and signs in; `None` without `[genesys]`.
pub(crate) async fn sign_in(
    clients: &Clients,
    config: &lambda_trust_config::Config,
    events: &dyn Events,
) -> Result<Option<SignedIn>> {
    let Some(genesys) = &config.genesys else {
        return Ok(None);
    };
    let started = Instant::now();
    let (oauth, ends) = sign_in_parts(
        clients,
        genesys.oauth_secret.as_deref(),
        genesys.region.as_deref(),
    )
    .await?;
    let retries = Retries {
        max_attempts: clients.max_attempts(),
        timeout: clients.timeout(),
        progress: events.retries(),
    };
    let client = Client::connect(&ends, &oauth, retries).await?;
    Ok(Some(SignedIn {
        client,
        oauth_id: oauth.id,
        region: ends.region.clone(),
        started,
        read_org: false,
    }))
}

/// The ID of the organization `config`'s `[genesys]` signs in to (what Genesys Cloud sends as
/// `sts:ExternalId`); `None` without `[genesys]`.
pub(crate) async fn signed_in_org(
    clients: &Clients,
    config: &lambda_trust_config::Config,
    events: &dyn Events,
) -> Result<Option<String>> {
    match sign_in(clients, config, events).await? {
        Some(signed_in) => Ok(Some(observe::organization_id(&signed_in.client).await?)),
        None => Ok(None),
    }
}

/// Reads the org signed in to against what `prepared` wants of it; `None` when its config
/// has no `[genesys]`.
pub(crate) async fn read(
    signed_in: SignedIn,
    prepared: &Prepared,
    verbose: bool,
    events: &dyn Events,
) -> Result<Option<Session>> {
    let Some(desired) = DesiredGenesys::new(&prepared.loaded, &prepared.desired) else {
        return Ok(None);
    };
    read_desired(signed_in, desired, verbose, events)
        .await
        .map(Some)
}

/// [`read`] against `desired`, however it was resolved (`check`: from the config and the
/// account, while AWS is read).
pub(crate) async fn read_desired(
    signed_in: SignedIn,
    mut desired: DesiredGenesys,
    verbose: bool,
    events: &dyn Events,
) -> Result<Session> {
    let SignedIn {
        client,
        oauth_id,
        region,
        started,
        read_org,
    } = signed_in;
    // The check is never skipped in silence.
    desired.region = region;
    if desired.region.is_none() {
        events.event(Event::Note(Note::RegionNotChecked));
    }
    let org = async {
        match read_org {
            true => observe::organization_id(&client).await.map(Some),
            false => Ok(None),
        }
    };
    let (mut observed, org) = futures::try_join!(observe::observe(&client, &desired), org)?;
    observed.organization_id = org;
    if verbose {
        events.event(Event::ReadTimed {
            what: "Genesys Cloud".into(),
            elapsed: started.elapsed(),
            detail: client.api_url().to_string(),
        });
    }
    let session = Session::new(client, oauth_id, desired, observed);
    report_retries(&session, &[], events);
    Ok(session)
}

impl SignedIn {
    /// The session's client, signed in still, to read again (`read_org` as given).
    pub(crate) fn again(session: Session, read_org: bool) -> SignedIn {
        SignedIn {
            region: session.desired.region.clone(),
            client: session.client,
            oauth_id: session.oauth_id,
            started: Instant::now(),
            read_org,
        }
    }
}

/// Writes the plan, each write an event; returns the writes and says what was retried, and
/// which lost answers were recovered.
pub(crate) async fn apply(
    session: &Session,
    plan: &GenesysPlan,
    events: &dyn Events,
) -> Result<usize> {
    let total = plan.ops.len();
    let outcome = genesys_apply::apply(&session.client, plan, |index, op| {
        events.event(Event::WriteStarted {
            side: Side::Genesys,
            index,
            total,
            change: describe_genesys(op),
        });
    })
    .await?;
    let mut retried = outcome.conflicts.clone();
    retried.extend(outcome.resent.iter().cloned());
    report_retries(session, &retried, events);
    for r in &outcome.recovered {
        events.event(Event::Recovered {
            service: "Genesys Cloud",
            what: r.to_string(),
        });
    }
    Ok(outcome.writes)
}

/// Says which calls were retried since it was last said (429, 5xx, 409), if any: bounded
/// retries are reported, never silent. `more`: retries made outside the client.
fn report_retries(session: &Session, more: &[Retried], events: &dyn Events) {
    let all = session.new_retries(more);
    if all.is_empty() {
        return;
    }
    // Counted by the typed status (a failed connection last), rendered once.
    let mut counts: std::collections::BTreeMap<(bool, Option<u16>), (String, usize)> =
        Default::default();
    for r in &all {
        let entry = counts.entry((r.status.is_none(), r.status));
        entry.or_insert_with(|| (r.cause(), 0)).1 += 1;
    }
    events.event(Event::Retried {
        service: "Genesys Cloud",
        calls: all.len(),
        causes: counts.into_values().collect(),
    });
}
