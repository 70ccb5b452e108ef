//! Finite witness sets for the non-string condition operators (numbers, dates, IP addresses,
//! Bool, binary).
//!
//! Sits under `prove::values`. Each of these operators compares a value with constants on a
//! line (numbers, instants, addresses) or for equality, so the constants cut the line into
//! finitely many regions on which every test is constant; one value per region (each constant,
//! its neighbours, the midpoints between constants) plus a value of the wrong type (which no
//! test matches, see the Condition operators page,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>)
//! covers every case of one family.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::super::condition::parse_date;
use super::super::model::OperatorKind;

/// A value that no numeric, date, IP or binary test matches.
const NOT_A_VALUE: &str = "not-a-value";

/// How a policy value is compared, which decides how witnesses are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Family {
    Str,
    Num,
    Date,
    Bool,
    Ip,
    Binary,
}

/// The family of an operator.
pub(crate) fn family(kind: OperatorKind) -> Family {
    use OperatorKind::*;
    match kind {
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => Family::Num,
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => Family::Date,
        Bool => Family::Bool,
        IpAddress | NotIpAddress => Family::Ip,
        BinaryEquals => Family::Binary,
        _ => Family::Str,
    }
}

/// The witnesses of one test of `family` against its policy `values`.
pub(crate) fn family_candidates(family: Family, values: &[String]) -> Vec<String> {
    let mut out = vec![NOT_A_VALUE.to_owned()];
    match family {
        Family::Str => {}
        Family::Num => out.extend(numbers(values)),
        Family::Date => out.extend(dates(values)),
        Family::Ip => out.extend(addresses(values)),
        Family::Bool => {
            out.extend(["true".to_owned(), "false".to_owned()]);
            out.extend(values.iter().cloned());
        }
        Family::Binary => out.extend(values.iter().cloned()),
    }
    out
}

fn numbers(values: &[String]) -> Vec<String> {
    let mut xs: Vec<f64> = values
        .iter()
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .filter(|x| x.is_finite())
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    let mut out: Vec<f64> = vec![0.0];
    for (i, x) in xs.iter().enumerate() {
        out.extend([*x, x - 1.0, x + 1.0]);
        if let Some(next) = xs.get(i + 1) {
            out.push((x + next) / 2.0);
        }
    }
    out.iter().map(|x| format!("{x}")).collect()
}

/// Instants as (seconds, nanoseconds) since the epoch, written back as RFC 3339 with
/// nanoseconds (a form `condition::parse_date` reads).
fn dates(values: &[String]) -> Vec<String> {
    let mut ts: Vec<i128> = values
        .iter()
        .filter_map(|v| parse_date(v))
        .map(|t| i128::from(t.timestamp()) * NANOS + i128::from(t.timestamp_subsec_nanos()))
        .collect();
    ts.sort_unstable();
    let mut out: Vec<i128> = vec![0];
    for (i, t) in ts.iter().enumerate() {
        out.extend([*t, t - 1, t + 1]);
        if let Some(next) = ts.get(i + 1) {
            out.push(t + (next - t) / 2);
        }
    }
    out.into_iter().filter_map(rfc3339).collect()
}

const NANOS: i128 = 1_000_000_000;

fn rfc3339(nanos: i128) -> Option<String> {
    let secs = nanos.div_euclid(NANOS);
    let frac = nanos.rem_euclid(NANOS);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil(i64::try_from(days).ok()?);
    if !(0..=9999).contains(&y) {
        return None;
    }
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{frac:09}Z"
    ))
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) (Howard Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The first and last address of a policy value: `addr` or `addr/len` (host bits ignored, as
/// `IpNet::network` does in the evaluator).
fn range(v: &str) -> Option<(IpAddr, IpAddr)> {
    let Some((addr, len)) = v.split_once('/') else {
        let a = v.parse::<IpAddr>().ok()?;
        return Some((a, a));
    };
    let len: u32 = len.parse().ok()?;
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) if len <= 32 => {
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            let lo = u32::from(a) & mask;
            Some((IpAddr::V4(lo.into()), IpAddr::V4((lo | !mask).into())))
        }
        IpAddr::V6(a) if len <= 128 => {
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            let lo = u128::from(a) & mask;
            Some((IpAddr::V6(lo.into()), IpAddr::V6((lo | !mask).into())))
        }
        _ => None,
    }
}

fn addresses(values: &[String]) -> Vec<String> {
    let mut out: Vec<IpAddr> = vec![
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
    ];
    for (lo, hi) in values.iter().filter_map(|v| range(v.trim())) {
        out.extend([lo, hi]);
        out.extend(shift(lo, -1));
        out.extend(shift(hi, 1));
    }
    out.iter().map(IpAddr::to_string).collect()
}

fn shift(a: IpAddr, by: i8) -> Option<IpAddr> {
    match a {
        IpAddr::V4(x) => {
            let n = u32::from(x);
            let m = if by < 0 {
                n.checked_sub(1)?
            } else {
                n.checked_add(1)?
            };
            Some(IpAddr::V4(Ipv4Addr::from(m)))
        }
        IpAddr::V6(x) => {
            let n = u128::from(x);
            let m = if by < 0 {
                n.checked_sub(1)?
            } else {
                n.checked_add(1)?
            };
            Some(IpAddr::V6(Ipv6Addr::from(m)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for v in [
            "2024-01-01T00:00:00Z",
            "1999-12-31T23:59:59.5Z",
            "1704067200",
            "2024-02-29",
        ] {
            let t = parse_date(v).unwrap();
            let back: Vec<_> = dates(&[v.to_owned()])
                .iter()
                .filter_map(|s| parse_date(s))
                .collect();
            assert!(back.contains(&t), "{v}");
            assert_eq!(back.len(), 4, "{v}");
        }
    }

    #[test]
    fn ranges() {
        let (lo, hi) = range("10.1.2.3/8").unwrap();
        assert_eq!(
            (lo.to_string(), hi.to_string()),
            ("10.0.0.0".into(), "10.255.255.255".into())
        );
        let (lo, hi) = range("0.0.0.0/0").unwrap();
        assert_eq!(
            (lo.to_string(), hi.to_string()),
            ("0.0.0.0".into(), "255.255.255.255".into())
        );
        assert_eq!(range("2001:db8::/32").unwrap().0.to_string(), "2001:db8::");
        assert!(range("10.0.0.0/33").is_none());
    }
}
