//! The output contract: `citc build catalog.cit` writes the six files that
//! upstream's scripts/generate.sh writes at main, and the frozen catalog of
//! the last release, `tests/golden/v1.7.0.cit`, those of release v1.7.0,
//! byte for byte. Upstream's files are carried in tests/golden/releases
//! (see its README), so any clone checks this; when ../shared is beside the
//! project, the copies are checked against it too.

mod common;

use common::project;

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest as _;

/// The upstream release folder carried in tests/golden/releases.
pub fn release_dir(tag: &str) -> Option<PathBuf> {
    let dir = project().join("tests/golden/releases").join(tag);
    assert!(
        dir.is_dir(),
        "{} is missing: the carried release data is part of the project",
        dir.display()
    );
    Some(dir)
}

/// The same release in ../shared, or `None` (with the reason printed) when
/// it is absent outside CI. Under CI=true a missing folder fails the test.
fn shared_release_dir(tag: &str) -> Option<PathBuf> {
    let dir = project().join("../shared/upstream/releases").join(tag);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing, and CI=true: the carried copy cannot be checked",
            dir.display()
        );
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

/// The names of the files in a folder, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The copies in tests/golden/releases are upstream's files, byte for byte:
/// their checksums hold, and they equal ../shared's when it is there.
#[test]
fn carried_release_data_is_upstreams() {
    for tag in ["v1.7.0", "main-7c1e305b"] {
        let carried = release_dir(tag).expect("carried");
        // Each bundle matches the CHECKSUMS.sha256 it came with.
        let sums = std::fs::read_to_string(carried.join("CHECKSUMS.sha256")).expect("checksums");
        let mut listed = vec!["CHECKSUMS.sha256".to_string()];
        for line in sums.lines() {
            let (sum, name) = line.split_once("  ").expect("sha256sum line");
            let bytes = std::fs::read(carried.join(name)).expect("bundle");
            let digest = sha2::Sha256::digest(&bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, sum, "{tag}/{name}: checksum");
            listed.push(name.to_string());
        }
        listed.sort();
        assert_eq!(file_names(&carried), listed, "{tag}: files");
        let Some(shared) = shared_release_dir(tag) else {
            continue;
        };
        assert_eq!(file_names(&carried), file_names(&shared), "{tag}: files");
        for name in file_names(&shared) {
            let a = std::fs::read(carried.join(&name)).expect("read");
            let b = std::fs::read(shared.join(&name)).expect("read");
            assert!(
                a == b,
                "{tag}/{name} differs from ../shared's: {}",
                first_difference(&b, &a)
            );
        }
    }
    let license = std::fs::read_to_string(project().join("tests/golden/releases/LICENSE"))
        .expect("upstream's LICENSE is carried with its data");
    assert!(license.contains("Apache License") && license.contains("The KubeVirt Authors"));
}

fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let line = expected[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let show = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        text.lines()
            .nth(line - 1)
            .unwrap_or("<end of file>")
            .to_string()
    };
    format!(
        "first difference at byte {at}, line {line}:\n  expected: {}\n  actual:   {}",
        show(expected),
        show(actual)
    )
}

/// Builds `catalog` with `--version version` and compares the output with
/// the release folder `tag` of tests/golden/releases, file by file;
/// `documents` is the all-bundle's document count.
fn assert_builds_release(catalog: &str, version: &str, tag: &str, documents: usize) {
    let Some(expected_dir) = release_dir(tag) else {
        return;
    };
    let out = tempfile::tempdir().expect("temp dir");
    let out_dir = out.path().join("_build");
    let status = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["build", catalog, "--version", version, "-o"])
        .arg(&out_dir)
        .current_dir(project())
        .status()
        .expect("run citc");
    assert!(status.success(), "citc build {catalog} failed: {status}");

    let mut expected_names: Vec<String> = std::fs::read_dir(&expected_dir)
        .expect("read release dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    expected_names.sort();
    // Besides the release's files, the output holds citc's manifest (the
    // record that lets a later build replace the folder), and nothing else.
    let mut actual_names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("read output dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != citc::emit::outdir::MANIFEST)
        .collect();
    assert!(out_dir.join(citc::emit::outdir::MANIFEST).is_file());
    actual_names.sort();
    assert_eq!(
        actual_names, expected_names,
        "the output has other files than the release"
    );
    assert_eq!(expected_names.len(), 6);

    for name in &expected_names {
        let expected = std::fs::read(expected_dir.join(name)).expect("read expected");
        let actual = std::fs::read(out_dir.join(name)).expect("read actual");
        assert!(
            expected == actual,
            "{catalog}: {name} differs from upstream {tag}: {}",
            first_difference(&expected, &actual)
        );
    }
    let all = std::fs::read_to_string(out_dir.join("common-instancetypes-all-bundle.yaml"))
        .expect("all bundle");
    assert_eq!(all.matches("---\n").count(), documents);
}

/// catalog.cit is upstream's main: what its scripts/generate.sh makes of
/// commit 7c1e305b, stamped with that commit's `git describe --tags`.
#[test]
fn catalog_builds_upstream_main_byte_for_byte() {
    assert_builds_release("catalog.cit", "v1.6.0-90-g7c1e305b", "main-7c1e305b", 244);
}

/// The last release stays reproduced, from the catalog as it was then.
#[test]
fn golden_catalog_builds_upstream_v1_7_0_byte_for_byte() {
    assert_builds_release("tests/golden/v1.7.0.cit", "v1.7.0", "v1.7.0", 238);
}

#[test]
fn catalog_stays_under_its_line_budget() {
    let lines = std::fs::read_to_string(Path::new(&project()).join("catalog.cit"))
        .expect("catalog.cit")
        .lines()
        .count();
    assert!(
        lines < 900,
        "catalog.cit has {lines} lines; the budget is 900"
    );
}
