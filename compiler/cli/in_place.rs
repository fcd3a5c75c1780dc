//! Rewriting a file in place, as `citc fmt` and `citc doc --write` do: the
//! file keeps its inode, hard links, owner and permissions, a read-only
//! file is refused, and a copy of the old text is kept while writing (see
//! [`rewrite`]). One writer, so that both commands keep the same promises.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::source::plain_io_error;

/// What the command rewriting a file does, for its messages.
pub struct Purpose {
    /// The command: `fmt`, `doc` (also in the name of the safety copy).
    pub command: &'static str,
    /// "format": make it writable to … it.
    pub verb: &'static str,
    /// "formatted": not ….
    pub done: &'static str,
    /// What to run instead: "run `citc fmt --check` to only list it".
    pub instead: &'static str,
}

/// Why a file was not read or written, and what to do about it.
pub struct Failure {
    pub message: String,
    pub help: String,
}

/// Refuses a file that its mode or its file system makes read-only. The
/// mode is checked by itself because root may write any file: a file nobody
/// may write (`chmod a-w`) is one its owner wants left alone.
pub fn writable(path: &Path, metadata: &fs::Metadata, purpose: &Purpose) -> Result<(), Failure> {
    let read_only = || Failure {
        message: format!("{} is read-only; not {}", path.display(), purpose.done),
        help: format!(
            "make it writable (chmod u+w {}) to {} it, or {}",
            path.display(),
            purpose.verb,
            purpose.instead
        ),
    };
    if metadata.permissions().readonly() {
        return Err(read_only());
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return Err(read_only());
        };
        // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
        if unsafe { libc::access(c_path.as_ptr(), libc::W_OK) } != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EROFS) {
                return Err(Failure {
                    message: format!(
                        "{} is on a read-only file system; not {}",
                        path.display(),
                        purpose.done
                    ),
                    help: format!(
                        "{} a copy on a writable file system, or {}",
                        purpose.verb, purpose.instead
                    ),
                });
            }
            return Err(read_only());
        }
    }
    Ok(())
}

/// Writes `new` over the file's `old` text, in place.
///
/// In place, not through a new file renamed over the old one: a rename
/// would give the path a new inode, so hard links would keep the old text,
/// and the file would belong to whoever runs citc, with default
/// permissions. The risk of writing in place is a crash or a full disk in
/// the middle, which would leave the file partly written. So first a copy
/// of the old text is written and synced next to the file (or, if its
/// folder is not writable, in the temporary folder); then the new text is
/// written, the file cut to its length and synced; then the copy is removed.
/// If the write fails, the old text is written back; only if that fails too
/// is the copy kept, and the message says where it is. A process killed
/// mid-write leaves the copy behind, named `FILE.citc-fmt-backup-*` (`doc`
/// for `citc doc --write`).
pub fn rewrite(
    path: &Path,
    before: &fs::Metadata,
    old: &[u8],
    new: &[u8],
    purpose: &Purpose,
) -> Result<(), Failure> {
    let not_written = |err: &std::io::Error| Failure {
        message: format!(
            "cannot write {}: {}; the file was not changed",
            path.display(),
            plain_io_error(err)
        ),
        help: "check the file's permissions and the free space on its disk".to_string(),
    };
    let mut backup = backup_copy(path, old, purpose).map_err(|err| Failure {
        message: format!(
            "cannot write a safety copy of {} before rewriting it: {}; the file was not changed",
            path.display(),
            plain_io_error(&err)
        ),
        help: "citc keeps a copy of the old text while it rewrites a file; make the file's folder writable or free some disk space".to_string(),
    })?;
    // Neither create nor truncate: the file must be the one that was read.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|err| not_written(&err))?;
    match file.metadata() {
        Ok(now) if same_file_unchanged(before, &now) => {}
        _ => return Err(changed_while_writing(path, purpose)),
    }
    let written = overwrite(&mut file, new);
    let Err(err) = written else {
        return Ok(()); // `backup` is removed as it goes out of scope.
    };
    if overwrite(&mut file, old).is_ok() {
        return Err(Failure {
            message: format!(
                "cannot write {}: {}; its old text was written back",
                path.display(),
                plain_io_error(&err)
            ),
            help: "check the free space on the file's disk and the limits on file size".to_string(),
        });
    }
    let kept = backup.disable_cleanup_and_path();
    Err(Failure {
        message: format!(
            "cannot write {}: {}; the file may be partly written",
            path.display(),
            plain_io_error(&err)
        ),
        help: format!(
            "its old text is in {}; copy it back over the file",
            kept.display()
        ),
    })
}

/// A synced copy of `text` beside `path`, else in the temporary folder;
/// removed when dropped.
fn backup_copy(path: &Path, text: &[u8], purpose: &Purpose) -> std::io::Result<BackupCopy> {
    let target = fs::canonicalize(path)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{name}.citc-{}-backup-", purpose.command);
    let folders = [
        target.parent().map(Path::to_path_buf),
        Some(std::env::temp_dir()),
    ];
    let mut last_error = std::io::Error::other("no folder for the copy");
    for folder in folders.into_iter().flatten() {
        let copy = tempfile::Builder::new()
            .prefix(&prefix)
            .tempfile_in(&folder)
            .and_then(|mut copy| {
                copy.write_all(text)?;
                copy.as_file().sync_all()?;
                Ok(copy)
            });
        match copy {
            Ok(copy) => return Ok(BackupCopy(Some(copy))),
            Err(err) => last_error = err,
        }
    }
    Err(last_error)
}

/// The safety copy of a file being rewritten.
struct BackupCopy(Option<tempfile::NamedTempFile>);

impl BackupCopy {
    /// Keeps the copy on disk; returns its path.
    fn disable_cleanup_and_path(&mut self) -> PathBuf {
        match self.0.take().map(|copy| copy.keep()) {
            Some(Ok((_, path))) => path,
            Some(Err(err)) => err.file.path().to_path_buf(),
            None => PathBuf::new(),
        }
    }
}

/// Writes the whole of `text` from the start of `file`, cuts the file to
/// its length and syncs it.
fn overwrite(file: &mut fs::File, text: &[u8]) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text)?;
    file.set_len(text.len() as u64)?;
    file.sync_all()
}

/// The same file (device and inode), not modified since `before`.
fn same_file_unchanged(before: &fs::Metadata, now: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (before.dev(), before.ino()) != (now.dev(), now.ino()) {
            return false;
        }
    }
    before.len() == now.len() && before.modified().ok() == now.modified().ok()
}

pub fn changed_while_writing(path: &Path, purpose: &Purpose) -> Failure {
    Failure {
        message: format!(
            "{} changed while it was being {}; not {}",
            path.display(),
            purpose.done,
            purpose.done
        ),
        help: format!(
            "run citc {} again once nothing else is writing the file",
            purpose.command
        ),
    }
}
