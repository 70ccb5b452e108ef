//! `audit --genesys`'s workflow: signs in to Genesys Cloud as `plan`/`check` do (the OAuth
//! client from the environment, else `[genesys].oauth_secret` of `--config`; the region by the
//! same rule), reads the organization's `aws-lambda-data-actions` integrations and their actions
//! (`genesys::observe::organization`), and has `lambda_trust_audit::judge_genesys` say, on each role
//! the audit proved, what every action choosing its function at run time can reach.
//!
//! Reads only. When Genesys Cloud cannot be read the report says why and every AWS finding
//! stands; the exit code stays the AWS audit's.

use super::events::Events;
use super::settings::Settings;
use crate::aws::Clients;
use crate::error::Result;
use crate::event::Read;
use crate::genesys::client::{Client, Retries};
use crate::genesys::credentials::{endpoints, OAuthClient};
use crate::genesys::observe;
use lambda_trust_audit::{judge_genesys, AccountReport};
use lambda_trust_model::OrgRead;

/// Where the Genesys Cloud credentials come from besides the environment: `--config`'s
/// `[genesys]` (its region and its `oauth_secret`), when given.
#[derive(Debug, Clone, Default)]
pub(crate) struct GenesysSource {
    pub region: Option<String>,
    pub oauth_secret: Option<String>,
}

impl GenesysSource {
    /// From `--config`'s `[genesys]`, when there is one.
    pub(crate) fn of(config: Option<&lambda_trust_config::GenesysConfig>) -> GenesysSource {
        GenesysSource {
            region: config.and_then(|g| g.region.clone()),
            oauth_secret: config.and_then(|g| g.oauth_secret.clone()),
        }
    }
}

/// Reads the organization and adds what its dynamic actions reach to `report` (or why it
/// could not be read).
pub(crate) async fn add_reach(
    settings: &Settings,
    events: &dyn Events,
    source: &GenesysSource,
    report: &mut AccountReport,
) {
    let read = events.reading(Read::GenesysIntegrations, read(settings, events, source));
    let read = read.await;
    judge_genesys(report, read.map_err(|e| e.human()));
}

async fn read(settings: &Settings, events: &dyn Events, source: &GenesysSource) -> Result<OrgRead> {
    let (oauth, ends) = match OAuthClient::from_env() {
        Some(c) => (c, endpoints(source.region.as_deref())?),
        None => {
            let clients = Clients::connect(&settings.aws_for(None))
                .await?
                .reporting(events.retries());
            let secret = source.oauth_secret.as_deref();
            super::genesys::sign_in_parts(&clients, secret, source.region.as_deref()).await?
        }
    };
    let retries = Retries {
        max_attempts: settings.aws.max_attempts,
        timeout: settings.aws.timeout(),
        progress: events.retries(),
    };
    let client = Client::connect(&ends, &oauth, retries).await?;
    Ok(observe::organization(&client).await?)
}
