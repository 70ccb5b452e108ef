//! `lambda-trust plan`: what apply would change in AWS and, with `[genesys]`, in Genesys Cloud
//! (read-only).

use super::invocation::Invocation;
use super::live::{read_and_plan, Goal};
use crate::core::change_set::Side;
use crate::error::{Result, Status};
use crate::report::Planned;

pub(super) async fn run(
    inv: &Invocation,
    adopt: bool,
    force: bool,
    only: Option<Side>,
) -> Result<Status> {
    let planned = read_and_plan(inv, Goal::Converge { adopt, only }, force).await?;
    inv.output.emit(&Planned(&planned.set))?;
    Ok(planned.set.status())
}
