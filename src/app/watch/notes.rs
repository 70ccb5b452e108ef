//! What `watch deploy` and `watch status` say beside the plan: where the function lives and
//! hears from (notes), and what it cannot hear, read or sign in to (problems) — as data
//! (`event::WatchNote`, `event::WatchProblem`), worded by `report::watch::words`.

use crate::event::{Place, WatchNote, WatchProblem};
use lambda_trust_provision::{Deployment, Seen, WatchInput};

/// The other accounts of the targets this run has no credentials for (no `[aws.accounts]`
/// entry, so the deployment has no rule, role or bus statement there): each a problem — the
/// watch cannot hear their Lambda calls, and says so.
pub(super) fn unheard(input: &WatchInput) -> Vec<WatchProblem> {
    let account = |arn: &str| arn.split(':').nth(4).unwrap_or_default().to_owned();
    let unheard: std::collections::BTreeSet<String> = (input.targets.iter())
        .map(|t| account(&t.2))
        .filter(|a| *a != input.account && !input.accounts.contains(a))
        .collect();
    (unheard.into_iter())
        .map(|account| WatchProblem::Unheard { account })
        .collect()
}

/// With the AWS Config rule engine, the targets in other accounts: the rule evaluates the
/// resources of its own account only, so their changes are never heard.
pub(super) fn config_rule_blind(input: &WatchInput) -> Option<WatchProblem> {
    let account = |arn: &str| arn.split(':').nth(4).unwrap_or_default().to_owned();
    let others: std::collections::BTreeSet<String> = (input.targets.iter())
        .map(|t| account(&t.2))
        .filter(|a| *a != input.account)
        .collect();
    (input.config_rule && !others.is_empty()).then(|| WatchProblem::ConfigRuleBlind {
        others: others.into_iter().collect(),
        account: input.account.clone(),
    })
}

pub(super) fn notes_of(want: &Deployment, genesys: bool) -> Vec<WatchNote> {
    let mut notes = vec![WatchNote::Home {
        region: want.function.region.clone(),
    }];
    if let Some(rule) = &want.config_rule {
        notes.push(WatchNote::ConfigRuleEngine {
            rule: rule.name.clone(),
            region: rule.region.clone(),
            frequency: rule.frequency.to_string(),
        });
    }
    if want.forward_role.is_some() {
        notes.push(WatchNote::RegionsForward);
    }
    for reader in &want.account_readers {
        let account = reader.account.as_deref().unwrap_or_default();
        let regions: std::collections::BTreeSet<&str> = (want.rules.iter())
            .filter(|r| r.account.as_deref() == Some(account))
            .map(|r| r.region.as_str())
            .collect();
        let bus = want.bus.as_ref().map_or("", |b| b.name.as_str());
        let forwarder = (want.account_forwarders.iter())
            .find(|r| r.account.as_deref() == Some(account))
            .map_or("", |r| r.name.as_str());
        notes.push(WatchNote::AccountForwards {
            account: account.to_owned(),
            regions: regions.into_iter().map(str::to_owned).collect(),
            forwarder: forwarder.to_owned(),
            bus: bus.to_owned(),
            reader: reader.name.clone(),
        });
    }
    let genesys_rule = want.rules.iter().any(|r| r.bus.is_some());
    if genesys && genesys_rule {
        notes.push(WatchNote::GenesysOnEvents);
    } else if genesys {
        notes.push(WatchNote::GenesysOnSchedule);
    }
    notes
}

/// The watch an older lambda-trust put in the partition's former home, said when it is there:
/// the plan moves it (docs/upgrading.md).
pub(super) fn moved(want: &Deployment, seen: &Seen, role: &str) -> Option<WatchNote> {
    let former = want.former_home.as_deref()?;
    let f = seen.former_function.as_ref()?;
    (f.owner.as_deref() == Some(role)).then(|| WatchNote::Moves {
        from: former.to_owned(),
        to: want.function.region.clone(),
    })
}

/// Why the function cannot sign in to Genesys Cloud: the config reads the Genesys Cloud side
/// but names no secret, and a sign-in from the environment does not travel to the function.
pub(super) fn sign_in(config: &lambda_trust_config::Config) -> Option<WatchProblem> {
    let genesys = config.genesys.as_ref()?;
    genesys
        .oauth_secret
        .is_none()
        .then_some(WatchProblem::NoSecretNamed)
}

/// Per region the watch hears from: the notes (the trail that logs its management events, or
/// why the trails could not be read), and the problems (no trail logs them: then EventBridge
/// gets none of its calls and only the schedule re-proves).
pub(super) async fn trails(
    clients: &crate::aws::Clients,
    want: &Deployment,
) -> (Vec<WatchNote>, Vec<WatchProblem>) {
    let places: std::collections::BTreeSet<(Option<&str>, &str)> = (want.rules.iter())
        .map(|r| (r.account.as_deref(), r.region.as_str()))
        .collect();
    let reads = places.into_iter().map(|(account, region)| async move {
        let at = Place {
            region: region.to_owned(),
            account: account.map(str::to_owned),
        };
        let acting = match account {
            Some(a) => clients.account(a),
            None => Some(clients),
        };
        let Some(acting) = acting else {
            return Ok(WatchNote::TrailsNotRead { at, why: None });
        };
        match crate::aws::watch::trail::logging_trail(acting, region, &Default::default()).await {
            Ok(Some(trail)) => Ok(WatchNote::Trail { at, trail }),
            Ok(None) => Err(WatchProblem::NoTrail { at }),
            Err(e) => Ok(WatchNote::TrailsNotRead {
                at,
                why: Some(e.to_string()),
            }),
        }
    });
    let (mut notes, mut problems) = (Vec::new(), Vec::new());
    for read in futures::future::join_all(reads).await {
        match read {
            Ok(note) => notes.push(note),
            Err(problem) => problems.push(problem),
        }
    }
    (notes, problems)
}
