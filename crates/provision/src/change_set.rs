//! One run's changes on both sides — AWS and, with `[genesys]`, Genesys Cloud — with the order
//! they are written in and the verdict. `plan`, `apply`, `destroy` and `onboard`/`offboard`
//! build one and let it decide; the commands only read, call, and render.
//!
//! Part of the pure model.

use crate::describe::{describe, ChangeView};
use crate::genesys::GenesysPlan;
use crate::plan::{
    AttachmentOp, BoundaryOp, Op, PermissionOp, Plan, PolicyOp, RoleOp, TagOp, VersionOp,
};
use crate::side::Side;
use lambda_trust_verdict::Status;

/// A change the config wants on a side handed over to another tool (`managed_by`): made in
/// that tool's code, never by lambda-trust.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct HandedOver {
    /// The side the change is on.
    pub side: Side,
    /// The tool that manages it: `Terraform` or `CloudFormation`.
    pub tool: &'static str,
    /// The change, as a plan shows it.
    pub change: ChangeView,
}

/// Both sides' plans, and which side is written first.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    /// The AWS side's plan.
    pub aws: Plan,
    /// `None` without `[genesys]`.
    pub genesys: Option<GenesysPlan>,
    /// The changes left to the tool the setup was handed over to (see [`hand_over_to`](crate::hand_over_to)).
    pub handed_over: Vec<HandedOver>,
    /// Both sides, in the order they are written.
    pub sides: [Side; 2],
    /// How many of `aws`'s ops, at its end, are written after both sides: the removal of a
    /// renamed role's predecessor waits until the Genesys Cloud credential names the new role.
    aws_last: usize,
}

impl ChangeSet {
    /// Converging (`apply`, `onboard`): AWS first. The Genesys Cloud credential holds the
    /// role's ARN and its data actions call the functions the role may invoke, so the role
    /// and its grants exist before anything in Genesys Cloud relies on them.
    pub fn converge(aws: Plan, genesys: Option<GenesysPlan>) -> ChangeSet {
        ChangeSet {
            aws,
            genesys,
            handed_over: Vec::new(),
            sides: [Side::Aws, Side::Genesys],
            aws_last: 0,
        }
    }

    /// Adds AWS writes made after both sides (a renamed role's predecessor removed once the
    /// new role, its grants and the Genesys Cloud credential are in place). They are listed
    /// at the end of `aws`.
    pub fn then_aws(mut self, last: Plan) -> ChangeSet {
        self.aws_last += last.ops.len();
        self.aws.ops.extend(last.ops);
        self
    }

    /// The AWS writes in their two phases: with the other side, and after both sides.
    pub fn aws_phases(&self) -> (Plan, Plan) {
        let split = self.aws.ops.len() - self.aws_last;
        let (first, last) = self.aws.ops.split_at(split);
        (
            Plan {
                ops: first.to_vec(),
            },
            Plan { ops: last.to_vec() },
        )
    }

    /// Retiring (`destroy`, `offboard`): Genesys Cloud first. Its data actions call the role,
    /// so they go before the role or its grants do, and no flow is left calling a function
    /// the role can no longer invoke.
    pub fn retire(aws: Plan, genesys: Option<GenesysPlan>) -> ChangeSet {
        ChangeSet {
            aws,
            genesys,
            handed_over: Vec::new(),
            sides: [Side::Genesys, Side::Aws],
            aws_last: 0,
        }
    }

    /// Nothing to write on either side.
    pub(crate) fn in_sync(&self) -> bool {
        self.planned_writes() == 0
    }

    /// The sides with something to write, in the order they are written.
    pub fn write_order(&self) -> impl Iterator<Item = Side> + '_ {
        self.sides.into_iter().filter(|side| match side {
            Side::Aws => self.aws.ops.len() > self.aws_last,
            Side::Genesys => self.genesys.as_ref().is_some_and(|g| !g.ops.is_empty()),
        })
    }

    /// `apply --only genesys`: the Genesys Cloud side alone. Refused (the AWS changes it
    /// waits for, described) while AWS has a pending change that side relies on: the
    /// credential names the role, and the data actions call what the role may invoke — writing
    /// them first is the order converging never takes.
    pub fn genesys_only(
        aws: &Plan,
        genesys: Option<GenesysPlan>,
    ) -> Result<ChangeSet, Vec<String>> {
        let waits: Vec<String> = aws
            .ops
            .iter()
            .filter(|op| genesys_relies_on(op))
            .map(|op| {
                let view = describe(op);
                format!("{}: {}", view.resource, view.detail)
            })
            .collect();
        if !waits.is_empty() {
            return Err(waits);
        }
        Ok(ChangeSet::converge(Plan::default(), genesys))
    }

    /// Takes `side`'s writes out of the set: that side is handed over to `tool`, which
    /// lambda-trust never writes. They are kept in [`ChangeSet::handed_over`], to be shown.
    pub(crate) fn hand_over(&mut self, side: Side, tool: &'static str) {
        let views: Vec<ChangeView> = match side {
            Side::Aws => {
                self.aws_last = 0;
                (std::mem::take(&mut self.aws.ops).iter())
                    .map(describe)
                    .collect()
            }
            Side::Genesys => match self.genesys.as_mut() {
                Some(plan) => (std::mem::take(&mut plan.ops).iter())
                    .map(crate::genesys::describe_genesys)
                    .collect(),
                None => Vec::new(),
            },
        };
        (self.handed_over).extend(views.into_iter().map(|change| HandedOver {
            side,
            tool,
            change,
        }));
    }

    /// The changes of `side` left to another tool.
    pub(crate) fn handed_over_on(&self, side: Side) -> Vec<&HandedOver> {
        (self.handed_over.iter())
            .filter(|h| h.side == side)
            .collect()
    }

    /// Write calls the set makes, both sides: one per op (none: in sync).
    pub fn planned_writes(&self) -> usize {
        self.aws.ops.len() + self.genesys.as_ref().map_or(0, |g| g.ops.len())
    }
}

impl lambda_trust_verdict::Judged for ChangeSet {
    /// `plan`'s verdict: in sync (exit 0) or changes pending (exit 2), here or in the code of
    /// the tool the setup was handed over to.
    fn status(&self) -> Status {
        Status::ok_or(
            self.in_sync() && self.handed_over.is_empty(),
            Status::Changes,
        )
    }
}

/// Does the Genesys Cloud side rely on this AWS change being made first? Yes for whatever
/// decides whether Genesys Cloud can assume the role and what the role may invoke (the role
/// itself, its trust, boundary and grants); no for its description, session length, tags and
/// the removal of latent policy versions. One exhaustive match: a new op must decide.
fn genesys_relies_on(op: &Op) -> bool {
    match op {
        Op::Role(RoleOp::Create(_) | RoleOp::UpdateTrust { .. } | RoleOp::Delete { .. }) => true,
        Op::Role(RoleOp::UpdateSettings { .. }) => false,
        Op::Boundary(BoundaryOp::Put { .. } | BoundaryOp::Delete { .. }) => true,
        Op::Tags(TagOp::TagRole { .. } | TagOp::UntagRole { .. } | TagOp::TagPolicy { .. }) => {
            false
        }
        Op::Attachment(
            AttachmentOp::Attach { .. }
            | AttachmentOp::Detach { .. }
            | AttachmentOp::DeleteInline { .. },
        ) => true,
        Op::Policy(PolicyOp::Create { .. } | PolicyOp::Delete { .. }) => true,
        Op::Version(VersionOp::Create { .. }) => true,
        Op::Version(VersionOp::Delete { .. } | VersionOp::DeleteLatent { .. }) => false,
        // A cross-account target is invoked only while its function policy allows the role.
        Op::Permission(PermissionOp::Add { .. } | PermissionOp::Remove { .. }) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::GenesysOp;
    use crate::plan::{AttachmentOp, Op};
    use lambda_trust_verdict::Judged;

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

    fn tag_op() -> Plan {
        Plan {
            ops: vec![Op::Tags(crate::plan::TagOp::UntagRole {
                role: "R".into(),
                keys: vec!["team".into()],
            })],
        }
    }

    #[test]
    fn genesys_alone_waits_for_the_aws_changes_it_relies_on() {
        let waits = ChangeSet::genesys_only(&aws_op(), Some(genesys_op())).unwrap_err();
        assert_eq!(waits.len(), 1);
        assert!(waits[0].contains("arn:aws:iam::111122223333:policy/P") || waits[0].contains("R"));
        // A tag change is nothing the Genesys side relies on: it goes alone, AWS untouched.
        let set = ChangeSet::genesys_only(&tag_op(), Some(genesys_op())).unwrap();
        assert!(set.aws.ops.is_empty());
        assert_eq!(set.write_order().collect::<Vec<_>>(), [Side::Genesys]);
    }

    #[test]
    fn aws_writes_added_last_come_after_the_genesys_side() {
        let set = ChangeSet::converge(aws_op(), Some(genesys_op())).then_aws(tag_op());
        assert_eq!(set.aws.ops.len(), 2);
        let (first, last) = set.aws_phases();
        assert_eq!((first.ops.len(), last.ops.len()), (1, 1));
        assert_eq!(last, tag_op());
        assert_eq!(set.planned_writes(), 3);
        // Only the last phase on AWS: the AWS side is not written before Genesys.
        let set = ChangeSet::converge(Plan::default(), Some(genesys_op())).then_aws(tag_op());
        assert_eq!(set.write_order().collect::<Vec<_>>(), [Side::Genesys]);
        assert!(!set.in_sync());
    }
}
