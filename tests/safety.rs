//! Data safety and bounded inputs (issue 9): citc never deletes or hides a
//! file it did not write, never hangs on an input, never panics on one, and
//! its exit status tells the truth. Data-safety cases compare the full
//! listing and contents of the folders involved before and after.

mod common;

use common::{catalog_text, stderr};

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn citc_command(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    command
}

fn citc(args: &[&str], dir: &Path) -> Output {
    citc_command(args, dir).output().expect("run citc")
}

/// Runs citc, killing it if it takes longer than `limit` (a hang is a failure).
fn citc_within(args: &[&str], dir: &Path, limit: Duration) -> Output {
    let mut child = citc_command(args, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("citc {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

const SMALL: &str = "preference p {\n  spec.devices.preferredDiskBus = \"virtio\"\n}\n";

fn project_with(catalog: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("catalog.cit"), catalog).expect("write catalog");
    dir
}

/// Every path under `dir` (symlinks not followed) with its contents, or
/// `<dir>` / `-> target` for folders and links.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let name = path
                .strip_prefix(root)
                .expect("under root")
                .display()
                .to_string();
            let kind = entry.file_type().expect("type");
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                out.insert(name, format!("-> {}", target.display()));
            } else if kind.is_dir() {
                out.insert(name, "<dir>".to_string());
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_folder_of_other_files_is_refused_and_untouched() {
    let dir = project_with(SMALL);
    std::fs::create_dir(dir.path().join("notes")).expect("mkdir");
    std::fs::write(dir.path().join("notes/todo.txt"), "keep me").expect("write");
    let before = snapshot(dir.path());
    let out = citc(&["build", "catalog.cit", "-o", "notes"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("todo.txt"),
        "names what is in the way"
    );
    assert!(stderr(&out).contains("--force"), "says how to proceed");
    assert_eq!(snapshot(dir.path()), before);

    // --force replaces it; the file is gone because the user said so.
    let out = citc(
        &["build", "catalog.cit", "-o", "notes", "--force"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.path().join("notes/todo.txt").exists());
}

#[test]
fn the_catalogs_folder_and_its_parents_are_never_replaced() {
    let dir = project_with(SMALL);
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("sub/lib.cit"), "mixin m { }\n").expect("write");
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!("import \"sub/lib.cit\"\n{SMALL}"),
    )
    .expect("write");
    Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git init");
    let before = snapshot(dir.path());
    for target in [".", "./", "sub", "..", "sub/.."] {
        for force in [false, true] {
            let mut args = vec!["build", "catalog.cit", "-o", target];
            if force {
                args.push("--force");
            }
            let out = citc(&args, dir.path());
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("must not replace"),
                "{args:?}: {}",
                stderr(&out)
            );
            assert_eq!(snapshot(dir.path()), before, "{args:?}");
        }
    }
}

#[test]
fn a_regular_file_as_the_output_is_an_error() {
    let dir = project_with(SMALL);
    std::fs::write(dir.path().join("out"), "my file").expect("write");
    let before = snapshot(dir.path());
    let out = citc(
        &["build", "catalog.cit", "-o", "out", "--force"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not a folder"), "{}", stderr(&out));
    assert_eq!(
        snapshot(dir.path()),
        before,
        "nothing hidden, nothing moved"
    );
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let dir = project_with(SMALL);
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    std::os::unix::fs::symlink("real", dir.path().join("link")).expect("symlink");
    for _ in 0..2 {
        let out = citc(&["build", "catalog.cit", "-o", "link"], dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let link = std::fs::symlink_metadata(dir.path().join("link")).expect("link");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert!(dir.path().join("real/CHECKSUMS.sha256").is_file());
    // A link to nothing is refused, not replaced.
    std::os::unix::fs::symlink("nowhere", dir.path().join("dangling")).expect("symlink");
    let out = citc(&["build", "catalog.cit", "-o", "dangling"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(dir.path().join("dangling"))
        .expect("still there")
        .file_type()
        .is_symlink());
}

#[test]
fn a_previous_build_is_replaced_and_nothing_is_left_beside_it() {
    let dir = project_with(SMALL);
    for version in ["v1", "v2"] {
        let out = citc(
            &["build", "catalog.cit", "-o", "_build", "--version", version],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let names: Vec<String> = snapshot(dir.path()).into_keys().collect();
    assert_eq!(
        names.iter().filter(|n| !n.starts_with("_build/")).count(),
        2
    );
    let bundle = std::fs::read_to_string(dir.path().join("_build/common-preferences-bundle.yaml"))
        .expect("bundle");
    assert!(bundle.contains("version: v2"));
}

#[test]
fn staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let dir = project_with(SMALL);
    assert_eq!(
        citc(&["build", "catalog.cit"], dir.path()).status.code(),
        Some(0)
    );
    // What SIGKILL leaves: a staging folder with its manifest and part of
    // the files, and a previous build not yet deleted after the exchange.
    for leftover in [".\u{5f}build.citc-staging-999999", "._build.citc-staging-1"] {
        let path = dir.path().join(leftover);
        std::fs::create_dir(&path).expect("mkdir");
        std::fs::write(
            path.join(".citc-build"),
            "# documents: 1\ncommon-preferences-bundle.yaml\n",
        )
        .expect("manifest");
        std::fs::write(path.join("common-preferences-bundle.yaml"), "half").expect("write");
    }
    // A folder with that kind of name that is not citc's is left alone.
    let foreign = dir.path().join("._build.citc-staging-2");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("mine.txt"), "not citc's").expect("write");
    let out = citc(&["build", "catalog.cit"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["._build.citc-staging-2", "_build", "catalog.cit"],
        "stale staging removed, the foreign folder kept"
    );
}

/// Holds the lock a build takes on the output's parent folder.
fn hold_lock(dir: &Path) -> std::fs::File {
    use std::os::unix::io::AsRawFd;
    let folder = std::fs::File::open(dir).expect("open folder");
    // SAFETY: flock on a descriptor we own.
    assert_eq!(unsafe { libc::flock(folder.as_raw_fd(), libc::LOCK_EX) }, 0);
    folder
}

fn wait_for_text(child: &mut std::process::Child, text: &str) -> String {
    let mut err = child.stderr.take().expect("stderr");
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    let start = Instant::now();
    while !seen.contains(text) {
        assert!(start.elapsed() < Duration::from_secs(20), "{seen}");
        let n = err.read(&mut buf).expect("read");
        assert!(n > 0, "stderr closed before {text:?}: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    child.stderr = Some(err);
    seen
}

#[test]
fn a_second_build_waits_for_the_first() {
    let dir = project_with(SMALL);
    let lock = hold_lock(dir.path());
    let mut child = citc_command(&["build", "catalog.cit"], dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_for_text(&mut child, "waiting for another citc build");
    std::thread::sleep(Duration::from_millis(100));
    assert!(child.try_wait().expect("poll").is_none(), "it must wait");
    assert!(!dir.path().join("_build").exists());
    drop(lock);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    assert!(dir.path().join("_build/CHECKSUMS.sha256").is_file());
}

#[test]
fn sigterm_while_waiting_leaves_nothing_behind() {
    let dir = project_with(SMALL);
    let before = snapshot(dir.path());
    let _lock = hold_lock(dir.path());
    let mut child = citc_command(&["build", "catalog.cit"], dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_for_text(&mut child, "waiting");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().expect("wait");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn concurrent_builds_all_succeed_and_readers_always_see_the_output() {
    let dir = project_with(&catalog_text());
    assert_eq!(
        citc(&["build", "catalog.cit"], dir.path()).status.code(),
        Some(0)
    );
    let out_dir = dir.path().join("_build");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        let out_dir = out_dir.clone();
        std::thread::spawn(move || {
            let mut looks = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                assert!(
                    out_dir.join("CHECKSUMS.sha256").is_file(),
                    "the output was missing"
                );
                looks += 1;
            }
            looks
        })
    };
    let children: Vec<_> = (0..6)
        .map(|i| {
            citc_command(
                &["build", "catalog.cit", "--version", &format!("v{i}")],
                dir.path(),
            )
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().expect("reader") > 0);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "nothing piled up: {names:?}");
}

#[test]
fn an_empty_catalog_is_an_error_and_keeps_the_previous_output() {
    let dir = project_with(SMALL);
    assert_eq!(
        citc(&["build", "catalog.cit"], dir.path()).status.code(),
        Some(0)
    );
    let before = snapshot(dir.path());
    for text in [
        "",
        "// only a comment\n// and another\n",
        // Blank lines (a lone CR is E0007, not a line end: see tests/ui).
        "\r\n\r\n",
        "\u{feff}",
    ] {
        std::fs::write(dir.path().join("empty.cit"), text).expect("write");
        let out = citc(
            &["build", "empty.cit", "--message-format", "short"],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{text:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error[E0119]"), "{}", stderr(&out));
        let out = citc(&["check", "empty.cit"], dir.path());
        assert_eq!(out.status.code(), Some(1));
        // Intended: --allow-empty builds it, but never over a real build.
        let out = citc(&["build", "empty.cit", "--allow-empty"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        std::fs::remove_file(dir.path().join("empty.cit")).expect("rm");
        assert_eq!(snapshot(dir.path()), before);
    }
    std::fs::write(dir.path().join("empty.cit"), "").expect("write");
    let out = citc(
        &["build", "empty.cit", "--allow-empty", "-o", "fresh"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn fifos_devices_and_folders_are_refused_without_waiting() {
    let dir = project_with(SMALL);
    let fifo = dir.path().join("pipe.cit");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf8")).expect("cstr");
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    std::fs::write(dir.path().join("imports_fifo.cit"), "import \"pipe.cit\"\n").expect("w");
    std::fs::write(dir.path().join("zero.cit"), "import \"/dev/zero\"\n").expect("w");
    std::fs::write(
        dir.path().join("environ.cit"),
        "import \"/proc/self/environ\"\n",
    )
    .expect("w");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero-link.cit")).expect("ln");
    std::fs::write(dir.path().join("link.cit"), "import \"zero-link.cit\"\n").expect("w");
    std::fs::create_dir(dir.path().join("folder.cit")).expect("mkdir");
    let limit = Duration::from_secs(20);
    for (args, expect) in [
        (vec!["check", "pipe.cit"], "FIFO"),
        (vec!["build", "pipe.cit"], "FIFO"),
        (vec!["check", "imports_fifo.cit"], "FIFO"),
        (vec!["check", "zero.cit"], "only `.cit` files"),
        (vec!["check", "environ.cit"], "only `.cit` files"),
        (vec!["check", "link.cit"], "a device"),
        (vec!["check", "folder.cit"], "a folder"),
        (vec!["check", "/dev/zero"], "a device"),
    ] {
        let out = citc_within(&args, dir.path(), limit);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
    // The environment never reaches a diagnostic, in any format.
    let out = citc_command(
        &["check", "environ.cit", "--message-format", "github"],
        dir.path(),
    )
    .env("CITC_SECRET_CANARY", "s3cr3t-value")
    .output()
    .expect("run");
    let all = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(!all.contains("s3cr3t-value"), "{all}");
}

#[test]
fn an_oversized_file_is_refused() {
    let dir = project_with(SMALL);
    let big = std::fs::File::create(dir.path().join("big.cit")).expect("create");
    big.set_len(citc::source::MAX_SOURCE_BYTES + 1)
        .expect("sparse file");
    let out = citc_within(&["check", "big.cit"], dir.path(), Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("larger than citc reads"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_long_line_is_shown_as_a_window_and_never_panics() {
    for width in [70_000usize, 1_000_000] {
        let text = format!(
            "preference p {{ spec.devices.preferredDiskBus = \"virtio\"{} spec.bogus = 1 }}\n",
            " ".repeat(width)
        );
        let dir = project_with(&text);
        let out = citc(&["check", "catalog.cit"], dir.path());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let report = stderr(&out);
        assert!(report.contains("E0201"), "{report}");
        assert!(
            report.contains(&format!("catalog.cit:1:{}", width + 57)),
            "the real column: {report}"
        );
        assert!(report.len() < 4_000, "{} bytes of stderr", report.len());
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = project_with(&format!("\u{feff}{SMALL}"));
    let out = citc(&["check", "catalog.cit"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(dir.path().join("lib.cit"), "\u{feff}mixin m { }\n").expect("write");
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!("import \"lib.cit\"\n{SMALL}"),
    )
    .expect("write");
    let out = citc(&["check", "catalog.cit"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Runs citc with stdout or stderr closed before it writes (a reader that
/// went away), through a shell so that the descriptor is really closed.
fn exit_code_with_closed(stream: &str, args: &str, dir: &Path) -> Option<i32> {
    let redirect = if stream == "stdout" { ">&-" } else { "2>&-" };
    Command::new("sh")
        .arg("-c")
        .arg(format!("\"$0\" {args} {redirect}"))
        .arg(env!("CARGO_BIN_EXE_citc"))
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("sh")
        .code()
}

#[test]
fn exit_codes_come_from_the_diagnostics_not_from_printing() {
    let dir = project_with("preference p : missing { }\n");
    for stream in ["stdout", "stderr"] {
        for format in ["human", "short", "json", "github", "sarif", "junit"] {
            for command in ["check", "build"] {
                let args = format!("{command} catalog.cit --message-format {format}");
                assert_eq!(
                    exit_code_with_closed(stream, &args, dir.path()),
                    Some(1),
                    "{args} with {stream} closed"
                );
            }
        }
    }
    let good = project_with(SMALL);
    assert_eq!(
        exit_code_with_closed("stderr", "build catalog.cit", good.path()),
        Some(0)
    );
    assert_eq!(
        exit_code_with_closed("stdout", "explain", good.path()),
        Some(0)
    );
}

#[test]
fn exit_code_table() {
    let dir = project_with(SMALL);
    let code = |args: &[&str]| citc(args, dir.path()).status.code();
    // 0: success.
    assert_eq!(code(&["check", "catalog.cit"]), Some(0));
    assert_eq!(code(&["build", "catalog.cit"]), Some(0));
    assert_eq!(code(&["build", "catalog.cit", "--check"]), Some(0));
    // 1: the catalog has errors, or a check failed.
    std::fs::write(dir.path().join("bad.cit"), "preference p : nope { }\n").expect("w");
    assert_eq!(code(&["check", "bad.cit"]), Some(1));
    assert_eq!(code(&["build", "bad.cit", "-o", "other"]), Some(1));
    std::fs::write(dir.path().join("_build/CHECKSUMS.sha256"), "stale").expect("w");
    assert_eq!(code(&["build", "catalog.cit", "--check"]), Some(1));
    // 2: usage errors and I/O failures.
    assert_eq!(code(&["check", "--message-format", "xml"]), Some(2));
    assert_eq!(code(&["check", "missing.cit"]), Some(2));
    assert_eq!(code(&["build", "missing.cit"]), Some(2));
    std::fs::write(
        dir.path().join("imports_missing.cit"),
        "import \"gone.cit\"\n",
    )
    .expect("w");
    assert_eq!(code(&["check", "imports_missing.cit"]), Some(2));
    std::fs::write(dir.path().join("file"), "x").expect("w");
    assert_eq!(code(&["build", "catalog.cit", "-o", "file"]), Some(2));
    assert_eq!(code(&["explain", "E9999"]), Some(2));
}

#[test]
fn the_version_must_be_a_label_value() {
    let dir = project_with(SMALL);
    for bad in ["a b", "v1\nv2", "-v1", "v1.", &"v".repeat(64), "ü"] {
        let out = citc(&["build", "catalog.cit", "--version", bad], dir.path());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(!dir.path().join("_build").exists(), "{bad:?}");
    }
    let out = citc(
        &["build", "catalog.cit", "--version", "v1.7.0-rc.1_x"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn build_dash_o_dash_writes_the_all_bundle_to_stdout() {
    let dir = project_with(SMALL);
    let out = citc(
        &["build", "catalog.cit", "-o", "-", "--version", "v1"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.starts_with("---\napiVersion: instancetype.kubevirt.io/v1beta1\n"));
    assert_eq!(text.matches("\n---\n").count() + 1, 2, "both kinds of p");
    assert!(!dir.path().join("-").exists());
}

/// Shapes that once took minutes or overflowed the stack: a chain of 20,000
/// mixins, a chain of 10,000 parents defined child first, 100 files that
/// all import each other. Each must finish with the right result (times
/// are in the benchmark, `cargo bench --bench pipeline`, not asserted here).
#[test]
fn pathological_shapes_resolve() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut chain = String::new();
    for i in 0..19_999 {
        chain.push_str(&format!("mixin m{i} {{ use m{} }}\n", i + 1));
    }
    chain.push_str(
        "mixin m19999 { spec.devices.preferredDiskBus = \"virtio\" }\npreference p { use m0 }\n",
    );
    std::fs::write(dir.path().join("chain.cit"), chain).expect("write");
    let out = citc_within(
        &["build", "chain.cit", "-o", "-"],
        dir.path(),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("preferredDiskBus: virtio"));

    let mut parents = String::new();
    for i in (1..10_000).rev() {
        parents.push_str(&format!("preference p{i} : p{} {{ }}\n", i - 1));
    }
    parents.push_str("preference p0 { spec.devices.preferredDiskBus = \"virtio\" }\n");
    std::fs::write(dir.path().join("parents.cit"), parents).expect("write");
    let out = citc_within(
        &["check", "parents.cit", "--message-format", "short"],
        dir.path(),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[E0118]"), "{}", stderr(&out));
    // One per 256 links of the chain, at most: each names a place to cut it.
    assert!(stderr(&out).lines().all(|l| l.contains("E0118")));
    assert!(stderr(&out).lines().count() <= 10_000 / 256 + 1);

    let mesh = dir.path().join("mesh");
    std::fs::create_dir(&mesh).expect("mkdir");
    for i in 0..100 {
        let mut text = String::new();
        for j in (0..100).filter(|&j| j != i) {
            text.push_str(&format!("import \"f{j}.cit\"\n"));
        }
        text.push_str(&format!(
            "preference p{i} {{ spec.devices.preferredDiskBus = \"virtio\" }}\n"
        ));
        std::fs::write(mesh.join(format!("f{i}.cit")), text).expect("write");
    }
    let out = citc_within(
        &["check", "f0.cit", "--message-format", "short", "--quiet"],
        &mesh,
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let warnings: Vec<&str> = std::str::from_utf8(&out.stderr)
        .expect("utf8")
        .lines()
        .collect();
    assert_eq!(
        warnings.len(),
        1,
        "one W0109 for the whole group: {warnings:?}"
    );
    assert!(
        warnings[0].contains("100 files import one another"),
        "{warnings:?}"
    );
}

/// A folder (or link) that took the name of a file citc wrote is the
/// user's: the build is refused instead of deleting it with its contents.
#[test]
fn a_folder_in_place_of_a_built_file_is_not_citcs() {
    let dir = project_with(SMALL);
    assert_eq!(
        citc(&["build", "catalog.cit"], dir.path()).status.code(),
        Some(0)
    );
    let sums = dir.path().join("_build/CHECKSUMS.sha256");
    std::fs::remove_file(&sums).expect("rm");
    std::fs::create_dir(&sums).expect("mkdir");
    std::fs::write(sums.join("my-notes.txt"), "precious").expect("write");
    let before = snapshot(dir.path());
    let out = citc(&["build", "catalog.cit"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("CHECKSUMS.sha256"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn build_check_reads_only_regular_files_and_needs_a_folder() {
    let dir = project_with(SMALL);
    assert_eq!(
        citc(&["build", "catalog.cit"], dir.path()).status.code(),
        Some(0)
    );
    let bundle = dir.path().join("_build/common-preferences-bundle.yaml");
    std::fs::remove_file(&bundle).expect("rm");
    let c_path = std::ffi::CString::new(bundle.to_str().expect("utf8")).expect("cstr");
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    let out = citc_within(
        &["build", "catalog.cit", "--check"],
        dir.path(),
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("FIFO"), "{}", stderr(&out));
    // `--check` with `-o -` has nothing to compare: a usage error.
    let out = citc(&["build", "catalog.cit", "-o", "-", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

/// A signal the parent ignores (`nohup`) stays ignored during the write.
#[test]
fn an_ignored_sighup_stays_ignored() {
    let dir = project_with(&catalog_text());
    let lock = hold_lock(dir.path());
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("trap '' HUP; exec \"$0\" build catalog.cit")
        .arg(env!("CARGO_BIN_EXE_citc"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_for_text(&mut child, "waiting");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGHUP) };
    std::thread::sleep(Duration::from_millis(100));
    drop(lock);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(dir.path().join("_build/CHECKSUMS.sha256").is_file());
}
