//! The Genesys Cloud planner: [`DesiredGenesys`] × [`ObservedGenesys`] → [`GenesysPlan`].
//!
//! Part of the pure model. As on the AWS side the plan is resolved before anything is
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

use lambda_trust_model::*;

mod actions;
mod credential;
mod destroy;
mod ledger;

use actions::action_ops;
pub(crate) use actions::as_observed;
pub(crate) use credential::credential_drift;
use credential::credential_ops;
pub use destroy::plan_genesys_destroy;
use ledger::config_op;

/// One Genesys Cloud change: one write request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GenesysOp {
    /// `POST /api/v2/integrations/credentials`: the credential holding the role ARN.
    CreateCredential {
        /// The credential's name.
        name: String,
        /// The role ARN it holds.
        role_arn: String,
        /// Credentials already listed with this name: after a lost answer, the one listed
        /// that is not among these is the one this create made.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        known: Vec<String>,
    },
    /// `PUT /api/v2/integrations/credentials/{id}`: writes the role ARN again.
    UpdateCredential {
        /// The credential's ID.
        id: String,
        /// The credential's name.
        name: String,
        /// The role ARN written into it.
        role_arn: String,
        /// Why it is written again, for people (a changed ARN, an edit outside lambda-trust, an
        /// adoption).
        reason: String,
    },
    /// `POST /api/v2/integrations`: our integration, of the AWS Lambda data actions type.
    CreateIntegration {
        /// The integration's name.
        name: String,
    },
    /// `PATCH /api/v2/integrations/actions/{id}`: name, category or configuration (never the
    /// contract, which Genesys Cloud does not let change after publishing). The ID stays.
    UpdateAction {
        /// The action's ID.
        id: String,
        /// The action's version as read (Genesys Cloud refuses a write at another).
        version: i64,
        /// The action as the config wants it.
        action: DesiredAction,
        /// The category it is written under.
        category: String,
        /// The action as it is, shown as what changes.
        before: Box<ObservedAction>,
        /// How: patched (live at once), written to the draft, or the draft published.
        #[serde(default)]
        via: UpdateVia,
    },
    /// `POST /api/v2/integrations/actions` (published at once). With `replaces`, a new action
    /// (new ID) for a target whose contract changed.
    CreateAction {
        /// The action as the config wants it.
        action: DesiredAction,
        /// The category it is created under.
        category: String,
        /// The integration it belongs to: an existing one, or the one this apply creates.
        integration: IntegrationRef,
        /// The action it replaces after a contract change, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<Replaced>,
    },
    /// `PATCH …/actions/{id}` `{name, version}`: an action replaced after a contract change
    /// that a flow still calls is kept under a recognisable name, and deleted by a later apply
    /// once no published flow calls it.
    SupersedeAction {
        /// The action's ID.
        id: String,
        /// The action's version as read.
        version: i64,
        /// Its name now.
        name: String,
        /// The name it is kept under.
        new_name: String,
        /// The flows that call it (`None`: not looked up, so assumed in use).
        flows: Option<Vec<Flow>>,
    },
    /// `DELETE /api/v2/integrations/actions/{id}`: an action lambda-trust owns and no longer wants.
    DeleteAction {
        /// The action's ID.
        id: String,
        /// The action's name.
        name: String,
        /// The function ARN it invokes.
        function_arn: String,
        /// Why it is deleted.
        why: DeleteWhy,
        /// The published flows that call it (`None`: not looked up). Only an explicit
        /// `--force` deletes an action some flow calls ([`GenesysPlan::refuse`]).
        flows: Option<Vec<Flow>>,
    },
    /// `PUT …/config/current`: name, the credential binding and the ledger (in `notes`).
    PutConfig(ConfigWrite),
    /// `PATCH /api/v2/integrations/{id}` `{intendedState: ENABLED}`.
    Enable {
        /// The integration: an existing one, or the one this apply creates.
        integration: IntegrationRef,
        /// The integration's name.
        name: String,
        /// Its intended state as read (`DISABLED`), or `None` when this apply creates it.
        was: Option<String>,
    },
    /// Destroy only.
    DeleteIntegration {
        /// The integration's ID.
        id: String,
        /// The integration's name.
        name: String,
    },
    /// Destroy only.
    DeleteCredential {
        /// The credential's ID.
        id: String,
        /// The credential's name.
        name: String,
    },
}

/// How an action's configuration change is written (`[genesys].publish`, `apply --publish`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpdateVia {
    /// `PATCH …/actions/{id}`: live at once.
    #[default]
    Patch,
    /// `POST …/{id}/draft` when there is no draft (`draft` holds its version otherwise), then
    /// `PATCH …/{id}/draft`: the published action stays as it is.
    Draft {
        /// The existing draft's version, or `None` when the draft is created first.
        draft: Option<i64>,
    },
    /// `POST …/{id}/draft/publish` of the draft at this version, which holds the change.
    Publish {
        /// The version of the draft published.
        draft: i64,
    },
}

/// The integration config lambda-trust writes: name, the credential binding, the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigWrite {
    /// The integration written: an existing one, or the one this apply creates.
    pub integration: IntegrationRef,
    /// The observed version; `None` for an integration this apply creates (read first).
    pub version: Option<i64>,
    /// The integration's name.
    pub name: String,
    /// The config's `properties`, kept as they are (`{}` for a new integration).
    pub properties: Value,
    /// The config's `advanced` settings, kept as they are (`{}` for a new integration).
    pub advanced: Value,
    /// The integration's own notes (the text beside the ledger), kept as they are.
    #[serde(default)]
    pub notes: String,
    /// The key the integration type binds its `amazonWebServicesARN` credential under.
    pub credential_key: String,
    /// The credential bound: unchanged, or the one this apply writes.
    pub credential: CredentialRef,
    /// The role ARN the ledger records as written into the credential.
    pub role_arn: String,
    /// The actions the ledger lists as owned.
    pub actions: Vec<ActionRef>,
    /// The IDs of the superseded actions the ledger keeps (a published flow still calls them).
    pub superseded: Vec<String>,
    /// The deployment the ledger names (the config's `deployment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// What differs: rendered for people, judged by `check` from the variant.
    pub(crate) reasons: Vec<ConfigReason>,
}

/// Why an integration config is rewritten. `check` decides a finding's severity from the
/// variant (never from the text): a swapped credential binding is `security`; the ones that
/// only follow from another op of the same plan are no finding of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ConfigReason {
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
    /// The ledger does not name the config's deployment yet (written before deployments).
    Deployment,
}

impl ConfigReason {
    /// Follows from another op of the same plan (bookkeeping, not a finding of its own).
    pub(crate) fn is_consequence(&self) -> bool {
        matches!(
            self,
            ConfigReason::CredentialWritten
                | ConfigReason::ActionsChange
                | ConfigReason::Records
                | ConfigReason::Deployment
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
            ConfigReason::Deployment => write!(f, "the ledger is given the config's deployment"),
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
    /// The replaced action's ID.
    pub id: String,
    /// The contract parts that differ (`inputSchema`, `successSchema`, `secure`).
    pub differs: Vec<String>,
    /// Kept (renamed, superseded) because a flow calls it, or deleted.
    pub kept: bool,
}

/// Which integration an op writes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationRef {
    /// An integration that exists, by ID.
    Existing(String),
    /// The integration this apply creates: its ID comes from the create's answer.
    Created,
}

/// Which credential the integration config binds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialRef {
    /// Unchanged: its ID and the `modifiedDate` the ledger keeps.
    Existing {
        /// The credential's ID.
        id: String,
        /// Its `modifiedDate` as lambda-trust last wrote it.
        modified: String,
    },
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
        /// The action's name.
        name: String,
        /// The digest of its contract ([`ActionDef::contract_digest`](lambda_trust_model::ActionDef::contract_digest)).
        contract: String,
        /// The digest of its configuration ([`ActionDef::config_digest`](lambda_trust_model::ActionDef::config_digest)).
        config: String,
    },
}

/// An action superseded earlier that a published flow still calls: kept, reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(inline, deny_unknown_fields))]
pub struct KeptAction {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) function_arn: String,
    /// null: not looked up.
    pub(crate) flows: Option<Vec<Flow>>,
}

/// What `apply` would change in Genesys Cloud, plus what it will not touch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenesysPlan {
    /// The write requests, in the order `apply` makes them.
    pub ops: Vec<GenesysOp>,
    /// Actions in our integration that lambda-trust does not own: reported, never changed.
    pub foreign: Vec<ObservedAction>,
    /// Superseded actions still called by a flow: kept until nothing calls them.
    #[serde(default)]
    pub kept: Vec<KeptAction>,
    /// Actions whose draft holds the configured change, waiting for `apply --publish`.
    #[serde(default)]
    pub(crate) pending: Vec<PendingDraft>,
    /// Actions that choose their function at run time, and the targets each can reach.
    #[serde(default)]
    pub(crate) reach: Vec<Reach>,
    /// Targets outside the organization's AWS region, when that region is known.
    #[serde(default)]
    pub(crate) elsewhere: Option<Elsewhere>,
}

/// Targets in another AWS region than the Genesys Cloud organization's. Genesys Cloud invokes
/// them ("L'intégration AWS Lambda prend en charge les invocations interrégionales": Genesys
/// help, "Créer des ressources IAM pour appeler une fonction AWS Lambda",
/// https://fr-help.mypurecloud.com/articles/create-iam-resources-to-invoke-an-aws-lambda-function/,
/// read 2026-11-27; the German page says the same), so this is a note, never a failure: each
/// call crosses regions (latency) and its data leaves the organization's region (residency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Elsewhere {
    pub(crate) region: String,
    pub(crate) targets: Vec<String>,
}

/// The [`Elsewhere`] of `desired`'s granted targets; `None` when the organization's region is
/// not known (endpoints from an API URL) or every target is in it.
pub(crate) fn elsewhere(desired: &DesiredGenesys) -> Option<Elsewhere> {
    let region = desired.region.as_deref()?;
    let targets: Vec<String> = (desired.granted.iter())
        .filter(|arn| lambda_trust_iam::split_arn(arn).is_some_and(|f| f[3] != region))
        .cloned()
        .collect();
    (!targets.is_empty()).then(|| Elsewhere {
        region: region.to_string(),
        targets,
    })
}

/// An action whose request URL template is an expression: the granted functions whose ARNs
/// the template can produce (it grants nothing of its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Reach {
    pub(crate) name: String,
    pub(crate) template: String,
    pub(crate) targets: Vec<String>,
}

/// The [`Reach`] of every `[[genesys.actions]]` action.
pub(crate) fn reaches(desired: &DesiredGenesys) -> Vec<Reach> {
    desired
        .actions
        .iter()
        .filter(|d| d.target == DYNAMIC)
        .map(|d| Reach {
            name: d.def.name.clone(),
            template: d.def.function_arn().to_string(),
            targets: template_reach(d.def.function_arn(), &desired.granted),
        })
        .collect()
}

/// An action whose draft holds the configured change while the published one does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingDraft {
    pub(crate) id: String,
    pub(crate) name: String,
    /// The draft's fields that differ from the published action's, by API name.
    pub(crate) differs: Vec<String>,
}

impl GenesysPlan {
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

    /// Refuses a plan that may not be written: one that deletes an action a flow calls, or
    /// whose callers are unknown (unless `force`), or writes an action with a defect it did
    /// not have.
    pub fn refuse(&self, force: bool) -> Result<(), GenesysPlanError> {
        self.refuse_in_use(force)?;
        self.refuse_defective_writes()
    }

    /// Refuses (unless `force`) a plan that deletes an action a published flow calls, or
    /// whose callers are unknown: deleting it would break the flow in production. Each is said
    /// as a kept action would be.
    pub(crate) fn refuse_in_use(&self, force: bool) -> Result<(), GenesysPlanError> {
        let in_use: Vec<KeptAction> = self
            .ops
            .iter()
            .filter_map(|op| match op {
                GenesysOp::DeleteAction {
                    id,
                    name,
                    function_arn,
                    flows,
                    ..
                } if flows.as_ref().is_none_or(|f| !f.is_empty()) => Some(KeptAction {
                    id: id.clone(),
                    name: name.clone(),
                    function_arn: function_arn.clone(),
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

    /// Refuses a plan that writes an action new, or changes one, with a defect in its response
    /// it did not have ([`lambda_trust_config::ResponseDefect`]: every run that reaches it
    /// fails). An action that exists keeps what it has: an update that leaves its defect as it
    /// is passes.
    pub(crate) fn refuse_defective_writes(&self) -> Result<(), GenesysPlanError> {
        let mut found = Vec::new();
        for op in &self.ops {
            let (action, held) = match op {
                GenesysOp::CreateAction { action, .. } => (action, Vec::new()),
                GenesysOp::UpdateAction { action, before, .. } => {
                    (action, response_defects(&before.def))
                }
                _ => continue,
            };
            let new = response_defects(&action.def).into_iter();
            found.extend(
                new.filter(|d| !held.contains(d))
                    .map(|d| (action.def.name.clone(), d)),
            );
        }
        match found.is_empty() {
            true => Ok(()),
            false => Err(GenesysPlanError::Defective(found)),
        }
    }
}

/// An action's response defects, against its own output contract.
pub(crate) fn response_defects(def: &ActionDef) -> Vec<lambda_trust_config::ResponseDefect> {
    let response = &def.config.response;
    lambda_trust_config::response_defects(
        &response.success_template,
        &response.translation_map_defaults,
        &def.contract.success_schema,
    )
}

fn defective_text(found: &[(String, lambda_trust_config::ResponseDefect)]) -> String {
    (found.iter())
        .map(|(name, d)| format!("\n  action {name:?}: {d}; {}", d.fix()))
        .collect()
}

/// The actions a flow calls (or may call: `flows` is `None` when unknown).
fn in_use_text(v: &[KeptAction]) -> String {
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

fn pinned_text(found_type: &Option<String>) -> String {
    match found_type {
        Some(t) => format!("that integration is of type {t}, not {INTEGRATION_TYPE}"),
        None => "the organization has no integration with that ID".to_string(),
    }
}

/// Why the Genesys Cloud side cannot be planned: nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesysPlanError {
    /// Several integrations of our type have our integration's name: lambda-trust never guesses
    /// which.
    #[error("{} Genesys Cloud integrations of type {INTEGRATION_TYPE} are named {name:?}: {}", ids.len(), ids.join(", "))]
    Ambiguous {
        /// The integration name.
        name: String,
        /// The IDs of the integrations with that name.
        ids: Vec<String>,
    },
    /// `[genesys].integration_id` names no integration of our type.
    #[error("[genesys].integration_id is {id}, but {}", pinned_text(.found_type))]
    PinnedMissing {
        /// The pinned ID.
        id: String,
        /// The type of the integration with that ID, when it is not ours.
        found_type: Option<String>,
    },
    /// The integration with our name was not created by lambda-trust (its notes hold no ledger),
    /// and `--adopt` was not given.
    #[error("the Genesys Cloud integration {name:?} ({id}) was not created by lambda-trust")]
    NotOwned {
        /// The integration's name.
        name: String,
        /// The integration's ID.
        id: String,
    },
    /// The integration's ledger names another deployment.
    #[error("the Genesys Cloud integration {name:?} ({id}) belongs to deployment {live:?}, and this config is deployment {}; refusing to touch it", want.as_deref().map_or("none (the config has no `deployment`)".to_string(), |w| format!("{w:?}")))]
    OtherDeployment {
        /// The integration's name.
        name: String,
        /// The integration's ID.
        id: String,
        /// The deployment its ledger names.
        live: String,
        /// This config's `deployment`, if it has one.
        want: Option<String>,
    },
    /// The integration type declares no credential of type `amazonWebServicesARN` to bind.
    #[error(
        "the integration type {INTEGRATION_TYPE} declares no credential of type {CREDENTIAL_TYPE}"
    )]
    NoCredentialKey,
    /// Data actions a published Architect flow calls would be deleted (`--force` deletes them
    /// anyway).
    #[error("refusing to delete data actions that published Architect flows call (deleting them breaks those flows):{}", in_use_text(.0))]
    InUse(Vec<KeptAction>),
    /// Data actions the plan would write new (or change) with a defect in their response: every
    /// run that reaches it would fail.
    #[error("refusing to write data actions whose response fails every run that reaches the defect (Genesys Cloud accepts them); refused before any write:{}", defective_text(.0))]
    Defective(Vec<(String, lambda_trust_config::ResponseDefect)>),
}

/// Whether the integration is this deployment's, as `plan` judges it (and `check`, which
/// plans as if adopting): one whose ledger names another deployment is another config's.
pub fn integration_deployment(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
) -> Result<(), GenesysPlanError> {
    let Some(i) = &observed.integration else {
        return Ok(());
    };
    match i.ledger().and_then(|l| l.deployment) {
        Some(live) if desired.deployment.as_ref() != Some(&live) => {
            Err(GenesysPlanError::OtherDeployment {
                name: i.name.clone(),
                id: i.id.clone(),
                live,
                want: desired.deployment.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// Plans the Genesys Cloud side. `adopt` takes over an integration (and the actions in it
/// named as ours) that lambda-trust did not create. Deletes of actions a flow calls are in
/// the plan; [`GenesysPlan::refuse`] refuses them unless forced.
pub fn plan_genesys(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    adopt: bool,
) -> Result<GenesysPlan, GenesysPlanError> {
    if let (Some(id), None) = (&desired.integration_id, &observed.integration) {
        return Err(GenesysPlanError::PinnedMissing {
            id: id.clone(),
            found_type: observed.pinned_type.clone(),
        });
    }
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
    // `check` says another deployment's integration itself; `plan --adopt` refuses it first.
    if !adopt {
        integration_deployment(desired, observed)?;
    }
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
        pending: actions.pending,
        reach: reaches(desired),
        elsewhere: elsewhere(desired),
    })
}

fn integration_ref(observed: &ObservedGenesys) -> IntegrationRef {
    match &observed.integration {
        Some(i) => IntegrationRef::Existing(i.id.clone()),
        None => IntegrationRef::Created,
    }
}

impl lambda_trust_verdict::Hinted for GenesysPlanError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            GenesysPlanError::Ambiguous { .. } => "integration names are not unique; rename or delete all but one in Genesys Cloud (Admin > Integrations), or set [genesys].integration to another name".to_string(),
            GenesysPlanError::PinnedMissing { .. } => "set [genesys].integration_id to the ID of the aws-lambda-data-actions integration to manage (Admin > Integrations), or remove it to find the integration by [genesys].integration's name (lambda-trust then creates it when none has that name)".to_string(),
            GenesysPlanError::NotOwned { .. } => "run with --adopt to take it over, or set [genesys].integration to another name".to_string(),
            GenesysPlanError::OtherDeployment { live, .. } => format!("two configs must not manage one integration: set [genesys].integration to another name — or, if this config is deployment {live:?}, set `deployment = {live:?}` at its top (--adopt refuses it too)"),
            GenesysPlanError::NoCredentialKey  => "Genesys Cloud changed the integration type; report this to the lambda-trust maintainers".to_string(),
            GenesysPlanError::InUse(_) => "change and republish those flows so they no longer call the action, then run again; or pass --force to delete anyway".to_string(),
            GenesysPlanError::Defective(_) => "fix each in the config as said, then run again (an action that exists in Genesys Cloud keeps its own until then)".to_string(),
        })
    }
}

/// The granted ARNs a request URL template can produce: each `${…}` stands for any text.
pub(crate) fn template_reach(template: &str, granted: &[String]) -> Vec<String> {
    let pattern = lambda_trust_model::url_pattern(template);
    granted
        .iter()
        .filter(|arn| lambda_trust_iam::wildcard_match(&pattern, arn, false))
        .cloned()
        .collect()
}
