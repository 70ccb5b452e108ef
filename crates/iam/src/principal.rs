//! Principal matching for resource-based and trust policies (`Principal` / `NotPrincipal`).
//!
//! Part of `policy` (used by `eval`). A request comes from a chain of identities: the account,
//! then (for a role session) the role, then the session — the NotPrincipal page of the IAM User
//! Guide describes AWS checking "the account first, then the role, and then the assumed-role
//! user". We model that chain:
//! - `Principal` matches when any identity in the chain is listed. So an account principal
//!   (`arn:aws:iam::ACCT:root` or bare `ACCT`) matches every principal of the account, and a role
//!   ARN matches the role's sessions (IAM User Guide, "Principal": role and role-session
//!   principals).
//! - `NotPrincipal` excludes a request only when every identity in the chain is listed, which is
//!   why AWS tells you to list the account ARN too; otherwise the statement applies.
//! - `"*"` and `{"AWS": "*"}` match everyone, anonymous requests included.

use super::model::{PrincipalMap, Principals};

/// One link of the requester's chain.
#[derive(Debug, Clone, PartialEq)]
enum Identity {
    Anonymous,
    Account {
        partition: Option<String>,
        id: String,
    },
    /// An IAM user, federated user or other ARN matched only by exact value.
    Arn(String),
    Role {
        partition: String,
        account: String,
        name: String,
    },
    Session {
        partition: String,
        account: String,
        role: String,
        arn: String,
    },
    /// A service (`lambda.amazonaws.com`), federated provider or canonical user: not an ARN.
    Named(String),
}

/// How a value in `Principal.AWS` is read.
enum Listed<'a> {
    Any,
    Account {
        partition: Option<&'a str>,
        id: &'a str,
    },
    Role {
        partition: &'a str,
        account: &'a str,
        name: &'a str,
    },
    Exact(&'a str),
}

/// Whether `s` is an AWS account ID: twelve digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) use crate::arn::split as arn_parts;

/// The account a request principal belongs to, for `aws:PrincipalAccount`.
pub(crate) fn principal_account(principal: &str) -> Option<String> {
    chain(principal).into_iter().find_map(|id| match id {
        Identity::Account { id, .. } => Some(id),
        _ => None,
    })
}

fn chain(principal: &str) -> Vec<Identity> {
    if principal == "*" {
        return vec![Identity::Anonymous];
    }
    if is_account_id(principal) {
        return vec![Identity::Account {
            partition: None,
            id: principal.to_owned(),
        }];
    }
    let Some([_, partition, service, _, account, resource]) = arn_parts(principal) else {
        return vec![Identity::Named(principal.to_owned())];
    };
    let mut ids = Vec::with_capacity(2);
    if !account.is_empty() {
        ids.push(Identity::Account {
            partition: Some(partition.to_owned()),
            id: account.to_owned(),
        });
    }
    match (service, resource) {
        ("iam", "root") => {}
        ("iam", r) if r.starts_with("role/") => ids.push(Identity::Role {
            partition: partition.to_owned(),
            account: account.to_owned(),
            // Role names are unique in an account whatever the path; sessions carry no path.
            name: r.rsplit('/').next().unwrap_or_default().to_owned(),
        }),
        ("sts", r) if r.starts_with("assumed-role/") => {
            let mut segs = r.splitn(3, '/').skip(1);
            let role = segs.next().unwrap_or_default().to_owned();
            ids.push(Identity::Session {
                partition: partition.to_owned(),
                account: account.to_owned(),
                role,
                arn: principal.to_owned(),
            });
        }
        _ => ids.push(Identity::Arn(principal.to_owned())),
    }
    ids
}

fn read_listed(value: &str) -> Listed<'_> {
    if value == "*" {
        return Listed::Any;
    }
    if is_account_id(value) {
        return Listed::Account {
            partition: None,
            id: value,
        };
    }
    match arn_parts(value) {
        Some([_, partition, "iam", _, account, "root"]) => Listed::Account {
            partition: Some(partition),
            id: account,
        },
        Some([_, partition, "iam", _, account, r]) if r.starts_with("role/") => Listed::Role {
            partition,
            account,
            name: r.rsplit('/').next().unwrap_or_default(),
        },
        _ => Listed::Exact(value),
    }
}

fn aws_value_matches(value: &str, id: &Identity) -> bool {
    match (read_listed(value), id) {
        (Listed::Any, _) => true,
        (
            Listed::Account {
                partition: lp,
                id: lid,
            },
            Identity::Account { partition: ip, id },
        ) => lid == id && partitions_agree(lp, ip.as_deref()),
        (
            Listed::Role {
                partition,
                account,
                name,
            },
            Identity::Role {
                partition: ip,
                account: ia,
                name: iname,
            }
            | Identity::Session {
                partition: ip,
                account: ia,
                role: iname,
                ..
            },
        ) => partition == ip && account == ia && name == iname,
        (Listed::Exact(v), Identity::Arn(arn) | Identity::Session { arn, .. }) => v == arn,
        _ => false,
    }
}

fn partitions_agree(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn map_matches(map: &PrincipalMap, id: &Identity) -> bool {
    if map.aws.iter().any(|v| aws_value_matches(v, id)) {
        return true;
    }
    // `{"AWS": "*"}` is documented as equivalent to `"*"`; the other principal types match the
    // caller's name exactly.
    let Identity::Named(name) = id else {
        return false;
    };
    map.service
        .iter()
        .chain(&map.federated)
        .chain(&map.canonical_user)
        .any(|v| v == name)
}

fn listed(principals: &Principals, id: &Identity) -> bool {
    match principals {
        Principals::Any => true,
        Principals::Specific(map) => map_matches(map, id),
    }
}

/// `Principal`: some identity of the caller's chain is listed.
pub(crate) fn principal_matches(principals: &Principals, principal: &str) -> bool {
    chain(principal).iter().any(|id| listed(principals, id))
}

/// `NotPrincipal`: the statement applies unless every identity of the chain is listed.
pub(crate) fn not_principal_applies(principals: &Principals, principal: &str) -> bool {
    !chain(principal).iter().all(|id| listed(principals, id))
}
