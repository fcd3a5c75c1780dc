//! The `citc` binary: parse arguments, run the command, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    citc::cli::run(citc::cli::Cli::parse())
}
