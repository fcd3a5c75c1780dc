//! The command line: argument parsing and one file per command, each a thin
//! layer over the library that maps results to exit codes.
//!
//! Exit codes: 0 success; 1 the catalog has errors, or a check (`--check`,
//! `--fail-on`, `--deny warnings`) failed; 2 usage errors and I/O failures
//! (a missing or unreadable input, an output folder refused or unwritable).

/// `eprintln!` and `eprint!` that never panic: a closed stderr must not
/// change the exit status, which comes from the diagnostics alone. Defined
/// before the command modules, so that they use these rather than std's.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod build;
mod check;
mod diff;
mod doc;
mod explain;
mod fmt;
mod import;
mod lsp;
mod show;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{render_github, render_human, render_json, render_short, Diagnostic};
use crate::source::SourceMap;

#[derive(Parser)]
#[command(
    name = "citc",
    version,
    about = "Compiler for the .cit catalog language: KubeVirt instance types and preferences",
    long_about = "citc compiles a .cit catalog of KubeVirt instance types and preferences into the \
release bundles that kubevirt/common-instancetypes publishes, byte for byte.\n\n\
Exit codes: 0 success; 1 the catalog has errors, or a check (--check, --fail-on, --deny) \
failed; 2 usage errors and I/O failures (a missing or unreadable file, an output folder refused \
or not writable)."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(build::BuildArgs),
    Check(check::CheckArgs),
    Diff(diff::DiffArgs),
    Doc(doc::DocArgs),
    Explain(explain::ExplainArgs),
    Fmt(fmt::FmtArgs),
    Show(show::ShowArgs),
    Lsp(lsp::LspArgs),
    Import(import::ImportArgs),
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Show(args) => show::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Import(args) => import::run(args),
    }
}

/// Prints a line on stdout. A closed pipe (`citc explain | head`) is not an
/// error worth a panic, nor a reason to change the exit status: the reader
/// has what it wanted, so later lines are dropped quietly.
pub fn print_line(line: &str) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Prints text that ends in a newline on stdout, quietly stopping at a
/// closed pipe like [`print_line`].
pub fn print_text(text: &str) {
    print_line(text.strip_suffix('\n').unwrap_or(text));
}

/// The exit code that diagnostics call for, if any: 2 when an input could
/// not be read (an I/O failure, like a missing file), else 1 when there is
/// an error. Never from whether printing them succeeded.
pub fn diagnostics_exit_code(diagnostics: &[Diagnostic]) -> Option<ExitCode> {
    if diagnostics.iter().any(|d| d.code == "E0002") {
        Some(ExitCode::from(2))
    } else if diagnostics.iter().any(Diagnostic::is_error) {
        Some(ExitCode::from(1))
    } else {
        None
    }
}

/// How diagnostics are printed (to stderr).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// A report with the source snippet and the span underlined.
    Human,
    /// One line per diagnostic: file:line:col: severity[code]: message.
    Short,
    /// One JSON object per line: code, severity, message, file, line, column, end, help, labels.
    Json,
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message).
    Github,
}

pub fn report(sources: &SourceMap, diagnostics: &[Diagnostic], format: MessageFormat) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for diag in diagnostics {
        match format {
            MessageFormat::Human => eprint!("{}", render_human(sources, diag, color)),
            MessageFormat::Short => eprintln!("{}", render_short(sources, diag)),
            MessageFormat::Json => print_line(&render_json(sources, diag)),
            MessageFormat::Github => print_line(&render_github(sources, diag)),
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 && format == MessageFormat::Human {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}
