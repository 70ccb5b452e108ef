//! The Genesys Cloud IDs of one org's setup (`lambda-trust ids`): every org gives the
//! integration, the credential and each data action its own ID, and flows are promoted from
//! one org to the next by substituting them (Archy's options file, `genesyscloud_flow`'s
//! `substitutions`). Each gets a stable substitution key from its category and name.

use serde::Serialize;

use lambda_trust_model::{DesiredGenesys, ObservedGenesys};

/// A named object and the ID this org gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct NamedId {
    /// Its name in Genesys Cloud.
    pub name: String,
    /// Its ID in this org.
    pub id: String,
}

/// One data action's ID, and the key flows substitute it under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ActionId {
    /// The action's name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// Its ID in this org.
    pub id: String,
    /// `category_name` in lowercase words: the same in every environment.
    pub key: String,
}

/// The IDs of one org's lambda-trust setup; what the config wants but the org lacks is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OrgIds {
    /// The integration, once created.
    pub integration: Option<NamedId>,
    /// The credential, once created.
    pub credential: Option<NamedId>,
    /// Each configured data action that exists, in the config's order.
    pub actions: Vec<ActionId>,
    /// Configured actions the org does not have yet (`apply` creates them).
    pub missing: Vec<String>,
}

/// The IDs of the configured setup, as the org holds them.
pub fn org_ids(desired: &DesiredGenesys, observed: &ObservedGenesys) -> OrgIds {
    let mut out = OrgIds {
        integration: (observed.integration.as_ref()).map(|i| NamedId {
            name: i.name.clone(),
            id: i.id.clone(),
        }),
        credential: (observed.credential.as_ref()).map(|c| NamedId {
            name: c.name.clone(),
            id: c.id.clone(),
        }),
        actions: Vec::new(),
        missing: Vec::new(),
    };
    for d in &desired.actions {
        match observed.actions.iter().find(|a| a.def.name == d.def.name) {
            Some(a) => out.actions.push(ActionId {
                name: a.def.name.clone(),
                category: a.def.category.clone(),
                id: a.id.clone(),
                key: substitution_key(&a.def.category, &a.def.name),
            }),
            None => out.missing.push(d.def.name.clone()),
        }
    }
    out
}

/// `Lambda` + `Lookup customer (v2)` → `lambda_lookup_customer_v2`: letters and digits in
/// lowercase, every other run one `_`.
fn substitution_key(category: &str, name: &str) -> String {
    let mut key = String::new();
    for c in format!("{category} {name}").chars() {
        match c.is_ascii_alphanumeric() {
            true => key.push(c.to_ascii_lowercase()),
            false if !key.is_empty() && !key.ends_with('_') => key.push('_'),
            false => {}
        }
    }
    key.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_lowercase_words() {
        assert_eq!(
            substitution_key("Lambda", "Lookup customer (v2)"),
            "lambda_lookup_customer_v2"
        );
        assert_eq!(substitution_key("  Ops", "--x--"), "ops_x");
    }
}
