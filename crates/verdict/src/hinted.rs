//! An error as users read it: its message, its causes and what they can do about it; a
//! [`Problem`] is the two apart, as data.

/// An error that may say what the user can do: the hint, as data (printed as a last line
/// `(hint: …)`, and as `hint` in the JSON error). No default: every error type decides, and
/// keeps the hint out of its message.
pub trait Hinted {
    /// What the user can do about it, when something can be said.
    fn hint(&self) -> Option<String>;

    /// The message without the hint, for a type whose `Display` shows its hint too (for
    /// callers that print it alone); `None`: the `Display` is the message.
    fn message(&self) -> Option<String> {
        None
    }
}

/// What is wrong and what the user can do about it, apart: a rule a value breaks, a side that
/// could not be read, a file that cannot be used. Its `Display` is the message alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, naming the value (with its causes, when it has them).
    pub message: String,
    /// What the user can do, when something can be said.
    pub hint: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Hinted for Problem {
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

impl From<String> for Problem {
    /// A message with no hint.
    fn from(message: String) -> Self {
        Problem {
            message,
            hint: None,
        }
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Self {
        Problem::from(message.to_owned())
    }
}

/// An error as users read it: its message, then each cause after `: `, then the hint on a
/// last line `(hint: …)`.
pub fn shown<E: std::error::Error + Hinted>(e: &E) -> String {
    let message = e.message().unwrap_or_else(|| e.to_string());
    with_causes(message, e.source(), e.hint())
}

/// `message`, each cause after `: `, then the hint on a last line.
fn with_causes(
    message: String,
    source: Option<&(dyn std::error::Error + 'static)>,
    hint: Option<String>,
) -> String {
    let mut out = message;
    let mut next = source;
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    if let Some(hint) = hint {
        out.push_str("\n(hint: ");
        out.push_str(&hint);
        out.push(')');
    }
    out
}
