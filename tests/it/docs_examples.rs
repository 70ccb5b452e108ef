//! The shell examples of the docs — README.md and every page of the book under docs/ — and of
//! each command's `--help` (the `Example:` and `Examples:` blocks, and the root's typical
//! session): found (continuation lines joined,
//! output left out), short enough for an 80-column terminal, and run as written against the
//! local servers, each exiting as the docs say. A block's examples run in order in one
//! directory prepared as the docs assume (`support::examples`: the config the quick start's
//! `init` writes, the files the examples name, the functions in moto), one moto per block.
//! [`EXCEPTIONS`] lists the ones that cannot run here, with the reason.

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Examples that cannot run here, by their command (comments dropped, spaces collapsed), with
/// the reason. The rest of their block still runs.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "lambda-trust org-policies --account-id 111122223333 --out org/ --profile management",
        "names a member account of a real organization (the local AWS numbers its members itself); tests/it/live_org_policies.rs runs it against one",
    ),
    (
        "just demo",
        "builds and runs the whole demo (scripts/demo.sh); live_trail::the_demo_runs_and_names_who_tampered runs the script",
    ),
    (
        "just demo-organization",
        "builds and runs the organization watch's demo (scripts/demo_organization.sh); live_org_watch_demo runs the script",
    ),
    (
        "just demo-guardrail",
        "builds and runs the guardrail's demo (scripts/demo_guardrail.sh); live_guardrail runs the script",
    ),
    ("just test", "runs this very test suite"),
    (
        "lambda-trust init",
        "asks on a terminal; tests/it/cli_ux.rs answers it on a pseudo-terminal",
    ),
    (
        "cargo install --locked --path .",
        "a release build of the whole crate (many minutes)",
    ),
    (
        "lambda-trust completions zsh > \"${fpath[1]}/_lambda-trust\"",
        "zsh syntax ($fpath); `completions zsh` itself runs in tests/it/cli_ux.rs",
    ),
    (
        "lambda-trust completions powershell >> $PROFILE",
        "PowerShell syntax ($PROFILE); `completions powershell` itself runs in tests/it/cli_ux.rs",
    ),
    (
        "terraform plan -out=tfplan && terraform show -json tfplan > plan.json",
        "needs a Terraform configuration initialised with the AWS provider (downloaded from the registry) and AWS credentials; the fixture's plan.json stands in for its output",
    ),
    (
        "aws iam get-account-authorization-details > gaad.json",
        "needs the AWS CLI, which the project does not install; the fixture's gaad.json is that call's answer from moto",
    ),
];

/// One example: where it is, and the command as written (continuation lines joined).
#[derive(Debug, Clone)]
struct Example {
    place: String,
    /// The block it is in (a page: its path and the line of its opening fence; `--help`: the
    /// command):
    /// a block's examples run in order, in one directory.
    block: String,
    command: String,
}

/// The command without its trailing comment, spaces collapsed: the key of [`EXCEPTIONS`].
fn key(command: &str) -> String {
    let code = match command.find(" #") {
        Some(i) => &command[..i],
        None => command,
    };
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Joins `\`-continued lines: each item is (first line's index, whole command).
fn joined<'a>(lines: impl Iterator<Item = (usize, &'a str)>) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (n, line) in lines {
        if open {
            let last = out.last_mut().expect("an open command");
            last.1.push(' ');
            last.1
                .push_str(line.trim().trim_end_matches('\\').trim_end());
        } else {
            out.push((n, line.trim_end_matches('\\').trim_end().to_owned()));
        }
        open = line.trim_end().ends_with('\\');
    }
    out
}

/// A line of a docs shell block that is a command, not output shown after one: output is
/// indented, starts with a symbol (`✓`, `✗`, `…`), or is one of the report's unindented
/// first words.
fn is_command(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    let output_words = ["account", "role", "Plan:", "verify:"];
    !line.is_empty()
        && !line.starts_with([' ', '#'])
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && !output_words.contains(&first)
}

/// The pages whose shell blocks are examples: README.md, then every `.md` under docs/ (sorted).
fn doc_pages() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                let rel = path.strip_prefix(ROOT).unwrap().to_str().unwrap();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    let mut pages = Vec::new();
    walk(&std::path::Path::new(ROOT).join("docs"), &mut pages);
    pages.sort();
    pages.insert(0, "README.md".to_owned());
    pages
}

/// Every shell example of the docs ([`doc_pages`]), in page order.
fn docs_examples() -> Vec<Example> {
    doc_pages()
        .iter()
        .flat_map(|page| page_examples(page))
        .collect()
}

/// The examples of one page's ```` ```sh ```` blocks (also `bash`, `shell`).
fn page_examples(page: &str) -> Vec<Example> {
    let text = std::fs::read_to_string(format!("{ROOT}/{page}")).unwrap();
    let mut examples = Vec::new();
    let mut block: Option<Vec<(usize, &str)>> = None;
    let mut fence = 0;
    for (i, line) in text.lines().enumerate() {
        match (&mut block, line.trim_end()) {
            (None, "```sh" | "```bash" | "```shell") => {
                block = Some(Vec::new());
                fence = i + 1;
            }
            (Some(lines), "```") => {
                for (n, command) in joined(lines.iter().copied()) {
                    if is_command(&command) {
                        examples.push(Example {
                            place: format!("{page}:{}", n + 1),
                            block: format!("{page}:{fence}"),
                            command,
                        });
                    }
                }
                block = None;
            }
            (Some(lines), _) => lines.push((i, line)),
            (None, _) => {}
        }
    }
    examples
}

/// The examples of one command's `after_help`: the indented lines under a line starting
/// `Example` or `Typical session`, up to a blank or unindented line.
fn help_block_examples(path: &str, help: &str) -> Vec<Example> {
    let mut lines = Vec::new();
    let mut inside = false;
    for (i, line) in help.lines().enumerate() {
        if line.starts_with("Example") || line.starts_with("Typical session") {
            inside = true;
        } else if inside && line.starts_with("  ") {
            lines.push((i, line.trim_start()));
        } else {
            inside = false;
        }
    }
    joined(lines.into_iter())
        .into_iter()
        .filter(|(_, c)| !c.starts_with('#'))
        .map(|(_, command)| Example {
            place: format!("`{path} --help`"),
            block: format!("`{path} --help`"),
            command,
        })
        .collect()
}

fn help_examples() -> Vec<Example> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<Example>) {
        if let Some(help) = cmd.get_after_help() {
            out.extend(help_block_examples(path, &help.to_string()));
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(&lambda_trust::cli_command(), "lambda-trust", &mut out);
    out
}

/// Every example: the docs', then each `--help`'s.
fn all_examples() -> Vec<Example> {
    let mut all = docs_examples();
    all.extend(help_examples());
    all
}

/// The extraction itself: it finds the blocks, joins continuations and leaves output out.
#[test]
fn examples_are_found_in_the_docs_and_in_every_help() {
    let docs = docs_examples();
    let commands: Vec<&str> = docs.iter().map(|e| e.command.as_str()).collect();
    assert!(
        commands.contains(&"lambda-trust apply    # shows the plan for AWS (and Genesys Cloud with [genesys]) and asks first"),
        "{commands:#?}"
    );
    assert!(
        commands.iter().any(|c| c.starts_with(
            "lambda-trust simulate --trust-policy trust.json --principal arn:aws:iam::765628985471:root"
        ) && c.ends_with("--context sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10")),
        "continuations are joined: {commands:#?}"
    );
    assert!(
        !commands
            .iter()
            .any(|c| c.contains("PASS") || c.starts_with("account ")),
        "output is not an example: {commands:#?}"
    );
    let help = help_examples();
    for place in [
        "`lambda-trust --help`",
        "`lambda-trust init --help`",
        "`lambda-trust audit --help`",
        "`lambda-trust genesys regions --help`",
    ] {
        assert!(
            help.iter().any(|e| e.place == place),
            "no example from {place}"
        );
    }
    // The quick start stays in the README; the rest is found in the book's pages.
    let place = |command: &str| {
        docs.iter()
            .find(|e| e.command.starts_with(command))
            .map(|e| e.place.split(':').next().unwrap().to_owned())
    };
    assert_eq!(place("just demo").as_deref(), Some("README.md"));
    assert_eq!(
        place("lambda-trust simulate").as_deref(),
        Some("docs/offline.md")
    );
    assert_eq!(
        place("lambda-trust audit --partner genesys-cloud --to-security-hub").as_deref(),
        Some("docs/audit.md")
    );
    assert!(docs.len() > 40 && help.len() > 30, "{docs:#?} {help:#?}");
}

/// `--help`'s examples fit an 80-column terminal: a longer one would wrap mid-command
/// (continue it with `\` instead; prose may wrap).
#[test]
fn help_examples_fit_80_columns() {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        if let Some(help) = cmd.get_after_help() {
            let text = help.to_string();
            let mut inside = false;
            for line in text.lines() {
                if line.starts_with("Example") || line.starts_with("Typical session") {
                    inside = true;
                } else if !line.starts_with("  ") {
                    inside = false;
                } else if inside && line.chars().count() > 80 {
                    out.push(format!("{path}: {line}"));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut over = Vec::new();
    walk(&lambda_trust::cli_command(), "lambda-trust", &mut over);
    assert!(
        over.is_empty(),
        "longer than 80 columns:\n{}",
        over.join("\n")
    );
}

/// Each exception, setup and exit code still names an example (a stale one fails); a setup
/// names the first example of a block.
#[test]
fn every_exception_names_an_example() {
    let examples = all_examples();
    let reasons = EXCEPTIONS
        .iter()
        .copied()
        .chain(EXIT_CODES.iter().map(|&(k, _, why)| (k, why)));
    for (k, why) in reasons {
        assert!(!why.is_empty());
        assert!(
            examples.iter().any(|e| key(&e.command) == k),
            "{k:?} is no example any more"
        );
    }
    let firsts: Vec<String> = blocks(examples)
        .iter()
        .map(|b| key(&b[0].command))
        .collect();
    for (k, ..) in SETUPS {
        assert!(firsts.contains(&k.to_string()), "{k:?} begins no block");
    }
}

use crate::support::examples::{self, Ran, Setup, World};
use crate::support::MotoServer;

const EMPTY: Setup = Setup {
    config: false,
    applied: false,
    genesys: false,
    role: false,
    integration: false,
    org: false,
    security_hub: false,
    stack_sets: false,
    aggregator: false,
    environments: false,
    then: &[],
};
const CONFIG: Setup = Setup {
    config: true,
    ..EMPTY
};
const APPLIED: Setup = Setup {
    applied: true,
    ..CONFIG
};

/// No config yet; a role and a Genesys Cloud integration made by hand, to import.
/// A config with environments `dev` and `prod` (one account), `[genesys]`, prod applied.
const ENVIRONMENTS: Setup = Setup {
    genesys: true,
    environments: true,
    then: &["lambda-trust apply --env prod --yes"],
    ..CONFIG
};

const IMPORTABLE: Setup = Setup {
    genesys: true,
    role: true,
    integration: true,
    ..EMPTY
};

/// The quick start's config applied, and `./lambda-trust`: the headers of a static Linux
/// x86_64 executable with lambda-trust's package mark (its `.lambda_trust` section), what
/// `watch deploy --package` takes (moto never runs it).
const WATCHABLE: Setup = Setup {
    then: &["printf '\\177\\105\\114\\106\\002\\001\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\002\\000\\076\\000\\001\\000\\000\\000\\000\\000\\100\\000\\000\\000\\000\\000\\100\\000\\000\\000\\000\\000\\000\\000\\243\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\100\\000\\070\\000\\001\\000\\100\\000\\003\\000\\001\\000\\001\\000\\000\\000\\005\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\001\\000\\000\\000\\000\\000\\000\\000\\154\\141\\155\\142\\144\\141\\055\\164\\162\\165\\163\\164\\040\\060\\056\\061\\056\\060\\000\\056\\163\\150\\163\\164\\162\\164\\141\\142\\000\\056\\154\\141\\155\\142\\144\\141\\137\\164\\162\\165\\163\\164\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\001\\000\\000\\000\\003\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\212\\000\\000\\000\\000\\000\\000\\000\\031\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\013\\000\\000\\000\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\170\\000\\000\\000\\000\\000\\000\\000\\022\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000' > lambda-trust"],
    ..APPLIED
};

/// An organization with a member account, each with the audit role `SecurityAudit`, for
/// `guardrail`.
const GUARDED: Setup = Setup {
    org: true,
    stack_sets: true,
    ..EMPTY
};

/// [`WATCHABLE`] in an organization whose StackSets have a delegated administrator and trusted
/// access (`watch deploy|status --organization`).
const WATCHABLE_ORGANIZATION: Setup = Setup {
    org: true,
    stack_sets: true,
    ..WATCHABLE
};

/// What a block finds before it runs, by its first example (see [`key`]); any other block
/// finds [`CONFIG`]: the quick start's config, nothing applied yet. `true`: its examples are
/// alternatives, each run in a fresh copy of the prepared directory (each `init` writes
/// `./lambda-trust.toml`), not a session.
const SETUPS: &[(&str, Setup, bool)] = &[
    ("cargo install --locked --path .", EMPTY, false),
    (
        "lambda-trust completions bash > ~/.local/share/bash-completion/completions/lambda-trust",
        EMPTY,
        false,
    ),
    ("lambda-trust man | man -l -", EMPTY, false),
    ("lambda-trust genesys regions", EMPTY, false),
    ("lambda-trust ids --env prod", ENVIRONMENTS, false),
    (
        "lambda-trust diff --env dev --env prod",
        Setup {
            genesys: false,
            then: &[
                "lambda-trust apply --env dev --yes",
                "lambda-trust apply --env prod --yes",
            ],
            ..ENVIRONMENTS
        },
        false,
    ),
    (
        "lambda-trust ids --env prod --format archy",
        ENVIRONMENTS,
        false,
    ),
    ("lambda-trust lint --env all", ENVIRONMENTS, false),
    (
        "lambda-trust init --env test --external-id 33333333-3333-4333-8333-333333333333 --account-id 333333333333 --profile test",
        ENVIRONMENTS,
        false,
    ),
    (
        "lambda-trust plan --env dev",
        Setup {
            genesys: false,
            ..ENVIRONMENTS
        },
        false,
    ),
    ("lambda-trust init", IMPORTABLE, true),
    ("lambda-trust export terraform --out infra/genesys-lambda", APPLIED, true),
    (
        "lambda-trust export cloudformation --out infra/genesys-lambda-cfn",
        APPLIED,
        true,
    ),
    (
        "lambda-trust init --from-genesys --from-role GenesysLambda",
        IMPORTABLE,
        false,
    ),
    ("lambda-trust verify", APPLIED, false),
    (
        "lambda-trust watch deploy --package ./lambda-trust --yes",
        WATCHABLE_ORGANIZATION,
        false,
    ),
    (
        "lambda-trust watch status --package ./lambda-trust --format json",
        WATCHABLE_ORGANIZATION,
        false,
    ),
    (
        "lambda-trust watch deploy --organization --package ./lambda-trust --yes",
        WATCHABLE_ORGANIZATION,
        false,
    ),
    (
        "lambda-trust watch destroy --yes",
        Setup {
            org: true,
            stack_sets: true,
            ..CONFIG
        },
        false,
    ),
    (
        "lambda-trust verify --org-policies org-policies/",
        APPLIED,
        false,
    ),
    (
        "lambda-trust verify --assume-profile genesys-test --wait 120",
        APPLIED,
        false,
    ),
    ("lambda-trust check", APPLIED, false),
    (
        "lambda-trust check --format github --sarif lambda-trust.sarif --json lambda-trust.json",
        APPLIED,
        false,
    ),
    (
        "lambda-trust onboard lookup-invoice --region us-east-1 --qualifier live --yes",
        Setup {
            genesys: true,
            ..APPLIED
        },
        false,
    ),
    (
        "lambda-trust offboard lookup-order --dry-run",
        Setup {
            then: &["lambda-trust onboard lookup-invoice --region us-east-1 --qualifier live --yes"],
            ..APPLIED
        },
        false,
    ),
    ("lambda-trust destroy", APPLIED, false),
    (
        "lambda-trust audit --partner genesys-cloud --to-security-hub",
        Setup {
            security_hub: true,
            ..APPLIED
        },
        false,
    ),
    (
        "lambda-trust audit --partner genesys-cloud",
        Setup {
            org: true,
            aggregator: true,
            ..APPLIED
        },
        false,
    ),
    (
        "lambda-trust audit --partner genesys-cloud --config-aggregator org-iam",
        Setup {
            org: true,
            aggregator: true,
            ..APPLIED
        },
        false,
    ),
    (
        "lambda-trust guardrail plan --assume-role SecurityAudit --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10",
        Setup {
            aggregator: true,
            ..GUARDED
        },
        false,
    ),
    ("lambda-trust guardrail apply --assume-role SecurityAudit --yes --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10", GUARDED, false),
    (
        "lambda-trust guardrail check --assume-role SecurityAudit --format json --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10",
        Setup {
            then: &["lambda-trust guardrail apply --assume-role SecurityAudit --yes --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"],
            ..GUARDED
        },
        false,
    ),
    (
        "lambda-trust guardrail destroy --yes",
        Setup {
            then: &["lambda-trust guardrail apply --assume-role SecurityAudit --yes --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"],
            ..GUARDED
        },
        false,
    ),
    ("lambda-trust guardrail export --format terraform --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 > guardrail.tf", GUARDED, false),
    (
        "lambda-trust apply --only aws --yes",
        Setup {
            genesys: true,
            ..CONFIG
        },
        false,
    ),
];

/// Examples that exit other than 0 where they run, by their command (see [`key`]), with the
/// exit code the docs give for that situation.
const EXIT_CODES: &[(&str, i32, &str)] = &[
    ("lambda-trust plan --env dev", 2, "dev not applied yet: changes pending"),

    ("lambda-trust plan", 2, "changes pending: nothing applied yet"),
    ("lambda-trust plan --format json", 2, "changes pending: nothing applied yet"),
    ("lambda-trust destroy", 2, "shows what would be deleted"),
    ("lambda-trust watch run", 1, "outside Lambda: it names the variable Lambda sets"),
    ("lambda-trust watch status --package ./lambda-trust --format json", 2, "not deployed yet: changes pending"),
    ("lambda-trust watch status --package ./lambda-trust", 2, "no trail logs management events and Security Hub is off: the watch can neither hear nor publish"),
    ("lambda-trust watch deploy --package ./lambda-trust --yes", 2, "deployed, but no trail logs management events and Security Hub is off: the watch can neither hear nor publish"),
    ("echo yes | lambda-trust watch deploy --package ./lambda-trust", 2, "deployed, but no trail logs management events and Security Hub is off: the watch can neither hear nor publish"),
    ("lambda-trust watch deploy --organization --package ./lambda-trust --yes", 2, "deployed, but Security Hub is off in the watch's account: the function could not say an account it cannot watch"),
    ("lambda-trust watch status --organization", 2, "the organization watch is not deployed yet: changes pending"),
    ("lambda-trust watch status --organization --package ./lambda-trust --format json", 2, "Security Hub is off in the watch's account: the function could not say an account it cannot watch"),
    ("lambda-trust offboard lookup-order --dry-run", 2, "something would change"),
    ("lambda-trust guardrail plan --assume-role SecurityAudit --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10", 2, "the guardrail is not applied yet: changes pending"),
    ("lambda-trust guardrail plan --config-aggregator org-iam --format json --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10", 2, "the guardrail is not applied yet: changes pending"),
    ("lambda-trust plan --adopt", 2, "ownership to take over: changes pending"),
    ("lambda-trust check --only genesys", 2, "the Genesys Cloud side not applied yet: drift"),
    (
        "lambda-trust audit --template template.yaml --partner genesys-cloud --sarif audit.sarif --parameter GenesysOrgId=9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11 --account-id 111122223333 --region eu-west-1",
        2,
        "a security finding: the template's genesys-wildcard role accepts any external ID",
    ),
    (
        "lambda-trust check --template template.yaml --account-id 111122223333 --format github",
        2,
        "findings: the template's role is not the config's",
    ),
    (
        "lambda-trust check --plan plan.json --source-dir infra --format github",
        2,
        "findings: the plan's role is not the config's",
    ),
    (
        "lambda-trust audit --input gaad.json --partner genesys-cloud --sarif audit.sarif",
        2,
        "security findings: the snapshot's account has roles with findings",
    ),
    (
        "lambda-trust audit --input gaad.json --partner genesys-cloud",
        2,
        "security findings: the snapshot's account has roles with findings",
    ),
];

fn expected_code(command: &str) -> i32 {
    let k = key(command);
    EXIT_CODES
        .iter()
        .find(|(c, ..)| *c == k)
        .map_or(0, |(_, code, _)| *code)
}

fn is_exception(command: &str) -> bool {
    let k = key(command);
    EXCEPTIONS.iter().any(|(c, _)| *c == k)
}

/// The examples in blocks, in order.
fn blocks(examples: Vec<Example>) -> Vec<Vec<Example>> {
    let mut out: Vec<Vec<Example>> = Vec::new();
    for e in examples {
        match out.last_mut() {
            Some(b) if b[0].block == e.block => b.push(e),
            _ => out.push(vec![e]),
        }
    }
    out
}

/// Runs one block as its setup says; returns one line per example that did not exit as
/// expected, and the block's time.
fn run_block(moto: &MotoServer, block: &[Example]) -> (Vec<String>, std::time::Duration) {
    let started = std::time::Instant::now();
    let first = key(&block[0].command);
    // The README's quick start: `init` asks on a terminal (not run here), then apply and verify
    // run in one session on the config `init` writes for the quick start.
    let quick_start = block[0].place.starts_with("README.md") && first == "lambda-trust init";
    let (setup, alternatives) = SETUPS
        .iter()
        .find(|(k, ..)| *k == first && !quick_start)
        .map_or((CONFIG, false), |(_, s, a)| (*s, *a));
    let world = World::start(moto, setup);
    let mut failures = Vec::new();
    for e in block.iter().filter(|e| !is_exception(&e.command)) {
        let copy = alternatives.then(|| world.copy());
        let dir = copy.as_ref().map_or(world.dir(), |c| c.path());
        let ran: Ran = world.run(dir, &e.command);
        let want = expected_code(&e.command);
        // `sh` reports a pipeline's last exit code only: an error of lambda-trust inside one
        // (`lambda-trust man | man -l -`) shows on stderr.
        let hidden_error = want == 0 && ran.stderr.lines().any(|l| l.starts_with("error:"));
        if ran.code != Some(want) || hidden_error {
            failures.push(format!(
                "{}: `{}` exited {:?}, the docs say {want} ({:.1?})\n--- stdout\n{}\n--- stderr\n{}",
                e.place, e.command, ran.code, ran.elapsed, ran.stdout, ran.stderr
            ));
        }
    }
    (failures, started.elapsed())
}

/// Runs blocks two at a time, on one moto each; fails naming every example that did not exit as the docs say.
fn run_all(examples: Vec<Example>) {
    let blocks = blocks(examples);
    let results: Vec<(String, Vec<String>, std::time::Duration)> = std::thread::scope(|s| {
        let chunks: Vec<_> = blocks.chunks(blocks.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let moto = examples::moto();
                    chunk
                        .iter()
                        .map(|b| {
                            let (f, t) = run_block(&moto, b);
                            (b[0].block.clone(), f, t)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a block's thread"))
            .collect()
    });
    for (block, _, t) in &results {
        eprintln!("{block}: {t:.1?}");
    }
    let failures: Vec<&String> = results.iter().flat_map(|(_, f, _)| f).collect();
    assert!(
        failures.is_empty(),
        "{} example(s) did not run as the docs say:\n\n{}",
        failures.len(),
        failures
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// Every shell example of README.md and of the book under docs/ runs as written and exits as
/// the page says.
#[test]
fn docs_examples_run_as_written() {
    run_all(docs_examples());
}

/// Every example of every command's `--help` runs as written and exits as documented.
#[test]
fn help_examples_run_as_written() {
    run_all(help_examples());
}

/// The runner fails on an example that does not run as documented, naming it with its stderr:
/// a wrong exit code, and an error hidden inside a pipeline.
#[test]
fn an_example_that_does_not_run_fails_naming_it() {
    let example = |command: &str| Example {
        place: "README.md:1".to_owned(),
        block: "README.md:1".to_owned(),
        command: command.to_owned(),
    };
    let (failures, _) = run_block(
        &examples::moto(),
        &[
            example("lambda-trust lint --config missing.toml"),
            example("lambda-trust render --which nothing | cat"),
            example("lambda-trust render --which trust"),
        ],
    );
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].starts_with(
            "README.md:1: `lambda-trust lint --config missing.toml` exited Some(1), the docs say 0"
        ) && failures[0].contains("missing.toml"),
        "{failures:#?}"
    );
    assert!(
        failures[1].contains("`lambda-trust render --which nothing | cat` exited Some(0)")
            && failures[1].contains("error:"),
        "{failures:#?}"
    );
}
