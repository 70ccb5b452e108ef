//! Wildcard matching for the evaluator: `*` and `?` globs, and ARN matching per component.
//!
//! Part of `policy` (used by `eval` and `condition`). Patterns are token lists rather than
//! strings so that characters produced by policy variables (`${*}`, or a user name containing
//! `*`) stay literal while `*` written in the policy stays a wildcard.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    /// `*`: any run of characters, including none.
    Many,
    /// `?`: exactly one character.
    One,
}

/// IAM's wildcard match of plain policy text: `*` any run of characters, `?` exactly one
/// (actions are compared with `ignore_case`). The one matcher the project uses for IAM text.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    glob(&compile(pattern), text, ignore_case)
}

/// IAM's match of a Resource element entry (or an `ArnLike` value) written as plain policy
/// text against an ARN: per component, as `arn_match` does for the evaluator.
pub fn resource_match(pattern: &str, arn: &str) -> bool {
    arn_match(&compile(pattern), arn)
}

/// Compiles policy text where `*` and `?` are wildcards.
pub(crate) fn compile(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Many,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

/// The text a token list was written as (wildcards as `*`/`?`), for exact comparisons.
pub(crate) fn flatten(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Many => '*',
            Tok::One => '?',
        })
        .collect()
}

/// Whole-string glob match. Linear-time backtracking on the last `*`, so no input can make it
/// blow up.
pub(crate) fn glob(pattern: &[Tok], text: &str, ignore_case: bool) -> bool {
    if ignore_case {
        let pattern: Vec<Tok> = pattern
            .iter()
            .flat_map(|t| match t {
                Tok::Lit(c) => c.to_lowercase().map(Tok::Lit).collect::<Vec<_>>(),
                other => vec![*other],
            })
            .collect();
        let text: Vec<char> = text.to_lowercase().chars().collect();
        glob_chars(&pattern, &text)
    } else {
        let text: Vec<char> = text.chars().collect();
        glob_chars(pattern, &text)
    }
}

fn glob_chars(p: &[Tok], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position of the last `*` in the pattern and the text index it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Tok::One) => {
                pi += 1;
                ti += 1;
                continue;
            }
            Some(Tok::Lit(c)) if *c == t[ti] => {
                pi += 1;
                ti += 1;
                continue;
            }
            Some(Tok::Many) => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi.min(p.len())..].iter().all(|t| *t == Tok::Many)
}

/// ARN matching as in ArnLike and the Resource element: when the pattern has the six
/// colon-separated ARN components, each of the first five is matched separately (a `*` does not
/// cross a colon there) and the sixth, the resource, takes the rest including its colons
/// (IAM User Guide, "Condition operators": ARN condition operators). A pattern with fewer
/// components, such as `*`, is matched against the whole value.
pub(crate) fn arn_match(pattern: &[Tok], value: &str) -> bool {
    let parts = split_pattern(pattern);
    if parts.len() < 6 {
        return glob(pattern, value, false);
    }
    let values: Vec<&str> = value.splitn(6, ':').collect();
    if values.len() < 6 {
        return false;
    }
    parts
        .iter()
        .zip(values.iter())
        .all(|(p, v)| glob(p, v, false))
}

fn split_pattern(pattern: &[Tok]) -> Vec<Vec<Tok>> {
    let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
    for tok in pattern {
        let last = parts.len() - 1;
        if *tok == Tok::Lit(':') && parts.len() < 6 {
            parts.push(Vec::new());
        } else {
            parts[last].push(*tok);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, t: &str) -> bool {
        glob(&compile(p), t, false)
    }

    #[test]
    fn globs() {
        assert!(g("*", ""));
        assert!(g("a*c", "abbbc"));
        assert!(g("a?c", "abc"));
        assert!(!g("a?c", "ac"));
        assert!(g("*a*b*", "xxaxxbxx"));
        assert!(!g("abc", "abcd"));
        assert!(glob(&compile("STS:Assume*"), "sts:assumerole", true));
        assert!(!g("STS:Assume*", "sts:assumerole"));
    }

    #[test]
    fn arns() {
        let p = compile("arn:aws:lambda:*:123456789012:function:f*");
        assert!(arn_match(
            &p,
            "arn:aws:lambda:us-east-1:123456789012:function:f:live"
        ));
        assert!(arn_match(
            &p,
            "arn:aws:lambda:us-east-1:123456789012:function:f-other"
        ));
        assert!(!arn_match(&p, "arn:aws:lambda:us-east-1:999:function:f"));
        // A `*` in the region does not swallow the account component.
        let p = compile("arn:aws:lambda:*:function:f");
        assert!(!arn_match(&p, "arn:aws:lambda:us-east-1:123:function:f"));
        assert!(arn_match(&compile("*"), "arn:aws:s3:::b"));
    }
}
