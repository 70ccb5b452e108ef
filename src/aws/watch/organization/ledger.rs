//! The organization watch's ledger in Parameter Store, in the watch's own account
//! (`lambda_trust_provision::Held`): one standard `String` parameter per account, read and
//! written by the function, listed by `watch status --organization` and deleted by `watch
//! destroy --organization`
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html>,
//! `GetParametersByPath`, `DeleteParameters`: at most 10 names a call).

use lambda_trust_provision::{Held, LedgerName};

use crate::aws::client::{AwsError, InRegion};
use crate::aws::sessions::CallCount;

/// What the ledger in `region` says `account` holds; `None` when it has no entry (or not one it can read).
pub(crate) async fn read_held(
    InRegion { clients, region }: InRegion<'_>,
    account: &str,
    calls: &CallCount,
) -> Result<Option<Held>, AwsError> {
    calls.add();
    let out = (clients.ssm(region).get_parameter())
        .name(LedgerName::Account(account).to_string())
        .send()
        .await;
    match out.map_err(|e| AwsError::from_sdk("ssm:GetParameter", e)) {
        Ok(out) => Ok((out.parameter())
            .and_then(|p| p.value())
            .and_then(|v| serde_json::from_str::<Held>(v).ok())),
        Err(e) if e.is_code("ParameterNotFound") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes what `account` holds, over what was there.
pub(crate) async fn write_held(
    InRegion { clients, region }: InRegion<'_>,
    account: &str,
    held: &Held,
    calls: &CallCount,
) -> Result<(), AwsError> {
    calls.add();
    (clients.ssm(region).put_parameter())
        .name(LedgerName::Account(account).to_string())
        .value(serde_json::to_string(held).unwrap_or_default())
        .r#type(aws_sdk_ssm::types::ParameterType::String)
        .overwrite(true)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ssm:PutParameter", e))?;
    Ok(())
}

/// Every account's entry, by account.
pub(crate) async fn all_held(
    InRegion { clients, region }: InRegion<'_>,
    calls: &CallCount,
) -> Result<Vec<(String, Held)>, AwsError> {
    let mut all = Vec::new();
    let mut pages = (clients.ssm(region).get_parameters_by_path())
        .path(LedgerName::Path.to_string())
        .max_results(10)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.add();
        let out = page.map_err(|e| AwsError::from_sdk("ssm:GetParametersByPath", e))?;
        let entries = out.parameters().iter().filter_map(|p| {
            let account = LedgerName::account_of(p.name()?)?;
            let held = serde_json::from_str::<Held>(p.value()?).ok()?;
            Some((account.to_owned(), held))
        });
        all.extend(entries);
    }
    Ok(all)
}

/// Deletes the entries of `accounts`, ten a call.
pub(crate) async fn delete_held(
    InRegion { clients, region }: InRegion<'_>,
    accounts: &[String],
    calls: &CallCount,
) -> Result<(), AwsError> {
    for chunk in accounts.chunks(10) {
        calls.add();
        (clients.ssm(region).delete_parameters())
            .set_names(Some(
                chunk
                    .iter()
                    .map(|a| LedgerName::Account(a).to_string())
                    .collect(),
            ))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ssm:DeleteParameters", e))?;
    }
    Ok(())
}
