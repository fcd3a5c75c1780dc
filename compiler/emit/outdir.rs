//! The output folder: citc replaces it only when citc made it, never loses
//! it to a crash, and never lets two builds interleave.
//!
//! - **Ownership.** Every build leaves a manifest, [`MANIFEST`], inside the
//!   folder, listing the files it wrote. An existing folder is replaced only
//!   when it is empty or holds exactly the files its manifest lists;
//!   anything else is refused ([`OutputError::Refused`]) unless `force` is
//!   set, and nothing, forced or not, replaces a folder that holds the
//!   catalog, one of its imports or the current directory.
//! - **Crash safety.** The new folder is filled beside the old one (a
//!   staging folder `.NAME.citc-staging-PID`), then swapped in with one
//!   `renameat2(RENAME_EXCHANGE)`, so a reader always sees the old folder
//!   or the new one, never none. Staging folders left by a killed build
//!   are recognised by their manifest and removed by the next build; SIGINT,
//!   SIGTERM and SIGHUP during the write remove their own.
//! - **Concurrency.** Builds into one parent folder take an exclusive
//!   lock on that folder (std's `File::lock`: `flock` on Unix; no lock
//!   file is left behind) and run one at a
//!   time; a build that must wait says for whom (the holder's pid) and
//!   gives up after `Options::lock_wait`.
//! - **Symlinks.** `-o LINK` where LINK names a folder writes into the
//!   folder it names; the link itself is kept.

use std::path::{Path, PathBuf};

/// The manifest a build leaves in its output folder.
pub const MANIFEST: &str = ".citc-build";

const MANIFEST_HEADER: &str =
    "# Written by citc (`citc build`, `citc doc html`). citc replaces this folder\n\
# only while it holds exactly the files listed here; delete this file to keep\n\
# citc away.\n";

/// What a replacement must respect.
pub struct Options<'a> {
    /// Replace a folder of other files (never a protected one).
    pub force: bool,
    /// Paths that must survive: the catalog, its imports, the current
    /// directory. The output folder may not be any of them nor hold one.
    pub protected: &'a [PathBuf],
    /// The names of the files the build writes, for the manifest.
    pub files: &'a [String],
    /// How many documents the build holds (0 for an empty catalog).
    pub documents: usize,
    /// How long to wait for another build's lock before giving up.
    pub lock_wait: std::time::Duration,
}

/// How long a build waits for another one by default (`--lock-wait`).
pub const DEFAULT_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug)]
pub enum OutputError {
    /// The folder (or what is in its place) is not citc's to replace.
    Refused { message: String, help: String },
    /// Reading or writing failed.
    Io {
        context: String,
        error: std::io::Error,
    },
    /// A signal arrived while writing; the staging folder was removed.
    Interrupted(i32),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused { message, .. } => write!(f, "{message}"),
            OutputError::Io { context, error } => {
                write!(f, "{context}: {}", crate::source::plain_io_error(error))
            }
            OutputError::Interrupted(signal) => write!(f, "interrupted by signal {signal}"),
        }
    }
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> OutputError {
    let context = context.into();
    move |error| OutputError::Io { context, error }
}

fn refused(message: String, help: impl Into<String>) -> OutputError {
    OutputError::Refused {
        message,
        help: help.into(),
    }
}

/// Fills a fresh folder with `fill` and puts it in place of `dir`, within
/// the rules of this module. On any error `dir` is as it was.
pub fn replace_dir(
    dir: &Path,
    options: &Options,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let target = target_of(dir)?;
    let parent = parent_of(&target);
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            refused(
                format!("{} does not name a folder citc can write", dir.display()),
                "give a folder name such as `_build`",
            )
        })?;
    std::fs::create_dir_all(&parent).map_err(io(format!("cannot create {}", parent.display())))?;
    check_not_protected(dir, &parent.join(&base), options.protected)?;
    let _lock = lock_folder(&parent, dir, options.lock_wait)?;
    let _signals = signals::Guard::install();
    remove_stale_staging(&parent, &base);
    check_replaceable(dir, &target, options)?;
    let staging = parent.join(format!(".{base}.citc-staging-{}", std::process::id()));
    let result = fill_staging(&staging, options, fill)
        .and_then(|()| signals::check())
        .and_then(|()| swap_in(&staging, &target));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    if let Err(OutputError::Interrupted(signal)) = result {
        signals::die_of(signal);
    }
    result
}

/// The folder to write: `dir` itself, or the folder a symlink names.
fn target_of(dir: &Path) -> Result<PathBuf, OutputError> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(dir.to_path_buf()),
        Err(e) => Err(io(format!("cannot read {}", dir.display()))(e)),
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::metadata(dir) {
            Ok(target) if target.is_dir() => dir
                .canonicalize()
                .map_err(io(format!("cannot follow {}", dir.display()))),
            Ok(target) => Err(refused(
                format!(
                    "{} is a symlink to {}, not to a folder",
                    dir.display(),
                    crate::source::file_kind(&target)
                ),
                "give -o a folder, or a symlink to one",
            )),
            Err(_) => Err(refused(
                format!("{} is a symlink to nothing", dir.display()),
                "create the folder it names, or give -o another path",
            )),
        },
        // `.`, `..`, `a/..`: name the folder by its real path.
        Ok(meta) if meta.is_dir() && dir.file_name().is_none() => dir
            .canonicalize()
            .map_err(io(format!("cannot read {}", dir.display()))),
        Ok(meta) if meta.is_dir() => Ok(dir.to_path_buf()),
        Ok(meta) => Err(refused(
            format!(
                "{} is {}, not a folder; citc will not replace it",
                dir.display(),
                crate::source::file_kind(&meta)
            ),
            "give -o the path of a folder (it is created if missing)",
        )),
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The output folder may not be, nor hold, a protected path.
fn check_not_protected(
    dir: &Path,
    target: &Path,
    protected: &[PathBuf],
) -> Result<(), OutputError> {
    let Some(target) = absolute(target) else {
        return Ok(());
    };
    for path in protected {
        let Some(path) = absolute(path) else { continue };
        if path.starts_with(&target) {
            let what = if path == target {
                "is".to_string()
            } else {
                format!("holds {}", path.display())
            };
            return Err(refused(
                format!("{} {what}, which citc must not replace", dir.display()),
                "build into a folder of its own, e.g. `-o _build`; --force does not override this",
            ));
        }
    }
    Ok(())
}

/// The canonical form of a path, or of its parent joined with its name when
/// it does not exist yet.
fn absolute(path: &Path) -> Option<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let parent = parent_of(path).canonicalize().ok()?;
    Some(parent.join(path.file_name()?))
}

/// An existing folder may be replaced when it is empty, holds exactly a
/// previous build, or `force` says so.
fn check_replaceable(dir: &Path, target: &Path, options: &Options) -> Result<(), OutputError> {
    let entries = match std::fs::read_dir(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(format!("cannot read {}", dir.display()))(e)),
        Ok(entries) => entries,
    };
    // (name, whether it is a regular file): a folder or a link that took
    // the name of a file citc wrote is the user's, not citc's.
    let mut names: Vec<(String, bool)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(format!("cannot read {}", dir.display())))?;
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        names.push((entry.file_name().to_string_lossy().into_owned(), regular));
    }
    names.sort();
    if names.is_empty() {
        return Ok(());
    }
    let manifest = read_manifest(target);
    let foreign: Vec<&String> = names
        .iter()
        .filter(|(n, regular)| {
            !regular
                || (n != MANIFEST
                    && !manifest
                        .as_ref()
                        .is_some_and(|m| m.files.iter().any(|f| f == n)))
        })
        .map(|(n, _)| n)
        .collect();
    let names: Vec<&String> = names.iter().map(|(n, _)| n).collect();
    if options.force {
        return Ok(());
    }
    if manifest.is_none() {
        return Err(refused(
            format!(
                "{} holds files that citc did not write ({}); citc will not replace it",
                dir.display(),
                listing(&names)
            ),
            "choose an empty or new folder with -o, or pass --force to replace this one",
        ));
    }
    if !foreign.is_empty() {
        return Err(refused(
            format!(
                "{} holds files that the previous build did not write ({}); citc will not replace it",
                dir.display(),
                listing(&foreign)
            ),
            "move those files elsewhere, or pass --force to replace the folder with them",
        ));
    }
    if options.documents == 0 && manifest.is_some_and(|m| m.documents > 0) {
        return Err(refused(
            format!(
                "{} holds a build with resources, and this catalog has none",
                dir.display()
            ),
            "pass --force to replace it with an empty build",
        ));
    }
    Ok(())
}

fn listing<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<&str> = names.iter().take(SHOWN).map(AsRef::as_ref).collect();
    let more;
    if names.len() > SHOWN {
        more = format!("and {} more", names.len() - SHOWN);
        text.push(&more);
    }
    text.join(", ")
}

struct Manifest {
    files: Vec<String>,
    documents: usize,
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let path = dir.join(MANIFEST);
    let text = crate::source::read_input(&path, "manifest", 1 << 20).ok()?;
    let mut files = Vec::new();
    let mut documents = 0;
    for line in text.lines() {
        if let Some(count) = line.strip_prefix("# documents: ") {
            documents = count.trim().parse().ok()?;
        } else if !line.starts_with('#') && !line.is_empty() {
            files.push(line.to_string());
        }
    }
    Some(Manifest { files, documents })
}

fn manifest_text(options: &Options) -> String {
    let mut text = String::from(MANIFEST_HEADER);
    text.push_str(&format!("# documents: {}\n", options.documents));
    for name in options.files {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// Staging and leftover folders of a build into `base`: `.BASE.citc-…`
/// (`staging` and `old` from this version; `new` is what earlier versions
/// of citc named their staging folder, so their leftovers go too).
fn is_staging_name(name: &str, base: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_prefix(base))
        .is_some_and(|rest| {
            rest.starts_with(".citc-staging-")
                || rest.starts_with(".citc-new-")
                || rest.starts_with(".citc-old-")
        })
}

/// Removes what killed builds left beside the output: folders named as
/// staging folders whose every file is listed in their manifest. With the
/// lock held, no live build is using them.
fn remove_stale_staging(parent: &Path, base: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_staging_name(&name, base) {
            continue;
        }
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(manifest) = read_manifest(&path) else {
            continue;
        };
        let only_ours = std::fs::read_dir(&path).is_ok_and(|files| {
            files.flatten().all(|f| {
                let n = f.file_name().to_string_lossy().into_owned();
                n == MANIFEST || manifest.files.contains(&n)
            })
        });
        if only_ours {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The manifest goes in first, so that a killed build's staging folder is
/// recognised as citc's.
fn fill_staging(
    staging: &Path,
    options: &Options,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let context = || format!("cannot write {}", staging.display());
    std::fs::create_dir(staging).map_err(io(context()))?;
    std::fs::write(staging.join(MANIFEST), manifest_text(options)).map_err(io(context()))?;
    fill(staging).map_err(io(context()))
}

/// Puts `staging` in place of `target`: a rename when there is nothing to
/// replace, else an atomic exchange, then the old build (now at the staging
/// path) is removed.
fn swap_in(staging: &Path, target: &Path) -> Result<(), OutputError> {
    let context = || format!("cannot replace {}", target.display());
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(staging, target).map_err(io(context()));
    }
    match exchange(staging, target) {
        Ok(()) => {}
        Err(err) if exchange_unsupported(&err) => {
            // No atomic exchange (an old kernel, another OS, some network
            // file systems): move the old folder aside, then the new one in.
            let aside = leftover_name(staging, "old");
            std::fs::rename(target, &aside).map_err(io(context()))?;
            if let Err(err) = std::fs::rename(staging, target) {
                let _ = std::fs::rename(&aside, target);
                return Err(io(context())(err));
            }
            let _ = std::fs::remove_dir_all(&aside);
            return Ok(());
        }
        Err(err) => return Err(io(context())(err)),
    }
    // The staging path now holds the previous build. If this removal is
    // cut short, the next build finds it by its manifest and finishes it.
    let _ = std::fs::remove_dir_all(staging);
    Ok(())
}

/// `.BASE.citc-staging-PID` → `.BASE.citc-KIND-PID`, a name the next build
/// recognises as a leftover of this one.
fn leftover_name(staging: &Path, kind: &str) -> PathBuf {
    let name = staging
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .replacen(".citc-staging-", &format!(".citc-{kind}-"), 1)
        })
        .unwrap_or_default();
    staging.with_file_name(name)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // The system call itself, not glibc's renameat2() wrapper, which only
    // glibc 2.28 has: the release binaries run on glibc 2.17 (RHEL 7), and
    // a kernel without the call (before 3.15) says ENOSYS, handled below.
    // SAFETY: both are valid NUL-terminated paths; the call reads them only.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

fn exchange_unsupported(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::Unsupported
        || matches!(err.raw_os_error(), Some(code) if code == libc::EINVAL || code == libc::ENOSYS)
}

/// An exclusive lock on the folder that holds the output, released when
/// dropped. Builds into one parent folder run one at a time.
struct FolderLock(#[allow(dead_code)] std::fs::File);

/// Takes the lock, waiting at most `wait` for the build that holds it: the
/// wait names that build (its pid, from the kernel's list of locks) and
/// how long citc waits, and a build that never ends is not waited on
/// forever.
fn lock_folder(
    parent: &Path,
    dir: &Path,
    wait: std::time::Duration,
) -> Result<FolderLock, OutputError> {
    let folder =
        std::fs::File::open(parent).map_err(io(format!("cannot open {}", parent.display())))?;
    if try_lock(&folder)? {
        return Ok(FolderLock(folder));
    }
    let holder = match lock_holder(&folder) {
        Some(pid) => format!("another citc build (pid {pid})"),
        None => "another citc build".to_string(),
    };
    eprintln!(
        "waiting for {holder} into {} to finish (at most {} s; --lock-wait SECONDS to wait longer)…",
        dir.display(),
        wait.as_secs()
    );
    let deadline = std::time::Instant::now() + wait;
    loop {
        // Polled: a blocking flock cannot be given a deadline.
        std::thread::sleep(std::time::Duration::from_millis(50));
        if try_lock(&folder)? {
            return Ok(FolderLock(folder));
        }
        if std::time::Instant::now() >= deadline {
            return Err(refused(
                format!(
                    "{holder} into {} still holds the lock after {} s; nothing was written",
                    dir.display(),
                    wait.as_secs()
                ),
                "wait for it to finish (or stop it), or pass --lock-wait with more seconds",
            ));
        }
    }
}

/// The pid of the process holding a `flock` on `folder`, from
/// /proc/locks (Linux); `None` where that is not known.
fn lock_holder(folder: &std::fs::File) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::io::Read;
        use std::os::unix::fs::MetadataExt;
        let metadata = folder.metadata().ok()?;
        let dev = metadata.dev();
        // /proc/locks names a file as MAJOR:MINOR:INODE, the device in hex.
        let id = format!(
            "{:02x}:{:02x}:{}",
            libc::major(dev),
            libc::minor(dev),
            metadata.ino()
        );
        let mut text = String::new();
        std::fs::File::open("/proc/locks")
            .ok()?
            .take(4 << 20)
            .read_to_string(&mut text)
            .ok()?;
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiter's
        // line has "->" after the number.
        text.lines().find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [_, "FLOCK", _, _, pid, file, ..] if *file == id => pid.parse().ok(),
                _ => None,
            }
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = folder;
        None
    }
}

/// Takes the lock if it is free (std's `File::try_lock`: `flock` on Unix,
/// `LockFileEx` on Windows); `false` when another process holds it.
fn try_lock(folder: &std::fs::File) -> Result<bool, OutputError> {
    loop {
        let err = match folder.try_lock() {
            Ok(()) => return Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => return Ok(false),
            Err(std::fs::TryLockError::Error(err)) => err,
        };
        if err.kind() == std::io::ErrorKind::Interrupted {
            if let Some(signal) = signals::pending() {
                return Err(OutputError::Interrupted(signal));
            }
            continue;
        }
        if lockless(&err) {
            // A file system (or a platform) without locks: go on unlocked,
            // as git does.
            return Ok(true);
        }
        return Err(io("cannot lock the output's folder")(err));
    }
}

/// Whether `err` says that locks are not to be had here at all.
fn lockless(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    if matches!(err.raw_os_error(), Some(code) if code == libc::ENOLCK || code == libc::EOPNOTSUPP)
    {
        return true;
    }
    err.kind() == std::io::ErrorKind::Unsupported
}

/// SIGINT, SIGTERM and SIGHUP while the output is written: the handler only
/// records the signal; the writer notices, removes its staging folder and
/// then dies of the same signal, so the exit status still says so.
mod signals {
    use std::sync::atomic::{AtomicI32, Ordering};

    use super::OutputError;

    static PENDING: AtomicI32 = AtomicI32::new(0);

    #[cfg(unix)]
    const SIGNALS: [i32; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// Restores each signal's previous action when dropped.
    pub struct Guard {
        #[cfg(unix)]
        previous: Vec<(i32, libc::sigaction)>,
    }

    #[cfg(unix)]
    extern "C" fn record(signal: i32) {
        PENDING.store(signal, Ordering::SeqCst);
    }

    impl Guard {
        pub fn install() -> Guard {
            #[cfg(unix)]
            {
                let mut previous = Vec::new();
                for signal in SIGNALS {
                    // SAFETY: the handler only stores into an atomic, which is
                    // async-signal-safe. No SA_RESTART, so a wait for the lock
                    // is interrupted. A signal the parent ignores (`nohup`)
                    // stays ignored.
                    unsafe {
                        let mut old: libc::sigaction = std::mem::zeroed();
                        libc::sigaction(signal, std::ptr::null(), &mut old);
                        if old.sa_sigaction == libc::SIG_IGN {
                            continue;
                        }
                        let mut action: libc::sigaction = std::mem::zeroed();
                        action.sa_sigaction = record as extern "C" fn(i32) as usize;
                        libc::sigemptyset(&mut action.sa_mask);
                        libc::sigaction(signal, &action, std::ptr::null_mut());
                        previous.push((signal, old));
                    }
                }
                Guard { previous }
            }
            #[cfg(not(unix))]
            Guard {}
        }
    }

    /// Dropped once the output is in place (or left as it was): a signal that
    /// arrived after the swap no longer changes anything, so the build ends
    /// normally and its status says what happened to the output.
    impl Drop for Guard {
        fn drop(&mut self) {
            #[cfg(unix)]
            for (signal, old) in &self.previous {
                // SAFETY: restoring the action saved by `install`.
                unsafe {
                    libc::sigaction(*signal, old, std::ptr::null_mut());
                }
            }
        }
    }

    pub fn pending() -> Option<i32> {
        match PENDING.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(signal),
        }
    }

    pub fn check() -> Result<(), OutputError> {
        pending().map_or(Ok(()), |s| Err(OutputError::Interrupted(s)))
    }

    /// Ends the process by `signal`, with its default action.
    pub fn die_of(signal: i32) -> ! {
        #[cfg(unix)]
        // SAFETY: restore the default action and raise the signal again.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        std::process::exit(128 + signal)
    }
}
