//! `onboard` / `offboard`'s workflow: add or remove one target in the config file
//! (comment-preserving) and plan both sides ([`plan`]); then write the file, apply and prove
//! the result ([`apply`]). Between the two the command shows the change, or stops (`--dry-run`).

use std::path::PathBuf;

use super::events::{Event, Events};
use super::files::write_atomically;
use super::live::{connect, plan_both, prepare_loaded, Goal, LivePlan};
use super::settings::Settings;
use super::verify::prove_result_read;
use super::write::{self, Writes};
use crate::aws::{observe, prepare, Clients};
use crate::error::{FileError, Result};
use crate::event::{Note, Said};
use lambda_trust_config::{add_target, remove_targets};
use lambda_trust_model::{CallerIdentity, RenderContext};
use lambda_trust_provision::{
    already_present, new_action, offboard_matching, resolve_args, Verification,
};

/// The edit of the config's targets.
pub(crate) enum Edit {
    Add(Add),
    Remove(Remove),
}

/// `onboard`'s target.
pub(crate) struct Add {
    pub function: String,
    /// `--region`: FUNCTION's region when it is a bare name (not the run's region).
    pub region: Option<String>,
    pub qualifier: Option<String>,
    pub all_aliases: bool,
    /// With `[genesys]`: the new target's data action name.
    pub action_name: Option<String>,
}

/// `offboard`'s target.
pub(crate) struct Remove {
    pub function: String,
    /// `--region`: FUNCTION's region when it is a bare name (not the run's region).
    pub region: Option<String>,
    pub qualifier: Option<String>,
    /// Delete the target's data action even when a published flow calls it.
    pub force: bool,
}

/// The config file before the edit, and what the edit needs to resolve targets.
pub(crate) struct Before {
    path: PathBuf,
    /// The environment edited for (`--env`); the edit itself is the file's.
    env: Option<String>,
    /// The file's name as shown.
    pub shown: String,
    /// Its text.
    pub text: String,
    config: lambda_trust_config::Config,
    ctx: RenderContext,
    existing: Vec<lambda_trust_model::ResolvedTarget>,
}

/// The config's text after the edit, and the one-line summary of it.
struct Edited {
    text: String,
    summary: String,
}

/// What the edit came to, before anything is written.
pub(crate) enum Planned {
    /// `onboard` of a function already granted: nothing to do.
    AlreadyThere { summary: String },
    /// The edit, and both sides planned for the edited config.
    Ready(Box<Ready>),
}

/// An edit ready to write: the file before and after, and the plan.
pub(crate) struct Ready {
    pub before: Before,
    pub new_text: String,
    /// One line: what was onboarded or offboarded.
    pub summary: String,
    pub planned: LivePlan,
}

/// Edits the config at `path` (in memory), validates the edited text and plans both sides for
/// it. Nothing is written. `settings` carry no `--region`: onboard's is the target's own
/// ([`Add::region`]); the run's region is the config's, else the environment's, else the
/// profile's.
pub(crate) async fn plan(
    settings: &Settings,
    events: &dyn Events,
    file: lambda_trust_config::ConfigFile,
    edit: Edit,
) -> Result<Planned> {
    let (clients, identity, before) = read_before(settings, events, file).await?;
    let edited = match &edit {
        Edit::Add(new) => add(events, &before, new)?,
        Edit::Remove(gone) => remove(&before, gone)?,
    };
    let Edited {
        text: new_text,
        summary,
    } = match edited {
        Ok(edited) => edited,
        Err(summary) => return Ok(Planned::AlreadyThere { summary }),
    };
    // The edited file must be a valid config before anything is written anywhere.
    let new = lambda_trust_config::parse_str(&new_text, &before.shown, before.env.as_deref())?;
    if new.config.targets.is_empty() {
        events.event(Event::Note(Note::NoTargetsRemain));
    }
    let scope = scope(&edit, &new.config, identity, &before, &clients);
    let (clients, prepared) = prepare_loaded(settings, events, clients, new, scope).await?;
    let (goal, force) = goal(&edit);
    let planned = plan_both(settings, events, clients, prepared, goal, force).await?;
    Ok(Planned::Ready(Box::new(Ready {
        before,
        new_text,
        summary,
        planned,
    })))
}

/// The config as it is, read and its targets resolved in the role's account (bare names), with
/// the clients and the caller's identity read for it (reused by the plan).
async fn read_before(
    settings: &Settings,
    events: &dyn Events,
    file: lambda_trust_config::ConfigFile,
) -> Result<(Clients, CallerIdentity, Before)> {
    let lambda_trust_config::ConfigFile { path, env } = file;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        FileError::new("read", &shown, e).with_hint("create it first with `lambda-trust init`")
    })?;
    let old = lambda_trust_config::parse_str(&text, &shown, env.as_deref())?;
    let clients = connect(settings, events, &old.config).await?;
    let identity = observe::caller_identity(&clients).await?;
    let ctx = RenderContext {
        account_id: Some((old.config.aws.account_id.clone()).unwrap_or(identity.account.clone())),
        default_region: Some(prepare::default_region(&clients)),
    };
    let existing = lambda_trust_model::resolve_targets(&old.config, &ctx)?;
    let before = Before {
        path,
        env,
        shown,
        text,
        config: old.config,
        ctx,
        existing,
    };
    Ok((clients, identity, before))
}

/// What the edited config's preparation reads: only the new function (offboard: none; the
/// others were confirmed before), and, offboarding a cross-account target, lambda-trust's
/// statement on it, which is removed.
fn scope(
    edit: &Edit,
    new: &lambda_trust_config::Config,
    identity: CallerIdentity,
    before: &Before,
    clients: &Clients,
) -> prepare::Scope {
    prepare::Scope {
        functions: Some(match edit {
            Edit::Add(_) => vec![new.targets.len() - 1],
            Edit::Remove(_) => vec![],
        }),
        identity: Some(identity),
        identity_ahead: None,
        retired: match edit {
            Edit::Add(_) => Vec::new(),
            Edit::Remove(_) => lambda_trust_model::function_permissions(
                &before.config,
                &before.existing,
                clients.partition(),
                before.ctx.account_id.as_deref().unwrap_or_default(),
            ),
        },
    }
}

/// Onboarding converges (it grants before the action that calls the function exists);
/// offboarding shrinks (it removes the action before the grant it calls), forced only when
/// asked. Planned before the file is written: an action a flow calls stops the run with
/// nothing changed.
fn goal(edit: &Edit) -> (Goal, bool) {
    match edit {
        Edit::Add(_) => (
            Goal::Converge {
                adopt: false,
                only: None,
                publish: false,
            },
            false,
        ),
        Edit::Remove(gone) => (Goal::Shrink, gone.force),
    }
}

/// Writes the edited file, then both sides' changes, and proves the result as `verify` does.
pub(crate) async fn apply(events: &dyn Events, ready: &Ready) -> Result<(Writes, Verification)> {
    write_atomically(&ready.before.path, &ready.new_text)?;
    events.event(Event::Said(Said::Updated {
        what: ready.before.shown.clone(),
    }));
    let planned = &ready.planned;
    let genesys = planned.genesys.as_ref();
    let writes = write::write(&planned.clients, &planned.set, genesys, events).await?;
    let (verification, observed) =
        prove_result_read(&planned.clients, &planned.prepared, genesys).await?;
    // The whole path of the targets this run looked up (the new one), judged as `verify` does.
    let prepared = &planned.prepared;
    let mut desired = prepared.desired.clone();
    let looked_up = |t: &lambda_trust_model::ResolvedTarget| {
        (prepared.observed.functions.iter())
            .filter_map(|f| f.arn.as_deref())
            .any(|a| a == t.function_arn || a.starts_with(&format!("{}:", t.function_arn)))
    };
    desired.targets.retain(looked_up);
    let judged = (&desired, &observed);
    let verification =
        super::path::with_path_of(verification, &planned.clients, prepared, judged, events).await?;
    Ok((writes, verification))
}

/// `onboard`: the new entry added; `Err(summary)` when the function is already a target.
fn add(
    events: &dyn Events,
    before: &Before,
    new: &Add,
) -> Result<std::result::Result<Edited, String>> {
    let Add {
        function,
        region,
        qualifier,
        all_aliases,
        action_name,
    } = new;
    let region = region.as_deref();
    let defaults = (&before.config, &before.ctx);
    let (mut target, resolved) = resolve_args(
        defaults,
        function,
        qualifier.as_deref(),
        region,
        *all_aliases,
    )?;
    let arns = &resolved.granted_arns;
    if let Some(i) = already_present(&before.existing, &resolved) {
        let summary = format!(
            "{} is already a target (targets[{i}] in {}); nothing to do",
            arns.join(" and "),
            before.shown
        );
        return Ok(Err(summary));
    }
    if *all_aliases {
        events.event(Event::Warning {
            message: format!(
                "--all-aliases grants every version and alias of {}: {}",
                resolved.function_name,
                arns.join(", ")
            ),
            hint: None,
        });
    }
    target.action = new_action(
        &before.config,
        &target,
        action_name.as_deref(),
        &before.shown,
    )?;
    let named = (target.action.as_ref().and_then(|a| a.name.as_ref()))
        .map(|n| format!(" (data action {n:?})"))
        .unwrap_or_default();
    Ok(Ok(Edited {
        text: add_target(&before.text, &before.shown, &target)?,
        summary: format!("onboarded {}{named}", arns.join(" and ")),
    }))
}

/// `offboard`: every entry that grants the function (and qualifier) removed.
fn remove(before: &Before, gone: &Remove) -> Result<std::result::Result<Edited, String>> {
    let Remove {
        function,
        region,
        qualifier,
        ..
    } = gone;
    let region = region.as_deref();
    let defaults = (&before.config, &before.ctx);
    let (_, wanted) = resolve_args(defaults, function, qualifier.as_deref(), region, false)?;
    let hits = offboard_matching(&before.existing, &wanted, &before.shown)?;
    let (text, n) = remove_targets(&before.text, &before.shown, |i| hits.contains(&i))?;
    let entries = if n == 1 { "entry" } else { "entries" };
    Ok(Ok(Edited {
        text,
        summary: format!("offboarded {n} target {entries}"),
    }))
}
