//! The copy: a folder on disk copied into a temporary folder before it is
//! built, so that what kustomize reads is what citc checked. Only folders
//! and regular files are copied: a symbolic link is not followed (it could
//! name anything on the machine) and a FIFO or device is never opened.
//! `.git` folders are left out. The copy is bounded like a revision's
//! files (at most [`MAX_FILES`] files and [`MAX_BYTES`] bytes).
//!
//! The copy's top is [`NEST`] empty folders deep in its temporary folder
//! ([`confined_temp`]): should a `../` get past [`super::confine`], it
//! lands in a folder citc made, which holds nothing but the way down to
//! the copy, never in the shared temporary folder beside it.

use std::path::{Path, PathBuf};

use super::Error;

/// The most bytes copied: as much as one bundle file may hold.
pub const MAX_BYTES: u64 = super::MAX_BUNDLE_BYTES;
/// The most files copied (upstream's repository has about 400).
pub const MAX_FILES: usize = 100_000;
/// The deepest folder copied, below the top.
const MAX_DEPTH: usize = 64;

/// How many empty folders the copy's top is below its temporary folder.
pub const NEST: usize = 32;

/// A copy of a folder; it lives as long as this value.
pub struct Copy {
    /// The copy's top (canonical), [`NEST`] folders down in `temp`.
    pub root: PathBuf,
    /// The temporary folder (canonical): never to be shown in a message.
    pub temp: PathBuf,
    /// Symbolic links left out, relative to the top (`/`-separated).
    pub links: Vec<String>,
    _dir: tempfile::TempDir,
}

/// A temporary folder named for citc.
pub fn temp_dir() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix("citc-kustomize-")
        .tempdir()
        .map_err(|err| {
            Error::new(
                format!(
                    "cannot make a temporary folder: {}",
                    crate::source::plain_io_error(&err)
                ),
                "check that the temporary folder ($TMPDIR) is writable and has room",
            )
        })
}

/// A new temporary folder, its canonical path, and the top to copy a tree
/// into: [`NEST`] empty folders down, so that every `..` above the top
/// lands in a folder citc made.
pub fn confined_temp() -> Result<(tempfile::TempDir, PathBuf, PathBuf), Error> {
    let dir = temp_dir()?;
    let unusable = |err: std::io::Error| {
        Error::new(
            format!(
                "cannot use a temporary folder: {}",
                crate::source::plain_io_error(&err)
            ),
            "check that the temporary folder ($TMPDIR) is writable",
        )
    };
    let temp = dir.path().canonicalize().map_err(unusable)?;
    let root = temp.join(["_"; NEST].join("/")).join("tree");
    std::fs::create_dir_all(&root).map_err(unusable)?;
    Ok((dir, temp, root))
}

/// Copies `folder` (its folders and regular files, but `.git`) into a new
/// temporary folder.
pub fn copy_folder(folder: &Path) -> Result<Copy, Error> {
    let (dir, temp, root) = confined_temp()?;
    let mut links = Vec::new();
    let (mut files, mut bytes) = (0usize, 0u64);
    // (folder on disk, its path below the top, `/`-separated)
    let mut pending: Vec<(PathBuf, String)> = vec![(folder.to_path_buf(), String::new())];
    while let Some((from, relative)) = pending.pop() {
        let unreadable = |at: &Path, err: std::io::Error| {
            Error::new(
                format!(
                    "cannot read {}: {}",
                    at.display(),
                    crate::source::plain_io_error(&err)
                ),
                "check the folder's permissions",
            )
        };
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&from).map_err(|err| unreadable(&from, err))? {
            entries.push(entry.map_err(|err| unreadable(&from, err))?);
        }
        entries.sort_by_key(|e| e.file_name());
        let into = root.join(&relative);
        std::fs::create_dir_all(&into).map_err(|err| cannot_write(&into, err))?;
        for entry in entries {
            let name = entry.file_name();
            let shown = format!(
                "{relative}{}{}",
                if relative.is_empty() { "" } else { "/" },
                name.to_string_lossy()
            );
            // Not followed: the entry itself, never what it points at.
            let kind = entry
                .file_type()
                .map_err(|err| unreadable(&entry.path(), err))?;
            if kind.is_symlink() {
                links.push(shown);
            } else if kind.is_dir() {
                if name == ".git" {
                    continue;
                }
                if shown.matches('/').count() >= MAX_DEPTH {
                    return Err(Error::new(
                        format!(
                            "{} nests folders more than {MAX_DEPTH} deep",
                            folder.display()
                        ),
                        "give the folder that holds the kustomization.yaml of the release",
                    ));
                }
                pending.push((entry.path(), shown));
            } else if kind.is_file() {
                files += 1;
                if files > MAX_FILES {
                    return Err(too_large(folder, files));
                }
                let path = entry.path();
                let left = MAX_BYTES - bytes;
                let content = crate::source::read_input_bytes(&path, "the file", left)
                    .map_err(|err| too_large_or(folder, err, files))?;
                bytes += content.len() as u64;
                let target = into.join(&name);
                std::fs::write(&target, content).map_err(|err| cannot_write(&target, err))?;
            }
            // FIFOs, sockets and devices are left out: kustomize reads none.
        }
    }
    Ok(Copy {
        root,
        temp,
        links,
        _dir: dir,
    })
}

fn too_large(folder: &Path, files: usize) -> Error {
    Error::new(
        format!(
            "{} is too large to build (more than {MAX_FILES} files or {} MiB)",
            folder.display(),
            MAX_BYTES >> 20,
        ),
        format!(
            "give the folder that holds the kustomization.yaml of the release ({files} files read so far)"
        ),
    )
}

fn too_large_or(folder: &Path, err: crate::source::ReadError, files: usize) -> Error {
    if err.reason.starts_with("it is larger than") {
        too_large(folder, files)
    } else {
        Error::new(err.message, err.help)
    }
}

fn cannot_write(at: &Path, err: std::io::Error) -> Error {
    Error::new(
        format!(
            "cannot copy into a temporary folder ({}): {}",
            at.display(),
            crate::source::plain_io_error(&err)
        ),
        "check that the temporary folder ($TMPDIR) is writable and has room",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_and_regular_files_are_copied() {
        let from = tempfile::tempdir().expect("temp dir");
        let top = from.path();
        std::fs::create_dir_all(top.join("a/b")).expect("mkdir");
        std::fs::create_dir_all(top.join(".git/objects")).expect("mkdir");
        std::fs::write(top.join("kustomization.yaml"), "resources: [a]\n").expect("write");
        std::fs::write(top.join("a/b/x.yaml"), "x: 1\n").expect("write");
        std::fs::write(top.join(".git/config"), "secret\n").expect("write");
        let outside = tempfile::tempdir().expect("temp dir");
        std::fs::write(outside.path().join("secret.yaml"), "s: 1\n").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), top.join("a/out")).expect("symlink");

        let copy = copy_folder(top).expect("copy");
        assert_eq!(
            std::fs::read_to_string(copy.root.join("a/b/x.yaml")).expect("read"),
            "x: 1\n"
        );
        assert!(copy.root.join("kustomization.yaml").is_file());
        assert!(!copy.root.join(".git").exists());
        #[cfg(unix)]
        {
            assert!(std::fs::symlink_metadata(copy.root.join("a/out")).is_err());
            assert_eq!(copy.links, vec!["a/out".to_string()]);
        }
        // Above the top: only the empty folders citc made.
        let mut above = copy.root.clone();
        for _ in 0..NEST {
            above.pop();
            let entries: Vec<_> = std::fs::read_dir(&above).expect("read").collect();
            assert_eq!(entries.len(), 1, "{}", above.display());
        }
        assert!(above.pop() && above == copy.temp);
        let temp = copy.temp.clone();
        drop(copy);
        assert!(!temp.exists(), "the copy goes with its value");
    }
}
