//! `lambda-trust destroy`: deletes what lambda-trust created, after showing it.

use serde_json::json;

use super::prepare_live;
use crate::aws::apply;
use crate::cli::{Format, Global};
use crate::core::describe::describe;
use crate::core::plan;
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(g: &Global, yes: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let (plan, notes) = plan::plan_destroy(&p.observed)?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    if plan.is_empty() {
        println!("{} nothing to delete.", styles.green("✓"));
        return Ok(Status::Ok);
    }
    if g.format == Format::Human {
        print!("{}", report::plan_human(&plan, styles));
    }
    if !yes {
        match g.format {
            Format::Human => {
                println!("Nothing was deleted. Run again with --yes to delete the above.")
            }
            _ => println!(
                "{}",
                serde_json::to_string_pretty(&report::plan_json(&plan))?
            ),
        }
        return Ok(Status::Changes);
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
            outcome.writes
        ),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({"destroyed": true, "writes": outcome.writes,
                "changes": plan.ops.iter().map(describe).collect::<Vec<_>>()}))?
        ),
    }
    Ok(Status::Ok)
}
