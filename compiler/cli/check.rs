//! `citc check`: compile, report, write nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{report, MessageFormat};
use crate::{compile, resolve};

/// Type-check a catalog: schema, KubeVirt's rules, lints. Nothing is written.
///
/// Exit codes: 0 clean (warnings allowed unless --deny warnings), 1 errors, 2 usage.
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
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Deny {
    Warnings,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let compilation = compile(resolve::Root::Path(&args.catalog), "noversion");
    report(
        &compilation.sources,
        &compilation.diagnostics,
        args.message_format,
    );
    let warnings_fail = args.deny.contains(&Deny::Warnings) && !compilation.diagnostics.is_empty();
    if compilation.has_errors() || warnings_fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
