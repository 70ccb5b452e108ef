//! The invocation, resolved once from the parsed flags before any command runs (ripgrep's "low-level
//! arguments → high-level arguments"): where the config comes from, the output format and the
//! colour of each stream, and the workflows' [`Settings`] (the AWS flags, the policy templates,
//! `-v`). Commands take these (or the part they need), never the raw flags.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::app::{Settings, TemplateSource};
use crate::cli::{ColorChoice, Global, ProgressChoice};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::report::{self, Format, Report, Styles, Unsupported};
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::LintFinding;

use super::discover;

/// One run's resolved arguments.
#[derive(Debug, Clone)]
pub(crate) struct Invocation {
    pub config: ConfigSource,
    pub output: Output,
    /// What every workflow takes: the AWS flags, the templates, `-v`, the one region rule.
    pub settings: Settings,
}

impl Invocation {
    /// Resolves the global flags; nothing is read yet (a config is found when a command asks
    /// for one, by its rule: [`ConfigSource`]).
    pub(crate) fn resolve(flags: &Global) -> Invocation {
        let output = Output::resolve(flags.format, flags.color)
            .with_json_progress(flags.progress == ProgressChoice::Json);
        Invocation {
            config: ConfigSource {
                given: flags.config.clone(),
                envs: flags.env.clone(),
                verbose: flags.verbose > 0,
                output,
            },
            output,
            settings: Settings::new(
                crate::app::AwsSettings {
                    profile: flags.aws.profile.clone(),
                    region: flags.aws.region.clone(),
                    endpoint_url: flags.aws.endpoint_url.clone(),
                    max_attempts: flags.aws.max_attempts,
                    timeout: flags.aws.timeout.map(std::time::Duration::from_secs),
                },
                TemplateSource {
                    dir: flags.policies.clone(),
                    allow_weaker: flags.allow_weaker_policies,
                },
                flags.verbose > 0,
            ),
        }
    }
}

/// Where a command's config comes from: `--config` (several allowed; `LAMBDA_TRUST_CONFIG`
/// is folded into it by clap, the flag winning), else discovery. Each command follows one rule,
/// the one method it calls (docs/configuration.md "Which config a command reads"):
///
/// | rule | commands | given | not given |
/// |---|---|---|---|
/// | [`one`](Self::one) | plan, apply, verify, destroy, onboard, offboard, render, lint and prove of the config | exactly one | `./lambda-trust.toml`, else the git root's |
/// | [`many`](Self::many) | check | files, directories (their `*.toml`), globs | as `one` |
/// | [`if_given`](Self::if_given) | audit (the config whose role it compares) | at most one | none: an account's audit is not about the directory it runs in |
/// | [`each_env_if_found`](Self::each_env_if_found) | watch --organization without --genesys-org-id (its environments' org IDs) | exactly one | as `one`, else none |
/// | [`to_write`](Self::to_write) | init | exactly one | `./lambda-trust.toml` (a new file belongs where it is made, never the git root's) |
/// | — | simulate, completions, man, genesys regions, lint/prove of policy files | ignored | — |
#[derive(Debug, Clone)]
pub(crate) struct ConfigSource {
    given: Vec<PathBuf>,
    /// `--env`: the environments asked for (`all`: every one).
    envs: Vec<String>,
    verbose: bool,
    /// Where `-v` says which config was found.
    output: Output,
}

impl ConfigSource {
    /// The one config file: given, or discovered.
    pub(crate) fn one_file(&self) -> Result<PathBuf> {
        let (path, found_at_git_root) = discover::config_file(&self.given)?;
        if self.verbose && found_at_git_root {
            self.output
                .say(&format!("config: {} (the git root's)", path.display()));
        }
        Ok(path)
    }

    /// The one config, and the one environment asked for (none asked: loading a config with
    /// environments names them).
    pub(crate) fn one(&self) -> Result<ConfigFile> {
        let path = self.one_file()?;
        match self.envs.as_slice() {
            [] => Ok(ConfigFile::new(path)),
            [one] if one != "all" => Ok(ConfigFile::env(path, Some(one.clone()))),
            _ => Err(Error::usage(
                "this command acts on one environment at a time",
                "pass one --env NAME; `check`, `verify`, `prove` and `lint` take several",
            )),
        }
    }

    /// The one config, in each environment asked for — every one when none is (`prove`,
    /// `lint`); the file itself when it has none.
    pub(crate) fn each_env(&self) -> Result<Vec<ConfigFile>> {
        self.envs_of(self.one_file()?)
    }

    /// `check`'s configs: each given one expanded, or the one discovered; each in every
    /// environment asked for (every one when none is).
    pub(crate) fn many(&self) -> Result<Vec<ConfigFile>> {
        let paths = match self.given.as_slice() {
            [] => vec![self.one_file()?],
            given => discover::expand_configs(given)?,
        };
        let mut out = Vec::new();
        for path in paths {
            out.extend(self.envs_of(path)?);
        }
        Ok(out)
    }

    /// The file in each environment asked for.
    fn envs_of(&self, path: PathBuf) -> Result<Vec<ConfigFile>> {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let names = lambda_trust_config::environment_names(&text);
        let all = self.envs.is_empty() || self.envs.iter().any(|e| e == "all");
        if names.is_empty() && self.envs.is_empty() {
            return Ok(vec![ConfigFile::new(path)]);
        }
        let chosen = match all {
            true => names,
            false => self.envs.clone(),
        };
        Ok((chosen.into_iter())
            .map(|env| ConfigFile::env(path.clone(), Some(env)))
            .collect())
    }

    /// The config when one is given; never discovered.
    pub(crate) fn if_given(&self) -> Result<Option<PathBuf>> {
        match self.given.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            _ => Err(Error::usage(
                "audit takes at most one --config",
                "give the config whose role the audit should compare",
            )),
        }
    }

    /// The config in each environment asked for (every one when none is), given or found;
    /// `None` when none is given and none is found (`watch --organization`: your Genesys
    /// Cloud org IDs, from its environments' external IDs).
    pub(crate) fn each_env_if_found(&self) -> Result<Option<Vec<ConfigFile>>> {
        if self.given.is_empty() && discover::config_file(&self.given).is_err() {
            return Ok(None);
        }
        self.each_env().map(Some)
    }

    /// The environment `init --env NAME` writes: one name, never `all`.
    pub(crate) fn env_to_write(&self) -> Result<Option<String>> {
        match self.envs.as_slice() {
            [] => Ok(None),
            [one] => match lambda_trust_config::InitValue::Environment(one).check() {
                Ok(()) => Ok(Some(one.clone())),
                Err(_) => Err(Error::usage(
                    format!("init --env {one:?}: not an environment name init can write"),
                    "use 1-32 letters, digits, `_` or `-`, starting with a letter (and not `all`)",
                )),
            },
            _ => Err(Error::usage(
                "init writes one environment at a time; several --env given",
                "pass one --env NAME",
            )),
        }
    }

    /// Where `init` writes: given, else `./lambda-trust.toml`.
    pub(crate) fn to_write(&self) -> Result<PathBuf> {
        match self.given.as_slice() {
            [] => Ok(PathBuf::from(discover::FILE_NAME)),
            [one] => Ok(one.clone()),
            _ => Err(Error::usage(
                "init writes one config file; several --config given",
                "pass one --config FILE",
            )),
        }
    }
}

/// The output format and the colour of each stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub format: Format,
    /// Results.
    pub stdout: Styles,
    /// Warnings, notes and errors.
    pub stderr: Styles,
    /// `--progress json`: every event one line of JSON on stderr.
    pub json_progress: bool,
    /// The terminal's width when stdout is one (`COLUMNS` wins): human reports are fitted to
    /// it; `None` (a pipe, a file) leaves them as they are.
    pub width: Option<usize>,
    /// The same for stderr's lines for people (warnings, notes, questions' preambles, the
    /// error), measured on stderr's own terminal.
    pub err_width: Option<usize>,
}

impl Output {
    /// The one colour rule, for both streams: `--color always|never` decides; `auto` colours a
    /// terminal unless `NO_COLOR` is set.
    pub(crate) fn resolve(format: Format, color: ColorChoice) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some();
        let styles = |terminal: bool| Styles {
            color: match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal && !no_color,
            },
        };
        Output {
            format,
            stdout: styles(std::io::stdout().is_terminal()),
            stderr: styles(std::io::stderr().is_terminal()),
            json_progress: false,
            width: terminal_width(&console::Term::stdout()),
            err_width: terminal_width(&console::Term::stderr()),
        }
    }

    /// With `--progress json`, stderr's events as JSON lines.
    pub(crate) fn with_json_progress(self, json_progress: bool) -> Output {
        Output {
            json_progress,
            ..self
        }
    }

    /// Tells `event` on stderr: its lines for people (none for what only a spinner shows), or
    /// with `--progress json` one line of JSON, whatever it is. The one place a run writes to
    /// stderr besides the spinners and the error `main` prints.
    pub(crate) fn event(&self, event: &Event) {
        if self.json_progress {
            eprintln!("{}", report::events::json_line(event));
            return;
        }
        for line in report::events::lines(event, self.stderr) {
            match self.err_width {
                Some(width) => eprintln!("{}", report::fit(&line, width)),
                None => eprintln!("{line}"),
            }
        }
    }

    /// Prints `result` on stdout in the chosen format (for people, fitted to the terminal).
    pub(crate) fn emit<R: Report>(&self, result: &R) -> Result<()> {
        let text = report::render(result, self.format, self.stdout).map_err(refused)?;
        match (self.format, self.width) {
            (Format::Human, Some(width)) => print!("{}", report::fit(&text, width)),
            _ => print!("{text}"),
        }
        Ok(())
    }

    /// Text for people only, before the result (the plan `apply` is about to write): printed
    /// in the human format, fitted to the terminal, left out of the machine formats.
    pub(crate) fn preview(&self, text: impl FnOnce(Styles) -> String) {
        if self.format == Format::Human {
            let text = text(self.stdout);
            match self.width {
                Some(width) => print!("{}", report::fit(&text, width)),
                None => print!("{text}"),
            }
        }
    }

    /// A question on stderr, the answer to be typed on the same line.
    pub(crate) fn prompt(&self, question: &str) {
        use std::io::Write;
        let mut stderr = std::io::stderr().lock();
        let question = match self.err_width {
            Some(width) => report::fit(question, width),
            None => question.to_owned(),
        };
        let _ = write!(stderr, "{question} ");
        let _ = stderr.flush();
    }

    /// A line on stderr a renderer or a command already wrote (the questions' preambles,
    /// what was written), said as it is.
    pub(crate) fn say(&self, line: &str) {
        self.event(&Event::Output(line.to_string()));
    }

    /// Prose on stderr: each paragraph (a line of `text`) wrapped to the terminal's width, 80
    /// columns off a terminal, with no indent (a question's explanation, an introduction).
    pub(crate) fn say_prose(&self, text: &str) {
        let width = self.err_width.unwrap_or(80);
        for paragraph in text.lines() {
            self.say_text(&crate::report::wrap(paragraph, "", "", width));
        }
    }

    /// Text on stderr as it is, its lines each said.
    pub(crate) fn say_text(&self, text: &str) {
        for line in text.lines() {
            self.say(line);
        }
    }

    /// Warnings to stderr, with their hints.
    pub(crate) fn warnings(&self, warnings: &[LintFinding]) {
        for w in warnings {
            self.warning(&w.message, w.hint.as_deref());
        }
    }

    /// A warning on stderr, with its hint.
    pub(crate) fn warning(&self, message: &str, hint: Option<&str>) {
        self.event(&Event::Warning {
            message: message.to_string(),
            hint: hint.map(str::to_string),
        });
    }
}

/// The columns of `term` when it is a terminal (`None` for a pipe or a file): `COLUMNS` when
/// set (as shells and other tools honour it), else what that terminal says — stderr's own, so
/// `apply > plan.txt` still fits what stderr shows.
fn terminal_width(term: &console::Term) -> Option<usize> {
    if !term.is_term() {
        return None;
    }
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok());
    columns
        .or_else(|| term.size_checked().map(|(_, c)| usize::from(c)))
        .filter(|w| *w >= 40)
}

/// The one refusal of a format a command does not have (before it runs, and in
/// [`Output::emit`]).
pub(super) fn refused(unsupported: Unsupported) -> Error {
    Error::usage(unsupported.to_string(), unsupported.hint())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_never_and_always_decide_both_streams() {
        let never = Output::resolve(Format::Human, ColorChoice::Never);
        assert!(!never.stdout.color && !never.stderr.color);
        let always = Output::resolve(Format::Json, ColorChoice::Always);
        assert!(always.stdout.color && always.stderr.color);
    }

    #[test]
    fn each_config_rule_says_what_it_takes() {
        let source = |given: &[&str]| ConfigSource {
            given: given.iter().map(PathBuf::from).collect(),
            envs: Vec::new(),
            verbose: false,
            output: Output::resolve(Format::Human, ColorChoice::Never),
        };
        assert_eq!(source(&[]).if_given().unwrap(), None);
        assert_eq!(
            source(&[]).to_write().unwrap(),
            PathBuf::from(discover::FILE_NAME)
        );
        assert_eq!(
            source(&["a.toml"]).one().unwrap(),
            ConfigFile::new("a.toml")
        );
        let mut two = source(&["a.toml"]);
        two.envs = vec!["dev".into(), "prod".into()];
        assert!(two.one().is_err(), "one command, one environment");
        two.envs = vec!["prod".into()];
        assert_eq!(
            two.one().unwrap(),
            ConfigFile::env("a.toml", Some("prod".into()))
        );
        assert!(source(&["a.toml", "b.toml"]).one().is_err());
        assert!(source(&["a.toml", "b.toml"]).if_given().is_err());
        assert!(source(&["a.toml", "b.toml"]).to_write().is_err());
    }
}
