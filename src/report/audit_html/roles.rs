//! The roles of the HTML audit report: the table of every reported role (sorted and filtered
//! by the page's script, readable without it) and each role's detail in a `<details>`.
//!
//! Part of `report::audit_html`.

use std::fmt::Write as _;
use strum::IntoEnumIterator;

use super::document::document_html;
use super::{esc, rank, rank_word, severity_cell, with_partner_name, Page};
use crate::report::audit::{invokable_short, invokable_word, request_text, suppression_text};
use lambda_trust_audit::{
    AccountReport, AuditCode, AuditFinding, IdKind, InvokableKind, RoleReport,
};
use lambda_trust_verdict::Outcome;

type Row<'a> = (&'a AccountReport, &'a RoleReport);

/// `fixed: ID`, `several: A, B`, `pattern: P`, `any`.
fn ids_text(r: &RoleReport) -> String {
    match r.external_ids.kind {
        IdKind::Any => "any".to_owned(),
        kind => format!("{kind}: {}", r.external_ids.values.join(", ")),
    }
}

/// The invokable column's sort key: counts, then patterns, unknown sets, all functions.
fn invokable_key(r: &RoleReport) -> u64 {
    let n = r.invokable.len() as u64;
    match r.invokable_scope.kind {
        InvokableKind::Listed => n,
        InvokableKind::Pattern => 1_000_000_000 + n,
        InvokableKind::Unknown => 2_000_000_000 + n,
        InvokableKind::All => 3_000_000_000,
    }
}

fn codes(r: &RoleReport) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = r.findings.iter().map(|f| <&str>::from(f.code)).collect();
    out.dedup();
    out
}

/// Rows of the roles table in the page as elements; the rest follow in `<noscript>` chunks of
/// [`ROW_CHUNK`] (see [`table`]).
const FIRST_ROWS: usize = 100;
/// Rows per `<noscript>` chunk of the roles table.
const ROW_CHUNK: usize = 200;

/// The roles table. Its first [`FIRST_ROWS`] rows are elements; the others follow (after the
/// page's script, [`table_rest`]) in `<noscript>` chunks, each a table of its own rows: without
/// script a browser shows them as they are (the table goes on below), with script it reads them
/// as plain text — fast even at 10,000 roles — and the page's script, already running, moves
/// each chunk's rows into the table as it arrives. Audited text is escaped inside, so no data
/// can end a chunk.
pub(super) fn table(out: &mut String, page: &Page, roles: &[Row]) {
    out.push_str("<section id=\"roles\">\n<h2>Roles a partner can assume</h2>\n");
    filters(out, page);
    let _ = write!(
        out,
        "<table id=\"roles-table\" data-rows=\"{}\">\n<thead><tr><th>Account</th><th>Role</th><th>Managed</th>\
<th>External ID</th><th class=\"num\">Invokable</th><th>Worst</th><th>Codes</th></tr></thead>\n<tbody>\n",
        roles.len()
    );
    for (i, row) in roles.iter().take(FIRST_ROWS).enumerate() {
        table_row(out, i, row);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The roles table's other rows in `<noscript>` chunks (see [`table`]), then a marker that
/// they are all there (`rows-end`) and the end of the section.
pub(super) fn table_rest(out: &mut String, roles: &[Row]) {
    let first = roles.len().min(FIRST_ROWS);
    for (c, chunk) in roles[first..].chunks(ROW_CHUNK).enumerate() {
        out.push_str("<noscript class=\"rows-chunk\"><table class=\"roles-more\"><tbody>\n");
        for (j, row) in chunk.iter().enumerate() {
            table_row(out, first + c * ROW_CHUNK + j, row);
        }
        out.push_str("</tbody></table></noscript>\n");
    }
    out.push_str("<span id=\"rows-end\" hidden></span>\n");
    if roles.is_empty() {
        out.push_str("<p>No role of the audited accounts can be assumed by a partner.</p>\n");
    }
    out.push_str("</section>\n");
}

/// One role's row of the table: `i` links it to its detail.
fn table_row(out: &mut String, i: usize, (account, r): &Row) {
    let worst = rank(r.worst());
    let codes = codes(r);
    let _ = writeln!(
        out,
        "<tr data-sev=\"{}\" data-codes=\"{}\" data-account=\"{}\"><td>{}</td><td class=\"wrap\"><a href=\"#r{i}\">{}</a></td><td>{}</td><td class=\"wrap\">{}</td><td class=\"num\" data-k=\"{}\">{}</td>{}<td>{}</td></tr>",
        rank_word(worst),
        codes.join(" "),
        esc(&account.account),
        esc(&account.account),
        esc(&r.role),
        if r.managed { "yes" } else { "no" },
        esc(&ids_text(r)),
        invokable_key(r),
        invokable_word(r),
        severity_cell(worst),
        codes.join(", "),
    );
}

/// The filter controls, hidden until the script shows them (they do nothing without it).
fn filters(out: &mut String, page: &Page) {
    out.push_str(
        "<div id=\"filters\" hidden>\n<label>Worst severity <select id=\"f-sev\"><option value=\"\">any</option>\
<option value=\"security\">security</option><option value=\"config\">config</option>\
<option value=\"info\">info</option><option value=\"ok\">ok (no finding)</option></select></label>\n\
<label>Code <select id=\"f-code\"><option value=\"\">any</option>",
    );
    for c in AuditCode::iter() {
        let _ = write!(out, "<option>{}</option>", c);
    }
    out.push_str(
        "</select></label>\n<label>Account <select id=\"f-account\"><option value=\"\">any</option>",
    );
    for r in page.reports() {
        let _ = write!(out, "<option>{}</option>", esc(&r.account));
    }
    out.push_str(
        "</select></label>\n<label>Text <input id=\"f-text\" type=\"search\" placeholder=\"role, ID, function…\"></label>\n\
<output id=\"f-count\" aria-live=\"polite\"></output>\n</div>\n",
    );
}

/// Roles per `<noscript>` chunk of details (see [`details`]).
const CHUNK: usize = 50;

/// Every role's `<details>`, in chunks inside `<noscript>`: without script a browser shows them
/// as they are; with script it reads a `<noscript>`'s content as plain text — fast even at
/// 10,000 roles — and the page's script turns each chunk into the same elements once the page
/// is usable. Audited text is escaped inside, so no data can end a chunk.
pub(super) fn details(out: &mut String, roles: &[Row]) {
    if roles.is_empty() {
        return;
    }
    out.push_str("<section id=\"details\">\n<h2>Role details</h2>\n");
    for (c, chunk) in roles.chunks(CHUNK).enumerate() {
        out.push_str("<noscript class=\"details-chunk\">\n");
        for (j, (account, r)) in chunk.iter().enumerate() {
            detail(out, c * CHUNK + j, account, r);
        }
        out.push_str("</noscript>\n");
    }
    out.push_str("</section>\n");
}

fn detail(out: &mut String, i: usize, account: &AccountReport, r: &RoleReport) {
    let word = rank_word(rank(r.worst()));
    let assumable = if r.assumable_by.is_empty() {
        "—".to_owned()
    } else {
        let named: Vec<String> = r
            .assumable_by
            .iter()
            .map(|p| with_partner_name(p))
            .collect();
        named.join(", ")
    };
    let _ = write!(
        out,
        "<details class=\"role\" id=\"r{i}\"><summary><span class=\"sev sev-{word}\">{word}</span> <strong>{}</strong> <span class=\"muted\">account {}</span></summary>\n\
<dl class=\"meta\"><dt>ARN</dt><dd><code>{}</code></dd><dt>Managed by lambda-trust</dt><dd>{}</dd>\
<dt>Assumable by</dt><dd>{}</dd><dt>Accepted external IDs</dt><dd>{}</dd></dl>\n<h3>Findings</h3>\n",
        esc(&r.role),
        esc(&account.account),
        esc(&r.arn),
        if r.managed { "yes" } else { "no" },
        esc(&assumable),
        external_ids(r),
    );
    if r.findings.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul class=\"findings\">\n");
        for f in &r.findings {
            finding(out, r, f);
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<h3>Functions it can invoke: {}</h3>",
        esc(&invokable_short(r))
    );
    list(out, &r.invokable);
    out.push_str("<h3>Policy documents</h3>\n");
    for d in &r.documents {
        let marked: Vec<usize> = r
            .findings
            .iter()
            .flat_map(|f| &f.admitted_by)
            .filter(|s| s.policy == d.label)
            .map(|s| s.index)
            .collect();
        let _ = write!(
            out,
            "<h4>{}</h4>\n<pre>{}</pre>\n",
            esc(&d.label),
            document_html(&d.document, &marked)
        );
    }
    out.push_str("</details>\n");
}

fn external_ids(r: &RoleReport) -> String {
    let values: Vec<String> = r
        .external_ids
        .values
        .iter()
        .map(|v| format!("<code>{}</code>", esc(v)))
        .collect();
    match r.external_ids.kind {
        IdKind::Any => "any (no external ID is required, or any is accepted)".to_owned(),
        kind => format!("{kind}: {}", values.join(", ")),
    }
}

fn finding(out: &mut String, r: &RoleReport, f: &AuditFinding) {
    let word = f.severity;
    let unknown = match f.outcome {
        Outcome::Failed | Outcome::Informational => "",
        Outcome::Unknown => " <span class=\"outcome-unknown\">unknown</span>",
    };
    let _ = write!(
        out,
        "<li><span class=\"sev sev-{word}\">{word}</span>{unknown} <code>{}</code>: {}<br><span class=\"muted\">{}</span><br><strong>What to do:</strong> {}",
        f.code,
        esc(&f.message),
        esc(f.code.description()),
        esc(&f.remedy),
    );
    if let Some(text) = suppression_text(f) {
        let _ = write!(out, "<br><strong>Baseline:</strong> {}", esc(&text));
    }
    if let Some(c) = &f.counterexample {
        let _ = write!(
            out,
            "<br><strong>Request:</strong> <code>{}</code>",
            esc(&request_text(c, &r.arn))
        );
    }
    if !f.admitted_by.is_empty() {
        let by: Vec<String> = f.admitted_by.iter().map(ToString::to_string).collect();
        let _ = write!(
            out,
            "<br><strong>Let in by:</strong> {} (marked below)",
            esc(&by.join("; "))
        );
    }
    out.push_str("</li>\n");
}

fn list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str("<ul>");
    for item in items {
        let _ = write!(out, "<li><code>{}</code></li>", esc(item));
    }
    out.push_str("</ul>\n");
}
