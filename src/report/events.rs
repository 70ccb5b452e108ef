//! The workflows' events as people and programs read them on stderr: [`lines`] for people
//! (what the terminal's sink prints besides its spinners), [`EventLine`] for `--progress json`
//! (one JSON object per event and line, schema `docs/schemas/event.schema.json`).

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::Serialize;

use super::event_words;
use super::plan::WriteStarted;
use super::styles::Styles;
use super::text::printable;
use crate::event::{Event, Note, ProbeStep, Read, Said};
use crate::retry::Waiting;
use lambda_trust_provision::{ChangeView, Side};

/// The version of [`EventLine`]'s shape.
pub(crate) const EVENT_SCHEMA_VERSION: u32 = 1;

/// The lines a person reads for `event`: none for what only a spinner or a bar shows (reading,
/// a step, done, counting) and for a wait that only a spinner shows (see [`waiting_line`]).
/// What servers and people chose (a note's text, a said line's data, a warning, a cause, a
/// request) goes through [`printable`]; an [`Event::Output`] line is passed as it is: a
/// renderer's text, which escaped what it took in and may hold our colours.
pub(crate) fn lines(event: &Event, styles: Styles) -> Vec<String> {
    lines_with(event, styles, printable)
}

/// [`lines`], each foreign text written by `text` (`--progress json`'s `message` keeps it
/// as it is: JSON escapes it).
fn lines_with(event: &Event, styles: Styles, text: fn(&str) -> Cow<'_, str>) -> Vec<String> {
    let line = |l: String| text(&l).into_owned();
    match event {
        Event::Reading(_)
        | Event::Step(_)
        | Event::ReadDone
        | Event::Counting { .. }
        | Event::Counted
        | Event::Settled => vec![],
        Event::ReadTimed {
            what,
            elapsed,
            detail,
        } => vec![line(format!(
            "read {what} state in {:.2}s ({detail})",
            elapsed.as_secs_f64()
        ))],
        Event::WriteStarted {
            side,
            index,
            total,
            change,
        } => vec![line(
            WriteStarted {
                side: *side,
                index: *index,
                total: *total,
                change,
            }
            .line(),
        )],
        Event::Note(note) => vec![line(format!("note: {}", event_words::note(note)))],
        Event::Warning { message, hint } => {
            let mut out = vec![format!("{} {}", styles.yellow("warning:"), text(message))];
            out.extend(hint.iter().map(|h| line(format!("  (hint: {h})"))));
            out
        }
        Event::Retried {
            service,
            calls,
            causes,
        } => vec![line(retried_line(service, *calls, causes))],
        Event::Recovered { service, what } => vec![line(format!(
            "{service}: the answer to {what} was lost; the object it created was found by name \
             and kept (not created twice)"
        ))],
        Event::Said(said) => vec![line(event_words::said(said))],
        Event::Output(output) => vec![output.clone()],
        // One JSON line: what the function's log (CloudWatch Logs) holds of each invocation.
        Event::WatchRun(record) => vec![serde_json::to_string(record).unwrap_or_default()],
        Event::OrgWatchRun(record) => vec![serde_json::to_string(record).unwrap_or_default()],
        Event::Waiting(w) => vec![line(waiting_line(w))],
    }
}

/// `Genesys Cloud: 3 call(s) retried (429 ×2, 503 ×1)`.
fn retried_line(service: &str, calls: usize, causes: &[(String, usize)]) -> String {
    let causes: Vec<String> = (causes.iter())
        .map(|(cause, n)| format!("{cause} ×{n}"))
        .collect();
    format!("{service}: {calls} call(s) retried ({})", causes.join(", "))
}

/// A wait the server asked for this long or longer is always said on a line of its own; a
/// shorter one, or a backoff step, only on a spinner (on a terminal) or at `-v`.
pub(crate) const ANNOUNCE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether `w` is said on a line of its own whatever the verbosity.
pub(crate) fn always_said(w: &Waiting) -> bool {
    w.cause == crate::retry::NO_ANSWER_YET || (w.asked && w.wait.wait >= ANNOUNCE_WAIT)
}

/// The line of one wait: `Genesys Cloud rate limit (Retry-After): waiting 12 s before GET …`
/// for a long wait the server asked for; else
/// `still waiting for Genesys Cloud: attempt 3 of 8, 2 s (503 on GET /api/v2/…; next in 0.8 s)`.
pub(crate) fn waiting_line(w: &Waiting) -> String {
    let t = w.wait;
    if w.cause == crate::retry::NO_ANSWER_YET {
        return format!(
            "still waiting for {}: {} has had no answer for {} s (attempt {} of {}; given up after --timeout)",
            w.service,
            w.request,
            t.elapsed.as_secs(),
            t.attempt,
            t.max_attempts
        );
    }
    if always_said(w) {
        let why = if w.cause == "429" {
            "Retry-After"
        } else {
            "rate-limit window used up"
        };
        return format!(
            "{} rate limit ({why}): waiting {} s before {}",
            w.service,
            t.wait.as_secs(),
            w.request
        );
    }
    if t.attempt == 0 {
        return format!(
            "waiting {:.1} s for {}'s {} before {}",
            t.wait.as_secs_f64(),
            w.service,
            w.cause,
            w.request
        );
    }
    // An attempt that starts as it is told (the AWS SDK's own retries, `aws::attempts`).
    if t.wait.is_zero() {
        return format!(
            "retrying {} on {}: attempt {} of {}, {} s since it began (the last attempt: {})",
            w.request,
            w.service,
            t.attempt + 1,
            t.max_attempts,
            t.elapsed.as_secs(),
            w.cause
        );
    }
    format!(
        "still waiting for {}: attempt {} of {}, {} s ({} on {}; next in {:.1} s)",
        w.service,
        t.attempt + 1,
        t.max_attempts,
        t.elapsed.as_secs(),
        w.cause,
        w.request,
        t.wait.as_secs_f64()
    )
}

/// One event as one line of JSON (`--progress json`).
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct EventLine {
    /// [`EVENT_SCHEMA_VERSION`].
    pub schema_version: u32,
    #[serde(flatten)]
    pub event: EventRecord,
    /// What a person reads for it (the lines `--progress auto` prints), joined by newlines;
    /// absent for what only a spinner shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An event's data, tagged by `event`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub(crate) enum EventRecord {
    /// Waiting on AWS or Genesys Cloud starts: `what` for people, `about` as data.
    Reading {
        what: String,
        about: Read,
    },
    /// The wait goes on, now for this step of the live probe.
    Step {
        what: String,
        about: ProbeStep,
    },
    /// The wait is over.
    ReadDone {},
    /// A wait over `total` items (accounts) starts.
    Counting {
        total: usize,
    },
    /// One more of them is done.
    Counted {},
    /// A side's state was read (`-v`).
    ReadTimed {
        what: String,
        elapsed_ms: u64,
        detail: String,
    },
    /// A write starts: its side, its place (1-based) among the side's `total` writes.
    WriteStarted {
        side: EventSide,
        number: usize,
        total: usize,
        resource: String,
        action: String,
    },
    /// Something the user should know: `text` for people (after `note: `), `about` as data.
    Note {
        text: String,
        about: Note,
    },
    Warning {
        text: String,
        hint: Option<String>,
    },
    /// Calls to `service` were retried, per cause how often.
    Retried {
        service: String,
        calls: usize,
        causes: Vec<RetryCause>,
    },
    /// A write's answer was lost; the object it made was found and kept.
    Recovered {
        service: String,
        what: String,
    },
    /// A line of information: `text` for people; `about` as data, absent for a line a
    /// renderer wrote (a result's line, a question's preamble).
    Said {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        about: Option<Said>,
    },
    /// One invocation of the watching function (`watch run`): its record
    /// (docs/schemas/watch-run.schema.json).
    WatchRun {
        record: Box<lambda_trust_provision::WatchRecord>,
    },
    /// One invocation of the organization watch's function: its record
    /// (docs/schemas/org-watch-run.schema.json).
    OrgWatchRun {
        record: Box<lambda_trust_provision::OrgWatchRecord>,
    },
    /// A call waits before its next attempt (`attempt` 0: a pause before the first).
    Waiting {
        service: String,
        request: String,
        cause: String,
        /// The server asked for the wait (Retry-After, a used-up rate-limit window).
        asked: bool,
        attempt: u32,
        max_attempts: u32,
        elapsed_ms: u64,
        wait_ms: u64,
    },
    /// The call that waited has ended.
    Settled {},
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum EventSide {
    Aws,
    Genesys,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct RetryCause {
    pub cause: String,
    pub count: usize,
}

impl From<(String, usize)> for RetryCause {
    fn from((cause, count): (String, usize)) -> RetryCause {
        RetryCause { cause, count }
    }
}

/// `event` as one line of JSON.
pub(crate) fn json_line(event: &Event) -> String {
    let lines = lines_with(event, Styles { color: false }, |t| Cow::Borrowed(t));
    let line = EventLine {
        schema_version: EVENT_SCHEMA_VERSION,
        event: record(event),
        message: (!lines.is_empty()).then(|| lines.join("\n")),
    };
    serde_json::to_string(&line).unwrap_or_default()
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `event`'s data, with the words of a typed one (its `what` or `text`).
fn record(event: &Event) -> EventRecord {
    match event.clone() {
        Event::Reading(about) => EventRecord::Reading {
            what: event_words::reading(&about),
            about,
        },
        Event::Step(about) => EventRecord::Step {
            what: event_words::step(&about),
            about,
        },
        Event::ReadDone => EventRecord::ReadDone {},
        Event::Counting { total } => EventRecord::Counting { total },
        Event::Counted => EventRecord::Counted {},
        Event::ReadTimed {
            what,
            elapsed,
            detail,
        } => EventRecord::ReadTimed {
            what,
            elapsed_ms: millis(elapsed),
            detail,
        },
        Event::WriteStarted {
            side,
            index,
            total,
            change,
        } => write_started(side, (index, total), change),
        Event::Note(about) => EventRecord::Note {
            text: event_words::note(&about),
            about,
        },
        Event::Warning { message, hint } => EventRecord::Warning {
            text: message,
            hint,
        },
        Event::Retried {
            service,
            calls,
            causes,
        } => EventRecord::Retried {
            service: service.to_string(),
            calls,
            causes: causes.into_iter().map(RetryCause::from).collect(),
        },
        Event::Recovered { service, what } => EventRecord::Recovered {
            service: service.to_string(),
            what,
        },
        Event::Said(about) => EventRecord::Said {
            text: event_words::said(&about),
            about: Some(about),
        },
        Event::Output(text) => EventRecord::Said { text, about: None },
        Event::WatchRun(record) => EventRecord::WatchRun { record },
        Event::OrgWatchRun(record) => EventRecord::OrgWatchRun { record },
        Event::Waiting(w) => waiting(w),
        Event::Settled => EventRecord::Settled {},
    }
}

/// A call's wait before its next attempt.
fn waiting(w: Waiting) -> EventRecord {
    EventRecord::Waiting {
        service: w.service.to_string(),
        request: w.request,
        cause: w.cause,
        asked: w.asked,
        attempt: w.wait.attempt,
        max_attempts: w.wait.max_attempts,
        elapsed_ms: millis(w.wait.elapsed),
        wait_ms: millis(w.wait.wait),
    }
}

/// A write starting: its side, its place (1-based) among the side's writes, what it changes.
fn write_started(side: Side, (index, total): (usize, usize), change: ChangeView) -> EventRecord {
    EventRecord::WriteStarted {
        side: match side {
            Side::Aws => EventSide::Aws,
            Side::Genesys => EventSide::Genesys,
        },
        number: index + 1,
        total,
        resource: change.resource,
        action: serde_json::to_value(change.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::Wait;
    use std::time::Duration;

    fn wait(asked: bool, secs: u64) -> Waiting {
        Waiting {
            service: "Genesys Cloud",
            request: "GET /api/v2/integrations".into(),
            cause: "429".into(),
            asked,
            wait: Wait {
                attempt: 2,
                max_attempts: 8,
                elapsed: Duration::from_secs(3),
                wait: Duration::from_secs(secs),
            },
        }
    }

    #[test]
    fn an_attempt_told_as_it_starts_says_its_number_and_the_last_failure() {
        let mut w = wait(false, 0);
        w.service = "AWS";
        w.request = "iam:GetRole".into();
        w.cause = "503".into();
        assert_eq!(
            waiting_line(&w),
            "retrying iam:GetRole on AWS: attempt 3 of 8, 3 s since it began (the last attempt: 503)"
        );
    }

    #[test]
    fn a_long_wait_the_server_asked_for_is_announced_a_backoff_step_is_not() {
        let long = wait(true, 12);
        assert!(always_said(&long));
        assert_eq!(
            waiting_line(&long),
            "Genesys Cloud rate limit (Retry-After): waiting 12 s before GET /api/v2/integrations"
        );
        let step = wait(false, 12);
        assert!(!always_said(&step));
        assert!(waiting_line(&step).starts_with("still waiting for Genesys Cloud: attempt 3 of 8"));
    }

    #[test]
    fn every_event_is_one_line_of_json_with_its_kind_and_version() {
        let events = [
            Event::Reading(Read::Role { name: "R".into() }),
            Event::ReadDone,
            Event::Note(Note::NotExported { what: "n".into() }),
            Event::Warning {
                message: "w".into(),
                hint: Some("h".into()),
            },
            Event::Waiting(wait(true, 6)),
            Event::Settled,
        ];
        let kinds: Vec<String> = (events.iter())
            .map(|e| {
                let line = json_line(e);
                assert!(!line.contains('\n'), "{line}");
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                assert_eq!(v["schema_version"], 1);
                v["event"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "reading",
                "read-done",
                "note",
                "warning",
                "waiting",
                "settled"
            ]
        );
        let warning: serde_json::Value = serde_json::from_str(&json_line(&events[3])).unwrap();
        assert_eq!(warning["message"], "warning: w\n  (hint: h)");
        assert_eq!(warning["hint"], "h");
        let reading: serde_json::Value = serde_json::from_str(&json_line(&events[0])).unwrap();
        assert!(reading.get("message").is_none());
    }

    /// A typed event keeps its words in `what` or `text` (as before it was typed) and adds its
    /// data as `about`, tagged by `kind`; a line a renderer wrote is `said` without `about`.
    #[test]
    fn the_json_record_keeps_the_words_and_adds_the_data() {
        let json =
            |e: Event| -> serde_json::Value { serde_json::from_str(&json_line(&e)).unwrap() };
        let reading = json(Event::Reading(Read::Publishing {
            account: "111122223333".into(),
        }));
        assert_eq!(reading["what"], "publishing to Security Hub (111122223333)");
        assert_eq!(
            reading["about"],
            serde_json::json!({"kind": "publishing", "account": "111122223333"})
        );
        let note = json(Event::Note(Note::OnlyAws));
        assert!(note["text"]
            .as_str()
            .unwrap()
            .starts_with("the Genesys Cloud side"));
        assert_eq!(
            note["message"],
            format!("note: {}", note["text"].as_str().unwrap())
        );
        assert_eq!(note["about"], serde_json::json!({"kind": "only-aws"}));
        let said = json(Event::Said(Said::Updated {
            what: "c.toml".into(),
        }));
        assert_eq!(
            (&said["event"], &said["text"]),
            (&"said".into(), &"updated c.toml".into())
        );
        assert_eq!(said["about"]["kind"], "updated");
        let hub = json(Event::Said(Said::SecurityHub {
            account: "1".into(),
            region: "us-east-1".into(),
            calls: 1,
            counts: lambda_trust_model::HubCounts {
                imported: 2,
                ..Default::default()
            },
        }));
        assert_eq!(
            hub["about"],
            serde_json::json!({"kind": "security-hub", "account": "1", "region": "us-east-1",
                "calls": 1, "imported": 2, "resolved": 0, "refreshed": 0, "unchanged": 0,
                "refused": 0})
        );
        let output = json(Event::Output("\u{1b}[1mplan\u{1b}[0m".into()));
        assert_eq!(output["event"], "said");
        assert!(output.get("about").is_none(), "{output}");
        let coloured = lines(
            &Event::Output("\u{1b}[1mplan".into()),
            Styles { color: true },
        );
        assert_eq!(
            coloured,
            ["\u{1b}[1mplan"],
            "a rendered line is said as it is"
        );
    }

    #[test]
    fn foreign_text_is_escaped_for_people_and_kept_in_json() {
        let hostile = "name\u{1b}]0;owned\u{7}\u{202e}";
        let warning = Event::Warning {
            message: hostile.into(),
            hint: Some(hostile.into()),
        };
        let note = Event::Note(Note::NotExported {
            what: hostile.into(),
        });
        let said = Event::Said(Said::Updated {
            what: hostile.into(),
        });
        for event in [note, said, warning] {
            let human = lines(&event, Styles { color: true }).join("\n");
            assert!(!human.contains(['\u{7}', '\u{202e}']), "{human:?}");
            assert!(
                human.contains("name\\u{1b}]0;owned\\u{7}\\u{202e}"),
                "{human:?}"
            );
            let json: serde_json::Value = serde_json::from_str(&json_line(&event)).unwrap();
            assert!(json["message"].as_str().unwrap().contains(hostile));
        }
        let warning = lines(
            &Event::Warning {
                message: "m".into(),
                hint: None,
            },
            Styles { color: true },
        );
        assert!(
            warning[0].starts_with('\u{1b}'),
            "our colour stays: {warning:?}"
        );
    }
}
