//! `ids`: one environment's Genesys Cloud IDs, read from its org (nothing written).

use super::events::Events;
use super::live::prepare_live;
use super::settings::Settings;
use crate::error::{Error, Result};
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::{org_ids, OrgIds};

/// Reads the config's side of its org: the integration, credential and actions it names.
pub(crate) async fn ids(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
) -> Result<OrgIds> {
    let (clients, prepared) = prepare_live(settings, events, file).await?;
    let session =
        super::genesys::prepare(&clients, &prepared, settings.verbose, false, events).await?;
    let Some(session) = session else {
        return Err(Error::usage(
            "ids: the config has no [genesys] table",
            "add [genesys] (docs/genesys.md): the IDs are the Genesys Cloud org's",
        ));
    };
    Ok(org_ids(&session.desired, &session.observed))
}
