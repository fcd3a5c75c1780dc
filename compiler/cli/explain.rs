//! `citc explain CODE`: the long explanation of a diagnostic code.

use std::process::ExitCode;

use clap::Args;

use crate::codes;

/// Explain a diagnostic code (for example `citc explain E0109`).
#[derive(Args)]
pub struct ExplainArgs {
    /// The code, as printed in brackets by `check` and `build`.
    code: String,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    match codes::lookup(&args.code.to_ascii_uppercase()) {
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
            let first = codes::CODES.first().map_or("", |c| c.code);
            let last = codes::CODES.last().map_or("", |c| c.code);
            eprintln!(
                "error: unknown code `{}`; codes run from {first} to {last}",
                args.code
            );
            ExitCode::from(2)
        }
    }
}
