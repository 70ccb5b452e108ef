//! The Genesys Cloud half of the Terraform export, for the `mypurecloud/genesyscloud`
//! provider: `genesyscloud_integration_credential` (type `amazonWebServicesARN`, its `ARN`
//! field the role's), `genesyscloud_integration` (type `aws-lambda-data-actions`, the credential
//! bound under `AmazonWebServicesARN`, its intended state written out: the provider's default is
//! `DISABLED`) and one `genesyscloud_integration_action` per data action, with its contracts,
//! request, response, secure flag and timeout. Each import ID is the object's plain ID (the
//! provider's importers pass it through). Templates keep `${…}` literal as `$${…}`.
//!
//! Sources: the provider's resource schemas (`genesyscloud/integration*/…_schema.go`) and
//! Genesys's own Lambda modules (`GenesysCloudDevOps/integration-lambda-module`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::hcl::{self, import, labels, string, with_vars};
use super::{Action, Export};

/// `genesys.tf`'s blocks, with `[genesys]`.
pub(super) fn blocks(e: &Export) -> Option<String> {
    let g = e.genesys.as_ref()?;
    let mut out = String::new();
    let c = &g.credential;
    let _ = write!(
        out,
        "# Genesys Cloud never returns a credential's fields, so after the import Terraform plans\n# one update of `fields`: it writes the same role ARN again.\nresource \"genesyscloud_integration_credential\" \"role\" {{\n  name                 = {}\n  credential_type_name = {}\n  fields = {{\n    ARN = aws_iam_role.role.arn\n  }}\n}}\n",
        string(&c.name),
        string(&c.type_name)
    );
    if let Some(id) = &c.id {
        import(e, &mut out, "genesyscloud_integration_credential.role", id);
    }
    let i = &g.integration;
    let _ = write!(
        out,
        "\nresource \"genesyscloud_integration\" \"lambda\" {{\n  integration_type = \"aws-lambda-data-actions\"\n  intended_state   = {}\n  config {{\n    name       = {}\n    notes      = {}\n    properties = jsonencode({{}})\n    advanced   = jsonencode({{}})\n    credentials = {{\n      AmazonWebServicesARN = genesyscloud_integration_credential.role.id\n    }}\n  }}\n}}\n",
        string(&i.intended_state),
        string(&i.name),
        string(&i.notes)
    );
    if let Some(id) = &i.id {
        import(e, &mut out, "genesyscloud_integration.lambda", id);
    }
    let names = labels(g.actions.iter().map(|a| a.def.name.as_str()));
    for (a, label) in g.actions.iter().zip(&names) {
        out.push_str(&action(e, a, label));
        if let Some(id) = &a.id {
            import(
                e,
                &mut out,
                &format!("genesyscloud_integration_action.{label}"),
                id,
            );
        }
    }
    Some(out)
}

fn action(e: &Export, a: &Action, label: &str) -> String {
    let d = &a.def;
    let timeout = (d.config.timeout_seconds)
        .map(|t| format!("  config_timeout_seconds = {t}\n"))
        .unwrap_or_default();
    let request = &d.config.request;
    let response = &d.config.response;
    format!(
        "\nresource \"genesyscloud_integration_action\" {} {{\n  name            = {}\n  category        = {}\n  integration_id  = genesyscloud_integration.lambda.id\n  secure          = {}\n{timeout}  contract_input  = jsonencode({})\n  contract_output = jsonencode({})\n  config_request {{\n    request_url_template = {}\n    request_type         = {}\n    request_template     = {}\n{}  }}\n  config_response {{\n    success_template = {}\n{}{}  }}\n}}\n",
        string(label),
        string(&d.name),
        string(&d.category),
        d.secure,
        hcl::value(&d.contract.input_schema, 2),
        hcl::value(&d.contract.success_schema, 2),
        with_vars(e, &string(&request.request_url_template)),
        string(&request.request_type),
        string(&request.request_template),
        map("headers", &request.headers),
        string(&response.success_template),
        map("translation_map", &response.translation_map),
        map("translation_map_defaults", &response.translation_map_defaults),
    )
}

/// `    NAME = { "k" = "v" }`, or nothing for an empty map.
fn map(name: &str, m: &BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = (m.iter())
        .map(|(k, v)| format!("      {} = {}\n", string(k), string(v)))
        .collect();
    format!("    {name} = {{\n{}    }}\n", lines.concat())
}
