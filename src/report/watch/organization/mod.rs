//! The organization watch's renderers: its findings in ASFF (`asff`), the audit's findings of
//! each role it re-proved under generators of its own; the guardrail's (`guardrail`).

pub(in crate::report) mod asff;
pub(in crate::report) mod guardrail;
