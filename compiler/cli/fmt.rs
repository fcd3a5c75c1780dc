//! `citc fmt`: rewrite .cit files in their canonical layout, or check that
//! they are.
//!
//! A user's file is never lost nor silently changed in kind: only regular
//! files are read (a FIFO or a device is refused without waiting on it), a
//! read-only file is left alone, and a file is rewritten in place, so it
//! keeps its inode, hard links, owner and permissions. See [`rewrite`] for
//! what protects the text while it is written.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::MessageFormat;
use crate::diagnostic::{
    render_github, render_human, render_json, render_junit, render_sarif, render_short, Diagnostic,
};
use crate::fmt::format_source;
use crate::source::{decode_text, plain_io_error, read_input_bytes, SourceMap, MAX_SOURCE_BYTES};

/// Format .cit files in the canonical layout (grammar/LANGUAGE.md, "Canonical layout").
///
/// Rewrites each file whose layout differs and prints its name once it is
/// written. The file is rewritten in place: it keeps its permissions, owner,
/// hard links and inode; while it is written, a copy of its old text is kept
/// beside it (FILE.citc-fmt-backup-*) and removed afterwards. A UTF-8
/// byte-order mark is dropped. Nothing is written to a file that has a
/// syntax error, that is read-only, or that is not a regular file.
///
/// `citc fmt -` reads the text from stdin and writes it formatted to stdout
/// (how editors' format-on-save tools call a formatter); on a syntax error
/// it writes nothing to stdout and exits 1.
///
/// With --check nothing is written: the files that are not formatted are
/// listed (and, with --diff, shown as a unified diff of what would change).
///
/// Exit codes: 0 all files are formatted (with --check: already formatted);
/// 1 a file has a syntax error, or with --check a file is not formatted;
/// 2 usage error, or a file cannot be read or written (missing, not a
/// regular file, too large, not UTF-8, read-only, write failed).
#[derive(Args)]
pub struct FmtArgs {
    /// Files to format; `-` reads stdin and writes stdout.
    #[arg(default_value = "catalog.cit")]
    files: Vec<PathBuf>,
    /// Write nothing: list the files that are not formatted, exit 1 if any.
    #[arg(long)]
    check: bool,
    /// With --check: show what would change, as a unified diff on stdout.
    #[arg(long, requires = "check")]
    diff: bool,
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

/// Exit code: a file has a syntax error or (with --check) is not formatted.
const NOT_FORMATTED: u8 = 1;
/// Exit code: a file cannot be read or written.
const IO_FAILURE: u8 = 2;

/// What to do with a file whose layout differs.
#[derive(Clone, Copy)]
struct Mode {
    check: bool,
    diff: bool,
    message_format: MessageFormat,
}

pub fn run(args: FmtArgs) -> ExitCode {
    let mode = Mode {
        check: args.check,
        diff: args.diff,
        message_format: args.message_format,
    };
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return ExitCode::from(fail(&Failure {
            message: "`-` (stdin) is given more than once".to_string(),
            help: "stdin can be read once: give `-` once".to_string(),
        }));
    }
    let worst = args
        .files
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                format_stdin(mode)
            } else {
                format_file(path, mode)
            }
        })
        .max()
        .unwrap_or(0);
    ExitCode::from(worst)
}

/// `citc fmt -`: stdin to stdout. With --check, stdout gets the name and
/// (with --diff) the diff instead of the text.
fn format_stdin(mode: Mode) -> u8 {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes);
    if let Err(err) = read {
        return fail(&Failure {
            message: format!("cannot read stdin: {}", plain_io_error(&err)),
            help: "pipe the .cit text into `citc fmt -`".to_string(),
        });
    }
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return fail(&Failure {
            message: format!("stdin is larger than {} MiB", MAX_SOURCE_BYTES >> 20),
            help: "a .cit file is text of a few kilobytes; check what is piped in".to_string(),
        });
    }
    let Ok(original) = String::from_utf8(bytes) else {
        return fail(&Failure {
            message: "stdin is not UTF-8 text".to_string(),
            help: "a .cit file is UTF-8 text; convert it (iconv -t UTF-8)".to_string(),
        });
    };
    let name = "<stdin>";
    let text = original.strip_prefix('\u{feff}').unwrap_or(&original);
    let mut sources = SourceMap::default();
    let file = sources.add(name.to_string(), None, text.to_string());
    let formatted = match format_source(file, text) {
        Ok(formatted) => formatted,
        Err(diag) => {
            report(&sources, &diag, mode.message_format);
            return NOT_FORMATTED;
        }
    };
    if !mode.check {
        let mut out = std::io::stdout().lock();
        let written = out
            .write_all(formatted.as_bytes())
            .and_then(|()| out.flush());
        return match written {
            Ok(()) => 0,
            // A reader that closed the pipe: nothing to report, as elsewhere.
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(err) => fail(&Failure {
                message: format!("cannot write stdout: {}", plain_io_error(&err)),
                help: "check where stdout goes".to_string(),
            }),
        };
    }
    if formatted == original {
        return 0;
    }
    say(name);
    if mode.diff {
        show_diff(name, &original, &formatted);
    }
    NOT_FORMATTED
}

/// A unified diff of a file's text and its formatted text, on stdout.
fn show_diff(name: &str, original: &str, formatted: &str) {
    let diff = similar::TextDiff::from_lines(original, formatted);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    let colored = super::color::stdout();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let style = match line.as_bytes().first() {
            _ if !colored => anstyle::Style::new(),
            Some(b'+') if !line.starts_with("+++") => anstyle::AnsiColor::Green.on_default(),
            Some(b'-') if !line.starts_with("---") => anstyle::AnsiColor::Red.on_default(),
            Some(b'@') => anstyle::AnsiColor::Cyan.on_default(),
            _ => anstyle::Style::new().bold(),
        };
        let body = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(&format!("{style}{body}{style:#}\n"));
        if !line.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

/// Why a file was not read or written, and what to do about it.
struct Failure {
    message: String,
    help: String,
}

/// Formats one file; returns its exit code.
fn format_file(path: &Path, mode: Mode) -> u8 {
    // Taken before reading, so a change made after it is seen at write time.
    let before = fs::metadata(path);
    let original = match read_text(path) {
        Ok(original) => original,
        Err(failure) => return fail(&failure),
    };
    let text = original.strip_prefix('\u{feff}').unwrap_or(&original);
    let mut sources = SourceMap::default();
    let file = sources.add(
        path.display().to_string(),
        Some(path.to_path_buf()),
        text.to_string(),
    );
    let formatted = match format_source(file, text) {
        Ok(formatted) => formatted,
        Err(diag) => {
            report(&sources, &diag, mode.message_format);
            return NOT_FORMATTED;
        }
    };
    // A byte-order mark alone makes a file unformatted: the layout has none.
    if formatted == original {
        return 0;
    }
    if mode.check {
        say(&path.display().to_string());
        if mode.diff {
            show_diff(&path.display().to_string(), &original, &formatted);
        }
        return NOT_FORMATTED;
    }
    let written = before
        .map_err(|_| changed_while_formatting(path))
        .and_then(|before| {
            writable(path, &before)?;
            rewrite(path, &before, original.as_bytes(), formatted.as_bytes())
        });
    match written {
        Ok(()) => {
            say(&path.display().to_string());
            0
        }
        Err(failure) => fail(&failure),
    }
}

/// The file's text, byte-order mark included: the same checks and messages
/// as every input of citc (`read_input`), but the mark is kept so that a
/// file whose only flaw is its mark is rewritten.
fn read_text(path: &Path) -> Result<String, Failure> {
    let bytes = read_input_bytes(path, "file", MAX_SOURCE_BYTES).map_err(|err| Failure {
        message: err.message,
        help: err.help,
    })?;
    decode_text(path, "file", bytes).map_err(|err| Failure {
        message: err.message,
        help: err.help,
    })
}

/// Refuses a file that its mode or its file system makes read-only. The
/// mode is checked by itself because root may write any file: a file nobody
/// may write (`chmod a-w`) is one its owner wants left alone.
fn writable(path: &Path, metadata: &fs::Metadata) -> Result<(), Failure> {
    let read_only = || {
        Failure {
        message: format!("{} is read-only; not formatted", path.display()),
        help: format!(
            "make it writable (chmod u+w {}) to format it, or run `citc fmt --check` to only list it",
            path.display()
        ),
    }
    };
    if metadata.permissions().readonly() {
        return Err(read_only());
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return Err(read_only());
        };
        // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
        if unsafe { libc::access(c_path.as_ptr(), libc::W_OK) } != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EROFS) {
                return Err(Failure {
                    message: format!(
                        "{} is on a read-only file system; not formatted",
                        path.display()
                    ),
                    help: "format a copy on a writable file system, or run `citc fmt --check` to only list it".to_string(),
                });
            }
            return Err(read_only());
        }
    }
    Ok(())
}

/// Writes `new` over the file's `old` text, in place.
///
/// In place, not through a new file renamed over the old one: a rename
/// would give the path a new inode, so hard links would keep the old text,
/// and the file would belong to whoever runs citc, with default
/// permissions. The risk of writing in place is a crash or a full disk in
/// the middle, which would leave the file partly written. So first a copy
/// of the old text is written and synced next to the file (or, if its
/// folder is not writable, in the temporary folder); then the new text is
/// written, the file cut to its length and synced; then the copy is removed.
/// If the write fails, the old text is written back; only if that fails too
/// is the copy kept, and the message says where it is. A process killed
/// mid-write leaves the copy behind, named `FILE.citc-fmt-backup-*`.
fn rewrite(path: &Path, before: &fs::Metadata, old: &[u8], new: &[u8]) -> Result<(), Failure> {
    let not_written = |err: &std::io::Error| Failure {
        message: format!(
            "cannot write {}: {}; the file was not changed",
            path.display(),
            plain_io_error(err)
        ),
        help: "check the file's permissions and the free space on its disk".to_string(),
    };
    let mut backup = backup_copy(path, old).map_err(|err| Failure {
        message: format!(
            "cannot write a safety copy of {} before rewriting it: {}; the file was not changed",
            path.display(),
            plain_io_error(&err)
        ),
        help: "citc fmt keeps a copy of the old text while it rewrites a file; make the file's folder writable or free some disk space".to_string(),
    })?;
    // Neither create nor truncate: the file must be the one that was read.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|err| not_written(&err))?;
    match file.metadata() {
        Ok(now) if same_file_unchanged(before, &now) => {}
        _ => return Err(changed_while_formatting(path)),
    }
    let written = overwrite(&mut file, new);
    let Err(err) = written else {
        return Ok(()); // `backup` is removed as it goes out of scope.
    };
    if overwrite(&mut file, old).is_ok() {
        return Err(Failure {
            message: format!(
                "cannot write {}: {}; its old text was written back",
                path.display(),
                plain_io_error(&err)
            ),
            help: "check the free space on the file's disk and the limits on file size".to_string(),
        });
    }
    let kept = backup.disable_cleanup_and_path();
    Err(Failure {
        message: format!(
            "cannot write {}: {}; the file may be partly written",
            path.display(),
            plain_io_error(&err)
        ),
        help: format!(
            "its text before formatting is in {}; copy it back over the file",
            kept.display()
        ),
    })
}

/// A synced copy of `text` beside `path`, else in the temporary folder;
/// removed when dropped.
fn backup_copy(path: &Path, text: &[u8]) -> std::io::Result<BackupCopy> {
    let target = fs::canonicalize(path)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{name}.citc-fmt-backup-");
    let folders = [
        target.parent().map(Path::to_path_buf),
        Some(std::env::temp_dir()),
    ];
    let mut last_error = std::io::Error::other("no folder for the copy");
    for folder in folders.into_iter().flatten() {
        let copy = tempfile::Builder::new()
            .prefix(&prefix)
            .tempfile_in(&folder)
            .and_then(|mut copy| {
                copy.write_all(text)?;
                copy.as_file().sync_all()?;
                Ok(copy)
            });
        match copy {
            Ok(copy) => return Ok(BackupCopy(Some(copy))),
            Err(err) => last_error = err,
        }
    }
    Err(last_error)
}

/// The safety copy of a file being rewritten.
struct BackupCopy(Option<tempfile::NamedTempFile>);

impl BackupCopy {
    /// Keeps the copy on disk; returns its path.
    fn disable_cleanup_and_path(&mut self) -> PathBuf {
        match self.0.take().map(|copy| copy.keep()) {
            Some(Ok((_, path))) => path,
            Some(Err(err)) => err.file.path().to_path_buf(),
            None => PathBuf::new(),
        }
    }
}

/// Writes the whole of `text` from the start of `file`, cuts the file to
/// its length and syncs it.
fn overwrite(file: &mut fs::File, text: &[u8]) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text)?;
    file.set_len(text.len() as u64)?;
    file.sync_all()
}

/// The same file (device and inode), not modified since `before`.
fn same_file_unchanged(before: &fs::Metadata, now: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (before.dev(), before.ino()) != (now.dev(), now.ino()) {
            return false;
        }
    }
    before.len() == now.len() && before.modified().ok() == now.modified().ok()
}

fn changed_while_formatting(path: &Path) -> Failure {
    Failure {
        message: format!(
            "{} changed while it was being formatted; not formatted",
            path.display()
        ),
        help: "run citc fmt again once nothing else is writing the file".to_string(),
    }
}

/// Prints a failure on stderr; returns the exit code of I/O failures.
fn fail(failure: &Failure) -> u8 {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {}", failure.message);
    let _ = writeln!(err, "help: {}", failure.help);
    IO_FAILURE
}

/// Prints a line on stdout. A closed stdout (`citc fmt | head -0`) is
/// ignored: the files are still formatted and the exit code still tells
/// the outcome (`print_line` would exit 0 and stop).
fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Prints a syntax error in the chosen format, ignoring closed outputs.
fn report(sources: &SourceMap, diag: &Diagnostic, format: MessageFormat) {
    let color = super::color::stderr();
    let on_stderr = |text: String| {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    };
    match format {
        MessageFormat::Human => {
            let (errors, warnings) = if diag.is_error() { (1, 0) } else { (0, 1) };
            on_stderr(format!(
                "{}{errors} error(s), {warnings} warning(s)\n",
                render_human(sources, diag, color)
            ));
        }
        MessageFormat::Short => on_stderr(format!("{}\n", render_short(sources, diag))),
        MessageFormat::Json => say(&render_json(sources, diag)),
        MessageFormat::Github => say(&render_github(sources, diag)),
        MessageFormat::Sarif => say(&render_sarif(sources, std::slice::from_ref(diag))),
        MessageFormat::Junit => say(&render_junit(sources, std::slice::from_ref(diag), false)),
    }
}
