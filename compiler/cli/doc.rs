//! `citc doc std|readme|labels`: generated documents, printed, written in
//! place or checked (the CI gate for committed documents).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::in_place::{rewrite, writable, Failure, Purpose};
use super::{diagnostics_exit_code, report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::doc;
use crate::doc::readme::{current_section, replace_section, RESOURCES_HEADING};
use crate::resolve;
use crate::source::{decode_text, read_committed_bytes, read_input_bytes, MAX_SOURCE_BYTES};

/// Write generated documents as Markdown: the std reference, the README resource tables, the labels page
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
/// missing, with a short diff (at most 20 lines), 0 when it is equal, and 2
/// when it cannot be read or is a symbolic link (a committed document is
/// never followed through one). --write FILE rewrites the file (for readme:
/// the section) in place as `citc fmt` does: it keeps its permissions,
/// owner and hard links, and a read-only file is refused.
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
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Topic {
    /// The standard library: std/kubevirt, std/sizes, std/components, std/schema.
    Std,
    /// The "## Resources" section of upstream's README.md.
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
    super::stdout::text(&text);
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
    if path.symlink_metadata().is_err() {
        eprintln!("{} is missing: write it with `{update}`", path.display());
        return ExitCode::from(1);
    }
    // A committed document: a symbolic link is refused, never followed
    // (its target would be printed in the diff).
    let actual = match read_committed_bytes(path, "document", MAX_SOURCE_BYTES)
        .and_then(|bytes| decode_text(path, "document", bytes))
    {
        Ok(actual) => actual,
        Err(err) => {
            eprintln!("error: {}", err.message);
            eprintln!("  help: {}", err.help);
            return ExitCode::from(2);
        }
    };
    let actual = actual.strip_prefix('\u{feff}').unwrap_or(&actual);
    let Some(actual) = part_of(topic, actual) else {
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
    // Bounded: lines cut, at most 20 of them.
    let headers = (&path.display().to_string() as &str, command);
    for line in crate::diagnostic::echo::unified_diff(actual, text, headers, 1, 20) {
        eprintln!("{line}");
    }
    ExitCode::from(1)
}

const DOC: Purpose = Purpose {
    command: "doc",
    verb: "update",
    done: "written",
    instead: "run `citc doc … --check` to only compare it",
};

/// `--write`: an existing file is rewritten in place by fmt's writer (it
/// keeps its permissions, owner and hard links; a read-only one is
/// refused); a missing one is created.
fn write(topic: Topic, path: &Path, text: &str) -> ExitCode {
    let before = std::fs::metadata(path);
    let old = match &before {
        Ok(_) => match read_input_bytes(path, "document", MAX_SOURCE_BYTES)
            .and_then(|bytes| decode_text(path, "document", bytes))
        {
            Ok(old) => Some(old),
            Err(err) => {
                eprintln!("error: {}", err.message);
                eprintln!("  help: {}", err.help);
                return ExitCode::from(2);
            }
        },
        Err(_) => None,
    };
    let new = match topic {
        Topic::Readme => replace_section(old.as_deref().unwrap_or(""), text),
        _ => text.to_string(),
    };
    if old.as_deref() == Some(new.as_str()) {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    let written = match (&before, &old) {
        (Ok(before), Some(old)) => writable(path, before, &DOC)
            .and_then(|()| rewrite(path, before, old.as_bytes(), new.as_bytes(), &DOC)),
        _ => create(path, &new),
    };
    match written {
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            eprintln!("  help: {}", failure.help);
            ExitCode::from(2)
        }
    }
}

/// Writes a new file (never one that appeared meanwhile); a failed write
/// removes it, so no half file is left.
fn create(path: &Path, text: &str) -> Result<(), Failure> {
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| {
            let result = file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_all());
            if result.is_err() {
                let _ = std::fs::remove_file(path);
            }
            result
        });
    written.map_err(|err| Failure {
        message: format!(
            "cannot write {}: {}",
            path.display(),
            crate::source::plain_io_error(&err)
        ),
        help: "check that its folder exists and is writable".to_string(),
    })
}
