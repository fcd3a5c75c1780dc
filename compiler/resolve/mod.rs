//! Resolve: from parsed files to concrete resources. Builds the symbol
//! tables, expands series (sizes x variants) and matrices (`for`), applies
//! inheritance, mixins and the definition's own fields in that order, and
//! reports unknown names, cycles, duplicates and mixin conflicts.
//!
//! It does not know Kubernetes: kinds, derived labels and YAML are lowering's.

mod hints;
mod load;
mod tree;

use indexmap::IndexSet;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use indexmap::IndexMap;

pub use load::{load, ParsedFile, Root, ALWAYS_LOADED, STDLIB};

use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::suggest::closest;
use crate::syntax::ast::*;
use crate::value::{Node, Value};
use tree::{eval_scalar, interpolate, leaves, merge, set_path, unknown_variable, Env};

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
}

#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub cpu: u32,
    pub memory_gib: u32,
    pub span: Span,
}

/// Everything lowering needs: the resources and the derive rules.
pub struct Catalog {
    pub resources: Vec<Resource>,
    pub derive_rules: Vec<(Kind, DeriveRule)>,
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
    globals: Rc<IndexMap<String, Node>>,
    /// By name: the alias for both kinds, for instance types, for preferences.
    aliases: HashMap<String, [Option<&'a AliasDef>; 3]>,
    mixins: HashMap<String, &'a MixinDef>,
    tables: HashMap<String, Table<'a>>,
    series: HashMap<String, &'a SeriesDef>,
    definitions: Vec<&'a Definition>,
    derive_rules: Vec<(Kind, DeriveRule)>,
}

pub fn resolve(files: &[ParsedFile], diags: &mut Vec<Diagnostic>) -> Catalog {
    let mut resolver = Resolver {
        symbols: Symbols::default(),
        diags,
        memo: HashMap::new(),
        in_progress: HashSet::new(),
        static_mixins: HashMap::new(),
        static_flags: HashMap::new(),
    };
    resolver.collect(files);
    let instances = resolver.expand();
    let resources = resolver.evaluate(&instances);
    Catalog {
        resources,
        derive_rules: std::mem::take(&mut resolver.symbols.derive_rules),
    }
}

struct Resolver<'a, 'd> {
    symbols: Symbols<'a>,
    diags: &'d mut Vec<Diagnostic>,
    /// Resolved trees of preferences and instance types, by name.
    memo: HashMap<String, Option<Node>>,
    in_progress: HashSet<String>,
    /// Trees of mixins that read no variable, by name and kind: evaluated
    /// once and shared by every definition that uses them.
    static_mixins: HashMap<(String, Kind), Option<Node>>,
    /// Whether each mixin is static (see `is_static_mixin`), by name.
    static_flags: HashMap<String, bool>,
}

/// Resolution recurses along chains of mixins, which the input can make as
/// long as it likes: past this much stack left, the recursion continues on
/// a fresh heap-allocated segment instead of overflowing.
const STACK_RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Registers `name` in a namespace, reporting a duplicate with both places.
fn register<T>(
    map: &mut HashMap<String, T>,
    name: &Ident,
    value: T,
    span_of: impl Fn(&T) -> Span,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(existing) = map.get(&name.name) {
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
    map.insert(name.name.clone(), value);
}

impl<'a> Resolver<'a, '_> {
    // ------------------------------------------------------------ symbols

    fn collect(&mut self, files: &'a [ParsedFile]) {
        let mut let_spans: HashMap<String, Span> = HashMap::new();
        for file in files {
            for item in &file.ast.items {
                match item {
                    // The checker reads the schema and allowances from the AST.
                    Item::Import(_) | Item::Type(_) | Item::Schema(_) | Item::Allow(_) => {}
                    Item::Let(def) => {
                        if let Some(first) = let_spans.get(&def.name.name) {
                            self.diags.push(
                                Diagnostic::new(
                                    "E0108",
                                    def.name.span,
                                    format!("the constant `{}` is defined twice", def.name.name),
                                )
                                .label("defined again here")
                                .with_secondary(*first, "first defined here")
                                .help("rename one of the two constants"),
                            );
                            continue;
                        }
                        let_spans.insert(def.name.name.clone(), def.name.span);
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
                                .insert(def.name.name.clone(), value);
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
                            &def.name,
                            table,
                            |t| t.def.name.span,
                            "table",
                            self.diags,
                        )
                    }
                    Item::Series(def) => register(
                        &mut self.symbols.series,
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
        if !self.symbols.tables.contains_key(&name.name) {
            let help = hints::unknown_name_help(
                "table",
                &name.name,
                self.symbols.tables.keys().map(String::as_str),
                "define it with `table NAME (columns) { rows }`",
            );
            self.diags.push(
                Diagnostic::new("E0104", name.span, format!("unknown table `{}`", name.name))
                    .label("no such table")
                    .help(help),
            );
        }
        self.symbols.tables.get(&name.name)
    }

    // ---------------------------------------------------------- expansion

    /// Turns series and definitions into one instance per row of their matrix.
    fn expand(&mut self) -> Vec<Instance<'a>> {
        let mut instances = Vec::new();
        let mut series: Vec<&'a SeriesDef> = self.symbols.series.values().copied().collect();
        series.sort_by_key(|s| (s.span.file, s.span.start));
        for def in series {
            if !def.is_abstract {
                self.expand_series(def, &mut instances);
            }
        }
        let definitions = self.symbols.definitions.clone();
        for def in definitions {
            self.expand_definition(def, &mut instances);
        }
        instances
    }

    /// The series and its ancestors, root first; `None` after reporting a
    /// cycle or a missing parent.
    fn series_chain(&mut self, def: &'a SeriesDef) -> Option<Vec<&'a SeriesDef>> {
        let mut chain = vec![def];
        let mut seen = HashSet::from([def.name.name.as_str()]);
        let mut current = def;
        while let Some(parent) = &current.parent {
            let Some(next) = self.symbols.series.get(&parent.name).copied() else {
                let help =
                    match closest(&parent.name, self.symbols.series.keys().map(String::as_str)) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "a series can only be based on another series".to_string(),
                    };
                self.diags.push(
                    Diagnostic::new(
                        "E0103",
                        parent.span,
                        format!("unknown parent series `{}`", parent.name),
                    )
                    .label("no such series")
                    .help(help),
                );
                return None;
            };
            if !seen.insert(next.name.name.as_str()) {
                let names: Vec<&str> = chain.iter().map(|s| s.name.name.as_str()).collect();
                self.diags.push(
                    Diagnostic::new(
                        "E0106",
                        def.name.span,
                        format!("series `{}` inherits from itself", def.name.name),
                    )
                    .label("part of an inheritance cycle")
                    .with_secondary(
                        parent.span,
                        format!(
                            "`{}` closes the cycle {} -> {}",
                            current.name.name,
                            names.join(" -> "),
                            next.name.name
                        ),
                    )
                    .help("inheritance must form a tree: remove one of the parents"),
                );
                return None;
            }
            chain.push(next);
            current = next;
        }
        chain.reverse();
        Some(chain)
    }

    fn expand_series(&mut self, def: &'a SeriesDef, out: &mut Vec<Instance<'a>>) {
        let Some(chain) = self.series_chain(def) else {
            return;
        };
        // The nearest `sizes` and `variants` statements win.
        let mut sizes = None;
        let mut variants = None;
        let mut ratio = None;
        for series in chain.iter().rev() {
            for statement in &series.body.statements {
                match statement {
                    Statement::Sizes { table, except, .. } if sizes.is_none() => {
                        sizes = Some((table, except))
                    }
                    Statement::Variants { table, .. } if variants.is_none() => {
                        variants = Some(table)
                    }
                    Statement::Ratio {
                        cpu,
                        memory_gib,
                        span,
                    } if ratio.is_none() => {
                        ratio = Some(Ratio {
                            cpu: *cpu,
                            memory_gib: *memory_gib,
                            span: *span,
                        })
                    }
                    _ => {}
                }
            }
        }
        let Some((size_table, except)) = sizes else {
            self.diags.push(
                Diagnostic::new(
                    "E0112",
                    def.name.span,
                    format!("series `{}` has no sizes", def.name.name),
                )
                .label("no `sizes` statement here or in a parent series")
                .help("add `sizes TABLE` with a table whose first column names the size"),
            );
            return;
        };
        let Some(size_rows) = self.lookup_table(size_table).map(|t| t.rows.clone()) else {
            return;
        };
        let variant_rows = match variants {
            Some(name) => match self.lookup_table(name) {
                Some(t) => t.rows.clone(),
                None => return,
            },
            None => vec![Vec::new()],
        };
        let globals = &self.symbols.globals;
        let mut excluded = HashSet::new();
        for key in except {
            let env = Env {
                row: Vec::new(),
                globals,
            };
            match eval_scalar(key, &env).ok().and_then(|n| n.value.as_text()) {
                Some(k) if size_rows.iter().any(|r| Table::key(r) == k) => {
                    excluded.insert(k);
                }
                _ => self.diags.push(
                    Diagnostic::new(
                        "E0115",
                        key.span(),
                        format!("table `{}` has no row `{}`", size_table.name, describe(key)),
                    )
                    .label("no such size")
                    .help(format!(
                        "sizes of `{}`: {}",
                        size_table.name,
                        size_rows
                            .iter()
                            .map(|r| Table::key(r))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
            }
        }
        for size_row in &size_rows {
            let size_key = Table::key(size_row);
            if excluded.contains(&size_key) {
                continue;
            }
            for variant_row in &variant_rows {
                let size = format!("{size_key}{}", Table::key(variant_row));
                let mut row = size_row.clone();
                row.extend(variant_row.iter().cloned());
                out.push(Instance {
                    kind: Kind::Instancetype,
                    name: format!("{}.{size}", def.name.name),
                    span: def.name.span,
                    is_abstract: false,
                    row,
                    origin: Origin::Series(chain.clone()),
                    attributes: vec![
                        ("size".to_string(), size),
                        ("series".to_string(), def.name.name.clone()),
                    ],
                    ratio,
                });
            }
        }
    }

    fn expand_definition(&mut self, def: &'a Definition, out: &mut Vec<Instance<'a>>) {
        let rows = match &def.matrix {
            None => vec![Vec::new()],
            Some(matrix) => match self.matrix_rows(matrix) {
                Some(rows) => rows,
                None => return,
            },
        };
        for row in rows {
            let env = Env {
                row,
                globals: &self.symbols.globals,
            };
            let name = match interpolate(&def.name, &env) {
                Ok(name) => name,
                Err(d) => {
                    self.diags.push(d);
                    return;
                }
            };
            let parent = match &def.parent {
                Some(text) => match interpolate(text, &env) {
                    Ok(p) => Some((p, text.span)),
                    Err(d) => {
                        self.diags.push(d);
                        return;
                    }
                },
                None => None,
            };
            out.push(Instance {
                kind: def.kind,
                name,
                span: def.name.span,
                is_abstract: def.is_abstract,
                row: env.row,
                origin: Origin::Definition { def, parent },
                attributes: Vec::new(),
                ratio: None,
            });
        }
    }

    /// The cross product of the matrix's tables, minus the `except` tuples.
    fn matrix_rows(&mut self, matrix: &Matrix) -> Option<Vec<Vec<(String, Node)>>> {
        let mut tables = Vec::new();
        for name in &matrix.tables {
            tables.push((name.name.clone(), self.lookup_table(name)?.rows.clone()));
        }
        let mut excluded: Vec<Vec<String>> = Vec::new();
        for tuple in &matrix.except {
            let env = Env {
                row: Vec::new(),
                globals: &self.symbols.globals,
            };
            let mut keys = Vec::new();
            for (i, cell) in tuple.iter().enumerate() {
                let key = eval_scalar(cell, &env)
                    .ok()
                    .and_then(|n| n.value.as_text())
                    .unwrap_or_default();
                match tables.get(i) {
                    Some((name, rows)) if !rows.iter().any(|r| Table::key(r) == key) => {
                        self.diags.push(
                            Diagnostic::new(
                                "E0115",
                                cell.span(),
                                format!("table `{name}` has no row `{key}`"),
                            )
                            .label("no such row")
                            .help(format!(
                                "rows of `{name}`: {}",
                                rows.iter()
                                    .map(|r| Table::key(r))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        )
                    }
                    None => self.diags.push(
                        Diagnostic::new(
                            "E0115",
                            cell.span(),
                            format!(
                                "the matrix has {} tables, this tuple has more keys",
                                tables.len()
                            ),
                        )
                        .label("extra key")
                        .help("write one row key per table of the matrix, in order"),
                    ),
                    _ => {}
                }
                keys.push(key);
            }
            excluded.push(keys);
        }
        // Each combination: its row keys (for `except`) and its variables.
        let combinations = tables
            .iter()
            .try_fold(1usize, |n, (_, rows)| n.checked_mul(rows.len()));
        if combinations.is_none_or(|n| n > MAX_MATRIX_SIZE) {
            self.diags.push(
                Diagnostic::new(
                    "E0117",
                    matrix.span,
                    format!("this matrix makes more than {MAX_MATRIX_SIZE} combinations"),
                )
                .label("too many combinations")
                .help("split the definition, or leave rows out of its tables"),
            );
            return None;
        }
        let mut product: Vec<(Vec<String>, Row)> = vec![(Vec::new(), Vec::new())];
        for (_, rows) in &tables {
            let mut next = Vec::with_capacity(product.len() * rows.len());
            for (keys, vars) in &product {
                for row in rows {
                    let mut keys = keys.clone();
                    keys.push(Table::key(row));
                    let mut vars = vars.clone();
                    vars.extend(row.iter().cloned());
                    next.push((keys, vars));
                }
            }
            product = next;
        }
        Some(
            product
                .into_iter()
                .filter(|(keys, _)| !excluded.iter().any(|ex| ex == keys))
                .map(|(_, vars)| vars)
                .collect(),
        )
    }

    // --------------------------------------------------------- evaluation

    fn evaluate(&mut self, instances: &[Instance<'a>]) -> Vec<Resource> {
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for (index, instance) in instances.iter().enumerate() {
            if let Some(&first) = by_name.get(instance.name.as_str()) {
                let first = &instances[first];
                if first.kind == instance.kind {
                    self.diags.push(
                        Diagnostic::new("E0107", instance.span, format!("two {}s are named `{}`", instance.kind.keyword(), instance.name))
                            .label("this makes the name again")
                            .with_secondary(first.span, "first made here")
                            .help("every resource needs a unique name: rename one, or leave the row out with `except`"),
                    );
                    continue;
                }
            }
            by_name.insert(&instance.name, index);
        }
        let mut resources = Vec::new();
        for instance in instances {
            if instance.is_abstract {
                continue;
            }
            if let Some(tree) = self.instance_tree(instance, instances, &by_name) {
                resources.push(Resource {
                    kind: instance.kind,
                    name: instance.name.clone(),
                    span: instance.span,
                    tree,
                    attributes: instance.attributes.clone(),
                    ratio: instance.ratio,
                });
            }
        }
        resources
    }

    /// The full tree of an instance: parent, then mixins, then its own fields.
    /// Memoized by name so that long inheritance chains are resolved once.
    fn instance_tree(
        &mut self,
        instance: &Instance<'a>,
        all: &[Instance<'a>],
        by_name: &HashMap<&str, usize>,
    ) -> Option<Node> {
        let memo_key = format!("{}/{}", instance.kind.keyword(), instance.name);
        if let Some(done) = self.memo.get(&memo_key) {
            return done.clone();
        }
        // Each level of inheritance is a level of recursion here.
        if self.in_progress.len() >= MAX_INHERITANCE_DEPTH {
            self.diags.push(
                Diagnostic::new(
                    "E0118",
                    instance.span,
                    format!(
                        "`{}` has more than {MAX_INHERITANCE_DEPTH} ancestors",
                        instance.name
                    ),
                )
                .label("inheritance chain too deep")
                .help("share fields through mixins instead of very long chains of parents"),
            );
            self.memo.insert(memo_key, None);
            return None;
        }
        if !self.in_progress.insert(memo_key.clone()) {
            self.diags.push(
                Diagnostic::new(
                    "E0106",
                    instance.span,
                    format!("`{}` inherits from itself", instance.name),
                )
                .label("part of an inheritance cycle")
                .help("inheritance must form a tree: remove one of the parents"),
            );
            self.memo.insert(memo_key, None);
            return None;
        }
        let globals = Rc::clone(&self.symbols.globals);
        let env = Env {
            row: instance.row.clone(),
            globals: &globals,
        };
        let result = match &instance.origin {
            Origin::Series(chain) => {
                let mut tree = Some(Node::empty_map(instance.span));
                for series in chain {
                    tree = tree
                        .and_then(|t| self.apply_level(t, &series.body, &env, Kind::Instancetype));
                }
                tree
            }
            Origin::Definition { def, parent } => {
                let base = match parent {
                    None => Some(Node::empty_map(instance.span)),
                    Some((parent_name, span)) => match by_name.get(parent_name.as_str()) {
                        Some(&index) if all[index].kind == instance.kind => {
                            self.instance_tree(&all[index], all, by_name)
                        }
                        _ => {
                            let candidates = all
                                .iter()
                                .filter(|i| i.kind == instance.kind)
                                .map(|i| i.name.as_str());
                            let help = match closest(parent_name, candidates) {
                                Some(best) => format!("did you mean `{best}`?"),
                                None => format!(
                                    "the parent must be another {}",
                                    instance.kind.keyword()
                                ),
                            };
                            self.diags.push(
                                Diagnostic::new(
                                    "E0103",
                                    *span,
                                    format!("unknown parent `{parent_name}`"),
                                )
                                .label(format!("no {} with this name", instance.kind.keyword()))
                                .help(help),
                            );
                            None
                        }
                    },
                };
                base.and_then(|b| self.apply_level(b, &def.body, &env, def.kind))
            }
        };
        self.in_progress.remove(&memo_key);
        self.memo.insert(memo_key, result.clone());
        result
    }

    /// One level of a definition: `base` (the parent's tree), then its mixins
    /// in order, then its own statements. Two mixins that set one field to
    /// different values are an error unless the statements set it too.
    fn apply_level(&mut self, base: Node, body: &Block, env: &Env, kind: Kind) -> Option<Node> {
        let mut uses = Vec::new();
        let mut assigns = Vec::new();
        self.flatten(body, env, &mut uses, &mut assigns);

        let mut mixed = Node::empty_map(body.span);
        let mut set_by: HashMap<String, (&Ident, Span, Node)> = HashMap::new();
        let mut conflicts = Vec::new();
        let mut ok = true;
        for mixin in &uses {
            let Some(tree) = self.mixin_tree(mixin, env, kind, &mut IndexSet::new()) else {
                ok = false;
                continue;
            };
            let mut mixin_leaves = Vec::new();
            leaves(&tree, &mut Vec::new(), &mut mixin_leaves);
            for (path, leaf) in mixin_leaves {
                if let Some((other, other_span, other_value)) = set_by.get(&path) {
                    if *other_value != *leaf && other.name != mixin.name {
                        conflicts.push((
                            path.clone(),
                            (*other).clone(),
                            *other_span,
                            (*mixin).clone(),
                            leaf.span,
                            other_value.clone(),
                            leaf.clone(),
                        ));
                    }
                }
                set_by.insert(path, (mixin, leaf.span, leaf.clone()));
            }
            merge(&mut mixed, tree);
        }
        let mut tree = base;
        merge(&mut tree, mixed);

        ok &= self.apply_assigns(&mut tree, &assigns, env, kind, true);
        // Conflicts the definition settles by setting the field itself are fine.
        let own_paths: Vec<String> = if conflicts.is_empty() {
            Vec::new()
        } else {
            assigns
                .iter()
                .map(|(path, _, _)| self.expand_alias(path, kind).join("."))
                .collect()
        };
        for (path, first, first_span, second, second_span, first_value, second_value) in conflicts {
            let overridden = own_paths
                .iter()
                .any(|own| path == *own || path.starts_with(&format!("{own}.")));
            if !overridden {
                self.diags.push(
                    Diagnostic::new(
                        "E0109",
                        second.span,
                        format!(
                            "mixins `{}` and `{}` set `{path}` to different values",
                            first.name, second.name
                        ),
                    )
                    .label(format!(
                        "`{}` sets it to {}",
                        second.name,
                        show(&second_value)
                    ))
                    .with_secondary(
                        first.span,
                        format!("`{}` sets it to {}", first.name, show(&first_value)),
                    )
                    .with_secondary(first_span, format!("set by `{}` here", first.name))
                    .with_secondary(second_span, format!("set by `{}` here", second.name))
                    .help(format!(
                        "set `{path}` in the definition itself to say which value wins"
                    )),
                );
                ok = false;
            }
        }
        ok.then_some(tree)
    }

    /// The statements of a block with `when` resolved: mixins to use and
    /// assignments to apply, in source order.
    fn flatten<'b>(
        &mut self,
        block: &'b Block,
        env: &Env,
        uses: &mut Vec<&'b Ident>,
        assigns: &mut Vec<(&'b Path, AssignOp, &'b Expr)>,
    ) {
        for statement in &block.statements {
            match statement {
                Statement::Use(names) => uses.extend(names.iter()),
                Statement::Assign { path, op, value } => assigns.push((path, *op, value)),
                Statement::When {
                    variable,
                    values,
                    body,
                } => {
                    let Some(current) = env.lookup(&variable.name).and_then(|n| n.value.as_text())
                    else {
                        self.diags
                            .push(unknown_variable(&variable.name, variable.span, env));
                        continue;
                    };
                    let matches = values.iter().any(|v| {
                        eval_scalar(v, env)
                            .ok()
                            .and_then(|n| n.value.as_text())
                            .as_deref()
                            == Some(current.as_str())
                    });
                    if matches {
                        self.flatten(body, env, uses, assigns);
                    }
                }
                // Handled by series expansion and by the checker.
                Statement::Sizes { .. }
                | Statement::Variants { .. }
                | Statement::Ratio { .. }
                | Statement::Allow(_) => {}
            }
        }
    }

    /// A mixin's own tree: the mixins it uses, then its statements. `stack`
    /// holds the mixins being evaluated, in order, to report a cycle.
    fn mixin_tree(
        &mut self,
        name: &Ident,
        env: &Env,
        kind: Kind,
        stack: &mut IndexSet<String>,
    ) -> Option<Node> {
        let Some(def) = self.symbols.mixins.get(&name.name).copied() else {
            let help = hints::unknown_name_help(
                "mixin",
                &name.name,
                self.symbols.mixins.keys().map(String::as_str),
                "define it with `mixin NAME { ... }`, or import the file that does",
            );
            self.diags.push(
                Diagnostic::new("E0102", name.span, format!("unknown mixin `{}`", name.name))
                    .label("no such mixin")
                    .help(help),
            );
            return None;
        };
        if stack.contains(&name.name) {
            let chain: Vec<&str> = stack.iter().map(String::as_str).collect();
            self.diags.push(
                Diagnostic::new(
                    "E0106",
                    name.span,
                    format!("mixin `{}` uses itself", name.name),
                )
                .label("part of a cycle")
                .with_secondary(
                    def.name.span,
                    format!("cycle: {} -> {}", chain.join(" -> "), name.name),
                )
                .help("mixins must not use each other in a cycle"),
            );
            return None;
        }
        let cache_key = (name.name.clone(), kind);
        if let Some(cached) = self.static_mixins.get(&cache_key) {
            return cached.clone();
        }
        stack.insert(name.name.clone());
        let mut uses = Vec::new();
        let mut assigns = Vec::new();
        self.flatten(&def.body, env, &mut uses, &mut assigns);
        let mut tree = Node::empty_map(def.body.span);
        let mut ok = true;
        for used in uses {
            let used_tree = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                self.mixin_tree(used, env, kind, stack)
            });
            match used_tree {
                Some(t) => merge(&mut tree, t),
                None => ok = false,
            }
        }
        ok &= self.apply_assigns(&mut tree, &assigns, env, kind, true);
        stack.pop();
        let result = ok.then_some(tree);
        if self.is_static_mixin(&name.name) {
            self.static_mixins.insert(cache_key, result.clone());
        }
        result
    }

    /// Whether a mixin's tree is the same wherever it is used: no variables,
    /// no `when`, and only mixins that are static too. Memoised, so a chain
    /// of mixins is walked once, not once per link.
    fn is_static_mixin(&mut self, name: &str) -> bool {
        if let Some(&known) = self.static_flags.get(name) {
            return known;
        }
        let Some(def) = self.symbols.mixins.get(name).copied() else {
            return false;
        };
        // Until known: a mixin in a cycle is not static (the cycle is an error).
        self.static_flags.insert(name.to_string(), false);
        let result = def.body.statements.iter().all(|statement| match statement {
            Statement::Assign { value, .. } => !reads_variables(value),
            Statement::Use(names) => names.iter().all(|used| {
                stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.is_static_mixin(&used.name)
                })
            }),
            Statement::When { .. } => false,
            Statement::Sizes { .. }
            | Statement::Variants { .. }
            | Statement::Ratio { .. }
            | Statement::Allow(_) => true,
        });
        self.static_flags.insert(name.to_string(), result);
        result
    }

    /// A path with its first segment replaced by an alias's target, if any.
    fn expand_alias<'p>(&self, path: &'p Path, kind: Kind) -> Vec<&'p str>
    where
        'a: 'p,
    {
        let first = path.segments[0].name.as_str();
        let alias = self
            .symbols
            .aliases
            .get(first)
            .and_then(|slots| slots[alias_slot(Some(kind))].or(slots[alias_slot(None)]));
        let mut keys: Vec<&'p str> = match alias {
            Some(alias) => alias
                .target
                .segments
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
            None => vec![first],
        };
        keys.extend(path.segments[1..].iter().map(|s| s.name.as_str()));
        keys
    }

    /// Whether a top-level path starts with `metadata`, `spec` or an alias of
    /// the kind; reports E0113 with the closest name otherwise.
    fn starts_known_path(&mut self, path: &Path, kind: Kind) -> bool {
        let first = &path.segments[0];
        let known = |slots: &[Option<&AliasDef>; 3]| {
            slots[alias_slot(Some(kind))]
                .or(slots[alias_slot(None)])
                .is_some()
        };
        if first.name == "metadata"
            || first.name == "spec"
            || self.symbols.aliases.get(&first.name).is_some_and(known)
        {
            return true;
        }
        let help = hints::unknown_top_level_help(&first.name, kind, &self.symbols.aliases);
        self.diags.push(
            Diagnostic::new(
                "E0113",
                first.span,
                format!("unknown top-level field `{}`", first.name),
            )
            .label("not `metadata`, `spec` or an alias")
            .help(help),
        );
        false
    }

    /// Applies assignments to `tree` in order. Aliases apply at the top of a
    /// definition or mixin; inside a map literal, keys are literal.
    fn apply_assigns<'p>(
        &mut self,
        tree: &mut Node,
        assigns: &[(&'p Path, AssignOp, &'p Expr)],
        env: &Env,
        kind: Kind,
        aliases: bool,
    ) -> bool
    where
        'a: 'p,
    {
        let mut ok = true;
        for (path, op, value) in assigns {
            if aliases && !self.starts_known_path(path, kind) {
                ok = false;
                continue;
            }
            let Some(node) = self.eval_value(value, env, kind) else {
                ok = false;
                continue;
            };
            let keys = if aliases {
                self.expand_alias(path, kind)
            } else {
                path.segments.iter().map(|s| s.name.as_str()).collect()
            };
            if let Err(d) = set_path(tree, &keys, node, *op == AssignOp::Replace, path.span) {
                self.diags.push(d);
                ok = false;
            }
        }
        ok
    }

    fn eval_value(&mut self, expr: &Expr, env: &Env, kind: Kind) -> Option<Node> {
        match expr {
            Expr::Map(block) => self.eval_block(block, env, Some(kind)),
            other => eval_scalar(other, env).map_err(|d| self.diags.push(d)).ok(),
        }
    }

    /// A map literal: its assignments applied to an empty map.
    fn eval_block(&mut self, block: &Block, env: &Env, kind: Option<Kind>) -> Option<Node> {
        let mut uses = Vec::new();
        let mut assigns = Vec::new();
        self.flatten(block, env, &mut uses, &mut assigns);
        if let Some(first) = uses.first() {
            self.diags.push(
                Diagnostic::new(
                    "E0116",
                    first.span,
                    "`use` is only allowed at the top of a definition or mixin",
                )
                .label("inside a map")
                .help("move the `use` statement to the definition's top level"),
            );
            return None;
        }
        let mut tree = Node::empty_map(block.span);
        let ok = self.apply_assigns(
            &mut tree,
            &assigns,
            env,
            kind.unwrap_or(Kind::Preference),
            false,
        );
        ok.then_some(tree)
    }
}

/// Whether evaluating `expr` reads a variable (directly, in `${...}`, or
/// inside a map or list).
fn reads_variables(expr: &Expr) -> bool {
    match expr {
        Expr::Variable(_) => true,
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
