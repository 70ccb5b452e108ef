//! Every help as an 80-column terminal shows it: the root's and each command's, `-h` and
//! `--help`, rendered by clap from `cli::command()` with the width fixed at 80. clap wraps
//! prose itself; a paragraph wrapped by hand at a wider width is wrapped again, and every
//! second line becomes a stub of a word or two (a "fragment"). `-h` is the short form: one line
//! per flag, the prose in `--help`.

use clap::error::ErrorKind;

const WIDTH: usize = 80;

/// A fragment is a line shorter than this that a wrap left between two lines of one block.
const FRAGMENT: usize = 24;

/// Every help: (the words typed, the text shown).
fn helps(width: usize) -> Vec<(String, String)> {
    fn walk(cmd: &clap::Command, path: &[String], width: usize, out: &mut Vec<(String, String)>) {
        for flag in ["-h", "--help"] {
            let args: Vec<String> = path.iter().cloned().chain([flag.to_owned()]).collect();
            let shown = lambda_trust::cli_command()
                .term_width(width)
                .color(clap::ColorChoice::Never)
                .try_get_matches_from(&args)
                .expect_err("help is an early exit");
            assert_eq!(shown.kind(), ErrorKind::DisplayHelp, "{args:?}");
            out.push((args.join(" "), shown.render().to_string()));
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path: Vec<String> = path
                .iter()
                .cloned()
                .chain([sub.get_name().into()])
                .collect();
            walk(sub, &path, width, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &lambda_trust::cli_command(),
        &["lambda-trust".to_owned()],
        width,
        &mut out,
    );
    out
}

fn columns(s: &str) -> usize {
    s.chars().count()
}

fn indent(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

/// What is wrong with one help at [`WIDTH`], a line each:
/// - a line longer than [`WIDTH`] columns;
/// - a fragment: a line whose text is shorter than [`FRAGMENT`] columns, after a line the wrap
///   cut (the fragment's first word would not have fit on it) and before a line of the same
///   block (not blank). clap fills each line, so a short line inside a block is the tail of a
///   line that was broken by hand after clap had already broken it — the pre-wrapped prose, or
///   a table row too wide for the terminal;
/// - under `-h`, a flag or command over more than one line: in a list (`Options:`,
///   `Commands:`, …) every line is an entry of its own, indented two columns or starting with
///   `-`.
fn problems(typed: &str, help: &str) -> Vec<String> {
    let short = typed.ends_with(" -h");
    let lines: Vec<&str> = help.lines().map(str::trim_end).collect();
    let mut found = Vec::new();
    let mut in_list = false;
    for (i, line) in lines.iter().enumerate() {
        let say = |what: &str| format!("{typed}, line {}: {what}: {line:?}", i + 1);
        if columns(line) > WIDTH {
            found.push(say(&format!("{} columns", columns(line))));
        }
        if line.is_empty() {
            in_list = false;
            continue;
        }
        let heading = indent(line) == 0;
        if heading {
            in_list = matches!(
                *line,
                "Commands:" | "Arguments:" | "Options:" | "Global options:" | "AWS access:"
            );
        }
        let entry = indent(line) == 2 || line.trim_start().starts_with('-');
        if short && in_list && !heading && !entry {
            found.push(say("a flag or command over two lines"));
        }
        let first_word = line.split_whitespace().next().unwrap_or("");
        let prev = if i == 0 { "" } else { lines[i - 1] };
        let cut = !prev.is_empty() && columns(prev) + 1 + columns(first_word) > WIDTH;
        let block_goes_on = lines.get(i + 1).is_some_and(|next| !next.is_empty());
        // A flag's entry, under a help that filled its line; prose may start with a flag too.
        let flag = indent(line) > 0 && line.trim_start().starts_with('-');
        if cut && block_goes_on && !flag && columns(line.trim()) < FRAGMENT {
            found.push(say("a fragment of a line wrapped twice"));
        }
    }
    found
}

/// The checker finds what the issue saw: a paragraph wrapped by hand at ~95 columns, wrapped
/// again at 80, and a flag's help over two lines of `-h`.
#[test]
fn the_checker_sees_fragments_and_long_lines() {
    let prewrapped = "\
Reads the account's IAM in one paginated GetAccountAuthorizationDetails pass,
then decides
offline, for each role that a principal of a partner account (or, without
--partner…, of any
other account.";
    let found = problems("lambda-trust audit --help", prewrapped);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("\"then decides\""), "{found:#?}");

    let wide = "x".repeat(81);
    assert_eq!(problems("lambda-trust --help", &wide).len(), 1);

    let flags = "\
Options:
      --adopt  Plan as if --adopt were given to apply, and more words to wrap
               it
  -h, --help   Print help";
    let found = problems("lambda-trust plan -h", flags);
    assert!(
        found.iter().any(|f| f.contains("over two lines")),
        "{found:#?}"
    );
    assert!(problems("lambda-trust plan --help", flags).is_empty());

    // Unwrapped prose that clap wrapped, and a table that fits: nothing to say.
    let fine = "\
Reads the account's IAM in one paginated GetAccountAuthorizationDetails pass,
then decides offline, for each role that a principal of a partner account can
assume.

Exit codes:
  1  error: bad input, an AWS or Genesys Cloud failure, or a refused operation;
     bad input and refusals write nothing
  2  changes pending";
    assert_eq!(problems("lambda-trust --help", fine), Vec::<String>::new());
}

/// Every help at 80 columns: no line longer, no fragment, `-h` one line per flag.
#[test]
fn every_help_reads_at_80_columns() {
    let all = helps(WIDTH);
    assert!(all.len() > 30, "{}", all.len());
    let found: Vec<String> = all
        .iter()
        .flat_map(|(typed, help)| problems(typed, help))
        .collect();
    assert!(
        found.is_empty(),
        "{} problems at {WIDTH} columns:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// `-h` is the short form: the root's and each command's fit a screen or two, and every
/// `--help` says more than its `-h`.
#[test]
fn short_help_is_short() {
    let all = helps(WIDTH);
    for pair in all.chunks(2) {
        let [(short, h), (_, long)] = pair else {
            unreachable!("-h and --help")
        };
        let (h, long) = (h.lines().count(), long.lines().count());
        assert!(h <= 70, "{short}: {h} lines");
        assert!(h < long || h < 12, "{short}: {h} lines, --help {long}");
    }
}
