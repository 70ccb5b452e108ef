//! The plan's `configuration`: each resource's unevaluated expressions and the `references`
//! Terraform lists for them, followed across modules to the resources they name.
//!
//! Part of `lambda_trust_audit::iac::terraform`. A reference is module-local (Terraform docs, "JSON Output
//! Format", expression representation): `aws_iam_role.r.name` names a resource of the same
//! module; `module.m.out` is followed into the child module's output `out`; `var.v` into the
//! expression the parent's `module` block gives `v`. What cannot be followed (a `local.*`, a
//! root variable, a module from a registry) stays unresolved, and the caller takes it as
//! unknown.

use std::collections::BTreeMap;

use serde_json::Value;

use super::plan::{bare, segments};

/// Past this many steps a chain of references is taken as unresolved (a cycle, or deeper than
/// any sensible configuration).
const MAX_DEPTH: usize = 16;

/// A resource a reference leads to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Target {
    /// The module call path of the module holding it.
    pub(crate) path: Vec<String>,
    /// `aws_iam_role.r`, `data.aws_iam_policy_document.d`.
    pub(crate) local: String,
    /// The attribute read (`arn`, `name`, `result`), when the reference names one.
    pub(crate) attr: Option<String>,
}

/// Where the references of one expression lead.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Resolved {
    pub(crate) targets: Vec<Target>,
    /// References that could not be followed to a resource, as written.
    pub(crate) unresolved: Vec<String>,
}

/// The configuration's modules by call path.
pub(super) struct Config<'p> {
    modules: BTreeMap<Vec<String>, &'p Value>,
    /// The directory of each module from a local source, relative to the root module's.
    dirs: BTreeMap<Vec<String>, String>,
}

impl<'p> Config<'p> {
    pub(super) fn new(plan: &'p Value) -> Config<'p> {
        let mut config = Config {
            modules: BTreeMap::new(),
            dirs: BTreeMap::new(),
        };
        if let Some(root) = plan.pointer("/configuration/root_module") {
            config.add(Vec::new(), root, Some(String::new()));
        }
        config
    }

    fn add(&mut self, path: Vec<String>, module: &'p Value, dir: Option<String>) {
        for (call, m) in module
            .get("module_calls")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let source = m
                .get("source")
                .or_else(|| m.get("resolved_source"))
                .and_then(Value::as_str);
            let child_dir = match (&dir, source) {
                (Some(d), Some(s)) if s.starts_with("./") || s.starts_with("../") => {
                    Some(join(d, s))
                }
                _ => None,
            };
            if let Some(child) = m.get("module") {
                let mut p = path.clone();
                p.push(call.clone());
                self.add(p, child, child_dir);
            }
        }
        if let Some(d) = dir {
            self.dirs.insert(path.clone(), d);
        }
        self.modules.insert(path, module);
    }

    /// The directory of a module (relative to the root module's), when its source is local.
    pub(super) fn dir(&self, path: &[String]) -> Option<&str> {
        self.dirs.get(path).map(String::as_str)
    }

    /// The configuration block of resource `local` in module `path`.
    fn resource(&self, path: &[String], local: &str) -> Option<&'p Value> {
        self.modules
            .get(path)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(Value::as_str) == Some(local))
    }

    /// The expression of argument `key` of resource `local` in module `path`: `Some(None)` when
    /// the block leaves it out, `None` when the block is not in the configuration.
    pub(super) fn argument(
        &self,
        path: &[String],
        local: &str,
        key: &str,
    ) -> Option<Option<&'p Value>> {
        let r = self.resource(path, local)?;
        Some(r.get("expressions").and_then(|e| e.get(key)))
    }

    /// Where the references of `expression` (in module `path`) lead.
    pub(super) fn resolve(&self, path: &[String], expression: Option<&Value>) -> Resolved {
        let mut out = Resolved::default();
        for r in references(expression) {
            self.follow(path, &r, 0, &mut out);
        }
        out.targets.sort();
        out.targets.dedup_by(|later, kept| {
            let same = later.path == kept.path && later.local == kept.local;
            if same && kept.attr.is_none() {
                kept.attr = later.attr.take();
            }
            same
        });
        out
    }

    fn follow(&self, path: &[String], reference: &str, depth: usize, out: &mut Resolved) {
        let segs = segments(reference);
        let unresolved = |out: &mut Resolved| out.unresolved.push(reference.to_owned());
        if depth > MAX_DEPTH || segs.len() < 2 {
            return unresolved(out);
        }
        match segs[0] {
            // Instance selectors (`aws_iam_role.r[each.key]`): every instance is a candidate.
            "each" | "count" | "path" | "terraform" | "self" => {}
            "var" => match path.split_last() {
                Some((call, parent)) => {
                    let e = self.modules.get(parent).and_then(|m| {
                        m.pointer(&format!(
                            "/module_calls/{call}/expressions/{}",
                            bare(segs[1])
                        ))
                    });
                    match references(e).is_empty() {
                        true => unresolved(out),
                        false => references(e)
                            .iter()
                            .for_each(|r| self.follow(parent, r, depth + 1, out)),
                    }
                }
                None => unresolved(out),
            },
            "module" if segs.len() == 2 => {} // implied by `module.m.out`
            "module" => {
                let mut child = path.to_vec();
                child.push(bare(segs[1]).to_owned());
                let out_name = bare(segs[2]);
                let e = self
                    .modules
                    .get(&child)
                    .and_then(|m| m.pointer(&format!("/outputs/{out_name}/expression")));
                match references(e).is_empty() {
                    true => unresolved(out),
                    false => references(e)
                        .iter()
                        .for_each(|r| self.follow(&child, r, depth + 1, out)),
                }
            }
            "local" => unresolved(out),
            "data" if segs.len() >= 3 => out.targets.push(Target {
                path: path.to_vec(),
                local: format!("data.{}.{}", segs[1], bare(segs[2])),
                attr: segs.get(3).map(|a| bare(a).to_owned()),
            }),
            kind => out.targets.push(Target {
                path: path.to_vec(),
                local: format!("{kind}.{}", bare(segs[1])),
                attr: segs.get(2).map(|a| bare(a).to_owned()),
            }),
        }
    }
}

/// The `references` of an expression representation (empty for a constant).
fn references(expression: Option<&Value>) -> Vec<String> {
    expression
        .and_then(|e| e.get("references"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `dir` joined with a relative module source, `.` and `..` folded.
fn join(dir: &str, source: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in source.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_followed_through_modules_and_variables() {
        let plan = json!({"configuration": {"root_module": {
            "resources": [{"address": "aws_iam_role_policy_attachment.a", "expressions": {
                "role": {"references": ["module.cx.role_name", "module.cx"]},
                "policy_arn": {"references": ["local.arn"]}}}],
            "module_calls": {"cx": {"source": "./modules/cx",
                "expressions": {"prefix": {"references": ["random_id.p.hex", "random_id.p"]}},
                "module": {
                    "outputs": {"role_name": {"expression": {"references": ["aws_iam_role.r.name", "aws_iam_role.r"]}}},
                    "resources": [{"address": "aws_iam_role.r", "expressions": {
                        "name_prefix": {"references": ["var.prefix"]}}}]}}}}}});
        let c = Config::new(&plan);
        let role = c
            .argument(&[], "aws_iam_role_policy_attachment.a", "role")
            .unwrap();
        let r = c.resolve(&[], role);
        assert_eq!(r.unresolved, Vec::<String>::new());
        assert_eq!(r.targets.len(), 1);
        assert_eq!(
            (r.targets[0].path.clone(), r.targets[0].local.as_str()),
            (vec!["cx".to_owned()], "aws_iam_role.r")
        );
        let arn = c
            .argument(&[], "aws_iam_role_policy_attachment.a", "policy_arn")
            .unwrap();
        assert_eq!(c.resolve(&[], arn).unresolved, ["local.arn"]);
        let p = c
            .argument(&["cx".into()], "aws_iam_role.r", "name_prefix")
            .unwrap();
        let r = c.resolve(&["cx".into()], p);
        assert_eq!(r.targets[0].local, "random_id.p");
        assert_eq!(r.targets[0].attr.as_deref(), Some("hex"));
        assert_eq!(c.dir(&["cx".into()]), Some("modules/cx"));
        assert_eq!(join("a/b", "../c/./d"), "a/c/d");
    }
}
