//! `citc check`: compile, report, write nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{report, MessageFormat};
use crate::{compile, resolve};

/// Parse, resolve and check a catalog and report problems; nothing is written.
#[derive(Args)]
pub struct CheckArgs {
    /// The catalog to check.
    catalog: PathBuf,
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let compilation = compile(resolve::Root::Path(&args.catalog), "noversion");
    report(
        &compilation.sources,
        &compilation.diagnostics,
        args.message_format,
    );
    if compilation.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
