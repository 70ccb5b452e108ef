//! The Genesys Cloud side's state, pure: the data actions as the config wants them
//! ([`action`]), the wanted and observed credential, integration and actions with the
//! ownership ledger ([`state`]), and an org as `audit --genesys` reads it ([`org`]).

pub(super) mod action;
pub(super) mod org;
pub(super) mod state;
