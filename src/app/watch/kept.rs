//! A finding of the watch kept ACTIVE when the watch is removed: it still fails, or could not
//! be proved again (`destroy::reprove` decides; `status::archive` re-imports it).

use crate::aws::security_hub::Held;

/// A finding of the watch kept ACTIVE when it is removed.
pub(crate) struct Kept {
    pub(crate) held: Held,
    /// What its text gains.
    pub(crate) note: String,
    /// The re-proof found it again (else its side could not be proved again).
    still_failing: bool,
}

impl Kept {
    pub(crate) fn new(held: Held, note: String, still_failing: bool) -> Kept {
        Kept {
            held,
            note,
            still_failing,
        }
    }

    /// How `watch destroy` lists it before it asks.
    pub(crate) fn line(&self) -> String {
        let why = match self.still_failing {
            true => "still failing",
            false => "not proved again",
        };
        format!("keep ACTIVE, {why}: {}", self.held.title())
    }

    /// Its title, as Security Hub holds it.
    pub(crate) fn title(&self) -> &str {
        self.held.title()
    }
}
