//! `citc fmt` (in progress).

use std::process::ExitCode;

use clap::Args;

/// Format .cit files in their canonical layout (not yet available).
#[derive(Args)]
pub struct FmtArgs {
    /// Files to format.
    files: Vec<std::path::PathBuf>,
}

pub fn run(_args: FmtArgs) -> ExitCode {
    eprintln!("error: `citc fmt` is not available yet");
    ExitCode::from(2)
}
