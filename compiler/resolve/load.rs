//! Loading: reads the root file, follows its imports (other .cit files,
//! relative to the importing file, and `std/...` modules embedded in the
//! binary), and parses each file once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::source::{decode_spans_in, read_input, FileId, SourceMap, Span, MAX_SOURCE_BYTES};
use crate::syntax::{self, ast};

/// A module of the standard library, embedded so that `citc` works alone:
/// its text (for diagnostics and documents) and its AST, parsed when the
/// binary was built (compiler/build.rs).
pub struct EmbeddedModule {
    /// As imported: `std/sizes`.
    pub module: &'static str,
    pub text: &'static str,
    ast: &'static [u8],
}

macro_rules! std_module {
    ($name:literal) => {
        EmbeddedModule {
            module: concat!("std/", $name),
            text: include_str!(concat!("../../stdlib/", $name, ".cit")),
            ast: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".ast")),
        }
    };
}

pub const STDLIB: &[EmbeddedModule] = &[
    std_module!("kubevirt"),
    std_module!("sizes"),
    std_module!("components"),
    std_module!("schema"),
];

impl EmbeddedModule {
    /// The module's AST, its spans in file `id`.
    pub fn ast(&self, id: FileId) -> ast::File {
        decode_spans_in(id, || postcard::from_bytes(self.ast))
            .expect("compiler/build.rs encodes the AST with the types it is decoded into")
    }
}

/// Loaded into every compilation, imported or not: the checker needs it.
pub const ALWAYS_LOADED: &str = "std/schema";

pub struct ParsedFile {
    pub id: FileId,
    pub ast: ast::File,
    /// The file's place in an order where every file comes after the files
    /// it imports (a cycle is broken where it closes): overlays apply in
    /// this order, so an importer's patches come after its imports'.
    pub import_rank: usize,
    /// The files it imports, each with its module name (the last segment of
    /// the import path without `.cit`: `components` for `std/components`),
    /// by which `module::name` reaches it.
    pub imports: Vec<(String, FileId)>,
    /// A module of the standard library (embedded, not read from disk).
    pub is_std: bool,
    /// The names defined by items that did not parse (the file has syntax
    /// errors, and holds the items that parsed).
    pub broken: Vec<String>,
    /// Whether the whole file parsed (no syntax errors).
    pub complete: bool,
}

/// Where the root file comes from.
pub enum Root<'a> {
    Path(&'a Path),
    /// In-memory text (tests, fuzzing); relative imports resolve from `dir`.
    Text {
        name: &'a str,
        text: &'a str,
        dir: &'a Path,
    },
}

pub fn load(root: Root, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Vec<ParsedFile> {
    load_with(root, &HashMap::new(), sources, diags)
}

/// [`load`], reading the files named in `unsaved` (by canonical path) from
/// there instead of the disk: the language server's open documents.
pub fn load_with(
    root: Root,
    unsaved: &HashMap<PathBuf, String>,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ParsedFile> {
    let mut files = Vec::new();
    let schema_text = STDLIB
        .iter()
        .find(|m| m.module == ALWAYS_LOADED)
        .map_or("", |m| m.text);
    let root_id = match root {
        Root::Path(path) => match read_unsaved_or_disk(path, unsaved, "catalog") {
            Ok(text) => {
                let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
                sources.add(path.display().to_string(), Some(canonical), text)
            }
            Err(err) => {
                // No span to point at: report against an empty pseudo-file.
                let id = sources.add(path.display().to_string(), None, String::new());
                // The root is what the command was told (or defaulted) to
                // compile: say how to name another.
                let help = if path.exists() {
                    err.help
                } else {
                    format!(
                        "there is no {} here: name the catalog, `citc check FILE` (build, fmt), or `--catalog FILE` (show, doc, diff)",
                        path.display()
                    )
                };
                diags.push(Diagnostic::new("E0002", Span::new(id, 0, 0), err.message).help(help));
                return files;
            }
        },
        Root::Text { name, text, dir } => {
            sources.add(name.to_string(), Some(dir.join(name)), text.to_string())
        }
    };
    let mut imports = Vec::new();
    // Canonical paths by joined path: files that all import one another ask
    // for the same few paths many times.
    let mut canonical = HashMap::new();
    // The root first, the schema last (a stack).
    let mut queue = vec![
        sources.add(
            format!("{ALWAYS_LOADED}.cit"),
            None,
            schema_text.to_string(),
        ),
        root_id,
    ];
    while let Some(id) = queue.pop() {
        let syntax::Recovered {
            file: parsed,
            errors,
            broken,
        } = parse(id, sources);
        let failed = !errors.is_empty();
        diags.extend(errors);
        if failed && parsed.items.is_empty() {
            continue;
        }
        let base_dir = sources
            .get(id)
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let mut modules = Vec::new();
        for item in &parsed.items {
            if let ast::Item::Import(import) = item {
                if let Some((target, new)) = resolve_import(
                    import,
                    base_dir.as_deref(),
                    unsaved,
                    sources,
                    &mut canonical,
                    diags,
                ) {
                    if new {
                        queue.push(target);
                    }
                    imports.push((id, target, import.span));
                    modules.push((module_name(&import.path), target));
                }
            }
        }
        files.push(ParsedFile {
            id,
            ast: parsed,
            import_rank: 0,
            imports: modules,
            is_std: sources.get(id).path.is_none(),
            broken,
            complete: !failed,
        });
    }
    report_import_cycles(&imports, sources, diags);
    let ranks = imports_first_order(root_id, &imports);
    for file in &mut files {
        file.import_rank = ranks.get(&file.id).copied().unwrap_or(usize::MAX);
    }
    // Stable order: the root first, then files in the order they were added.
    files.sort_by_key(|f| f.id);
    files
}

/// The name `module::name` uses for an import path: its last segment,
/// without `.cit`.
fn module_name(path: &str) -> String {
    let last = path.rsplit(['/', '\\']).next().unwrap_or(path);
    last.strip_suffix(".cit").unwrap_or(last).to_string()
}

fn read_unsaved_or_disk(
    path: &Path,
    unsaved: &HashMap<PathBuf, String>,
    what: &str,
) -> Result<String, crate::source::ReadError> {
    if !unsaved.is_empty() {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if let Some(text) = unsaved.get(&canonical) {
            return unsaved_text(path, text, what);
        }
    }
    read_input(path, what, MAX_SOURCE_BYTES)
}

/// An editor's unsaved text, under the cap a file on disk has.
fn unsaved_text(path: &Path, text: &str, what: &str) -> Result<String, crate::source::ReadError> {
    if text.len() as u64 > MAX_SOURCE_BYTES {
        return Err(crate::source::too_large(path, what, MAX_SOURCE_BYTES));
    }
    Ok(text.to_string())
}

/// Each file's rank in a depth-first post-order from the root along the
/// imports, in source order: a file ranks after everything it imports.
fn imports_first_order(root: FileId, imports: &[(FileId, FileId, Span)]) -> HashMap<FileId, usize> {
    let mut next: HashMap<FileId, Vec<FileId>> = HashMap::new();
    for (from, to, _) in imports {
        next.entry(*from).or_default().push(*to);
    }
    let mut rank = HashMap::new();
    let mut seen = std::collections::HashSet::from([root]);
    // Iterative: the input decides how deep the imports go.
    let mut stack = vec![(root, 0usize)];
    while let Some((file, child)) = stack.pop() {
        match next.get(&file).and_then(|targets| targets.get(child)) {
            Some(&to) => {
                stack.push((file, child + 1));
                if seen.insert(to) {
                    stack.push((to, 0));
                }
            }
            None => {
                let position = rank.len();
                rank.insert(file, position);
            }
        }
    }
    rank
}

/// Parses one loaded file; an embedded std module was parsed when the
/// binary was built, and is only decoded.
fn parse(id: FileId, sources: &SourceMap) -> syntax::Recovered {
    let file = sources.get(id);
    let prepared = match &file.path {
        None => file
            .name
            .strip_suffix(".cit")
            .and_then(|name| STDLIB.iter().find(|m| m.module == name))
            .map(|m| m.ast(id)),
        Some(_) => None,
    };
    match prepared {
        Some(ast) => syntax::Recovered {
            file: ast,
            errors: Vec::new(),
            broken: Vec::new(),
        },
        None => syntax::parse_file_recovering(id, &file.text),
    }
}

/// Files are loaded once, so a cycle of imports does no harm; it is still
/// worth a warning, because it usually means two files that should be one.
/// One warning per group of files that import each other (a strongly
/// connected component), found in time linear in the number of imports.
fn report_import_cycles(
    imports: &[(FileId, FileId, Span)],
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let files = imports
        .iter()
        .map(|(from, to, _)| from.0.max(to.0) as usize + 1)
        .max()
        .unwrap_or(0);
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); files];
    for (from, to, _) in imports {
        next[from.0 as usize].push(to.0 as usize);
    }
    let component = strongly_connected(&next);
    let mut reported = vec![false; files];
    // Imports are in load order: the first edge back to a file loaded no
    // later than the importing one closes the group's cycle; report there.
    for (from, to, span) in imports {
        let (f, t) = (from.0 as usize, to.0 as usize);
        if t > f || component[f] != component[t] || reported[component[f]] {
            continue;
        }
        reported[component[f]] = true;
        let size = component.iter().filter(|&&c| c == component[f]).count();
        let group = if size > 2 {
            format!(" ({size} files import one another)")
        } else {
            String::new()
        };
        let message = if f == t {
            format!("`{}` imports itself", sources.get(*to).name)
        } else {
            format!(
                "import cycle: `{}` is imported back by a file it imports{group}",
                sources.get(*to).name
            )
        };
        diags.push(
            Diagnostic::new("W0109", *span, message)
            .label("closes the cycle")
            .help("files are loaded once, so this works; merge the files or move what both need into a third"),
        );
    }
}

/// The strongly connected component of every node (Kosaraju's algorithm,
/// iterative: the input decides how deep a recursion would go).
fn strongly_connected(next: &[Vec<usize>]) -> Vec<usize> {
    let n = next.len();
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, child)) = stack.pop() {
            if let Some(&to) = next[node].get(child) {
                stack.push((node, child + 1));
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, targets) in next.iter().enumerate() {
        for &to in targets {
            back[to].push(from);
        }
    }
    let mut component = vec![usize::MAX; n];
    for (index, &root) in order.iter().rev().enumerate() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = index;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &from in &back[node] {
                if component[from] == usize::MAX {
                    component[from] = index;
                    stack.push(from);
                }
            }
        }
    }
    component
}

/// Finds the imported file, adding it to the source map unless it is already
/// there. Returns its id and whether it was newly added.
fn resolve_import(
    import: &ast::Import,
    base_dir: Option<&Path>,
    unsaved: &HashMap<PathBuf, String>,
    sources: &mut SourceMap,
    canonical_paths: &mut HashMap<PathBuf, PathBuf>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(FileId, bool)> {
    if import.path.starts_with("std/") || import.path == "std" {
        let name = format!("{}.cit", import.path);
        if let Some(id) = sources.find_name(&name) {
            return Some((id, false));
        }
        return match STDLIB.iter().find(|m| m.module == import.path) {
            Some(m) => Some((sources.add(name, None, m.text.to_string()), true)),
            None => {
                let known: Vec<&str> = STDLIB.iter().map(|m| m.module).collect();
                diags.push(
                    Diagnostic::new(
                        "E0101",
                        import.span,
                        format!("no standard-library module `{}`", import.path),
                    )
                    .label("unknown module")
                    .help(format!("the standard library has: {}", known.join(", "))),
                );
                None
            }
        };
    }
    let relative = PathBuf::from(&import.path);
    let full = match base_dir {
        Some(dir) => dir.join(&relative),
        None => relative,
    };
    let canonical = canonical_paths
        .entry(full.clone())
        .or_insert_with(|| full.canonicalize().unwrap_or_else(|_| full.clone()))
        .clone();
    if let Some(id) = sources.find_path(&canonical) {
        return Some((id, false));
    }
    if full.extension().and_then(|e| e.to_str()) != Some("cit") {
        diags.push(
            Diagnostic::new(
                "E0002",
                import.span,
                format!(
                    "cannot import `{}`: only `.cit` files can be imported",
                    import.path
                ),
            )
            .label("not a .cit file")
            .help("name a .cit catalog file, or a standard-library module such as `std/sizes`"),
        );
        return None;
    }
    let text = match unsaved.get(&canonical) {
        Some(text) => unsaved_text(&full, text, "imported file"),
        None => read_input(&full, "imported file", MAX_SOURCE_BYTES),
    };
    match text {
        Ok(text) => Some((
            sources.add(import.path.clone(), Some(canonical), text),
            true,
        )),
        Err(err) => {
            // Name the file as the import spells it, not as joined.
            let message = format!("cannot read `{}`: {}", import.path, err.reason);
            diags.push(
                Diagnostic::new("E0002", import.span, message)
                    .label("imported here")
                    .help(format!(
                        "{}; relative imports are resolved from the directory of the importing file",
                        err.help
                    )),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AST that compiler/build.rs prepared is the one the parser makes of the
    /// module now, spans and their file included.
    #[test]
    fn prepared_std_modules_are_what_the_parser_makes() {
        for (i, module) in STDLIB.iter().enumerate() {
            let id = FileId(3 + i as u32);
            let parsed = syntax::parse_file(id, module.text).expect(module.module);
            let prepared = module.ast(id);
            assert!(!prepared.items.is_empty(), "{}", module.module);
            assert_eq!(
                format!("{prepared:?}"),
                format!("{parsed:?}"),
                "{}",
                module.module
            );
        }
    }
}
