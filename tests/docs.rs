//! The docs are tested: every fenced code block of README.md and
//! grammar/LANGUAGE.md compiles as written, and grammar/STD.md is what
//! `citc doc std` prints.
//!
//! The rule for code blocks. Every fenced block (a line starting with
//! three backticks) must carry an info string, one of:
//!
//! - `cit`: a complete .cit file. It is compiled as written (with
//!   `citc::compile_str`, imports of `std/…` only if the block writes them)
//!   and must raise no diagnostic at all, except E0119 (a block that
//!   defines only abstract resources, mixins or tables makes no document).
//! - `cit continued`: continues the `cit` block before it in the same file
//!   (a tour that builds one catalog). It is compiled appended to that block
//!   and to every `cit continued` block between them, under the same rule.
//! - `cit fragment`: statements that cannot stand alone; the test wraps them
//!   as `abstract preference fragment { … }` and compiles that, same rule.
//! - `cit excerpt PATH`: lines quoted from a repository file (PATH from the
//!   repository root); every non-blank line of the block, trimmed, must occur
//!   in PATH, in the same order.
//! - `text`, `sh`, `yaml`: not .cit (diagnostics, shell commands, output);
//!   not checked.
//!
//! A block without an info string, or with another one, fails the test, so
//! no untested .cit block can be added by mistake. Indented (four-space)
//! blocks are not fenced blocks: the README uses them for shell commands.
//!
//! `CITC_BLESS=1 cargo test --test docs` rewrites grammar/STD.md.

mod common;

use common::project;

use std::process::Command;

const DOCUMENTS: &[&str] = &["README.md", "grammar/LANGUAGE.md"];
const REFERENCE: &str = "grammar/STD.md";

struct Block {
    /// Line of the opening fence, 1-based.
    line: usize,
    info: String,
    text: String,
}

fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    line: i + 1,
                    info: info.trim().to_string(),
                    text: String::new(),
                })
            }
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(block), None) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed fenced block");
    blocks
}

/// The problems of one compiled block, empty when it is clean.
fn compile_problems(name: &str, text: &str) -> Vec<String> {
    let compilation = citc::compile_str(name, text, "v1");
    compilation
        .diagnostics
        .iter()
        .filter(|d| d.code != "E0119")
        .map(|d| {
            format!(
                "{}\n    help: {}",
                citc::diagnostic::render_short(&compilation.sources, d),
                d.help.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn excerpt_problems(block: &str, path: &str) -> Vec<String> {
    let Ok(source) = std::fs::read_to_string(project().join(path)) else {
        return vec![format!("cannot read {path}")];
    };
    let mut lines = source.lines().map(str::trim);
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|wanted| !lines.any(|l| l == *wanted))
        .map(|missing| format!("`{missing}` is not in {path} (in this order)"))
        .collect()
}

fn check_document(document: &str, failures: &mut Vec<String>) -> usize {
    let text = std::fs::read_to_string(project().join(document)).expect("read document");
    let mut checked = 0;
    // The text a `cit continued` block is appended to.
    let mut tour: Option<String> = None;
    for block in fenced_blocks(&text) {
        let name = format!("{document}:{}", block.line);
        let words: Vec<&str> = block.info.split_whitespace().collect();
        let problems = match words.as_slice() {
            // `diff`: the migration kit's Makefile diff, checked against its patch
            // by tests/migration_kit.rs.
            ["text"] | ["sh"] | ["yaml"] | ["diff"] => continue,
            ["cit"] => {
                tour = Some(block.text.clone());
                compile_problems(&name, &block.text)
            }
            ["cit", "continued"] => match &mut tour {
                Some(tour) => {
                    tour.push_str(&block.text);
                    compile_problems(&name, tour)
                }
                None => vec!["`cit continued` without a `cit` block before it".to_string()],
            },
            ["cit", "fragment"] => {
                let wrapped = format!("abstract preference fragment {{\n{}}}\n", block.text);
                compile_problems(&name, &wrapped)
            }
            ["cit", "excerpt", path] => excerpt_problems(&block.text, path),
            _ => vec![format!(
                "info string `{}`: write one of cit, cit continued, cit fragment, \
                 cit excerpt PATH, text, sh, yaml, diff (see tests/docs.rs)",
                block.info
            )],
        };
        checked += 1;
        if !problems.is_empty() {
            failures.push(format!(
                "{name} (```{}):\n  {}",
                block.info,
                problems.join("\n  ")
            ));
        }
    }
    checked
}

#[test]
fn every_cit_block_of_the_docs_compiles_as_written() {
    let mut failures = Vec::new();
    for document in DOCUMENTS {
        let checked = check_document(document, &mut failures);
        assert!(checked >= 5, "{document}: only {checked} .cit blocks found");
    }
    assert!(
        failures.is_empty(),
        "{} block(s) fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_block_rule_catches_a_broken_block() {
    let mut failures = Vec::new();
    let broken = "preference p {\n  use no-such-mixin\n}\n";
    failures.extend(compile_problems("broken", broken));
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("E0102"), "{failures:?}");
    assert!(compile_problems("empty", "mixin m { spec.cpu.guest = 1 }\n").is_empty());
    assert!(excerpt_problems(
        "type Hugepages {\n  pageSize: quantity\n}\n",
        "stdlib/schema.cit"
    )
    .is_empty());
    assert!(
        !excerpt_problems("type Hugepages {\n  nope: int\n}\n", "stdlib/schema.cit").is_empty()
    );
    let blocks = fenced_blocks("a\n```cit\nx\n```\n```\ny\n```\n");
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        (blocks[0].info.as_str(), blocks[1].info.as_str()),
        ("cit", "")
    );
}

fn citc_doc_std(extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["doc", "std"])
        .args(extra)
        .current_dir(project())
        .output()
        .expect("run citc")
}

#[test]
fn the_std_reference_page_is_what_citc_doc_std_prints() {
    let out = citc_doc_std(&[]);
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(generated, citc::doc::std_reference());
    let path = project().join(REFERENCE);
    if std::env::var_os("CITC_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("bless");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{REFERENCE} differs from `citc doc std`: run `CITC_BLESS=1 cargo test --test docs`"
    );
    assert_eq!(citc_doc_std(&["--check", REFERENCE]).status.code(), Some(0));
}

#[test]
fn the_reference_names_every_std_item() {
    let page = citc::doc::std_reference();
    for needle in [
        "## std/kubevirt",
        "## std/sizes",
        "## std/components",
        "## std/schema",
        "| `osType` | preferences only | `metadata.labels.\"instancetype.kubevirt.io/os-type\"` |",
        "| `displayName` | instance types only |",
        "| `displayName` | preferences only |",
        "| `instancetype.kubevirt.io/numa` | if `spec.cpu.numa.guestMappingPassthrough` |",
        "#### `general_sizes`",
        "| `nano` | `1` | `512Mi` |",
        "#### `secureboot`",
        "| `spec.firmware.preferredEfi.secureBoot` | `true` |",
        "(alias `deprecated`)",
        "| `cpu` | required `CPUInstancetype` |",
    ] {
        assert!(page.contains(needle), "missing: {needle}");
    }
    // Every std mixin has a doc comment.
    for section in page.split("\n#### `").skip(1) {
        let (name, body) = section.split_once("`\n\n").expect("heading");
        let first = body.lines().next().unwrap_or_default();
        assert!(
            !first.starts_with('|') && !first.starts_with("Uses") && !first.is_empty(),
            "`{name}` has no doc comment in stdlib"
        );
    }
}

#[test]
fn doc_check_fails_on_a_stale_or_missing_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stale = dir.path().join("STD.md");
    std::fs::write(&stale, "# old\n").expect("write");
    let out = citc_doc_std(&["--check", stale.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("differs"));
    assert!(out.stdout.is_empty());
    let missing = dir.path().join("none.md");
    let out = citc_doc_std(&["--check", missing.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let out = citc_doc_std(&["--check", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "a folder is not a page");
}
