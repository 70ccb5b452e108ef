//! The whole path's reads for `verify` and `check`: the organization policies over the role's
//! account and each target's account (read once per account, concurrently), and each target's
//! function policy (one `lambda:GetPolicy` per target and qualifier), as the core's
//! [`PathSources`]. Never an error: what cannot be read is said in the sources and leaves the
//! claims it would decide not proved.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join_all;

use super::events::{Event, Events};
use crate::aws::function_policy::read_function_policies;
use crate::aws::organizations::OrgReader;
use crate::aws::prepare::Prepared;
use crate::aws::Clients;
use crate::core::verify::{self, PathSources, Verification};
use crate::iam::arn;

/// Reads what the path needs beyond the role.
pub async fn path_sources(
    clients: &Clients,
    prepared: &Prepared,
    events: &dyn Events,
) -> PathSources {
    let desired = &prepared.desired;
    let arns = verify::invoked_arns(desired);
    let accounts: BTreeSet<String> = std::iter::once(desired.account_id.clone())
        .chain(arns.iter().map(|a| arn::account_of(a).to_string()))
        .collect();
    events.event(Event::Reading("organization and function policies".into()));
    let reader = OrgReader::new();
    let reader = &reader;
    let other_accounts = BTreeMap::new();
    let (orgs, policies) = tokio::join!(
        join_all(accounts.into_iter().map(|a| async move {
            let policies = reader.policies(clients, &a).await;
            (a, policies)
        })),
        read_function_policies(clients, &other_accounts, &arns),
    );
    events.event(Event::ReadDone);
    PathSources {
        orgs: orgs.into_iter().collect(),
        function_policies: policies.into_iter().map(|t| (t.arn, t.policy)).collect(),
    }
}

/// `verification` with the whole path's claims added (read from AWS).
pub async fn with_path(
    verification: Verification,
    clients: &Clients,
    prepared: &Prepared,
    events: &dyn Events,
) -> Verification {
    let sources = path_sources(clients, prepared, events).await;
    match verify::whole_path(&prepared.desired, &prepared.observed, &sources) {
        Some(claims) => verification.with_path(claims),
        None => verification,
    }
}
