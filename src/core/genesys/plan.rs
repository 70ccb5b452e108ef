//! The Genesys Cloud planner: [`DesiredGenesys`] × [`ObservedGenesys`] → [`GenesysPlan`].
//!
//! Part of the pure `core` layer. As on the AWS side the plan is resolved before anything is
//! written; the only values left to apply are the IDs and dates Genesys Cloud assigns to what
//! the same apply creates ([`IntegrationRef::Created`], [`CredentialRef::Written`],
//! [`ActionRef::Created`]). Ownership: only what the [`Ledger`] lists (or `--adopt` takes over)
//! is changed or deleted; other actions in our integration are reported, never touched.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::*;

/// One Genesys Cloud change. `calls()` is how many write requests it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GenesysOp {
    CreateCredential {
        name: String,
        role_arn: String,
    },
    /// `PUT /api/v2/integrations/credentials/{id}`: writes the role ARN again.
    UpdateCredential {
        id: String,
        name: String,
        role_arn: String,
        reason: String,
    },
    CreateIntegration {
        name: String,
    },
    /// `PATCH /api/v2/integrations/actions/{id}`: name, category or config (not the contract).
    UpdateAction {
        id: String,
        version: i64,
        action: DesiredAction,
        category: String,
        before: ObservedAction,
    },
    /// A contract change, through the draft (create, patch, publish): the ID stays.
    UpdateActionDraft {
        id: String,
        action: DesiredAction,
        category: String,
        before: ObservedAction,
    },
    CreateAction {
        action: DesiredAction,
        category: String,
        integration: IntegrationRef,
    },
    DeleteAction {
        id: String,
        name: String,
        function_arn: String,
    },
    /// `PUT …/config/current`: name, the credential binding and the ledger (in `notes`).
    PutConfig {
        integration: IntegrationRef,
        /// The observed version; `None` for an integration this apply creates (read first).
        version: Option<i64>,
        name: String,
        properties: Value,
        advanced: Value,
        credential_key: String,
        credential: CredentialRef,
        role_arn: String,
        actions: Vec<ActionRef>,
        /// What differs, for people.
        reasons: Vec<String>,
    },
    /// `PATCH /api/v2/integrations/{id}` `{intendedState: ENABLED}`.
    Enable {
        integration: IntegrationRef,
        name: String,
        was: Option<String>,
    },
    /// Destroy only.
    DeleteIntegration {
        id: String,
        name: String,
    },
    /// Destroy only.
    DeleteCredential {
        id: String,
        name: String,
    },
}

impl GenesysOp {
    /// Write requests this op makes (a draft update is three: create, patch, publish).
    pub fn calls(&self) -> usize {
        match self {
            GenesysOp::UpdateActionDraft { .. } => 3,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationRef {
    Existing(String),
    Created,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialRef {
    /// Unchanged: its ID and the `modifiedDate` the ledger keeps.
    Existing { id: String, modified: String },
    /// Created or rewritten by this apply: ID and date come from its answer.
    Written,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionRef {
    Existing(String),
    /// Created by this apply, by action name.
    Created(String),
}

/// What `apply` would change in Genesys Cloud, plus what it will not touch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenesysPlan {
    pub ops: Vec<GenesysOp>,
    /// Actions in our integration that lambda-trust does not own: reported, never changed.
    pub foreign: Vec<ObservedAction>,
}

impl GenesysPlan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Write requests the plan makes.
    pub fn calls(&self) -> usize {
        self.ops.iter().map(GenesysOp::calls).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesysPlanError {
    #[error("{} Genesys Cloud integrations of type {INTEGRATION_TYPE} are named {name:?}: {}\n(hint: integration names are not unique; rename or delete all but one in Genesys Cloud (Admin > Integrations), or set [genesys].integration to another name)", ids.len(), ids.join(", "))]
    Ambiguous { name: String, ids: Vec<String> },
    #[error("the Genesys Cloud integration {name:?} ({id}) was not created by lambda-trust\n(hint: run with --adopt to take it over, or set [genesys].integration to another name)")]
    NotOwned { name: String, id: String },
    #[error("the integration type {INTEGRATION_TYPE} declares no credential of type {CREDENTIAL_TYPE}\n(hint: Genesys Cloud changed the integration type; report this to the lambda-trust maintainers)")]
    NoCredentialKey,
}

/// Plans the Genesys Cloud side. `adopt` takes over an integration (and the actions in it
/// named as ours) that lambda-trust did not create.
pub fn plan_genesys(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    adopt: bool,
) -> Result<GenesysPlan, GenesysPlanError> {
    if observed.matches.len() > 1 {
        return Err(GenesysPlanError::Ambiguous {
            name: desired.integration.clone(),
            ids: observed.matches.clone(),
        });
    }
    if observed.credential_key.is_empty() {
        return Err(GenesysPlanError::NoCredentialKey);
    }
    let ledger = match &observed.integration {
        Some(i) => match (i.ledger(), adopt) {
            (Some(l), _) => Some(l),
            (None, true) => Some(Ledger::default()),
            (None, false) => {
                return Err(GenesysPlanError::NotOwned {
                    name: i.name.clone(),
                    id: i.id.clone(),
                })
            }
        },
        None => None,
    };
    let ledger = ledger.unwrap_or_default();
    let mut ops = Vec::new();
    let credential = credential_ops(desired, observed, &ledger, &mut ops);
    if observed.integration.is_none() {
        ops.push(GenesysOp::CreateIntegration {
            name: desired.integration.clone(),
        });
    }
    let (actions, foreign) = action_ops(desired, observed, &ledger, adopt, &mut ops);
    config_op(desired, observed, &ledger, credential, actions, &mut ops);
    let integration = integration_ref(observed);
    match &observed.integration {
        Some(i) if i.intended_state == ENABLED => {}
        other => ops.push(GenesysOp::Enable {
            integration,
            name: desired.integration.clone(),
            was: other.as_ref().map(|i| i.intended_state.clone()),
        }),
    }
    Ok(GenesysPlan { ops, foreign })
}

fn integration_ref(observed: &ObservedGenesys) -> IntegrationRef {
    match &observed.integration {
        Some(i) => IntegrationRef::Existing(i.id.clone()),
        None => IntegrationRef::Created,
    }
}

/// Why the ledger's credential must be written again, if it must.
pub fn credential_drift(
    desired: &DesiredGenesys,
    ledger: &Ledger,
    c: &ObservedCredential,
) -> Option<String> {
    if let Some(arn) = &c.arn {
        if *arn != desired.role_arn {
            return Some(format!("its ARN is {arn}, not {}", desired.role_arn));
        }
    }
    if c.modified_date.as_deref() != Some(ledger.credential_modified.as_str()) {
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

fn credential_ops(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    ops: &mut Vec<GenesysOp>,
) -> CredentialRef {
    let ours = observed
        .credential
        .as_ref()
        .filter(|c| !ledger.credential_id.is_empty() && c.id == ledger.credential_id);
    match ours {
        None => {
            ops.push(GenesysOp::CreateCredential {
                name: desired.credential_name.clone(),
                role_arn: desired.role_arn.clone(),
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

/// Creates, updates and deletes of owned actions; returns the ledger's next action list and
/// the foreign actions.
fn action_ops(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    adopt: bool,
    ops: &mut Vec<GenesysOp>,
) -> (Vec<ActionRef>, Vec<ObservedAction>) {
    let wanted = |a: &ObservedAction| desired.actions.iter().any(|d| d.name == a.name);
    let (mut owned, foreign): (Vec<&ObservedAction>, Vec<&ObservedAction>) = observed
        .actions
        .iter()
        .partition(|a| ledger.actions.contains(&a.id) || (adopt && wanted(a)));
    let mut refs = Vec::new();
    let mut changes = Vec::new();
    for d in &desired.actions {
        let pos = owned
            .iter()
            .position(|a| a.name == d.name)
            .or_else(|| owned.iter().position(|a| a.function_arn == d.function_arn));
        let Some(pos) = pos else {
            changes.push(GenesysOp::CreateAction {
                action: d.clone(),
                category: desired.category.clone(),
                integration: integration_ref(observed),
            });
            refs.push(ActionRef::Created(d.name.clone()));
            continue;
        };
        let o = owned.remove(pos);
        refs.push(ActionRef::Existing(o.id.clone()));
        if let Some(op) = update_op(d, &desired.category, o) {
            changes.push(op);
        }
    }
    // Deletes first: a deleted action frees its name (names are unique) for a create.
    for o in owned {
        ops.push(GenesysOp::DeleteAction {
            id: o.id.clone(),
            name: o.name.clone(),
            function_arn: o.function_arn.clone(),
        });
    }
    ops.extend(changes);
    (refs, foreign.into_iter().cloned().collect())
}

/// The action as lambda-trust would write it, in the observed shape (for comparing and diffs).
pub fn as_observed(d: &DesiredAction, category: &str, id: &str, version: i64) -> ObservedAction {
    ObservedAction {
        id: id.to_string(),
        name: d.name.clone(),
        category: category.to_string(),
        version,
        secure: false,
        function_arn: d.function_arn.clone(),
        request_template: d.request_template.clone(),
        success_template: d.success_template.clone(),
        timeout_seconds: d.timeout_seconds,
        input_schema: d.input_schema.clone(),
        output_schema: d.output_schema.clone(),
    }
}

fn update_op(d: &DesiredAction, category: &str, o: &ObservedAction) -> Option<GenesysOp> {
    let want = as_observed(d, category, &o.id, o.version);
    if want == *o {
        return None;
    }
    let contract = want.input_schema != o.input_schema
        || want.output_schema != o.output_schema
        || want.secure != o.secure;
    Some(if contract {
        GenesysOp::UpdateActionDraft {
            id: o.id.clone(),
            action: d.clone(),
            category: category.to_string(),
            before: o.clone(),
        }
    } else {
        GenesysOp::UpdateAction {
            id: o.id.clone(),
            version: o.version,
            action: d.clone(),
            category: category.to_string(),
            before: o.clone(),
        }
    })
}

fn config_op(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    credential: CredentialRef,
    actions: Vec<ActionRef>,
    ops: &mut Vec<GenesysOp>,
) {
    let mut reasons = Vec::new();
    let (version, properties, advanced) = match &observed.integration {
        None => {
            reasons.push("new integration".to_string());
            (None, serde_json::json!({}), serde_json::json!({}))
        }
        Some(i) => {
            if i.name != desired.integration {
                reasons.push(format!("name is {:?}", i.name));
            }
            let bound = i.bound_credential.as_deref();
            let want = match &credential {
                CredentialRef::Existing { id, .. } => Some(id.as_str()),
                CredentialRef::Written => None,
            };
            if want.is_some() && bound != want {
                reasons.push(format!(
                    "the credential bound under {} is {}, not lambda-trust's {}",
                    observed.credential_key,
                    bound.unwrap_or("none"),
                    want.unwrap_or_default()
                ));
            }
            if i.ledger().is_none() {
                reasons.push("no lambda-trust ledger (adopting)".to_string());
            }
            (Some(i.version), i.properties.clone(), i.advanced.clone())
        }
    };
    if credential == CredentialRef::Written {
        reasons.push(REASON_CREDENTIAL_WRITTEN.to_string());
    }
    let existing: Vec<String> = actions
        .iter()
        .filter_map(|a| match a {
            ActionRef::Existing(id) => Some(id.clone()),
            ActionRef::Created(_) => None,
        })
        .collect();
    if existing.len() != actions.len() || sorted(existing) != sorted(ledger.actions.clone()) {
        reasons.push(REASON_ACTIONS_CHANGE.to_string());
    }
    if ledger.role_arn != desired.role_arn && observed.integration.is_some() {
        reasons.push(format!("the ledger's role is {:?}", ledger.role_arn));
    }
    if reasons.is_empty() {
        return;
    }
    ops.push(GenesysOp::PutConfig {
        integration: integration_ref(observed),
        version,
        name: desired.integration.clone(),
        properties,
        advanced,
        credential_key: observed.credential_key.clone(),
        credential,
        role_arn: desired.role_arn.clone(),
        actions,
        reasons,
    });
}

/// Why a config is rewritten when another op of the plan requires it.
pub const REASON_CREDENTIAL_WRITTEN: &str = "the credential is (re)written";
pub const REASON_ACTIONS_CHANGE: &str = "the owned actions change";

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Everything lambda-trust owns in Genesys Cloud, deleted: owned actions, the integration
/// (unless a foreign action still lives in it), then the credential. Returns the plan and
/// what is kept, with why.
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
    let (owned, foreign): (Vec<_>, Vec<_>) = observed
        .actions
        .iter()
        .partition(|a| ledger.actions.contains(&a.id));
    for a in owned {
        ops.push(GenesysOp::DeleteAction {
            id: a.id.clone(),
            name: a.name.clone(),
            function_arn: a.function_arn.clone(),
        });
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
    (GenesysPlan { ops, foreign }, kept)
}
