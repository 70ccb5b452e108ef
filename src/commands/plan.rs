//! `lambda-trust plan`: what apply would change in AWS and, with `[genesys]`, in Genesys Cloud
//! (read-only).

use super::{genesys_live, prepare_live};
use crate::cli::{Format, Global};
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
    match g.format {
        Format::Human => {
            print!("{}", report::plan_human(&plan, styles));
            if let Some(gp) = &gplan {
                print!("{}", report::genesys_plan_human(gp, styles));
            }
        }
        _ => {
            let mut doc = report::plan_json(&plan);
            if let Some(gp) = &gplan {
                doc["in_sync"] = (plan.is_empty() && gp.is_empty()).into();
                doc["genesys"] = report::genesys_plan_json(gp);
            }
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    let in_sync = plan.is_empty() && gplan.as_ref().map_or(true, |gp| gp.is_empty());
    Ok(if in_sync { Status::Ok } else { Status::Changes })
}
