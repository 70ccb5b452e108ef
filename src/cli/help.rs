//! How the command line is shown: each command's `--help` with its own flags first, then the
//! global ones it uses, tailored (`--format` with only its formats, `--config` with its rule);
//! and parsing through that same command, so completions and man pages agree with it.

use clap::{CommandFactory, ValueEnum};

use super::tree::{Cli, Command, AWS_HEADING};
use crate::report::Format;

/// Parses the process's arguments. clap prints `--help` and usage errors itself, before the
/// flags are resolved, so `--color` is looked up in the raw arguments (up to a `--`) and handed
/// to clap: `--color never` leaves clap's output uncoloured too (`auto`: clap's own terminal
/// and `NO_COLOR` detection).
pub(crate) fn try_parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Lambda starts a custom runtime's `bootstrap` with no argument: the binary packaged as
    // `bootstrap` (`watch deploy`) is the watching function.
    let name = args
        .first()
        .map(std::path::Path::new)
        .and_then(|p| p.file_name());
    if args.len() == 1 && name.is_some_and(|n| n == "bootstrap") {
        args.extend(["watch".into(), "run".into()]);
    }
    let mut color = clap::ColorChoice::Auto;
    let words: Vec<&str> = args.iter().map(|a| a.to_str().unwrap_or("")).collect();
    for (i, word) in words.iter().enumerate().take_while(|(_, w)| **w != "--") {
        let value = match word.strip_prefix("--color") {
            Some("") => words.get(i + 1).copied(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        match value {
            Some("never") => color = clap::ColorChoice::Never,
            Some("always") => color = clap::ColorChoice::Always,
            Some("auto") => color = clap::ColorChoice::Auto,
            _ => {}
        }
    }
    let matches = command().color(color).try_get_matches_from(&args)?;
    Cli::from_arg_matches(&matches)
}

/// The command line as clap parses it and `--help`, completions and man pages show it: each
/// command's help lists its own flags first, then the global ones it uses (`--format` with
/// only the formats the command has, `--config` with the command's own rule); the globals it
/// ignores are hidden (still accepted).
///
/// clap gives a command a global flag only when it has none of that name, so each command gets
/// its own copy of each global, tailored, before clap propagates the rest.
pub fn command() -> clap::Command {
    let cmd = with_short_after_help(Cli::command());
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    let cmd = names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| {
            globals
                .iter()
                .fold(sub, |sub, arg| sub.arg(tailored(name, arg.clone())))
        })
    });
    guardrail_formats(cmd, &globals)
}

/// `guardrail`'s commands, each with `--format` as it has it: `export` writes Terraform and
/// CloudFormation, the others only data.
fn guardrail_formats(cmd: clap::Command, globals: &[clap::Arg]) -> clap::Command {
    let Some(format) = globals.iter().find(|a| a.get_id() == "format") else {
        return cmd;
    };
    cmd.mut_subcommand("guardrail", |g| {
        let subs: Vec<String> = g
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        subs.iter().fold(g, |g, sub| {
            let name = format!("guardrail {sub}");
            g.mut_subcommand(sub, |c| c.arg(tailored(&name, format.clone())))
        })
    })
}

/// `cmd` and its subcommands, each showing under `-h` only the examples of what `--help` shows
/// after the flags (`after_long_help`): the prose stays in `--help`.
fn with_short_after_help(cmd: clap::Command) -> clap::Command {
    let examples = cmd
        .get_after_long_help()
        .and_then(|text| examples(&text.to_string()));
    let cmd = match examples {
        Some(examples) if cmd.get_after_help().is_none() => cmd.after_help(examples),
        _ => cmd,
    };
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, with_short_after_help)
    })
}

/// The example blocks of a help text: each line starting `Example` or `Typical session` and
/// the indented lines under it.
fn examples(text: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("Example") || line.starts_with("Typical session") {
            if !out.is_empty() {
                out.push("");
            }
            out.push(line);
            inside = true;
        } else if inside && line.starts_with("  ") {
            out.push(line);
        } else {
            inside = false;
        }
    }
    (!out.is_empty()).then(|| out.join("\n"))
}

/// The global `arg` as the command `name` shows it.
fn tailored(name: &str, arg: clap::Arg) -> clap::Arg {
    let offline = matches!(
        name,
        "render" | "lint" | "simulate" | "prove" | "completions" | "man" | "genesys"
    );
    let no_config = matches!(name, "simulate" | "completions" | "man" | "genesys");
    let id = arg.get_id().as_str().to_owned();
    match id.as_str() {
        "format" => {
            // The others stay accepted, hidden, so that the one refusal (`report::Unsupported`)
            // says which commands have them.
            use clap::builder::TypedValueParser;
            let formats = Command::formats_named(name);
            let values = Format::value_variants()
                .iter()
                .filter_map(|f| f.to_possible_value().map(|v| v.hide(!formats.contains(f))));
            let parser = clap::builder::PossibleValuesParser::new(values)
                .map(|v| Format::from_str(&v, false).expect("a possible value names a format"));
            // clap would add `[default: human] [possible values: …]` to `-h`'s line too, past
            // 80 columns: the line names them, `--help` says them as clap would.
            let names: Vec<String> = formats
                .iter()
                .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_owned()))
                .collect();
            let short = match names.split_last() {
                Some((last, [])) => format!("Output as {last}"),
                // Within the 80 columns beside the flag, else the shorter phrase.
                Some((last, rest)) => match format!("{} or {last}", rest.join(", ")) {
                    list if list.len() <= 38 => format!("Output as {list}"),
                    list => format!("Format: {list}"),
                },
                None => "The output format".to_owned(),
            };
            let long = format!(
                "The format of the results on stdout.\n\n[default: human] [possible values: {}]",
                names.join(", ")
            );
            arg.value_parser(parser)
                .hide(formats.len() < 2)
                .help(short)
                .long_help(long)
        }
        "config" if no_config => arg.hide(true),
        "config" => {
            let (short, long) = config_help(name);
            arg.help(short).long_help(long)
        }
        // The guardrail reads a config for its org IDs alone, never its templates.
        "policies" | "allow_weaker_policies" => {
            arg.hide(no_config || matches!(name, "init" | "guardrail"))
        }
        _ if arg.get_help_heading() == Some(AWS_HEADING) => arg.hide(offline),
        _ => arg,
    }
}

/// `--config` as the command `name` reads it (`commands::ConfigSource`'s rules): `-h`'s line
/// and `--help`'s paragraph.
fn config_help(name: &str) -> (&'static str, &'static str) {
    match name {
        "check" => (
            "The configs: files, directories or globs",
            "The configuration files: repeat the flag, or give a directory (its *.toml) or a \
             quoted glob such as 'configs/*.toml' [default: ./lambda-trust.toml, else the one at \
             the git root; also LAMBDA_TRUST_CONFIG]",
        ),
        "init" => (
            "The file to write [default: ./lambda-trust.toml]",
            "Where to write the configuration [default: ./lambda-trust.toml; also \
             LAMBDA_TRUST_CONFIG]",
        ),
        "audit" => (
            "A config whose role to compare",
            "A configuration whose role the audit compares with the account's (read only when \
             given; also LAMBDA_TRUST_CONFIG)",
        ),
        _ => (
            "The config [default: ./lambda-trust.toml]",
            "The configuration file [default: ./lambda-trust.toml, else the one at the git root; \
             also LAMBDA_TRUST_CONFIG]",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;
    use clap::Parser;

    /// What a command accepts by its flags (`Command::formats`) is what its `--help` offers
    /// (`Command::formats_named`), summed over its flags.
    #[test]
    fn help_offers_exactly_the_formats_a_command_accepts() {
        let runs: &[&[&str]] = &[
            &["init"],
            &["render"],
            &["lint"],
            &[
                "simulate",
                "--principal",
                "*",
                "--action",
                "a",
                "--resource",
                "r",
            ],
            &["prove"],
            &["plan"],
            &["apply"],
            &["verify"],
            &["check"],
            &["audit"],
            &["audit", "--organization", "--assume-role", "R"],
            &["audit", "--template", "t.yaml"],
            &["onboard", "f"],
            &["offboard", "f"],
            &["destroy"],
            &["org-policies", "--account-id", "111122223333", "--out", "d"],
            &["completions", "bash"],
            &["man"],
            &["genesys", "regions"],
            &["ids"],
            &["diff"],
            &["export", "terraform"],
            &["watch", "status"],
            &["guardrail", "plan", "--genesys-org-id", GUARDRAIL_ORG],
            &["guardrail", "export", "--genesys-org-id", GUARDRAIL_ORG],
        ];
        const GUARDRAIL_ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
        let mut by_name: std::collections::BTreeMap<&str, Vec<Format>> = Default::default();
        for args in runs {
            let cli =
                Cli::try_parse_from(std::iter::once("lambda-trust").chain(args.iter().copied()))
                    .unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(cli.command.name(), args[0], "the name clap knows");
            by_name
                .entry(args[0])
                .or_default()
                .extend(cli.command.formats());
        }
        for sub in command().get_subcommands() {
            let name = sub.get_name();
            let mut accepted = by_name
                .remove(name)
                .unwrap_or_else(|| panic!("{name} not run"));
            accepted.sort_by_key(|f| *f as u8);
            accepted.dedup();
            assert_eq!(accepted, Command::formats_named(name), "{name}");
        }
    }
}
