//! One run's changes on both sides — AWS and, with `[genesys]`, Genesys Cloud — with the order
//! they are written in and the verdict. `plan`, `apply`, `destroy` and `onboard`/`offboard`
//! build one and let it decide; the commands only read, call, and render.
//!
//! Part of the pure `core` layer.

use crate::core::genesys::GenesysPlan;
use crate::core::plan::Plan;
use crate::error::Status;

/// Where a write goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Aws,
    Genesys,
}

/// Both sides' plans, and which side is written first.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    pub aws: Plan,
    /// `None` without `[genesys]`.
    pub genesys: Option<GenesysPlan>,
    order: [Side; 2],
}

impl ChangeSet {
    /// Converging (`apply`, `onboard`): AWS first. The Genesys Cloud credential holds the
    /// role's ARN and its data actions call the functions the role may invoke, so the role
    /// and its grants exist before anything in Genesys Cloud relies on them.
    pub fn converge(aws: Plan, genesys: Option<GenesysPlan>) -> ChangeSet {
        ChangeSet {
            aws,
            genesys,
            order: [Side::Aws, Side::Genesys],
        }
    }

    /// Retiring (`destroy`, `offboard`): Genesys Cloud first. Its data actions call the role,
    /// so they go before the role or its grants do, and no flow is left calling a function
    /// the role can no longer invoke.
    pub fn retire(aws: Plan, genesys: Option<GenesysPlan>) -> ChangeSet {
        ChangeSet {
            aws,
            genesys,
            order: [Side::Genesys, Side::Aws],
        }
    }

    /// Nothing to write on either side.
    pub fn in_sync(&self) -> bool {
        self.aws.is_empty() && self.genesys.as_ref().is_none_or(GenesysPlan::is_empty)
    }

    /// `plan`'s verdict: in sync (exit 0) or changes pending (exit 2).
    pub fn status(&self) -> Status {
        Status::ok_or(self.in_sync(), Status::Changes)
    }

    /// Both sides, in the order they are written (for showing the set).
    pub fn sides(&self) -> [Side; 2] {
        self.order
    }

    /// The sides with something to write, in the order they are written.
    pub fn write_order(&self) -> impl Iterator<Item = Side> + '_ {
        self.order.into_iter().filter(|side| match side {
            Side::Aws => !self.aws.is_empty(),
            Side::Genesys => self.genesys.as_ref().is_some_and(|g| !g.is_empty()),
        })
    }

    /// Write calls the set makes, both sides: one per op.
    pub fn planned_writes(&self) -> usize {
        self.aws.ops.len() + self.genesys.as_ref().map_or(0, GenesysPlan::calls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::genesys::GenesysOp;
    use crate::core::plan::{AttachmentOp, Op};

    fn aws_op() -> Plan {
        Plan {
            ops: vec![Op::Attachment(AttachmentOp::Attach {
                role: "R".into(),
                arn: "arn:aws:iam::111122223333:policy/P".into(),
            })],
        }
    }

    fn genesys_op() -> GenesysPlan {
        GenesysPlan {
            ops: vec![GenesysOp::DeleteCredential {
                id: "c".into(),
                name: "lambda-trust".into(),
            }],
            ..GenesysPlan::default()
        }
    }

    #[test]
    fn in_sync_only_when_both_sides_are_empty() {
        assert!(ChangeSet::converge(Plan::default(), None).in_sync());
        assert!(ChangeSet::converge(Plan::default(), Some(GenesysPlan::default())).in_sync());
        let aws = ChangeSet::converge(aws_op(), Some(GenesysPlan::default()));
        assert!(!aws.in_sync());
        assert_eq!(aws.status(), Status::Changes);
        let genesys = ChangeSet::converge(Plan::default(), Some(genesys_op()));
        assert!(!genesys.in_sync());
        assert_eq!(genesys.planned_writes(), 1);
    }

    #[test]
    fn converging_writes_aws_first_and_retiring_genesys_first() {
        let order = |cs: &ChangeSet| cs.write_order().collect::<Vec<_>>();
        let up = ChangeSet::converge(aws_op(), Some(genesys_op()));
        assert_eq!(order(&up), [Side::Aws, Side::Genesys]);
        let down = ChangeSet::retire(aws_op(), Some(genesys_op()));
        assert_eq!(order(&down), [Side::Genesys, Side::Aws]);
        assert_eq!(down.planned_writes(), 2);
    }

    #[test]
    fn a_side_with_nothing_to_write_is_skipped() {
        let cs = ChangeSet::converge(Plan::default(), Some(genesys_op()));
        assert_eq!(cs.write_order().collect::<Vec<_>>(), [Side::Genesys]);
        let cs = ChangeSet::retire(aws_op(), None);
        assert_eq!(cs.write_order().collect::<Vec<_>>(), [Side::Aws]);
    }
}
