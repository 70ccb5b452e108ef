//! A CloudFormation template (JSON or YAML; CDK's `cdk.out/*.template.json` included) →
//! the audit's account model.
//!
//! Part of the auditor's `iac`. Reads `AWS::IAM::Role` (`AssumeRolePolicyDocument`, `Policies`,
//! `ManagedPolicyArns`, `PermissionsBoundary`, `RoleName`, `Path`, `Tags`),
//! `AWS::IAM::ManagedPolicy` (`PolicyDocument`, `ManagedPolicyName`, `Path`, `Roles`),
//! `AWS::IAM::Policy` (`PolicyName`, `PolicyDocument`, `Roles`) and `AWS::IAM::RolePolicy`
//! (`RoleName`, `PolicyName`, `PolicyDocument`), and `AWS::Lambda::Permission` (`FunctionName`,
//! `Action`, `Principal`, `SourceAccount`, `SourceArn`, `PrincipalOrgID`, `FunctionUrlAuthType`:
//! the function policies, `permission`) and `AWS::Lambda::ResourcePolicy` (`ResourceArn`,
//! `PolicyDocument`: a policy written whole), an `AWS::Lambda::Function`'s fixed `FunctionName`
//! giving its `Ref` and `Arn`; resource `Condition`s are honoured, a
//! resource whose condition is undecided is kept (more access, never less). Other resource
//! types that can grant IAM permissions are listed as not analysed (docs/iac.md).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::build::{Build, Targets, OWN_ACCOUNT};
use super::intrinsic::{text, Named, Scope};
use super::permission::{Permission, WholePolicy};
use super::{yaml, IacModel, NotAnalysed, RoleSettings, Source, UnknownReason};
use crate::account::{AuditPolicy, AuditRole, AuditVersion};
use crate::details::InputError;
use crate::unknown_marker::markers_in;
use lambda_trust_iam::{Arn, AwsResource};

/// Resource types that grant IAM permissions but are not read.
const NOT_READ: [&str; 8] = [
    "AWS::Serverless::Function",
    "AWS::Serverless::StateMachine",
    "AWS::Serverless::Api",
    "AWS::Serverless::Application",
    "AWS::CloudFormation::Stack",
    "AWS::CloudFormation::CustomResource",
    "AWS::IAM::RolePolicies",
    "AWS::SSO::PermissionSet",
];

/// One template and what the command line says about it.
#[derive(Debug, Clone, Default)]
pub struct TemplateInput {
    /// The file's name, for messages.
    pub file: String,
    /// The template's text, JSON or YAML.
    pub text: String,
    /// `--parameter KEY=VALUE`.
    pub parameters: BTreeMap<String, String>,
    /// `--account-id`: the account the stack is deployed to (`AWS::AccountId`), else unknown.
    pub account_id: Option<String>,
    /// `--region`: the region the stack is deployed to (`AWS::Region`), else unknown.
    pub region: Option<String>,
}

/// Reads a template into the model (see the module header).
pub fn read_template(input: &TemplateInput) -> Result<IacModel, InputError> {
    let file = input.file.as_str();
    let parsed = yaml::parse(file, &input.text)?;
    let root = parsed.value.as_object();
    let resources = resources_of(file, root)?;
    let empty = Map::new();
    let section = |name: &str| root.and_then(|r| r.get(name)).and_then(Value::as_object);
    let mut scope = Scope {
        file,
        params: parameters(
            file,
            section("Parameters").unwrap_or(&empty),
            &input.parameters,
        )?,
        pseudo: pseudo(input),
        mappings: section("Mappings").unwrap_or(&empty),
        conditions: section("Conditions").unwrap_or(&empty),
        resources,
        named: BTreeMap::new(),
        lines: &parsed.resource_lines,
        unknowns: Vec::new(),
        at: String::new(),
    };
    let account = input.account_id.clone().unwrap_or(OWN_ACCOUNT.into());
    let partition = scope.pseudo["AWS::Partition"].clone().unwrap_or_default();
    let kept = kept_resources(&mut scope)?;
    for id in &kept {
        if let Some(n) = naming(&mut scope, id, &partition, &account)? {
            scope.named.insert(id.clone(), n);
        }
    }
    let mut build = Build {
        partition: partition.clone(),
        region: scope.pseudo["AWS::Region"].clone(),
        ..Build::default()
    };
    for id in &kept {
        read_resource(&mut scope, &mut build, id)?;
    }
    let mut not_analysed = not_read(&kept, resources, &parsed);
    not_analysed.extend(transforms(&parsed, &mut scope, &mut build));
    nested_stacks(&kept, resources, &mut scope, &mut build);
    let lines = &parsed.resource_lines;
    let locate = |id: &str| Source {
        resource: id.to_owned(),
        line: lines.get(id).copied(),
        file: None,
    };
    Ok(build.finish(
        input.account_id.clone(),
        scope.unknowns,
        &locate,
        not_analysed,
    ))
}

/// The template macros the reader does not run, with their lines: the top-level `Transform`'s
/// names but SAM's (whose resource types are listed as not analysed) and
/// `AWS::LanguageExtensions` (whose functions the reader reads or leaves unknown) unless the
/// template uses its `Fn::ForEach`, which makes resources; and an `Fn::Transform` that is a
/// resource or sits beside a resource's `Type` (AWS CloudFormation User Guide, "Transform",
/// "Fn::Transform", "AWS::LanguageExtensions transform").
fn macros(parsed: &yaml::Parsed) -> Vec<(String, Option<usize>)> {
    let root = &parsed.value;
    let line = parsed.section_lines.get("Transform").copied();
    let declared = match root.get("Transform") {
        Some(Value::Array(items)) => items.iter().map(macro_name).collect(),
        Some(one) => vec![macro_name(one)],
        None => Vec::new(),
    };
    let for_each = has_key(root, &|k| k.starts_with("Fn::ForEach::"));
    let mut out: Vec<(String, Option<usize>)> = declared
        .into_iter()
        .filter(|n| n != "AWS::Serverless-2016-10-31")
        .filter(|n| n != "AWS::LanguageExtensions" || for_each)
        .map(|n| (n, line))
        .collect();
    let resources = root.get("Resources").and_then(Value::as_object);
    for (id, r) in resources.into_iter().flatten() {
        let snippet = match (id.as_str(), r.get("Fn::Transform")) {
            ("Fn::Transform", _) => Some(r),
            (_, Some(t)) => Some(t),
            _ => None,
        };
        if let Some(t) = snippet {
            out.push((macro_name(t), parsed.resource_lines.get(id).copied()));
        }
    }
    out
}

/// A transform's name: the text, or the `Name` of `{Name, Parameters}`.
fn macro_name(v: &Value) -> String {
    text(v.get("Name").unwrap_or(v))
}

fn has_key(v: &Value, pred: &dyn Fn(&str) -> bool) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| pred(k) || has_key(v, pred)),
        Value::Array(items) => items.iter().any(|v| has_key(v, pred)),
        _ => false,
    }
}

/// A role a macro may rewrite: its trust policy is unknown (anyone may be let in), a policy
/// unknown is attached, and its boundary may be gone.
fn rewritten(role: &mut AuditRole, unknown: &Value) {
    role.trust = unknown.clone();
    role.attached.push(text(unknown));
    role.boundary = None;
}

/// Nested stacks: their templates are not read (AWS CloudFormation User Guide, "Nested stacks";
/// AWS SAM, "AWS::Serverless::Application").
const NESTED: [&str; 2] = ["AWS::CloudFormation::Stack", "AWS::Serverless::Application"];

/// The roles nested stack `id` may attach policies to (`AWS::IAM::Policy` `Roles`,
/// `AWS::IAM::RolePolicy` `RoleName`, `AWS::IAM::ManagedPolicy` `Roles` name a role): every
/// role with a fixed `RoleName` (its template may write the name), and every role whose name
/// can reach it — one it references, directly or through other resources (`Ref`,
/// `Fn::GetAtt`, `Fn::Sub`, `DependsOn`). A generated name is known to no one else.
fn nested_reach(resources: &Map<String, Value>, id: &str, build: &Build) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::from([id.to_owned()]);
    let mut todo = vec![id.to_owned()];
    while let Some(next) = todo.pop() {
        let mut found = Vec::new();
        if let Some(r) = resources.get(&next) {
            references(r, &mut found);
        }
        for f in found {
            if resources.contains_key(&f) && seen.insert(f.clone()) {
                todo.push(f);
            }
        }
    }
    build
        .roles
        .keys()
        .filter(|role| {
            seen.contains(*role)
                || resources[role.as_str()]["Properties"]
                    .get("RoleName")
                    .is_some()
        })
        .cloned()
        .collect()
}

/// The logical IDs a resource's definition names: `Ref`, `Fn::GetAtt`, `Fn::Sub`'s `${X}` and
/// `${X.Attr}`, `DependsOn`.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, arg) in m {
                match (k.as_str(), arg) {
                    ("Ref", Value::String(name)) => out.push(name.clone()),
                    ("Fn::GetAtt", Value::String(s)) => {
                        out.extend(s.split('.').next().map(str::to_owned))
                    }
                    ("Fn::GetAtt", Value::Array(parts)) => out.extend(parts.first().map(text)),
                    ("Fn::Sub", _) => {
                        let template = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str));
                        for name in template.unwrap_or_default().split("${").skip(1) {
                            let name = name.split('}').next().unwrap_or_default();
                            out.push(name.split('.').next().unwrap_or_default().to_owned());
                        }
                    }
                    ("DependsOn", Value::String(name)) => out.push(name.clone()),
                    ("DependsOn", Value::Array(names)) => out.extend(names.iter().map(text)),
                    _ => {}
                }
                references(arg, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, out)),
        _ => {}
    }
}

fn kind<'a>(resources: &'a Map<String, Value>, id: &str) -> &'a str {
    resources[id]
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The parameters' values: `--parameter`, else the default, else unknown (`None`). A list
/// type's text is split at commas, as CloudFormation does.
fn parameters(
    file: &str,
    declared: &Map<String, Value>,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Option<Value>>, InputError> {
    if let Some(k) = given.keys().find(|k| !declared.contains_key(*k)) {
        return Err(InputError::in_file(
            file,
            None,
            format!("--parameter {k}: the template declares no such parameter"),
            &format!(
                "declared: {}",
                declared.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(declared
        .iter()
        .map(|(name, decl)| {
            let raw = given
                .get(name)
                .cloned()
                .or_else(|| decl.get("Default").map(text));
            let list = decl
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
            let value = raw.map(|r| match list {
                true => Value::from(r.split(',').map(str::trim).collect::<Vec<_>>()),
                false => Value::String(r),
            });
            (name.clone(), value)
        })
        .collect())
}

/// The pseudo parameters: from `--account-id` and `--region`, else unknown. The partition
/// and URL suffix follow the region; without one, the commercial partition `aws`.
fn pseudo(input: &TemplateInput) -> BTreeMap<&'static str, Option<String>> {
    let region = input.region.clone();
    let partition = match region.as_deref() {
        Some(r) if r.starts_with("cn-") => "aws-cn",
        Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
        Some(r) if r.starts_with("eusc-") => "aws-eusc",
        _ => "aws",
    };
    let suffix = match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-eusc" => "amazonaws.eu",
        _ => "amazonaws.com",
    };
    BTreeMap::from([
        (
            "AWS::AccountId",
            Some(input.account_id.clone().unwrap_or(OWN_ACCOUNT.into())),
        ),
        ("AWS::Region", region),
        ("AWS::Partition", Some(partition.into())),
        ("AWS::URLSuffix", Some(suffix.into())),
        ("AWS::StackName", None),
        ("AWS::StackId", None),
        ("AWS::NotificationARNs", None),
    ])
}

/// The resources whose `Condition` is not decided false.
fn kept_resources(scope: &mut Scope) -> Result<Vec<String>, InputError> {
    let mut kept = Vec::new();
    for (id, r) in scope.resources {
        scope.at = id.clone();
        let keep = match r.get("Condition").and_then(Value::as_str) {
            Some(c) => scope.condition(c)? != Some(false),
            None => true,
        };
        if keep {
            kept.push(id.clone());
        }
    }
    Ok(kept)
}

/// A role's name and ARN, a managed policy's ARN: what `Ref` and `Fn::GetAtt` give.
fn naming(
    scope: &mut Scope,
    id: &str,
    partition: &str,
    account: &str,
) -> Result<Option<Named>, InputError> {
    let (name_key, what) = match kind(scope.resources, id) {
        "AWS::IAM::Role" => ("RoleName", "role"),
        "AWS::IAM::ManagedPolicy" => ("ManagedPolicyName", "policy"),
        "AWS::Lambda::Function" => return function_naming(scope, id, partition, account),
        _ => return Ok(None),
    };
    let props = scope.resources[id]
        .get("Properties")
        .cloned()
        .unwrap_or_default();
    let concrete = |key: &str, scope: &mut Scope| -> Result<Option<String>, InputError> {
        scope.at = format!("{id}.Properties.{key}");
        let Some(v) = props.get(key) else {
            return Ok(None);
        };
        let v = scope.eval(v)?;
        Ok(v.as_str()
            .filter(|_| markers_in(&v).is_empty())
            .map(str::to_owned))
    };
    // A generated or unknown name: the logical ID stands for it (it is only a label).
    let name = concrete(name_key, scope)?.unwrap_or_else(|| id.to_owned());
    let path = concrete("Path", scope)?.unwrap_or_else(|| "/".into());
    let named = format!("{path}{name}");
    let resource = match what {
        "role" => AwsResource::Role(&named),
        _ => AwsResource::Policy(&named),
    };
    let arn = Arn::of(partition, account, resource).to_string();
    Ok(Some(Named {
        reference: if what == "role" { name } else { arn.clone() },
        arn,
    }))
}

/// A function with a fixed `FunctionName` in a known region: `Ref` gives its name,
/// `Fn::GetAtt .Arn` its ARN (CloudFormation User Guide, AWS::Lambda::Function, return values).
/// A generated name stays unknown: the function's ARN is only known once deployed.
fn function_naming(
    scope: &mut Scope,
    id: &str,
    partition: &str,
    account: &str,
) -> Result<Option<Named>, InputError> {
    let Some(region) = scope.pseudo["AWS::Region"].clone() else {
        return Ok(None);
    };
    let props = scope.resources[id]
        .get("Properties")
        .cloned()
        .unwrap_or_default();
    let name = property(scope, &props, id, "FunctionName")?;
    let Some(name) = name.as_str().filter(|_| markers_in(&name).is_empty()) else {
        return Ok(None);
    };
    Ok(Some(Named {
        reference: name.to_owned(),
        arn: Arn::of(
            partition,
            account,
            AwsResource::Function {
                region: &region,
                name,
                qualifier: None,
            },
        )
        .to_string(),
    }))
}

fn property(scope: &mut Scope, props: &Value, id: &str, key: &str) -> Result<Value, InputError> {
    scope.at = format!("{id}.Properties.{key}");
    match props.get(key) {
        Some(v) => scope.eval(v),
        None => Ok(Value::Null),
    }
}

/// A role's `Description` and `MaxSessionDuration`.
fn role_settings(scope: &mut Scope, props: &Value, id: &str) -> Result<RoleSettings, InputError> {
    let mut get = |key: &str| property(scope, props, id, key);
    Ok(RoleSettings {
        description: known(get("Description")?, String::new()),
        max_session_duration: known(get("MaxSessionDuration")?, 3600.to_string())
            .and_then(|s| s.parse().ok()),
    })
}

/// A setting's text: `absent` when the property is not given, `None` when it holds an
/// unknown value.
fn known(v: Value, absent: String) -> Option<String> {
    match v {
        Value::Null => Some(absent),
        v if markers_in(&v).is_empty() => Some(text(&v)),
        _ => None,
    }
}

/// A policy document: a JSON object, or the same as a string.
fn document(v: Value) -> Value {
    match &v {
        Value::String(s) => serde_json::from_str(s).unwrap_or(v),
        _ => v,
    }
}

/// The template's `Resources` mapping, which every template has.
fn resources_of<'a>(
    file: &str,
    root: Option<&'a Map<String, Value>>,
) -> Result<&'a Map<String, Value>, InputError> {
    root.and_then(|r| r.get("Resources"))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            InputError::in_file(
                file,
                None,
                "not a CloudFormation template: no Resources mapping".into(),
                "give a template (JSON or YAML) with a Resources section, or a plan with --plan",
            )
        })
}

/// The kept resources whose type the audit does not read (custom resources included).
fn not_read(
    kept: &[String],
    resources: &Map<String, Value>,
    parsed: &yaml::Parsed,
) -> Vec<NotAnalysed> {
    (kept.iter())
        .filter(|id| {
            NOT_READ.contains(&kind(resources, id)) || kind(resources, id).starts_with("Custom::")
        })
        .map(|id| NotAnalysed {
            resource: id.clone(),
            resource_type: kind(resources, id).to_owned(),
            line: parsed.resource_lines.get(id).copied(),
            file: None,
        })
        .collect()
}

/// Each macro the template transforms itself with: not analysed, and every role's documents
/// may be rewritten by it (an unknown in each).
fn transforms(parsed: &yaml::Parsed, scope: &mut Scope, build: &mut Build) -> Vec<NotAnalysed> {
    let mut out = Vec::new();
    for (name, line) in macros(parsed) {
        out.push(NotAnalysed {
            resource: name.clone(),
            resource_type: "Transform".into(),
            line,
            file: None,
        });
        scope.at = "Transform".into();
        let unknown = scope.unknown(format!("Transform {name}"), UnknownReason::Macro);
        for role in build.roles.values_mut() {
            rewritten(role, &unknown);
        }
    }
    out
}

/// Each nested stack: an unknown policy attached to every role it can reach.
fn nested_stacks(
    kept: &[String],
    resources: &Map<String, Value>,
    scope: &mut Scope,
    build: &mut Build,
) {
    for id in kept
        .iter()
        .filter(|id| NESTED.contains(&kind(resources, id)))
    {
        scope.at = id.clone();
        let value = format!("{} {id}", kind(resources, id));
        let unknown = scope.unknown(value, UnknownReason::NestedStack);
        for role in nested_reach(resources, id, build) {
            if let Some(r) = build.roles.get_mut(&role) {
                r.attached.push(text(&unknown));
            }
        }
    }
}

fn read_resource(scope: &mut Scope, build: &mut Build, id: &str) -> Result<(), InputError> {
    let props = scope.resources[id]
        .get("Properties")
        .cloned()
        .unwrap_or_default();
    let get = |key: &str, scope: &mut Scope| property(scope, &props, id, key);
    match kind(scope.resources, id) {
        "AWS::IAM::Role" => read_role(scope, build, &props, id)?,
        "AWS::IAM::ManagedPolicy" => read_managed_policy(scope, build, &props, id)?,
        "AWS::IAM::Policy" => {
            let policy = (
                text(&get("PolicyName", scope)?),
                document(get("PolicyDocument", scope)?),
            );
            build
                .inline
                .push((policy, Targets::Names(get("Roles", scope)?)));
        }
        "AWS::IAM::RolePolicy" => {
            let policy = (
                text(&get("PolicyName", scope)?),
                document(get("PolicyDocument", scope)?),
            );
            let role = get("RoleName", scope)?;
            build
                .inline
                .push((policy, Targets::Names(Value::from(vec![role]))));
        }
        "AWS::Lambda::Permission" => {
            let permission = read_permission(scope, &props, id)?;
            build.permissions.push(permission);
        }
        "AWS::Lambda::ResourcePolicy" => {
            build.whole_policies.push(WholePolicy {
                resource: id.to_owned(),
                resource_arn: get("ResourceArn", scope)?,
                document: document(get("PolicyDocument", scope)?),
            });
        }
        _ => {}
    }
    Ok(())
}

/// An `AWS::IAM::Role`: its documents, attachments, boundary and tags, and its settings.
fn read_role(
    scope: &mut Scope,
    build: &mut Build,
    props: &Value,
    id: &str,
) -> Result<(), InputError> {
    let get = |key: &str, scope: &mut Scope| property(scope, props, id, key);
    let named = scope.named[id].clone();
    let inline = match get("Policies", scope)? {
        Value::Array(ps) => (ps.into_iter())
            .map(|p| {
                (
                    text(&p["PolicyName"]),
                    document(p["PolicyDocument"].clone()),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let attached = match get("ManagedPolicyArns", scope)? {
        Value::Array(arns) => arns.iter().map(text).collect(),
        Value::Null => Vec::new(),
        other => vec![text(&other)],
    };
    let boundary = Some(get("PermissionsBoundary", scope)?).filter(|b| !b.is_null());
    let tags = match get("Tags", scope)? {
        Value::Array(ts) => (ts.iter())
            .map(|t| (text(&t["Key"]), text(&t["Value"])))
            .collect(),
        _ => BTreeMap::new(),
    };
    let role = AuditRole {
        name: named.reference.clone(),
        arn: named.arn.clone(),
        trust: document(get("AssumeRolePolicyDocument", scope)?),
        inline,
        attached,
        boundary: boundary.map(|b| text(&b)),
        tags,
    };
    build.roles.insert(id.to_owned(), role);
    let settings = role_settings(scope, props, id)?;
    build.settings.insert(id.to_owned(), settings);
    Ok(())
}

/// An `AWS::IAM::ManagedPolicy`: one default version, and the roles it is attached to.
fn read_managed_policy(
    scope: &mut Scope,
    build: &mut Build,
    props: &Value,
    id: &str,
) -> Result<(), InputError> {
    let arn = scope.named[id].arn.clone();
    let doc = document(property(scope, props, id, "PolicyDocument")?);
    let name = arn.rsplit('/').next().unwrap_or_default().to_owned();
    let version = AuditVersion {
        version_id: "v1".into(),
        is_default: true,
        document: doc,
    };
    let versions = vec![version];
    let policy = AuditPolicy {
        arn: arn.clone(),
        name,
        versions,
    };
    build.policies.insert(arn.clone(), policy);
    let roles = property(scope, props, id, "Roles")?;
    build.attach.push((arn, Targets::Names(roles)));
    Ok(())
}

/// An `AWS::Lambda::Permission`, its statement ID the resource's logical ID (CloudFormation
/// picks its own).
fn read_permission(scope: &mut Scope, props: &Value, id: &str) -> Result<Permission, InputError> {
    let get = |key: &str, scope: &mut Scope| property(scope, props, id, key);
    Ok(Permission {
        resource: id.to_owned(),
        function: get("FunctionName", scope)?,
        qualifier: Value::Null,
        statement_id: Value::String(id.to_owned()),
        action: get("Action", scope)?,
        principal: get("Principal", scope)?,
        source_account: get("SourceAccount", scope)?,
        source_arn: get("SourceArn", scope)?,
        principal_org_id: get("PrincipalOrgID", scope)?,
        function_url_auth_type: get("FunctionUrlAuthType", scope)?,
    })
}
