//! The migration kit (migrate/upstream/, README "Moving a kustomize catalog
//! to citc") followed on a git repository made from ../shared/upstream:
//!
//! 1. upstream's v1.7.0 kustomize tree (tag `v1.7.0`), then upstream's main
//!    on top (../shared/upstream/main: the tree, Makefile, scripts/,
//!    .github/, tests/unittests, README.md);
//! 2. the README's steps, line by line: `citc import .`, the tree removed,
//!    the patch applied, the workflows copied, then each Makefile target
//!    that the patch changed, run by make with citc on PATH and checked:
//!    `generate` (byte for byte upstream's main-7c1e305b build, in `_build/`
//!    where upstream's Go tests read), `validate`, `readme`, `lint`,
//!    `check-tree-clean`, each also made to fail;
//! 3. upstream's Go unit tests, when `go` and their vendored modules are
//!    there;
//! 4. the gate and the release workflows on the migrated repository.

mod workflow;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use workflow::{commit, edit, git, project, Runner};

/// The version upstream's generate.sh stamped main-7c1e305b with.
const MAIN_VERSION: &str = "v1.6.0-90-g7c1e305b";

const VERSION_LABEL: &str = "instancetype.kubevirt.io/common-instancetypes-version";

/// `../shared/upstream`, or `None` (with the reason printed) when it is
/// absent outside CI. Under CI=true a missing folder fails the test.
fn upstream() -> Option<PathBuf> {
    let dir = project().join("../shared/upstream");
    if dir.join("main/Makefile").is_file()
        && dir.join("source/kustomization.yaml").is_file()
        && dir
            .join("releases/main-7c1e305b/CHECKSUMS.sha256")
            .is_file()
    {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing, and CI=true: the migration kit test cannot be skipped",
            dir.display()
        );
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Copies a tree, writable (../shared is read-only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::write(&target, std::fs::read(entry.path()).expect("read")).expect("write");
            if entry
                .path()
                .metadata()
                .expect("metadata")
                .permissions()
                .mode()
                & 0o111
                != 0
            {
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
            }
        }
    }
}

use std::os::unix::fs::PermissionsExt;

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

/// Upstream's repository: v1.7.0's kustomize tree, tagged, then main.
fn upstream_repository(upstream: &Path) -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path();
    git(root, &["init", "-q", "."]);
    copy_tree(&upstream.join("source"), root);
    commit(root, "v1.7.0");
    git(root, &["tag", "v1.7.0"]);
    clear(root);
    copy_tree(&upstream.join("main"), root);
    commit(root, "upstream's main");
    repo
}

/// The environment of a command in the migrated repository: citc on PATH,
/// git's global config in a file of the test's own (check-tree-clean.sh
/// writes to it), no color.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("bin")).expect("mkdir");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_citc"), dir.path().join("bin/citc"))
            .expect("link");
        Env { dir }
    }

    fn command(&self, program: &str, repo: &Path) -> Command {
        let system = std::env::var_os("PATH").unwrap_or_default();
        let mut path = vec![self.dir.path().join("bin")];
        path.extend(std::env::split_paths(&system));
        let mut command = Command::new(program);
        command
            .current_dir(repo)
            .env("PATH", std::env::join_paths(path).expect("PATH"))
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_GLOBAL", self.dir.path().join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .env("CITC_CACHE_DIR", self.dir.path().join("cache"))
            .env_remove("COMMON_INSTANCETYPES_VERSION")
            .env_remove("COMMON_INSTANCETYPES_CRI")
            .env_remove("MAKEFLAGS");
        command
    }

    /// `make ARGS` in `repo`, with `vars` in its environment.
    fn make(&self, repo: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut command = self.command("make", repo);
        command.args(["--no-print-directory"]).args(args);
        for (key, value) in vars {
            command.env(key, value);
        }
        command.output().expect("make")
    }

    fn bash(&self, repo: &Path, script: &str) -> Output {
        let mut command = self.command("bash", repo);
        command
            .args(["-eo", "pipefail", "-c", script])
            .env("citc", project());
        command.output().expect("bash")
    }
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_ok(what: &str, out: &Output) {
    assert!(out.status.success(), "{what}: {}", show(out));
}

/// The README section's first `sh` block: the maintainer's steps.
fn readme_steps() -> Vec<String> {
    let readme = std::fs::read_to_string(project().join("README.md")).expect("README.md");
    let section = readme
        .split("\n## Moving a kustomize catalog to citc\n")
        .nth(1)
        .expect("README has the section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the section has a sh block");
    block
        .lines()
        .map(|line| line.split("  #").next().unwrap_or(line).trim().to_string())
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// `citc import . -o catalog.cit`, as the README says: citc builds the
/// tree as upstream's generate.sh does and imports what it makes.
fn import_tree(env: &Env, repo: &Path, line: &str) {
    assert_ok(line, &env.bash(repo, line));
}

/// Every file of `dir` but citc's manifest, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_name() != ".citc-build")
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The bundles of main-7c1e305b with another version in the label.
fn main_release_as(upstream: &Path, version: &str) -> Vec<(String, String)> {
    files(&upstream.join("releases/main-7c1e305b"))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".yaml"))
        .map(|(name, bytes)| {
            let text = String::from_utf8(bytes).expect("utf-8");
            let from = format!("{VERSION_LABEL}: {MAIN_VERSION}\n");
            assert!(text.contains(&from));
            (
                name,
                text.replace(&from, &format!("{VERSION_LABEL}: {version}\n")),
            )
        })
        .collect()
}

/// The bundle paths upstream's Go unit tests read (the `…BundlePath`
/// constants of tests/unittests/test_suite_test.go), relative to the repo.
fn go_test_bundles(repo: &Path) -> Vec<PathBuf> {
    let suite = std::fs::read_to_string(repo.join("tests/unittests/test_suite_test.go"))
        .expect("upstream's Go test suite");
    let paths: Vec<PathBuf> = suite
        .lines()
        .filter(|line| line.contains("BundlePath") && line.contains('='))
        .filter_map(|line| line.split('"').nth(1))
        .map(|relative| repo.join("tests/unittests").join(relative))
        .collect();
    assert_eq!(
        paths.len(),
        2,
        "the cluster instance types and preferences: {paths:?}"
    );
    paths
}

/// Upstream's Go unit tests, when Go and their vendored modules are here.
fn go_unit_tests(env: &Env, repo: &Path) {
    let vendored = repo.join("tests/vendor/modules.txt");
    if !on_path("go") {
        eprintln!("skipping upstream's Go unit tests: `go` is not on PATH");
        return;
    }
    if !vendored.is_file() {
        eprintln!(
            "skipping upstream's Go unit tests: {} is absent (its modules are not vendored, and Go cannot fetch them offline)",
            vendored.display()
        );
        return;
    }
    let out = env.make(repo, &["test", "UNITTEST_EXTRA_ARGS=-mod=vendor"], &[]);
    assert_ok("make test (upstream's Go unit tests)", &out);
}

#[test]
fn upstreams_repository_moves_to_citc_and_keeps_its_make_targets() {
    let Some(upstream) = upstream() else { return };
    if !on_path("make") {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("make is not installed, and CI=true: upstream's Makefile cannot run");
        }
        eprintln!("skipping: make is not on PATH (CI is not set)");
        return;
    }
    if !on_path("kubectl") && !on_path("kustomize") {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("neither kustomize nor kubectl is on PATH, and CI=true: upstream's tree cannot be read");
        }
        eprintln!("skipping: neither kustomize nor kubectl is on PATH to read upstream's kustomize tree (CI is not set)");
        return;
    }
    let repo = upstream_repository(&upstream);
    let root = repo.path();
    let env = Env::new();

    // The README's steps; make's targets are run below, one by one.
    let steps = readme_steps();
    let mut targets = Vec::new();
    for line in &steps {
        if line.starts_with("citc=") || line.starts_with("cd ") {
            continue; // the test's own: $citc is this checkout, the repo is `root`
        } else if line == "citc import . -o catalog.cit" {
            import_tree(&env, root, line);
        } else if let Some(rest) = line.strip_prefix("make ") {
            targets.extend(rest.split_whitespace().map(String::from));
        } else {
            assert_ok(line, &env.bash(root, line));
        }
    }
    assert_eq!(
        targets,
        ["generate", "validate", "readme", "lint", "check-tree-clean"],
        "the README's make line"
    );
    for gone in [
        "kustomization.yaml",
        "instancetypes",
        "preferences",
        "scripts/generate.sh",
    ] {
        assert!(!root.join(gone).exists(), "{gone} is still there");
    }
    assert!(root.join(".github/workflows/citc.yml").is_file());

    // generate: upstream's build of main, byte for byte, given its version.
    let out = env.make(
        root,
        &["generate"],
        &[("COMMON_INSTANCETYPES_VERSION", MAIN_VERSION)],
    );
    assert_ok("make generate", &out);
    assert_eq!(
        files(&root.join("_build")),
        files(&upstream.join("releases/main-7c1e305b")),
        "make generate is not upstream's main-7c1e305b"
    );
    // Where upstream's Go tests read.
    for bundle in go_test_bundles(root) {
        assert!(bundle.is_file(), "{} is missing", bundle.display());
    }

    // scripts/sync.sh applies the built cluster bundles (a kubectl of the
    // test's own records what it was asked, and that each file is there).
    let kubectl = env.dir.path().join("kubectl-log");
    std::fs::write(
        &kubectl,
        "#!/bin/bash\necho \"$*\" >> \"$0.txt\"\nif [ \"$1\" = apply ]; then test -f \"$3\"; fi\n",
    )
    .expect("write");
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut sync = env.command("scripts/sync.sh", root);
    let out = sync
        .env("KUBECTL", &kubectl)
        .env("BASEDIR", root)
        .output()
        .expect("sync.sh");
    assert_ok("scripts/sync.sh", &out);
    let applied = std::fs::read_to_string(env.dir.path().join("kubectl-log.txt")).expect("log");
    let base = root.display();
    assert_eq!(
        applied,
        format!(
            "delete VirtualMachineClusterInstancetypes -l instancetype.kubevirt.io/vendor=kubevirt.io\n\
             delete VirtualMachineClusterPreferences -l instancetype.kubevirt.io/vendor=kubevirt.io\n\
             apply -f {base}/_build/common-clusterinstancetypes-bundle.yaml\n\
             apply -f {base}/_build/common-clusterpreferences-bundle.yaml\n"
        )
    );

    // validate, readme: clean, and README.md is upstream's, unchanged.
    assert_ok("make validate", &env.make(root, &["validate"], &[]));
    let readme = std::fs::read(root.join("README.md")).expect("README.md");
    assert_ok("make readme", &env.make(root, &["readme"], &[]));
    assert_eq!(
        std::fs::read(root.join("README.md")).expect("README.md"),
        readme
    );

    // lint: citc's formatting and --deny warnings, then upstream's
    // shellcheck of scripts/ (lint.sh, without yamllint).
    let lint = env.make(root, &["lint"], &[]);
    if on_path("shellcheck") {
        assert_ok("make lint", &lint);
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("shellcheck is not installed, and CI=true: {}", show(&lint));
    } else {
        // citc's two steps passed; lint.sh stopped at the missing tool.
        let stdout = String::from_utf8_lossy(&lint.stdout);
        assert!(
            stdout.contains("shellcheck is not installed"),
            "{}",
            show(&lint)
        );
        assert!(
            String::from_utf8_lossy(&lint.stderr).contains("0 warnings"),
            "{}",
            show(&lint)
        );
        eprintln!("skipping lint.sh's shellcheck: shellcheck is not on PATH");
    }

    // The README's commit took everything but the build.
    assert_eq!(git(root, &["status", "--porcelain"]), "?? _build/\n");

    // generate without a version: `git describe --tags`, as generate.sh.
    let described = git(root, &["describe", "--tags"]).trim().to_string();
    assert!(described.starts_with("v1.7.0-2-g"), "{described}");
    assert_ok("make generate", &env.make(root, &["generate"], &[]));
    for (name, expected) in main_release_as(&upstream, &described) {
        let built = std::fs::read_to_string(root.join("_build").join(&name)).expect("built");
        assert!(
            built == expected,
            "_build/{name} is not main's stamped {described}"
        );
    }

    // check-tree-clean: after readme (and test-fmt, gofumpt: Go's own).
    let go = on_path("go") && root.join("tests/vendor/modules.txt").is_file();
    let tree_clean: &[&str] = if go {
        &["check-tree-clean"]
    } else {
        eprintln!("check-tree-clean without test-fmt: gofumpt needs `go` and vendored modules");
        &["-o", "test-fmt", "check-tree-clean"]
    };
    assert_ok("make check-tree-clean", &env.make(root, tree_clean, &[]));

    go_unit_tests(&env, root);

    // Each target fails when it should.
    // generate: an empty version is refused, the old build stays.
    let before = files(&root.join("_build"));
    let out = env.make(root, &["generate"], &[("COMMON_INSTANCETYPES_VERSION", "")]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--version is empty"),
        "{}",
        show(&out)
    );
    assert_eq!(files(&root.join("_build")), before);
    // check-tree-clean: a committed README whose tables are stale.
    edit(
        root,
        "README.md",
        "u1.medium  |  1  |  4Gi",
        "u1.medium  |  2  |  4Gi",
    );
    commit(root, "a stale README");
    let out = env.make(root, tree_clean, &[]);
    assert!(!out.status.success(), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Uncommited changes to generated files"),
        "{}",
        show(&out)
    );
    git(root, &["reset", "-q", "--hard", "HEAD~1"]);
    // lint: a catalog not in canonical layout.
    edit(root, "catalog.cit", "series u1 {", "series u1    {");
    let out = env.make(root, &["lint"], &[]);
    assert!(!out.status.success());
    // `fmt --check` lists the file (make echoes its command on another line).
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l == "catalog.cit"),
        "{}",
        show(&out)
    );
    // validate: a catalog with an error.
    edit(
        root,
        "catalog.cit",
        "series u1    {",
        "series u1 {\n  spec.cpu.guest = \"one\"\n",
    );
    let out = env.make(root, &["validate"], &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("spec.cpu.guest"),
        "{}",
        show(&out)
    );
    git(root, &["checkout", "-q", "--", "catalog.cit"]);

    workflows(&upstream, root);
}

/// The gate and the release workflows on the migrated repository. The
/// last release, v1.7.0, is a kustomize tree: `citc diff` builds it with
/// kustomize or kubectl (checked for at the start).
fn workflows(upstream: &Path, root: &Path) {
    let gate = workflow::load("citc-gate.yml");
    let runner = Runner::new();
    let ran = runner.run(&gate, root);
    let summary = runner.summary();
    eprintln!("{summary}");
    workflow::assert_all_passed(&gate, &ran);
    assert!(
        summary.starts_with("## Changes from `v1.7.0` to `v1.7.0-2-g"),
        "{summary}"
    );

    // A release of main: the release notes are v1.7.0 → main.
    git(root, &["tag", "v1.8.0"]);
    let release = workflow::load("citc-release.yml");
    let gh = "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/../gh.log\"\n";
    let runner = Runner::new()
        .var("GITHUB_REF_NAME", "v1.8.0")
        .program("gh", gh);
    let ran = runner.run(&release, root);
    workflow::assert_all_passed(&release, &ran);
    let notes = std::fs::read_to_string(root.join("_release-notes.md")).expect("notes");
    eprintln!("{notes}");
    assert!(
        notes.starts_with("## Changes from `v1.7.0` to `v1.8.0`"),
        "{notes}"
    );
    assert!(notes.contains("s390x.secex"), "{notes}");
    let asked = std::fs::read_to_string(runner.dir.path().join("gh.log")).expect("gh ran");
    let assets: Vec<&str> = asked.lines().skip(8).collect();
    let mut expected: Vec<String> = main_release_as(upstream, "v1.8.0")
        .into_iter()
        .map(|(name, text)| {
            let versioned = name.replacen(".yaml", "-v1.8.0.yaml", 1);
            let built =
                std::fs::read_to_string(root.join("_build").join(&versioned)).expect("asset");
            assert!(
                built == text,
                "{versioned} is not main's bundle stamped v1.8.0"
            );
            format!("_build/{versioned}")
        })
        .collect();
    expected.extend(["_build/CHECKSUMS.sha256".to_string(), "LICENSE".to_string()]);
    let mut sorted = assets.clone();
    sorted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sorted, expected);
}

#[test]
fn the_kit_readme_shows_the_patchs_makefile_diff() {
    let readme = std::fs::read_to_string(project().join("README.md")).expect("README.md");
    let patch = std::fs::read_to_string(project().join("migrate/upstream/upstream.patch"))
        .expect("the patch");
    let makefile = patch
        .split("diff --git ")
        .find(|part| part.starts_with("a/Makefile b/Makefile"))
        .expect("the patch changes the Makefile");
    let makefile = format!("diff --git {makefile}");
    let section = readme
        .split("\n## Moving a kustomize catalog to citc\n")
        .nth(1)
        .expect("README has the section");
    let shown = section
        .split("```diff\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n").next())
        .expect("the section has a diff block");
    assert_eq!(shown, makefile, "README's Makefile diff is not the patch's");
}
