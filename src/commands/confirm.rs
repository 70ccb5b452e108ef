//! The one question before writes: asked whenever stdin is a terminal — whatever stdout and
//! stderr are (`apply 2>&1 | tee apply.log` on a terminal still asks) — and answered by a line:
//! only `yes` and Enter writes, as `terraform apply` asks. Without a terminal on stdin (CI, a
//! script) one line is read all the same: `yes` writes; anything else, or no line at all,
//! writes nothing and is an error naming `--yes` (as `terraform apply` needs `-auto-approve`).

use std::io::{BufRead, IsTerminal};

use super::invocation::Invocation;
use crate::error::{Error, Result};
use crate::report::{self, Format};
use lambda_trust_provision::ChangeSet;

/// Whether the writes of `set` may go ahead: with `--yes`, or nothing to write, at once; on a
/// terminal, when the question is answered `yes` (`Ok(false)`: declined); off a terminal, when
/// the one line piped in is `yes` — else an error naming `--yes`, nothing written.
pub(super) fn approved(inv: &Invocation, set: &ChangeSet, yes: bool) -> Result<bool> {
    if yes || set.planned_writes() == 0 {
        return Ok(true);
    }
    if can_answer() {
        return Ok(confirmed(inv, set));
    }
    piped_yes(std::io::stdin().lock())
}

/// Off a terminal, the one line piped in: `yes` writes; anything else is an error naming what
/// it got (`yes |` sends `y`) and `--yes`.
fn piped_yes(input: impl BufRead) -> Result<bool> {
    match answer(input) {
        Answer::Yes => Ok(true),
        Answer::Other(got) => {
            let got = match got.as_str() {
                "" => "no line".to_owned(),
                line => format!("{:?}", crate::report::printable(line)),
            };
            Err(Error::usage(
                format!(
                    "nothing written: writes need a `yes` line, and standard input is not a \
                     terminal and gave {got}"
                ),
                "pass --yes to write without asking (as terraform apply -auto-approve), or \
                 pipe the whole word: echo yes | lambda-trust … (`yes |` sends `y`)",
            ))
        }
    }
}

/// [`approved`] for writes that are not a change set (`watch deploy|destroy`): `lines` are
/// shown on stderr before the question.
pub(super) fn approved_lines(
    inv: &Invocation,
    lines: &[String],
    question: &str,
    yes: bool,
) -> Result<bool> {
    if yes || lines.is_empty() {
        return Ok(true);
    }
    inv.output.say_text(&lines.join("\n"));
    if can_answer() {
        return Ok(asked(inv, question));
    }
    piped_yes(std::io::stdin().lock())
}

/// Someone can answer: stdin is a terminal.
fn can_answer() -> bool {
    std::io::stdin().is_terminal()
}

/// Shows the change set when stdout carries a machine format (the plan asked about is then not
/// on the terminal otherwise), names the deletions, asks, and reads one line: only `yes` writes.
fn confirmed(inv: &Invocation, set: &ChangeSet) -> bool {
    let styles = inv.output.stderr;
    if inv.output.format != Format::Human {
        inv.output.say_text(&report::change_set_human(set, styles));
    }
    let asked = report::apply_question(set);
    if let Some(warning) = &asked.warning {
        inv.output.warning(warning, None);
    }
    self::asked(inv, &asked.question)
}

/// The question, in the one wording every command asks it (as `terraform apply` does), and its
/// answer: only a `yes` line writes.
fn asked(inv: &Invocation, question: &str) -> bool {
    inv.output.prompt(&format!(
        "{question} Only 'yes' will be accepted. Enter a value:"
    ));
    is_yes(std::io::stdin().lock())
}

/// One line of answer.
enum Answer {
    Yes,
    /// Anything else: the line (trimmed; empty for an empty line, end of input or an error).
    Other(String),
}

/// The answer read as one line: `yes` (surrounding blanks aside); anything else — `y`, an empty
/// line, end of input, an error — is no.
fn answer(mut input: impl BufRead) -> Answer {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(n) if n > 0 && line.trim() == "yes" => Answer::Yes,
        Ok(_) => Answer::Other(line.trim().to_owned()),
        Err(_) => Answer::Other(String::new()),
    }
}

fn is_yes(input: impl BufRead) -> bool {
    matches!(answer(input), Answer::Yes)
}

#[cfg(test)]
mod tests {
    use super::{is_yes, piped_yes};

    #[test]
    fn only_a_yes_line_says_yes() {
        assert!(is_yes(&b"yes\n"[..]));
        assert!(is_yes(&b"  yes  \r\n"[..]));
        for no in ["y\n", "Y\n", "yes please\n", "\n", "", "no\n", "YES\n"] {
            assert!(!is_yes(no.as_bytes()), "{no:?}");
        }
        // `y` alone never writes, and the rest of the line is consumed, not left for the shell.
        let mut input = &b"y\nes\n"[..];
        assert!(!is_yes(&mut input));
        assert_eq!(input, b"es\n");
    }

    #[test]
    fn a_piped_answer_other_than_yes_is_refused_naming_what_it_got() {
        assert!(piped_yes(&b"yes\n"[..]).unwrap());
        let e = piped_yes(&b"y\n"[..]).unwrap_err().to_string();
        assert!(e.contains("gave \"y\""), "{e}");
        let e = piped_yes(&b""[..]).unwrap_err().to_string();
        assert!(e.contains("gave no line"), "{e}");
    }
}
