//! The Genesys Cloud planner: [`DesiredGenesys`] × [`ObservedGenesys`] → [`GenesysPlan`].
//!
//! Part of the pure `core` layer. As on the AWS side the plan is resolved before anything is
//! written; the only values left to apply are the IDs, versions and dates Genesys Cloud assigns
//! to what the same apply writes ([`IntegrationRef::Created`], [`CredentialRef::Written`],
//! [`ActionRef::Written`]). Ownership: only what the [`Ledger`] lists (or `--adopt` takes over)
//! is changed or deleted; other actions in our integration are reported, never touched.
//!
//! A published action's contract never changes (Genesys Cloud Resource Center, "Add contracts
//! to custom actions for integrations": "You cannot change the contracts after you publish the
//! action"), so a contract change is a replacement: a new action (new ID). Architect flows call
//! actions by ID, so the old one is deleted only when no published flow calls it; otherwise it
//! is renamed, kept in the ledger as superseded, and deleted by a later apply once unused.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::*;

/// One Genesys Cloud change: one write request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GenesysOp {
    CreateCredential {
        name: String,
        role_arn: String,
        /// Credentials already listed with this name: after a lost answer, the one listed
        /// that is not among these is the one this create made.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        known: Vec<String>,
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
    /// `PATCH /api/v2/integrations/actions/{id}`: name, category or configuration (never the
    /// contract, which Genesys Cloud does not let change after publishing). The ID stays.
    UpdateAction {
        id: String,
        version: i64,
        action: DesiredAction,
        category: String,
        before: Box<ObservedAction>,
    },
    /// `POST /api/v2/integrations/actions` (published at once). With `replaces`, a new action
    /// (new ID) for a target whose contract changed.
    CreateAction {
        action: DesiredAction,
        category: String,
        integration: IntegrationRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<Replaced>,
    },
    /// `PATCH …/actions/{id}` `{name, version}`: an action replaced after a contract change
    /// that a flow still calls is kept under a recognisable name, and deleted by a later apply
    /// once no published flow calls it.
    SupersedeAction {
        id: String,
        version: i64,
        name: String,
        new_name: String,
        /// The flows that call it (`None`: not looked up, so assumed in use).
        flows: Option<Vec<Flow>>,
    },
    DeleteAction {
        id: String,
        name: String,
        function_arn: String,
        why: DeleteWhy,
        /// The published flows that call it (`None`: not looked up). Only an explicit
        /// `--force` deletes an action some flow calls ([`GenesysPlan::refuse_in_use`]).
        flows: Option<Vec<Flow>>,
    },
    /// `PUT …/config/current`: name, the credential binding and the ledger (in `notes`).
    PutConfig(ConfigWrite),
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

/// The integration config lambda-trust writes: name, the credential binding, the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigWrite {
    pub integration: IntegrationRef,
    /// The observed version; `None` for an integration this apply creates (read first).
    pub version: Option<i64>,
    pub name: String,
    pub properties: Value,
    pub advanced: Value,
    /// The integration's own notes (the text beside the ledger), kept as they are.
    #[serde(default)]
    pub notes: String,
    pub credential_key: String,
    pub credential: CredentialRef,
    pub role_arn: String,
    pub actions: Vec<ActionRef>,
    pub superseded: Vec<String>,
    /// What differs: rendered for people, judged by `check` from the variant.
    pub reasons: Vec<ConfigReason>,
}

/// Why an integration config is rewritten. `check` decides a finding's severity from the
/// variant (never from the text): a swapped credential binding is `security`; the ones that
/// only follow from another op of the same plan are no finding of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigReason {
    /// No integration yet.
    NewIntegration,
    /// The integration carries another name.
    Renamed { name: String },
    /// Another credential is bound under lambda-trust's key.
    CredentialSwapped {
        key: String,
        bound: Option<String>,
        ours: String,
    },
    /// No ledger in the notes: adopting.
    NoLedger,
    /// The credential is (re)written by this plan.
    CredentialWritten,
    /// The owned actions change in this plan.
    ActionsChange,
    /// The ledger's records of unchanged actions are out of date (an action edited outside
    /// lambda-trust and found as configured, or a ledger written before records existed).
    Records,
    /// The ledger names another role.
    LedgerRole { role_arn: String },
}

impl ConfigReason {
    /// Follows from another op of the same plan (bookkeeping, not a finding of its own).
    pub fn is_consequence(&self) -> bool {
        matches!(
            self,
            ConfigReason::CredentialWritten | ConfigReason::ActionsChange | ConfigReason::Records
        )
    }
}

impl std::fmt::Display for ConfigReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigReason::NewIntegration => write!(f, "new integration"),
            ConfigReason::Renamed { name } => write!(f, "name is {name:?}"),
            ConfigReason::CredentialSwapped { key, bound, ours } => write!(
                f,
                "the credential bound under {key} is {}, not lambda-trust's {ours}",
                bound.as_deref().unwrap_or("none")
            ),
            ConfigReason::NoLedger => write!(f, "no lambda-trust ledger (adopting)"),
            ConfigReason::CredentialWritten => write!(f, "the credential is (re)written"),
            ConfigReason::ActionsChange => write!(f, "the owned actions change"),
            ConfigReason::Records => {
                write!(f, "the ledger's action records are brought up to date")
            }
            ConfigReason::LedgerRole { role_arn } => write!(f, "the ledger's role is {role_arn:?}"),
        }
    }
}

/// Why an owned action is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeleteWhy {
    /// Its function is no longer a target.
    NotATarget,
    /// Its contract changed and no published flow calls it: a new action replaces it.
    Replaced,
    /// Superseded earlier, and no published flow calls it any more.
    Superseded,
    /// `destroy`.
    Destroy,
}

/// The action a [`GenesysOp::CreateAction`] replaces, and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replaced {
    pub id: String,
    /// The contract parts that differ (`inputSchema`, `successSchema`, `secure`).
    pub differs: Vec<String>,
    /// Kept (renamed, superseded) because a flow calls it, or deleted.
    pub kept: bool,
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

/// One owned action in the ledger the config write records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionRef {
    /// Unchanged by this apply: its record as it will be kept.
    Existing(ActionRecord),
    /// Created or updated by this apply, by action name: the ID (of a create) and the
    /// version come from the write's answer; the digests are the desired action's.
    Written {
        name: String,
        contract: String,
        config: String,
    },
}

/// An action superseded earlier that a published flow still calls: kept, reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptAction {
    pub id: String,
    pub name: String,
    pub function_arn: String,
    /// `None`: not looked up.
    pub flows: Option<Vec<Flow>>,
}

/// What `apply` would change in Genesys Cloud, plus what it will not touch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenesysPlan {
    pub ops: Vec<GenesysOp>,
    /// Actions in our integration that lambda-trust does not own: reported, never changed.
    pub foreign: Vec<ObservedAction>,
    /// Superseded actions still called by a flow: kept until nothing calls them.
    #[serde(default)]
    pub kept: Vec<KeptAction>,
}

impl GenesysPlan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Write requests the plan makes: one per op.
    pub fn calls(&self) -> usize {
        self.ops.len()
    }

    /// The actions whose consumers the plan needs but does not know: those it would delete
    /// or supersede, and the superseded ones it keeps.
    pub fn unknown_consumers(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .ops
            .iter()
            .filter_map(|op| match op {
                GenesysOp::DeleteAction {
                    id, flows: None, ..
                }
                | GenesysOp::SupersedeAction {
                    id, flows: None, ..
                } => Some(id.clone()),
                _ => None,
            })
            .chain(
                self.kept
                    .iter()
                    .filter(|k| k.flows.is_none())
                    .map(|k| k.id.clone()),
            )
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Refuses (unless `force`) a plan that deletes an action a published flow calls, or
    /// whose callers are unknown: deleting it would break the flow in production.
    pub fn refuse_in_use(&self, force: bool) -> Result<(), GenesysPlanError> {
        let in_use: Vec<InUse> = self
            .ops
            .iter()
            .filter_map(|op| match op {
                GenesysOp::DeleteAction {
                    id, name, flows, ..
                } if flows.as_ref().is_none_or(|f| !f.is_empty()) => Some(InUse {
                    id: id.clone(),
                    name: name.clone(),
                    flows: flows.clone(),
                }),
                _ => None,
            })
            .collect();
        if in_use.is_empty() || force {
            return Ok(());
        }
        Err(GenesysPlanError::InUse(in_use))
    }
}

/// An action a flow calls (or may call: `flows` is `None` when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InUse {
    pub id: String,
    pub name: String,
    pub flows: Option<Vec<Flow>>,
}

fn in_use_text(v: &[InUse]) -> String {
    v.iter()
        .map(|u| {
            let flows = match &u.flows {
                Some(f) => f.iter().map(Flow::to_string).collect::<Vec<_>>().join(", "),
                None => "unknown flows (not looked up)".to_string(),
            };
            format!("\n  action {:?} ({}) is called by {flows}", u.name, u.id)
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesysPlanError {
    #[error("{} Genesys Cloud integrations of type {INTEGRATION_TYPE} are named {name:?}: {}\n(hint: integration names are not unique; rename or delete all but one in Genesys Cloud (Admin > Integrations), or set [genesys].integration to another name)", ids.len(), ids.join(", "))]
    Ambiguous { name: String, ids: Vec<String> },
    #[error("the Genesys Cloud integration {name:?} ({id}) was not created by lambda-trust\n(hint: run with --adopt to take it over, or set [genesys].integration to another name)")]
    NotOwned { name: String, id: String },
    #[error("the integration type {INTEGRATION_TYPE} declares no credential of type {CREDENTIAL_TYPE}\n(hint: Genesys Cloud changed the integration type; report this to the lambda-trust maintainers)")]
    NoCredentialKey,
    #[error("refusing to delete data actions that published Architect flows call (deleting them breaks those flows):{}\n(hint: change and republish those flows so they no longer call the action, then run again; or pass --force to delete anyway)", in_use_text(.0))]
    InUse(Vec<InUse>),
}

/// Plans the Genesys Cloud side. `adopt` takes over an integration (and the actions in it
/// named as ours) that lambda-trust did not create. Deletes of actions a flow calls are in
/// the plan; [`GenesysPlan::refuse_in_use`] refuses them unless forced.
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
    let credential = credential_ops(desired, observed, &ledger, adopt, &mut ops);
    if observed.integration.is_none() {
        ops.push(GenesysOp::CreateIntegration {
            name: desired.integration.clone(),
        });
    }
    let actions = action_ops(desired, observed, &ledger, adopt, &mut ops);
    config_op(desired, observed, &ledger, credential, &actions, &mut ops);
    let integration = integration_ref(observed);
    match &observed.integration {
        Some(i) if i.intended_state == ENABLED => {}
        other => ops.push(GenesysOp::Enable {
            integration,
            name: desired.integration.clone(),
            was: other.as_ref().map(|i| i.intended_state.clone()),
        }),
    }
    Ok(GenesysPlan {
        ops,
        foreign: actions.foreign,
        kept: actions.kept,
    })
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
    let unchanged = c
        .modified_date
        .as_deref()
        .is_some_and(|d| same_instant(d, &ledger.credential_modified));
    if !unchanged {
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

/// What the action planning decides besides its ops: the ledger's next records, the
/// superseded actions it keeps, and the foreign actions.
struct ActionPlan {
    refs: Vec<ActionRef>,
    superseded: Vec<String>,
    kept: Vec<KeptAction>,
    foreign: Vec<ObservedAction>,
}

/// Creates, replacements, updates and deletes of owned actions.
fn action_ops(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    adopt: bool,
    ops: &mut Vec<GenesysOp>,
) -> ActionPlan {
    let wanted = |a: &ObservedAction| desired.actions.iter().any(|d| d.name == a.name);
    let (owned, foreign): (Vec<&ObservedAction>, Vec<&ObservedAction>) = observed
        .actions
        .iter()
        .partition(|a| ledger.owns(&a.id) || (adopt && wanted(a)));
    let (old, mut current): (Vec<&ObservedAction>, Vec<&ObservedAction>) = owned
        .into_iter()
        .partition(|a| ledger.superseded.contains(&a.id));
    let mut plan = ActionPlan {
        refs: Vec::new(),
        superseded: Vec::new(),
        kept: Vec::new(),
        foreign: foreign.into_iter().cloned().collect(),
    };
    // Deletes and renames first: they free the names (unique) that creates take.
    let mut first = Vec::new();
    let mut changes = Vec::new();
    for d in &desired.actions {
        let pos = current.iter().position(|a| a.name == d.name).or_else(|| {
            current
                .iter()
                .position(|a| a.function_arn == d.function_arn)
        });
        let o = pos.map(|p| current.remove(p));
        plan_one(observed, d, o, &mut plan, &mut first, &mut changes);
    }
    for o in current {
        let flows = observed.consumers.get(&o.id).cloned();
        first.push(delete(o, DeleteWhy::NotATarget, flows));
    }
    for o in old {
        match observed.consumers.get(&o.id) {
            Some(flows) if flows.is_empty() => {
                first.push(delete(o, DeleteWhy::Superseded, Some(Vec::new())))
            }
            flows => {
                plan.superseded.push(o.id.clone());
                plan.kept.push(KeptAction {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    function_arn: o.function_arn.clone(),
                    flows: flows.cloned(),
                });
            }
        }
    }
    ops.extend(first);
    ops.extend(changes);
    plan.superseded.sort();
    plan
}

/// One desired action against the owned action matched to it (if any): create it, replace it
/// (a contract change), update it in place, or keep it; records the ledger's next entry.
fn plan_one(
    observed: &ObservedGenesys,
    d: &DesiredAction,
    o: Option<&ObservedAction>,
    plan: &mut ActionPlan,
    first: &mut Vec<GenesysOp>,
    changes: &mut Vec<GenesysOp>,
) {
    let written = ActionRef::Written {
        name: d.name.clone(),
        contract: d.contract_digest(),
        config: config_digest(d),
    };
    let Some(o) = o else {
        changes.push(create(observed, d, None));
        plan.refs.push(written);
        return;
    };
    let differs = contract_differences(d, o);
    if !differs.is_empty() {
        let flows = observed.consumers.get(&o.id).cloned();
        let kept = flows.as_ref().is_none_or(|f| !f.is_empty());
        first.push(if kept {
            plan.superseded.push(o.id.clone());
            supersede(o, flows)
        } else {
            delete(o, DeleteWhy::Replaced, flows)
        });
        let replaces = Replaced {
            id: o.id.clone(),
            differs,
            kept,
        };
        changes.push(create(observed, d, Some(replaces)));
        plan.refs.push(written);
    } else if let Some(op) = update_op(d, &d.category, o) {
        changes.push(op);
        plan.refs.push(written);
    } else {
        plan.refs.push(ActionRef::Existing(ActionRecord {
            id: o.id.clone(),
            version: Some(o.version),
            contract: d.contract_digest(),
            config: config_digest(d),
        }));
    }
}

fn create(observed: &ObservedGenesys, d: &DesiredAction, replaces: Option<Replaced>) -> GenesysOp {
    GenesysOp::CreateAction {
        action: d.clone(),
        category: d.category.clone(),
        integration: integration_ref(observed),
        replaces,
    }
}

fn delete(o: &ObservedAction, why: DeleteWhy, flows: Option<Vec<Flow>>) -> GenesysOp {
    GenesysOp::DeleteAction {
        id: o.id.clone(),
        name: o.name.clone(),
        function_arn: o.function_arn.clone(),
        why,
        flows,
    }
}

fn supersede(o: &ObservedAction, flows: Option<Vec<Flow>>) -> GenesysOp {
    GenesysOp::SupersedeAction {
        id: o.id.clone(),
        version: o.version,
        name: o.name.clone(),
        new_name: superseded_name(&o.name, &o.id),
        flows,
    }
}

/// `Lookup order (superseded 1a2b3c4d)`: recognisable beside its replacement, and unique
/// (action names are) even when a target's contract changes twice while flows call both.
pub fn superseded_name(name: &str, id: &str) -> String {
    let short: String = id.chars().filter(|c| *c != '-').take(8).collect();
    format!("{name} (superseded {short})")
}

/// The parts of a published action's contract that differ from the desired one.
fn contract_differences(d: &DesiredAction, o: &ObservedAction) -> Vec<String> {
    let mut out = Vec::new();
    if d.input_schema != o.input_schema {
        out.push("inputSchema".to_string());
    }
    if d.output_schema != o.output_schema {
        out.push("successSchema".to_string());
    }
    if o.secure {
        out.push("secure".to_string());
    }
    out
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
        unexpressible: Vec::new(),
    }
}

/// A configuration-only difference: patched in place, the ID stays.
fn update_op(d: &DesiredAction, category: &str, o: &ObservedAction) -> Option<GenesysOp> {
    let want = as_observed(d, category, &o.id, o.version);
    (want != *o).then(|| GenesysOp::UpdateAction {
        id: o.id.clone(),
        version: o.version,
        action: d.clone(),
        category: category.to_string(),
        before: Box::new(o.clone()),
    })
}

fn config_op(
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
    let existing: Vec<ActionRecord> = actions
        .refs
        .iter()
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
    if ledger.role_arn != desired.role_arn && observed.integration.is_some() {
        reasons.push(ConfigReason::LedgerRole {
            role_arn: ledger.role_arn.clone(),
        });
    }
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
            .map(|i| super::state::notes_beside_ledger(&i.notes))
            .unwrap_or_default(),
        credential_key: observed.credential_key.clone(),
        credential,
        role_arn: desired.role_arn.clone(),
        actions: actions.refs.clone(),
        superseded: actions.superseded.clone(),
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

/// Everything lambda-trust owns in Genesys Cloud, deleted: owned actions (superseded ones
/// too), the integration (unless a foreign action still lives in it), then the credential.
/// Returns the plan and what is kept, with why. Deletes of actions a flow calls are refused
/// by [`GenesysPlan::refuse_in_use`] unless forced.
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
    };
    (plan, kept)
}
