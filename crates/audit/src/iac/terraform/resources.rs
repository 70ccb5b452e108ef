//! Terraform resource instances → the audit's model: roles, managed policies, inline policies
//! and attachments, linked by the values the plan knows and, where a value is unknown until
//! apply, by the configuration's references.
//!
//! Part of `lambda_trust_audit::iac::terraform`. Reads (AWS provider docs, one page per resource type):
//! `aws_iam_role` (`assume_role_policy`, `inline_policy`, `managed_policy_arns`,
//! `permissions_boundary`, `name`, `path`, `arn`, `tags_all`/`tags`), `aws_iam_policy`
//! (`policy`, `arn`, `name`, `path`), `aws_iam_role_policy` (`role`, `name`, `policy`),
//! `aws_iam_role_policy_attachment` (`role`, `policy_arn`) and `aws_iam_policy_attachment`
//! (`roles`, `policy_arn`), `aws_lambda_resource_policy` (`resource_arn`, `policy`), and
//! `aws_lambda_permission` (`function_name`, `qualifier`, `action`,
//! `principal`, `source_account`, `source_arn`, `principal_org_id`, `function_url_auth_type`,
//! `statement_id`: the function policies, `lambda_trust_audit::iac::permission`). An `aws_iam_policy_document` data source needs no reading of its
//! own: Terraform puts its known `json` into the attributes that use it, and when it is read
//! only at apply those attributes are unknown and say so.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::build::{Build, Targets};
use super::super::permission::{Permission, WholePolicy};
use super::super::{RoleSettings, Unknown, UnknownReason};
use super::plan::Instance;
use super::refs::{Config, Resolved, Target};
use crate::account::{AuditPolicy, AuditRole, AuditVersion};
use crate::unknown_marker::marker;
use lambda_trust_iam::{Arn, AwsResource};

/// The reader's state over one plan.
pub(super) struct Reader<'p> {
    pub(crate) config: Config<'p>,
    pub(crate) instances: &'p [Instance],
    pub(crate) account: String,
    pub(crate) unknowns: Vec<Unknown>,
    pub(crate) build: Build,
    /// `aws_iam_policy` address → the ARN it is keyed by in the model.
    policy_keys: BTreeMap<String, String>,
}

impl<'p> Reader<'p> {
    pub(super) fn new(
        config: Config<'p>,
        instances: &'p [Instance],
        account: String,
    ) -> Reader<'p> {
        Reader {
            config,
            instances,
            account,
            unknowns: Vec::new(),
            build: Build::default(),
            policy_keys: BTreeMap::new(),
        }
    }

    /// Reads every instance: policies and roles first, then what links them.
    pub(super) fn read(&mut self) {
        let all = self.instances;
        for i in all.iter().filter(|i| !i.data && i.kind == "aws_iam_policy") {
            self.policy(i);
        }
        for i in all.iter().filter(|i| !i.data && i.kind == "aws_iam_role") {
            self.role(i);
        }
        for i in all.iter().filter(|i| !i.data) {
            match i.kind.as_str() {
                "aws_iam_role" => self.role_links(i),
                "aws_iam_role_policy" => self.role_policy(i),
                "aws_iam_role_policy_attachment" => {
                    let roles = self.role_targets(i, "role");
                    self.attachment(i, roles);
                }
                "aws_iam_policy_attachment" => {
                    let roles = self.role_targets(i, "roles");
                    self.attachment(i, roles);
                }
                "aws_lambda_permission" => self.permission(i),
                "aws_lambda_resource_policy" => self.whole_policy(i),
                _ => {}
            }
        }
    }

    fn unknown(&mut self, value: String, reason: UnknownReason, at: String) -> usize {
        match self
            .unknowns
            .iter()
            .position(|u| u.value == value && u.at == at)
        {
            Some(i) => i,
            None => {
                self.unknowns.push(Unknown { value, reason, at });
                self.unknowns.len() - 1
            }
        }
    }

    /// An `aws_lambda_permission`: the statement it adds to its function's policy.
    fn permission(&mut self, i: &Instance) {
        let mut get = |key: &str| self.text(i, key).map_or(Value::Null, Value::String);
        let permission = Permission {
            resource: i.address.clone(),
            function: get("function_name"),
            qualifier: get("qualifier"),
            statement_id: get("statement_id"),
            action: get("action"),
            principal: get("principal"),
            source_account: get("source_account"),
            source_arn: get("source_arn"),
            principal_org_id: get("principal_org_id"),
            function_url_auth_type: get("function_url_auth_type"),
        };
        self.build.permissions.push(permission);
    }

    /// An `aws_lambda_resource_policy`: the whole policy it puts on its function, version or
    /// alias (`resource_arn`, `policy`).
    fn whole_policy(&mut self, i: &Instance) {
        let mut get = |key: &str| self.text(i, key).map_or(Value::Null, Value::String);
        let whole = WholePolicy {
            resource: i.address.clone(),
            resource_arn: get("resource_arn"),
            document: get("policy"),
        };
        self.build.whole_policies.push(whole);
    }

    /// A string attribute, or the marker of its unknown value.
    fn text(&mut self, i: &Instance, key: &str) -> Option<String> {
        if i.is_unknown(key) {
            return Some(marker(self.describe(i, key)));
        }
        i.values.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    /// Records why attribute `key` of `i` is unknown: the `random_*` resource, the data source
    /// read at apply, or the resource attribute its expression refers to.
    fn describe(&mut self, i: &Instance, key: &str) -> usize {
        let at = format!("{}.{key}", i.address);
        let expression = self
            .config
            .argument(&i.module_path, &i.local(), key)
            .flatten();
        let resolved = self.config.resolve(&i.module_path, expression);
        let named = |t: &Target| {
            let module: String = t.path.iter().map(|m| format!("module.{m}.")).collect();
            let attr = t
                .attr
                .as_deref()
                .map(|a| format!(".{a}"))
                .unwrap_or_default();
            format!("{module}{}{attr}", t.local)
        };
        let random = resolved
            .targets
            .iter()
            .find(|t| t.local.starts_with("random_"));
        let deferred = resolved.targets.iter().find(|t| {
            t.local.starts_with("data.")
                && self
                    .instances_of(t)
                    .iter()
                    .any(|d| d.unknown == Value::Bool(true) || d.is_unknown("json"))
        });
        let (value, reason) = match (random, deferred, resolved.targets.first()) {
            (Some(t), _, _) => (named(t), UnknownReason::GeneratedAtApply),
            (None, Some(t), _) => (named(t), UnknownReason::DataReadAtApply),
            (None, None, Some(t)) => (named(t), UnknownReason::KnownAfterApply),
            _ => (at.clone(), UnknownReason::KnownAfterApply),
        };
        self.unknown(value, reason, at)
    }

    /// The instances a reference target names.
    fn instances_of(&self, t: &Target) -> Vec<&'p Instance> {
        self.instances
            .iter()
            .filter(|i| i.module_path == t.path && i.local() == t.local)
            .collect()
    }

    /// The instances of `kind` an expression of `from` refers to, the same module instance
    /// first; and whether nothing else is in it (every reference followed to such a resource).
    fn linked(
        &self,
        from: &Instance,
        resolved: &Resolved,
        kind: &str,
    ) -> (Vec<&'p Instance>, bool) {
        let mut out: Vec<&Instance> = Vec::new();
        let mut exact = resolved.unresolved.is_empty();
        for t in &resolved.targets {
            if !t.local.starts_with(&format!("{kind}.")) {
                exact = false;
                continue;
            }
            let all = self.instances_of(t);
            let same: Vec<&Instance> = all
                .iter()
                .copied()
                .filter(|i| i.module_instance == from.module_instance)
                .collect();
            out.extend(if same.is_empty() { all } else { same });
        }
        let exact = exact && !out.is_empty();
        (out, exact)
    }

    fn policy(&mut self, i: &Instance) {
        let known = |k: &str| i.values.get(k).and_then(Value::as_str).map(str::to_owned);
        let path = known("path").unwrap_or_else(|| "/".into());
        let name = known("name").unwrap_or_else(|| i.address.clone());
        let arn = known("arn").unwrap_or_else(|| {
            let named = format!("{path}{name}");
            Arn::of("aws", &self.account, AwsResource::Policy(&named)).to_string()
        });
        let document = self.document(i, "policy");
        let version = AuditVersion {
            version_id: "v1".into(),
            is_default: true,
            document,
        };
        self.policy_keys.insert(i.address.clone(), arn.clone());
        let policy = AuditPolicy {
            arn: arn.clone(),
            name,
            versions: vec![version],
        };
        self.build.policies.insert(arn, policy);
    }

    /// A policy document held as a JSON string, or the marker of its unknown value.
    fn document(&mut self, i: &Instance, key: &str) -> Value {
        match self.text(i, key) {
            Some(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
            None => Value::Null,
        }
    }

    fn role(&mut self, i: &Instance) {
        let known = |k: &str| i.values.get(k).and_then(Value::as_str).map(str::to_owned);
        let path = known("path").unwrap_or_else(|| "/".into());
        // A name chosen at apply (`name_prefix`, none): the address stands for it.
        let name = known("name").unwrap_or_else(|| i.address.clone());
        let arn = known("arn").unwrap_or_else(|| {
            let named = format!("{path}{name}");
            Arn::of("aws", &self.account, AwsResource::Role(&named)).to_string()
        });
        let tags = ["tags_all", "tags"]
            .iter()
            .find_map(|k| i.values.get(*k).and_then(Value::as_object))
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let role = AuditRole {
            name,
            arn,
            trust: self.document(i, "assume_role_policy"),
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: self.boundary(i),
            tags,
        };
        self.build.roles.insert(i.address.clone(), role);
        self.build.settings.insert(i.address.clone(), settings(i));
    }

    /// The permissions boundary's ARN; unknown, the policy its expression names, else none
    /// (left out: the role is treated as allowed more).
    fn boundary(&mut self, i: &Instance) -> Option<String> {
        if !i.is_unknown("permissions_boundary") {
            return i
                .values
                .get("permissions_boundary")?
                .as_str()
                .map(str::to_owned);
        }
        let e = self
            .config
            .argument(&i.module_path, &i.local(), "permissions_boundary")
            .flatten();
        let resolved = self.config.resolve(&i.module_path, e);
        match self.linked(i, &resolved, "aws_iam_policy") {
            (policies, true) if policies.len() == 1 => {
                self.policy_keys.get(&policies[0].address).cloned()
            }
            _ => None,
        }
    }

    /// Whether argument `key` of `i` is set in the configuration (unknown when the block is
    /// not found: then taken as set).
    fn configured(&self, i: &Instance, key: &str) -> bool {
        self.config
            .argument(&i.module_path, &i.local(), key)
            .is_none_or(|e| e.is_some())
    }

    /// A role's own `inline_policy` blocks and `managed_policy_arns`. Left out of the
    /// configuration, the provider fills them at apply from what is attached elsewhere: then an
    /// unknown value grants nothing of its own and is not read.
    fn role_links(&mut self, i: &Instance) {
        if !i.is_unknown("inline_policy") || self.configured(i, "inline_policy") {
            self.inline_blocks(i);
        }
        if i.is_unknown("managed_policy_arns") {
            if self.configured(i, "managed_policy_arns") {
                self.unknown_managed_arns(i);
            }
            return;
        }
        let arns = i
            .values
            .get("managed_policy_arns")
            .and_then(Value::as_array);
        for arn in arns.into_iter().flatten().filter_map(Value::as_str) {
            let to = Targets::Roles(vec![i.address.clone()], Vec::new());
            self.attach_arn(i, "managed_policy_arns", arn.to_owned(), to);
        }
    }

    /// `managed_policy_arns` set in the configuration but unknown until apply: the policies
    /// its references name, and the unknown value (it may hold any other ARN).
    fn unknown_managed_arns(&mut self, i: &Instance) {
        let u = self.describe(i, "managed_policy_arns");
        let e = self
            .config
            .argument(&i.module_path, &i.local(), "managed_policy_arns")
            .flatten();
        let resolved = self.config.resolve(&i.module_path, e);
        let (policies, _) = self.linked(i, &resolved, "aws_iam_policy");
        let keys: Vec<String> = policies
            .iter()
            .filter_map(|p| self.policy_keys.get(&p.address).cloned())
            .chain([marker(u)])
            .collect();
        for key in keys {
            let to = Targets::Roles(vec![i.address.clone()], vec![u]);
            self.build.attach.push((key, to));
        }
    }

    fn inline_blocks(&mut self, i: &Instance) {
        let whole = i.unknown == Value::Bool(true)
            || i.unknown.get("inline_policy") == Some(&Value::Bool(true));
        let blocks = i.values.get("inline_policy").and_then(Value::as_array);
        if whole || (i.is_unknown("inline_policy") && blocks.is_none()) {
            let u = self.describe(i, "inline_policy");
            let to = Targets::Roles(vec![i.address.clone()], vec![u]);
            self.build
                .inline
                .push((("inline_policy".into(), Value::String(marker(u))), to));
            return;
        }
        for (n, block) in blocks.into_iter().flatten().enumerate() {
            let unknown = i.unknown.pointer(&format!("/inline_policy/{n}/policy"));
            let name = block
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("inline_policy");
            let document = match (unknown, block.get("policy").and_then(Value::as_str)) {
                (Some(Value::Bool(true)), _) => {
                    Value::String(marker(self.describe(i, "inline_policy")))
                }
                (_, Some(s)) if !s.is_empty() => {
                    serde_json::from_str(s).unwrap_or(Value::String(s.into()))
                }
                _ => continue,
            };
            let to = Targets::Roles(vec![i.address.clone()], Vec::new());
            self.build.inline.push(((name.to_owned(), document), to));
        }
    }

    /// The roles attribute `key` of `i` names: by the known names, else through the
    /// references (every role when they cannot be followed, with the unknown value).
    fn role_targets(&mut self, i: &Instance, key: &str) -> Targets {
        if i.is_unknown(key) {
            return self.roles_by_reference(i, key);
        }
        let names: Vec<String> = match i.values.get(key) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let ids = self
            .build
            .roles
            .iter()
            .filter(|(_, r)| names.contains(&r.name))
            .map(|(id, _)| id.clone())
            .collect();
        Targets::Roles(ids, Vec::new())
    }

    /// An unknown role name linked through its references; when they cannot be followed to
    /// roles only, every role, with the unknown value.
    fn roles_by_reference(&mut self, i: &Instance, key: &str) -> Targets {
        let e = self
            .config
            .argument(&i.module_path, &i.local(), key)
            .flatten();
        let resolved = self.config.resolve(&i.module_path, e);
        match self.linked(i, &resolved, "aws_iam_role") {
            (roles, true) => Targets::Roles(
                roles.iter().map(|r| r.address.clone()).collect(),
                Vec::new(),
            ),
            _ => {
                let u = self.describe(i, key);
                self.unknowns[u].reason = UnknownReason::UnresolvedReference;
                Targets::Roles(self.build.roles.keys().cloned().collect(), vec![u])
            }
        }
    }

    fn role_policy(&mut self, i: &Instance) {
        let roles = self.role_targets(i, "role");
        let name = i
            .values
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| i.address.clone(), str::to_owned);
        let document = self.document(i, "policy");
        self.build.inline.push(((name, document), roles));
    }

    fn attachment(&mut self, i: &Instance, roles: Targets) {
        if !i.is_unknown("policy_arn") {
            if let Some(arn) = i.values.get("policy_arn").and_then(Value::as_str) {
                self.attach_arn(i, "policy_arn", arn.to_owned(), roles);
            }
            return;
        }
        let e = self
            .config
            .argument(&i.module_path, &i.local(), "policy_arn")
            .flatten();
        let resolved = self.config.resolve(&i.module_path, e);
        let (policies, exact) = self.linked(i, &resolved, "aws_iam_policy");
        let key = policies
            .first()
            .and_then(|p| self.policy_keys.get(&p.address));
        match (exact && policies.len() == 1, key) {
            (true, Some(k)) => self.build.attach.push((k.clone(), roles)),
            _ => {
                let u = self.describe(i, "policy_arn");
                self.build.attach.push((marker(u), with(roles, u)));
            }
        }
    }

    /// Attaches a known ARN; one whose document the plan does not hold (an AWS managed
    /// policy, a policy made elsewhere) is an unknown value.
    fn attach_arn(&mut self, i: &Instance, key: &str, arn: String, roles: Targets) {
        if self.build.policies.contains_key(&arn) {
            return self.build.attach.push((arn, roles));
        }
        let u = self.unknown(
            arn.clone(),
            UnknownReason::NotInPlan,
            format!("{}.{key}", i.address),
        );
        self.build.attach.push((arn, with(roles, u)));
    }
}

fn with(targets: Targets, u: usize) -> Targets {
    match targets {
        Targets::Roles(ids, mut unknown) => {
            unknown.push(u);
            Targets::Roles(ids, unknown)
        }
        names => names,
    }
}

/// `description` and `max_session_duration` for `check --plan` (the provider's defaults when
/// null: no description, 3,600 s); `None` where the plan leaves the value unknown.
fn settings(i: &Instance) -> RoleSettings {
    let value = |k: &str| (!i.is_unknown(k)).then(|| i.values.get(k).cloned().unwrap_or_default());
    RoleSettings {
        description: value("description")
            .map(|v| v.as_str().map(str::to_owned).unwrap_or_default()),
        max_session_duration: value("max_session_duration").map(|v| {
            v.as_i64()
                .unwrap_or(lambda_trust_model::DEFAULT_MAX_SESSION)
        }),
    }
}
