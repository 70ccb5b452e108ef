//! The ARNs the project writes, built in one place: every ARN another crate or the binary puts
//! in a document, a plan or a call is [`Arn::of`] a partition, an account and an
//! [`AwsResource`] — the formats of the AWS Service Authorization Reference's resource types
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>).
//! A partition or account may be CloudFormation's `${AWS::Partition}` / `${AWS::AccountId}`
//! (or `*`): the builders never parse what they are given.

use crate::arn::Arn;

/// A resource of a service, as its ARN names it after the account. A `region` may be `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsResource<'a> {
    /// The account itself as a principal: `iam::ACCOUNT:root`.
    Root,
    /// A role by its name, with its path if any (`/path/name`, `path/name` or `name`).
    Role(&'a str),
    /// A customer managed policy by its name, with its path if any.
    Policy(&'a str),
    /// A role's session: `sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    AssumedRole {
        /// The role's name.
        role: &'a str,
        /// The session's name.
        session: &'a str,
    },
    /// A Lambda function, qualified (`function:NAME:QUALIFIER`) when a qualifier is given.
    Function {
        /// Its region.
        region: &'a str,
        /// Its name.
        name: &'a str,
        /// A version or alias.
        qualifier: Option<&'a str>,
    },
    /// The log streams of a Lambda function's log group (`/aws/lambda/NAME:*`).
    FunctionLogs {
        /// Its region.
        region: &'a str,
        /// The function's name.
        function: &'a str,
    },
    /// An EventBridge event bus.
    EventBus {
        /// Its region.
        region: &'a str,
        /// Its name (`default` for the account's default bus).
        name: &'a str,
    },
    /// An EventBridge rule: `rule/NAME` on the default bus, `rule/BUS/NAME` on another.
    Rule {
        /// Its region.
        region: &'a str,
        /// `NAME` or `BUS/NAME` (a wildcard allowed).
        path: &'a str,
    },
    /// A CloudFormation StackSet (`stackset/NAME:ID`; `NAME:` with a wildcard for any ID).
    StackSet {
        /// Its region.
        region: &'a str,
        /// `NAME:ID`.
        name: &'a str,
    },
    /// A Systems Manager parameter (its name starts with `/` when it has a path).
    Parameter {
        /// Its region.
        region: &'a str,
        /// Its name.
        name: &'a str,
    },
    /// The account's own Security Hub product, `product/ACCOUNT/default`: where
    /// `BatchImportFindings` imports findings.
    SecurityHubProduct {
        /// Its region.
        region: &'a str,
    },
    /// A Secrets Manager secret (`secret:NAME-??????` matches its random suffix).
    Secret {
        /// Its region.
        region: &'a str,
        /// The secret's name, with its suffix or a pattern of it.
        name: &'a str,
    },
    /// An S3 bucket or object (`BUCKET/KEY`): S3's ARNs name neither region nor account, so the
    /// account given is left out.
    S3(&'a str),
    /// A KMS key.
    KmsKey {
        /// Its region.
        region: &'a str,
        /// The key's ID (or `*`).
        id: &'a str,
    },
    /// An AWS Config configuration aggregator.
    ConfigAggregator {
        /// Its region.
        region: &'a str,
        /// The aggregator's ID (or `*`).
        id: &'a str,
    },
}

impl Arn {
    /// The ARN of `resource` in `account` of `partition`.
    pub fn of(partition: &str, account: &str, resource: AwsResource<'_>) -> Arn {
        use AwsResource as R;
        let (service, region, rest) = match resource {
            R::Root => ("iam", "", "root".to_owned()),
            R::Role(name) => ("iam", "", format!("role/{}", name.trim_start_matches('/'))),
            R::Policy(name) => (
                "iam",
                "",
                format!("policy/{}", name.trim_start_matches('/')),
            ),
            R::AssumedRole { role, session } => {
                ("sts", "", format!("assumed-role/{role}/{session}"))
            }
            R::Function {
                region,
                name,
                qualifier,
            } => match qualifier {
                Some(q) => ("lambda", region, format!("function:{name}:{q}")),
                None => ("lambda", region, format!("function:{name}")),
            },
            R::FunctionLogs { region, function } => (
                "logs",
                region,
                format!("log-group:/aws/lambda/{function}:*"),
            ),
            R::EventBus { region, name } => ("events", region, format!("event-bus/{name}")),
            R::Rule { region, path } => ("events", region, format!("rule/{path}")),
            R::StackSet { region, name } => ("cloudformation", region, format!("stackset/{name}")),
            R::Parameter { region, name } => ("ssm", region, format!("parameter{name}")),
            R::SecurityHubProduct { region } => {
                ("securityhub", region, format!("product/{account}/default"))
            }
            R::Secret { region, name } => ("secretsmanager", region, format!("secret:{name}")),
            R::S3(path) => ("s3", "", path.to_owned()),
            R::KmsKey { region, id } => ("kms", region, format!("key/{id}")),
            R::ConfigAggregator { region, id } => {
                ("config", region, format!("config-aggregator/{id}"))
            }
        };
        // S3's ARNs have no account.
        let account = if service == "s3" { "" } else { account };
        Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: rest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AwsResource as R;

    fn of(resource: AwsResource<'_>) -> String {
        Arn::of("aws-cn", "123456789012", resource).to_string()
    }

    /// Each format as the Service Authorization Reference gives its resource type.
    #[test]
    fn each_resource_is_written_as_its_service_names_it() {
        let r = "cn-north-1";
        let cases = [
            (R::Root, "arn:aws-cn:iam::123456789012:root"),
            (
                R::Role("/team/x"),
                "arn:aws-cn:iam::123456789012:role/team/x",
            ),
            (R::Role("x"), "arn:aws-cn:iam::123456789012:role/x"),
            (R::Policy("/p/"), "arn:aws-cn:iam::123456789012:policy/p/"),
            (
                R::AssumedRole {
                    role: "R",
                    session: "s",
                },
                "arn:aws-cn:sts::123456789012:assumed-role/R/s",
            ),
            (
                R::Function {
                    region: r,
                    name: "f",
                    qualifier: None,
                },
                "arn:aws-cn:lambda:cn-north-1:123456789012:function:f",
            ),
            (
                R::Function {
                    region: r,
                    name: "f",
                    qualifier: Some("live"),
                },
                "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live",
            ),
            (
                R::FunctionLogs {
                    region: r,
                    function: "f",
                },
                "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/lambda/f:*",
            ),
            (
                R::EventBus {
                    region: r,
                    name: "default",
                },
                "arn:aws-cn:events:cn-north-1:123456789012:event-bus/default",
            ),
            (
                R::Rule {
                    region: "*",
                    path: "b/n",
                },
                "arn:aws-cn:events:*:123456789012:rule/b/n",
            ),
            (
                R::StackSet {
                    region: r,
                    name: "s:*",
                },
                "arn:aws-cn:cloudformation:cn-north-1:123456789012:stackset/s:*",
            ),
            (
                R::Parameter {
                    region: r,
                    name: "/a/b",
                },
                "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/a/b",
            ),
            (
                R::SecurityHubProduct { region: r },
                "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default",
            ),
            (
                R::Secret {
                    region: "*",
                    name: "s-??????",
                },
                "arn:aws-cn:secretsmanager:*:123456789012:secret:s-??????",
            ),
            (R::S3("b/k"), "arn:aws-cn:s3:::b/k"),
            (
                R::KmsKey { region: r, id: "*" },
                "arn:aws-cn:kms:cn-north-1:123456789012:key/*",
            ),
            (
                R::ConfigAggregator { region: r, id: "*" },
                "arn:aws-cn:config:cn-north-1:123456789012:config-aggregator/*",
            ),
        ];
        for (resource, want) in cases {
            assert_eq!(of(resource), want);
            assert_eq!(
                Arn::parse(want).map(|a| a.to_string()).as_deref(),
                Some(want)
            );
        }
    }

    /// CloudFormation's pseudo parameters pass through, for a template's `Fn::Sub`.
    #[test]
    fn a_templates_pseudo_parameters_are_kept() {
        let arn = Arn::of("${AWS::Partition}", "${AWS::AccountId}", R::Role("r"));
        assert_eq!(
            arn.to_string(),
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"
        );
    }
}
