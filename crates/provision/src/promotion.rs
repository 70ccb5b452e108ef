//! Two live environments compared with their configured overrides taken out (`lambda-trust
//! diff --env A --env B`): "is prod what dev was" has one answer.
//!
//! What each environment must differ in — its org ID, its partner and own accounts, its
//! deployment, the functions and qualifiers its targets resolve to — is replaced by a name
//! (`{external_id}`, `{account_id}`, `target "lookup-customer"`) before comparing: the role
//! (trust policy, description, session, boundary, path, the user's tags), the grants of its
//! invoke policies, and each Genesys Cloud data action (its contract above all, named when it
//! differs).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use lambda_trust_model::{Desired, Observed, ObservedGenesys};

/// One environment as read: what it wants (for the names of its overrides) and what it has.
pub struct Environment<'a> {
    /// The environment's name.
    pub name: &'a str,
    /// Its desired state (targets resolved in its account and region).
    pub desired: &'a Desired,
    /// Its live AWS side.
    pub observed: &'a Observed,
    /// Its live Genesys Cloud side, when the config has `[genesys]` and it was read.
    pub genesys: Option<&'a ObservedGenesys>,
}

/// One thing the two environments have differently, after the overrides are taken out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Difference {
    /// What differs: `role trust policy`, `grant`, `action "Lookup customer" contract`, ….
    pub what: String,
    /// The first environment's value (`absent` when it has none).
    pub first: String,
    /// The second environment's value.
    pub second: String,
}

/// Every difference between `a` and `b`, in the order: role, grants, actions.
pub fn differences(a: &Environment<'_>, b: &Environment<'_>) -> Vec<Difference> {
    let mut out = Vec::new();
    let (ra, rb) = (role(a), role(b));
    for key in ra.keys().chain(rb.keys()).collect::<BTreeSet<_>>() {
        let (x, y) = (ra.get(key), rb.get(key));
        if x != y {
            out.push(difference(key, x, y));
        }
    }
    let (ga, gb) = (grants(a), grants(b));
    for g in ga.symmetric_difference(&gb) {
        let (x, y) = (
            ga.contains(g).then(|| g.clone()),
            gb.contains(g).then(|| g.clone()),
        );
        out.push(difference("grant", x.as_ref(), y.as_ref()));
    }
    let (aa, ab) = (actions(a), actions(b));
    for name in aa.keys().chain(ab.keys()).collect::<BTreeSet<_>>() {
        out.extend(action_differences(name, aa.get(name), ab.get(name)));
    }
    out
}

fn difference(what: &str, x: Option<&String>, y: Option<&String>) -> Difference {
    let shown = |v: Option<&String>| v.cloned().unwrap_or_else(|| "absent".into());
    Difference {
        what: what.to_string(),
        first: shown(x),
        second: shown(y),
    }
}

/// The environment's own values, longest first, each with the name it is compared under.
fn names(e: &Environment<'_>) -> Vec<(String, String)> {
    let d = e.desired;
    let partner = lambda_trust_iam::account_of(&d.partner_principal).to_string();
    let mut out = vec![
        (d.external_id.clone(), "{external_id}".to_string()),
        (partner, "{partner_account_id}".to_string()),
        (d.account_id.clone(), "{account_id}".to_string()),
    ];
    for t in &d.targets {
        for arn in &t.granted_arns {
            out.push((arn.clone(), format!("target #{}", t.index + 1)));
        }
    }
    out.retain(|(value, _)| !value.is_empty());
    out.sort_by_key(|(value, _)| std::cmp::Reverse(value.len()));
    out
}

/// `text` with the environment's own values named.
fn named(e: &Environment<'_>, text: &str) -> String {
    let mut out = text.to_string();
    for (value, name) in names(e) {
        out = out.replace(&value, &name);
    }
    out
}

/// The role's settings as compared, by what they are.
fn role(e: &Environment<'_>) -> BTreeMap<String, String> {
    let Some(r) = &e.observed.role else {
        return BTreeMap::from([("role".to_string(), "absent".to_string())]);
    };
    let trust = lambda_trust_iam::normalize(&r.trust).to_string();
    let mut out = BTreeMap::from([
        ("role trust policy".to_string(), named(e, &trust)),
        ("role path".to_string(), r.path.clone()),
        (
            "role description".to_string(),
            r.description.clone().unwrap_or_default(),
        ),
        (
            "role max session".to_string(),
            r.max_session_duration.to_string(),
        ),
        (
            "role permissions boundary".to_string(),
            named(e, r.permissions_boundary.as_deref().unwrap_or("none")),
        ),
    ]);
    for (key, value) in &r.tags {
        if !key.starts_with("lambda-trust:") {
            out.insert(format!("role tag {key}"), value.clone());
        }
    }
    out
}

/// Every resource the invoke policies' default versions name, as the environment's names.
fn grants(e: &Environment<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in &e.observed.policies {
        let doc = lambda_trust_iam::normalize(&p.document);
        let statements = doc["Statement"].as_array().cloned().unwrap_or_default();
        for s in statements {
            let action = named(e, &s["Action"].to_string());
            for r in resources(&s["Resource"]) {
                out.insert(format!("{} {action} on {}", effect(&s), named(e, &r)));
            }
        }
    }
    out
}

fn effect(statement: &Value) -> String {
    statement["Effect"].as_str().unwrap_or("?").to_string()
}

fn resources(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Each data action by name: its flat document, the environment's values named.
fn actions(e: &Environment<'_>) -> BTreeMap<String, BTreeMap<String, String>> {
    let Some(g) = e.genesys else {
        return BTreeMap::new();
    };
    (g.actions.iter())
        .map(|a| {
            let doc = a.def.doc();
            let fields = (doc.as_object().into_iter().flatten())
                .map(|(k, v)| (k.clone(), named(e, &v.to_string())))
                .collect();
            (a.def.name.clone(), fields)
        })
        .collect()
}

fn action_differences(
    name: &str,
    a: Option<&BTreeMap<String, String>>,
    b: Option<&BTreeMap<String, String>>,
) -> Vec<Difference> {
    let present = |x: Option<&BTreeMap<String, String>>| x.map(|_| "present".to_string());
    let (Some(a), Some(b)) = (a, b) else {
        let what = format!("action {name:?}");
        return vec![difference(&what, present(a).as_ref(), present(b).as_ref())];
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    (keys.into_iter())
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let part = match k.as_str() {
                "inputSchema" | "successSchema" => format!("contract {k}"),
                _ => k.clone(),
            };
            difference(&format!("action {name:?} {part}"), a.get(k), b.get(k))
        })
        .collect()
}
