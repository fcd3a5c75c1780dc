//! The command line: argument parsing and one file per command, each a thin
//! layer over the library that maps results to exit codes.
//!
//! Exit codes: 0 success; 1 the catalog has errors (or the output could not
//! be written); 2 usage errors (bad arguments, unknown code).

mod build;
mod check;
mod diff;
mod explain;
mod fmt;

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
Exit codes: 0 success, 1 the catalog has errors (or output could not be written), 2 usage error."
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
    Explain(explain::ExplainArgs),
    Fmt(fmt::FmtArgs),
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fmt(args) => fmt::run(args),
    }
}

/// Prints a line on stdout. A closed pipe (`citc explain | head`) is not an
/// error worth a panic: the reader has what it wanted, so stop quietly.
pub fn print_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").is_err() {
        std::process::exit(0);
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
