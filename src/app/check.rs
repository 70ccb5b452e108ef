//! `check`'s workflows: the drift check over one or many configs against AWS (and Genesys
//! Cloud), and `check --template/--plan`, the config against infrastructure-as-code with no
//! AWS call. Each returns the one `CheckReport` the command prints and writes to files.

use std::collections::BTreeMap;

use super::events::Events;
use super::genesys as genesys_live;
use super::iac::{read_model, IacSource};
use super::live::{connect, drift_lookups, drift_of};
use super::settings::Settings;
use crate::aws::observe::IdentityAhead;
use crate::aws::pace::Pacer;
use crate::aws::prepare as aws_prepare;
use crate::aws::trail as aws_trail;
use crate::error::{Error, Result};
use lambda_trust_model::{DesiredGenesys, RenderContext};
use lambda_trust_provision::{
    genesys_findings, AwsReading, AwsUnread, CheckReading, ConfigReport, EnvironmentsRead,
    GenesysReading, Prepared, Side,
};

/// What `check` asks of every config beside the config itself.
#[derive(Clone, Copy)]
pub(crate) struct Ask<'a> {
    pub only: Option<Side>,
    pub path: super::path::PathAsk<'a>,
    pub test_actions: bool,
}

/// One config's check: everything it judges is read first ([`read`]), then judged with no
/// call ([`CheckReading::judge`]). A config that cannot be read is a report of its error.
async fn check_one(
    settings: &Settings,
    events: &dyn Events,
    path: &lambda_trust_config::ConfigFile,
    pacer: &Pacer,
    ask: Ask<'_>,
) -> ConfigReport {
    let name = path.path.display().to_string();
    let mut report = match read(settings, events, path, pacer, ask).await {
        Ok(reading) => reading.judge(&name, ask.only),
        Err(e) => ConfigReport::error(&name, e.human()),
    };
    report.environment = path.env.clone();
    report
}

/// Reads one config's check in as few rounds as the data allows: the AWS state while signing
/// in to Genesys Cloud; then, at once, CloudTrail for the drift the state shows, the whole
/// path's policies, and the Genesys side.
pub(crate) async fn read(
    settings: &Settings,
    events: &dyn Events,
    path: &lambda_trust_config::ConfigFile,
    pacer: &Pacer,
    ask: Ask<'_>,
) -> Result<Read> {
    // Bad input is refused before any call.
    super::path::check_org_policies_dir(ask.path.org_policies)?;
    let loaded = path.load()?;
    genesys_live::check_only(ask.only, &loaded.config)?;
    settings.templates.load()?;
    let clients = connect(settings, events, &loaded.config).await?;
    read_with(settings, events, (path, &loaded, &clients), pacer, ask).await
}

/// [`read`] of a config loaded and connected already: the watch's, loaded and connected once
/// per event.
pub(crate) async fn read_with(
    settings: &Settings,
    events: &dyn Events,
    (path, loaded, clients): (
        &lambda_trust_config::ConfigFile,
        &lambda_trust_config::Loaded,
        &crate::aws::Clients,
    ),
    pacer: &Pacer,
    ask: Ask<'_>,
) -> Result<Read> {
    let templates = settings.templates.load()?;
    let ahead = identity_ahead(clients, &loaded.config, ask.only);
    let genesys_early = async {
        let config = &loaded.config;
        let first = first_round(clients, config, ask.only, ahead.as_ref(), events);
        let (account, signed_in) = first.await;
        let account = (loaded.config.aws.account_id.clone()).or(account);
        genesys_early(signed_in, loaded, (clients, account), events).await
    };
    let allow_weaker = settings.templates.allow_weaker;
    let state = read_state(
        clients,
        loaded,
        &templates,
        allow_weaker,
        (ask, ahead.clone()),
    );
    let (state, genesys_early) = futures::join!(state, genesys_early);
    let (prepared, early) = match state {
        Ok(state) => state,
        Err(e) => return aws_unread(e, genesys_early, loaded, ask.test_actions).await,
    };
    let aws = async {
        match ask.only {
            Some(Side::Genesys) => Ok(None),
            _ => {
                let account = &prepared.observed.account_id;
                let others = super::isolation::read_environments(settings, path, account);
                let reading = read_aws(events, clients, &prepared, pacer, ask, early, others);
                reading.await.map(Some)
            }
        }
    };
    let genesys =
        async { genesys_check(genesys_early?, &prepared, events, ask.test_actions).await };
    let (aws, genesys) = futures::join!(aws, genesys);
    // A config claiming another's deployment is refused here as plan and apply refuse it:
    // never read as drift that an apply would repair.
    let genesys = match genesys {
        Ok(Some(GenesysChecked {
            claim: Some(refused),
            ..
        })) => return Err(refused),
        Ok(checked) => Ok(checked.map(|c| c.reading)),
        Err(e) => Err(e.side_error()),
    };
    let reading = CheckReading::new(prepared, clients.region(), aws?, genesys);
    Ok(Read::Both(Box::new(reading)))
}

/// What one config's check read: both sides, or — when the AWS side could not be read — the
/// Genesys Cloud side alone, read against what the config and the account resolve, so the AWS
/// error never hides what Genesys Cloud shows.
pub(crate) enum Read {
    Both(Box<CheckReading>),
    AwsUnread(Box<AwsUnread>),
}

impl Read {
    /// The report: [`CheckReading::judge`], or [`AwsUnread::judge`].
    pub(crate) fn judge(&self, name: &str, only: Option<Side>) -> ConfigReport {
        match self {
            Read::Both(reading) => reading.judge(name, only),
            Read::AwsUnread(unread) => unread.judge(name),
        }
    }
}

/// The AWS side's state could not be read (`error`): the Genesys Cloud side read early is
/// planned and judged beside it. Without one (no `[genesys]`, `--only aws`, or an account not
/// known before AWS answered) the error is the report.
async fn aws_unread(
    error: Error,
    early: Result<GenesysEarly>,
    loaded: &lambda_trust_config::Loaded,
    test_actions: bool,
) -> Result<Read> {
    let checked = match early {
        Ok(GenesysEarly::Read(session)) => judged_session(*session, None, test_actions).await,
        Err(e) => Err(e),
        Ok(GenesysEarly::Off | GenesysEarly::Later(_)) => return Err(error),
    };
    let genesys = match checked {
        Ok(GenesysChecked {
            claim: Some(refused),
            ..
        }) => return Err(refused),
        Ok(checked) => Ok(Some(checked.reading)),
        Err(e) => Err(e.side_error()),
    };
    let unread = AwsUnread {
        loaded: loaded.clone(),
        error: error.side_error(),
        genesys,
    };
    Ok(Read::AwsUnread(Box::new(unread)))
}

/// The caller's identity when the config does not name the account: read once, awaited by the
/// role's reads, the whole path's and the Genesys Cloud side (both sides resolve the role's and
/// the targets' ARNs with it), each starting its own reads with it, not after it.
fn identity_ahead(
    clients: &crate::aws::Clients,
    config: &lambda_trust_config::Config,
    only: Option<Side>,
) -> Option<IdentityAhead> {
    match (only, &config.aws.account_id) {
        (Some(Side::Genesys), _) | (_, Some(_)) => None,
        _ => Some(IdentityAhead::read(clients)),
    }
}

/// The first round of the Genesys Cloud side: its sign-in, and beside it the account when AWS
/// must tell it (`ahead`; an identity that could not be read leaves it unknown, and the AWS
/// side's reads, which await it too, report why).
async fn first_round(
    clients: &crate::aws::Clients,
    config: &lambda_trust_config::Config,
    only: Option<Side>,
    ahead: Option<&IdentityAhead>,
    events: &dyn Events,
) -> (Option<String>, Result<Option<genesys_live::SignedIn>>) {
    let signing_in = async {
        match only {
            Some(Side::Aws) => Ok(None),
            _ => genesys_live::sign_in(clients, config, events).await,
        }
    };
    let account = async {
        let identity = ahead?.get().await.ok()?;
        Some(identity.account)
    };
    futures::join!(account, signing_in)
}

/// The role's state, and beside it the path's reads that need only the account and the
/// config ([`super::path::beside_the_role`]).
async fn read_state(
    clients: &crate::aws::Clients,
    loaded: &lambda_trust_config::Loaded,
    templates: &lambda_trust_model::Templates,
    allow_weaker: bool,
    (ask, ahead): (Ask<'_>, Option<IdentityAhead>),
) -> Result<(Prepared, Option<super::path::Early>)> {
    let prepare = |scope| async move {
        let loaded = loaded.clone();
        let prepared = aws_prepare::prepare_scoped(clients, loaded, templates, allow_weaker, scope);
        Ok(prepared.await?)
    };
    if ask.only == Some(Side::Genesys) {
        return Ok((prepare(aws_prepare::Scope::default()).await?, None));
    }
    super::path::beside_the_role(clients, &loaded.config, (ask.path, ahead), prepare).await
}

/// The AWS side's second round: CloudTrail for the drift the state shows, and the whole path's
/// policies, at once.
async fn read_aws(
    events: &dyn Events,
    clients: &crate::aws::Clients,
    prepared: &Prepared,
    pacer: &Pacer,
    ask: Ask<'_>,
    early: Option<super::path::Early>,
    environments: Option<EnvironmentsRead>,
) -> Result<AwsReading> {
    let drift = drift_of(prepared)?;
    let lookups = drift_lookups(clients, prepared, &drift, pacer);
    let sources = super::path::path_sources(clients, prepared, ask.path, early, events);
    let (lookups, sources) = futures::join!(lookups, sources);
    Ok(AwsReading {
        drift,
        lookups,
        sources: sources?,
        environments,
    })
}

/// The Genesys side of one config's check, and why this config's role is not its own to
/// judge when it is another config's deployment, which this config's integration does not
/// name (`plan` and `apply` refuse it the same way).
struct GenesysChecked {
    reading: GenesysReading,
    claim: Option<crate::error::Error>,
}

/// The Genesys side as far as it can go before AWS's state is in: signed in, and read against
/// what the config and the account resolve (`Read`); `Later` when the account is not known
/// yet (`--only genesys` without `aws.account_id`) or the targets do not resolve.
enum GenesysEarly {
    Off,
    Read(Box<crate::genesys::Session>),
    Later(Box<genesys_live::SignedIn>),
}

/// Reads the org while AWS is read: the config and the account give the role's and the
/// targets' ARNs, all the Genesys side's desired state needs.
async fn genesys_early(
    signed_in: Result<Option<genesys_live::SignedIn>>,
    loaded: &lambda_trust_config::Loaded,
    (clients, account): (&crate::aws::Clients, Option<String>),
    events: &dyn Events,
) -> Result<GenesysEarly> {
    let Some(mut signed_in) = signed_in? else {
        return Ok(GenesysEarly::Off);
    };
    signed_in.read_org = true;
    let ctx = lambda_trust_model::RenderContext {
        account_id: account,
        default_region: Some(clients.region()),
    };
    let Some(desired) = DesiredGenesys::before_aws(loaded, &ctx) else {
        return Ok(GenesysEarly::Later(Box::new(signed_in)));
    };
    let Some(desired) = desired else {
        return Ok(GenesysEarly::Off);
    };
    let session = genesys_live::read_desired(signed_in, desired, false, events).await?;
    Ok(GenesysEarly::Read(Box::new(session)))
}

/// The session for `prepared`: the one read early when it was read against the same desired
/// state (the same account and targets), else read now.
async fn genesys_session(
    early: GenesysEarly,
    prepared: &Prepared,
    events: &dyn Events,
) -> Result<Option<crate::genesys::Session>> {
    match early {
        GenesysEarly::Off => Ok(None),
        GenesysEarly::Later(signed_in) => {
            genesys_live::read(*signed_in, prepared, false, events).await
        }
        GenesysEarly::Read(session) => {
            let Some(mut want) = DesiredGenesys::new(&prepared.loaded, &prepared.desired) else {
                return Ok(None);
            };
            want.region = session.desired.region.clone();
            if want == session.desired {
                return Ok(Some(*session));
            }
            let again = genesys_live::SignedIn::again(*session, true);
            genesys_live::read_desired(again, want, false, events)
                .await
                .map(Some)
        }
    }
}

/// Reads and plans the Genesys side as if adopting, once signed in; `None` without
/// `[genesys]` (or with `--only aws`, not signed in).
async fn genesys_check(
    early: GenesysEarly,
    prepared: &Prepared,
    events: &dyn Events,
    test_actions: bool,
) -> Result<Option<GenesysChecked>> {
    let Some(side) = genesys_session(early, prepared, events).await? else {
        return Ok(None);
    };
    judged_session(side, Some(prepared), test_actions)
        .await
        .map(Some)
}

/// The Genesys side read (`side`), planned as if adopting and its findings annotated with who
/// made each change; `prepared`: the AWS side as read, when it was (a role this config's
/// integration does not name is then refused too).
async fn judged_session(
    mut side: crate::genesys::Session,
    prepared: Option<&Prepared>,
    test_actions: bool,
) -> Result<GenesysChecked> {
    let (plan, lookup_error) = side.plan_for_check().await?;
    let findings = side.annotate(genesys_findings(&side.desired, &plan)).await;
    // Another deployment's integration: apply refuses it, so check says so (exit 1), never a
    // finding whose remedy is that apply.
    let claim = lambda_trust_provision::integration_deployment(&side.desired, &side.observed)
        .map_err(crate::error::Error::from)
        .err()
        .or_else(|| {
            let prepared = prepared?;
            super::live::claimed_by_this_integration(prepared, Some(&side)).err()
        });
    let test_runs = match test_actions {
        true => genesys_live::test_runs(&side).await?,
        false => Vec::new(),
    };
    let reading = GenesysReading {
        findings,
        test_runs,
        plan,
        lookup_error,
        desired: Box::new(side.desired),
        observed: Box::new(side.observed),
    };
    Ok(GenesysChecked { reading, claim })
}

/// The Genesys side alone, read against a kept AWS reading (`watch`, after one of the org's
/// audit events): signed in, read and planned as `check` does.
pub(crate) async fn genesys_again(
    clients: &crate::aws::Clients,
    prepared: &Prepared,
    events: &dyn Events,
) -> Result<Option<GenesysReading>> {
    let early = match genesys_live::sign_in(clients, &prepared.loaded.config, events).await? {
        Some(signed_in) => GenesysEarly::Later(Box::new(signed_in)),
        None => GenesysEarly::Off,
    };
    let checked = genesys_check(early, prepared, events, false).await?;
    Ok(checked.map(|c| c.reading))
}

/// Checks each config at `paths` against AWS (and Genesys Cloud), concurrently; `only`: one
/// side alone; `test_actions`: every data action's test run too. A config that cannot be checked is a report of its error, beside the others.
pub(crate) async fn check(
    settings: &Settings,
    events: &dyn Events,
    paths: &[lambda_trust_config::ConfigFile],
    only: Option<Side>,
    path: super::path::PathAsk<'_>,
    test_actions: bool,
) -> lambda_trust_provision::CheckReport {
    // One CloudTrail pace for the run: configs checked concurrently may share an account.
    let pacer = aws_trail::pacer();
    let what = crate::event::Read::Checking {
        configs: paths.len(),
    };
    let ask = Ask {
        only,
        path,
        test_actions,
    };
    let claimed = claimed_twice(paths);
    let checks = paths.iter().map(|path| {
        let claim = claimed.get(&path.path).cloned();
        let (pacer, name) = (&pacer, path.path.display().to_string());
        async move {
            match claim {
                Some(refused) => {
                    let mut report = ConfigReport::error(&name, refused);
                    report.environment = path.env.clone();
                    report
                }
                None => check_one(settings, events, path, pacer, ask).await,
            }
        }
    });
    let reports = events
        .reading(what, futures::future::join_all(checks))
        .await;
    lambda_trust_provision::CheckReport::from(reports)
}

/// Configs of one run that claim one `deployment` from two files that say different things:
/// each is refused naming both (a deployment is one config's; what one applies the other would
/// read as its own drift). The same config under two names is one deployment; environments of
/// one file are each their own.
fn claimed_twice(
    paths: &[lambda_trust_config::ConfigFile],
) -> BTreeMap<std::path::PathBuf, String> {
    type Claims<'a> = Vec<(&'a std::path::Path, lambda_trust_config::Config)>;
    let mut by_deployment: BTreeMap<String, Claims<'_>> = BTreeMap::new();
    for file in paths {
        let Some(config) = file.load().ok().map(|l| l.config) else {
            continue;
        };
        if let Some(d) = config.deployment.clone() {
            let files = by_deployment.entry(d).or_default();
            if !files.iter().any(|(p, _)| *p == file.path.as_path()) {
                files.push((&file.path, config));
            }
        }
    }
    let by_deployment = by_deployment.into_iter().map(|(d, claims)| {
        let differ = claims.iter().any(|(_, c)| *c != claims[0].1);
        let files: Vec<&std::path::Path> = match differ {
            true => claims.iter().map(|(p, _)| *p).collect(),
            false => Vec::new(),
        };
        (d, files)
    });
    let mut out = BTreeMap::new();
    for (deployment, files) in by_deployment.into_iter().filter(|(_, f)| f.len() > 1) {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        for file in &files {
            out.insert(file.to_path_buf(), format!(
                "two config files claim deployment {deployment:?}: {}; nothing was checked\n(hint: give each config a `deployment` of its own — `lambda-trust init` writes a new one)",
                names.join(" and ")
            ));
        }
    }
    out
}

/// `check --template/--plan`'s options: the infrastructure-as-code and `--account-id`.
#[derive(Debug, Clone)]
pub(crate) struct IacCheck {
    pub source: IacSource,
    pub account_id: Option<String>,
}

/// `check --template`: the config's desired state against the template's model, no AWS call.
/// The region of the config's functions is the one rule's (`Settings::region`).
pub(crate) fn check_iac(
    settings: &Settings,
    paths: &[lambda_trust_config::ConfigFile],
    options: &IacCheck,
) -> Result<lambda_trust_provision::CheckReport> {
    let path = match paths {
        [one] => one.clone(),
        _ => {
            return Err(Error::usage(
                "check --template/--plan takes one config",
                "give the config whose role the template or plan should define with --config",
            ))
        }
    };
    let loaded = path.load()?;
    let config = &loaded.config;
    let account = (options.account_id.clone())
        .or_else(|| config.aws.account_id.clone())
        .ok_or_else(|| {
            Error::usage(
                "check --template/--plan needs the account the code is deployed to",
                "pass --account-id ACCOUNT or set [aws].account_id in the config",
            )
        })?;
    let region = settings.region(Some(config)).ok_or_else(|| {
        Error::usage(
            "check --template/--plan needs the region of the config's functions",
            "set [aws].region in the config, or pass --region",
        )
    })?;
    let ctx = RenderContext {
        account_id: Some(account.clone()),
        default_region: Some(region.clone()),
    };
    let templates = settings.templates.load()?;
    let allow_weaker = settings.templates.allow_weaker;
    let desired = super::iac_check::desired(config, &ctx, &templates, allow_weaker)?;
    let (model, file) = read_model(&options.source, Some(account), Some(region))?;
    let report = super::iac_check::check_model(&model, &desired, &file);
    Ok(lambda_trust_provision::CheckReport::from(vec![report]))
}
