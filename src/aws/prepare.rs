//! Preparation, the driver: config → observe → the pure `crates/provision/src/prepare.rs` → [`Prepared`], for
//! every live command.
//!
//! Part of the `aws` layer. Nothing here writes to AWS; every read goes through `observe`.

use crate::aws::client::Clients;
use crate::aws::function_policy::read_permissions;
use crate::aws::observe::{self, ObserveError};
use lambda_trust_config::{Config, Loaded};
use lambda_trust_model::{CallerIdentity, FunctionPermission, Observed, RenderContext, Templates};
use lambda_trust_provision::{
    aws_query, desired_state, kinship, may_be_predecessor, Kinship, PlanError, Prepared,
};

#[derive(Debug, thiserror::Error)]
pub(crate) enum PipelineError {
    #[error(transparent)]
    Config(#[from] lambda_trust_config::ConfigError),
    #[error(transparent)]
    Observe(#[from] ObserveError),
    #[error(transparent)]
    Prepare(#[from] PlanError),
}

/// The region of bare function names without their own: the clients' region, which the one
/// region rule decided (`--region` > `[aws].region` > the environment > the profile:
/// docs/regions.md; the caller builds the clients with it).
pub(crate) fn default_region(clients: &Clients) -> String {
    clients.region()
}

/// What `prepare` may skip because the caller already knows it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    /// Look up only these targets (by position); `None`: all of them. `onboard` checks just the
    /// new function — the others were confirmed when they were added — so its cost does not
    /// grow with the number of targets.
    pub functions: Option<Vec<usize>>,
    /// (account, caller ARN) already read in this run.
    pub identity: Option<CallerIdentity>,
    /// Or being read for the whole run: awaited, not read again.
    pub identity_ahead: Option<observe::IdentityAhead>,
    /// Statements of targets no longer in the config (`offboard`): read too, so the plan
    /// removes them.
    pub retired: Vec<FunctionPermission>,
}

/// Reads AWS and resolves the desired state, reading only what `scope` leaves to read. Fails
/// before any write on bad templates.
pub(crate) async fn prepare_scoped(
    clients: &Clients,
    loaded: Loaded,
    templates: &Templates,
    allow_weaker: bool,
    scope: Scope,
) -> Result<Prepared, PipelineError> {
    let config = &loaded.config;
    let region = default_region(clients);
    let mut q = aws_query(config, &region);
    if let Some(only) = &scope.functions {
        q.functions = only
            .iter()
            .filter_map(|i| q.functions.get(*i).cloned())
            .collect();
    }
    q.known_identity = scope.identity;
    let mut observed = observe::observe_sharing(clients, &q, scope.identity_ahead).await?;
    let account = config
        .aws
        .account_id
        .clone()
        .unwrap_or_else(|| observed.account_id.clone());
    let ctx = RenderContext {
        account_id: Some(account),
        default_region: Some(region),
    };
    let (desired, warnings) = desired_state(config, &ctx, templates, &observed, allow_weaker)?;
    // lambda-trust's statements on cross-account targets, with each account's clients.
    let mut wanted = desired.permissions.clone();
    for gone in scope.retired {
        let key = |p: &FunctionPermission| (p.function_arn.clone(), p.qualifier.clone());
        if !wanted.iter().any(|w| key(w) == key(&gone)) {
            wanted.push(gone);
        }
    }
    let (permissions, function_policies) = read_permissions(clients, &wanted).await?;
    observed.permissions = permissions;
    if config.managed_by.is_some() {
        observed = lambda_trust_provision::as_handed_over(&desired, observed);
    }
    let (predecessors, unproven_predecessors) = match (&observed.role, scope.functions.is_some()) {
        (None, false) => predecessors(clients, config, &q, &observed, &desired).await?,
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Prepared {
        loaded,
        desired,
        observed,
        predecessors,
        unproven_predecessors,
        warnings,
        function_policies,
    })
}

/// Roles lambda-trust created for this deployment under an earlier `role.name`
/// (`lambda_trust_provision::kinship`), read as `destroy` reads a role, with their statements on
/// cross-account targets; and the names of the roles that may be this config's earlier ones
/// but cannot be proved so. Looked for only when the configured role does not exist — the run
/// that first plans a rename — so a run with the role in place pays nothing: one ListRoles page
/// per 1,000 roles at the path, one GetRole per role whose trust policy names the external ID,
/// then the reads of each predecessor.
async fn predecessors(
    clients: &Clients,
    config: &Config,
    query: &lambda_trust_model::Query,
    observed: &Observed,
    desired: &lambda_trust_model::Desired,
) -> Result<(Vec<Observed>, Vec<String>), ObserveError> {
    let (mut found, mut unproven) = (Vec::new(), Vec::new());
    for (name, trust) in observe::roles_at_path(clients, &config.role_path()).await? {
        if !may_be_predecessor(config, &name, &config.role_path(), &trust) {
            continue;
        }
        let Some(role) = observe::role(clients, &name).await? else {
            continue;
        };
        let mut q = match kinship(config, query, &role) {
            Kinship::Predecessor(q) => *q,
            Kinship::Unproven => {
                unproven.push(name);
                continue;
            }
            Kinship::Other => continue,
        };
        q.known_identity = Some(observed.caller());
        let mut old = observe::observe(clients, &q).await?;
        let mut renamed = config.clone();
        renamed.role.name = name;
        let wanted = lambda_trust_model::function_permissions(
            &renamed,
            &desired.targets,
            &desired.partition,
            &desired.account_id,
        );
        old.permissions = read_permissions(clients, &wanted).await?.0;
        found.push(old);
    }
    Ok((found, unproven))
}

/// Reads IAM again after an apply, reusing the function lookups of `prepared` (functions are
/// not changed by apply), so proving the result costs no per-target calls.
pub(crate) async fn reobserve_iam(
    clients: &Clients,
    prepared: &Prepared,
) -> Result<Observed, PipelineError> {
    let config = &prepared.loaded.config;
    let region = default_region(clients);
    let mut q = aws_query(config, &region);
    q.functions.clear();
    q.known_identity = Some(prepared.observed.caller());
    let mut observed = observe::observe(clients, &q).await?;
    observed.functions = prepared.observed.functions.clone();
    Ok(observed)
}

impl crate::error::Hinted for PipelineError {
    fn hint(&self) -> Option<String> {
        match self {
            PipelineError::Config(e) => e.hint(),
            PipelineError::Observe(e) => e.hint(),
            PipelineError::Prepare(e) => e.hint(),
        }
    }
}
crate::error::layer_errors!(Aws: PipelineError);
