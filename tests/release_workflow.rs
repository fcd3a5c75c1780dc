//! The release workflow, editors/github/citc-release.yml, run step by step
//! as GitHub runs it (tests/workflow) on temporary repositories whose
//! catalogs are upstream's releases imported by `citc import`: a first
//! release, a release after an earlier tag, one with a breaking change, and
//! one whose catalog fails the check. `gh` is a program of the test's own
//! that records what it was asked to publish.
//!
//! The assets must be upstream's: the bundles byte for byte as released,
//! under `common-*-bundle-<tag>.yaml`, and CHECKSUMS.sha256 exactly as
//! upstream's .github/scripts/build.sh leaves it after its `sed` renames.

mod common;

use common::citc;

mod workflow;

use std::path::{Path, PathBuf};
use std::process::Command;

use workflow::{assert_all_passed, codes, commit, edit, git, load, project, Runner};

/// `../shared/upstream/releases`, or `None` (with the reason printed) when it
/// is absent outside CI. Under CI=true a missing folder fails the test.
fn releases() -> Option<PathBuf> {
    let dir = project().join("../shared/upstream/releases");
    if dir.join("v1.7.0/CHECKSUMS.sha256").is_file() && dir.join("v1.6.0").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing, and CI=true: the release workflow tests cannot be skipped",
            dir.display()
        );
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

/// Writes catalog.cit in `repo` as `citc import` makes it from a release.
fn import(release: &Path, repo: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["import"])
        .arg(release)
        .args(["-o", "catalog.cit", "--force"])
        .current_dir(repo)
        .output()
        .expect("citc import");
    assert!(
        out.status.success(),
        "citc import {}: {}",
        release.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with `LICENSE` and the catalog of each release in turn, each
/// committed and tagged with its name.
fn repository(releases: &Path, tags: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q", "."]);
    std::fs::write(
        root.join("LICENSE"),
        "Apache License\nVersion 2.0, January 2004\n",
    )
    .expect("write");
    for tag in tags {
        import(&releases.join(tag), root);
        commit(root, tag);
        git(root, &["tag", tag]);
    }
    dir
}

/// A `gh` that writes its arguments, one per line, to `gh.log` beside it,
/// and says whether GH_TOKEN reached it.
const GH: &str = r#"#!/bin/bash
log="$(dirname "$0")/../gh.log"
printf '%s\n' "$@" > "$log"
[ "$GH_TOKEN" = test-token ] || { echo "gh: GH_TOKEN is not set" >&2; exit 4; }
"#;

struct Release {
    runner: Runner,
    ran: Vec<workflow::Ran>,
}

impl Release {
    /// Runs the workflow at `tag`, checked out as the runner would.
    fn run(repo: &Path, tag: &str) -> Release {
        git(repo, &["checkout", "-q", tag]);
        let runner = Runner::new()
            .var("GITHUB_REF_NAME", tag)
            .var("GITHUB_REF_TYPE", "tag")
            .program("gh", GH);
        let ran = runner.run(&load("citc-release.yml"), repo);
        Release { runner, ran }
    }

    /// What `gh` was asked, when it ran.
    fn gh(&self) -> Option<Vec<String>> {
        let log = std::fs::read_to_string(self.runner.dir.path().join("gh.log")).ok()?;
        Some(log.lines().map(String::from).collect())
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Upstream's asset name: build.sh's `${file/\.yaml/-${VERSION}\.yaml}`.
fn asset_name(file: &str, tag: &str) -> String {
    file.replacen(".yaml", &format!("-{tag}.yaml"), 1)
}

/// The assets published for `tag` are upstream's release of the same
/// version: its bundles byte for byte under its asset names, and its
/// checksum file after build.sh's `sed` renames.
fn assert_upstream_assets(repo: &Path, release: &Path, tag: &str, asked: &[String]) {
    let assets = &asked[8..];
    let mut expected = Vec::new();
    let mut checksums = String::from_utf8(read(&release.join("CHECKSUMS.sha256"))).expect("utf-8");
    for line in checksums.clone().lines() {
        let file = line.split_whitespace().nth(1).expect("a name");
        let versioned = asset_name(file, tag);
        assert_eq!(
            read(&repo.join("_build").join(&versioned)),
            read(&release.join(file)),
            "{versioned} is not upstream's {file}"
        );
        // build.sh: sed -i "s/${file}/${file_versioned}/g" CHECKSUMS.sha256
        checksums = checksums.replace(file, &versioned);
        expected.push(format!("_build/{versioned}"));
    }
    assert_eq!(expected.len(), 5);
    expected.push("_build/CHECKSUMS.sha256".into());
    expected.push("LICENSE".into());
    assert_eq!(assets, expected.as_slice());
    assert_eq!(
        String::from_utf8(read(&repo.join("_build/CHECKSUMS.sha256"))).expect("utf-8"),
        checksums
    );
    for asset in assets {
        assert!(repo.join(asset).is_file(), "{asset}");
    }
}

#[test]
fn the_workflow_is_hardened_and_runs_on_version_tags() {
    let workflow = load("citc-release.yml");
    workflow::assert_hardened(&workflow);
    assert_eq!(workflow.push_tags, ["v*.*.*"]);
    // Publishing needs to write; nothing else does.
    assert_eq!(
        workflow.job_permissions,
        [("contents".to_string(), "write".to_string())]
    );
}

#[test]
fn a_first_release_publishes_upstreams_assets_with_a_first_release_note() {
    let Some(releases) = releases() else { return };
    let repo = repository(&releases, &["v1.7.0"]);
    let release = Release::run(repo.path(), "v1.7.0");
    assert_all_passed(&load("citc-release.yml"), &release.ran);
    let asked = release.gh().expect("gh ran");
    assert_eq!(
        asked[..8],
        [
            "release",
            "create",
            "v1.7.0",
            "--verify-tag",
            "--title",
            "v1.7.0",
            "--notes-file",
            "_release-notes.md"
        ]
    );
    assert_upstream_assets(repo.path(), &releases.join("v1.7.0"), "v1.7.0", &asked);
    let notes = std::fs::read_to_string(repo.path().join("_release-notes.md")).expect("notes");
    assert!(
        notes.starts_with("The first release of this catalog"),
        "{notes}"
    );
}

#[test]
fn the_notes_are_citc_diff_from_the_previous_version_tag() {
    let Some(releases) = releases() else { return };
    let repo = repository(&releases, &["v1.6.0"]);
    // A tag that is not a release, in between: not the previous release.
    std::fs::write(repo.path().join("NOTES"), "nightly\n").expect("write");
    commit(repo.path(), "nightly");
    git(repo.path(), &["tag", "nightly"]);
    import(&releases.join("v1.7.0"), repo.path());
    commit(repo.path(), "v1.7.0");
    git(repo.path(), &["tag", "-a", "-m", "v1.7.0", "v1.7.0"]);

    let release = Release::run(repo.path(), "v1.7.0");
    assert_all_passed(&load("citc-release.yml"), &release.ran);
    let asked = release.gh().expect("gh ran");
    assert_upstream_assets(repo.path(), &releases.join("v1.7.0"), "v1.7.0", &asked);
    let notes = std::fs::read_to_string(repo.path().join("_release-notes.md")).expect("notes");
    assert!(
        notes.starts_with("## Changes from `v1.6.0` to `v1.7.0`"),
        "{notes}"
    );
    // v1.7.0 gave fedora and rhel a preferred architecture.
    assert!(
        notes.contains("instancetype.kubevirt.io/preferred-architecture"),
        "{notes}"
    );
    assert!(notes.contains("fedora"), "{notes}");
}

#[test]
fn a_breaking_change_leads_the_notes() {
    let Some(releases) = releases() else { return };
    let repo = repository(&releases, &["v1.7.0"]);
    // u1.nano goes: every other instance type of the series stays.
    edit(
        repo.path(),
        "catalog.cit",
        "series u1 {\n  use common-series\n  sizes general_sizes\n",
        "series u1 {\n  use common-series\n  sizes general_sizes except nano\n",
    );
    commit(repo.path(), "no u1.nano");
    git(repo.path(), &["tag", "v1.8.0"]);

    let release = Release::run(repo.path(), "v1.8.0");
    let ran = &release.ran;
    assert!(
        ran.iter().all(|r| r.code == Some(0)),
        "{:?}\n{}",
        codes(ran),
        ran.iter().map(|r| r.stderr.clone()).collect::<String>()
    );
    let notes = std::fs::read_to_string(repo.path().join("_release-notes.md")).expect("notes");
    assert!(
        notes.starts_with("## Changes from `v1.7.0` to `v1.8.0`"),
        "{notes}"
    );
    let breaking = notes
        .find("### Breaking changes")
        .unwrap_or_else(|| panic!("{notes}"));
    assert!(notes[breaking..].contains("u1.nano"), "{notes}");
    assert!(
        breaking < notes.find("### Removed").expect("removed"),
        "{notes}"
    );
    assert!(repo
        .path()
        .join("_build/common-instancetypes-all-bundle-v1.8.0.yaml")
        .is_file());
}

#[test]
fn a_catalog_that_fails_the_check_is_not_released() {
    let Some(releases) = releases() else { return };
    let repo = repository(&releases, &["v1.7.0"]);
    edit(
        repo.path(),
        "catalog.cit",
        "series u1 {",
        "series u1 {\n  spec.cpu.guest = \"one\"\n",
    );
    commit(repo.path(), "a broken catalog");
    git(repo.path(), &["tag", "v1.7.1"]);
    let release = Release::run(repo.path(), "v1.7.1");
    let last = release.ran.last().expect("a step");
    assert_eq!(
        (last.name.as_str(), last.code),
        ("Check", Some(1)),
        "{:?}",
        codes(&release.ran)
    );
    assert_eq!(release.gh(), None, "nothing is published");
}

#[test]
fn an_empty_version_is_a_usage_error_that_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        project().join("catalog.cit"),
        dir.path().join("catalog.cit"),
    )
    .expect("copy");
    let out = citc(
        &["build", "catalog.cit", "--version", "", "-o", "out"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: --version is empty\n"),
        "{stderr}"
    );
    assert!(stderr.contains("no tag yet"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn versioned_names_are_checked_too_and_a_collision_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        project().join("catalog.cit"),
        dir.path().join("catalog.cit"),
    )
    .expect("copy");
    let build = [
        "build",
        "catalog.cit",
        "--version",
        "v2.0.0",
        "--versioned-names",
        "-o",
        "out",
    ];
    assert!(citc(&build, dir.path()).status.success());
    let checksums = std::fs::read_to_string(dir.path().join("out/CHECKSUMS.sha256")).expect("read");
    let names: Vec<&str> = checksums
        .lines()
        .filter_map(|l| l.split("  ").nth(1))
        .collect();
    assert_eq!(names.len(), 5);
    assert!(
        names.iter().all(|n| n.ends_with("-bundle-v2.0.0.yaml")),
        "{names:?}"
    );
    // --check compares the versioned names; the unversioned build is stale.
    let mut check = build.to_vec();
    check.push("--check");
    assert_eq!(citc(&check, dir.path()).status.code(), Some(0));
    let unversioned = [
        "build",
        "catalog.cit",
        "--version",
        "v2.0.0",
        "--check",
        "-o",
        "out",
    ];
    assert_eq!(citc(&unversioned, dir.path()).status.code(), Some(1));

    // A checksum file named like a versioned bundle.
    let catalog = std::fs::read_to_string(dir.path().join("catalog.cit")).expect("read");
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!("{catalog}\nrelease {{\n  all_bundle = \"all.yaml\"\n  checksums = \"all-v2.0.0.yaml\"\n}}\n"),
    )
    .expect("write");
    let out = citc(
        &[
            "build",
            "catalog.cit",
            "--version",
            "v2.0.0",
            "--versioned-names",
            "-o",
            "clash",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("two files would be named `all-v2.0.0.yaml`"),
        "{stderr}"
    );
    assert!(!dir.path().join("clash").exists());
}
