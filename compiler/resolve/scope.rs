//! Scopes: which definition a mixin, table or constant name means where it
//! is written. Names are shared by all loaded files, so that a catalog sees
//! what it imports; but two files may define the same name (a vendor's
//! mixin that a later std also defines), and then the nearer one wins: the
//! file's own definition, else one in a file it imports, else one in a file
//! those import, and so on, else one anywhere else loaded. Two at the same
//! distance are ambiguous (E0108). `module::name` reaches the definition of
//! one module the file imports directly, the module being the last segment
//! of its import path without `.cit` (`components` for `std/components`).

use crate::hash::HashMap;

use super::load::ParsedFile;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The definitions of one namespace (mixins, tables or constants): for each
/// name as written, the files that define it with the key each definition
/// is stored under. A name defined once keeps its name as its key; a name
/// defined by several files keeps it in the root file (the catalog being
/// built), and is `module::name` elsewhere.
#[derive(Default, Clone)]
pub struct Names {
    by_name: HashMap<String, Vec<(FileId, String)>>,
}

/// What a name written in a file means.
pub enum Found<'n> {
    /// The key of the definition it means.
    Key(&'n str),
    /// Several definitions at the same distance: their keys.
    Ambiguous(Vec<&'n str>),
    /// `module::name` where the file imports no `module`.
    NoModule,
    /// No such name.
    Unknown,
}

/// The files each file sees, nearest first, and the modules it imports by
/// name.
#[derive(Default)]
pub struct Scopes {
    root: Option<FileId>,
    /// For each file: the loaded files in rings of distance along the
    /// imports (itself first); files it cannot reach form the last ring.
    rings: HashMap<FileId, Vec<Vec<FileId>>>,
    /// For each file: (module name, file) of its direct imports.
    modules: HashMap<FileId, Vec<(String, FileId)>>,
    /// The module name a file is imported under (its first import's).
    module_of: HashMap<FileId, String>,
}

impl Scopes {
    pub fn new(files: &[ParsedFile]) -> Scopes {
        let mut scopes = Scopes {
            root: files.first().map(|f| f.id),
            ..Scopes::default()
        };
        for file in files {
            scopes.modules.insert(file.id, file.imports.clone());
            for (module, target) in &file.imports {
                scopes
                    .module_of
                    .entry(*target)
                    .or_insert_with(|| module.clone());
            }
        }
        let all: Vec<FileId> = files.iter().map(|f| f.id).collect();
        for file in files {
            let mut seen = crate::hash::HashSet::default();
            seen.insert(file.id);
            let mut rings = vec![vec![file.id]];
            loop {
                let mut next = Vec::new();
                for from in rings.last().into_iter().flatten() {
                    for (_, to) in scopes.modules.get(from).into_iter().flatten() {
                        if seen.insert(*to) {
                            next.push(*to);
                        }
                    }
                }
                if next.is_empty() {
                    break;
                }
                rings.push(next);
            }
            let rest: Vec<FileId> = all.iter().copied().filter(|f| !seen.contains(f)).collect();
            if !rest.is_empty() {
                rings.push(rest);
            }
            scopes.rings.insert(file.id, rings);
        }
        scopes
    }

    /// Gives every definition its key, once all are known (`names` holds
    /// each (name, file) once): a name defined once is its own key.
    pub fn assign_keys(&self, names: &mut Names) {
        for (name, defs) in names.by_name.iter_mut() {
            let several = defs.len() > 1;
            let mut taken = crate::hash::HashSet::default();
            for (def_file, key) in defs.iter_mut() {
                *key = if !several || Some(*def_file) == self.root {
                    name.clone()
                } else {
                    let module = self.module_of.get(def_file).map_or("?", String::as_str);
                    let mut key = format!("{module}::{name}");
                    if !taken.insert(key.clone()) {
                        key = format!("{module}#{}::{name}", def_file.0);
                    }
                    key
                };
            }
        }
    }

    /// What `written` (a name, or `module::name`) means in `from`.
    pub fn find<'n>(&self, names: &'n Names, from: FileId, written: &str) -> Found<'n> {
        if let Some((module, name)) = written.split_once("::") {
            let Some(target) = self
                .modules
                .get(&from)
                .and_then(|m| m.iter().find(|(n, _)| n == module))
                .map(|(_, f)| *f)
            else {
                return Found::NoModule;
            };
            return match names
                .by_name
                .get(name)
                .and_then(|defs| defs.iter().find(|(f, _)| *f == target))
            {
                Some((_, key)) => Found::Key(key),
                None => Found::Unknown,
            };
        }
        let Some(defs) = names.by_name.get(written) else {
            return Found::Unknown;
        };
        if let [(_, key)] = defs.as_slice() {
            return Found::Key(key);
        }
        let rings = self.rings.get(&from).map(Vec::as_slice).unwrap_or_default();
        for ring in rings {
            let here: Vec<&str> = defs
                .iter()
                .filter(|(f, _)| ring.contains(f))
                .map(|(_, k)| k.as_str())
                .collect();
            match here.as_slice() {
                [] => continue,
                [key] => return Found::Key(key),
                _ => return Found::Ambiguous(here),
            }
        }
        // A file outside every ring (not loaded by `load`): the first.
        defs.first()
            .map_or(Found::Unknown, |(_, key)| Found::Key(key))
    }

    /// The error for `written` at `span` when it names no single definition
    /// for a reason other than not existing: two at the same distance
    /// (E0108), or a `module::` that the file does not import
    /// (`unknown_code`, the namespace's code for an unknown name).
    pub fn unsettled(
        &self,
        names: &Names,
        what: &str,
        written: &str,
        span: Span,
        unknown_code: &'static str,
    ) -> Option<Diagnostic> {
        match self.find(names, span.file, written) {
            Found::Ambiguous(keys) => {
                let choices: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                Some(
                    Diagnostic::new(
                        "E0108",
                        span,
                        format!("the {what} `{written}` is defined by several imported files"),
                    )
                    .label("ambiguous")
                    .help(format!(
                        "the files are as near as each other; write which one you mean: {}, or define `{written}` in this file",
                        choices.join(" or ")
                    )),
                )
            }
            Found::NoModule => {
                let module = written.split_once("::").map_or(written, |(m, _)| m);
                let modules = self.modules_of(span.file);
                let help = if modules.is_empty() {
                    "this file imports nothing; `module::name` names a module it imports"
                        .to_string()
                } else {
                    format!(
                        "`module::name` names a module this file imports: {}",
                        modules.join(", ")
                    )
                };
                Some(
                    Diagnostic::new(
                        unknown_code,
                        span,
                        format!("this file imports no module `{module}`"),
                    )
                    .label("no such import")
                    .help(help),
                )
            }
            Found::Key(_) | Found::Unknown => None,
        }
    }

    /// The module names `from` imports, for help texts.
    pub fn modules_of(&self, from: FileId) -> Vec<&str> {
        self.modules
            .get(&from)
            .into_iter()
            .flatten()
            .map(|(m, _)| m.as_str())
            .collect()
    }
}

impl Names {
    /// Records that `file` defines `name` (once per file).
    pub fn declare(&mut self, name: &str, file: FileId) {
        let defs = self.by_name.entry(name.to_string()).or_default();
        if !defs.iter().any(|(f, _)| *f == file) {
            defs.push((file, String::new()));
        }
    }

    /// The key of `file`'s definition of `name` (after `assign_keys`).
    pub fn key<'n>(&'n self, name: &'n str, file: FileId) -> &'n str {
        self.by_name
            .get(name)
            .and_then(|defs| defs.iter().find(|(f, _)| *f == file))
            .map_or(name, |(_, k)| k.as_str())
    }

    /// Every name with a definition (as written, unqualified).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}
