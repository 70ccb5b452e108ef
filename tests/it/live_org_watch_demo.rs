//! `just demo-organization` (scripts/demo_organization.sh), the way docs/organization.md tells
//! a user to try the organization watch on the local AWS, run against the tests' local AWS
//! with the binary under test: an organization of 6 accounts, `watch deploy --organization`,
//! the shipped function run as Lambda runs it and handed, through the relay, every event
//! EventBridge would hand it; a member's hand edit re-proved as that role's change, its
//! finding in the member's own Security Hub naming the editor, kept after destroy.

use crate::live_trail::{demo_step, run_demo};
use crate::support;

use support::live::*;

#[test]
fn the_organization_demo_files_the_hand_edit_in_the_members_hub_naming_the_editor() {
    let env = Env::new();
    let stdout = run_demo(&env, "scripts/demo_organization.sh");
    let built = demo_step(&stdout, "1. An organization", "2. lambda-trust");
    let member = (built.lines())
        .find_map(|l| {
            l.trim()
                .strip_suffix(" workload-2")?
                .strip_prefix("account ")
        })
        .unwrap_or_else(|| panic!("no workload-2:\n{built}"))
        .to_owned();

    // The tick: one event per account, each re-proving its account.
    let swept = demo_step(&stdout, "7. The hourly tick", "8. Alice");
    assert!(
        swept.contains("6 account event(s) put on the bus"),
        "{swept}"
    );
    let each = swept
        .lines()
        .filter(|l| l.contains("Sweep account ("))
        .count();
    assert_eq!(each, 6, "{swept}");

    // The hand edit, forwarded: re-proved as its role's change, not swept.
    let heard = demo_step(&stdout, "9. What EventBridge", "10. workload-2");
    let forwarded = (heard.lines())
        .find(|l| l.contains("AWS API Call via CloudTrail"))
        .unwrap_or_else(|| panic!("no forwarded call:\n{heard}"));
    let reproved = format!("account {member}): {member} re-proved (no-external-id");
    assert!(forwarded.contains(&reproved), "{heard}");
    assert!(!forwarded.contains("swept"), "{heard}");

    // The member's own hub: the finding names the call and who made it.
    let alice = format!("arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/alice");
    let held = demo_step(&stdout, "10. workload-2", "11. lambda-trust");
    let lines: Vec<&str> = held.lines().collect();
    let high = (lines.iter())
        .position(|l| l.contains("HIGH") && l.contains(" ACTIVE ") && l.contains("sts:ExternalId"))
        .unwrap_or_else(|| panic!("no finding:\n{held}"));
    let by = format!("changed by {alice} (UpdateAssumeRolePolicy)");
    assert!(lines[high + 1].contains(&by), "{held}");

    // Destroy: a failure and a fact kept, told apart; each says the watch was removed.
    let destroyed = demo_step(&stdout, "12. lambda-trust watch destroy", "13. workload-2");
    let counted = destroyed.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        counted.contains("kept 1 active that still fail"),
        "{destroyed}"
    );
    assert!(
        counted.contains("and 1 fact(s) (informational) still so"),
        "{destroyed}"
    );
    assert!(
        !destroyed.contains("have a CURRENT instance"),
        "{destroyed}"
    );
    let after = demo_step(&stdout, "13. workload-2", "14. lambda-trust");
    assert_eq!(after.matches(" ACTIVE ").count(), 2, "{after}");
    assert!(after.contains("and it still fails"), "{after}");
    assert!(
        after.contains("and it is still so (a fact, not a failure)"),
        "{after}"
    );
}
