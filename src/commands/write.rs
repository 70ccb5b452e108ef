//! Runs a [`ChangeSet`]'s writes, side by side in the order the set gives, with a progress
//! line per write on stderr. Shared by `apply`, `destroy` and `onboard`/`offboard`.

use super::genesys_live::GenesysSide;
use crate::aws::{apply, Clients};
use crate::core::change_set::{ChangeSet, Side};
use crate::core::describe::{describe, Action};
use crate::error::Result;
use crate::report::Writes;

/// Makes every write of `set`; stops at the first failure (the error says how far it got).
pub async fn write(
    clients: &Clients,
    set: &ChangeSet,
    genesys: Option<&GenesysSide>,
) -> Result<Writes> {
    let mut writes = Writes::default();
    for side in set.write_order() {
        match (side, genesys, &set.genesys) {
            (Side::Aws, _, _) => writes.aws = write_aws(clients, set).await?,
            (Side::Genesys, Some(g), Some(plan)) => writes.genesys = g.apply(plan).await?,
            // A Genesys plan exists only with a Genesys side to write it.
            (Side::Genesys, _, _) => {}
        }
    }
    Ok(writes)
}

async fn write_aws(clients: &Clients, set: &ChangeSet) -> Result<usize> {
    let total = set.aws.ops.len();
    let outcome = apply::apply(clients, &set.aws, |i, op| {
        let v = describe(op);
        let verb = match v.action {
            Action::Create => "creating",
            Action::Update => "updating",
            Action::Delete => "removing",
        };
        eprintln!("[{}/{total}] {verb} {}", i + 1, v.resource);
    })
    .await?;
    Ok(outcome.writes)
}
