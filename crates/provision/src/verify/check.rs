//! One line of `verify`'s checklist and its identity. The identity, not the line's English
//! name, decides what a failure means (`lambda_trust_provision::drift::verify_findings`): renaming a check never
//! changes a CI severity, and a new check is one variant the compiler then leads through.

use serde::Serialize;

/// Which check a line is (stable; `name` is for people). It, not the name, decides a failure's
/// severity in `check`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(inline))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CheckId {
    /// The role exists.
    RoleExists,
    /// The role and our invoke policies carry `managed-by = lambda-trust`.
    Ownership,
    /// The trust policy parses.
    TrustParses,
    /// A sample request the partner must be allowed (root, a role session).
    TrustPartnerAllowed,
    /// A sample request that must be denied (wrong or no external ID, another account, anyone).
    TrustOthersDenied,
    /// The trust policy's structural invariants (one partner, `StringEquals sts:ExternalId`).
    TrustStructure,
    /// Every attached and inline policy parses.
    InvokeParses,
    /// Every target is invokable.
    InvokeTargetsAllowed,
    /// A function that is not a target is not invokable.
    InvokeNonTargetDenied,
    /// No action but `lambda:InvokeFunction` is allowed.
    InvokeNoOtherAction,
    /// The invoke policies' structural invariants.
    InvokeStructure,
    /// No non-default policy version admits more.
    InvokeLatent,
    /// Every target function exists.
    FunctionsExist,
    /// The live probe assumed the role.
    LiveAssume,
    /// The live probe's dry-run invoke of a target.
    LiveInvoke,
    /// The Genesys Cloud integration exists.
    GenesysIntegrationExists,
    /// The integration is enabled.
    GenesysIntegrationEnabled,
    /// The integration's credential holds the role proved on the AWS side.
    GenesysCredential,
    /// A target's action exists (created by lambda-trust).
    GenesysActionExists,
    /// A target's action calls exactly its function ARN.
    GenesysActionCalls,
    /// No action in the integration calls a function that is not a target.
    GenesysNoStrayAction,
    /// A test run of a target's action succeeded.
    GenesysTestRun,
    /// Every function finishes within its data action's timeout.
    GenesysTimeoutFits,
}

impl CheckId {
    /// What its failure means, in a security engineer's words (a finding's title; its code
    /// stays the stable name).
    pub(crate) fn failed(self) -> &'static str {
        use CheckId::*;
        match self {
            RoleExists => "The role does not exist.",
            Ownership => "The role or an invoke policy no longer carries managed-by = lambda-trust.",
            TrustParses => "The live trust policy does not parse.",
            TrustPartnerAllowed => "The trust policy does not let Genesys Cloud assume the role with your organization ID.",
            TrustOthersDenied => "The trust policy lets someone other than Genesys Cloud with your organization ID assume the role.",
            TrustStructure => "The trust policy is not one statement for Genesys Cloud requiring your organization ID as sts:ExternalId.",
            InvokeParses => "An invoke policy of the role does not parse.",
            InvokeTargetsAllowed => "The role cannot invoke a target function.",
            InvokeNonTargetDenied => "The role can invoke a function that is not a target.",
            InvokeNoOtherAction => "The role is allowed an action other than lambda:InvokeFunction.",
            InvokeStructure => "An invoke policy is not shaped as lambda-trust writes it.",
            InvokeLatent => "A non-default version of an invoke policy admits more than the default version.",
            FunctionsExist => "A target function does not exist or cannot be read.",
            LiveAssume => "The live probe could not assume the role.",
            LiveInvoke => "The live probe's dry-run invoke of a target failed.",
            GenesysIntegrationExists => "The Genesys Cloud integration does not exist.",
            GenesysIntegrationEnabled => "The Genesys Cloud integration is not enabled.",
            GenesysCredential => "The integration's credential does not hold the role proved on the AWS side.",
            GenesysActionExists => "A target's data action does not exist.",
            GenesysActionCalls => "A data action does not call exactly its target's function ARN.",
            GenesysNoStrayAction => "A data action of the integration calls a function that is not a target.",
            GenesysTestRun => "A data action's test run failed.",
            GenesysTimeoutFits => "A function may run longer than its data action waits for it.",
        }
    }

    /// A Genesys Cloud check (reported beside the Genesys side's drift).
    pub(crate) fn is_genesys(self) -> bool {
        use CheckId::*;
        // Exhaustive: a new check does not compile until it is given its side.
        match self {
            GenesysIntegrationExists
            | GenesysIntegrationEnabled
            | GenesysCredential
            | GenesysActionExists
            | GenesysActionCalls
            | GenesysNoStrayAction
            | GenesysTestRun
            | GenesysTimeoutFits => true,
            RoleExists
            | Ownership
            | TrustParses
            | TrustPartnerAllowed
            | TrustOthersDenied
            | TrustStructure
            | InvokeParses
            | InvokeTargetsAllowed
            | InvokeNonTargetDenied
            | InvokeNoOtherAction
            | InvokeStructure
            | InvokeLatent
            | FunctionsExist
            | LiveAssume
            | LiveInvoke => false,
        }
    }
}

/// One line of verify's checklist (Genesys Cloud checks are named `genesys: …`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename = "check", deny_unknown_fields))]
pub struct Check {
    /// Which check this is (stable; `name` is for people). It, not the name, decides a
    /// failure's severity in `check`.
    pub code: CheckId,
    /// What was checked, in words.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub name: String,
    /// Whether the check passed.
    pub passed: bool,
    /// What was found: why it passed or failed.
    pub detail: String,
}

impl Check {
    #[cfg(test)]
    pub(crate) fn new(
        code: CheckId,
        name: impl Into<String>,
        passed: bool,
        detail: impl Into<String>,
    ) -> Check {
        Check {
            code,
            name: name.into(),
            passed,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn the_displayed_name_is_the_serialized_name() {
        for id in CheckId::iter() {
            assert_eq!(serde_json::json!(id), serde_json::json!(id.to_string()));
        }
    }
}
