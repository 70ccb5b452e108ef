//! `diff`: two environments of one config read live, then compared with their overrides taken
//! out (`crates/provision/src/promotion.rs`). Nothing is written.

use super::events::Events;
use super::live::prepare_live;
use super::settings::Settings;
use crate::aws::Clients;
use crate::error::{Error, Result};
use crate::genesys::Session;
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::Prepared;
use lambda_trust_provision::{Difference, PromotionEnvironment};

/// The two environments compared, and every difference.
pub(crate) struct Compared {
    /// The two environments, as asked.
    pub environments: [String; 2],
    pub differences: Vec<Difference>,
}

/// Reads both environments concurrently (both sides each), then compares them.
pub(crate) async fn diff(
    settings: &Settings,
    events: &dyn Events,
    files: &[ConfigFile],
) -> Result<Compared> {
    let [a, b] = files else {
        return Err(Error::usage(
            "diff compares two environments",
            "pass two: lambda-trust diff --env dev --env prod",
        ));
    };
    let (ra, rb) = futures::join!(read(settings, events, a), read(settings, events, b));
    let ((_, pa), ga) = ra?;
    let ((_, pb), gb) = rb?;
    let names = [name(a), name(b)];
    let (ea, eb) = (
        environment(&names[0], &pa, &ga),
        environment(&names[1], &pb, &gb),
    );
    let differences = lambda_trust_provision::differences(&ea, &eb);
    Ok(Compared {
        environments: names.clone(),
        differences,
    })
}

fn environment<'a>(
    name: &'a str,
    prepared: &'a Prepared,
    genesys: &'a Option<Session>,
) -> PromotionEnvironment<'a> {
    PromotionEnvironment {
        name,
        desired: &prepared.desired,
        observed: &prepared.observed,
        genesys: genesys.as_ref().map(|s| &s.observed),
    }
}

fn name(file: &ConfigFile) -> String {
    file.env
        .clone()
        .unwrap_or_else(|| file.path.display().to_string())
}

/// One environment's two sides.
async fn read(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
) -> Result<((Clients, Prepared), Option<Session>)> {
    let (clients, prepared) = prepare_live(settings, events, file).await?;
    let genesys =
        super::genesys::prepare(&clients, &prepared, settings.verbose, false, events).await?;
    Ok(((clients, prepared), genesys))
}
