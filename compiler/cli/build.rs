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
///
/// With --check, nothing is written: the command verifies that the output
/// directory holds exactly what the catalog compiles to (a CI gate for a
/// committed _build), and exits 1 listing the stale files with a short diff.
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
    /// Write nothing; exit 1 if the output directory is not up to date.
    #[arg(long)]
    check: bool,
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
    if args.check {
        return check_up_to_date(&args.output, &bundle::rendered_files(&rendered));
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

/// Compares the files `dir` should hold with what it holds.
fn check_up_to_date(dir: &Path, expected: &[(String, Vec<u8>)]) -> ExitCode {
    let mut stale = Vec::new();
    for (name, bytes) in expected {
        match std::fs::read(dir.join(name)) {
            Ok(actual) if actual == *bytes => {}
            Ok(actual) => stale.push((name.clone(), short_diff(name, &actual, bytes))),
            Err(_) => stale.push((name.clone(), "  missing\n".to_string())),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .filter(|name| !expected.iter().any(|(n, _)| n == name))
            .collect();
        extra.sort();
        for name in extra {
            stale.push((
                name,
                "  not produced by the catalog: remove it\n".to_string(),
            ));
        }
    }
    if stale.is_empty() {
        eprintln!("{} is up to date ({} files)", dir.display(), expected.len());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{} is stale: {} of its files differ from what the catalog compiles to",
        dir.display(),
        stale.len()
    );
    for (name, detail) in &stale {
        eprintln!("{}", dir.join(name).display());
        eprint!("{detail}");
    }
    eprintln!("run `citc build` without --check to update it");
    ExitCode::from(1)
}

/// The first lines of a unified diff, enough to see what changed.
fn short_diff(name: &str, actual: &[u8], expected: &[u8]) -> String {
    const MAX_LINES: usize = 20;
    let (actual, expected) = (
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(expected),
    );
    let diff = similar::TextDiff::from_lines(actual.as_ref(), expected.as_ref())
        .unified_diff()
        .context_radius(1)
        .header(
            &format!("{name} (committed)"),
            &format!("{name} (compiled)"),
        )
        .to_string();
    let lines: Vec<&str> = diff.lines().collect();
    let mut out: String = lines
        .iter()
        .take(MAX_LINES)
        .map(|l| format!("  {l}\n"))
        .collect();
    if lines.len() > MAX_LINES {
        out.push_str(&format!(
            "  … {} more diff lines\n",
            lines.len() - MAX_LINES
        ));
    }
    out
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
