//! Resolve: from parsed files to concrete resources. Builds the symbol
//! tables, expands series (sizes x variants) and matrices (`for`), applies
//! inheritance, mixins and the definition's own fields in that order, and
//! reports unknown names, cycles, duplicates and mixin conflicts.
//!
//! It does not know Kubernetes: kinds, derived labels and YAML are lowering's.

mod arith;
mod derived;
mod effects;
mod evaluate;
mod expand;
mod hints;
mod load;
mod overlay;
mod placement;
pub mod scope;
mod std_index;
mod trace;
mod tree;
mod whens;

use crate::hash::HashMap;
use std::rc::Rc;

use crate::hash::IndexSet;

pub use derived::derived_labels;
pub use effects::SERIES_DECLARATION;
pub use load::{load, load_with, EmbeddedModule, ParsedFile, Root, ALWAYS_LOADED, STDLIB};
pub use std_index::{
    import_help, kind_plural, parse_std, std_index, StdIndex, StdModule, REFERENCE_PAGE,
};
pub use trace::{Action, Assignment, Cell, Provenance, Via};

use crate::diagnostic::Diagnostic;
use crate::release::Release;
use crate::source::{FileId, Span};
use crate::suggest::closest;
use crate::syntax::ast::*;
use crate::value::{Node, Value};
use scope::{Found, NameTables, Names, Scopes};
use tree::{
    eval_scalar, interpolate, leaves, merge, set_path, unknown_variable, unset_path, Env, Globals,
};

/// One concrete instance type or preference, before lowering.
#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: Kind,
    pub name: String,
    /// Where the resource is defined (its definition or its table row).
    pub span: Span,
    /// A map with `metadata` and `spec`.
    pub tree: Node,
    /// Named properties that derive rules can read as `@name` (`size`).
    pub attributes: Vec<(String, String)>,
    /// A series' declared vCPU:memory ratio (`ratio 1:4`), for the checker.
    pub ratio: Option<Ratio>,
    /// Every `use` that brought mixins into the resource (its ancestors'
    /// first), as (mixin, span of the name in the `use`): the checker
    /// reports a fault that a mixin brings in at the `use`.
    pub uses: Rc<Vec<(String, Span)>>,
    /// The table row (or matrix combination) that made the resource, for
    /// the `patch`es that apply to it; empty when the catalog has none.
    pub row: Rc<Row>,
    /// Every `unset` that applied to the resource (its ancestors' first), as
    /// (the field path it removed, the `unset`'s path): the checker blames
    /// a required field that is missing on the `unset` that removed it.
    pub unsets: Unsets,
}

/// The `unset`s that applied to a resource: (the field path removed, the
/// `unset`'s path).
pub type Unsets = Rc<Vec<(Vec<String>, Span)>>;

/// A mixin as the checker needs it: where its body is, and what it uses.
#[derive(Debug, Clone)]
pub struct MixinInfo {
    pub body: Span,
    pub uses: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub cpu: u32,
    pub memory_gib: u32,
    pub span: Span,
}

/// Everything lowering needs: the resources, the derive rules and how the
/// release is named and stamped.
pub struct Catalog {
    pub resources: Vec<Resource>,
    pub derive_rules: Vec<(Kind, DeriveRule)>,
    pub mixins: HashMap<String, MixinInfo>,
    pub release: Release,
    /// Resources that a `remove` took out, with the `remove` that did, in
    /// order: the checker names them when what is left falls short.
    pub removed: Vec<(Resource, Span)>,
    /// Where every field of every resource came from; only when asked for
    /// (see [`resolve_traced`]).
    pub provenance: Option<Provenance>,
}

/// A resource-to-be: a definition (or series) with one row of its matrix.
struct Instance<'a> {
    kind: Kind,
    name: String,
    span: Span,
    is_abstract: bool,
    row: Vec<(String, Node)>,
    origin: Origin<'a>,
    attributes: Vec<(String, String)>,
    ratio: Option<Ratio>,
}

enum Origin<'a> {
    /// A series and its ancestors, root first.
    Series(Vec<&'a SeriesDef>),
    Definition {
        def: &'a Definition,
        parent: Option<(String, Span)>,
    },
}

/// Longer chains of parents than any catalog needs; resolution recurses once
/// per level, so this also keeps it far from the end of the stack.
const MAX_INHERITANCE_DEPTH: usize = 256;

/// More combinations than any matrix of a real catalog makes: beyond this,
/// a `for` is more likely a mistake than a catalog.
const MAX_MATRIX_SIZE: usize = 10_000;

/// A table row or matrix combination: (column, value) pairs.
type Row = Vec<(String, Node)>;

struct Table<'a> {
    def: &'a TableDef,
    /// Each row as (column, value), the first column being the row's key.
    rows: Vec<Vec<(String, Node)>>,
}

impl Table<'_> {
    fn key(row: &[(String, Node)]) -> String {
        row.first()
            .and_then(|(_, v)| v.value.as_text())
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Symbols<'a> {
    /// Which definition a name means where it is written (see [`scope`]).
    scopes: Rc<Scopes>,
    globals: Rc<Globals>,
    /// By name: the alias for both kinds, for instance types, for preferences.
    aliases: HashMap<String, [Option<&'a AliasDef>; 3]>,
    /// Mixins and tables by key (their name, or `module::name` where several
    /// files define the name: see [`Names`]).
    mixins: HashMap<String, &'a MixinDef>,
    mixin_names: Names,
    tables: HashMap<String, Table<'a>>,
    table_names: Names,
    series: HashMap<String, &'a SeriesDef>,
    definitions: Vec<&'a Definition>,
    derive_rules: Vec<(Kind, DeriveRule)>,
    /// `patch` and `remove` items, in the order they apply (see
    /// [`ParsedFile::import_rank`]).
    overlays: Vec<Overlay<'a>>,
    /// The root file's `release` block, and those of imported files.
    releases: Vec<(FileId, &'a ReleaseDef)>,
    /// Each file's [`ParsedFile::import_rank`].
    import_ranks: HashMap<FileId, usize>,
}

#[derive(Clone, Copy)]
enum Overlay<'a> {
    Patch(&'a PatchDef),
    Remove(&'a RemoveDef),
}

pub fn resolve(files: &[ParsedFile], diags: &mut Vec<Diagnostic>) -> Catalog {
    resolve_with(files, diags, false)
}

/// [`resolve`], recording the [`Provenance`] of every field (for `citc show`).
pub fn resolve_traced(files: &[ParsedFile], diags: &mut Vec<Diagnostic>) -> Catalog {
    resolve_with(files, diags, true)
}

fn resolve_with(files: &[ParsedFile], diags: &mut Vec<Diagnostic>, traced: bool) -> Catalog {
    let mut resolver = Resolver {
        symbols: Symbols::default(),
        diags,
        memo: HashMap::default(),
        in_progress: IndexSet::default(),
        level_uses: Vec::new(),
        use_sites: HashMap::default(),
        level_unsets: Vec::new(),
        patch_columns: Default::default(),
        map_paths: Vec::new(),
        unset_sites: HashMap::default(),
        static_mixins: HashMap::default(),
        static_flags: HashMap::default(),
        trace: None,
    };
    resolver.collect(files);
    if traced {
        resolver.start_trace();
    }
    resolver.check_whens();
    resolver.check_placement();
    let instances = resolver.expand();
    let resources = resolver.evaluate(&instances);
    let (resources, removed) = resolver.apply_overlays(resources);
    let release = resolver.release(files.first().map(|f| f.id));
    hints::explain_unbound_locals(files, resolver.diags);
    // Only for a catalog that resolves: an error usually stops what would
    // have read them.
    if !resolver.diags.iter().any(Diagnostic::is_error) {
        resolver.check_effects(files);
    }
    let mixins = resolver
        .symbols
        .mixins
        .iter()
        .map(|(name, def)| {
            let uses = def
                .body
                .statements
                .iter()
                .flat_map(|statement| match statement {
                    Statement::Use(names) => names.iter().map(|n| n.name.clone()).collect(),
                    _ => Vec::new(),
                })
                .collect();
            (
                name.clone(),
                MixinInfo {
                    body: def.body.span,
                    uses,
                },
            )
        })
        .collect();
    Catalog {
        resources,
        derive_rules: std::mem::take(&mut resolver.symbols.derive_rules),
        mixins,
        release,
        removed,
        provenance: resolver.trace.map(|t| t.out),
    }
}

struct Resolver<'a, 'd> {
    symbols: Symbols<'a>,
    diags: &'d mut Vec<Diagnostic>,
    /// Resolved trees of preferences and instance types, by name.
    memo: HashMap<String, Option<Node>>,
    /// The instances being resolved, innermost last (for cycle chains).
    in_progress: IndexSet<String>,
    /// The `use`s of the instance being resolved, level by level.
    level_uses: Vec<(String, Span)>,
    /// The `unset`s of the instance being resolved (see [`Resource::unsets`]).
    level_unsets: Vec<(Vec<String>, Span)>,
    /// While a `patch` applies: the columns of the rows of the resources it
    /// selects (a `when` on one of them skips a resource without it).
    patch_columns: crate::hash::HashSet<String>,
    /// The full paths of the map literals being evaluated, innermost last,
    /// for messages about a statement inside one.
    map_paths: Vec<String>,
    unset_sites: HashMap<String, Unsets>,
    /// Each resolved instance's `use`s, its ancestors' included, by name.
    use_sites: HashMap<String, Rc<Vec<(String, Span)>>>,
    /// Trees of mixins that read no variable, by name and kind: evaluated
    /// once and shared by every definition that uses them.
    static_mixins: HashMap<(String, Kind), Option<Node>>,
    /// Whether each mixin is static (see `is_static_mixin`), by name.
    static_flags: HashMap<String, bool>,
    /// Provenance being recorded; `None` (the build) records nothing.
    trace: Option<Box<trace::Tracer>>,
}

/// Resolution recurses along chains of mixins, which the input can make as
/// long as it likes: past this much stack left, the recursion continues on
/// a fresh heap-allocated segment instead of overflowing.
const STACK_RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Registers a definition under `key` in a namespace, reporting a
/// duplicate (a second definition in one file) with both places.
fn register<T>(
    map: &mut HashMap<String, T>,
    key: &str,
    name: &Ident,
    value: T,
    span_of: impl Fn(&T) -> Span,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(existing) = map.get(key) {
        diags.push(
            Diagnostic::new(
                "E0108",
                name.span,
                format!("the {what} `{}` is defined twice", name.name),
            )
            .label("defined again here")
            .with_secondary(span_of(existing), "first defined here")
            .help(format!("rename one of the two {what}s")),
        );
        return;
    }
    map.insert(key.to_string(), value);
}

impl<'a> Resolver<'a, '_> {
    /// Turns provenance recording on, once the tables and aliases are known.
    fn start_trace(&mut self) {
        let mut tracer = trace::Tracer::new(self.symbols.tables.iter());
        for (name, slots) in &self.symbols.aliases {
            for def in slots.iter().flatten() {
                let keys = def.target.segments.iter().map(|s| s.name.clone()).collect();
                tracer.out.aliases.push((name.clone(), def.kind, keys));
            }
        }
        self.trace = Some(Box::new(tracer));
    }

    // ------------------------------------------------------------ symbols

    fn collect(&mut self, files: &'a [ParsedFile]) {
        self.declare_names(files);
        let mut overlays = Vec::new();
        for file in files {
            self.symbols.import_ranks.insert(file.id, file.import_rank);
            for item in &file.ast.items {
                match item {
                    Item::Patch(def) => overlays.push((file.import_rank, Overlay::Patch(def))),
                    Item::Remove(def) => overlays.push((file.import_rank, Overlay::Remove(def))),
                    Item::Release(def) => self.symbols.releases.push((file.id, def)),
                    // The checker reads the schema and allowances from the AST.
                    Item::Import(_) | Item::Type(_) | Item::Schema(_) | Item::Allow(_) => {}
                    Item::Let(def) => {
                        let key = self.symbols.globals.names.key(&def.name.name, file.id);
                        if let Some(first) = self.symbols.globals.values.get(key) {
                            self.diags.push(
                                Diagnostic::new(
                                    "E0108",
                                    def.name.span,
                                    format!("the constant `{}` is defined twice", def.name.name),
                                )
                                .label("defined again here")
                                .with_secondary(first.span, "first defined here")
                                .help("rename one of the two constants"),
                            );
                            continue;
                        }
                        let key = key.to_string();
                        let globals = Rc::clone(&self.symbols.globals);
                        let env = Env {
                            row: Vec::new(),
                            globals: &globals,
                        };
                        let value = match &def.value {
                            Expr::Map(block) => self.eval_block(block, &env, None),
                            other => eval_scalar(other, &env)
                                .map_err(|d| self.diags.push(d))
                                .ok(),
                        };
                        drop(env);
                        drop(globals);
                        if let Some(value) = value {
                            Rc::make_mut(&mut self.symbols.globals)
                                .values
                                .insert(key, value);
                        }
                    }
                    Item::Alias(def) => {
                        let slots = self
                            .symbols
                            .aliases
                            .entry(def.name.name.clone())
                            .or_default();
                        let slot = &mut slots[alias_slot(def.kind)];
                        if let Some(first) = slot {
                            self.diags.push(
                                Diagnostic::new(
                                    "E0108",
                                    def.name.span,
                                    format!("the alias `{}` is defined twice", def.name.name),
                                )
                                .label("defined again here")
                                .with_secondary(first.name.span, "first defined here")
                                .help("rename one of the two aliases"),
                            );
                            continue;
                        }
                        *slot = Some(def);
                    }
                    Item::Mixin(def) => register(
                        &mut self.symbols.mixins,
                        self.symbols.mixin_names.key(&def.name.name, file.id),
                        &def.name,
                        def,
                        |d| d.name.span,
                        "mixin",
                        self.diags,
                    ),
                    Item::Table(def) => {
                        let table = self.table(def);
                        register(
                            &mut self.symbols.tables,
                            self.symbols.table_names.key(&def.name.name, file.id),
                            &def.name,
                            table,
                            |t| t.def.name.span,
                            "table",
                            self.diags,
                        )
                    }
                    Item::Series(def) => register(
                        &mut self.symbols.series,
                        &def.name.name,
                        &def.name,
                        def,
                        |d| d.name.span,
                        "series",
                        self.diags,
                    ),
                    Item::Definition(def) => self.symbols.definitions.push(def),
                    Item::Derive(def) => self
                        .symbols
                        .derive_rules
                        .extend(def.rules.iter().map(|r| (def.kind, r.clone()))),
                }
            }
        }
        // Stable: in source order within a file.
        overlays.sort_by_key(|(rank, _)| *rank);
        self.symbols.overlays = overlays.into_iter().map(|(_, o)| o).collect();
    }

    /// Records which files define which mixins, tables and constants, and
    /// gives each definition its key, before any is evaluated: a name's key
    /// depends on whether another file defines it too.
    fn declare_names(&mut self, files: &[ParsedFile]) {
        let tables = NameTables::new(files);
        let scopes = Rc::new(tables.scopes);
        self.symbols.mixin_names = tables.mixins;
        self.symbols.table_names = tables.tables;
        self.symbols.globals = Rc::new(Globals {
            values: Default::default(),
            names: tables.globals,
            scopes: Rc::clone(&scopes),
        });
        self.symbols.scopes = scopes;
    }

    /// The key of the mixin `name` means where it is written, if any.
    fn mixin_key(&self, name: &Ident) -> Option<String> {
        match self
            .symbols
            .scopes
            .find(&self.symbols.mixin_names, name.span.file, &name.name)
        {
            Found::Key(key) => Some(key.to_string()),
            _ => None,
        }
    }

    /// The mixin `name` means where it is written, if any.
    fn mixin(&self, name: &Ident) -> Option<&'a MixinDef> {
        self.mixin_key(name)
            .and_then(|key| self.symbols.mixins.get(&key).copied())
    }

    /// The table `name` means where it is written, if any.
    fn table_named(&self, name: &Ident) -> Option<&Table<'a>> {
        match self
            .symbols
            .scopes
            .find(&self.symbols.table_names, name.span.file, &name.name)
        {
            Found::Key(key) => self.symbols.tables.get(key),
            _ => None,
        }
    }

    fn table(&mut self, def: &'a TableDef) -> Table<'a> {
        let env = Env {
            row: Vec::new(),
            globals: &self.symbols.globals,
        };
        let mut rows = Vec::new();
        for row in &def.rows {
            if row.cells.len() != def.columns.len() {
                self.diags.push(
                    Diagnostic::new(
                        "E0110",
                        row.span,
                        format!(
                            "this row has {} cells but table `{}` has {} columns",
                            row.cells.len(),
                            def.name.name,
                            def.columns.len()
                        ),
                    )
                    .label(format!("{} cells", row.cells.len()))
                    .with_secondary(def.name.span, format!("columns: {}", column_list(def)))
                    .help(format!("write one value per column: {}", column_list(def))),
                );
                continue;
            }
            let mut values = Vec::with_capacity(row.cells.len());
            for (column, cell) in def.columns.iter().zip(&row.cells) {
                match eval_scalar(cell, &env) {
                    Ok(v) => values.push((column.name.clone(), v)),
                    Err(d) => self.diags.push(d),
                }
            }
            if values.len() == def.columns.len() {
                rows.push(values);
            }
        }
        Table { def, rows }
    }

    fn lookup_table(&mut self, name: &Ident) -> Option<&Table<'a>> {
        if let Some(diag) = self.symbols.scopes.unsettled(
            &self.symbols.table_names,
            "table",
            &name.name,
            name.span,
            "E0104",
        ) {
            self.diags.push(diag);
            return None;
        }
        if self.table_named(name).is_none() {
            let help = hints::unknown_name_help(
                "table",
                &name.name,
                self.symbols.table_names.names(),
                "define it with `table NAME (columns) { rows }`",
            );
            self.diags.push(
                Diagnostic::new("E0104", name.span, format!("unknown table `{}`", name.name))
                    .label("no such table")
                    .help(help),
            );
        }
        self.table_named(name)
    }
}

/// Whether evaluating `expr` reads a variable (directly, in `${...}`, or
/// inside a map or list).
fn reads_variables(expr: &Expr) -> bool {
    match expr {
        Expr::Variable(_) => true,
        Expr::Binary(b) => reads_variables(&b.lhs) || reads_variables(&b.rhs),
        Expr::Text(text) => text
            .parts
            .iter()
            .any(|p| matches!(p, TextPart::Variable(_))),
        Expr::List(items, _) => items.iter().any(reads_variables),
        Expr::Map(block) => block.statements.iter().any(|s| match s {
            Statement::Assign { value, .. } => reads_variables(value),
            _ => true,
        }),
        Expr::Word(..) | Expr::Int(..) | Expr::Float(..) | Expr::Bool(..) | Expr::Quantity(..) => {
            false
        }
    }
}

/// Where an alias for `kind` lives in the alias table's slots.
fn alias_slot(kind: Option<Kind>) -> usize {
    match kind {
        None => 0,
        Some(Kind::Instancetype) => 1,
        Some(Kind::Preference) => 2,
    }
}

fn column_list(def: &TableDef) -> String {
    def.columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Word(w, _) => w.clone(),
        Expr::Text(t) => t.as_literal().unwrap_or_default(),
        Expr::Int(i, _) => i.to_string(),
        Expr::Quantity(q, _) => q.clone(),
        _ => "?".to_string(),
    }
}

fn show(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => format!("{s:?}"),
        Value::Map(m) if m.is_empty() => "{}".to_string(),
        Value::Map(_) => "a map".to_string(),
        Value::List(_) => "a list".to_string(),
        other => other.as_text().unwrap_or_default(),
    }
}
