//! `citc fmt` never loses a user's file (issue 9): it reads only regular
//! files and never waits on a FIFO, leaves read-only files alone, rewrites
//! in place so a file keeps its inode, hard links, mode and owner, reports
//! only the files it wrote, drops a byte-order mark, keeps its exit code when
//! stdout is closed, and exits 0 / 1 / 2 as `citc fmt --help` says.
//!
//! The tests may run as root (as in CI), where permission bits do not stop
//! writes: so the read-only test relies on citc checking the mode itself.
#![cfg(unix)]

mod common;

use common::{read, stderr, stdout};

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FORMATTED: &str = "mixin m {\n  a = 1\n}\n";
const UNFORMATTED: &str = "mixin m{a=1\n}";
const BROKEN: &str = "mixin m {\n  a =\n}\n";

fn citc(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    citc(dir, args).output().expect("run citc")
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("metadata").mode() & 0o7777
}

/// The names in `dir`, sorted: to see that no copy was left behind.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn no_panic(out: &Output) {
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
    assert_ne!(out.status.code(), Some(101), "{}", stderr(out));
}

#[test]
fn a_fifo_or_a_folder_is_refused_without_waiting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.cit");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8 path")).expect("c path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0, "mkfifo");
    std::fs::create_dir(dir.path().join("folder.cit")).expect("mkdir");
    for args in [
        &["fmt", "pipe.cit"][..],
        &["fmt", "--check", "pipe.cit"][..],
    ] {
        let mut child = citc(dir.path(), args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn citc");
        let start = Instant::now();
        while child.try_wait().expect("wait").is_none() {
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("citc {args:?} hangs on a FIFO");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("output");
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let text = stderr(&out);
        assert!(
            text.contains("error: cannot read file pipe.cit: it is a FIFO, not a regular file")
                && text.contains("help: "),
            "{text}"
        );
        assert_eq!(stdout(&out), "");
    }
    let out = run(dir.path(), &["fmt", "folder.cit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("it is a folder"), "{}", stderr(&out));
}

#[test]
fn a_file_that_is_not_utf8_exits_2_with_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("latin1.cit"), b"mixin m { a = \"\xe9\" }\n").expect("write");
    let out = run(dir.path(), &["fmt", "latin1.cit"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("not UTF-8") && text.contains("help: save the file as UTF-8"),
        "{text}"
    );
}

#[test]
fn a_read_only_file_is_never_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let locked = dir.path().join("locked.cit");
    write(&locked, UNFORMATTED);
    chmod(&locked, 0o444);
    write(&dir.path().join("open.cit"), UNFORMATTED);

    let out = run(dir.path(), &["fmt", "locked.cit", "open.cit"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Only the file actually written is listed.
    assert_eq!(stdout(&out), "open.cit\n");
    let text = stderr(&out);
    assert!(
        text.contains("error: locked.cit is read-only; not formatted")
            && text.contains("help: make it writable"),
        "{text}"
    );
    assert_eq!(read(&locked), UNFORMATTED);
    assert_eq!(mode(&locked), 0o444);
    assert_eq!(read(&dir.path().join("open.cit")), FORMATTED);
    assert_eq!(names(dir.path()), ["locked.cit", "open.cit"]);

    // --check writes nothing, so a read-only file is merely listed.
    let out = run(dir.path(), &["fmt", "--check", "locked.cit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "locked.cit\n");

    // A read-only file already formatted needs nothing: no error.
    write_read_only(&locked, FORMATTED);
    let out = run(dir.path(), &["fmt", "locked.cit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

fn write_read_only(path: &Path, text: &str) {
    chmod(path, 0o644);
    write(path, text);
    chmod(path, 0o444);
}

#[test]
fn a_rewritten_file_keeps_its_inode_links_mode_and_owner() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("catalog.cit");
    let link = dir.path().join("link.cit");
    write(&file, UNFORMATTED);
    chmod(&file, 0o640);
    std::fs::hard_link(&file, &link).expect("hard link");
    // Root can give the file to someone else; a rename would give it back
    // to root. Not as root, the owner cannot be changed, nor tested.
    // SAFETY: getuid has no preconditions.
    let as_root = unsafe { libc::getuid() } == 0;
    if as_root {
        std::os::unix::fs::chown(&file, Some(4242), Some(4243)).expect("chown");
    }
    let before = std::fs::metadata(&file).expect("metadata");

    let out = run(dir.path(), &["fmt", "catalog.cit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "catalog.cit\n");

    let after = std::fs::metadata(&file).expect("metadata");
    assert_eq!(read(&file), FORMATTED);
    assert_eq!(read(&link), FORMATTED, "the hard link kept the old text");
    assert_eq!(after.ino(), before.ino(), "the file has a new inode");
    assert_eq!(std::fs::metadata(&link).expect("link").ino(), after.ino());
    assert_eq!(after.nlink(), 2);
    assert_eq!(mode(&file), 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if as_root {
        assert_eq!((after.uid(), after.gid()), (4242, 4243));
    }
    assert_eq!(names(dir.path()), ["catalog.cit", "link.cit"]);
}

#[test]
fn a_symlink_is_followed_and_stays_a_symlink() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("real.cit"), UNFORMATTED);
    std::os::unix::fs::symlink("real.cit", dir.path().join("alias.cit")).expect("symlink");
    let out = run(dir.path(), &["fmt", "alias.cit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "alias.cit\n");
    assert_eq!(read(&dir.path().join("real.cit")), FORMATTED);
    let meta = std::fs::symlink_metadata(dir.path().join("alias.cit")).expect("lstat");
    assert!(meta.file_type().is_symlink());
}

/// A catalog whose layout is longer than it is: `n` fields written `aN=1`.
fn compact_catalog(fields: usize) -> String {
    let mut text = String::from("mixin m{\n");
    for i in 0..fields {
        text.push_str(&format!("a{i}=1\n"));
    }
    text.push('}');
    text
}

#[test]
fn a_file_that_cannot_be_written_is_an_error_not_listed_and_keeps_its_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = compact_catalog(150);
    write(&dir.path().join("big.cit"), &original);
    // The layout is longer than the limit on file size, the original is not:
    // the write fails part-way with EFBIG.
    let limit = original.len() as u64 + 200;
    let mut command = citc(dir.path(), &["fmt", "big.cit"]);
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let rlimit = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let out = command.output().expect("run citc");
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "a file not written was listed");
    let text = stderr(&out);
    assert!(
        text.contains("error: cannot write big.cit") && text.contains("help: "),
        "{text}"
    );
    assert_eq!(read(&dir.path().join("big.cit")), original);
    assert_eq!(names(dir.path()), ["big.cit"]);
}

#[test]
fn a_byte_order_mark_is_accepted_and_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let with_bom = format!("\u{feff}{FORMATTED}");
    write(&dir.path().join("bom.cit"), &with_bom);
    write(
        &dir.path().join("both.cit"),
        &format!("\u{feff}{UNFORMATTED}"),
    );
    write(&dir.path().join("broken.cit"), &format!("\u{feff}{BROKEN}"));

    let out = run(dir.path(), &["fmt", "--check", "bom.cit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "bom.cit\n");
    assert_eq!(read(&dir.path().join("bom.cit")), with_bom);

    let out = run(dir.path(), &["fmt", "bom.cit", "both.cit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "bom.cit\nboth.cit\n");
    assert_eq!(read(&dir.path().join("bom.cit")), FORMATTED);
    assert_eq!(read(&dir.path().join("both.cit")), FORMATTED);

    // Positions do not count the mark.
    let out = run(
        dir.path(),
        &["fmt", "--message-format", "short", "broken.cit"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("broken.cit:2:5: error[E0001]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exit_codes_are_0_1_2_as_help_says() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("good.cit"), FORMATTED);
    write(&dir.path().join("bad.cit"), UNFORMATTED);
    write(&dir.path().join("broken.cit"), BROKEN);

    let help = stdout(&run(dir.path(), &["fmt", "--help"]));
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(
            "Exit codes: 0 all files are formatted (with --check: already formatted); \
             1 a file has a syntax error, or with --check a file is not formatted; \
             2 usage error, or a file cannot be read or written (missing, not a regular \
             file, too large, not UTF-8, read-only, write failed)."
        ),
        "{help}"
    );

    let code = |args: &[&str]| run(dir.path(), args).status.code();
    assert_eq!(code(&["fmt", "--check", "good.cit"]), Some(0));
    assert_eq!(code(&["fmt", "--check", "good.cit", "bad.cit"]), Some(1));
    assert_eq!(code(&["fmt", "--check", "broken.cit"]), Some(1));
    assert_eq!(code(&["fmt", "broken.cit"]), Some(1));
    // The worst outcome wins: an I/O failure over a syntax error.
    assert_eq!(code(&["fmt", "broken.cit", "missing.cit"]), Some(2));
    assert_eq!(code(&["fmt", "--check", "missing.cit", "bad.cit"]), Some(2));
    assert_eq!(code(&["fmt", "--no-such-flag"]), Some(2));
    assert_eq!(code(&["fmt", "good.cit", "bad.cit"]), Some(0));
}

/// Runs citc with its stdout a pipe whose reading end is already closed.
fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = citc(dir, args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run citc");
    no_panic(&out);
    out
}

#[test]
fn a_closed_stdout_changes_neither_the_work_nor_the_exit_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("a.cit"), UNFORMATTED);
    write(&dir.path().join("b.cit"), UNFORMATTED);
    write(&dir.path().join("broken.cit"), BROKEN);

    let out = run_with_closed_stdout(dir.path(), &["fmt", "--check", "a.cit", "b.cit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run_with_closed_stdout(
        dir.path(),
        &["fmt", "--check", "--message-format", "json", "broken.cit"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Formatting went on after the failed listing of the first file.
    let out = run_with_closed_stdout(dir.path(), &["fmt", "a.cit", "b.cit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&dir.path().join("a.cit")), FORMATTED);
    assert_eq!(read(&dir.path().join("b.cit")), FORMATTED);
}
