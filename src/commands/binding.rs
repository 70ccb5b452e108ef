//! What several commands bind the same way: the one config loaded with its warnings said, a
//! workflow's writes as the results count them, `--function-policies` as the workflows take it,
//! your Genesys Cloud org IDs as a config says them.

use super::invocation::Invocation;
use crate::app::Events;
use crate::error::Result;

/// The one config (`ConfigSource::one`), loaded, its warnings said.
pub(super) fn load(inv: &Invocation, events: &dyn Events) -> Result<lambda_trust_config::Loaded> {
    crate::app::live::load(&inv.config.one()?, events)
}

/// A workflow's write count, as the results carry it.
pub(super) fn writes(w: crate::app::write::Writes) -> crate::report::Writes {
    crate::report::Writes {
        aws: w.aws,
        genesys: w.genesys,
    }
}

/// `--function-policies` as the workflows name it.
pub(super) fn policy_source(
    args: crate::cli::FunctionPoliciesArgs,
) -> crate::app::function_policies::PolicySource {
    use crate::app::function_policies::PolicySource;
    use crate::cli::FunctionPoliciesFrom;
    match args.from {
        FunctionPoliciesFrom::Auto => PolicySource::Auto,
        FunctionPoliciesFrom::Config => PolicySource::Config,
        FunctionPoliciesFrom::Api => PolicySource::Api,
    }
}

/// Your Genesys Cloud org IDs as the config says them: each environment's external ID (its
/// org's ID), when a config is given or found; none otherwise (`watch --organization`,
/// `guardrail` without `--genesys-org-id`).
pub(super) fn org_ids_of_the_config(inv: &Invocation) -> Result<Vec<String>> {
    Ok(org_ids_of(&configs_found(inv)?))
}

/// Each config's external ID that is an org ID (a UUID), once.
pub(super) fn org_ids_of(configs: &[lambda_trust_config::Config]) -> Vec<String> {
    let ids: std::collections::BTreeSet<&String> = (configs.iter())
        .map(|c| &c.trust.external_id)
        .filter(|id| lambda_trust_config::is_uuid(id))
        .collect();
    ids.into_iter().cloned().collect()
}

/// The config in each of its environments, by name (`default` for a config without
/// environments), when one is given or found; none otherwise.
pub(super) fn named_configs_found(
    inv: &Invocation,
) -> Result<Vec<(String, lambda_trust_config::Config)>> {
    let Some(files) = inv.config.each_env_if_found()? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for file in files {
        let name = file.env.clone().unwrap_or_else(|| "default".to_owned());
        out.push((name, file.load()?.config));
    }
    Ok(out)
}

/// The config in each of its environments, when one is given or found; none otherwise.
pub(super) fn configs_found(inv: &Invocation) -> Result<Vec<lambda_trust_config::Config>> {
    let Some(files) = inv.config.each_env_if_found()? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for file in files {
        out.push(file.load()?.config);
    }
    Ok(out)
}
