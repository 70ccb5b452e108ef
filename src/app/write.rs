//! Runs a [`ChangeSet`]'s writes, side by side in the order the set gives, each write an
//! [`Event::WriteStarted`]. Shared by `apply`, `destroy` and `onboard`/`offboard`.

use super::events::{Event, Events};
use super::genesys as genesys_live;
use crate::aws::{apply, Clients};
use crate::error::Result;
use crate::genesys::Session;
use lambda_trust_provision::{describe, ChangeSet, Op, Plan, Side};

/// Write calls made, per side (`report::Writes` in the results).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Writes {
    pub aws: usize,
    pub genesys: usize,
}

/// Makes every write of `set`; stops at the first failure (the error says how far it got).
pub(crate) async fn write(
    clients: &Clients,
    set: &ChangeSet,
    genesys: Option<&Session>,
    events: &dyn Events,
) -> Result<Writes> {
    refuse_unreachable(clients, set)?;
    let mut writes = Writes::default();
    let (aws_first, aws_last) = set.aws_phases();
    for side in set.write_order() {
        match (side, genesys, &set.genesys) {
            (Side::Aws, _, _) => {
                writes.aws = write_aws(clients, &aws_first, 0, set, events).await?
            }
            (Side::Genesys, Some(side), Some(plan)) => {
                writes.genesys = genesys_live::apply(side, plan, events).await?
            }
            // A Genesys plan exists only with a Genesys side to write it.
            (Side::Genesys, _, _) => {}
        }
    }
    if !aws_last.ops.is_empty() {
        let done = aws_first.ops.len();
        writes.aws += write_aws(clients, &aws_last, done, set, events).await?;
    }
    Ok(writes)
}

/// Before anything is written on either side: every function policy statement the set writes
/// is in an account the run has clients for (`[aws.accounts]`), else nothing is written.
fn refuse_unreachable(clients: &Clients, set: &ChangeSet) -> Result<()> {
    let mut missing: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for op in &set.aws.ops {
        if let Op::Permission(op) = op {
            let p = op.permission();
            if clients.account(&p.account).is_none() {
                missing.entry(&p.account).or_default().push(p.resource());
            }
        }
    }
    let Some((first, _)) = missing.first_key_value() else {
        return Ok(());
    };
    let lines: Vec<String> = (missing.iter())
        .map(|(account, targets)| {
            format!(
                "[aws.accounts.\"{account}\"] is missing for {}",
                targets.join(", ")
            )
        })
        .collect();
    Err(crate::error::Error::usage(
        format!(
            "cross-account targets need a function policy statement lambda-trust cannot write, so nothing was written: {}",
            lines.join("; ")
        ),
        lambda_trust_provision::cross_account_hint(first),
    ))
}

/// `plan`'s writes; `done`: how many of the set's AWS writes came before (for the progress).
async fn write_aws(
    clients: &Clients,
    plan: &Plan,
    done: usize,
    set: &ChangeSet,
    events: &dyn Events,
) -> Result<usize> {
    let total = set.aws.ops.len();
    let outcome = apply::apply(clients, plan, |index, op| {
        events.event(Event::WriteStarted {
            side: Side::Aws,
            index: done + index,
            total,
            change: describe(op),
        });
    })
    .await?;
    Ok(outcome.writes)
}
