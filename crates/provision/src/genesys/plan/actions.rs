//! The actions' ops: create, replace (a contract or `secure` change), update in place (patched,
//! or with `[genesys].publish = "draft"` written to the draft and published by
//! `apply --publish`), supersede, delete; and the ledger records they leave.

use super::*;
use lambda_trust_model::ActionDef;

/// What the action planning decides besides its ops: the ledger's next records, the
/// superseded actions it keeps, and the foreign actions.
pub(super) struct ActionPlan {
    pub(super) refs: Vec<ActionRef>,
    pub(super) superseded: Vec<String>,
    pub(super) kept: Vec<KeptAction>,
    pub(super) foreign: Vec<ObservedAction>,
    pub(super) pending: Vec<PendingDraft>,
}

/// The org as configured (`desired`) and as found (`observed`).
#[derive(Clone, Copy)]
struct Org<'a> {
    desired: &'a DesiredGenesys,
    observed: &'a ObservedGenesys,
}

/// A desired action and the owned action matched to it.
#[derive(Clone, Copy)]
struct Matched<'a> {
    d: &'a DesiredAction,
    o: &'a ObservedAction,
}

/// An action superseded by an earlier replacement: deleted once no flow calls it, else kept.
fn retire_superseded(
    observed: &ObservedGenesys,
    o: &ObservedAction,
    plan: &mut ActionPlan,
    first: &mut Vec<GenesysOp>,
) {
    match observed.consumers.get(&o.id) {
        Some(flows) if flows.is_empty() => {
            first.push(delete(o, DeleteWhy::Superseded, Some(Vec::new())))
        }
        flows => {
            plan.superseded.push(o.id.clone());
            plan.kept.push(KeptAction {
                id: o.id.clone(),
                name: o.def.name.clone(),
                function_arn: o.def.function_arn().to_string(),
                flows: flows.cloned(),
            });
        }
    }
}

/// Creates, replacements, updates and deletes of owned actions.
pub(super) fn action_ops(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    ledger: &Ledger,
    adopt: bool,
    ops: &mut Vec<GenesysOp>,
) -> ActionPlan {
    let wanted = |a: &ObservedAction| desired.actions.iter().any(|d| d.def.name == a.def.name);
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
        pending: Vec::new(),
    };
    // Deletes and renames first: they free the names (unique) that creates take.
    let mut first = Vec::new();
    let mut changes = Vec::new();
    for d in &desired.actions {
        let pos = current
            .iter()
            .position(|a| a.def.name == d.def.name)
            .or_else(|| {
                current
                    .iter()
                    .position(|a| a.def.function_arn() == d.def.function_arn())
            });
        let o = pos.map(|p| current.remove(p));
        let d = o
            .as_ref()
            .map_or(std::borrow::Cow::Borrowed(d), |o| d.as_found(&o.def));
        plan_one(
            desired,
            observed,
            &d,
            o,
            &mut plan,
            &mut first,
            &mut changes,
        );
    }
    for o in current {
        let flows = observed.consumers.get(&o.id).cloned();
        first.push(delete(o, DeleteWhy::NotATarget, flows));
    }
    for o in old {
        retire_superseded(observed, o, &mut plan, &mut first);
    }
    ops.extend(first);
    ops.extend(changes);
    plan.superseded.sort();
    plan
}

/// One desired action against the owned action matched to it (if any): create it, replace it
/// (a contract change), update it in place, or keep it; records the ledger's next entry.
fn plan_one(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    d: &DesiredAction,
    o: Option<&ObservedAction>,
    plan: &mut ActionPlan,
    first: &mut Vec<GenesysOp>,
    changes: &mut Vec<GenesysOp>,
) {
    let written = ActionRef::Written {
        name: d.def.name.clone(),
        contract: d.def.contract_digest(),
        config: d.def.config_digest(),
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
    } else if let Some(op) = update_op(d, &d.def.category, o) {
        let org = Org { desired, observed };
        plan_update(org, Matched { d, o }, op, plan, changes, written);
    } else {
        plan.refs.push(existing(o, d, &d.def));
    }
}

/// An owned action whose config differs: its update, published or into its draft — or, when
/// the draft holds the change, pending until `apply --publish`.
fn plan_update(
    org: Org<'_>,
    matched: Matched<'_>,
    op: GenesysOp,
    plan: &mut ActionPlan,
    changes: &mut Vec<GenesysOp>,
    written: ActionRef,
) {
    let Matched { d, o } = matched;
    match update_via(org.desired, org.observed, d, o) {
        // The draft holds the change: the published action (and the ledger's record of
        // it) stays until `apply --publish`.
        None => {
            plan.pending.push(PendingDraft {
                id: o.id.clone(),
                name: o.def.name.clone(),
                differs: differing_fields(&d.def, &o.def),
            });
            plan.refs.push(existing(o, d, &o.def));
        }
        Some(via) => {
            let keeps_record = matches!(via, UpdateVia::Draft { .. });
            changes.push(with_via(op, via));
            plan.refs.push(match keeps_record {
                true => existing(o, d, &o.def),
                false => written,
            });
        }
    }
}

/// The ledger's record of the owned action `o` holding `d`'s contract and `config`'s config.
fn existing(o: &ObservedAction, d: &DesiredAction, config: &ActionDef) -> ActionRef {
    ActionRef::Existing(ActionRecord {
        id: o.id.clone(),
        version: Some(o.version),
        contract: d.def.contract_digest(),
        config: config.config_digest(),
    })
}

fn create(observed: &ObservedGenesys, d: &DesiredAction, replaces: Option<Replaced>) -> GenesysOp {
    GenesysOp::CreateAction {
        action: d.clone(),
        category: d.def.category.clone(),
        integration: integration_ref(observed),
        replaces,
    }
}

pub(super) fn delete(o: &ObservedAction, why: DeleteWhy, flows: Option<Vec<Flow>>) -> GenesysOp {
    GenesysOp::DeleteAction {
        id: o.id.clone(),
        name: o.def.name.clone(),
        function_arn: o.def.function_arn().to_string(),
        why,
        flows,
    }
}

fn supersede(o: &ObservedAction, flows: Option<Vec<Flow>>) -> GenesysOp {
    GenesysOp::SupersedeAction {
        id: o.id.clone(),
        version: o.version,
        name: o.def.name.clone(),
        new_name: superseded_name(&o.def.name, &o.id),
        flows,
    }
}

/// `Lookup order (superseded 1a2b3c4d)`: recognisable beside its replacement, and unique
/// (action names are) even when a target's contract changes twice while flows call both.
fn superseded_name(name: &str, id: &str) -> String {
    let short: String = id.chars().filter(|c| *c != '-').take(8).collect();
    format!("{name} (superseded {short})")
}

/// The parts of a published action's contract (and `secure`) that differ from the desired one.
fn contract_differences(d: &DesiredAction, o: &ObservedAction) -> Vec<String> {
    d.def.fixed_differences(&o.def)
}

/// The action as lambda-trust would write it, in the observed shape (for comparing and diffs).
pub(crate) fn as_observed(
    d: &DesiredAction,
    category: &str,
    id: &str,
    version: i64,
) -> ObservedAction {
    ObservedAction {
        id: id.to_string(),
        version,
        def: ActionDef {
            category: category.to_string(),
            ..d.def.clone()
        },
    }
}

/// How a configuration change of `o` is written: patched (no drafts), to the draft, or by
/// publishing the draft that holds it; `None`: the draft holds it and waits for `--publish`.
fn update_via(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    d: &DesiredAction,
    o: &ObservedAction,
) -> Option<UpdateVia> {
    let draft = observed.drafts.get(&o.id);
    let holds = draft.is_some_and(|x| as_observed(d, &d.def.category, &x.id, x.version) == *x);
    match (draft, holds) {
        (Some(x), true) if desired.publish_drafts => Some(UpdateVia::Publish { draft: x.version }),
        (Some(_), true) => None,
        (x, false) if desired.drafts => Some(UpdateVia::Draft {
            draft: x.map(|x| x.version),
        }),
        _ => Some(UpdateVia::Patch),
    }
}

fn with_via(op: GenesysOp, how: UpdateVia) -> GenesysOp {
    match op {
        GenesysOp::UpdateAction {
            id,
            version,
            action,
            category,
            before,
            ..
        } => GenesysOp::UpdateAction {
            id,
            version,
            action,
            category,
            before,
            via: how,
        },
        other => other,
    }
}

/// The diff document's fields whose values differ between `a` and `b`.
fn differing_fields(a: &ActionDef, b: &ActionDef) -> Vec<String> {
    let (x, y) = (a.doc(), b.doc());
    let keys: std::collections::BTreeSet<&String> = x
        .as_object()
        .into_iter()
        .chain(y.as_object())
        .flat_map(|m| m.keys())
        .collect();
    keys.into_iter()
        .filter(|k| x.get(*k) != y.get(*k))
        .cloned()
        .collect()
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
        via: UpdateVia::Patch,
    })
}
