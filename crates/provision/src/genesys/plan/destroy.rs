//! `destroy`: everything lambda-trust owns in Genesys Cloud, deleted.

use super::actions::delete;
use super::*;

/// Everything lambda-trust owns in Genesys Cloud, deleted: owned actions (superseded ones
/// too), the integration (unless a foreign action still lives in it), then the credential.
/// Returns the plan and what is kept, with why. Deletes of actions a flow calls are refused
/// by [`GenesysPlan::refuse`] unless forced.
pub fn plan_genesys_destroy(observed: &ObservedGenesys) -> (GenesysPlan, Vec<String>) {
    let mut ops = Vec::new();
    let mut kept = Vec::new();
    let Some(i) = &observed.integration else {
        return (GenesysPlan::default(), kept);
    };
    let Some(ledger) = i.ledger() else {
        kept.push(format!(
            "Genesys Cloud integration {:?} ({}): not created by lambda-trust",
            i.name, i.id
        ));
        return (GenesysPlan::default(), kept);
    };
    let (owned, foreign): (Vec<_>, Vec<_>) =
        observed.actions.iter().partition(|a| ledger.owns(&a.id));
    for a in owned {
        let flows = observed.consumers.get(&a.id).cloned();
        ops.push(delete(a, DeleteWhy::Destroy, flows));
    }
    if foreign.is_empty() {
        ops.push(GenesysOp::DeleteIntegration {
            id: i.id.clone(),
            name: i.name.clone(),
        });
        if let Some(c) = observed
            .credential
            .as_ref()
            .filter(|c| c.id == ledger.credential_id)
        {
            ops.push(GenesysOp::DeleteCredential {
                id: c.id.clone(),
                name: c.name.clone(),
            });
        }
    } else {
        kept.push(format!(
            "Genesys Cloud integration {:?} and its credential: {} action(s) not created by lambda-trust still use it",
            i.name,
            foreign.len()
        ));
    }
    let foreign = foreign.into_iter().cloned().collect();
    let plan = GenesysPlan {
        ops,
        foreign,
        kept: Vec::new(),
        pending: Vec::new(),
        reach: Vec::new(),
        elsewhere: None,
    };
    (plan, kept)
}
