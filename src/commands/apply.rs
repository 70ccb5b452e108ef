//! `lambda-trust apply`: creates or repairs the role and its policies, then (with `[genesys]`)
//! the Genesys Cloud credential, integration and data actions. AWS first: the credential holds
//! the role's ARN. Both sides are read and planned before anything is written.

use std::time::Instant;

use serde_json::json;

use super::{genesys_live, prepare_live};
use crate::aws::apply;
use crate::cli::{Format, Global};
use crate::core::describe::{describe, Action};
use crate::core::plan::{self, PlanOptions};
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(g: &Global, adopt: bool, force: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let mut gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    let gplan = match gside.as_mut() {
        Some(side) => Some(side.plan(adopt, force).await?),
        None => None,
    };
    let genesys_empty = gplan.as_ref().map_or(true, |gp| gp.is_empty());
    if g.format == Format::Human {
        print!("{}", report::plan_human(&plan, styles));
        if let Some(gp) = &gplan {
            print!("{}", report::genesys_plan_human(gp, styles));
        }
    }
    if plan.is_empty() && genesys_empty {
        if g.format != Format::Human {
            let mut doc = json!({"applied": true, "writes": 0, "changes": []});
            if let Some(gp) = &gplan {
                doc["genesys"] = json!({"writes": 0, "changes": [], "foreign_actions": report::genesys_plan_json(gp)["foreign_actions"]});
            }
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        return Ok(Status::Ok);
    }
    let total = plan.ops.len();
    let started = Instant::now();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        let v = describe(op);
        eprintln!(
            "[{}/{total}] {} {}",
            i + 1,
            match v.action {
                Action::Create => "creating",
                Action::Update => "updating",
                Action::Delete => "removing",
            },
            v.resource
        );
    })
    .await?;
    let mut gwrites = 0;
    if let (Some(side), Some(gp)) = (&gside, &gplan) {
        if !gp.is_empty() {
            gwrites = side.apply(gp).await?;
        }
    }
    match g.format {
        Format::Human => println!(
            "{} {} change(s) applied in {:.2}s. Run `lambda-trust verify` to prove the result.",
            styles.green("✓ applied:"),
            outcome.writes + gwrites,
            started.elapsed().as_secs_f64()
        ),
        _ => {
            let mut doc = json!({
                "applied": true,
                "writes": outcome.writes,
                "changes": plan.ops.iter().map(describe).collect::<Vec<_>>(),
            });
            if let Some(gp) = &gplan {
                let mut gj = report::genesys_plan_json(gp);
                gj["writes"] = gwrites.into();
                doc["genesys"] = gj;
            }
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    Ok(Status::Ok)
}
