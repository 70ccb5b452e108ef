//! The plan JSON of `terraform show -json PLANFILE` (Terraform docs, "JSON Output Format"):
//! checked to be a plan of a supported `format_version`, then walked into resource instances
//! with their planned values and what is unknown until apply.
//!
//! Part of `lambda_trust_audit::iac::terraform`. The instances are those of `planned_values.root_module` and
//! its `child_modules` at any depth (resources being deleted are not there), each joined with
//! its `resource_changes` entry for `change.after_unknown`; data sources Terraform read while
//! planning are in `prior_state` only, and are added from there.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::details::InputError;

/// The `format_version` majors read: 0 (Terraform 0.12–0.15) and 1 (1.0 on), whose plan
/// objects have the same shape; a new major is "not backward-compatible" and refused, as the
/// format's documentation asks.
const MAJORS: [&str; 2] = ["0", "1"];

/// One resource instance of the plan.
#[derive(Debug, Clone)]
pub(in crate::iac) struct Instance {
    /// The full address: `module.cx.aws_iam_role.genesys`, `aws_iam_policy.p["a"]`.
    pub(crate) address: String,
    /// The module instance address: `module.cx[0]`; empty for the root module.
    pub(crate) module_instance: String,
    /// The module call path in the configuration: `["cx"]`; empty for the root module.
    pub(crate) module_path: Vec<String>,
    pub(crate) data: bool,
    pub(crate) kind: String,
    pub(crate) name: String,
    /// The planned values (unknown values absent or null).
    pub(crate) values: Value,
    /// `after_unknown`: `true` at each leaf unknown until apply; `Value::Bool(true)` whole.
    pub(crate) unknown: Value,
}

impl Instance {
    /// The address within its module, as the configuration writes it: `aws_iam_role.genesys`,
    /// `data.aws_iam_policy_document.trust`.
    pub(super) fn local(&self) -> String {
        match self.data {
            true => format!("data.{}.{}", self.kind, self.name),
            false => format!("{}.{}", self.kind, self.name),
        }
    }

    /// Whether attribute `key` is unknown until apply (wholly or in part).
    pub(super) fn is_unknown(&self, key: &str) -> bool {
        self.unknown == Value::Bool(true) || has_true(self.unknown.get(key))
    }
}

fn has_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Array(a)) => a.iter().any(|v| has_true(Some(v))),
        Some(Value::Object(m)) => m.values().any(|v| has_true(Some(v))),
        _ => false,
    }
}

/// Parses the plan and checks it is one (see the module header).
pub(super) fn parse(file: &str, text: &str) -> Result<Value, InputError> {
    let plan: Value = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        InputError::at(
            file,
            e.line(),
            e.column(),
            format!("not valid JSON: {message}"),
            "give the output of `terraform show -json PLANFILE` unchanged".into(),
        )
    })?;
    let not_plan =
        |message: &str, hint: &str| InputError::in_file(file, None, message.into(), hint);
    let Some(version) = plan.get("format_version").and_then(Value::as_str) else {
        if plan.get("Resources").is_some() {
            return Err(not_plan(
                "not a Terraform plan: this looks like a CloudFormation template",
                "audit it with --template",
            ));
        }
        return Err(not_plan(
            "not a Terraform plan: no format_version",
            "run `terraform plan -out=tfplan` then `terraform show -json tfplan > plan.json`, and give plan.json",
        ));
    };
    let major = version.split('.').next().unwrap_or_default();
    if !MAJORS.contains(&major) {
        return Err(not_plan(
            &format!("format_version {version} is not supported (lambda-trust reads 0.x and 1.x)"),
            "produce the plan JSON with a Terraform release whose `terraform show -json` writes format 1.x, or upgrade lambda-trust",
        ));
    }
    if plan.get("planned_values").is_none() && plan.get("resource_changes").is_none() {
        return Err(not_plan(
            "not a Terraform plan: no planned_values (a state file?)",
            "give `terraform show -json PLANFILE` of a saved plan, not of the state",
        ));
    }
    Ok(plan)
}

/// Every resource instance the plan leaves in place or creates (see the module header).
pub(super) fn instances(plan: &Value) -> Vec<Instance> {
    let unknown: BTreeMap<&str, &Value> = plan
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let address = c.get("address")?.as_str()?;
            Some((address, c.get("change")?.get("after_unknown")?))
        })
        .collect();
    let mut out: Vec<Instance> = Vec::new();
    if let Some(root) = plan.pointer("/planned_values/root_module") {
        walk(root, &mut |r| out.extend(instance(r, "managed", &unknown)));
    }
    if let Some(root) = plan.pointer("/prior_state/values/root_module") {
        let mut data = Vec::new();
        walk(root, &mut |r| data.extend(instance(r, "data", &unknown)));
        data.retain(|d: &Instance| out.iter().all(|i| i.address != d.address));
        out.extend(data);
    }
    out
}

/// Calls `f` on every resource of `module` and of its child modules, at any depth.
fn walk<'p>(module: &'p Value, f: &mut dyn FnMut(&'p Value)) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        f(r);
    }
    for m in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(m, f);
    }
}

/// The instance of a values-representation resource; `only` is `data` when only data
/// resources are wanted (from the prior state).
fn instance(r: &Value, only: &str, unknown: &BTreeMap<&str, &Value>) -> Option<Instance> {
    let s = |k: &str| {
        r.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mode = s("mode");
    if only == "data" && mode != "data" {
        return None;
    }
    let address = s("address");
    let (module_instance, module_path) = module_of(&address);
    Some(Instance {
        unknown: unknown
            .get(address.as_str())
            .map_or(Value::Null, |v| (*v).clone()),
        data: mode == "data",
        kind: s("type"),
        name: s("name"),
        values: r.get("values").cloned().unwrap_or(Value::Null),
        address,
        module_instance,
        module_path,
    })
}

/// The segments of an address split at dots outside `[…]` and quotes.
pub(super) fn segments(address: &str) -> Vec<&str> {
    let (mut out, mut start, mut depth, mut quoted, mut escaped) = (Vec::new(), 0, 0, false, false);
    for (i, c) in address.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            '.' if !quoted && depth == 0 => {
                out.push(&address[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&address[start..]);
    out
}

/// A segment without its instance key: `cx["a"]` → `cx`.
pub(super) fn bare(segment: &str) -> &str {
    segment.split('[').next().unwrap_or(segment)
}

/// The module instance address and the module call path of a resource address.
fn module_of(address: &str) -> (String, Vec<String>) {
    let segs = segments(address);
    let mut path = Vec::new();
    let mut i = 0;
    while i + 2 < segs.len() && segs[i] == "module" {
        path.push(segs[i + 1]);
        i += 2;
    }
    let instance = segs[..i].join(".");
    (
        instance,
        path.into_iter().map(|s| bare(s).to_owned()).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_outside_keys() {
        assert_eq!(
            segments(r#"module.a["x.y"].module.b[0].aws_iam_role.r["k"]"#),
            [
                "module",
                r#"a["x.y"]"#,
                "module",
                "b[0]",
                "aws_iam_role",
                r#"r["k"]"#
            ]
        );
        assert_eq!(
            module_of(r#"module.a["x.y"].module.b[0].aws_iam_role.r"#),
            (
                r#"module.a["x.y"].module.b[0]"#.to_owned(),
                vec!["a".to_owned(), "b".to_owned()]
            )
        );
        assert_eq!(module_of("aws_iam_role.r"), (String::new(), vec![]));
    }
}
