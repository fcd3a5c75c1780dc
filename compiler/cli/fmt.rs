//! `citc fmt`: rewrite .cit files in their canonical layout, or check that
//! they are.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{report, MessageFormat};
use crate::fmt::format_source;
use crate::source::SourceMap;

/// Format .cit files in the canonical layout (grammar/LANGUAGE.md, "Canonical layout").
///
/// Rewrites each file whose layout differs (through a temporary file, so a
/// file is never half written) and prints its name. A file with a syntax
/// error is reported and left untouched.
///
/// Exit codes: 0 all files formatted (or, with --check, already formatted);
/// 1 a file has a syntax error or could not be written, or with --check a
/// file is not formatted; 2 usage error or a file cannot be read.
#[derive(Args)]
pub struct FmtArgs {
    /// Files to format [default: catalog.cit in the current directory].
    files: Vec<PathBuf>,
    /// Write nothing: list the files that are not formatted, exit 1 if any.
    #[arg(long)]
    check: bool,
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

pub fn run(args: FmtArgs) -> ExitCode {
    let files = if args.files.is_empty() {
        vec![PathBuf::from("catalog.cit")]
    } else {
        args.files
    };
    let worst = files
        .iter()
        .map(|path| format_file(path, args.check, args.message_format))
        .max()
        .unwrap_or(0);
    ExitCode::from(worst)
}

/// Formats one file; returns its exit code.
fn format_file(path: &Path, check: bool, message_format: MessageFormat) -> u8 {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return 2;
        }
    };
    let mut sources = SourceMap::default();
    let file = sources.add(
        path.display().to_string(),
        Some(path.to_path_buf()),
        text.clone(),
    );
    let formatted = match format_source(file, &text) {
        Ok(formatted) => formatted,
        Err(diag) => {
            report(&sources, &[diag], message_format);
            return 1;
        }
    };
    if formatted == text {
        return 0;
    }
    println!("{}", path.display());
    if check {
        return 1;
    }
    match write_in_place(path, &formatted) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            1
        }
    }
}

/// Replaces the file's content through a temporary file in its directory
/// and a rename, keeping its permissions; a symlink's target is written.
fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let target = fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.citc-fmt-{}", std::process::id()));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::set_permissions(&temp, fs::metadata(&target)?.permissions())?;
        fs::rename(&temp, &target)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}
