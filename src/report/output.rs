//! One printer. Every command's result implements [`Report`] (human and JSON, and SARIF,
//! GitHub annotations or HTML where it has them); [`render`] holds the only `match` on the
//! output format, and a format a result does not have is one typed refusal, [`Unsupported`],
//! given before the command runs (`Command::formats` lists each command's
//! [`Report::FORMATS`]).
//!
//! A new output format: a variant of [`Format`]; the compiler then asks for its arm in
//! [`render`] and its wording in [`Unsupported`]; each result that has it gives a method.

use std::fmt;

use super::styles::Styles;

/// The output format of results on stdout (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 (`check` and `audit`), for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow annotations (`check` only).
    Github,
    /// One self-contained HTML page (`audit` only).
    Html,
    /// AWS Security Finding Format, what Security Hub CSPM imports (`audit` only).
    Asff,
    /// OCSF Detection Findings (`audit` only).
    Ocsf,
    /// An Archy options file's `substitutions:` (`ids` only).
    Archy,
    /// A `substitutions` map for Terraform's `genesyscloud_flow` (`ids`), or the guardrail
    /// as Terraform (`guardrail export`).
    Terraform,
    /// The guardrail as a CloudFormation template (`guardrail export` only).
    Cloudformation,
}

impl Format {
    /// The name `--format` takes.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Html => "html",
            Format::Asff => "asff",
            Format::Ocsf => "ocsf",
            Format::Archy => "archy",
            Format::Terraform => "terraform",
            Format::Cloudformation => "cloudformation",
        }
    }
}

/// Human and JSON: the formats of most results.
pub(crate) const HUMAN_JSON: &[Format] = &[Format::Human, Format::Json];

/// A command's result, in each output format it has.
pub(crate) trait Report {
    /// The formats this result has; [`render`] refuses the others.
    const FORMATS: &'static [Format] = HUMAN_JSON;
    /// Text for people, ending with its newline (empty when there is nothing to say).
    fn human(&self, styles: Styles) -> String;
    /// The JSON document (the `--format json` shape, with `schema_version`), without newline.
    fn json(&self) -> String;
    /// The SARIF log, without newline.
    fn sarif(&self) -> Option<String> {
        None
    }
    /// GitHub Actions workflow commands, one per line.
    fn github(&self) -> Option<String> {
        None
    }
    /// The self-contained HTML page.
    fn html(&self) -> Option<String> {
        None
    }
    /// The ASFF findings, a JSON array, without newline.
    fn asff(&self) -> Option<String> {
        None
    }
    /// The OCSF events, a JSON array, without newline.
    fn ocsf(&self) -> Option<String> {
        None
    }
    /// An Archy options file (YAML), ending with its newline.
    fn archy(&self) -> Option<String> {
        None
    }
    /// Terraform (HCL), ending with its newline.
    fn terraform(&self) -> Option<String> {
        None
    }
    /// A CloudFormation template, ending with its newline.
    fn cloudformation(&self) -> Option<String> {
        None
    }
}

/// The text to print on stdout for `result` in `format`.
pub(crate) fn render<R: Report>(
    result: &R,
    format: Format,
    styles: Styles,
) -> Result<String, Unsupported> {
    accepts(R::FORMATS, format)?;
    let text = match format {
        Format::Human => Some(result.human(styles)),
        Format::Json => Some(format!("{}\n", result.json())),
        Format::Sarif => result.sarif().map(|s| format!("{s}\n")),
        Format::Github => result.github(),
        Format::Html => result.html(),
        Format::Asff => result.asff().map(|s| format!("{s}\n")),
        Format::Ocsf => result.ocsf().map(|s| format!("{s}\n")),
        Format::Archy => result.archy(),
        Format::Terraform => result.terraform(),
        Format::Cloudformation => result.cloudformation(),
    };
    text.ok_or(Unsupported {
        format,
        formats: R::FORMATS,
    })
}

/// Refuses a format that is not among `formats`.
pub(crate) fn accepts(formats: &'static [Format], format: Format) -> Result<(), Unsupported> {
    if formats.contains(&format) {
        Ok(())
    } else {
        Err(Unsupported { format, formats })
    }
}

/// `--format` asked for an output the command does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported {
    pub format: Format,
    /// The formats the command has.
    pub formats: &'static [Format],
}

impl Unsupported {
    /// What to pass instead: the formats the command has.
    pub(crate) fn hint(&self) -> String {
        let names: Vec<&str> = self.formats.iter().map(|f| f.name()).collect();
        match names.as_slice() {
            [] | [_] => format!("drop --format {}", self.format.name()),
            [first @ .., last] => format!("use --format {} or {last}", first.join(", ")),
        }
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format {
            Format::Human | Format::Json => write!(
                f,
                "--format {} does not apply: completions and man pages are text",
                self.format.name()
            ),
            Format::Sarif => f.write_str("--format sarif is only for `check` and `audit`"),
            Format::Github => f.write_str("--format github is only for `check`"),
            Format::Html => f.write_str(
                "--format html is only for `audit` (of an account, an organization or an --input file)",
            ),
            Format::Asff | Format::Ocsf => write!(
                f,
                "--format {} is only for `audit` (of an account, an organization or an --input file)",
                self.format.name()
            ),
            Format::Archy => f.write_str("--format archy is only for `ids`"),
            Format::Terraform => {
                f.write_str("--format terraform is only for `ids` and `guardrail export`")
            }
            Format::Cloudformation => {
                f.write_str("--format cloudformation is only for `guardrail export`")
            }
        }
    }
}

impl std::error::Error for Unsupported {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;

    impl Report for Plain {
        fn human(&self, _: Styles) -> String {
            "text\n".to_owned()
        }
        fn json(&self) -> String {
            "{}".to_owned()
        }
    }

    #[test]
    fn each_format_is_printed_or_refused_by_the_one_match() {
        let plain = Styles { color: false };
        assert_eq!(render(&Plain, Format::Human, plain).unwrap(), "text\n");
        assert_eq!(render(&Plain, Format::Json, plain).unwrap(), "{}\n");
        for format in [
            Format::Sarif,
            Format::Github,
            Format::Html,
            Format::Asff,
            Format::Ocsf,
        ] {
            let refused = render(&Plain, format, plain).unwrap_err();
            assert_eq!(refused.format, format);
            assert_eq!(refused.hint(), "use --format human or json");
        }
        let github = accepts(&[Format::Human], Format::Github).unwrap_err();
        assert_eq!(github.to_string(), "--format github is only for `check`");
        let json = accepts(&[Format::Human], Format::Json).unwrap_err();
        assert_eq!(json.hint(), "drop --format json");
    }
}
