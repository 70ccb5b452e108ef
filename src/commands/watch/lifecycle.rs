//! What `watch deploy|status|destroy` does with a watch — a deployment's or the
//! organization's —, resolved once from the command.

use crate::app::watch::package::PackageUse;
use crate::event::{WatchNote, WatchProblem};
use crate::report;
use lambda_trust_provision::{Deployment, Seen};

/// What the command does with the watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lifecycle {
    Deploy,
    Status,
    Destroy,
}

impl Lifecycle {
    /// The command, as the result names it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Lifecycle::Deploy => "deploy",
            Lifecycle::Status => "status",
            Lifecycle::Destroy => "destroy",
        }
    }

    /// What the command does with the package: destroy reads none of its own accord (the
    /// running binary is not zipped for nothing); one named is still read and checked.
    pub(super) fn package_use(self, named: bool) -> PackageUse {
        match self {
            Lifecycle::Deploy => PackageUse::Deployed,
            Lifecycle::Destroy if !named => PackageUse::Unused,
            Lifecycle::Status | Lifecycle::Destroy => PackageUse::Compared,
        }
    }
}

/// What `watch deploy|status|destroy` says of the deployment `want`, live as `seen`, before
/// any write (the caller names what it watches: `role`, `organization`).
pub(super) fn result_of(
    lifecycle: Lifecycle,
    (want, seen): (&Deployment, &Seen),
    package: &[u8],
    (notes, problems): (&[WatchNote], &[WatchProblem]),
    changes: Vec<String>,
) -> report::WatchResult {
    let f = &want.function;
    report::WatchResult {
        schema_version: crate::report::SCHEMA_VERSION,
        command: lifecycle.name().into(),
        role: String::new(),
        organization: None,
        function: f.name.clone(),
        region: f.region.clone(),
        deployed: seen.function.is_some(),
        deployed_code: seen.function.as_ref().map(|s| s.code_sha256.clone()),
        package_code: (!package.is_empty()).then(|| f.code_sha256.clone()),
        rules: (want.rules.iter())
            .map(|r| format!("{}/{}", r.region, r.name))
            .collect(),
        changes,
        writes: None,
        notes: notes.iter().map(report::watch_note).collect(),
        problems: problems.iter().map(report::watch_problem).collect(),
        active_findings: None,
        archived_findings: None,
        kept_findings: Vec::new(),
        retired: None,
        accounts: None,
    }
}
