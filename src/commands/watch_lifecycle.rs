//! What `watch deploy|status|destroy` does with a watch — a deployment's or the
//! organization's —, resolved once from the command.

use crate::app::watch::package::PackageUse;

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
