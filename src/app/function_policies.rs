//! The targets' function policies for the whole path (`verify`, `check`): from the account's
//! own AWS Config where it records Lambda functions — a few `BatchGetResourceConfig` calls for
//! every target of a region, each item's capture time said — else `lambda:GetPolicy`, one call
//! per target and qualifier (docs/check.md, "Where each read comes from").
//!
//! Config is used only for the caller's own account, in a region whose recorder is recording
//! the type (decided from the recorders, never assumed: `aws::config_recorder::records_functions`),
//! and only for an item captured after the role's last change
//! (`lambda_trust_model::policies_from_items`); every other target, and every item Config
//! does not hold fresh, is read with `GetPolicy`. `--function-policies config` insists (a region
//! that does not record functions is an error naming the fix); `api` never asks Config.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use chrono::DateTime;
use futures::future::join_all;

use super::error::AppError;
use crate::aws::config_account;
use crate::aws::config_recorder::{records_functions, Recorder, Recording};
use crate::aws::function_policy::read_function_policies;
use crate::aws::{AwsError, Clients};
use crate::error::Result;
use lambda_trust_iam::Arn;
use lambda_trust_model::{policies_from_items, FromConfig, Observed, PolicyRead, PolicyReads};
use lambda_trust_provision::TargetPolicy;

/// Where the function policies are read from (`--function-policies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum PolicySource {
    /// AWS Config where the region records functions continuously, else `GetPolicy`.
    #[default]
    Auto,
    /// AWS Config, daily recording included; a region that records no function is an error.
    Config,
    /// `lambda:GetPolicy` only.
    Api,
}

/// Each region's Config recorders read ahead, in the round that reads the caller's identity
/// (`check` and `verify` without `aws.account_id`), so that `GetPolicy`, which waits for them,
/// is not one more round trip later. A region not read ahead is read when it is needed.
#[derive(Default)]
pub(crate) struct Recorders(Mutex<BTreeMap<String, std::result::Result<Vec<Recorder>, AwsError>>>);

impl Recorders {
    /// The recorders of `regions`, at once; none with `--function-policies api`.
    pub(crate) async fn ahead(
        clients: &Clients,
        regions: BTreeSet<String>,
        source: PolicySource,
    ) -> Recorders {
        if source == PolicySource::Api {
            return Recorders::default();
        }
        let read = regions.into_iter().map(|region| async move {
            let recorders = config_account::recorders(clients, &region).await;
            (region, recorders)
        });
        Recorders(Mutex::new(join_all(read).await.into_iter().collect()))
    }

    /// `region`'s recorders: read ahead (taken: each region is asked once a run), else now.
    async fn of(
        &self,
        clients: &Clients,
        region: &str,
    ) -> std::result::Result<Vec<Recorder>, AwsError> {
        let ahead = self.0.lock().map(|mut m| m.remove(region)).ok().flatten();
        match ahead {
            Some(read) => read,
            None => config_account::recorders(clients, region).await,
        }
    }
}

/// What [`fetch`] read before the role was: each region's Config items and `GetPolicy`
/// answers, and the other accounts' answers.
pub(crate) struct Fetched {
    regions: Vec<RegionRead>,
    elsewhere: Vec<TargetPolicy>,
}

/// One region's reads: what Config holds (or why it was not asked), and `GetPolicy`'s answers
/// for the rest.
struct RegionRead {
    region: String,
    why_not: Option<String>,
    from_config: FromConfig,
    read: Vec<TargetPolicy>,
}

impl Fetched {
    /// Both reads as one.
    pub(crate) fn merge(mut self, other: Fetched) -> Fetched {
        self.regions.extend(other.regions);
        self.elsewhere.extend(other.elsewhere);
        self
    }

    /// The ARNs it read.
    pub(crate) fn arns(&self) -> impl Iterator<Item = &str> {
        let regions = self.regions.iter().flat_map(|r| {
            let config = r.from_config.recorded.keys().map(String::as_str);
            config.chain(r.read.iter().map(|p| p.arn.as_str()))
        });
        regions.chain(self.elsewhere.iter().map(|p| p.arn.as_str()))
    }
}

/// Reads what needs no more than the ARNs: `own` account's targets from Config where it
/// records them, every other with `GetPolicy` — all regions and accounts at once. An item's
/// freshness is judged by [`finish`], once the role is read.
pub(crate) async fn fetch(
    clients: &Clients,
    arns: Vec<String>,
    own: &str,
    source: PolicySource,
    ahead: &Recorders,
) -> Result<Fetched> {
    let (by_region, elsewhere) = by_region(arns, own, source);
    let regions = by_region
        .into_iter()
        .map(|(region, arns)| region_read(clients, region, arns, source, ahead));
    let (regions, elsewhere) = tokio::join!(
        futures::future::try_join_all(regions),
        read_function_policies(clients, clients.accounts(), &elsewhere),
    );
    Ok(Fetched {
        regions: regions?,
        elsewhere,
    })
}

/// [`fetch`]'s reads judged against `observed`: an item captured before the role's last change
/// is read again with `GetPolicy` (one more round, for those alone); then each policy with
/// where it came from, and a line per region.
pub(crate) async fn finish(
    clients: &Clients,
    fetched: Fetched,
    observed: &Observed,
) -> (Vec<TargetPolicy>, PolicyReads) {
    let not_before = last_change(observed);
    let mut reads = PolicyReads::default();
    let mut all: Vec<(TargetPolicy, PolicyRead)> = (fetched.elsewhere.into_iter())
        .map(|p| (p, PolicyRead::GetPolicy))
        .collect();
    let mut regions = fetched.regions;
    let mut stale = Vec::new();
    for region in &mut regions {
        let before = region.from_config.to_read.len();
        region.from_config.stale_before(not_before);
        stale.extend((region.from_config.to_read[before..].iter()).map(|(a, _)| a.clone()));
    }
    // Every region's stale items read again at once.
    let mut again: BTreeMap<String, TargetPolicy> =
        (read_function_policies(clients, clients.accounts(), &stale)
            .await
            .into_iter())
        .map(|p| (p.arn.clone(), p))
        .collect();
    for mut region in regions {
        let mine = region
            .from_config
            .to_read
            .iter()
            .filter_map(|(a, _)| again.remove(a));
        let mine: Vec<TargetPolicy> = mine.collect();
        region.read.extend(mine);
        reads.notes.push(note(&region));
        let config = region.from_config.recorded.into_iter().map(|(arn, r)| {
            let captured = rfc3339(r.captured);
            (
                TargetPolicy::of(&arn, r.policy),
                PolicyRead::AwsConfig { captured },
            )
        });
        all.extend(config);
        all.extend(region.read.into_iter().map(|p| (p, PolicyRead::GetPolicy)));
    }
    let mut policies = Vec::new();
    for (policy, read) in all {
        reads.from.insert(policy.arn.clone(), read);
        policies.push(policy);
    }
    (policies, reads)
}

/// The caller's own unqualified targets by region (Config's candidates), and the others.
fn by_region(
    arns: Vec<String>,
    own: &str,
    source: PolicySource,
) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut regions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut elsewhere = Vec::new();
    for arn in arns {
        match Arn::parse(&arn).filter(|a| a.account == own && source != PolicySource::Api) {
            Some(a) => regions.entry(a.region.clone()).or_default().push(arn),
            None => elsewhere.push(arn),
        }
    }
    (regions, elsewhere)
}

/// The latest change lambda-trust can see to the role and its policies: the role's creation
/// and each of its policy versions' (a new target is a new version). An item captured before
/// it may predate what that change wrote.
fn last_change(observed: &Observed) -> Option<i64> {
    let role = observed.role.as_ref().and_then(|r| r.created_epoch);
    let versions = observed.policies.iter().flat_map(|p| &p.versions);
    role.into_iter()
        .chain(versions.map(|v| v.created_epoch))
        .max()
}

/// One region's targets: Config's items where it records them, `GetPolicy` for the rest.
async fn region_read(
    clients: &Clients,
    region: String,
    arns: Vec<String>,
    source: PolicySource,
    ahead: &Recorders,
) -> Result<RegionRead> {
    let (from_config, why_not) = match recorded(clients, &region, &arns, source, ahead).await? {
        Ok(found) => (found, None),
        Err(why) => {
            let to_read = arns.into_iter().map(|a| (a, String::new())).collect();
            let none = FromConfig {
                to_read,
                ..FromConfig::default()
            };
            (none, Some(why))
        }
    };
    let unread: Vec<String> = (from_config.to_read.iter())
        .map(|(a, _)| a.clone())
        .collect();
    let read = read_function_policies(clients, clients.accounts(), &unread).await;
    Ok(RegionRead {
        region,
        why_not,
        from_config,
        read,
    })
}

/// The region's line: Config not used and why, or what it gave.
fn note(region: &RegionRead) -> String {
    match &region.why_not {
        Some(why) => format!(
            "{}: {} read with lambda:GetPolicy; AWS Config not used: {why}",
            region.region,
            count(region.read.len())
        ),
        None => config_note(&region.region, &region.from_config),
    }
}

/// What a region's Config gave: how many policies, captured when, and what was left to
/// `GetPolicy` and why (the first one's reason, and how many more).
fn config_note(region: &str, found: &FromConfig) -> String {
    let captured = found.recorded.values().map(|r| r.captured);
    let (first, last) = (captured.clone().min(), captured.max());
    let mut note = format!("{region}: {} from AWS Config", count(found.recorded.len()));
    if let (Some(first), Some(last)) = (first, last) {
        note.push_str(&format!(
            ", captured {} to {}",
            rfc3339(first),
            rfc3339(last)
        ));
    }
    if let Some((arn, why)) = found.to_read.first() {
        note.push_str(&format!(
            "; {} read with lambda:GetPolicy ({arn}: {why}{})",
            count(found.to_read.len()),
            match found.to_read.len() {
                1 => String::new(),
                n => format!("; {} more", n - 1),
            }
        ));
    }
    note
}

fn count(n: usize) -> String {
    match n {
        1 => "1 function policy".into(),
        n => format!("{n} function policies"),
    }
}

fn rfc3339(epoch: i64) -> String {
    let t = DateTime::from_timestamp(epoch, 0).unwrap_or_default();
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What the region's Config holds of `arns`, or why it is not asked (`Err`). With
/// `--function-policies config`, a region that records no function is an error.
async fn recorded(
    clients: &Clients,
    region: &str,
    arns: &[String],
    source: PolicySource,
    ahead: &Recorders,
) -> Result<std::result::Result<FromConfig, String>> {
    let recording = match ahead.of(clients, region).await {
        Ok(recorders) => records_functions(&recorders),
        Err(e) if source == PolicySource::Auto => Recording::No { why: e.to_string() },
        Err(e) => return Err(e.into()),
    };
    match (recording, source) {
        (Recording::Continuous { .. }, _) | (Recording::Daily { .. }, PolicySource::Config) => {}
        (Recording::Daily { recorder }, _) => {
            return Ok(Err(format!(
                "recorder {recorder} records functions daily, so an item can be a day old \
                 (--function-policies config takes them)"
            )))
        }
        (Recording::No { why }, PolicySource::Config) => {
            let region = region.to_owned();
            return Err(AppError::ConfigNotRecording { region, why }.into());
        }
        (Recording::No { why }, _) => return Ok(Err(why)),
    }
    let names: BTreeSet<String> = (arns.iter())
        .filter_map(|a| match Arn::parse(a)?.function_parts()? {
            (name, None) => Some(name.to_owned()),
            _ => None,
        })
        .collect();
    let names: Vec<String> = names.into_iter().collect();
    match config_account::function_items(clients, region, &names).await {
        Ok(items) => Ok(Ok(policies_from_items(arns, &items, None))),
        Err(e) if source == PolicySource::Auto => Ok(Err(e.to_string())),
        Err(e) => Err(e.into()),
    }
}
