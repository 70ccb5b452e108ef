//! The organization watch's function (`watch run` where the deployment names the AWS
//! organization): every role any account of the organization grants to Genesys Cloud,
//! re-proved on each forwarded change through the account's reader role and published to that
//! account's Security Hub. It re-proves with the auditor's judgement (`audit
//! --genesys-org-id`'s), so it stands on `lambda_trust_audit`, which the deployment's watch
//! never does (tests/it/layers.rs).

pub(crate) mod facts;
mod narrow;
pub(crate) mod run;
pub(crate) mod serve;
mod sweep;
