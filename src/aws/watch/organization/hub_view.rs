//! What the watch account's Security Hub shows of the organization: the accounts holding an
//! active finding of the organization watch (`GetFindings` by generator, any account — an
//! administrator sees its members' findings too), and the accounts whose findings it sees (its
//! own, and its associated members', `ListMembers`:
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-accounts.html>).

use std::collections::BTreeSet;

use aws_sdk_securityhub::types::{AwsSecurityFindingFilters, StringFilter, StringFilterComparison};

use crate::aws::client::{AwsError, Clients};
use crate::aws::sessions::CallCount;

/// The accounts an active finding under `prefix` names: the first segment after it in the
/// finding's generator (`prefix` `ACCOUNT/…`), whatever account holds the finding.
pub(crate) async fn held_accounts(
    clients: &Clients,
    prefix: &str,
    calls: &CallCount,
) -> Result<BTreeSet<String>, AwsError> {
    let filter = |value: &str, comparison| {
        StringFilter::builder()
            .value(value)
            .comparison(comparison)
            .build()
    };
    let filters = AwsSecurityFindingFilters::builder()
        .generator_id(filter(prefix, StringFilterComparison::Prefix))
        .record_state(filter("ACTIVE", StringFilterComparison::Equals))
        .build();
    let mut held = BTreeSet::new();
    let mut pages = (clients.security_hub().get_findings())
        .filters(filters)
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.add();
        let out = page.map_err(|e| AwsError::from_sdk("securityhub:GetFindings", e))?;
        let named = (out.findings().iter())
            .filter_map(|f| f.generator_id()?.strip_prefix(prefix)?.split('/').next())
            .map(str::to_owned);
        held.extend(named);
    }
    Ok(held)
}

/// The accounts whose findings the clients' Security Hub shows: its own, and its associated
/// members' (none when it administers none).
pub(crate) async fn visible_accounts(
    clients: &Clients,
    own: &str,
    calls: &CallCount,
) -> Result<BTreeSet<String>, AwsError> {
    let mut seen = BTreeSet::from([own.to_owned()]);
    let mut pages = (clients.security_hub().list_members())
        .only_associated(true)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.add();
        let out = page.map_err(|e| AwsError::from_sdk("securityhub:ListMembers", e))?;
        let members = out.members().iter();
        seen.extend(members.filter_map(|m| m.account_id().map(str::to_owned)));
    }
    Ok(seen)
}
