//! The CI gate, editors/github/citc-gate.yml, run step by step as GitHub
//! runs it (tests/workflow) on temporary catalog repositories: tagged and
//! clean, with no tag yet, with a breaking change since the tag, with a
//! committed `_build` (up to date and stale), and with each kind of failure,
//! each caught by its own step.

mod common;

use common::citc;

mod workflow;

use workflow::{assert_all_passed, codes, commit, edit, git, load, project, Runner, Workflow};

fn gate() -> Workflow {
    load("citc-gate.yml")
}

/// A repository with catalog.cit and a README with its generated tables,
/// committed; tagged v1.7.0 when `tag`, with `_build` committed when
/// `committed_build`.
fn repository(tag: bool, committed_build: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::copy(project().join("catalog.cit"), root.join("catalog.cit")).expect("copy");
    std::fs::write(root.join("README.md"), "# A catalog\n").expect("write");
    let readme = citc(&["doc", "readme", "--write", "README.md"], root);
    assert!(readme.status.success());
    if committed_build {
        let built = citc(
            &[
                "build",
                "catalog.cit",
                "-o",
                "_build",
                "--version",
                "v1.7.0",
            ],
            root,
        );
        assert!(built.status.success());
    }
    git(root, &["init", "-q", "."]);
    commit(root, "release");
    if tag {
        git(root, &["tag", "v1.7.0"]);
    }
    dir
}

/// The step of `ran` named `name`.
fn step<'a>(ran: &'a [workflow::Ran], name: &str) -> &'a workflow::Ran {
    ran.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no step {name:?} ran: {:?}", codes(ran)))
}

/// The job stopped at `name` with exit code `code`, every step before it
/// passed.
fn assert_stopped_at(ran: &[workflow::Ran], name: &str, code: i32) {
    let last = ran.last().expect("a step ran");
    assert_eq!(
        (last.name.as_str(), last.code),
        (name, Some(code)),
        "{:?}\n{}{}",
        codes(ran),
        last.stdout,
        last.stderr
    );
    assert!(ran[..ran.len() - 1].iter().all(|r| r.code == Some(0)));
}

const DIFF: &str = "No breaking change since the last release";
const BUILD: &str = "The catalog builds";

#[test]
fn the_workflow_is_hardened() {
    let workflow = gate();
    workflow::assert_hardened(&workflow);
    let names: Vec<&str> = workflow.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "",
            "Install citc",
            "Formatting",
            "Type check and lint",
            BUILD,
            "README's generated tables are up to date",
            DIFF
        ]
    );
}

#[test]
fn a_clean_tagged_repository_passes_every_step() {
    let repo = repository(true, false);
    let runner = Runner::new();
    let ran = runner.run(&gate(), repo.path());
    assert_all_passed(&gate(), &ran);
    // Built, not checked: upstream commits no _build.
    assert!(repo
        .path()
        .join("_build/common-instancetypes-all-bundle.yaml")
        .is_file());
    // The diff's report is the job's summary.
    let summary = runner.summary();
    assert!(summary.contains("v1.7.0"), "{summary}");
}

#[test]
fn a_repository_with_no_tag_yet_passes_with_a_notice() {
    let repo = repository(false, false);
    let runner = Runner::new();
    let ran = runner.run(&gate(), repo.path());
    assert_all_passed(&gate(), &ran);
    let diff = step(&ran, DIFF);
    assert!(
        diff.stdout
            .starts_with("::notice title=citc diff::no release tag"),
        "{}",
        diff.stdout
    );
    assert_eq!(runner.summary(), "");
    // Built with no tag to describe: the catalog's default version.
    let all = std::fs::read_to_string(
        repo.path()
            .join("_build/common-instancetypes-all-bundle.yaml"),
    )
    .expect("built");
    assert!(all.contains("common-instancetypes-version: noversion\n"));
}

#[test]
fn a_breaking_change_since_the_tag_fails_the_diff_step_with_its_report() {
    let repo = repository(true, false);
    edit(
        repo.path(),
        "catalog.cit",
        "  cirros               cirros               \"Cirros\"                        1  256Mi\n",
        "",
    );
    citc(&["doc", "readme", "--write", "README.md"], repo.path());
    commit(repo.path(), "cirros is gone");
    let runner = Runner::new();
    let ran = runner.run(&gate(), repo.path());
    assert_stopped_at(&ran, DIFF, 1);
    // The report is in the log and in the job summary.
    let summary = runner.summary();
    assert!(summary.contains("cirros"), "{summary}");
    assert!(summary.to_lowercase().contains("breaking"), "{summary}");
    assert_eq!(step(&ran, DIFF).stdout, summary);
}

#[test]
fn a_committed_build_is_checked_against_the_last_release() {
    let repo = repository(true, true);
    let ran = Runner::new().run(&gate(), repo.path());
    assert_all_passed(&gate(), &ran);

    edit(
        repo.path(),
        "_build/common-preferences-bundle.yaml",
        "required-memory: 512Mi",
        "required-memory: 1Gi",
    );
    commit(repo.path(), "a hand-edited bundle");
    let ran = Runner::new().run(&gate(), repo.path());
    assert_stopped_at(&ran, BUILD, 1);
    assert!(step(&ran, BUILD).stderr.contains("_build is stale"));
}

#[test]
fn each_kind_of_failure_is_caught_by_its_step() {
    // Not in canonical layout.
    let repo = repository(true, false);
    edit(repo.path(), "catalog.cit", "series u1 {", "series u1    {");
    assert_stopped_at(&Runner::new().run(&gate(), repo.path()), "Formatting", 1);

    // A warning, which --deny warnings turns into a failure, reported as an annotation.
    let repo = repository(true, false);
    edit(
        repo.path(),
        "catalog.cit",
        "  displayName = \"Linux Guest\"",
        "  displayName = \"Linux Guest\"\n  spec.requirements.architecture = \"amd64\"",
    );
    let ran = Runner::new().run(&gate(), repo.path());
    assert_stopped_at(&ran, "Type check and lint", 1);
    assert!(step(&ran, "Type check and lint")
        .stdout
        .starts_with("::warning file=catalog.cit,line="));

    // A README whose resource tables are stale.
    let repo = repository(true, false);
    edit(
        repo.path(),
        "README.md",
        "u1.medium  |  1  |  4Gi",
        "u1.medium  |  2  |  4Gi",
    );
    assert_stopped_at(
        &Runner::new().run(&gate(), repo.path()),
        "README's generated tables are up to date",
        1,
    );

    // A catalog whose series table is stale: o1 no longer overcommits its
    // memory, the README still marks it.
    let repo = repository(true, false);
    edit(
        repo.path(),
        "catalog.cit",
        "  spec.memory.overcommitPercent = 50\n",
        "",
    );
    let ran = Runner::new().run(&gate(), repo.path());
    assert_stopped_at(&ran, "README's generated tables are up to date", 1);
    let readme_step = step(&ran, "README's generated tables are up to date");
    assert!(
        readme_step.stderr.contains("-*Overcommitted Memory*"),
        "{}",
        readme_step.stderr
    );

    // A release tag citc cannot read: exit 2, the workflow's problem.
    let repo = repository(false, false);
    std::fs::write(repo.path().join("notes.txt"), "no catalog here\n").expect("write");
    git(repo.path(), &["rm", "-q", "catalog.cit"]);
    commit(repo.path(), "an unreadable release");
    git(repo.path(), &["tag", "v0.1.0"]);
    git(
        repo.path(),
        &["checkout", "-q", "HEAD~1", "--", "catalog.cit"],
    );
    commit(repo.path(), "the catalog is back");
    let ran = Runner::new().run(&gate(), repo.path());
    assert_stopped_at(&ran, DIFF, 2);
}
