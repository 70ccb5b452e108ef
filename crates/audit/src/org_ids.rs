//! `--genesys-org-id`: whether the external IDs a role accepts are the Genesys Cloud
//! organizations the user says are theirs. Genesys Cloud sends its organization's ID as
//! `sts:ExternalId` when it assumes the role (Genesys Cloud Resource Center, "Add an AWS Lambda
//! data actions integration"); an organization ID is a UUID. A value that is none of the given
//! IDs lets another organization in; a value that is not a UUID lets none in.

use lambda_trust_iam::Request;

use super::findings::{Code, Finding};
use super::narrow::IdTest;

/// The findings on the values `account` is accepted with, judged against `ours` (no finding
/// when `ours` is empty: the values are then not judged). Only literal values are judged: a
/// pattern is `external-id-pattern` already.
pub(super) fn judged(
    who: &str,
    ids: &[(IdTest, Option<Request>)],
    ours: &[String],
) -> Vec<Finding> {
    if ours.is_empty() {
        return Vec::new();
    }
    let literal = ids.iter().filter(|(t, _)| t.is_literal());
    literal
        .filter_map(|(t, witness)| judge(who, &t.value, ours).map(|f| (f, witness)))
        .map(|((code, message), witness)| Finding::new(code, message, witness.as_ref()))
        .collect()
}

/// One value's code and message, or `None` when it is one of ours.
fn judge(who: &str, value: &str, ours: &[String]) -> Option<(Code, String)> {
    if ours.iter().any(|o| o == value) {
        return None;
    }
    if !lambda_trust_config::is_uuid(value) {
        return Some((
            Code::ExternalIdNotUuid,
            format!("{who} is let in with sts:ExternalId {value:?}, which is not a Genesys Cloud organization ID (a UUID): no organization can use the role"),
        ));
    }
    Some((
        Code::ExternalIdNotOurs,
        format!("{who} can assume the role with sts:ExternalId {value}, which is none of the Genesys Cloud organizations given ({}): that organization can use it", ours.join(", ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_trust_iam::OperatorKind;

    const OURS: &str = "0a1b2c3d-0000-4000-8000-000000000001";
    const THEIRS: &str = "9f8e7d6c-0000-4000-8000-000000000002";

    fn ids(values: &[(&str, OperatorKind)]) -> Vec<(IdTest, Option<Request>)> {
        (values.iter())
            .map(|(v, op)| {
                let test = IdTest {
                    op: *op,
                    value: (*v).to_owned(),
                };
                (test, None)
            })
            .collect()
    }

    #[test]
    fn a_value_is_ours_anothers_or_no_organizations() {
        let ours = [OURS.to_owned()];
        let eq = OperatorKind::StringEquals;
        let codes = |values: &[(&str, OperatorKind)], ours: &[String]| -> Vec<Code> {
            let found = judged("account 765628985471", &ids(values), ours);
            found.iter().map(|f| f.code).collect()
        };
        assert_eq!(codes(&[(OURS, eq)], &ours), []);
        assert_eq!(codes(&[(THEIRS, eq)], &ours), [Code::ExternalIdNotOurs]);
        assert_eq!(
            codes(&[("acme-prod", eq)], &ours),
            [Code::ExternalIdNotUuid]
        );
        // Genesys Cloud sends the ID as it is (lowercase): another spelling lets nobody in
        // that the user named.
        let upper = OURS.to_uppercase();
        assert_eq!(codes(&[(&upper, eq)], &ours), [Code::ExternalIdNotOurs]);
        // A pattern is external-id-pattern's; without --genesys-org-id nothing is judged.
        let like = OperatorKind::StringLike;
        assert_eq!(codes(&[("0a1b2c3d-*", like)], &ours), []);
        assert_eq!(codes(&[(THEIRS, eq)], &[]), []);
        // Two values, one of them another organization's: that one is named.
        let found = judged(
            "account 765628985471",
            &ids(&[(OURS, eq), (THEIRS, eq)]),
            &ours,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains(THEIRS), "{}", found[0].message);
    }
}
