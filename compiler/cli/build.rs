//! `citc build`: compile and write the bundles atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::emit::{bundle, outdir};
use crate::release::validate_version;
use crate::{analyze, resolve};

/// Compile a catalog into the five release bundles and CHECKSUMS.sha256
/// (named as the catalog's `release` block says; upstream's names by
/// default).
///
/// The output folder is replaced as a whole, only when the catalog compiles
/// without errors: on any error nothing in it changes. citc replaces a
/// folder only when it made it: a folder that does not exist, is empty, or
/// holds exactly a previous build (listed in its `.citc-build` manifest).
/// A folder of other files is refused unless --force; a folder that holds
/// the catalog, an import or the current directory is always refused. A
/// symlink to a folder writes into that folder. Builds into one folder run
/// one at a time; a build killed mid-way leaves the previous output intact.
///
/// With --versioned-names, each bundle is named as a release asset, with
/// `-VERSION` before its extension (common-instancetypes-all-bundle-v1.7.0.yaml),
/// as upstream's release script renames them; CHECKSUMS.sha256 lists those
/// names.
///
/// With --check, nothing is written: the command verifies that the output
/// folder holds exactly what the catalog compiles to (a CI gate for a
/// committed _build), and exits 1 listing the stale files with a short diff.
///
/// Exit codes: 0 written (or up to date); 1 the catalog has errors, or with
/// --check the output is stale; 2 usage and I/O errors (unreadable catalog
/// or import, output folder refused or not writable, invalid --version).
#[derive(Args)]
pub struct BuildArgs {
    /// The catalog to compile.
    #[arg(default_value = "catalog.cit")]
    catalog: PathBuf,
    /// Output folder; `-` writes the all-bundle to stdout instead.
    #[arg(short, long, default_value = "_build")]
    output: PathBuf,
    /// Release version for the version label (upstream's
    /// common-instancetypes-version, or the catalog's `release` setting);
    /// must be a valid label value, not empty [default: `git describe
    /// --tags --dirty` of the catalog's folder, else the catalog's
    /// `default_version`, `noversion` unless set].
    #[arg(long)]
    version: Option<String>,
    /// Name each bundle as a release asset: `-VERSION` before its
    /// extension (common-instancetypes-all-bundle-v1.7.0.yaml), as upstream's
    /// .github/scripts/build.sh renames them; the checksum file keeps its
    /// name and lists the new names.
    #[arg(long)]
    versioned_names: bool,
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Write nothing; exit 1 if the output folder is not up to date.
    #[arg(long)]
    check: bool,
    /// Replace an output folder that holds files citc did not write (never
    /// one that holds the catalog, its imports or the current directory).
    #[arg(long)]
    force: bool,
    /// Build a catalog that defines no resources (E0119) into empty bundles.
    #[arg(long)]
    allow_empty: bool,
    /// How long to wait for another citc build into the same folder (the
    /// one holding its lock is named by pid) before giving up with exit 2.
    #[arg(long, value_name = "SECONDS", default_value_t = outdir::DEFAULT_LOCK_WAIT.as_secs())]
    lock_wait: u64,
}

/// `--version` as given to `build` and `diff`: a label value, else an
/// error on stderr and exit code 2 (one function, so both say the same).
pub(super) fn version_arg(version: Option<String>) -> Result<Option<String>, ExitCode> {
    match version {
        Some(version) => match validate_version(&version) {
            Ok(()) => Ok(Some(version)),
            Err(_) if version.is_empty() => {
                eprintln!("error: --version is empty");
                eprintln!("  help: give the release's version (e.g. --version v1.7.0), or leave --version out to stamp `git describe --tags --dirty` (else the catalog's default_version); a script that passes `--version \"$(git describe --tags --abbrev=0)\"` gets an empty version in a repository with no tag yet");
                Err(ExitCode::from(2))
            }
            Err(problem) => {
                eprintln!("error: --version {version:?} {problem}");
                eprintln!("  help: a version is a label value: at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (e.g. v1.7.0)");
                Err(ExitCode::from(2))
            }
        },
        None => Ok(None),
    }
}

pub fn run(args: BuildArgs) -> ExitCode {
    let version = match version_arg(args.version) {
        Ok(version) => version,
        Err(code) => return code,
    };
    let described = version.is_none().then(|| GitDescribe::start(&args.catalog));
    let mut analysis = analyze(resolve::Root::Path(&args.catalog));
    let mut release = analysis.catalog.release.clone();
    let version = version
        .or_else(|| described.and_then(GitDescribe::finish))
        .unwrap_or_else(|| release.default_version.clone());
    if args.versioned_names {
        match release.with_versioned_names(&version) {
            Ok(versioned) => release = versioned,
            Err(problem) => {
                eprintln!("error: --versioned-names: {problem}");
                eprintln!("  help: give the bundles and the checksum file names of their own in the catalog's `release` block");
                return ExitCode::from(2);
            }
        }
    }
    if args.allow_empty {
        analysis
            .diagnostics
            .retain(|d| d.code != crate::check::EMPTY_CATALOG);
    }
    let documents = analysis.catalog.resources.len();
    let crate::Analysis {
        sources,
        catalog,
        mut diagnostics,
        ..
    } = analysis;
    // Every diagnostic is printed once, when the build has decided.
    let finish = |diagnostics: &mut Vec<crate::diagnostic::Diagnostic>| {
        sort_diagnostics(diagnostics);
        report(&sources, diagnostics, args.message_format);
        super::diagnostics_exit_code(diagnostics)
    };
    if diagnostics.iter().any(|d| d.is_error()) {
        return finish(&mut diagnostics).unwrap_or(ExitCode::from(1));
    }
    if args.output.as_os_str() == "-" || args.check {
        if args.output.as_os_str() == "-" && args.check {
            finish(&mut diagnostics);
            eprintln!("error: --check compares an output folder; `-o -` has none");
            eprintln!("  help: give --check the folder to verify, e.g. `-o _build`");
            return ExitCode::from(2);
        }
        // In memory: the all-bundle for a pipe, or the files to compare.
        let mut sink = bundle::MemorySink::default();
        let mut in_memory = release.clone();
        if !args.check {
            // `-o -` writes every document, whether or not the release
            // writes an all-bundle file.
            in_memory.all_bundle = Some("-".into());
        }
        // Writing into memory fails only when the writer thread cannot start.
        let streamed = bundle::stream(catalog, &version, &in_memory, &mut sink, &mut diagnostics);
        if let Some(code) = finish(&mut diagnostics) {
            return code;
        }
        if let Err(err) = streamed {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
        let files = sink.into_files();
        return if args.check {
            check_up_to_date(&args.output, &files)
        } else {
            let all = files.into_iter().find(|(name, _)| name == "-");
            write_stdout(&all.map(|(_, bytes)| bytes).unwrap_or_default())
        };
    }
    let mut protected: Vec<PathBuf> = sources.paths().map(Path::to_path_buf).collect();
    protected.push(args.catalog.clone());
    protected.extend(std::env::current_dir().ok());
    let names = bundle::file_names(&release);
    let options = outdir::Options {
        force: args.force,
        protected: &protected,
        files: &names,
        documents,
        lock_wait: std::time::Duration::from_secs(args.lock_wait),
    };
    // Lowered, rendered and written one resource at a time; an error found
    // while lowering discards the staging folder, so the old output stays.
    let mut written = 0;
    let result = outdir::replace_dir(&args.output, &options, |dir| {
        written = bundle::write_folder(dir, catalog, &version, &release, &mut diagnostics)?.0;
        if diagnostics.iter().any(|d| d.is_error()) {
            return Err(std::io::Error::other("the catalog has errors"));
        }
        Ok(())
    });
    if let Some(code) = finish(&mut diagnostics) {
        return code;
    }
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {written} documents in {} files to {}",
                names.len(),
                args.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            match &err {
                outdir::OutputError::Refused { help, .. } => eprintln!("  help: {help}"),
                _ => eprintln!("  {} was left as it was", args.output.display()),
            }
            ExitCode::from(2)
        }
    }
}

/// `-o -`: the all-bundle on stdout, for a pipe into kubectl (a failed
/// write is exit 2, from cli::stdout::finish).
fn write_stdout(all: &[u8]) -> ExitCode {
    super::stdout::write(all);
    ExitCode::SUCCESS
}

/// Compares the files `dir` should hold with what it holds.
fn check_up_to_date(dir: &Path, expected: &[(String, Vec<u8>)]) -> ExitCode {
    let mut stale = Vec::new();
    for (name, bytes) in expected {
        // A committed file: regular, of bounded size, never a FIFO nor a
        // symbolic link (whose target would be printed in the diff).
        let limit = bytes.len() as u64 * 2 + (1 << 20);
        match crate::source::read_committed_bytes(&dir.join(name), "file", limit) {
            Ok(actual) if actual == *bytes => {}
            Ok(actual) => stale.push((name.clone(), short_diff(name, &actual, bytes))),
            Err(_) if dir.join(name).symlink_metadata().is_err() => {
                stale.push((name.clone(), "  missing\n".to_string()))
            }
            Err(err) => stale.push((name.clone(), format!("  {}\n", err.reason))),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .filter(|name| name != outdir::MANIFEST && !expected.iter().any(|(n, _)| n == name))
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

/// The first lines of a unified diff, enough to see what changed (lines
/// cut, at most 20: the committed file is not echoed whole).
fn short_diff(name: &str, actual: &[u8], expected: &[u8]) -> String {
    let (actual, expected) = (
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(expected),
    );
    let headers = (
        &format!("{name} (committed)") as &str,
        &format!("{name} (compiled)") as &str,
    );
    crate::diagnostic::echo::unified_diff(&actual, &expected, headers, 1, 20)
        .iter()
        .map(|l| format!("  {l}\n"))
        .collect()
}

/// The release version from git, as upstream's release step takes it;
/// `None` outside a repository or when the description is no label value.
pub fn git_describe(catalog: &Path) -> Option<String> {
    GitDescribe::start(catalog).finish()
}

/// `git describe --tags --dirty`, started before the catalog is compiled and
/// read after, so that the two run at once (git takes about as long as a
/// build of the real catalog).
pub struct GitDescribe(Option<std::process::Child>);

impl GitDescribe {
    pub fn start(catalog: &Path) -> GitDescribe {
        let dir = catalog
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let child = std::process::Command::new("git")
            .args(["describe", "--tags", "--dirty"])
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok();
        GitDescribe(child)
    }

    pub fn finish(self) -> Option<String> {
        let out = self.0?.wait_with_output().ok()?;
        if !out.status.success() {
            return None;
        }
        let version = String::from_utf8(out.stdout).ok()?.trim().to_string();
        validate_version(&version).ok().map(|()| version)
    }
}
