//! `lambda-trust onboard` / `offboard`: adds or removes one target in the config file
//! (comment-preserving), then applies and proves the result.

use anyhow::Context;

use super::files::write_atomically;
use super::invocation::Invocation;
use super::live::{plan_both, prepare_loaded, Goal};
use super::write;
use crate::aws::{observe, prepare};
use crate::config::{self, edit};
use crate::core::change_set::ChangeSet;
use crate::core::render::{self, RenderContext};
use crate::core::{onboard, verify};
use crate::error::{Result, Status};
use crate::genesys::Session;
use crate::report::{self, Onboarded, Styles};

pub(super) enum Edit {
    Add {
        function: String,
        qualifier: Option<String>,
        all_aliases: bool,
        /// With `[genesys]`: the new target's data action name.
        action_name: Option<String>,
    },
    Remove {
        function: String,
        qualifier: Option<String>,
        /// Delete the target's data action even when a published flow calls it.
        force: bool,
    },
}

/// The config file before the edit, and what the edit needs to resolve targets.
struct Before {
    path: std::path::PathBuf,
    shown: String,
    text: String,
    config: config::Config,
    ctx: RenderContext,
    existing: Vec<render::ResolvedTarget>,
}

/// The config's text after the edit, and the one-line summary of it.
struct Edited {
    text: String,
    summary: String,
}

pub(super) async fn run(inv: &Invocation, edit: Edit, dry_run: bool) -> Result<Status> {
    let path = inv.config.one()?;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!("cannot read {shown}\n(hint: create it first with `lambda-trust init`)")
    })?;
    let old = config::parse_str(&text, &shown)?;
    let clients = prepare::connect(&old.config, &inv.aws).await?;
    // Bare names resolve in the role's account; the identity read here is reused below.
    let identity = observe::caller_identity(&clients).await?;
    let (caller_account, _caller_arn) = &identity;
    let account = old.config.aws.account_id.clone();
    let ctx = RenderContext {
        account_id: Some(account.unwrap_or_else(|| caller_account.clone())),
        default_region: Some(prepare::default_region(&old.config, &clients)),
    };
    let existing = render::resolve_targets(&old.config, &ctx)?;
    let before = Before {
        path,
        shown,
        text,
        config: old.config,
        ctx,
        existing,
    };
    let edited = match &edit {
        Edit::Add { .. } => add(inv, &before, &edit)?,
        Edit::Remove { .. } => remove(inv, &before, &edit)?,
    };
    let Some(Edited {
        text: new_text,
        summary,
    }) = edited
    else {
        return Ok(Status::Ok);
    };
    // The edited file must be a valid config before anything is written anywhere.
    let new = config::parse_str(&new_text, &before.shown)?;
    if new.config.targets.is_empty() {
        eprintln!("note: no targets remain: the invoke policy will be detached and deleted; the role stays and can invoke nothing.");
    }
    // Only the new function is looked up (offboard: none); the others were confirmed before.
    let scope = prepare::Scope {
        functions: Some(match &edit {
            Edit::Add { .. } => vec![new.config.targets.len() - 1],
            Edit::Remove { .. } => vec![],
        }),
        identity: Some(identity),
    };
    let (clients, prepared) = prepare_loaded(inv, clients, new, scope).await?;
    // Onboarding grants before the action that calls the function exists; offboarding removes
    // the action before the grant it calls. Before the file is written: an action a flow calls
    // stops the run with nothing changed.
    let goal = match edit {
        Edit::Add { .. } => Goal::Converge {
            adopt: false,
            only: None,
        },
        Edit::Remove { .. } => Goal::Shrink,
    };
    let force = matches!(edit, Edit::Remove { force: true, .. });
    let planned = plan_both(inv, clients, prepared, goal, force).await?;
    let set = &planned.set;
    inv.output
        .preview(|styles| changes_human(&before, &new_text, set, styles));
    if dry_run {
        let diff = edit::text_diff(&before.shown, &before.text, &new_text);
        inv.output.emit(&Onboarded::DryRun { diff, set })?;
        return Ok(Status::Changes);
    }
    write_atomically(&before.path, &new_text)?;
    eprintln!("updated {}", before.shown);
    let genesys = planned.genesys.as_ref();
    let writes = write::write(&planned.clients, set, genesys).await?;
    let verification = prove_result(&planned.clients, &planned.prepared, genesys).await?;
    inv.output.emit(&Onboarded::Done {
        summary: &summary,
        set,
        writes,
        verification: &verification,
    })?;
    Ok(Status::ok_or(verification.passed, Status::Denied))
}

fn add(inv: &Invocation, before: &Before, edit: &Edit) -> Result<Option<Edited>> {
    let Edit::Add {
        function,
        qualifier,
        all_aliases,
        action_name,
    } = edit
    else {
        return Ok(None);
    };
    let region = inv.aws.region.as_deref();
    let mut target =
        onboard::target_from_args(function, qualifier.as_deref(), region, *all_aliases)?;
    let resolved = onboard::resolve_one(&before.config, &before.ctx, &target)?;
    let arns = &resolved.granted_arns;
    if let Some(i) = onboard::already_present(&before.existing, &resolved) {
        let summary = format!(
            "{} is already a target (targets[{i}] in {}); nothing to do",
            arns.join(" and "),
            before.shown
        );
        inv.output.emit(&Onboarded::AlreadyThere { summary })?;
        return Ok(None);
    }
    if *all_aliases {
        eprintln!(
            "{} --all-aliases grants every version and alias of {}: {}",
            inv.output.stderr.yellow("warning:"),
            resolved.function_name,
            arns.join(", ")
        );
    }
    target.action = onboard::new_action(
        &before.config,
        &target,
        action_name.as_deref(),
        &before.shown,
    )?;
    let named = (target.action.as_ref().and_then(|a| a.name.as_ref()))
        .map(|n| format!(" (data action {n:?})"))
        .unwrap_or_default();
    Ok(Some(Edited {
        text: edit::add_target(&before.text, &before.shown, &target)?,
        summary: format!("onboarded {}{named}", arns.join(" and ")),
    }))
}

/// `offboard`: every entry that grants the function (and qualifier) removed.
fn remove(inv: &Invocation, before: &Before, edit: &Edit) -> Result<Option<Edited>> {
    let Edit::Remove {
        function,
        qualifier,
        ..
    } = edit
    else {
        return Ok(None);
    };
    let region = inv.aws.region.as_deref();
    let target = onboard::target_from_args(function, qualifier.as_deref(), region, false)?;
    let wanted = onboard::resolve_one(&before.config, &before.ctx, &target)?;
    let hits = onboard::matching(&before.existing, &wanted, &before.shown)?;
    let (text, n) = edit::remove_targets(&before.text, &before.shown, |i| hits.contains(&i))?;
    let entries = if n == 1 { "entry" } else { "entries" };
    Ok(Some(Edited {
        text,
        summary: format!("offboarded {n} target {entries}"),
    }))
}

/// The config diff and both sides' plans, for people (before anything is written).
fn changes_human(before: &Before, new_text: &str, set: &ChangeSet, styles: Styles) -> String {
    let mut out = format!(
        "{}\n",
        styles.bold(&format!("Config change ({}):", before.shown))
    );
    out.push_str(&edit::text_diff(&before.shown, &before.text, new_text));
    out.push_str(&format!("{}\n", styles.bold("AWS changes:")));
    out.push_str(&report::plan_human(&set.aws, styles));
    if let Some(genesys) = &set.genesys {
        out.push_str(&format!("{}\n", styles.bold("Genesys Cloud changes:")));
        out.push_str(&report::genesys_plan_human(genesys, styles));
    }
    out
}

/// The result, read again and proved as `verify` proves it (offline checks and proofs; with
/// `[genesys]`, the Genesys checks too).
async fn prove_result(
    clients: &crate::aws::Clients,
    prepared: &prepare::Prepared,
    genesys: Option<&Session>,
) -> Result<verify::Verification> {
    let observed = prepare::reobserve_iam(clients, prepared).await?;
    let desired = &prepared.desired;
    let mut checks = verify::checks(desired, &observed);
    if let Some(side) = genesys {
        let again = side.reobserve().await?;
        let role = observed.role.as_ref().map(|r| r.arn.as_str());
        checks.extend(crate::core::genesys::genesys_checks(
            &side.desired,
            &again,
            role,
        ));
    }
    Ok(verify::Verification::new(checks).with_proofs(verify::proofs(desired, &observed)))
}
