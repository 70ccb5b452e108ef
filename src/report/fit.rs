//! A report fitted to the terminal's width: each line longer than it is broken at spaces, the
//! rest of it indented under the line's own text, so nothing breaks mid-word (an ARN or a
//! document line longer than the width stays whole). Colour codes take no width.
//!
//! Part of `report`: pure — the width is given (`Output` reads the terminal's).

/// `text` with every line at most `width` columns where its words allow.
pub(crate) fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        fit_line(body, width, &mut out);
        out.push_str(end);
    }
    out
}

/// One line: as it is when it fits, else broken at spaces, each continuation indented two
/// columns deeper than the line's text (a colour code before the indent takes no width).
fn fit_line(line: &str, width: usize, out: &mut String) {
    if console::measure_text_width(line) <= width {
        out.push_str(line);
        return;
    }
    let (lead, text) = line.split_at(lead(line));
    let indent = console::measure_text_width(lead);
    let rest = " ".repeat((indent + 2).min(width / 2));
    let wrapped = wrap(text, lead, &rest, width);
    out.push_str(wrapped.strip_suffix('\n').unwrap_or(&wrapped));
}

/// The length in bytes of `line`'s lead: its spaces and the colour codes (`ESC [ … m`, any
/// CSI sequence) among them, before its first visible character.
fn lead(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut at = 0;
    loop {
        if bytes.get(at) == Some(&b' ') {
            at += 1;
        } else if bytes[at..].starts_with(b"\x1b[") {
            // Parameters and intermediates, then one final byte in `@`..=`~`.
            match bytes[at + 2..]
                .iter()
                .position(|b| (0x40..=0x7e).contains(b))
            {
                Some(end) => at += 2 + end + 1,
                None => return at,
            }
        } else {
            return at;
        }
    }
}

/// `text`'s words in lines of at most `width` columns where the words allow (a word longer
/// than that stays whole), the first behind `first`, the rest behind `rest`; each line ends
/// with a newline.
pub(crate) fn wrap(text: &str, first: &str, rest: &str, width: usize) -> String {
    let mut out = String::new();
    let mut current = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        let used = console::measure_text_width(&current);
        if !empty && used + 1 + console::measure_text_width(word) > width {
            out.push_str(&current);
            out.push('\n');
            current = rest.to_string();
            empty = true;
        }
        if !empty {
            current.push(' ');
        }
        current.push_str(word);
        empty = false;
    }
    out.push_str(&current);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn long_lines_break_at_spaces_under_their_own_indent() {
        let text = "  PASS  path: Genesys Cloud gets through to arn:aws:lambda:us-east-1:111122223333:function:lookup-order\nshort\n";
        let fitted = fit(text, 40);
        for line in fitted.lines() {
            assert!(
                line.chars().count() <= 40 || !line.trim().contains(' '),
                "{line:?} in\n{fitted}"
            );
        }
        assert!(
            fitted.contains("\n    arn:aws:lambda:us-east-1:111122223333:function:lookup-order\n"),
            "{fitted}"
        );
        assert!(fitted.ends_with("short\n"));
        // Words are kept whole and in order.
        let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(words(&fitted), words(text));
    }

    #[test]
    fn colour_codes_take_no_width() {
        let green = "\u{1b}[32mPASS\u{1b}[0m";
        let line = format!("{green} {}", "x".repeat(35));
        assert_eq!(fit(&line, 40), line);
    }

    #[test]
    fn a_coloured_line_keeps_its_indent() {
        let dim = |t: &str| format!("\u{1b}[2m{t}\u{1b}[0m");
        let text =
            "        detail: the role's trust policy names the organization as sts:ExternalId";
        let fitted = fit(&dim(text), 40);
        let ansi = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
        let plain = ansi.replace_all(&fitted, "");
        let rows: Vec<&str> = plain.lines().collect();
        assert!(rows.len() > 2, "{plain}");
        assert!(rows[0].starts_with("        detail:"), "{plain}");
        for row in &rows[1..] {
            // The line's own 8 columns, two deeper: never at column 2.
            assert!(
                row.starts_with("          ") && !row.starts_with("           "),
                "{plain}"
            );
        }
        for row in &rows {
            assert!(row.chars().count() <= 40, "{row:?} in\n{plain}");
        }
        // Words are kept whole and in order, the colour codes as they were.
        let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(words(&plain), words(text));
        assert!(
            fitted.starts_with("\u{1b}[2m") && fitted.ends_with("\u{1b}[0m"),
            "{fitted:?}"
        );
    }
}
