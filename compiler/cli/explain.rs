//! `citc explain CODE`: the long explanation of a diagnostic code.

use std::process::ExitCode;

use clap::Args;

use crate::codes;

/// Explain a diagnostic code (for example `citc explain E0109`); without a code, list them all.
#[derive(Args)]
pub struct ExplainArgs {
    /// The code, as printed in brackets by `check` and `build`.
    code: Option<String>,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    let Some(code) = args.code else {
        for info in codes::all() {
            super::stdout::line(&format!(
                "{}  {:<7}  {}",
                info.code,
                info.severity.as_str(),
                info.title
            ));
        }
        return ExitCode::SUCCESS;
    };
    match codes::lookup(&code.to_ascii_uppercase()) {
        Some(info) => {
            super::stdout::line(&format!(
                "{} ({}): {}

{}",
                info.code,
                info.severity.as_str(),
                info.title,
                info.explanation
            ));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: unknown code `{code}`; `citc explain` lists every code (E for errors, W for warnings)");
            ExitCode::from(2)
        }
    }
}
