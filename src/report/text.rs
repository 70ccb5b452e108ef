//! Text other people chose, made safe to print on a terminal: [`printable`].
//!
//! The human output prints names and values that AWS and Genesys Cloud hand us — account and
//! organizational unit names, condition values such as `sts:ExternalId`, tag values, Genesys
//! Cloud integration, action and credential names, servers' error messages — and any of them
//! may hold an escape sequence or a bidirectional override that rewrites what a terminal shows
//! (CWE-150). Every renderer passes such text through [`printable`] where it enters human
//! text; our own ANSI colours, added around it by [`super::styles::Styles`], are kept. JSON, SARIF,
//! ASFF and OCSF are JSON-escaped and the HTML page is HTML-escaped: none of them goes through
//! it (CONTRIBUTING.md "Renderers").

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with each control character but newline and tab (C0, DEL and C1: ESC, BEL, CR,
/// CSI `0x9b`, …) and each bidirectional formatting character (Unicode's `Bidi_Control`:
/// U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) written as Rust writes it in a
/// string, `\u{1b}`: lowercase hex, visible, one form for all. Borrowed when there is none
/// (the usual case).
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A character a terminal may act on instead of showing.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// ` (unknown)` after a finding that states an unknown (`check`'s and `audit`'s), so it never
/// reads as a failure.
pub(super) fn unknown_mark(
    outcome: lambda_trust_verdict::Outcome,
    styles: super::styles::Styles,
) -> String {
    match outcome {
        lambda_trust_verdict::Outcome::Failed | lambda_trust_verdict::Outcome::Informational => {
            String::new()
        }
        lambda_trust_verdict::Outcome::Unknown => format!(" {}", styles.yellow("(unknown)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(printable("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(printable("\u{2066}i\u{2069}"), "\\u{2066}i\\u{2069}");
        assert_eq!(printable("over\rwrite\u{7f}"), "over\\u{d}write\\u{7f}");
    }

    #[test]
    fn ordinary_text_newlines_and_tabs_are_kept_as_they_are() {
        for text in [
            "Zürich-Prod ☁ 東京",
            "line\nnext",
            "a\tb",
            "",
            "<b>&amp;</b>",
        ] {
            assert!(
                matches!(printable(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }
}
