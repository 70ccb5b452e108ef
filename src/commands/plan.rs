//! `lambda-trust plan`: what apply would change in AWS (read-only).

use super::prepare_live;
use crate::cli::{Format, Global};
use crate::core::plan::{self, PlanOptions};
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(g: &Global, adopt: bool, styles: Styles) -> Result<Status> {
    let (_clients, p) = prepare_live(g).await?;
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    match g.format {
        Format::Human => print!("{}", report::plan_human(&plan, styles)),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&report::plan_json(&plan))?
        ),
    }
    Ok(if plan.is_empty() {
        Status::Ok
    } else {
        Status::Changes
    })
}
