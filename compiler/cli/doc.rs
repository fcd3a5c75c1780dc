//! `citc doc std|readme|labels`: generated documents, printed, written in
//! place or checked (the CI gate for committed documents). `citc doc html`
//! writes a folder (compiler/cli/doc_html.rs).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::in_place::{rewrite, writable, Failure, Purpose};
use super::{diagnostics_exit_code, report, MessageFormat};
use crate::diagnostic::sort_diagnostics;
use crate::doc;
use crate::doc::readme::{Generated, RESOURCES_HEADING};
use crate::resolve;
use crate::source::{decode_text, read_committed_bytes, read_input_bytes, MAX_SOURCE_BYTES};

/// Write generated documents: as Markdown the std reference, the README's series and resource tables, the labels page; a static site of the catalog (html)
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
/// with a short diff (at most 20 lines), 0 when it is equal, and 2 when it
/// cannot be read or is a symbolic link (a committed document is never
/// followed through one). --write FILE rewrites the file (for readme: those
/// parts) in place as `citc fmt` does: it keeps its permissions, owner and
/// hard links, and a read-only file is refused.
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
    #[command(flatten)]
    html: super::doc_html::HtmlArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Topic {
    /// The standard library: std/kubevirt, std/sizes, std/components, std/schema.
    Std,
    /// The series diagram and table and the "## Resources" section of upstream's README.md.
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
    super::stdout::text(&text);
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
    super::stdout::text(&generated.rewrite(""));
    ExitCode::SUCCESS
}

fn check_readme(path: &Path, generated: &Generated, command: &str) -> ExitCode {
    let update = format!("{command} --write {}", path.display());
    let actual = match read_committed(path, &update) {
        Ok(actual) => actual,
        Err(code) => return code,
    };
    let actual = actual.strip_prefix('\u{feff}').unwrap_or(&actual);
    let missing = generated.missing(actual);
    if !missing.is_empty() {
        eprintln!(
            "{} has no {}: add {} with `{update}`",
            path.display(),
            missing.join(", no "),
            if missing.len() == 1 { "it" } else { "them" }
        );
        return ExitCode::from(1);
    }
    let expected = generated.rewrite(actual);
    if actual == expected {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "the generated parts of {} (series diagram, series table, `{RESOURCES_HEADING}` section) differ from `{command}`: update them with `{update}`",
        path.display()
    );
    print_diff(actual, &expected, &path.display().to_string(), command);
    ExitCode::from(1)
}

/// A committed document's text; else, said on stderr, exit 1 when it is
/// missing, 2 when it is a symbolic link (refused, never followed: its
/// target would be printed in the diff) or cannot be read.
fn read_committed(path: &Path, update: &str) -> Result<String, ExitCode> {
    if path.symlink_metadata().is_err() {
        eprintln!("{} is missing: write it with `{update}`", path.display());
        return Err(ExitCode::from(1));
    }
    read_committed_bytes(path, "document", MAX_SOURCE_BYTES)
        .and_then(|bytes| decode_text(path, "document", bytes))
        .map_err(|err| {
            eprintln!("error: {}", err.message);
            eprintln!("  help: {}", err.help);
            ExitCode::from(2)
        })
}

/// Bounded: lines cut, at most 20 of them.
fn print_diff(actual: &str, expected: &str, path: &str, command: &str) {
    for line in crate::diagnostic::echo::unified_diff(actual, expected, (path, command), 1, 20) {
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
                crate::resolve::SERIES_DECLARATION
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
    let actual = match read_committed(path, &update) {
        Ok(actual) => actual,
        Err(code) => return code,
    };
    let actual = actual.strip_prefix('\u{feff}').unwrap_or(&actual);
    if actual == text {
        eprintln!("{} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{} differs from `{command}`: update it with `{update}`",
        path.display()
    );
    print_diff(actual, text, &path.display().to_string(), command);
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
/// refused); a missing one is created. `new_text` makes the new text from
/// the old (empty for a new file).
fn write(path: &Path, new_text: impl FnOnce(&str) -> String) -> ExitCode {
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
    let new = new_text(old.as_deref().unwrap_or(""));
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
