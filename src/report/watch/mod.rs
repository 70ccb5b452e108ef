//! The watch's renderers: `watch deploy|status|destroy`'s result (`deploy`), the words of what
//! it says beside its plan (`words`), and the watching function's findings in ASFF — a
//! deployment's (`asff`) and the organization's (`organization/asff.rs`).

pub(super) mod asff;
pub(super) mod deploy;
pub(super) mod organization;
pub(super) mod words;
