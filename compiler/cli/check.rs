//! `citc check`: compile, report, write nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{report, MessageFormat};
use crate::{compile, resolve};

/// Type-check a catalog: schema, KubeVirt's rules, lints. Nothing is written.
///
/// Exit codes: 0 clean (warnings allowed unless --deny warnings); 1 errors
/// (or warnings with --deny warnings); 2 usage errors and unreadable files.
/// JSON and GitHub formats go to stdout; human and short to stderr.
#[derive(Args)]
pub struct CheckArgs {
    /// The catalog to check.
    catalog: PathBuf,
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Treat warnings as errors: `--deny warnings` makes any warning fail the check.
    #[arg(long, value_enum)]
    deny: Vec<Deny>,
    /// Accept a catalog that defines no resources (E0119).
    #[arg(long)]
    allow_empty: bool,
    /// Print nothing on success (no summary line).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Deny {
    Warnings,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let mut compilation = compile(resolve::Root::Path(&args.catalog), "noversion");
    if args.allow_empty {
        compilation
            .diagnostics
            .retain(|d| d.code != crate::check::EMPTY_CATALOG);
    }
    report(
        &compilation.sources,
        &compilation.diagnostics,
        args.message_format,
    );
    if let Some(code) = super::diagnostics_exit_code(&compilation.diagnostics) {
        return code;
    }
    if !args.quiet {
        let count = |kind| {
            compilation
                .documents
                .iter()
                .filter(|d| d.kind == kind)
                .count()
        };
        let warnings = compilation.diagnostics.len();
        eprintln!(
            "{}: {} instance types, {} preferences, {warnings} warning{}",
            args.catalog.display(),
            count(crate::lower::ApiKind::VirtualMachineClusterInstancetype),
            count(crate::lower::ApiKind::VirtualMachineClusterPreference),
            if warnings == 1 { "" } else { "s" }
        );
    }
    let warnings_fail = args.deny.contains(&Deny::Warnings) && !compilation.diagnostics.is_empty();
    if warnings_fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
