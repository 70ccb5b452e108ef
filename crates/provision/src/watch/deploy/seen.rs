//! What is live of a watch ([`Seen`]): its roles, function, rules, bus and Config rule as read,
//! each with the owner its tag names.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A role of a deployment as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenRole {
    /// Its trust policy.
    pub trust: Value,
    /// The deployment's inline policy, when the role has it.
    pub policy: Option<Value>,
    /// The watched role's name its tag gives (`None`: not a watch's).
    pub owner: Option<String>,
}

/// The function as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenFunction {
    /// Its package's SHA-256, base64, as Lambda reports `CodeSha256`.
    pub code_sha256: String,
    /// Its execution role's ARN.
    pub role_arn: String,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// Its timeout, in seconds.
    pub timeout: i32,
    /// Its memory, in MB.
    pub memory: i32,
    /// Its environment variables.
    pub environment: BTreeMap<String, String>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
    /// The statement IDs of its resource policy.
    pub statements: BTreeSet<String>,
    /// Its reserved concurrency (`None`: not set).
    pub reserved_concurrency: Option<i32>,
}

/// A rule as read (its one target, if any).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenRule {
    /// Its account, when not the function's.
    pub account: Option<String>,
    /// Its region.
    pub region: String,
    /// Its name.
    pub name: String,
    /// Its event pattern (a pattern rule).
    pub pattern: Option<Value>,
    /// Its schedule expression (the schedule rule).
    pub schedule: Option<String>,
    /// Its one target's ARN.
    pub target: Option<String>,
    /// The role its target is sent with.
    pub target_role: Option<String>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
    /// The event bus it is on (its ARN); `None`: the default bus.
    pub bus: Option<String>,
}

/// What is live of a deployment, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seen {
    /// The role.
    pub role: Option<SeenRole>,
    /// The forwarding role.
    pub forward_role: Option<SeenRole>,
    /// The function.
    pub function: Option<SeenFunction>,
    /// Every rule read under the deployment's names, in the regions read.
    pub rules: Vec<SeenRule>,
    /// The Config rule under the deployment's name, in the function's region.
    pub config_rule: Option<SeenConfigRule>,
    /// The forwarding role in each other account read, by account.
    pub account_forwarders: BTreeMap<String, SeenRole>,
    /// The read-only role in each other account read, by account.
    pub account_readers: BTreeMap<String, SeenRole>,
    /// The watch's own event bus.
    pub bus: Option<SeenBus>,
    /// The statement IDs of the home region's default bus policy (where a watch deployed
    /// before it had its own bus admitted other accounts).
    pub bus_statements: BTreeSet<String>,
    /// The function under the deployment's name in its former home
    /// (`Deployment::former_home`); its rules there are among `rules`.
    pub former_function: Option<SeenFunction>,
    /// The Config rule under the deployment's name in its former home.
    pub former_config_rule: Option<SeenConfigRule>,
}

/// The watch's own event bus as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenBus {
    /// Its resource policy.
    pub policy: Option<Value>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
}

/// A Config rule as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenConfigRule {
    /// The function it invokes (its source's identifier).
    pub function_arn: String,
    /// Its resource types.
    pub resource_types: Vec<String>,
    /// Its periodic evaluation's frequency.
    pub frequency: Option<String>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
}
