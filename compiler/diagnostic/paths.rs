//! How CI reports name files: relative to the repository's root, which is
//! where GitHub attaches an annotation and where SARIF's `%SRCROOT%` points.
//!
//! A diagnostic's file is named as it was written (the catalog as given on
//! the command line, an import as its `import` says: `../base.cit`, relative
//! to the importing file). A CI system cannot attach that. Here the file's
//! real path is made relative to `GITHUB_WORKSPACE` (the checkout, on
//! GitHub) when it lies inside it, else to the current directory when it
//! lies inside that; a file outside both keeps its absolute path, and a
//! file with no path (the standard library's `std/…`, stdin) its name.

use std::path::{Component, Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use crate::source::SourceFile;

/// The folders report paths are made relative to, most preferred first.
pub struct ReportPaths {
    roots: Vec<PathBuf>,
}

impl ReportPaths {
    /// `GITHUB_WORKSPACE` (if set), then the current directory.
    pub fn from_env() -> ReportPaths {
        let workspace = std::env::var_os("GITHUB_WORKSPACE")
            .filter(|w| !w.is_empty())
            .map(PathBuf::from);
        let cwd = std::env::current_dir().ok();
        ReportPaths::new(workspace.into_iter().chain(cwd))
    }

    pub fn new(roots: impl IntoIterator<Item = PathBuf>) -> ReportPaths {
        let roots = roots
            .into_iter()
            .filter_map(|root| root.canonicalize().ok())
            .collect();
        ReportPaths { roots }
    }

    /// The first root, the one a relative path is relative to when the
    /// file lies inside it (SARIF's `%SRCROOT%`).
    pub fn root(&self) -> Option<&Path> {
        self.roots.first().map(PathBuf::as_path)
    }

    /// The file's name in a report, with `/` between folders, and whether
    /// it is relative to [`ReportPaths::root`] (else: to a later root, or
    /// absolute, or a name without a path).
    pub fn name(&self, file: &SourceFile) -> (String, bool) {
        let Some(path) = &file.path else {
            return (file.name.clone(), false);
        };
        let real = path.canonicalize().unwrap_or_else(|_| path.clone());
        for (i, root) in self.roots.iter().enumerate() {
            if let Ok(rest) = real.strip_prefix(root) {
                return (slashed(rest), i == 0);
            }
        }
        (real.display().to_string(), false)
    }
}

/// A relative path with `/` between its parts, whatever the platform.
fn slashed(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What stays itself in a path written as a URI: RFC 3986's unreserved
/// characters and `/`; every other byte is percent-encoded.
const PATH_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A path as a URI reference: `a b/c%.cit` → `a%20b/c%25.cit`.
pub fn uri_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_ESCAPES).to_string()
}

/// An absolute path as a `file:` URI: `/x y/z.cit` → `file:///x%20y/z.cit`.
pub fn file_uri(absolute: &str) -> String {
    format!("file://{}", uri_path(absolute))
}

/// The path a URI's percent-encoded path spells, `None` when it is not
/// UTF-8.
pub fn uri_path_decoded(encoded: &str) -> Option<String> {
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()
        .map(|path| path.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(paths: &ReportPaths, name: &str, path: Option<PathBuf>) -> (String, bool) {
        let mut sources = crate::source::SourceMap::default();
        let id = sources.add(name.to_string(), path, String::new());
        paths.name(sources.get(id))
    }

    #[test]
    fn an_import_is_named_from_the_root_not_from_the_importing_file() {
        let repo = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(repo.path().join("catalogs/acme")).expect("mkdir");
        std::fs::write(repo.path().join("catalogs/base.cit"), "").expect("write");
        let paths = ReportPaths::new([repo.path().to_path_buf()]);
        assert_eq!(
            name_of(
                &paths,
                "../base.cit",
                Some(repo.path().join("catalogs/acme/../base.cit"))
            ),
            ("catalogs/base.cit".to_string(), true)
        );
    }

    #[test]
    fn outside_every_root_a_file_keeps_its_absolute_path_and_std_its_name() {
        let root = tempfile::tempdir().expect("temp dir");
        let elsewhere = tempfile::tempdir().expect("temp dir");
        let outside = elsewhere.path().join("x.cit");
        std::fs::write(&outside, "").expect("write");
        let paths = ReportPaths::new([root.path().to_path_buf()]);
        let (name, relative) = name_of(&paths, "x.cit", Some(outside.clone()));
        assert_eq!(name, outside.canonicalize().unwrap().display().to_string());
        assert!(!relative);
        assert_eq!(
            name_of(&paths, "std/kubevirt.cit", None),
            ("std/kubevirt.cit".to_string(), false)
        );
    }
}

#[cfg(test)]
mod uri_tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("a b/c%.cit"), "a%20b/c%25.cit");
        assert_eq!(uri_path("é.cit"), "%C3%A9.cit");
        assert_eq!(file_uri("/x y/z.cit"), "file:///x%20y/z.cit");
        assert_eq!(
            uri_path_decoded("/x%20y/%C3%A9%zz.cit").as_deref(),
            Some("/x y/é%zz.cit")
        );
        assert_eq!(uri_path_decoded("/%FF.cit"), None);
    }
}
