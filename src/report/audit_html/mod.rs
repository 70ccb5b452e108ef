//! `audit --html FILE` / `--format html`: one self-contained HTML page for an account or an
//! organization — a header, summary figures, one row per account (organization), a table of
//! every reported role, and each role's detail (findings with what to do, the counterexample
//! request, accepted external IDs, invokable functions, the policy documents with the
//! statements that let the counterexample in marked).
//!
//! Part of `report`: pure, the time of the report is passed in. Everything the audited
//! accounts wrote (role names, policy documents, account names, error messages) is data:
//! every text goes through [`esc`], and the page's Content-Security-Policy allows only its own
//! stylesheet and script, by hash — no outside load, no inline event handler, nothing injected
//! runs. The content is plain HTML (tables, `<details>`); the script only sorts and filters.

mod document;
mod roles;

use std::fmt::Write as _;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use sha2::Digest as _;

use lambda_trust_audit::{AccountOutcome, AccountPath, AccountReport, OrgReport, RoleReport};
use lambda_trust_config::Partner;
use lambda_trust_verdict::{Outcome, Severity};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// What the page says about its own making: passed in by the command.
#[derive(Debug, Clone)]
pub struct HtmlMeta {
    pub generated: DateTime<Utc>,
    /// e.g. `0.1.0 (commit 1a2b3c4)`.
    pub version: String,
}

/// One account, as audited.
struct Account<'a> {
    id: &'a str,
    name: Option<&'a str>,
    outcome: Result<&'a AccountReport, &'a str>,
}

/// The page's input, one account or many.
struct Page<'a> {
    title: String,
    organization: bool,
    accounts: Vec<Account<'a>>,
}

impl<'a> Page<'a> {
    fn reports(&self) -> impl Iterator<Item = &'a AccountReport> + '_ {
        self.accounts.iter().filter_map(|a| a.outcome.ok())
    }

    /// Every reported role with its account, in the reports' order (worst first per account).
    fn roles(&self) -> Vec<(&'a AccountReport, &'a RoleReport)> {
        self.reports()
            .flat_map(|r| r.roles.iter().map(move |role| (r, role)))
            .collect()
    }
}

/// The page for one account.
pub(crate) fn account_html(report: &AccountReport, meta: &HtmlMeta) -> String {
    render(
        &Page {
            title: format!("account {}", report.account),
            organization: false,
            accounts: vec![Account {
                id: &report.account,
                name: None,
                outcome: Ok(report),
            }],
        },
        meta,
    )
}

/// The page for several accounts (an organization or an `--accounts` file).
pub fn org_html(report: &OrgReport, meta: &HtmlMeta) -> String {
    let accounts = report
        .accounts
        .iter()
        .map(|a| Account {
            id: a.account(),
            name: report.names.get(a.account()).map(String::as_str),
            outcome: match a {
                AccountOutcome::Report(r) => Ok(r),
                AccountOutcome::Error { error, .. } => Err(error.as_str()),
            },
        })
        .collect();
    render(
        &Page {
            title: format!("{} accounts", report.accounts.len()),
            organization: true,
            accounts,
        },
        meta,
    )
}

fn render(page: &Page, meta: &HtmlMeta) -> String {
    let roles = page.roles();
    let mut body = String::with_capacity(4096 + roles.len() * 3072);
    header(&mut body, page, meta);
    summary(&mut body, page, &roles);
    if page.organization {
        accounts_table(&mut body, page);
    }
    path_section(&mut body, page);
    config_section(&mut body, page);
    genesys_section(&mut body, page);
    roles::table(&mut body, page, &roles);
    // The script sits right after the table's first rows: with thousands of roles the page is
    // usable while the other rows and the details are still being parsed.
    let _ = writeln!(body, "<script>{JS}</script>");
    roles::table_rest(&mut body, &roles);
    roles::details(&mut body, &roles);
    let _ = writeln!(
        body,
        "<footer class=\"muted note\"><p>lambda-trust {} — every claim is proved by its offline prover or confirmed by its evaluator; see docs/audit.md.</p></footer>",
        esc(&meta.version)
    );
    let csp = format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src 'none'; base-uri 'none'; form-action 'none'",
        hash(CSS),
        hash(JS)
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"lambda-trust {}\">\n<title>lambda-trust audit: {}</title>\n\
<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(&meta.version),
        esc(&page.title),
    )
}

/// `sha256-…` of an inline element's text, for the Content-Security-Policy.
fn hash(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest.as_slice())
    )
}

fn header(out: &mut String, page: &Page, meta: &HtmlMeta) {
    let mut partners: Vec<&str> = page
        .reports()
        .flat_map(|r| r.partners.iter().map(String::as_str))
        .collect();
    partners.sort_unstable();
    partners.dedup();
    let partners = if partners.is_empty() {
        "any account other than the audited one, and anyone".to_owned()
    } else {
        let named: Vec<String> = partners.iter().map(|a| with_partner_name(a)).collect();
        named.join(", ")
    };
    let accounts: Vec<String> = page.accounts.iter().map(account_label).collect();
    let _ = write!(
        out,
        "<header>\n<h1>lambda-trust audit</h1>\n<dl class=\"meta\">\n\
<dt>When</dt><dd>{}</dd>\n<dt>Accounts</dt><dd>{}</dd>\n<dt>Partners</dt><dd>{}</dd>\n\
<dt>lambda-trust</dt><dd>{}</dd>\n</dl>\n</header>\n",
        meta.generated.format("%Y-%m-%d %H:%M:%S UTC"),
        esc(&accounts.join(", ")),
        esc(&partners),
        esc(&meta.version),
    );
}

/// The partner presets lambda-trust knows (`[trust] partner`), by account: their name as
/// docs/configuration.md and `--help` give it; the FedRAMP account is marked as the config's
/// docs mark it.
fn partner_name(account: &str) -> Option<&'static str> {
    let presets = [Partner::GenesysCloud, Partner::GenesysCloudFedramp];
    let p = presets.into_iter().find(|p| p.account_id() == account)?;
    Some(match p {
        Partner::GenesysCloud => "Genesys Cloud",
        Partner::GenesysCloudFedramp => "Genesys Cloud FedRAMP, to be confirmed with Genesys",
    })
}

/// `ACCOUNT (NAME)` for a known partner account, or an ARN of one; otherwise the text as is.
pub(super) fn with_partner_name(text: &str) -> String {
    if text == "*" {
        return "any AWS account (*)".to_owned();
    }
    let account = lambda_trust_iam::split_arn(text).map_or(text, |[.., account, _]| account);
    match partner_name(account) {
        Some(name) => format!("{text} ({name})"),
        None => text.to_owned(),
    }
}

fn account_label(a: &Account) -> String {
    match a.name {
        Some(n) => format!("{} ({n})", a.id),
        None => a.id.to_owned(),
    }
}

/// How many roles have each worst severity: security, config, info, none.
fn by_worst<'r>(roles: impl Iterator<Item = &'r RoleReport>) -> [usize; 4] {
    let mut n = [0; 4];
    for r in roles {
        n[rank(r.worst())] += 1;
    }
    n
}

fn summary(out: &mut String, page: &Page, roles: &[(&AccountReport, &RoleReport)]) {
    let failed = page.accounts.iter().filter(|a| a.outcome.is_err()).count();
    let scanned: usize = page.reports().map(|r| r.summary.roles_scanned).sum();
    let n = by_worst(roles.iter().map(|(_, r)| *r));
    let rows = [
        ("Accounts audited", page.accounts.len() - failed),
        ("Accounts that could not be audited", failed),
        ("Roles scanned", scanned),
        ("Roles a partner can assume", roles.len()),
        ("… worst finding security", n[0]),
        ("… worst finding config", n[1]),
        ("… worst finding info", n[2]),
        ("… no finding", n[3]),
    ];
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"figures\">\n");
    for (label, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>"
        );
    }
    out.push_str("</table>\n</section>\n");
}

fn accounts_table(out: &mut String, page: &Page) {
    out.push_str(
        "<section id=\"accounts\">\n<h2>Accounts</h2>\n<table id=\"accounts-table\">\n<thead><tr>\
<th>Account</th><th>Name</th><th>Worst</th><th class=\"num\">Roles scanned</th>\
<th class=\"num\">Assumable</th><th class=\"num\">Security</th><th class=\"num\">Config</th>\
<th class=\"num\">Info</th><th>Error</th></tr></thead>\n<tbody>\n",
    );
    for a in &page.accounts {
        let name = esc(a.name.unwrap_or(""));
        let id = esc(a.id);
        match a.outcome {
            Ok(r) => {
                let n = by_worst(r.roles.iter());
                let worst = r.roles.iter().map(|r| rank(r.worst())).min().unwrap_or(3);
                let _ = writeln!(
                    out,
                    "<tr data-account=\"{id}\"><td>{id}</td><td class=\"wrap\">{name}</td>{}<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td></tr>",
                    severity_cell(worst),
                    r.summary.roles_scanned,
                    r.summary.roles_reported,
                    n[0],
                    n[1],
                    n[2],
                );
            }
            Err(error) => {
                let _ = writeln!(
                    out,
                    "<tr class=\"failed\" data-account=\"{id}\"><td>{id}</td><td class=\"wrap\">{name}</td><td class=\"sev sev-failed\">not audited</td><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"wrap\">{}</td></tr>",
                    esc(error)
                );
            }
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The whole path's account part (docs/audit.md): where each account's organization policies
/// came from, and the functions a partner or anyone invokes directly, each finding with its
/// request. Nothing when no report judged the path.
fn path_section(out: &mut String, page: &Page) {
    let paths: Vec<&AccountPath> = page.reports().filter_map(|r| r.path.as_ref()).collect();
    if paths.is_empty() {
        return;
    }
    out.push_str("<section id=\"path\">\n<h2>The whole path</h2>\n<ul class=\"note\">\n");
    for (account, source) in paths.iter().flat_map(|p| &p.organization) {
        let _ = writeln!(
            out,
            "<li>Organization policies of {}: {}</li>",
            esc_text(account),
            esc_text(source)
        );
    }
    out.push_str("</ul>\n");
    let functions: Vec<_> = paths.iter().flat_map(|p| &p.functions).collect();
    if !functions.is_empty() {
        out.push_str("<table id=\"functions-table\">\n<thead><tr><th>Function</th><th>Severity</th><th>Code</th><th>Finding</th><th>Request</th></tr></thead>\n<tbody>\n");
        for f in functions {
            for finding in &f.findings {
                let request = (finding.counterexample.as_ref())
                    .map(|c| super::audit::request_text(c, ""))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<tr><td class=\"wrap\">{}</td>{}<td>{}</td><td class=\"wrap\">{}</td><td class=\"wrap\">{}</td></tr>",
                    esc_text(&f.function),
                    severity_cell(rank(Some(finding.severity))),
                    esc_text(&match finding.outcome {
                        Outcome::Failed | Outcome::Informational => finding.code.to_string(),
                        Outcome::Unknown => format!("{} (unknown)", finding.code),
                    }),
                    esc_text(&finding.message),
                    esc_text(&request)
                );
            }
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// `audit --config-aggregator`: where AWS Config recorded each account's IAM, and each role or
/// policy that could not be read (never left out: the roles it concerns are not proved).
fn config_section(out: &mut String, page: &Page) {
    let reports: Vec<_> = (page.reports())
        .filter(|r| r.recorded_in.is_some() || !r.not_read.is_empty())
        .collect();
    if reports.is_empty() {
        return;
    }
    out.push_str("<section id=\"config\">\n<h2>Read from AWS Config</h2>\n<ul class=\"note\">\n");
    for r in reports {
        let region =
            (r.recorded_in.as_deref()).map_or(String::new(), |g| format!(": IAM recorded in {g}"));
        let _ = writeln!(
            out,
            "<li>Account {}{}</li>",
            esc_text(&r.account),
            esc_text(&region)
        );
        for what in &r.not_read {
            let _ = writeln!(
                out,
                "<li>Not read in {}: {}</li>",
                esc_text(&r.account),
                esc_text(what)
            );
        }
    }
    out.push_str("</ul>\n</section>\n");
}

/// `audit --genesys`: the organization's integrations, or why Genesys Cloud was not read (each
/// action's reach is a finding of its role, in the roles' details).
fn genesys_section(out: &mut String, page: &Page) {
    let lines: Vec<String> = (page.reports())
        .filter_map(|r| r.genesys.as_ref())
        .flat_map(super::audit::genesys_lines)
        .collect();
    if lines.is_empty() {
        return;
    }
    out.push_str("<section id=\"genesys\">\n<h2>Genesys Cloud</h2>\n<ul class=\"note\">\n");
    for line in lines {
        let _ = writeln!(out, "<li>{}</li>", esc_text(&line));
    }
    out.push_str("</ul>\n</section>\n");
}

/// 0 security, 1 config, 2 info, 3 no finding: the order "worst first" sorts by.
fn rank(s: Option<Severity>) -> usize {
    match s {
        Some(Severity::Security) => 0,
        Some(Severity::Config) => 1,
        Some(Severity::Info) => 2,
        None => 3,
    }
}

/// The word of a rank: severity is said in words, colour only adds to it.
fn rank_word(rank: usize) -> &'static str {
    ["security", "config", "info", "ok"][rank.min(3)]
}

fn severity_cell(rank: usize) -> String {
    let word = rank_word(rank);
    format!("<td class=\"sev sev-{word}\" data-k=\"{rank}\">{word}</td>")
}

/// Escapes text for element content only (not attributes): quotes stay as they are, which
/// keeps pretty-printed JSON documents — most of a large page — short.
fn esc_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes text for HTML element content and quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{esc, esc_text};

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc_text("</pre>&\"'"), "&lt;/pre&gt;&amp;\"'");
        assert_eq!(
            esc("</script><img src=x onerror='a'>&\""),
            "&lt;/script&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;"
        );
    }
}
