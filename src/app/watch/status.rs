//! `watch status` and `watch destroy`'s view of what the function publishes: its active
//! Security Hub findings under its generator, in its region, as Security Hub holds them, and
//! archiving them when the watch is removed.

use crate::app::events::Events;
use crate::app::live::connect;
use crate::app::settings::Settings;
use crate::error::Result;
use crate::event::Read;
use crate::event::{WatchNote, WatchProblem};
use lambda_trust_config::ConfigFile;

use super::deploy::WatchState;

/// An active Security Hub finding of the watch, as Security Hub holds it.
#[derive(Debug, Clone)]
pub(crate) struct ActiveFinding {
    pub title: String,
    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `INFORMATIONAL`.
    pub severity: String,
    /// When Security Hub last updated it and when it was created (RFC 3339).
    pub updated_at: Option<String>,
    pub created_at: Option<String>,
}

/// What `watch status` read of what the function publishes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Published {
    /// Its active findings; `None` when they could not be read.
    pub findings: Option<Vec<ActiveFinding>>,
    /// Why they were not read, when they were not.
    pub note: Option<WatchNote>,
    /// Why the function cannot publish, with the fix (Security Hub not enabled in its region).
    pub problem: Option<WatchProblem>,
}

/// Where the watch publishes: the clients, its function's region, the account, the product
/// and its generator prefix (`lambda-trust/watch/<role>/`: only this watch's findings).
struct Hub {
    clients: crate::aws::Clients,
    region: String,
    account: String,
    product: String,
    generator: String,
}

async fn hub(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
) -> std::result::Result<Hub, String> {
    let f = &state.want.function;
    let clients = match file.load() {
        Ok(loaded) => connect(settings, events, &loaded.config).await,
        Err(e) => Err(e.into()),
    };
    let clients = clients.map_err(|e| e.to_string())?;
    let account = f.arn.split(':').nth(4).unwrap_or_default().to_owned();
    let partition = f.arn.split(':').nth(1).unwrap_or("aws");
    Ok(Hub {
        product: lambda_trust_iam::Arn::of(
            partition,
            &account,
            lambda_trust_iam::AwsResource::SecurityHubProduct { region: &f.region },
        )
        .to_string(),
        generator: lambda_trust_provision::WatchGenerator::Settled {
            role: &state.role,
            settles: lambda_trust_provision::Settles::Everything,
        }
        .to_string(),
        region: f.region.clone(),
        clients,
        account,
    })
}

impl Hub {
    /// The watch's active findings, as Security Hub holds them.
    async fn held(
        &self,
    ) -> std::result::Result<Vec<crate::aws::security_hub::Held>, crate::aws::AwsError> {
        let key = (self.account.as_str(), self.generator.as_str());
        let region = Some(self.region.as_str());
        crate::aws::security_hub::held(&self.clients, region, &self.product, key).await
    }
}

/// `watch status`: what the function publishes — its active Security Hub findings (under its
/// generator, in its region) as Security Hub holds them — or that it cannot publish (Security
/// Hub not enabled there), or why they were not read.
pub(crate) async fn published(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
) -> Published {
    let hub = match hub(settings, events, file, state).await {
        Ok(hub) => hub,
        Err(e) => return not_read(&e),
    };
    match hub.held().await {
        Ok(held) => Published {
            findings: Some(held.iter().map(active).collect()),
            ..Published::default()
        },
        Err(e) if e.is_code("InvalidAccessException") => Published {
            problem: Some(WatchProblem::HubOff {
                account: hub.account.clone(),
                region: hub.region.clone(),
                message: e.message.clone(),
            }),
            ..Published::default()
        },
        Err(e) => not_read(&e.to_string()),
    }
}

/// What `watch destroy` closes: the watch's active findings and where they are held.
pub(crate) struct ToArchive {
    hub: Option<Hub>,
    /// The findings to archive: they no longer hold.
    pub(crate) held: Vec<crate::aws::security_hub::Held>,
    /// The findings that still stand, or could not be re-read: kept ACTIVE, each with the
    /// note its text gains (`destroy::reprove`).
    pub(crate) kept: Vec<super::kept::Kept>,
    /// Why they were not read, when they were not.
    pub note: Option<WatchNote>,
}

impl ToArchive {
    /// How many findings archiving closes.
    pub(crate) fn len(&self) -> usize {
        self.held.len()
    }
}

/// `watch destroy`: the watch's active findings, to archive. None when Security Hub is not
/// enabled in the function's region (nothing was published there).
pub(crate) async fn to_archive(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
) -> ToArchive {
    let none = |note: Option<WatchNote>| ToArchive {
        hub: None,
        held: Vec::new(),
        kept: Vec::new(),
        note,
    };
    let hub = match hub(settings, events, file, state).await {
        Ok(hub) => hub,
        Err(e) => return none(not_read(&e).note),
    };
    match hub.held().await {
        Ok(held) => ToArchive {
            hub: Some(hub),
            held,
            kept: Vec::new(),
            note: None,
        },
        Err(e) if e.is_code("InvalidAccessException") => none(None),
        Err(e) => none(not_read(&e.to_string()).note),
    }
}

/// Archives the findings that no longer hold (`RecordState ARCHIVED`) and imports again, ACTIVE
/// with their note, those that still stand; how many Security Hub took.
pub(crate) async fn archive(events: &dyn Events, findings: ToArchive) -> Result<usize> {
    let all = findings.held.len() + findings.kept.len();
    let Some(hub) = findings.hub.filter(|_| all > 0) else {
        return Ok(0);
    };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let archived = (findings.held.iter()).map(|h| crate::aws::security_hub::archived(h, &now));
    let kept = (findings.kept.iter())
        .map(|k| crate::aws::security_hub::kept_active(&k.held, &now, &k.note));
    let out = archived.chain(kept).collect();
    let work = crate::aws::security_hub::import(&hub.clients, Some(&hub.region), out);
    let done = events
        .reading(Read::Archiving { findings: all }, work)
        .await?;
    Ok(done.written)
}

fn not_read(why: &str) -> Published {
    Published {
        note: Some(WatchNote::FindingsNotRead {
            why: why.to_owned(),
        }),
        ..Published::default()
    }
}

fn active(held: &crate::aws::security_hub::Held) -> ActiveFinding {
    let (updated, created) = held.times();
    ActiveFinding {
        title: held.title().to_owned(),
        severity: held.severity().to_owned(),
        updated_at: updated.map(str::to_owned),
        created_at: created.map(str::to_owned),
    }
}
