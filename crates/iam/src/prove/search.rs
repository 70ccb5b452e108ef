//! The search: for each way a request can be allowed, look for a request outside the intended
//! set that escapes every Deny.
//!
//! Sits under `prove` (called by `prove::trust` and `prove::invoke`). Per the policy evaluation
//! logic (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>)
//! a request is allowed iff every required policy has a matching Allow and no Deny matches. The
//! caller's principal, action and resource range over finite classes (`principals`, `classes`);
//! for each combination and each set of Allow statements that must match together, the
//! condition keys are independent except that every matching Deny must fail on at least one of
//! its keys, so we assign each Deny a key to fail on (backtracking) and solve each key alone
//! (`values::solve_key`).

use std::collections::{BTreeMap, HashMap};

use super::super::condition::holds;
use super::super::eval::StatementRef;
use super::super::model::{
    ActionClause, Condition, ConditionOperator, Effect, OperatorKind, PrincipalClause,
    ResourceClause, SetOperator, Statement,
};
use super::super::principal::{not_principal_applies, principal_matches};
use super::super::variables::VarSource;
use super::budget::Meter;
use super::classes::{Classes, Matcher};
use super::names::is_derived;
use super::principals::Caller;
use super::values::{solve_key, Clause, Form, KeyModel, Keys, Outcome};

/// One statement, pre-digested for the search.
pub(crate) struct Stmt {
    /// Where the statement came from, for reports.
    pub(crate) at: StatementRef,
    /// Resource-policy statements name their principal (`None`: identity-policy statement).
    principal: Option<Option<PrincipalClause>>,
    actions: Vec<usize>,
    not_action: bool,
    resources: Option<(Vec<usize>, bool)>,
    /// Conditions on keys the caller chooses: (lowercase key, form).
    free: Vec<(String, Form)>,
    /// Conditions on principal-derived keys, evaluated per caller.
    derived: Vec<Condition>,
    variables: bool,
}

/// Everything the search ranges over.
pub(crate) struct Problem {
    pub(crate) callers: Vec<Caller>,
    pub(crate) actions: Classes,
    pub(crate) resources: Classes,
    pub(crate) stmts: Vec<Stmt>,
    /// Each entry: Allow statements that must all match (identity Allow plus boundary Allow).
    pub(crate) allow_sets: Vec<Vec<usize>>,
    pub(crate) denies: Vec<usize>,
    /// A pseudo-Deny matching exactly the intended requests among those whose head is intended.
    pub(crate) intended: Option<usize>,
    pub(crate) keys: Keys,
    /// The proof's step count (shared with the class enumeration that built the problem).
    pub(crate) meter: Meter,
}

/// A request head: indices into callers, action classes, resource classes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head {
    pub(crate) caller: usize,
    pub(crate) action: usize,
    pub(crate) resource: usize,
}

/// What the search found.
pub(crate) enum Found {
    Request {
        head: Head,
        context: BTreeMap<String, Vec<String>>,
    },
    Unknown(String),
    Nothing,
}

/// Collects the statements and interns their patterns and keys.
pub(crate) struct Builder {
    pub(crate) action_patterns: Vec<String>,
    pub(crate) resource_patterns: Vec<String>,
    pub(crate) keys: Keys,
    pub(crate) stmts: Vec<Stmt>,
    /// Whether principal-derived keys follow the caller (trust) or are free (identity side).
    pub(crate) derive: bool,
}

impl Builder {
    pub(crate) fn new(derive: bool) -> Self {
        Builder {
            action_patterns: Vec::new(),
            resource_patterns: Vec::new(),
            keys: Keys::new(),
            stmts: Vec::new(),
            derive,
        }
    }

    /// When the policy tests `aws:userid`, pins it on each caller whose ID is known (a
    /// pseudo-Allow statement the search must satisfy), so the caller keeps its real ID.
    pub(crate) fn pin_userids(&mut self, callers: &mut [super::principals::Caller]) {
        if !self.keys.contains_key("aws:userid") {
            return;
        }
        for c in callers {
            if let Some(id) = super::principals::known_userid(&c.arn) {
                let pin = pinned("aws:userid", &id);
                c.pin = Some(self.add(&pin, statement_ref("property", 0, &pin), false, false));
            }
        }
    }

    pub(crate) fn add(
        &mut self,
        stmt: &Statement,
        at: StatementRef,
        variables: bool,
        resource_kind: bool,
    ) -> usize {
        let (list, not_action) = match &stmt.action {
            ActionClause::Action(l) => (l, false),
            ActionClause::NotAction(l) => (l, true),
        };
        let actions = list
            .iter()
            .map(|a| Classes::intern(&mut self.action_patterns, Matcher::Action, a))
            .collect();
        let resources = stmt.resource.as_ref().map(|r| {
            let (list, not) = match r {
                ResourceClause::Resource(l) => (l, false),
                ResourceClause::NotResource(l) => (l, true),
            };
            let idx = list
                .iter()
                .map(|r| Classes::intern(&mut self.resource_patterns, Matcher::Resource, r))
                .collect();
            (idx, not)
        });
        let (mut free, mut derived) = (Vec::new(), Vec::new());
        for c in &stmt.conditions {
            if self.derive && is_derived(&c.key) {
                derived.push(c.clone());
                continue;
            }
            let lower = c.key.to_lowercase();
            let model = self
                .keys
                .entry(lower.clone())
                .or_insert_with(|| KeyModel::new(&c.key));
            free.push((lower, model.add(c, variables)));
        }
        self.stmts.push(Stmt {
            at,
            principal: resource_kind.then(|| stmt.principal.clone()),
            actions,
            not_action,
            resources,
            free,
            derived,
            variables,
        });
        self.stmts.len() - 1
    }
}

struct Derived<'a>(&'a BTreeMap<String, Vec<String>>);

impl VarSource for Derived<'_> {
    fn lookup(&self, key: &str) -> Option<&[String]> {
        self.0.get(&key.to_lowercase()).map(Vec::as_slice)
    }
}

/// Requirements on one key: (statement, true = must fail on this key / false = must hold).
type Demands = Vec<(usize, bool)>;

/// One search run with its cache of per-key answers.
struct Run<'p> {
    p: &'p Problem,
    cache: HashMap<(String, Demands), Outcome>,
}

impl Problem {
    fn head_matches(&self, s: &Stmt, h: Head) -> bool {
        if let Some(principal) = &s.principal {
            let who = &self.callers[h.caller].arn;
            let named = match principal {
                Some(PrincipalClause::Principal(p)) => principal_matches(p, who),
                Some(PrincipalClause::NotPrincipal(p)) => not_principal_applies(p, who),
                None => false,
            };
            if !named {
                return false;
            }
        }
        let bits = &self.actions.classes[h.action].0;
        if s.actions.iter().any(|i| bits[*i]) == s.not_action {
            return false;
        }
        let Some((list, not)) = &s.resources else {
            return true;
        };
        let bits = &self.resources.classes[h.resource].0;
        list.iter().any(|i| bits[*i]) != *not
    }

    fn derived_hold(&self, s: &Stmt, caller: usize) -> bool {
        let ctx = Derived(&self.callers[caller].derived);
        s.derived.iter().all(|c| holds(c, &ctx, s.variables))
    }

    /// Searches every head and allow set; `violates(head)` says whether the head alone is
    /// outside the intended set (otherwise only the `intended` pseudo-Deny can make it so).
    /// A request whose head `replayable` refuses (no real action and fitting resource in its
    /// classes, `realize`) is kept only until one it accepts is found.
    pub(crate) fn search(
        &self,
        violates: impl Fn(&Problem, Head) -> bool,
        mut replayable: impl FnMut(Head) -> bool,
    ) -> Found {
        let mut run = Run {
            p: self,
            cache: HashMap::new(),
        };
        let mut unknown = None;
        let mut fallback = None;
        for set in &self.allow_sets {
            for head in self.heads() {
                if self.meter.spend(1).is_err() {
                    return fallback.unwrap_or_else(|| Found::Unknown(self.meter.reason()));
                }
                let outside = violates(self, head);
                match run.try_head(set, head, outside) {
                    Found::Nothing => {}
                    Found::Unknown(r) => unknown = unknown.or(Some(r)),
                    found if replayable(head) => return found,
                    found => fallback = fallback.or(Some(found)),
                }
            }
        }
        fallback.unwrap_or_else(|| unknown.map_or(Found::Nothing, Found::Unknown))
    }

    /// Whether the head is allowed with no condition keys at all (and the caller's derived
    /// keys): some allow set matches with every condition true on absent keys, and no Deny
    /// does. Returns the allowing statements.
    pub(crate) fn allowed_bare(&self, head: Head) -> Option<Vec<StatementRef>> {
        let holds_bare = |i: &usize| {
            let s = &self.stmts[*i];
            self.head_matches(s, head)
                && self.derived_hold(s, head.caller)
                && s.free.iter().all(|(_, f)| f.absent)
        };
        if self.denies.iter().any(holds_bare) {
            return None;
        }
        let set = self
            .allow_sets
            .iter()
            .find(|set| set.iter().all(holds_bare))?;
        Some(set.iter().map(|i| self.stmts[*i].at.clone()).collect())
    }

    fn heads(&self) -> impl Iterator<Item = Head> + '_ {
        let (nc, na, nr) = (
            self.callers.len(),
            self.actions.classes.len(),
            self.resources.classes.len(),
        );
        (0..nc).flat_map(move |caller| {
            (0..na).flat_map(move |action| {
                (0..nr).map(move |resource| Head {
                    caller,
                    action,
                    resource,
                })
            })
        })
    }
}

impl Run<'_> {
    fn try_head(&mut self, set: &[usize], head: Head, outside: bool) -> Found {
        let p = self.p;
        if !outside && p.intended.is_none() {
            return Found::Nothing;
        }
        let matches = |i: &usize| {
            p.head_matches(&p.stmts[*i], head) && p.derived_hold(&p.stmts[*i], head.caller)
        };
        if !set.iter().all(matches) {
            return Found::Nothing;
        }
        let mut demands: BTreeMap<String, Demands> = BTreeMap::new();
        for &i in set.iter().chain(&p.callers[head.caller].pin) {
            for (key, _) in &p.stmts[i].free {
                push_once(demands.entry(key.clone()).or_default(), (i, false));
            }
        }
        // Every matching Deny (and, for an intended head, the pseudo-Deny) must fail on a key.
        let mut blockers: Vec<(usize, Vec<String>)> = Vec::new();
        let intended = if outside { None } else { p.intended };
        for &d in p.denies.iter().chain(intended.iter()) {
            let s = &p.stmts[d];
            if (Some(d) != intended && !p.head_matches(s, head)) || !p.derived_hold(s, head.caller)
            {
                continue;
            }
            let mut keys: Vec<String> = s.free.iter().map(|(k, _)| k.clone()).collect();
            keys.sort();
            keys.dedup();
            if keys.is_empty() {
                return Found::Nothing;
            }
            blockers.push((d, keys));
        }
        for key in demands.keys().cloned().collect::<Vec<_>>() {
            if let Outcome::Unsat = self.solve(&key, &demands[&key]) {
                return Found::Nothing;
            }
        }
        self.assign(&blockers, &mut demands, head)
    }

    /// Gives each blocker a key to fail on, then solves every key. Forward checking: a blocker
    /// with no viable key ends the branch; the blocker with fewest viable keys goes first; a
    /// blocker breakable on a key nothing else constrains takes it without branching (that
    /// choice constrains nobody, so it loses no solution).
    fn assign(
        &mut self,
        blockers: &[(usize, Vec<String>)],
        demands: &mut BTreeMap<String, Demands>,
        head: Head,
    ) -> Found {
        if blockers.is_empty() {
            return self.finish(demands, head);
        }
        if self.p.meter.spend(1).is_err() {
            return Found::Unknown(self.p.meter.reason());
        }
        let Some((pick, keys)) = self.most_constrained(blockers, demands) else {
            return Found::Nothing;
        };
        let d = blockers[pick].0;
        let rest: Vec<(usize, Vec<String>)> = blockers
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != pick)
            .map(|(_, b)| b.clone())
            .collect();
        let mut unknown = None;
        for key in keys {
            let added = push_once(demands.entry(key.clone()).or_default(), (d, true));
            let found = self.assign(&rest, demands, head);
            if added {
                demands.get_mut(&key).map(Vec::pop);
            }
            match found {
                Found::Nothing => {}
                Found::Unknown(r) => unknown = unknown.or(Some(r)),
                found => return found,
            }
        }
        unknown.map_or(Found::Nothing, Found::Unknown)
    }

    /// The blocker to branch on next and its viable keys; `None` when one has none.
    fn most_constrained(
        &mut self,
        blockers: &[(usize, Vec<String>)],
        demands: &BTreeMap<String, Demands>,
    ) -> Option<(usize, Vec<String>)> {
        let mut best: Option<(usize, Vec<String>)> = None;
        for (i, (d, keys)) in blockers.iter().enumerate() {
            let mut viable = Vec::new();
            for key in keys {
                let mut list = demands.get(key).cloned().unwrap_or_default();
                push_once(&mut list, (*d, true));
                let outcome = self.solve(key, &list);
                let private = !demands.contains_key(key)
                    && blockers
                        .iter()
                        .enumerate()
                        .all(|(j, (_, ks))| j == i || !ks.contains(key));
                match outcome {
                    Outcome::Unsat => {}
                    Outcome::Sat(_) if private => return Some((i, vec![key.clone()])),
                    _ => viable.push(key.clone()),
                }
            }
            if viable.is_empty() {
                return None;
            }
            if best.as_ref().is_none_or(|(_, v)| viable.len() < v.len()) {
                best = Some((i, viable));
            }
        }
        best
    }

    fn finish(&mut self, demands: &BTreeMap<String, Demands>, head: Head) -> Found {
        let mut context = BTreeMap::new();
        for (key, list) in demands {
            match self.solve(key, list) {
                Outcome::Sat(None) => {}
                Outcome::Sat(Some(values)) => {
                    context.insert(self.p.keys[key].name.clone(), values);
                }
                Outcome::Unsat => return Found::Nothing,
                Outcome::Unknown(r) => return Found::Unknown(r),
            }
        }
        Found::Request { head, context }
    }

    fn solve(&mut self, key: &str, demands: &Demands) -> Outcome {
        let mut sorted = demands.clone();
        sorted.sort_unstable();
        let cache_key = (key.to_owned(), sorted);
        if let Some(o) = self.cache.get(&cache_key) {
            return o.clone();
        }
        if self.p.meter.spend(1).is_err() {
            return Outcome::Unknown(self.p.meter.reason());
        }
        let clauses = self.clauses(key, &cache_key.1);
        let outcome = solve_key(&self.p.keys[key], &clauses, &self.p.meter);
        self.cache.insert(cache_key, outcome.clone());
        outcome
    }

    fn clauses(&self, key: &str, demands: &Demands) -> Vec<Clause> {
        let mut out = Vec::new();
        for &(stmt, fail) in demands {
            let forms = self.p.stmts[stmt]
                .free
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, f)| *f);
            if fail {
                out.push(forms.map(Form::negate).collect());
            } else {
                out.extend(forms.map(|f| vec![f]));
            }
        }
        out
    }
}

fn push_once(list: &mut Demands, item: (usize, bool)) -> bool {
    if list.contains(&item) {
        return false;
    }
    list.push(item);
    true
}

/// A reference to statement `index` of the policy labelled `label`.
pub(crate) fn statement_ref(label: &str, index: usize, stmt: &Statement) -> StatementRef {
    StatementRef {
        policy: label.to_owned(),
        index,
        sid: stmt.sid.clone(),
        effect: stmt.effect,
    }
}

/// A pseudo-Allow statement holding `key` to exactly `value`: present, and every value equal
/// (`Null` false plus `ForAllValues:StringEquals`), so a second value cannot sneak in.
pub(crate) fn pinned(key: &str, value: &str) -> Statement {
    let cond = |kind: OperatorKind, set, v: &str| Condition {
        operator: ConditionOperator {
            name: kind.to_string(),
            set,
            kind,
            if_exists: false,
        },
        key: key.to_owned(),
        values: vec![v.to_owned()],
    };
    Statement {
        sid: Some("pinned".to_owned()),
        effect: Effect::Allow,
        principal: None,
        action: ActionClause::Action(vec!["*".to_owned()]),
        resource: None,
        conditions: vec![
            cond(OperatorKind::Null, None, "false"),
            cond(
                OperatorKind::StringEquals,
                Some(SetOperator::ForAllValues),
                value,
            ),
        ],
    }
}

/// The pseudo-Deny statement used for the trust property: it matches exactly when
/// `sts:ExternalId` is present and equal to the configured ID (the key is single-valued,
/// `iam::keys`, so the search gives it one value).
pub(crate) fn intended_external_id(external_id: &str) -> Statement {
    let operator = ConditionOperator {
        name: "StringEquals".to_owned(),
        set: None,
        kind: OperatorKind::StringEquals,
        if_exists: false,
    };
    Statement {
        sid: Some("intended".to_owned()),
        effect: Effect::Deny,
        principal: None,
        action: ActionClause::Action(vec!["*".to_owned()]),
        resource: None,
        conditions: vec![Condition {
            operator,
            key: "sts:ExternalId".to_owned(),
            values: vec![external_id.to_owned()],
        }],
    }
}
