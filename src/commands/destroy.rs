//! `lambda-trust destroy`: deletes what lambda-trust created, after showing it — with
//! `[genesys]`, its Genesys Cloud objects first (they call the role), then the AWS side.

use serde_json::json;

use super::{genesys_live, prepare_live};
use crate::aws::apply;
use crate::cli::{Format, Global};
use crate::core::describe::describe;
use crate::core::genesys::GenesysPlan;
use crate::core::plan;
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(g: &Global, yes: bool, force: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let mut gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let (plan, notes) = plan::plan_destroy(&p.observed)?;
    let (gplan, gnotes) = match gside.as_mut() {
        Some(side) => side.plan_destroy(force).await?,
        None => (GenesysPlan::default(), Vec::new()),
    };
    for n in notes.iter().chain(&gnotes) {
        eprintln!("note: {n}");
    }
    if plan.is_empty() && gplan.is_empty() {
        match g.format {
            Format::Human => println!("{} nothing to delete.", styles.green("✓")),
            // Only JSON reaches stdout under --format json.
            _ => println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"destroyed": true, "writes": 0, "changes": []})
                )?
            ),
        }
        return Ok(Status::Ok);
    }
    if g.format == Format::Human {
        if !gplan.is_empty() {
            print!("{}", report::genesys_plan_human(&gplan, styles));
        }
        print!("{}", report::plan_human(&plan, styles));
    }
    if !yes {
        match g.format {
            Format::Human => {
                println!("Nothing was deleted. Run again with --yes to delete the above.")
            }
            _ => {
                let mut doc = report::plan_json(&plan);
                if gside.is_some() {
                    doc["in_sync"] = (plan.is_empty() && gplan.is_empty()).into();
                    doc["genesys"] = report::genesys_plan_json(&gplan);
                }
                println!("{}", serde_json::to_string_pretty(&doc)?)
            }
        }
        return Ok(Status::Changes);
    }
    let mut gwrites = 0;
    if let (Some(side), false) = (&gside, gplan.is_empty()) {
        gwrites = side.apply(&gplan).await?;
    }
    let total = plan.ops.len();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        eprintln!("[{}/{total}] removing {}", i + 1, describe(op).resource);
    })
    .await?;
    match g.format {
        Format::Human => println!(
            "{} deleted ({} write call(s)).",
            styles.green("✓"),
            outcome.writes + gwrites
        ),
        _ => {
            let mut doc = json!({"destroyed": true, "writes": outcome.writes,
                "changes": plan.ops.iter().map(describe).collect::<Vec<_>>()});
            if gside.is_some() {
                let mut gj = report::genesys_plan_json(&gplan);
                gj["writes"] = gwrites.into();
                doc["genesys"] = gj;
            }
            println!("{}", serde_json::to_string_pretty(&doc)?)
        }
    }
    Ok(Status::Ok)
}
