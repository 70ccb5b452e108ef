//! `export`'s result: the files written, the objects in them and their imports.

use schemars::JsonSchema;
use serde::Serialize;

use super::output::Report;
use super::results::to_json;
use super::styles::Styles;
use super::text::printable;

/// `export terraform|cloudformation`: what was written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ExportResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// `terraform` or `cloudformation`.
    #[schemars(extend("enum" = ["terraform", "cloudformation"]))]
    pub format: &'static str,
    /// The files written, in the order written.
    #[schemars(length(min = 1))]
    pub files: Vec<String>,
    /// The resources the written files declare (Terraform's `resource` blocks; CloudFormation's
    /// templates' `Resources`), the Genesys Cloud side's included where Terraform carries it.
    pub objects: usize,
    /// How many of them are imported with their live ID (none with --from-config).
    pub imports: usize,
    /// What was not exported, and why.
    pub not_exported: Vec<String>,
}

impl Report for ExportResult {
    fn human(&self, styles: Styles) -> String {
        let mut out = format!(
            "{} {} resource(s) as {}, {} with an import of the live object:\n",
            styles.green("✓ exported"),
            self.objects,
            self.format,
            self.imports
        );
        for f in &self.files {
            out.push_str(&format!("  {}\n", printable(f)));
        }
        for n in &self.not_exported {
            out.push_str(&format!("  not exported: {}\n", printable(n)));
        }
        let next = match (self.format, self.imports > 0) {
            ("terraform", true) => "next: terraform init && terraform plan (it should import every object and change nothing)",
            ("terraform", false) => "next: terraform init && terraform plan (it creates every object)",
            (_, true) => "next: aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import file://lambda-trust.import.json … (docs/export.md)",
            (_, false) => "next: aws cloudformation deploy --template-file lambda-trust.template.json --stack-name STACK --capabilities CAPABILITY_NAMED_IAM (docs/export.md)",
        };
        out.push_str(next);
        out.push('\n');
        out.push_str("then: add managed_by = \"");
        out.push_str(self.format);
        out.push_str(
            "\" at the top of the config, so lambda-trust only reads what it handed over\n",
        );
        out
    }
    fn json(&self) -> String {
        to_json(self)
    }
}
