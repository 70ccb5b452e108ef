//! Condition evaluation: one operator/key/values triple against the request context.
//!
//! Part of `policy` (used by `eval`). Semantics, from the IAM User Guide pages "Condition
//! operators", "Conditions with multiple context keys or values" and "Single-valued vs
//! multivalued context keys":
//! - A key absent from the request makes the condition false, except that negated matching
//!   operators (StringNotEquals, ArnNotLike, NotIpAddress, …) are then true, `…IfExists` is then
//!   true, and `Null` tests presence itself.
//! - Values of one key OR together; for a negated operator they NOR together.
//! - `ForAllValues:` is true when the key is absent or empty; `ForAnyValue:` is false then.
//! - Our choice for a multivalued request key under a plain (non-set) operator: it matches when
//!   any request value matches, i.e. like `ForAnyValue:` (negated: like `ForAllValues:`). AWS
//!   says not to write such policies, and does not document the result.

use std::net::IpAddr;

use base64::Engine as _;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ipnet::IpNet;

use super::model::{Condition, OperatorKind, SetOperator};
use super::variables::{expand, VarSource};
use super::wildcard::{arn_match, flatten, glob, Tok};

/// One policy value after variable substitution.
struct PolicyValue {
    toks: Vec<Tok>,
    text: String,
}

/// Whether `cond` holds for the context. `variables` is the document's 2012-10-17-ness.
pub(crate) fn holds(cond: &Condition, ctx: &dyn VarSource, variables: bool) -> bool {
    let op = &cond.operator;
    let kind = op.kind;
    let request: Option<&[String]> = ctx.lookup(&cond.key).filter(|v| !v.is_empty());

    if kind == OperatorKind::Null {
        let absent = request.is_none();
        return cond.values.iter().any(|v| {
            if v.eq_ignore_ascii_case("true") {
                absent
            } else {
                !absent
            }
        });
    }

    // Unresolvable values are dropped: they match nothing.
    let use_vars = variables && kind.supports_variables();
    let policy_values: Vec<PolicyValue> = cond
        .values
        .iter()
        .filter_map(|v| expand(v, use_vars, ctx))
        .map(|toks| PolicyValue {
            text: flatten(&toks),
            toks,
        })
        .collect();

    let negated = kind.is_negated();
    // One request value against all policy values: OR, or NOR for negated operators.
    let single = |r: &str| {
        let any = policy_values.iter().any(|p| positive_match(kind, r, p));
        any != negated
    };

    match (op.set, request) {
        (Some(SetOperator::ForAllValues), None) => true,
        (Some(SetOperator::ForAnyValue), None) => op.if_exists,
        (None, None) => op.if_exists || negated,
        (Some(SetOperator::ForAllValues), Some(rs)) => rs.iter().all(|r| single(r)),
        (Some(SetOperator::ForAnyValue), Some(rs)) => rs.iter().any(|r| single(r)),
        (None, Some(rs)) => {
            let any = rs
                .iter()
                .any(|r| policy_values.iter().any(|p| positive_match(kind, r, p)));
            any != negated
        }
    }
}

/// The non-negated form of each operator: does request value `r` match policy value `p`?
fn positive_match(kind: OperatorKind, r: &str, p: &PolicyValue) -> bool {
    use std::cmp::Ordering::*;
    use OperatorKind::*;
    match kind {
        StringEquals | StringNotEquals => r == p.text,
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
            r.to_lowercase() == p.text.to_lowercase()
        }
        StringLike | StringNotLike => glob(&p.toks, r, false),
        // AWS documents ArnEquals and ArnLike identically: per-component, with wildcards.
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => arn_match(&p.toks, r),
        NumericEquals | NumericNotEquals => cmp_numbers(r, &p.text) == Some(Equal),
        NumericLessThan => cmp_numbers(r, &p.text) == Some(Less),
        NumericLessThanEquals => matches!(cmp_numbers(r, &p.text), Some(Less | Equal)),
        NumericGreaterThan => cmp_numbers(r, &p.text) == Some(Greater),
        NumericGreaterThanEquals => matches!(cmp_numbers(r, &p.text), Some(Greater | Equal)),
        DateEquals | DateNotEquals => cmp_dates(r, &p.text) == Some(Equal),
        DateLessThan => cmp_dates(r, &p.text) == Some(Less),
        DateLessThanEquals => matches!(cmp_dates(r, &p.text), Some(Less | Equal)),
        DateGreaterThan => cmp_dates(r, &p.text) == Some(Greater),
        DateGreaterThanEquals => matches!(cmp_dates(r, &p.text), Some(Greater | Equal)),
        Bool => r.eq_ignore_ascii_case(&p.text),
        BinaryEquals => binary_equals(r, &p.text),
        IpAddress | NotIpAddress => ip_in(r, &p.text),
        // Handled before matching.
        Null => false,
    }
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    // f64::from_str also takes "inf" and "NaN", which are not numbers in a policy.
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn cmp_numbers(r: &str, p: &str) -> Option<std::cmp::Ordering> {
    parse_number(r)?.partial_cmp(&parse_number(p)?)
}

/// ISO 8601 (full timestamp with offset, without offset = UTC, or a bare date) or epoch seconds,
/// the forms the Condition operators page lists for date operators.
pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if !s.is_empty()
        && s.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 0 && c == '-'))
    {
        let secs: i64 = s.parse().ok()?;
        return DateTime::from_timestamp(secs, 0);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M:%S%.fZ"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn cmp_dates(r: &str, p: &str) -> Option<std::cmp::Ordering> {
    Some(parse_date(r)?.cmp(&parse_date(p)?))
}

/// The policy value is base64. A request value is decoded when it is base64 too, otherwise its
/// bytes are compared as given (the CLI's `--context` carries text).
fn binary_equals(r: &str, p: &str) -> bool {
    let engine = base64::engine::general_purpose::STANDARD;
    let Ok(want) = engine.decode(p.trim()) else {
        return false;
    };
    match engine.decode(r.trim()) {
        Ok(got) => got == want,
        Err(_) => r.as_bytes() == want.as_slice(),
    }
}

fn ip_in(r: &str, p: &str) -> bool {
    let Ok(addr) = r.trim().parse::<IpAddr>() else {
        return false;
    };
    let p = p.trim();
    if let Ok(net) = p.parse::<IpNet>() {
        return net.contains(&addr);
    }
    p.parse::<IpAddr>().is_ok_and(|single| single == addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let a = parse_date("2024-01-01T00:00:00Z").unwrap();
        assert_eq!(parse_date("1704067200"), Some(a));
        assert_eq!(parse_date("2024-01-01"), Some(a));
        assert_eq!(parse_date("2024-01-01T00:00:00"), Some(a));
        assert_eq!(parse_date("2024-01-01T01:00:00+01:00"), Some(a));
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("1.5e1"), Some(15.0));
        assert!(parse_number("NaN").is_none());
        assert!(parse_number("inf").is_none());
    }

    #[test]
    fn ips() {
        assert!(ip_in("203.0.113.7", "203.0.113.0/24"));
        assert!(!ip_in("203.0.114.7", "203.0.113.0/24"));
        assert!(ip_in("2001:db8::1", "2001:db8::/32"));
        assert!(ip_in("10.0.0.1", "10.0.0.1"));
        assert!(!ip_in("not-an-ip", "0.0.0.0/0"));
    }
}
