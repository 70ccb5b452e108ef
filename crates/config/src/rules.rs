//! The field rules of the config, as predicates over text.
//!
//! Part of the `config` layer. The limits come from the IAM API reference (CreateRole,
//! CreatePolicy, TagRole: <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html>)
//! and the Lambda API reference (function names and qualifiers); `\\w` there is ASCII, as in
//! Java's regexes.

use super::model::{GENESYS_CLOUD_ACCOUNT, GENESYS_CLOUD_FEDRAMP_ACCOUNT};
use lambda_trust_iam::{partition_of_region, split_arn, PARTITIONS};

/// Where Genesys Cloud shows the organization ID, the value of `trust.external_id`: Genesys
/// Cloud Resource Center, "About organization settings" / "Modify organization settings"
/// (<https://help.mypurecloud.com/articles/about-organization-settings/>).
pub const ORG_ID_WHERE: &str =
    "Admin > Account Settings > Organization Settings > Organization Details > Advanced > Organization ID";

/// At most this many characters of a user value are echoed in a message.
const SHOW_MAX: usize = 80;

/// Quotes (and escapes) a user value for a message, shortened if long.
pub fn show(s: &str) -> String {
    if s.chars().count() > SHOW_MAX {
        let head: String = s.chars().take(SHOW_MAX).collect();
        format!("{head:?}…")
    } else {
        format!("{s:?}")
    }
}

pub(crate) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub(crate) fn is_external_id_char(c: char) -> bool {
    is_word(c) || "+=,.@:/-".contains(c)
}

pub(crate) fn is_name_char(c: char) -> bool {
    is_word(c) || "+=,.@-".contains(c)
}

/// An `sts:AssumeRole` `ExternalId`: 2–1224 of `[\w+=,.@:/-]` (STS API Reference, AssumeRole).
pub fn is_external_id(s: &str) -> bool {
    (2..=1224).contains(&s.chars().count()) && s.chars().all(is_external_id_char)
}

/// An `sts:AssumeRole` `RoleSessionName`: 2–64 of `[\w+=,.@-]` (STS API Reference, AssumeRole).
pub fn is_session_name(s: &str) -> bool {
    (2..=64).contains(&s.chars().count()) && s.chars().all(is_name_char)
}

pub(crate) fn is_function_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

pub(crate) fn is_description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}')
}

pub(crate) fn is_tag_char(c: char) -> bool {
    // IAM: [\p{L}\p{Z}\p{N}_.:/=+\-@]
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || "_.:/=+-@".contains(c)
}

pub(crate) use lambda_trust_iam::is_account_id;

/// 1–64 of `[\w+=,.@-]`
/// A deployment name: 1–64 of `[A-Za-z0-9._-]`, starting with a letter or digit (it is an IAM
/// tag value and part of messages and file names).
pub(crate) fn is_deployment(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// An IAM role name: 1–64 characters of letters, digits and `+=,.@_-`.
pub(crate) fn is_role_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(is_name_char)
}

/// 1–128 of `[\w+=,.@-]`
pub(crate) fn is_policy_name(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.chars().all(is_name_char)
}

/// `/` or `/…/`, 1–512 of `!`–`~`.
pub(crate) fn is_iam_path(s: &str) -> bool {
    s == "/"
        || (s.len() >= 3
            && s.len() <= 512
            && s.starts_with('/')
            && s.ends_with('/')
            && s.bytes().all(|b| (b'!'..=b'~').contains(&b)))
}

/// 1–64 of `[a-zA-Z0-9-_]`
pub(crate) fn is_function_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(is_function_name_char)
}

/// `xx-xxxx-N` (`us-east-1`, `us-gov-west-1`), in a supported partition.
pub(crate) fn is_region(s: &str) -> bool {
    is_region_shape(s) && partition_of_region(s).is_some()
}

pub(crate) fn is_region_shape(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    (first.len() == 2 || *first == "eusc")
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:PARTITION:iam::(ACCOUNT|aws):policy/[PATH/]NAME`
pub(crate) fn is_policy_arn(s: &str) -> bool {
    let Some([_, partition, service, region, account, resource]) = split_arn(s) else {
        return false;
    };
    let Some(path_name) = resource.strip_prefix("policy/") else {
        return false;
    };
    let (path, name) = match path_name.rfind('/') {
        Some(i) => (&path_name[..=i], &path_name[i + 1..]),
        None => ("", path_name),
    };
    PARTITIONS.contains(&partition)
        && service == "iam"
        && region.is_empty()
        && (is_account_id(account) || account == "aws")
        && (path.is_empty() || is_iam_path(&format!("/{path}")))
        && is_policy_name(name)
}

/// 8-4-4-4-12 hexadecimal digits: the shape of a Genesys Cloud organization's ID.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub(crate) fn is_genesys(account: &str) -> bool {
    account == GENESYS_CLOUD_ACCOUNT || account == GENESYS_CLOUD_FEDRAMP_ACCOUNT
}

#[cfg(test)]
mod tests {
    use super::is_region;

    /// A region of each supported partition is a region, the European Sovereign Cloud's too;
    /// an ISO region (no supported partition) and a name of another shape are not.
    #[test]
    fn regions_of_every_partition_are_regions() {
        for r in ["us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1"] {
            assert!(is_region(r), "{r}");
        }
        assert!(!is_region("us-iso-east-1"));
        assert!(!is_region("useast1"));
    }
}
