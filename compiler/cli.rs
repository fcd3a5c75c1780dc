//! The command line: argument parsing and the commands, each a thin layer
//! over the library that maps results to exit codes.
//!
//! Exit codes: 0 success; 1 the catalog has errors (or the output could not
//! be written); 2 usage errors (bad arguments, unknown code).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{render_human, render_short, Diagnostic};
use crate::emit::bundle;
use crate::source::SourceMap;
use crate::{codes, compile, resolve, Compilation};

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
    /// Compile a catalog into the five release bundles and CHECKSUMS.sha256.
    ///
    /// The output directory is replaced as a whole, only when the catalog
    /// compiles without errors: on any error nothing in it changes.
    Build {
        /// The catalog to compile.
        catalog: PathBuf,
        /// Output directory.
        #[arg(short, long, default_value = "_build")]
        output: PathBuf,
        /// Release version for the common-instancetypes-version label
        /// [default: `git describe --tags` of the catalog's directory, else `noversion`].
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Parse and resolve a catalog and report problems; nothing is written.
    Check {
        /// The catalog to check.
        catalog: PathBuf,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Explain a diagnostic code (for example `citc explain E0109`).
    Explain {
        /// The code, as printed in brackets by `check` and `build`.
        code: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    /// A report with the source snippet and the span underlined.
    Human,
    /// One line per diagnostic: file:line:col: severity[code]: message.
    Short,
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build {
            catalog,
            output,
            version,
            message_format,
        } => {
            let version = version.unwrap_or_else(|| git_describe(&catalog));
            let compilation = compile(resolve::Root::Path(&catalog), &version);
            report(
                &compilation.sources,
                &compilation.diagnostics,
                message_format,
            );
            if compilation.has_errors() {
                return ExitCode::from(1);
            }
            build_output(&compilation, &output)
        }
        Command::Check {
            catalog,
            message_format,
        } => {
            let compilation = compile(resolve::Root::Path(&catalog), "noversion");
            report(
                &compilation.sources,
                &compilation.diagnostics,
                message_format,
            );
            if compilation.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Explain { code } => match codes::lookup(&code.to_ascii_uppercase()) {
            Some(info) => {
                println!(
                    "{} ({}): {}\n\n{}",
                    info.code,
                    info.severity.as_str(),
                    info.title,
                    info.explanation
                );
                ExitCode::SUCCESS
            }
            None => {
                eprintln!(
                    "error: unknown code `{code}`; codes run from {} to {}",
                    codes::CODES[0].code,
                    codes::CODES[codes::CODES.len() - 1].code
                );
                ExitCode::from(2)
            }
        },
    }
}

fn build_output(compilation: &Compilation, output: &Path) -> ExitCode {
    let files = bundle::bundles(&compilation.documents);
    match bundle::write_atomically(output, &files) {
        Ok(()) => {
            eprintln!(
                "wrote {} documents in {} files to {}",
                compilation.documents.len(),
                files.len(),
                output.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "error: cannot write {}: {err}; it was left as it was",
                output.display()
            );
            ExitCode::from(1)
        }
    }
}

fn report(sources: &SourceMap, diagnostics: &[Diagnostic], format: MessageFormat) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for diag in diagnostics {
        match format {
            MessageFormat::Human => eprint!("{}", render_human(sources, diag, color)),
            MessageFormat::Short => eprintln!("{}", render_short(sources, diag)),
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 && matches!(format, MessageFormat::Human) {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}

/// The release version from git, as upstream's release step takes it.
fn git_describe(catalog: &Path) -> String {
    let dir = catalog
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::process::Command::new("git")
        .args(["describe", "--tags"])
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "noversion".to_string())
}
