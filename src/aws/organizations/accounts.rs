//! The organization's accounts as `ListAccounts` lists them (`aws` layer): every page, the
//! active ones, with their names.

use aws_sdk_organizations::types::AccountStatus;

use crate::aws::client::{AwsError, Clients};
use crate::aws::sessions::CallCount;

/// An account as the organization lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedAccount {
    pub id: String,
    /// The account's name (empty when the listing has none): set by its owner, so data.
    pub name: String,
}

/// The organization's active accounts (`organizations:ListAccounts`, every page).
pub(crate) async fn list_accounts(
    clients: &Clients,
    calls: &CallCount,
) -> Result<Vec<ListedAccount>, AwsError> {
    let mut out = Vec::new();
    let mut pages = clients
        .organizations()
        .list_accounts()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.add();
        let page = page.map_err(|e| AwsError::from_sdk("organizations:ListAccounts", e))?;
        out.extend(
            page.accounts()
                .iter()
                .filter(|a| a.status().is_none_or(|s| *s == AccountStatus::Active))
                .filter_map(|a| {
                    Some(ListedAccount {
                        id: a.id()?.to_owned(),
                        name: a.name().unwrap_or_default().to_owned(),
                    })
                }),
        );
    }
    Ok(out)
}
