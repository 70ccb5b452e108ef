//! The lint's finding codes: one enum, serialized kebab-case (`trust-wildcard-principal`),
//! and which of them weaken the invariant (what `--allow-weaker-policies` may accept).
//!
//! Part of the pure model.

#[cfg(feature = "schemars")]
use std::borrow::Cow;

#[cfg(feature = "schemars")]
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

/// A lint finding's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LintCode {
    /// A target's function is in another account than the role: its function policy must allow the
    /// role too.
    CrossAccountTarget,
    /// The invoke policy allows an action other than `lambda:InvokeFunction`.
    InvokeExtraAction,
    /// The invoke policy grants a resource that is no target.
    InvokeExtraResource,
    /// An Allow statement of the invoke policy has neither Action nor NotAction.
    InvokeMissingAction,
    /// No Allow statement of the invoke policy grants `lambda:InvokeFunction` on a target.
    InvokeMissingGrant,
    /// An Allow statement of the invoke policy has no Resource (AWS refuses it).
    InvokeMissingResource,
    /// The invoke policy allows with NotAction: every other action of every service.
    InvokeNotAction,
    /// The invoke policy allows with NotResource: every other resource.
    InvokeNotResource,
    /// The invoke policy is close to the managed policy size limit.
    InvokePolicyNearLimit,
    /// The granted ARNs do not fit in one managed policy: they are split across shards.
    InvokePolicySharded,
    /// The invoke policy is over the managed policy size limit.
    InvokePolicyTooLarge,
    /// The invoke policy names a Principal, which an identity policy cannot (AWS refuses it).
    InvokeProhibitedField,
    /// The invoke policy's Action has a wildcard that allows more than `lambda:InvokeFunction`.
    InvokeWildcardAction,
    /// The invoke policy's Resource has a wildcard that covers more than named functions.
    InvokeWildcardResource,
    /// A document is not a valid IAM policy.
    PolicyInvalid,
    /// A statement's Effect is missing, or neither Allow nor Deny.
    PolicyInvalidEffect,
    /// A policy element has the wrong JSON shape (an Action that is not a string or a list of
    /// strings).
    PolicyMalformed,
    /// A document's Version is missing or not `2012-10-17`.
    PolicyVersion,
    /// A target is in another partition than Genesys Cloud's account (`aws`): no role there can
    /// trust it.
    TargetPartition,
    /// The external ID condition's operator ends in `IfExists`: true when the caller sends none.
    TrustExternalIdIfexists,
    /// The external ID condition's operator is not `StringEquals`, so it does not require exactly
    /// the external ID.
    TrustExternalIdOperator,
    /// The external ID condition uses a set operator (`ForAllValues`, `ForAnyValue`) on the
    /// single-valued `sts:ExternalId`.
    TrustExternalIdSetOperator,
    /// The external ID condition is `StringLike`: wildcards let other organizations' IDs match.
    TrustExternalIdStringlike,
    /// The trust policy allows an action other than `sts:AssumeRole`.
    TrustExtraAction,
    /// The external ID condition accepts other IDs besides the configured one.
    TrustExtraExternalId,
    /// The trust policy trusts a principal other than the partner.
    TrustExtraPrincipal,
    /// An Allow statement of the trust policy has neither Action nor NotAction.
    TrustMissingAction,
    /// The trust policy does not require the external ID with `StringEquals` on `sts:ExternalId`.
    TrustMissingExternalId,
    /// An Allow statement of the trust policy has no Principal (AWS refuses it).
    TrustMissingPrincipal,
    /// No Allow statement lets the partner call `sts:AssumeRole`: Genesys Cloud cannot assume the
    /// role.
    TrustNoPartnerGrant,
    /// The trust policy allows with NotAction: every other action, web identity and SAML included.
    TrustNotAction,
    /// The trust policy allows with NotPrincipal: every principal but the listed ones.
    TrustNotPrincipal,
    /// The trust policy is over the default trust policy size quota.
    TrustPolicyTooLarge,
    /// The trust policy names a Resource or NotResource, which a trust policy cannot (AWS refuses
    /// it).
    TrustProhibitedField,
    /// The trust policy's Action has a wildcard that allows more than `sts:AssumeRole`.
    TrustWildcardAction,
    /// The trust policy's Principal is a wildcard: any AWS account can assume the role.
    TrustWildcardPrincipal,
    /// The external ID condition does not accept the configured external ID.
    TrustWrongExternalId,
    /// Two environments of one config are not isolated (`prove` gives the request).
    EnvironmentNotIsolated,
    /// A config warning, by the code `config::validate` gives it.
    Config(&'static str),
}

impl LintCode {
    /// The stable kebab-case id.
    pub(crate) fn as_str(self) -> &'static str {
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
    pub(crate) fn is_weakening(self) -> bool {
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
