//! `citc diff` (in progress).

use std::process::ExitCode;

use clap::Args;

/// Compare a previous release with the catalog, or two releases (not yet available).
#[derive(Args)]
pub struct DiffArgs {
    /// What to compare from.
    reference: String,
}

pub fn run(_args: DiffArgs) -> ExitCode {
    eprintln!("error: `citc diff` is not available yet");
    ExitCode::from(2)
}
