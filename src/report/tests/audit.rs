//! Snapshots of the `audit` renderers — human, JSON, SARIF; one account and an organization
//! with a failed account — over a small in-memory account (no AWS): a clean role, one without
//! an external ID, one with a wildcard function, an unmanaged one. The HTML page: its body
//! snapshot, its Content-Security-Policy, and audited data that is markup rendered as text.
#![cfg(test)]

use lambda_trust_verdict::Judged;
use std::collections::BTreeMap;

use crate::report::audit::{
    account_human, account_json, account_sarif, org_human, org_json, org_sarif,
};
use crate::report::audit_html::{account_html, org_html, HtmlMeta};
use crate::report::styles::Styles;
use lambda_trust_audit::{
    audit_account, parse_accounts, AccountIam, AccountOutcome, AccountReport, AuditOptions,
    AuditRole, OrgReport,
};
use lambda_trust_verdict::Status;
use serde_json::{json, Value};

const OWN: &str = "111122223333";

fn role(name: &str, condition: Value, resource: &str, managed: bool) -> AuditRole {
    let mut stmt = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
        "Action": "sts:AssumeRole"});
    if !condition.is_null() {
        stmt["Condition"] = condition;
    }
    AuditRole {
        name: name.into(),
        arn: format!("arn:aws:iam::{OWN}:role/{name}"),
        trust: json!({"Version": "2012-10-17", "Statement": [stmt]}),
        inline: vec![(
            "invoke".into(),
            json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": resource}]}),
        )],
        attached: vec![],
        boundary: None,
        tags: if managed {
            BTreeMap::from([("managed-by".into(), "lambda-trust".into())])
        } else {
            BTreeMap::new()
        },
    }
}

fn account() -> AccountReport {
    let locked =
        json!({"StringEquals": {"sts:ExternalId": "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}});
    let f = "arn:aws:lambda:us-east-1:111122223333:function:lookup";
    let roles = vec![
        role("GenesysLambdaInvoker", locked.clone(), f, true),
        role("legacy-genesys", Value::Null, f, false),
        role(
            "broad-invoker",
            locked,
            "arn:aws:lambda:us-east-1:111122223333:function:*",
            true,
        ),
    ];
    audited(roles, 2)
}

/// The audit of `roles` in the account `OWN`, for Genesys Cloud, on `workers` threads.
fn audited(roles: Vec<AuditRole>, workers: usize) -> AccountReport {
    let iam = AccountIam {
        account_id: OWN.into(),
        roles,
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    };
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        config: None,
        region: Some("us-east-1".into()),
        partner_principals: Vec::new(),
        genesys_org_ids: Vec::new(),
    };
    audit_account(&iam, &opts, workers)
}

fn org() -> OrgReport {
    let failed = AccountOutcome::Error {
        account: "444455556666".into(),
        error: "sts:AssumeRole failed: AccessDenied: not authorized".into(),
        calls: 1,
    };
    OrgReport::new(vec![failed, AccountOutcome::Report(account())], 1)
}

#[test]
fn account_renderers() {
    let r = account();
    assert_eq!(r.status(), Status::Changes);
    insta::assert_snapshot!("audit_human", account_human(&r, Styles { color: false }));
    insta::assert_snapshot!("audit_json", account_json(&r));
    insta::assert_snapshot!("audit_sarif", account_sarif(&r));
}

#[test]
fn organization_renderers() {
    let r = org();
    assert_eq!(r.status(), Status::Invalid, "a failed account exits 1");
    assert_eq!(r.summary.calls, 1 + 1 + 2);
    insta::assert_snapshot!("audit_org_human", org_human(&r, Styles { color: false }));
    insta::assert_snapshot!("audit_org_json", org_json(&r));
    let sarif: Value = serde_json::from_str(&org_sarif(&r)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let findings: usize = account().roles.iter().map(|r| r.findings.len()).sum();
    assert_eq!(
        results.len(),
        findings + 1,
        "one result per finding and one per failed account"
    );
}

#[test]
fn accounts_files() {
    let ok = parse_accounts("# prod\n111122223333\n\n444455556666 # cx\n111122223333\n").unwrap();
    assert_eq!(ok, vec!["111122223333", "444455556666"]);
    let bad = parse_accounts("11112222333\nabc\n# fine\n").unwrap_err();
    assert_eq!(bad.len(), 2);
    assert!(bad[0].starts_with("line 1:"), "{bad:?}");
    assert!(bad[1].starts_with("line 2:"), "{bad:?}");
    assert!(parse_accounts("# nothing\n").is_err());
}

/// A fixed time and version: the snapshot holds no clock and no commit.
fn meta() -> HtmlMeta {
    HtmlMeta {
        generated: chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
        version: "0.0.0 (commit test)".into(),
    }
}

/// The page's body, its script's text left out (the stylesheet and script are files of their
/// own).
fn body(html: &str) -> String {
    let start = html.find("<body>").unwrap();
    let open = html.find("<script>").unwrap() + "<script>".len();
    let close = html.find("</script>").unwrap();
    format!("{}…{}", &html[start..open], &html[close..])
}

#[test]
fn html_page() {
    let html = account_html(&account(), &meta());
    insta::assert_snapshot!("audit_html_body", body(&html));
    let csp = html
        .lines()
        .find(|l| l.contains("Content-Security-Policy"))
        .unwrap();
    assert!(
        csp.contains("default-src 'none'; style-src 'sha256-")
            && csp.contains("script-src 'sha256-")
            && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(
        !html.contains(" style=\""),
        "no inline style attribute (the CSP forbids them)"
    );
    let org = org_html(&org(), &meta());
    insta::assert_snapshot!("audit_org_html_body", body(&org));
}

#[test]
fn html_audited_markup_is_text() {
    let hostile_id = "</noscript><img src=x onerror=alert(1)>";
    let hostile_name = "</script><script>alert(2)</script>";
    let mut r = role(
        "hostile",
        json!({"StringEquals": {"sts:ExternalId": hostile_id}}),
        "arn:aws:lambda:us-east-1:111122223333:function:f",
        false,
    );
    r.inline[0].0 = "<b onmouseover=alert(3)>".into();
    let audited = audited(vec![r], 1);
    let failed = AccountOutcome::Error {
        account: "444455556666".into(),
        error: "<script>alert(4)</script>".into(),
        calls: 1,
    };
    let mut report = OrgReport::new(vec![AccountOutcome::Report(audited), failed], 1);
    report.names = BTreeMap::from([(OWN.to_owned(), hostile_name.to_owned())]);
    let html = org_html(&report, &meta());
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert_eq!(html.matches("</script>").count(), 1);
    assert!(
        !html.contains("<img") && !html.contains("<b "),
        "no element from the data"
    );
    assert!(html.contains("&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert_eq!(
        html.matches("</noscript>").count(),
        1,
        "no data ends the details' chunk"
    );
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(html.contains("&lt;b onmouseover=alert(3)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(4)&lt;/script&gt;"));
}

#[test]
fn human_terminal_control_in_audited_data_is_shown_escaped() {
    let id = "id\u{1b}]0;title\u{7}\u{9b}2J\u{202e}";
    let wild = "arn:aws:lambda:us-east-1:111122223333:function:f\u{1b}[8m*";
    let mut r = role(
        "terminal",
        json!({"StringEquals": {"sts:ExternalId": id}}),
        wild,
        false,
    );
    r.inline[0].0 = "invoke".into();
    let audited = audited(vec![r], 1);
    let failed = AccountOutcome::Error {
        account: "444455556666".into(),
        error: "AccessDenied: \u{1b}[2K✓ proved".into(),
        calls: 1,
    };
    let names = BTreeMap::from([
        (OWN.to_owned(), "prod\u{1b}[5m\u{2066}".to_owned()),
        ("444455556666".to_owned(), "dev\r".to_owned()),
    ]);
    let mut report = OrgReport::new(vec![AccountOutcome::Report(audited), failed], 1);
    report.names = names;
    for color in [false, true] {
        let text = org_human(&report, Styles { color });
        for raw in [
            "\u{1b}]",
            "\u{1b}[8m",
            "\u{1b}[2K",
            "\u{1b}[5m",
            "\u{7}",
            "\r",
        ] {
            assert!(!text.contains(raw), "{raw:?} in {text:?}");
        }
        assert!(
            !text.contains(['\u{9b}', '\u{202e}', '\u{2066}']),
            "{text:?}"
        );
        for shown in [
            r"fixed: id\u{1b}]0;title\u{7}\u{9b}2J\u{202e}",
            r"function:f\u{1b}[8m*",
            r" 111122223333 (prod\u{1b}[5m\u{2066}): ",
            r"444455556666 (dev\u{d}): AccessDenied: \u{1b}[2K✓ proved",
        ] {
            assert!(text.contains(shown), "{shown} not in {text}");
        }
        assert_eq!(text.contains('\u{1b}'), color, "only our colours: {text:?}");
    }
    let json: Value = serde_json::from_str(&org_json(&report)).unwrap();
    assert_eq!(json["names"][OWN], "prod\u{1b}[5m\u{2066}");
    assert_eq!(
        json["accounts"][1]["error"],
        "AccessDenied: \u{1b}[2K✓ proved"
    );
}

/// Past its first hundred rows the roles table comes in `<noscript>` chunks, each a table of
/// its own rows: every role has exactly one row (linked to its detail) and nothing is dropped,
/// with or without the page's script (which moves the chunks' rows into the table).
#[test]
fn html_roles_past_the_first_hundred_come_in_chunks() {
    let f = "arn:aws:lambda:us-east-1:111122223333:function:lookup";
    let roles: Vec<AuditRole> = (0..650)
        .map(|i| role(&format!("role-{i:03}"), Value::Null, f, false))
        .collect();
    let audited = audited(roles, 1);
    let html = account_html(&audited, &meta());
    let table = html.split("<table id=\"roles-table\"").nth(1).unwrap();
    let (main, rest) = table.split_once("</table>").unwrap();
    assert!(main.starts_with(" data-rows=\"650\""), "{}", &main[..40]);
    assert_eq!(main.matches("<tr data-sev").count(), 100);
    let chunks: Vec<&str> = rest
        .split("<noscript class=\"rows-chunk\">")
        .skip(1)
        .map(|c| c.split("</noscript>").next().unwrap())
        .collect();
    let sizes: Vec<usize> = chunks
        .iter()
        .map(|c| c.matches("<tr data-sev").count())
        .collect();
    assert_eq!(sizes, [200, 200, 150]);
    assert!(chunks
        .iter()
        .all(|c| c.starts_with("<table class=\"roles-more\"><tbody>")));
    for i in 0..650 {
        assert_eq!(
            html.matches(&format!("<a href=\"#r{i}\">")).count(),
            1,
            "row {i}"
        );
    }
}

/// What a role can invoke is worded without understating: `*` and `function:*` are all
/// functions, a wildcard in a name a pattern, a policy not read unknown (named); only named
/// functions are a count.
#[test]
fn invokable_is_worded_all_pattern_or_unknown_instead_of_a_count() {
    use crate::report::audit::{invokable_short, invokable_word};
    use lambda_trust_audit::InvokableKind;
    let f = "arn:aws:lambda:us-east-1:111122223333:function:lookup";
    let star = "arn:aws:lambda:us-east-1:111122223333:function:*";
    let pattern = "arn:aws:lambda:us-east-1:111122223333:function:f-*";
    let said = |resource: &str| {
        let r = &audited(vec![role("r", Value::Null, resource, true)], 1).roles[0];
        (invokable_word(r), invokable_short(r))
    };
    assert_eq!(said(f), ("1".into(), "1".into()));
    assert_eq!(said("*"), ("all".into(), "all functions (*)".into()));
    assert_eq!(
        said(star),
        ("all".into(), format!("all functions ({star})"))
    );
    assert_eq!(
        said(pattern),
        ("pattern".into(), format!("pattern ({pattern})"))
    );
    let mut unread = audited(vec![role("r", Value::Null, f, true)], 1)
        .roles
        .remove(0);
    unread.invokable.clear();
    unread.invokable_scope.kind = InvokableKind::Unknown;
    unread.invokable_scope.not_read = vec!["arn:aws:iam::aws:policy/AWSLambda_FullAccess".into()];
    assert_eq!(invokable_word(&unread), "unknown");
    assert_eq!(
        invokable_short(&unread),
        "unknown (policy not read: AWSLambda_FullAccess)"
    );
}
