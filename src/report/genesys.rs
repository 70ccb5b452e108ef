//! The Genesys Cloud region table (`lambda-trust genesys regions`), human and JSON. Takes plain
//! rows: `report` does not import the `genesys` layer beside it.

use schemars::JsonSchema;
use serde::Serialize;

use super::styles::Styles;

/// One region as printed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct RegionRow {
    /// The name [genesys].region and GENESYSCLOUD_REGION take, e.g. us-east-1.
    #[schemars(regex(pattern = r"^[a-z]+(-[a-z]+)+-[0-9]+$"))]
    pub region: &'static str,
    #[schemars(url, regex(pattern = r"^https://api\."))]
    pub api_url: &'static str,
    #[schemars(url, regex(pattern = r"^https://login\."))]
    pub login_url: &'static str,
}

/// A table with a bold header: region, API URL, login URL, columns padded to their widths.
pub(crate) fn regions_human(rows: &[RegionRow], styles: Styles) -> String {
    let header = ["REGION", "API URL", "LOGIN URL"];
    let w0 = rows
        .iter()
        .map(|r| r.region.len())
        .chain([header[0].len()])
        .max()
        .unwrap_or(0);
    let w1 = rows
        .iter()
        .map(|r| r.api_url.len())
        .chain([header[1].len()])
        .max()
        .unwrap_or(0);
    let line =
        |a: &str, b: &str, c: &str| format!("{a:<w0$}  {b:<w1$}  {c}").trim_end().to_string();
    let mut out = styles.bold(&line(header[0], header[1], header[2]));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.region, r.api_url, r.login_url));
        out.push('\n');
    }
    out
}

/// `genesys regions --format json`: `{"schema_version": 1, "regions": [{"region", "api_url",
/// "login_url"}…]}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct RegionsResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    #[schemars(length(min = 1))]
    pub regions: &'a [RegionRow],
}

/// [`RegionsResult`], pretty-printed, with a final newline.
#[cfg(test)]
pub(crate) fn regions_json(rows: &[RegionRow]) -> String {
    format!("{}\n", regions_result(rows))
}

/// The table's JSON document, without newline.
pub(super) fn regions_result(rows: &[RegionRow]) -> String {
    super::results::to_json(&RegionsResult {
        schema_version: lambda_trust_verdict::SCHEMA_VERSION,
        regions: rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<RegionRow> {
        vec![
            RegionRow {
                region: "us-east-1",
                api_url: "https://api.mypurecloud.com",
                login_url: "https://login.mypurecloud.com",
            },
            RegionRow {
                region: "eu-central-2",
                api_url: "https://api.euc2.pure.cloud",
                login_url: "https://login.euc2.pure.cloud",
            },
        ]
    }

    #[test]
    fn the_human_table_aligns_its_columns() {
        let text = regions_human(&rows(), Styles::default());
        assert_eq!(
            text,
            "REGION        API URL                      LOGIN URL\n\
             us-east-1     https://api.mypurecloud.com  https://login.mypurecloud.com\n\
             eu-central-2  https://api.euc2.pure.cloud  https://login.euc2.pure.cloud\n"
        );
    }

    #[test]
    fn the_json_has_a_schema_version_and_one_object_per_region() {
        let v: serde_json::Value = serde_json::from_str(&regions_json(&rows())).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["regions"][1]["region"], "eu-central-2");
        assert_eq!(
            v["regions"][1]["login_url"],
            "https://login.euc2.pure.cloud"
        );
        assert_eq!(v["regions"].as_array().unwrap().len(), 2);
    }
}
