//! The organization watch's ledger: what each account's Security Hub holds of the watch, as
//! its last whole reading left it, kept in the watch's own account as one Systems Manager
//! parameter per account. An account that leaves the organization takes its reader with it,
//! so the watch can no longer read or settle what it filed there; the ledger is how
//! `watch status --organization` still says what that account holds.
//!
//! A standard parameter holds at most 4 KB
//! (<https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html>):
//! the findings past what fits are counted, not listed.

use serde::{Deserialize, Serialize};

use lambda_trust_model::OrgWatchGenerator;

/// The path under which the ledger's parameters are named (`…/ACCOUNT`).
const PATH: &str = "/lambda-trust/organization-watch/held";

/// The most a standard parameter's value holds, in bytes.
const MOST: usize = 4096;

/// What one account's Security Hub holds of the organization watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Held {
    /// When the reading that left it was made (RFC 3339).
    pub at: String,
    /// Its active findings, each `ROLE/CODE`, sorted.
    pub findings: Vec<String>,
    /// The active findings held past those listed (the parameter's 4 KB).
    #[serde(default)]
    pub more: usize,
}

impl Held {
    /// What `account` holds after a whole reading at `at` imported the findings of
    /// `generators` (each finding's `GeneratorId`); the account's own findings only, sorted,
    /// as many as fit.
    pub fn of<'a>(account: &str, generators: impl Iterator<Item = &'a str>, at: &str) -> Held {
        let prefix = OrgWatchGenerator::Settled {
            account,
            role: None,
        }
        .to_string();
        let mut all: Vec<String> = generators
            .filter_map(|g| g.strip_prefix(&prefix))
            .map(str::to_owned)
            .collect();
        all.sort();
        all.dedup();
        let mut held = Held {
            at: at.to_owned(),
            findings: all,
            more: 0,
        };
        while held.value().len() > MOST {
            held.findings.pop();
            held.more += 1;
        }
        held
    }

    /// The parameter's value.
    fn value(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether it holds what `other` does, whenever each was read: a reading that found the
    /// same writes nothing.
    pub fn same_as(&self, other: &Held) -> bool {
        (&self.findings, self.more) == (&other.findings, other.more)
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty() && self.more == 0
    }
}

/// A name of the ledger in Parameter Store, written with `Display`: the path all its
/// parameters are under, or one account's parameter (`PATH/ACCOUNT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerName<'a> {
    /// The path: what `GetParametersByPath` lists, and the watch's role may read and write.
    Path,
    /// The parameter of one account.
    Account(&'a str),
}

impl std::fmt::Display for LedgerName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LedgerName::Path => f.write_str(PATH),
            LedgerName::Account(account) => write!(f, "{PATH}/{account}"),
        }
    }
}

impl<'a> LedgerName<'a> {
    /// The account a parameter named `name` is about (`None`: not one of the ledger's).
    pub fn account_of(name: &'a str) -> Option<&'a str> {
        let account = name.strip_prefix(PATH)?.strip_prefix('/')?;
        (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "2026-11-28T01:00:00Z";

    fn generator(account: &str, role: &str, code: &str) -> String {
        OrgWatchGenerator::Role {
            account,
            role,
            code,
        }
        .to_string()
    }

    #[test]
    fn an_account_holds_its_own_findings_sorted_and_names_its_parameter() {
        let own = generator("222233334444", "vendor", "x");
        let other = generator("999988887777", "v", "x");
        let more = generator("222233334444", "a", "y");
        let held = Held::of(
            "222233334444",
            [&own, &other, &more, &own].map(String::as_str).into_iter(),
            AT,
        );
        assert_eq!(held.findings, ["a/y", "vendor/x"]);
        assert_eq!(
            serde_json::from_str::<Held>(&held.value()).ok(),
            Some(held.clone())
        );
        let name = LedgerName::Account("222233334444").to_string();
        assert_eq!(name, "/lambda-trust/organization-watch/held/222233334444");
        assert_eq!(LedgerName::account_of(&name), Some("222233334444"));
        assert_eq!(
            LedgerName::account_of("/lambda-trust/organization-watch/held/x"),
            None
        );
        assert_eq!(LedgerName::account_of("/other/222233334444"), None);
    }

    #[test]
    fn what_does_not_fit_a_standard_parameter_is_counted() {
        let generators: Vec<String> = (0..200)
            .map(|i| {
                let role = format!("role-{i:03}-{}", "n".repeat(20));
                generator("222233334444", &role, "external-id-not-ours")
            })
            .collect();
        let held = Held::of("222233334444", generators.iter().map(String::as_str), AT);
        assert!(held.value().len() <= MOST);
        assert!(held.more > 0);
        assert_eq!(held.findings.len() + held.more, 200);
    }

    #[test]
    fn a_reading_that_found_the_same_is_the_same_whenever_it_was_made() {
        let g = generator("222233334444", "v", "x");
        let one = Held::of("222233334444", std::iter::once(g.as_str()), AT);
        let later = Held::of(
            "222233334444",
            std::iter::once(g.as_str()),
            "2026-11-28T02:00:00Z",
        );
        assert!(one.same_as(&later));
        assert!(!one.same_as(&Held::of("222233334444", std::iter::empty(), AT)));
        assert!(Held::of("222233334444", std::iter::empty(), AT).is_empty());
    }
}
