//! Issue 21: a full disk, an untrusted checkout in a CI gate, a folder whose
//! links loop, a lock held by another build. Output that cannot be written
//! is an error; committed outputs are never followed through a symlink;
//! inputs on procfs are refused; what citc echoes of a file is bounded.

mod common;

use common::{project, stderr};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A value the tests put in citc's environment: it must never be printed.
const SECRET: &str = "ghp_citcTestSecretToken0123456789";

fn citc_command(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CITC_TEST_SECRET", SECRET);
    command
}

fn citc(args: &[&str], dir: &Path) -> Output {
    citc_command(args, dir).output().expect("run citc")
}

/// Runs citc with stdout on /dev/full (every write fails with ENOSPC).
fn citc_to_full_disk(args: &[&str], dir: &Path, stdin: Option<&Path>) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut command = citc_command(args, dir);
    command.stdout(full).stderr(Stdio::piped());
    if let Some(input) = stdin {
        command.stdin(std::fs::File::open(input).expect("stdin"));
    }
    command.output().expect("run citc")
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A temporary folder holding the real catalog as catalog.cit.
fn real_catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        project().join("catalog.cit"),
        dir.path().join("catalog.cit"),
    )
    .expect("copy");
    dir
}

/// The v1.7.0 release bundles (carried in tests/golden, else ../shared).
fn release_dir() -> Option<PathBuf> {
    let carried = project().join("tests/golden/releases/v1.7.0");
    if carried.is_dir() {
        return Some(carried);
    }
    let dir = project().join("../shared/upstream/releases/v1.7.0");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{} is missing, and CI=true", dir.display());
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

// ---------------------------------------------------------------------------
// Output that cannot be written is an error.

#[test]
fn every_command_writing_stdout_exits_2_on_a_full_disk() {
    let dir = real_catalog();
    // A catalog with an error, so that `check` has JSON to print (exit 1
    // when it is printed, 2 when it cannot be), and one to diff against.
    std::fs::write(
        dir.path().join("bad.cit"),
        "preference p {\n  spec.devices.preferredDiskBus = \"bogus\"\n}\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("small.cit"),
        "import \"std/kubevirt\"\n\npreference p {\n  spec.devices.preferredDiskBus = \"virtio\"\n}\n",
    )
    .expect("write");
    let unformatted = dir.path().join("unformatted.cit");
    std::fs::write(
        &unformatted,
        "preference   p {\nspec.devices.preferredDiskBus=\"virtio\"\n}\n",
    )
    .expect("write");
    let built = citc(
        &["build", "small.cit", "-o", "small", "--version", "v1"],
        dir.path(),
    );
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let mut cases: Vec<(Vec<&str>, Option<&Path>)> = vec![
        (vec!["explain", "E0134"], None),
        (vec!["show", "u1.small"], None),
        (vec!["doc", "std"], None),
        (vec!["doc", "labels"], None),
        (vec!["build", "-o", "-"], None),
        (vec!["fmt", "-"], Some(&unformatted)),
        (vec!["fmt", "--check", "--diff", "unformatted.cit"], None),
        (vec!["check", "--message-format", "json", "bad.cit"], None),
        (vec!["check", "--message-format", "sarif"], None),
        (vec!["completions", "bash"], None),
        (vec!["--help"], None),
        (vec!["build", "--help"], None),
        (vec!["--version"], None),
        (
            vec!["diff", "small/common-instancetypes-all-bundle.yaml"],
            None,
        ),
    ];
    let bundle = release_dir().map(|d| d.join("common-instancetypes-all-bundle.yaml"));
    if let Some(bundle) = &bundle {
        cases.push((vec!["import", bundle.to_str().unwrap(), "-o", "-"], None));
    }
    for (args, stdin) in cases {
        let out = citc_to_full_disk(&args, dir.path(), stdin);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "citc {args:?}: {err}");
        assert!(
            err.contains("cannot write to stdout: No space left on device"),
            "citc {args:?}: {err}"
        );
    }
}

#[test]
fn a_closed_pipe_stays_silent() {
    let dir = real_catalog();
    let citc = env!("CARGO_BIN_EXE_citc");
    for args in ["doc std", "explain E0134", "build -o -"] {
        // The reader closes the pipe after one byte; citc's status is read
        // from PIPESTATUS.
        let script = format!("{citc} {args} 2>err | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}");
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .output()
            .expect("bash");
        let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let err = std::fs::read_to_string(dir.path().join("err")).expect("err");
        assert_eq!(status, "0", "citc {args}: {err}");
        assert!(!err.contains("cannot write"), "citc {args}: {err}");
    }
}

#[test]
fn import_to_stdout_does_not_name_a_file_called_stdout() {
    let Some(release) = release_dir() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = release.join("common-instancetypes-all-bundle.yaml");
    let out = citc(&["import", bundle.to_str().unwrap(), "-o", "-"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("into stdout"), "{err}");
    assert!(!err.contains("citc build stdout"), "{err}");
    assert!(err.contains("--version v1.7.0"), "{err}");
}

// ---------------------------------------------------------------------------
// Untrusted checkouts: committed outputs are never followed through a link,
// inputs on procfs are refused.

#[test]
fn a_catalog_linked_to_proc_environ_is_refused_by_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("catalog.cit")).expect("link");
    for args in [
        vec!["check"],
        vec!["build", "-o", "-"],
        vec!["show", "u1.small"],
        vec!["fmt", "--check", "--diff", "catalog.cit"],
        vec!["doc", "labels"],
    ] {
        let out = citc(&args, dir.path());
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(2), "citc {args:?}: {text}");
        assert!(text.contains("procfs"), "citc {args:?}: {text}");
        assert!(
            !text.contains(SECRET),
            "citc {args:?} printed the environment"
        );
    }
}

#[test]
fn an_import_or_bundle_on_procfs_or_sysfs_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("env.cit")).expect("link");
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("env.yaml")).expect("link");
    std::os::unix::fs::symlink(
        "/sys/kernel/mm/transparent_hugepage/enabled",
        dir.path().join("thp.yaml"),
    )
    .expect("link");
    std::fs::write(
        dir.path().join("catalog.cit"),
        "import \"std/kubevirt\"\nimport \"env.cit\"\n",
    )
    .expect("write");
    let out = citc(&["check"], dir.path());
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("procfs"), "{text}");
    assert!(!text.contains(SECRET), "{text}");

    let out = citc(&["import", "env.yaml"], dir.path());
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("procfs"), "{text}");
    assert!(!text.contains(SECRET), "{text}");

    if Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists() {
        let out = citc(&["import", "thp.yaml"], dir.path());
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("sysfs"), "{text}");
    }
}

#[test]
fn a_symlinked_catalog_to_a_regular_file_is_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    std::fs::copy(
        project().join("catalog.cit"),
        dir.path().join("real/catalog.cit"),
    )
    .expect("copy");
    std::os::unix::fs::symlink("real/catalog.cit", dir.path().join("catalog.cit")).expect("link");
    let out = citc(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn build_check_reports_a_symlinked_committed_file_and_never_prints_its_target() {
    let dir = real_catalog();
    let out = citc(&["build", "-o", "out", "--version", "v1"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The pull request swaps a committed bundle for a link to a file the
    // runner has (here a regular file with a secret in it).
    std::fs::write(dir.path().join("secret.txt"), format!("token: {SECRET}\n")).expect("write");
    let bundle = dir.path().join("out/common-instancetypes-all-bundle.yaml");
    std::fs::remove_file(&bundle).expect("rm");
    std::os::unix::fs::symlink("../secret.txt", &bundle).expect("link");
    let out = citc(
        &["build", "-o", "out", "--version", "v1", "--check"],
        dir.path(),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("symbolic link"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn doc_check_refuses_a_symlinked_document() {
    let dir = real_catalog();
    std::fs::write(dir.path().join("secret.txt"), format!("token: {SECRET}\n")).expect("write");
    std::os::unix::fs::symlink("secret.txt", dir.path().join("labels.md")).expect("link");
    let out = citc(&["doc", "labels", "--check", "labels.md"], dir.path());
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("symbolic link"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

// ---------------------------------------------------------------------------
// What citc echoes of a file is bounded.

#[test]
fn build_check_cuts_a_long_committed_line() {
    let dir = real_catalog();
    let out = citc(&["build", "-o", "out", "--version", "v1"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let long = format!("{}{SECRET}\n", "x".repeat(100_000));
    std::fs::write(
        dir.path().join("out/common-instancetypes-bundle.yaml"),
        long,
    )
    .expect("write");
    let out = citc(
        &["build", "-o", "out", "--version", "v1", "--check"],
        dir.path(),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains('…'), "{text}");
    assert!(!text.contains(SECRET));
    assert!(text.len() < 20_000, "{} bytes echoed", text.len());
}

#[test]
fn doc_check_caps_its_diff() {
    let dir = real_catalog();
    let many: String = (0..5000).map(|i| format!("committed line {i}\n")).collect();
    std::fs::write(dir.path().join("labels.md"), many).expect("write");
    let out = citc(&["doc", "labels", "--check", "labels.md"], dir.path());
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("more lines"), "{text}");
    assert!(!text.contains("committed line 4999"), "{text}");
}

#[test]
fn fmt_diff_caps_its_diff_and_cuts_long_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("import \"std/kubevirt\"\n");
    text.push_str(&format!("// {}\n", "y".repeat(10_000)));
    for i in 0..3000 {
        text.push_str(&format!(
            "preference   p{i} {{\nspec.devices.preferredDiskBus=\"virtio\"\n}}\n"
        ));
    }
    std::fs::write(dir.path().join("big.cit"), text).expect("write");
    let out = citc(&["fmt", "--check", "--diff", "big.cit"], dir.path());
    let shown = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(shown.contains("more lines"), "{shown}");
    assert!(!shown.contains("p2999"), "the diff is not capped");
    assert!(
        shown.lines().all(|l| l.chars().count() < 400),
        "a line is not cut"
    );
}

#[test]
fn a_diagnostic_never_echoes_a_long_value_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lines: String = (0..2000).map(|i| format!("    line {i}\n")).collect();
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!(
            "import \"std/kubevirt\"\n\npreference p {{\n  spec.devices.preferredDiskBus = \"\"\"\n{lines}  \"\"\"\n}}\n"
        ),
    )
    .expect("write");
    for format in ["human", "short", "json"] {
        let out = citc(&["check", "--message-format", format], dir.path());
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(!text.contains("line 1999"), "{format}: {text}");
        assert!(text.len() < 10_000, "{format}: {} bytes", text.len());
    }
}

// ---------------------------------------------------------------------------
// import walks a folder whose links loop, once.

#[test]
fn import_of_a_folder_with_looping_links_ends_and_reads_each_file_once() {
    let Some(release) = release_dir() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let bundles = dir.path().join("bundles");
    std::fs::create_dir(&bundles).expect("mkdir");
    std::fs::copy(
        release.join("common-instancetypes-all-bundle.yaml"),
        bundles.join("common-instancetypes-all-bundle.yaml"),
    )
    .expect("copy");
    let plain = citc(&["import", "bundles"], dir.path());
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    std::os::unix::fs::symlink(".", bundles.join("loop")).expect("link");
    std::os::unix::fs::symlink("..", bundles.join("up")).expect("link");
    std::fs::create_dir(bundles.join("sub")).expect("mkdir");
    std::os::unix::fs::symlink("../..", bundles.join("sub/top")).expect("link");
    let mut child = citc_command(&["import", "bundles"], dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("citc import still walking the looping links after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let looped = child.wait_with_output().expect("output");
    assert_eq!(looped.status.code(), Some(0), "{}", stderr(&looped));
    // Each file read once: the same catalog as without the links.
    assert_eq!(
        String::from_utf8_lossy(&looped.stdout),
        String::from_utf8_lossy(&plain.stdout)
    );
}

// ---------------------------------------------------------------------------
// doc --write rewrites in place, as fmt does.

fn stale_labels(dir: &Path) -> PathBuf {
    let path = dir.join("labels.md");
    std::fs::write(&path, "# stale\n").expect("write");
    path
}

#[test]
fn doc_write_keeps_permissions_and_hard_links() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = real_catalog();
    let path = stale_labels(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::fs::hard_link(&path, dir.path().join("linked.md")).expect("hard link");
    let inode = std::fs::metadata(&path).expect("stat").ino();
    let out = citc(&["doc", "labels", "--write", "labels.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = std::fs::metadata(&path).expect("stat");
    assert_eq!(after.permissions().mode() & 0o777, 0o640);
    assert_eq!(after.ino(), inode, "the file was replaced, not rewritten");
    let written = std::fs::read_to_string(&path).expect("read");
    assert_ne!(written, "# stale\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("linked.md")).expect("read"),
        written,
        "the hard link kept the old text"
    );
    assert!(
        !std::fs::read_dir(dir.path()).expect("ls").any(|e| e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .contains("backup")),
        "a safety copy was left behind"
    );
}

#[test]
fn doc_write_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = real_catalog();
    let path = stale_labels(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = citc(&["doc", "labels", "--write", "labels.md"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("labels.md is read-only; not written"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "# stale\n");
}

#[test]
fn doc_write_creates_a_missing_file() {
    let dir = real_catalog();
    let out = citc(&["doc", "labels", "--write", "new.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let check = citc(&["doc", "labels", "--check", "new.md"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

// ---------------------------------------------------------------------------
// A build waiting on another's lock says who holds it, and gives up.

#[test]
fn a_build_waiting_on_a_lock_names_the_holder_and_gives_up() {
    use std::os::unix::io::AsRawFd;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("catalog.cit"),
        "import \"std/kubevirt\"\n\npreference p {\n  spec.devices.preferredDiskBus = \"virtio\"\n}\n",
    )
    .expect("write");
    let folder = std::fs::File::open(dir.path()).expect("open folder");
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(folder.as_raw_fd(), libc::LOCK_EX) }, 0);
    let start = Instant::now();
    let out = citc(&["build", "--lock-wait", "1"], dir.path());
    let elapsed = start.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(elapsed < Duration::from_secs(30), "waited {elapsed:?}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "the holder is not named: {err}"
    );
    assert!(err.contains("at most 1 s"), "{err}");
    assert!(err.contains("still holds the lock after 1 s"), "{err}");
    assert!(!dir.path().join("_build").exists());
    drop(folder);
    let help = citc(&["build", "--help"], dir.path());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--lock-wait <SECONDS>"));
}

#[test]
fn show_why_cuts_a_long_source_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!(
            "import \"std/kubevirt\"\n\npreference p {{\n  spec.devices.preferredDiskBus = \"virtio\"  // {}{SECRET}\n}}\n",
            "z".repeat(5000)
        ),
    )
    .expect("write");
    let out = citc(
        &["show", "p", "spec.devices.preferredDiskBus", "--why"],
        dir.path(),
    );
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("preferredDiskBus"), "{text}");
    assert!(text.contains('…'), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn an_import_error_never_echoes_a_long_value_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("odd.yaml"),
        format!(
            "apiVersion: v1\nkind: K{}{SECRET}\nmetadata:\n  name: x\n",
            "k".repeat(50_000)
        ),
    )
    .expect("write");
    let out = citc(&["import", "odd.yaml"], dir.path());
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("Kkkk"), "{text}");
    assert!(!text.contains(SECRET), "{}", text.len());
    assert!(text.len() < 5_000, "{} bytes", text.len());
}
