//! Finite witness sets for the non-string condition operators (numbers, dates, IP addresses,
//! Bool, binary).
//!
//! Sits under `prove::values`. Each of these operators compares a value with constants on a
//! line (numbers, instants, addresses) or for equality, so the constants cut the line into
//! finitely many regions on which every test is constant; one value per region (each constant,
//! its neighbours, the midpoints between constants) plus a value of the wrong type (which no
//! test matches, see the Condition operators page,
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
//! covers every case of one family.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use ipnet::IpNet;

use super::super::condition::parse_date;
use super::values::{Family, ValueTest};

/// A value that no numeric, date, IP or binary test matches.
const NOT_A_VALUE: &str = "not-a-value";

pub(crate) fn family_candidates(test: &ValueTest) -> Vec<String> {
    let mut out = vec![NOT_A_VALUE.to_owned()];
    match test.family {
        Family::Str => {}
        Family::Num => out.extend(numbers(&test.values)),
        Family::Date => out.extend(dates(&test.values)),
        Family::Ip => out.extend(addresses(&test.values)),
        Family::Bool => {
            out.extend(["true".to_owned(), "false".to_owned()]);
            out.extend(test.values.iter().cloned());
        }
        Family::Binary => out.extend(test.values.iter().cloned()),
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

fn dates(values: &[String]) -> Vec<String> {
    let mut ts: Vec<DateTime<Utc>> = values.iter().filter_map(|v| parse_date(v)).collect();
    ts.sort();
    let mut out: Vec<DateTime<Utc>> = vec![DateTime::UNIX_EPOCH];
    let tick = TimeDelta::nanoseconds(1);
    for (i, t) in ts.iter().enumerate() {
        out.push(*t);
        out.extend(t.checked_sub_signed(tick));
        out.extend(t.checked_add_signed(tick));
        if let Some(next) = ts.get(i + 1) {
            out.push(*t + (*next - *t) / 2);
        }
    }
    out.iter()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Nanos, true))
        .collect()
}

fn addresses(values: &[String]) -> Vec<String> {
    let mut out: Vec<IpAddr> = vec![
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
    ];
    for v in values {
        let v = v.trim();
        let (lo, hi) = match (v.parse::<IpNet>(), v.parse::<IpAddr>()) {
            (Ok(net), _) => (net.network(), net.broadcast()),
            (_, Ok(a)) => (a, a),
            _ => continue,
        };
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
