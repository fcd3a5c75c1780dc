//! `citc doc std`: the reference of the standard library, as Markdown.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::doc;
use crate::source::{read_input, MAX_SOURCE_BYTES};

/// Print generated documentation: `citc doc std` writes the reference of the
/// standard library (every module's aliases, derived labels, constants,
/// mixins with the fields they set, tables with their rows, and the schema's
/// top-level fields) as Markdown to stdout.
///
/// With --check FILE nothing is printed: the command exits 1 when FILE
/// differs from the output (or is missing), 0 when it is equal, and 2 when
/// it cannot be read.
#[derive(Args)]
pub struct DocArgs {
    /// What to document.
    topic: Topic,
    /// Compare FILE with the output instead of printing it (the CI gate for
    /// a committed reference page).
    #[arg(long, value_name = "FILE")]
    check: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Topic {
    /// The standard library: std/kubevirt, std/sizes, std/components, std/schema.
    Std,
}

pub fn run(args: DocArgs) -> ExitCode {
    let text = match args.topic {
        Topic::Std => doc::std_reference(),
    };
    let Some(path) = args.check else {
        super::print_text(&text);
        return ExitCode::SUCCESS;
    };
    if !path.exists() {
        eprintln!(
            "{} is missing: write it with `citc doc std > {}`",
            path.display(),
            path.display()
        );
        return ExitCode::from(1);
    }
    let actual = match read_input(&path, "reference page", MAX_SOURCE_BYTES) {
        Ok(actual) => actual,
        Err(err) => {
            eprintln!("error: {}", err.message);
            return ExitCode::from(2);
        }
    };
    if actual == text {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{} differs from `citc doc std`: regenerate it with `citc doc std > {}`",
        path.display(),
        path.display()
    );
    let diff = similar::TextDiff::from_lines(actual.as_str(), text.as_str());
    let unified = diff
        .unified_diff()
        .context_radius(1)
        .header(&path.display().to_string(), "citc doc std")
        .to_string();
    for line in unified.lines().take(20) {
        eprintln!("{line}");
    }
    ExitCode::from(1)
}
