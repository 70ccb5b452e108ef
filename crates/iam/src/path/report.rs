//! Both claims of the path, per target: Genesys gets through (`path::prove`) and nobody else
//! gets in (`path::security`). Part of `path`; pure.

use serde::Serialize;

use super::prove::{availability, Availability};
use super::security::{security, Security};
use super::vocabulary::PathInput;
use crate::prove::Budget;

/// Both claims, per target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathReport {
    /// Genesys gets through, per target.
    pub availability: Vec<Availability>,
    /// Nobody else gets in, per target.
    pub security: Vec<Security>,
}

impl PathReport {
    /// Both claims for every target of `input`; `budget` bounds each search of a function
    /// policy statement.
    pub fn new(input: &PathInput, budget: Budget) -> PathReport {
        PathReport {
            availability: availability(input),
            security: security(input, budget),
        }
    }
}
