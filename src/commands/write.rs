//! Runs a [`ChangeSet`]'s writes, side by side in the order the set gives, with a progress
//! line per write on stderr (`report::WriteStarted`). Shared by `apply`, `destroy` and `onboard`/`offboard`.

use super::genesys_live;
use crate::aws::{apply, Clients};
use crate::core::change_set::{ChangeSet, Side};
use crate::core::describe::describe;
use crate::core::plan::Plan;
use crate::error::Result;
use crate::genesys::Session;
use crate::report::{WriteStarted, Writes};

/// Makes every write of `set`; stops at the first failure (the error says how far it got).
pub(super) async fn write(
    clients: &Clients,
    set: &ChangeSet,
    genesys: Option<&Session>,
) -> Result<Writes> {
    let mut writes = Writes::default();
    let (aws_first, aws_last) = set.aws_phases();
    for side in set.write_order() {
        match (side, genesys, &set.genesys) {
            (Side::Aws, _, _) => writes.aws = write_aws(clients, &aws_first, 0, set).await?,
            (Side::Genesys, Some(side), Some(plan)) => {
                writes.genesys = genesys_live::apply(side, plan).await?
            }
            // A Genesys plan exists only with a Genesys side to write it.
            (Side::Genesys, _, _) => {}
        }
    }
    if !aws_last.is_empty() {
        let done = aws_first.ops.len();
        writes.aws += write_aws(clients, &aws_last, done, set).await?;
    }
    Ok(writes)
}

/// `plan`'s writes; `done`: how many of the set's AWS writes came before (for the progress).
async fn write_aws(clients: &Clients, plan: &Plan, done: usize, set: &ChangeSet) -> Result<usize> {
    let total = set.aws.ops.len();
    let outcome = apply::apply(clients, plan, |index, op| {
        let change = describe(op);
        let started = WriteStarted {
            side: Side::Aws,
            index: done + index,
            total,
            change: &change,
        };
        eprintln!("{}", started.line());
    })
    .await?;
    Ok(outcome.writes)
}
