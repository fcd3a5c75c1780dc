//! Help that shows code shows code that works, over the UI corpus:
//!
//! - every fix a diagnostic carries (`fixes` in `--message-format json`:
//!   the edits a check attached, or the one a "did you mean `x`?" names) is
//!   applied and the catalog checked again: the diagnostic must be gone
//!   from its line, and no syntax error may appear;
//! - a help that tells the author to write, add or remove one given piece
//!   of code carries the fix that does it;
//! - every piece of code a help shows parses, as an item, a statement in a
//!   definition or an expression (`…` standing for what the author fills in).

mod common;

use common::project;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `citc check FILE --message-format json` in `dir`: one value per line.
fn check(dir: &Path, file: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["check", file, "--message-format", "json", "--quiet"])
        .current_dir(dir)
        .output()
        .expect("run citc check");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let Some(line_text) = text.split_inclusive('\n').nth(line - 1) else {
        // The position just after a last line that ends in a newline.
        return (start == text.len() && column == 1).then_some(start);
    };
    let byte = line_text
        .char_indices()
        .nth(column - 1)
        .map_or(line_text.len(), |(b, _)| b);
    Some(start + byte)
}

/// A fix's edits as (from, to, replacement) byte ranges.
fn edits(text: &str, diag: &Value) -> Option<Vec<(usize, usize, String)>> {
    let n = |v: &Value| v.as_u64().map(|x| x as usize);
    let mut edits = Vec::new();
    for fix in diag["fixes"].as_array()? {
        let from = offset(text, n(&fix["line"])?, n(&fix["column"])?)?;
        let to = offset(text, n(&fix["end"]["line"])?, n(&fix["end"]["column"])?)?;
        edits.push((from, to, fix["replacement"].as_str()?.to_string()));
    }
    edits.sort_by_key(|e| e.0);
    let disjoint = edits.windows(2).all(|w| w[0].1 <= w[1].0);
    (!edits.is_empty() && disjoint).then_some(edits)
}

/// `text` with the edits applied, and where the diagnostic's line went.
fn apply(text: &str, edits: &[(usize, usize, String)], line: usize) -> (String, usize) {
    let line_start = offset(text, line, 1).unwrap_or(0);
    let mut out = String::new();
    let mut shift: isize = 0;
    let mut at = 0;
    for (from, to, with) in edits {
        out.push_str(&text[at..*from]);
        out.push_str(with);
        at = *to;
        if *from < line_start {
            let removed = text[*from..*to.min(&line_start)].matches('\n').count() as isize;
            shift += with.matches('\n').count() as isize - removed;
        }
    }
    out.push_str(&text[at..]);
    (out, (line as isize + shift).max(1) as usize)
}

fn is_syntax_error(diag: &Value) -> bool {
    diag["code"].as_str().is_some_and(|c| c.starts_with("E000"))
}

/// The corpus in a copy of its layout, so that its imports
/// (`../../catalog.cit`, `../vendor/acme.cit`) resolve.
fn corpus_copy() -> (tempfile::TempDir, PathBuf, Vec<(String, String)>) {
    let work = tempfile::tempdir().expect("temp dir");
    let copy_ui = work.path().join("tests/ui");
    std::fs::create_dir_all(&copy_ui).expect("mkdir");
    std::fs::create_dir_all(work.path().join("tests/vendor")).expect("mkdir");
    for file in ["catalog.cit", "tests/vendor/acme.cit"] {
        std::fs::copy(project().join(file), work.path().join(file)).expect("copy");
    }
    let mut cases: Vec<(String, String)> = std::fs::read_dir(project().join("tests/ui"))
        .expect("tests/ui")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cit"))
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read_to_string(&p).ok()?))
        })
        .collect();
    cases.sort();
    for (name, text) in &cases {
        std::fs::write(copy_ui.join(name), text).expect("write");
    }
    (work, copy_ui, cases)
}

/// The diagnostics of each case, in its own file.
fn corpus_diagnostics(dir: &Path, cases: &[(String, String)]) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    for (i, (name, _)) in cases.iter().enumerate() {
        for diag in check(dir, name) {
            if diag["file"] == name.as_str() {
                out.push((i, diag));
            }
        }
    }
    out
}

/// The pieces of code a help quotes between backticks.
fn snippets(help: &str) -> Vec<&str> {
    help.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect()
}

/// Whether a help asks for one given edit: it starts by telling the author
/// to write, add or remove a piece of code it quotes.
fn asks_for_one_edit(help: &str) -> bool {
    let first_step = help.split([';', ':']).next().unwrap_or(help);
    let imperative = [
        "write `",
        "add `",
        "remove the `",
        "remove this `",
        "did you mean `",
    ]
    .iter()
    .any(|verb| first_step.starts_with(verb));
    imperative && !first_step.contains(", or ") && !first_step.contains("` or `")
}

#[test]
fn every_fix_of_the_ui_corpus_removes_its_diagnostic() {
    let (_work, dir, cases) = corpus_copy();
    let (mut applied, mut failures) = (0, Vec::new());
    let all = corpus_diagnostics(&dir, &cases);
    for (case, diag) in &all {
        let (case, diag) = (*case, diag);
        let (name, text) = &cases[case];
        let line = diag["line"].as_u64().unwrap_or_default() as usize;
        let help = diag["help"].as_str().unwrap_or_default();
        let Some(edits) = edits(text, diag) else {
            if asks_for_one_edit(help) {
                failures.push(format!(
                    "{name}:{line}: {} asks for an edit but carries no fix: {help}",
                    diag["code"]
                ));
            }
            continue;
        };
        let (edited, new_line) = apply(text, &edits, line);
        std::fs::write(dir.join(name), &edited).expect("write");
        let again = check(&dir, name);
        std::fs::write(dir.join(name), text).expect("write");
        applied += 1;
        let still = again.iter().any(|d| {
            d["file"] == diag["file"] && d["code"] == diag["code"] && d["line"] == new_line
        });
        // A fix may remove a syntax error (its own) but must not add one.
        let syntax_before = all
            .iter()
            .filter(|(c, d)| *c == case && is_syntax_error(d))
            .count();
        let syntax_after = again
            .iter()
            .filter(|d| d["file"] == name.as_str() && is_syntax_error(d))
            .count();
        if still || syntax_after > syntax_before {
            failures.push(format!(
                "{name}:{line}: the fix of {} ({:?}) did not remove \"{}\"; after it:\n  {}",
                diag["code"],
                edits.iter().map(|e| &e.2).collect::<Vec<_>>(),
                diag["message"].as_str().unwrap_or_default(),
                again
                    .iter()
                    .map(|d| format!("{}:{} {}", d["line"], d["code"], d["message"]))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ));
        }
    }
    assert!(applied >= 60, "only {applied} fixes were applied");
    assert!(
        failures.is_empty(),
        "{} problems with fixes ({applied} applied):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Code a help quotes parses in one of the places code goes.
fn parses(snippet: &str) -> bool {
    // `…` stands for what the author writes: a body, a name or a value.
    let filled = snippet
        .replace("{ … }", "{ }")
        .replace("\"…\"", "\"x\"")
        .replace('…', "x");
    let contexts = [
        format!("{filled}\n"),
        format!("preference p {{\n  {filled}\n}}\n"),
        format!("series s {{\n  {filled}\n}}\n"),
        format!("let probe = {filled}\n"),
        format!("release {{\n  {filled}\n}}\n"),
        format!("let probe = memory {filled}\n"),
        // A name or a path, in the places names and paths go.
        format!("patch {filled} {{ }}\n"),
        format!("{filled} {{ }}\n"),
        format!("instancetype p {filled} {{ }}\n"),
        format!("patch preference {filled} {{ }}\n"),
        format!("preference p {{\n  {filled} = 1\n}}\n"),
        format!("derive preference {{\n  label \"k\" {filled}\n}}\n"),
    ];
    contexts
        .iter()
        .any(|text| citc::syntax::parse_file(citc::source::FileId(0), text).is_ok())
}

/// A snippet that is a piece of punctuation or a unit (`}`, `,`, `Mi`) is
/// a token to type, not code to parse.
fn is_code(snippet: &str) -> bool {
    // A command line, the start of a path (`spec.`) or a character named by
    // its escape (`\r`) is not catalog code.
    if snippet.starts_with("citc ") || snippet.ends_with('.') || snippet.starts_with('\\') {
        return false;
    }
    snippet.chars().any(|c| c.is_ascii_alphanumeric())
        && !snippet.chars().all(|c| c.is_ascii_alphabetic())
        || snippet.contains(' ')
}

#[test]
fn every_piece_of_code_a_help_shows_parses() {
    let (_work, dir, cases) = corpus_copy();
    let mut seen = 0;
    let mut failures = Vec::new();
    for (case, diag) in corpus_diagnostics(&dir, &cases) {
        let help = diag["help"].as_str().unwrap_or_default();
        for snippet in snippets(help).into_iter().filter(|s| is_code(s)) {
            seen += 1;
            if !parses(snippet) {
                failures.push(format!(
                    "{}:{}: {} shows `{snippet}`, which does not parse",
                    cases[case].0, diag["line"], diag["code"]
                ));
            }
        }
    }
    assert!(seen >= 80, "only {seen} pieces of code in helps");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_snippet_rules_see_what_they_should() {
    assert!(asks_for_one_edit("write `//` instead of `#`"));
    assert!(asks_for_one_edit("did you mean `u1`?"));
    assert!(!asks_for_one_edit(
        "write the value itself (`2Gi`), or compute it"
    ));
    assert!(parses("patch preference fedora { … }"));
    assert!(parses("memory * 9 / 10"));
    assert!(!parses("memory *"));
    assert!(is_code("memory * 2") && is_code("u1.large") && !is_code("}") && !is_code("Mi"));
}
