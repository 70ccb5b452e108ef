//! `lambda-trust destroy`: deletes what lambda-trust created, after showing it — with
//! `[genesys]`, its Genesys Cloud objects first (they call the role), then the AWS side: the
//! change set's retiring order.

use super::invocation::Invocation;
use super::live::{read_and_plan, Goal};
use super::write;
use crate::error::{Result, Status};
use crate::report::{self, Destroyed};

pub(super) async fn run(inv: &Invocation, yes: bool, force: bool) -> Result<Status> {
    let planned = read_and_plan(inv, Goal::Destroy, force).await?;
    let set = &planned.set;
    if set.in_sync() {
        inv.output.emit(&Destroyed::Nothing { set, yes })?;
        return Ok(Status::Ok);
    }
    if !yes {
        inv.output.emit(&Destroyed::Pending(set))?;
        return Ok(Status::Changes);
    }
    inv.output
        .preview(|styles| report::deletions_human(set, styles));
    let writes = write::write(&planned.clients, set, planned.genesys.as_ref()).await?;
    inv.output.emit(&Destroyed::Deleted { set, writes })?;
    Ok(Status::Ok)
}
