//! The standard library's modules and where std defines each name, for
//! the help lines of unknown names (E0102, E0104, E0105, E0113) and for
//! `citc doc`. The index is built on the first such error only: a catalog
//! that resolves never parses a module it did not import.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::STDLIB;
use crate::source::FileId;
use crate::syntax::ast;

/// The reference page, as linked from help lines and the docs.
pub const REFERENCE_PAGE: &str = "grammar/STD.md";

/// One embedded std module and its AST.
pub struct StdModule {
    /// `std/kubevirt`.
    pub name: &'static str,
    pub text: &'static str,
    pub ast: ast::File,
}

/// Every embedded module with its AST (parsed when the binary was built).
pub fn parse_std() -> Vec<StdModule> {
    STDLIB
        .iter()
        .enumerate()
        .map(|(i, m)| StdModule {
            name: m.module,
            text: m.text,
            ast: m.ast(FileId(u32::MAX - i as u32)),
        })
        .collect()
}

/// Which std module defines each name, by namespace.
#[derive(Default)]
pub struct StdIndex {
    mixins: HashMap<String, &'static str>,
    tables: HashMap<String, &'static str>,
    constants: HashMap<String, &'static str>,
    /// By alias name: (module, the kind it is for; `None` for both).
    aliases: HashMap<String, Vec<(&'static str, Option<ast::Kind>)>>,
}

/// The index of the embedded std modules, parsed on first use.
pub fn std_index() -> &'static StdIndex {
    static INDEX: OnceLock<StdIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = StdIndex::default();
        for module in parse_std() {
            for item in &module.ast.items {
                let name = module.name;
                match item {
                    ast::Item::Mixin(def) => {
                        index.mixins.insert(def.name.name.clone(), name);
                    }
                    ast::Item::Table(def) => {
                        index.tables.insert(def.name.name.clone(), name);
                    }
                    ast::Item::Let(def) => {
                        index.constants.insert(def.name.name.clone(), name);
                    }
                    ast::Item::Alias(def) => index
                        .aliases
                        .entry(def.name.name.clone())
                        .or_default()
                        .push((name, def.kind)),
                    _ => {}
                }
            }
        }
        index
    })
}

impl StdIndex {
    pub fn mixin(&self, name: &str) -> Option<&'static str> {
        self.mixins.get(name).copied()
    }

    pub fn table(&self, name: &str) -> Option<&'static str> {
        self.tables.get(name).copied()
    }

    pub fn constant(&self, name: &str) -> Option<&'static str> {
        self.constants.get(name).copied()
    }

    pub fn mixin_names(&self) -> impl Iterator<Item = &str> {
        self.mixins.keys().map(String::as_str)
    }

    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// The module that defines alias `name` for `kind` (or for both kinds).
    pub fn alias_for(&self, name: &str, kind: ast::Kind) -> Option<&'static str> {
        self.aliases
            .get(name)?
            .iter()
            .find(|(_, k)| k.is_none_or(|k| k == kind))
            .map(|(module, _)| *module)
    }

    /// The module and kind of an alias `name` that std defines only for
    /// the other kind than `kind`.
    pub fn alias_of_other_kind(
        &self,
        name: &str,
        kind: ast::Kind,
    ) -> Option<(&'static str, ast::Kind)> {
        if self.alias_for(name, kind).is_some() {
            return None;
        }
        self.aliases
            .get(name)?
            .iter()
            .find_map(|(module, k)| k.map(|k| (*module, k)))
    }

    /// The names of std's aliases valid for `kind`, sorted.
    pub fn alias_names(&self, kind: ast::Kind) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .aliases
            .keys()
            .map(String::as_str)
            .filter(|name| self.alias_for(name, kind).is_some())
            .collect();
        names.sort_unstable();
        names
    }
}

/// The help line for a name that a std module defines but the catalog
/// does not import.
pub fn import_help(what: &str, name: &str, module: &str) -> String {
    format!("the {what} `{name}` is defined in {module}: add `import \"{module}\"`")
}

/// The plural a person reads for a kind: "instance types", "preferences".
pub fn kind_plural(kind: ast::Kind) -> &'static str {
    match kind {
        ast::Kind::Instancetype => "instance types",
        ast::Kind::Preference => "preferences",
    }
}
