//! `watch deploy`, `watch status` and `watch destroy`'s workflow: the watching function's
//! deployment (`crates/provision/src/watch/deploy/mod.rs`) from the config and the package
//! (`package.rs`), what is live of it, the notes and problems said beside it, and the writes.

use crate::event::{WatchNote, WatchProblem};
use std::path::PathBuf;

use super::notes;
use super::package::{code_sha256, package_of, PackageUse};
use crate::app::events::Events;
use crate::app::live::connect;
use crate::app::settings::Settings;
use crate::aws::prepare::{prepare_scoped, Scope};
use crate::aws::watch::deploy as live;
use crate::error::{Error, Result};
use crate::event::Read;
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::{
    plan_watch, prove_read_only, watch_deployment, watch_teardown, Deployment, Seen, WatchInput,
    WatchOp, WatchOwner,
};

/// `watch deploy`'s options.
#[derive(Debug, Clone)]
pub(crate) struct DeployOptions {
    /// `--package`: the binary to deploy; the running one when it can be.
    pub package: Option<PathBuf>,
    /// The config's environment (`--env`): the function runs it.
    pub env: Option<String>,
    /// What the package is for: deployed (`deploy`: it must be deployable), compared with the
    /// function's code (`status`: without one, no code is compared), or not used (`destroy`:
    /// not read, not zipped).
    pub package_use: PackageUse,
}

/// What a watch is and what is live of it.
pub(crate) struct WatchState {
    pub role: String,
    pub want: Deployment,
    pub seen: Seen,
    /// The package the deployment's code is compared with.
    pub package: Vec<u8>,
    /// Said beside the plan: where the function lives and why, what the events need.
    pub notes: Vec<WatchNote>,
    /// What the function lacks, each with its fix: a region whose calls it cannot hear, no
    /// way to sign in to Genesys Cloud. Any makes `watch status` exit 2.
    pub problems: Vec<WatchProblem>,
}

/// What the deployment is made from: the config's role, policies and targets as resolved in
/// the account, the package's code.
fn watch_input(
    prepared: &lambda_trust_provision::Prepared,
    options: &DeployOptions,
    architecture: &str,
    package: &[u8],
) -> WatchInput {
    let (desired, config) = (&prepared.desired, &prepared.loaded.config);
    let target = |t: &lambda_trust_model::ResolvedTarget| {
        let name = t.function_name.clone();
        (
            t.region.clone(),
            name,
            t.function_arn.clone(),
            t.qualifier.clone(),
        )
    };
    WatchInput {
        env: options.env.clone(),
        account: desired.account_id.clone(),
        partition: desired.partition.clone(),
        role: desired.role.name.clone(),
        role_path: desired.role.path.clone(),
        policies: desired.policies.iter().map(|p| p.arn.clone()).collect(),
        targets: desired.targets.iter().map(target).collect(),
        schedule: (config.watch.as_ref())
            .and_then(|w| w.schedule.clone())
            .unwrap_or_else(|| lambda_trust_config::DEFAULT_WATCH_SCHEDULE.into()),
        sns_topic: config.watch.as_ref().and_then(|w| w.sns_topic.clone()),
        genesys_bus: (config.watch.as_ref()).and_then(|w| w.genesys_event_bus.clone()),
        config_rule: (config.watch.as_ref()).and_then(|w| w.engine)
            == Some(lambda_trust_config::WatchEngine::ConfigRule),
        architecture: architecture.to_owned(),
        code_sha256: code_sha256(package),
        secret: config.genesys.as_ref().and_then(|g| g.oauth_secret.clone()),
        secret_cmk: false,
        // Set by the caller: the accounts its clients reach.
        accounts: Default::default(),
    }
}

/// Reads the config, builds the package and the deployment, proves the function's role
/// read-only, and reads what is live of it.
pub(crate) async fn read(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    options: &DeployOptions,
) -> Result<WatchState> {
    let loaded = file.load()?;
    let config = &loaded.config;
    let named = options.package.as_deref();
    let (package, architecture, mut notes) =
        package_of(settings, &loaded, named, options.package_use)?;
    let clients = connect(settings, events, config).await?;
    let templates = settings.templates.load()?;
    let allow_weaker = settings.templates.allow_weaker;
    let scope = Scope {
        functions: Some(Vec::new()),
        ..Scope::default()
    };
    let prepared =
        prepare_scoped(&clients, loaded.clone(), &templates, allow_weaker, scope).await?;
    let role_missing = prepared.observed.role.is_none();
    let secret = super::secret::read(&clients, config).await;
    let mut input = watch_input(&prepared, options, &architecture, &package);
    input.accounts = (clients.accounts().keys()).cloned().collect();
    super::secret::name_exactly(&mut input, secret.as_ref());
    let mut want = watch_deployment(&input);
    read_only(&want)?;
    let seen = live::seen(&clients, &want, WatchOwner::Role(&input.role)).await?;
    // Without a package, the deployed code is not compared.
    if let (true, Some(f)) = (package.is_empty(), &seen.function) {
        want.function.code_sha256 = f.code_sha256.clone();
        want.function.architecture = f.architecture.clone();
    }
    notes.extend(notes::notes_of(&want, config.genesys.is_some()));
    notes.extend(notes::moved(&want, &seen, &input.role));
    let (heard, mut problems) = notes::trails(&clients, &want).await;
    notes.extend(heard);
    problems.extend(notes::sign_in(config));
    problems.extend(secret.and_then(|s| s.problem(&want.role.policy)));
    problems.extend(notes::unheard(&input));
    problems.extend(notes::config_rule_blind(&input));
    if role_missing {
        // A watch of a role that is gone re-proves nothing but its absence: never healthy.
        problems.push(WatchProblem::RoleMissing {
            role: input.role.clone(),
        });
    }
    Ok(WatchState {
        role: input.role,
        want,
        seen,
        package,
        notes,
        problems,
    })
}

/// Proves every role the function can reach read-only — its own, and its role in each other
/// account — before anything is written.
fn read_only(want: &Deployment) -> Result<()> {
    let roles = std::iter::once((None, &want.role))
        .chain((want.account_readers.iter()).map(|r| (r.account.as_deref(), r)));
    for (account, role) in roles {
        prove_read_only(&role.policy).map_err(|why| {
            let there = account.map_or_else(String::new, |a| format!(" in account {a}"));
            Error::usage(
                format!("the watching function's role{there} would not be read-only: {why}"),
                "this is lambda-trust's defect: report it; nothing was written",
            )
        })?;
    }
    Ok(())
}

/// The writes that deploy the watch (none when it is deployed as wanted).
pub(crate) fn deploy_ops(state: &WatchState) -> Result<Vec<WatchOp>> {
    plan_watch(&state.want, &state.seen, WatchOwner::Role(&state.role)).map_err(|e| {
        Error::usage(
            e.to_string(),
            "remove or rename it, or watch with another config: lambda-trust never takes over what is not its own",
        )
    })
}

/// The writes that remove the watch: only what its tags say is this watch's.
pub(crate) fn destroy_ops(state: &WatchState) -> Vec<WatchOp> {
    watch_teardown(&state.seen, WatchOwner::Role(&state.role), &state.want)
}

/// Makes `ops`; the writes made.
pub(crate) async fn write(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
    ops: &[WatchOp],
) -> Result<usize> {
    let loaded = file.load()?;
    let clients = connect(settings, events, &loaded.config).await?;
    let work = live::apply(&clients, ops, &state.package, &state.want.tags);
    let written = events.reading(Read::Writing { changes: ops.len() }, work);
    written.await.map_err(|(made, e)| stopped(ops, made, e))
}

/// A write that failed: what it was, and what the run had made before it — which stays, and
/// which the next run of the same command plans from.
fn stopped(ops: &[WatchOp], made: usize, error: crate::aws::AwsError) -> Error {
    use crate::error::Hinted as _;
    let failed = ops
        .get(made)
        .map_or_else(String::new, |op| format!(" ({op})"));
    let before = match made {
        0 => "nothing was made before it".to_owned(),
        n => {
            let list: Vec<String> = ops[..n].iter().map(|op| format!("  {op}")).collect();
            format!(
                "made before it ({n} of {}):\n{}",
                ops.len(),
                list.join("\n")
            )
        }
    };
    let fix = error.hint().map_or_else(String::new, |h| format!("{h}; "));
    Error::usage(
        format!("write {} of {} failed{failed}: {error}; {before}", made + 1, ops.len()),
        format!("{fix}then run the same command again: it plans from what is there (`lambda-trust watch destroy` removes what was made)"),
    )
}
