//! The one catalogue of the CloudTrail calls that can change what `check` judges: each call
//! (CloudTrail names the event after it), the request parameter that names what it acts on,
//! and the kinds of drift it can explain. Attribution ([`crate::trail`]) looks up the calls that
//! explain a finding, the watch's classification ([`crate::watch::classify`]) and its EventBridge
//! patterns (`watch_deploy::rules`) hear every call on the role, its policies and its targets —
//! all from this table, so a call cannot be heard by one and missed by another.
//!
//! The organization watch's Organizations calls are here too: each one that can change what an
//! SCP or RCP decides on an account's path, and so the guardrail — which of them change where
//! one policy applies or what it says, and which change no account's path at all.
//!
//! Sources: the IAM API Reference (each call's request parameters), the Lambda API Reference
//! (`AddPermission`, `RemovePermission`, `PutResourcePolicy`, `DeleteResourcePolicy`),
//! "Logging AWS Lambda API calls using AWS CloudTrail" (AddPermission and RemovePermission are
//! recorded under their API versions' names) and the AWS Organizations API Reference
//! (`AttachPolicy`, `DetachPolicy`, `UpdatePolicy`, `DeletePolicy` and its
//! `PolicyInUseException`, `EnablePolicyType`, `DisablePolicyType`, `MoveAccount`).

/// What a call acts on, by the request parameter CloudTrail records it under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum On {
    /// A role: `roleName`.
    Role,
    /// A managed policy: `policyArn`.
    Policy,
    /// A managed policy being created: `policyName` (its ARN is not in the request).
    NewPolicy,
    /// A function's resource-based policy: `functionName` (a name, partial or full ARN, maybe
    /// qualified) or `resourceArn`.
    Function,
    /// Where one SCP or RCP applies, or what it says: `policyId`.
    OrgPolicy,
    /// An SCP or RCP deleted: `policyId`. Deleted only once detached from every target
    /// (`PolicyInUseException` otherwise), so no account's policies change.
    OrgPolicyGone,
    /// A policy type enabled at the root: it attaches only the AWS managed full-access policy,
    /// which denies nothing, so no account's policies change.
    OrgTypeEnabled,
    /// A policy type disabled at the root: every policy of it detached.
    OrgTypeDisabled,
    /// An account moved to another parent: the policies over it change.
    OrgAccount,
}

impl On {
    /// The service whose CloudTrail events name the call (`eventSource`).
    pub(crate) fn source(self) -> &'static str {
        match self {
            On::Role | On::Policy | On::NewPolicy => "iam.amazonaws.com",
            On::Function => "lambda.amazonaws.com",
            On::OrgPolicy
            | On::OrgPolicyGone
            | On::OrgTypeEnabled
            | On::OrgTypeDisabled
            | On::OrgAccount => "organizations.amazonaws.com",
        }
    }

    /// Why a call acting on this changes no account's path, when it changes none.
    pub(crate) fn changes_no_path(self) -> Option<&'static str> {
        match self {
            On::OrgPolicyGone => Some(
                "a policy is deleted only once detached from every target (AWS Organizations \
                 API Reference, PolicyInUseException), so no account's policies changed",
            ),
            On::OrgTypeEnabled => {
                Some("it attaches only the AWS managed full-access policy, which denies nothing")
            }
            _ => None,
        }
    }
}

/// The kinds of drift `check` finds that a call can explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drift {
    Trust,
    RoleSettings,
    RoleTags,
    /// An attachment `check` would remove.
    Attach,
    /// An attachment `check` would put back.
    Detach,
    Inline,
    Boundary,
    RoleGone,
    PolicyGone,
    PolicyDocument,
    PolicyVersions,
    PolicyTags,
}

/// One call of the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CloudTrailCall {
    pub(crate) name: &'static str,
    pub(crate) on: On,
    pub(crate) explains: &'static [Drift],
}

const fn call(name: &'static str, on: On, explains: &'static [Drift]) -> CloudTrailCall {
    CloudTrailCall { name, on, explains }
}

use Drift::*;

/// Every call that can change the role, its invoke policies or a target's resource policy.
pub(crate) const CALLS: &[CloudTrailCall] = &[
    call(
        "CreateRole",
        On::Role,
        &[Trust, RoleSettings, RoleTags, Boundary, RoleGone],
    ),
    call("UpdateAssumeRolePolicy", On::Role, &[Trust]),
    call("UpdateRole", On::Role, &[RoleSettings]),
    call("UpdateRoleDescription", On::Role, &[RoleSettings]),
    call("TagRole", On::Role, &[RoleTags]),
    call("UntagRole", On::Role, &[RoleTags]),
    call("AttachRolePolicy", On::Role, &[Attach]),
    call("DetachRolePolicy", On::Role, &[Detach]),
    call("PutRolePolicy", On::Role, &[Inline]),
    call("DeleteRolePolicy", On::Role, &[Inline]),
    call("PutRolePermissionsBoundary", On::Role, &[Boundary]),
    call("DeleteRolePermissionsBoundary", On::Role, &[Boundary]),
    call("DeleteRole", On::Role, &[RoleGone]),
    call(
        "CreatePolicy",
        On::NewPolicy,
        &[PolicyGone, PolicyDocument, PolicyTags],
    ),
    call("DeletePolicy", On::Policy, &[Detach, PolicyGone]),
    call(
        "CreatePolicyVersion",
        On::Policy,
        &[PolicyDocument, PolicyVersions],
    ),
    call(
        "DeletePolicyVersion",
        On::Policy,
        &[PolicyDocument, PolicyVersions],
    ),
    call("SetDefaultPolicyVersion", On::Policy, &[PolicyDocument]),
    call("TagPolicy", On::Policy, &[PolicyTags]),
    call("UntagPolicy", On::Policy, &[PolicyTags]),
    call("AddPermission20150331v2", On::Function, &[]),
    call("RemovePermission20150331v2", On::Function, &[]),
    call("AddPermission", On::Function, &[]),
    call("RemovePermission", On::Function, &[]),
    call("PutResourcePolicy", On::Function, &[]),
    call("DeleteResourcePolicy", On::Function, &[]),
    call("AttachPolicy", On::OrgPolicy, &[]),
    call("DetachPolicy", On::OrgPolicy, &[]),
    call("UpdatePolicy", On::OrgPolicy, &[]),
    call("DeletePolicy", On::OrgPolicyGone, &[]),
    call("EnablePolicyType", On::OrgTypeEnabled, &[]),
    call("DisablePolicyType", On::OrgTypeDisabled, &[]),
    call("MoveAccount", On::OrgAccount, &[]),
];

/// The calls acting on `on`, in the catalogue's order.
pub(crate) fn calls_on(on: On) -> Vec<&'static str> {
    (CALLS.iter())
        .filter(|c| c.on == on)
        .map(|c| c.name)
        .collect()
}

/// What the call `name` of `source` (CloudTrail's `eventSource`) acts on, when it is in the
/// catalogue.
pub(crate) fn acts_on(source: &str, name: &str) -> Option<On> {
    (CALLS.iter())
        .find(|c| c.name == name && c.on.source() == source)
        .map(|c| c.on)
}

/// Whether the call `name` can explain `drift`.
pub(crate) fn explains(name: &str, drift: Drift) -> bool {
    (CALLS.iter()).any(|c| c.name == name && c.explains.contains(&drift))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_is_listed_once_and_every_iam_call_explains_some_drift() {
        for (i, c) in CALLS.iter().enumerate() {
            assert!(
                (CALLS[i + 1..].iter()).all(|o| (o.name, o.on.source()) != (c.name, c.on.source())),
                "{}",
                c.name
            );
            let iam = c.on.source() == "iam.amazonaws.com";
            assert!(!iam || !c.explains.is_empty(), "{}", c.name);
        }
        assert!(explains("CreateRole", Trust));
        assert!(!explains("TagRole", Trust));
        assert_eq!(
            acts_on("iam.amazonaws.com", "CreatePolicy"),
            Some(On::NewPolicy)
        );
        assert_eq!(acts_on("iam.amazonaws.com", "ListRoles"), None);
    }

    /// Each Organizations call the organization watch hears (AWS Organizations API
    /// Reference): what it acts on, and why it changes no account's path when it changes none.
    #[test]
    fn the_organizations_calls_and_what_each_changes() {
        let org = "organizations.amazonaws.com";
        let table: [(&str, Option<On>, bool); 9] = [
            ("AttachPolicy", Some(On::OrgPolicy), false),
            ("DetachPolicy", Some(On::OrgPolicy), false),
            ("UpdatePolicy", Some(On::OrgPolicy), false),
            ("DeletePolicy", Some(On::OrgPolicyGone), true),
            ("EnablePolicyType", Some(On::OrgTypeEnabled), true),
            ("DisablePolicyType", Some(On::OrgTypeDisabled), false),
            ("MoveAccount", Some(On::OrgAccount), false),
            ("CreatePolicy", None, false),
            ("CreateAccount", None, false),
        ];
        for (name, on, no_path) in table {
            assert_eq!(acts_on(org, name), on, "{name}");
            let said = on.and_then(On::changes_no_path).is_some();
            assert_eq!(said, no_path, "{name}");
        }
        // IAM's DeletePolicy is another call of the same name.
        assert_eq!(
            acts_on("iam.amazonaws.com", "DeletePolicy"),
            Some(On::Policy)
        );
        assert!(explains("DeletePolicy", PolicyGone));
    }
}
