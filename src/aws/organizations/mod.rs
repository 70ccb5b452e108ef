//! AWS Organizations (`aws` layer): the only code that calls it.
//! - `accounts`: the organization's active accounts ([`list_accounts`]);
//! - `context`: where `watch deploy --organization` stands — the organization, its root,
//!   StackSets' delegated administrators and trusted access;
//! - `tree`: the organization read whole, once a run ([`read_tree`]: its OUs, accounts, SCPs
//!   and RCPs), which the guardrail plans over and which gives each member account's levels;
//! - `walk`: one account's levels read by walking up from it to the root ([`OrgReader`]),
//!   where the organization is not read whole (one deployment's path, a file of accounts);
//! - `guardrail`: the guardrail's writes to lambda-trust's own RCP.

mod accounts;
pub(crate) mod context;
pub(crate) mod guardrail;
mod tree;
mod walk;

use aws_sdk_organizations::types::PolicyType;

use crate::aws::client::AwsError;

pub(crate) use accounts::list_accounts;
pub(crate) use tree::{read_tree, Tags};
pub(crate) use walk::{read_org_policies, OrgReader};

type Org = aws_sdk_organizations::Client;

const RCP: PolicyType = PolicyType::ResourceControlPolicy;

/// The tag that marks lambda-trust's guardrail, beside `managed-by = lambda-trust`: what the
/// tree reads to know it, and what the guardrail's writes tag it with.
pub(crate) const GUARDRAIL_TAG: (&str, &str) =
    ("lambda-trust:guardrail", "genesys-cloud-external-id");

/// An SDK error of `op` as the rest of lambda-trust reads it.
fn err<E>(
    op: &'static str,
) -> impl FnOnce(
    aws_sdk_organizations::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> AwsError
where
    E: std::error::Error
        + Send
        + Sync
        + 'static
        + aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    move |e| AwsError::from_sdk(op, e)
}
