//! What `terraform fmt -check` holds an HCL file to, checked line by line for the subset the
//! Terraform export writes (no terraform binary here): two spaces of indent per line that opens
//! brackets (hclwrite's indent stack: `jsonencode({` is one level, closed by one `})`);
//! no trailing white space and one final newline; and, as hclwrite's formatter lines them up,
//! each run of consecutive one-line `key = value` lines at one indent with its `=` in one column,
//! one space after the longest key, a line that opens a multi-line value (`key = {`) or any other
//! line ending the run. (Seen in the AWS provider's fmt-ed examples: `role       = …` under
//! `policy_arn = …`, and `Version = "2012-10-17"` not aligned with the `Statement = [` below it.)

/// What does not hold, one line each (empty when the text is formatted).
pub fn fmt_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !text.ends_with('\n') || text.ends_with("\n\n") {
        problems.push("the file does not end with exactly one newline".to_string());
    }
    let mut indents: Vec<i64> = Vec::new();
    let mut run: Vec<(usize, usize, usize)> = Vec::new(); // (line, key width, `=` column)
    let mut run_indent = usize::MAX;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.ends_with(' ') || line.ends_with('\t') {
            problems.push(format!("line {n}: trailing white space"));
        }
        let (opens, balance) = brackets(line);
        let indent = line.len() - line.trim_start_matches(' ').len();
        let level = indent_level(&mut indents, balance);
        if !line.trim().is_empty() && indent != 2 * level {
            problems.push(format!(
                "line {n}: indent {indent}, fmt gives {}",
                2 * level
            ));
        }
        let assign = (balance == 0 && !opens)
            .then(|| assignment(line.trim_start()))
            .flatten();
        match assign {
            Some((key, eq)) if run.is_empty() || indent == run_indent => {
                run_indent = indent;
                run.push((n, key, eq));
            }
            Some((key, eq)) => {
                close(&run, &mut problems);
                run = vec![(n, key, eq)];
                run_indent = indent;
            }
            None => {
                close(&run, &mut problems);
                run.clear();
                if let Some((_, eq)) = (balance > 0)
                    .then(|| assignment(line.trim_start()))
                    .flatten()
                {
                    let key = line.trim_start()[..eq].trim_end().len();
                    if eq != key + 1 {
                        problems.push(format!(
                            "line {n}: one space before `=` where a value opens"
                        ));
                    }
                }
            }
        }
    }
    close(&run, &mut problems);
    problems
}

/// hclwrite's indent of a line whose brackets net `balance`: a line that opens is indented at
/// the current level and pushes one level (however many it opens); a line that closes pops
/// what it closes first.
fn indent_level(indents: &mut Vec<i64>, balance: i64) -> usize {
    if balance > 0 {
        indents.push(balance);
        return indents.len() - 1;
    }
    let mut closed = -balance;
    while closed > 0 {
        let Some(top) = indents.last_mut() else { break };
        if closed >= *top {
            closed -= *top;
            indents.pop();
        } else {
            *top -= closed;
            closed = 0;
        }
    }
    indents.len()
}

/// A run's `=` all at one column: one space after its longest key.
fn close(run: &[(usize, usize, usize)], problems: &mut Vec<String>) {
    let Some(widest) = run.iter().map(|(_, key, _)| *key).max() else {
        return;
    };
    for (n, _, eq) in run {
        if *eq != widest + 1 {
            problems.push(format!(
                "line {n}: `=` at column {eq} of its text, fmt aligns it at {}",
                widest + 1
            ));
        }
    }
}

/// `key = value` (the key an identifier or a quoted string): the key's width and the offset
/// of `=` in the trimmed line; the value after one space.
fn assignment(line: &str) -> Option<(usize, usize)> {
    let key_end = if let Some(rest) = line.strip_prefix('"') {
        1 + string_end(rest)? + 1
    } else {
        line.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?
    };
    if key_end == 0 {
        return None;
    }
    let after = &line[key_end..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let rest = &after[spaces..];
    (rest.starts_with("= ") && spaces >= 1).then_some((key_end, key_end + spaces))
}

/// The index of the closing quote of a string whose opening quote came just before `s`.
fn string_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// Outside strings and comments: whether the line ends by opening a bracket, and its balance
/// (opened minus closed).
fn brackets(line: &str) -> (bool, i64) {
    let code = line.trim();
    let mut balance = 0;
    let mut last_open = false;
    let mut in_string = false;
    let mut escaped = false;
    for c in code.chars() {
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '#' => break,
            '"' => in_string = true,
            '{' | '[' | '(' => balance += 1,
            '}' | ']' | ')' => balance -= 1,
            _ => {}
        }
        if !c.is_whitespace() {
            last_open = matches!(c, '{' | '[' | '(');
        }
    }
    (last_open, balance)
}

#[cfg(test)]
mod tests {
    use super::fmt_problems;

    #[test]
    fn fmt_output_passes_and_unaligned_or_misindented_text_does_not() {
        let formatted = "resource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = aws_iam_role.role.name\n  policy_arn = aws_iam_policy.policy.arn\n}\n\nx = jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [\n    {\n      Action = \"sts:AssumeRole\"\n      Sid    = \"\"\n      Principal = {\n        Service = \"ec2.amazonaws.com\"\n      }\n    },\n  ]\n})\n";
        assert_eq!(fmt_problems(formatted), Vec::<String>::new());
        let unaligned = formatted.replace("role       =", "role =");
        assert_eq!(
            fmt_problems(&unaligned).len(),
            1,
            "{:?}",
            fmt_problems(&unaligned)
        );
        let misindented = formatted.replace("      Sid", "     Sid");
        assert!(!fmt_problems(&misindented).is_empty());
        let aligned_across_an_opening = formatted.replace("Version =", "Version   =");
        assert!(!fmt_problems(&aligned_across_an_opening).is_empty());
    }
}
