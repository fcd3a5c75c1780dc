//! Dependencies run one way. Reads every compiler/**/*.rs, resolves each
//! `crate::…`, `super::…` path (in `use` lines and in code, `#[cfg(test)]`
//! modules included) to the module it names, and checks:
//!
//! - between rooms (the folders and files right under compiler/): a room
//!   uses only rooms on lower lines of the layer list at the top of
//!   compiler/lib.rs, which is the one place the rule is written;
//! - inside every folder: no two of its files or subfolders use each other,
//!   directly or round a longer loop. A folder's mod.rs is its front door
//!   (it declares and re-exports its parts) and is left out, as are paths
//!   that end at an item of mod.rs.
//!
//! A failure names the file and line of every offending path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Not modules of the library: the build script and the binary.
const NOT_MODULES: &[&str] = &["build.rs", "build_version.rs", "main.rs"];

/// The crate root's own items (`crate::analyze`, …) form the room `lib`.
const ROOT: &str = "lib";

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Colons,
    Open,
    Close,
    Comma,
    Other,
}

/// Tokens with their lines; comments, strings and chars are skipped, so a
/// path in a string or a comment is not a dependency.
fn lex(text: &str) -> Vec<(Tok, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let skip_to = |from: usize, to: usize, line: &mut usize| {
        *line += b[from..to].iter().filter(|&&c| c == b'\n').count();
        to
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let (mut depth, mut j) = (1, i + 2);
            while j < b.len() && depth > 0 {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            i = skip_to(i, j, &mut line);
        } else if let Some(end) = raw_string_end(b, i) {
            i = skip_to(i, end, &mut line);
        } else if c == b'"' || (c == b'b' && b.get(i + 1) == Some(&b'"')) {
            let mut j = if c == b'b' { i + 2 } else { i + 1 };
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            i = skip_to(i, j + 1, &mut line);
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{1F}') or a lifetime ('a).
            if b.get(i + 1) == Some(&b'\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != b'\'' {
                    j += 1;
                }
                i = j + 1;
            } else {
                let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                i += if b.get(i + 1 + ch) == Some(&b'\'') {
                    ch + 2
                } else {
                    1
                };
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(text[start..i].to_string()), line));
        } else if b[i..].starts_with(b"::") {
            out.push((Tok::Colons, line));
            i += 2;
        } else {
            out.push((
                match c {
                    b'{' => Tok::Open,
                    b'}' => Tok::Close,
                    b',' => Tok::Comma,
                    _ => Tok::Other,
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

/// The end of a raw string (`r"…"`, `r#"…"#`, `br#"…"#`) starting at `i`.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    let rest = &b[j + 1..];
    let at = rest.windows(close.len()).position(|w| w == close)?;
    Some(j + 1 + at + close.len())
}

/// One path that names a module of the crate: where it is written and the
/// absolute path it names (as far as it is written).
struct Reference {
    from: Vec<String>,
    to: Vec<String>,
    line: usize,
}

/// Every `crate::`/`super::` path in a file whose module path is `module`.
/// Inline `mod name { … }` blocks (tests) are followed, so `super::` in
/// them means the file's own module.
fn references(text: &str, module: &[String]) -> Vec<Reference> {
    let toks = lex(text);
    let mut out = Vec::new();
    // The inline modules open around the cursor, with the brace depth
    // that closes each.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < toks.len() {
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(name, _)| name.clone()))
            .collect();
        match &toks[i].0 {
            Tok::Open => depth += 1,
            Tok::Close => {
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            Tok::Ident(word) if word == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Open, _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((name.clone(), depth + 1));
                }
            }
            Tok::Ident(word)
                if (word == "crate" || word == "super")
                    && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Colons)
                    && (i == 0 || toks[i - 1].0 != Tok::Colons) =>
            {
                let mut base = if word == "crate" {
                    Vec::new()
                } else {
                    here[..here.len().saturating_sub(1)].to_vec()
                };
                let mut j = i + 2;
                while let (Some((Tok::Ident(w), _)), Some((Tok::Colons, _))) =
                    (toks.get(j), toks.get(j + 1))
                {
                    if w != "super" {
                        break;
                    }
                    base.pop();
                    j += 2;
                }
                let mut paths = Vec::new();
                tree(&toks, j, base, &mut paths);
                for to in paths {
                    out.push(Reference {
                        from: here.clone(),
                        to,
                        line: toks[i].1,
                    });
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The paths of a use tree (or a plain path) starting at `j` under `base`;
/// returns the index after it.
fn tree(
    toks: &[(Tok, usize)],
    mut j: usize,
    mut base: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match toks.get(j).map(|t| &t.0) {
            Some(Tok::Ident(w)) => {
                if w != "self" {
                    base.push(w.clone());
                }
                j += 1;
                if toks.get(j).map(|t| &t.0) == Some(&Tok::Colons) {
                    j += 1;
                    continue;
                }
                out.push(base);
                return j;
            }
            Some(Tok::Open) => {
                j += 1;
                loop {
                    match toks.get(j).map(|t| &t.0) {
                        None => return j,
                        Some(Tok::Close) => return j + 1,
                        Some(Tok::Comma) => j += 1,
                        Some(Tok::Ident(_)) | Some(Tok::Open) => {
                            j = tree(toks, j, base.clone(), out)
                        }
                        Some(_) => j += 1,
                    }
                }
            }
            _ => {
                out.push(base);
                return j;
            }
        }
    }
}

/// Edges between the parts of one folder, each with where it is written.
type Edges = BTreeMap<(String, String), Vec<String>>;

struct Module {
    file: PathBuf,
    path: Vec<String>,
}

fn modules(dir: &Path, path: &[String], out: &mut Vec<Module>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().unwrap().to_str().unwrap().to_string();
        if entry.is_dir() {
            let mut inner = path.to_vec();
            inner.push(name);
            modules(&entry, &inner, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if path.is_empty() && NOT_MODULES.contains(&name.as_str()) {
                continue;
            }
            let mut inner = path.to_vec();
            if stem != "mod" && !(path.is_empty() && stem == "lib") {
                inner.push(stem.to_string());
            }
            out.push(Module {
                file: entry,
                path: inner,
            });
        }
    }
}

/// The layers of compiler/lib.rs's rule, bottom first: each line of the
/// list under "Layers, bottom to top" holds the rooms of one layer in
/// backticks, then a colon and what they hold.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    let mut rank = BTreeMap::new();
    let mut lines = lib
        .lines()
        .skip_while(|l| !l.contains("Layers, bottom to top"));
    lines
        .next()
        .expect("compiler/lib.rs has no \"Layers, bottom to top\" list");
    let lines = lines.skip_while(|l| l.trim() == "//!");
    for (layer, line) in lines.map_while(|l| l.strip_prefix("//! - ")).enumerate() {
        // The rooms are the words in backticks before the colon.
        let rooms = line.split_once(':').map_or(line, |(rooms, _)| rooms);
        let before = rank.len();
        for name in rooms.split('`').skip(1).step_by(2) {
            assert!(
                rank.insert(name.to_string(), layer).is_none(),
                "`{name}` is in two layers"
            );
        }
        assert!(rank.len() > before, "layer line without rooms: {line}");
    }
    rank
}

/// Strongly connected groups of more than one node (Tarjan), each with
/// the edges inside it.
fn loops(edges: &Edges) -> Vec<BTreeSet<String>> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for (a, b) in edges.keys() {
                if *a == n && seen.insert(b.clone()) {
                    stack.push(b.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut groups: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for n in &nodes {
        let group: BTreeSet<String> = nodes
            .iter()
            .filter(|m| reaches[*n].contains(**m) && reaches[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

#[test]
fn rooms_use_only_rooms_below_and_folders_have_no_loops() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler");
    let mut mods = Vec::new();
    modules(&root, &[], &mut mods);
    let rank = layers(&std::fs::read_to_string(root.join("lib.rs")).unwrap());
    let known: BTreeSet<Vec<String>> = mods.iter().map(|m| m.path.clone()).collect();
    let room_of = |path: &[String]| match path.first() {
        Some(first) if known.contains(&vec![first.clone()]) => first.clone(),
        _ => ROOT.to_string(),
    };

    let mut problems = Vec::new();
    let mut unlisted = BTreeSet::new();
    // Per folder (module path): edges between its parts, with where.
    let mut inner: BTreeMap<Vec<String>, Edges> = BTreeMap::new();
    for module in &mods {
        let text = std::fs::read_to_string(&module.file).unwrap();
        let shown = module
            .file
            .strip_prefix(root.parent().unwrap())
            .unwrap()
            .display()
            .to_string();
        for r in references(&text, &module.path) {
            let at = format!("{shown}:{}", r.line);
            let (from, to) = (room_of(&module.path), room_of(&r.to));
            for room in [&from, &to] {
                if !rank.contains_key(room) {
                    unlisted.insert(room.clone());
                }
            }
            if from != to {
                if let (Some(a), Some(b)) = (rank.get(&from), rank.get(&to)) {
                    if b >= a {
                        problems.push(format!(
                            "{at}: room `{from}` uses `{to}` ({}), which is not on a lower layer",
                            r.to.join("::")
                        ));
                    }
                }
                continue;
            }
            // Inside a folder: the part of `from` and of `to` right under
            // their longest common folder, when both are parts of it.
            let common = module
                .path
                .iter()
                .zip(&r.to)
                .take_while(|(a, b)| a == b)
                .count();
            let folder = module.path[..common].to_vec();
            if r.from.len() <= common || r.to.len() <= common || module.path.len() <= common {
                continue; // mod.rs itself, or the folder's own item.
            }
            let part = |p: &[String]| {
                let mut child = folder.clone();
                child.push(p[common].clone());
                known.contains(&child).then(|| p[common].clone())
            };
            if let (Some(a), Some(b)) = (part(&module.path), part(&r.to)) {
                inner
                    .entry(folder)
                    .or_default()
                    .entry((a, b))
                    .or_default()
                    .push(format!("{at}: {}", r.to.join("::")));
            }
        }
    }
    for room in rank.keys() {
        if room != ROOT && !known.contains(&vec![room.clone()]) {
            problems.push(format!(
                "room `{room}` is in the layer list of compiler/lib.rs but not under compiler/: remove it from the list"
            ));
        }
    }
    for room in &unlisted {
        problems.push(format!(
            "room `{room}` is not in the layer list of compiler/lib.rs: add it to the layer it belongs to"
        ));
    }
    for (folder, edges) in &inner {
        for group in loops(edges) {
            let mut lines = Vec::new();
            for ((a, b), at) in edges {
                if group.contains(a) && group.contains(b) {
                    lines.extend(at.iter().map(|at| format!("    {a} -> {b}: {at}")));
                }
            }
            problems.push(format!(
                "compiler/{}/: {} use each other:\n{}",
                folder.join("/"),
                group.iter().cloned().collect::<Vec<_>>().join(", "),
                lines.join("\n")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "dependencies that do not run one way ({}):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_reader_sees_paths_in_code_and_not_in_strings_or_comments() {
    let text = "use crate::a::{b, c::{d, self}};\n// crate::x\nfn f() { let s = \"crate::y\"; let r = r#\"crate::z\"#; crate::e::f(); }\nmod tests { use super::g; }\n";
    let found: Vec<(String, usize)> = references(text, &["m".to_string(), "n".to_string()])
        .into_iter()
        .map(|r| (r.to.join("::"), r.line))
        .collect();
    assert_eq!(
        found,
        [
            ("a::b".to_string(), 1),
            ("a::c::d".to_string(), 1),
            ("a::c".to_string(), 1),
            ("e::f".to_string(), 3),
            ("m::n::g".to_string(), 4),
        ]
    );
}
