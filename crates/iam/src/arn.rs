//! Amazon Resource Names: the one ARN type of the project, partition-aware.
//!
//! Part of the `iam` layer (the bottom one). An ARN is
//! `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, where RESOURCE may itself contain `:` and
//! `/` ("Amazon Resource Names (ARNs)", IAM User Guide:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>). IAM and STS ARNs have
//! an empty region; S3 ARNs an empty account too.

use std::fmt;

/// The partitions this tool supports (isolated partitions are not).
pub const PARTITIONS: &[&str] = &["aws", "aws-cn", "aws-us-gov", "aws-eusc"];

/// A parsed ARN. Fields are kept as written; validation of each field is the caller's (a
/// policy may hold wildcards in any of them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// The service namespace (`iam`, `lambda`, …).
    pub service: String,
    /// The region; empty for global services such as IAM.
    pub region: String,
    /// The account ID; empty for AWS managed resources.
    pub account: String,
    /// The resource part, unsplit (`role/path/name`, `function:name:qualifier`).
    pub resource: String,
}

/// The six colon-separated fields of an ARN, the last one unsplit; `None` when `s` is not
/// `arn:` followed by at least five more fields.
pub fn split(s: &str) -> Option<[&str; 6]> {
    let mut it = s.splitn(6, ':');
    let fields = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    (fields[0] == "arn").then_some(fields)
}

impl Arn {
    /// Parses `s`; `None` when it is not `arn:` followed by five more colon-separated fields.
    pub fn parse(s: &str) -> Option<Arn> {
        let [_, partition, service, region, account, resource] = split(s)?;
        Some(Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        })
    }

    /// An IAM ARN (`arn:P:iam::ACCOUNT:RESOURCE`), e.g. `role/path/name`, `policy/name`, `root`.
    pub fn iam(partition: &str, account: &str, resource: &str) -> Arn {
        Arn {
            partition: partition.into(),
            service: "iam".into(),
            region: String::new(),
            account: account.into(),
            resource: resource.into(),
        }
    }

    /// For a Lambda function ARN: (name, qualifier).
    pub fn function_parts(&self) -> Option<(&str, Option<&str>)> {
        if self.service != "lambda" {
            return None;
        }
        let rest = self.resource.strip_prefix("function:")?;
        Some(match rest.split_once(':') {
            Some((name, q)) => (name, Some(q)),
            None => (rest, None),
        })
    }

    /// The function ARN without its qualifier (other ARNs unchanged).
    pub(crate) fn unqualified(&self) -> Arn {
        match self.function_parts() {
            Some((name, Some(_))) => Arn {
                resource: format!("function:{name}"),
                ..self.clone()
            },
            _ => self.clone(),
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// The partition a region belongs to; `None` for partitions this tool does not support
/// (AWS General Reference, "Regions and zones" and the partition list in
/// <https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>).
pub fn partition_of_region(region: &str) -> Option<&'static str> {
    if region.starts_with("cn-") {
        Some("aws-cn")
    } else if region.starts_with("us-gov-") {
        Some("aws-us-gov")
    } else if region.starts_with("eusc-") {
        // The AWS European Sovereign Cloud (the AWS SDKs' partition table: `aws-eusc`,
        // regions `^eusc-(de)-\w+-\d+$`, DNS suffix `amazonaws.eu`).
        Some("aws-eusc")
    } else if region.contains("-iso") {
        None
    } else {
        Some("aws")
    }
}

/// A function ARN with its qualifier, when it has one (`…:function:f` and `live` →
/// `…:function:f:live`): the `Resource` of a statement on a version or alias, and the ARN a
/// data action calls.
pub fn qualified_arn(function_arn: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) => format!("{function_arn}:{q}"),
        None => function_arn.to_owned(),
    }
}

/// A function ARN without its qualifier (`…:function:f:live` → `…:function:f`); anything
/// that is not an ARN as it is.
pub fn unqualified_arn(arn: &str) -> String {
    Arn::parse(arn).map_or_else(|| arn.to_owned(), |a| a.unqualified().to_string())
}

/// The region where a partition's IAM calls arrive — CloudTrail records IAM's (global)
/// events there and EventBridge hands them to rules there (CloudTrail User Guide, "Global
/// service events"; EventBridge's IAM events reference) — `us-east-1`, as in `aws`, for a
/// partition this tool does not know (every caller reads there then). `aws-cn`: the one IAM control plane of the China Regions is in Beijing,
/// cn-north-1 (docs.amazonaws.cn, "Amazon Identity and Access Management": "IAM control
/// plane … located in the China (Beijing) Region", read 2026-11-27).
pub fn iam_events_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        // The partition's one region (the AWS SDKs' partition table).
        "aws-eusc" => "eusc-de-east-1",
        _ => "us-east-1",
    }
}

/// The account of a principal written as an ARN (`arn:aws:iam::ACCT:root`, a role, a session)
/// or as a bare account ID.
pub fn account_of(principal: &str) -> &str {
    split(principal).map_or(principal, |f| f[4])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unqualified_arns() {
        let f = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(unqualified_arn(&format!("{f}:live")), f);
        assert_eq!(unqualified_arn(&format!("{f}:*")), f);
        assert_eq!(unqualified_arn(f), f);
        assert_eq!(unqualified_arn("*"), "*");
    }

    /// One table, for `check`'s CloudTrail lookups and the watch's home alike.
    #[test]
    fn iam_events_arrive_in_each_partitions_home() {
        assert_eq!(iam_events_region("aws"), "us-east-1");
        assert_eq!(iam_events_region("aws-cn"), "cn-north-1");
        assert_eq!(iam_events_region("aws-us-gov"), "us-gov-west-1");
        assert_eq!(iam_events_region("aws-eusc"), "eusc-de-east-1");
        assert_eq!(iam_events_region("aws-iso"), "us-east-1");
    }

    #[test]
    fn parses_and_prints_every_partition() {
        for p in PARTITIONS {
            let s = format!("arn:{p}:lambda:r-1:123456789012:function:f:live");
            let arn = Arn::parse(&s).unwrap();
            assert_eq!(arn.partition, *p);
            assert_eq!(arn.function_parts(), Some(("f", Some("live"))));
            assert_eq!(arn.to_string(), s);
            assert_eq!(
                arn.unqualified().to_string(),
                format!("arn:{p}:lambda:r-1:123456789012:function:f")
            );
            assert_eq!(
                Arn::iam(p, "1", "role/x/R").to_string(),
                format!("arn:{p}:iam::1:role/x/R")
            );
        }
    }

    #[test]
    fn resources_keep_their_colons_and_slashes() {
        let arn = Arn::parse("arn:aws:sts::1:assumed-role/R/s:x").unwrap();
        assert_eq!(arn.resource, "assumed-role/R/s:x");
        assert!(Arn::parse("arn:aws:iam::1").is_none());
        assert!(Arn::parse("nra:aws:iam::1:root").is_none());
        assert_eq!(account_of("arn:aws:iam::123:root"), "123");
        assert_eq!(account_of("123"), "123");
    }

    #[test]
    fn regions_map_to_partitions() {
        assert_eq!(partition_of_region("us-east-1"), Some("aws"));
        assert_eq!(partition_of_region("cn-north-1"), Some("aws-cn"));
        assert_eq!(partition_of_region("us-gov-west-1"), Some("aws-us-gov"));
        assert_eq!(partition_of_region("eusc-de-east-1"), Some("aws-eusc"));
        assert_eq!(partition_of_region("us-iso-east-1"), None);
    }
}
