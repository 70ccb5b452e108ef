//! Replayable counterexamples: a real action in its canonical case, and a resource of the type
//! that action works on, in a real partition, region and 12-digit account.
//!
//! Sits under `prove` (used by `prove::trust` and `prove::invoke` when they turn an action class
//! and a resource class into a request). The search decides over classes (`classes`); any
//! member of a class is an equally valid counterexample, so this module only chooses which
//! member to show, and checks every choice against the class with the evaluator's own matchers.
//! - Actions come from `actions.txt`, the real IAM action names of STS and Lambda taken from
//!   the AWS SDK's service models (`scripts/real_actions.py`), plus well-known actions of the
//!   services common wildcards admit (`ec2:*`, `s3:*`, a `NotAction` beyond STS and Lambda):
//!   EC2, S3, IAM, SSM, CloudWatch Logs, KMS, DynamoDB, Secrets Manager, and a non-resource-level
//!   action of SNS, SQS, RDS, ECR and CloudWatch. A class with none of them gets a marked name
//!   of its pattern (`marked_action`).
//! - The resource type of an action follows the Service Authorization Reference
//!   (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html>,
//!   <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html>):
//!   `sts:AssumeRole` and its kin act on a role, most Lambda actions on a function, `List*` and
//!   `Create*` of a service-wide kind on `*`.
//! - Wildcards in a pattern are filled per ARN component: the role's partition, region and
//!   account, and `example` in the name (`cs-*` → `cs-example`).

use super::classes::Classes;

/// The real action names, one per line (`#` starts a comment line).
const ACTIONS_TXT: &str = include_str!("actions.txt");

/// Shown first when they fall in the class found (most readable first).
const PREFERRED: [&str; 8] = [
    "sts:AssumeRole",
    "lambda:InvokeFunction",
    "lambda:GetFunction",
    "lambda:UpdateFunctionCode",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "s3:GetObject",
    "iam:PassRole",
];

/// Every real action name this module may show, in canonical case.
pub(crate) fn real_actions() -> impl Iterator<Item = &'static str> {
    ACTIONS_TXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Regions per partition that counterexamples may name (AWS General Reference, "Regions and
/// Zones"; the partitions' region lists,
/// <https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>).
pub(crate) fn regions(partition: &str) -> &'static [&'static str] {
    match partition {
        "aws" => &[
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-southeast-2",
            "ap-northeast-1",
        ],
        "aws-us-gov" => &["us-gov-west-1", "us-gov-east-1"],
        "aws-cn" => &["cn-north-1", "cn-northwest-1"],
        "aws-eusc" => &["eusc-de-east-1"],
        _ => &[],
    }
}

/// The kind of resource an action works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Role,
    Function,
    LayerVersion,
    Layer,
    EventSourceMapping,
    CodeSigningConfig,
    CapacityProvider,
    FederatedUser,
    Root,
    Object,
    Bucket,
    Instance,
    Parameter,
    LogGroup,
    Key,
    Table,
    Secret,
    /// Not resource-level: `*`.
    Any,
}

/// The resource type of a real action (see the module doc).
pub(crate) fn shape(action: &str) -> Shape {
    let (service, name) = action.split_once(':').unwrap_or(("", action));
    match service {
        "sts" => match name {
            "AssumeRole"
            | "AssumeRoleWithSAML"
            | "AssumeRoleWithWebIdentity"
            | "TagSession"
            | "SetSourceIdentity"
            | "SetContext" => Shape::Role,
            "GetFederationToken" => Shape::FederatedUser,
            "AssumeRoot" => Shape::Root,
            _ => Shape::Any,
        },
        "lambda" => lambda_shape(name),
        _ => other_shape(service, name),
    }
}

/// The resource types of the well-known actions of other services (Service Authorization
/// Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html):
/// `List*`, `Describe*` and a few others are not resource-level.
fn other_shape(service: &str, name: &str) -> Shape {
    if name.starts_with("List") || name.starts_with("Describe") {
        return match (service, name) {
            ("s3", "ListBucket") => Shape::Bucket,
            _ => Shape::Any,
        };
    }
    match service {
        "iam" => Shape::Role,
        "s3" => Shape::Object,
        "ec2" => Shape::Instance,
        "ssm" if name == "SendCommand" => Shape::Instance,
        "ssm" => Shape::Parameter,
        "logs" => Shape::LogGroup,
        "kms" => Shape::Key,
        "dynamodb" => Shape::Table,
        "secretsmanager" => Shape::Secret,
        _ => Shape::Any,
    }
}

fn lambda_shape(name: &str) -> Shape {
    let service_wide =
        (name.starts_with("List") && !name.contains("By")) || name == "GetAccountSettings";
    if name.contains("FunctionCodeSigningConfig") {
        return Shape::Function;
    }
    let (kind, create) = if name.contains("LayerVersion") && name != "ListLayerVersions" {
        (Shape::LayerVersion, name == "PublishLayerVersion")
    } else if name.contains("EventSourceMapping") {
        (Shape::EventSourceMapping, name.starts_with("Create"))
    } else if name.contains("CodeSigningConfig") {
        (Shape::CodeSigningConfig, name.starts_with("Create"))
    } else if name.contains("CapacityProvider") {
        (Shape::CapacityProvider, name.starts_with("Create"))
    } else {
        (Shape::Function, false)
    };
    match (kind, create) {
        (Shape::LayerVersion, true) => Shape::Layer,
        (_, true) => Shape::Any,
        (Shape::Function, _)
            if service_wide || name == "ListLayers" || name == "ListLayerVersions" =>
        {
            Shape::Any
        }
        _ => kind,
    }
}

/// Where counterexamples live: the role's (or the targets') partition, region and account.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub(crate) partition: String,
    pub(crate) region: String,
    pub(crate) account: String,
}

/// An account the policies do not name, for "another account" resources.
const OTHER_ACCOUNT: &str = "444455556666";

impl Place {
    fn arn(&self, shape: Shape, account: &str, region: &str) -> String {
        let p = &self.partition;
        match shape {
            Shape::Role => format!("arn:{p}:iam::{account}:role/example"),
            Shape::Function => format!("arn:{p}:lambda:{region}:{account}:function:example"),
            Shape::LayerVersion => format!("arn:{p}:lambda:{region}:{account}:layer:example:1"),
            Shape::Layer => format!("arn:{p}:lambda:{region}:{account}:layer:example"),
            Shape::EventSourceMapping => format!(
                "arn:{p}:lambda:{region}:{account}:event-source-mapping:a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
            ),
            Shape::CodeSigningConfig => format!(
                "arn:{p}:lambda:{region}:{account}:code-signing-config:csc-0123456789abcdef0"
            ),
            Shape::CapacityProvider => {
                format!("arn:{p}:lambda:{region}:{account}:capacity-provider:example")
            }
            Shape::FederatedUser => format!("arn:{p}:sts::{account}:federated-user/example"),
            Shape::Root => format!("arn:{p}:iam::{account}:root"),
            Shape::Object => format!("arn:{p}:s3:::example-bucket/example.txt"),
            Shape::Bucket => format!("arn:{p}:s3:::example-bucket"),
            Shape::Instance => {
                format!("arn:{p}:ec2:{region}:{account}:instance/i-0123456789abcdef0")
            }
            Shape::Parameter => format!("arn:{p}:ssm:{region}:{account}:parameter/example"),
            Shape::LogGroup => format!("arn:{p}:logs:{region}:{account}:log-group:example"),
            Shape::Key => format!(
                "arn:{p}:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
            Shape::Table => format!("arn:{p}:dynamodb:{region}:{account}:table/example"),
            Shape::Secret => {
                format!("arn:{p}:secretsmanager:{region}:{account}:secret:example-AbCdEf")
            }
            Shape::Any => "*".to_owned(),
        }
    }

    /// Stock resources of `shape`: in the role's account and region, in another account, in
    /// another region of the partition.
    fn stock(&self, shape: Shape) -> Vec<String> {
        let other_region = regions(&self.partition)
            .iter()
            .find(|r| **r != self.region)
            .copied()
            .unwrap_or(&self.region);
        vec![
            self.arn(shape, &self.account, &self.region),
            self.arn(shape, OTHER_ACCOUNT, &self.region),
            self.arn(shape, &self.account, other_region),
        ]
    }

    /// This place, the same in another region of the partition, and in another account: a
    /// pattern filled in each gives members of more classes.
    fn variants(&self) -> [Place; 3] {
        let other_region = regions(&self.partition)
            .iter()
            .find(|r| **r != self.region)
            .map_or_else(|| self.region.clone(), |r| r.to_string());
        [
            self.clone(),
            Place {
                region: other_region,
                ..self.clone()
            },
            Place {
                account: OTHER_ACCOUNT.to_owned(),
                ..self.clone()
            },
        ]
    }

    /// A pattern with its wildcards filled component by component, or `None` when the result
    /// is not an ARN of `shape` (its service or resource type differs).
    fn fill(&self, pattern: &str, shape: Shape) -> Option<String> {
        let template = self.arn(shape, &self.account, &self.region);
        let want = super::super::arn::split(&template)?;
        if pattern == "*" {
            return None;
        }
        let [_, p, s, r, a, res] = super::super::arn::split(pattern)?;
        let pick = |given: &str, ours: &str, choices: &[&str]| -> Option<String> {
            if !given.contains(['*', '?']) {
                return Some(given.to_owned());
            }
            let g = super::super::wildcard::compile(given);
            std::iter::once(ours)
                .chain(choices.iter().copied())
                .find(|c| super::super::wildcard::glob(&g, c, false))
                .map(str::to_owned)
        };
        let partition = pick(
            p,
            &self.partition,
            &["aws", "aws-us-gov", "aws-cn", "aws-eusc"],
        )?;
        let service = pick(s, want[2], &[])?;
        // The role's region only where it exists: in the role's partition.
        let ours = if partition == self.partition {
            self.region.as_str()
        } else {
            regions(&partition).first().copied().unwrap_or_default()
        };
        let region = match want[3] {
            "" => pick(r, "", &[])?,
            _ => pick(r, ours, regions(&partition)).filter(|r| !r.is_empty())?,
        };
        let account = match want[4] {
            "" => pick(a, "", &[])?,
            _ => pick(a, &self.account, &[OTHER_ACCOUNT]).or_else(|| digits(a))?,
        };
        let resource = if res == "*" {
            want[5].to_owned()
        } else {
            res.replace('*', "example").replace('?', "x")
        };
        let arn = format!("arn:{partition}:{service}:{region}:{account}:{resource}");
        let kind = |r: &str| r.split([':', '/']).next().unwrap_or_default().to_owned();
        (service == want[2]
            && match shape {
                // An object: bucket/key; a bucket: its name alone.
                Shape::Object => resource.contains('/'),
                Shape::Bucket => !resource.contains('/') && !resource.is_empty(),
                _ => kind(&resource) == kind(want[5]),
            })
        .then_some(arn)
    }
}

/// A 12-digit account ID matching an account pattern with wildcards (`1111*` → `111100000000`).
fn digits(pattern: &str) -> Option<String> {
    let fixed: usize = pattern.chars().filter(|c| *c != '*').count();
    let pad = 12usize.checked_sub(fixed)?;
    let mut first = true;
    let out: String = pattern
        .chars()
        .flat_map(|c| match c {
            '*' if std::mem::take(&mut first) => "0".repeat(pad).chars().collect::<Vec<_>>(),
            '*' => Vec::new(),
            '?' => vec!['0'],
            c => vec![c],
        })
        .collect();
    (out.len() == 12 && out.bytes().all(|b| b.is_ascii_digit())).then_some(out)
}

/// Whether `resource` is of the type `action` works on (`*` for actions that are not
/// resource-level): what every counterexample's request satisfies when a real action and a
/// fitting resource exist in its classes.
#[cfg(test)]
pub(crate) fn fits(action: &str, resource: &str) -> bool {
    let s = shape(action);
    if s == Shape::Any {
        return resource == "*";
    }
    let Some([_, p, _, r, a, _]) = super::super::arn::split(resource) else {
        return false;
    };
    let place = Place {
        partition: p.to_owned(),
        region: r.to_owned(),
        account: a.to_owned(),
    };
    place.fill(resource, s).as_deref() == Some(resource)
}

/// For an action class with no listed real action (a service actions.txt does not cover, such
/// as `glue:*`): a name of the class in canonical form, marked as made up — a pattern it
/// matches with `*` as `Example` (`glue:*` → `glue:Example`, `glue:Get*` → `glue:GetExample`),
/// the service in lower case and the action name capitalized. `None` when no pattern of the
/// class gives a member (then the class's own witness is shown).
pub(crate) fn marked_action(actions: &Classes, class: usize) -> Option<String> {
    let bits = &actions.classes[class].0;
    let mut candidates: Vec<String> = actions
        .patterns
        .iter()
        .zip(bits)
        .filter(|(_, b)| **b)
        .map(|(p, _)| p.clone())
        .collect();
    // A class no pattern matches (beyond a NotAction): a service no pattern names.
    candidates.push("example:*".to_owned());
    candidates.into_iter().find_map(|p| {
        let (service, name) = p.split_once(':')?;
        let name = name.replace('*', "Example").replace('?', "X");
        let mut chars = name.chars();
        let name: String = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .chain(chars)
            .collect();
        let action = format!("{}:{name}", service.to_ascii_lowercase());
        let plain = !service.is_empty() && !service.contains(['*', '?']);
        (plain && actions.contains(class, &action)).then_some(action)
    })
}

/// The real actions of each action class, in display order, computed once per problem.
pub(crate) struct RealActions {
    /// Per action class: its real members, preferred first.
    members: Vec<Vec<&'static str>>,
}

impl RealActions {
    pub(crate) fn new(actions: &Classes) -> Self {
        let mut members = vec![Vec::new(); actions.classes.len()];
        let order = PREFERRED
            .iter()
            .copied()
            .chain(real_actions().filter(|a| !PREFERRED.contains(a)));
        let index: std::collections::HashMap<&Vec<bool>, usize> = actions
            .classes
            .iter()
            .enumerate()
            .map(|(i, (bits, _))| (bits, i))
            .collect();
        for a in order {
            if let Some(c) = index.get(&actions.vector(a)) {
                members[*c].push(a);
            }
        }
        RealActions { members }
    }

    pub(crate) fn of(&self, class: usize) -> &[&'static str] {
        &self.members[class]
    }
}

/// A real action of action class `action` and a resource of its type in resource class
/// `resource` (candidates: `extra` first, then the class's patterns filled in, then stock
/// resources), or `None` when no such pair is found.
pub(crate) fn pair(
    actions: &[&'static str],
    resources: &Classes,
    resource: usize,
    place: &Place,
    extra: &[String],
) -> Option<(String, String)> {
    let hit: Vec<&String> = resources
        .patterns
        .iter()
        .zip(&resources.classes[resource].0)
        .filter(|(_, b)| **b)
        .map(|(p, _)| p)
        .collect();
    let mut tried: Vec<Shape> = Vec::new();
    for a in actions {
        let s = shape(a);
        if tried.contains(&s) {
            continue;
        }
        tried.push(s);
        let fits = |r: &String| {
            place.fill(r, s).as_deref() == Some(r.as_str()) || (r == "*" && s == Shape::Any)
        };
        let places = place.variants();
        let filled = hit
            .iter()
            .flat_map(|p| places.iter().filter_map(move |v| v.fill(p, s)));
        let found = extra
            .iter()
            .filter(|r| fits(r))
            .cloned()
            .chain(filled)
            .chain(place.stock(s))
            .find(|r| resources.contains(resource, r));
        if let Some(r) = found {
            return Some((a.to_string(), r));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_canonical_and_shaped() {
        let all: Vec<&str> = real_actions().collect();
        assert!(all.contains(&"lambda:InvokeFunction") && all.contains(&"sts:AssumeRole"));
        assert!(!all.contains(&"lambda:Invoke"));
        assert_eq!(shape("sts:AssumeRole"), Shape::Role);
        assert_eq!(shape("lambda:GetFunction"), Shape::Function);
        assert_eq!(shape("lambda:ListFunctions"), Shape::Any);
        assert_eq!(shape("lambda:GetLayerVersion"), Shape::LayerVersion);
        assert_eq!(shape("lambda:PublishLayerVersion"), Shape::Layer);
        assert_eq!(shape("lambda:CreateEventSourceMapping"), Shape::Any);
        assert_eq!(shape("lambda:ListVersionsByFunction"), Shape::Function);
        for p in PREFERRED {
            assert!(all.contains(&p), "{p}");
        }
    }

    #[test]
    fn fills_wildcards_per_component() {
        let place = Place {
            partition: "aws-us-gov".into(),
            region: "us-gov-west-1".into(),
            account: "111122223333".into(),
        };
        assert_eq!(
            place
                .fill("arn:*:lambda:*:*:function:cs-*", Shape::Function)
                .unwrap(),
            "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:cs-example"
        );
        assert_eq!(
            place
                .fill("arn:aws:lambda:*:9999*:function:*", Shape::Function)
                .unwrap(),
            "arn:aws:lambda:us-east-1:999900000000:function:example"
        );
        assert!(place
            .fill("arn:*:lambda:*:*:function:*", Shape::Role)
            .is_none());
        assert_eq!(digits("?2345678901?").unwrap(), "023456789010");
    }
}
