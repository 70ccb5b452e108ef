//! One line of `verify`'s checklist and its identity. The identity, not the line's English
//! name, decides what a failure means (`core::drift::verify_findings`): renaming a check never
//! changes a CI severity, and a new check is one variant the compiler then leads through.

use serde::Serialize;

/// Which check a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
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
}

impl CheckId {
    /// A Genesys Cloud check (reported beside the Genesys side's drift).
    pub fn is_genesys(self) -> bool {
        use CheckId::*;
        matches!(
            self,
            GenesysIntegrationExists
                | GenesysIntegrationEnabled
                | GenesysCredential
                | GenesysActionExists
                | GenesysActionCalls
                | GenesysNoStrayAction
                | GenesysTestRun
        )
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What the check is (stable; the name is for people).
    pub code: CheckId,
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

impl Check {
    pub fn new(
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
