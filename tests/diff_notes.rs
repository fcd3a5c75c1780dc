//! Release notes (`citc diff --format markdown`) of upstream's releases,
//! compared with the notes committed in tests/diff_notes/: v1.7.0 → main
//! (7c1e305b) and v1.6.0 → v1.7.0, from the release folders in
//! ../shared/upstream/releases. The committed notes are what a maintainer
//! pastes into a GitHub release as they are; they were read as such.
//! `CITC_BLESS=1 cargo test --test diff_notes` rewrites them after a
//! reviewed change.
//!
//! Beside the golden comparison, the counts the notes give are checked
//! against the JSON report of the same diff (resources counted once per
//! name, whatever their kinds), every name the JSON report lists is in the
//! notes, and README.md's example is the v1.7.0 → main notes as written.

mod common;

use common::project;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, Yaml};

/// `../shared/upstream/releases`, or `None` (with the reason printed) when
/// it is absent outside CI. Under CI=true a missing folder fails the test.
fn releases() -> Option<PathBuf> {
    let dir = project().join("../shared/upstream/releases");
    if dir.join("v1.7.0").is_dir() && dir.join("main-7c1e305b").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{} is missing, and CI=true", dir.display());
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

fn citc(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command
        .args(args)
        .current_dir(project())
        .env("NO_COLOR", "1")
        .env(
            "CITC_CACHE_DIR",
            std::env::temp_dir().join("citc-diff-notes-no-cache"),
        );
    // The notes must not depend on where the test runs (no links in
    // Actions: two releases have no citations anyway).
    for var in ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"] {
        command.env_remove(var);
    }
    command.output().expect("run citc")
}

fn diff(old: &Path, new: &Path, format: &str) -> String {
    let out = citc(&[
        "diff",
        old.to_str().expect("a UTF-8 path"),
        new.to_str().expect("a UTF-8 path"),
        "--format",
        format,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The committed notes, or (with CITC_BLESS) the notes written there.
fn golden(name: &str, actual: &str) {
    let path = project().join("tests/diff_notes").join(name);
    if std::env::var_os("CITC_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err} (CITC_BLESS=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{} differs (CITC_BLESS=1 rewrites it after review):\n--- expected\n{expected}--- actual\n{actual}",
        path.display()
    );
}

/// Per status, the distinct (family, name) pairs of the JSON report: an
/// instance type or preference counted once whatever its kinds.
fn resources_by_status(json: &str) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let docs = Yaml::load_from_str(json).expect("JSON");
    let report = &docs[0];
    let mut by_status: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for resource in report
        .as_mapping_get("resources")
        .and_then(Yaml::as_vec)
        .expect("resources")
    {
        let text = |key: &str| {
            resource
                .as_mapping_get(key)
                .and_then(Yaml::as_str)
                .expect(key)
                .to_string()
        };
        let family = if text("kind").ends_with("Instancetype") {
            "instance type"
        } else {
            "preference"
        };
        by_status
            .entry(text("status"))
            .or_default()
            .insert((family.to_string(), text("name")));
    }
    by_status
}

/// The notes' counts agree with the JSON report, and every name it lists
/// is in the notes.
fn check_against_json(notes: &str, json: &str) {
    let by_status = resources_by_status(json);
    for (status, resources) in &by_status {
        for family in ["instance type", "preference"] {
            let n = resources.iter().filter(|(f, _)| f == family).count();
            if n == 0 {
                continue;
            }
            let noun = if n == 1 {
                family.to_string()
            } else {
                format!("{family}s")
            };
            let first = format!("{n} {noun} {status}");
            let later = format!(" and {n} {status}.");
            let later_comma = format!(", {n} {status}");
            assert!(
                notes.contains(&first) || notes.contains(&later) || notes.contains(&later_comma),
                "{n} {family} {status}, by the JSON report: {notes}"
            );
        }
        for (_, name) in resources {
            assert!(
                notes.contains(&format!("`{name}`")),
                "{name} ({status}): {notes}"
            );
        }
    }
}

#[test]
fn release_notes_from_v1_7_0_to_main() {
    let Some(releases) = releases() else { return };
    let (old, new) = (releases.join("v1.7.0"), releases.join("main-7c1e305b"));
    let notes = diff(&old, &new, "markdown");
    check_against_json(&notes, &diff(&old, &new, "json"));
    // The versions come from the releases' labels, without --version.
    assert!(
        notes.starts_with("## Changes from `v1.7.0` to `v1.6.0-90-g7c1e305b`\n"),
        "{notes}"
    );
    assert!(notes.contains("No breaking changes."), "{notes}");
    // Added preferences with their display names, from the bundle.
    let bundle =
        std::fs::read_to_string(new.join("common-clusterpreferences-bundle.yaml")).expect("read");
    for name in [
        "fedora.s390x.secex",
        "rhel.10.s390x.secex",
        "rhel.9.s390x.secex",
    ] {
        let document = bundle
            .split("\n---\n")
            .find(|doc| doc.contains(&format!("\n  name: {name}\n")))
            .expect(name);
        let display = document
            .lines()
            .find_map(|l| l.trim().strip_prefix("openshift.io/display-name: "))
            .expect("a display name");
        assert!(
            notes.contains(&format!("| `{name}` | {display} |")),
            "{name}: {notes}"
        );
    }
    golden("v1.7.0-to-main.md", &notes);
    // README.md shows these notes as citc writes them (indented in its
    // list of commands).
    let readme = std::fs::read_to_string(project().join("README.md")).expect("README.md");
    let shown: String = notes
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect();
    assert!(
        readme.contains(&format!("  ```text\n{shown}  ```\n")),
        "README.md's example of the markdown format is not what citc writes:\n{shown}"
    );
}

#[test]
fn release_notes_from_v1_6_0_to_v1_7_0() {
    let Some(releases) = releases() else { return };
    let (old, new) = (releases.join("v1.6.0"), releases.join("v1.7.0"));
    let notes = diff(&old, &new, "markdown");
    check_against_json(&notes, &diff(&old, &new, "json"));
    assert!(
        notes.starts_with("## Changes from `v1.6.0` to `v1.7.0`\n"),
        "{notes}"
    );
    // Nothing said twice: no line of the notes repeats but blank ones,
    // table headers and the leads of groups of changes (`**In 3
    // preferences:**`, each with its own changes and table).
    let mut seen = BTreeSet::new();
    for line in notes.lines() {
        let repeatable = line.is_empty()
            || line.starts_with("**In ")
            || line.starts_with("|---")
            || line.starts_with("| Preference |")
            || line.starts_with("| Instance type |");
        assert!(
            repeatable || seen.insert(line),
            "said twice: {line}\n{notes}"
        );
    }
    golden("v1.6.0-to-v1.7.0.md", &notes);
}
