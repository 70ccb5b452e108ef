//! The README is the front door, docs/ the book (docs/SUMMARY.md is its table of contents, in
//! mdBook's format). These tests hold that shape: the README stays short; every relative link of
//! the README and of the book resolves — the file exists, and an anchor names a heading of the
//! target by GitHub's rule for heading IDs —; every page of the book is in the summary.
//!
//! No Markdown crate is in the dependency tree, so the little Markdown these checks need is read
//! here: fenced code blocks and code spans are left out; links are inline, `[text](destination)`
//! and `![alt](destination)` (the only kind these pages use); headings are ATX (`## …`).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The README's most lines: what the tool is, installing it, the quick start, the commands at a
/// glance, exit codes and the links into the book. Everything else belongs in docs/.
const README_MAX_LINES: usize = 400;

#[test]
fn the_readme_has_at_most_400_lines() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, at most {README_MAX_LINES}: move sections into the book \
         (docs/, listed in docs/SUMMARY.md) and link to them"
    );
}

/// ARCHITECTURE.md's most lines: one page — the crates, the layers, where a change goes, the
/// invariants. A reading path, the words used and each command's calls are in the book.
const ARCHITECTURE_MAX_LINES: usize = 100;

#[test]
fn the_architecture_is_one_page() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= ARCHITECTURE_MAX_LINES,
        "ARCHITECTURE.md has {lines} lines, at most {ARCHITECTURE_MAX_LINES}: move the detail \
         into docs/internals.md and link to it"
    );
}

#[test]
fn every_relative_link_of_the_readme_and_the_book_resolves() {
    let root = Path::new(ROOT);
    let checked = pages(root);
    assert!(checked.len() > 10, "{checked:?}");
    let broken = broken_links(root);
    assert!(
        broken.is_empty(),
        "{} broken link(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn every_page_of_the_book_is_in_the_summary() {
    let missing = not_in_summary(Path::new(ROOT));
    assert!(
        missing.is_empty(),
        "add each to docs/SUMMARY.md (`- [Title](page.md)`, nested by four spaces):\n{}",
        missing.join("\n")
    );
}

/// The checks themselves, on a made-up repository: a missing file, a missing heading (here and
/// in another page) and a page left out of the summary are found; links in code are not links.
#[test]
fn the_link_check_finds_broken_links_and_pages_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs/more")).unwrap();
    let write = |path: &str, text: &str| std::fs::write(root.join(path), text).unwrap();
    write(
        "README.md",
        "# Tool\n\n## Quick start — now\n\nSee [the book](docs/SUMMARY.md) and [a](docs/a.md#the-a-page).\n",
    );
    write("docs/SUMMARY.md", "# Summary\n\n- [A](a.md)\n");
    write(
        "docs/a.md",
        "# The `a` page\n\n\
         ## Same heading\n\n## Same heading\n\n\
         [ok](#same-heading-1), [ok](../README.md#quick-start--now), [ok](more/b.md)\n\
         [gone](missing.md) and [no anchor](../README.md#install), [here](#nowhere)\n\
         ![picture](more/none.png)\n\n\
         `[in code](missing.md)` and ``[also `code`](missing.md)``\n\n\
         ```sh\n[in a fence](missing.md)\n```\n\
         A link over two lines: [the\nbook](SUMMARY.md#summary). [web](https://example.com/x.md)\n",
    );
    write(
        "docs/more/b.md",
        "# B\n\nBack to [a](../a.md#same-heading).\n",
    );

    let broken = broken_links(root);
    assert_eq!(
        broken,
        [
            "docs/a.md:8: `missing.md`: no such file",
            "docs/a.md:8: `../README.md#install`: README.md has no heading `install`",
            "docs/a.md:8: `#nowhere`: docs/a.md has no heading `nowhere`",
            "docs/a.md:9: `more/none.png`: no such file",
        ],
        "{broken:#?}"
    );
    assert_eq!(not_in_summary(root), ["docs/more/b.md"]);
}

/// The pages checked: README.md and every `.md` under docs/, as paths relative to `root`.
fn pages(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(relative(root, &path));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &root.join("docs"), &mut out);
    out.sort();
    out.insert(0, "README.md".to_owned());
    out
}

/// `path` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// One line per relative link that does not resolve: `page:line: `destination`: why`.
fn broken_links(root: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for page in pages(root) {
        let text = std::fs::read_to_string(root.join(&page)).unwrap();
        let dir = root.join(&page).parent().unwrap().to_path_buf();
        for link in links(&text) {
            let dest = link.destination.as_str();
            if dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match dest.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (dest, None),
            };
            let target = if path.is_empty() {
                root.join(&page)
            } else {
                match normalize(&dir.join(path)) {
                    Some(t) if t.starts_with(root) && t.exists() => t,
                    _ => {
                        broken.push(format!("{page}:{}: `{dest}`: no such file", link.line));
                        continue;
                    }
                }
            };
            let Some(anchor) = anchor else { continue };
            if target.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let ids = heading_ids(&std::fs::read_to_string(&target).unwrap());
            if !ids.contains(anchor) {
                broken.push(format!(
                    "{page}:{}: `{dest}`: {} has no heading `{anchor}`",
                    link.line,
                    relative(root, &target)
                ));
            }
        }
    }
    broken
}

/// The pages under docs/ that docs/SUMMARY.md does not link to.
fn not_in_summary(root: &Path) -> Vec<String> {
    let docs = root.join("docs");
    let summary = std::fs::read_to_string(docs.join("SUMMARY.md")).unwrap();
    let listed: BTreeSet<PathBuf> = links(&summary)
        .iter()
        .filter_map(|l| normalize(&docs.join(l.destination.split('#').next().unwrap())))
        .collect();
    pages(root)
        .into_iter()
        .filter(|p| p.starts_with("docs/") && p != "docs/SUMMARY.md")
        .filter(|p| !listed.contains(&root.join(p)))
        .collect()
}

/// `path` with `.` and `..` resolved (without touching the file system); `None` above its root.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// An inline link or image: its 1-based line and its destination (a title left out).
#[derive(Debug)]
struct Link {
    line: usize,
    destination: String,
}

/// Every inline link and image of `markdown` outside code.
fn links(markdown: &str) -> Vec<Link> {
    let text: Vec<char> = prose(markdown).chars().collect();
    let mut out = Vec::new();
    for start in 0..text.len() {
        if text[start] != '[' || (start > 0 && text[start - 1] == '\\') {
            continue;
        }
        if let Some((_, destination, _)) = link_at(&text, start) {
            let line = text[..start].iter().filter(|&&c| c == '\n').count() + 1;
            out.push(Link { line, destination });
        }
    }
    out
}

/// The link whose text opens at `text[start]` (a `[`): its text, its destination and the index
/// after its closing `)`. A link's text and destination stay in one paragraph.
fn link_at(text: &[char], start: usize) -> Option<(String, String, usize)> {
    let blank_line = |i: usize| text[i] == '\n' && text.get(i + 1) == Some(&'\n');
    // The text: up to the matching `]`.
    let mut depth = 0;
    let mut i = start;
    let close = loop {
        match text.get(i)? {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            _ if blank_line(i) => return None,
            _ => {}
        }
        i += 1;
    };
    if text.get(close + 1) != Some(&'(') {
        return None;
    }
    // The destination: up to the matching `)`, then its first word (a title may follow).
    let mut depth = 0;
    let mut j = close + 1;
    let end = loop {
        match text.get(j)? {
            '\\' => j += 1,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    break j;
                }
            }
            _ if blank_line(j) => return None,
            _ => {}
        }
        j += 1;
    };
    let inside: String = text[close + 2..end].iter().collect();
    let destination = inside
        .split_whitespace()
        .next()?
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let label: String = text[start + 1..close].iter().collect();
    Some((label, destination, end + 1))
}

/// `markdown` with fenced code blocks emptied and code spans blanked: links there are not
/// links. Lines keep their place, so line numbers hold.
fn prose(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        let t = line.trim_start();
        match &fence {
            Some(open) => {
                if t.trim_end().starts_with(open.as_str())
                    && t.trim_end()
                        .chars()
                        .all(|c| c == open.chars().next().unwrap())
                {
                    fence = None;
                }
                out.push(String::new());
            }
            None => {
                let marker: String = t.chars().take_while(|&c| c == '`' || c == '~').collect();
                let one_kind = marker.chars().all(|c| c == marker.chars().next().unwrap());
                if marker.chars().count() >= 3 && one_kind {
                    fence = Some(marker);
                    out.push(String::new());
                } else {
                    out.push(line.to_owned());
                }
            }
        }
    }
    // Code spans stay within a paragraph: blank them paragraph by paragraph.
    out.join("\n")
        .split("\n\n")
        .map(blank_code_spans)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `paragraph` with each code span (a run of backticks, up to the next run of as many) blanked
/// to spaces, newlines kept; a run without its closing run is literal.
fn blank_code_spans(paragraph: &str) -> String {
    let c: Vec<char> = paragraph.chars().collect();
    let mut out = c.clone();
    let run = |mut i: usize| {
        let start = i;
        while i < c.len() && c[i] == '`' {
            i += 1;
        }
        i - start
    };
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '`' => {
                let n = run(i);
                let mut j = i + n;
                let mut close = None;
                while j < c.len() {
                    if c[j] == '`' {
                        let m = run(j);
                        if m == n {
                            close = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(end) => {
                        for ch in &mut out[i..end] {
                            if *ch != '\n' {
                                *ch = ' ';
                            }
                        }
                        i = end;
                    }
                    None => i += n,
                }
            }
            _ => i += 1,
        }
    }
    out.into_iter().collect()
}

/// The IDs GitHub gives the headings of `markdown`: the heading's text (links as their text,
/// code without its backticks), lowercased, every character but letters, digits, spaces, `-`
/// and `_` dropped, spaces as `-`; a repeated ID gets `-1`, `-2`, ….
fn heading_ids(markdown: &str) -> BTreeSet<String> {
    let fenced = prose(markdown);
    let mut ids = BTreeSet::new();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for (line, kept) in markdown.lines().zip(fenced.lines()) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let fenced_line = kept.is_empty() && !line.is_empty();
        if fenced_line || !(1..=6).contains(&hashes) {
            continue;
        }
        let Some(rest) = line[hashes..].strip_prefix(' ') else {
            continue;
        };
        let title = rest.trim().trim_end_matches('#').trim_end();
        let slug = slug(&link_texts(title));
        let n = seen.entry(slug.clone()).or_insert(0);
        ids.insert(if *n == 0 { slug } else { format!("{slug}-{n}") });
        *n += 1;
    }
    ids
}

/// `text` with each link or image as its text, and without backticks.
fn link_texts(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] == '[' {
            if let Some((label, _, end)) = link_at(&c, i) {
                if out.ends_with('!') {
                    out.pop();
                }
                out.push_str(&link_texts(&label));
                i = end;
                continue;
            }
        }
        if c[i] != '`' {
            out.push(c[i]);
        }
        i += 1;
    }
    out
}

/// GitHub's heading ID for a heading's text.
fn slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn heading_ids_are_githubs() {
    let ids = heading_ids(
        "# `audit` — every role a partner can assume, proved (read-only)\n\
         ## A failed run — [schema](schemas/error.schema.json)\n\
         ## The whole path (what `lambda_trust_iam::path` implements)\n\
         ```toml\n# not a heading\n```\n\
         #not a heading either\n",
    );
    let want = [
        "a-failed-run--schema",
        "audit--every-role-a-partner-can-assume-proved-read-only",
        "the-whole-path-what-lambda_trust_iampath-implements",
    ];
    assert_eq!(ids.iter().map(String::as_str).collect::<Vec<_>>(), want);
}
