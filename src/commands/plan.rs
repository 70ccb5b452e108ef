//! `lambda-trust plan`: what apply would change in AWS and, with `[genesys]`, in Genesys Cloud
//! (read-only).

use super::invocation::Invocation;
use crate::app::live::{read_and_plan, Goal};
use crate::app::Events;
use crate::error::{Result, Status};
use crate::report::Planned;
use lambda_trust_provision::Side;
use lambda_trust_verdict::Judged;

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    adopt: bool,
    force: bool,
    only: Option<Side>,
) -> Result<Status> {
    let path = inv.config.one()?;
    let goal = Goal::Converge {
        adopt,
        only,
        publish: false,
    };
    let planned = read_and_plan(&inv.settings, events, &path, goal, force).await?;
    inv.output.emit(&Planned(&planned.set))?;
    Ok(planned.set.status())
}
