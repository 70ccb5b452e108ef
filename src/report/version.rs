//! `lambda-trust --version`: one line; with `--verbose` (or `--format json`) also what the binary
//! was built from — the commit, the target triple, the profile, the crate features and the
//! compiler — so a bug report says what was run. build.rs records them at build time.

use schemars::JsonSchema;
use serde::Serialize;

use super::results::SCHEMA_VERSION;

/// What `--version --format json` prints (docs/schemas/version.schema.json).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct VersionResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    #[schemars(extend("const" = "lambda-trust"))]
    pub name: &'static str,
    #[schemars(regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+"))]
    pub version: &'static str,
    /// `git rev-parse --short HEAD` at build time, or "unknown" (a build outside a git checkout).
    #[schemars(regex(pattern = r"^([0-9a-f]{4,40}|unknown)$"))]
    pub commit: &'static str,
    /// The target triple the binary was built for, e.g. x86_64-unknown-linux-musl.
    #[schemars(length(min = 1))]
    pub target: &'static str,
    /// Cargo's build profile.
    #[schemars(extend("enum" = ["release", "debug"]))]
    pub profile: &'static str,
    /// The crate features enabled at build time (cargo's names, sorted).
    pub features: Vec<&'static str>,
    /// `rustc --version` of the compiler that built it, or "unknown".
    pub rustc: &'static str,
}

impl VersionResult {
    /// The facts of this build.
    pub(crate) fn this_build() -> VersionResult {
        let features = env!("LAMBDA_TRUST_FEATURES");
        VersionResult {
            schema_version: SCHEMA_VERSION,
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            commit: env!("LAMBDA_TRUST_COMMIT"),
            target: env!("LAMBDA_TRUST_TARGET"),
            profile: env!("LAMBDA_TRUST_PROFILE"),
            features: features.split(',').filter(|f| !f.is_empty()).collect(),
            rustc: env!("LAMBDA_TRUST_RUSTC"),
        }
    }

    /// `NAME VERSION (commit C)`, and with `verbose` one `key: value` line per fact.
    pub(crate) fn human(&self, verbose: bool) -> String {
        let mut out = format!("{} {} (commit {})\n", self.name, self.version, self.commit);
        if verbose {
            let features = if self.features.is_empty() {
                "none".to_string()
            } else {
                self.features.join(", ")
            };
            for (key, value) in [
                ("commit", self.commit),
                ("target", self.target),
                ("profile", self.profile),
                ("features", features.as_str()),
                ("rustc", self.rustc),
            ] {
                out.push_str(&format!("{:<10}{value}\n", format!("{key}:")));
            }
        }
        out
    }
}
