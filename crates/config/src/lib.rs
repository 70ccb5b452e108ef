//! lambda-trust's config: reads `lambda-trust.toml` into a validated [`Config`].
//!
//! Its face is flat: the modules are private and everything other crates use is named here, at
//! the root. The entry points, by what a caller does with them:
//! - **Read**: [`ConfigFile::load`] (a file) and [`parse_str`] (a text) give a [`Loaded`]
//!   config — the [`Config`] and its [`Warning`]s — or one [`ConfigError`] naming every problem
//!   at once (each with the field and the rule, and a hint as data: the error is
//!   [`Hinted`](lambda_trust_verdict::Hinted)).
//! - **Resolve a target**: [`target_identity`] is the one resolution of a target's function
//!   reference into the function, its account and its region ([`TargetIdentity`]).
//! - **Edit in place**: [`add_target`], [`remove_targets`] and [`add_environment`] edit the
//!   file keeping the user's comments.
//! - **Write a new one**: [`init_text`], the commented file `lambda-trust init` writes.
//! - **The Genesys side**: [`GenesysConfig`] (`[genesys]`), [`DataActionConfig`] (each target's
//!   `[targets.action]`) and [`resolve_endpoints`], from the Genesys Cloud region table
//!   ([`GENESYS_REGIONS`]).
//!
//! Everything here is offline but [`ConfigFile::load`], which reads the one file. Validation
//! follows the AWS constraints in docs/aws-behaviour.md. It depends on the `iam` crate (ARNs,
//! partitions) and on no runtime, SDK or HTTP client (a test in the binary's suite holds that).

#![warn(missing_docs, unreachable_pub)]

// Read: the config, its warnings and errors.
pub use error::{ConfigError, Problem as FieldProblem, Warning};
pub use load::{environment_names, parse_str, parse_str_reading, ConfigFile, Loaded};
pub use model::{
    identity_digest, is_ours, AccountAccess, AwsConfig, Config, ManagedBy, Partner, PolicyConfig,
    RoleConfig, TargetConfig, TrustConfig, WatchEngine, CONFIG_TAG_KEY, DEFAULT_WATCH_SCHEDULE,
    DEPLOYMENT_TAG_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE,
};
pub use rules::{is_external_id, is_session_name, is_uuid, show, ORG_ID_WHERE};

// Resolve a target.
pub use function::{
    parse_function, target_identity, FunctionArn, FunctionRef, TargetIdentity, TargetProblem,
};

// Edit in place, and write a new one.
pub use edit::{
    add_environment, add_target, remove_targets, without_environments, EnvironmentOverrides,
};
pub use init::{deployment_name, init_text, InitAnswers, InitValue, DEFAULT_ROLE_NAME};

// The Genesys side.
pub use genesys::{
    action_name, action_rules, is_expression, open_schema, refused_defects, response_defects,
    ResponseDefect,
};
pub use genesys_model::{
    DataActionConfig, GenesysConfig, PublishMode, DEFAULT_REQUEST_TEMPLATE, DEFAULT_REQUEST_TYPE,
    DEFAULT_SUCCESS_TEMPLATE, DEFAULT_TIMEOUT_SECONDS, NO_TIMEOUT, TIMEOUT_RANGE,
};
pub use genesys_regions::{
    region_named as genesys_region_named, resolve as resolve_endpoints, Endpoints, RegionError,
    REGIONS as GENESYS_REGIONS,
};

mod action_key;
mod edit;
mod environments;
mod error;
mod function;
mod genesys;
mod genesys_model;
mod genesys_regions;
mod init;
mod json_path;
mod load;
mod model;
mod rules;
mod success_template;
mod validate;

// Each error's hint is data (its inherent `hint`), the shared `Hinted` the binary prints.
macro_rules! hinted {
    ($($t:ty),*) => {
        $(impl lambda_trust_verdict::Hinted for $t {
            fn hint(&self) -> Option<String> {
                <$t>::hint(self)
            }
        })*
    };
}
hinted!(ConfigError, genesys_regions::RegionError);
