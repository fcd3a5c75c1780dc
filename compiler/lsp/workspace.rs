//! The server's state: the open documents (their unsaved text), one
//! analysis per root, and the read-only copies of the standard library.
//!
//! Each open document is the root of an analysis (the same `analyze` that
//! `citc check` runs, reading open documents instead of the disk). An edit
//! re-analyses the roots whose last analysis loaded the edited file, so a
//! file's importers are checked again too.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use lsp_types::Uri;

use super::convert::{path_to_uri, uri_to_path};
use super::index::Index;
use crate::diagnostic::{self, Diagnostic};
use crate::lower::{self, Stamp};
use crate::resolve::{self, EmbeddedModule, STDLIB};
use crate::source::FileId;
use crate::yaml::Yaml;
use crate::Analysis;

pub struct Document {
    pub text: String,
    pub version: i32,
    pub path: PathBuf,
    /// Edits made it larger than a message may be: its text was dropped,
    /// and only a change with the whole text brings it back.
    pub dropped: bool,
}

impl Document {
    /// Over the cap of a file on disk: not analysed, and every request
    /// about it answered as if it were not open (see [`oversized`]).
    pub fn oversized(&self) -> bool {
        self.dropped || self.text.len() as u64 > crate::source::MAX_SOURCE_BYTES
    }

    /// Applies a `didChange`'s changes in turn.
    pub fn change(&mut self, changes: Vec<lsp_types::TextDocumentContentChangeEvent>) {
        for change in changes {
            if change.range.is_none() {
                self.dropped = false;
            }
            if self.dropped {
                continue;
            }
            super::apply_change(&mut self.text, change);
            if self.text.len() as u64 > super::transport::MAX_FRAME_BYTES {
                self.text = String::new();
                self.dropped = true;
            }
        }
    }
}

/// The one diagnostic of a document over the size cap: what `citc check`
/// says of such a file.
pub fn oversized(document: &Document) -> Diagnostic {
    let err = crate::source::too_large(&document.path, "catalog", crate::source::MAX_SOURCE_BYTES);
    Diagnostic::new(
        "E0002",
        crate::source::Span::new(FileId(0), 0, 0),
        err.message,
    )
    .help(format!("{}; citc lsp does not check it", err.help))
}

/// One analysis and what the server derived from it.
pub struct Snapshot {
    pub analysis: Analysis,
    pub index: Index,
    /// Every diagnostic `citc check` reports (lowering's included).
    pub diagnostics: Vec<Diagnostic>,
    /// Each resource's cluster-wide document, as `citc build` writes it
    /// (`None` for a resource with errors).
    pub documents: Vec<Option<Yaml>>,
    /// The paths of the files it loaded (on disk or open).
    pub loaded: HashSet<PathBuf>,
    /// Whether the root parsed whole: a root with a syntax error (whose
    /// analysis holds only the items that parsed) keeps its last good
    /// snapshot for navigation (see [`Workspace::snapshot_for`]).
    pub parsed: bool,
    /// The API schema, read on first use (hover and completion).
    schema: std::cell::OnceCell<crate::check::Schema>,
}

impl Snapshot {
    pub fn new(root: &Path, unsaved: &HashMap<PathBuf, String>) -> Snapshot {
        let mut analysis = crate::analyze_with(resolve::Root::Path(root), unsaved);
        let mut diagnostics = std::mem::take(&mut analysis.diagnostics);
        // What `citc build` writes without `--version` and without a git
        // tag: the release's default version.
        let stamp = Stamp::new(
            &analysis.catalog.release,
            &analysis.catalog.release.default_version,
        );
        let documents = analysis
            .catalog
            .resources
            .iter()
            .map(|resource| {
                lower::lower_cluster_document(
                    resource,
                    &analysis.catalog.derive_rules,
                    &stamp,
                    &mut diagnostics,
                )
            })
            .collect();
        diagnostic::sort_diagnostics(&mut diagnostics);
        let index = Index::build(&analysis.files);
        let loaded = analysis.sources.paths().map(Path::to_path_buf).collect();
        let parsed = analysis
            .files
            .first()
            .is_some_and(|f| f.id == FileId(0) && f.complete);
        Snapshot {
            analysis,
            index,
            diagnostics,
            documents,
            loaded,
            parsed,
            schema: std::cell::OnceCell::new(),
        }
    }

    pub fn schema(&self) -> &crate::check::Schema {
        self.schema
            .get_or_init(|| crate::check::Schema::load(&self.analysis.files, &mut Vec::new()))
    }

    /// The file of this analysis at a path (a std copy in the cache maps
    /// to the embedded module).
    pub fn file_of(&self, path: &Path, std_dir: Option<&Path>) -> Option<FileId> {
        if let Some(id) = self.analysis.sources.find_path(path) {
            return Some(id);
        }
        let relative = path.strip_prefix(std_dir?).ok()?;
        self.analysis.sources.find_name(&relative.to_string_lossy())
    }
}

#[derive(Default)]
pub struct Workspace {
    pub documents: HashMap<Uri, Document>,
    /// The current analysis of each open root, by the root's path.
    pub snapshots: HashMap<PathBuf, Rc<Snapshot>>,
    /// The last analysis of each root whose root parsed.
    pub good: HashMap<PathBuf, Rc<Snapshot>>,
    /// Paths edited since the last analysis.
    pub dirty: HashSet<PathBuf>,
    /// Where the standard library's read-only copies are (made on first use).
    std_dir: Option<PathBuf>,
    /// Where a cache folder may be made; `None` when the environment gives none.
    cache_home: Option<PathBuf>,
    /// The explanation page written for each code (`codeDescription`).
    explained: HashMap<String, Option<Uri>>,
}

impl Workspace {
    pub fn new() -> Workspace {
        let cache_home = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
        Workspace {
            cache_home,
            ..Workspace::default()
        }
    }

    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let Some(path) = uri_to_path(&uri) else {
            return;
        };
        let path = path.canonicalize().unwrap_or(path);
        self.dirty.insert(path.clone());
        self.documents.insert(
            uri,
            Document {
                text,
                version,
                path,
                dropped: false,
            },
        );
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        let document = self.documents.remove(uri)?;
        self.snapshots.remove(&document.path);
        self.good.remove(&document.path);
        // Its importers read it from the disk again.
        self.dirty.insert(document.path.clone());
        Some(document)
    }

    /// Whether a path is one of the standard library's read-only copies.
    pub fn is_std_copy(&self, path: &Path) -> bool {
        self.std_dir
            .as_deref()
            .is_some_and(|dir| path.starts_with(dir))
            || self
                .cache_home
                .as_deref()
                .is_some_and(|home| path.starts_with(home.join("citc")))
    }

    /// Re-analyses every open root that the edits since the last call
    /// reach. Returns the roots analysed, and the edited documents too
    /// large to analyse (their diagnostic is published all the same).
    pub fn analyse(&mut self) -> Vec<PathBuf> {
        if self.dirty.is_empty() {
            return Vec::new();
        }
        let dirty = std::mem::take(&mut self.dirty);
        // An oversized document is not a root; its old analyses go.
        let mut out = Vec::new();
        for document in self.documents.values().filter(|d| d.oversized()) {
            self.snapshots.remove(&document.path);
            self.good.remove(&document.path);
            if dirty.contains(&document.path) {
                out.push(document.path.clone());
            }
        }
        let unsaved: HashMap<PathBuf, String> = self
            .documents
            .values()
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect();
        let roots: Vec<PathBuf> = self
            .documents
            .values()
            .filter(|d| !d.oversized())
            .map(|d| d.path.clone())
            .filter(|path| !self.is_std_copy(path))
            .filter(|path| {
                dirty.contains(path)
                    || self
                        .snapshots
                        .get(path)
                        .is_none_or(|s| s.loaded.iter().any(|p| dirty.contains(p)))
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for root in &roots {
            let snapshot = Rc::new(Snapshot::new(root, &unsaved));
            if snapshot.parsed {
                self.good.insert(root.clone(), Rc::clone(&snapshot));
            }
            self.snapshots.insert(root.clone(), snapshot);
        }
        out.extend(roots);
        out
    }

    /// The analysis to answer a request about `path` with, and the file's
    /// id in it: the one that loads the most files among those that load
    /// it (an importer sees more than the file alone), preferring analyses
    /// whose root parsed.
    pub fn snapshot_for(&self, path: &Path, navigation: bool) -> Option<(Rc<Snapshot>, FileId)> {
        let std_dir = self.std_dir.as_deref();
        let pool = if navigation {
            &self.good
        } else {
            &self.snapshots
        };
        let mut best: Option<(Rc<Snapshot>, FileId)> = None;
        let mut roots: Vec<&PathBuf> = pool.keys().collect();
        roots.sort();
        for root in roots {
            let snapshot = &pool[root];
            if let Some(id) = snapshot.file_of(path, std_dir) {
                let better = best
                    .as_ref()
                    .is_none_or(|(b, _)| snapshot.analysis.files.len() > b.analysis.files.len());
                if better {
                    best = Some((Rc::clone(snapshot), id));
                }
            }
        }
        if best.is_none() && !navigation {
            return self.snapshot_for(path, true);
        }
        best
    }

    /// The open document at a path, unless it is over the size cap.
    pub fn document_at(&self, path: &Path) -> Option<&Document> {
        self.documents
            .values()
            .find(|d| d.path == path)
            .filter(|d| !d.oversized())
    }

    /// The URI of a file of an analysis: its path, or for a standard
    /// library module its read-only copy in the cache folder.
    pub fn uri_of(&mut self, snapshot: &Snapshot, file: FileId) -> Option<Uri> {
        let source = snapshot.analysis.sources.get(file);
        match &source.path {
            Some(path) => Some(path_to_uri(path)),
            None => Some(path_to_uri(&self.std_dir()?.join(&source.name))),
        }
    }

    /// A page with `citc explain CODE`'s text, for a diagnostic's
    /// `codeDescription` (clients open it from the code): written on first
    /// use beside the std copies, `$XDG_CACHE_HOME/citc/explain-<hash>/CODE.md`.
    pub fn explanation(&mut self, code: &str) -> Option<Uri> {
        if let Some(known) = self.explained.get(code) {
            return known.clone();
        }
        let uri = self.write_explanation(code);
        self.explained.insert(code.to_string(), uri.clone());
        uri
    }

    fn write_explanation(&self, code: &str) -> Option<Uri> {
        use sha2::{Digest, Sha256};
        let info = crate::codes::lookup(code)?;
        let page = format!(
            "# {}: {}\n\n{} ({}). This is what `citc explain {}` prints:\n\n{}\n",
            info.code,
            info.title,
            info.code,
            info.severity.as_str(),
            info.code,
            info.explanation.trim_end()
        );
        let mut hash = Sha256::new();
        for known in crate::codes::all() {
            hash.update(known.code.as_bytes());
            hash.update(known.title.as_bytes());
            hash.update(known.explanation.as_bytes());
        }
        // The first six bytes, in hex.
        let short = format!("{:.12x}", hash.finalize());
        let dir = self
            .cache_home
            .as_ref()?
            .join("citc")
            .join(format!("explain-{short}"));
        let path = dir.join(format!("{}.md", info.code));
        if std::fs::read_to_string(&path).is_ok_and(|existing| existing == page) {
            return Some(path_to_uri(&path));
        }
        std::fs::create_dir_all(&dir).ok()?;
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, page).ok()?;
        Some(path_to_uri(&path))
    }

    /// The folder of the standard library's read-only copies, written on
    /// first use: `$XDG_CACHE_HOME/citc/std-<hash of the modules>/std/*.cit`.
    pub fn std_dir(&mut self) -> Option<PathBuf> {
        if let Some(dir) = &self.std_dir {
            return Some(dir.clone());
        }
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for m in STDLIB {
            hash.update(m.module.as_bytes());
            hash.update([0]);
            hash.update(m.text.as_bytes());
        }
        let digest = hash.finalize();
        let short = format!("{digest:.12x}");
        let dir = self
            .cache_home
            .as_ref()?
            .join("citc")
            .join(format!("std-{short}"));
        for &EmbeddedModule { module, text, .. } in STDLIB {
            let path = dir.join(format!("{module}.cit"));
            if std::fs::read_to_string(&path).is_ok_and(|existing| existing == *text) {
                continue;
            }
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| {
                    // A read-only copy left by an older run is replaced.
                    let _ = std::fs::remove_file(&path);
                    std::fs::write(&path, text)
                });
            if written.is_err() {
                return None;
            }
            if let Ok(metadata) = std::fs::metadata(&path) {
                let mut permissions = metadata.permissions();
                permissions.set_readonly(true);
                let _ = std::fs::set_permissions(&path, permissions);
            }
        }
        self.std_dir = Some(dir.clone());
        Some(dir)
    }
}
