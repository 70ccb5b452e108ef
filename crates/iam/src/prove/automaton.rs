//! Wildcard automata for the prover: a pattern's positions are its states, and a breadth-first
//! search over tuples of position sets answers "is there a string that matches these patterns
//! and not those" (with a shortest witness) or "which combinations of patterns can one string
//! hit" (one witness per combination).
//!
//! Sits beside `iam::wildcard`, which answers the opposite question (does this one string
//! match); the tokens come from `wildcard::compile`, so both read `*` and `?` the same way. The
//! extra no-colon tokens encode `wildcard::arn_match`, where a wildcard in one of the first five
//! ARN components cannot cross a colon.

use std::collections::{HashMap, VecDeque};

use super::super::wildcard::{compile, Tok};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    Lit(char),
    Many,
    One,
    /// `*` inside one of the first five ARN components: any run without `:`.
    ManyNoColon,
    /// `?` inside one of the first five ARN components: one character other than `:`.
    OneNoColon,
}

/// One compiled pattern: its symbols and whether literals compare case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    syms: Vec<Sym>,
    ci: bool,
}

/// Lowercases a literal exactly as `wildcard::glob` does for case-insensitive matching.
fn lower_all(c: char) -> Vec<char> {
    c.to_lowercase().collect()
}

fn from_toks(toks: &[Tok], ci: bool, no_colon: bool) -> Vec<Sym> {
    toks.iter()
        .flat_map(|t| match (t, no_colon) {
            (Tok::Lit(c), _) if ci => lower_all(*c).into_iter().map(Sym::Lit).collect(),
            (Tok::Lit(c), _) => vec![Sym::Lit(*c)],
            (Tok::Many, false) => vec![Sym::Many],
            (Tok::One, false) => vec![Sym::One],
            (Tok::Many, true) => vec![Sym::ManyNoColon],
            (Tok::One, true) => vec![Sym::OneNoColon],
        })
        .collect()
}

impl Pattern {
    /// `*`/`?` glob, as `wildcard::glob(compile(text), _, ci)`.
    pub(crate) fn glob(text: &str, ci: bool) -> Pattern {
        Pattern {
            syms: from_toks(&compile(text), ci, false),
            ci,
        }
    }

    /// Exact (in)equality with `text`; `ci` as `to_lowercase` on both sides.
    pub(crate) fn exact(text: &str, ci: bool) -> Pattern {
        let toks: Vec<Tok> = text.chars().map(Tok::Lit).collect();
        Pattern {
            syms: from_toks(&toks, ci, false),
            ci,
        }
    }

    /// `wildcard::arn_match(compile(text), _)`: with six components, the first five are matched
    /// separately (wildcards stay inside a component), the sixth takes the rest.
    pub(crate) fn arn(text: &str) -> Pattern {
        let toks = compile(text);
        let colons = toks.iter().filter(|t| **t == Tok::Lit(':')).count();
        if colons < 5 {
            return Pattern::glob(text, false);
        }
        let mut syms = Vec::with_capacity(toks.len());
        let mut seen = 0;
        for tok in &toks {
            syms.extend(from_toks(&[*tok], false, seen < 5));
            if *tok == Tok::Lit(':') {
                seen += 1;
            }
        }
        Pattern { syms, ci: false }
    }

    fn lit_eq(&self, c: char, l: char) -> bool {
        if self.ci {
            let mut low = c.to_lowercase();
            low.next() == Some(l) && low.next().is_none()
        } else {
            c == l
        }
    }

    /// Adds `pos` and every position reachable from it by letting a `*` match nothing.
    fn close(&self, mut pos: usize, out: &mut Vec<usize>) {
        out.push(pos);
        while matches!(self.syms.get(pos), Some(Sym::Many | Sym::ManyNoColon)) {
            pos += 1;
            out.push(pos);
        }
    }

    fn step(&self, pos: usize, c: char, out: &mut Vec<usize>) {
        match self.syms.get(pos) {
            Some(Sym::Lit(l)) if self.lit_eq(c, *l) => self.close(pos + 1, out),
            Some(Sym::One) => self.close(pos + 1, out),
            Some(Sym::OneNoColon) if c != ':' => self.close(pos + 1, out),
            Some(Sym::Many) => self.close(pos, out),
            Some(Sym::ManyNoColon) if c != ':' => self.close(pos, out),
            _ => {}
        }
    }

    /// Characters that behave differently at `pos` from a character no pattern mentions.
    fn interesting(&self, pos: usize, out: &mut Vec<char>) {
        match self.syms.get(pos) {
            Some(Sym::Lit(l)) => {
                out.push(*l);
                if self.ci {
                    out.extend(l.to_uppercase());
                }
            }
            Some(Sym::ManyNoColon | Sym::OneNoColon) => out.push(':'),
            _ => {}
        }
    }

    fn accepts_at(&self, pos: usize) -> bool {
        pos == self.syms.len()
    }

    fn literal_chars(&self) -> impl Iterator<Item = char> + '_ {
        self.syms.iter().filter_map(|s| match s {
            Sym::Lit(c) => Some(*c),
            _ => None,
        })
    }
}

/// A union of patterns: a string is in the atom when it matches any of them (the values of one
/// condition OR together).
pub(crate) type Atom = Vec<Pattern>;

pub(crate) use super::budget::Exhausted;
use super::budget::Meter;

/// Many literal strings as one deterministic trie. A string equals at most one of them, so a
/// node stands for "the prefix read so far" and the whole set costs one number per state (the
/// position sets of hundreds of granted ARNs would otherwise be carried through every state).
pub(crate) struct Literals {
    nodes: Vec<TrieNode>,
    ci: bool,
}

/// A trie node: its children by character, and the literal that ends here.
type TrieNode = (Vec<(char, u32)>, Option<usize>);

const DEAD: u32 = u32::MAX;

impl Literals {
    /// `ci`: compare as `to_lowercase` does (the words are lowercased here).
    pub(crate) fn new(words: &[String], ci: bool) -> Self {
        let mut t = Literals {
            nodes: vec![(Vec::new(), None)],
            ci,
        };
        for (i, w) in words.iter().enumerate() {
            let mut node = 0usize;
            let chars: Vec<char> = if ci {
                w.chars().flat_map(char::to_lowercase).collect()
            } else {
                w.chars().collect()
            };
            for c in chars {
                node = t.child(node, c);
            }
            t.nodes[node].1 = Some(i);
        }
        t
    }

    fn child(&mut self, node: usize, c: char) -> usize {
        if let Some(&(_, n)) = self.nodes[node].0.iter().find(|(k, _)| *k == c) {
            return n as usize;
        }
        self.nodes.push((Vec::new(), None));
        let n = self.nodes.len() - 1;
        self.nodes[node].0.push((c, n as u32));
        n
    }

    fn step(&self, node: u32, c: char) -> u32 {
        if node == DEAD {
            return DEAD;
        }
        let key = if self.ci {
            let mut low = c.to_lowercase();
            match (low.next(), low.next()) {
                (Some(l), None) => l,
                _ => return DEAD,
            }
        } else {
            c
        };
        let children = &self.nodes[node as usize].0;
        children
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(DEAD, |(_, n)| *n)
    }

    fn interesting(&self, node: u32, out: &mut Vec<char>) {
        if node == DEAD {
            return;
        }
        for (c, _) in &self.nodes[node as usize].0 {
            out.push(*c);
            if self.ci {
                out.extend(c.to_uppercase());
            }
        }
    }

    fn len(&self) -> usize {
        self.nodes.iter().filter(|n| n.1.is_some()).count()
    }

    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.nodes.iter().flat_map(|n| n.0.iter().map(|(c, _)| *c))
    }
}

/// State: sorted (alternative, position) pairs (alternatives numbered across all atoms), and
/// the trie node of the literal set.
type State = (Vec<(u32, u32)>, u32);

/// The product of several atoms, searched breadth-first so witnesses are shortest.
pub(crate) struct Product<'a> {
    alts: Vec<(usize, &'a Pattern)>,
    atoms: usize,
    literals: Option<&'a Literals>,
    fresh: char,
    meter: &'a Meter,
    max_states: usize,
}

impl<'a> Product<'a> {
    pub(crate) fn new(atoms: &'a [&'a Atom], meter: &'a Meter) -> Self {
        Product::with_literals(atoms, None, meter)
    }

    /// Atoms plus a literal set; accept vectors list the atoms, then each literal.
    pub(crate) fn with_literals(
        atoms: &'a [&'a Atom],
        literals: Option<&'a Literals>,
        meter: &'a Meter,
    ) -> Self {
        let alts: Vec<(usize, &Pattern)> = atoms
            .iter()
            .enumerate()
            .flat_map(|(i, atom)| atom.iter().map(move |p| (i, p)))
            .collect();
        let used = alts
            .iter()
            .flat_map(|(_, p)| p.literal_chars())
            .chain(literals.into_iter().flat_map(Literals::chars));
        let fresh = fresh_char(used);
        Product {
            alts,
            atoms: atoms.len(),
            literals,
            fresh,
            meter,
            max_states: 400_000,
        }
    }

    fn start(&self) -> State {
        let mut set = Vec::new();
        let mut buf = Vec::new();
        for (i, (_, p)) in self.alts.iter().enumerate() {
            buf.clear();
            p.close(0, &mut buf);
            set.extend(buf.iter().map(|&pos| (i as u32, pos as u32)));
        }
        set.sort_unstable();
        set.dedup();
        (set, if self.literals.is_some() { 0 } else { DEAD })
    }

    fn next(&self, state: &State, c: char) -> State {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for &(alt, pos) in &state.0 {
            buf.clear();
            self.alts[alt as usize].1.step(pos as usize, c, &mut buf);
            out.extend(buf.iter().map(|&p| (alt, p as u32)));
        }
        if !out.windows(2).all(|w| w[0] <= w[1]) {
            out.sort_unstable();
        }
        out.dedup();
        let node = self.literals.map_or(DEAD, |l| l.step(state.1, c));
        (out, node)
    }

    fn chars(&self, state: &State) -> Vec<char> {
        let mut all = Vec::new();
        for &(alt, pos) in &state.0 {
            self.alts[alt as usize]
                .1
                .interesting(pos as usize, &mut all);
        }
        if let Some(l) = self.literals {
            l.interesting(state.1, &mut all);
        }
        all.push(self.fresh);
        // Literals first, in pattern order, so witnesses read like the policy.
        let mut out = Vec::with_capacity(all.len());
        for c in all {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Which atoms (then which literals) accept in this state.
    fn accepted(&self, state: &State) -> Vec<bool> {
        let extra = self.literals.map_or(0, Literals::len);
        let mut v = vec![false; self.atoms + extra];
        for &(alt, pos) in &state.0 {
            let (atom, p) = self.alts[alt as usize];
            if p.accepts_at(pos as usize) {
                v[atom] = true;
            }
        }
        if let Some(i) = self.literals.and_then(|l| l.nodes.get(state.1 as usize)?.1) {
            v[self.atoms + i] = true;
        }
        v
    }

    /// Breadth-first over reachable states; `visit` sees each state's accept vector and returns
    /// true to stop. Returns the witness for the state where it stopped.
    fn bfs(
        &self,
        start: State,
        mut visit: impl FnMut(&[bool], &dyn Fn() -> String) -> bool,
    ) -> Result<(), Exhausted> {
        let mut seen: HashMap<State, usize> = HashMap::new();
        let mut parents: Vec<(usize, char)> = Vec::new();
        let mut queue: VecDeque<(State, usize)> = VecDeque::new();
        seen.insert(start.clone(), 0);
        parents.push((usize::MAX, '\0'));
        queue.push_back((start, 0));
        while let Some((state, id)) = queue.pop_front() {
            let word = || spell(&parents, id);
            if visit(&self.accepted(&state), &word) {
                return Ok(());
            }
            // An empty state accepts nothing and never will: nothing new lies beyond it.
            if state.0.is_empty() && state.1 == DEAD {
                continue;
            }
            if seen.len() > self.max_states {
                return Err(Exhausted);
            }
            self.meter.spend(1)?;
            for c in self.chars(&state) {
                let next = self.next(&state, c);
                if !seen.contains_key(&next) {
                    let nid = parents.len();
                    parents.push((id, c));
                    seen.insert(next.clone(), nid);
                    queue.push_back((next, nid));
                }
            }
        }
        Ok(())
    }

    /// A shortest string whose accept vector satisfies `goal`, or `None` when no string does.
    pub(crate) fn find(&self, goal: impl Fn(&[bool]) -> bool) -> Result<Option<String>, Exhausted> {
        let mut found = None;
        self.bfs(self.start(), |v, word| {
            if goal(v) {
                found = Some(word());
                true
            } else {
                false
            }
        })?;
        Ok(found)
    }

    /// Every accept vector some string reaches, each with a shortest witness.
    pub(crate) fn classes(&self) -> Result<Vec<(Vec<bool>, String)>, Exhausted> {
        self.classes_after("")
    }

    /// Every accept vector reached by `prefix` followed by some string, each with a shortest
    /// such string (without the prefix).
    pub(crate) fn classes_after(
        &self,
        prefix: &str,
    ) -> Result<Vec<(Vec<bool>, String)>, Exhausted> {
        let start = prefix.chars().fold(self.start(), |s, c| self.next(&s, c));
        let mut out: Vec<(Vec<bool>, String)> = Vec::new();
        let mut index: HashMap<Vec<bool>, ()> = HashMap::new();
        self.bfs(start, |v, word| {
            if !index.contains_key(v) {
                index.insert(v.to_vec(), ());
                out.push((v.to_vec(), word()));
            }
            false
        })?;
        Ok(out)
    }
}

fn spell(parents: &[(usize, char)], mut id: usize) -> String {
    let mut chars = Vec::new();
    while id != 0 {
        let (parent, c) = parents[id];
        chars.push(c);
        id = parent;
    }
    chars.iter().rev().collect()
}

/// A character no pattern mentions (in any case) and not `:`: it stands for all such characters.
fn fresh_char(chars: impl Iterator<Item = char>) -> char {
    let mut used: Vec<char> = Vec::new();
    for c in chars {
        if !used.contains(&c) {
            used.push(c);
            used.extend(c.to_lowercase());
            used.extend(c.to_uppercase());
        }
    }
    "xqzjkw0123456789_~"
        .chars()
        .chain(('\u{100}'..='\u{17f}').filter(|c| c.to_lowercase().count() == 1))
        .find(|c| {
            !used.contains(c)
                && !c.to_uppercase().any(|u| used.contains(&u))
                && !c.to_lowercase().any(|l| used.contains(&l))
        })
        .unwrap_or('\u{2603}')
}

#[cfg(test)]
mod tests {
    use super::super::super::wildcard::{arn_match, glob};
    use super::*;

    fn meter() -> Meter {
        Meter::new(super::super::budget::Budget::default())
    }

    fn matches(p: &Pattern, s: &str) -> bool {
        let atom = vec![p.clone()];
        let atoms = [&atom];
        let m = meter();
        let prod = Product::new(&atoms, &m);
        let mut state = prod.start();
        for c in s.chars() {
            state = prod.next(&state, c);
        }
        prod.accepted(&state)[0]
    }

    #[test]
    fn positions_agree_with_wildcard() {
        let texts = [
            "*",
            "a*c",
            "a?c",
            "*a*b*",
            "abc",
            "STS:Assume*",
            "a:*:c:?:e:f*",
        ];
        let words = [
            "",
            "abc",
            "abbbc",
            "ac",
            "xxaxxbxx",
            "sts:assumerole",
            "a:b:c:d:e:f:g",
            "a:b:x:c:d:e:f",
        ];
        for t in texts {
            for w in words {
                for ci in [false, true] {
                    assert_eq!(
                        matches(&Pattern::glob(t, ci), w),
                        glob(&compile(t), w, ci),
                        "{t} {w}"
                    );
                }
                assert_eq!(
                    matches(&Pattern::arn(t), w),
                    arn_match(&compile(t), w),
                    "arn {t} {w}"
                );
            }
        }
    }

    fn words(alphabet: &[char], max: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max {
            layer = layer
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            out.extend(layer.iter().cloned());
        }
        out
    }

    /// Every short pattern against every short word, for all three compilations.
    #[test]
    fn exhaustive_agreement_on_short_strings() {
        let patterns = words(&['a', 'A', ':', '*', '?'], 4);
        let texts = words(&['a', 'A', ':'], 4);
        for p in &patterns {
            let toks = compile(p);
            let (g, gi, arn) = (
                Pattern::glob(p, false),
                Pattern::glob(p, true),
                Pattern::arn(p),
            );
            for w in &texts {
                assert_eq!(matches(&g, w), glob(&toks, w, false), "glob {p} {w}");
                assert_eq!(matches(&gi, w), glob(&toks, w, true), "ci {p} {w}");
                assert_eq!(matches(&arn, w), arn_match(&toks, w), "arn {p} {w}");
            }
        }
        // ARN patterns need five colons before the per-component rule applies.
        for p in ["a:*:a:a:a:*", "*:?:a:a:a:a", "a:a:a:a:a:a:*"] {
            for w in words(&['a', ':'], 9) {
                assert_eq!(
                    matches(&Pattern::arn(p), &w),
                    arn_match(&compile(p), &w),
                    "{p} {w}"
                );
            }
        }
    }

    #[test]
    fn finds_shortest_witness() {
        let a = vec![Pattern::glob("sts:*", true)];
        let b = vec![Pattern::exact("sts:assumerole", true)];
        let atoms = [&a, &b];
        let m = meter();
        let prod = Product::new(&atoms, &m);
        let w = prod.find(|v| v[0] && !v[1]).unwrap().unwrap();
        assert_eq!(w, "sts:");
        assert!(prod.find(|v| !v[0] && v[1]).unwrap().is_none());
        assert_eq!(prod.classes().unwrap().len(), 3);
    }
}
