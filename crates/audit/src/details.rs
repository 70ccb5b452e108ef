//! `GetAccountAuthorizationDetails` → [`AccountIam`]: the one mapping from the API's role and
//! managed-policy details to the audit's plain data, used by the live read (`aws::audit`, from
//! the SDK's types) and by `audit --input` (from the JSON `aws iam
//! get-account-authorization-details` writes, read by [`parse_details`]).
//!
//! Part of the auditor (pure). Documents come URL-encoded from the API (IAM API Reference,
//! GetAccountAuthorizationDetails: "policy documents are URL-encoded") and as JSON objects from
//! the AWS CLI, which decodes them: both are read. A document that does not decode is kept as
//! null, which the audit reports as unread (nothing is proved about it), never as harmless.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::account::RoleUsage;
use super::account::{AccountIam, AuditPolicy, AuditRole, AuditVersion};
use lambda_trust_iam::{account_of, decode_document};

/// A policy document as the API or the CLI gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDocument {
    /// URL-encoded (the API) or plain JSON text.
    Text(String),
    /// Already a JSON object (the CLI's output).
    Json(Value),
    /// Not in the answer: kept as null, so reported as unread.
    Missing,
}

impl RawDocument {
    fn decode(self) -> Value {
        match self {
            RawDocument::Text(t) => decode_document(&t).unwrap_or(Value::Null),
            RawDocument::Json(v) => v,
            RawDocument::Missing => Value::Null,
        }
    }
}

/// One `RoleDetailList` entry, the fields the audit reads.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleDetail {
    /// `RoleName`.
    pub name: String,
    /// `Arn`.
    pub arn: String,
    /// `AssumeRolePolicyDocument`: the trust policy.
    pub trust: RawDocument,
    /// `RolePolicyList`: (name, document).
    pub inline: Vec<(String, RawDocument)>,
    /// `AttachedManagedPolicies[].PolicyArn`.
    pub attached: Vec<String>,
    /// `PermissionsBoundary.PermissionsBoundaryArn`.
    pub boundary: Option<String>,
    /// `Tags`: (key, value).
    pub tags: Vec<(String, String)>,
    /// `CreateDate` and `RoleLastUsed`, when the answer has them.
    pub usage: Option<RoleUsage>,
}

/// One `Policies` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDetail {
    /// `Arn`.
    pub arn: String,
    /// `PolicyName`; moto leaves it out of this answer, and the ARN ends with it.
    pub name: Option<String>,
    /// `PolicyVersionList`: (version ID, is default, document).
    pub versions: Vec<(String, bool, RawDocument)>,
}

impl From<RoleDetail> for AuditRole {
    fn from(r: RoleDetail) -> AuditRole {
        AuditRole {
            name: r.name,
            arn: r.arn,
            trust: r.trust.decode(),
            inline: r.inline.into_iter().map(|(n, d)| (n, d.decode())).collect(),
            attached: r.attached,
            boundary: r.boundary,
            tags: r.tags.into_iter().collect::<BTreeMap<_, _>>(),
        }
    }
}

impl From<PolicyDetail> for AuditPolicy {
    fn from(p: PolicyDetail) -> AuditPolicy {
        let from_arn = p.arn.rsplit('/').next().unwrap_or(&p.arn).to_owned();
        AuditPolicy {
            name: p.name.unwrap_or(from_arn),
            arn: p.arn,
            versions: p
                .versions
                .into_iter()
                .map(|(version_id, is_default, d)| AuditVersion {
                    version_id,
                    is_default,
                    document: d.decode(),
                })
                .collect(),
        }
    }
}

/// A file that cannot be read as what it is given for — a `get-account-authorization-details`
/// answer, a CloudFormation template, a Terraform plan: the file, the place (line and column,
/// or the JSON path) and what to fix (the hint, as data).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{place}: {message}")]
pub struct InputError {
    pub(crate) file: String,
    /// `:LINE:COLUMN` or ` at PATH`, empty for the whole file.
    pub(crate) place: String,
    pub(crate) message: String,
    pub(crate) hint: String,
}

const HINT: &str = "give the output of `aws iam get-account-authorization-details` (every page, \
    as the CLI writes it) or the API's JSON answer";

/// Reads the JSON `aws iam get-account-authorization-details` writes (or the API's answer:
/// documents URL-encoded) of the file named `file`. The account is `account_id`, else the one
/// every role's and customer managed policy's ARN names.
pub fn parse_details(
    file: &str,
    text: &str,
    account_id: Option<&str>,
) -> Result<AccountIam, InputError> {
    let err = |place: String, message: String, hint: &str| InputError {
        file: file.to_owned(),
        place,
        message,
        hint: hint.to_owned(),
    };
    let root = details_root(file, text)?;
    let obj = &root;
    let shape =
        |path: String, want: &str| err(format!(" at {path}"), format!("expected {want}"), HINT);
    let roles = list(obj, "RoleDetailList", "")
        .map_err(|(p, w)| shape(p, w))?
        .iter()
        .enumerate()
        .map(|(i, r)| role(r, &format!("RoleDetailList[{i}]")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|(p, w)| shape(p, w))?;
    let policies = list(obj, "Policies", "")
        .map_err(|(p, w)| shape(p, w))?
        .iter()
        .enumerate()
        .map(|(i, p)| policy(p, &format!("Policies[{i}]")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|(p, w)| shape(p, w))?;
    let account = account(account_id, &roles, &policies).map_err(|m| {
        err(
            String::new(),
            m,
            "give the audited account with --account-id",
        )
    })?;
    let usage = (roles.iter())
        .filter_map(|r| Some((r.arn.clone(), r.usage.clone()?)))
        .collect();
    Ok(AccountIam {
        account_id: account,
        usage,
        roles: roles.into_iter().map(AuditRole::from).collect(),
        policies: policies
            .into_iter()
            .map(|p| (p.arn.clone(), AuditPolicy::from(p)))
            .collect(),
    })
}

/// The answer's top-level object: JSON, holding `RoleDetailList` or `Policies`, every page.
fn details_root(file: &str, text: &str) -> Result<Map<String, Value>, InputError> {
    let err = |place: String, message: String, hint: &str| InputError {
        file: file.to_owned(),
        place,
        message,
        hint: hint.to_owned(),
    };
    let root: Value = serde_json::from_str(text).map_err(|e| {
        err(
            format!(":{}:{}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
            HINT,
        )
    })?;
    let Value::Object(obj) = root else {
        return Err(err(String::new(), NOT_DETAILS.into(), HINT));
    };
    if !obj.contains_key("RoleDetailList") && !obj.contains_key("Policies") {
        return Err(err(String::new(), NOT_DETAILS.into(), HINT));
    }
    if obj.get("IsTruncated") == Some(&Value::Bool(true)) || obj.contains_key("NextToken") {
        return Err(err(
            String::new(),
            "one page of several (IsTruncated or NextToken is set): roles would be missing".into(),
            "run the CLI without --max-items/--no-paginate so it writes every page merged",
        ));
    }
    Ok(obj)
}

/// Why a JSON object is not a `get-account-authorization-details` answer.
const NOT_DETAILS: &str =
    "not the output of get-account-authorization-details: no RoleDetailList or Policies";

/// The audited account: the given one, else the one the ARNs name (customer managed policies;
/// AWS managed ones name `aws`).
fn account(
    given: Option<&str>,
    roles: &[RoleDetail],
    policies: &[PolicyDetail],
) -> Result<String, String> {
    if let Some(a) = given {
        return Ok(a.to_owned());
    }
    let mut found: Vec<&str> = roles
        .iter()
        .map(|r| account_of(&r.arn))
        .chain(policies.iter().map(|p| account_of(&p.arn)))
        .filter(|a| *a != "aws")
        .collect();
    found.sort();
    found.dedup();
    match found.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err("no role or customer managed policy names the account".into()),
        many => Err(format!(
            "the ARNs name several accounts: {}",
            many.join(", ")
        )),
    }
}

/// A shape error: the JSON path and what was expected there.
type Shape = (String, &'static str);

fn list<'a>(obj: &'a Map<String, Value>, key: &str, at: &str) -> Result<&'a [Value], Shape> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err((format!("{at}{key}"), "a list")),
    }
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, Shape> {
    v.as_object().ok_or_else(|| (at.to_owned(), "an object"))
}

fn string(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, Shape> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err((format!("{at}.{key}"), "a string")),
    }
}

fn required(obj: &Map<String, Value>, key: &str, at: &str) -> Result<String, Shape> {
    string(obj, key, at)?.ok_or_else(|| (format!("{at}.{key}"), "a string (it is missing)"))
}

fn document(obj: &Map<String, Value>, key: &str, at: &str) -> Result<RawDocument, Shape> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(RawDocument::Missing),
        Some(Value::String(s)) => Ok(RawDocument::Text(s.clone())),
        Some(v @ Value::Object(_)) => Ok(RawDocument::Json(v.clone())),
        Some(_) => Err((
            format!("{at}.{key}"),
            "a policy document (a JSON object or URL-encoded text)",
        )),
    }
}

fn role(v: &Value, at: &str) -> Result<RoleDetail, Shape> {
    let r = object(v, at)?;
    let at = &format!("{at}.");
    let field = |i: usize, key: &str| format!("{at}{key}[{i}]");
    let mut inline = Vec::new();
    for (i, p) in list(r, "RolePolicyList", at)?.iter().enumerate() {
        let here = field(i, "RolePolicyList");
        let p = object(p, &here)?;
        inline.push((
            required(p, "PolicyName", &here)?,
            document(p, "PolicyDocument", &here)?,
        ));
    }
    let mut attached = Vec::new();
    for (i, p) in list(r, "AttachedManagedPolicies", at)?.iter().enumerate() {
        let here = field(i, "AttachedManagedPolicies");
        attached.push(required(object(p, &here)?, "PolicyArn", &here)?);
    }
    let boundary = match r.get("PermissionsBoundary") {
        None | Some(Value::Null) => None,
        Some(b) => {
            let here = format!("{at}PermissionsBoundary");
            string(object(b, &here)?, "PermissionsBoundaryArn", &here)?
        }
    };
    let mut tags = Vec::new();
    for (i, t) in list(r, "Tags", at)?.iter().enumerate() {
        let here = field(i, "Tags");
        let t = object(t, &here)?;
        tags.push((
            required(t, "Key", &here)?,
            string(t, "Value", &here)?.unwrap_or_default(),
        ));
    }
    let usage = usage(r, at)?;
    let at = at.trim_end_matches('.');
    Ok(RoleDetail {
        name: required(r, "RoleName", at)?,
        arn: required(r, "Arn", at)?,
        trust: document(r, "AssumeRolePolicyDocument", at)?,
        inline,
        attached,
        boundary,
        tags,
        usage,
    })
}

/// `CreateDate` and `RoleLastUsed {LastUsedDate, Region}` (`None` when neither is there).
fn usage(r: &Map<String, Value>, at: &str) -> Result<Option<RoleUsage>, Shape> {
    let created = string(r, "CreateDate", at.trim_end_matches('.'))?;
    let (last_used, last_used_region) = match r.get("RoleLastUsed") {
        None | Some(Value::Null) if created.is_none() => return Ok(None),
        None | Some(Value::Null) => (None, None),
        Some(u) => {
            let here = format!("{at}RoleLastUsed");
            let u = object(u, &here)?;
            (
                string(u, "LastUsedDate", &here)?,
                string(u, "Region", &here)?,
            )
        }
    };
    Ok(Some(RoleUsage {
        created,
        last_used,
        last_used_region,
    }))
}

fn policy(v: &Value, at: &str) -> Result<PolicyDetail, Shape> {
    let p = object(v, at)?;
    let mut versions = Vec::new();
    for (i, v) in list(p, "PolicyVersionList", &format!("{at}."))?
        .iter()
        .enumerate()
    {
        let here = format!("{at}.PolicyVersionList[{i}]");
        let v = object(v, &here)?;
        let is_default = match v.get("IsDefaultVersion") {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => false,
            Some(_) => return Err((format!("{here}.IsDefaultVersion"), "true or false")),
        };
        versions.push((
            required(v, "VersionId", &here)?,
            is_default,
            document(v, "Document", &here)?,
        ));
    }
    Ok(PolicyDetail {
        arn: required(p, "Arn", at)?,
        name: string(p, "PolicyName", at)?,
        versions,
    })
}

impl lambda_trust_verdict::Hinted for InputError {
    fn hint(&self) -> Option<String> {
        Some(self.hint.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole"}]}"#;

    fn answer(trust: Value) -> String {
        json!({"RoleDetailList": [{"RoleName": "R", "Arn": "arn:aws:iam::111122223333:role/R",
            "AssumeRolePolicyDocument": trust, "RolePolicyList": [], "AttachedManagedPolicies": [
            {"PolicyName": "p", "PolicyArn": "arn:aws:iam::111122223333:policy/p"}],
            "Tags": [{"Key": "team", "Value": "cx"}]}],
            "Policies": [{"Arn": "arn:aws:iam::111122223333:policy/p", "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": true, "Document": "%7B%7D"}]}]})
        .to_string()
    }

    #[test]
    fn cli_objects_and_url_encoded_text_read_the_same() {
        let encoded: String =
            percent_encoding::utf8_percent_encode(TRUST, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let a = parse_details(
            "a.json",
            &answer(serde_json::from_str(TRUST).unwrap()),
            None,
        );
        let b = parse_details("b.json", &answer(Value::String(encoded)), None);
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b);
        assert_eq!(a.account_id, "111122223333");
        assert_eq!(a.roles[0].tags["team"], "cx");
        assert_eq!(a.policies["arn:aws:iam::111122223333:policy/p"].name, "p");
    }

    #[test]
    fn bad_input_names_the_place() {
        let e = parse_details("x.json", "{\n  \"RoleDetailList\": [\n", None).unwrap_err();
        assert!(e.to_string().starts_with("x.json:3:"), "{e}");
        let e =
            parse_details("x.json", r#"{"RoleDetailList": [{"RoleName": 3}]}"#, None).unwrap_err();
        assert_eq!(e.place, " at RoleDetailList[0].RoleName");
        let e = parse_details("x.json", r#"{"format_version": "1.2"}"#, None).unwrap_err();
        assert!(e.message.contains("not the output"), "{e}");
        let e = parse_details(
            "x.json",
            r#"{"RoleDetailList": [], "IsTruncated": true}"#,
            None,
        )
        .unwrap_err();
        assert!(e.message.contains("one page"), "{e}");
        let e = parse_details("x.json", r#"{"RoleDetailList": []}"#, None).unwrap_err();
        assert!(e.hint.contains("--account-id"), "{e}");
    }
}
