//! The account's Lambda functions, for `init --from-account` (`aws` layer): a paginated
//! `ListFunctions` in one region.
//!
//! ListFunctions returns at most 50 functions per response and a `NextMarker` for the rest
//! (AWS Lambda API Reference, ListFunctions); the SDK's paginator follows the markers.

use crate::aws::client::{AwsError, Clients};

/// One function as listed: its name and unqualified ARN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ListedFunction {
    pub name: String,
    pub arn: String,
}

/// Every function (`$LATEST` of each; not its versions) in `region`, sorted by name.
pub(crate) async fn list_functions(
    clients: &Clients,
    region: &str,
) -> Result<Vec<ListedFunction>, AwsError> {
    let pages = clients
        .lambda(region)
        .list_functions()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| AwsError::from_sdk("lambda:ListFunctions", e))?;
    let mut functions: Vec<ListedFunction> = pages
        .into_iter()
        .filter_map(|f| {
            Some(ListedFunction {
                name: f.function_name()?.to_string(),
                arn: f.function_arn()?.to_string(),
            })
        })
        .collect();
    functions.sort();
    Ok(functions)
}
