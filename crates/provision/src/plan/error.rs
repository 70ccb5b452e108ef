//! Why the planner refuses to plan or destroy ([`PlanError`]) and what the user can do about it.

use lambda_trust_config::{CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE};

/// Why the planner refuses to plan or to destroy: nothing is written.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    /// The config and templates do not render, or the granted ARNs do not fit in the invoke
    /// policies: nothing is sent to AWS.
    #[error(transparent)]
    Render(#[from] lambda_trust_model::RenderError),
    /// The rendered policies break lint invariants (the findings, errors only): nothing is sent
    /// to AWS.
    #[error("the rendered policies break {} invariant(s), so nothing was sent to AWS:\n{}", .0.len(), .0.iter().map(|f| format!("  - {}", f.message)).collect::<Vec<_>>().join("\n"))]
    Invariants(Vec<crate::lint::Finding>),
    /// The role exists without our `managed-by` tag, and `--adopt` was not given.
    #[error("role {name} exists but was not created by lambda-trust (it has no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to modify it")]
    ForeignRole {
        /// The role's name.
        name: String,
    },
    /// The role was applied from another config: its config tag differs from this config's.
    #[error("role {name} was applied from another lambda-trust config (its {CONFIG_TAG_KEY} tag is {live}, this config's is {want}: the trusted account, external ID, role path or policy name differ); refusing to overwrite it")]
    ConfigConflict {
        /// The role's name.
        name: String,
        /// The config tag the role carries.
        live: String,
        /// This config's tag.
        want: String,
    },
    /// The role carries another deployment's tag.
    #[error("role {name} belongs to deployment {}, and this config is deployment {}; refusing to touch it", deployment_shown(live.as_deref()), deployment_shown(want.as_deref()))]
    OtherDeployment {
        /// The role's name.
        name: String,
        /// The deployment the role's tag names.
        live: Option<String>,
        /// This config's `deployment`, if it has one.
        want: Option<String>,
    },
    /// A managed policy with our policy's name exists without our `managed-by` tag, and `--adopt`
    /// was not given.
    #[error("managed policy {arn} exists but was not created by lambda-trust (it has no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to modify it")]
    ForeignPolicy {
        /// The policy's ARN.
        arn: String,
    },
    /// `destroy`: the role exists without our `managed-by` tag.
    #[error("role {name} was not created by lambda-trust (no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to delete it")]
    RoleNotOursToDelete {
        /// The role's name.
        name: String,
    },
    /// `destroy`: our policy's ARN names a managed policy without our `managed-by` tag.
    #[error("managed policy {arn} was not created by lambda-trust (no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to delete it")]
    PolicyNotOursToDelete {
        /// The policy's ARN.
        arn: String,
    },
    /// Target functions could not be confirmed: missing, or not readable with the credentials in
    /// use.
    #[error("{} target function(s) cannot be confirmed, so nothing is changed:\n{}", problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    MissingFunctions {
        /// What is wrong with each function, one line each.
        problems: Vec<String>,
    },
    /// The role exists at another path than `role.path` (IAM cannot move a role).
    #[error("role {name} exists at path {live}, but role.path is {want}; IAM cannot move a role to another path")]
    RolePath {
        /// The role's name.
        name: String,
        /// The role's path.
        live: String,
        /// The config's `role.path`.
        want: String,
    },
    /// The credentials are for another account than `aws.account_id`.
    #[error("credentials are for account {actual}, but the config's aws.account_id is {expected}; refusing to run")]
    WrongAccount {
        /// The config's `aws.account_id`.
        expected: String,
        /// The account the credentials are for.
        actual: String,
    },
    /// `[genesys]` signs in to an organization whose ID is not the configured external ID:
    /// Genesys Cloud sends its own organization's ID as `sts:ExternalId`, so the role written
    /// would refuse every data action.
    #[error("[genesys] signs in to Genesys Cloud organization {org}, which sends its own ID as sts:ExternalId, but trust.external_id is {configured}: the role would refuse every data action; refusing to write")]
    ExternalIdNotOrg {
        /// The config's `trust.external_id`.
        configured: String,
        /// The signed-in organization's ID (`GET /api/v2/organizations/me`).
        org: String,
    },
    /// Cross-account targets with qualifier `*`, which no function policy statement can grant.
    #[error("{} cross-account target(s) have qualifier \"*\", which no function policy statement can grant: {}", targets.len(), targets.join(", "))]
    AllQualifiersAcrossAccounts {
        /// The targets, each as its function ARN and `:*`.
        targets: Vec<String>,
    },
}

impl lambda_trust_verdict::Hinted for PlanError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            PlanError::Render(e) => return e.hint(),
            PlanError::Invariants(_) => "fix the templates in --policies, or pass \
                --allow-weaker-policies if this is deliberate"
                .to_string(),
            PlanError::ForeignRole { .. } => "review it, then run `lambda-trust apply --adopt` to take it over, or choose another role.name".to_string(),
            PlanError::ConfigConflict { .. } => "two configs must not manage one role — give this config its own role.name; if you changed the external ID or policy name on purpose, run `lambda-trust apply --adopt`".to_string(),
            PlanError::OtherDeployment { live: Some(live), name, .. } => format!("two configs must not manage one role (--adopt refuses it too): give this config its own role.name — or, if this config is deployment {live:?}, set `deployment = {live:?}` at its top; to move the role to this deployment on purpose, remove its tag first: aws iam untag-role --role-name {name} --tag-keys {DEPLOYMENT_TAG_KEY}"),
            PlanError::OtherDeployment { .. } => "give this config its own role.name".to_string(),
            PlanError::ForeignPolicy { .. } => "review it, then run `lambda-trust apply --adopt` to take it over, or set policy.name to another name".to_string(),
            PlanError::RoleNotOursToDelete { .. } | PlanError::PolicyNotOursToDelete { .. } => {
                "delete it yourself if you are sure, or `apply --adopt` it first".to_string()
            }
            PlanError::MissingFunctions { .. } => "deploy the function(s) first, or fix `function`/`region`/`qualifier` in the config; where access was denied, grant the credentials in use the lambda:GetFunction permission".to_string(),
            PlanError::RolePath { live, want, .. } => format!("set role.path = \"{live}\" in the config, or run `lambda-trust destroy` and apply again to recreate the role at {want}"),
            PlanError::WrongAccount { .. } => "pick the right --profile, or fix aws.account_id".to_string(),
            PlanError::ExternalIdNotOrg { org, configured } => format!("set trust.external_id = \"{org}\" if that organization is the one whose data actions invoke these functions; for organization {configured}, sign in with an OAuth client of that organization ([genesys].oauth_secret or GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET)"),
            PlanError::AllQualifiersAcrossAccounts { .. } => "a function policy statement grants one function, version or alias (Lambda API Reference, AddPermission): list each alias or version the data actions invoke as a target of its own".to_string(),
        })
    }
}

/// A deployment as messages name it.
fn deployment_shown(d: Option<&str>) -> String {
    match d {
        Some(d) => format!("{d:?}"),
        None => "none (the config has no `deployment`)".to_string(),
    }
}
