//! The names of a watch's findings in Security Hub: each finding's generator
//! (`lambda-trust/watch/ROLE/SIDE/CODE`), and which of them one run settles.

use std::fmt;

use lambda_trust_model::WATCH_GENERATOR;

use crate::side::Side;
use crate::watch::record::Reread;

/// A kind of a watch's finding: a finding's code, or a side's "not read".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchCode {
    /// A finding of `check`'s.
    Finding(crate::drift::Code),
    /// The side could not be read.
    NotRead,
}

/// A `GeneratorId` of a deployment's watch, or the prefix of those one run settles:
/// [`WATCH_GENERATOR`]`ROLE/SIDE/CODE` (`SIDE`: `aws` or `genesys`). The names of watches
/// deployed stay as they are: renaming would orphan their findings. Written with `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchGenerator<'a> {
    /// The finding `code` on `side` of the watch of role `role`.
    Finding {
        /// The role watched.
        role: &'a str,
        /// The side the finding is on.
        side: Side,
        /// Its code.
        code: WatchCode,
    },
    /// The prefix of what one run of the watch of role `role` settles.
    Settled {
        /// The role watched.
        role: &'a str,
        /// What the run settles.
        settles: Settles,
    },
}

impl fmt::Display for WatchGenerator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slug = |side| match side {
            Side::Aws => "aws",
            Side::Genesys => "genesys",
        };
        f.write_str(WATCH_GENERATOR)?;
        match *self {
            WatchGenerator::Finding { role, side, code } => match code {
                WatchCode::Finding(c) => write!(f, "{role}/{}/{c}", slug(side)),
                WatchCode::NotRead => write!(f, "{role}/{}/not-read", slug(side)),
            },
            WatchGenerator::Settled { role, settles } => match settles {
                Settles::Everything => write!(f, "{role}/"),
                Settles::Side(side) => write!(f, "{role}/{}/", slug(side)),
                Settles::NotRead(side) => write!(f, "{role}/{}/not-read", slug(side)),
            },
        }
    }
}

/// Which of a watch's findings one run settles, by their generators' prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settles {
    /// Every finding of the watch.
    Everything,
    /// One side's findings.
    Side(Side),
    /// One side's "not read" finding alone.
    NotRead(Side),
}

/// What a run settles: every finding after a full read, the AWS side's after a scoped one
/// (the Genesys Cloud side was not read), the Genesys side's after its audit event. What
/// could not be read is never settled: a side that failed keeps its findings (only its
/// not-read finding is sent), and a run that read nothing settles nothing but its own
/// not-read finding. `failed`: the run's error and the side it failed on (`Some(None)`:
/// nothing was read).
pub fn settles(failed: Option<Option<Side>>, reread: Reread) -> Settles {
    match (failed, reread) {
        (Some(None), _) => Settles::NotRead(Side::Aws),
        (Some(Some(Side::Genesys)), Reread::Everything) => Settles::Side(Side::Aws),
        (Some(Some(Side::Genesys)), _) => Settles::NotRead(Side::Genesys),
        (Some(Some(Side::Aws)), _) => Settles::Side(Side::Genesys),
        (None, Reread::Everything) => Settles::Everything,
        (None, Reread::Genesys) => Settles::Side(Side::Genesys),
        (None, _) => Settles::Side(Side::Aws),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each run settles what it read, and never what it could not: the whole table.
    #[test]
    fn a_run_settles_what_it_read_and_never_what_it_could_not() {
        use Reread::*;
        let (aws, genesys) = (Some(Side::Aws), Some(Side::Genesys));
        let table = [
            (Some(None), Everything, Settles::NotRead(Side::Aws)),
            (Some(None), Genesys, Settles::NotRead(Side::Aws)),
            (Some(genesys), Everything, Settles::Side(Side::Aws)),
            (Some(genesys), Genesys, Settles::NotRead(Side::Genesys)),
            (Some(genesys), Role, Settles::NotRead(Side::Genesys)),
            (Some(aws), Everything, Settles::Side(Side::Genesys)),
            (Some(aws), Function, Settles::Side(Side::Genesys)),
            (None, Everything, Settles::Everything),
            (None, Genesys, Settles::Side(Side::Genesys)),
            (None, Role, Settles::Side(Side::Aws)),
            (None, Function, Settles::Side(Side::Aws)),
            (None, Nothing, Settles::Side(Side::Aws)),
        ];
        for (failed, reread, want) in table {
            assert_eq!(settles(failed, reread), want, "{failed:?} {reread:?}");
        }
        let settles = Settles::NotRead(Side::Genesys);
        assert_eq!(
            WatchGenerator::Settled { role: "R", settles }.to_string(),
            "lambda-trust/watch/R/genesys/not-read"
        );
        let (side, code) = (Side::Aws, WatchCode::NotRead);
        assert_eq!(
            WatchGenerator::Finding {
                role: "R",
                side,
                code
            }
            .to_string(),
            "lambda-trust/watch/R/aws/not-read"
        );
    }
}
