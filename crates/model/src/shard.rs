//! Splits the granted function ARNs across invoke policies when one policy cannot hold them
//! (a managed policy holds at most 6,144 characters, whitespace not counted).
//!
//! Part of planning, and pure. The assignment is **stable**: ARNs stay in the shard they are
//! already in; new ARNs go to the first shard with room, or to a new shard at the lowest free
//! index; shards that end up empty are removed. So onboarding one target rewrites at most one
//! shard, and from an empty account the packing is a deterministic greedy fill in sorted order.
//! Shard 1 is named `<policy>`, shard k ≥ 2 `<policy>-k`.

use std::collections::{BTreeMap, BTreeSet};

use crate::render::{RenderError, MAX_POLICY_CHARS};

/// The name of shard `index`: `<base>` for shard 1, `<base>-k` for shard k.
pub fn shard_name(base: &str, index: usize) -> String {
    if index == 1 {
        base.to_string()
    } else {
        format!("{base}-{index}")
    }
}

/// The shard index of a policy name, if it is one of ours (`base` → 1, `base-7` → 7).
pub fn shard_index(base: &str, name: &str) -> Option<usize> {
    if name == base {
        return Some(1);
    }
    let n: usize = name.strip_prefix(base)?.strip_prefix('-')?.parse().ok()?;
    (2..=20).contains(&n).then_some(n)
}

/// The shards as they are, each ARN still granted kept in its first shard; a kept shard a
/// changed template makes too large gives its tail up. Returns the shards, the ARNs placed and
/// those given up.
fn kept(
    arns: &BTreeSet<String>,
    existing: &BTreeMap<usize, Vec<String>>,
    max_shards: usize,
    fits: &impl Fn(&[String]) -> bool,
) -> (BTreeMap<usize, Vec<String>>, BTreeSet<String>, Vec<String>) {
    let mut shards: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut overflow: Vec<String> = Vec::new();
    for (&index, live) in existing {
        if index > max_shards {
            continue;
        }
        let mut keep: Vec<String> = Vec::new();
        for arn in live {
            if arns.contains(arn) && !placed.contains(arn) {
                placed.insert(arn.clone());
                keep.push(arn.clone());
            }
        }
        while !keep.is_empty() && !fits(&keep) {
            if let Some(arn) = keep.pop() {
                placed.remove(&arn);
                overflow.push(arn);
            }
        }
        if !keep.is_empty() {
            shards.insert(index, keep);
        }
    }
    (shards, placed, overflow)
}

/// Assigns `arns` (the desired set) to shards.
///
/// `existing` maps a live shard's index to the ARNs its document grants, in document order.
/// `size` gives the rendered size of a shard holding the given ARNs. Returns index → ARNs for
/// every non-empty shard.
pub fn assign_shards(
    arns: &BTreeSet<String>,
    existing: &BTreeMap<usize, Vec<String>>,
    max_shards: usize,
    size: impl Fn(&[String]) -> usize,
) -> Result<BTreeMap<usize, Vec<String>>, RenderError> {
    let fits = |list: &[String]| size(list) <= MAX_POLICY_CHARS;
    // 1. Keep what is already in place (each ARN once, in its first shard).
    let (mut shards, placed, overflow) = kept(arns, existing, max_shards, &fits);
    // 2. Place the rest, sorted, into the first shard with room.
    let mut new: Vec<String> = arns
        .iter()
        .filter(|a| !placed.contains(*a))
        .cloned()
        .collect();
    new.extend(overflow);
    new.sort();
    new.dedup();
    for arn in new {
        let single = size(std::slice::from_ref(&arn));
        if single > MAX_POLICY_CHARS {
            return Err(RenderError::TemplateTooLarge { arn, len: single });
        }
        let mut done = false;
        for list in shards.values_mut() {
            list.push(arn.clone());
            if fits(list) {
                done = true;
                break;
            }
            list.pop();
        }
        if done {
            continue;
        }
        match (1..=max_shards).find(|i| !shards.contains_key(i)) {
            Some(i) => {
                shards.insert(i, vec![arn]);
            }
            None => {
                let fit = shards.values().map(Vec::len).sum();
                return Err(RenderError::TooManyTargets {
                    targets: arns.len(),
                    fit,
                    max_shards,
                });
            }
        }
    }
    Ok(shards)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Size model: 100 characters of overhead plus each ARN and 3 for quotes and comma.
    fn size(list: &[String]) -> usize {
        100 + list.iter().map(|a| a.len() + 3).sum::<usize>()
    }

    fn arns(n: usize) -> BTreeSet<String> {
        (0..n)
            .map(|i| format!("arn:aws:lambda:us-east-1:123456789012:function:fn-{i:04}"))
            .collect()
    }

    #[test]
    fn one_shard_when_it_fits() {
        let s = assign_shards(&arns(10), &BTreeMap::new(), 10, size).unwrap();
        assert_eq!(s.keys().copied().collect::<Vec<_>>(), vec![1]);
        assert_eq!(s[&1].len(), 10);
    }

    #[test]
    fn many_targets_fill_shards_in_order_and_every_arn_once() {
        let all = arns(500);
        let s = assign_shards(&all, &BTreeMap::new(), 10, size).unwrap();
        assert!(s.len() > 1);
        let flat: Vec<&String> = s.values().flatten().collect();
        assert_eq!(flat.len(), 500);
        assert_eq!(flat.iter().copied().cloned().collect::<BTreeSet<_>>(), all);
        for list in s.values() {
            assert!(size(list) <= MAX_POLICY_CHARS);
        }
        // Greedy: every shard but the last is full enough that the next ARN would not fit.
        let indices: Vec<usize> = s.keys().copied().collect();
        assert_eq!(indices, (1..=s.len()).collect::<Vec<_>>());
    }

    #[test]
    fn adding_one_target_changes_at_most_one_shard() {
        let all = arns(500);
        let before = assign_shards(&all, &BTreeMap::new(), 10, size).unwrap();
        let mut more = all.clone();
        more.insert("arn:aws:lambda:us-east-1:123456789012:function:aaa-new".into());
        let after = assign_shards(&more, &before, 10, size).unwrap();
        let changed: Vec<usize> = after
            .iter()
            .filter(|(i, l)| before.get(i) != Some(l))
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
    }

    #[test]
    fn removing_targets_keeps_the_others_in_place_and_drops_empty_shards() {
        let all = arns(300);
        let before = assign_shards(&all, &BTreeMap::new(), 10, size).unwrap();
        let first_shard: BTreeSet<String> = before[&1].iter().cloned().collect();
        let rest: BTreeSet<String> = all.difference(&first_shard).cloned().collect();
        let after = assign_shards(&rest, &before, 10, size).unwrap();
        assert!(!after.contains_key(&1));
        for (i, list) in &after {
            assert_eq!(Some(list), before.get(i));
        }
    }

    #[test]
    fn too_many_targets_is_an_error_that_says_how_many_fit() {
        let e = assign_shards(&arns(2000), &BTreeMap::new(), 10, size).unwrap_err();
        match e {
            RenderError::TooManyTargets { targets, fit, .. } => {
                assert_eq!(targets, 2000);
                assert!(fit > 500 && fit < 2000, "{fit}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_and_indices_round_trip() {
        assert_eq!(shard_name("p", 1), "p");
        assert_eq!(shard_name("p", 3), "p-3");
        assert_eq!(shard_index("p", "p"), Some(1));
        assert_eq!(shard_index("p", "p-3"), Some(3));
        assert_eq!(shard_index("p", "p-x"), None);
        assert_eq!(shard_index("p", "p-1"), None);
        assert_eq!(shard_index("p", "q"), None);
    }
}
