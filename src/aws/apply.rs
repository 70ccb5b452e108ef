//! Application (`aws` layer): executes a [`Plan`], one AWS write call per [`Op`], in order
//! (function policy writes in different accounts or regions side by side: [`apply`]).
//!
//! This is the only module that writes to AWS; `destroy` runs its plan (from
//! `lambda_trust_provision::plan_destroy`) through here too. It makes no decisions: everything was resolved
//! by the planner. On the first failure it stops (a function policy write already under way in
//! another account or region finishes) and reports how many ops completed, so the user can see what
//! changed; a re-run converges from wherever it stopped, because the planner re-reads the world.
//!
//! One exception to "no reads here": a write whose answer was lost. When a connection drops
//! after a write reached AWS, the SDK retries the call, and the retry meets the write's own
//! effect (`EntityAlreadyExists` for a create, `NoSuchEntity` for a delete or detach). Apply
//! then re-reads that one resource (see "Lost answers" below) and goes on when it is already in
//! the planned state, so the run converges instead of failing.

use std::time::Duration;

use aws_sdk_iam::types::Tag;
use serde_json::Value;

use crate::aws::lost_answer::*;

use crate::aws::client::{AwsError, Clients};
use crate::aws::pace::Pacers;
use crate::aws::permission;
use crate::aws::retry::{retry_until, Backoff};
use lambda_trust_model::DesiredRole;
use lambda_trust_provision::{
    AttachmentOp, BoundaryOp, Op, PermissionOp, Plan, PolicyOp, RoleOp, TagOp, VersionOp,
};

/// Why an apply stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApplyError {
    /// A write call failed. Displays the failed call and how far apply got (the call's hint is
    /// this error's); the AWS error is part of the message, not an error *source*: `main`
    /// prints the whole chain, which would repeat it.
    #[error("{error}\n({done} of {total} changes were applied before the failure; run `lambda-trust plan` to see what remains)")]
    Aws {
        done: usize,
        total: usize,
        error: AwsError,
    },
}

/// What one apply did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub(crate) struct ApplyOutcome {
    /// Write calls made (equals the number of ops applied).
    pub writes: usize,
}

/// Right after a create, IAM may not yet show the new entity to the next call (eventual
/// consistency): those calls retry NoSuchEntity, waiting 0.25 s doubling up to 4 s, for 30 s.
const PROPAGATION_BACKOFF: Backoff = Backoff {
    initial: Duration::from_millis(250),
    max: Duration::from_secs(4),
};
const PROPAGATION_WAIT: Duration = Duration::from_secs(30);

/// Runs every op of `plan`, in order. `on_op` is called before each op (for progress output).
///
/// One exception to "in order": a run of consecutive function policy writes is spread over
/// the functions' accounts and regions — each (account, region) in plan order under a pacer of
/// its own, the (account, region)s at once — because Lambda's control-plane quota is an
/// account's in a region (Lambda Developer Guide, "Lambda quotas"). Ten accounts onboard in the
/// time of one.
pub(crate) async fn apply(
    clients: &Clients,
    plan: &Plan,
    on_op: impl FnMut(usize, &Op),
) -> Result<ApplyOutcome, ApplyError> {
    let on_op = std::cell::RefCell::new(on_op);
    let pacers = permission::pacers();
    let mut created_something = false;
    let mut i = 0;
    while i < plan.ops.len() {
        let end = permission_run_end(&plan.ops, i);
        let step = Step {
            clients,
            plan,
            pacers: &pacers,
            on_op: &on_op,
            after_create: created_something,
        };
        let failed = if end > i {
            step.permissions(i..end).await
        } else {
            step.one(i).await.err().map(|e| (0, e))
        };
        if let Some((succeeded, error)) = failed {
            return Err(ApplyError::Aws {
                done: i + succeeded,
                total: plan.ops.len(),
                error,
            });
        }
        created_something |= (plan.ops[i..end.max(i + 1)].iter()).any(|op| {
            matches!(
                op,
                Op::Role(RoleOp::Create(_)) | Op::Policy(PolicyOp::Create { .. })
            )
        });
        i = end.max(i + 1);
    }
    Ok(ApplyOutcome {
        writes: plan.ops.len(),
    })
}

/// The end of the run of function policy writes starting at `start` (`start` itself when
/// the op there is not one).
fn permission_run_end(ops: &[Op], start: usize) -> usize {
    (start..ops.len())
        .find(|&k| !matches!(ops[k], Op::Permission(_)))
        .unwrap_or(ops.len())
}

/// What each write of one apply shares.
struct Step<'a, F> {
    clients: &'a Clients,
    plan: &'a Plan,
    pacers: &'a Pacers,
    on_op: &'a std::cell::RefCell<F>,
    /// Whether an earlier write created a role or policy IAM may not show yet.
    after_create: bool,
}

impl<F: FnMut(usize, &Op)> Step<'_, F> {
    /// Op `i`, retried while IAM does not show what an earlier write created.
    async fn one(&self, i: usize) -> Result<(), AwsError> {
        let op = &self.plan.ops[i];
        (self.on_op.borrow_mut())(i, op);
        let run = || run_op(self.clients, self.plan, op, self.pacers);
        if !self.after_create {
            return run().await;
        }
        retry_until(
            tokio::time::Instant::now() + PROPAGATION_WAIT,
            PROPAGATION_BACKOFF,
            |e: &AwsError| not_yet_visible(op, e),
            |_| run(),
        )
        .await
        .result
    }

    /// The function policy writes `range`: each (account, region)'s in order, all (account,
    /// region)s at once, every one stopping at the first failure. The first failure in plan
    /// order, with how many writes of the range succeeded, or none.
    async fn permissions(&self, range: std::ops::Range<usize>) -> Option<(usize, AwsError)> {
        let mut groups: Vec<((&str, &str), Vec<usize>)> = Vec::new();
        for k in range {
            let Op::Permission(op) = &self.plan.ops[k] else {
                continue;
            };
            let key = (
                op.permission().account.as_str(),
                op.permission().region.as_str(),
            );
            match groups.iter_mut().find(|(g, _)| *g == key) {
                Some((_, members)) => members.push(k),
                None => groups.push((key, vec![k])),
            }
        }
        // A failure stops the others at their next write, as a failure stops apply.
        let stop = std::cell::Cell::new(false);
        let stop = &stop;
        let runs = groups.iter().map(|(_, members)| async move {
            let mut succeeded = 0;
            for &k in members {
                if stop.get() {
                    break;
                }
                if let Err(e) = self.one(k).await {
                    stop.set(true);
                    return (succeeded, Some((k, e)));
                }
                succeeded += 1;
            }
            (succeeded, None)
        });
        let results = futures::future::join_all(runs).await;
        let succeeded = results.iter().map(|(n, _)| n).sum();
        let first = (results.into_iter().filter_map(|(_, failed)| failed)).min_by_key(|(k, _)| *k);
        first.map(|(_, e)| (succeeded, e))
    }
}

/// What a write meets while IAM does not show a new entity yet: `NoSuchEntity` from IAM;
/// from Lambda's AddPermission, an `InvalidParameterValueException` for a principal (the new
/// role) it cannot resolve yet.
fn not_yet_visible(op: &Op, e: &AwsError) -> bool {
    e.is_code("NoSuchEntity")
        || (matches!(op, Op::Permission(PermissionOp::Add { .. }))
            && e.is_code("InvalidParameterValueException"))
}

fn tags(map: &std::collections::BTreeMap<String, String>) -> Vec<Tag> {
    map.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}

fn doc(v: &Value) -> String {
    // Compact JSON: policy size quotas count characters without whitespace.
    serde_json::to_string(v).unwrap_or_default()
}

/// One write call per op, dispatched to the function for its group.
async fn run_op(clients: &Clients, plan: &Plan, op: &Op, pacers: &Pacers) -> Result<(), AwsError> {
    let iam = &clients.iam;
    match op {
        Op::Role(op) => role_op(iam, op).await,
        Op::Boundary(op) => boundary_op(iam, op).await,
        Op::Tags(op) => tag_op(iam, op).await,
        Op::Attachment(op) => attachment_op(iam, op).await,
        Op::Policy(op) => policy_op(clients, plan, op).await,
        Op::Version(op) => version_op(iam, op).await,
        Op::Permission(op) => {
            let p = op.permission();
            let pacer = pacers.of(&p.account, &p.region);
            permission::permission_op(clients, &pacer, op).await
        }
    }
}

/// DeleteRolePolicy: the role must have no inline policy (least privilege).
async fn delete_inline_policy(
    iam: &aws_sdk_iam::Client,
    role: &str,
    name: &str,
) -> Result<(), AwsError> {
    let attempts = Attempts::default();
    let sent = iam
        .delete_role_policy()
        .role_name(role)
        .policy_name(name)
        .customize()
        .interceptor(attempts.clone())
        .send()
        .await;
    let gone = || inline_policy_absent(iam, role, name);
    settle("iam:DeleteRolePolicy", sent, &attempts, GONE, gone).await
}

/// CreateRole, with the role's trust policy, tags and settings in one call.
async fn create_role(iam: &aws_sdk_iam::Client, new: &DesiredRole) -> Result<(), AwsError> {
    let DesiredRole {
        name,
        path,
        description,
        max_session_duration,
        permissions_boundary,
        tags: t,
        trust,
    } = new;
    let attempts = Attempts::default();
    let sent = iam
        .create_role()
        .role_name(name)
        .path(path)
        .description(description)
        .max_session_duration(*max_session_duration as i32)
        .set_permissions_boundary(permissions_boundary.clone())
        .set_tags(Some(tags(t)))
        .assume_role_policy_document(doc(trust))
        .customize()
        .interceptor(attempts.clone())
        .send()
        .await;
    let ours = || role_is(iam, name, path, t, trust);
    settle("iam:CreateRole", sent, &attempts, EXISTS, ours).await
}

/// The role's trust policy, its description and session length, and (destroy) the role.
async fn role_op(iam: &aws_sdk_iam::Client, op: &RoleOp) -> Result<(), AwsError> {
    let attempts = Attempts::default();
    match op {
        RoleOp::Create(new) => create_role(iam, new).await,
        RoleOp::UpdateTrust { role, document, .. } => {
            let sent = iam
                .update_assume_role_policy()
                .role_name(role)
                .policy_document(doc(document))
                .send()
                .await;
            done("iam:UpdateAssumeRolePolicy", sent)
        }
        RoleOp::UpdateSettings {
            role,
            description,
            max_session_duration,
            ..
        } => {
            let sent = iam
                .update_role()
                .role_name(role)
                .description(description)
                .max_session_duration(*max_session_duration as i32)
                .send()
                .await;
            done("iam:UpdateRole", sent)
        }
        RoleOp::Delete { name, .. } => {
            let sent = iam
                .delete_role()
                .role_name(name)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            let gone = || role_absent(iam, name);
            settle("iam:DeleteRole", sent, &attempts, GONE, gone).await
        }
    }
}

/// The role's permissions boundary.
async fn boundary_op(iam: &aws_sdk_iam::Client, op: &BoundaryOp) -> Result<(), AwsError> {
    let attempts = Attempts::default();
    match op {
        BoundaryOp::Put { role, arn, .. } => {
            let sent = iam
                .put_role_permissions_boundary()
                .role_name(role)
                .permissions_boundary(arn)
                .send()
                .await;
            done("iam:PutRolePermissionsBoundary", sent)
        }
        BoundaryOp::Delete { role, .. } => {
            let sent = iam
                .delete_role_permissions_boundary()
                .role_name(role)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            let gone = || role_without_boundary(iam, role);
            settle(
                "iam:DeleteRolePermissionsBoundary",
                sent,
                &attempts,
                GONE,
                gone,
            )
            .await
        }
    }
}

/// Tags of the role and of a policy. TagRole, UntagRole and TagPolicy are idempotent (setting a
/// tag to its value, removing an absent key), so a retry after a lost answer just succeeds:
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html,
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html,
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html
async fn tag_op(iam: &aws_sdk_iam::Client, op: &TagOp) -> Result<(), AwsError> {
    match op {
        TagOp::TagRole { role, tags: t, .. } => {
            let sent = iam
                .tag_role()
                .role_name(role)
                .set_tags(Some(tags(t)))
                .send()
                .await;
            done("iam:TagRole", sent)
        }
        TagOp::UntagRole { role, keys } => {
            let sent = iam
                .untag_role()
                .role_name(role)
                .set_tag_keys(Some(keys.clone()))
                .send()
                .await;
            done("iam:UntagRole", sent)
        }
        TagOp::TagPolicy { arn, tags: t } => {
            let sent = iam
                .tag_policy()
                .policy_arn(arn)
                .set_tags(Some(tags(t)))
                .send()
                .await;
            done("iam:TagPolicy", sent)
        }
    }
}

/// Managed policies attached to the role.
async fn attachment_op(iam: &aws_sdk_iam::Client, op: &AttachmentOp) -> Result<(), AwsError> {
    let attempts = Attempts::default();
    match op {
        AttachmentOp::DeleteInline { role, name, .. } => {
            delete_inline_policy(iam, role, name).await
        }
        AttachmentOp::Attach { role, arn } => {
            let sent = iam
                .attach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            // Attaching a policy that is already attached succeeds, so a retry after a lost
            // answer normally just succeeds. Should the retry be refused instead (as a duplicate,
            // or as one attachment too many for the role's quota, LimitExceeded), whether the
            // policy is attached decides.
            // https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
            let attached = || async { is_attached(iam, role, arn).await.map(|a| a == Some(true)) };
            let codes = &["EntityAlreadyExists", "LimitExceeded"];
            settle("iam:AttachRolePolicy", sent, &attempts, codes, attached).await
        }
        AttachmentOp::Detach { role, arn, .. } => {
            let sent = iam
                .detach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            // A role that is gone has nothing attached either.
            let detached = || async { is_attached(iam, role, arn).await.map(|a| a != Some(true)) };
            settle("iam:DetachRolePolicy", sent, &attempts, GONE, detached).await
        }
    }
}

/// Our managed policy: create and (destroy) delete.
async fn policy_op(clients: &Clients, plan: &Plan, op: &PolicyOp) -> Result<(), AwsError> {
    let iam = &clients.iam;
    let attempts = Attempts::default();
    match op {
        PolicyOp::Create {
            name,
            path,
            document,
            tags: t,
        } => {
            let sent = iam
                .create_policy()
                .policy_name(name)
                .path(path)
                .description("Lets the Genesys Cloud role invoke exactly the configured Lambda functions (managed by lambda-trust)")
                .policy_document(doc(document))
                .set_tags(Some(tags(t)))
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            let ours = || async {
                let arn = policy_arn(clients, plan, path, name).await?;
                policy_is(iam, &arn, t).await
            };
            settle("iam:CreatePolicy", sent, &attempts, EXISTS, ours).await
        }
        PolicyOp::Delete { arn, .. } => {
            let sent = iam
                .delete_policy()
                .policy_arn(arn)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            let gone = || policy_absent(iam, arn);
            settle("iam:DeletePolicy", sent, &attempts, GONE, gone).await
        }
    }
}

/// Versions of our managed policy: publish a new default, delete an old one.
///
/// CreatePolicyVersion is not idempotent: when its answer is lost, the SDK's retry publishes
/// the same document once more, as another version, and that one becomes the default; no error
/// says so. Both versions hold the planned document, so the next plan is still empty; the extra
/// version is pruned by a later plan once the policy is at its limit of 5 versions
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). At that limit
/// the retry is refused with LimitExceeded instead, the lost attempt having used the last slot
/// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html): then the
/// run goes on when the default version holds the planned document.
async fn version_op(iam: &aws_sdk_iam::Client, op: &VersionOp) -> Result<(), AwsError> {
    let attempts = Attempts::default();
    match op {
        VersionOp::Create { arn, document, .. } => {
            let sent = iam
                .create_policy_version()
                .policy_arn(arn)
                .policy_document(doc(document))
                .set_as_default(true)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            let published = || default_version_is(iam, arn, document);
            let codes = &["LimitExceeded"];
            settle("iam:CreatePolicyVersion", sent, &attempts, codes, published).await
        }
        VersionOp::Delete { arn, version_id }
        | VersionOp::DeleteLatent {
            arn, version_id, ..
        } => {
            let sent = iam
                .delete_policy_version()
                .policy_arn(arn)
                .version_id(version_id)
                .customize()
                .interceptor(attempts.clone())
                .send()
                .await;
            let gone = || version_absent(iam, arn, version_id);
            settle("iam:DeletePolicyVersion", sent, &attempts, GONE, gone).await
        }
    }
}

impl crate::error::Hinted for ApplyError {
    fn hint(&self) -> Option<String> {
        match self {
            ApplyError::Aws { error, .. } => error.hint(),
        }
    }
}
crate::error::layer_errors!(Aws: ApplyError);
