//! Doc: generated documents. What the standard library offers, read from
//! the embedded modules with the compiler's own parser; and what a catalog
//! holds, written from its analysis and lowered documents (the same
//! pipeline as `citc build`, never a second one).
//!
//! - [`std_reference`]: the Markdown reference of every std module
//!   (`citc doc std`, committed as `grammar/STD.md`).
//! - [`readme`]: the "## Resources" section of upstream's README.md, as
//!   upstream's scripts/readme.sh writes it (`citc doc readme`).
//! - [`series`]: the "# Series" table and the series diagram of the README,
//!   from the specs and the catalog's `readme_series` (`citc doc readme`).
//! - [`labels`]: the labels of a catalog, derived or set by hand, in the
//!   style of upstream's docs/labels.md (`citc doc labels`).
//! - [`html`]: a static site of a catalog to choose from: series, size
//!   grid, resources with their YAML, filters (`citc doc html`).
//! - [`std_index`]: where std defines a name, for the help lines of unknown
//!   names (E0102, E0104, E0105, E0113). Built on the first such error only:
//!   a catalog that resolves never parses a module it did not import.

pub mod features;
pub mod html;
pub mod labels;
pub mod readme;
pub mod series;
mod std_reference;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use std_reference::std_reference;

use crate::resolve::STDLIB;
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

/// The `//` comment right above the item whose first line holds `offset`,
/// without the markers; lines that are only `//` separate paragraphs. A run
/// of one-line items of the same keyword with no blank line between them
/// (the aliases of one group) shares the comment above the run.
pub fn doc_comment(text: &str, offset: usize) -> String {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let keyword = |line: &str| {
        line.trim_start()
            .trim_start_matches("abstract ")
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let own_line = text[line_start..].lines().next().unwrap_or_default();
    let own_keyword = keyword(own_line);
    let mut lines: Vec<&str> = Vec::new();
    for line in text[..line_start].lines().rev() {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix("//") {
            lines.push(comment.strip_prefix(' ').unwrap_or(comment));
        } else if lines.is_empty()
            && !trimmed.is_empty()
            && !trimmed.ends_with('{')
            && keyword(trimmed) == own_keyword
        {
            continue;
        } else {
            break;
        }
    }
    lines.reverse();
    lines.join("\n")
}

/// A module's own comment: the comment lines at the top of its file, when a
/// blank line separates them from the first item.
pub fn module_comment(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        match line.trim().strip_prefix("//") {
            Some(comment) => lines.push(comment.strip_prefix(' ').unwrap_or(comment)),
            None if line.trim().is_empty() => return lines.join("\n"),
            None => return String::new(),
        }
    }
    lines.join("\n")
}
