//! `citc doc std|readme|labels`: generated documents, printed, written in
//! place or checked (the CI gate for committed documents). `citc doc html`
//! writes a folder (compiler/cli/doc_html.rs).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{diagnostics_exit_code, report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::doc;
use crate::doc::readme::{current_section, replace_section, RESOURCES_HEADING};
use crate::resolve;
use crate::source::{read_input, MAX_SOURCE_BYTES};

/// Write generated documents: as Markdown the std reference, the README resource tables, the labels page; a static site of the catalog (html)
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
/// is kept; a FILE without the heading gets the section appended).
///
/// `citc doc labels`: the labels of the catalog's resources, in the style
/// of upstream's docs/labels.md: those the derive rules compute, with each
/// rule; those set by definitions (no rule can compute them), with the
/// values found; the version label.
///
/// With --check FILE nothing is printed: the command exits 1 when FILE (for
/// readme: its "## Resources" section) differs from the output or is
/// missing, with a short diff, 0 when it is equal, and 2 when it cannot be
/// read. --write FILE replaces the file (for readme: the section) safely,
/// through a temporary file in the same folder.
///
/// `citc doc html -o DIR`: a static site of the catalog to choose from
/// (index.html, site.css, site.js; no server, nothing fetched from the
/// network): the series with their description, features and ratio, the
/// size grid, every instance type and preference with its labels,
/// requirements and the YAML to apply, which instance types meet each
/// preference's requirements, filters by vCPUs, memory, architecture and
/// feature, and search by name. With --compare REF (a REF as `citc diff`
/// takes it) the page also shows what changed since REF, as `citc diff`
/// reports it, and marks the changed resources. DIR is replaced as `citc
/// build -o` replaces its folder: atomically, one writer at a time, only
/// when it is new, empty or a previous site (else --force).
///
/// Exit codes: 0 printed, written or up to date; 1 the catalog has errors,
/// or --check found FILE stale; 2 usage and I/O errors.
#[derive(Args)]
pub struct DocArgs {
    /// What to document.
    topic: Topic,
    /// The catalog to document (readme, labels, html) [default: catalog.cit].
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Compare FILE with the output instead of printing it (readme: the
    /// section from "## Resources" to the end of FILE).
    #[arg(long, value_name = "FILE", conflicts_with = "write")]
    check: Option<PathBuf>,
    /// Write the output into FILE instead of printing it (readme: replace
    /// the section from "## Resources" to the end of FILE, keeping what is
    /// before it).
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
    /// How to print the catalog's diagnostics, if it has errors.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    #[command(flatten)]
    html: super::doc_html::HtmlArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Topic {
    /// The standard library: std/kubevirt, std/sizes, std/components, std/schema.
    Std,
    /// The "## Resources" section of upstream's README.md.
    Readme,
    /// The labels of the catalog's resources (upstream's docs/labels.md).
    Labels,
    /// A static site of the catalog to choose from, written to -o DIR.
    Html,
}

impl Topic {
    fn command(self) -> &'static str {
        match self {
            Topic::Std => "citc doc std",
            Topic::Readme => "citc doc readme",
            Topic::Labels => "citc doc labels",
            Topic::Html => "citc doc html",
        }
    }
}

pub fn run(args: DocArgs) -> ExitCode {
    if args.topic == Topic::Html {
        if args.check.is_some() || args.write.is_some() {
            eprintln!(
                "error: `citc doc html` writes a folder: it takes -o DIR, not --check or --write"
            );
            eprintln!("  help: run `citc doc html -o DIR`");
            return ExitCode::from(2);
        }
        let catalog = args.catalog.unwrap_or_else(|| PathBuf::from("catalog.cit"));
        return super::doc_html::run(&catalog, args.html, args.message_format);
    }
    if let Some(option) = args.html.given() {
        eprintln!("error: {option} is for `citc doc html`");
        eprintln!("  help: leave out {option}, or run `citc doc html`");
        return ExitCode::from(2);
    }
    let text = match args.topic {
        Topic::Std => {
            if args.catalog.is_some() {
                eprintln!("error: `citc doc std` documents the standard library, not a catalog");
                eprintln!("  help: leave out --catalog");
                return ExitCode::from(2);
            }
            doc::std_reference()
        }
        Topic::Readme | Topic::Labels | Topic::Html => {
            let catalog = args
                .catalog
                .clone()
                .unwrap_or_else(|| PathBuf::from("catalog.cit"));
            match document_catalog(args.topic, &catalog, args.message_format) {
                Ok(text) => text,
                Err(code) => return code,
            }
        }
    };
    let command = args.topic.command();
    if let Some(path) = &args.check {
        return check(args.topic, path, &text, command);
    }
    if let Some(path) = &args.write {
        return write(args.topic, path, &text);
    }
    super::print_text(&text);
    ExitCode::SUCCESS
}

/// Compiles the catalog in memory (as `citc build` does, at its default
/// version) and writes the document of `topic`.
fn document_catalog(
    topic: Topic,
    catalog: &Path,
    format: MessageFormat,
) -> Result<String, ExitCode> {
    let mut analysis = crate::analyze(resolve::Root::Path(catalog));
    let version = analysis.catalog.release.default_version.clone();
    let documents = crate::lower::lower(&analysis.catalog, &version, &mut analysis.diagnostics);
    if analysis.has_errors() {
        sort_diagnostics(&mut analysis.diagnostics);
        report(&analysis.sources, &analysis.diagnostics, format);
        return Err(diagnostics_exit_code(&analysis.diagnostics).unwrap_or(ExitCode::from(1)));
    }
    Ok(match topic {
        Topic::Readme => doc::readme::resources_section(&documents),
        _ => doc::labels::labels_page(&analysis, &documents, &catalog.display().to_string()),
    })
}

/// What the topic's document is compared with in `file`'s text: the whole
/// file, or (readme) its section; `None` when the file has no section.
fn part_of(topic: Topic, file: &str) -> Option<&str> {
    match topic {
        Topic::Readme => current_section(file),
        _ => Some(file),
    }
}

fn check(topic: Topic, path: &Path, text: &str, command: &str) -> ExitCode {
    let update = match topic {
        Topic::Readme => format!("{command} --write {}", path.display()),
        _ => format!("{command} > {}", path.display()),
    };
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
    let Some(actual) = part_of(topic, &actual) else {
        eprintln!(
            "{} has no `{RESOURCES_HEADING}` section: add it with `{update}`",
            path.display()
        );
        return ExitCode::from(1);
    };
    if actual == text {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    let what = match topic {
        Topic::Readme => format!("the `{RESOURCES_HEADING}` section of {}", path.display()),
        _ => path.display().to_string(),
    };
    eprintln!("{what} differs from `{command}`: update it with `{update}`");
    let diff = similar::TextDiff::from_lines(actual, text);
    let unified = diff
        .unified_diff()
        .context_radius(1)
        .header(&path.display().to_string(), command)
        .to_string();
    for line in unified.lines().take(20) {
        eprintln!("{line}");
    }
    ExitCode::from(1)
}

fn write(topic: Topic, path: &Path, text: &str) -> ExitCode {
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
    let new = match topic {
        Topic::Readme => replace_section(old.as_deref().unwrap_or(""), text),
        _ => text.to_string(),
    };
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
