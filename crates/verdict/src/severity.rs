//! How bad a finding is, one type for `check` and `audit` (their findings mean the same: more
//! access than intended, a difference that does not broaden access, or a fact worth knowing).
//! `lint`'s `Error`/`Warning` means something else — whether the command refuses — and keeps
//! its own type.

use serde::Serialize;

/// Ordered worst first, so sorting by it puts security findings on top.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    /// Broadens who can assume the role or what it can do.
    Security,
    /// Differs from the config without broadening access.
    Config,
    /// Worth knowing; not a risk by itself (`audit` only).
    Info,
}

/// What a finding states: that something is wrong, that something could not be read or
/// decided, or a fact worth knowing. An unknown is never a failure nor a pass: every output
/// carries it as its own (JSON `outcome`, SARIF `kind: open`, ASFF `Compliance.Status:
/// NOT_AVAILABLE`, OCSF `confidence_id: 0`, the HTML report's and the terminal's "unknown").
/// A fact is no control's result either: SARIF `kind: informational`, `level: none` (SARIF
/// 2.1.0 §3.27.9–3.27.10), and no ASFF `Compliance` at all (it is optional and summarizes a
/// control's result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Something is wrong, shown by what was read (a counterexample where there is one).
    Failed,
    /// Something was not read, not given or not decided: neither failed nor passed.
    Unknown,
    /// A fact worth knowing (a role lambda-trust does not manage, one not used lately): no
    /// control failed nor passed.
    Informational,
}
