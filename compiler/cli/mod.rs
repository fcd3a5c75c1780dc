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
pub mod color;
mod completions;
mod diff;
mod doc;
mod doc_html;
mod examples;
mod explain;
mod fmt;
mod import;
mod in_place;
mod lsp;
mod show;
pub mod stdout;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::diagnostic::{
    render_github_grouped, render_human, render_json, render_junit, render_sarif, render_short,
    Diagnostic,
};
use crate::source::SourceMap;

#[derive(Parser)]
#[command(
    name = "citc",
    version = crate::version::LONG,
    about = "Compiler for the .cit catalog language: KubeVirt instance types and preferences",
    long_about = "citc compiles a .cit catalog of KubeVirt instance types and preferences into the \
release bundles that kubevirt/common-instancetypes publishes, byte for byte. Every command that \
reads a catalog reads catalog.cit in the current directory unless told another.\n\n\
Exit codes: 0 success; 1 the catalog has errors, or a check (--check, --fail-on, --deny) \
failed; 2 usage errors and I/O failures (a missing or unreadable file, an output folder refused \
or not writable)."
)]
pub struct Cli {
    /// When to colour the output: `auto` colours a terminal unless NO_COLOR
    /// is set and not empty; FORCE_COLOR or CLICOLOR_FORCE (not empty, not
    /// 0) colour any output, a CI log too.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = color::When::Auto)]
    color: color::When,
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
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
}

/// The clap command of `citc`, with each subcommand's examples at the end
/// of its help (compiler/cli/examples.rs).
pub fn command() -> clap::Command {
    examples::add(Cli::command())
}

/// The whole command line: colour from the arguments and the environment
/// (before parsing, so that `--help` is coloured as asked too), then the
/// command.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    color::init(color::from_args(&args));
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    match parsed {
        Ok(cli) => run(cli),
        Err(err) => clap_output(err),
    }
}

/// `--help` and `--version` go to stdout through [`stdout`] too (clap's
/// own printing ignores a failed write); usage errors go to stderr, exit 2.
fn clap_output(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if !matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        err.exit();
    }
    let rendered = err.render();
    let text = if color::stdout() {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    stdout::write(text.as_bytes());
    stdout::finish(ExitCode::SUCCESS)
}

/// Runs the command; its output on stdout went through [`stdout`], and a
/// write that failed there makes the exit code 2.
pub fn run(cli: Cli) -> ExitCode {
    color::init(Some(cli.color));
    let code = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Show(args) => show::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Import(args) => import::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::run_man(args),
    };
    stdout::finish(code)
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
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message) on
    /// stdout, files named from the repository's root (GITHUB_WORKSPACE) or
    /// the current directory; one annotation per root cause, the same
    /// mistake reached again (through every row of a table) listed in it.
    Github,
    /// One SARIF 2.1.0 log on stdout, for GitHub code scanning
    /// (github/codeql-action/upload-sarif) and other SARIF viewers.
    Sarif,
    /// One JUnit XML report on stdout, for CI systems that show test
    /// reports (GitLab, Jenkins, Prow): a test case per file, failed by
    /// its errors (and warnings, with --deny warnings).
    Junit,
}

/// Prints diagnostics in `format`; warnings count as failures in the JUnit
/// report only when `warnings_fail` (`--deny warnings`).
pub fn report(sources: &SourceMap, diagnostics: &[Diagnostic], format: MessageFormat) {
    report_denying(sources, diagnostics, format, false);
}

pub fn report_denying(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    format: MessageFormat,
    warnings_fail: bool,
) {
    let color = color::stderr();
    match format {
        MessageFormat::Sarif => stdout::text(&render_sarif(sources, diagnostics)),
        MessageFormat::Junit => stdout::text(&render_junit(sources, diagnostics, warnings_fail)),
        MessageFormat::Github => {
            for line in render_github_grouped(sources, diagnostics) {
                stdout::line(&line);
            }
        }
        MessageFormat::Human | MessageFormat::Short | MessageFormat::Json => {
            for diag in diagnostics {
                match format {
                    MessageFormat::Human => eprint!("{}", render_human(sources, diag, color)),
                    MessageFormat::Short => eprintln!("{}", render_short(sources, diag)),
                    _ => stdout::line(&render_json(sources, diag)),
                }
            }
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 && format == MessageFormat::Human {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}
