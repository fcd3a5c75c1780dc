//! `citc build`: compile and write the bundles atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::emit::bundle;
use crate::{analyze, resolve};

/// Compile a catalog into the five release bundles and CHECKSUMS.sha256.
///
/// The output directory is replaced as a whole, only when the catalog
/// compiles without errors: on any error nothing in it changes.
#[derive(Args)]
pub struct BuildArgs {
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
}

pub fn run(args: BuildArgs) -> ExitCode {
    let version = args.version.unwrap_or_else(|| git_describe(&args.catalog));
    let mut analysis = analyze(resolve::Root::Path(&args.catalog));
    let rendered = if analysis.has_errors() {
        Vec::new()
    } else {
        bundle::render(analysis.catalog, &version, &mut analysis.diagnostics)
    };
    sort_diagnostics(&mut analysis.diagnostics);
    report(
        &analysis.sources,
        &analysis.diagnostics,
        args.message_format,
    );
    if analysis.diagnostics.iter().any(|d| d.is_error()) {
        return ExitCode::from(1);
    }
    match bundle::write_dir_atomically(&args.output, |dir| bundle::write_rendered(dir, &rendered)) {
        Ok(()) => {
            eprintln!(
                "wrote {} documents in 6 files to {}",
                rendered.len() * 2,
                args.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "error: cannot write {}: {err}; it was left as it was",
                args.output.display()
            );
            ExitCode::from(1)
        }
    }
}

/// The release version from git, as upstream's release step takes it.
pub fn git_describe(catalog: &Path) -> String {
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
