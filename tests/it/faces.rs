//! Each library crate's face is flat (ARCHITECTURE.md): its `lib.rs` declares its modules
//! private and names at the root every item another crate uses, so a caller writes
//! `lambda_trust_provision::plan`, never a module path. The binary's library is held the same
//! way: besides `main`, its face is what the integration tests and benchmarks drive. No module
//! is a path: even the JSON Schema attributes name root items (`lambda_trust_model::schema_one`).
//! `unreachable_pub`, warned in every `lib.rs` and an error under clippy's `-D warnings`, then
//! keeps `pub` for what other crates can reach.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::circles::{imports, module_of};
use super::layers::{rust_files, LIBRARY_CRATES};

/// The modules `text` (a `lib.rs`) declares public. A module below a private one cannot be a
/// path: `unreachable_pub` stops its `pub mod`.
fn public_modules(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"(?m)^pub mod (\w+)").unwrap();
    re.captures_iter(text).map(|c| c[1].to_owned()).collect()
}

#[test]
fn every_library_names_its_items_at_the_root() {
    let mut problems = Vec::new();
    let crates = LIBRARY_CRATES.iter().map(|&(krate, _, _)| krate);
    let libs = crates.map(|krate| format!("crates/{krate}/src/lib.rs"));
    for lib in libs.chain(["src/lib.rs".to_owned()]) {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&lib));
        let text = text.unwrap();
        assert!(
            text.contains("unreachable_pub"),
            "{lib} warns on unreachable_pub"
        );
        for module in public_modules(&text) {
            problems.push(format!("{lib} makes `{module}` a path"));
        }
    }
    assert!(
        problems.is_empty(),
        "name the items at the root instead: {problems:#?}"
    );
}

#[test]
fn the_face_check_sees_a_public_module_and_not_a_function() {
    let found =
        public_modules("mod plan;\npub mod drift;\npub(crate) mod trail;\npub use plan::plan;\n");
    assert_eq!(found, ["drift"]);
}

/// The crates whose modules reach every sibling item at its home: every crate.
const HELD: &[&str] = &[
    "src",
    "crates/verdict/src",
    "crates/config/src",
    "crates/model/src",
    "crates/audit/src",
    "crates/iam/src",
    "crates/provision/src",
];

/// A face's doors are for others: inside a crate, a module names a sibling's item at its home
/// (`crate::account::AccountIam`, `super::client::AwsError`), never back through the crate's
/// root or a parent `mod.rs` that only re-exports it (`crate::AccountIam`), as ripgrep's
/// printer does. Test modules are held too. The one door held open: where the item's home
/// imports the module back (through others or not), its own path would close an import
/// circle, which `circles.rs` forbids. `-- --nocapture` prints the count per folder of every
/// crate, and the doors held open.
#[test]
fn modules_reach_their_siblings_at_home_not_through_a_face() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = vec![root.join("src")];
    for (krate, _, _) in LIBRARY_CRATES {
        sources.push(root.join("crates").join(krate).join("src"));
    }
    let (mut found, mut counts) = (Vec::new(), BTreeMap::<String, Vec<Hallway>>::new());
    for src in &sources {
        let rel = relative(src, root);
        for mut hallway in through_faces(src) {
            let folder = match (rel.as_str(), hallway.file.split_once('/')) {
                ("src", Some((dir, _))) => format!("src/{dir}"),
                _ => rel.clone(),
            };
            hallway.file = format!("{rel}/{}", hallway.file);
            if HELD.contains(&rel.as_str()) && !hallway.held_open {
                found.push(format!(
                    "{}:{} {}",
                    hallway.file, hallway.line, hallway.path
                ));
            }
            counts.entry(folder).or_default().push(hallway);
        }
    }
    for (folder, hallways) in &counts {
        let lines: BTreeSet<_> = hallways.iter().map(|h| (&h.file, h.line)).collect();
        let open: Vec<_> = hallways.iter().filter(|h| h.held_open).collect();
        let (items, lines, held) = (hallways.len(), lines.len(), open.len());
        println!("{folder}: {items} items through a face, on {lines} lines; {held} held open");
        for h in open {
            println!(
                "    {}:{} {} (its home imports the file back)",
                h.file, h.line, h.path
            );
        }
    }
    assert!(
        found.is_empty(),
        "import each at its home module instead: {found:#?}"
    );
}

/// A path that reaches an item through a face.
struct Hallway {
    /// The file it is written in, and where.
    file: String,
    line: usize,
    /// The path, from the crate's root.
    path: String,
    /// Whether the item's home imports the file's module back (outside tests), so that its
    /// own path would close an import circle.
    held_open: bool,
}

/// `path` under `base`, with `/` between its parts.
fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap().to_string_lossy();
    rel.replace('\\', "/")
}

/// Every path in the crate at `src` that reaches an item through a face: a `crate::`/`super::`
/// path (a `use` group's items each, `use crate as x` followed) whose longest module prefix is
/// an ancestor's file that does not define the item but brings it in with a `use` (named,
/// renamed, or by a glob of a module that defines it).
fn through_faces(src: &Path) -> Vec<Hallway> {
    let mut list = Vec::new();
    rust_files(src, &mut list);
    let files: BTreeMap<Vec<String>, (String, String)> = (list.iter())
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            (module_of(src, f), (relative(f, src), text))
        })
        .collect();
    let graph = imports(src);
    let mut out = Vec::new();
    for (module, (file, text)) in &files {
        for (line, here, path) in crate_paths(module, text) {
            // The module file the path runs into; a module named itself is its parent's name
            // (`crate::validate`: the module, and the function the root re-exports).
            let n = (0..=path.len())
                .rev()
                .find(|&n| files.contains_key(&path[..n]));
            let n = n.unwrap().min(path.len().saturating_sub(1));
            let (face, rest) = path.split_at(n);
            let Some(name) = rest.first() else { continue };
            if face == module.as_slice() || !here.starts_with(face) {
                continue;
            }
            let face_text = &files[face].1;
            if defines(face_text, name) {
                continue;
            }
            let Some(home) = brought_from(&files, face, face_text, name) else {
                continue;
            };
            let in_test_module = here.len() > module.len();
            out.push(Hallway {
                file: file.clone(),
                line,
                path: path.join("::"),
                held_open: !in_test_module && reaches(&graph, &home, module),
            });
        }
    }
    out
}

/// Whether `from` imports `to` in `graph`, directly or through other modules.
fn reaches(
    graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    from: &[String],
    to: &[String],
) -> bool {
    let (mut seen, mut stack) = (BTreeSet::new(), vec![from.to_vec()]);
    while let Some(m) = stack.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if next.as_slice() == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    false
}

/// Each `crate::`/`super::` path of `text` (the file of `module`), comment lines left out, with
/// its line and the module it is written in (an inline `mod tests { … }` is one deeper).
fn crate_paths(module: &[String], text: &str) -> Vec<(usize, Vec<String>, Vec<String>)> {
    let code: Vec<&str> = (text.lines())
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect();
    let inner = inline_modules(&code);
    let code = code.join("\n");
    let alias = regex::Regex::new(r"(?m)^use crate as (\w+);").unwrap();
    let alias = alias.captures(&code).map(|c| c[1].to_owned());
    let start = regex::Regex::new(r"\b(crate|super|\w+)((::super)*)::").unwrap();
    let mut out = Vec::new();
    for c in start.captures_iter(&code) {
        let m = c.get(0).unwrap();
        let head = &c[1];
        let aliased = alias.as_deref() == Some(head) && !code[..m.start()].ends_with("::");
        if head != "crate" && head != "super" && !aliased {
            continue;
        }
        let line = code[..m.start()].matches('\n').count();
        let here: Vec<String> = module.iter().chain(&inner[line]).cloned().collect();
        let mut base = if head == "super" {
            here.clone()
        } else {
            Vec::new()
        };
        for _ in 0..m.as_str().matches("super").count() {
            base.pop();
        }
        for path in use_items(base, &code[m.end()..]) {
            out.push((line + 1, here.clone(), path.0));
        }
    }
    out
}

/// The inline modules each line of `code` stands in (`["tests"]` inside `mod tests { … }`).
fn inline_modules(code: &[&str]) -> Vec<Vec<String>> {
    let opening = regex::Regex::new(r"^\s*(pub(\([^)]*\))? )?mod (\w+) \{").unwrap();
    let literal = regex::Regex::new(r#""([^"\\]|\\.)*"|'([^'\\]|\\.)'"#).unwrap();
    let (mut open, mut depth, mut out) = (Vec::<(String, i64)>::new(), 0i64, Vec::new());
    for line in code {
        out.push(open.iter().map(|(name, _)| name.clone()).collect());
        let bare = literal.replace_all(line, "\"\"");
        if let Some(c) = opening.captures(&bare) {
            open.push((c[3].to_owned(), depth));
        }
        depth += bare.matches('{').count() as i64 - bare.matches('}').count() as i64;
        while open.last().is_some_and(|(_, d)| depth <= *d) {
            open.pop();
        }
    }
    out
}

/// The items a path names from `rest` on under `base`, each group's items apart, with the name
/// each is brought in as (`a::{b as c, d::*}` → `a::b` as `c`, `a::d::*`).
fn use_items(mut base: Vec<String>, rest: &str) -> Vec<(Vec<String>, String)> {
    let mut rest = rest.trim_start();
    if rest.is_empty() {
        return Vec::new(); // after a group's last comma
    }
    loop {
        let name: String = (rest.chars())
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '*')
            .collect();
        if name.is_empty() {
            break;
        }
        base.push(name.clone());
        rest = &rest[name.len()..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    let Some(group) = rest.strip_prefix('{') else {
        let renamed = regex::Regex::new(r"^\s+as\s+(\w+)").unwrap();
        let name = match renamed.captures(rest) {
            Some(c) => c[1].to_owned(),
            None => base.last().cloned().unwrap_or_default(),
        };
        return match base.last().map(String::as_str) {
            None | Some("self") => Vec::new(),
            Some(_) => vec![(base, name)],
        };
    };
    let (mut out, mut depth, mut item) = (Vec::new(), 0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 0 => {
                out.extend(use_items(base.clone(), &group[item..i]));
                if c == '}' {
                    break;
                }
                item = i + 1;
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    out
}

/// Whether `text` defines `name` as an item other than a module.
fn defines(text: &str, name: &str) -> bool {
    let item = r"(?m)^\s*(pub(\([^)]*\))?\s+)?((async|const|unsafe)\s+)*";
    let kinds = r"(fn|struct|enum|type|const|static|trait|union)\s+";
    let defined = format!(r"{item}{kinds}{name}\b|macro_rules!\s*{name}\b");
    text.contains(name) && regex::Regex::new(&defined).unwrap().is_match(text)
}

/// Where the `use` lines of `text` (the file of module `face`) bring `name` in from, when they
/// do: the module they name it in (named, renamed, or by a glob of a module that defines it);
/// a module not of this crate's files for another crate's item.
fn brought_from(
    files: &BTreeMap<Vec<String>, (String, String)>,
    face: &[String],
    text: &str,
    name: &str,
) -> Option<Vec<String>> {
    let uses = regex::Regex::new(r"(?m)^(pub(\([^)]*\))? )?use ([^;]*);").unwrap();
    let items: Vec<_> = (uses.captures_iter(text))
        .flat_map(|c| use_items(Vec::new(), &c[3]))
        .collect();
    items.into_iter().find_map(|(path, brought)| {
        let (last, module) = path.split_last()?;
        let module = module_path(face, module);
        let found = match last.as_str() {
            "*" => (files.get(&module)).is_some_and(|(_, text)| defines(text, name)),
            _ => brought == name,
        };
        found.then_some(module)
    })
}

/// The module `path` (`crate::a`, `super::b`, `c`) names from the module `from`.
fn module_path(from: &[String], path: &[String]) -> Vec<String> {
    let mut module = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        _ => from.to_vec(),
    };
    for segment in path {
        match segment.as_str() {
            "crate" | "self" => {}
            "super" => _ = module.pop(),
            _ => module.push(segment.clone()),
        }
    }
    module
}

#[test]
fn the_face_reader_sees_a_hallway_and_not_a_home() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::write_files(
        dir.path(),
        &[
            (
                "lib.rs",
                "mod a;\nmod b;\nmod c;\nmod d;\nmod r;\nmod s;\nmod v;\n\
                 pub use a::{A, B as Bee};\npub use c::*;\npub use s::S;\n\
                 pub(crate) use v::v;\npub struct R;\n",
            ),
            (
                "a.rs",
                "pub struct A;\npub struct B;\nuse crate::{c, R};\nuse crate::v;\n",
            ),
            (
                "b.rs",
                "// use crate::A;\nuse crate::{a::A, Bee};\npub struct X;\nfn f() { crate::C; }\n\
                 #[cfg(test)]\nmod tests {\n    use super::super::A;\n    use super::X;\n}\n",
            ),
            ("c.rs", "pub const C: u8 = 0;\n"),
            ("v.rs", "pub(crate) fn v() {}\n"),
            ("d/mod.rs", "mod e;\npub(crate) use e::E;\n"),
            (
                "d/e.rs",
                "pub struct E;\nuse super::E as F;\nuse crate as top;\n\
                 fn g() { crate::d::e::E; top::A; lambda_top::A; }\n",
            ),
            // `s` imports `r`: `r` reaching `S` at home would close a circle.
            ("r.rs", "use crate::S;\npub struct Q;\n"),
            ("s.rs", "use crate::r::Q;\npub struct S;\n"),
        ],
    );
    let mut found: Vec<String> = (through_faces(dir.path()).into_iter())
        .map(|h| {
            let open = if h.held_open { " (held open)" } else { "" };
            format!("{}:{} {}{open}", h.file, h.line, h.path)
        })
        .collect();
    found.sort();
    let hallways = [
        "a.rs:4 v",
        "b.rs:2 Bee",
        "b.rs:4 C",
        "b.rs:7 A",
        "d/e.rs:2 d::E",
        "d/e.rs:4 A",
        "r.rs:1 S (held open)",
    ];
    assert_eq!(found, hallways);
}

/// Every name `lib` (a `lib.rs`) puts at its root with `pub use`, and whether it is the crate's
/// own item (`false`: another of our crates' item, re-exported under the same name).
fn face_names(lib: &str) -> Vec<(String, bool)> {
    let text = regex::Regex::new(r"(?m)^\s*//.*$")
        .unwrap()
        .replace_all(lib, "");
    let uses = regex::Regex::new(r"(?s)pub use ([^;]+);").unwrap();
    let mut out = Vec::new();
    for c in uses.captures_iter(&text) {
        let flat: String = c[1].split_whitespace().collect::<Vec<_>>().join(" ");
        expand("", &flat, &mut |path, name| {
            out.push((name.to_owned(), !path.starts_with("lambda_trust_")));
        });
    }
    out
}

/// Calls `each` with the path and the exported name of every item of a `use` tree.
fn expand(prefix: &str, tree: &str, each: &mut dyn FnMut(&str, &str)) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let base = format!("{prefix}{}", &tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let (mut depth, mut start) = (0, 0);
        for (i, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..i], each);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], each);
        return;
    }
    if tree.is_empty() {
        return;
    }
    let path = format!("{prefix}{tree}");
    let (path, name) = match path.split_once(" as ") {
        Some((path, alias)) => (path.to_owned(), alias.trim().to_owned()),
        None => (path.clone(), path.rsplit("::").next().unwrap().to_owned()),
    };
    each(&path, &name);
}

#[test]
fn the_use_tree_reader_sees_aliases_nested_lists_and_other_crates() {
    let lib = "// pub use nothing::Here;\npub use a::{b, c as D, e::{f, g}};\npub use lambda_trust_verdict::Severity;\n";
    let names: Vec<(String, bool)> = face_names(lib);
    let want = [
        ("b", true),
        ("D", true),
        ("f", true),
        ("g", true),
        ("Severity", false),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(n, o)| (n.to_string(), *o)).collect();
    assert_eq!(names, want);
}

/// One name per type across the faces: no two library crates put their own items at their
/// roots under one name (`lambda_trust_audit::Finding` beside `lambda_trust_provision::Finding`
/// would make a reader look up which one a file means); a crate renames on the way out
/// (`Finding as AuditFinding`). Another crate's item re-exported under its own name is the same
/// type and passes.
#[test]
fn no_two_faces_name_two_types_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut owners = BTreeMap::<String, Vec<&str>>::new();
    for (krate, _, _) in LIBRARY_CRATES {
        let lib = std::fs::read_to_string(root.join(format!("crates/{krate}/src/lib.rs")));
        for (name, own) in face_names(&lib.unwrap()) {
            if own && name != "self" && name != "*" {
                owners.entry(name).or_default().push(krate);
            }
        }
    }
    let twice: Vec<String> = (owners.into_iter())
        .filter(|(_, crates)| crates.len() > 1)
        .map(|(name, crates)| format!("{name}: {}", crates.join(", ")))
        .collect();
    assert!(
        twice.is_empty(),
        "rename on the way out, in all but one crate: {twice:#?}"
    );
}
