//! The roles of an account proved on blocking threads, at most one chunk per core across every
//! account audited at once, and why one account's audit could fail. Used by `audit` (account
//! by account) and `aggregator` (through AWS Config), which import this and not each other.

use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;

use super::error::AppError;
use crate::aws::AwsError;
use crate::error::{Error, Hinted};
use lambda_trust_audit::{AccountIam, AuditOptions};

/// Why one account could not be audited: a read failed, or the prover's task did not finish.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuditFailure {
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The prover runs on a blocking thread; it panicked or was cancelled (a bug, not AWS).
    #[error(
        "the proof of the account's roles stopped (a bug in lambda-trust: please report it): {0}"
    )]
    Prover(#[from] tokio::task::JoinError),
}

impl Hinted for AuditFailure {
    fn hint(&self) -> Option<String> {
        match self {
            AuditFailure::Aws(e) => e.hint(),
            AuditFailure::Prover(_) => None,
        }
    }
}

impl From<AuditFailure> for Error {
    fn from(failure: AuditFailure) -> Self {
        match failure {
            AuditFailure::Aws(e) => e.into(),
            AuditFailure::Prover(e) => AppError::Prover(e).into(),
        }
    }
}

/// The blocking tasks proving roles, across every account audited at once: one per core, so an
/// organization's `--concurrency` accounts share the machine's cores instead of each splitting
/// it again (the executor owns the parallelism, not the auditor crate).
static PROVER_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(cores()));

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Every role of `iam` proved ([`audit::audit_role`]), in chunks on blocking threads — the
/// prover is CPU work, kept off the async workers that drive other accounts' reads — at most
/// [`PROVER_SLOTS`] chunks at a time. The order of the result does not matter
/// ([`audit::account_report`] sorts it).
pub async fn prove_roles(
    iam: &Arc<AccountIam>,
    opts: &AuditOptions,
) -> std::result::Result<Vec<lambda_trust_audit::RoleReport>, tokio::task::JoinError> {
    /// Below this many roles a chunk costs more than it saves.
    const MIN_CHUNK: usize = 16;
    let roles = iam.roles.len();
    let chunk = roles.div_ceil(cores()).max(MIN_CHUNK);
    let tasks = (0..roles).step_by(chunk).map(|start| {
        let (iam, opts) = (Arc::clone(iam), opts.clone());
        async move {
            let _slot = PROVER_SLOTS
                .acquire()
                .await
                .expect("the semaphore is never closed");
            tokio::task::spawn_blocking(move || {
                let end = (start + chunk).min(iam.roles.len());
                (iam.roles[start..end].iter())
                    .filter_map(|r| lambda_trust_audit::audit_role(&iam, r, &opts))
                    .collect::<Vec<_>>()
            })
            .await
        }
    });
    let parts = futures::future::try_join_all(tasks).await?;
    Ok(parts.into_iter().flatten().collect())
}
