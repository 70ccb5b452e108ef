//! Writes the generated report into BENCHMARKS.md, between the `<!-- bench:begin -->` and
//! `<!-- bench:end -->` markers (the hand-written text around them stays).

use std::path::Path;

const BEGIN: &str = "<!-- bench:begin -->";
const END: &str = "<!-- bench:end -->";

/// Replaces the marked block with `generated` (appends a `## Results` block if there is none).
pub fn update(generated: &str) {
    update_block(generated, BEGIN, END);
}

/// The `audit` scenarios' block (`<!-- bench-audit:begin -->`), kept apart so they can be
/// re-run alone.
pub fn update_audit(generated: &str) {
    update_block(
        generated,
        "<!-- bench-audit:begin -->",
        "<!-- bench-audit:end -->",
    );
}

/// The organization scenarios' block (`<!-- bench-org-scale:begin -->`).
pub fn update_org_scale(generated: &str) {
    update_block(
        generated,
        "<!-- bench-org-scale:begin -->",
        "<!-- bench-org-scale:end -->",
    );
}

/// The organization-read-once scenarios' block (`<!-- bench-org-tree:begin -->`).
pub fn update_org_tree(generated: &str) {
    update_block(
        generated,
        "<!-- bench-org-tree:begin -->",
        "<!-- bench-org-tree:end -->",
    );
}

fn update_block(generated: &str, begin: &str, end: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let block = format!("{begin}\n{generated}{end}");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let new = match (text.find(begin), text.find(end)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{block}{}", &text[..b], &text[e + end.len()..])
        }
        _ if text.is_empty() => format!("# Benchmarks\n\n{block}\n"),
        _ => format!("{}\n\n## Results\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(&path, new).expect("write BENCHMARKS.md");
    eprintln!("bench: updated {}", path.display());
}
