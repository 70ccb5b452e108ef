//! `lambda-trust apply`: creates or repairs the role and its policies, then (with `[genesys]`)
//! the Genesys Cloud credential, integration and data actions, in the order the change set
//! gives (AWS first). Both sides are read and planned before anything is written.

use std::time::Instant;

use super::invocation::Invocation;
use super::live::{read_and_plan, Goal};
use super::write;
use crate::core::change_set::Side;
use crate::error::{Result, Status};
use crate::report::{self, Applied};

pub(super) async fn run(
    inv: &Invocation,
    adopt: bool,
    force: bool,
    only: Option<Side>,
) -> Result<Status> {
    let planned = read_and_plan(inv, Goal::Converge { adopt, only }, force).await?;
    let set = &planned.set;
    inv.output
        .preview(|styles| report::change_set_human(set, styles));
    let started = Instant::now();
    let writes = write::write(&planned.clients, set, planned.genesys.as_ref()).await?;
    inv.output.emit(&Applied {
        set,
        writes,
        elapsed: started.elapsed(),
    })?;
    Ok(Status::Ok)
}
