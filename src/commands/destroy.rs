//! `lambda-trust destroy`: deletes what lambda-trust created, after showing it — the config's
//! deployed watch first (before the role it watches), then with `[genesys]` its Genesys Cloud
//! objects (they call the role), then the AWS side: the change set's retiring order.

use super::invocation::Invocation;
use crate::app::destroy::deployed_watch;
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
    let watch = deployed_watch(&inv.settings, events, &path).await?;
    let lines = watch.as_ref().map_or(&[][..], |w| &w.lines[..]);
    let set = &planned.set;
    if set.planned_writes() == 0 && watch.is_none() {
        inv.output.emit(&Destroyed::Nothing { set, yes })?;
        return Ok(planned.left_over());
    }
    if !yes {
        inv.output.emit(&Destroyed::Pending { set, watch: lines })?;
        return Ok(Status::Changes);
    }
    inv.output.preview(|styles| {
        report::watch_removal_human(lines, styles) + &report::deletions_human(set, styles)
    });
    let mut removed = 0;
    if let Some(w) = &watch {
        removed = w.remove(&inv.settings, events, &path).await?;
    }
    let writes = write::write(&planned.clients, set, planned.genesys.as_ref(), events).await?;
    let mut writes = super::binding::writes(writes);
    if let Some(w) = &watch {
        removed += w.archive_findings(&inv.settings, events, &path).await?;
    }
    writes.aws += removed;
    inv.output.emit(&Destroyed::Deleted {
        set,
        writes,
        watch: lines,
    })?;
    Ok(planned.left_over())
}
