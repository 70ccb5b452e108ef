//! The one catalogue of the CloudTrail calls that can change what `check` judges: each call
//! (CloudTrail names the event after it), the request parameter that names what it acts on,
//! and the kinds of drift it can explain. Attribution ([`crate::trail`]) looks up the calls that
//! explain a finding, the watch's classification ([`crate::watch::classify`]) and its EventBridge
//! patterns (`watch_deploy::rules`) hear every call on the role, its policies and its targets —
//! all from this table, so a call cannot be heard by one and missed by another.
//!
//! Sources: the IAM API Reference (each call's request parameters), the Lambda API Reference
//! (`AddPermission`, `RemovePermission`, `PutResourcePolicy`, `DeleteResourcePolicy`) and
//! "Logging AWS Lambda API calls using AWS CloudTrail" (AddPermission and RemovePermission are
//! recorded under their API versions' names).

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
];

/// The calls acting on `on`, in the catalogue's order.
pub(crate) fn calls_on(on: On) -> Vec<&'static str> {
    (CALLS.iter())
        .filter(|c| c.on == on)
        .map(|c| c.name)
        .collect()
}

/// What `name` acts on, when it is in the catalogue.
pub(crate) fn acts_on(name: &str) -> Option<On> {
    CALLS.iter().find(|c| c.name == name).map(|c| c.on)
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
                CALLS[i + 1..].iter().all(|o| o.name != c.name),
                "{}",
                c.name
            );
            assert!(c.on == On::Function || !c.explains.is_empty(), "{}", c.name);
        }
        assert!(explains("CreateRole", Trust));
        assert!(!explains("TagRole", Trust));
        assert_eq!(acts_on("CreatePolicy"), Some(On::NewPolicy));
        assert_eq!(acts_on("ListRoles"), None);
    }
}
