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
/// columns deeper than the line.
fn fit_line(line: &str, width: usize, out: &mut String) {
    if console::measure_text_width(line) <= width {
        out.push_str(line);
        return;
    }
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = " ".repeat((indent + 2).min(width / 2));
    let wrapped = wrap(&line[indent..], &line[..indent], &rest, width);
    out.push_str(wrapped.strip_suffix('\n').unwrap_or(&wrapped));
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
}
