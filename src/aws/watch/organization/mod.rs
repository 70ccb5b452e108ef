//! The organization watch's AWS calls (where `watch deploy --organization` stands is
//! `aws::organizations::context`): its StackSets and the management account's stacks (`stack_sets`, `stack_writes`), the ledger
//! of what each account's Security Hub holds (`ledger`), its sweep's events put on its bus
//! (`sweep`), the accounts its findings are in (`hub_view`) and destroy's last re-proof of each
//! account handed to its function (`invoke`).

pub(crate) mod hub_view;
pub(crate) mod invoke;
pub(crate) mod ledger;
pub(crate) mod stack_sets;
mod stack_writes;
pub(crate) mod sweep;
