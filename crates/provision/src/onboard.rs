//! `onboard` / `offboard`: which `[[targets]]` entry to add or remove.
//!
//! Pure helpers beside `edit` (which changes the file text): turning the command-line function
//! argument into a target, and matching targets by their resolved ARN so that a name, an ARN
//! and an alias ARN of the same function are recognised as the same target.

use lambda_trust_config::{action_name, Config, DataActionConfig, TargetConfig};
use lambda_trust_iam::Arn;
use lambda_trust_model::{RenderContext, ResolvedTarget};
use lambda_trust_verdict::Problem;

/// Why `onboard` or `offboard` cannot add or remove the target: the message, and what to do.
fn refused(message: String, hint: Option<&str>) -> Problem {
    Problem {
        message,
        hint: hint.map(str::to_owned),
    }
}

const NAMES_UNIQUE: &str =
    "data action names are unique: pass --action-name NAME with another name";

/// What tells a target's action from another of the same function: its qualifier (`all
/// aliases` for `*`), else its region.
fn name_suffix(target: &TargetConfig) -> Option<String> {
    (target.qualifier.clone())
        .or_else(|| arn_qualifier(&target.function))
        .map(|q| match q.as_str() {
            "*" => "all aliases".to_string(),
            _ => q,
        })
        .or_else(|| target.region.clone())
}

/// With `[genesys]`, the `[targets.action]` of the new target: `--action-name` when given, else
/// none (the default name, the function's) unless another target's action has that name; then
/// the name with the qualifier (`lookup-order (live)`) or the region. Without `[genesys]`, none.
pub fn new_action(
    config: &Config,
    target: &TargetConfig,
    given: Option<&str>,
    config_path: &str,
) -> Result<Option<DataActionConfig>, Problem> {
    if config.genesys.is_none() {
        return match given {
            Some(_) => Err(refused(
                format!("--action-name needs the [genesys] section in {config_path}: without it a target gets no data action"),
                Some("leave out --action-name, or add [genesys] to the config first"),
            )),
            None => Ok(None),
        };
    }
    let taken = |name: &str| {
        config.targets.iter().enumerate().find_map(|(i, t)| {
            (t.action_configs().iter())
                .any(|a| action_name(t, a) == name)
                .then(|| (i, t.function.clone()))
        })
    };
    let named = |name: String| DataActionConfig {
        name: Some(name),
        ..DataActionConfig::default()
    };
    if let Some(name) = given {
        if name.trim().is_empty() || name.trim() != name {
            return Err(refused(
                format!("--action-name {name:?} is not a usable data action name"),
                Some("pass --action-name NAME: non-empty, without leading or trailing spaces"),
            ));
        }
        return match taken(name) {
            Some((index, function)) => Err(refused(
                format!("--action-name {name:?} is already the data action of targets[{index}] ({function}) in {config_path}"),
                Some(NAMES_UNIQUE),
            )),
            None => Ok(Some(named(name.to_string()))),
        };
    }
    let default = action_name(target, &DataActionConfig::default());
    let Some((index, function)) = taken(&default) else {
        return Ok(None);
    };
    let suffix = name_suffix(target);
    match suffix.map(|s| format!("{default} ({s})")) {
        Some(other) if taken(&other).is_none() => Ok(Some(named(other))),
        _ => Err(refused(
            format!("the new target's data action would be named {default:?}, which is already the data action of targets[{index}] ({function}) in {config_path}"),
            Some(NAMES_UNIQUE),
        )),
    }
}

/// The qualifier inside a function ARN (`…:function:f:live` → `live`), if any.
fn arn_qualifier(function: &str) -> Option<String> {
    let arn = Arn::parse(function)?;
    arn.function_parts()?.1.map(str::to_string)
}

/// The `[[targets]]` entry `onboard` or `offboard FUNCTION [--qualifier Q] [--region R]
/// [--all-aliases]` names, and the target it resolves to with the config's defaults.
pub fn resolve_args(
    (config, ctx): (&Config, &RenderContext),
    function: &str,
    qualifier: Option<&str>,
    region: Option<&str>,
    all_aliases: bool,
) -> Result<(TargetConfig, ResolvedTarget), Problem> {
    let target = target_from_args(function, qualifier, region, all_aliases)?;
    let resolved = resolve_one(config, ctx, &target)?;
    Ok((target, resolved))
}

/// The `[[targets]]` entry for `onboard FUNCTION [--qualifier Q] [--region R] [--all-aliases]`.
pub(crate) fn target_from_args(
    function: &str,
    qualifier: Option<&str>,
    region: Option<&str>,
    all_aliases: bool,
) -> Result<TargetConfig, Problem> {
    let qualifier = match (qualifier, all_aliases) {
        (Some(q), true) => {
            return Err(refused(
                format!("--all-aliases grants every qualifier (`*`) and cannot be combined with --qualifier {q}"),
                None,
            ))
        }
        (None, true) => Some("*".to_string()),
        (q, false) => q.map(str::to_string),
    };
    if let (Some(given), Some(in_arn)) = (&qualifier, arn_qualifier(function)) {
        if *given != in_arn {
            return Err(refused(
                format!(
                    "--qualifier {given} conflicts with the qualifier {in_arn} in the function ARN"
                ),
                Some("give the qualifier once: either in the ARN or with --qualifier"),
            ));
        }
        // Same qualifier twice: keep it in the ARN only.
        return Ok(TargetConfig {
            function: function.to_string(),
            region: region.map(str::to_string),
            qualifier: None,
            action: None,
            actions: None,
            shared: false,
        });
    }
    Ok(TargetConfig {
        function: function.to_string(),
        region: region.map(str::to_string),
        qualifier,
        action: None,
        actions: None,
        shared: false,
    })
}

/// Resolves one target on its own, with the config's defaults.
pub(crate) fn resolve_one(
    config: &Config,
    ctx: &RenderContext,
    target: &TargetConfig,
) -> Result<ResolvedTarget, Problem> {
    let mut single = config.clone();
    single.targets = vec![target.clone()];
    let mut resolved = lambda_trust_model::resolve_targets(&single, ctx).map_err(|e| Problem {
        message: e.to_string(),
        hint: lambda_trust_verdict::Hinted::hint(&e),
    })?;
    Ok(resolved.remove(0))
}

/// The position of an existing target that grants the same function and qualifier.
pub fn already_present(existing: &[ResolvedTarget], new: &ResolvedTarget) -> Option<usize> {
    existing
        .iter()
        .find(|t| t.function_arn == new.function_arn && t.qualifier == new.qualifier)
        .map(|t| t.index)
}

/// Positions of the targets `offboard` removes: every entry for the function, or only the one
/// with the given qualifier when the argument carries one.
pub fn matching(
    existing: &[ResolvedTarget],
    wanted: &ResolvedTarget,
    config_path: &str,
) -> Result<Vec<usize>, Problem> {
    let hits: Vec<usize> = existing
        .iter()
        .filter(|t| {
            t.function_arn == wanted.function_arn
                && (wanted.qualifier.is_none() || t.qualifier == wanted.qualifier)
        })
        .map(|t| t.index)
        .collect();
    if hits.is_empty() {
        let current = if existing.is_empty() {
            "none".to_string()
        } else {
            existing
                .iter()
                .map(|t| lambda_trust_iam::qualified_arn(&t.function_arn, t.qualifier.as_deref()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let function =
            lambda_trust_iam::qualified_arn(&wanted.function_arn, wanted.qualifier.as_deref());
        return Err(refused(
            format!("{function} is not a target of {config_path}"),
            Some(&format!("current targets: {current}")),
        ));
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_aliases_means_star() {
        let t = target_from_args("f", None, Some("eu-west-1"), true).unwrap();
        assert_eq!(t.qualifier.as_deref(), Some("*"));
        assert_eq!(t.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn qualifier_twice_must_agree() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:f:live";
        assert!(target_from_args(arn, Some("blue"), None, false).is_err());
        let t = target_from_args(arn, Some("live"), None, false).unwrap();
        assert_eq!(t.qualifier, None);
        assert!(target_from_args("f", Some("live"), None, true).is_err());
    }
}
