//! The whole path's reads for `verify` and `check`: the organization policies over the role's
//! account and each target's account (read once per account, concurrently; the role's from
//! `--org-policies DIR` when given), and each target's function policy (from the account's
//! own AWS Config where it records them, else one `lambda:GetPolicy` per target and qualifier:
//! [`super::function_policies`]), as the model's [`PathSources`]. What cannot be read is said in
//! the sources and leaves the claims it would decide not proved; only a bad `--org-policies`
//! file is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures::future::join_all;

use super::error::AppError;
use super::events::{Event, Events};
use super::function_policies::{self, PolicySource, Recorders};
use crate::aws::observe::IdentityAhead;
use crate::aws::organizations::OrgReader;
use crate::aws::prepare::Scope;
use crate::aws::Clients;
use crate::error::Result;
use crate::event::Read;
use lambda_trust_config::Config;
use lambda_trust_iam::{account_of, check_org_policy_files, org_policies_from_files, OrgPolicies};
use lambda_trust_model::PathSources;
use lambda_trust_model::{resolve_targets, Desired, Observed, PolicyRead, RenderContext};
use lambda_trust_provision::Prepared;
use lambda_trust_provision::Verification;

/// Where the whole path's policies come from beyond AWS's own answers.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PathAsk<'a> {
    /// The role's account's SCPs and RCPs from files instead of AWS Organizations.
    pub org_policies: Option<&'a Path>,
    /// Where the function policies are read (`--function-policies`).
    pub function_policies: PolicySource,
}

/// The path's reads that need only the config and the account, made beside the role's reads
/// (`check`): each account's organization policies and the targets' function policies.
pub(crate) struct Early {
    account: String,
    /// The run's one reader: an OU named for one account is not named again for another.
    reader: OrgReader,
    orgs: BTreeMap<String, OrgPolicies>,
    fetched: function_policies::Fetched,
}

/// [`Early`]'s reads in `account` (the config's, else the caller's), or `None` without it or
/// when the targets do not resolve (the role's reads say why).
pub(crate) async fn early(
    clients: &Clients,
    config: &Config,
    account: Option<String>,
    ahead: Recorders,
    ask: PathAsk<'_>,
) -> Result<Option<Early>> {
    let Some(account) = account else {
        return Ok(None);
    };
    let ctx = RenderContext {
        account_id: Some(account.clone()),
        default_region: Some(clients.region()),
    };
    let Ok(targets) = resolve_targets(config, &ctx) else {
        return Ok(None);
    };
    let arns = lambda_trust_model::invoked_arns(&targets);
    let accounts: BTreeSet<String> = std::iter::once(account.clone())
        .chain(targets.iter().map(|t| t.account_id.clone()))
        .collect();
    // Another account's statements are read with its clients beside the role (`Prepared`).
    let ours = |a: &String| account_of(a) == account || clients.account(account_of(a)).is_none();
    let arns: Vec<String> = arns.into_iter().filter(ours).collect();
    let reader = OrgReader::default();
    let (orgs, fetched) = tokio::join!(
        org_policies(clients, &reader, accounts, &account, ask.org_policies),
        function_policies::fetch(clients, arns, &account, ask.function_policies, &ahead),
    );
    Ok(Some(Early {
        account,
        reader,
        orgs: orgs?,
        fetched: fetched?,
    }))
}

/// Each of `accounts`' organization policies, concurrently: `account`'s from `--org-policies
/// DIR` when given.
async fn org_policies(
    clients: &Clients,
    reader: &OrgReader,
    accounts: BTreeSet<String>,
    account: &str,
    dir: Option<&Path>,
) -> Result<BTreeMap<String, OrgPolicies>> {
    let given = match dir {
        Some(dir) => Some(org_policies_from_dir(dir, account)?),
        None => None,
    };
    let org = |a: String| {
        let given = given.clone().filter(|_| a == account);
        async move {
            let policies = match given {
                Some(p) => p,
                None => reader.policies(clients, &a).await,
            };
            (a, policies)
        }
    };
    Ok(join_all(accounts.into_iter().map(org))
        .await
        .into_iter()
        .collect())
}

/// The role's state (`prepare`) and beside it [`early`]'s reads, all at once. When the config
/// does not name the account, the caller's identity (`ahead`, else read here) is read once:
/// the role's reads start beside it and await it where they need it; the path's reads need the
/// account, so they start when it is in, except the Config recorders of the targets' regions,
/// which need none and are read beside it.
pub(crate) async fn beside_the_role<F, Fut>(
    clients: &Clients,
    config: &Config,
    (ask, ahead): (PathAsk<'_>, Option<IdentityAhead>),
    prepare: F,
) -> Result<(Prepared, Option<Early>)>
where
    F: FnOnce(Scope) -> Fut,
    Fut: std::future::Future<Output = Result<Prepared>>,
{
    let ahead = match (&config.aws.account_id, ahead) {
        (Some(_), _) => None,
        (None, Some(ahead)) => Some(ahead),
        (None, None) => Some(IdentityAhead::read(clients)),
    };
    let scope = Scope {
        identity_ahead: ahead.clone(),
        ..Scope::default()
    };
    let early = async {
        let (account, recorders) = match (&config.aws.account_id, &ahead) {
            (Some(account), _) => (Some(account.clone()), Recorders::default()),
            (None, Some(ahead)) => {
                let regions = own_regions(config, &clients.region());
                let recorders = Recorders::ahead(clients, regions, ask.function_policies);
                let (identity, recorders) = futures::join!(ahead.get(), recorders);
                (identity.ok().map(|i| i.account), recorders)
            }
            (None, None) => (None, Recorders::default()),
        };
        early(clients, config, account, recorders, ask).await
    };
    let (prepared, early) = futures::join!(prepare(scope), early);
    Ok((prepared?, early?))
}

/// The regions of the targets named without an account (the caller's own, whatever it is):
/// where Config may be asked for their policies.
fn own_regions(config: &Config, default_region: &str) -> BTreeSet<String> {
    let identity = |t| lambda_trust_config::target_identity(t, Some(default_region), None).ok();
    (config.targets.iter().filter_map(identity))
        .filter(|t| t.account.is_none())
        .map(|t| t.region)
        .collect()
}

/// Reads what the path needs beyond the role; `early`: what [`early`] already read.
pub(crate) async fn path_sources(
    clients: &Clients,
    prepared: &Prepared,
    ask: PathAsk<'_>,
    early: Option<Early>,
    events: &dyn Events,
) -> Result<PathSources> {
    sources_for(clients, prepared, &prepared.desired, ask, early, events).await
}

/// [`path_sources`] for `desired`'s targets (`onboard`: the new one alone).
async fn sources_for(
    clients: &Clients,
    prepared: &Prepared,
    desired: &Desired,
    ask: PathAsk<'_>,
    early: Option<Early>,
    events: &dyn Events,
) -> Result<PathSources> {
    let early = early.filter(|e| e.account == desired.account_id);
    let arns = lambda_trust_model::invoked_arns(&desired.targets);
    let accounts: BTreeSet<String> = std::iter::once(desired.account_id.clone())
        .chain(arns.iter().map(|a| account_of(a).to_string()))
        .collect();
    events.event(Event::Reading(Read::PathPolicies));
    // Policies the cross-account statements' read already holds are not read again; another
    // account's function policy is read with that account's clients (`[aws.accounts]`).
    let known = &prepared.function_policies;
    let (mut orgs, fetched, reader) = match early {
        Some(e) => (e.orgs, Some(e.fetched), e.reader),
        None => (BTreeMap::new(), None, OrgReader::default()),
    };
    let read: BTreeSet<&str> = fetched.iter().flat_map(|f| f.arns()).collect();
    let unread: Vec<String> = (arns.into_iter())
        .filter(|a| !known.iter().any(|k| k.arn == *a) && !read.contains(a.as_str()))
        .collect();
    let missing: BTreeSet<String> = accounts
        .into_iter()
        .filter(|a| !orgs.contains_key(a))
        .collect();
    let own = desired.account_id.as_str();
    let none_ahead = Recorders::default();
    let (more_orgs, more) = tokio::join!(
        org_policies(clients, &reader, missing, own, ask.org_policies),
        function_policies::fetch(clients, unread, own, ask.function_policies, &none_ahead),
    );
    orgs.extend(more_orgs?);
    let fetched = match fetched {
        Some(f) => f.merge(more?),
        None => more?,
    };
    let (policies, mut reads) =
        function_policies::finish(clients, fetched, &prepared.observed).await;
    events.event(Event::ReadDone);
    for k in known {
        reads.from.insert(k.arn.clone(), PolicyRead::GetPolicy);
    }
    let policies = known.iter().cloned().chain(policies);
    Ok(PathSources {
        genesys_org: None,
        orgs,
        function_policies: policies.map(|t| (t.arn, t.policy)).collect(),
        reads,
    })
}

/// `--org-policies DIR` checked before any AWS call: every `*.json` file in it is a policy
/// file (its shape, its document). A file that is not is an error naming it.
pub(crate) fn check_org_policies_dir(dir: Option<&Path>) -> Result<()> {
    let Some(dir) = dir else {
        return Ok(());
    };
    check_org_policy_files(&dir_files(dir)?).map_err(AppError::OrgPolicies)?;
    Ok(())
}

/// One account's organization policies from `--org-policies DIR`: every `*.json` file in it,
/// by name. A file that is not a policy is an error naming it.
pub(crate) fn org_policies_from_dir(dir: &Path, account: &str) -> Result<OrgPolicies> {
    let files = dir_files(dir)?;
    let policies =
        org_policies_from_files(&files, account, false, None).map_err(AppError::OrgPolicies)?;
    Ok(policies)
}

/// Every `*.json` file of `dir`: (name, text), by name.
fn dir_files(dir: &Path) -> Result<Vec<(String, String)>> {
    let unreadable = |e: std::io::Error| {
        AppError::OrgPolicies(lambda_trust_verdict::Problem {
            message: format!("{}: {e}", dir.display()),
            hint: Some("give a directory of JSON files, one organization policy each".into()),
        })
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).map_err(unreadable)?;
            files.push((path.display().to_string(), text));
        }
    }
    files.sort();
    Ok(files)
}

/// The whole path's sources read for `desired`'s targets and judged on `observed` (IAM as
/// read after the writes): `onboard` judges the path of the function it adds as `verify` would,
/// without reading every other target's policy again.
pub(crate) async fn with_path_of(
    verification: Verification,
    clients: &Clients,
    prepared: &Prepared,
    (desired, observed): (&Desired, &Observed),
    events: &dyn Events,
) -> Result<Verification> {
    let sources = sources_for(clients, prepared, desired, PathAsk::default(), None, events).await?;
    Ok(verification.with_whole_path(desired, observed, &sources))
}
