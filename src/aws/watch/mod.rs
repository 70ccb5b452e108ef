//! The watch's AWS calls (`aws` layer): what only `watch` calls. A deployment's watch: what is
//! live of it and its writes (`deploy`, with its own event bus in `bus`), the `config-rule`
//! engine's rule and evaluations (`config_rule`), the function's Lambda Runtime API loop
//! (`runtime`) and its SNS notice (`sns`); whether a trail lets either watch hear an account's
//! IAM calls (`trail`). The organization watch's own calls are in `organization`. What the watch shares with the other commands (sessions, Security Hub,
//! CloudTrail, the organization's policies) stays beside this folder, in `aws/`.

mod bus;
pub(crate) mod config_rule;
pub(crate) mod deploy;
pub(crate) mod organization;
pub(crate) mod runtime;
pub(crate) mod sns;
pub(crate) mod trail;
