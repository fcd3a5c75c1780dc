//! A kustomize tree that `citc diff` builds (a folder, or a git revision
//! copied out of git) stays inside what was named: no `../` reaches the
//! folder beside the copy however the kustomization spells its fields, a
//! remote resource is refused before kustomize runs unless
//! --allow-remote-resources (then https only), kustomize is stopped past
//! its time and output bounds, and messages name a revision's files
//! `REV:path`, never a temporary path.

mod common;

use common::{git, stderr};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn citc(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CITC_CACHE_DIR", dir.join("no-cache"))
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run citc")
}

fn has_kubectl() -> bool {
    let found = ["kustomize", "kubectl"].iter().any(|tool| {
        Command::new(tool)
            .arg("version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs kubectl"
        );
        eprintln!("skipped: neither kustomize nor kubectl is on PATH");
    }
    found
}

const PREFERENCE: &str = "apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: planted
spec:
  requirements:
    cpu:
      guest: 1
";

/// A folder holding a kustomization of its own and a preference: what a
/// `../outside` would count as part of the release if it reached it.
fn plant(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("kustomization.yaml"), "resources: [p.yaml]\n").expect("write");
    std::fs::write(dir.join("p.yaml"), PREFERENCE).expect("write");
}

/// A repository at `<temp>/repo` whose top kustomization is
/// `kustomization` (and a preference of its own), committed; `<temp>/tmp`
/// is the temporary folder citc is given, with a planted `outside` in it.
fn repo(kustomization: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("repo");
    let tmp = temp.path().join("tmp");
    plant(&tmp.join("outside"));
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::write(root.join("kustomization.yaml"), kustomization).expect("write");
    std::fs::write(
        root.join("mine.yaml"),
        PREFERENCE.replace("planted", "mine"),
    )
    .expect("write");
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "one"]);
    (temp, root, tmp)
}

fn diff_head(root: &Path, tmp: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["diff", "HEAD", "mine.yaml"];
    args.extend_from_slice(extra);
    citc(&args, root, &[("TMPDIR", tmp)])
}

/// kustomize reads field names whatever their case and merges `<<` in:
/// spelled so, a `../outside` of a revision reached the folder beside
/// citc's copy in the temporary folder, and the planted preference was
/// counted as part of the release. Now refused, naming `REV:path:line`.
#[test]
fn a_revisions_kustomization_cannot_reach_beside_the_copy() {
    for kustomization in [
        "resources: [mine.yaml]\nResources: [../outside]\n",
        "resources: [mine.yaml]\nRESOURCES: [../outside]\n",
        "<<: {resources: [mine.yaml, ../outside]}\n",
        "x: &o [mine.yaml, ../outside]\nresources: *o\n",
    ] {
        let (_temp, root, tmp) = repo(kustomization);
        let out = diff_head(&root, &tmp, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{kustomization}: {err}");
        assert!(
            err.contains("HEAD:kustomization.yaml:"),
            "{kustomization}: {err}"
        );
        assert!(!err.contains(&tmp.display().to_string()), "{err}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("planted"),
            "{kustomization}"
        );
    }
}

/// What citc builds of a revision is copied below empty folders citc made,
/// and kustomize's own errors name the revision's files `REV:path`.
#[test]
fn a_revisions_files_are_named_rev_path() {
    if !has_kubectl() {
        return;
    }
    let (_temp, root, tmp) = repo("resources: [mine.yaml, sub]\n");
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::write(
        root.join("sub/kustomization.yaml"),
        "resources: [bad.yaml]\n",
    )
    .expect("w");
    std::fs::write(root.join("sub/bad.yaml"), "apiVersion: v1\nkind: [\n").expect("w");
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "two"]);
    let out = diff_head(&root, &tmp, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("HEAD:sub"), "{err}");
    assert!(!err.contains(&tmp.display().to_string()), "{err}");
    assert!(!err.contains("citc-"), "a temporary path: {err}");

    // A good revision builds, and the planted folder is not in it.
    git(&root, &["rm", "-rq", "sub"]);
    std::fs::write(root.join("kustomization.yaml"), "resources: [mine.yaml]\n").expect("w");
    git(&root, &["commit", "-qam", "three"]);
    let out = diff_head(&root, &tmp, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("planted"));
}

/// A remote resource is refused before kustomize runs, naming the file and
/// line, with a help that names the flag; with --allow-remote-resources an
/// https:// one is left to kustomize, and any other stays refused.
#[test]
fn remote_resources_are_refused_unless_allowed_and_https() {
    for url in [
        "https://github.com/kubevirt/common-instancetypes//preferences?ref=v1.0.0",
        "http://example.com/base",
        "git@github.com:kubevirt/common-instancetypes.git",
        "ssh://git@github.com/kubevirt/common-instancetypes",
    ] {
        let (_temp, root, tmp) = repo(&format!("resources:\n- mine.yaml\n- {url}\n"));
        let out = diff_head(&root, &tmp, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{url}: {err}");
        assert!(err.contains("HEAD:kustomization.yaml:3"), "{url}: {err}");
        assert!(err.contains("remote resource"), "{url}: {err}");
        assert!(err.contains("--allow-remote-resources"), "{url}: {err}");
        if !url.starts_with("https://") {
            let out = diff_head(&root, &tmp, &["--allow-remote-resources"]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{url}: {err}");
            assert!(err.contains("not https://"), "{url}: {err}");
        }
    }
    // Allowed, an https:// resource reaches kustomize, which fetches it
    // (here from a port where nothing listens: its error, not citc's).
    if has_kubectl() {
        let (_temp, root, tmp) = repo("resources:\n- mine.yaml\n- https://127.0.0.1:1/base.yaml\n");
        let out = diff_head(&root, &tmp, &["--allow-remote-resources"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(!err.contains("remote resource"), "{err}");
        assert!(err.contains("could not build"), "{err}");
    }
    // A folder given as a REF is checked the same way.
    let temp = tempfile::tempdir().expect("temp dir");
    let tree = temp.path().join("tree");
    std::fs::create_dir_all(&tree).expect("mkdir");
    std::fs::write(
        tree.join("kustomization.yaml"),
        "resources:\n- http://example.com/x\n",
    )
    .expect("write");
    let out = citc(&["diff", "tree", "tree"], temp.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("tree/kustomization.yaml:2"), "{err}");
}

/// A folder with a fake `kubectl` that runs `script`, and a tree to build.
fn fake_tool(script: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    let bin = temp.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let tool = bin.join("kubectl");
    std::fs::write(&tool, format!("#!/bin/sh\n{script}\n")).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let tree = temp.path().join("tree");
    std::fs::create_dir_all(&tree).expect("mkdir");
    std::fs::write(tree.join("kustomization.yaml"), "resources: [p.yaml]\n").expect("write");
    std::fs::write(tree.join("p.yaml"), PREFERENCE).expect("write");
    temp
}

/// kustomize is stopped past CITC_KUSTOMIZE_TIMEOUT, with what it started
/// (a child that keeps its output open), and past 256 MiB of output.
#[cfg(unix)]
#[test]
fn kustomize_is_bounded_in_time_and_output() {
    let temp = fake_tool("/bin/sleep 60\necho never");
    let bin = temp.path().join("bin");
    let started = Instant::now();
    let out = citc(
        &["diff", "tree", "tree"],
        temp.path(),
        &[("PATH", &bin), ("CITC_KUSTOMIZE_TIMEOUT", Path::new("1"))],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("more than 1 seconds"), "{err}");
    assert!(err.contains("CITC_KUSTOMIZE_TIMEOUT"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    let temp = fake_tool("exec /usr/bin/yes 'apiVersion: v1'");
    let bin = temp.path().join("bin");
    let out = citc(&["diff", "tree", "tree"], temp.path(), &[("PATH", &bin)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("larger than citc reads"), "{err}");
}
