//! `init --from-genesys`, the text it writes: `lambda-trust.toml` reproducing every imported
//! action exactly (name, category, templates, timeout, contract files), the left-out actions as
//! comments with their reasons, and the contract files beside it.
//!
//! Part of the pure auditor: the caller validates the text and writes the files.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{as_config, Import, ImportTarget};
use crate::role_import::{role_sections, ImportedRole};
use lambda_trust_config::{
    DEFAULT_REQUEST_TEMPLATE, DEFAULT_REQUEST_TYPE, DEFAULT_SUCCESS_TEMPLATE,
    DEFAULT_TIMEOUT_SECONDS, NO_TIMEOUT, ORG_ID_WHERE,
};
use lambda_trust_model::ObservedAction;

/// What the `[trust]`, `[role]`, `[aws]` and `[genesys]` sections say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportHeader {
    /// `trust.external_id`.
    pub external_id: String,
    /// `role.name`.
    pub role_name: String,
    /// `/` or `/team/`.
    pub role_path: String,
    /// `aws.account_id`: the role's account.
    pub account_id: String,
    /// `aws.region`: the functions' region.
    pub region: String,
    /// `genesys.region`: the organization's region, when known.
    pub genesys_region: Option<String>,
    /// `genesys.integration`: the integration's name.
    pub integration: String,
    /// The integration's ID (`genesys.integration_id`, written when the integration was chosen by
    /// ID).
    pub integration_id: String,
    /// Write `integration_id` (the integration was chosen by ID): every command then finds it
    /// by ID, whatever other integration shares its name.
    pub pinned: bool,
    /// Whether lambda-trust wrote the integration, and for which deployment: what the next
    /// step is (`--adopt` only for an integration lambda-trust did not write; a deployment's
    /// own integration is imported as that deployment, never adopted from it).
    pub owner: IntegrationOwner,
}

/// Who wrote an imported integration, from its notes' ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntegrationOwner {
    /// No ledger: made by hand or another tool; the first plan adopts it.
    NotLambdaTrust,
    /// lambda-trust's, of this deployment (`None`: written before deployments).
    LambdaTrust(Option<String>),
}

/// The config text and the contract files (path relative to the config → JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFiles {
    /// The text of `lambda-trust.toml`.
    pub config: String,
    /// The contract files: path relative to the config, to JSON text.
    pub contracts: BTreeMap<String, String>,
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The most common category of the imported actions (ties: the first by name): the default.
fn main_category(import: &Import) -> Option<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for a in import.targets.iter().flat_map(|t| &t.actions) {
        *count.entry(a.def.category.as_str()).or_default() += 1;
    }
    let best = count.values().copied().max()?;
    count
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(c, _)| c.to_string())
}

/// A file name for an action: lowercase letters, digits and `-`; unique among `taken`.
fn file_stem(name: &str, taken: &mut BTreeMap<String, usize>) -> String {
    let mut stem = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            stem.push(c);
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem = stem.trim_matches('-').to_string();
    let stem = if stem.is_empty() {
        "action".into()
    } else {
        stem
    };
    let n = taken.entry(stem.clone()).or_default();
    *n += 1;
    if *n == 1 {
        stem
    } else {
        format!("{stem}-{n}")
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// The whole import: config text and contract files.
/// With `role` (`--from-role`), its sections replace the plain `[trust]`, `[role]` and `[aws]`.
pub fn import_files(h: &ImportHeader, import: &Import, role: Option<&ImportedRole>) -> ImportFiles {
    let category = main_category(import).unwrap_or_else(|| h.integration.clone());
    let mut config = header(h, &category, role);
    let mut contracts = BTreeMap::new();
    let mut taken = BTreeMap::new();
    for t in &import.targets {
        config.push_str(&target_text(t));
        for a in &t.actions {
            let stem = file_stem(&a.def.name, &mut taken);
            config.push_str(&action_text(a, &category, &stem, "[[targets.actions]]"));
            contracts.insert(
                format!("contracts/{stem}.in.json"),
                pretty(&a.def.contract.input_schema),
            );
            contracts.insert(
                format!("contracts/{stem}.out.json"),
                pretty(&a.def.contract.success_schema),
            );
        }
    }
    for a in &import.dynamic {
        let stem = file_stem(&a.def.name, &mut taken);
        config.push_str(&format!(
            "\n# Chooses its function at run time: it reaches the targets above whose ARNs its\n# template can produce, and grants nothing of its own.\n{}request_url_template = {}\n",
            action_text(a, &category, &stem, "[[genesys.actions]]"),
            quote(a.def.function_arn())
        ));
        contracts.insert(
            format!("contracts/{stem}.in.json"),
            pretty(&a.def.contract.input_schema),
        );
        contracts.insert(
            format!("contracts/{stem}.out.json"),
            pretty(&a.def.contract.success_schema),
        );
    }
    config.push_str(&left_out_text(import));
    ImportFiles { config, contracts }
}

fn header(h: &ImportHeader, category: &str, role: Option<&ImportedRole>) -> String {
    let region = h
        .genesys_region
        .as_ref()
        .map(|r| format!("region = {}\n", quote(r)))
        .unwrap_or_default();
    let sections = role.map_or_else(|| plain_sections(h), |r| role_sections(r, &h.region));
    let pin = if h.pinned {
        format!(
            "integration_id = {}   # found by this ID, not by name\n",
            quote(&h.integration_id)
        )
    } else {
        String::new()
    };
    let (deployment, next) = match &h.owner {
        IntegrationOwner::NotLambdaTrust => (
            String::new(),
            "Next: `lambda-trust plan --adopt` (it should change no action), then
# `lambda-trust apply --adopt`."
                .to_string(),
        ),
        IntegrationOwner::LambdaTrust(Some(d)) => (
            format!("deployment = {}\n", quote(d)),
            format!(
                "lambda-trust wrote it for deployment {d:?}, which this
# config is. Next: `lambda-trust plan` (it should change no action; --adopt refuses what
# another deployment owns)."
            ),
        ),
        IntegrationOwner::LambdaTrust(None) => (
            String::new(),
            "lambda-trust wrote it. Next: `lambda-trust plan` (it
# should change no action)."
                .to_string(),
        ),
    };
    format!(
        "# lambda-trust.toml written by `lambda-trust init --from-genesys` from the integration
# {integration} ({id}). {next}
{deployment}{sections}
[genesys]
{region}integration = {integration}
{pin}category = {category}
",
        integration = quote(&h.integration),
        id = h.integration_id,
        category = quote(category),
    )
}

/// `[trust]`, `[role]` and `[aws]` from the integration alone (no role read).
fn plain_sections(h: &ImportHeader) -> String {
    let path = if h.role_path == "/" {
        String::new()
    } else {
        format!("path = {}\n", quote(&h.role_path))
    };
    format!(
        "
[trust]
partner = \"genesys-cloud\"
# Your Genesys Cloud organization ID ({ORG_ID_WHERE}).
external_id = {ext}

[role]
name = {role}
{path}
[aws]
region = {aws_region}
account_id = {account}
",
        ext = quote(&h.external_id),
        role = quote(&h.role_name),
        aws_region = quote(&h.region),
        account = quote(&h.account_id),
    )
}

fn target_text(t: &ImportTarget) -> String {
    let mut out = format!("\n[[targets]]\nfunction = {}\n", quote(&t.function));
    if let Some(q) = &t.qualifier {
        out.push_str(&format!("qualifier = {}\n", quote(q)));
    }
    if t.actions.is_empty() {
        out.push_str("# No imported action calls it (a left-out action below, or only the role's grant):\n# it stays granted, with no action here.\nactions = []\n");
    }
    out
}

/// One action's table: its fields as the config holds them ([`as_config`]), those at their
/// defaults left out.
fn action_text(a: &ObservedAction, category: &str, stem: &str, table: &str) -> String {
    let c = as_config(a, stem);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out = format!("{table}   # id {}\nname = {}\n", a.id, quote(&a.def.name));
    if c.category.as_deref() != Some(category) {
        out.push_str(&format!("category = {}\n", quote(&text(&c.category))));
    }
    out.push_str(&format!(
        "input_schema = {}\noutput_schema = {}\n",
        quote(&text(&c.input_schema)),
        quote(&text(&c.output_schema))
    ));
    if c.secure == Some(true) {
        out.push_str("secure = true\n");
    }
    if c.imported == Some(true) {
        out.push_str("imported = true   # exists with the defect said below: kept as it is\n");
    }
    if c.request_type.as_deref() != Some(DEFAULT_REQUEST_TYPE) {
        out.push_str(&format!(
            "request_type = {}\n",
            quote(&text(&c.request_type))
        ));
    }
    for (key, map) in [
        ("headers", &c.headers),
        ("translation_map", &c.translation_map),
        ("translation_map_defaults", &c.translation_map_defaults),
    ] {
        if let Some(map) = map.as_ref().filter(|m| !m.is_empty()) {
            out.push_str(&format!("{key} = {}\n", inline_table(map)));
        }
    }
    for (key, value, default) in [
        (
            "request_template",
            &c.request_template,
            DEFAULT_REQUEST_TEMPLATE,
        ),
        (
            "success_template",
            &c.success_template,
            DEFAULT_SUCCESS_TEMPLATE,
        ),
    ] {
        if value.as_deref() != Some(default) {
            out.push_str(&format!("{key} = {}\n", quote(&text(value))));
        }
    }
    match c.timeout_seconds {
        Some(NO_TIMEOUT) => {
            out.push_str("timeout_seconds = 0   # none set: Genesys Cloud's own applies\n")
        }
        Some(DEFAULT_TIMEOUT_SECONDS) | None => {}
        Some(s) => out.push_str(&format!("timeout_seconds = {s}\n")),
    }
    out
}

/// `{ "Name" = "value", … }`: keys quoted, so any header or variable name is valid TOML.
fn inline_table(map: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{} = {}", quote(k), quote(v)))
        .collect();
    format!("{{ {} }}", pairs.join(", "))
}

fn left_out_text(import: &Import) -> String {
    if import.left_out.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n# Left out: {} action(s) the config cannot reproduce exactly. They stay in Genesys Cloud\n\
         # untouched (plan and check report them as actions lambda-trust does not own).\n",
        import.left_out.len()
    );
    for l in &import.left_out {
        out.push_str(&format!("# - {:?} ({}): {}\n", l.name, l.id, l.why));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of(owner: IntegrationOwner) -> String {
        let h = ImportHeader {
            external_id: "o".into(),
            role_name: "R".into(),
            role_path: "/".into(),
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            genesys_region: None,
            integration: "I".into(),
            integration_id: "i-1".into(),
            pinned: false,
            owner,
        };
        header(&h, "C", None)
    }

    /// `--adopt` is the next step only for an integration lambda-trust did not write; one of a
    /// deployment is imported as that deployment, and adopting is never suggested for it.
    #[test]
    fn adopting_is_suggested_only_for_what_lambda_trust_did_not_write() {
        let foreign = header_of(IntegrationOwner::NotLambdaTrust);
        assert!(foreign.contains("`lambda-trust plan --adopt`"), "{foreign}");
        assert!(!foreign.contains("deployment ="), "{foreign}");
        let ours = header_of(IntegrationOwner::LambdaTrust(Some("team-a".into())));
        assert!(ours.contains("\ndeployment = \"team-a\"\n"), "{ours}");
        assert!(!ours.contains("plan --adopt"), "{ours}");
        assert!(!ours.contains("apply --adopt"), "{ours}");
        let older = header_of(IntegrationOwner::LambdaTrust(None));
        assert!(!older.contains("--adopt`"), "{older}");
        assert!(!older.contains("deployment ="), "{older}");
    }
}
