//! The credential's ops: create, adopt, or write again what drifted.

use super::*;

/// Why the ledger's credential must be written again, if it must.
pub(crate) fn credential_drift(
    desired: &DesiredGenesys,
    ledger: &Ledger,
    c: &ObservedCredential,
) -> Option<String> {
    if let Some(arn) = &c.arn {
        if *arn != desired.role_arn {
            return Some(format!("its ARN is {arn}, not {}", desired.role_arn));
        }
    }
    if c.since_ledger == SinceLedger::Changed {
        return Some(format!(
            "it was modified outside lambda-trust (at {}, last written by lambda-trust at {}): its role ARN, which Genesys Cloud does not return, may point at another role",
            c.modified_date.as_deref().unwrap_or("an unknown time"),
            ledger.credential_modified
        ));
    }
    if ledger.role_arn != desired.role_arn {
        return Some(format!(
            "it holds {}, not {}",
            ledger.role_arn, desired.role_arn
        ));
    }
    if c.type_name != CREDENTIAL_TYPE {
        return Some(format!(
            "its type is {}, not {CREDENTIAL_TYPE}",
            c.type_name
        ));
    }
    if c.name != desired.credential_name {
        return Some(format!("its name is {:?}", c.name));
    }
    None
}

pub(super) fn credential_ops(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    adopt: bool,
    ops: &mut Vec<GenesysOp>,
) -> CredentialRef {
    if adopt && ledger.credential_id.is_empty() {
        if let Some(c) = bound_credential(observed) {
            return adopt_credential(desired, c, ops);
        }
    }
    let ours = observed
        .credential
        .as_ref()
        .filter(|c| !ledger.credential_id.is_empty() && c.id == ledger.credential_id);
    match ours {
        None => {
            ops.push(GenesysOp::CreateCredential {
                name: desired.credential_name.clone(),
                role_arn: desired.role_arn.clone(),
                known: observed.credentials_named.clone(),
            });
            CredentialRef::Written
        }
        Some(c) => match credential_drift(desired, ledger, c) {
            Some(reason) => {
                ops.push(GenesysOp::UpdateCredential {
                    id: c.id.clone(),
                    name: desired.credential_name.clone(),
                    role_arn: desired.role_arn.clone(),
                    reason,
                });
                CredentialRef::Written
            }
            None => CredentialRef::Existing {
                id: c.id.clone(),
                modified: ledger.credential_modified.clone(),
            },
        },
    }
}

/// The `amazonWebServicesARN` credential bound to the integration (read when no ledger names
/// one).
fn bound_credential(observed: &ObservedGenesys) -> Option<&ObservedCredential> {
    let bound = observed.integration.as_ref()?.bound_credential.as_deref()?;
    observed
        .credential
        .as_ref()
        .filter(|c| c.id == bound && c.type_name == CREDENTIAL_TYPE)
}

/// `--adopt` of an integration without a ledger keeps the credential bound to it (same ID, so
/// nothing that uses it changes): as it is when Genesys Cloud returns its ARN and that is the
/// role; otherwise the role ARN is written into it (a redacted ARN is unknown, never assumed).
fn adopt_credential(
    desired: &DesiredGenesys,
    c: &ObservedCredential,
    ops: &mut Vec<GenesysOp>,
) -> CredentialRef {
    // Written under lambda-trust's credential name too: the next run checks that name
    // (`credential_drift`), so keeping the old one would rewrite it once more.
    let named = c.name == desired.credential_name;
    match &c.arn {
        Some(arn) if *arn == desired.role_arn && named => CredentialRef::Existing {
            id: c.id.clone(),
            modified: c.modified_date.clone().unwrap_or_default(),
        },
        other => {
            ops.push(GenesysOp::UpdateCredential {
                id: c.id.clone(),
                name: desired.credential_name.clone(),
                role_arn: desired.role_arn.clone(),
                reason: match other {
                    Some(arn) if *arn == desired.role_arn => format!("adopted: renamed from {:?}", c.name),
                    Some(arn) => format!("adopted: its ARN is {arn}, not {}", desired.role_arn),
                    None => "adopted: Genesys Cloud does not return its role ARN, so it is written (the same credential, its ID kept)".into(),
                },
            });
            CredentialRef::Written
        }
    }
}
