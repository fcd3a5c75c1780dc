//! `citc diff` across the migration to citc (issue 13): in upstream's
//! repository the releases before citc have no catalog.cit. A git
//! repository is made here from ../shared/upstream, the way upstream's
//! history looks:
//!
//! 1. a commit with nothing of a release (tag `empty`);
//! 2. v0.3.0's release bundles committed at the top (tag `v0.3.0`);
//! 3. the v1.7.0 kustomize tree, ../shared/upstream/source (tag `v1.7.0`);
//! 4. the project's catalog of v1.7.0 (tests/golden/v1.7.0.cit, which
//!    imports only std modules) as catalog.cit, and
//!    `plain.cit`, a catalog that declares no release URL, so that a REF
//!    found nowhere never asks the network.
//!
//! Each way a REF can resolve is run from that repository: a file, a folder,
//! the catalog at a revision, bundles at a revision, a kustomize tree at a
//! revision (with kustomize or kubectl on PATH, and with neither), a release
//! folder, and nothing. Expectations come from the release folders
//! themselves, read by the same command without git.
//!
//! Then upstream as it is today, with no catalog at all: a folder holding a
//! kustomize tree is a REF (../shared/upstream/source against
//! ../shared/upstream/main says exactly what main changed, written out
//! here by hand), and in a clone made of those two trees two revisions
//! compare without a catalog, each named from git.

mod common;

use common::{git, project, stderr, stdout};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, Yaml};

/// `../shared/upstream`, or `None` (with the reason printed) when it is
/// absent outside CI. Under CI=true a missing folder fails the test.
fn upstream() -> Option<PathBuf> {
    let dir = project().join("../shared/upstream");
    if dir.join("releases/v0.3.0").is_dir() && dir.join("source/kustomization.yaml").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing, and CI=true: the migration tests cannot be skipped",
            dir.display()
        );
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

/// The first `program` on PATH.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|file| file.is_file())
}

/// Whether `kustomize build` or `kubectl kustomize` can run; prints why
/// not.
fn kustomize_available() -> bool {
    if on_path("kustomize").is_some() || on_path("kubectl").is_some() {
        return true;
    }
    eprintln!("skipping: neither kustomize nor kubectl is on PATH");
    false
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Removes everything of the work tree but `.git`.
fn clear(root: &Path) {
    for entry in std::fs::read_dir(root).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.file_name() == ".git" {
            continue;
        }
        if entry.file_type().expect("file type").is_dir() {
            std::fs::remove_dir_all(entry.path()).expect("rm -r");
        } else {
            std::fs::remove_file(entry.path()).expect("rm");
        }
    }
}

/// The repository of the module documentation.
fn upstream_history(upstream: &Path) -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path();
    git(root, &["init", "-q", "."]);
    let commit = |message: &str, tag: &str| {
        git(root, &["add", "-A", "."]);
        git(root, &["commit", "-q", "-m", message]);
        git(root, &["tag", tag]);
    };

    std::fs::write(root.join("README.md"), "# common-instancetypes\n").expect("write");
    commit("Nothing of a release yet", "empty");

    for entry in std::fs::read_dir(upstream.join("releases/v0.3.0")).expect("read dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), root.join(entry.file_name())).expect("copy");
    }
    commit("v0.3.0: bundles committed", "v0.3.0");

    clear(root);
    copy_tree(&upstream.join("source"), root);
    commit("v1.7.0: the kustomize tree", "v1.7.0");

    // The catalog of v1.7.0, so that the history's last step changes nothing.
    std::fs::copy(
        project().join("tests/golden/v1.7.0.cit"),
        root.join("catalog.cit"),
    )
    .expect("copy");
    std::fs::write(root.join("plain.cit"), "preference p { spec = {} }\n").expect("write");
    git(root, &["add", "-A", "."]);
    git(root, &["commit", "-q", "-m", "catalog.cit"]);
    repo
}

fn citc_with_path(args: &[&str], dir: &Path, path: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    // Never a download: a cache of the test's own, no proxy.
    let scratch = std::env::temp_dir().join("citc-diff-migration-no-cache");
    command.env("CITC_CACHE_DIR", &scratch);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("run citc")
}

fn citc(args: &[&str], dir: &Path) -> Output {
    citc_with_path(args, dir, None)
}

/// The JSON report of a diff that ran (exit 0 or 1).
fn json(out: &Output) -> String {
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    stdout(out)
}

fn parse(text: &str) -> Yaml<'_> {
    // JSON is YAML 1.2: saphyr reads the report without a second parser.
    let docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}\n{text}"));
    assert_eq!(docs.len(), 1, "{text}");
    docs.into_iter().next().expect("one document")
}

fn get<'a, 'b>(y: &'a Yaml<'b>, key: &str) -> &'a Yaml<'b> {
    y.as_mapping_get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {y:?}"))
}

fn summary(report: &Yaml) -> [i64; 4] {
    let s = get(report, "summary");
    ["added", "removed", "changed", "breaking"].map(|key| {
        get(s, key)
            .as_integer()
            .unwrap_or_else(|| panic!("`{key}` is not an integer"))
    })
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn a_revision_with_committed_bundles_is_read_from_them() {
    let Some(upstream) = upstream() else { return };
    let repo = upstream_history(&upstream);
    let release = upstream.join("releases/v0.3.0");

    let out = citc(&["diff", "v0.3.0", "--format", "json"], repo.path());
    let err = stderr(&out);
    assert!(
        err.contains("v0.3.0: the release bundles committed in git revision v0.3.0 ("),
        "{err}"
    );
    assert!(err.contains("it has no catalog.cit"), "{err}");
    let at_revision = json(&out);
    let at_revision = parse(&at_revision);
    // The same bundles, read from the release folder.
    let out = citc(
        &["diff", path_str(&release), "--format", "json"],
        repo.path(),
    );
    let from_folder = json(&out);
    let from_folder = parse(&from_folder);
    assert_ne!(summary(&at_revision), [0, 0, 0, 0]);
    assert_eq!(summary(&at_revision), summary(&from_folder));
    assert_eq!(
        get(&at_revision, "resources"),
        get(&from_folder, "resources")
    );
    // v0.3.0's bundles carry no version label: the revision's description
    // names the release.
    assert_eq!(get(&at_revision, "from").as_str(), Some("v0.3.0"));

    // The text report says the same.
    let out = citc(&["diff", "v0.3.0"], repo.path());
    assert!(stdout(&out).starts_with("v0.3.0 → "), "{}", stdout(&out));
}

#[test]
fn bundles_committed_in_a_folder_are_found_there() {
    let Some(upstream) = upstream() else { return };
    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path();
    git(root, &["init", "-q", "."]);
    // Two per-kind bundles in a folder, beside a file that only looks
    // like one.
    std::fs::create_dir(root.join("manifests")).expect("mkdir");
    for bundle in [
        "common-clusterpreferences-bundle.yaml",
        "common-preferences-bundle.yaml",
    ] {
        std::fs::copy(
            upstream.join("releases/v0.3.0").join(bundle),
            root.join("manifests").join(bundle),
        )
        .expect("copy");
    }
    std::fs::create_dir(root.join("docs")).expect("mkdir");
    std::fs::write(root.join("docs/not-a-bundle.yaml"), "x: 1\n").expect("write");
    git(root, &["add", "-A", "."]);
    git(root, &["commit", "-q", "-m", "bundles in a folder"]);
    git(root, &["tag", "old"]);
    std::fs::write(root.join("plain.cit"), "preference p { spec = {} }\n").expect("write");
    git(root, &["add", "-A", "."]);
    git(root, &["commit", "-q", "-m", "catalog"]);

    let out = citc(
        &["diff", "old", "--catalog", "plain.cit", "--format", "json"],
        root,
    );
    let err = stderr(&out);
    assert!(
        err.contains("the release bundles committed in manifests/ in git revision old"),
        "{err}"
    );
    let report = json(&out);
    let report = parse(&report);
    let preferences =
        std::fs::read_to_string(upstream.join("releases/v0.3.0/common-preferences-bundle.yaml"))
            .expect("read")
            .matches("\nkind: VirtualMachinePreference\n")
            .count() as i64;
    // Every preference of both kinds but none named `p` is removed; `p` of
    // plain.cit is added (as both kinds).
    let [added, removed, _, _] = summary(&report);
    assert_eq!(added, 2);
    assert_eq!(removed, 2 * preferences);
}

#[test]
fn a_revision_with_a_kustomize_tree_is_built_as_upstream_builds_it() {
    let Some(upstream) = upstream() else { return };
    if !kustomize_available() {
        return;
    }
    let repo = upstream_history(&upstream);

    // v1.7.0's kustomize tree against catalog.cit built as v1.7.0: the
    // version label is not a change.
    let out = citc(
        &[
            "diff",
            "v1.7.0",
            "--version",
            "v1.7.0",
            "--fail-on",
            "any",
            "--format",
            "json",
        ],
        repo.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("v1.7.0: the kustomize tree of git revision v1.7.0 ("),
        "{err}"
    );
    assert!(
        err.contains("built with `kustomize build`")
            || err.contains("built with `kubectl kustomize`"),
        "{err}"
    );
    let report = json(&out);
    let report = parse(&report);
    assert_eq!(summary(&report), [0, 0, 0, 0]);
    assert_eq!(get(&report, "from").as_str(), Some("v1.7.0"));
    assert_eq!(get(&report, "to").as_str(), Some("v1.7.0"));

    // Two revisions from before citc against each other: what the release
    // folders say.
    let out = citc(
        &["diff", "v0.3.0", "v1.7.0", "--format", "json"],
        repo.path(),
    );
    let between_revisions = json(&out);
    let between_revisions = parse(&between_revisions);
    let releases = upstream.join("releases");
    let out = citc(
        &[
            "diff",
            path_str(&releases.join("v0.3.0")),
            path_str(&releases.join("v1.7.0")),
            "--format",
            "json",
        ],
        repo.path(),
    );
    let between_folders = json(&out);
    let between_folders = parse(&between_folders);
    assert_ne!(summary(&between_revisions), [0, 0, 0, 0]);
    assert_eq!(summary(&between_revisions), summary(&between_folders));
    for key in ["resources", "grouped_changes", "to"] {
        assert_eq!(
            get(&between_revisions, key),
            get(&between_folders, key),
            "{key}"
        );
    }
    assert_eq!(get(&between_revisions, "from").as_str(), Some("v0.3.0"));
}

#[test]
fn without_kustomize_or_kubectl_the_error_names_both() {
    let Some(upstream) = upstream() else { return };
    let Some(git_program) = on_path("git") else {
        eprintln!("skipping: git is not on PATH");
        return;
    };
    let repo = upstream_history(&upstream);
    // A PATH with git and nothing else.
    let bin = tempfile::tempdir().expect("temp dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&git_program, bin.path().join("git")).expect("symlink");
    #[cfg(not(unix))]
    std::fs::copy(&git_program, bin.path().join("git")).expect("copy");

    let out = citc_with_path(&["diff", "v1.7.0"], repo.path(), Some(bin.path()));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(stdout(&out).is_empty());
    assert!(
        err.contains("holds a kustomize tree (kustomization.yaml)"),
        "{err}"
    );
    assert!(
        err.contains("neither `kustomize` nor `kubectl` is on PATH"),
        "{err}"
    );
    assert!(err.contains("help: install kustomize"), "{err}");

    // Bundles committed at a revision need no tool.
    let out = citc_with_path(&["diff", "v0.3.0"], repo.path(), Some(bin.path()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_catalog_at_a_revision_is_compiled_when_the_revision_has_one() {
    let Some(upstream) = upstream() else { return };
    let repo = upstream_history(&upstream);
    // HEAD has catalog.cit, and a kustomize tree: the catalog wins.
    let out = citc(
        &["diff", "HEAD", "--version", "v1.7.0", "--fail-on", "any"],
        repo.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("HEAD: catalog.cit as of git revision HEAD ("),
        "{err}"
    );
    assert!(stdout(&out).contains("0 added, 0 removed, 0 changed, 0 breaking"));
}

#[test]
fn a_file_a_folder_and_a_release_folder_come_before_git() {
    let Some(upstream) = upstream() else { return };
    let repo = upstream_history(&upstream);
    let v1_7_0 = upstream.join("releases/v1.7.0");

    // A folder of bundles.
    let out = citc(
        &[
            "diff",
            path_str(&v1_7_0),
            "--version",
            "v1.7.0",
            "--fail-on",
            "any",
        ],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A bundle file.
    let all = v1_7_0.join("common-instancetypes-all-bundle.yaml");
    let out = citc(
        &[
            "diff",
            path_str(&all),
            "--version",
            "v1.7.0",
            "--fail-on",
            "any",
        ],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A folder in the work tree named like a tag is the folder, not the tag.
    copy_tree(&v1_7_0, &repo.path().join("v0.3.0"));
    let out = citc(
        &["diff", "v0.3.0", "--version", "v1.7.0", "--fail-on", "any"],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::remove_dir_all(repo.path().join("v0.3.0")).expect("rm -r");
    // A release folder, for a name that is no revision.
    let releases = tempfile::tempdir().expect("temp dir");
    copy_tree(&v1_7_0, &releases.path().join("upstream-1.7"));
    let out = citc(
        &[
            "diff",
            "upstream-1.7",
            "--releases",
            path_str(releases.path()),
            "--version",
            "v1.7.0",
            "--fail-on",
            "any",
        ],
        repo.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("upstream-1.7: release upstream-1.7 in "),
        "{err}"
    );
}

#[test]
fn a_revision_with_no_release_lists_what_each_step_found() {
    let Some(upstream) = upstream() else { return };
    let repo = upstream_history(&upstream);
    let out = citc(&["diff", "empty", "--catalog", "plain.cit"], repo.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for step in [
        "error: cannot find `empty`; tried, in order:",
        "  - a file or folder: there is no empty",
        "  - a git revision: the revision ",
        "has no plain.cit, no release bundles (`*-bundle*.yaml`) and no kustomization.yaml",
        "  - a release: ",
        "  - a download: plain.cit declares no `let release_url",
        "committed release bundles or a kustomize tree",
    ] {
        assert!(err.contains(step), "missing {step:?} in:\n{err}");
    }
}

// ------------------------------------------------------------------ kustomize folders, no catalog

/// (status, kind, name) → the changes' (path, old, new), from a JSON report.
type Listed = BTreeMap<(String, String, String), Vec<(String, String, String)>>;

fn listed(report: &Yaml) -> Listed {
    let text = |y: &Yaml, key: &str| match y.as_mapping_get(key) {
        Some(v) if v.is_null() => "null".to_string(),
        Some(v) => v
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{v:?}")),
        None => panic!("no `{key}` in {y:?}"),
    };
    get(report, "resources")
        .as_vec()
        .expect("a list")
        .iter()
        .map(|r| {
            // Added and removed resources list no changes.
            let changes = r
                .as_mapping_get("changes")
                .and_then(Yaml::as_vec)
                .map(|changes| {
                    changes
                        .iter()
                        .map(|c| (text(c, "path"), text(c, "old"), text(c, "new")))
                        .collect()
                })
                .unwrap_or_default();
            (
                (text(r, "status"), text(r, "kind"), text(r, "name")),
                changes,
            )
        })
        .collect()
}

/// What main changed since v1.7.0's tree, said independently of citc:
/// three s390x Secure Execution preferences added, and Windows 10 and 11
/// made to prefer cores (upstream's cpu-topology-cores component), each in
/// both kinds.
fn expected_main_changes() -> Listed {
    let mut expected = Listed::new();
    for kind in [
        "VirtualMachineClusterPreference",
        "VirtualMachinePreference",
    ] {
        for name in [
            "fedora.s390x.secex",
            "rhel.10.s390x.secex",
            "rhel.9.s390x.secex",
        ] {
            expected.insert(("added".into(), kind.into(), name.into()), Vec::new());
        }
        for name in [
            "windows.10",
            "windows.10.virtio",
            "windows.11",
            "windows.11.virtio",
        ] {
            expected.insert(
                ("changed".into(), kind.into(), name.into()),
                vec![(
                    "spec.cpu.preferredCPUTopology".into(),
                    "sockets".into(),
                    "cores".into(),
                )],
            );
        }
    }
    expected
}

#[test]
fn a_folder_holding_a_kustomize_tree_is_a_ref() {
    let Some(upstream) = upstream() else { return };
    if !kustomize_available() {
        return;
    }
    let (source, main) = (upstream.join("source"), upstream.join("main"));
    if !main.join("kustomization.yaml").is_file() {
        eprintln!("skipping: {} is absent", main.display());
        return;
    }
    // A folder without a catalog: two REFs need none.
    let empty = tempfile::tempdir().expect("temp dir");
    let out = citc(
        &[
            "diff",
            path_str(&source),
            path_str(&main),
            "--format",
            "json",
        ],
        empty.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "{}: a kustomize tree, built with `",
            path_str(&source)
        )),
        "{err}"
    );
    let trees = json(&out);
    let trees = parse(&trees);
    assert_eq!(listed(&trees), expected_main_changes());
    assert_eq!(summary(&trees), [6, 0, 8, 0]);

    // The same as the releases built from those trees.
    let releases = upstream.join("releases");
    let out = citc(
        &[
            "diff",
            path_str(&releases.join("v1.7.0")),
            path_str(&releases.join("main-7c1e305b")),
            "--format",
            "json",
        ],
        empty.path(),
    );
    let built = json(&out);
    let built = parse(&built);
    for key in ["resources", "grouped_changes", "summary"] {
        assert_eq!(get(&trees, key), get(&built, key), "{key}");
    }

    // The added preferences ask for IBM Secure Execution.
    let out = citc(
        &[
            "diff",
            path_str(&source),
            path_str(&main),
            "--format",
            "unified",
        ],
        empty.path(),
    );
    let patch = stdout(&out);
    assert_eq!(
        patch.matches("\n+  preferredLaunchSecurity: {}\n").count(),
        6,
        "{patch}"
    );
}

/// A clone of upstream from before citc: v1.7.0's tree tagged, main's tree
/// on top, and no catalog.cit.
fn clone_without_catalog(upstream: &Path) -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path();
    git(root, &["init", "-q", "."]);
    copy_tree(&upstream.join("source"), root);
    git(root, &["add", "-A", "."]);
    git(root, &["commit", "-q", "-m", "v1.7.0"]);
    git(root, &["tag", "v1.7.0"]);
    clear(root);
    copy_tree(&upstream.join("main"), root);
    git(root, &["add", "-A", "."]);
    git(root, &["commit", "-q", "-m", "main"]);
    repo
}

fn git_output(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn in_a_clone_without_a_catalog_two_refs_are_compared() {
    let Some(upstream) = upstream() else { return };
    if !kustomize_available() || !upstream.join("main/kustomization.yaml").is_file() {
        return;
    }
    let repo = clone_without_catalog(&upstream);
    let root = repo.path();
    assert!(!root.join("catalog.cit").exists());
    let head = git_output(root, &["describe", "--tags"]);
    assert!(head.starts_with("v1.7.0-1-g"), "{head}");

    // Two revisions, and a revision against the work tree's folder (as
    // release notes).
    let out = citc(&["diff", "v1.7.0", "HEAD", "--format", "json"], root);
    let report = json(&out);
    let report = parse(&report);
    assert_eq!(listed(&report), expected_main_changes());
    // Named from git, without --version: the tag's name, and HEAD's
    // description.
    assert_eq!(get(&report, "from").as_str(), Some("v1.7.0"));
    assert_eq!(get(&report, "to").as_str(), Some(head.as_str()));
    let out = citc(&["diff", "v1.7.0", ".", "--format", "markdown"], root);
    let notes = stdout(&out);
    // The work tree is clean: `git describe --tags --dirty` is HEAD's.
    assert!(
        notes.starts_with(&format!("## Changes from `v1.7.0` to `{head}`\n")),
        "{notes}"
    );
    assert!(
        notes.contains("\n3 preferences added and 4 changed. Instance types are unchanged. No breaking changes.\n"),
        "{notes}"
    );

    // A tag is named by itself, even when another tag is on its commit.
    git(root, &["tag", "v1.8.0"]);
    git(root, &["tag", "zz-candidate"]);
    let out = citc(
        &["diff", "zz-candidate", "v1.8.0", "--format", "json"],
        root,
    );
    let report = json(&out);
    let report = parse(&report);
    assert_eq!(get(&report, "from").as_str(), Some("zz-candidate"));
    assert_eq!(get(&report, "to").as_str(), Some("v1.8.0"));
    assert_eq!(summary(&report), [0, 0, 0, 0]);

    // One REF needs the catalog compiled now: the error says how to
    // compare with the tree here instead.
    let out = citc(&["diff", "v1.7.0"], root);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("there is no catalog catalog.cit"), "{err}");
    assert!(err.contains("`citc diff v1.7.0 .`"), "{err}");
    // A catalog named on the command line must be there.
    let out = citc(
        &["diff", "v1.7.0", "HEAD", "--catalog", "missing.cit"],
        root,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("there is no catalog missing.cit"), "{err}");
}
