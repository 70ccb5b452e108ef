//! Genesys Cloud regions: the AWS-style region name of each Genesys Cloud deployment, its
//! Platform API base URL and its login (OAuth) URL, and the resolution of the endpoints from
//! the config and the environment. Pure: no I/O (the environment is passed in).
//!
//! Part of the `config` layer, so that `lint` (config validation) refuses an unknown
//! `[genesys].region` with the list of valid ones; `genesys::client` resolves endpoints with it.
//!
//! Source: the region table of Genesys's published Platform API SDKs
//! (`PureCloudRegionHosts` in the Python SDK `purecloudplatformclientv2`, v269), which matches
//! the Genesys Cloud Developer Center page "Platform API → Regions"
//! (<https://developer.genesys.cloud/platform/api/>). The SDKs derive the login host from the
//! API host by replacing its `api.` label with `login.`; so does [`resolve`] for an
//! API URL given as it is.

use thiserror::Error;

/// One Genesys Cloud region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// AWS-style region name, as in `GENESYSCLOUD_REGION` (e.g. `us-east-1`).
    pub name: &'static str,
    /// Platform API base URL (e.g. `https://api.mypurecloud.com`).
    pub api_url: &'static str,
    /// Login (OAuth token) base URL (e.g. `https://login.mypurecloud.com`).
    pub login_url: &'static str,
}

macro_rules! region {
    ($name:literal, $domain:literal) => {
        Region {
            name: $name,
            api_url: concat!("https://api.", $domain),
            login_url: concat!("https://login.", $domain),
        }
    };
}

/// Every Genesys Cloud region, in the order of the SDK's `PureCloudRegionHosts`.
pub const REGIONS: &[Region] = &[
    region!("us-east-1", "mypurecloud.com"),
    region!("eu-west-1", "mypurecloud.ie"),
    region!("ap-southeast-2", "mypurecloud.com.au"),
    region!("ap-northeast-1", "mypurecloud.jp"),
    region!("eu-central-1", "mypurecloud.de"),
    region!("us-west-2", "usw2.pure.cloud"),
    region!("ca-central-1", "cac1.pure.cloud"),
    region!("ap-northeast-2", "apne2.pure.cloud"),
    region!("eu-west-2", "euw2.pure.cloud"),
    region!("ap-south-1", "aps1.pure.cloud"),
    // FedRAMP (US government).
    region!("us-east-2", "use2.us-gov-pure.cloud"),
    region!("sa-east-1", "sae1.pure.cloud"),
    region!("me-central-1", "mec1.pure.cloud"),
    region!("ap-northeast-3", "apne3.pure.cloud"),
    region!("eu-central-2", "euc2.pure.cloud"),
    region!("mx-central-1", "mxc1.pure.cloud"),
    region!("ap-southeast-1", "apse1.pure.cloud"),
    // EU sovereign cloud (SDK name `eusc_de_east_1`).
    region!("eusc-de-east-1", "edee1.eusc-pure.cloud"),
];

/// The region with this name (exact, case-sensitive like `GENESYSCLOUD_REGION`).
pub(crate) fn by_name(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

/// The region a user names: its AWS-style name, or its domain as `genesys regions` lists it
/// (`mypurecloud.de`, also as `api.mypurecloud.de` or `https://api.mypurecloud.de/`).
pub fn region_named(v: &str) -> Option<&'static Region> {
    let host = v.trim().trim_end_matches('/');
    let host = host.split_once("://").map_or(host, |(_, rest)| rest);
    let domain = ["api.", "login."]
        .iter()
        .find_map(|p| host.strip_prefix(p))
        .unwrap_or(host);
    by_name(v).or_else(|| {
        REGIONS
            .iter()
            .find(|r| r.api_url.strip_prefix("https://api.") == Some(domain))
    })
}

/// The login URL for an API URL: its leading `api.` host label replaced by `login.` (as the
/// SDKs do); the URL itself when the host has no `api.` label, so that a local server on one
/// port serves both.
fn login_url_for(api_url: &str) -> String {
    let api_url = api_url.trim_end_matches('/');
    let (scheme, rest) = match api_url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, api_url),
    };
    let Some(host_rest) = rest.strip_prefix("api.") else {
        return api_url.to_string();
    };
    match scheme {
        Some(scheme) => format!("{scheme}://login.{host_rest}"),
        None => format!("login.{host_rest}"),
    }
}

/// The resolved Genesys Cloud endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The organization's region, as the same-region check uses it: the one the endpoints
    /// came from, else (an explicit API URL, `GENESYSCLOUD_API_REGION`) the configured
    /// `[genesys].region`; `None` when neither is known, and the check is then said not made.
    pub region: Option<String>,
    /// Platform API base URL, without a trailing `/`.
    pub api_url: String,
    /// Login base URL (the token endpoint is `{login_url}/oauth/token`), without a trailing `/`.
    pub login_url: String,
}

/// A variable or setting with a non-blank value, trimmed.
fn set(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// Why the endpoints could not be resolved.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RegionError {
    /// A region name the table does not have.
    #[error("unknown Genesys Cloud region {name:?} (from {source_name})")]
    Unknown {
        /// The name given.
        name: String,
        /// Where it was given: the config or an environment variable.
        source_name: &'static str,
    },
    /// `GENESYSCLOUD_API_REGION` is not a URL.
    #[error("GENESYSCLOUD_API_REGION is not an http(s) URL: {url:?}")]
    BadUrl {
        /// The value given.
        url: String,
    },
    /// Nothing names a region.
    #[error("no Genesys Cloud region")]
    Missing,
}

fn valid_names() -> String {
    REGIONS
        .iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves the endpoints: `GENESYSCLOUD_API_REGION` (an API URL) wins over
/// `GENESYSCLOUD_REGION` (a region name), which wins over the config's `[genesys].region`.
/// Empty values count as unset; a trailing `/` is trimmed.
pub fn resolve(
    config_region: Option<&str>,
    env_region: Option<&str>,
    env_api_url: Option<&str>,
) -> Result<Endpoints, RegionError> {
    if let Some(url) = set(env_api_url) {
        let api_url = url.trim_end_matches('/');
        if !(api_url.starts_with("https://") || api_url.starts_with("http://"))
            || api_url.split_once("://").is_some_and(|(_, h)| h.is_empty())
        {
            return Err(RegionError::BadUrl {
                url: url.to_string(),
            });
        }
        return Ok(Endpoints {
            region: set(config_region).map(str::to_owned),
            api_url: api_url.to_string(),
            login_url: login_url_for(api_url),
        });
    }
    let (name, source_name) = match (set(env_region), set(config_region)) {
        (Some(name), _) => (name, "GENESYSCLOUD_REGION"),
        (None, Some(name)) => (name, "[genesys].region in the config"),
        (None, None) => return Err(RegionError::Missing),
    };
    let region = by_name(name).ok_or_else(|| RegionError::Unknown {
        name: name.to_string(),
        source_name,
    })?;
    Ok(Endpoints {
        region: Some(region.name.to_string()),
        api_url: region.api_url.to_string(),
        login_url: region.login_url.to_string(),
    })
}

impl RegionError {
    /// What the user can do about it: the hint, kept out of the message (the binary prints it
    /// as a last line `(hint: …)`).
    pub(crate) fn hint(&self) -> Option<String> {
        Some(match self {
            RegionError::Unknown { .. } => format!("use one of: {}", valid_names()),
            RegionError::BadUrl { .. } => {
                "give the API base URL, e.g. https://api.mypurecloud.com".into()
            }
            RegionError::Missing => "set [genesys].region in the config, or GENESYSCLOUD_REGION, or GENESYSCLOUD_API_REGION; `lambda-trust genesys regions` lists them".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `genesys regions` lists each region with its domain: either names the region.
    #[test]
    fn a_region_is_named_by_its_name_or_its_domain() {
        for v in [
            "eu-central-1",
            "mypurecloud.de",
            "api.mypurecloud.de",
            "https://api.mypurecloud.de/",
        ] {
            assert_eq!(region_named(v).map(|r| r.name), Some("eu-central-1"), "{v}");
        }
        assert_eq!(
            region_named("usw2.pure.cloud").map(|r| r.name),
            Some("us-west-2")
        );
        for v in ["mypurecloud.example", "pure.cloud", "eu-central-9"] {
            assert!(region_named(v).is_none(), "{v}");
        }
    }

    #[test]
    fn every_region_login_url_is_derived_from_its_api_url() {
        for r in REGIONS {
            assert!(r.api_url.starts_with("https://api."), "{r:?}");
            assert_eq!(login_url_for(r.api_url), r.login_url, "{r:?}");
        }
    }

    /// Issue 43, item 2: endpoints from an explicit API URL carry no region; the configured
    /// `[genesys].region` is still the organization's, so the region check uses it instead of
    /// being skipped in silence.
    #[test]
    fn an_explicit_url_keeps_the_configured_region_for_the_check() {
        let ends = resolve(Some("eu-west-1"), None, Some("http://127.0.0.1:9")).unwrap();
        assert_eq!(ends.api_url, "http://127.0.0.1:9");
        assert_eq!(ends.region.as_deref(), Some("eu-west-1"));
        let named = resolve(Some("eu-west-1"), Some("us-east-1"), None).unwrap();
        assert_eq!(named.region.as_deref(), Some("us-east-1"));
        let unnamed = resolve(None, None, Some("http://127.0.0.1:9")).unwrap();
        assert_eq!(unnamed.region, None);
    }

    #[test]
    fn region_names_are_unique() {
        let mut names: Vec<_> = REGIONS.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), REGIONS.len());
    }

    #[test]
    fn by_name_finds_the_sdk_hosts() {
        assert_eq!(
            by_name("us-east-1").unwrap().api_url,
            "https://api.mypurecloud.com"
        );
        assert_eq!(
            by_name("eu-central-1").unwrap().login_url,
            "https://login.mypurecloud.de"
        );
        assert_eq!(
            by_name("us-east-2").unwrap().api_url,
            "https://api.use2.us-gov-pure.cloud"
        );
        assert!(by_name("US-EAST-1").is_none());
        assert!(by_name("us-east-3").is_none());
    }

    #[test]
    fn login_url_replaces_only_a_leading_api_label() {
        assert_eq!(
            login_url_for("https://api.mypurecloud.com/"),
            "https://login.mypurecloud.com"
        );
        assert_eq!(
            login_url_for("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            login_url_for("https://gateway.example.com/api.v2"),
            "https://gateway.example.com/api.v2"
        );
        assert_eq!(
            login_url_for("https://myapi.example.com"),
            "https://myapi.example.com"
        );
    }

    #[test]
    fn the_api_url_variable_wins_over_both_region_names() {
        let e = resolve(
            Some("eu-west-1"),
            Some("us-west-2"),
            Some("http://127.0.0.1:9/"),
        )
        .unwrap();
        assert_eq!(
            e,
            Endpoints {
                // The organization's region for the same-region check: the configured one.
                region: Some("eu-west-1".into()),
                api_url: "http://127.0.0.1:9".into(),
                login_url: "http://127.0.0.1:9".into(),
            }
        );
    }

    #[test]
    fn the_region_variable_wins_over_the_config() {
        let e = resolve(Some("eu-west-1"), Some("us-west-2"), None).unwrap();
        assert_eq!(e.region.as_deref(), Some("us-west-2"));
        assert_eq!(e.api_url, "https://api.usw2.pure.cloud");
        assert_eq!(e.login_url, "https://login.usw2.pure.cloud");
        let e = resolve(Some("eu-west-1"), Some(""), Some(" ")).unwrap();
        assert_eq!(e.api_url, "https://api.mypurecloud.ie");
    }

    #[test]
    fn an_unknown_region_lists_the_valid_names() {
        let err = resolve(Some("mars-1"), None, None).unwrap_err();
        // As users read it: the message, then the hint.
        let text = format!("{err} (hint: {})", err.hint().unwrap_or_default());
        assert!(text.contains("\"mars-1\""), "{text}");
        assert!(text.contains("config"), "{text}");
        assert!(
            text.contains("hint: use one of: us-east-1, eu-west-1"),
            "{text}"
        );
        let err = resolve(None, Some("mars-1"), None).unwrap_err();
        assert!(err.to_string().contains("GENESYSCLOUD_REGION"));
    }

    #[test]
    fn nothing_set_or_a_bad_url_is_an_error_with_a_hint() {
        assert_eq!(resolve(None, None, None), Err(RegionError::Missing));
        assert!(matches!(
            resolve(None, None, Some("api.mypurecloud.com")),
            Err(RegionError::BadUrl { .. })
        ));
        assert!(matches!(
            resolve(None, None, Some("https://")),
            Err(RegionError::BadUrl { .. })
        ));
    }
}
