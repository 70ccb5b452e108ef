//! `lambda-trust apply`: creates or repairs the role and its policies, then (with `[genesys]`)
//! the Genesys Cloud credential, integration and data actions, in the order the change set
//! gives (AWS first). Both sides are read and planned before anything is written; on a
//! terminal the plan is shown and the user asked first (as `terraform apply` does, unless
//! `-auto-approve`), deletions named before the question.

use std::time::Instant;

use super::confirm;
use super::invocation::Invocation;
use crate::app::live::{read_and_plan, Goal};
use crate::app::{write, Events};
use crate::cli::ApplyArgs;
use crate::error::{Result, Status};
use crate::report::{self, Applied, NotApplied};
use lambda_trust_provision::Side;

/// `apply`'s flags.
#[derive(Debug, Clone, Copy)]
pub(super) struct Options {
    pub adopt: bool,
    pub force: bool,
    /// Write without asking, even on a terminal.
    pub yes: bool,
    /// `--only`: one side alone.
    pub only: Option<Side>,
    /// `--publish`: publish the drafts holding the configured actions.
    pub publish: bool,
}

/// The flags as the run's options.
pub(super) fn options(args: &ApplyArgs) -> Options {
    Options {
        adopt: args.adopt,
        force: args.force,
        yes: args.yes,
        publish: args.publish,
        only: args.only.side(),
    }
}

pub(super) async fn run(inv: &Invocation, events: &dyn Events, options: Options) -> Result<Status> {
    let Options {
        adopt,
        force,
        yes,
        only,
        publish,
    } = options;
    let path = inv.config.one()?;
    let goal = Goal::Converge {
        adopt,
        only,
        publish,
    };
    let planned = read_and_plan(&inv.settings, events, &path, goal, force).await?;
    let set = &planned.set;
    inv.output
        .preview(|styles| report::change_set_human(set, styles));
    // A script or CI answers with --yes or a piped `yes` line; anything else writes nothing.
    if !confirm::approved(inv, set, yes)? {
        inv.output.emit(&NotApplied(set))?;
        return Ok(Status::Changes);
    }
    let started = Instant::now();
    let writes = write::write(&planned.clients, set, planned.genesys.as_ref(), events).await?;
    inv.output.emit(&Applied {
        set,
        writes: super::binding::writes(writes),
        elapsed: started.elapsed(),
    })?;
    Ok(planned.left_over())
}
