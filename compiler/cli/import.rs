//! `citc import`: YAML instance types and preferences → a `.cit` catalog.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::import::{import, Options};

/// Write a .cit catalog from YAML: release bundles, folders of YAML files,
/// or single files of VirtualMachine(Cluster)Instancetype and
/// VirtualMachine(Cluster)Preference objects, in any mix.
///
/// A folder holding a kustomize tree (a kustomization.yaml at its top, as
/// upstream's repository) is built first as upstream's generate.sh builds
/// it — `kustomize build`, else `kubectl kustomize`, of the top and of each
/// VirtualMachine…s folder, every resource stamped with `git describe
/// --tags` (else `noversion`) — and the release it makes is imported: in
/// upstream's repository, `citc import . -o catalog.cit`. The tree is
/// copied first, and a kustomization that names a path outside it or a
/// remote one is refused.
///
/// The catalog groups instance types into series with size tables (std/sizes
/// where the rows match) and variants, arranges preferences in an inheritance
/// tree with std/components mixins, leaves derived labels to the derive rules
/// where they agree, and writes the release settings (bundle names, version
/// label) that reproduce the input's files. The version label's value is not
/// kept: build with `citc build --version <it>`. Nothing is dropped: a field
/// the schema does not know is written as it is, with a warning.
///
/// Import compiles what it wrote and compares it with the input; any
/// difference is a warning. Exit codes: 0 written; 2 an input is missing,
/// unreadable or not instance types and preferences, a tree cannot be
/// built, or the output cannot be written.
#[derive(Args)]
pub struct ImportArgs {
    /// Bundle files, folders of YAML files (read with their sub-folders;
    /// symbolic links are followed, each folder and file read once), folders
    /// holding a kustomize tree, or a mix.
    #[arg(required = true, value_name = "SOURCE")]
    sources: Vec<PathBuf>,
    /// The catalog to write (`-`, the default, is stdout). An existing file is
    /// replaced only with --force.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace FILE when it exists.
    #[arg(long)]
    force: bool,
    /// One definition per resource, every field written out: no series,
    /// mixins or inheritance.
    #[arg(long)]
    literal: bool,
}

pub fn run(args: ImportArgs) -> ExitCode {
    let options = Options {
        literal: args.literal,
    };
    let imported = match import(&args.sources, options) {
        Ok(imported) => imported,
        Err(err) => {
            eprintln!("error: {}", err.message);
            if let Some(help) = &err.help {
                eprintln!("  help: {help}");
            }
            return ExitCode::from(2);
        }
    };
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    let output = args.output.filter(|o| o.as_os_str() != "-");
    match &output {
        None => super::stdout::text(&imported.text),
        Some(path) => {
            if let Err(message) = write_catalog(path, &imported.text, args.force) {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let lines = imported.text.lines().count();
    let counts = format!(
        "{} instance types and {} preferences",
        imported.instance_types, imported.preferences
    );
    let warnings = imported.warnings.len();
    match (&output, &imported.version) {
        (Some(path), Some(version)) => eprintln!(
            "imported {counts} into {} ({lines} lines, {warnings} warning(s)); build it with `citc build {} --version {version}`",
            path.display(),
            path.display()
        ),
        (Some(path), None) => eprintln!(
            "imported {counts} into {} ({lines} lines, {warnings} warning(s))",
            path.display()
        ),
        // On stdout the catalog has no name yet: say how to build it once saved.
        (None, Some(version)) => eprintln!(
            "imported {counts} ({lines} lines, {warnings} warning(s)) on stdout; save it as a .cit file and build it with `--version {version}`"
        ),
        (None, None) => {
            eprintln!("imported {counts} ({lines} lines, {warnings} warning(s)) on stdout")
        }
    }
    ExitCode::SUCCESS
}

/// Writes the catalog whole or not at all (a temporary file beside it,
/// renamed); an existing file is replaced only with `force`.
fn write_catalog(path: &std::path::Path, text: &str, force: bool) -> Result<(), String> {
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        if !force {
            return Err(format!(
                "{} exists: pass --force to replace it",
                path.display()
            ));
        }
        if !metadata.is_file() {
            return Err(format!(
                "{} is a {}, not a file: refusing to replace it",
                path.display(),
                crate::source::file_kind(&metadata)
            ));
        }
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let failed = |err: std::io::Error| {
        format!(
            "cannot write {}: {}",
            path.display(),
            crate::source::plain_io_error(&err)
        )
    };
    let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    file.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}
