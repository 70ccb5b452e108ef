//! Whether an account's AWS Config records its Lambda functions in a region (`aws` layer, no
//! call), decided from the recorders' settings — never assumed.
//! [`super::config_account::recorders`] reads them (`DescribeConfigurationRecorders` and
//! `DescribeConfigurationRecorderStatus`).
//!
//! A recorder records `AWS::Lambda::Function` when it is recording (its status's `recording`)
//! and its recording group takes the type: `recordingStrategy.useOnly` of
//! `ALL_SUPPORTED_RESOURCE_TYPES` (or `allSupported`), `INCLUSION_BY_RESOURCE_TYPES` naming it
//! in `resourceTypes`, or `EXCLUSION_BY_RESOURCE_TYPES` not naming it in
//! `exclusionByResourceTypes`. It records it continuously unless `recordingMode` (or an
//! override naming the type) says `DAILY`. A service-linked recorder whose `recordingScope` is
//! `INTERNAL` keeps its items for its service: it is not counted. (AWS Config API Reference,
//! `ConfigurationRecorder`, `RecordingGroup`, `RecordingStrategy`, `RecordingMode`,
//! `ConfigurationRecorderStatus`.)

use lambda_trust_model::FUNCTION_TYPE;

/// One recorder of a region, with its status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Recorder {
    /// Its name.
    pub name: String,
    /// `recordingGroup.recordingStrategy.useOnly`, when given.
    pub strategy: Option<String>,
    /// `recordingGroup.allSupported`.
    pub all_supported: bool,
    /// `recordingGroup.resourceTypes`.
    pub resource_types: Vec<String>,
    /// `recordingGroup.exclusionByResourceTypes.resourceTypes`.
    pub excluded: Vec<String>,
    /// `recordingMode.recordingFrequency` (`CONTINUOUS` when not given).
    pub frequency: Option<String>,
    /// `recordingMode.recordingModeOverrides`: (resource types, frequency).
    pub overrides: Vec<(Vec<String>, String)>,
    /// `recordingScope`: `INTERNAL` for a service-linked recorder whose items its service keeps.
    pub scope: Option<String>,
    /// Its status's `recording`; `None` when the status did not list it.
    pub recording: Option<bool>,
}

/// Whether a region's Config records Lambda functions, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recording {
    /// Each change is recorded as it happens (within minutes).
    Continuous {
        /// The recorder's name.
        recorder: String,
    },
    /// At most once a day: an item can be up to a day old.
    Daily {
        /// The recorder's name.
        recorder: String,
    },
    /// Not recorded, with why.
    No {
        /// One line: what the recorders say.
        why: String,
    },
}

/// What `recorders` (one region's) make of `AWS::Lambda::Function`: the first recorder that
/// records it, continuous before daily; else why none does.
pub(crate) fn records_functions(recorders: &[Recorder]) -> Recording {
    if recorders.is_empty() {
        return Recording::No {
            why: "AWS Config has no configuration recorder in the region".into(),
        };
    }
    let mut daily = None;
    let mut why = Vec::new();
    for r in recorders {
        match r.verdict() {
            Ok(true) => {
                return Recording::Continuous {
                    recorder: r.name.clone(),
                }
            }
            Ok(false) => daily = daily.or(Some(r.name.clone())),
            Err(w) => why.push(format!("recorder {}: {w}", r.name)),
        }
    }
    match daily {
        Some(recorder) => Recording::Daily { recorder },
        None => Recording::No {
            why: why.join("; "),
        },
    }
}

impl Recorder {
    /// Ok(continuous?) when it records the type, else why not.
    fn verdict(&self) -> Result<bool, String> {
        if self.scope.as_deref() == Some("INTERNAL") {
            return Err("service-linked, its items kept for its service".into());
        }
        match self.recording {
            Some(true) => {}
            Some(false) => return Err("not recording (StartConfigurationRecorder)".into()),
            None => return Err("no status".into()),
        }
        if !self.takes_functions() {
            return Err(format!("its recording group leaves {FUNCTION_TYPE} out"));
        }
        let overridden = (self.overrides.iter())
            .find(|(types, _)| types.iter().any(|t| t == FUNCTION_TYPE))
            .map(|(_, f)| f.as_str());
        let frequency = overridden.or(self.frequency.as_deref());
        Ok(frequency.is_none_or(|f| f == "CONTINUOUS"))
    }

    fn takes_functions(&self) -> bool {
        let named = |types: &[String]| types.iter().any(|t| t == FUNCTION_TYPE);
        match self.strategy.as_deref() {
            Some("ALL_SUPPORTED_RESOURCE_TYPES") => true,
            Some("INCLUSION_BY_RESOURCE_TYPES") => named(&self.resource_types),
            Some("EXCLUSION_BY_RESOURCE_TYPES") => !named(&self.excluded),
            _ => self.all_supported || named(&self.resource_types),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorder() -> Recorder {
        Recorder {
            name: "default".into(),
            strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".into()),
            all_supported: true,
            recording: Some(true),
            ..Recorder::default()
        }
    }

    fn lambda() -> Vec<String> {
        vec![FUNCTION_TYPE.to_string()]
    }

    #[test]
    fn the_recording_group_and_mode_decide() {
        let continuous = |r: Recorder| records_functions(&[r]);
        assert!(matches!(
            continuous(recorder()),
            Recording::Continuous { .. }
        ));
        let included = Recorder {
            strategy: Some("INCLUSION_BY_RESOURCE_TYPES".into()),
            all_supported: false,
            resource_types: lambda(),
            ..recorder()
        };
        assert!(matches!(
            continuous(included.clone()),
            Recording::Continuous { .. }
        ));
        let other = Recorder {
            resource_types: vec!["AWS::IAM::Role".into()],
            ..included
        };
        assert!(matches!(continuous(other), Recording::No { .. }));
        let excluded = Recorder {
            strategy: Some("EXCLUSION_BY_RESOURCE_TYPES".into()),
            all_supported: false,
            excluded: lambda(),
            ..recorder()
        };
        assert!(matches!(continuous(excluded), Recording::No { .. }));
        let daily = Recorder {
            frequency: Some("DAILY".into()),
            ..recorder()
        };
        assert!(matches!(continuous(daily.clone()), Recording::Daily { .. }));
        let back = Recorder {
            overrides: vec![(lambda(), "CONTINUOUS".into())],
            ..daily
        };
        assert!(matches!(continuous(back), Recording::Continuous { .. }));
    }

    #[test]
    fn a_stopped_internal_or_absent_recorder_records_nothing() {
        let why = |rs: &[Recorder]| match records_functions(rs) {
            Recording::No { why } => why,
            other => panic!("{other:?}"),
        };
        assert!(why(&[]).contains("no configuration recorder"));
        let stopped = Recorder {
            recording: Some(false),
            ..recorder()
        };
        assert!(why(&[stopped]).contains("not recording"));
        let internal = Recorder {
            scope: Some("INTERNAL".into()),
            ..recorder()
        };
        assert!(why(&[internal]).contains("service-linked"));
    }
}
