//! ANSI colour on one stream, or none: every renderer paints through [`Styles`].

use owo_colors::OwoColorize;

/// Whether to emit ANSI colour on one stream (decided once, `commands::Output::resolve`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Styles {
    pub color: bool,
}

impl Styles {
    fn paint(&self, s: &str, f: impl Fn(&str) -> String) -> String {
        if self.color {
            f(s)
        } else {
            s.to_string()
        }
    }
    pub(crate) fn green(&self, s: &str) -> String {
        self.paint(s, |s| s.green().to_string())
    }
    pub(crate) fn red(&self, s: &str) -> String {
        self.paint(s, |s| s.red().to_string())
    }
    pub(crate) fn yellow(&self, s: &str) -> String {
        self.paint(s, |s| s.yellow().to_string())
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.paint(s, |s| s.bold().to_string())
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.paint(s, |s| s.dimmed().to_string())
    }
    pub(crate) fn cyan(&self, s: &str) -> String {
        self.paint(s, |s| s.cyan().to_string())
    }
}
