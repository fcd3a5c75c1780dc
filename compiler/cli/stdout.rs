//! The one way citc writes to stdout. Every command's output goes through
//! [`write`]; [`finish`] runs after the command and turns a failed write
//! (a full disk, an I/O error) into exit code 2 with a message, so that
//! `citc import … > catalog.cit` on a full disk never reports success on
//! an empty file. A closed pipe (`citc explain | head -1`) is not a
//! failure: the reader has what it wanted, so later output is dropped
//! quietly and the exit status stays the command's.
//!
//! `print!` and `println!` panic on a failed write, so the crate forbids
//! them (`clippy::print_stdout` in lib.rs) and `std::io::stdout` is
//! disallowed outside this file (clippy.toml).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

enum State {
    Open,
    /// The reader closed the pipe: drop the rest, exit as the command says.
    Closed,
    /// A write failed: drop the rest, exit 2 with this reason.
    Failed(String),
}

static STATE: Mutex<State> = Mutex::new(State::Open);

/// Writes `bytes` to stdout, unless an earlier write failed.
pub fn write(bytes: &[u8]) {
    let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if !matches!(*state, State::Open) {
        return;
    }
    #[allow(clippy::disallowed_methods)] // the one place that writes stdout
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(bytes) {
        *state = failed(&err);
    }
}

/// Writes a line (a newline is added).
pub fn line(text: &str) {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    write(&bytes);
}

/// Writes text that ends in a newline (one is added when it does not).
pub fn text(text: &str) {
    line(text.strip_suffix('\n').unwrap_or(text));
}

fn failed(err: &std::io::Error) -> State {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        State::Closed
    } else {
        State::Failed(crate::source::plain_io_error(err))
    }
}

/// Flushes stdout and gives the exit code: the command's `code`, or 2 when
/// a write failed (said on stderr).
pub fn finish(code: ExitCode) -> ExitCode {
    let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if matches!(*state, State::Open) {
        #[allow(clippy::disallowed_methods)]
        if let Err(err) = std::io::stdout().lock().flush() {
            *state = failed(&err);
        }
    }
    match &*state {
        State::Failed(reason) => {
            eprintln!("error: cannot write to stdout: {reason}");
            eprintln!("  help: the output is incomplete; check where stdout goes (a full disk?)");
            ExitCode::from(2)
        }
        _ => code,
    }
}
