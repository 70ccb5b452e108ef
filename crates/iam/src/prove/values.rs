//! Condition keys for the prover: each condition becomes a statement about the key's set of
//! values, and `solve_key` decides whether some value set (or absence) meets every demand on
//! one key, with a witness.
//!
//! Sits under `prove::search`, which splits a request into independent keys. The semantics are
//! those of `iam::condition` (the condition operators page,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//! and single vs multivalued keys,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>):
//! a condition on a present key is "some value satisfies φ" or "every value satisfies ψ", where
//! φ and ψ are a test of one value against the policy values (OR), possibly negated. A
//! single-valued key (`iam::keys`) carries exactly one value when present, so both forms are
//! then the test of that one value; any other key may carry several, and witnesses use one
//! value when one will do.

use std::collections::BTreeMap;

use super::super::condition::holds;
use super::super::keys::is_single_valued;
use super::super::model::{Condition, ConditionOperator, OperatorKind, SetOperator};
use super::super::variables::VarSource;
use super::automaton::{Atom, Pattern, Product};
use super::budget::Meter;
use super::candidates::family_candidates;
pub(crate) use super::candidates::{family, Family};

/// "The value matches one of the condition's policy values" under the non-negated operator.
#[derive(Debug, Clone)]
pub(crate) struct ValueTest {
    pub(crate) kind: OperatorKind,
    pub(crate) values: Vec<String>,
    pub(crate) variables: bool,
    pub(crate) family: Family,
    pub(crate) atom: Option<Atom>,
}

/// A test or its negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Lit {
    pub(crate) test: usize,
    pub(crate) positive: bool,
}

/// A condition seen from its key: its truth when the key is absent, and when present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Present {
    Const(bool),
    Exists(Lit),
    ForAll(Lit),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Form {
    pub(crate) absent: bool,
    pub(crate) present: Present,
}

impl Form {
    /// The condition being false, as a form that must be true.
    pub(crate) fn negate(self) -> Form {
        let flip = |l: Lit| Lit {
            test: l.test,
            positive: !l.positive,
        };
        Form {
            absent: !self.absent,
            present: match self.present {
                Present::Const(b) => Present::Const(!b),
                Present::Exists(l) => Present::ForAll(flip(l)),
                Present::ForAll(l) => Present::Exists(flip(l)),
            },
        }
    }
}

/// The automaton of a string test, mirroring `condition::positive_match`.
pub(crate) fn string_atom(kind: OperatorKind, values: &[String]) -> Option<Atom> {
    use OperatorKind::*;
    let make: fn(&str) -> Pattern = match kind {
        StringEquals | StringNotEquals => |v| Pattern::exact(v, false),
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => |v| Pattern::exact(v, true),
        StringLike | StringNotLike => |v| Pattern::glob(v, false),
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Pattern::arn,
        _ => return None,
    };
    Some(values.iter().map(|v| make(v)).collect())
}

/// One key's tests, shared by every condition on that key.
#[derive(Debug, Default)]
pub(crate) struct KeyModel {
    pub(crate) name: String,
    pub(crate) tests: Vec<ValueTest>,
    /// At most one value in a request (`iam::keys`).
    pub(crate) single: bool,
}

impl KeyModel {
    pub(crate) fn new(name: &str) -> KeyModel {
        KeyModel {
            name: name.to_owned(),
            tests: Vec::new(),
            single: is_single_valued(name),
        }
    }

    /// Registers a condition on this key and returns its form.
    pub(crate) fn add(&mut self, cond: &Condition, variables: bool) -> Form {
        let op = &cond.operator;
        let kind = op.kind;
        if kind == OperatorKind::Null {
            let says = |b: &str| cond.values.iter().any(|v| v.eq_ignore_ascii_case(b));
            return Form {
                absent: says("true"),
                present: Present::Const(says("false")),
            };
        }
        let test = self.tests.len();
        self.tests.push(ValueTest {
            kind,
            values: cond.values.clone(),
            variables,
            family: family(kind),
            atom: string_atom(kind, &cond.values),
        });
        let negated = kind.is_negated();
        let lit = |positive| Lit { test, positive };
        match op.set {
            None if negated => Form {
                absent: true,
                present: Present::ForAll(lit(false)),
            },
            None => Form {
                absent: op.if_exists,
                present: Present::Exists(lit(true)),
            },
            Some(SetOperator::ForAnyValue) => Form {
                absent: op.if_exists,
                present: Present::Exists(lit(!negated)),
            },
            Some(SetOperator::ForAllValues) => Form {
                absent: true,
                present: Present::ForAll(lit(!negated)),
            },
        }
    }

    /// Evaluates a test on one value with the evaluator's own condition code.
    pub(crate) fn test(&self, lit: Lit, value: &str) -> bool {
        let t = &self.tests[lit.test];
        let Some(operator) = ConditionOperator::parse(t.kind.into()) else {
            return false;
        };
        let cond = Condition {
            operator,
            key: self.name.clone(),
            values: t.values.clone(),
        };
        let ctx = OneValue(vec![value.to_owned()]);
        let any = holds(&cond, &ctx, t.variables) != t.kind.is_negated();
        any == lit.positive
    }
}

/// A context holding one value for whatever key is asked.
struct OneValue(Vec<String>);

impl VarSource for OneValue {
    fn lookup(&self, _key: &str) -> Option<&[String]> {
        Some(&self.0)
    }
}

/// The answer for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `None`: leave the key out of the request.
    Sat(Option<Vec<String>>),
    Unsat,
    Unknown(String),
}

/// A disjunction of forms, at least one of which must hold.
pub(crate) type Clause = Vec<Form>;

/// Is there an absence or a value set meeting every clause?
pub(crate) fn solve_key(key: &KeyModel, clauses: &[Clause], meter: &Meter) -> Outcome {
    if clauses.iter().all(|c| c.iter().any(|f| f.absent)) {
        return Outcome::Sat(None);
    }
    let mut unknown = None;
    let mut chosen = Vec::with_capacity(clauses.len());
    if let Some(values) = choose(key, clauses, &mut chosen, meter, &mut unknown) {
        return Outcome::Sat(Some(values));
    }
    match unknown {
        Some(reason) => Outcome::Unknown(reason),
        None => Outcome::Unsat,
    }
}

/// Picks one present-form per clause (backtracking), then asks for values.
fn choose(
    key: &KeyModel,
    clauses: &[Clause],
    chosen: &mut Vec<Present>,
    meter: &Meter,
    unknown: &mut Option<String>,
) -> Option<Vec<String>> {
    let Some((first, rest)) = clauses.split_first() else {
        return match values_for(key, chosen, meter) {
            Outcome::Sat(values) => values,
            Outcome::Unknown(r) => {
                *unknown = Some(r);
                None
            }
            Outcome::Unsat => None,
        };
    };
    for form in first {
        // A condition that is false whenever the key is present cannot be chosen.
        if form.present == Present::Const(false) {
            continue;
        }
        chosen.push(form.present);
        let found = choose(key, rest, chosen, meter, unknown);
        chosen.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Values for a present key: each "some value" demand needs a value that also meets every
/// "all values" demand; try one value for all of them first.
fn values_for(key: &KeyModel, chosen: &[Present], meter: &Meter) -> Outcome {
    let mut exists = Vec::new();
    let mut forall = Vec::new();
    for p in chosen {
        match p {
            Present::Exists(l) => exists.push(*l),
            Present::ForAll(l) => forall.push(*l),
            Present::Const(_) => {}
        }
    }
    let together: Vec<Lit> = exists.iter().chain(&forall).copied().collect();
    let first = one_value(key, &together, meter);
    if let Outcome::Sat(Some(_)) = first {
        return first;
    }
    // A single-valued key has one value meeting every demand, or none.
    if exists.len() < 2 || key.single {
        return first;
    }
    let mut values = Vec::new();
    for e in &exists {
        let mut lits = forall.clone();
        lits.push(*e);
        match one_value(key, &lits, meter) {
            Outcome::Sat(Some(v)) => values.extend(v),
            Outcome::Unsat => return Outcome::Unsat,
            other => return other,
        }
    }
    Outcome::Sat(Some(values))
}

/// One value meeting every literal.
pub(crate) fn one_value(key: &KeyModel, lits: &[Lit], meter: &Meter) -> Outcome {
    let meets = |v: &str| lits.iter().all(|l| key.test(*l, v));
    for pretty in ["other", "x"] {
        if meets(pretty) {
            return Outcome::Sat(Some(vec![pretty.to_owned()]));
        }
    }
    let mut families: Vec<Family> = lits.iter().map(|l| key.tests[l.test].family).collect();
    families.sort();
    families.dedup();
    let strings: Vec<Lit> = lits
        .iter()
        .copied()
        .filter(|l| key.tests[l.test].family == Family::Str)
        .collect();
    let mut candidates = Vec::new();
    if !strings.is_empty() {
        match string_witness(key, &strings, meter) {
            Ok(Some(w)) => candidates.push(w),
            // No string meets the string tests: no value at all does.
            Ok(None) => return Outcome::Unsat,
            Err(reason) => return Outcome::Unknown(reason),
        }
    }
    for l in lits {
        let test = &key.tests[l.test];
        candidates.extend(family_candidates(test.family, &test.values));
    }
    if let Some(v) = candidates.into_iter().find(|v| meets(v)) {
        return Outcome::Sat(Some(vec![v]));
    }
    // One family alone: its candidates cover every case (see `candidates`).
    if families.len() <= 1 {
        Outcome::Unsat
    } else {
        Outcome::Unknown(format!(
            "condition key {} mixes operator families ({families:?}); the prover decides \
             string, numeric, date, IP, Bool and binary tests only one family at a time",
            key.name
        ))
    }
}

fn string_witness(key: &KeyModel, lits: &[Lit], meter: &Meter) -> Result<Option<String>, String> {
    let atoms: Vec<&Atom> = lits
        .iter()
        .filter_map(|l| key.tests[l.test].atom.as_ref())
        .collect();
    let wants: Vec<bool> = lits.iter().map(|l| l.positive).collect();
    let product = Product::new(&atoms, meter);
    product
        .find(|v| v == wants.as_slice())
        .map_err(|_| meter.stopped(&format!("string ({})", key.name)))
}

/// Keys by lowercase name (context keys are case-insensitive).
pub(crate) type Keys = BTreeMap<String, KeyModel>;

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: ConditionOperator::parse(op).unwrap(),
            key: key.to_owned(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn solve(conds: &[(&str, &[&str], bool)]) -> Outcome {
        solve_on("k", conds)
    }

    fn solve_on(name: &str, conds: &[(&str, &[&str], bool)]) -> Outcome {
        let mut key = KeyModel::new(name);
        let clauses: Vec<Clause> = conds
            .iter()
            .map(|(op, vals, want)| {
                let f = key.add(&cond(op, "k", vals), true);
                vec![if *want { f } else { f.negate() }]
            })
            .collect();
        let meter = Meter::new(super::super::budget::Budget::default());
        solve_key(&key, &clauses, &meter)
    }

    #[test]
    fn string_cases() {
        assert_eq!(
            solve(&[("StringEquals", &["a"], true)]),
            Outcome::Sat(Some(vec!["a".into()]))
        );
        assert_eq!(
            solve(&[("StringEquals", &["a"], false)]),
            Outcome::Sat(None)
        );
        assert_eq!(
            solve(&[
                ("StringEquals", &["a"], true),
                ("StringNotLike", &["a*"], true)
            ]),
            Outcome::Unsat
        );
        // Two different values are needed: the key is multivalued then.
        assert_eq!(
            solve(&[
                ("StringEquals", &["a"], true),
                ("StringLike", &["b*"], true)
            ]),
            Outcome::Sat(Some(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            solve(&[
                ("ForAllValues:StringEquals", &["a"], true),
                ("StringLike", &["b*"], true)
            ]),
            Outcome::Unsat
        );
    }

    /// A single-valued key never gets two values: demands no one value meets are unsatisfiable.
    #[test]
    fn single_valued_keys_take_one_value() {
        let two = [
            ("StringEquals", &["a"][..], true),
            ("StringLike", &["b*"][..], true),
        ];
        assert!(matches!(solve_on("k:v", &two), Outcome::Sat(Some(v)) if v.len() == 2));
        assert_eq!(solve_on("sts:ExternalId", &two), Outcome::Unsat);
        assert_eq!(solve_on("aws:SourceIp", &two), Outcome::Unsat);
        // ForAllValues on a present single-valued key is the plain test of its one value.
        assert_eq!(
            solve_on(
                "sts:ExternalId",
                &[
                    ("ForAnyValue:StringEquals", &["a"][..], true),
                    ("ForAllValues:StringEquals", &["b"][..], true)
                ]
            ),
            Outcome::Unsat
        );
    }

    #[test]
    fn numeric_and_ip() {
        assert!(matches!(
            solve(&[
                ("NumericLessThan", &["10"], true),
                ("NumericGreaterThan", &["9"], true)
            ]),
            Outcome::Sat(Some(_))
        ));
        assert_eq!(
            solve(&[
                ("ForAllValues:NumericLessThan", &["10"], true),
                ("NumericGreaterThan", &["10"], true)
            ]),
            Outcome::Unsat
        );
        assert!(matches!(
            solve(&[
                ("IpAddress", &["10.0.0.0/8"], true),
                ("NotIpAddress", &["10.0.0.0/9"], true)
            ]),
            Outcome::Sat(Some(_))
        ));
    }
}
