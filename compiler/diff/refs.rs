//! Refs: what a REF on the command line names. Tried in this order:
//!
//! 1. an existing file or folder of bundles;
//! 2. a git revision of the repository that holds the catalog: the catalog
//!    and the files it imports, as of that revision, are written into a
//!    temporary folder to be compiled there (the work tree is not touched);
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
//!    Downloads are cached on disk ([`default_cache_dir`]); a cached copy is
//!    used without asking the network again.
//!
//! A REF that resolves nowhere is an error that lists what each step found.
//! This module finds and fetches; it does not compile or read YAML beyond
//! checking that a download is a bundle.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::read::parse_bundle;
use super::Error;
use crate::source::FileId;
use crate::syntax::ast::{Expr, Item, TextPart};
use crate::syntax::parse_file;

/// The name of the top-level constant that holds the release URL template.
pub const RELEASE_URL_CONSTANT: &str = "release_url";
/// The placeholder in the template that is replaced by the REF.
pub const VERSION_PLACEHOLDER: &str = "${version}";

/// Where to look.
pub struct Lookup<'a> {
    /// The catalog file (it may not exist): its repository, the `releases/`
    /// folder beside it, and its release URL.
    pub catalog: &'a Path,
    /// `--releases`.
    pub releases: Option<&'a Path>,
    /// Where downloads are cached; `None` to download every time.
    pub cache: Option<PathBuf>,
}

/// What a REF names, ready to be read or compiled.
pub enum Source {
    /// A bundle file or a folder of bundles.
    Bundles(PathBuf),
    /// The catalog as of a git revision.
    Revision(Revision),
    /// A downloaded bundle that could not be cached.
    Downloaded { url: String, text: String },
}

/// The catalog as of a revision, written out into a temporary folder that
/// lives as long as this value.
pub struct Revision {
    /// The full commit id.
    pub commit: String,
    /// `git describe --tags --always` of the commit: the version to build with.
    pub version: String,
    /// The catalog file inside the temporary folder.
    pub catalog: PathBuf,
    _dir: tempfile::TempDir,
}

/// A resolved REF and how it was found (`None` when the REF is a path: it
/// says it all).
pub struct Resolved {
    pub source: Source,
    pub how: Option<String>,
}

/// Resolves `reference` (see the module documentation for the order).
pub fn resolve(reference: &str, lookup: &Lookup) -> Result<Resolved, Error> {
    let mut tried = Vec::new();

    let path = Path::new(reference);
    if path.exists() {
        return Ok(Resolved {
            source: Source::Bundles(path.to_path_buf()),
            how: None,
        });
    }
    tried.push(format!("a file or folder: there is no {}", path.display()));

    match git_revision(reference, lookup.catalog) {
        Ok(revision) => {
            let how = Some(format!(
                "{} as of git revision {reference} ({})",
                lookup.catalog.display(),
                short(&revision.commit)
            ));
            return Ok(Resolved {
                source: Source::Revision(revision),
                how,
            });
        }
        Err(why) => tried.push(format!("a git revision: {why}")),
    }

    match release_folder(reference, lookup) {
        Ok(dir) => {
            return Ok(Resolved {
                how: Some(format!("release {reference} in {}", dir.display())),
                source: Source::Bundles(dir),
            })
        }
        Err(why) => tried.push(format!("a release: {why}")),
    }

    match download(reference, lookup) {
        Ok(resolved) => return Ok(resolved),
        Err(why) => tried.push(format!("a download: {why}")),
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
        "give a bundle file or folder, a git revision of the catalog's repository, \
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

fn git_revision(reference: &str, catalog: &Path) -> Result<Revision, String> {
    if !catalog.is_file() {
        return Err(format!(
            "there is no catalog {} whose repository to look in",
            catalog.display()
        ));
    }
    if reference.starts_with('-') || reference.is_empty() {
        return Err("not a revision name".to_string());
    }
    let dir = catalog_dir(catalog);
    let Some(top) = git_line(dir, &["rev-parse", "--show-toplevel"]) else {
        return Err(format!("{} is not in a git repository", catalog.display()));
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
        return Err(format!("no revision `{reference}` in the repository {top}"));
    };
    let prefix = git_line(dir, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let file_name = catalog
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let relative = format!("{prefix}{file_name}");
    let version = git_line(dir, &["describe", "--tags", "--always", &commit])
        .unwrap_or_else(|| short(&commit).to_string());
    let temp = tempfile::Builder::new()
        .prefix("citc-diff-")
        .tempdir()
        .map_err(|err| format!("cannot make a temporary folder: {err}"))?;
    check_out_catalog(Path::new(&top), &commit, &relative, temp.path())?;
    Ok(Revision {
        catalog: temp.path().join(&relative),
        commit,
        version,
        _dir: temp,
    })
}

/// Writes the catalog at `relative` and, transitively, the files it imports,
/// as of `commit`, into `into` (same relative paths). An import that is
/// missing at that revision is left for the compiler to report.
fn check_out_catalog(top: &Path, commit: &str, relative: &str, into: &Path) -> Result<(), String> {
    let mut queue = vec![relative.to_string()];
    let mut seen = HashSet::new();
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let Some(bytes) = git(top, &["cat-file", "blob", &format!("{commit}:{path}")]) else {
            if path == relative {
                return Err(format!("the revision {} has no {relative}", short(commit)));
            }
            continue;
        };
        let target = into.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot write {}: {err}", parent.display()))?;
        }
        std::fs::write(&target, &bytes)
            .map_err(|err| format!("cannot write {}: {err}", target.display()))?;
        let Ok(file) = parse_file(FileId(0), &String::from_utf8_lossy(&bytes)) else {
            continue; // the compiler reports the syntax error
        };
        let base = path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        for item in &file.items {
            if let Item::Import(import) = item {
                if import.path == "std" || import.path.starts_with("std/") {
                    continue;
                }
                if let Some(imported) = join_relative(base, &import.path) {
                    queue.push(imported);
                }
            }
        }
    }
    Ok(())
}

/// `dir` + `relative`, with `.` and `..` resolved; `None` when the path is
/// absolute or leaves the repository.
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

// ------------------------------------------------------------------ download

/// The release URL template of a catalog: its top-level `let release_url`.
/// `Ok(None)` when it declares none.
pub fn release_url_template(catalog: &Path) -> Result<Option<String>, String> {
    let text = std::fs::read_to_string(catalog)
        .map_err(|err| format!("cannot read {}: {err}", catalog.display()))?;
    let file = parse_file(FileId(0), &text)
        .map_err(|_| format!("{} has syntax errors", catalog.display()))?;
    for item in &file.items {
        let Item::Let(def) = item else { continue };
        if def.name.name != RELEASE_URL_CONSTANT {
            continue;
        }
        let Expr::Text(value) = &def.value else {
            return Err(format!("`let {RELEASE_URL_CONSTANT}` must be a string"));
        };
        let mut template = String::new();
        for part in &value.parts {
            match part {
                TextPart::Literal(s) => template.push_str(s),
                // Accepted, though the compiler wants `\${version}`.
                TextPart::Variable(v) if v.name == "version" => {
                    template.push_str(VERSION_PLACEHOLDER)
                }
                TextPart::Variable(v) => {
                    return Err(format!(
                        "`let {RELEASE_URL_CONSTANT}` may only use ${{version}}, not ${{{}}}",
                        v.name
                    ))
                }
            }
        }
        return Ok(Some(template));
    }
    Ok(None)
}

/// Where downloads are cached: `$CITC_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/citc`, else `~/.cache/citc`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("CITC_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("citc")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("citc")))
}

fn download(reference: &str, lookup: &Lookup) -> Result<Resolved, String> {
    if !lookup.catalog.is_file() {
        return Err(format!(
            "there is no catalog {} to take `let {RELEASE_URL_CONSTANT}` from",
            lookup.catalog.display()
        ));
    }
    let Some(template) = release_url_template(lookup.catalog)? else {
        return Err(format!(
            "{} declares no `let {RELEASE_URL_CONSTANT} = \"https://…/\\${{version}}/…\"`",
            lookup.catalog.display()
        ));
    };
    if !template.contains(VERSION_PLACEHOLDER) {
        return Err(format!(
            "`let {RELEASE_URL_CONSTANT}` has no {VERSION_PLACEHOLDER}"
        ));
    }
    if !template.starts_with("https://") && !template.starts_with("http://") {
        return Err(format!(
            "`let {RELEASE_URL_CONSTANT}` is not an http(s) URL"
        ));
    }
    let release_name = !reference.is_empty()
        && !reference.starts_with(['.', '-'])
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if !release_name {
        return Err(format!("`{reference}` is not a release name"));
    }
    let url = template.replace(VERSION_PLACEHOLDER, reference);
    let cached = lookup.cache.as_ref().map(|dir| {
        let digest = Sha256::digest(url.as_bytes());
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        dir.join("releases")
            .join(format!("{reference}-{hash}.yaml"))
    });
    if let Some(file) = cached.as_ref().filter(|f| f.is_file()) {
        return Ok(Resolved {
            how: Some(format!(
                "release {reference}, cached in {} (from {url})",
                file.display()
            )),
            source: Source::Bundles(file.clone()),
        });
    }
    let text = fetch(&url)?;
    match parse_bundle(&text, &url) {
        Ok(resources) if !resources.is_empty() => {}
        Ok(_) => return Err(format!("{url} holds no resources")),
        Err(err) => return Err(format!("{url} is not a bundle: {}", err.message)),
    }
    // A cache that cannot be written is no reason to stop: the diff goes on.
    let not_cached = match cached {
        None => " (no cache folder: set CITC_CACHE_DIR)".to_string(),
        Some(file) => match write_cache(&file, &text) {
            Ok(()) => {
                return Ok(Resolved {
                    how: Some(format!(
                        "release {reference}, downloaded from {url} and cached in {}",
                        file.display()
                    )),
                    source: Source::Bundles(file),
                })
            }
            Err(err) => format!(" (not cached: cannot write {}: {err})", file.display()),
        },
    };
    Ok(Resolved {
        how: Some(format!(
            "release {reference}, downloaded from {url}{not_cached}"
        )),
        source: Source::Downloaded { url, text },
    })
}

fn fetch(url: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .user_agent(concat!("citc/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|err| format!("GET {url} failed: {err}"))?;
    response
        .body_mut()
        .with_config()
        .limit(256 << 20)
        .read_to_string()
        .map_err(|err| format!("reading {url} failed: {err}"))
}

/// Writes the cache file whole or not at all.
fn write_cache(file: &Path, text: &str) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut staging = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut staging, text.as_bytes())?;
    staging.persist(file).map_err(|err| err.error)?;
    Ok(())
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

    #[test]
    fn the_release_url_is_a_top_level_constant() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("c.cit");
        std::fs::write(
            &catalog,
            "let release_url = \"https://h/\\${version}/all-\\${version}.yaml\"\n",
        )
        .unwrap();
        assert_eq!(
            release_url_template(&catalog).unwrap().as_deref(),
            Some("https://h/${version}/all-${version}.yaml")
        );
        std::fs::write(&catalog, "let other = \"x\"\n").unwrap();
        assert_eq!(release_url_template(&catalog).unwrap(), None);
    }
}
