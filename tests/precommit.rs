//! citc's pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit
//! itself (`pre-commit try-repo`, the way a catalog repository tries them)
//! on a temporary catalog repository. The hooks get citc as users get it:
//! the release of the hook repository's version, downloaded and checksum
//! verified by dist/install.sh, here from a release folder served on
//! 127.0.0.1 (tests/served) — or the `citc` on PATH when it is that
//! version. pre-commit is pinned in tests/tools/pre-commit.txt and
//! installed once per machine; without it (or outside a git checkout of
//! citc) the test says so and skips, unless CI=true.

mod served;
mod workflow;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use served::{release_folder, Server};
use workflow::{commit, git, project};

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The venv with pre-commit, or `None` (with the reason printed) outside CI.
fn pre_commit() -> Option<PathBuf> {
    let out = Command::new("bash")
        .arg(project().join("tests/tools/venv.sh"))
        .arg(project().join("tests/tools/pre-commit.txt"))
        .output()
        .expect("bash");
    let reason = String::from_utf8_lossy(&out.stderr).trim().to_string();
    match out.status.code() {
        Some(0) => Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())),
        Some(3) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipping the pre-commit hooks: {reason} (CI is not set)");
            None
        }
        _ => panic!("cannot install pre-commit: {reason}"),
    }
}

/// `pre-commit try-repo <citc> HOOK --all-files` in `repo`, with a PATH
/// of system folders (and `extra` first), a home and caches of its own.
fn try_repo(
    venv: &Path,
    home: &Path,
    repo: &Path,
    hook: &str,
    extra: Option<&Path>,
    url: &str,
) -> Output {
    let mut path = vec![venv.join("bin")];
    path.extend(extra.map(Path::to_path_buf));
    path.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    Command::new(venv.join("bin/pre-commit"))
        .args(["try-repo"])
        .arg(project())
        .args([hook, "--all-files", "--color", "never"])
        .current_dir(repo)
        .env("PATH", std::env::join_paths(path).expect("PATH"))
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("PRE_COMMIT_HOME", home.join("pre-commit"))
        .env("CITC_RELEASE_URL", url)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GITHUB_PATH")
        .env_remove("GITHUB_OUTPUT")
        .output()
        .expect("run pre-commit")
}

#[test]
fn the_hooks_format_and_check_through_pre_commit() {
    let Some(venv) = pre_commit() else { return };
    let is_checkout = Command::new("git")
        .args(["rev-parse", "--git-dir"])
        .current_dir(project())
        .output()
        .is_ok_and(|o| o.status.success());
    if !is_checkout {
        eprintln!(
            "skipping the pre-commit hooks: citc is not a git checkout here (try-repo needs one)"
        );
        return;
    }
    // The release, served here; PATH (try_repo) holds no citc at first.
    let scratch = tempfile::tempdir().expect("temp dir");
    release_folder(scratch.path());
    let server = Server::start(scratch.path().to_path_buf(), 100);
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).expect("mkdir");

    // A catalog repository whose catalog.cit is not formatted.
    let repo = tempfile::tempdir().expect("temp dir");
    let catalog = std::fs::read_to_string(project().join("catalog.cit")).expect("read");
    let unformatted = catalog.replacen("series u1 {", "series   u1   {", 1);
    assert_ne!(unformatted, catalog);
    std::fs::write(repo.path().join("catalog.cit"), &unformatted).expect("write");
    git(repo.path(), &["init", "-q", "."]);
    commit(repo.path(), "catalog");

    // citc-fmt formats it (pre-commit fails a hook that changes files),
    // then passes; the release was downloaded once, and checked.
    let out = try_repo(&venv, &home, repo.path(), "citc-fmt", None, &server.url());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("files were modified by this hook"),
        "{}",
        text(&out)
    );
    let formatted = std::fs::read_to_string(repo.path().join("catalog.cit")).expect("read");
    assert_eq!(formatted, catalog);
    let downloads = server.asked().len();
    assert_eq!(
        downloads,
        2,
        "SHA256SUMS and the archive: {:?}",
        server.asked()
    );
    commit(repo.path(), "formatted");
    let out = try_repo(&venv, &home, repo.path(), "citc-fmt", None, &server.url());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // citc-check passes on the catalog, fails on a broken one with the error.
    let out = try_repo(&venv, &home, repo.path(), "citc-check", None, &server.url());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::write(
        repo.path().join("catalog.cit"),
        format!("{catalog}\npreference broken : missing {{ }}\n"),
    )
    .expect("write");
    let out = try_repo(&venv, &home, repo.path(), "citc-check", None, &server.url());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("error[E0103]: unknown parent `missing`"),
        "{}",
        text(&out)
    );
    // The cached binary served every run after the first.
    assert_eq!(server.asked().len(), downloads);

    // With this version of citc on PATH, the hooks use it: no download,
    // even with nothing to download from.
    let bin = scratch.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_citc"), bin.join("citc")).expect("link");
    let fresh = scratch.path().join("fresh-home");
    std::fs::create_dir_all(&fresh).expect("mkdir");
    let out = try_repo(
        &venv,
        &fresh,
        repo.path(),
        "citc-check",
        Some(&bin),
        "https://127.0.0.1:9/none",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("error[E0103]"), "{}", text(&out));
    assert!(!fresh.join("cache/citc").exists());
}
