//! `destroy`'s workflow beyond the change set: the config's deployed watch, removed before the
//! role it watches — so the function never hears the role's deletion, nothing of it keeps
//! running (and billing) against a role that is gone, and what it filed is archived once the
//! role, and with it every breach it could describe, is gone.

use super::events::Events;
use super::settings::Settings;
use super::watch::deploy::{self, DeployOptions, WatchState};
use super::watch::package::PackageUse;
use super::watch::status;
use crate::error::Result;
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::WatchOp;

/// A deployed watch of the config and the writes that remove it.
pub(crate) struct DeployedWatch {
    state: WatchState,
    ops: Vec<WatchOp>,
    /// The removal, one change a line (what `destroy` shows).
    pub lines: Vec<String>,
}

/// The config's watch when any piece of it is deployed (only what its tags say is its own);
/// `None` when none is. Reads no package.
pub(crate) async fn deployed_watch(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
) -> Result<Option<DeployedWatch>> {
    let options = DeployOptions {
        package: None,
        env: file.env.clone(),
        package_use: PackageUse::Unused,
    };
    let state = deploy::read(settings, events, file, &options).await?;
    let ops = deploy::destroy_ops(&state);
    let lines = ops.iter().map(ToString::to_string).collect();
    Ok((!ops.is_empty()).then_some(DeployedWatch { state, ops, lines }))
}

impl DeployedWatch {
    /// Removes the watch; the writes made.
    pub(crate) async fn remove(
        &self,
        settings: &Settings,
        events: &dyn Events,
        file: &ConfigFile,
    ) -> Result<usize> {
        deploy::write(settings, events, file, &self.state, &self.ops).await
    }

    /// After the role is deleted: the watch's findings still active, archived (the role they
    /// describe is gone); the writes made.
    pub(crate) async fn archive_findings(
        &self,
        settings: &Settings,
        events: &dyn Events,
        file: &ConfigFile,
    ) -> Result<usize> {
        let held = status::to_archive(settings, events, file, &self.state).await;
        status::archive(events, held).await
    }
}
