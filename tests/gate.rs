//! The CI gate of editors/github/citc-gate.yml, run on a temporary catalog
//! repository: clean once, then once with each kind of failure, each caught
//! by its own step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "ci")
        .env("GIT_AUTHOR_EMAIL", "ci@example.com")
        .env("GIT_COMMITTER_NAME", "ci")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .output()
        .expect("run")
}

fn citc(args: &[&str], dir: &Path) -> Output {
    run(env!("CARGO_BIN_EXE_citc"), args, dir)
}

fn git(args: &[&str], dir: &Path) {
    let out = run("git", args, dir);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with catalog.cit and its _build committed, tagged v1.7.0.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = std::fs::read_to_string(project().join("catalog.cit")).expect("catalog.cit");
    std::fs::write(dir.path().join("catalog.cit"), catalog).expect("write");
    let built = citc(
        &[
            "build",
            "catalog.cit",
            "-o",
            "_build",
            "--version",
            "v1.7.0",
        ],
        dir.path(),
    );
    assert!(built.status.success());
    std::fs::write(dir.path().join("README.md"), "# A catalog\n").expect("write");
    let readme = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert!(readme.status.success());
    git(&["init", "-q"], dir.path());
    git(&["add", "."], dir.path());
    git(&["commit", "-qm", "release"], dir.path());
    git(&["tag", "v1.7.0"], dir.path());
    dir
}

/// The gate's steps, in the workflow's order: each step's exit code.
fn gate(dir: &Path) -> [Option<i32>; 5] {
    [
        citc(&["fmt", "--check", "catalog.cit"], dir).status.code(),
        citc(
            &[
                "check",
                "catalog.cit",
                "--deny",
                "warnings",
                "--message-format",
                "github",
            ],
            dir,
        )
        .status
        .code(),
        citc(
            &[
                "build",
                "catalog.cit",
                "--check",
                "-o",
                "_build",
                "--version",
                "v1.7.0",
            ],
            dir,
        )
        .status
        .code(),
        citc(
            &[
                "doc",
                "readme",
                "--catalog",
                "catalog.cit",
                "--check",
                "README.md",
            ],
            dir,
        )
        .status
        .code(),
        citc(&["diff", "v1.7.0", "--fail-on", "breaking"], dir)
            .status
            .code(),
    ]
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn a_clean_repository_passes_every_step() {
    let repo = repository();
    assert_eq!(gate(repo.path()), [Some(0); 5]);
}

#[test]
fn each_kind_of_failure_is_caught_by_its_step() {
    // Not in canonical layout.
    let repo = repository();
    edit(repo.path(), "catalog.cit", "series u1 {", "series u1    {");
    assert_eq!(gate(repo.path())[0], Some(1), "fmt --check");

    // A warning, which --deny warnings turns into a failure, reported as an annotation.
    let repo = repository();
    edit(
        repo.path(),
        "catalog.cit",
        "  displayName = \"Linux Guest\"",
        "  displayName = \"Linux Guest\"\n  spec.requirements.architecture = \"amd64\"",
    );
    assert_eq!(gate(repo.path())[1], Some(1), "check --deny warnings");
    let annotations = citc(
        &[
            "check",
            "catalog.cit",
            "--deny",
            "warnings",
            "--message-format",
            "github",
        ],
        repo.path(),
    );
    assert!(String::from_utf8_lossy(&annotations.stdout)
        .starts_with("::warning file=catalog.cit,line="));

    // A committed _build that is not what the catalog compiles to.
    let repo = repository();
    edit(
        repo.path(),
        "_build/common-preferences-bundle.yaml",
        "required-memory: 512Mi",
        "required-memory: 1Gi",
    );
    assert_eq!(gate(repo.path())[2], Some(1), "build --check");

    // A README whose resource tables are stale.
    let repo = repository();
    edit(
        repo.path(),
        "README.md",
        "u1.medium  |  1  |  4Gi",
        "u1.medium  |  2  |  4Gi",
    );
    assert_eq!(gate(repo.path())[3], Some(1), "doc readme --check");

    // A breaking change since the release: a preference removed.
    let repo = repository();
    edit(
        repo.path(),
        "catalog.cit",
        "  cirros               cirros               \"Cirros\"                        1  256Mi\n",
        "",
    );
    let steps = gate(repo.path());
    assert_eq!(steps[4], Some(1), "diff --fail-on breaking");
    let report = citc(&["diff", "v1.7.0", "--fail-on", "breaking"], repo.path());
    assert!(String::from_utf8_lossy(&report.stdout).contains("cirros"));
}
