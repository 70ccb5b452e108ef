//! The words of a config report's notes (`lambda_trust_provision::ConfigNote`), and `check`'s
//! JSON document, which writes them as `notes` (version 1's strings).

use lambda_trust_provision::{CheckReport, ConfigNote, ConfigReport};
use schemars::JsonSchema;
use serde::Serialize;

/// The note in words.
pub(crate) fn config_note(note: &ConfigNote) -> String {
    match note {
        ConfigNote::GetsThroughAssuming { role } => {
            format!("Genesys Cloud gets through assuming {role}")
        }
        ConfigNote::FunctionPoliciesRead { said } => format!("function policies in {said}"),
        ConfigNote::WatchReadRole { read_at } => watch_read("the role read again", read_at),
        ConfigNote::WatchReadFunction { function, read_at } => watch_read(
            &format!("the role and {function}'s policy read again"),
            read_at,
        ),
        ConfigNote::WatchReadGenesys => "watch: the Genesys Cloud side read again after its \
            audit event; AWS is judged on its own events"
            .into(),
        ConfigNote::GenesysJudgedAlone => "the Genesys Cloud side judged against the config \
            alone: the checks that compare it with the AWS side (the role its credential \
            holds, the functions' timeouts) need that side"
            .into(),
        ConfigNote::HandedOver { tool } => format!(
            "handed over to {tool} (managed_by): lambda-trust's ownership tags, tags the \
             config does not declare and statement IDs are not compared, and lambda-trust \
             writes none of what {tool} manages"
        ),
        ConfigNote::GenesysPlan { said } => said.clone(),
        ConfigNote::IacNotCompared => "not compared: whether each target function exists (no \
            AWS call is made) and the ownership tags (the role belongs to the IaC tool)"
            .into(),
        ConfigNote::IacSettingsNotRead => "not compared: the role's description and maximum \
            session duration (not read from this input)"
            .into(),
    }
}

/// A watch run's note: what it read again, and when the rest was read.
fn watch_read(what: &str, read_at: &str) -> String {
    format!(
        "watch: {what}; the rest as read at {read_at}; the Genesys Cloud side is read on the \
         schedule"
    )
}

/// `check --format json` (and `--json FILE`): the report, each config's notes in words.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(extend(
    "if" = {"properties": {"in_sync": {"const": true}}},
    "then" = {"properties": {"configs": {"items": {"properties": {"status": {"const": "ok"}}}}}},
    "else" = {"properties": {"configs": {"contains": {"anyOf": [
        {"properties": {"status": {"enum": ["drift", "error"]}}},
        {"required": ["not_checked"]}
    ]}}}}
))]
pub(crate) struct CheckDocument<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    schema_version: u32,
    /// Every config is ok, each side of it checked.
    in_sync: bool,
    /// Each config's report, in the order given.
    #[schemars(length(min = 1))]
    configs: Vec<ConfigDocument<'a>>,
}

/// One config's result.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ConfigDocument<'a> {
    #[serde(flatten)]
    report: &'a ConfigReport,
    /// What the reader should know that is not drift (e.g. a superseded Genesys Cloud data
    /// action kept because a flow still calls it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1))]
    notes: Vec<String>,
}

impl<'a> CheckDocument<'a> {
    /// The document of `report`.
    pub(crate) fn of(report: &'a CheckReport) -> CheckDocument<'a> {
        let configs = (report.configs.iter())
            .map(|report| ConfigDocument {
                report,
                notes: report.notes.iter().map(config_note).collect(),
            })
            .collect();
        CheckDocument {
            schema_version: lambda_trust_verdict::SCHEMA_VERSION,
            in_sync: report.in_sync,
            configs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_trust_config::ManagedBy;

    #[test]
    fn each_note_is_worded_as_version_1_wrote_it() {
        let read_at = || "2026-11-28T00:00:00Z".to_owned();
        let notes = [
            (ConfigNote::GetsThroughAssuming { role: "arn:r".into() }, "Genesys Cloud gets through assuming arn:r"),
            (ConfigNote::FunctionPoliciesRead { said: "us-east-1: 2 read".into() }, "function policies in us-east-1: 2 read"),
            (ConfigNote::WatchReadRole { read_at: read_at() }, "watch: the role read again; the rest as read at 2026-11-28T00:00:00Z; the Genesys Cloud side is read on the schedule"),
            (ConfigNote::WatchReadFunction { function: "arn:f".into(), read_at: read_at() }, "watch: the role and arn:f's policy read again; the rest as read at 2026-11-28T00:00:00Z; the Genesys Cloud side is read on the schedule"),
            (ConfigNote::WatchReadGenesys, "watch: the Genesys Cloud side read again after its audit event; AWS is judged on its own events"),
            (ConfigNote::GenesysJudgedAlone, "the Genesys Cloud side judged against the config alone: the checks that compare it with the AWS side (the role its credential holds, the functions' timeouts) need that side"),
            (ConfigNote::HandedOver { tool: ManagedBy::Terraform }, "handed over to Terraform (managed_by): lambda-trust's ownership tags, tags the config does not declare and statement IDs are not compared, and lambda-trust writes none of what Terraform manages"),
            (ConfigNote::GenesysPlan { said: "the plan's words".into() }, "the plan's words"),
            (ConfigNote::IacNotCompared, "not compared: whether each target function exists (no AWS call is made) and the ownership tags (the role belongs to the IaC tool)"),
            (ConfigNote::IacSettingsNotRead, "not compared: the role's description and maximum session duration (not read from this input)"),
        ];
        for (note, words) in notes {
            assert_eq!(config_note(&note), words);
        }
    }

    #[test]
    fn the_json_document_writes_the_notes_in_words_after_the_report() {
        let mut report = ConfigReport::error("c.toml", "x".into());
        report.notes.push(ConfigNote::IacSettingsNotRead);
        let check = CheckReport::from(vec![report]);
        let json = serde_json::to_value(CheckDocument::of(&check)).unwrap();
        let config = &json["configs"][0];
        assert_eq!(config["config"], "c.toml");
        assert_eq!(
            config["notes"][0],
            config_note(&ConfigNote::IacSettingsNotRead)
        );
        assert_eq!(json["schema_version"], 1);
    }
}
