//! The watch's workflows: the watching function's invocations served, whichever the watch's
//! scope ([`serve`]); a deployment's watch's run on each event ([`run`]), with what it keeps
//! between events ([`kept`]); and `watch deploy`, `watch status` and `watch destroy`:
//! the deployment and its writes ([`deploy`]), the package ([`package`]), what the function
//! publishes ([`status`]), its secret ([`secret`]), what is said beside the plan ([`notes`]),
//! and what destroy re-proves before closing findings ([`destroy`]). The organization watch:
//! its function, and `watch deploy|status|destroy --organization`, whose destroy re-proves every
//! account a last time ([`organization`]).

pub(crate) mod deploy;
pub(crate) mod destroy;
pub(crate) mod kept;
mod notes;
pub(crate) mod organization;
pub(crate) mod package;
pub(crate) mod run;
pub(crate) mod secret;
pub(crate) mod serve;
pub(crate) mod status;
