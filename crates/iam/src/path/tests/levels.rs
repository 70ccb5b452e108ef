//! The organization's levels as given: a level with none of a policy type has that type not
//! given, which leaves what it decides unknown — never "none apply".

use super::*;

/// No RCP at a level is not "no RCP denies": AWS attaches `RCPFullAWSAccess` to every level
/// while RCPs are enabled, so a level without one has its RCPs not given, and an RCP not given
/// may deny. Availability is then not proved (never proved, never blocked); a known Deny still
/// blocks beside it.
#[test]
fn a_level_with_no_rcp_given_leaves_the_assume_role_not_proved() {
    let mut l = levels();
    l[2].rcps.clear();
    let a = only(availability(&input(l.clone(), false)));
    assert_eq!(a.verdict, AvailabilityVerdict::NotProved, "{a:?}");
    let reason = a.reason.as_deref().unwrap_or_default();
    assert!(reason.contains("no RCP given"), "{reason}");
    assert!(reason.contains("RCPFullAWSAccess"), "{reason}");
    l[0].rcps.push(identity_perimeter());
    let a = only(availability(&input(l, false)));
    assert_eq!(a.verdict, AvailabilityVerdict::Blocked, "{a:?}");
}
