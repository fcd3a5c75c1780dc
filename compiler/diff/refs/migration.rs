//! Revisions from before the migration to citc: a git revision whose tree
//! has no catalog, but holds a release in one of the two ways upstream kept
//! one before citc existed.
//!
//! 1. **Committed bundles** (upstream committed them at v0.3.0): a folder of
//!    the revision holds the all-bundle or per-kind bundles, named as
//!    [`crate::diff::read`] accepts them. They are copied out of git into a
//!    temporary folder and read as any folder of bundles.
//! 2. **A kustomize tree** (every upstream tag since): a `kustomization.yaml`
//!    whose build is the all-bundle. It is copied out of git and built as
//!    upstream's scripts/generate.sh builds the all-bundle, by
//!    [`crate::kustomize::build`] (which first refuses a kustomization that
//!    names a path outside the repository, or a remote one): `kustomize
//!    build DIR`, else `kubectl kustomize DIR`. generate.sh then puts `---`
//!    first and stamps every resource with `git describe --tags`; diff takes
//!    that label out of every resource anyway, so the description becomes
//!    the snapshot's version instead.
//!
//! Both are looked for in the catalog's folder of the revision first, then
//! at the repository's top; bundles in any other folder are found too
//! (shallowest first). Files come out of git with `git ls-tree` and one
//! `git cat-file --batch`: the work tree and the index are never touched,
//! and only regular files are written (no symbolic links, no submodules).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{git, short, Lookup, Miss};
use crate::diff::{read, Error};
use crate::kustomize::{self, KUSTOMIZATION_NAMES};

/// The most bytes copied out of a revision for one REF: as much as one
/// bundle file may hold.
const MAX_EXTRACTED_BYTES: u64 = crate::kustomize::MAX_BUNDLE_BYTES;
/// The most files copied out of a revision for one REF (upstream's tree has
/// about 400).
const MAX_EXTRACTED_FILES: usize = 100_000;

/// A release that a revision without a catalog holds.
pub enum Found {
    /// Committed bundles, copied into a temporary folder.
    Bundles(Extracted),
    /// The all-bundle built from the revision's kustomize tree.
    Built(Built),
}

/// Bundle files copied out of a revision; the folder lives as long as this
/// value.
pub struct Extracted {
    /// The folder to read (inside the temporary folder).
    pub path: PathBuf,
    /// The folder in the repository (`/`-separated, `.` for the top).
    pub folder: String,
    _dir: tempfile::TempDir,
}

/// The output of `kustomize build` over a revision's tree.
pub struct Built {
    /// The YAML stream kustomize wrote.
    pub text: String,
    /// The folder in the repository that was built (`.` for the top).
    pub folder: String,
    /// Which tool built it: `kustomize build` or `kubectl kustomize`.
    pub tool: &'static str,
}

/// One regular file of a revision's tree.
struct TreeFile {
    id: String,
    size: u64,
    /// `/`-separated, from the repository's top.
    path: String,
}

/// What `commit` (a revision without the catalog) holds in place of a
/// catalog. `catalog` is the catalog's path in the repository
/// (`/`-separated). `NotHere` when it holds neither bundles nor a
/// kustomize tree; `Broken` when it holds one that cannot be read or built.
pub fn find(
    top: &Path,
    reference: &str,
    commit: &str,
    catalog: &str,
    lookup: &Lookup,
) -> Result<Found, Miss> {
    let conventions = lookup.conventions;
    let catalog_folder = folder_of(catalog);
    let broken = |message: String| Miss::Broken(Error::new(message));
    let rev = short(commit);
    let files = list_tree(top, commit).ok_or_else(|| {
        Miss::Broken(
            Error::new(format!("cannot list the files of revision {rev}"))
                .with_help("check the repository with `git fsck`"),
        )
    })?;

    // 1. Committed bundles: folders holding `*-bundle*.yaml`, the catalog's
    //    folder first, then the top, then the others, shallowest first.
    let mut folders: Vec<&str> = files
        .iter()
        .filter(|f| looks_like_bundle(file_name(&f.path)))
        .map(|f| folder_of(&f.path))
        .collect();
    folders.sort_by_key(|folder| {
        (
            *folder != catalog_folder,
            !folder.is_empty(),
            folder.matches('/').count(),
            *folder,
        )
    });
    folders.dedup();
    for folder in folders {
        let wanted: Vec<&TreeFile> = files
            .iter()
            .filter(|f| folder_of(&f.path) == folder && looks_like_bundle(file_name(&f.path)))
            .collect();
        let temp = temp_dir().map_err(Miss::Broken)?;
        write_files(top, commit, &wanted, folder, temp.path()).map_err(Miss::Broken)?;
        // Read as any folder of bundles is: a folder whose names fit no
        // convention is not a release (the next one may be).
        if read::bundle_files_in(temp.path(), conventions).is_ok() {
            return Ok(Found::Bundles(Extracted {
                path: temp.path().to_path_buf(),
                folder: shown(folder),
                _dir: temp,
            }));
        }
    }

    // 2. A kustomize tree: a kustomization in the catalog's folder, else at
    //    the top.
    let mut candidates = vec![catalog_folder];
    if !catalog_folder.is_empty() {
        candidates.push("");
    }
    let Some(folder) = candidates.into_iter().find(|folder| {
        files.iter().any(|f| {
            folder_of(&f.path) == *folder && KUSTOMIZATION_NAMES.contains(&file_name(&f.path))
        })
    }) else {
        return Err(Miss::NotHere(format!(
            "the revision {rev} has no {catalog}, no release bundles (`*-bundle*.yaml`) \
             and no kustomization.yaml"
        )));
    };
    // The whole tree: a kustomization may name any folder of the
    // repository (`../components`). It is copied below empty folders
    // citc made (see kustomize::copy::confined_temp): a `../` above the
    // repository's top reaches nothing. Its files are named `REV:path`,
    // as git names them.
    let everything: Vec<&TreeFile> = files.iter().collect();
    let (_temp, temp, root) =
        kustomize::copy::confined_temp().map_err(|err| Miss::Broken(err.into()))?;
    write_files(top, commit, &everything, "", &root).map_err(Miss::Broken)?;
    let tree = root.join(folder);
    let shown_tree = format!("{reference}:");
    let built = kustomize::build(&temp, &root, &tree, &shown_tree, lookup.remote).map_err(
        |why| match why {
            kustomize::Failure::Refused(err) => Miss::Broken(err.into()),
            kustomize::Failure::NoTool => Miss::Broken(
                kustomize::no_tool(&format!(
                    "the revision {rev} has no {catalog} and no release bundles; it holds a \
                 kustomize tree ({}kustomization.yaml)",
                    if folder.is_empty() {
                        String::new()
                    } else {
                        format!("{folder}/")
                    }
                ))
                .into(),
            ),
            kustomize::Failure::Failed { tool, message } => broken(format!(
                "`{tool}` could not build the kustomize tree of revision {rev} ({}): {message}",
                shown(folder)
            )),
        },
    )?;
    Ok(Found::Built(Built {
        text: built.text,
        folder: shown(folder),
        tool: built.tool,
    }))
}

/// `common-instancetypes-all-bundle.yaml`, `acme-preferences-bundle-v1.yaml`:
/// a name diff::read may accept (it decides).
fn looks_like_bundle(name: &str) -> bool {
    name.contains("-bundle") && name.ends_with(".yaml")
}

fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

fn shown(folder: &str) -> String {
    if folder.is_empty() {
        ".".to_string()
    } else {
        folder.to_string()
    }
}

fn temp_dir() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix("citc-diff-")
        .tempdir()
        .map_err(|err| {
            Error::new(format!("cannot make a temporary folder: {err}"))
                .with_help("check that the temporary folder ($TMPDIR) is writable and has room")
        })
}

/// Every regular file of the revision (mode 100644 or 100755), with its
/// size; `None` when git cannot list them.
fn list_tree(top: &Path, commit: &str) -> Option<Vec<TreeFile>> {
    let out = git(top, &["ls-tree", "-r", "-l", "-z", "--full-tree", commit])?;
    let mut files = Vec::new();
    for entry in out.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut fields = meta.split_whitespace();
        let (Some(mode), Some("blob"), Some(id), Some(size)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if mode != "100644" && mode != "100755" {
            continue;
        }
        let Ok(size) = size.parse() else { continue };
        files.push(TreeFile {
            id: id.to_string(),
            size,
            path: path.to_string(),
        });
    }
    Some(files)
}

/// Writes `files` of the revision into `into`, each at its path relative
/// to `strip` (a folder of the repository, `""` for the top), with one
/// `git cat-file --batch`.
fn write_files(
    top: &Path,
    commit: &str,
    files: &[&TreeFile],
    strip: &str,
    into: &Path,
) -> Result<(), Error> {
    let rev = short(commit);
    let total: u64 = files.iter().map(|f| f.size).sum();
    if total > MAX_EXTRACTED_BYTES || files.len() > MAX_EXTRACTED_FILES {
        return Err(Error::new(format!(
            "the release files of revision {rev} are too large to read ({} files, {total} bytes; at most {MAX_EXTRACTED_FILES} files and {MAX_EXTRACTED_BYTES} bytes)",
            files.len()
        ))
        .with_help("give the release's bundles as a folder instead"));
    }
    let cannot_read = || {
        Error::new(format!("cannot read the files of revision {rev} from git"))
            .with_help("check the repository with `git fsck`")
    };
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| cannot_read())?;
    let ids: String = files.iter().map(|f| format!("{}\n", f.id)).collect();
    let mut stdin = child.stdin.take().ok_or_else(cannot_read)?;
    // Written from a thread: git answers while it reads, and a full pipe
    // on both sides would block both.
    let writer = std::thread::Builder::new()
        .spawn(move || {
            let _ = stdin.write_all(ids.as_bytes());
        })
        .map_err(|_| cannot_read())?;
    let stdout = child.stdout.take().ok_or_else(cannot_read)?;
    let mut reader = BufReader::new(stdout);
    let result = (|| {
        for file in files {
            let mut header = String::new();
            reader.read_line(&mut header).map_err(|_| cannot_read())?;
            let mut fields = header.split_whitespace();
            let (Some(id), Some("blob"), Some(size)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(cannot_read());
            };
            let size: u64 = size.parse().map_err(|_| cannot_read())?;
            if id != file.id || size != file.size {
                return Err(cannot_read());
            }
            let mut bytes = Vec::with_capacity(size as usize);
            (&mut reader)
                .take(size + 1) // the contents and a newline
                .read_to_end(&mut bytes)
                .map_err(|_| cannot_read())?;
            if bytes.pop() != Some(b'\n') || bytes.len() as u64 != size {
                return Err(cannot_read());
            }
            let relative = if strip.is_empty() {
                file.path.as_str()
            } else {
                file.path
                    .strip_prefix(strip)
                    .and_then(|p| p.strip_prefix('/'))
                    .unwrap_or(&file.path)
            };
            // git never lists `..` or absolute paths in a tree, but a
            // hand-made tree object could hold them: refuse to leave `into`.
            if relative
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == "..")
            {
                return Err(Error::new(format!(
                    "revision {rev} holds a file with an unsafe path: {:?}",
                    file.path
                ))
                .with_help("check the repository with `git fsck`"));
            }
            let target = into.join(relative);
            let write_error = |at: &Path, err: std::io::Error| {
                Error::new(format!(
                    "cannot write {} of revision {rev} into a temporary folder ({}): {}",
                    file.path,
                    at.display(),
                    crate::source::plain_io_error(&err)
                ))
                .with_help("check that the temporary folder ($TMPDIR) is writable and has room")
            };
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|err| write_error(parent, err))?;
            }
            std::fs::write(&target, &bytes).map_err(|err| write_error(&target, err))?;
        }
        Ok(())
    })();
    drop(reader);
    let _ = writer.join();
    let _ = child.kill();
    let _ = child.wait();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names_and_folders() {
        assert!(looks_like_bundle("common-instancetypes-all-bundle.yaml"));
        assert!(looks_like_bundle("common-preferences-bundle-v1.7.0.yaml"));
        assert!(!looks_like_bundle("kustomization.yaml"));
        assert_eq!(folder_of("a/b/c.yaml"), "a/b");
        assert_eq!(folder_of("c.yaml"), "");
        assert_eq!(file_name("a/b/c.yaml"), "c.yaml");
        assert_eq!(shown(""), ".");
    }
}
