//! lambda-trust's shared model, pure: what the provisioner (`lambda-trust-provision`) and the
//! auditor (`lambda-trust-audit`) both read, so that the two stand side by side on it with no
//! arrow between them. No network, no clock; tests build the values by hand.
//!
//! Its face is flat: every type and function below is re-exported here, the modules are
//! private.
//!
//! - **Documents**: [`render`] the config through the `policies/` templates ([`Templates`],
//!   [`RenderContext`] → [`Rendered`]), and [`assign_shards`] to pack the ARNs into policies
//!   within IAM's size limit of 6,144 characters ([`shard_name`]).
//! - **State**: what is wanted ([`Desired`]) and what was read ([`Observed`]) of the role, its
//!   policies and the target functions; the same for the Genesys Cloud side
//!   ([`DesiredGenesys`], [`ObservedGenesys`], the ownership [`Ledger`], the data action
//!   [`ActionDef`]) and an org as `audit --genesys` reads it ([`OrgRead`]).
//! - **The whole path**: Genesys Cloud's two requests through every policy that governs them,
//!   as two claims per target ([`path_claims`] → [`PathClaims`]), each proved within the
//!   prover's default step budget (`Budget::default()`), so a verdict does not depend on how
//!   busy the machine is.
//! - **Security Hub**, where the audit and the watch meet: [`plan_import`] keeps the lifecycle
//!   of the findings imported (import, refresh, resolve, leave alone), [`HubCounts`] what one
//!   import came to, and the generator schemes keep each product's findings apart
//!   ([`GENERATOR_PREFIX`], [`WATCH_GENERATOR`], [`OrgWatchGenerator`]).
//! - **AWS Config as a source**: [`policies_from_items`] (a function item's policy, fresh or
//!   left to `lambda:GetPolicy`).
//! - **Schemas** (with the `schemars` feature): the pieces of the JSON Schemas the outputs
//!   share, in `common.schema.json`; a field's `#[schemars(schema_with = "…")]` names one
//!   (`schema_one`, `schema_list`, …).
//!
//! It depends on the `iam`, `config` and `verdict` crates, and on no runtime, SDK or HTTP client.

#![warn(missing_docs, unreachable_pub)]

mod config_items;
mod digest;
mod genesys;
mod path;
mod render;
#[cfg(feature = "schemars")]
mod schema_refs;
mod security_hub;
mod shard;
mod state;

pub use config_items::{policies_from_items, ConfigItem, FromConfig, FUNCTION_TYPE};
pub use digest::short_digest;
pub use genesys::action::{ActionConfig, ActionContract, ActionDef, RequestConfig, ResponseConfig};
pub use genesys::org::{ledger_role, KnownRole, OrgIntegration, OrgRead, RoleFrom};
pub use genesys::state::{
    compare_listed_dates, notes_beside_ledger, settled_by_ledger, url_pattern, whole_second,
    ActionRecord, DesiredAction, DesiredGenesys, Flow, Ledger, Listed, ObservedAction,
    ObservedCredential, ObservedGenesys, ObservedIntegration, SinceLedger, CREDENTIAL_TYPE,
    DYNAMIC, ENABLED, INTEGRATION_TYPE,
};
pub use path::{
    invoked_arns, names_org_policies, path_claims, Claim, ClaimVerdict, FunctionPolicy, PathClaims,
    PathCode, PathSources, PolicyRead, PolicyReads, TargetClaims,
};
pub use render::{
    render, render_invoke, resolve_targets, RenderContext, RenderError, Rendered, ResolvedTarget,
    Template, Templates, DEFAULT_MAX_SHARDS,
};
#[cfg(feature = "schemars")]
pub use schema_refs::{
    list as schema_list, non_empty_list as schema_non_empty_list, one as schema_one,
    or_null as schema_or_null, schema_version, AccountId as SchemaAccountId,
    Document as SchemaDocument, SchemaVersion,
};
pub use security_hub::{
    plan_import, HubCounts, ImportPlan, Listed as ListedFinding, OrgWatchGenerator, TooLarge,
    GENERATOR_PREFIX, WATCH_GENERATOR,
};
pub use shard::{assign_shards, shard_index, shard_name};
pub use state::{
    function_permissions, CallerIdentity, Desired, DesiredPolicy, DesiredRole, FunctionPermission,
    FunctionQuery, InlinePolicy, ManagedPolicy, Observed, ObservedFunction, ObservedPermission,
    ObservedPolicy, ObservedRole, PolicyVersion, Query, DEFAULT_DESCRIPTION, DEFAULT_MAX_SESSION,
    INVOKE_ACTION,
};
