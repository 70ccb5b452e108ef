//! What the guardrail is chosen with for one run, and where each value came from: each family
//! (your org IDs, the partner accounts, the roles exempted, the targets) as given (a flag, a
//! config's environments), else as `apply` recorded it, else its default.
//!
//! Part of `guardrail`. In `plan` (what apply would write) what is given wins; in `check` what
//! apply attached is what is proved, and a family given otherwise is a difference (`differs`),
//! never a failed proof. Org IDs, partner accounts and targets are recorded as they are; an
//! exemption is taken from the stored document only when its digest is in the record
//! (`record`): a value a hand edit added is not, so the defaults never come from the stored
//! document alone.

use std::collections::BTreeSet;

use serde_json::Value;

use lambda_trust_iam::{OperatorKind, Policy, ResourceClause};

use super::model::{
    Chosen, ChosenFrom, GuardrailAsked, GuardrailChoices, GuardrailMode, GuardrailSpec,
};
use super::record::long_digest;
use crate::organization::{OrgTree, StoredPolicy};

/// The run's choices: the spec the guardrail is written and proved from, where each value came
/// from, and (in `check`) each family given that differs from what apply attached.
pub(crate) struct Choice {
    pub(crate) spec: GuardrailSpec,
    pub(crate) choices: GuardrailChoices,
    pub(crate) differs: Vec<String>,
}

/// What apply recorded, each family `None` when not recorded.
#[derive(Default)]
struct Recorded {
    org_ids: Option<Vec<String>>,
    partners: Option<Vec<String>>,
    exempt: Option<Vec<String>>,
    targets: Option<Vec<String>>,
}

/// Chooses each family for `mode` from `asked` and what apply recorded on the stored guardrail;
/// `Err` when no org ID is given nor recorded.
pub(crate) fn choose(
    mode: GuardrailMode,
    asked: &GuardrailAsked,
    tree: &OrgTree,
) -> Result<Choice, String> {
    let recorded = tree.ours().map(recorded_of).unwrap_or_default();
    let given = |v: &[String]| (!v.is_empty()).then(|| flagged(v));
    let exempt_given = match asked.no_exempt {
        true => Some(Vec::new()),
        false => given(&asked.exempt),
    };
    let org_ids_given = (!asked.org_ids.is_empty()).then(|| asked.org_ids.clone());
    let mut picker = Picker {
        mode,
        differs: Vec::new(),
    };
    let org_ids = picker.pick("--genesys-org-id", org_ids_given, recorded.org_ids);
    let partners = picker.pick(
        "--partner-account",
        given(&asked.partners),
        recorded.partners,
    );
    let exempt = picker.pick("--exempt-role", exempt_given, recorded.exempt);
    let targets = picker.pick("--target", given(&asked.targets), recorded.targets);
    let Some(org_ids) = org_ids.filter(|o| !o.is_empty()) else {
        return Err(
            "the guardrail needs your Genesys Cloud org IDs: give --genesys-org-id \
                    UUID (repeatable), or run it beside a config whose environments' external \
                    IDs are your org IDs"
                .into(),
        );
    };
    let partners = partners.unwrap_or_else(|| {
        let genesys = lambda_trust_config::Partner::GenesysCloud.account_id();
        vec![chosen(genesys, ChosenFrom::Default)]
    });
    let targets = targets.unwrap_or_else(|| vec![chosen(&tree.root, ChosenFrom::Default)]);
    let choices = GuardrailChoices {
        org_ids,
        partners,
        exempt: exempt.unwrap_or_default(),
        targets,
    };
    Ok(Choice {
        spec: spec_of(&choices),
        choices,
        differs: picker.differs,
    })
}

/// The spec the choices write.
fn spec_of(choices: &GuardrailChoices) -> GuardrailSpec {
    let values = |v: &[Chosen]| v.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
    GuardrailSpec {
        org_ids: values(&choices.org_ids),
        partners: values(&choices.partners),
        exempt: values(&choices.exempt),
        targets: values(&choices.targets),
    }
}

/// Picks each family: what is given, else what apply recorded; in `check`, what apply
/// recorded, a family given otherwise noted in `differs`.
struct Picker {
    mode: GuardrailMode,
    differs: Vec<String>,
}

impl Picker {
    fn pick(
        &mut self,
        flag: &str,
        given: Option<Vec<Chosen>>,
        recorded: Option<Vec<String>>,
    ) -> Option<Vec<Chosen>> {
        let recorded: Option<Vec<Chosen>> = recorded.map(|r| {
            (r.iter())
                .map(|v| chosen(v, ChosenFrom::Recorded))
                .collect()
        });
        match (self.mode, given, recorded) {
            (GuardrailMode::Check, Some(g), Some(r)) => {
                self.differs.extend(differ(flag, &g, &r));
                Some(r)
            }
            (_, Some(g), _) | (_, None, Some(g)) => Some(g),
            (_, None, None) => None,
        }
    }
}

impl GuardrailAsked {
    /// Why what was given cannot be written (a malformed org ID or account, an exemption with
    /// a wildcard), before any call: a stand-in for an org ID not given (what apply recorded
    /// is read first).
    pub fn refused(&self) -> Option<String> {
        let mut spec = spec_of(&GuardrailChoices {
            org_ids: self.org_ids.clone(),
            partners: flagged(&self.partners),
            exempt: flagged(&self.exempt),
            targets: Vec::new(),
        });
        if spec.org_ids.is_empty() {
            spec.org_ids = vec!["00000000-0000-4000-8000-000000000000".into()];
        }
        if spec.partners.is_empty() {
            let genesys = lambda_trust_config::Partner::GenesysCloud.account_id();
            spec.partners = vec![genesys.to_owned()];
        }
        super::document::guardrail_document(&spec).err()
    }
}

/// `value` from `from`.
fn chosen(value: &str, from: ChosenFrom) -> Chosen {
    Chosen {
        value: value.to_owned(),
        from,
    }
}

fn flagged(values: &[String]) -> Vec<Chosen> {
    values.iter().map(|v| chosen(v, ChosenFrom::Flag)).collect()
}

/// `given` against what apply recorded: `None` when they hold the same values.
fn differ(flag: &str, given: &[Chosen], recorded: &[Chosen]) -> Option<String> {
    let set = |v: &[Chosen]| v.iter().map(|c| c.value.clone()).collect::<BTreeSet<_>>();
    let (now, then) = (set(given), set(recorded));
    if now == then {
        return None;
    }
    let list = |s: &BTreeSet<String>| match s.is_empty() {
        true => "none".to_owned(),
        false => s.iter().cloned().collect::<Vec<_>>().join(", "),
    };
    Some(format!(
        "{flag} differs from what apply attached: given {}; at apply {} (the proofs are of \
         what apply attached; apply with these writes them)",
        list(&now),
        list(&then)
    ))
}

/// What apply recorded on `stored`; its exemptions from its document, each only when its
/// digest is recorded.
fn recorded_of(stored: &StoredPolicy) -> Recorded {
    let record = &stored.record();
    let plain = |r: &Option<BTreeSet<String>>| r.as_ref().map(|v| v.iter().cloned().collect());
    let (ids, arns) = named_in(&stored.document);
    let exempt = (record.exempt.values.as_ref()).map(|digests| {
        let mut out: Vec<String> = Vec::new();
        for a in arns.iter().filter(|v| digests.contains(&long_digest(v))) {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    });
    // In the stored document's order, so that a document written from them reads as stored.
    let org_ids = (record.org_ids.values.as_ref()).map(|recorded| {
        let mut out: Vec<String> = ids
            .iter()
            .filter(|i| recorded.contains(*i))
            .cloned()
            .collect();
        out.dedup();
        let rest: Vec<String> = recorded
            .iter()
            .filter(|r| !out.contains(r))
            .cloned()
            .collect();
        out.extend(rest);
        out
    });
    Recorded {
        org_ids,
        exempt,
        partners: plain(&record.partners.values),
        targets: record.targets(),
    }
}

/// The `sts:ExternalId` values of every `StringNotEquals` and the `NotResource` ARNs of
/// `document`, in its order.
fn named_in(document: &Value) -> (Vec<String>, Vec<String>) {
    let Ok(policy) = Policy::try_from(document) else {
        return (Vec::new(), Vec::new());
    };
    let mut ids = Vec::new();
    let mut arns = Vec::new();
    for s in &policy.statements {
        for c in &s.conditions {
            if c.operator.kind == OperatorKind::StringNotEquals
                && c.key.eq_ignore_ascii_case("sts:ExternalId")
            {
                ids.extend(c.values.iter().cloned());
            }
        }
        if let Some(ResourceClause::NotResource(r)) = &s.resource {
            arns.extend(r.iter().cloned());
        }
    }
    (ids, arns)
}
