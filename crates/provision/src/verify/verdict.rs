//! `verify`'s verdict from what it read, with no call: the offline checks and the prover's
//! properties over the live documents, the live probe's and the Genesys Cloud side's checks,
//! the whole path's claims and, with environments, the isolation claims. The workflow reads;
//! this judges.

use super::check::Check;
use super::{checks, proofs, Verification};
use crate::isolation_claim::IsolationClaim;
use lambda_trust_model::{Desired, Observed, PathSources};

/// What `verify` read beyond the role's state.
#[derive(Debug, Default)]
pub struct VerifyRead<'a> {
    /// The AWS side was verified (not `--only genesys`): its checks and proofs are made.
    /// Without `sources`, the proof stops there (how `onboard` proves a write's result before
    /// it judges the new target's path).
    pub aws: bool,
    /// The live probe's checks (`--assume-profile`), when it ran.
    pub probe: Vec<Check>,
    /// The Genesys Cloud side's checks.
    pub genesys: Vec<Check>,
    /// The whole path's policies as read; `None` when they were not (`--only genesys`).
    pub sources: Option<&'a PathSources>,
    /// The live role's claims towards the config's other environments.
    pub isolation: Vec<IsolationClaim>,
}

/// The verdict: the checks in the order they are shown (the role's, the probe's, the Genesys
/// Cloud side's), the proofs when the AWS side was verified, then — where the path was read —
/// the path's claims and the isolation claims.
pub fn verdict(desired: &Desired, observed: &Observed, read: VerifyRead<'_>) -> Verification {
    let mut all = match read.aws {
        true => checks(desired, observed),
        false => Vec::new(),
    };
    all.extend(read.probe);
    all.extend(read.genesys);
    let mut verification = Verification::from(all);
    if read.aws {
        verification = verification.with_proofs(proofs(desired, observed));
    }
    let Some(sources) = read.sources else {
        return verification;
    };
    (verification.with_whole_path(desired, observed, sources)).with_isolation(read.isolation)
}
