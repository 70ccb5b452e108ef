//! The whole path as `verify` and `check` evaluate it on the live role: the evaluation's input
//! from the state read, and the claims said for what Genesys Cloud really sends and where each
//! function policy was read.

use crate::identity::identity_input;
use lambda_trust_iam::{account_of, Known, PathInput, PathPartner, Policy, RoleAccount, RoleSide};
use lambda_trust_model::{
    invoked_arns, ClaimVerdict, Desired, Observed, PathClaims, PathCode, PathSources, PolicyReads,
};

/// The evaluation's input: `None` without a role or a parsable trust policy (the checks say
/// so already).
pub(crate) fn path_input(
    desired: &Desired,
    observed: &Observed,
    sources: &PathSources,
) -> Option<PathInput> {
    let role = observed.role.as_ref()?;
    let trust = Policy::try_from(&role.trust).ok()?;
    let (identity, _) = identity_input(observed);
    let targets = (invoked_arns(&desired.targets).iter())
        .map(|arn| sources.target(arn))
        .collect();
    Some(PathInput {
        partner: PathPartner {
            account: account_of(&desired.partner_principal).to_string(),
            // What Genesys Cloud really sends, when the signed-in org was read.
            external_id: (sources.genesys_org.clone())
                .unwrap_or_else(|| desired.external_id.clone()),
            principals: Vec::new(),
        },
        role: RoleSide {
            arn: role.arn.clone(),
            account: RoleAccount::Given,
            trust,
            identity: identity.identity_policies,
            boundary: identity.boundary,
            tags: Known::Known(role.tags.clone()),
        },
        targets,
        orgs: sources.orgs.clone(),
    })
}

/// The availability claims said for the external ID Genesys Cloud really sends: refuted as
/// `external-id-not-org` when the signed-in org's ID (`org`) is not the configured one and the
/// role refuses it; holding only *assuming* the configured ID when no sign-in read it.
pub(crate) fn claims_as_sent(
    mut claims: PathClaims,
    configured: &str,
    org: Option<&str>,
) -> PathClaims {
    for t in &mut claims.targets {
        let claim = &mut t.genesys_gets_through;
        match org {
            None if claim.verdict == ClaimVerdict::Proved => {
                claim.assumes = Some(format!(
                    "Genesys Cloud's organization ID is {configured} (trust.external_id): not \
                     read in this run (no [genesys] table, or --only aws), so not compared"
                ));
            }
            Some(org) if org != configured && claim.code == Some(PathCode::RoleBlocks) => {
                claim.code = Some(PathCode::ExternalIdNotOrg);
                claim.detail = format!(
                    "Genesys Cloud signs in to organization {org} and sends that ID as \
                     sts:ExternalId, but the config's trust.external_id is {configured}: the \
                     role refuses Genesys Cloud ({})",
                    claim.detail
                );
            }
            _ => {}
        }
    }
    claims
}

/// `claims` with where each target's function policy was read, from `reads`.
pub(crate) fn claims_with_reads(mut claims: PathClaims, reads: &PolicyReads) -> PathClaims {
    for t in &mut claims.targets {
        t.function_policy = reads.from.get(&t.target).cloned();
    }
    claims.function_policies = reads.notes.clone();
    claims
}
