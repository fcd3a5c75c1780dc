//! citc: the compiler of the `.cit` catalog language.
//!
//! The pipeline, phase by phase (see [`analyze`] and [`compile`]):
//! `syntax` (text → AST) → `resolve` (imports, names, inheritance, mixins,
//! matrices → resources) → `check` (schema, KubeVirt's rules, lints) →
//! `lower` (resources → Kubernetes documents with derived labels) → `emit`
//! (documents → go-yaml v2 bytes, bundles). `diff` and `fmt` are tools on
//! top; `cli` is the command line.
//!
//! # Dependencies run one way
//!
//! Each room (a folder or file right under compiler/) uses only rooms on
//! lower lines of this list, never one on its own line or above; inside a
//! room, no two files or folders use each other. tests/layers.rs checks
//! both on every `crate::`/`super::` path. Layers, bottom to top:
//!
//! - `source` `hash` `version`: files, spans, fast maps, the version
//! - `value` `suggest` `codes`: values, did-you-mean, the table of codes
//! - `diagnostic`: the error type of every phase
//! - `yaml` `syntax`: go-yaml v2 values and bytes; text → AST
//! - `kube`: Kubernetes names, quantities, kinds of resource
//! - `release`: how a catalog names and stamps its release
//! - `resolve`: imports, names, inheritance → resources; std's index
//! - `check`: schema, KubeVirt's rules, lints
//! - `lower`: resources → documents
//! - `emit`: documents → bundles and output folders
//! - `lib`: the crate root, [`analyze`] and [`compile`]
//! - `fmt` `kustomize`: the formatter; kustomize trees
//! - `diff`: bundles compared
//! - `doc` `provenance` `import`: documents of a catalog; where a value comes from; upstream → `.cit`
//! - `lsp`: the language server
//! - `cli`: the command line

// Diagnostics are the error type of every phase; they are built only on the
// error path, so their size does not matter.
#![allow(clippy::result_large_err)]
// Output goes through cli::stdout, which reports a failed write; println!
// panics on one.
#![deny(clippy::print_stdout)]

// pest without its `std` feature (see Cargo.toml: its stack probe on every
// rule is redundant with the parser's own nesting limit) generates code
// that names `alloc`.
extern crate alloc;

pub mod check;
pub mod cli;
pub mod codes;
pub mod diagnostic;
pub mod diff;
pub mod doc;
pub mod emit;
pub mod fmt;
pub mod hash;
pub mod import;
pub mod kube;
pub mod kustomize;
pub mod lower;
pub mod lsp;
pub mod provenance;
pub mod release;
pub mod resolve;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod value;
pub mod version;
pub mod yaml;

use diagnostic::Diagnostic;
use lower::Document;
use source::SourceMap;

/// The result of one compilation: the documents (empty when there are
/// errors), every diagnostic, and the sources they point into.
pub struct Compilation {
    pub sources: SourceMap,
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
    /// How the catalog names and stamps its release.
    pub release: release::Release,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The front of the pipeline: a loaded, resolved and checked catalog.
pub struct Analysis {
    pub sources: SourceMap,
    /// The parsed files, the root first (tools such as the language server
    /// navigate them).
    pub files: Vec<resolve::ParsedFile>,
    pub catalog: resolve::Catalog,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads, resolves and checks a catalog. Phases run as far as they can so
/// that independent problems are all reported.
pub fn analyze(root: resolve::Root) -> Analysis {
    analyze_files(root, &std::collections::HashMap::new(), false)
}

/// [`analyze`], with the provenance of every field recorded
/// (`catalog.provenance`), for `citc show` and editors.
pub fn analyze_traced(root: resolve::Root) -> Analysis {
    analyze_files(root, &std::collections::HashMap::new(), true)
}

/// [`analyze`], with the text of some files (by canonical path) given
/// instead of read from the disk: an editor's unsaved documents.
pub fn analyze_with(
    root: resolve::Root,
    unsaved: &std::collections::HashMap<std::path::PathBuf, String>,
) -> Analysis {
    analyze_files(root, unsaved, false)
}

fn analyze_files(
    root: resolve::Root,
    unsaved: &std::collections::HashMap<std::path::PathBuf, String>,
    traced: bool,
) -> Analysis {
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    let files = resolve::load_with(root, unsaved, &mut sources, &mut diagnostics);
    let catalog = if traced {
        resolve::resolve_traced(&files, &mut diagnostics)
    } else {
        resolve::resolve(&files, &mut diagnostics)
    };
    check::check(&files, &catalog, &mut diagnostics);
    check::apply_allows(&files, &mut diagnostics);
    forget_consequences_of_syntax_errors(&files, &mut diagnostics);
    diagnostic::sort_diagnostics(&mut diagnostics);
    Analysis {
        sources,
        files,
        catalog,
        diagnostics,
    }
}

/// A file with syntax errors is checked with the items that parsed; what
/// follows only from the missing ones is not reported: a use of a name that
/// a broken item defines, and the conclusions about the whole catalog (no
/// instance type fits a preference, a replacement that does not exist, an
/// empty catalog), which the missing items may change.
fn forget_consequences_of_syntax_errors(
    files: &[resolve::ParsedFile],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !diagnostics.iter().any(|d| d.code == "E0001") {
        return;
    }
    let broken: Vec<String> = files
        .iter()
        .flat_map(|f| &f.broken)
        .map(|name| format!("`{name}`"))
        .collect();
    diagnostics.retain(|d| {
        let unknown_name = matches!(d.code, "E0102" | "E0103" | "E0104" | "E0105")
            && broken.iter().any(|name| d.message.contains(name.as_str()));
        let whole_catalog =
            matches!(d.code, "E0230" | "E0231" | "W0103") || d.code == check::EMPTY_CATALOG;
        !unknown_name && !whole_catalog
    });
}

/// Every diagnostic that [`compile`] reports, without building the
/// documents: `citc check`.
pub fn diagnose(root: resolve::Root) -> Analysis {
    let mut analysis = analyze(root);
    lower::check(&analysis.catalog, &mut analysis.diagnostics);
    diagnostic::sort_diagnostics(&mut analysis.diagnostics);
    analysis
}

/// The whole pipeline, with every document kept in memory (for `diff`,
/// tests and tools; `citc build` streams instead, `citc check` builds none). The documents
/// are empty when the catalog has errors.
pub fn compile(root: resolve::Root, version: &str) -> Compilation {
    let mut analysis = analyze(root);
    let mut documents = lower::lower(&analysis.catalog, version, &mut analysis.diagnostics);
    diagnostic::sort_diagnostics(&mut analysis.diagnostics);
    if analysis.has_errors() {
        documents.clear();
    }
    Compilation {
        sources: analysis.sources,
        documents,
        diagnostics: analysis.diagnostics,
        release: analysis.catalog.release,
    }
}

/// Compiles in-memory text (tests, fuzzing); imports resolve from the
/// current directory.
pub fn compile_str(name: &str, text: &str, version: &str) -> Compilation {
    let dir = std::env::current_dir().unwrap_or_default();
    compile(
        resolve::Root::Text {
            name,
            text,
            dir: &dir,
        },
        version,
    )
}
