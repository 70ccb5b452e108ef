//! One config's signed-in Genesys Cloud side: what it should be, what it is, and the plans that
//! need Architect's answer first. Where a plan would delete or replace an action, dependency
//! tracking is asked which published flows call it (only then), and the side is planned again
//! knowing: the plan → consumers → plan-again loop, one entry point for every command.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::audit::{who_changed, Who, AUDIT_DAYS};
use super::client::{Client, Retried};
use super::error::GenesysError;
use super::observe;
use crate::error::Result;
use lambda_trust_model::{DesiredGenesys, ObservedGenesys};
use lambda_trust_provision::{
    genesys_attribution, plan_genesys, plan_genesys_destroy, Finding, GenesysFinding,
    GenesysLookup, GenesysOp, GenesysPlan,
};

/// A signed-in client with the desired and observed Genesys Cloud state.
pub(crate) struct Session {
    pub client: Client,
    /// The OAuth client's ID: its own changes are told apart in the audit trail.
    pub oauth_id: String,
    pub desired: DesiredGenesys,
    pub observed: ObservedGenesys,
    /// Retries already handed out by [`Session::new_retries`] (the client's count is
    /// cumulative).
    reported: AtomicUsize,
}

impl Session {
    pub(crate) fn new(
        client: Client,
        oauth_id: String,
        desired: DesiredGenesys,
        observed: ObservedGenesys,
    ) -> Session {
        Session {
            client,
            oauth_id,
            desired,
            observed,
            reported: AtomicUsize::new(0),
        }
    }

    /// Reads the Genesys side again (after an apply), with the same client.
    pub(crate) async fn reobserve(&self) -> Result<ObservedGenesys> {
        Ok(observe::observe(&self.client, &self.desired).await?)
    }

    /// Plans the Genesys side, knowing which flows call the actions it would delete or
    /// replace; then refuses (unless `force`) to delete an action a flow calls. A refused
    /// lookup is an error naming the permission: nothing has been written on either side.
    pub(crate) async fn plan(&mut self, adopt: bool, force: bool) -> Result<GenesysPlan> {
        let (plan, lookup) = self.plan_knowing_consumers(adopt).await?;
        if let Some(e) = lookup {
            return Err(e.into());
        }
        plan.refuse(force)?;
        self.refuse_taken_names(&plan).await?;
        Ok(plan)
    }

    /// Action names are unique in a Genesys Cloud organization: a create whose name an action
    /// of another integration holds (another deployment's, say) would be refused mid-apply,
    /// after the AWS side was written. Refused here, before any write, naming the holder: one
    /// name lookup per action the plan creates, side by side.
    async fn refuse_taken_names(&self, plan: &GenesysPlan) -> Result<()> {
        let ours = self.observed.integration.as_ref().map(|i| i.id.as_str());
        let created: Vec<&str> = (plan.ops.iter())
            .filter_map(|op| match op {
                GenesysOp::CreateAction { action, .. } => Some(action.def.name.as_str()),
                _ => None,
            })
            .collect();
        let lookups =
            (created.iter()).map(|name| observe::action_named_elsewhere(&self.client, name, ours));
        let found = futures::future::try_join_all(lookups).await?;
        let taken: Vec<String> = (created.iter().zip(found))
            .filter_map(|(name, f)| {
                f.map(|(id, integration)| {
                    format!("{name:?} (action {id} of integration {integration})")
                })
            })
            .collect();
        if taken.is_empty() {
            return Ok(());
        }
        Err(crate::error::Error::usage(
            format!(
                "Genesys Cloud action names are unique in an organization, and {} this config would create {} taken: {}; refused before any write",
                taken.len(),
                if taken.len() == 1 { "is" } else { "are" },
                taken.join("; ")
            ),
            "give each a name of its own ([targets.action] name, or onboard --action-name), or remove the other action in Genesys Cloud if it is stale",
        ))
    }

    /// The plan, and the error of the consumers lookup when it failed (the plan then says the
    /// consumers are unknown).
    async fn plan_knowing_consumers(
        &mut self,
        adopt: bool,
    ) -> Result<(GenesysPlan, Option<GenesysError>)> {
        let plan = plan_genesys(&self.desired, &self.observed, adopt)?;
        match self.learn_consumers(&plan).await {
            Ok(false) => Ok((plan, None)),
            Ok(true) => Ok((plan_genesys(&self.desired, &self.observed, adopt)?, None)),
            Err(e) => Ok((plan, Some(e))),
        }
    }

    /// Asks Architect dependency tracking which published flows call the actions `plan` needs
    /// to know about (only those); true when it learnt something (plan again).
    async fn learn_consumers(&mut self, plan: &GenesysPlan) -> Result<bool, GenesysError> {
        let ids = plan.unknown_consumers();
        if ids.is_empty() {
            return Ok(false);
        }
        let found = observe::consumers(&self.client, &ids).await?;
        self.observed.consumers.extend(found);
        Ok(true)
    }

    /// `destroy`'s plan, knowing which flows call the actions it deletes; refused (unless
    /// `force`) when a flow calls one. Also returns what is kept, with why.
    pub(crate) async fn plan_destroy(&mut self, force: bool) -> Result<(GenesysPlan, Vec<String>)> {
        let (plan, _) = plan_genesys_destroy(&self.observed);
        self.learn_consumers(&plan).await?;
        let (plan, kept) = plan_genesys_destroy(&self.observed);
        plan.refuse(force)?;
        Ok((plan, kept))
    }

    /// `check`'s plan: as if adopting, never refused; when the flows calling an action cannot
    /// be looked up, the plan says they are unknown and the returned note says why.
    pub(crate) async fn plan_for_check(&mut self) -> Result<(GenesysPlan, Option<String>)> {
        let (plan, lookup) = self.plan_knowing_consumers(true).await?;
        Ok((plan, lookup.map(|e| crate::error::shown(&e))))
    }

    /// The calls retried since the last call of this (429, 5xx, 409), and `more` made outside
    /// the client (version conflicts, resent creates): bounded retries are reported, never
    /// silent.
    pub(crate) fn new_retries(&self, more: &[Retried]) -> Vec<Retried> {
        let stats = self.client.stats();
        let seen = self.reported.swap(stats.retried.len(), Ordering::Relaxed);
        let mut all: Vec<Retried> = stats.retried[seen.min(stats.retried.len())..].to_vec();
        all.extend(more.iter().cloned());
        all
    }

    /// Says who changed each finding's object, from the audit trail (`changed_by`,
    /// `genesys_audit`, as CloudTrail does for AWS findings); after a refused query the rest go
    /// on without it.
    pub(crate) async fn annotate(&self, findings: Vec<GenesysFinding>) -> Vec<Finding> {
        let mut refused = false;
        let mut out = Vec::new();
        for f in findings {
            let mut finding = f.finding;
            if let (Some((kind, id)), false) = (&f.entity, refused) {
                let lookup = match who_changed(&self.client, &self.oauth_id, kind, id).await {
                    Ok(Who::Changed {
                        who,
                        when,
                        action,
                        id,
                    }) => GenesysLookup::Changed {
                        who,
                        when,
                        action,
                        id,
                    },
                    Ok(Who::Unknown) => GenesysLookup::Unknown {
                        days: AUDIT_DAYS.unsigned_abs() as u32,
                    },
                    Ok(Who::NotPermitted(_)) => {
                        refused = true;
                        GenesysLookup::NotPermitted
                    }
                    Err(e) => GenesysLookup::Failed(crate::error::shown(&e)),
                };
                genesys_attribution(&mut finding.trail, lookup);
            }
            out.push(finding);
        }
        out
    }
}
