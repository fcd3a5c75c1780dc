//! Loading: reads the root file, follows its imports (other .cit files,
//! relative to the importing file, and `std/...` modules embedded in the
//! binary), and parses each file once.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::source::{read_input, FileId, SourceMap, Span, MAX_SOURCE_BYTES};
use crate::syntax::{self, ast};

/// The standard library, embedded so that `citc` works alone.
pub const STDLIB: &[(&str, &str)] = &[
    ("std/kubevirt", include_str!("../../stdlib/kubevirt.cit")),
    ("std/sizes", include_str!("../../stdlib/sizes.cit")),
    (
        "std/components",
        include_str!("../../stdlib/components.cit"),
    ),
    ("std/schema", include_str!("../../stdlib/schema.cit")),
];

/// Loaded into every compilation, imported or not: the checker needs it.
pub const ALWAYS_LOADED: &str = "std/schema";

pub struct ParsedFile {
    pub id: FileId,
    pub ast: ast::File,
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
    let mut files = Vec::new();
    let root_id = match root {
        Root::Path(path) => match read_input(path, "catalog", MAX_SOURCE_BYTES) {
            Ok(text) => {
                let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
                sources.add(path.display().to_string(), Some(canonical), text)
            }
            Err(err) => {
                // No span to point at: report against an empty pseudo-file.
                let id = sources.add(path.display().to_string(), None, String::new());
                diags.push(
                    Diagnostic::new("E0002", Span::new(id, 0, 0), err.message).help(err.help),
                );
                return files;
            }
        },
        Root::Text { name, text, dir } => {
            sources.add(name.to_string(), Some(dir.join(name)), text.to_string())
        }
    };
    let mut imports = Vec::new();
    let mut queue = vec![root_id];
    let schema_text = STDLIB
        .iter()
        .find(|(module, _)| *module == ALWAYS_LOADED)
        .map_or("", |(_, text)| text);
    queue.push(sources.add(
        format!("{ALWAYS_LOADED}.cit"),
        None,
        schema_text.to_string(),
    ));
    while let Some(id) = queue.pop() {
        let parsed = match syntax::parse_file(id, &sources.get(id).text) {
            Ok(file) => file,
            Err(diag) => {
                diags.push(diag);
                continue;
            }
        };
        let base_dir = sources
            .get(id)
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        for item in &parsed.items {
            if let ast::Item::Import(import) = item {
                if let Some((target, new)) =
                    resolve_import(import, base_dir.as_deref(), sources, diags)
                {
                    if new {
                        queue.push(target);
                    }
                    imports.push((id, target, import.span));
                }
            }
        }
        files.push(ParsedFile { id, ast: parsed });
    }
    report_import_cycles(&imports, sources, diags);
    // Stable order: the root first, then files in the order they were added.
    files.sort_by_key(|f| f.id);
    files
}

/// Files are loaded once, so a cycle of imports does no harm; it is still
/// worth a warning, because it usually means two files that should be one.
fn report_import_cycles(
    imports: &[(FileId, FileId, Span)],
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let reaches = |from: FileId, to: FileId| {
        let mut stack = vec![from];
        let mut seen = vec![from];
        while let Some(file) = stack.pop() {
            if file == to {
                return true;
            }
            for (_, next, _) in imports.iter().filter(|(f, _, _)| *f == file) {
                if !seen.contains(next) {
                    seen.push(*next);
                    stack.push(*next);
                }
            }
        }
        false
    };
    // Every cycle has an edge back to a file loaded no later than the
    // importing one: report the cycle there, once.
    for (from, to, span) in imports {
        if to <= from && reaches(*to, *from) {
            diags.push(
                Diagnostic::new(
                    "W0109",
                    *span,
                    format!("import cycle: `{}` is imported back by a file it imports", sources.get(*to).name),
                )
                .label("closes the cycle")
                .help("files are loaded once, so this works; merge the files or move what both need into a third"),
            );
        }
    }
}

/// Finds the imported file, adding it to the source map unless it is already
/// there. Returns its id and whether it was newly added.
fn resolve_import(
    import: &ast::Import,
    base_dir: Option<&Path>,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<(FileId, bool)> {
    if import.path.starts_with("std/") || import.path == "std" {
        let name = format!("{}.cit", import.path);
        if let Some(id) = sources.find_name(&name) {
            return Some((id, false));
        }
        return match STDLIB.iter().find(|(module, _)| *module == import.path) {
            Some((_, text)) => Some((sources.add(name, None, (*text).to_string()), true)),
            None => {
                let known: Vec<&str> = STDLIB.iter().map(|(m, _)| *m).collect();
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
    let canonical = full.canonicalize().unwrap_or_else(|_| full.clone());
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
    match read_input(&full, "imported file", MAX_SOURCE_BYTES) {
        Ok(text) => Some((
            sources.add(import.path.clone(), Some(canonical), text),
            true,
        )),
        Err(err) => {
            // Name the file as the import spells it, not as joined.
            let message = err.message.replace(
                &format!("imported file {}", full.display()),
                &format!("`{}`", import.path),
            );
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
