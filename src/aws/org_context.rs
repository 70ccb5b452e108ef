//! Where `watch deploy --organization` stands (`aws` layer): the AWS organization the run's
//! credentials are in, its root, its management account, the accounts that administer
//! StackSets for it, and whether StackSets may act in it (trusted access).

use aws_sdk_organizations::types::DelegatedAdministrator;

use super::client::{has_code, AwsError, Clients};

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
        super::observe::caller_identity(clients),
    );
    let root = root.map_err(|e| AwsError::from_sdk("organizations:ListRoots", e))?;
    let admins: Vec<DelegatedAdministrator> = (admins.into_iter())
        .collect::<Result<_, _>>()
        .map_err(|e| AwsError::from_sdk("organizations:ListDelegatedAdministrators", e))?;
    let access: Vec<_> = (access.into_iter())
        .collect::<Result<_, _>>()
        .map_err(|e| AwsError::from_sdk("organizations:ListAWSServiceAccessForOrganization", e))?;
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
