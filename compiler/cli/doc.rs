//! `citc doc std|readme|labels`: generated documents, printed, written in
//! place or checked (the CI gate for committed documents).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{diagnostics_exit_code, report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::doc;
use crate::doc::readme::{Generated, RESOURCES_HEADING};
use crate::resolve;
use crate::source::{read_input, MAX_SOURCE_BYTES};

/// Write generated documents as Markdown: the std reference, the README's series and resource tables, the labels page
///
/// `citc doc std`: the reference of the standard library (every module's
/// aliases, derived labels, constants, mixins with the fields they set,
/// tables with their rows, and the schema's top-level fields).
///
/// `citc doc readme`: the "## Resources" section of upstream's README.md
/// (a table of instance types with vCPUs and memory, a table of preferences
/// with their display names), byte for byte as upstream's scripts/readme.sh
/// writes it, from the catalog compiled in memory. With --write FILE it
/// replaces FILE from the "## Resources" heading to the end (what is before
/// is kept; a FILE without the heading gets the section appended). When the
/// catalog declares `let readme_series` (its groups of series and their
/// names), it also writes the series diagram (the ```mermaid block under
/// "## Structure") and the feature table (under "# Series": hugepages,
/// overcommitted memory, dedicated CPU, burstable CPU = no dedicated CPU,
/// isolated emulator threads, vNUMA, the ratio of the largest size), read
/// from each series' instance types; a README that lacks them gets them
/// before "## Resources". Printed, the output is what --write writes into
/// an empty file.
///
/// `citc doc labels`: the labels of the catalog's resources, in the style
/// of upstream's docs/labels.md: those the derive rules compute, with each
/// rule; those set by definitions (no rule can compute them), with the
/// values found; the version label.
///
/// With --check FILE nothing is printed: the command exits 1 when FILE (for
/// readme: its generated parts) differs from the output or is missing,
/// with a short diff, 0 when it is equal, and 2 when it cannot be
/// read. --write FILE replaces the file (for readme: those parts) safely,
/// through a temporary file in the same folder.
///
/// Exit codes: 0 printed, written or up to date; 1 the catalog has errors,
/// or --check found FILE stale; 2 usage and I/O errors.
#[derive(Args)]
pub struct DocArgs {
    /// What to document.
    topic: Topic,
    /// The catalog to document (readme, labels) [default: catalog.cit].
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Compare FILE with the output instead of printing it (readme: the
    /// series diagram and table, and the section from "## Resources" to the
    /// end of FILE).
    #[arg(long, value_name = "FILE", conflicts_with = "write")]
    check: Option<PathBuf>,
    /// Write the output into FILE instead of printing it (readme: replace
    /// the series diagram and table and the section from "## Resources" to
    /// the end of FILE, keeping the rest).
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
    /// How to print the catalog's diagnostics, if it has errors.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Topic {
    /// The standard library: std/kubevirt, std/sizes, std/components, std/schema.
    Std,
    /// The series diagram and table and the "## Resources" section of upstream's README.md.
    Readme,
    /// The labels of the catalog's resources (upstream's docs/labels.md).
    Labels,
}

impl Topic {
    fn command(self) -> &'static str {
        match self {
            Topic::Std => "citc doc std",
            Topic::Readme => "citc doc readme",
            Topic::Labels => "citc doc labels",
        }
    }
}

pub fn run(args: DocArgs) -> ExitCode {
    let text = match args.topic {
        Topic::Std => {
            if args.catalog.is_some() {
                eprintln!("error: `citc doc std` documents the standard library, not a catalog");
                eprintln!("  help: leave out --catalog");
                return ExitCode::from(2);
            }
            doc::std_reference()
        }
        Topic::Readme | Topic::Labels => {
            let catalog = args
                .catalog
                .clone()
                .unwrap_or_else(|| PathBuf::from("catalog.cit"));
            match document_catalog(args.topic, &catalog, args.message_format) {
                Ok(Output::Text(text)) => text,
                Ok(Output::Readme(generated)) => return readme(&args, &generated),
                Err(code) => return code,
            }
        }
    };
    let command = args.topic.command();
    if let Some(path) = &args.check {
        return check(path, &text, command);
    }
    if let Some(path) = &args.write {
        return write(path, |_| text.clone());
    }
    super::print_text(&text);
    ExitCode::SUCCESS
}

/// A document, or the parts of a README.
enum Output {
    Text(String),
    Readme(Generated),
}

/// `citc doc readme`: prints what --write writes into an empty README,
/// or checks or rewrites the parts of FILE.
fn readme(args: &DocArgs, generated: &Generated) -> ExitCode {
    let command = Topic::Readme.command();
    if let Some(path) = &args.check {
        return check_readme(path, generated, command);
    }
    if let Some(path) = &args.write {
        return write(path, |old| generated.rewrite(old));
    }
    super::print_text(&generated.rewrite(""));
    ExitCode::SUCCESS
}

fn check_readme(path: &Path, generated: &Generated, command: &str) -> ExitCode {
    let update = format!("{command} --write {}", path.display());
    if !path.exists() {
        eprintln!("{} is missing: write it with `{update}`", path.display());
        return ExitCode::from(1);
    }
    let actual = match read_input(path, "document", MAX_SOURCE_BYTES) {
        Ok(actual) => actual,
        Err(err) => {
            eprintln!("error: {}", err.message);
            return ExitCode::from(2);
        }
    };
    let missing = generated.missing(&actual);
    if !missing.is_empty() {
        eprintln!(
            "{} has no {}: add {} with `{update}`",
            path.display(),
            missing.join(", no "),
            if missing.len() == 1 { "it" } else { "them" }
        );
        return ExitCode::from(1);
    }
    let expected = generated.rewrite(&actual);
    if actual == expected {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "the generated parts of {} (series diagram, series table, `{RESOURCES_HEADING}` section) differ from `{command}`: update them with `{update}`",
        path.display()
    );
    print_diff(&actual, &expected, &path.display().to_string(), command);
    ExitCode::from(1)
}

fn print_diff(actual: &str, expected: &str, path: &str, command: &str) {
    let diff = similar::TextDiff::from_lines(actual, expected);
    let unified = diff
        .unified_diff()
        .context_radius(1)
        .header(path, command)
        .to_string();
    for line in unified.lines().take(20) {
        eprintln!("{line}");
    }
}

/// Compiles the catalog in memory (as `citc build` does, at its default
/// version) and writes the document of `topic`.
fn document_catalog(
    topic: Topic,
    catalog: &Path,
    format: MessageFormat,
) -> Result<Output, ExitCode> {
    let mut analysis = crate::analyze(resolve::Root::Path(catalog));
    let version = analysis.catalog.release.default_version.clone();
    let documents = crate::lower::lower(&analysis.catalog, &version, &mut analysis.diagnostics);
    if analysis.has_errors() {
        sort_diagnostics(&mut analysis.diagnostics);
        report(&analysis.sources, &analysis.diagnostics, format);
        return Err(diagnostics_exit_code(&analysis.diagnostics).unwrap_or(ExitCode::from(1)));
    }
    if topic != Topic::Readme {
        let page = doc::labels::labels_page(&analysis, &documents, &catalog.display().to_string());
        return Ok(Output::Text(page));
    }
    let declared = doc::series::series_groups(&analysis).and_then(|groups| {
        let diagram = groups
            .as_deref()
            .map(doc::series::series_diagram)
            .transpose()?;
        Ok((groups, diagram))
    });
    let (groups, diagram) = match declared {
        Ok(declared) => declared,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!(
                "  help: `{}` declares how the README shows the series (grammar/LANGUAGE.md, \"The README's series\")",
                doc::series::DECLARATION
            );
            return Err(ExitCode::from(1));
        }
    };
    Ok(Output::Readme(Generated {
        groups,
        diagram,
        resources: doc::readme::resources_section(&documents),
    }))
}

/// `citc doc std|labels --check FILE`: FILE is the whole document.
fn check(path: &Path, text: &str, command: &str) -> ExitCode {
    let update = format!("{command} > {}", path.display());
    if !path.exists() {
        eprintln!("{} is missing: write it with `{update}`", path.display());
        return ExitCode::from(1);
    }
    let actual = match read_input(path, "document", MAX_SOURCE_BYTES) {
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
        "{} differs from `{command}`: update it with `{update}`",
        path.display()
    );
    print_diff(&actual, text, &path.display().to_string(), command);
    ExitCode::from(1)
}

fn write(path: &Path, new_text: impl FnOnce(&str) -> String) -> ExitCode {
    let old = if path.exists() {
        match read_input(path, "document", MAX_SOURCE_BYTES) {
            Ok(old) => Some(old),
            Err(err) => {
                eprintln!("error: {}", err.message);
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let new = new_text(old.as_deref().unwrap_or(""));
    if old.as_deref() == Some(new.as_str()) {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    match write_atomically(path, &new) {
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "error: cannot write {}: {}",
                path.display(),
                crate::source::plain_io_error(&err)
            );
            eprintln!("  help: check that its folder exists and is writable");
            ExitCode::from(2)
        }
    }
}

/// Replaces `path` (the file a symbolic link points to, when it is one)
/// with `text` through a temporary file in the same folder and a rename:
/// a reader sees the old file or the new one, never half of one, and an
/// interrupted write leaves the old file. The file keeps its permissions.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".citc-doc-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    match std::fs::metadata(&target) {
        Ok(meta) => temp.as_file().set_permissions(meta.permissions())?,
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                temp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
        }
    }
    temp.persist(&target).map_err(|err| err.error)?;
    Ok(())
}
