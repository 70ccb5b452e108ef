//! The principal partition for trust policies: a finite list of concrete callers, one per class
//! of callers the policy can tell apart.
//!
//! Sits under `prove::search`. `iam::principal` matches a caller through its chain (account,
//! role, session) against listed accounts, role ARNs, exact ARNs, services and `*` (IAM User
//! Guide, "AWS JSON policy elements: Principal",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
//! So callers differ only by account (each named one, plus one nobody names), partition, role
//! name (each named one, plus a fresh one), kind (root, user, role session, federated user),
//! exact ARNs listed, services and anonymous. Conditions on the principal-derived keys add the
//! accounts and ARNs their values name; wildcard tests on `aws:PrincipalArn` add one caller per
//! name class (`names`).

use std::collections::BTreeMap;

use super::super::eval::derived_keys;
use super::super::model::{Policy, PrincipalClause, Principals};
use super::super::principal::{arn_parts, is_account_id};

use super::automaton::{Atom, Exhausted};
use super::budget::Meter;
use super::names::{is_derived, name_classes, Kind};

/// A caller: the request principal and its derived context keys (lowercased names).
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) arn: String,
    pub(crate) derived: BTreeMap<String, Vec<String>>,
    /// A pseudo-Allow statement (index into the search's statements) pinning `aws:userid` for
    /// callers whose ID is known (see `known_userid`).
    pub(crate) pin: Option<usize>,
}

/// `aws:PrincipalType` (IAM User Guide, global condition keys,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype);
/// the evaluator does not derive it, so counterexamples carry it explicitly when it matters.
pub(crate) fn principal_type(arn: &str) -> Option<&'static str> {
    if arn == "*" {
        return Some("Anonymous");
    }
    let [_, _, service, _, _, resource] = arn_parts(arn)?;
    match (service, resource) {
        ("iam", "root") => Some("Account"),
        ("iam", r) if r.starts_with("user/") => Some("User"),
        ("sts", r) if r.starts_with("assumed-role/") => Some("AssumedRole"),
        ("sts", r) if r.starts_with("federated-user/") => Some("FederatedUser"),
        _ => None,
    }
}

fn caller(arn: String) -> Caller {
    let mut derived: BTreeMap<String, Vec<String>> = derived_keys(&arn)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), vec![v]))
        .collect();
    if let Some(t) = principal_type(&arn) {
        derived.insert("aws:principaltype".to_owned(), vec![t.to_owned()]);
    }
    Caller {
        arn,
        derived,
        pin: None,
    }
}

/// The caller of an identity-side request: the role itself (`arn:…:iam::ACCOUNT:role/…`), with
/// the keys a session of it carries — `aws:PrincipalArn` is the role's ARN, path included, and
/// `aws:PrincipalType` is `AssumedRole` (IAM User Guide, global condition keys).
pub(crate) fn role_caller(arn: &str) -> Caller {
    let mut c = caller(arn.to_owned());
    c.derived.insert(
        "aws:principaltype".to_owned(),
        vec!["AssumedRole".to_owned()],
    );
    c
}

/// Writes the keys AWS derives from the request's principal (`names::DERIVED`, and `aws:userid` where
/// the caller fixes it) into its context, for each one a statement of `policies` tests (spelled
/// as the statement spells it), so that the request replays on any evaluator, even one that
/// derives nothing. A value already in the context is kept.
pub(crate) fn self_contained<'a>(
    policies: impl IntoIterator<Item = &'a Policy>,
    req: &mut super::super::eval::Request,
) {
    let derived = match req.principal.as_str() {
        p if arn_parts(p).is_some() || p == "*" => caller(p.to_owned()).derived,
        _ => return,
    };
    let conditions: Vec<_> = (policies.into_iter())
        .flat_map(|p| &p.statements)
        .flat_map(|s| &s.conditions)
        .collect();
    // `aws:userid` where the caller fixes it (the root user's account ID, `anonymous`).
    let userid = conditions
        .iter()
        .find(|c| c.key.eq_ignore_ascii_case("aws:userid"));
    if let (Some(c), Some(id)) = (userid, known_userid(&req.principal)) {
        if !req
            .context
            .keys()
            .any(|k| k.eq_ignore_ascii_case("aws:userid"))
        {
            req.context.insert(c.key.clone(), vec![id]);
        }
    }
    for c in conditions.into_iter().filter(|c| is_derived(&c.key)) {
        let Some(values) = derived.get(&c.key.to_lowercase()) else {
            continue;
        };
        if !req.context.keys().any(|k| k.eq_ignore_ascii_case(&c.key)) {
            req.context.insert(c.key.clone(), values.clone());
        }
    }
}

/// `aws:userid` where it follows from the caller: the account ID for the root user, and
/// `anonymous` for anonymous callers (IAM User Guide, "Specifying a principal" and the
/// `aws:userid` table,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
/// Other callers' unique IDs cannot be known offline, so their `aws:userid` stays free.
pub(crate) fn known_userid(arn: &str) -> Option<String> {
    if arn == "*" {
        return Some("anonymous".to_owned());
    }
    match arn_parts(arn)? {
        [_, _, "iam", _, account, "root"] => Some(account.to_owned()),
        _ => None,
    }
}

/// What the policy names: accounts (with partition), role names per account, exact callers.
#[derive(Default)]
struct Named {
    /// The role's partition: a bare account ID names the account there.
    partition: String,
    accounts: Vec<(String, String)>,
    roles: Vec<String>,
    users: Vec<String>,
    exact: Vec<String>,
}

impl Named {
    fn account(&mut self, partition: &str, id: &str) {
        let entry = (partition.to_owned(), id.to_owned());
        if is_account_id(id) && !self.accounts.contains(&entry) {
            self.accounts.push(entry);
        }
    }

    /// Reads one principal value or principal-key condition value.
    fn read(&mut self, value: &str) {
        // A wildcard partition stands for the role's own (the only one a caller can be in).
        let value = match arn_parts(value) {
            Some([_, p, rest @ ..]) if p.contains(['*', '?']) => {
                format!("arn:{}:{}", self.partition, rest.join(":"))
            }
            _ => value.to_owned(),
        };
        let value = value.replace(['*', '?'], "x");
        if is_account_id(&value) {
            let partition = self.partition.clone();
            return self.account(&partition, &value);
        }
        let Some([_, partition, service, _, account, resource]) = arn_parts(&value) else {
            self.exact.push(value.clone());
            return;
        };
        self.account(partition, account);
        match (service, resource) {
            ("iam", "root") => {}
            ("iam", r) if r.starts_with("role/") => {
                self.roles.extend(r.rsplit('/').next().map(str::to_owned))
            }
            ("iam", r) if r.starts_with("user/") => {
                self.users.extend(r.rsplit('/').next().map(str::to_owned));
                self.exact.push(value.clone());
            }
            _ => self.exact.push(value.clone()),
        }
    }
}

fn read_principals(named: &mut Named, principals: &Principals) {
    let Principals::Specific(map) = principals else {
        return;
    };
    for v in map.aws.iter().filter(|v| *v != "*") {
        named.read(v);
    }
    let others = map
        .service
        .iter()
        .chain(&map.federated)
        .chain(&map.canonical_user);
    named.exact.extend(others.cloned());
}

/// Every caller class of `policy` (statement principals and principal-key conditions), with
/// the partner's root and a partner role session first, all in the role's `partition`: a
/// caller of another partition can never assume the role (the evaluator refuses it,
/// `eval::evaluate`), so such callers are left out. `tests`: the wildcard tests on
/// `aws:PrincipalArn` (`names::principal_tests`) that names are classified by.
pub(crate) fn callers(
    policy: &Policy,
    partition: &str,
    partner: &str,
    tests: &[Atom],
    meter: &Meter,
) -> Result<Vec<Caller>, Exhausted> {
    let mut named = Named {
        partition: partition.to_owned(),
        ..Named::default()
    };
    named.account(partition, partner);
    for stmt in &policy.statements {
        match &stmt.principal {
            Some(PrincipalClause::Principal(p) | PrincipalClause::NotPrincipal(p)) => {
                read_principals(&mut named, p)
            }
            None => {}
        }
        for c in stmt.conditions.iter().filter(|c| is_derived(&c.key)) {
            for v in &c.values {
                named.read(v);
                if c.key.eq_ignore_ascii_case("aws:username") {
                    named.users.push(v.replace(['*', '?'], "x"));
                }
            }
        }
    }
    let fresh = ["444455556666", "999988887777", "135792468024"]
        .into_iter()
        .find(|a| !named.accounts.iter().any(|(_, id)| id == a))
        .unwrap_or("000000000001");
    named.account(partition, fresh);
    named.accounts.retain(|(p, _)| p == partition);
    let mut arns = build(&named);
    arns.retain(|a| arn_parts(a).is_none_or(|[_, p, ..]| p == partition));
    if !tests.is_empty() {
        arns.extend(named_by_tests(&named, tests, meter)?);
    }
    let mut seen = std::collections::HashSet::new();
    arns.retain(|a| seen.insert(a.clone()));
    Ok(arns.into_iter().map(caller).collect())
}

/// One caller per (account, kind, name class) of the wildcard tests.
fn named_by_tests(named: &Named, tests: &[Atom], meter: &Meter) -> Result<Vec<String>, Exhausted> {
    let mut out = Vec::new();
    for (p, a) in &named.accounts {
        for kind in Kind::ALL {
            let prefix = kind.prefix(p, a);
            let mut exact: Vec<String> = named
                .exact
                .iter()
                .filter(|e| e.starts_with(&prefix))
                .cloned()
                .collect();
            if let Kind::RoleSession = kind {
                exact.extend(named.roles.iter().map(|r| format!("{prefix}{r}")));
            }
            for name in name_classes(kind, &prefix, tests, &exact, meter)? {
                out.push(kind.caller(p, a, &name));
            }
        }
    }
    Ok(out)
}

fn build(named: &Named) -> Vec<String> {
    let mut roles = named.roles.clone();
    roles.push("prover-role".to_owned());
    let mut users = named.users.clone();
    users.push("prover-user".to_owned());
    let mut arns = Vec::new();
    for (p, a) in &named.accounts {
        arns.push(format!("arn:{p}:iam::{a}:root"));
        for r in &roles {
            arns.push(format!("arn:{p}:sts::{a}:assumed-role/{r}/prover-session"));
        }
        for u in &users {
            arns.push(format!("arn:{p}:iam::{a}:user/{u}"));
        }
        arns.push(format!("arn:{p}:sts::{a}:federated-user/prover-user"));
    }
    arns.extend(named.exact.iter().cloned());
    arns.push("*".to_owned());
    arns.push("prover.amazonaws.com".to_owned());
    arns
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(v: serde_json::Value) -> Policy {
        Policy::try_from(&json!({"Version": "2012-10-17", "Statement": v})).unwrap()
    }

    #[test]
    fn partition_names_every_listed_caller() {
        let p = policy(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:role/path/App", "222233334444"],
                          "Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::333344445555:user/bob"}}
        }]));
        let meter = Meter::new(super::super::budget::Budget::default());
        let arns: Vec<String> = callers(&p, "aws", "765628985471", &[], &meter)
            .unwrap()
            .into_iter()
            .map(|c| c.arn)
            .collect();
        for want in [
            "arn:aws:iam::765628985471:root",
            "arn:aws:sts::111122223333:assumed-role/App/prover-session",
            "arn:aws:sts::765628985471:assumed-role/App/prover-session",
            "arn:aws:iam::222233334444:root",
            "arn:aws:iam::333344445555:user/bob",
            "arn:aws:iam::444455556666:root",
            "ec2.amazonaws.com",
            "prover.amazonaws.com",
            "*",
        ] {
            assert!(
                arns.iter().any(|a| a == want),
                "{want} missing from {arns:?}"
            );
        }
        assert_eq!(arns[0], "arn:aws:iam::765628985471:root");
    }

    #[test]
    fn derived_keys_follow_the_caller() {
        let c = caller("arn:aws:sts::111122223333:assumed-role/App/s".to_owned());
        assert_eq!(c.derived["aws:principalaccount"], vec!["111122223333"]);
        assert_eq!(
            c.derived["aws:principalarn"],
            vec!["arn:aws:iam::111122223333:role/App"]
        );
        assert_eq!(c.derived["aws:principaltype"], vec!["AssumedRole"]);
        assert_eq!(
            caller("*".to_owned()).derived["aws:principaltype"],
            vec!["Anonymous"]
        );
        assert!(caller("ec2.amazonaws.com".to_owned()).derived.is_empty());
    }

    /// Wildcard tests on aws:PrincipalArn split role names into classes, one caller each.
    #[test]
    fn name_classes_from_wildcard_tests() {
        let p = policy(json!([{
            "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Gen*"}}
        }]));
        let tests = super::super::names::principal_tests(&p).unwrap();
        assert_eq!(tests.len(), 1);
        let meter = Meter::new(super::super::budget::Budget::default());
        let arns: Vec<String> = callers(&p, "aws", "765628985471", &tests, &meter)
            .unwrap()
            .into_iter()
            .map(|c| c.arn)
            .collect();
        assert!(
            arns.contains(&"arn:aws:sts::444455556666:assumed-role/Gen/prover-session".to_owned()),
            "{arns:?}"
        );
        // No role name with a slash.
        assert!(!arns
            .iter()
            .any(|a| a.contains("assumed-role/") && a.matches('/').count() > 2));
    }
}
