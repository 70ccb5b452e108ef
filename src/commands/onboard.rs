//! `lambda-trust onboard` / `offboard`: adds or removes one target in the config file
//! (comment-preserving), then applies and proves the result.

use anyhow::Context;

use super::genesys_live::{self, GenesysSide};
use super::{aws_flags, config_path, prepare_loaded, write, write_atomically};
use crate::aws::{observe, prepare};
use crate::cli::{Format, Global};
use crate::config::{self, edit};
use crate::core::change_set::ChangeSet;
use crate::core::plan::{self, PlanOptions};
use crate::core::render::{self, RenderContext};
use crate::core::{onboard, verify};
use crate::error::{Result, Status};
use crate::report::{self, DryRunResult, OnboardResult, Styles};

pub enum Edit {
    Add {
        function: String,
        qualifier: Option<String>,
        all_aliases: bool,
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

/// The edited text and the one-line summary; `None` when there is nothing to do.
type Edited = Option<(String, String)>;

pub async fn run(g: &Global, edit: Edit, dry_run: bool, styles: Styles) -> Result<Status> {
    let path = config_path(g)?;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!("cannot read {shown}\n(hint: create it first with `lambda-trust init`)")
    })?;
    let old = config::parse_str(&text, &shown)?;
    let clients = prepare::connect(&old.config, &aws_flags(g)).await;
    // Bare names resolve in the role's account; the identity read here is reused below.
    let identity = observe::caller_identity(&clients).await?;
    let account = old.config.aws.account_id.clone();
    let ctx = RenderContext {
        account_id: Some(account.unwrap_or_else(|| identity.0.clone())),
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
        Edit::Add { .. } => add(g, &before, &edit, styles)?,
        Edit::Remove { .. } => remove(g, &before, &edit)?,
    };
    let Some((new_text, summary)) = edited else {
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
    let (clients, p) = prepare_loaded(g, clients, new, scope).await?;
    let mut gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let aws = plan::plan(&p.desired, &p.observed, PlanOptions { adopt: false })?;
    // Before the file is written: an action a flow calls stops the run with nothing changed.
    let force = matches!(edit, Edit::Remove { force: true, .. });
    let genesys = match gside.as_mut() {
        Some(side) => Some(side.plan(false, force).await?),
        None => None,
    };
    // Onboarding grants before the action that calls the function exists; offboarding removes
    // the action before the grant it calls.
    let set = match edit {
        Edit::Add { .. } => ChangeSet::converge(aws, genesys),
        Edit::Remove { .. } => ChangeSet::retire(aws, genesys),
    };
    show_changes(g, &before, &new_text, &set, styles);
    if dry_run {
        return dry_run_result(g, &before, &new_text, &set);
    }
    write_atomically(&before.path, &new_text)?;
    eprintln!("updated {}", before.shown);
    let writes = write::write(&clients, &set, gside.as_ref()).await?;
    let v = prove_result(&clients, &p, gside.as_ref()).await?;
    match g.format {
        Format::Human => {
            let n = writes.total();
            println!("{} {summary} ({n} write call(s)).", styles.green("✓"));
            print!("{}", report::verification_human(&v, styles));
        }
        _ => {
            let result = OnboardResult::new(&summary, &set, writes, &v);
            println!("{}", report::to_json(&result));
        }
    }
    Ok(Status::ok_or(v.passed, Status::Denied))
}

fn add(g: &Global, before: &Before, edit: &Edit, styles: Styles) -> Result<Edited> {
    let Edit::Add {
        function,
        qualifier,
        all_aliases,
    } = edit
    else {
        return Ok(None);
    };
    let region = g.aws.region.as_deref();
    let target = onboard::target_from_args(function, qualifier.as_deref(), region, *all_aliases)?;
    let resolved = onboard::resolve_one(&before.config, &before.ctx, &target)?;
    let arns = &resolved.granted_arns;
    if let Some(i) = onboard::already_present(&before.existing, &resolved) {
        let summary = format!(
            "{} is already a target (targets[{i}] in {}); nothing to do",
            arns.join(" and "),
            before.shown
        );
        match g.format {
            Format::Human => println!("{} {summary}.", styles.green("✓")),
            _ => println!(
                "{}",
                report::to_json(&OnboardResult::nothing_to_do(summary))
            ),
        }
        return Ok(None);
    }
    if *all_aliases {
        eprintln!(
            "{} --all-aliases grants every version and alias of {}: {}",
            styles.yellow("warning:"),
            resolved.function_name,
            arns.join(", ")
        );
    }
    let text = edit::add_target(&before.text, &before.shown, &target)?;
    Ok(Some((text, format!("onboarded {}", arns.join(" and ")))))
}

/// `offboard`: every entry that grants the function (and qualifier) removed.
fn remove(g: &Global, before: &Before, edit: &Edit) -> Result<Edited> {
    let Edit::Remove {
        function,
        qualifier,
        ..
    } = edit
    else {
        return Ok(None);
    };
    let region = g.aws.region.as_deref();
    let target = onboard::target_from_args(function, qualifier.as_deref(), region, false)?;
    let wanted = onboard::resolve_one(&before.config, &before.ctx, &target)?;
    let hits = onboard::matching(&before.existing, &wanted, &before.shown)?;
    let (text, n) = edit::remove_targets(&before.text, &before.shown, |i| hits.contains(&i))?;
    let entries = if n == 1 { "entry" } else { "entries" };
    Ok(Some((text, format!("offboarded {n} target {entries}"))))
}

fn show_changes(g: &Global, before: &Before, new_text: &str, set: &ChangeSet, styles: Styles) {
    if g.format != Format::Human {
        return;
    }
    println!(
        "{}",
        styles.bold(&format!("Config change ({}):", before.shown))
    );
    print!("{}", edit::text_diff(&before.shown, &before.text, new_text));
    println!("{}", styles.bold("AWS changes:"));
    print!("{}", report::plan_human(&set.aws, styles));
    if let Some(gp) = &set.genesys {
        println!("{}", styles.bold("Genesys Cloud changes:"));
        print!("{}", report::genesys_plan_human(gp, styles));
    }
}

fn dry_run_result(g: &Global, before: &Before, new_text: &str, set: &ChangeSet) -> Result<Status> {
    if g.format == Format::Json {
        let diff = edit::text_diff(&before.shown, &before.text, new_text);
        println!("{}", report::to_json(&DryRunResult::new(diff, set)));
    } else {
        println!("Dry run: nothing was changed.");
    }
    Ok(Status::Changes)
}

/// The result, read again and proved as `verify` proves it (offline checks and proofs; with
/// `[genesys]`, the Genesys checks too).
async fn prove_result(
    clients: &crate::aws::Clients,
    p: &prepare::Prepared,
    genesys: Option<&GenesysSide>,
) -> Result<verify::Verification> {
    let observed = prepare::reobserve_iam(clients, p).await?;
    let mut checks = verify::checks(&p.desired, &observed);
    if let Some(side) = genesys {
        let again = genesys_live::reobserve(side).await?;
        let role = observed.role.as_ref().map(|r| r.arn.as_str());
        checks.extend(crate::core::genesys::genesys_checks(
            &side.desired,
            &again,
            role,
        ));
    }
    Ok(verify::Verification::new(checks).with_proofs(verify::proofs(&p.desired, &observed)))
}
