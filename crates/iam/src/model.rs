//! The IAM policy document model: typed statements (the parser, JSON in, is `parse`).
//!
//! Beside the pipeline: `render` produces documents, `observe` decodes what AWS
//! returns (see `document`), and the evaluator (`eval`), `lint` and `verify` all work on these
//! types rather than on raw JSON. The parser is strict where AWS is strict (unknown elements,
//! `Effect` spelling, conflicting `Action`/`NotAction`) so that a document we accept is one AWS
//! would accept, and every error names the statement and the element.

use serde::Serialize;

/// The policy language version (`Version` element).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PolicyVersion {
    /// `2008-10-17`: no policy variables.
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
    /// `2012-10-17`: the current version.
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
}

impl PolicyVersion {
    /// Policy variables (`${aws:username}`) exist only from 2012-10-17; before that the text is
    /// literal (IAM User Guide, "IAM JSON policy elements: Version").
    pub(crate) fn supports_variables(self) -> bool {
        self == PolicyVersion::V2012_10_17
    }
}

/// A parsed IAM policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `None` when the document has no `Version`: AWS then applies 2008-10-17 semantics.
    pub version: Option<PolicyVersion>,
    /// The `Id` element, when present.
    pub id: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
}

/// A statement's `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema), schemars(inline))]
pub enum Effect {
    /// Allows what the statement matches.
    Allow,
    /// Denies what the statement matches; a Deny always wins.
    Deny,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The `Sid`, when present.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `None` in identity policies and permissions boundaries, which have no principal element.
    pub principal: Option<PrincipalClause>,
    /// `Action` or `NotAction`.
    pub action: ActionClause,
    /// `None` in trust policies: the resource is implicitly the role itself.
    pub resource: Option<ResourceClause>,
    /// Every condition must hold (operators and keys AND together).
    pub conditions: Vec<Condition>,
}

/// The `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalClause {
    /// `Principal`: the statement applies to these callers.
    Principal(Principals),
    /// `NotPrincipal`: the statement applies to every caller but these.
    NotPrincipal(Principals),
}

/// The principals of a `Principal`/`NotPrincipal` element.
#[derive(Debug, Clone, PartialEq)]
pub enum Principals {
    /// `"Principal": "*"`.
    Any,
    /// `{"AWS": …, "Service": …, …}`.
    Specific(PrincipalMap),
}

/// The object form of `Principal`; each list holds the values as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrincipalMap {
    /// `AWS`: accounts, roles, users, sessions, or `*`.
    pub aws: Vec<String>,
    /// `Service`: AWS service principals.
    pub service: Vec<String>,
    /// `Federated`: identity providers.
    pub federated: Vec<String>,
    /// `CanonicalUser`: S3 canonical user IDs.
    pub canonical_user: Vec<String>,
}

/// The `Action` or `NotAction` element, with its patterns as written.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionClause {
    /// `Action`: the statement applies to these actions.
    Action(Vec<String>),
    /// `NotAction`: the statement applies to every action but these.
    NotAction(Vec<String>),
}

/// The `Resource` or `NotResource` element, with its patterns as written.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceClause {
    /// `Resource`: the statement applies to these resources.
    Resource(Vec<String>),
    /// `NotResource`: the statement applies to every resource but these.
    NotResource(Vec<String>),
}

/// One operator/key pair of a `Condition` block, with its values (which OR together).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The condition operator.
    pub operator: ConditionOperator,
    /// The context key as written; matched case-insensitively.
    pub key: String,
    /// Booleans and numbers are kept as their JSON text (`true`, `42`).
    pub values: Vec<String>,
}

/// A condition operator, parsed from its written name.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionOperator {
    /// The operator as written in the document, e.g. `ForAnyValue:StringLikeIfExists`.
    pub name: String,
    /// `ForAnyValue:`/`ForAllValues:`, when present.
    pub set: Option<SetOperator>,
    /// The operator without its prefix and `IfExists` suffix.
    pub kind: OperatorKind,
    /// Whether it ends in `IfExists` (true when the key is absent).
    pub if_exists: bool,
}

/// The set qualifiers of a condition operator on multivalued keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetOperator {
    /// `ForAnyValue:`: at least one request value matches.
    ForAnyValue,
    /// `ForAllValues:`: every request value matches (true when there is none).
    ForAllValues,
}

/// The IAM condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators");
/// each variant is named exactly as the operator it stands for.
/// Operator names are parsed case-insensitively: AWS documents them in one spelling only, and
/// being lenient here can only make us accept a document AWS would have refused on write,
/// never evaluate a stored one differently.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::Display, strum::EnumString,
)]
#[strum(ascii_case_insensitive)]
#[allow(missing_docs)] // each variant is the operator of its name
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    Null,
}

impl OperatorKind {
    /// Negated matching operators: true when the key is absent, NOR over the policy values
    /// (IAM User Guide, "Condition operators" and "Conditions with multiple context keys or
    /// values").
    pub(crate) fn is_negated(self) -> bool {
        matches!(
            self,
            OperatorKind::StringNotEquals
                | OperatorKind::StringNotEqualsIgnoreCase
                | OperatorKind::StringNotLike
                | OperatorKind::ArnNotEquals
                | OperatorKind::ArnNotLike
                | OperatorKind::NumericNotEquals
                | OperatorKind::DateNotEquals
                | OperatorKind::NotIpAddress
        )
    }

    /// Whether `${…}` in values is a policy variable. The Condition operators page lists
    /// variables as supported for string, ARN and Bool operators, not for numeric, date,
    /// binary or IP ones.
    pub(crate) fn supports_variables(self) -> bool {
        matches!(
            self,
            OperatorKind::StringEquals
                | OperatorKind::StringNotEquals
                | OperatorKind::StringEqualsIgnoreCase
                | OperatorKind::StringNotEqualsIgnoreCase
                | OperatorKind::StringLike
                | OperatorKind::StringNotLike
                | OperatorKind::ArnEquals
                | OperatorKind::ArnLike
                | OperatorKind::ArnNotEquals
                | OperatorKind::ArnNotLike
                | OperatorKind::Bool
        )
    }
}

impl ConditionOperator {
    /// Parses `[ForAnyValue:|ForAllValues:]Base[IfExists]`.
    pub(crate) fn parse(name: &str) -> Option<ConditionOperator> {
        let (set, rest) = if let Some(rest) = strip_prefix_ci(name, "ForAnyValue:") {
            (Some(SetOperator::ForAnyValue), rest)
        } else if let Some(rest) = strip_prefix_ci(name, "ForAllValues:") {
            (Some(SetOperator::ForAllValues), rest)
        } else {
            (None, name)
        };
        let (base, if_exists) = match strip_suffix_ci(rest, "IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let kind = base.parse::<OperatorKind>().ok()?;
        // `Null` tests presence itself; AWS has no NullIfExists.
        if kind == OperatorKind::Null && if_exists {
            return None;
        }
        Some(ConditionOperator {
            name: name.to_owned(),
            set,
            kind,
            if_exists,
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..cut))
        .flatten()
}
