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

use super::in_place::{changed_while_writing, rewrite, writable, Failure, Purpose};
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

const FMT: Purpose = Purpose {
    command: "fmt",
    verb: "format",
    done: "formatted",
    instead: "run `citc fmt --check` to only list it",
};

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
        // A failed write is reported by cli::stdout::finish (exit 2).
        super::stdout::write(formatted.as_bytes());
        return 0;
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

/// Most lines `fmt --check --diff` shows per file.
const MAX_DIFF_LINES: usize = 400;

/// A unified diff of a file's text and its formatted text, on stdout:
/// lines cut and at most [`MAX_DIFF_LINES`] of them, so a file is never
/// echoed whole.
fn show_diff(name: &str, original: &str, formatted: &str) {
    let headers = (name, &format!("{name} (formatted)") as &str);
    let lines =
        crate::diagnostic::echo::unified_diff(original, formatted, headers, 3, MAX_DIFF_LINES);
    let colored = super::color::stdout();
    let mut out = String::new();
    for line in lines {
        let style = match line.as_bytes().first() {
            _ if !colored => anstyle::Style::new(),
            Some(b'+') if !line.starts_with("+++") => anstyle::AnsiColor::Green.on_default(),
            Some(b'-') if !line.starts_with("---") => anstyle::AnsiColor::Red.on_default(),
            Some(b'@') => anstyle::AnsiColor::Cyan.on_default(),
            _ => anstyle::Style::new().bold(),
        };
        out.push_str(&format!("{style}{line}{style:#}\n"));
    }
    super::stdout::write(out.as_bytes());
}

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
        .map_err(|_| changed_while_writing(path, &FMT))
        .and_then(|before| {
            writable(path, &before, &FMT)?;
            rewrite(
                path,
                &before,
                original.as_bytes(),
                formatted.as_bytes(),
                &FMT,
            )
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

/// Prints a failure on stderr; returns the exit code of I/O failures.
fn fail(failure: &Failure) -> u8 {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {}", failure.message);
    let _ = writeln!(err, "help: {}", failure.help);
    IO_FAILURE
}

/// Prints a line on stdout. A closed stdout (`citc fmt | head -0`) is
/// ignored: the files are still formatted and the exit code still tells
/// the outcome.
fn say(line: &str) {
    super::stdout::line(line);
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
