//! Refs: what a REF on the command line names. Tried in this order:
//!
//! 1. an existing file or folder of bundles, or a folder holding a
//!    kustomize tree (a `kustomization.yaml` at its top), built as
//!    upstream's generate.sh builds it (see [`crate::kustomize`]);
//! 2. a git revision of the repository that holds the catalog (or, without
//!    a catalog, of the repository of the current folder): the catalog
//!    and the files it imports, as of that revision, are written into a
//!    temporary folder to be compiled there (the work tree is not touched).
//!    A revision from before citc, without the catalog, is read from the
//!    release bundles it holds, else built from its kustomize tree as
//!    upstream's generate.sh builds it (see [`migration`]);
//! 3. a release name: a folder `REF` in the releases folder (`--releases`,
//!    else `releases/` beside the catalog);
//! 4. a download, when the catalog declares where releases are published,
//!    with a top-level constant whose `${version}` becomes REF:
//!
//!    ```text
//!    let release_url = "https://github.com/kubevirt/common-instancetypes/releases/download/\${version}/common-instancetypes-all-bundle-\${version}.yaml"
//!    ```
//!
//!    (`\$` keeps the compiler from reading `${version}` as a variable).
//!    Downloads are checked and cached on disk (see [`download`]); a
//!    cached copy that reads as a release is used without asking the
//!    network again.
//!
//! A REF that resolves nowhere is an error that lists what each step found.
//! A REF that is a git revision whose catalog cannot be checked out (an
//! import that leaves the repository or that the revision lacks) is an
//! error of its own. This module finds and fetches; it does not compile or
//! read YAML beyond checking that a download is a bundle.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod download;
mod migration;

use super::{Conventions, Error};
use crate::kustomize;
use crate::source::FileId;
use crate::syntax::ast::Item;
use crate::syntax::parse_file;
use download::download;
pub use download::{
    default_cache_dir, release_url_template, RELEASE_URL_CONSTANT, VERSION_PLACEHOLDER,
};

/// Where to look.
pub struct Lookup<'a> {
    /// The catalog file (it may not exist): its repository, the `releases/`
    /// folder beside it, and its release URL.
    pub catalog: &'a Path,
    /// `--releases`.
    pub releases: Option<&'a Path>,
    /// Where downloads are cached; `None` to download every time.
    pub cache: Option<PathBuf>,
    /// `--allow-http`: a release URL may be plain http.
    pub allow_http: bool,
    /// `--allow-remote-resources`: a kustomization may name https://
    /// resources, for kustomize to fetch.
    pub remote: kustomize::Remote,
    /// How bundles are named: which files of a revision are a release.
    pub conventions: &'a Conventions,
}

/// What a REF names, ready to be read or compiled.
pub enum Source {
    /// A bundle file or a folder of bundles.
    Bundles(PathBuf),
    /// A folder holding a kustomize tree, built (the all-bundle only).
    Tree(kustomize::Generated),
    /// The catalog as of a git revision.
    Revision(Revision),
    /// A git revision without the catalog: the release bundles committed
    /// in it, or its kustomize tree built.
    Release(RevisionRelease),
    /// A downloaded bundle that could not be cached.
    Downloaded { url: String, text: String },
}

/// The catalog as of a revision, written out into a temporary folder that
/// lives as long as this value. Every file it imports is inside that folder.
pub struct Revision {
    /// The full commit id.
    pub commit: String,
    /// The tag's name when REF is a tag, else `git describe --tags --always`
    /// of the commit: the version to build with.
    pub version: String,
    /// The temporary folder: the repository's top, as of the revision.
    pub root: PathBuf,
    /// The catalog's path relative to the repository's top (`/`-separated):
    /// the name to show in diagnostics, never the temporary path.
    pub relative: String,
    _dir: tempfile::TempDir,
}

/// A release held by a git revision that has no catalog.
pub struct RevisionRelease {
    /// The tag's name when REF is a tag, else `git describe --tags --always`
    /// of the commit: the version that upstream's generate.sh stamps on
    /// what it builds.
    pub version: String,
    pub held: Held,
}

pub use migration::{Built, Extracted, Found as Held};

/// A resolved REF and how it was found (`None` when the REF is a path: it
/// says it all).
pub struct Resolved {
    pub source: Source,
    pub how: Option<String>,
    /// Warnings and notes to show the user, each starting with `warning: `
    /// or `note: `.
    pub messages: Vec<String>,
}

/// Why a step found nothing.
pub(super) enum Miss {
    /// REF is not this kind of thing: try the next step.
    NotHere(String),
    /// REF is this kind of thing, and it is broken: stop here.
    Broken(Error),
}

/// Resolves `reference` (see the module documentation for the order).
pub fn resolve(reference: &str, lookup: &Lookup) -> Result<Resolved, Error> {
    let mut tried = Vec::new();

    let path = Path::new(reference);
    if kustomize::is_tree(path) {
        let generated = kustomize::generate(path, kustomize::Bundles::All, lookup.remote)?;
        let mut messages = Vec::new();
        if !generated.links.is_empty() {
            messages.push(format!(
                "note: {reference}: symbolic links are not followed: {}",
                generated.links.join(", ")
            ));
        }
        let how = format!(
            "a kustomize tree, built with `{}`{}",
            generated.tool,
            generated
                .version
                .as_ref()
                .map(|v| format!(", as version {v} (git describe)"))
                .unwrap_or_default()
        );
        return Ok(Resolved {
            source: Source::Tree(generated),
            how: Some(how),
            messages,
        });
    }
    if path.exists() {
        return Ok(Resolved {
            source: Source::Bundles(path.to_path_buf()),
            how: None,
            messages: Vec::new(),
        });
    }
    tried.push(format!("a file or folder: there is no {}", path.display()));

    match git_revision(reference, lookup) {
        Ok(resolved) => return Ok(resolved),
        Err(Miss::NotHere(why)) => tried.push(format!("a git revision: {why}")),
        Err(Miss::Broken(err)) => return Err(err),
    }

    match release_folder(reference, lookup) {
        Ok(dir) => {
            return Ok(Resolved {
                how: Some(format!("release {reference} in {}", dir.display())),
                source: Source::Bundles(dir),
                messages: Vec::new(),
            })
        }
        Err(why) => tried.push(format!("a release: {why}")),
    }

    match download(reference, lookup) {
        Ok(resolved) => return Ok(resolved),
        Err(Miss::NotHere(why)) => tried.push(format!("a download: {why}")),
        Err(Miss::Broken(err)) => return Err(err),
    }

    Err(Error::new(format!(
        "cannot find `{reference}`; tried, in order:\n{}",
        tried
            .iter()
            .map(|t| format!("  - {t}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
    .with_help(
        "give a bundle file or folder, a folder holding a kustomize tree, \
         a git revision of the catalog's repository \
         (with the catalog, committed release bundles or a kustomize tree), \
         a release folder name (--releases DIR), or declare `let release_url` in the catalog",
    ))
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

fn catalog_dir(catalog: &Path) -> &Path {
    catalog
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

// ------------------------------------------------------------------ git

/// Runs git in `dir`; its standard output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| out.stdout)
}

fn git_line(dir: &Path, args: &[&str]) -> Option<String> {
    git(dir, args)
        .and_then(|out| String::from_utf8(out).ok())
        .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
}

fn git_revision(reference: &str, lookup: &Lookup) -> Result<Resolved, Miss> {
    // Without a catalog (a clone of a repository from before citc), the
    // repository of the catalog's folder all the same: the current folder
    // by default.
    let catalog = lookup.catalog;
    let not_here = |why: String| Miss::NotHere(why);
    if reference.starts_with('-') || reference.is_empty() {
        return Err(not_here("not a revision name".to_string()));
    }
    let dir = catalog_dir(catalog);
    let Some(top) = git_line(dir, &["rev-parse", "--show-toplevel"]) else {
        return Err(not_here(format!(
            "{} is not in a git repository",
            if catalog.is_file() {
                catalog.display()
            } else {
                dir.display()
            }
        )));
    };
    let Some(commit) = git_line(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    ) else {
        return Err(not_here(format!(
            "no revision `{reference}` in the repository {top}"
        )));
    };
    let prefix = git_line(dir, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let file_name = catalog
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let relative = format!("{prefix}{file_name}");
    let version = tag_name(dir, reference).unwrap_or_else(|| {
        git_line(dir, &["describe", "--tags", "--always", &commit])
            .unwrap_or_else(|| short(&commit).to_string())
    });
    if tree_entry(Path::new(&top), &commit, &relative).is_none() {
        // Before citc: a release committed as bundles or as a kustomize tree.
        let held = migration::find(Path::new(&top), reference, &commit, &relative, lookup)?;
        let folder = |folder: &str| {
            if folder == "." {
                String::new()
            } else {
                format!(" in {folder}/")
            }
        };
        let how = match &held {
            Held::Bundles(extracted) => format!(
                "the release bundles committed{} in git revision {reference} ({}; it has no {relative})",
                folder(&extracted.folder),
                short(&commit)
            ),
            Held::Built(built) => format!(
                "the kustomize tree{} of git revision {reference} ({}; it has no {relative}), \
                 built with `{}`, as version {version}",
                folder(&built.folder),
                short(&commit),
                built.tool
            ),
        };
        return Ok(Resolved {
            source: Source::Release(RevisionRelease { version, held }),
            how: Some(how),
            messages: Vec::new(),
        });
    }
    let broken = |message: String| Miss::Broken(Error::new(message));
    let temp = tempfile::Builder::new()
        .prefix("citc-diff-")
        .tempdir()
        .map_err(|err| broken(format!("cannot make a temporary folder: {err}")))?;
    // Canonical, so that the compiler, which canonicalizes imported paths,
    // finds the catalog itself under the same path.
    let root = temp
        .path()
        .canonicalize()
        .map_err(|err| broken(format!("cannot use a temporary folder: {err}")))?;
    check_out_catalog(Path::new(&top), &commit, &relative, &root).map_err(Miss::Broken)?;
    let how = Some(format!(
        "{} as of git revision {reference} ({})",
        catalog.display(),
        short(&commit)
    ));
    Ok(Resolved {
        source: Source::Revision(Revision {
            root,
            relative,
            commit,
            version,
            _dir: temp,
        }),
        how,
        messages: Vec::new(),
    })
}

/// `reference` itself when it names a tag (the release's own name, even
/// when another tag points at the same commit) and is a valid label value.
fn tag_name(dir: &Path, reference: &str) -> Option<String> {
    git_line(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/tags/{reference}"),
        ],
    )?;
    crate::release::validate_version(reference).ok()?;
    Some(reference.to_string())
}

/// The mode and object id of `path` in the tree of `commit`; `None` when
/// the revision has no such path.
fn tree_entry(top: &Path, commit: &str, path: &str) -> Option<(String, String)> {
    let out = git(top, &["ls-tree", "-z", commit, "--", path])?;
    let line = out.split(|b| *b == 0).next()?;
    let line = String::from_utf8_lossy(line);
    let (meta, name) = line.split_once('\t')?;
    if name != path {
        return None;
    }
    let mut fields = meta.split(' ');
    let mode = fields.next()?.to_string();
    let _kind = fields.next()?;
    let id = fields.next()?.to_string();
    Some((mode, id))
}

/// Writes the catalog at `relative` and, transitively, the files it imports,
/// as of `commit`, into `into` (same relative paths). Every import must name
/// a regular file of that revision, inside the repository: an absolute
/// path, a path that climbs above the repository's top, or a file the
/// revision lacks is an error that names the files relative to the
/// repository. So the compiler, run in `into`, reads nothing else.
fn check_out_catalog(top: &Path, commit: &str, relative: &str, into: &Path) -> Result<(), Error> {
    let rev = short(commit);
    // (path in the repository, who imports it and how)
    let mut queue: Vec<(String, Option<(String, String)>)> = vec![(relative.to_string(), None)];
    let mut seen = HashSet::new();
    while let Some((path, importer)) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let imported_by = importer
            .as_ref()
            .map(|(file, written)| format!(" (imported by {file} as `{written}`)"))
            .unwrap_or_default();
        let bytes = match tree_entry(top, commit, &path) {
            Some((mode, id)) if mode == "100644" || mode == "100755" => {
                git(top, &["cat-file", "blob", &id]).ok_or_else(|| {
                    Error::new(format!("cannot read {path} of revision {rev} from git"))
                        .with_help("check the repository with `git fsck`")
                })?
            }
            Some((mode, _)) => {
                let what = match mode.as_str() {
                    "120000" => "a symbolic link",
                    "040000" => "a folder",
                    "160000" => "a submodule",
                    _ => "not a regular file",
                };
                return Err(Error::new(format!(
                    "{path} is {what} in revision {rev}{imported_by}"
                ))
                .with_help("as of a git revision, the catalog and its imports must be regular files committed in the repository"));
            }
            None => {
                return Err(
                    Error::new(format!("the revision {rev} has no {path}{imported_by}")).with_help(
                        "commit the imported file, or compare with a revision that has it",
                    ),
                )
            }
        };
        let target = into.join(&path);
        let write_error = |at: &Path, err: std::io::Error| {
            Error::new(format!(
                "cannot write {path} of revision {rev} into a temporary folder ({}): {}",
                at.display(),
                crate::source::plain_io_error(&err)
            ))
            .with_help("check that the temporary folder ($TMPDIR) is writable and has room")
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|err| write_error(parent, err))?;
        }
        std::fs::write(&target, &bytes).map_err(|err| write_error(&target, err))?;
        let Ok(file) = parse_file(FileId(0), &String::from_utf8_lossy(&bytes)) else {
            continue; // the compiler reports the syntax error
        };
        let base = path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        for item in &file.items {
            let Item::Import(import) = item else { continue };
            if import.path == "std" || import.path.starts_with("std/") {
                continue;
            }
            if !import.path.ends_with(".cit") {
                continue; // the compiler refuses it without reading it
            }
            let refused = |why: &str| {
                Error::new(format!(
                    "{path} (revision {rev}) imports `{}`, {why}",
                    import.path
                ))
                .with_help(
                    "as of a git revision, imports are read from that revision only: \
                     import files inside the repository, by a path relative to the importing file",
                )
            };
            if import.path.starts_with('/') || import.path.starts_with('\\') {
                return Err(refused("an absolute path"));
            }
            let Some(imported) = join_relative(base, &import.path) else {
                return Err(refused("which leaves the repository"));
            };
            // `a/../b.cit` is resolved on disk: `a` must exist there too.
            if let Some((dirs, _)) = import.path.rsplit_once('/') {
                let _ = std::fs::create_dir_all(into.join(base).join(dirs));
            }
            queue.push((imported, Some((path.clone(), import.path.clone()))));
        }
    }
    Ok(())
}

/// `dir` + `relative`, with `.` and `..` resolved; `None` when the path is
/// absolute or leaves the repository at any step.
fn join_relative(dir: &str, relative: &str) -> Option<String> {
    if relative.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

// ------------------------------------------------------------------ releases

fn release_folder(reference: &str, lookup: &Lookup) -> Result<PathBuf, String> {
    let releases = match lookup.releases {
        Some(dir) => dir.to_path_buf(),
        None => catalog_dir(lookup.catalog).join("releases"),
    };
    if !releases.is_dir() {
        return Err(format!(
            "there is no releases folder {} (--releases DIR names one)",
            releases.display()
        ));
    }
    let candidate = releases.join(reference);
    let plain_name = !reference.is_empty()
        && !reference.contains(['/', '\\'])
        && reference != "."
        && reference != "..";
    if plain_name && candidate.is_dir() {
        return Ok(candidate);
    }
    let mut known: Vec<String> = std::fs::read_dir(&releases)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    Err(format!(
        "no folder {reference} in {} (it has: {})",
        releases.display(),
        if known.is_empty() {
            "nothing".to_string()
        } else {
            known.join(", ")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_imports_stay_in_the_repository() {
        assert_eq!(join_relative("", "a.cit").as_deref(), Some("a.cit"));
        assert_eq!(
            join_relative("x/y", "../z/a.cit").as_deref(),
            Some("x/z/a.cit")
        );
        assert_eq!(join_relative("x", "./a.cit").as_deref(), Some("x/a.cit"));
        assert_eq!(join_relative("", "../a.cit"), None);
        assert_eq!(join_relative("x", "/etc/a.cit"), None);
    }
}
