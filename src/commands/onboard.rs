//! `lambda-trust onboard` / `offboard`: adds or removes one target in the config file
//! (comment-preserving), then applies and proves the result (`app::onboard`); the change is
//! shown before anything is written, and `--dry-run` stops there.

use super::invocation::Invocation;
use crate::app::onboard::{self, Add, Edit, Planned, Ready, Remove};
use crate::app::Events;
use crate::cli::{OffboardArgs, OnboardArgs};
use crate::error::{Result, Status};
use crate::report::{self, Onboarded, Styles};

/// `onboard`'s flags as the config edit (the new entry's region is `--region`'s).
pub(super) fn adding(inv: &Invocation, args: &OnboardArgs) -> Edit {
    Edit::Add(Add {
        function: args.function.clone(),
        region: inv.settings.aws.region.clone(),
        qualifier: args.qualifier.clone(),
        all_aliases: args.all_aliases,
        action_name: args.action_name.clone(),
    })
}

/// `offboard`'s flags as the config edit.
pub(super) fn removing(inv: &Invocation, args: &OffboardArgs) -> Edit {
    Edit::Remove(Remove {
        function: args.function.clone(),
        region: inv.settings.aws.region.clone(),
        qualifier: args.qualifier.clone(),
        force: args.force,
    })
}

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    edit: Edit,
    dry_run: bool,
    yes: bool,
) -> Result<Status> {
    let path = inv.config.one()?;
    // `--region` is FUNCTION's region here (in `edit`), not the run's (docs/regions.md).
    let mut settings = inv.settings.clone();
    settings.aws.region = None;
    let ready = match onboard::plan(&settings, events, path, edit).await? {
        Planned::AlreadyThere { summary } => {
            inv.output.emit(&Onboarded::AlreadyThere { summary })?;
            return Ok(Status::Ok);
        }
        Planned::Ready(ready) => ready,
    };
    let set = &ready.planned.set;
    inv.output.preview(|styles| changes_human(&ready, styles));
    if dry_run {
        let before = &ready.before;
        let diff = report::config_diff(&before.shown, &before.text, &ready.new_text);
        inv.output.emit(&Onboarded::DryRun { diff, set })?;
        return Ok(Status::Changes);
    }
    // Nothing is written (the config file neither) until the user says yes: on a terminal,
    // a piped line, or --yes.
    if !super::confirm::approved(inv, set, yes)? {
        inv.output
            .say("nothing written; the config file is unchanged");
        return Ok(Status::Changes);
    }
    let (writes, verification) = onboard::apply(events, &ready).await?;
    inv.output.emit(&Onboarded::Done {
        summary: &ready.summary,
        set,
        writes: super::binding::writes(writes),
        verification: &verification,
    })?;
    Ok(Status::ok_or(verification.passed, Status::Denied))
}

/// The config diff and both sides' plans, for people (before anything is written).
fn changes_human(ready: &Ready, styles: Styles) -> String {
    let (before, set) = (&ready.before, &ready.planned.set);
    let mut out = format!(
        "{}\n",
        styles.bold(&format!("Config change ({}):", before.shown))
    );
    out.push_str(&report::config_diff(
        &before.shown,
        &before.text,
        &ready.new_text,
    ));
    out.push_str(&format!("{}\n", styles.bold("AWS changes:")));
    out.push_str(&report::plan_human(&set.aws, styles));
    if let Some(genesys) = &set.genesys {
        out.push_str(&format!("{}\n", styles.bold("Genesys Cloud changes:")));
        out.push_str(&report::genesys_plan_human(genesys, styles));
    }
    out
}
