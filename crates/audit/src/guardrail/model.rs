//! The guardrail's vocabulary: what it is written from (`GuardrailSpec`), what it reads (the
//! roles), and what `plan` and `check` decide — the plan, its policy, targets, changes, claims
//! and the roles under it.
//!
//! Part of `guardrail`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use lambda_trust_iam::{Request, Verdict};
use lambda_trust_verdict::{Judged, Status};

/// What the guardrail is written from: what was asked, each family not given as apply
/// recorded it (`chosen`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GuardrailSpec {
    /// Your Genesys Cloud organizations' IDs (lowercase UUIDs).
    pub(crate) org_ids: Vec<String>,
    /// The accounts the guardrail holds to your IDs (Genesys Cloud's by default).
    pub(crate) partners: Vec<String>,
    /// Role ARNs deliberately left outside (`NotResource`).
    pub(crate) exempt: Vec<String>,
    /// The root, OUs and member accounts it is attached to; empty: the root.
    pub(crate) targets: Vec<String>,
}

/// The roles read in the covered accounts, each with its trust policy.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardrailRoles {
    /// Not read: why (no `--assume-role` nor `--config-aggregator`, or the read failed).
    NotRead(String),
    /// Per account: its roles that a partner account may assume (ARN, trust policy, identity
    /// policies), or why it was not read.
    #[allow(
        clippy::type_complexity,
        reason = "plain data read once and walked once: a name per layer would say less"
    )]
    Read(Vec<(String, Result<Vec<(String, Value, Vec<Value>)>, String>)>),
}

/// What `guardrail plan` and `check` decide.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GuardrailPlan {
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "lambda_trust_model::schema_version")
    )]
    pub(crate) schema_version: u32,
    /// `plan` (what apply would make) or `check` (what is attached, compared).
    pub mode: GuardrailMode,
    /// The policy: its name, ID when it exists, document and size.
    pub policy: GuardrailPolicy,
    /// What it is written with — your org IDs, the partner accounts, the exemptions, the
    /// targets — and where each came from (a flag, a config, apply's record, the default).
    pub choices: GuardrailChoices,
    /// Each target, with the member accounts under it.
    pub targets: Vec<Covered>,
    /// What apply writes, in order; empty: in sync.
    pub changes: Vec<GuardrailChange>,
    /// Why apply would write nothing at all (a quota, the management account as a target).
    pub refused: Vec<String>,
    /// For each target at its quota of RCPs: each customer policy there with the guardrail's
    /// statement merged in, for that policy's owner to apply, proved as merged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<GuardrailMerge>,
    /// The claims, each proved, failed with a request, or unknown.
    pub claims: Vec<GuardrailClaim>,
    /// Roles Genesys Cloud's account can assume today without one of your IDs, in accounts
    /// the guardrail covers: it stops them.
    pub stops: Vec<RoleUnder>,
    /// Such roles it does not cover: exempted (`--exempt-role`), in the management account,
    /// or outside the targets.
    pub uncovered: Vec<RoleUnder>,
    /// What was not read in the accounts it covers (roles, accounts), one line per cause: the
    /// claims that need it are unknown, and apply refuses.
    pub not_read: Vec<String>,
    /// The accounts it does not cover whose roles were not read (the management account, an
    /// account outside the targets), one line per cause: said, never blocking apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read_uncovered: Vec<String>,
    /// What apply records in the policy's tags: the choices, the targets, the accounts under
    /// them and the roles it stops (docs/guardrail.md, "What apply records").
    #[serde(skip)]
    pub record: BTreeMap<String, String>,
    /// The record as `export` writes it: no family it could not fill, and its mark.
    #[serde(skip)]
    pub record_as_code: BTreeMap<String, String>,
}

/// Which question the result answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum GuardrailMode {
    /// What apply would make.
    Plan,
    /// What is attached, against what is generated.
    Check,
}

/// The guardrail policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GuardrailPolicy {
    /// Its name in AWS Organizations.
    pub name: String,
    /// Its ID, when it exists.
    pub id: Option<String>,
    /// The document generated from the choices (minified when written).
    pub document: Value,
    /// Whether the stored policy was exported (`lambda-trust:exported`): the tool it was
    /// exported to applies it, and lambda-trust's apply never writes over it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exported: bool,
    /// The document stored, when the policy exists (`check` shows it against `document`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<Value>,
    /// Its size in characters, minified.
    pub size: usize,
    /// The most an RCP may hold.
    pub limit: usize,
}

/// A target and the member accounts under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Covered {
    /// The root, OU or account ID.
    pub target: String,
    /// Its name (the root's is `Root`).
    pub name: String,
    /// The member accounts under it (the management account never is).
    pub accounts: Vec<String>,
}

/// One write of apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum GuardrailChange {
    /// `EnablePolicyType` RESOURCE_CONTROL_POLICY on the root.
    EnableRcps {
        /// The root.
        root: String,
    },
    /// `CreatePolicy`, tagged as lambda-trust's, with the record.
    Create {
        /// Its name.
        name: String,
        /// The record written in its tags: the targets, the accounts and the roles it stops.
        record: BTreeMap<String, String>,
    },
    /// `UpdatePolicy` in place: the stored document differs.
    Update {
        /// The policy's ID.
        id: String,
        /// What differs.
        why: String,
    },
    /// `AttachPolicy` to a target.
    Attach {
        /// The root, OU or account.
        target: String,
    },
    /// `DetachPolicy` from a target no longer asked for.
    Detach {
        /// The root, OU or account.
        target: String,
    },
    /// `check`: a flag (or the config) names other values than apply attached; the proofs are
    /// of what apply attached, and apply with the flags would write them.
    Differs {
        /// Which flag, given what, and what apply attached.
        why: String,
    },
    /// `TagResource`: what apply recorded differs from what it records now — the targets, an
    /// account moved under or out from under them, a role it stops that it did not.
    Record {
        /// Each difference, named.
        why: Vec<String>,
        /// The record written in its tags.
        record: BTreeMap<String, String>,
        /// The guardrail was exported (`lambda-trust:exported`): re-export it, and apply it
        /// with the tool it was exported to; lambda-trust's apply refuses to write over it.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        exported: bool,
    },
}

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum GuardrailProperty {
    /// Every role Genesys Cloud reaches today with one of your IDs still admits it.
    Availability,
    /// No request from a partner account with another external ID, or none, gets into a
    /// covered role.
    Exclusivity,
    /// A request from any other principal gets the same decision with or without it.
    NoCollateral,
    /// The document is an RCP AWS Organizations stores, within its size.
    Syntax,
    /// Every covered account is under the policy as attached.
    Coverage,
}

/// One claim and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GuardrailClaim {
    /// What it is about.
    pub property: GuardrailProperty,
    /// Proved, counterexample, or unknown.
    pub verdict: Verdict,
    /// What was decided, or why it could not be.
    pub detail: String,
    /// A request that breaks it, replayable.
    pub counterexample: Option<Request>,
    /// Every role it hits (a failed claim over the roles read): each one shut, or each one
    /// still let in.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// A policy at a target at its quota, with the guardrail's statement merged in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GuardrailMerge {
    /// The target at its quota.
    pub target: String,
    /// The policy's ID.
    pub policy: String,
    /// Its name.
    pub name: String,
    /// It with the guardrail's statement added, for its owner to apply (`UpdatePolicy`).
    pub document: Value,
    /// Its size in characters, minified.
    pub size: usize,
    /// Syntax and exclusivity, proved on it as merged.
    pub claims: Vec<GuardrailClaim>,
}

/// A role a partner account can assume without one of your IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct RoleUnder {
    /// The role's ARN.
    pub arn: String,
    /// What it admits today: `any external ID or none`, or the values outside yours.
    pub admits: String,
    /// Why it is listed: stopped, exempted, the management account, outside the targets.
    pub why: String,
    /// What its identity policies allow of Genesys Cloud's integrations:
    /// `lambda:InvokeFunction` (a data action's role), `Lex`, `Lex V2`, `Polly`,
    /// `s3:PutObject` (an integration's, to exempt or give your org ID).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub can: Vec<String>,
}

impl Judged for GuardrailPlan {
    /// Denied (3) when a claim failed (on what is attached, for `check`); invalid (1) when
    /// apply would refuse the plan (a quota, a target without member account, a namesake);
    /// changes (2) when apply would write or `check` could not decide a claim; else ok.
    fn status(&self) -> Status {
        let failed = self
            .claims
            .iter()
            .any(|c| c.verdict == Verdict::Counterexample);
        // A check that could not decide a claim is never reported in sync.
        let undecided = self.mode == GuardrailMode::Check
            && self.claims.iter().any(|c| c.verdict == Verdict::Unknown);
        if failed {
            Status::Denied
        } else if !self.refused.is_empty() {
            Status::Invalid
        } else if !self.changes.is_empty() || undecided {
            Status::Changes
        } else {
            Status::Ok
        }
    }
}

/// What one run was given: an empty family was not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardrailAsked {
    /// Your org IDs, each with where it came from (a flag or a config's environment).
    pub org_ids: Vec<Chosen>,
    /// `--partner-account`.
    pub partners: Vec<String>,
    /// `--exempt-role`.
    pub exempt: Vec<String>,
    /// `--no-exempt-roles`: exempt none, whatever apply recorded.
    pub no_exempt: bool,
    /// `--target`.
    pub targets: Vec<String>,
}

/// One chosen value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Chosen {
    /// The org ID, account, role ARN or target.
    pub value: String,
    /// Where it came from.
    pub from: ChosenFrom,
}

/// Where a chosen value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChosenFrom {
    /// A flag of this run.
    Flag,
    /// A config environment's `[trust].external_id`, the organization its `[genesys]` signs in
    /// to (one that differs is refused before any call).
    Config {
        /// The environment (`default` for a config without environments).
        environment: String,
    },
    /// A config environment's `[trust].external_id`, not compared: Genesys Cloud could not be
    /// asked.
    ConfigNotCompared {
        /// The environment.
        environment: String,
    },
    /// A config environment's `[trust].external_id`, not compared: the environment has no
    /// `[genesys]`.
    ConfigWithoutGenesys {
        /// The environment.
        environment: String,
    },
    /// What apply recorded in the policy's tags.
    Recorded,
    /// The default: the root, Genesys Cloud's account, no exemption.
    Default,
}

/// Each family as chosen for the run, where each value came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct GuardrailChoices {
    /// Your org IDs.
    pub org_ids: Vec<Chosen>,
    /// The partner accounts held to them.
    pub partners: Vec<Chosen>,
    /// The roles left outside (`NotResource`).
    pub exempt: Vec<Chosen>,
    /// Where it is attached.
    pub targets: Vec<Chosen>,
}
