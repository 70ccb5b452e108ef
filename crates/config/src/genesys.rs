//! The rules of the optional Genesys Cloud side of the config (`genesys_model`'s `[genesys]`
//! and data actions), and the contract schema files the actions name.
//!
//! Part of the `config` layer. Without `[genesys]` nothing here applies; a `[targets.action]`
//! without it is an error, so a half-configured Genesys side never goes unnoticed.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::error::{Problem, Warning};
use super::function::{parse_function, FunctionRef};
use super::genesys_model::{
    DataActionConfig, GenesysConfig, DEFAULT_SUCCESS_TEMPLATE, NO_TIMEOUT, REQUEST_TYPES,
    TIMEOUT_RANGE,
};
use super::model::{Config, TargetConfig};

impl Config {
    /// The data actions' category: `[genesys].category`, default the integration's name.
    pub fn genesys_category(&self) -> Option<String> {
        let g = self.genesys.as_ref()?;
        Some(g.category.clone().unwrap_or_else(|| g.integration.clone()))
    }
}

impl TargetConfig {
    /// The data actions that call this target (with `[genesys]`): `[[targets.actions]]` (none
    /// for `actions = []`), else the one `[targets.action]`, else one with every default.
    pub fn action_configs(&self) -> Vec<DataActionConfig> {
        match (&self.actions, &self.action) {
            (Some(many), _) => many.clone(),
            (None, one) => vec![one.clone().unwrap_or_default()],
        }
    }

    /// `[targets.action]` / `[[targets.actions]]` as written, with their config paths.
    fn written_actions(&self, i: usize) -> Vec<(String, &DataActionConfig)> {
        let one = self
            .action
            .iter()
            .map(|a| (format!("targets[{i}].action"), a));
        let many = self.actions.iter().flatten().enumerate();
        one.chain(many.map(|(k, a)| (format!("targets[{i}].actions[{k}]"), a)))
            .collect()
    }
}

/// An open object: what a contract without a schema file accepts and returns.
pub fn open_schema() -> Value {
    serde_json::json!({"type": "object", "properties": {}, "additionalProperties": true})
}

/// Every rule of the Genesys side, as problems (none without `[genesys]` and actions).
pub(crate) fn problems(config: &Config) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(g) = &config.genesys {
        section_problems(g, &mut out);
    }
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (k, a) in dynamic_actions(config).iter().enumerate() {
        let field = format!("genesys.actions[{k}]");
        dynamic_problems(&field, a, &mut names, &mut out);
    }
    for (i, t) in config.targets.iter().enumerate() {
        if t.action.is_some() && t.actions.is_some() {
            out.push(problem(
                format!("targets[{i}].actions"),
                "both [targets.action] and [[targets.actions]] are set".into(),
                Some(
                    "keep one: [[targets.actions]] for several actions (or actions = [] for none)",
                ),
            ));
        }
        if config.genesys.is_some() {
            // With [genesys] every action counts, defaults included; names are unique.
            for (k, a) in t.action_configs().iter().enumerate() {
                let field = match &t.actions {
                    Some(_) => format!("targets[{i}].actions[{k}]"),
                    None => format!("targets[{i}].action"),
                };
                let name = action_name(t, a);
                if let Some(other) = names.insert(name.clone(), field.clone()) {
                    out.push(problem(
                        format!("{field}.name"),
                        format!("{name:?} is also the action name of {other}"),
                        Some("give one of them another name = \"…\""),
                    ));
                }
            }
        }
        for (field, a) in t.written_actions(i) {
            if config.genesys.is_none() {
                out.push(problem(
                    field.clone(),
                    "a data action needs the [genesys] section".into(),
                    Some("add [genesys] with integration = \"…\", or remove the action"),
                ));
            }
            action_problems(&field, &action_name(t, a), a, &mut out);
            if a.request_url_template.is_some() {
                out.push(problem(
                    format!("{field}.request_url_template"),
                    "a target's action calls the target's function".into(),
                    Some("remove it, or move the action to [[genesys.actions]] to choose the function at run time"),
                ));
            }
        }
    }
    out
}

fn problem(field: String, message: String, hint: Option<&str>) -> Problem {
    Problem {
        field,
        message,
        hint: hint.map(str::to_string),
    }
}

/// `[[genesys.actions]]`: the actions whose function is chosen at run time.
pub(crate) fn dynamic_actions(config: &Config) -> Vec<DataActionConfig> {
    (config.genesys.as_ref())
        .and_then(|g| g.actions.clone())
        .unwrap_or_default()
}

/// Every action as written, with its config path and name: the targets' and
/// `[[genesys.actions]]`.
fn every_written_action(config: &Config) -> Vec<(String, String, DataActionConfig)> {
    let mut out: Vec<(String, String, DataActionConfig)> = dynamic_actions(config)
        .into_iter()
        .enumerate()
        .map(|(k, a)| {
            (
                format!("genesys.actions[{k}]"),
                a.name.clone().unwrap_or_default(),
                a,
            )
        })
        .collect();
    for (i, t) in config.targets.iter().enumerate() {
        for (at, a) in t.written_actions(i) {
            out.push((at, action_name(t, a), a.clone()));
        }
    }
    out
}

/// Whether a request URL template chooses the function at run time.
pub fn is_expression(url: &str) -> bool {
    url.contains("${")
}

/// The rules of one `[[genesys.actions]]` (at `field`): a name, a template that is an
/// expression, and every rule of a target's action.
fn dynamic_problems(
    field: &str,
    a: &DataActionConfig,
    names: &mut BTreeMap<String, String>,
    out: &mut Vec<Problem>,
) {
    let Some(name) = a.name.clone() else {
        out.push(problem(format!("{field}.name"), "is required".into(), None));
        return;
    };
    match a.request_url_template.as_deref() {
        Some(url) if is_expression(url) => {}
        Some(url) => out.push(problem(
            format!("{field}.request_url_template"),
            format!("{url:?} is not an expression (action {name:?})"),
            Some("an action calling one function is a target's [targets.action]; here write the expression, e.g. \"${input.functionArn}\""),
        )),
        None => out.push(problem(
            format!("{field}.request_url_template"),
            format!("is required (action {name:?})"),
            Some("e.g. request_url_template = \"${input.functionArn}\""),
        )),
    }
    if let Some(other) = names.insert(name.clone(), field.to_string()) {
        out.push(problem(
            format!("{field}.name"),
            format!("{name:?} is also the action name of {other}"),
            Some("give one of them another name = \"…\""),
        ));
    }
    action_problems(field, &name, a, out);
}

/// The rules of `[genesys]` itself.
fn section_problems(g: &GenesysConfig, out: &mut Vec<Problem>) {
    if g.integration.trim().is_empty() || g.integration.trim() != g.integration {
        out.push(problem(
            "genesys.integration".into(),
            format!("{:?} is not a usable integration name", g.integration),
            Some("a non-empty name without leading or trailing spaces"),
        ));
    }
    if let Some(id) = &g.integration_id {
        if !super::rules::is_uuid(id) {
            out.push(problem(
                "genesys.integration_id".into(),
                format!("{id:?} is not a Genesys Cloud integration ID (a UUID)"),
                Some("copy the ID from Admin > Integrations (the integration's URL ends with it), or remove integration_id to find the integration by name"),
            ));
        }
    }
    if let Some(c) = &g.category {
        if c.trim().is_empty() {
            out.push(problem("genesys.category".into(), "is empty".into(), None));
        }
    }
    if let Some(r) = &g.region {
        if super::genesys_regions::by_name(r).is_none() {
            let names: Vec<&str> = super::genesys_regions::REGIONS
                .iter()
                .map(|r| r.name)
                .collect();
            out.push(problem(
                "genesys.region".into(),
                format!("{r:?} is not a Genesys Cloud region"),
                Some(&format!(
                    "use one of: {} (`lambda-trust genesys regions` shows their URLs)",
                    names.join(", ")
                )),
            ));
        }
    }
    if g.oauth_secret
        .as_deref()
        .is_some_and(|s| s.trim().is_empty())
    {
        out.push(problem(
            "genesys.oauth_secret".into(),
            "is empty".into(),
            None,
        ));
    }
}

/// The rules of one `[targets.action]` (at `field`), apart from its name's uniqueness.
fn action_problems(field: &str, name: &str, a: &DataActionConfig, out: &mut Vec<Problem>) {
    for (key, value) in [("name", &a.name), ("category", &a.category)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            out.push(problem(format!("{field}.{key}"), "is empty".into(), None));
        }
    }
    if let Some(s) = a.timeout_seconds {
        if s != NO_TIMEOUT && !TIMEOUT_RANGE.contains(&s) {
            out.push(problem(
                format!("{field}.timeout_seconds"),
                format!("{s} is out of range (1–60 seconds)"),
                Some("or 0 for none: Genesys Cloud's own timeout applies"),
            ));
        }
    }
    request_problems(field, name, a, out);
    if let Some(text) = &a.sample_input {
        if !matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(_))) {
            out.push(problem(
                format!("{field}.sample_input"),
                "is not a JSON object".into(),
                Some("write it as a TOML string, e.g. sample_input = '{\"orderId\": \"42\"}'"),
            ));
        }
    }
}

/// The rules of the request and response fields: the method, headers, translation maps, and
/// a secure action's contract.
fn request_problems(field: &str, name: &str, a: &DataActionConfig, out: &mut Vec<Problem>) {
    if let Some(t) = &a.request_type {
        if !REQUEST_TYPES.contains(&t.as_str()) {
            out.push(problem(
                format!("{field}.request_type"),
                format!("{t:?} is not a request type (action {name:?})"),
                Some(&format!("use one of: {}", REQUEST_TYPES.join(", "))),
            ));
        }
    }
    if a.secure == Some(true) && (a.input_schema.is_none() || a.output_schema.is_none()) {
        out.push(problem(
            format!("{field}.secure"),
            format!("the secure action {name:?} needs a contract: input_schema and output_schema"),
            Some("name the JSON Schema files of the action's input and output, so the secure data is declared, never an open object"),
        ));
    }
    for (key, map) in [
        ("headers", &a.headers),
        ("translation_map", &a.translation_map),
        ("translation_map_defaults", &a.translation_map_defaults),
    ] {
        if map.iter().flatten().any(|(k, _)| k.trim().is_empty()) {
            out.push(problem(
                format!("{field}.{key}"),
                "has an empty name".into(),
                None,
            ));
        }
    }
    let map = a.translation_map.clone().unwrap_or_default();
    for key in a.translation_map_defaults.iter().flatten().map(|(k, _)| k) {
        if !map.contains_key(key) {
            out.push(problem(
                format!("{field}.translation_map_defaults.{key}"),
                format!("{key:?} is not a translation_map variable (action {name:?})"),
                Some("a default belongs to a variable of translation_map"),
            ));
        }
    }
}

/// A defect Genesys Cloud accepts and runs with, failing only some runs (Genesys Cloud
/// Resource Center, "Response configuration for data actions"): a translation-map default that
/// is not a JSON value (substituted into the success template as written, so the output is not
/// JSON when its path misses), or a success-template key the output contract forbids (a run
/// that reaches it fails). An action that exists is imported and kept with it, the defect said;
/// an action written new with it is refused before any write (`plan`, `apply`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseDefect {
    /// `translation_map_defaults.VARIABLE` is not a JSON value.
    DefaultNotJson {
        /// The translation-map variable.
        variable: String,
        /// Its default, as written.
        value: String,
    },
    /// The success template puts `key` (dotted from the top) where the output contract forbids it.
    KeyForbidden {
        /// The key.
        key: String,
    },
}

impl ResponseDefect {
    /// Its fix, one line.
    pub fn fix(&self) -> String {
        match self {
            ResponseDefect::DefaultNotJson { value, .. } => {
                let quoted = Value::String(value.clone()).to_string();
                format!("write the JSON value, e.g. '{quoted}' for the text {value}, \"false\", \"0\" or \"[]\"")
            }
            ResponseDefect::KeyForbidden { .. } => {
                "declare the key in output_schema's properties, or take it out of success_template"
                    .into()
            }
        }
    }
}

impl std::fmt::Display for ResponseDefect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResponseDefect::DefaultNotJson { variable, value } => write!(
                f,
                "translation_map_defaults.{variable}: {value:?} is not a JSON value"
            ),
            ResponseDefect::KeyForbidden { key } => write!(
                f,
                "the success template puts {key:?} into the output, which the output contract \
                 forbids (additionalProperties: false)"
            ),
        }
    }
}

/// The response's defects: its translation-map defaults, and its success template against the
/// output contract `schema`.
pub fn response_defects<'a>(
    success_template: &str,
    defaults: impl IntoIterator<Item = (&'a String, &'a String)>,
    schema: &Value,
) -> Vec<ResponseDefect> {
    let mut out: Vec<ResponseDefect> = (defaults.into_iter())
        .filter(|(_, value)| serde_json::from_str::<Value>(value).is_err())
        .map(|(variable, value)| ResponseDefect::DefaultNotJson {
            variable: variable.clone(),
            value: value.clone(),
        })
        .collect();
    let keys = super::success_template::forbidden_keys(success_template, schema);
    out.extend(
        keys.into_iter()
            .map(|key| ResponseDefect::KeyForbidden { key }),
    );
    out
}

/// The defects of one action of the config, as warnings: every command says them; `plan` and
/// `apply` refuse to write an action new with one.
fn latent_defects(field: &str, name: &str, a: &DataActionConfig, schema: &Value) -> Vec<Warning> {
    let template = (a.success_template.as_deref()).unwrap_or(DEFAULT_SUCCESS_TEMPLATE);
    let defaults = a.translation_map_defaults.iter().flatten();
    (response_defects(template, defaults, schema).into_iter())
        .map(|d| {
            let (code, message) = match &d {
                ResponseDefect::DefaultNotJson { variable, value } => ("translation-default-not-json", format!("{field}.translation_map_defaults.{variable}: {value:?} is not a JSON value: Genesys Cloud puts a default into the success template as written, so when the path of {variable:?} misses, action {name:?} answers with invalid JSON; plan and apply refuse to write it new with it")),
                ResponseDefect::KeyForbidden { key } => ("success-template-key-forbidden", format!("{field}.success_template: the success template of action {name:?} puts {key:?} into the output, which the output contract forbids (additionalProperties: false): a run that reaches it fails; plan and apply refuse to write it new with it")),
            };
            Warning { code, message, hint: Some(d.fix()) }
        })
        .collect()
}

/// The latent defects of every action, against its output contract (the file's, or the open
/// object).
pub(crate) fn template_warnings(
    config: &Config,
    schemas: &BTreeMap<String, Value>,
) -> Vec<Warning> {
    defects(config, schemas, |_| true)
}

/// The latent defects of the actions not marked `imported = true`: what `plan` and `apply`
/// refuse to write new, and `lint` errors on (the same words as the warnings every command
/// says).
pub fn refused_defects(config: &Config, schemas: &BTreeMap<String, Value>) -> Vec<Warning> {
    defects(config, schemas, |a| a.imported != Some(true))
}

fn defects(
    config: &Config,
    schemas: &BTreeMap<String, Value>,
    which: impl Fn(&DataActionConfig) -> bool,
) -> Vec<Warning> {
    let mut out = Vec::new();
    for (at, name, a) in every_written_action(config)
        .into_iter()
        .filter(|a| which(&a.2))
    {
        let schema = (a.output_schema.as_ref())
            .and_then(|p| schemas.get(p).cloned())
            .unwrap_or_else(open_schema);
        out.extend(latent_defects(&at, &name, &a, &schema));
    }
    out
}

/// Every rule of one action on its own, with `field` naming it in the problems: what `init
/// --from-genesys` checks before it writes the action (one that breaks a rule is left out with
/// the problems, the others imported); and its latent defects against its output contract
/// `schema`, which never leave it out.
pub fn action_rules(
    field: &str,
    name: &str,
    a: &DataActionConfig,
    schema: &Value,
) -> (Vec<Problem>, Vec<Warning>) {
    let mut out = Vec::new();
    action_problems(field, name, a, &mut out);
    (out, latent_defects(field, name, a, schema))
}

/// What is valid but worth a look: translation-map paths the JSONPath parser cannot read (kept
/// as written: Genesys Cloud evaluates them), and variables the success template never uses.
pub(crate) fn warnings(config: &Config) -> Vec<Warning> {
    let mut out = Vec::new();
    for (at, name, a) in every_written_action(config) {
        let template = a
            .success_template
            .as_deref()
            .unwrap_or(DEFAULT_SUCCESS_TEMPLATE);
        let used = super::success_template::references(template);
        for (key, path) in a.translation_map.iter().flatten() {
            let field = format!("{at}.translation_map.{key}");
            if let Err(why) = super::json_path::check(path) {
                out.push(Warning {
                    code: "translation-path-unparsed",
                    message: format!("{field}: {path:?} is kept as written, but it does not read as JSONPath ({why}); Genesys Cloud evaluates it when action {name:?} runs"),
                    hint: Some("check the path in the action's test in Genesys Cloud, or with `lambda-trust verify --test-actions`".into()),
                });
            }
            if !used.contains(key) {
                out.push(Warning {
                    code: "translation-variable-unused",
                    message: format!("{field}: the success template of action {name:?} never uses {key:?}"),
                    hint: Some(format!("use it in success_template (e.g. '{{\"{key}\": ${{{key}}}}}'), or remove it")),
                });
            }
        }
    }
    out
}

/// The name of a target's data action `a`: `name`, default the function's name (the last
/// component of an ARN, without its qualifier).
pub fn action_name(target: &TargetConfig, a: &DataActionConfig) -> String {
    if let Some(name) = &a.name {
        return name.clone();
    }
    match parse_function(&target.function) {
        Ok(FunctionRef::Arn(arn)) => arn.name,
        _ => target.function.clone(),
    }
}

/// Reads (with `read`: the config loader's file reader) every contract schema the targets
/// name, relative to `base` (the config file's folder): path as written → the JSON object.
/// Unreadable files and non-objects are problems.
pub(crate) fn read_schemas(
    config: &Config,
    base: &Path,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> (BTreeMap<String, Value>, Vec<Problem>) {
    let mut schemas = BTreeMap::new();
    let mut problems = Vec::new();
    for (at, _, a) in every_written_action(config) {
        {
            for (key, path) in [
                ("input_schema", &a.input_schema),
                ("output_schema", &a.output_schema),
            ] {
                let Some(path) = path else { continue };
                if schemas.contains_key(path) {
                    continue;
                }
                let field = format!("{at}.{key}");
                let full = base.join(path);
                let problem = |message: String, hint: &str| Problem {
                    field: field.clone(),
                    message,
                    hint: Some(hint.to_string()),
                };
                match read(&full) {
                    Err(e) => problems.push(problem(
                        format!("cannot read {}: {e}", full.display()),
                        "the path is relative to the config file's folder",
                    )),
                    Ok(text) => match serde_json::from_str::<Value>(&text) {
                        Ok(v @ Value::Object(_)) => {
                            schemas.insert(path.clone(), v);
                        }
                        Ok(_) => problems.push(problem(
                            format!("{} is not a JSON object", full.display()),
                            "a JSON Schema document is an object, e.g. {\"type\": \"object\"}",
                        )),
                        Err(e) => problems.push(problem(
                            format!("{} is not valid JSON: {e}", full.display()),
                            "fix the JSON syntax",
                        )),
                    },
                }
            }
        }
    }
    (schemas, problems)
}
