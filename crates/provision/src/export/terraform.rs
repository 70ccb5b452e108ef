//! The Terraform export: a flat root module of literal blocks — one resource block and, where
//! the object is live, one `import` block per object (Terraform ≥ 1.5, "Import": the import
//! block) — so `terraform plan` adopts what exists and changes nothing. What differs per
//! environment (the account, the region, the Genesys Cloud org ID) is a variable whose value is
//! in `terraform.tfvars`; only the Genesys Cloud OAuth client is left for the user (sensitive
//! variables without a value: never a secret in the output).

use std::fmt::Write as _;

use super::hcl::{self, import, labels, string, with_vars};
use super::{Export, Permission};

/// One file of the export: its name in the output directory, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Its name in the output directory (`aws.tf`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Every file of the Terraform export.
pub(crate) fn files(e: &Export) -> Vec<File> {
    let mut out = vec![
        file("versions.tf", e, versions(e)),
        file("variables.tf", e, variables(e)),
        file("terraform.tfvars", e, tfvars(e)),
        file("aws.tf", e, aws(e)),
    ];
    if let Some(g) = super::genesys_tf::blocks(e) {
        out.push(file("genesys.tf", e, g));
    }
    out
}

fn file(name: &str, e: &Export, body: String) -> File {
    let header = format!(
        "# {}\n# Review `terraform plan`: it should import every object and change nothing.\n\n",
        e.origin.line()
    );
    File {
        name: name.to_string(),
        text: hcl::aligned(&(header + &body)),
    }
}

/// `terraform` with the providers, and the AWS provider of the role's account and of each
/// other account a cross-account statement is written in.
fn versions(e: &Export) -> String {
    let mut out = String::from(
        "terraform {\n  required_version = \">= 1.5.0\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.72\"\n    }\n",
    );
    if e.genesys.is_some() {
        out.push_str("    genesyscloud = {\n      source  = \"mypurecloud/genesyscloud\"\n      version = \">= 1.40.0\"\n    }\n");
    }
    out.push_str("  }\n}\n\nprovider \"aws\" {\n  region = var.region\n}\n");
    for (account, region) in other_accounts(&e.permissions) {
        let _ = write!(
            out,
            "\n# Credentials that act in account {account} (a profile, or assume_role).\nprovider \"aws\" {{\n  alias  = {}\n  region = {}\n}}\n",
            string(&provider_alias(&account)),
            string(&region)
        );
    }
    if e.genesys.is_some() {
        out.push_str(
            "\n# The OAuth client of the Genesys Cloud org (client credentials grant).\nprovider \"genesyscloud\" {\n  oauthclient_id     = var.genesys_oauth_client_id\n  oauthclient_secret = var.genesys_oauth_client_secret\n  aws_region         = var.genesys_region\n}\n",
        );
    }
    out
}

/// The accounts other than the role's that hold a statement, with the region of the first.
fn other_accounts(permissions: &[Permission]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in permissions {
        if !out.iter().any(|(a, _)| *a == p.account) {
            out.push((p.account.clone(), p.region.clone()));
        }
    }
    out
}

fn provider_alias(account: &str) -> String {
    format!("account_{account}")
}

fn variables(e: &Export) -> String {
    let mut out = String::from(
        "variable \"account_id\" {\n  description = \"The AWS account of the role.\"\n  type        = string\n}\n\nvariable \"region\" {\n  description = \"The AWS region of the run (and of bare function names).\"\n  type        = string\n}\n\nvariable \"org_id\" {\n  description = \"The Genesys Cloud organization ID: the trust policy's sts:ExternalId.\"\n  type        = string\n}\n",
    );
    if e.genesys.is_some() {
        out.push_str("\nvariable \"genesys_region\" {\n  description = \"The Genesys Cloud org's region, as an AWS region name.\"\n  type        = string\n}\n\nvariable \"genesys_oauth_client_id\" {\n  description = \"The Genesys Cloud OAuth client's ID (set it: TF_VAR_genesys_oauth_client_id).\"\n  type        = string\n  sensitive   = true\n}\n\nvariable \"genesys_oauth_client_secret\" {\n  description = \"The Genesys Cloud OAuth client's secret (set it: TF_VAR_genesys_oauth_client_secret).\"\n  type        = string\n  sensitive   = true\n}\n");
    }
    out
}

fn tfvars(e: &Export) -> String {
    let mut out = format!(
        "account_id = {}\nregion     = {}\norg_id     = {}\n",
        string(&e.account_id),
        string(&e.region),
        string(&e.external_id)
    );
    if let Some(g) = &e.genesys {
        let _ = writeln!(out, "genesys_region = {}", string(&g.region));
    }
    out
}

/// The role, each policy and its attachment, each cross-account statement, and their imports.
fn aws(e: &Export) -> String {
    let mut out = String::new();
    role(e, &mut out);
    let names = labels(e.policies.iter().map(|p| p.name.as_str()));
    for (p, label) in e.policies.iter().zip(&names) {
        let _ = write!(
            out,
            "\nresource \"aws_iam_policy\" {} {{\n  name   = {}\n  path   = {}\n  policy = jsonencode({})\n{}}}\n",
            string(label),
            string(&p.name),
            string(&p.path),
            with_vars(e, &hcl::value(&p.document, 2)),
            tags(&p.tags)
        );
        import(e, &mut out, &format!("aws_iam_policy.{label}"), &p.arn);
        let _ = write!(
            out,
            "\nresource \"aws_iam_role_policy_attachment\" {} {{\n  role       = aws_iam_role.role.name\n  policy_arn = aws_iam_policy.{label}.arn\n}}\n",
            string(label)
        );
        let id = format!("{}/{}", e.role.name, p.arn);
        import(
            e,
            &mut out,
            &format!("aws_iam_role_policy_attachment.{label}"),
            &id,
        );
    }
    exclusive(e, &names, &mut out);
    permissions(e, &mut out);
    out
}

/// The role's inline policies and attachments owned by the code (AWS provider 5.68 and 5.72,
/// `aws_iam_role_policies_exclusive`, `aws_iam_role_policy_attachments_exclusive`): one added
/// by hand is removed by `terraform apply`, as `lambda-trust apply` removes it. Imported by the
/// role's name.
fn exclusive(e: &Export, labels: &[String], out: &mut String) {
    let arns: Vec<String> = (labels.iter())
        .map(|l| format!("aws_iam_policy.{l}.arn"))
        .collect();
    let _ = write!(
        out,
        "\n# Only these: an inline policy or attachment added by hand is removed by terraform apply.\nresource \"aws_iam_role_policies_exclusive\" \"role\" {{\n  role_name    = aws_iam_role.role.name\n  policy_names = []\n}}\n",
    );
    import(e, out, "aws_iam_role_policies_exclusive.role", &e.role.name);
    let _ = write!(
        out,
        "\nresource \"aws_iam_role_policy_attachments_exclusive\" \"role\" {{\n  role_name   = aws_iam_role.role.name\n  policy_arns = [{}]\n}}\n",
        arns.join(", ")
    );
    import(
        e,
        out,
        "aws_iam_role_policy_attachments_exclusive.role",
        &e.role.name,
    );
}

fn role(e: &Export, out: &mut String) {
    let r = &e.role;
    let boundary = (r.permissions_boundary.as_deref())
        .map(|b| format!("  permissions_boundary = {}\n", string(b)))
        .unwrap_or_default();
    let _ = write!(
        out,
        "resource \"aws_iam_role\" \"role\" {{\n  name                 = {}\n  path                 = {}\n  description          = {}\n  max_session_duration = {}\n{boundary}  assume_role_policy   = jsonencode({})\n{}}}\n",
        string(&r.name),
        string(&r.path),
        string(&r.description),
        r.max_session_duration,
        with_vars(e, &hcl::value(&r.trust, 2)),
        tags(&r.tags)
    );
    import(e, out, "aws_iam_role.role", &r.name);
}

/// Each cross-account statement, written with that account's provider.
fn permissions(e: &Export, out: &mut String) {
    let named: Vec<String> = e.permissions.iter().map(permission_name).collect();
    let names = labels(named.iter().map(String::as_str));
    for (p, label) in e.permissions.iter().zip(&names) {
        let qualifier = (p.qualifier.as_deref())
            .map(|q| format!("  qualifier     = {}\n", string(q)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "\nresource \"aws_lambda_permission\" {} {{\n  provider      = aws.{}\n  statement_id  = {}\n  action        = \"lambda:InvokeFunction\"\n  function_name = {}\n{qualifier}  principal     = aws_iam_role.role.arn\n}}\n",
            string(label),
            provider_alias(&p.account),
            string(&p.statement_id),
            string(&p.function_arn)
        );
        // The provider's import ID: FUNCTION[:QUALIFIER]/STATEMENT_ID.
        let function = lambda_trust_iam::qualified_arn(&p.function_arn, p.qualifier.as_deref());
        let id = format!("{function}/{}", p.statement_id);
        import(e, out, &format!("aws_lambda_permission.{label}"), &id);
    }
}

fn permission_name(p: &Permission) -> String {
    let name = p.function_arn.rsplit(':').next().unwrap_or_default();
    match &p.qualifier {
        Some(q) => format!("{name}_{q}"),
        None => name.to_string(),
    }
}

pub(super) fn tags(tags: &std::collections::BTreeMap<String, String>) -> String {
    if tags.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = (tags.iter())
        .map(|(k, v)| format!("    {} = {}\n", string(k), string(v)))
        .collect();
    format!("  tags = {{\n{}  }}\n", lines.concat())
}
