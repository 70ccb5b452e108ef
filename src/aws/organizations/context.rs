//! Where `watch deploy --organization` stands (`aws` layer): the AWS organization the run's
//! credentials are in, its root, its management account, the accounts that administer
//! StackSets for it, and whether StackSets may act in it (trusted access).

use aws_sdk_organizations::types::DelegatedAdministrator;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::aws::client::{has_code, AwsError, Clients};

/// CloudFormation StackSets' service principal in Organizations: its delegated
/// administrators, and its trusted access
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html>).
pub(crate) const STACK_SETS_PRINCIPAL: &str = "member.org.stacksets.cloudformation.amazonaws.com";

/// The organization as the run's credentials see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgContext {
    /// The organization's ID (`o-…`).
    pub(crate) organization: String,
    /// Its management account.
    pub(crate) management_account: String,
    /// Its root (`r-…`).
    pub(crate) root: String,
    /// The account the run's credentials are in.
    pub(crate) caller_account: String,
    /// StackSets' delegated administrators, in the order Organizations lists them.
    pub(crate) delegated_admins: Vec<String>,
    /// Whether StackSets has trusted access to the organization.
    pub(crate) trusted_access: bool,
}

/// Why the organization was not read.
#[derive(Debug)]
pub(crate) enum OrgContextError {
    /// The account is in no organization.
    NotInOrganization,
    /// A call failed.
    Call(AwsError),
}

/// A read of the organization that failed, a refusal saying whose credentials run it.
fn refused<E>(operation: &'static str) -> impl FnOnce(SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    move |e| whose_credentials(AwsError::from_sdk(operation, e))
}

/// A refused read of the organization: a member account's credentials read only
/// `DescribeOrganization`. The watch of the organization runs with the credentials that
/// administer it, which the hint says, with the policy they need.
fn whose_credentials(mut e: AwsError) -> AwsError {
    if e.is_code("AccessDeniedException") || e.is_code("AccessDenied") {
        e.hint = Some(
            "run it with the credentials of the organization's management account, or of \
             StackSets' delegated administrator (`aws organizations \
             list-delegated-administrators --service-principal \
             member.org.stacksets.cloudformation.amazonaws.com` names it): a member account may \
             not read the organization; the policy those credentials need is in \
             docs/organization.md \"The credentials it needs\""
                .into(),
        );
    }
    e
}

impl From<AwsError> for OrgContextError {
    fn from(e: AwsError) -> Self {
        OrgContextError::Call(e)
    }
}

/// Reads the organization, its root, StackSets' delegated administrators and trusted access,
/// concurrently after the organization itself.
pub(crate) async fn org_context(clients: &Clients) -> Result<OrgContext, OrgContextError> {
    let org = clients.organizations();
    let described = match org.describe_organization().send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "AWSOrganizationsNotInUseException") => {
            return Err(OrgContextError::NotInOrganization)
        }
        Err(e) => return Err(AwsError::from_sdk("organizations:DescribeOrganization", e).into()),
    };
    let organization = described.organization();
    let (root, admins, access, caller) = tokio::join!(
        org.list_roots().send(),
        org.list_delegated_administrators()
            .service_principal(STACK_SETS_PRINCIPAL)
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>(),
        org.list_aws_service_access_for_organization()
            .into_paginator()
            .send()
            .collect::<Vec<_>>(),
        crate::aws::observe::caller_identity(clients),
    );
    let root = root.map_err(refused("organizations:ListRoots"))?;
    let admins: Vec<DelegatedAdministrator> = (admins.into_iter())
        .collect::<Result<_, _>>()
        .map_err(refused("organizations:ListDelegatedAdministrators"))?;
    let access: Vec<_> = (access.into_iter())
        .collect::<Result<_, _>>()
        .map_err(refused("organizations:ListAWSServiceAccessForOrganization"))?;
    let mut enabled = access
        .iter()
        .flat_map(|page| page.enabled_service_principals());
    Ok(OrgContext {
        organization: organization.and_then(|o| o.id()).unwrap_or_default().into(),
        management_account: (organization.and_then(|o| o.master_account_id()))
            .unwrap_or_default()
            .into(),
        root: (root.roots().first())
            .and_then(|r| r.id())
            .unwrap_or_default()
            .into(),
        caller_account: caller?.account,
        delegated_admins: admins
            .iter()
            .filter_map(|a| a.id().map(Into::into))
            .collect(),
        trusted_access: enabled.any(|s| s.service_principal() == Some(STACK_SETS_PRINCIPAL)),
    })
}
