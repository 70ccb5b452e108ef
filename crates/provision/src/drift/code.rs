//! What a `check` finding is: its stable [`Code`] (the JSON's `code`, the SARIF rule ID), which
//! decides its severity, its kind and the config key it belongs to; and the config keys and
//! statuses of the report, as enums serialized to the strings the JSON has always had.
//!
//! A new finding code is one variant here: the exhaustive matches below (severity, key,
//! description) do not compile until it is given each, and SARIF's rules list it from
//! [`Code::all`].
//!
//! Part of the pure model.

#[cfg(feature = "schemars")]
use std::borrow::Cow;
use strum::IntoEnumIterator;

#[cfg(feature = "schemars")]
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

use crate::verify::{CheckId, PathCode};
use lambda_trust_iam::Property;
use lambda_trust_verdict::{Outcome, Severity};

/// What it means that `p` is not proved on the live policies, in a security engineer's words.
fn unproved(p: Property) -> &'static str {
    match p {
        Property::TrustOnlyPartnerWithExternalId => "It is not proved that only Genesys Cloud with your organization ID can assume the role.",
        Property::TrustPartnerAllowed => "It is not proved that Genesys Cloud with your organization ID can assume the role.",
        Property::InvokeOnlyTargets => "It is not proved that the role can invoke only the target functions.",
        Property::InvokeTargetsAllowed => "It is not proved that the role can invoke every target function.",
    }
}

/// Declares the drift codes once: the enum's variants and [`DRIFT`], the list SARIF's rules
/// are made from, cannot disagree.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident,)*) => {
        /// A `check` finding's code. Drift codes say what differs; `Check` is a failed `verify`
        /// check, `Unproved` a prover property the live documents do not meet.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
            /// A `verify` check failed.
            Check(CheckId),
            /// A prover property is not proved on the live documents.
            Unproved(Property),
            /// A claim of the whole path (organization and function policies) does not hold.
            Path(PathCode),
        }

        /// The codes with no payload, in the order SARIF lists their rules.
        const DRIFT: &[Code] = &[$(Code::$variant,)*];
    };
}

codes! {
    /// The role does not exist.
    RoleMissing,
    /// The role is at another path (no write can move it).
    RolePath,
    /// The trust policy differs without admitting more.
    TrustDiffers,
    /// The trust policy admits more than the partner with the external ID: a request shows it.
    TrustBroader,
    /// The trust policy differs and the prover could not decide whether it admits more (no
    /// request found either way): unknown, never a failure it did not show.
    TrustUndecided,
    /// The trust policy admits another environment's org (`[environments]`).
    TrustOtherEnvironment,
    /// The role's description differs.
    RoleDescription,
    /// The role's maximum session duration differs.
    RoleMaxSession,
    /// The role lost its `managed-by` tag.
    RoleOwnershipLost,
    /// A role this config created under an earlier `role.name` is still in place.
    RolePredecessor,
    /// The invoke policy lost its `managed-by` tag.
    PolicyOwnershipLost,
    /// A role tag differs or is missing.
    RoleTagDiffers,
    /// A role tag the config does not have.
    RoleTagExtra,
    /// The permissions boundary was removed or changed.
    BoundaryChanged,
    /// A permissions boundary the config does not declare.
    BoundaryUndeclared,
    /// A managed policy attached that the config does not have.
    ForeignManagedPolicy,
    /// An inline policy the config does not have.
    ForeignInlinePolicy,
    /// The invoke policy is not attached.
    InvokeDetached,
    /// The invoke policy does not exist.
    InvokeMissing,
    /// The invoke policy differs without admitting more.
    InvokeDiffers,
    /// The invoke policy admits more than the targets (or is unproved).
    InvokeBroader,
    /// The invoke policies allow another environment's function (`[environments]`).
    InvokeOtherEnvironment,
    /// A policy version admits more than the targets.
    LatentVersion,
    /// An IaC role's trust policy holds a value unknown before deployment.
    TrustUnknown,
    /// An IaC role's permissions hold a value unknown before deployment.
    AccessUnknown,
    /// An IaC role's description is unknown before deployment.
    RoleDescriptionUnknown,
    /// An IaC role's maximum session duration is unknown before deployment.
    RoleMaxSessionUnknown,
    /// lambda-trust's Genesys Cloud credential was changed outside it.
    GenesysCredentialChanged,
    /// Another credential is bound to the integration.
    GenesysCredentialSwapped,
    /// The integration's config differs (name, ledger).
    GenesysConfigDiffers,
    /// An owned data action differs from the config.
    GenesysActionDiffers,
    /// A data action calls a function that is not a target.
    GenesysActionNotTarget,
    /// An owned action's contract changed: apply replaces it.
    GenesysActionReplaced,
    /// An owned action's function is no longer a target (but is still granted).
    GenesysActionRetired,
    /// The integration is disabled.
    GenesysDisabled,
    /// A Genesys Cloud object is not created yet.
    GenesysMissing,
    /// An action lambda-trust did not create calls a function that is not a target.
    GenesysForeignAction,
    /// lambda-trust's statement is missing from a cross-account target's function policy.
    PermissionMissing,
    /// lambda-trust's statement in a cross-account target's function policy differs.
    PermissionDiffers,
    /// lambda-trust's statement is missing or differs in a function policy written whole
    /// (`PutResourcePolicy`), which lambda-trust does not write into.
    PermissionHeld,
}

/// What part of the setup a finding is about, for telling a failed check or an unproved
/// property under the change that causes it (`check` groups them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    /// The role's existence.
    Role,
    /// Who may assume the role.
    Trust,
    /// What the role's session may do: its identity policies and boundary.
    Access,
    /// The `managed-by` marker.
    Ownership,
    /// The Genesys Cloud side.
    Genesys,
}

impl Code {
    /// The side whose objects the finding is about (a whole-path claim is AWS's).
    pub fn side(self) -> crate::side::Side {
        use crate::side::Side;
        match (self.area(), self) {
            (Some(Area::Genesys), _) => Side::Genesys,
            (_, Code::Check(id)) if id.is_genesys() => Side::Genesys,
            _ => Side::Aws,
        }
    }

    /// The area a finding is about; `None` for what no change on the role explains (a missing
    /// function, a role at another path, a predecessor, what an IaC input leaves unknown).
    pub(crate) fn area(self) -> Option<Area> {
        use Code::*;
        match self {
            RoleMissing => Some(Area::Role),
            RolePath | RolePredecessor | TrustUnknown | AccessUnknown => None,
            RoleDescription | RoleDescriptionUnknown | RoleMaxSession | RoleMaxSessionUnknown => {
                None
            }
            RoleTagDiffers | RoleTagExtra => None,
            TrustDiffers | TrustBroader | TrustUndecided | TrustOtherEnvironment => {
                Some(Area::Trust)
            }
            RoleOwnershipLost | PolicyOwnershipLost => Some(Area::Ownership),
            BoundaryChanged
            | BoundaryUndeclared
            | ForeignManagedPolicy
            | ForeignInlinePolicy
            | InvokeDetached
            | InvokeMissing
            | InvokeDiffers
            | InvokeBroader
            | InvokeOtherEnvironment
            | LatentVersion
            | PermissionMissing
            | PermissionDiffers
            | PermissionHeld => Some(Area::Access),
            GenesysCredentialChanged
            | GenesysCredentialSwapped
            | GenesysConfigDiffers
            | GenesysActionDiffers
            | GenesysActionNotTarget
            | GenesysActionReplaced
            | GenesysActionRetired
            | GenesysDisabled
            | GenesysMissing
            | GenesysForeignAction => Some(Area::Genesys),
            Check(id) => check_area(id),
            Unproved(p) if p.is_trust() => Some(Area::Trust),
            Unproved(_) => Some(Area::Access),
            // Organization and function policies: no change on the role explains them.
            Path(_) => None,
        }
    }
}

/// The area of a `verify` check.
fn check_area(id: CheckId) -> Option<Area> {
    use CheckId::*;
    match id {
        RoleExists => Some(Area::Role),
        Ownership => Some(Area::Ownership),
        TrustParses | TrustPartnerAllowed | TrustOthersDenied | TrustStructure | LiveAssume => {
            Some(Area::Trust)
        }
        InvokeParses
        | InvokeTargetsAllowed
        | InvokeNonTargetDenied
        | InvokeNoOtherAction
        | InvokeStructure
        | InvokeLatent
        | LiveInvoke => Some(Area::Access),
        FunctionsExist => None,
        GenesysIntegrationExists
        | GenesysIntegrationEnabled
        | GenesysCredential
        | GenesysActionExists
        | GenesysActionCalls
        | GenesysNoStrayAction
        | GenesysTestRun => Some(Area::Genesys),
        // Where the functions are: no change on either side explains it.
        GenesysTimeoutFits => None,
    }
}

/// What a failed check means: its severity and the config key that governs it. Narrower access
/// than intended (the partner shut out, a target not invokable or missing, no role) is an
/// outage, `config`; broader access, lost ownership or anything unproved is `security`.
fn failure(code: CheckId) -> (Severity, ConfigKey) {
    use CheckId::*;
    match code {
        RoleExists => (Severity::Config, ConfigKey::Role),
        Ownership => (Severity::Security, ConfigKey::Role),
        TrustPartnerAllowed => (Severity::Config, ConfigKey::Trust),
        TrustParses | TrustOthersDenied | TrustStructure => (Severity::Security, ConfigKey::Trust),
        InvokeTargetsAllowed | FunctionsExist => (Severity::Config, ConfigKey::Targets),
        InvokeParses
        | InvokeNonTargetDenied
        | InvokeNoOtherAction
        | InvokeStructure
        | InvokeLatent
        | LiveAssume
        | LiveInvoke => (Severity::Security, ConfigKey::Targets),
        GenesysIntegrationExists
        | GenesysIntegrationEnabled
        | GenesysActionExists
        | GenesysTestRun
        | GenesysTimeoutFits => (Severity::Config, ConfigKey::Genesys),
        GenesysCredential | GenesysActionCalls | GenesysNoStrayAction => {
            (Severity::Security, ConfigKey::Genesys)
        }
    }
}

impl Code {
    /// Every code: the drift codes, then each check's and each property's.
    pub fn all() -> impl Iterator<Item = Code> {
        DRIFT
            .iter()
            .copied()
            .chain(CheckId::iter().map(Code::Check))
            .chain(Property::ALL.into_iter().map(Code::Unproved))
            .chain(PathCode::iter().map(Code::Path))
    }

    /// The severity every finding with this code has.
    pub(crate) fn severity(self) -> Severity {
        use Code::*;
        match self {
            TrustBroader
            | TrustUndecided
            | TrustOtherEnvironment
            | RoleOwnershipLost
            | RolePredecessor
            | PolicyOwnershipLost
            | BoundaryChanged
            | ForeignManagedPolicy
            | ForeignInlinePolicy
            | InvokeBroader
            | InvokeOtherEnvironment
            | LatentVersion
            | TrustUnknown
            | AccessUnknown
            | GenesysCredentialChanged
            | GenesysCredentialSwapped
            | GenesysActionNotTarget
            | GenesysForeignAction => Severity::Security,
            RoleMissing
            | RolePath
            | TrustDiffers
            | RoleDescription
            | RoleMaxSession
            | RoleTagDiffers
            | RoleTagExtra
            | BoundaryUndeclared
            | InvokeDetached
            | InvokeMissing
            | InvokeDiffers
            | RoleDescriptionUnknown
            | RoleMaxSessionUnknown
            | GenesysConfigDiffers
            | GenesysActionDiffers
            | GenesysActionReplaced
            | GenesysActionRetired
            | GenesysDisabled
            | GenesysMissing
            | PermissionMissing
            | PermissionDiffers
            | PermissionHeld => Severity::Config,
            Check(id) => failure(id).0,
            // A policy that admits less than intended (the partner or a target shut out) is an
            // outage; one that admits more, or is unproved, is security.
            Unproved(Property::TrustPartnerAllowed | Property::InvokeTargetsAllowed) => {
                Severity::Config
            }
            Unproved(_) => Severity::Security,
            Path(c) => c.severity(),
        }
    }

    /// The config key a finding with this code belongs to (for annotations).
    pub(crate) fn config_key(self) -> ConfigKey {
        use Code::*;
        match self {
            RoleMissing | RolePath | RolePredecessor | BoundaryUndeclared
            | ForeignManagedPolicy | ForeignInlinePolicy => ConfigKey::Role,
            TrustDiffers | TrustBroader | TrustUndecided | TrustOtherEnvironment | TrustUnknown => {
                ConfigKey::Trust
            }
            RoleDescription | RoleDescriptionUnknown => ConfigKey::RoleDescription,
            RoleMaxSession | RoleMaxSessionUnknown => ConfigKey::RoleMaxSessionDuration,
            RoleOwnershipLost | RoleTagDiffers | RoleTagExtra => ConfigKey::RoleTags,
            PolicyOwnershipLost => ConfigKey::Policy,
            BoundaryChanged => ConfigKey::RolePermissionsBoundary,
            InvokeDetached
            | InvokeMissing
            | InvokeDiffers
            | InvokeBroader
            | InvokeOtherEnvironment
            | LatentVersion
            | AccessUnknown
            | PermissionMissing
            | PermissionDiffers
            | PermissionHeld => ConfigKey::Targets,
            GenesysCredentialChanged
            | GenesysCredentialSwapped
            | GenesysConfigDiffers
            | GenesysActionDiffers
            | GenesysActionNotTarget
            | GenesysActionReplaced
            | GenesysActionRetired
            | GenesysDisabled
            | GenesysMissing
            | GenesysForeignAction => ConfigKey::Genesys,
            Check(id) => failure(id).1,
            Unproved(p) if p.is_trust() => ConfigKey::Trust,
            Unproved(_) => ConfigKey::Targets,
            Path(_) => ConfigKey::Targets,
        }
    }

    /// Whether a finding of this code states a failure or an unknown (an unproved property is
    /// a failure here; its finding says unknown when the prover could not decide:
    /// `verify_findings`).
    pub(crate) fn outcome(self) -> Outcome {
        use Code::*;
        match self {
            TrustUnknown
            | TrustUndecided
            | AccessUnknown
            | RoleDescriptionUnknown
            | RoleMaxSessionUnknown => Outcome::Unknown,
            Path(PathCode::PathNotRead | PathCode::PathUnknown) => Outcome::Unknown,
            // Exhaustive: a new code does not compile until it says which it is.
            Path(_) | Check(_) | Unproved(_) => Outcome::Failed,
            RoleMissing
            | RolePath
            | TrustDiffers
            | TrustBroader
            | TrustOtherEnvironment
            | RoleDescription
            | RoleMaxSession
            | RoleOwnershipLost
            | RolePredecessor
            | PolicyOwnershipLost
            | RoleTagDiffers
            | RoleTagExtra
            | BoundaryChanged
            | BoundaryUndeclared
            | ForeignManagedPolicy
            | ForeignInlinePolicy
            | InvokeDetached
            | InvokeMissing
            | InvokeDiffers
            | InvokeBroader
            | InvokeOtherEnvironment
            | LatentVersion
            | GenesysCredentialChanged
            | GenesysCredentialSwapped
            | GenesysConfigDiffers
            | GenesysActionDiffers
            | GenesysActionNotTarget
            | GenesysActionReplaced
            | GenesysActionRetired
            | GenesysDisabled
            | GenesysMissing
            | GenesysForeignAction
            | PermissionMissing
            | PermissionDiffers
            | PermissionHeld => Outcome::Failed,
        }
    }

    /// `verify` for failed checks, unproved properties and what an IaC input leaves unknown
    /// (nothing is proved about it); `drift` for what a write would change.
    pub(crate) fn kind(self) -> Kind {
        use Code::*;
        match self {
            Check(_) | Unproved(_) | Path(_) | TrustUnknown | AccessUnknown => Kind::Verify,
            RoleMissing
            | RolePath
            | TrustDiffers
            | TrustBroader
            | TrustUndecided
            | TrustOtherEnvironment
            | RoleDescription
            | RoleMaxSession
            | RoleOwnershipLost
            | RolePredecessor
            | PolicyOwnershipLost
            | RoleTagDiffers
            | RoleTagExtra
            | BoundaryChanged
            | BoundaryUndeclared
            | ForeignManagedPolicy
            | ForeignInlinePolicy
            | InvokeDetached
            | InvokeMissing
            | InvokeDiffers
            | InvokeBroader
            | InvokeOtherEnvironment
            | LatentVersion
            | RoleDescriptionUnknown
            | RoleMaxSessionUnknown
            | GenesysCredentialChanged
            | GenesysCredentialSwapped
            | GenesysConfigDiffers
            | GenesysActionDiffers
            | GenesysActionNotTarget
            | GenesysActionReplaced
            | GenesysActionRetired
            | GenesysDisabled
            | GenesysMissing
            | GenesysForeignAction
            | PermissionMissing
            | PermissionDiffers
            | PermissionHeld => Kind::Drift,
        }
    }

    /// The code's text, kebab-case: `trust-broader`, `verify-trust-others-denied`,
    /// `unproved-invoke-only-targets`.
    pub(crate) fn name(self) -> String {
        use Code::*;
        let name = match self {
            Check(id) => return format!("verify-{}", id),
            Unproved(p) => return format!("unproved-{}", p),
            Path(c) => return c.to_string(),
            RoleMissing => "role-missing",
            RolePath => "role-path",
            TrustDiffers => "trust-differs",
            TrustBroader => "trust-broader",
            TrustUndecided => "trust-undecided",
            TrustOtherEnvironment => "trust-other-environment",
            RoleDescription => "role-description",
            RoleMaxSession => "role-max-session",
            RoleOwnershipLost => "role-ownership-lost",
            RolePredecessor => "role-predecessor",
            PolicyOwnershipLost => "policy-ownership-lost",
            RoleTagDiffers => "role-tag-differs",
            RoleTagExtra => "role-tag-extra",
            BoundaryChanged => "boundary-changed",
            BoundaryUndeclared => "boundary-undeclared",
            ForeignManagedPolicy => "foreign-managed-policy",
            ForeignInlinePolicy => "foreign-inline-policy",
            InvokeDetached => "invoke-detached",
            InvokeMissing => "invoke-missing",
            InvokeDiffers => "invoke-differs",
            InvokeBroader => "invoke-broader",
            InvokeOtherEnvironment => "invoke-other-environment",
            LatentVersion => "latent-version",
            TrustUnknown => "trust-unknown",
            AccessUnknown => "access-unknown",
            RoleDescriptionUnknown => "role-description-unknown",
            RoleMaxSessionUnknown => "role-max-session-unknown",
            GenesysCredentialChanged => "genesys-credential-changed",
            GenesysCredentialSwapped => "genesys-credential-swapped",
            GenesysConfigDiffers => "genesys-config-differs",
            GenesysActionDiffers => "genesys-action-differs",
            GenesysActionNotTarget => "genesys-action-not-target",
            GenesysActionReplaced => "genesys-action-replaced",
            GenesysActionRetired => "genesys-action-retired",
            GenesysDisabled => "genesys-disabled",
            GenesysMissing => "genesys-missing",
            GenesysForeignAction => "genesys-foreign-action",
            PermissionMissing => "function-permission-missing",
            PermissionDiffers => "function-permission-differs",
            PermissionHeld => "function-policy-written-whole",
        };
        name.to_owned()
    }

    /// One sentence for SARIF rule descriptions.
    pub fn description(self) -> String {
        use Code::*;
        let text = match self {
            RoleMissing => "The role does not exist.",
            RolePath => "The role exists at another path than the config's; no write can move it.",
            TrustDiffers => "The live trust policy differs from the config without admitting more.",
            TrustBroader => "The live trust policy admits more than the partner with the external ID: a request shows it.",
            TrustUndecided => "The live trust policy differs from the config, and whether it admits more than the partner with the external ID was not decided.",
            TrustOtherEnvironment => "The live trust policy admits another environment's Genesys Cloud org (its partner account with its external ID): the environments are not isolated.",
            RoleDescription => "The role's description differs from the config.",
            RoleMaxSession => "The role's maximum session duration differs from the config.",
            RoleOwnershipLost => "The role no longer carries managed-by = lambda-trust: it was changed outside lambda-trust.",
            RolePredecessor => "A role lambda-trust created from this config under an earlier role.name still exists: it still trusts the partner and can invoke what it could.",
            PolicyOwnershipLost => "The invoke policy no longer carries managed-by = lambda-trust: it was changed outside lambda-trust.",
            RoleTagDiffers => "A role tag differs from the config.",
            RoleTagExtra => "The role carries a tag the config does not have.",
            BoundaryChanged => "The permissions boundary was removed or changed.",
            BoundaryUndeclared => "The role has a permissions boundary the config does not declare.",
            ForeignManagedPolicy => "A managed policy the config does not have is attached to the role.",
            ForeignInlinePolicy => "The role has an inline policy the config does not have.",
            InvokeDetached => "The invoke policy is not attached to the role.",
            InvokeMissing => "The invoke policy does not exist.",
            InvokeDiffers => "The live invoke policy differs from the config without admitting more.",
            InvokeBroader => "The live invoke policy admits more than the targets, or cannot be proved not to.",
            InvokeOtherEnvironment => "The live invoke policies allow a function of another environment: the environments are not isolated.",
            LatentVersion => "A policy version admits more than the targets: anyone with iam:SetDefaultPolicyVersion can switch it on.",
            TrustUnknown => "The trust policy depends on values unknown before deployment: nothing is proved about it.",
            AccessUnknown => "The role's permissions depend on values unknown before deployment: nothing is proved about them.",
            RoleDescriptionUnknown => "The role's description is unknown before deployment.",
            RoleMaxSessionUnknown => "The role's maximum session duration is unknown before deployment.",
            GenesysCredentialChanged => "lambda-trust's Genesys Cloud credential was changed outside lambda-trust.",
            GenesysCredentialSwapped => "Another credential than lambda-trust's is bound to the integration.",
            GenesysConfigDiffers => "The integration's config differs from the config (name, ownership ledger).",
            GenesysActionDiffers => "A data action lambda-trust owns differs from the config.",
            GenesysActionNotTarget => "A data action calls a function that is not a target.",
            GenesysActionReplaced => "A data action's contract differs from the config: apply replaces the action.",
            GenesysActionRetired => "A data action calls a function that is no longer a target.",
            GenesysDisabled => "The integration is disabled: data actions do not run.",
            GenesysMissing => "A Genesys Cloud object the config declares is not created yet.",
            GenesysForeignAction => "A data action lambda-trust did not create, in its integration, calls a function that is not a target.",
            PermissionMissing => "lambda-trust's statement letting the role invoke a target in another account is missing from that function's policy.",
            PermissionDiffers => "lambda-trust's statement in a cross-account target's function policy differs from the one it wrote (another principal, action, resource or a condition): apply removes and adds it again.",
            PermissionHeld => "A cross-account target's function policy is written whole (PutResourcePolicy, AWS::Lambda::ResourcePolicy, aws_lambda_resource_policy) and lacks lambda-trust's statement, or holds a different one: apply does not write into such a policy, whose next write would undo it; the statement is added where the policy is written.",
            Check(id) => id.failed(),
            Unproved(p) => unproved(p),
            Path(c) => c.description(),
        };
        text.to_owned()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Every code's name, from [`Code::all`].
#[cfg(feature = "schemars")]
impl JsonSchema for Code {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "CheckFindingCode".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Code").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"enum": Code::all().map(Code::name).collect::<Vec<_>>()})
    }
}

/// The values some code decides, in first-seen order: a finding's `severity`, `config_key`.
#[cfg(feature = "schemars")]
fn decided_by_code(of: impl Fn(Code) -> &'static str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for value in Code::all().map(of) {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// A finding's severity: the ones its codes decide (`info` is the audit's alone).
#[cfg(feature = "schemars")]
pub(super) fn severity_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": decided_by_code(|c| c.severity().into())})
}

/// A finding's config key: the ones its codes decide.
#[cfg(feature = "schemars")]
pub(super) fn config_key_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": decided_by_code(|c| c.config_key().into())})
}

/// `drift` for a write the plan would make, `verify` for what verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(inline))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A write the plan would make: AWS or Genesys Cloud differs from the config.
    Drift,
    /// What verification found: a failed check or an unproved property.
    Verify,
}

/// The config key a finding belongs to, serialized and displayed as its dotted name; a key not in the file
/// falls back to its table's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum ConfigKey {
    /// The `[trust]` table.
    Trust,
    /// `trust.external_id`.
    #[strum(serialize = "trust.external_id")]
    TrustExternalId,
    /// `trust.principal`.
    #[strum(serialize = "trust.principal")]
    TrustPrincipal,
    /// The `[role]` table.
    Role,
    /// `role.tags`.
    #[strum(serialize = "role.tags")]
    RoleTags,
    /// `role.description`.
    #[strum(serialize = "role.description")]
    RoleDescription,
    /// `role.max_session_duration`.
    #[strum(serialize = "role.max_session_duration")]
    RoleMaxSessionDuration,
    /// `role.permissions_boundary`.
    #[strum(serialize = "role.permissions_boundary")]
    RolePermissionsBoundary,
    /// The `[policy]` table.
    Policy,
    /// `[[targets]]`.
    Targets,
    /// The `[aws]` table.
    Aws,
    /// The `[genesys]` table.
    Genesys,
}

impl ConfigKey {
    /// The table the key sits in.
    pub(crate) fn table(self) -> ConfigKey {
        use ConfigKey::*;
        match self {
            TrustExternalId | TrustPrincipal => Trust,
            RoleTags | RoleDescription | RoleMaxSessionDuration | RolePermissionsBoundary => Role,
            other => other,
        }
    }
}

impl Serialize for ConfigKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str((*self).into())
    }
}

/// One config's verdict: `ok`, `drift` or `error`, in JSON and where it is said in words (the
/// watch's SNS subject).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ConfigStatus {
    /// In sync and verified.
    Ok,
    /// At least one finding.
    Drift,
    /// Could not be checked.
    Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check schema lists every code and no other (`docs/schemas/common.schema.json`).
    #[test]
    fn the_schema_lists_every_code() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../../docs/schemas/common.schema.json"))
                .unwrap_or_default();
        let listed: std::collections::BTreeSet<String> = schema["$defs"]["finding"]["properties"]
            ["code"]["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let codes: std::collections::BTreeSet<String> = Code::all().map(Code::name).collect();
        assert_eq!(listed, codes);
    }

    #[test]
    fn every_code_has_a_distinct_name_and_serializes_to_it() {
        let names: std::collections::BTreeSet<String> = Code::all().map(Code::name).collect();
        assert_eq!(names.len(), Code::all().count());
        for code in Code::all() {
            assert_eq!(serde_json::json!(code), serde_json::json!(code.name()));
            assert_eq!(code.config_key().table().table(), code.config_key().table());
        }
    }
}
