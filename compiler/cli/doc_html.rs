//! `citc doc html -o DIR`: the catalog compiled in memory as `citc build`
//! compiles it, the page written by `doc::html`, and the folder replaced as
//! `citc build -o` replaces its own (`emit::outdir`: atomic, locked, only a
//! folder citc wrote).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::build::GitDescribe;
use super::{diagnostics_exit_code, report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::doc::html;
use crate::emit::outdir;
use crate::resolve;

/// The options of `citc doc html`.
#[derive(Args)]
pub struct HtmlArgs {
    /// html: the folder to write the site into (index.html, site.css,
    /// site.js); created if missing, replaced as a whole.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// html: also show what changed since REF (a release tag, a git
    /// revision, a bundle file or folder, a kustomize tree: whatever `citc
    /// diff REF` takes), as `citc diff` reports it.
    #[arg(long, value_name = "REF")]
    compare: Option<String>,
    /// html: the folder of releases that --compare looks in (as `citc diff
    /// --releases`) [default: releases/ beside the catalog].
    #[arg(long, value_name = "DIR", requires = "compare")]
    releases: Option<PathBuf>,
    /// html: the version stamped on the resources shown [default: `git
    /// describe --tags --dirty` of the catalog's folder, else the catalog's
    /// default_version], as `citc build` stamps them.
    #[arg(long)]
    version: Option<String>,
    /// html: replace an output folder that holds files citc did not write,
    /// or the output of `citc build` (never one that holds the catalog, its
    /// imports or the current directory).
    #[arg(long)]
    force: bool,
    /// html: let --compare's kustomize tree name remote resources (https
    /// only), as `citc diff --allow-remote-resources`.
    #[arg(long, requires = "compare")]
    allow_remote_resources: bool,
    /// html: how long to wait for another citc writing the same folder, as
    /// `citc build --lock-wait` [default: 60].
    #[arg(long, value_name = "SECONDS")]
    lock_wait: Option<u64>,
}

impl HtmlArgs {
    /// The first option given that only `citc doc html` takes.
    pub fn given(&self) -> Option<&'static str> {
        [
            (self.output.is_some(), "-o/--output"),
            (self.compare.is_some(), "--compare"),
            (self.version.is_some(), "--version"),
            (self.force, "--force"),
            (self.allow_remote_resources, "--allow-remote-resources"),
            (self.lock_wait.is_some(), "--lock-wait"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }
}

pub fn run(catalog: &Path, args: HtmlArgs, format: MessageFormat) -> ExitCode {
    let Some(output) = args.output else {
        eprintln!("error: `citc doc html` needs the folder to write: -o DIR");
        eprintln!("  help: run `citc doc html -o site`, then open site/index.html");
        return ExitCode::from(2);
    };
    if output.as_os_str() == "-" {
        eprintln!("error: `citc doc html` writes a folder of three files; `-o -` has none");
        eprintln!("  help: give a folder, e.g. `-o site`");
        return ExitCode::from(2);
    }
    // Checked as `citc build --version` checks it (one function).
    if let Err(code) = super::build::version_arg(args.version.clone()) {
        return code;
    }
    let described = args.version.is_none().then(|| GitDescribe::start(catalog));
    // With --compare, where each field comes from is recorded, so that the
    // changes cite the line that sets each new value, as `citc diff` does.
    let root = resolve::Root::Path(catalog);
    let mut analysis = if args.compare.is_some() {
        crate::analyze_traced(root)
    } else {
        crate::analyze(root)
    };
    let version = args
        .version
        .clone()
        .or_else(|| described.and_then(GitDescribe::finish))
        .unwrap_or_else(|| analysis.catalog.release.default_version.clone());
    let documents = crate::lower::lower(&analysis.catalog, &version, &mut analysis.diagnostics);
    sort_diagnostics(&mut analysis.diagnostics);
    if !analysis.diagnostics.is_empty() {
        report(&analysis.sources, &analysis.diagnostics, format);
    }
    if analysis.has_errors() {
        return diagnostics_exit_code(&analysis.diagnostics).unwrap_or(ExitCode::from(1));
    }
    let changes = match &args.compare {
        Some(reference) => match super::diff::compare_with_catalog(
            reference,
            catalog,
            args.releases.as_deref(),
            args.allow_remote_resources,
            &mut analysis,
            &version,
            format,
        ) {
            Ok(mut report) => {
                crate::provenance::cite(
                    &mut report,
                    &analysis.catalog,
                    &analysis.sources,
                    &version,
                );
                Some(report)
            }
            Err(code) => return code,
        },
        None => None,
    };
    let catalog_name = catalog.display().to_string();
    let meta = html::Meta {
        catalog: &catalog_name,
        version: &version,
        changes: changes.as_ref().zip(args.compare.as_deref()),
    };
    let files = html::site(&analysis.catalog, &documents, &meta);
    // A folder `citc build` wrote is citc's too, but not a site: its
    // bundles are not replaced by a page unless asked.
    if let Some(file) = built_file(&output).filter(|_| !args.force) {
        eprintln!(
            "error: {} holds the output of `citc build` ({file}), not a site; citc will not replace it with one",
            output.display()
        );
        eprintln!(
            "  help: choose another folder with -o (e.g. `-o site`), or pass --force to replace it"
        );
        return ExitCode::from(2);
    }

    let mut protected: Vec<PathBuf> = analysis.sources.paths().map(Path::to_path_buf).collect();
    protected.push(catalog.to_path_buf());
    protected.extend(std::env::current_dir().ok());
    let names: Vec<String> = html::FILES.iter().map(|n| n.to_string()).collect();
    let options = outdir::Options {
        force: args.force,
        protected: &protected,
        files: &names,
        documents: analysis.catalog.resources.len(),
        lock_wait: args
            .lock_wait
            .map_or(outdir::DEFAULT_LOCK_WAIT, std::time::Duration::from_secs),
    };
    let result = outdir::replace_dir(&output, &options, |dir| {
        for (name, text) in &files {
            std::fs::write(dir.join(name), text)?;
        }
        Ok(())
    });
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {} to {}: open {}",
                html::FILES.join(", "),
                output.display(),
                output.join("index.html").display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            match &err {
                outdir::OutputError::Refused { help, .. } => eprintln!("  help: {help}"),
                _ => eprintln!("  {} was left as it was", output.display()),
            }
            ExitCode::from(2)
        }
    }
}

/// A file that the manifest of `dir` lists and a site never holds: `dir`
/// is the output of another command (`citc build`).
fn built_file(dir: &Path) -> Option<String> {
    let manifest = dir.join(outdir::MANIFEST);
    let text = crate::source::read_input(&manifest, "manifest", 1 << 20).ok()?;
    text.lines()
        .find(|line| !line.is_empty() && !line.starts_with('#') && !html::FILES.contains(line))
        .map(str::to_string)
}
