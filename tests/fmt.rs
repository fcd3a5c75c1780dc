//! `citc fmt`: the layout of each fixture, and the properties every .cit
//! file in the repository must have under the formatter — idempotent, same
//! syntax tree, same comments, same compiled bytes — then the command line.
//!
//! A fixture is `tests/fmt/<case>.cit` with its expected layout beside it in
//! `tests/fmt/<case>.expected.cit`. After a reviewed change of layout,
//! `CITC_BLESS=1 cargo test --test fmt` rewrites the expectations.

mod common;

use common::{citc, project, read, stderr, stdout};

use std::path::{Path, PathBuf};

use citc::fmt::format_source;
use citc::source::FileId;

fn format(name: &str, text: &str) -> String {
    format_source(FileId(0), text).unwrap_or_else(|d| panic!("{name}: {}: {}", d.code, d.message))
}

/// The fixture inputs: `tests/fmt/*.cit` except the expectations.
fn fixtures() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(project().join("tests/fmt"))
        .expect("tests/fmt")
        .map(|entry| entry.expect("tests/fmt entry").path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".cit") && !name.ends_with(".expected.cit")
        })
        .collect();
    inputs.sort();
    inputs
}

fn expectation(input: &Path) -> PathBuf {
    input.with_extension("expected.cit")
}

/// Every .cit file of the repository (outside `target` and `.git`).
fn repository_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() && name != "target" && name != ".git" && name != "node_modules" {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "cit") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&project(), &mut found);
    found.sort();
    found
}

/// The syntax tree without positions: what the formatter must not change.
fn tree(text: &str) -> Option<String> {
    let file = citc::syntax::parse_file(FileId(0), text).ok()?;
    let mut debug = format!("{file:?}");
    const SPAN: &str = "Span { file: FileId(";
    while let Some(start) = debug.find(SPAN) {
        let end = debug[start..]
            .find('}')
            .map_or(debug.len(), |i| start + i + 1);
        debug.replace_range(start..end, "Span");
    }
    Some(debug)
}

fn comments(text: &str) -> Vec<String> {
    citc::fmt::lex::lex(text)
        .into_iter()
        .filter(|t| t.kind == citc::fmt::lex::Kind::Comment)
        .map(|t| t.text.to_string())
        .collect()
}

/// What a compilation gives: the release bundles' bytes when it succeeds,
/// else its diagnostics without positions.
fn compiled(text: &str) -> Vec<(String, Vec<u8>)> {
    let compilation = citc::compile_str("test.cit", text, "v0");
    if compilation.has_errors() {
        return compilation
            .diagnostics
            .iter()
            .map(|d| (d.code.to_string(), d.message.clone().into_bytes()))
            .collect();
    }
    citc::emit::bundle::bundles(&compilation.documents, &compilation.release)
}

/// The properties of formatting `text`; returns the problems found.
fn check_properties(name: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let once = format(name, text);
    let twice = format(name, &once);
    if twice != once {
        problems.push(format!("{name}: formatting twice changes the text"));
    }
    if tree(&once) != tree(text) {
        problems.push(format!("{name}: the syntax tree changed"));
    }
    if comments(&once) != comments(text) {
        problems.push(format!("{name}: the comments changed"));
    }
    if compiled(&once) != compiled(text) {
        problems.push(format!("{name}: the compiled output changed"));
    }
    problems
}

#[test]
fn fixtures_have_their_expected_layout() {
    let bless = std::env::var_os("CITC_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for input in fixtures() {
        let formatted = format(&input.display().to_string(), &read(&input));
        let expected_path = expectation(&input);
        if bless {
            std::fs::write(&expected_path, &formatted).expect("write expectation");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if formatted != expected {
            failures.push(format!(
                "{}: layout differs from {} (CITC_BLESS=1 rewrites it):\n{formatted}",
                input.display(),
                expected_path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fixtures_keep_their_meaning_and_comments() {
    let mut problems = Vec::new();
    for input in fixtures() {
        let text = read(&input);
        assert!(
            tree(&text).is_some(),
            "{}: fixtures must parse",
            input.display()
        );
        problems.extend(check_properties(&input.display().to_string(), &text));
        let expected = read(&expectation(&input));
        if format(&input.display().to_string(), &expected) != expected {
            problems.push(format!("{}: expectation is not formatted", input.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every .cit file of the repository that parses (diagnostic fixtures with
/// syntax errors are skipped) formats idempotently and keeps its meaning.
#[test]
fn repository_files_keep_their_meaning_and_comments() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in repository_files() {
        let text = read(&path);
        if tree(&text).is_none() {
            continue;
        }
        checked += 1;
        problems.extend(check_properties(&path.display().to_string(), &text));
    }
    assert!(checked >= 4, "found only {checked} .cit files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn catalog_and_stdlib_are_formatted() {
    let mut paths = vec![project().join("catalog.cit")];
    paths.extend(
        repository_files()
            .into_iter()
            .filter(|p| p.starts_with(project().join("stdlib"))),
    );
    let unformatted: Vec<String> = paths
        .iter()
        .filter(|p| {
            let text = read(p);
            format(&p.display().to_string(), &text) != text
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        unformatted.is_empty(),
        "not in canonical layout (run `citc fmt` on them): {unformatted:?}"
    );
}

/// The catalog with every line shifted by a tab and CRLF line ends formats
/// back to the catalog's layout and compiles to the same bytes throughout.
#[test]
fn shifted_catalog_formats_back_and_compiles_the_same() {
    let catalog = read(&project().join("catalog.cit"));
    let shifted: String = catalog.lines().map(|l| format!("\t{l}\r\n")).collect();
    let formatted = format("shifted catalog.cit", &shifted);
    assert_eq!(formatted, format("catalog.cit", &catalog));
    let bytes = compiled(&catalog);
    assert!(bytes.len() > 2, "catalog.cit compiles to bundles");
    assert!(
        compiled(&shifted) == bytes,
        "the shifted catalog compiles the same"
    );
    assert!(
        compiled(&formatted) == bytes,
        "the formatted catalog compiles the same"
    );
}

/// A small deterministic pseudo-random sequence (an LCG), so that the
/// perturbation tests are reproducible from their seed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Rebuilds `text` token by token; `gap` rewrites the whitespace between
/// two tokens (never called between glued tokens like `a.b` or `1:4`).
fn rewrite_gaps(text: &str, mut gap: impl FnMut(&str, usize) -> String) -> String {
    let mut out = String::new();
    let mut end = 0;
    let tokens = citc::fmt::lex::lex(text);
    for (i, token) in tokens.iter().enumerate() {
        let whitespace = &text[end..token.start];
        if whitespace.is_empty() {
            // Glued tokens stay glued.
        } else {
            out.push_str(&gap(whitespace, i));
        }
        out.push_str(token.text);
        end = token.start + token.text.len();
    }
    out.push_str(&gap(&text[end..], tokens.len()));
    out
}

/// `text` with every run of spaces and tabs between tokens replaced by
/// another, and spaces added at some line ends.
fn shake_horizontal_whitespace(text: &str, seed: u64) -> String {
    let mut random = Random(seed);
    rewrite_gaps(text, |whitespace, _| {
        let mut out = String::new();
        for (j, piece) in whitespace.split('\n').enumerate() {
            if j > 0 {
                out.push('\n');
            }
            if !piece.is_empty() || random.below(3) == 0 {
                for _ in 0..=random.below(3) {
                    out.push(if random.below(4) == 0 { '\t' } else { ' ' });
                }
            }
        }
        out
    })
}

/// `text` with comments (at line ends and on their own lines), line breaks
/// and blank lines added between some tokens.
fn add_comments_and_line_breaks(text: &str, seed: u64) -> String {
    let mut random = Random(seed);
    rewrite_gaps(text, |whitespace, i| {
        let added = match random.below(60) {
            0 => format!(" // end of line {i}\n"),
            1 => format!("\n// own line {i}\n"),
            2 => format!("\n\n// after a blank line {i}\n\n"),
            3 => "\n".to_string(),
            4 => "\n\n\n".to_string(),
            _ => String::new(),
        };
        format!("{added}{whitespace}")
    })
}

/// Spaces and tabs between tokens do not change the layout.
#[test]
fn horizontal_whitespace_does_not_matter() {
    let mut files = fixtures();
    files.push(project().join("catalog.cit"));
    for path in files {
        let text = read(&path);
        let expected = format(&path.display().to_string(), &text);
        for seed in 1..=5 {
            let shaken = shake_horizontal_whitespace(&text, seed);
            let name = format!("{} shaken with seed {seed}", path.display());
            assert_eq!(format(&name, &shaken), expected, "{name}:\n{shaken}");
        }
    }
}

/// Comments and line breaks anywhere (where whitespace may be): the
/// layout is still idempotent and keeps the tree and the comments.
#[test]
fn comments_and_line_breaks_anywhere() {
    let mut files = fixtures();
    files.push(project().join("catalog.cit"));
    let mut problems = Vec::new();
    for path in files {
        let text = read(&path);
        for seed in 1..=10 {
            let changed = add_comments_and_line_breaks(&text, seed);
            let name = format!("{} with comments, seed {seed}", path.display());
            let once = format(&name, &changed);
            if format(&name, &once) != once {
                problems.push(format!("{name}: formatting twice changes the text"));
            }
            if tree(&once) != tree(&changed) || comments(&once) != comments(&changed) {
                problems.push(format!("{name}: the tree or the comments changed"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn empty_files_comment_only_files_and_crlf() {
    assert_eq!(format("empty", ""), "");
    assert_eq!(format("blank", " \n\n\t\n"), "");
    assert_eq!(format("comments", "\n\n// a  \n\n\n// b"), "// a\n\n// b\n");
    assert_eq!(
        format("crlf", "mixin m {\r\n  a = 1  // c\r\n\r\n  b = 2\r\n}\r\n"),
        "mixin m {\n  a = 1  // c\n\n  b = 2\n}\n"
    );
}

#[test]
fn a_syntax_error_is_a_diagnostic() {
    let diag = format_source(FileId(0), "mixin m {\n  a = \n}\n").expect_err("syntax error");
    assert_eq!(diag.code, "E0001");
}

// ---------------------------------------------------------- command line

const FORMATTED: &str = "mixin m {\n  a = 1\n}\n";
const UNFORMATTED: &str = "mixin m{a=1\n}";

/// A temp dir with `good.cit` (formatted) and `bad.cit` (not).
fn two_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("good.cit"), FORMATTED).expect("write");
    std::fs::write(dir.path().join("bad.cit"), UNFORMATTED).expect("write");
    dir
}

#[test]
fn check_lists_files_that_would_change_and_writes_nothing() {
    let dir = two_files();
    let out = citc(&["fmt", "--check", "good.cit", "bad.cit"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "bad.cit\n");
    assert_eq!(read(&dir.path().join("bad.cit")), UNFORMATTED);

    let out = citc(&["fmt", "--check", "good.cit"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn fmt_rewrites_changed_files_in_place_and_names_them() {
    let dir = two_files();
    let out = citc(&["fmt", "good.cit", "bad.cit"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "bad.cit\n");
    assert_eq!(read(&dir.path().join("bad.cit")), FORMATTED);
    assert_eq!(read(&dir.path().join("good.cit")), FORMATTED);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "good.cit" && n != "bad.cit")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let out = citc(&["fmt", "--check", "good.cit", "bad.cit"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn fmt_without_files_formats_catalog_cit() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("catalog.cit"), UNFORMATTED).expect("write");
    let out = citc(&["fmt", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "catalog.cit\n");
    let out = citc(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&dir.path().join("catalog.cit")), FORMATTED);

    let help = stdout(&citc(&["fmt", "--help"], dir.path()));
    assert!(help.contains("catalog.cit"), "{help}");
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_untouched() {
    let dir = two_files();
    let broken = "mixin m {\n  a =\n}\n";
    std::fs::write(dir.path().join("broken.cit"), broken).expect("write");
    for args in [
        &["fmt", "broken.cit", "bad.cit"][..],
        &["fmt", "--check", "broken.cit"][..],
    ] {
        let out = citc(args, dir.path());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let text = stderr(&out);
        assert!(
            text.contains("E0001") && text.contains("broken.cit:2:5"),
            "{text}"
        );
        assert_eq!(read(&dir.path().join("broken.cit")), broken);
    }
    // The other file was still formatted.
    assert_eq!(read(&dir.path().join("bad.cit")), FORMATTED);
}

#[test]
fn unreadable_files_and_bad_arguments_exit_2() {
    let dir = two_files();
    let out = citc(&["fmt", "missing.cit", "bad.cit"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.cit"), "{}", stderr(&out));
    let out = citc(&["fmt", "--chek"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}
