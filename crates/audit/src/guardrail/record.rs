//! What apply records on the guardrail, in its own tags: what it was chosen with (the org IDs,
//! the partner accounts, the roles exempted), the targets it attached it to, the member
//! accounts those covered and the roles it stopped. A reader without the flags (`check`,
//! `plan`, `export`, the organization watch) knows from it what was meant (`chosen`), and
//! `check` names what changed since: a detach from one of several targets, an account moved,
//! a new role it stops.
//!
//! Part of `guardrail`. AWS Organizations takes at most 50 tags on a policy, each value at
//! most 256 characters (AWS Organizations User Guide, "Quotas and service limits"; API
//! Reference, `Tag`). Targets are written as they are; accounts and roles as 8 hex digits of
//! their SHA-256, a space between, so that a tag holds 28 of them: a role or account whose
//! digest is not recorded is new, and named. Org IDs and partner accounts are written as they
//! are (the document names them in clear anyway). Exempted roles are 16 hex digits of their
//! SHA-256 (64 bits: no one forges a role ARN to match one): a `NotResource` ARN of the stored
//! document is taken as chosen only when its digest is recorded (a hand edit's is not). A
//! family that does not fit its share of tags records that it does not (`too many`), and is
//! then not compared.

use std::collections::{BTreeMap, BTreeSet};

use lambda_trust_model::short_digest;

use super::model::GuardrailSpec;

/// The families of the record: its tag key, and the most tags it may take (2 are the
/// guardrail's marks, 1 an export's [`EXPORTED`] mark, 47 the record's: 4 + 10 + 25 + 4 + 3 +
/// 1).
const FAMILIES: [(&str, usize); 6] = [
    ("lambda-trust:targets", 4),
    ("lambda-trust:stops", 10),
    ("lambda-trust:accounts", 25),
    ("lambda-trust:org-ids", 4),
    ("lambda-trust:exempt", 3),
    ("lambda-trust:partners", 1),
];
/// The tag `export` writes: the guardrail is applied by the tool it was exported to, which
/// lambda-trust then never writes over (remove the tag to hand it back).
pub(crate) const EXPORTED: (&str, &str) = ("lambda-trust:exported", "true");
/// The most tags on one policy.
const MAX_TAGS: usize = 50;
/// The most characters of one tag value.
const MAX_VALUE: usize = 256;
/// The value a family's first tag holds when it did not fit.
const TOO_MANY: &str = "too many to record";
/// The value a family's first tag holds when what it recorded is no longer known (the roles,
/// not read, over a record that held them): read as not recorded.
const NOT_READ: &str = "not read";

/// One family of the record as stored: its values (`None`: not recorded, or too many), and
/// how many tags it took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Recorded {
    /// The values: target IDs, or digests of ARNs and account IDs.
    pub(crate) values: Option<BTreeSet<String>>,
    /// The tags it took, so that a shorter record empties the rest.
    pub(crate) tags: usize,
}

/// What apply recorded on the guardrail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GuardrailRecord {
    /// The targets it was attached to.
    pub(crate) targets: Recorded,
    /// The roles it stopped (digests).
    pub(crate) stops: Recorded,
    /// The member accounts under the targets (digests).
    pub(crate) accounts: Recorded,
    /// Your org IDs it was written with (as they are).
    pub(crate) org_ids: Recorded,
    /// The roles it exempted ([`long_digest`]s).
    pub(crate) exempt: Recorded,
    /// The partner accounts it holds to your IDs (as they are).
    pub(crate) partners: Recorded,
    /// Written by `export`: applied by the tool it was exported to.
    pub(crate) exported: bool,
}

/// The digest a role ARN or an account ID is recorded as.
pub(crate) fn digest(text: &str) -> String {
    short_digest(text, 4)
}

/// The digest an exempted role is recorded as: what is read back as chosen must not be
/// forgeable by a hand edit.
pub(crate) fn long_digest(text: &str) -> String {
    short_digest(text, 8)
}

impl GuardrailRecord {
    /// Whether `export` wrote it: the tool it was exported to applies it.
    pub(crate) fn exported(&self) -> bool {
        self.exported
    }

    /// The targets apply attached it to, when recorded.
    pub(crate) fn targets(&self) -> Option<Vec<String>> {
        (self.targets.values.as_ref()).map(|t| t.iter().cloned().collect())
    }

    /// The record in a policy's tags (key, value); families absent are not recorded.
    pub(crate) fn from_tags<'a>(
        tags: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> GuardrailRecord {
        let tags: BTreeMap<&str, &str> = tags.into_iter().collect();
        let read = |(key, most): (&str, usize)| {
            // Up to every tag a policy may hold: a record written under other shares reads too.
            let chunks: Vec<&str> = (1..=MAX_TAGS.max(most))
                .map_while(|i| tags.get(chunk_key(key, i).as_str()).copied())
                .collect();
            let values = match chunks.first() {
                None => None,
                Some(&first) if first == TOO_MANY || first == NOT_READ => None,
                Some(_) => Some(
                    (chunks.iter())
                        .flat_map(|c| c.split_whitespace())
                        .map(str::to_owned)
                        .collect(),
                ),
            };
            Recorded {
                values,
                tags: chunks.len(),
            }
        };
        GuardrailRecord {
            targets: read(FAMILIES[0]),
            stops: read(FAMILIES[1]),
            accounts: read(FAMILIES[2]),
            org_ids: read(FAMILIES[3]),
            exempt: read(FAMILIES[4]),
            partners: read(FAMILIES[5]),
            exported: tags.get(EXPORTED.0) == Some(&EXPORTED.1),
        }
    }
}

/// What apply records: the choices, the targets, the accounts under them and the roles it
/// stops (`None`: not read, and then not recorded).
pub(crate) struct Recording<'a> {
    pub(crate) spec: &'a GuardrailSpec,
    pub(crate) targets: &'a [String],
    pub(crate) stops: Option<&'a [String]>,
    pub(crate) accounts: &'a [String],
}

/// The tags recording `now`; each family's tags beyond what it needs now, up to what `stored`
/// took, are written empty (a family not recorded now writes only those). Without `stored`
/// (the record as code, `export`'s), a family not read is left out.
pub(crate) fn record_tags(
    now: &Recording,
    stored: Option<&GuardrailRecord>,
) -> BTreeMap<String, String> {
    let digests = |items: &[String]| -> Vec<String> { items.iter().map(|i| digest(i)).collect() };
    let before = |f: fn(&GuardrailRecord) -> &Recorded| stored.map_or(0, |s| f(s).tags);
    let families = [
        (Some(now.targets.to_vec()), before(|s| &s.targets)),
        (now.stops.map(digests), before(|s| &s.stops)),
        (Some(digests(now.accounts)), before(|s| &s.accounts)),
        (Some(now.spec.org_ids.clone()), before(|s| &s.org_ids)),
        (
            Some(now.spec.exempt.iter().map(|a| long_digest(a)).collect()),
            before(|s| &s.exempt),
        ),
        (Some(now.spec.partners.clone()), before(|s| &s.partners)),
    ];
    let mut out = BTreeMap::new();
    for ((key, most), (values, before)) in FAMILIES.into_iter().zip(families) {
        let mut chunks = match values {
            // Not read: nothing recorded, but over a record that held some.
            None if before > 0 => vec![NOT_READ.to_owned()],
            None => Vec::new(),
            Some(mut values) => {
                values.sort();
                values.dedup();
                chunked(&values)
            }
        };
        if chunks.len() > most {
            chunks = vec![TOO_MANY.to_owned()];
        }
        let n = chunks.len().max(before);
        chunks.resize(n, String::new());
        for (i, c) in chunks.into_iter().enumerate() {
            out.insert(chunk_key(key, i + 1), c);
        }
    }
    out
}

impl crate::organization::StoredPolicy {
    /// What apply recorded in its tags: ours only (any other's is empty).
    pub(crate) fn record(&self) -> GuardrailRecord {
        match self.ours {
            true => {
                GuardrailRecord::from_tags(self.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            }
            false => GuardrailRecord::default(),
        }
    }
}

/// What is recorded now, compared with what apply recorded.
pub(crate) struct Now<'a> {
    pub(crate) spec: &'a GuardrailSpec,
    pub(crate) targets: &'a [String],
    /// The roles it stops; `None` when the roles were not all read.
    pub(crate) stops: Option<&'a [String]>,
    pub(crate) accounts: &'a [String],
    /// Every member account of the organization, to name one moved out by its digest.
    pub(crate) members: &'a [String],
}

/// Each difference between `stored` and `now`, named; empty: the record holds.
pub(crate) fn changed_since(stored: &GuardrailRecord, now: &Now) -> Vec<String> {
    let Some(targets) = &stored.targets.values else {
        return vec!["no record of what apply attached it to (apply writes one)".into()];
    };
    let mut out = Vec::new();
    let asked: BTreeSet<String> = now.targets.iter().cloned().collect();
    if &asked != targets {
        out.push(format!(
            "targets recorded at apply: {}; now: {}",
            listed(targets.iter()),
            listed(asked.iter())
        ));
    }
    out.extend(choices_changed(stored, now.spec));
    match &stored.accounts.values {
        None => out.push("the accounts covered at apply are not recorded".into()),
        Some(then) => out.extend(accounts_moved(then, now)),
    }
    match (&stored.stops.values, now.stops) {
        (_, None) => {}
        (None, Some(_)) => out.push("the roles it stopped at apply are not recorded".into()),
        (Some(then), Some(stops)) => out.extend(new_stops(then, stops)),
    }
    out
}

fn listed<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// The org IDs, exemptions and partner accounts recorded, against `spec`'s.
fn choices_changed(stored: &GuardrailRecord, spec: &GuardrailSpec) -> Vec<String> {
    let digests = |v: &[String]| v.iter().map(|i| long_digest(i)).collect::<BTreeSet<_>>();
    let plain = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    let families = [
        ("org IDs", &stored.org_ids, plain(&spec.org_ids)),
        ("exempted roles", &stored.exempt, digests(&spec.exempt)),
        ("partner accounts", &stored.partners, plain(&spec.partners)),
    ];
    let mut out = Vec::new();
    let mut unrecorded = Vec::new();
    for (what, recorded, now) in families {
        match &recorded.values {
            None => unrecorded.push(what),
            Some(then) if then != &now => out.push(format!("the {what} differ from apply's")),
            Some(_) => {}
        }
    }
    if !unrecorded.is_empty() {
        out.push(format!(
            "the {} apply chose are not recorded",
            unrecorded.join(", ")
        ));
    }
    out
}

/// Accounts that came under the targets, named; those no longer under them, named in one
/// line; those gone from the organization, counted (only their digests were recorded).
fn accounts_moved(then: &BTreeSet<String>, now: &Now) -> Vec<String> {
    let covered: BTreeSet<String> = now.accounts.iter().map(|a| digest(a)).collect();
    let came: Vec<&String> = (now.accounts.iter())
        .filter(|a| !then.contains(&digest(a)))
        .collect();
    let gone: Vec<&String> = then.iter().filter(|d| !covered.contains(*d)).collect();
    let left: Vec<&String> = (now.members.iter())
        .filter(|m| gone.contains(&&digest(m)))
        .collect();
    let mut out = Vec::new();
    match came.as_slice() {
        [] => {}
        [one] => out.push(format!("account {one} came under the targets after apply")),
        many => out.push(format!(
            "{} accounts came under the targets after apply: {}",
            many.len(),
            listed(many.iter().copied())
        )),
    }
    match left.as_slice() {
        [] => {}
        [one] => out.push(format!("account {one} is no longer under the targets")),
        many => out.push(format!(
            "{} accounts are no longer under the targets: {}",
            many.len(),
            listed(many.iter().copied())
        )),
    }
    if gone.len() > left.len() {
        out.push(format!(
            "{} accounts under the targets at apply are no longer in the organization",
            gone.len() - left.len()
        ));
    }
    out
}

fn new_stops(then: &BTreeSet<String>, stops: &[String]) -> Vec<String> {
    let mut out: Vec<String> = (stops.iter())
        .filter(|a| !then.contains(&digest(a)))
        .map(|a| format!("it now stops {a}, which it did not at apply"))
        .collect();
    let now: BTreeSet<String> = stops.iter().map(|a| digest(a)).collect();
    let fixed = then.iter().filter(|d| !now.contains(*d)).count();
    if fixed > 0 {
        out.push(format!(
            "{fixed} roles it stopped at apply it no longer stops"
        ));
    }
    out
}

/// `values`, space-separated, in tag values of at most 256 characters; none: one empty value.
fn chunked(values: &[String]) -> Vec<String> {
    let mut out = vec![String::new()];
    for v in values {
        let last = out.last_mut().expect("one at least");
        if last.is_empty() {
            last.push_str(v);
        } else if last.len() + 1 + v.len() <= MAX_VALUE {
            last.push(' ');
            last.push_str(v);
        } else {
            out.push(v.clone());
        }
    }
    out
}

/// The key of a family's `i`-th tag: `KEY`, then `KEY:2`, `KEY:3`…
fn chunk_key(key: &str, i: usize) -> String {
    match i {
        1 => key.to_owned(),
        _ => format!("{key}:{i}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tags recording `targets`, `stops` and `accounts` for a spec of no choice.
    fn tags_of(
        targets: &[String],
        stops: Option<&[String]>,
        accounts: &[String],
        stored: Option<&GuardrailRecord>,
    ) -> BTreeMap<String, String> {
        let spec = GuardrailSpec::default();
        let now = Recording {
            spec: &spec,
            targets,
            stops,
            accounts,
        };
        record_tags(&now, stored)
    }

    fn owned(tags: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    #[test]
    fn a_record_reads_back_as_written_within_the_tag_quotas() {
        let targets = vec!["r-ab12".to_owned(), "ou-ab12-aaaa1111".to_owned()];
        let stops: Vec<String> = (0..100)
            .map(|i| format!("arn:aws:iam::2000000000{i:02}:role/r"))
            .collect();
        let accounts: Vec<String> = (0..60).map(|i| format!("3000000000{i:02}")).collect();
        let tags = tags_of(&targets, Some(&stops), &accounts, None);
        assert!(tags.len() <= 47, "{}", tags.len());
        assert_eq!(
            FAMILIES.iter().map(|(_, most)| most).sum::<usize>(),
            47,
            "3 of a policy's 50 tags are the guardrail's marks and an export's"
        );
        assert!(tags.values().all(|v| v.len() <= MAX_VALUE));
        let back = GuardrailRecord::from_tags(owned(&tags));
        let set = |v: Vec<String>| Some(v.into_iter().collect::<BTreeSet<_>>());
        assert_eq!(back.targets.values, set(targets));
        assert_eq!(
            back.stops.values,
            set(stops.iter().map(|s| digest(s)).collect())
        );
        assert_eq!(back.accounts.values.as_ref().map(BTreeSet::len), Some(60));
        assert_eq!(back.stops.tags, 4);
    }

    #[test]
    fn a_family_too_long_is_recorded_as_not_recorded_and_a_shorter_one_empties_the_rest() {
        let stops: Vec<String> = (0..400)
            .map(|i| format!("arn:aws:iam::1:role/r{i}"))
            .collect();
        let long = tags_of(&[], Some(&stops), &[], None);
        assert_eq!(long["lambda-trust:stops"], TOO_MANY);
        let stored = GuardrailRecord::from_tags(owned(&long));
        assert_eq!(stored.stops.values, None);
        let before = GuardrailRecord {
            stops: Recorded {
                values: None,
                tags: 3,
            },
            ..GuardrailRecord::default()
        };
        let short = tags_of(&[], Some(&stops[..1]), &[], Some(&before));
        assert_eq!(short["lambda-trust:stops:3"], "");
        let read = GuardrailRecord::from_tags(owned(&short));
        assert_eq!(read.stops.values.map(|v| v.len()), Some(1));
    }

    #[test]
    fn nothing_recorded_reads_as_absent_not_as_empty() {
        let none = GuardrailRecord::from_tags([("managed-by", "lambda-trust")]);
        assert_eq!(none.targets.values, None);
        let empty = tags_of(&[], Some(&[]), &[], None);
        let read = GuardrailRecord::from_tags(owned(&empty));
        assert_eq!(read.stops.values, Some(BTreeSet::new()));
        let unread = tags_of(&[], None, &[], None);
        assert!(
            !unread.contains_key("lambda-trust:stops"),
            "roles not read are not recorded: {unread:?}"
        );
        assert_eq!(
            GuardrailRecord::from_tags(owned(&unread)).stops.values,
            None
        );
        let before = GuardrailRecord::from_tags(owned(&tags_of(&[], Some(&[]), &[], None)));
        let over = tags_of(&[], None, &[], Some(&before));
        assert_eq!(
            over["lambda-trust:stops"], NOT_READ,
            "over a record that held some"
        );
        assert_eq!(GuardrailRecord::from_tags(owned(&over)).stops.values, None);
    }
}
