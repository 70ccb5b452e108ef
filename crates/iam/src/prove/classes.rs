//! Action and resource classes: every combination of Action/Resource patterns that one string
//! can match, each with a witness.
//!
//! Sits under `prove::search`. Two actions (or resources) that match exactly the same patterns
//! are treated the same by every statement and by the property, so the search needs one
//! representative per reachable combination; `automaton::Product::classes` enumerates them.
//! Actions compare case-insensitively, resources per ARN component (IAM User Guide, "Action"
//! and "Resource" elements,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).

use super::super::wildcard::{arn_match, compile, glob};
use super::automaton::{Atom, Exhausted, Literals, Pattern, Product};
use super::budget::Meter;

/// Which matcher a pattern list uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matcher {
    /// Case-insensitive glob, as for actions.
    Action,
    /// ARN matching, as for resources.
    Resource,
}

/// The distinct patterns of one dimension and the classes of strings over them.
pub(crate) struct Classes {
    pub(crate) matcher: Matcher,
    pub(crate) patterns: Vec<String>,
    /// (which patterns match, a witness).
    pub(crate) classes: Vec<(Vec<bool>, String)>,
}

impl Classes {
    /// Interns a pattern; returns its index. An action pattern is kept as written (every
    /// matcher compares actions case-insensitively), so a counterexample can show the name in
    /// AWS's case: of the spellings of one pattern, the first with a capital in its name
    /// (`ec2:AcceptVpcPeeringConnection` over `ec2:acceptvpcpeeringconnection`).
    pub(crate) fn intern(patterns: &mut Vec<String>, matcher: Matcher, text: &str) -> usize {
        let same = |p: &String| match matcher {
            Matcher::Action => lower(p).eq(lower(text)),
            Matcher::Resource => p == text,
        };
        if let Some(i) = patterns.iter().position(same) {
            if matcher == Matcher::Action && !cased(&patterns[i]) && cased(text) {
                patterns[i] = text.to_owned();
            }
            return i;
        }
        patterns.push(text.to_owned());
        patterns.len() - 1
    }

    pub(crate) fn matches(&self, pattern: usize, s: &str) -> bool {
        matches_one(self.matcher, &self.patterns[pattern], s)
    }

    /// Enumerates every reachable class. Patterns without wildcards are equality tests and go
    /// into one trie (`automaton::Literals`); the rest are automata.
    pub(crate) fn enumerate(
        matcher: Matcher,
        patterns: Vec<String>,
        meter: &Meter,
    ) -> Result<Classes, Exhausted> {
        let (lits, wild): (Vec<usize>, Vec<usize>) =
            (0..patterns.len()).partition(|i| !patterns[*i].contains(['*', '?']));
        let atoms: Vec<Atom> = wild
            .iter()
            .map(|i| vec![compile_one(matcher, &patterns[*i])])
            .collect();
        let refs: Vec<&Atom> = atoms.iter().collect();
        let words: Vec<String> = lits.iter().map(|i| patterns[*i].clone()).collect();
        let trie = Literals::new(&words, matcher == Matcher::Action);
        let found = Product::with_literals(&refs, Some(&trie), meter).classes()?;
        // Back to pattern order: the product lists the automata first, then the literals.
        let order: Vec<usize> = wild.iter().chain(&lits).copied().collect();
        let classes = found
            .into_iter()
            .map(|(v, w)| {
                let mut bits = vec![false; patterns.len()];
                for (k, b) in v.into_iter().enumerate() {
                    bits[order[k]] = b;
                }
                (bits, w)
            })
            .collect();
        Ok(Classes {
            matcher,
            patterns,
            classes,
        })
    }

    /// A single class holding one concrete string (the trust policy's role ARN).
    pub(crate) fn single(matcher: Matcher, patterns: Vec<String>, value: &str) -> Classes {
        let v = patterns
            .iter()
            .map(|p| matches_one(matcher, p, value))
            .collect();
        Classes {
            matcher,
            patterns,
            classes: vec![(v, value.to_owned())],
        }
    }

    /// Which patterns match `s`.
    pub(crate) fn vector(&self, s: &str) -> Vec<bool> {
        (0..self.patterns.len())
            .map(|i| self.matches(i, s))
            .collect()
    }

    /// Whether `s` is a member of class `c`.
    pub(crate) fn contains(&self, c: usize, s: &str) -> bool {
        let bits = &self.classes[c].0;
        (0..self.patterns.len()).all(|i| self.matches(i, s) == bits[i])
    }
}

fn lower(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// Whether an action's name (after the service prefix) has a capital letter.
fn cased(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    name.chars().any(char::is_uppercase)
}

fn compile_one(matcher: Matcher, pattern: &str) -> Pattern {
    match matcher {
        Matcher::Action => Pattern::glob(pattern, true),
        Matcher::Resource => Pattern::arn(pattern),
    }
}

/// The evaluator's own matchers (`eval::statement_applies`).
fn matches_one(matcher: Matcher, pattern: &str, s: &str) -> bool {
    match matcher {
        Matcher::Action => glob(&compile(pattern), s, true),
        Matcher::Resource => arn_match(&compile(pattern), s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class's witness has the class's vector under the evaluator's own matchers, and
    /// the classes are distinct.
    #[test]
    fn classes_agree_with_matchers() {
        let meter = Meter::new(super::super::budget::Budget::default());
        let cases = [
            (
                Matcher::Action,
                vec![
                    "sts:AssumeRole",
                    "sts:*",
                    "*",
                    "STS:TagSession",
                    "lambda:Invoke*",
                ],
            ),
            (
                Matcher::Resource,
                vec![
                    "arn:aws:lambda:us-east-1:1:function:f",
                    "arn:aws:lambda:us-east-1:1:function:f*",
                    "arn:aws:lambda:*:1:function:f",
                    "*",
                    "arn:aws:lambda:us-east-1:1:function:f:live",
                ],
            ),
        ];
        for (m, pats) in cases {
            let pats: Vec<String> = pats.iter().map(|p| p.to_string()).collect();
            let mut interned = Vec::new();
            for p in &pats {
                Classes::intern(&mut interned, m, p);
            }
            let c = Classes::enumerate(m, interned, &meter).unwrap();
            for (bits, w) in &c.classes {
                for (i, b) in bits.iter().enumerate() {
                    assert_eq!(c.matches(i, w), *b, "{w:?} vs {}", c.patterns[i]);
                }
            }
            let mut seen: Vec<&Vec<bool>> = c.classes.iter().map(|(b, _)| b).collect();
            seen.dedup();
            assert_eq!(seen.len(), c.classes.len());
            assert!(c.classes.len() >= pats.len());
        }
    }
}
