//! The lint's finding codes: one enum, serialized kebab-case (`trust-wildcard-principal`),
//! and which of them weaken the invariant (what `--allow-weaker-policies` may accept).
//!
//! Part of the pure `core` layer.

#[cfg(feature = "schemars")]
use std::borrow::Cow;

#[cfg(feature = "schemars")]
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

/// A lint finding's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LintCode {
    CrossAccountTarget,
    InvokeExtraAction,
    InvokeExtraResource,
    InvokeMissingAction,
    InvokeMissingGrant,
    InvokeMissingResource,
    InvokeNotAction,
    InvokeNotResource,
    InvokePolicyNearLimit,
    InvokePolicySharded,
    InvokePolicyTooLarge,
    InvokeProhibitedField,
    InvokeWildcardAction,
    InvokeWildcardResource,
    PolicyInvalid,
    PolicyInvalidEffect,
    PolicyMalformed,
    PolicyVersion,
    TargetPartition,
    TrustExternalIdIfexists,
    TrustExternalIdOperator,
    TrustExternalIdSetOperator,
    TrustExternalIdStringlike,
    TrustExtraAction,
    TrustExtraExternalId,
    TrustExtraPrincipal,
    TrustMissingAction,
    TrustMissingExternalId,
    TrustMissingPrincipal,
    TrustNoPartnerGrant,
    TrustNotAction,
    TrustNotPrincipal,
    TrustPolicyTooLarge,
    TrustProhibitedField,
    TrustWildcardAction,
    TrustWildcardPrincipal,
    TrustWrongExternalId,
    /// Two environments of one config are not isolated (`prove` gives the request).
    EnvironmentNotIsolated,
    /// A config warning, by the code `config::validate` gives it.
    Config(&'static str),
}

impl LintCode {
    /// The stable kebab-case id.
    pub fn as_str(self) -> &'static str {
        use LintCode::*;
        match self {
            CrossAccountTarget => "cross-account-target",
            InvokeExtraAction => "invoke-extra-action",
            InvokeExtraResource => "invoke-extra-resource",
            InvokeMissingAction => "invoke-missing-action",
            InvokeMissingGrant => "invoke-missing-grant",
            InvokeMissingResource => "invoke-missing-resource",
            InvokeNotAction => "invoke-not-action",
            InvokeNotResource => "invoke-not-resource",
            InvokePolicyNearLimit => "invoke-policy-near-limit",
            InvokePolicySharded => "invoke-policy-sharded",
            InvokePolicyTooLarge => "invoke-policy-too-large",
            InvokeProhibitedField => "invoke-prohibited-field",
            InvokeWildcardAction => "invoke-wildcard-action",
            InvokeWildcardResource => "invoke-wildcard-resource",
            PolicyInvalid => "policy-invalid",
            PolicyInvalidEffect => "policy-invalid-effect",
            PolicyMalformed => "policy-malformed",
            PolicyVersion => "policy-version",
            TargetPartition => "target-partition",
            TrustExternalIdIfexists => "trust-external-id-ifexists",
            TrustExternalIdOperator => "trust-external-id-operator",
            TrustExternalIdSetOperator => "trust-external-id-set-operator",
            TrustExternalIdStringlike => "trust-external-id-stringlike",
            TrustExtraAction => "trust-extra-action",
            TrustExtraExternalId => "trust-extra-external-id",
            TrustExtraPrincipal => "trust-extra-principal",
            TrustMissingAction => "trust-missing-action",
            TrustMissingExternalId => "trust-missing-external-id",
            TrustMissingPrincipal => "trust-missing-principal",
            TrustNoPartnerGrant => "trust-no-partner-grant",
            TrustNotAction => "trust-not-action",
            TrustNotPrincipal => "trust-not-principal",
            TrustPolicyTooLarge => "trust-policy-too-large",
            TrustProhibitedField => "trust-prohibited-field",
            TrustWildcardAction => "trust-wildcard-action",
            TrustWildcardPrincipal => "trust-wildcard-principal",
            TrustWrongExternalId => "trust-wrong-external-id",
            EnvironmentNotIsolated => "environment-not-isolated",
            Config(code) => code,
        }
    }

    /// The finding means the document grants more than the invariant allows. A custom template
    /// may do that on purpose (`--allow-weaker-policies`); the other findings mean the document
    /// is broken or will be refused by AWS, which no flag can change.
    pub fn is_weakening(self) -> bool {
        use LintCode::*;
        // Exhaustive: a new code does not compile until it is judged here.
        match self {
            TrustWildcardPrincipal
            | TrustExtraPrincipal
            | TrustNotPrincipal
            | TrustNotAction
            | TrustWildcardAction
            | TrustExtraAction
            | TrustMissingExternalId
            | TrustWrongExternalId
            | TrustExtraExternalId
            | TrustExternalIdStringlike
            | TrustExternalIdIfexists
            | TrustExternalIdSetOperator
            | TrustExternalIdOperator
            | InvokeNotAction
            | InvokeWildcardAction
            | InvokeExtraAction
            | InvokeNotResource
            | InvokeWildcardResource
            | InvokeExtraResource => true,
            CrossAccountTarget
            | InvokeMissingAction
            | InvokeMissingGrant
            | InvokeMissingResource
            | InvokePolicyNearLimit
            | InvokePolicySharded
            | InvokePolicyTooLarge
            | InvokeProhibitedField
            | PolicyInvalid
            | PolicyInvalidEffect
            | PolicyMalformed
            | PolicyVersion
            | TargetPartition
            | TrustMissingAction
            | TrustMissingPrincipal
            | TrustNoPartnerGrant
            | TrustPolicyTooLarge
            | TrustProhibitedField
            | EnvironmentNotIsolated
            | Config(_) => false,
        }
    }
}

impl std::fmt::Display for LintCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for LintCode {
    fn schema_name() -> Cow<'static, str> {
        "LintCode".into()
    }

    fn inline_schema() -> bool {
        true
    }

    /// A pattern, not an enum: config warnings bring their own codes.
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            "description": "A stable kebab-case id, e.g. trust-wildcard-principal."
        })
    }
}

impl Serialize for LintCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
