//! `lambda-trust destroy`: deletes what lambda-trust created, after showing it — with
//! `[genesys]`, its Genesys Cloud objects first (they call the role), then the AWS side: the
//! change set's retiring order.

use super::invocation::Invocation;
use crate::app::live::{read_and_plan, Goal};
use crate::app::{write, Events};
use crate::error::{Result, Status};
use crate::report::{self, Destroyed};

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    yes: bool,
    force: bool,
) -> Result<Status> {
    let path = inv.config.one()?;
    let planned = read_and_plan(&inv.settings, events, &path, Goal::Destroy, force).await?;
    let set = &planned.set;
    if set.in_sync() {
        inv.output.emit(&Destroyed::Nothing { set, yes })?;
        return Ok(planned.left_over());
    }
    if !yes {
        inv.output.emit(&Destroyed::Pending(set))?;
        return Ok(Status::Changes);
    }
    inv.output
        .preview(|styles| report::deletions_human(set, styles));
    let writes = write::write(&planned.clients, set, planned.genesys.as_ref(), events).await?;
    let writes = super::binding::writes(writes);
    inv.output.emit(&Destroyed::Deleted { set, writes })?;
    Ok(planned.left_over())
}
