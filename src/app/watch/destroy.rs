//! `watch destroy`'s re-proof: before it asks, the setup is proved once more, as the schedule's
//! tick proves it, so that removing the watch never hides a live breach. What no longer holds is
//! archived; what still fails — or whose side could not be read again — stays ACTIVE in
//! Security Hub, its own text saying the watch was removed and what settles it.

use std::collections::BTreeSet;

use super::kept::Kept;
use super::run::{Render, Watcher};
use super::status::ToArchive;
use crate::app::events::Events;
use crate::app::settings::Settings;
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::WatchEvent;

/// `held`, split by one re-proof: the findings the run settles (its generators, the same rule a
/// tick of the function follows) and no longer finds stay to be archived; the rest are kept,
/// each with its note.
pub(crate) async fn reprove(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    mut held: ToArchive,
    render: &dyn Render,
) -> ToArchive {
    if held.held.is_empty() {
        return held;
    }
    let mut watcher = Watcher::new(file.clone());
    let run = watcher
        .on_event(settings, events, &WatchEvent::Schedule, None)
        .await;
    let (current, settles) = match &run {
        Ok(run) => {
            let ids: BTreeSet<String> = (render.findings(run).iter())
                .filter_map(|f| f["Id"].as_str().map(str::to_owned))
                .collect();
            (ids, Some(run.generator_prefix()))
        }
        Err(_) => (BTreeSet::new(), None),
    };
    let (resolved, kept): (Vec<_>, Vec<_>) = held.held.into_iter().partition(|h| {
        let settled = settles
            .as_deref()
            .is_some_and(|p| h.generator().starts_with(p));
        settled && !current.contains(&h.listed.id)
    });
    held.held = resolved;
    held.kept = (kept.into_iter())
        .map(|h| {
            let still_failing = current.contains(&h.listed.id);
            let note = kept_note(still_failing, h.remedy());
            Kept::new(h, note, still_failing)
        })
        .collect();
    held
}

/// What a kept finding's text gains: the watch is gone, the finding is not, and what settles it.
fn kept_note(still_failing: bool, remedy: Option<&str>) -> String {
    let why = match still_failing {
        true => "it still fails",
        false => "it could not be proved again",
    };
    let settle = remedy.map_or_else(String::new, |r| format!(" What settles it: {r}"));
    format!(
        "[The lambda-trust watch that filed this was removed (`lambda-trust watch destroy`), and \
         {why}: `lambda-trust check` proves it again.{settle}]"
    )
}

#[cfg(test)]
mod tests {
    use super::kept_note;

    #[test]
    fn a_kept_finding_says_the_watch_is_gone_and_what_settles_it() {
        let still = kept_note(true, Some("run `lambda-trust apply`"));
        assert!(
            still.contains("watch destroy") && still.contains("still fails"),
            "{still}"
        );
        assert!(still.contains("run `lambda-trust apply`"), "{still}");
        let unread = kept_note(false, None);
        assert!(unread.contains("could not be proved again"), "{unread}");
        assert!(unread.contains("lambda-trust check"), "{unread}");
    }
}
