//! Source files and spans: every AST node and resolved value points back to
//! the bytes it came from, so a diagnostic can underline them.

use std::path::{Path, PathBuf};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file. Cheap to copy; carries its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span that covers both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// The standard library's AST is parsed at build time (see compiler/build.rs) and
/// stored without files in its spans: each span takes the file id that the
/// module gets when it is loaded, set by [`decode_spans_in`].
impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&(self.start, self.end), serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Span, D::Error> {
        let (start, end): (u32, u32) = serde::Deserialize::deserialize(deserializer)?;
        let file = DECODING_FILE.with(std::cell::Cell::get);
        Ok(Span { file, start, end })
    }
}

thread_local! {
    static DECODING_FILE: std::cell::Cell<FileId> = const { std::cell::Cell::new(FileId(0)) };
}

/// Runs `decode`, giving every [`Span`] it deserializes the file `file`.
pub fn decode_spans_in<T>(file: FileId, decode: impl FnOnce() -> T) -> T {
    let outer = DECODING_FILE.with(|f| f.replace(file));
    let result = decode();
    DECODING_FILE.with(|f| f.set(outer));
    result
}

/// One loaded source file.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path as given, or `std/<name>.cit`).
    pub name: String,
    /// The real path on disk; `None` for the embedded standard library.
    pub path: Option<PathBuf>,
    pub text: String,
    /// Byte offset of the start of every line, for line/column lookups in
    /// O(log n): diagnostics can be many.
    line_starts: Vec<u32>,
}

/// All files of one compilation.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Files by their path on disk: a catalog whose files all import one
    /// another looks paths up once per import.
    by_path: std::collections::HashMap<PathBuf, FileId>,
}

impl SourceMap {
    pub fn add(&mut self, name: String, path: Option<PathBuf>, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        if let Some(path) = &path {
            self.by_path.entry(path.clone()).or_insert(id);
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .collect();
        self.files.push(SourceFile {
            name,
            path,
            text,
            line_starts,
        });
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The paths on disk of every loaded file (the embedded stdlib has none).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().filter_map(|f| f.path.as_deref())
    }

    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn find_name(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(i as u32))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let source = self.get(file);
        let text = &source.text;
        let offset = floor_char_boundary(text, (offset as usize).min(text.len()));
        let line = source
            .line_starts
            .partition_point(|&start| start as usize <= offset);
        let line_start = source.line_starts[line - 1] as usize;
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The largest `.cit` file citc reads: upstream's whole catalog is 15 KB, so
/// this leaves room for catalogs a thousand times larger, and still bounds
/// the memory an input can make citc use.
pub const MAX_SOURCE_BYTES: u64 = 32 << 20;

/// Why an input file could not be read; `help` says what to do.
#[derive(Debug)]
pub struct ReadError {
    /// The whole message: "cannot read catalog x.cit: <reason>".
    pub message: String,
    /// Why, without the file's name, for callers that name it their own way.
    pub reason: String,
    pub help: String,
}

impl ReadError {
    fn new(what: &str, path: &Path, reason: String, help: impl Into<String>) -> ReadError {
        ReadError {
            message: format!("cannot read {what} {}: {reason}", path.display()),
            reason,
            help: help.into(),
        }
    }
}

/// Reads an input file as text: only a regular file (symlinks followed),
/// at most `limit` bytes, UTF-8; a leading byte-order mark is dropped. A
/// FIFO, a device or a folder is refused before anything is read, so citc
/// never waits on a pipe nor reads `/dev/zero` until memory runs out.
pub fn read_input(path: &Path, what: &str, limit: u64) -> Result<String, ReadError> {
    let bytes = read_input_bytes(path, what, limit)?;
    let text = decode_text(path, what, bytes)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// UTF-8 text from an input's bytes, a byte-order mark kept (`fmt` needs to
/// see it; [`read_input`] drops it).
pub fn decode_text(path: &Path, what: &str, bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|err| {
        ReadError::new(
            what,
            path,
            format!(
                "it is not UTF-8 text (invalid byte at offset {})",
                err.utf8_error().valid_up_to()
            ),
            "save the file as UTF-8",
        )
    })
}

/// [`read_input`] without the text decoding.
pub fn read_input_bytes(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_bytes(path, what, limit, Links::Follow)
}

/// A file citc compares as a committed output (`build --check`, `doc
/// --check`): as [`read_input_bytes`], but a symbolic link is refused, not
/// followed: a pull request that swaps a committed file for a link to
/// `/proc/self/environ` must not have it printed in the check's diff.
pub fn read_committed_bytes(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_bytes(path, what, limit, Links::Refuse)
}

#[derive(Clone, Copy, PartialEq)]
enum Links {
    Follow,
    Refuse,
}

/// Every file citc reads goes through here: only a regular file on a disk
/// (never procfs or sysfs, a device, a FIFO, a socket or a folder), at most
/// `limit` bytes.
fn read_bytes(path: &Path, what: &str, limit: u64, links: Links) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io_error = |err: std::io::Error| {
        let help = match err.kind() {
            std::io::ErrorKind::NotFound => "check the path",
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check the path and that the file is readable",
        };
        ReadError::new(what, path, plain_io_error(&err), help)
    };
    if links == Links::Refuse {
        let metadata = std::fs::symlink_metadata(path).map_err(io_error)?;
        if metadata.file_type().is_symlink() {
            let target = std::fs::read_link(path)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            return Err(ReadError::new(
                what,
                path,
                format!("it is a symbolic link{target}, not a regular file"),
                "a committed output must be a regular file; replace the link with the file itself",
            ));
        }
    }
    // Refuse what is not a regular file before opening it: opening a FIFO
    // for reading blocks until a writer comes.
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    check_regular(path, what, &metadata)?;
    let file = open_nonblocking(path, links == Links::Follow).map_err(io_error)?;
    // Checked again on the open file: the path may have changed in between.
    check_regular(path, what, &file.metadata().map_err(io_error)?)?;
    check_on_disk(path, what, &file)?;
    let mut bytes = Vec::with_capacity(metadata.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, what, limit));
    }
    Ok(bytes)
}

/// Refuses a file of the kernel's pseudo file systems (procfs, sysfs and
/// the like): their "regular files" are the machine's state
/// (`/proc/self/environ` holds the environment, tokens included), not
/// anyone's catalog, and a symlink in an untrusted checkout may point there.
#[cfg(target_os = "linux")]
// The magic numbers' and `f_type`'s types differ between C libraries and
// word sizes: `i64::from` is a no-op only on some.
#[allow(clippy::useless_conversion)]
fn check_on_disk(path: &Path, what: &str, file: &std::fs::File) -> Result<(), ReadError> {
    use std::os::fd::AsRawFd;
    // SAFETY: `statfs` is plain data, valid when zeroed; the descriptor is
    // open for the duration of the call.
    let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstatfs(file.as_raw_fd(), &mut stat) } != 0 {
        return Ok(()); // Unknown: the type checks above still hold.
    }
    let pseudo = [
        (i64::from(libc::PROC_SUPER_MAGIC), "procfs"),
        (i64::from(libc::SYSFS_MAGIC), "sysfs"),
        (i64::from(libc::DEBUGFS_MAGIC), "debugfs"),
        (i64::from(libc::SECURITYFS_MAGIC), "securityfs"),
        (i64::from(libc::TRACEFS_MAGIC), "tracefs"),
        (i64::from(libc::CGROUP_SUPER_MAGIC), "cgroupfs"),
        (i64::from(libc::CGROUP2_SUPER_MAGIC), "cgroup2"),
        (i64::from(libc::BPF_FS_MAGIC), "bpffs"),
    ];
    match pseudo.iter().find(|(magic, _)| i64::from(stat.f_type) == *magic) {
        Some((_, name)) => Err(ReadError::new(
            what,
            path,
            format!("it is on {name}, the kernel's view of the machine, not a file on a disk"),
            "give the path of a regular file; citc reads no files of /proc or /sys (a symbolic link to one is refused too)",
        )),
        None => Ok(()),
    }
}

#[cfg(not(target_os = "linux"))]
fn check_on_disk(_path: &Path, _what: &str, _file: &std::fs::File) -> Result<(), ReadError> {
    Ok(())
}

/// The error for an input over `limit` bytes (a file, or a document an
/// editor holds open).
pub fn too_large(path: &Path, what: &str, limit: u64) -> ReadError {
    ReadError::new(
        what,
        path,
        format!("it is larger than citc reads ({} MiB at most)", limit >> 20),
        "split the catalog into files joined by `import`, or check that this is the file you meant",
    )
}

fn check_regular(path: &Path, what: &str, metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    if metadata.is_file() {
        return Ok(());
    }
    let kind = file_kind(metadata);
    Err(ReadError::new(
        what,
        path,
        format!("it is {kind}, not a regular file"),
        "give the path of a regular file; citc reads no FIFOs, devices or folders",
    ))
}

/// "a folder", "a FIFO", … for messages.
pub fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = metadata.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if metadata.is_dir() {
        "a folder"
    } else if metadata.is_file() {
        "a file"
    } else {
        "a special file"
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path, follow: bool) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: if a FIFO took the file's place since the check, opening
    // it returns at once instead of waiting for a writer. O_NOFOLLOW: a
    // link that took a committed file's place since the check is refused.
    let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | nofollow)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path, _follow: bool) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// An I/O error without Rust's "(os error N)" suffix.
pub fn plain_io_error(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
