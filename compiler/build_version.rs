//! Part of the build script (compiler/build.rs): the commit and date that
//! `citc --version` and the language server's serverInfo report, so that two
//! builds can be told apart: `citc 0.2.0 (1a2b3c4 2026-12-10)`.
//!
//! Where they come from, first found wins:
//! 1. `CITC_BUILD_COMMIT` and `CITC_BUILD_DATE`, for builds from a tree
//!    without git (an image built from an archive);
//! 2. git, when the crate is the top of its work tree: `HEAD`'s short hash,
//!    `-dirty` when the binary's own sources (compiler/, stdlib/, grammar/,
//!    Cargo.toml, Cargo.lock) differ from it, and its commit date in UTC;
//! 3. `.cargo_vcs_info.json`, which `cargo package` writes: the hash only;
//! 4. nothing: `citc 0.2.0`.
//!
//! The result is `CITC_LONG_VERSION`: `0.2.0 (1a2b3c4 2026-12-10)`, or
//! `0.2.0` alone.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The sources that go into the binary: a change to one of them makes a
/// build `-dirty`.
const BINARY_SOURCES: [&str; 5] = ["compiler", "stdlib", "grammar", "Cargo.toml", "Cargo.lock"];

pub fn emit() {
    println!("cargo::rerun-if-env-changed=CITC_BUILD_COMMIT");
    println!("cargo::rerun-if-env-changed=CITC_BUILD_DATE");
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let (commit, date) = from_env()
        .or_else(|| from_git(&manifest_dir))
        .or_else(|| from_vcs_info(&manifest_dir))
        .unwrap_or_default();
    let info = [commit, date.clone()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let long = if info.is_empty() {
        version
    } else {
        format!("{version} ({info})")
    };
    println!("cargo::rustc-env=CITC_LONG_VERSION={long}");
    println!("cargo::rustc-env=CITC_BUILD_DATE={date}");
}

fn from_env() -> Option<(String, String)> {
    let commit = std::env::var("CITC_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())?;
    let date = std::env::var("CITC_BUILD_DATE").unwrap_or_default();
    Some((commit, date))
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

fn from_git(dir: &Path) -> Option<(String, String)> {
    // Only this crate's own repository: a crate unpacked inside another
    // work tree (cargo package's verification, a vendored copy) is not it.
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    // Rebuilt when HEAD moves: HEAD itself (another branch), the branch's
    // ref (a commit), packed refs; and when a binary source changes, for
    // `-dirty`.
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"])?);
    let common_dir = git(dir, &["rev-parse", "--git-common-dir"])
        .map(|d| dir.join(d))
        .unwrap_or_else(|| git_dir.clone());
    // (A path that does not exist would rerun the script on every build.)
    let mut watched = vec![git_dir.join("HEAD"), common_dir.join("packed-refs")];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(common_dir.join(branch));
    }
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    for source in BINARY_SOURCES {
        println!("cargo::rerun-if-changed={source}");
    }
    let hash = git(dir, &["rev-parse", "--short=7", "HEAD"])?;
    let date = git(
        dir,
        &[
            "log",
            "-1",
            "--format=%cd",
            "--date=format-local:%Y-%m-%d",
            "HEAD",
        ],
    )
    .unwrap_or_default();
    let mut status_args = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status_args.extend(BINARY_SOURCES);
    let dirty = git(dir, &status_args).is_some_and(|s| !s.is_empty());
    let commit = if dirty { format!("{hash}-dirty") } else { hash };
    Some((commit, date))
}

/// `{"git": {"sha1": "…", "dirty": true}, …}`: read without a JSON parser,
/// which a build script would have to build first.
fn from_vcs_info(dir: &Path) -> Option<(String, String)> {
    let file = dir.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(file).ok()?;
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find('"')? + 1;
    let sha: String = after[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    if sha.len() < 7 {
        return None;
    }
    let dirty = text.contains("\"dirty\": true") || text.contains("\"dirty\":true");
    let commit = format!("{}{}", &sha[..7], if dirty { "-dirty" } else { "" });
    Some((commit, String::new()))
}
