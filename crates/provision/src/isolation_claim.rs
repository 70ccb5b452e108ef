//! One claim that an environment gives nothing to another ([`IsolationClaim`]): the data the
//! isolation proof (`isolation`) decides and `verify`, `prove` and `lint` carry. Low in the
//! crate so that what carries a claim need not stand on what decides it.

use std::collections::BTreeMap;

use lambda_trust_iam::Verdict;
use serde::Serialize;

/// Which isolation claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum IsolationKind {
    /// The role admits no other environment's org or partner account.
    Trust,
    /// The role invokes no other environment's functions.
    Invoke,
    /// The Genesys Cloud credential names no other environment's role.
    Credential,
    /// No data action reaches another environment's functions.
    Actions,
}

/// One claim about one ordered pair of environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct IsolationClaim {
    /// The environment whose setup the claim is about.
    pub environment: String,
    /// The environment it must give nothing to.
    pub other: String,
    /// Which claim.
    pub claim: IsolationKind,
    /// Proved, counterexample, or unknown (never proved when something was not given).
    pub verdict: Verdict,
    /// What was decided, in a sentence naming both environments.
    pub detail: String,
    /// The request that breaks it, replayable with `lambda-trust simulate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<BTreeMap<String, String>>")
    )]
    pub counterexample: Option<BTreeMap<String, String>>,
    /// Functions both environments declare `shared`, allowed to both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) shared: Vec<String>,
    /// A live claim that the config's own documents fail too: only a config change repairs it,
    /// never `apply`.
    #[serde(skip)]
    #[cfg_attr(feature = "schemars", schemars(skip))]
    pub(crate) by_config: bool,
}
