//! A report fitted to the terminal's width: each line longer than it is broken at spaces, the
//! rest of it indented under the line's own text. A word longer than the width stays whole
//! when it is an identifier to copy (an ARN, quoted or not); a JSON object or array (bare or
//! a quoted template) or a diff's document line is cut under its indent, never past the
//! width, where the terminal would carry it to column 0. Colour codes take no width.
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
    let wrapped = match diff_hang(text) {
        // A diff's line: its rest stays right of the `+`/`-` column, under the document's
        // own indent, a word too long for what is left broken there — never past the width,
        // where the terminal would carry it to column 0.
        Some(hang) => {
            let rest = " ".repeat((indent + hang + 2).min(width.saturating_sub(16)));
            let room = width.saturating_sub(rest.len()).max(8);
            wrap(&break_long_words(text, room, |_| true), lead, &rest, width)
        }
        None => {
            let rest = " ".repeat((indent + 2).min(width / 2));
            let room = width.saturating_sub(rest.len()).max(8);
            wrap(&break_long_words(text, room, is_json), lead, &rest, width)
        }
    };
    out.push_str(wrapped.strip_suffix('\n').unwrap_or(&wrapped));
}

/// The columns of a diff line's marker (`+ `, `- `) and the document's indent after it.
fn diff_hang(text: &str) -> Option<usize> {
    let rest = text
        .strip_prefix("+ ")
        .or_else(|| text.strip_prefix("- "))?;
    Some(2 + rest.len() - rest.trim_start_matches(' ').len())
}

/// Whether `word` is (the start of) a JSON object or array, bare or as a quoted string (a
/// template), after any colour codes: a quoted ARN is an identifier, and stays whole.
fn is_json(word: &str) -> bool {
    let plain = console::strip_ansi_codes(word);
    let inner = plain.strip_prefix('"').unwrap_or(&plain);
    inner.starts_with(['{', '['])
}

/// `text` with each word longer than `room` columns that `cut` picks cut into pieces of
/// `room` (colour codes kept whole, taking no width), the pieces separated by spaces for
/// [`wrap`] to break at.
fn break_long_words(text: &str, room: usize, cut: impl Fn(&str) -> bool) -> String {
    let words = text.split(' ').map(|word| {
        if console::measure_text_width(word) <= room || !cut(word) {
            return word.to_owned();
        }
        let (mut out, mut used) = (String::new(), 0);
        let mut chars = word.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                out.push(c);
                // A CSI sequence: to its final byte, whole.
                for c in chars.by_ref() {
                    out.push(c);
                    if ('@'..='~').contains(&c) && c != '[' {
                        break;
                    }
                }
                continue;
            }
            if used == room {
                out.push(' ');
                used = 0;
            }
            out.push(c);
            used += 1;
        }
        out
    });
    words.collect::<Vec<_>>().join(" ")
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

/// The width reports are written for: a terminal's 80 columns.
pub(crate) const WIDTH: usize = 80;

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

    /// A diff's line longer than the width: its rest stays right of the `+` column, under
    /// the document's indent, and a word too long for what is left is cut there — never past
    /// the width, which the terminal would carry to column 0.
    #[test]
    fn a_diff_line_stays_right_of_its_marker_and_within_the_width() {
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:an-uncommonly-long-function-name";
        let line = format!("\u{1b}[32m              +       \"Resource\": \"{arn}\"\u{1b}[0m");
        let fitted = fit(&line, 80);
        let ansi = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
        let plain = ansi.replace_all(&fitted, "");
        let rows: Vec<&str> = plain.lines().collect();
        assert!(rows.len() > 1, "{plain}");
        assert!(
            rows[0].starts_with("              +       \"Resource\":"),
            "{plain}"
        );
        for row in &rows {
            assert!(row.chars().count() <= 80, "{row:?} in\n{plain}");
        }
        for row in &rows[1..] {
            // Right of the `+` (column 14), under the document's indent.
            assert!(row.starts_with(&" ".repeat(22)), "{plain}");
        }
        let joined: String = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().join("");
        assert!(joined.contains(&arn.replace(' ', "")), "{plain}");
        assert!(fitted.ends_with("\u{1b}[0m"), "{fitted:?}");
    }

    /// A JSON value longer than the width on a line that is no diff (a Genesys Cloud action's
    /// compact template, `expected …, actual …`) is cut under the line's indent, never past the
    /// width; an ARN on the same line stays whole, quoted or not.
    #[test]
    fn a_long_json_value_is_cut_under_its_indent_and_an_arn_stays_whole() {
        let json = r#""{\"customerId\":\"${input.customerId}\",\"orderNumbers\":${input.orderNumbers},\"includeHistory\":true,\"region\":\"eu-west-1\"}""#;
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:an-uncommonly-long-function-name-for-a-lookup";
        let line = format!(
            "            expected \"${{input.rawRequest}}\", actual {json} by {arn} in \"{arn}\""
        );
        let fitted = fit(&line, 80);
        let rows: Vec<&str> = fitted.lines().collect();
        let whole = |row: &str| row.trim().trim_start_matches("in ").trim_matches('"') == arn;
        for row in &rows {
            assert!(
                row.chars().count() <= 80 || whole(row),
                "{row:?} in\n{fitted}"
            );
        }
        for row in &rows[1..] {
            assert!(row.starts_with(&" ".repeat(14)), "{fitted}");
        }
        let joined: String = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().concat();
        assert!(joined.contains(&json.replace(' ', "")), "{fitted}");
        assert!(rows.iter().any(|r| r.trim() == arn), "{fitted}");
        assert!(fitted.contains(&format!("\"{arn}\"")), "{fitted}");
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
