//! `lambda-trust onboard` / `offboard`: adds or removes one target in the config file
//! (comment-preserving), then applies and proves the result.

use anyhow::Context;
use serde_json::json;

use super::{aws_flags, config_path, prepare_loaded, write_atomically};
use crate::aws::{apply, observe, prepare};
use crate::cli::{Format, Global};
use crate::config::{self, edit};
use crate::core::describe::describe;
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
    },
}

pub async fn run(g: &Global, edit: Edit, dry_run: bool, styles: Styles) -> Result<Status> {
    let path = config_path(g)?;
    let shown = path.display().to_string();
    let old_text = std::fs::read_to_string(&path).with_context(|| {
        format!("cannot read {shown}\n(hint: create it first, see examples/lambda-trust.toml)")
    })?;
    let old = config::parse_str(&old_text, &shown)?;
    let clients = prepare::connect(&old.config, &aws_flags(g)).await;
    // Bare names resolve in the role's account; the identity read here is reused below.
    let identity = observe::caller_identity(&clients).await?;
    let ctx = RenderContext {
        account_id: Some(
            old.config
                .aws
                .account_id
                .clone()
                .unwrap_or_else(|| identity.0.clone()),
        ),
        default_region: Some(prepare::default_region(&old.config, &clients)),
    };
    let existing = render::resolve_targets(&old.config, &ctx)?;
    let (new_text, summary) = match &edit {
        Edit::Add {
            function,
            qualifier,
            all_aliases,
        } => {
            let target = onboard::target_from_args(
                function,
                qualifier.as_deref(),
                g.aws.region.as_deref(),
                *all_aliases,
            )?;
            let resolved = onboard::resolve_one(&old.config, &ctx, &target)?;
            if let Some(i) = onboard::already_present(&existing, &resolved) {
                println!(
                    "{} {} is already a target (targets[{i}] in {shown}); nothing to do.",
                    styles.green("✓"),
                    resolved.granted_arns.join(" and ")
                );
                return Ok(Status::Ok);
            }
            if *all_aliases {
                eprintln!(
                    "{} --all-aliases grants every version and alias of {}: {}",
                    styles.yellow("warning:"),
                    resolved.function_name,
                    resolved.granted_arns.join(", ")
                );
            }
            let text = edit::add_target(&old_text, &shown, &target)?;
            (
                text,
                format!("onboarded {}", resolved.granted_arns.join(" and ")),
            )
        }
        Edit::Remove {
            function,
            qualifier,
        } => {
            let target = onboard::target_from_args(
                function,
                qualifier.as_deref(),
                g.aws.region.as_deref(),
                false,
            )?;
            let wanted = onboard::resolve_one(&old.config, &ctx, &target)?;
            let hits = onboard::matching(&existing, &wanted, &shown)?;
            let (text, n) = edit::remove_targets(&old_text, &shown, |i| hits.contains(&i))?;
            (
                text,
                format!(
                    "offboarded {} target entr{}",
                    n,
                    if n == 1 { "y" } else { "ies" }
                ),
            )
        }
    };
    // The edited file must be a valid config before anything is written anywhere.
    let new = config::parse_str(&new_text, &shown)?;
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
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt: false })?;
    if g.format == Format::Human {
        println!("{}", styles.bold(&format!("Config change ({shown}):")));
        print!("{}", edit::text_diff(&shown, &old_text, &new_text));
        println!("{}", styles.bold("AWS changes:"));
        print!("{}", report::plan_human(&plan, styles));
    }
    if dry_run {
        if g.format == Format::Json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "dry_run": true,
                    "config_diff": edit::text_diff(&shown, &old_text, &new_text),
                    "plan": report::plan_json(&plan),
                }))?
            );
        } else {
            println!("Dry run: nothing was changed.");
        }
        return Ok(Status::Changes);
    }
    write_atomically(&path, &new_text)?;
    eprintln!("updated {shown}");
    let total = plan.ops.len();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        eprintln!("[{}/{total}] {}", i + 1, describe(op).resource);
    })
    .await?;
    // Prove the result: re-read IAM (the functions were just read and did not change).
    let observed = prepare::reobserve_iam(&clients, &p).await?;
    let v = verify::Verification::new(verify::checks(&p.desired, &observed));
    match g.format {
        Format::Human => {
            println!(
                "{} {summary} ({} write call(s)).",
                styles.green("✓"),
                outcome.writes
            );
            print!("{}", report::verification_human(&v, styles));
        }
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "summary": summary,
                "writes": outcome.writes,
                "changes": plan.ops.iter().map(describe).collect::<Vec<_>>(),
                "verification": report::verification_json(&v),
            }))?
        ),
    }
    Ok(if v.passed { Status::Ok } else { Status::Denied })
}
