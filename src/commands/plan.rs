//! `lambda-trust plan`: what apply would change in AWS and, with `[genesys]`, in Genesys Cloud
//! (read-only).

use super::{genesys_live, prepare_live};
use crate::cli::{Format, Global};
use crate::core::change_set::ChangeSet;
use crate::core::plan::{self, PlanOptions};
use crate::error::{Result, Status};
use crate::report::{self, PlanResult, Styles};

pub async fn run(g: &Global, adopt: bool, force: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let mut gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let aws = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    let genesys = match gside.as_mut() {
        Some(side) => Some(side.plan(adopt, force).await?),
        None => None,
    };
    let set = ChangeSet::converge(aws, genesys);
    match g.format {
        Format::Human => print!("{}", report::change_set_human(&set, styles)),
        _ => println!("{}", report::to_json(&PlanResult::new(&set))),
    }
    Ok(set.status())
}
