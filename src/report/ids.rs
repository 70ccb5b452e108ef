//! `lambda-trust ids`: one org's Genesys Cloud IDs — human, JSON, an Archy options file and a
//! Terraform `substitutions` map — so flows are promoted from one environment to the next
//! without hand-editing IDs.

use schemars::JsonSchema;
use serde::Serialize;

use super::output::{Format, Report};
use super::styles::Styles;
use lambda_trust_provision::{ActionId, NamedId, OrgIds};

/// `ids --format json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct IdsResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// The config's environment (`--env`), when it has environments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<&'a str>,
    /// The integration, once created (`null` before the first `apply`).
    pub integration: Option<&'a NamedId>,
    /// The credential, once created.
    pub credential: Option<&'a NamedId>,
    /// Each configured data action the org has: name, category, ID and substitution key.
    pub actions: &'a [ActionId],
    /// Configured actions the org does not have yet (`apply` creates them).
    pub missing: &'a [String],
}

impl<'a> IdsResult<'a> {
    pub(crate) fn new(environment: Option<&'a str>, ids: &'a OrgIds) -> IdsResult<'a> {
        IdsResult {
            schema_version: lambda_trust_verdict::SCHEMA_VERSION,
            environment,
            integration: ids.integration.as_ref(),
            credential: ids.credential.as_ref(),
            actions: &ids.actions,
            missing: &ids.missing,
        }
    }

    /// Every substitution: the integration's and credential's, then each action's.
    fn substitutions(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        if let Some(i) = self.integration {
            out.push(("integration_id".to_string(), i.id.as_str()));
        }
        if let Some(c) = self.credential {
            out.push(("credential_id".to_string(), c.id.as_str()));
        }
        out.extend(self.actions.iter().map(|a| (a.key.clone(), a.id.as_str())));
        out
    }

    fn heading(&self) -> String {
        match self.environment {
            Some(env) => format!("Genesys Cloud IDs of environment {env} (lambda-trust ids)"),
            None => "Genesys Cloud IDs (lambda-trust ids)".to_string(),
        }
    }
}

impl Report for IdsResult<'_> {
    const FORMATS: &'static [Format] = &[
        Format::Human,
        Format::Json,
        Format::Archy,
        Format::Terraform,
    ];

    fn human(&self, styles: Styles) -> String {
        let mut out = String::new();
        let named = |what: &str, n: Option<&NamedId>| match n {
            Some(n) => format!("{what:<12} {}  {}\n", n.id, n.name),
            None => format!("{what:<12} (not created yet: run `lambda-trust apply`)\n"),
        };
        out.push_str(&named("integration", self.integration));
        out.push_str(&named("credential", self.credential));
        for a in self.actions {
            out.push_str(&format!(
                "{:<12} {}  {} / {}  ({})\n",
                "action", a.id, a.category, a.name, a.key
            ));
        }
        for m in self.missing {
            out.push_str(&styles.yellow(&format!("{:<12} (not created yet) {m}\n", "action")));
        }
        out
    }

    fn json(&self) -> String {
        super::results::to_json(self)
    }

    fn archy(&self) -> Option<String> {
        let mut out = format!("# {}\nsubstitutions:\n", self.heading());
        for (key, id) in self.substitutions() {
            out.push_str(&format!("  {key}: \"{id}\"\n"));
        }
        Some(out)
    }

    fn terraform(&self) -> Option<String> {
        let mut out = format!(
            "# {}: for genesyscloud_flow.substitutions\nsubstitutions = {{\n",
            self.heading()
        );
        for (key, id) in self.substitutions() {
            out.push_str(&format!("  {key} = \"{id}\"\n"));
        }
        out.push_str("}\n");
        Some(out)
    }
}
