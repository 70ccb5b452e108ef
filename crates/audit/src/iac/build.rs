//! The model under construction, shared by the CloudFormation and Terraform readers: raw
//! documents (unknown markers still in) by resource, policies linked to roles, then
//! [`Build::finish`] widens every document and records, per role, the unknown values its trust
//! policy and its permissions depend on.
//!
//! Part of the auditor's `iac`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::intrinsic::text;
use super::permission::{self, Permission, WholePolicy};
use super::widen::{widen, Kind};
use super::{IacModel, NotAnalysed, RoleSettings, Source, Unknown};
use crate::account::{AccountIam, AuditPolicy, AuditRole};
use crate::unknown_marker::markers_in;

/// Stands for the template's own account when `--account-id` is not given: only "is this the
/// audited account" matters to the audit, and a role's own account is never a partner.
pub(super) const OWN_ACCOUNT: &str = "000000000001";

/// The roles a policy goes to.
pub(super) enum Targets {
    /// A list of role names (CloudFormation's `Roles`): an unknown entry may be any role.
    Names(Value),
    /// Roles by resource (Terraform, linked through values or references), and the unknown
    /// values the link depends on.
    Roles(Vec<String>, Vec<usize>),
}

/// The model under construction: raw documents (markers still in), by role resource.
#[derive(Default)]
pub(super) struct Build {
    pub(crate) roles: BTreeMap<String, AuditRole>,
    pub(crate) policies: BTreeMap<String, AuditPolicy>,
    /// Managed policy ARN → the roles it is attached to.
    pub(crate) attach: Vec<(String, Targets)>,
    /// Policy (name, document) → the roles it is put into.
    pub(crate) inline: Vec<((String, Value), Targets)>,
    /// By role resource: unknown values its permissions depend on besides its documents'.
    pub(crate) access: BTreeMap<String, Vec<usize>>,
    /// By role resource: `Description` and `MaxSessionDuration` (`description`,
    /// `max_session_duration` in Terraform), for `check`.
    pub(crate) settings: BTreeMap<String, RoleSettings>,
    /// Lambda permissions, for the function policies they make.
    pub(crate) permissions: Vec<Permission>,
    /// The function policies written whole (`AWS::Lambda::ResourcePolicy`,
    /// `aws_lambda_resource_policy`).
    pub(crate) whole_policies: Vec<WholePolicy>,
    /// The partition and region a function name is completed with (`None`: not known).
    pub(crate) partition: String,
    pub(crate) region: Option<String>,
}

impl Build {
    /// The role resources `targets` names, and the unknown values that decided it.
    fn targets(&self, targets: Targets) -> (Vec<String>, Vec<usize>) {
        let names = match targets {
            Targets::Roles(ids, unknown) => return (ids, unknown),
            Targets::Names(names) => names,
        };
        let names: Vec<String> = names.as_array().into_iter().flatten().map(text).collect();
        let unknown: Vec<usize> = names
            .iter()
            .flat_map(|n| markers_in(&Value::String(n.clone())))
            .collect();
        let ids = self
            .roles
            .iter()
            .filter(|(_, r)| !unknown.is_empty() || names.contains(&r.name))
            .map(|(id, _)| id.clone())
            .collect();
        (ids, unknown)
    }

    fn link(&mut self) {
        for (arn, to) in std::mem::take(&mut self.attach) {
            let (ids, unknown) = self.targets(to);
            for id in ids {
                self.access.entry(id.clone()).or_default().extend(&unknown);
                if let Some(role) = self.roles.get_mut(&id) {
                    if !role.attached.contains(&arn) {
                        role.attached.push(arn.clone());
                    }
                }
            }
        }
        for (policy, to) in std::mem::take(&mut self.inline) {
            let (ids, unknown) = self.targets(to);
            for id in ids {
                self.access.entry(id.clone()).or_default().extend(&unknown);
                if let Some(role) = self.roles.get_mut(&id) {
                    role.inline.push(policy.clone());
                }
            }
        }
    }

    /// The finished model: documents widened, each role's unknowns indexed, each role's
    /// source from `locate` (by resource).
    pub(super) fn finish(
        mut self,
        account: Option<String>,
        unknowns: Vec<Unknown>,
        locate: &dyn Fn(&str) -> Source,
        not_analysed: Vec<NotAnalysed>,
    ) -> IacModel {
        self.link();
        let mut model = IacModel {
            input: super::IacInput::Template,
            iam: AccountIam {
                account_id: account.clone().unwrap_or(OWN_ACCOUNT.into()),
                ..AccountIam::default()
            },
            account_given: account.is_some(),
            sources: BTreeMap::new(),
            unknowns,
            trust_unknowns: BTreeMap::new(),
            access_unknowns: BTreeMap::new(),
            not_analysed,
            settings: BTreeMap::new(),
            function_policies: BTreeMap::new(),
            unresolved_permissions: Vec::new(),
        };
        let partition = match self.partition.as_str() {
            "" => "aws",
            p => p,
        };
        let (policies, unresolved) = permission::policies(
            &self.permissions,
            &self.whole_policies,
            partition,
            self.region.as_deref(),
            &model.iam.account_id,
        );
        model.function_policies = policies;
        model.unresolved_permissions = unresolved;
        for (id, role) in std::mem::take(&mut self.roles) {
            self.add_role(&mut model, id, role, locate);
        }
        for (arn, mut p) in self.policies {
            for v in &mut p.versions {
                v.document = widen(&v.document, Kind::Permissions);
            }
            model.iam.policies.insert(arn, p);
        }
        model
    }

    /// The role `role` (the resource `id`) into `model`: its settings, its source, its documents widened where they
    /// hold an unknown, and what those unknowns leave unknown of its trust and access.
    fn add_role(
        &mut self,
        model: &mut IacModel,
        id: String,
        mut role: AuditRole,
        locate: &dyn Fn(&str) -> Source,
    ) {
        if let Some(settings) = self.settings.remove(&id) {
            model.settings.insert(role.name.clone(), settings);
        }
        let held = self.held(&id, &role);
        let trust = markers_in(&role.trust);
        role.trust = widen(&role.trust, Kind::Trust);
        for (_, d) in &mut role.inline {
            *d = widen(d, Kind::Permissions);
        }
        model.sources.insert(role.name.clone(), locate(&id));
        if !trust.is_empty() {
            model.trust_unknowns.insert(role.name.clone(), trust);
        }
        if !held.is_empty() {
            model.access_unknowns.insert(role.name.clone(), held);
        }
        model.iam.roles.push(role);
    }

    /// The unknown values a role's permissions depend on.
    fn held(&mut self, id: &str, role: &AuditRole) -> Vec<usize> {
        let mut held = self.access.remove(id).unwrap_or_default();
        held.extend(role.inline.iter().flat_map(|(_, d)| markers_in(d)));
        for arn in role.attached.iter().chain(&role.boundary) {
            held.extend(markers_in(&Value::String(arn.clone())));
            if let Some(p) = self.policies.get(arn) {
                held.extend(p.versions.iter().flat_map(|v| markers_in(&v.document)));
            }
        }
        held.sort();
        held.dedup();
        held
    }
}
