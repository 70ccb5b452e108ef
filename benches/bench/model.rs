//! What a run produces: the scenarios (lambda-trust commands and baseline runs), one timed
//! sample with the calls the proxy recorded, the traced round-trip structure, and the results.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::proxy::Call;
use crate::support::Kind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scenario {
    ApplyScratch,
    ApplyNoop,
    Check,
    Verify,
    Onboard,
    BaselineFirst,
    BaselineRerun,
}

impl Scenario {
    pub const TOOL: [Scenario; 5] = [
        Scenario::ApplyScratch,
        Scenario::ApplyNoop,
        Scenario::Check,
        Scenario::Verify,
        Scenario::Onboard,
    ];

    pub const ALL: [Scenario; 7] = [
        Scenario::ApplyScratch,
        Scenario::ApplyNoop,
        Scenario::Check,
        Scenario::Verify,
        Scenario::Onboard,
        Scenario::BaselineFirst,
        Scenario::BaselineRerun,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Scenario::ApplyScratch => "`apply` (from scratch)",
            Scenario::ApplyNoop => "`apply` (no-op)",
            Scenario::Check => "`check` (in sync)",
            Scenario::Verify => "`verify`",
            Scenario::Onboard => "`onboard` (+1 target)",
            Scenario::BaselineFirst => "baseline: boto3 tutorial, first run",
            Scenario::BaselineRerun => "baseline: boto3 tutorial, re-run",
        }
    }

    /// Name in `raw.json`.
    pub fn id(self) -> &'static str {
        match self {
            Scenario::ApplyScratch => "apply-scratch",
            Scenario::ApplyNoop => "apply-noop",
            Scenario::Check => "check",
            Scenario::Verify => "verify",
            Scenario::Onboard => "onboard",
            Scenario::BaselineFirst => "baseline-first",
            Scenario::BaselineRerun => "baseline-rerun",
        }
    }

    pub fn from_id(id: &str) -> Scenario {
        Scenario::ALL
            .into_iter()
            .find(|s| s.id() == id)
            .unwrap_or_else(|| panic!("unknown scenario {id:?}"))
    }

    pub fn is_baseline(self) -> bool {
        matches!(self, Scenario::BaselineFirst | Scenario::BaselineRerun)
    }
}

/// One timed run and the calls the proxy saw during it.
pub struct Sample {
    pub wall: Duration,
    /// CPU time (user + system) of the measured process.
    pub tool_cpu: Duration,
    /// CPU time moto spent meanwhile.
    pub moto_cpu: Duration,
    pub calls: Vec<Rec>,
}

/// What the report needs of one proxied call.
#[derive(Clone, Debug)]
pub struct Rec {
    pub seq: usize,
    pub service: String,
    /// `service:Operation`
    pub key: String,
    pub kind: Kind,
    pub status: Option<u16>,
}

impl From<&Call> for Rec {
    fn from(c: &Call) -> Rec {
        Rec {
            seq: c.seq,
            service: c.service.clone(),
            key: c.key(),
            kind: c.kind,
            status: c.status,
        }
    }
}

/// Name of a call kind in `raw.json`.
pub fn kind_id(k: Kind) -> &'static str {
    match k {
        Kind::Read => "read",
        Kind::Write => "write",
        Kind::Other => "other",
    }
}

/// Inverse of [`kind_id`]; anything unknown is `Other`.
pub fn kind_from_id(id: Option<&str>) -> Kind {
    match id {
        Some("read") => Kind::Read,
        Some("write") => Kind::Write,
        _ => Kind::Other,
    }
}

/// The round-trip structure of one run (from the tracing round).
pub struct Trace {
    pub depth: usize,
    /// Operations on the longest chain, consecutive repeats folded (`lambda:GetFunction ×4`).
    pub path: Vec<(String, usize)>,
    /// Milliseconds from spawn to the first call's arrival at the proxy (start-up: the config
    /// read, the SDK's clients), when the run made a call.
    pub head_ms: Option<f64>,
    /// Milliseconds from the last call's answer to the process's exit (what runs after the
    /// network: the proof, the render, the runtime's shutdown).
    pub tail_ms: Option<f64>,
}

#[derive(Default)]
pub struct Results {
    /// (N, scenario) → timed samples
    pub timed: BTreeMap<(usize, Scenario), Vec<Sample>>,
    /// (N, scenario) → round-trip structure
    pub traces: BTreeMap<(usize, Scenario), Trace>,
}
