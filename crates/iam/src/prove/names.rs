//! Caller names for wildcard tests on `aws:PrincipalArn`: which role, user and federated-user
//! names a trust policy can tell apart, one witness name per class.
//!
//! Sits under `prove::principals`, which builds the caller partition. A caller's
//! `aws:PrincipalArn` is a fixed prefix (partition, account, kind) followed by its name (for a
//! role session, the role's ARN; IAM User Guide, global condition keys,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn>),
//! so the automata of the policy's tests, run over the prefix first, split names into finitely
//! many classes (`automaton::Product::classes_after`). Accounts and partitions are not
//! enumerated this way, so a pattern is covered only when its partition, service, region and
//! account components are each literal or exactly `*`: then every unnamed account behaves like
//! the fresh one.

use super::super::model::{Condition, OperatorKind, Policy};
use super::super::principal::arn_parts;
use super::automaton::{Atom, Exhausted, Pattern, Product};
use super::budget::Meter;
use super::values::{family, string_atom, Family};

/// Context keys whose value follows the caller rather than the request (lowercased).
pub(crate) const DERIVED: [&str; 4] = [
    "aws:principalaccount",
    "aws:principalarn",
    "aws:username",
    "aws:principaltype",
];

/// Whether `key` is one of the [`DERIVED`] keys (any case).
pub(crate) fn is_derived(key: &str) -> bool {
    DERIVED.contains(&key.to_lowercase().as_str())
}

/// The kinds of caller whose name is free, with their `aws:PrincipalArn` prefix and caller ARN.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    RoleSession,
    User,
    FederatedUser,
}

impl Kind {
    pub(crate) const ALL: [Kind; 3] = [Kind::RoleSession, Kind::User, Kind::FederatedUser];

    pub(crate) fn prefix(self, partition: &str, account: &str) -> String {
        match self {
            Kind::RoleSession => format!("arn:{partition}:iam::{account}:role/"),
            Kind::User => format!("arn:{partition}:iam::{account}:user/"),
            Kind::FederatedUser => format!("arn:{partition}:sts::{account}:federated-user/"),
        }
    }

    pub(crate) fn caller(self, partition: &str, account: &str, name: &str) -> String {
        match self {
            Kind::RoleSession => {
                format!("arn:{partition}:sts::{account}:assumed-role/{name}/prover-session")
            }
            Kind::User | Kind::FederatedUser => {
                format!("{}{name}", self.prefix(partition, account))
            }
        }
    }

    /// Role and federated-user names end at the next `/`; user names may carry a path.
    fn slash_free(self) -> bool {
        !matches!(self, Kind::User)
    }
}

/// The string tests on `aws:PrincipalArn` when one has a wildcard (empty when none does:
/// equality tests are covered by reading their values as callers), or why the caller partition
/// cannot cover the policy's tests on principal-derived keys.
pub(crate) fn principal_tests(policy: &Policy) -> Result<Vec<Atom>, String> {
    let conds: Vec<&Condition> = policy
        .statements
        .iter()
        .flat_map(|s| &s.conditions)
        .filter(|c| is_derived(&c.key) && c.operator.kind != OperatorKind::Null)
        .collect();
    let mut atoms = Vec::new();
    let mut wild = false;
    for c in &conds {
        let has_wild = c.values.iter().any(|v| v.contains(['*', '?']));
        let arn_key = c.key.eq_ignore_ascii_case("aws:PrincipalArn");
        match string_atom(c.operator.kind, &c.values) {
            Some(atom) if arn_key && family(c.operator.kind) == Family::Str => {
                if let Some(v) = c.values.iter().find(|v| !covered_shape(v)) {
                    return Err(not_covered(
                        c,
                        &format!("the pattern {v:?} has a wildcard outside the resource part"),
                    ));
                }
                wild |= has_wild;
                atoms.push(atom);
            }
            Some(_) if !has_wild => {}
            _ => return Err(not_covered(c, "a wildcard or range over callers")),
        }
    }
    if wild {
        if let Some(c) = conds
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case("aws:username"))
        {
            return Err(not_covered(
                c,
                "aws:username together with a wildcard on aws:PrincipalArn",
            ));
        }
        return Ok(atoms);
    }
    Ok(Vec::new())
}

fn not_covered(c: &Condition, what: &str) -> String {
    format!(
        "{} on the principal-derived key {}: {what} (the prover enumerates callers by account, \
         kind and name, and cannot cover this test)",
        c.operator.name, c.key
    )
}

/// Partition, service, region and account each literal or exactly `*` (or the whole value `*`).
fn covered_shape(v: &str) -> bool {
    if !v.contains(['*', '?']) || v == "*" {
        return true;
    }
    arn_parts(v).is_some_and(|[_, p, s, r, a, _]| {
        [p, s, r, a]
            .iter()
            .all(|c| *c == "*" || !c.contains(['*', '?']))
    })
}

/// One witness name per class of names after `prefix`, over the policy's tests and the names
/// the policy lists exactly (`exact`, full ARNs).
pub(crate) fn name_classes(
    kind: Kind,
    prefix: &str,
    tests: &[Atom],
    exact: &[String],
    meter: &Meter,
) -> Result<Vec<String>, Exhausted> {
    let mut atoms: Vec<Atom> = tests.to_vec();
    atoms.extend(exact.iter().map(|e| vec![Pattern::exact(e, false)]));
    // Last atom: the name contains a `/` (not a name for role sessions and federated users).
    atoms.push(vec![Pattern::glob(&format!("{prefix}*/*"), false)]);
    let refs: Vec<&Atom> = atoms.iter().collect();
    let classes = Product::new(&refs, meter).classes_after(prefix)?;
    Ok(classes
        .into_iter()
        .filter(|(v, _)| !(kind.slash_free() && v[v.len() - 1]))
        .map(|(_, name)| name)
        .collect())
}
