//! What is checked before anything is planned: the account, the role's owner, its deployment
//! and its path, and that every target function exists.

use super::error::PlanError;
use super::permission::reaches;
use super::PlanOptions;
use lambda_trust_config::{CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY};
use lambda_trust_model::{Desired, DesiredRole, Observed, ObservedFunction, ObservedRole};

/// A role carrying another deployment's tag belongs to another config: never planned over,
/// destroyed or taken for a predecessor (`want`: this config's `deployment`). A role without
/// the tag predates deployments: the plan adds this config's.
pub fn check_deployment(role: &ObservedRole, want: Option<&str>) -> Result<(), PlanError> {
    match role.tags.get(DEPLOYMENT_TAG_KEY) {
        Some(live) if Some(live.as_str()) != want => Err(PlanError::OtherDeployment {
            name: role.name.clone(),
            live: Some(live.clone()),
            want: want.map(str::to_string),
        }),
        _ => Ok(()),
    }
}

/// Genesys Cloud sends the signed-in organization's ID as `sts:ExternalId` (Genesys help,
/// "Create IAM resources to invoke an AWS Lambda function": the external ID is the
/// organization ID), so a role written for another ID refuses every data action: refused before
/// any write, naming both.
pub fn check_external_id(configured: &str, org: &str) -> Result<(), PlanError> {
    if configured == org {
        return Ok(());
    }
    Err(PlanError::ExternalIdNotOrg {
        configured: configured.to_string(),
        org: org.to_string(),
    })
}

/// Adopting takes over what lambda-trust did not make, never what another deployment owns: its
/// role is refused with or without `--adopt`, and `destroy` refuses it too.
pub fn refuse_others(desired: &Desired, observed: &Observed) -> Result<(), PlanError> {
    let deployment = desired
        .role
        .tags
        .get(DEPLOYMENT_TAG_KEY)
        .map(String::as_str);
    match &observed.role {
        Some(role) => check_deployment(role, deployment),
        None => Ok(()),
    }
}

/// The credentials must be for the account the config names.
pub(crate) fn check_account(desired: &Desired, observed: &Observed) -> Result<(), PlanError> {
    if desired.account_id != observed.account_id {
        return Err(PlanError::WrongAccount {
            expected: desired.account_id.clone(),
            actual: observed.account_id.clone(),
        });
    }
    Ok(())
}

/// Checks that must pass before anything is applied: the account and the target functions.
pub(super) fn preflight(desired: &Desired, observed: &Observed) -> Result<(), PlanError> {
    check_account(desired, observed)?;
    // A target in an account without an `[aws.accounts]` entry cannot be read there (AWS
    // answers the role's account AccessDeniedException): `plan` still shows its statement and
    // `apply` refuses it before any write (`app::write`), naming the entry to add.
    let unreachable = |f: &&ObservedFunction| {
        lambda_trust_iam::Arn::parse(&f.function)
            .is_some_and(|a| a.account != desired.account_id && !reaches(desired, &a.account))
    };
    let problems: Vec<String> = (observed.functions.iter())
        .filter(|f| !unreachable(f))
        .filter_map(|f| f.problem.clone())
        .collect();
    if !problems.is_empty() {
        return Err(PlanError::MissingFunctions { problems });
    }
    let targets = all_qualifier_targets(desired);
    if !targets.is_empty() {
        return Err(PlanError::AllQualifiersAcrossAccounts { targets });
    }
    Ok(())
}

/// A live role must carry our `managed-by` tag, and the config identity tag of this config,
/// unless the user adopts it (`check` plans as if adopting; `plan --adopt` refuses another
/// deployment's role before planning: [`refuse_others`]).
pub(super) fn check_role_owner(
    role: &ObservedRole,
    want: &DesiredRole,
    opts: PlanOptions,
) -> Result<(), PlanError> {
    let deployment = want.tags.get(DEPLOYMENT_TAG_KEY).map(String::as_str);
    if opts.adopt {
        return check_role_path(role, want);
    }
    if !lambda_trust_config::is_ours(&role.tags) {
        return Err(PlanError::ForeignRole {
            name: role.name.clone(),
        });
    }
    check_role_path(role, want)?;
    check_deployment(role, deployment)?;
    if let (Some(live), Some(want)) = (role.tags.get(CONFIG_TAG_KEY), want.tags.get(CONFIG_TAG_KEY))
    {
        if live != want {
            return Err(PlanError::ConfigConflict {
                name: role.name.clone(),
                live: live.clone(),
                want: want.clone(),
            });
        }
    }
    Ok(())
}

/// A role's path is fixed at creation (UpdateRole cannot change it:
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html), so a role at
/// another path can only be refused, never planned around or reported as in sync.
fn check_role_path(role: &ObservedRole, want: &DesiredRole) -> Result<(), PlanError> {
    if role.path == want.path {
        return Ok(());
    }
    Err(PlanError::RolePath {
        name: role.name.clone(),
        live: role.path.clone(),
        want: want.path.clone(),
    })
}

/// Cross-account targets with qualifier `*`, which no single statement can grant.
fn all_qualifier_targets(desired: &Desired) -> Vec<String> {
    desired
        .targets
        .iter()
        .filter(|t| t.account_id != desired.account_id && t.qualifier.as_deref() == Some("*"))
        .map(|t| format!("{}:*", t.function_arn))
        .collect()
}
