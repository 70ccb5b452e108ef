//! The config text `init --from-role` writes: the role's sections, its findings and the notes on
//! what the config changes as comments, and its granted functions as targets.

use super::{ImportedRole, TrustedAccount};
use lambda_trust_config::ORG_ID_WHERE;

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it may be (letters, digits, `_`, `-`), else quoted.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_string()
    } else {
        quote(k)
    }
}

/// The whole config for `init --from-role` alone.
pub fn role_config(r: &ImportedRole, region: &str) -> String {
    let mut out = format!(
        "# lambda-trust.toml written by `lambda-trust init --from-role {}` from the role as it is.
# Next: `lambda-trust plan --adopt` shows what lambda-trust would change, then
# `lambda-trust apply --adopt`.
",
        r.name
    );
    out.push_str(&role_sections(r, region));
    for (function, qualifier) in &r.targets {
        out.push_str(&format!("\n[[targets]]\nfunction = {}\n", quote(function)));
        if let Some(q) = qualifier {
            out.push_str(&format!("qualifier = {}\n", quote(q)));
        }
    }
    out
}

/// `[trust]`, `[role]`, `[policy]` and `[aws]`, after the role's findings and the notes as
/// comments.
pub(crate) fn role_sections(r: &ImportedRole, region: &str) -> String {
    let mut out = comments(r);
    out.push_str(&match &r.deployment {
        Some(d) => format!(
            "\n# This deployment's own name (see docs/ownership.md, \"Deployments\").\ndeployment = {}\n",
            quote(d)
        ),
        None => format!(
            "\n# Uncomment to give this config a deployment of its own (docs/ownership.md); apply then tags the role.\n# deployment = {}\n",
            quote(&lambda_trust_config::deployment_name(&r.name))
        ),
    });
    out.push_str("\n[trust]\n");
    out.push_str(&match &r.partner {
        TrustedAccount::Preset(p) => format!("partner = {}\n", quote((*p).into())),
        TrustedAccount::Account(a) => format!("account_id = {}\n", quote(a)),
    });
    out.push_str(&format!(
        "# Your Genesys Cloud organization ID ({ORG_ID_WHERE}).\nexternal_id = {}\n",
        quote(&r.external_id)
    ));
    out.push_str(&format!("\n[role]\nname = {}\n", quote(&r.name)));
    if r.path != "/" {
        out.push_str(&format!("path = {}\n", quote(&r.path)));
    }
    if let Some(d) = &r.description {
        out.push_str(&format!("description = {}\n", quote(d)));
    }
    if let Some(s) = r.max_session_duration {
        out.push_str(&format!("max_session_duration = {s}\n"));
    }
    if let Some(b) = &r.permissions_boundary {
        out.push_str(&format!("permissions_boundary = {}\n", quote(b)));
    }
    if !r.tags.is_empty() {
        out.push_str("[role.tags]\n");
        for (k, v) in &r.tags {
            out.push_str(&format!("{} = {}\n", key(k), quote(v)));
        }
    }
    if let Some(n) = &r.policy_name {
        out.push_str(&format!("\n[policy]\nname = {}\n", quote(n)));
    }
    out.push_str(&format!(
        "\n[aws]\nregion = {}\naccount_id = {}\n",
        quote(region),
        quote(&r.account_id)
    ));
    out
}

/// The role's audit findings and what the config changes, as comments.
fn comments(r: &ImportedRole) -> String {
    let mut out = String::new();
    if !r.findings.is_empty() {
        out.push_str(&format!(
            "#\n# Findings on the role {} as it is today (as `lambda-trust audit` reports them):\n",
            r.name
        ));
        for f in &r.findings {
            out.push_str(&format!(
                "# - [{}] {}: {}\n",
                f.severity,
                f.code,
                one_line(&f.message)
            ));
        }
    }
    if !r.notes.is_empty() {
        out.push_str(
            "#\n# Where this config differs from the role (plan --adopt shows each change):\n",
        );
        for n in &r.notes {
            out.push_str(&format!("# - {}\n", one_line(n)));
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
