//! The worked examples of README's "Your own catalog": each one checks
//! clean under `--deny warnings`, is formatted, and builds under its own
//! release names; the downstream one differs from upstream's release by
//! exactly its overlays.

mod common;

use common::project;

use std::path::Path;
use std::process::{Command, Output};

fn citc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(args)
        .current_dir(project())
        .env("NO_COLOR", "1")
        .output()
        .expect("run citc")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read output")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const ACME_FILES: [&str; 7] = [
    ".citc-build",
    "CHECKSUMS.sha256",
    "acme-clusterinstancetypes-bundle.yaml",
    "acme-clusterpreferences-bundle.yaml",
    "acme-instancetypes-all-bundle.yaml",
    "acme-instancetypes-bundle.yaml",
    "acme-preferences-bundle.yaml",
];

#[test]
fn the_examples_check_clean_and_are_formatted() {
    for example in [
        "examples/vendor/catalog.cit",
        "examples/downstream/catalog.cit",
        "tests/downstream/acme.cit",
    ] {
        ok(&citc(&["check", example, "--deny", "warnings"]));
        ok(&citc(&["fmt", "--check", example]));
    }
}

#[test]
fn the_vendor_example_builds_under_its_own_names() {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("_build");
    let dir_arg = dir.to_str().expect("utf-8");
    ok(&citc(&[
        "build",
        "examples/vendor/catalog.cit",
        "--version",
        "v1.0.0",
        "-o",
        dir_arg,
    ]));
    assert_eq!(files(&dir), ACME_FILES);
    let all = std::fs::read_to_string(dir.join("acme-instancetypes-all-bundle.yaml"))
        .expect("all-bundle");
    let documents = all.matches("\nkind: ").count();
    assert_eq!(
        documents, 24,
        "9 instance types and 3 preferences, two kinds each"
    );
    assert_eq!(
        all.matches("    acme.example/catalog-version: v1.0.0\n  name: ")
            .count(),
        documents,
        "every document carries the vendor's version label, last"
    );
    assert!(!all.contains("common-instancetypes-version"));
    assert!(!all.contains("kubevirt.io/vendor: kubevirt.io"));
    // The build's own folder compares equal to the catalog.
    let report = ok(&citc(&[
        "diff",
        dir_arg,
        "--catalog",
        "examples/vendor/catalog.cit",
        "--version",
        "v1.0.0",
        "--fail-on",
        "any",
    ]));
    assert!(report.contains("no change"), "{report}");
}

#[test]
fn the_downstream_example_is_upstream_plus_its_overlays() {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("_build");
    let dir_arg = dir.to_str().expect("utf-8");
    ok(&citc(&[
        "build",
        "examples/downstream/catalog.cit",
        "--version",
        "v1.7.0",
        "-o",
        dir_arg,
    ]));
    assert_eq!(files(&dir), ACME_FILES);
    let all = std::fs::read_to_string(dir.join("acme-instancetypes-all-bundle.yaml"))
        .expect("all-bundle");
    assert!(!all.contains("vendor: kubevirt.io"), "re-vendored");
    for removed in ["name: rt1.", "name: windows.xp\n", "name: rhel.7\n"] {
        assert!(!all.contains(removed), "{removed} is removed");
    }
    assert!(all.contains("name: acme1.large\n"), "the series of its own");

    // Against upstream's own build of catalog.cit, the diff shows the
    // re-vendoring once, as a shared change, and the removals.
    let upstream = out.path().join("upstream");
    ok(&citc(&[
        "build",
        "catalog.cit",
        "--version",
        "v1.7.0",
        "-o",
        upstream.to_str().expect("utf-8"),
    ]));
    let report = ok(&citc(&[
        "diff",
        upstream.to_str().expect("utf-8"),
        dir_arg,
        "--catalog",
        "examples/downstream/catalog.cit",
    ]));
    assert_eq!(
        report.matches("\"kubevirt.io\" → \"acme.example\"").count(),
        1,
        "one shared change:\n{report}"
    );
    assert!(report.contains("rt1.*"), "{report}");
    assert!(
        !report.contains("catalog-version"),
        "the version label is no change:\n{report}"
    );
}
