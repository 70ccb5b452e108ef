//! What `watch deploy` and `watch status` say beside the plan: where the function lives and
//! hears from (notes), and what it cannot hear, read or sign in to (problems).

use crate::aws::watch_deploy as live;
use lambda_trust_provision::{Deployment, Seen, WatchInput};

/// The other accounts of the targets this run has no credentials for (no `[aws.accounts]`
/// entry, so the deployment has no rule, role or bus statement there): each a problem — the
/// watch cannot hear their Lambda calls, and says so.
pub(super) fn unheard(input: &WatchInput) -> Vec<String> {
    let account = |arn: &str| arn.split(':').nth(4).unwrap_or_default().to_owned();
    let unheard: std::collections::BTreeSet<String> = (input.targets.iter())
        .map(|t| account(&t.2))
        .filter(|a| *a != input.account && !input.accounts.contains(a))
        .collect();
    (unheard.iter())
        .map(|a| format!(
            "cannot hear account {a}: no credentials for it ([aws.accounts.\"{a}\"]) to put its rule there, so its targets' Lambda calls reach no rule and only the schedule re-proves them: give it a role_arn, then `lambda-trust watch deploy`"
        ))
        .collect()
}

/// With the AWS Config rule engine, the targets in other accounts: the rule evaluates the
/// resources of its own account only, so their changes are never heard.
pub(super) fn config_rule_blind(input: &WatchInput) -> Option<String> {
    let account = |arn: &str| arn.split(':').nth(4).unwrap_or_default().to_owned();
    let others: std::collections::BTreeSet<String> = (input.targets.iter())
        .map(|t| account(&t.2))
        .filter(|a| *a != input.account)
        .collect();
    (input.config_rule && !others.is_empty()).then(|| {
        let others: Vec<String> = others.into_iter().collect();
        format!(
            "cannot hear account {}: the AWS Config rule evaluates the resources of account {} only, so those targets are re-proved on its periodic evaluation alone: use the EventBridge engine (leave out [watch].engine) for targets in other accounts",
            others.join(", "),
            input.account
        )
    })
}

pub(super) fn notes_of(want: &Deployment, genesys: bool) -> Vec<String> {
    let mut notes = vec![format!(
        "the function lives in {}, where IAM's events arrive",
        want.function.region
    )];
    if let Some(rule) = &want.config_rule {
        notes.push(format!(
            "engine: the AWS Config rule {} hands the function the changes Config records in {} (the role, its policies, the targets there) and evaluates everything {}; a recorder must record those types",
            rule.name, rule.region, rule.frequency
        ));
    }
    if want.forward_role.is_some() {
        notes.push("other regions forward their events to its default event bus".into());
    }
    for reader in &want.account_readers {
        let account = reader.account.as_deref().unwrap_or_default();
        let regions: std::collections::BTreeSet<&str> = (want.rules.iter())
            .filter(|r| r.account.as_deref() == Some(account))
            .map(|r| r.region.as_str())
            .collect();
        let regions: Vec<&str> = regions.into_iter().collect();
        let bus = want.bus.as_ref().map_or("", |b| b.name.as_str());
        let forwarder = (want.account_forwarders.iter())
            .find(|r| r.account.as_deref() == Some(account))
            .map_or("", |r| r.name.as_str());
        notes.push(format!(
            "account {account}: its targets' Lambda events ({}) are forwarded by its rules, with its role {}, to the watch's event bus {bus}, which admits that role alone; the function reads the account through its read-only role {}",
            regions.join(", "),
            forwarder,
            reader.name
        ));
    }
    let genesys_rule = want.rules.iter().any(|r| r.bus.is_some());
    if genesys && genesys_rule {
        notes.push("the Genesys Cloud side is read again on its org's audit events of the integration, its credential and its actions, and on the schedule".into());
    } else if genesys {
        notes.push("the Genesys Cloud side is read on the schedule only: give [watch].genesys_event_bus for its audit events".into());
    }
    notes
}

/// The watch an older lambda-trust put in the partition's former home, said when it is there:
/// the plan moves it (docs/upgrading.md).
pub(super) fn moved(want: &Deployment, seen: &Seen, role: &str) -> Option<String> {
    let former = want.former_home.as_deref()?;
    let f = seen.former_function.as_ref()?;
    (f.owner.as_deref() == Some(role)).then(|| {
        format!(
            "the watch moves from {former} to {}, where IAM's events arrive (docs/aws-behaviour.md): its function and rules in {former} are removed",
            want.function.region
        )
    })
}

/// Why the function cannot sign in to Genesys Cloud: the config reads the Genesys Cloud side
/// but names no secret, and a sign-in from the environment does not travel to the function.
pub(super) fn sign_in(config: &lambda_trust_config::Config) -> Option<String> {
    let genesys = config.genesys.as_ref()?;
    genesys.oauth_secret.is_none().then(|| {
        "cannot sign in to Genesys Cloud: [genesys].oauth_secret is not set, and a sign-in from the environment does not travel to the function, so it reads no Genesys Cloud side: store the OAuth client in Secrets Manager and name it in [genesys].oauth_secret, then `lambda-trust watch deploy`".to_owned()
    })
}

/// Per region the watch hears from: the notes (the trail that logs its management events, or
/// why the trails could not be read), and the problems (no trail logs them: then EventBridge
/// gets none of its calls and only the schedule re-proves).
pub(super) async fn trails(
    clients: &crate::aws::Clients,
    want: &Deployment,
) -> (Vec<String>, Vec<String>) {
    let places: std::collections::BTreeSet<(Option<&str>, &str)> = (want.rules.iter())
        .map(|r| (r.account.as_deref(), r.region.as_str()))
        .collect();
    let reads = places.into_iter().map(|(account, region)| async move {
        let at = match account {
            Some(a) => format!("{region} of account {a}"),
            None => region.to_owned(),
        };
        let acting = match account {
            Some(a) => clients.account(a),
            None => Some(clients),
        };
        let Some(acting) = acting else {
            return Ok(format!("{at}: the trails were not read (no credentials for the account): whether EventBridge gets its calls is not known"));
        };
        match live::logging_trail(acting, region).await {
            Ok(Some(name)) => Ok(format!("{at}: CloudTrail trail {name} logs its management events")),
            Ok(None) => Err(format!(
                "cannot hear {at}: no CloudTrail trail logs its management events, so EventBridge gets none of its calls and only the schedule re-proves: create a trail (aws cloudtrail create-trail --is-multi-region-trail, then start-logging)"
            )),
            Err(e) => Ok(format!("{at}: the trails were not read ({e}): whether EventBridge gets its calls is not known")),
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
