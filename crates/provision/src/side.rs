//! The two sides of a setup: AWS (the role, its policies, the function policies) and Genesys
//! Cloud (the credential, the integration, its data actions).
//!
//! Part of the pure model.

/// Where a write goes; in `check`'s JSON, a side that was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::Display)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", schemars(rename = "side"))]
pub enum Side {
    /// AWS: the role, its policies and the function policies.
    #[strum(to_string = "AWS")]
    Aws,
    /// Genesys Cloud: the credential, the integration and its data actions.
    #[strum(to_string = "Genesys Cloud")]
    Genesys,
}
