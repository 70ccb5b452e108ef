//! `lambda-trust onboard` / `offboard`: adds or removes one target in the config file
//! (comment-preserving), then applies and proves the result.

use anyhow::Context;
use serde_json::json;

use super::genesys_live::{self, GenesysSide};
use super::{aws_flags, config_path, prepare_loaded, write_atomically};
use crate::aws::{apply, observe, prepare};
use crate::cli::{Format, Global};
use crate::config::{self, edit};
use crate::core::describe::describe;
use crate::core::genesys::GenesysPlan;
use crate::core::plan::{self, PlanOptions};
use crate::core::render::{self, RenderContext};
use crate::core::{onboard, verify};
use crate::error::{Result, Status};
use crate::report::{self, Styles};

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
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt: false })?;
    // Before the file is written: an action a flow calls stops the run with nothing changed.
    let force = matches!(edit, Edit::Remove { force: true, .. });
    let gplan = match gside.as_mut() {
        Some(side) => Some(side.plan(false, force).await?),
        None => None,
    };
    show_changes(g, &before, &new_text, &plan, styles);
    if let (Format::Human, Some(gp)) = (g.format, &gplan) {
        println!("{}", styles.bold("Genesys Cloud changes:"));
        print!("{}", report::genesys_plan_human(gp, styles));
    }
    if dry_run {
        return dry_run_result(g, &before, &new_text, &plan, gplan.as_ref());
    }
    write_atomically(&before.path, &new_text)?;
    eprintln!("updated {}", before.shown);
    let genesys = gside.as_ref().zip(gplan.as_ref());
    // offboard removes the action before the grant it calls; onboard grants first.
    let genesys_first = matches!(edit, Edit::Remove { .. });
    apply_and_prove(
        g,
        &clients,
        &p,
        &plan,
        genesys,
        genesys_first,
        &summary,
        styles,
    )
    .await
}

/// `onboard`: the target from the arguments, unless it is already there.
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
        println!(
            "{} {} is already a target (targets[{i}] in {}); nothing to do.",
            styles.green("✓"),
            arns.join(" and "),
            before.shown
        );
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

fn show_changes(g: &Global, before: &Before, new_text: &str, plan: &plan::Plan, styles: Styles) {
    if g.format == Format::Human {
        println!(
            "{}",
            styles.bold(&format!("Config change ({}):", before.shown))
        );
        print!("{}", edit::text_diff(&before.shown, &before.text, new_text));
        println!("{}", styles.bold("AWS changes:"));
        print!("{}", report::plan_human(plan, styles));
    }
}

fn dry_run_result(
    g: &Global,
    before: &Before,
    new_text: &str,
    plan: &plan::Plan,
    gplan: Option<&GenesysPlan>,
) -> Result<Status> {
    if g.format == Format::Json {
        let mut doc = json!({
            "dry_run": true,
            "config_diff": edit::text_diff(&before.shown, &before.text, new_text),
            "plan": report::plan_json(plan),
        });
        if let Some(gp) = gplan {
            doc["plan"]["genesys"] = report::genesys_plan_json(gp);
        }
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!("Dry run: nothing was changed.");
    }
    Ok(Status::Changes)
}

/// Applies the plan, then proves the result by re-reading IAM (the functions were just read
/// and did not change) and, with `[genesys]`, Genesys Cloud.
#[allow(clippy::too_many_arguments)]
async fn apply_and_prove(
    g: &Global,
    clients: &crate::aws::Clients,
    p: &prepare::Prepared,
    plan: &plan::Plan,
    genesys: Option<(&GenesysSide, &GenesysPlan)>,
    genesys_first: bool,
    summary: &str,
    styles: Styles,
) -> Result<Status> {
    let mut gwrites = 0;
    if let (true, Some((side, gp))) = (genesys_first, genesys) {
        gwrites = side.apply(gp).await?;
    }
    let total = plan.ops.len();
    let outcome = apply::apply(clients, plan, |i, op| {
        eprintln!("[{}/{total}] {}", i + 1, describe(op).resource);
    })
    .await?;
    if let (false, Some((side, gp))) = (genesys_first, genesys) {
        gwrites = side.apply(gp).await?;
    }
    let observed = prepare::reobserve_iam(clients, p).await?;
    let mut checks = verify::checks(&p.desired, &observed);
    if let Some((side, _)) = genesys {
        let again = genesys_live::reobserve(side).await?;
        let role = observed.role.as_ref().map(|r| r.arn.as_str());
        checks.extend(crate::core::genesys::genesys_checks(
            &side.desired,
            &again,
            role,
        ));
    }
    let v = verify::Verification::new(checks).with_proofs(verify::proofs(&p.desired, &observed));
    match g.format {
        Format::Human => {
            let writes = outcome.writes + gwrites;
            println!("{} {summary} ({writes} write call(s)).", styles.green("✓"));
            print!("{}", report::verification_human(&v, styles));
        }
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "summary": summary,
                "writes": outcome.writes + gwrites,
                "changes": plan.ops.iter().map(describe).collect::<Vec<_>>(),
                "verification": report::verification_json(&v),
            }))?
        ),
    }
    Ok(Status::ok_or(v.passed, Status::Denied))
}
