//! The integration config write: name, credential binding and the ownership ledger, written
//! when any of them differs.

use super::actions::ActionPlan;
use super::*;

/// Why the ledger must be written again: the actions it records, their records, the
/// deployment, or the role it names.
fn ledger_reasons(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    actions: &ActionPlan,
) -> Vec<ConfigReason> {
    let mut reasons = Vec::new();
    let existing: Vec<ActionRecord> = (actions.refs.iter())
        .filter_map(|a| match a {
            ActionRef::Existing(r) => Some(r.clone()),
            ActionRef::Written { .. } => None,
        })
        .collect();
    if existing.len() != actions.refs.len() || actions.superseded != sorted(&ledger.superseded) {
        reasons.push(ConfigReason::ActionsChange);
    } else if sorted_records(existing) != sorted_records(ledger.actions.clone()) {
        reasons.push(ConfigReason::Records);
    }
    if desired.deployment.is_some() && ledger.deployment != desired.deployment {
        reasons.push(ConfigReason::Deployment);
    }
    if ledger.role_arn != desired.role_arn && observed.integration.is_some() {
        reasons.push(ConfigReason::LedgerRole {
            role_arn: ledger.role_arn.clone(),
        });
    }
    reasons
}

pub(super) fn config_op(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    credential: CredentialRef,
    actions: &ActionPlan,
    ops: &mut Vec<GenesysOp>,
) {
    let mut reasons = Vec::new();
    let (version, properties, advanced) = match &observed.integration {
        None => {
            reasons.push(ConfigReason::NewIntegration);
            (None, serde_json::json!({}), serde_json::json!({}))
        }
        Some(i) => {
            reasons.extend(integration_reasons(desired, observed, i, &credential));
            (Some(i.version), i.properties.clone(), i.advanced.clone())
        }
    };
    if credential == CredentialRef::Written {
        reasons.push(ConfigReason::CredentialWritten);
    }
    reasons.extend(ledger_reasons(desired, observed, ledger, actions));
    if reasons.is_empty() {
        return;
    }
    ops.push(GenesysOp::PutConfig(ConfigWrite {
        integration: integration_ref(observed),
        version,
        name: desired.integration.clone(),
        properties,
        advanced,
        notes: observed
            .integration
            .as_ref()
            .map(|i| lambda_trust_model::notes_beside_ledger(&i.notes))
            .unwrap_or_default(),
        credential_key: observed.credential_key.clone(),
        credential,
        role_arn: desired.role_arn.clone(),
        actions: actions.refs.clone(),
        superseded: actions.superseded.clone(),
        deployment: desired.deployment.clone(),
        reasons,
    }));
}

/// What differs in an existing integration's config: its name, the credential bound, a
/// missing ledger.
fn integration_reasons(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    i: &ObservedIntegration,
    credential: &CredentialRef,
) -> Vec<ConfigReason> {
    let mut reasons = Vec::new();
    if i.name != desired.integration {
        reasons.push(ConfigReason::Renamed {
            name: i.name.clone(),
        });
    }
    let bound = i.bound_credential.as_deref();
    if let CredentialRef::Existing { id, .. } = credential {
        if bound != Some(id.as_str()) {
            reasons.push(ConfigReason::CredentialSwapped {
                key: observed.credential_key.clone(),
                bound: bound.map(str::to_owned),
                ours: id.clone(),
            });
        }
    }
    if i.ledger().is_none() {
        reasons.push(ConfigReason::NoLedger);
    }
    reasons
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn sorted_records(mut v: Vec<ActionRecord>) -> Vec<ActionRecord> {
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}
