//! The names of an analysis: every definition of a mixin, table, column,
//! series, resource, constant, alias and derive rule, and every place that
//! names one, each resolved to what it names. Definition, references,
//! rename and hover read it; it is built from the parsed files once per
//! analysis and holds no rules of the language beyond scoping.

use std::collections::HashMap;

use crate::resolve::scope::NameTables;
use crate::resolve::ParsedFile;
use crate::source::{FileId, Span};
use crate::syntax::ast::*;

/// What a name names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Mixin(String),
    Table(String),
    Column {
        table: String,
        column: String,
    },
    Series(String),
    Resource(Kind, String),
    Global(String),
    /// A `let` in a block, by the span of its name.
    Local(Span),
    Alias(String),
    /// A derive rule, by its label.
    Derive(String),
}

impl Key {
    pub fn describe(&self) -> &'static str {
        match self {
            Key::Mixin(_) => "mixin",
            Key::Table(_) => "table",
            Key::Column { .. } => "column",
            Key::Series(_) => "series",
            Key::Resource(Kind::Instancetype, _) => "instance type",
            Key::Resource(Kind::Preference, _) => "preference",
            Key::Global(_) => "constant",
            Key::Local(_) => "local constant",
            Key::Alias(_) => "alias",
            Key::Derive(_) => "derive rule",
        }
    }

    /// The same kind of key with another name (for rename's collisions).
    pub fn renamed(&self, name: &str) -> Key {
        let name = name.to_string();
        match self {
            Key::Mixin(_) => Key::Mixin(name),
            Key::Table(_) => Key::Table(name),
            Key::Column { table, .. } => Key::Column {
                table: table.clone(),
                column: name,
            },
            Key::Series(_) => Key::Series(name),
            Key::Resource(kind, _) => Key::Resource(*kind, name),
            Key::Global(_) | Key::Local(_) => Key::Global(name),
            Key::Alias(_) => Key::Alias(name),
            Key::Derive(_) => Key::Derive(name),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub key: Key,
    /// The name as written (for a quoted name, with its quotes).
    pub span: Span,
    pub is_definition: bool,
}

/// Where an assignment sets a field: its full path from the resource's
/// root (aliases expanded, nested blocks' prefixes included).
#[derive(Debug, Clone)]
pub struct FieldSite {
    /// The path's segments, each with the span it was written at (`None`
    /// for a segment that an alias or an enclosing block supplied).
    pub segments: Vec<(String, Option<Span>)>,
    /// The whole statement.
    pub statement: Span,
    pub owner: Owner,
    /// Written with `:=` (replaces the subtree) rather than `=` (merges).
    pub replace: bool,
}

/// A target of a `patch` or `remove` (what it selects is [`super::select`]'s).
#[derive(Debug, Clone)]
pub struct TargetSite {
    pub target: Target,
    /// The target as written.
    pub span: Span,
    /// The selection's kind (`None`: both).
    pub kind: Option<Kind>,
    /// The whole `patch` or `remove` item.
    pub overlay: Span,
    pub remove: bool,
}

/// The item an assignment belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Owner {
    Series(String),
    Definition {
        kind: Kind,
        /// The span of the definition's name (resources made by it carry it).
        name: Span,
    },
    Mixin(String),
    Patch(Option<Kind>),
    Other,
}

impl Owner {
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Owner::Series(_) => Some(Kind::Instancetype),
            Owner::Definition { kind, .. } => Some(*kind),
            Owner::Patch(kind) => *kind,
            Owner::Mixin(_) | Owner::Other => None,
        }
    }
}

#[derive(Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
    pub fields: Vec<FieldSite>,
    /// Names of definitions and series whose resources carry that span.
    pub headers: Vec<Span>,
    /// Parents, by the name of the child (series) or the child's name span.
    pub series_parents: HashMap<String, String>,
    pub definition_parents: HashMap<(Kind, String), String>,
    /// The body of each series and definition with the variables of its
    /// row, as (table, column) (for completion).
    pub scopes: Vec<(Span, Vec<(String, String)>)>,
    /// Every target of a `patch` or `remove`.
    pub targets: Vec<TargetSite>,
}

impl Index {
    pub fn build(files: &[ParsedFile]) -> Index {
        let mut builder = Builder {
            index: Index::default(),
            names: NameTables::new(files),
            tables: HashMap::new(),
            series_tables: HashMap::new(),
            aliases: HashMap::new(),
            resources: Vec::new(),
        };
        for file in files {
            builder.collect(&file.ast);
        }
        for file in files {
            builder.walk_file(&file.ast);
        }
        builder.index
    }

    /// The occurrence under `offset` in `file` (the innermost one).
    pub fn at(&self, file: FileId, offset: u32) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.end - o.span.start)
    }

    pub fn definitions<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.is_definition && &o.key == key)
    }

    pub fn references<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| &o.key == key)
    }

    pub fn field_at(&self, file: FileId, offset: u32) -> Option<(&FieldSite, usize)> {
        self.fields.iter().find_map(|site| {
            let segment = site.segments.iter().position(|(_, span)| {
                span.is_some_and(|s| s.file == file && s.start <= offset && offset <= s.end)
            })?;
            Some((site, segment))
        })
    }
}

struct Builder {
    index: Index,
    /// Which definition a mixin, table or constant name means where it is
    /// written, as resolution decides it: keys of `Key::Mixin`,
    /// `Key::Table` and `Key::Global` are the resolver's keys.
    names: NameTables,
    /// Columns by table key.
    tables: HashMap<String, Vec<String>>,
    series_tables: HashMap<String, (Option<String>, Option<String>)>,
    aliases: HashMap<String, Vec<(Option<Kind>, Path)>>,
    resources: Vec<(Kind, String)>,
}

/// The variables visible in a block.
#[derive(Clone, Default)]
struct Scope {
    /// (table, column) pairs of the row being made.
    columns: Vec<(String, String)>,
    /// Local constants, innermost last.
    locals: Vec<(String, Span)>,
    /// In a mixin: a variable may be any table's column.
    any_column: bool,
}

impl Builder {
    /// The keys of a definition of a mixin, table or constant, and of a
    /// name that refers to one.
    fn mixin_key(&self, name: &Ident) -> String {
        let n = &self.names;
        n.key_or_written(&n.mixins, name.span.file, &name.name)
    }

    fn table_key(&self, name: &Ident) -> String {
        let n = &self.names;
        n.key_or_written(&n.tables, name.span.file, &name.name)
    }

    fn global_key(&self, name: &Ident) -> Option<String> {
        let n = &self.names;
        match n.scopes.find(&n.globals, name.span.file, &name.name) {
            crate::resolve::scope::Found::Key(key) => Some(key.to_string()),
            _ => None,
        }
    }

    fn push(&mut self, key: Key, span: Span, is_definition: bool) {
        self.index.occurrences.push(Occurrence {
            key,
            span,
            is_definition,
        });
    }

    /// Pass 1: what each file defines.
    fn collect(&mut self, file: &File) {
        for item in &file.items {
            match item {
                Item::Let(def) => {
                    let key = self
                        .names
                        .globals
                        .key(&def.name.name, def.name.span.file)
                        .to_string();
                    self.push(Key::Global(key), def.name.span, true);
                }
                Item::Alias(def) => {
                    self.aliases
                        .entry(def.name.name.clone())
                        .or_default()
                        .push((def.kind, def.target.clone()));
                    self.push(Key::Alias(def.name.name.clone()), def.name.span, true);
                }
                Item::Mixin(def) => {
                    let key = self.names.mixins.key(&def.name.name, def.name.span.file);
                    self.push(Key::Mixin(key.to_string()), def.name.span, true)
                }
                Item::Table(def) => {
                    let table = self
                        .names
                        .tables
                        .key(&def.name.name, def.name.span.file)
                        .to_string();
                    self.push(Key::Table(table.clone()), def.name.span, true);
                    for column in &def.columns {
                        let key = Key::Column {
                            table: table.clone(),
                            column: column.name.clone(),
                        };
                        self.push(key, column.span, true);
                    }
                    self.tables
                        .insert(table, def.columns.iter().map(|c| c.name.clone()).collect());
                }
                Item::Series(def) => {
                    self.push(Key::Series(def.name.name.clone()), def.name.span, true);
                    self.index.headers.push(def.name.span);
                    let mut sizes = None;
                    let mut variants = None;
                    for statement in &def.body.statements {
                        match statement {
                            Statement::Sizes { table, .. } => sizes = Some(self.table_key(table)),
                            Statement::Variants { table, .. } => {
                                variants = Some(self.table_key(table))
                            }
                            _ => {}
                        }
                    }
                    self.series_tables
                        .insert(def.name.name.clone(), (sizes, variants));
                    if let Some(parent) = &def.parent {
                        self.index
                            .series_parents
                            .insert(def.name.name.clone(), parent.name.clone());
                    }
                }
                Item::Definition(def) => {
                    self.index.headers.push(def.name.span);
                    if let Some(name) = def.name.as_literal() {
                        self.resources.push((def.kind, name.clone()));
                        if let Some(parent) = def.parent.as_ref().and_then(Text::as_literal) {
                            self.index
                                .definition_parents
                                .insert((def.kind, name.clone()), parent);
                        }
                        self.push(Key::Resource(def.kind, name), def.name.span, true);
                    }
                }
                Item::Derive(def) => {
                    for rule in &def.rules {
                        self.push(Key::Derive(rule.label.clone()), rule.span, true);
                    }
                }
                _ => {}
            }
        }
    }

    /// Pass 2: every use of a name, resolved.
    fn walk_file(&mut self, file: &File) {
        for item in &file.items {
            match item {
                Item::Let(def) => self.expr(&def.value, &mut Scope::default()),
                Item::Alias(_) | Item::Table(_) | Item::Import(_) | Item::Type(_) => {}
                Item::Mixin(def) => {
                    let mut scope = Scope {
                        any_column: true,
                        ..Scope::default()
                    };
                    let owner = Owner::Mixin(def.name.name.clone());
                    self.block(&def.body, &mut scope, &[], &owner, None);
                }
                Item::Series(def) => {
                    if let Some(parent) = &def.parent {
                        self.push(Key::Series(parent.name.clone()), parent.span, false);
                    }
                    let mut scope = Scope {
                        columns: self.series_columns(&def.name.name),
                        ..Scope::default()
                    };
                    self.index
                        .scopes
                        .push((def.body.span, scope.columns.clone()));
                    let owner = Owner::Series(def.name.name.clone());
                    self.block(&def.body, &mut scope, &[], &owner, Some(Kind::Instancetype));
                }
                Item::Definition(def) => {
                    let mut scope = Scope::default();
                    if let Some(matrix) = &def.matrix {
                        for table in &matrix.tables {
                            let key = self.table_key(table);
                            self.push(Key::Table(key.clone()), table.span, false);
                            for column in self.tables.get(&key).into_iter().flatten() {
                                scope.columns.push((key.clone(), column.clone()));
                            }
                        }
                    }
                    self.index
                        .scopes
                        .push((def.body.span, scope.columns.clone()));
                    self.text(&def.name, &mut scope);
                    if let Some(parent) = &def.parent {
                        match parent.as_literal() {
                            Some(name) => {
                                self.push(Key::Resource(def.kind, name), parent.span, false)
                            }
                            None => self.text(parent, &mut scope),
                        }
                    }
                    let owner = Owner::Definition {
                        kind: def.kind,
                        name: def.name.span,
                    };
                    self.block(&def.body, &mut scope, &[], &owner, Some(def.kind));
                }
                Item::Derive(def) => {
                    for rule in &def.rules {
                        if let DeriveSource::Field(path) | DeriveSource::Present(path) =
                            &rule.source
                        {
                            self.alias_use(path, Some(def.kind));
                        }
                    }
                }
                Item::Patch(def) => {
                    self.selection(&def.selection, def.span, false);
                    let owner = Owner::Patch(def.selection.kind);
                    let mut scope = Scope {
                        any_column: true,
                        ..Scope::default()
                    };
                    self.block(&def.body, &mut scope, &[], &owner, def.selection.kind);
                }
                Item::Remove(def) => self.selection(&def.selection, def.span, true),
                Item::Schema(_) | Item::Allow(_) | Item::Release(_) => {}
            }
        }
    }

    fn selection(&mut self, selection: &Selection, overlay: Span, remove: bool) {
        for target in &selection.targets {
            self.index.targets.push(TargetSite {
                target: target.clone(),
                span: target.span(),
                kind: selection.kind,
                overlay,
                remove,
            });
            match target {
                Target::Name(name, span) => {
                    for kind in [Kind::Instancetype, Kind::Preference] {
                        let defined = self.resources.iter().any(|(k, n)| *k == kind && n == name);
                        if defined && selection.kind.is_none_or(|k| k == kind) {
                            self.push(Key::Resource(kind, name.clone()), *span, false);
                        }
                    }
                }
                Target::Series(ident) => {
                    self.push(Key::Series(ident.name.clone()), ident.span, false)
                }
                Target::Label {
                    key,
                    via_alias: true,
                    ..
                } => self.push(Key::Alias(key.name.clone()), key.span, false),
                Target::Label { .. } | Target::Pattern(..) => {}
            }
        }
    }

    /// The columns of a series' row: its nearest `sizes` and `variants`
    /// tables along its parents.
    fn series_columns(&self, series: &str) -> Vec<(String, String)> {
        let (mut sizes, mut variants) = (None, None);
        let mut current = Some(series.to_string());
        let mut steps = 0;
        while let Some(name) = current {
            steps += 1;
            if steps > 256 {
                break;
            }
            if let Some((s, v)) = self.series_tables.get(&name) {
                sizes = sizes.or_else(|| s.clone());
                variants = variants.or_else(|| v.clone());
            }
            current = self.index.series_parents.get(&name).cloned();
        }
        let mut columns = Vec::new();
        for table in [sizes, variants].into_iter().flatten() {
            for column in self.tables.get(&table).into_iter().flatten() {
                columns.push((table.clone(), column.clone()));
            }
        }
        columns
    }

    fn block(
        &mut self,
        block: &Block,
        scope: &mut Scope,
        prefix: &[(String, Option<Span>)],
        owner: &Owner,
        kind: Option<Kind>,
    ) {
        let locals = scope.locals.len();
        for statement in &block.statements {
            match statement {
                Statement::Use(names) => {
                    for name in names {
                        self.push(Key::Mixin(self.mixin_key(name)), name.span, false);
                    }
                }
                Statement::Sizes { table, .. } | Statement::Variants { table, .. } => {
                    self.push(Key::Table(self.table_key(table)), table.span, false)
                }
                Statement::When { variable, body, .. } => {
                    self.variable(variable, scope);
                    self.block(body, scope, prefix, owner, kind);
                }
                Statement::Assign { path, value, op } => {
                    let mut segments = prefix.to_vec();
                    if prefix.is_empty() {
                        segments.extend(self.expand_alias(path, kind));
                    } else {
                        segments
                            .extend(path.segments.iter().map(|s| (s.name.clone(), Some(s.span))));
                    }
                    self.index.fields.push(FieldSite {
                        segments: segments.clone(),
                        statement: path.span.to(value.span()),
                        owner: owner.clone(),
                        replace: matches!(op, AssignOp::Replace),
                    });
                    match value {
                        Expr::Map(inner) => self.block(inner, scope, &segments, owner, kind),
                        other => self.expr(other, scope),
                    }
                }
                Statement::Unset(path) => {
                    if prefix.is_empty() {
                        self.expand_alias(path, kind);
                    }
                }
                Statement::Let { name, value } => {
                    self.expr(value, scope);
                    self.push(Key::Local(name.span), name.span, true);
                    scope.locals.push((name.name.clone(), name.span));
                }
                Statement::Ratio { .. } | Statement::Allow(_) => {}
            }
        }
        scope.locals.truncate(locals);
    }

    /// The path with a leading alias replaced by its target (recording the
    /// alias's use), each segment with where it was written.
    fn expand_alias(&mut self, path: &Path, kind: Option<Kind>) -> Vec<(String, Option<Span>)> {
        let Some(first) = path.segments.first() else {
            return Vec::new();
        };
        let written = || path.segments.iter().map(|s| (s.name.clone(), Some(s.span)));
        let target = self.alias_use(path, kind);
        match target {
            Some(target) => {
                let mut out: Vec<(String, Option<Span>)> = target
                    .segments
                    .iter()
                    .map(|s| (s.name.clone(), None))
                    .collect();
                // The alias's own name stands for the target's last segment.
                if let Some(last) = out.last_mut() {
                    last.1 = Some(first.span);
                }
                out.extend(written().skip(1));
                out
            }
            None => written().collect(),
        }
    }

    fn alias_use(&mut self, path: &Path, kind: Option<Kind>) -> Option<Path> {
        let first = path.segments.first()?;
        let candidates = self.aliases.get(&first.name)?;
        let target = candidates
            .iter()
            .find(|(k, _)| k.is_some() && *k == kind)
            .or_else(|| candidates.iter().find(|(k, _)| k.is_none()))
            .or_else(|| candidates.first())
            .map(|(_, p)| p.clone());
        self.push(Key::Alias(first.name.clone()), first.span, false);
        target
    }

    fn expr(&mut self, expr: &Expr, scope: &mut Scope) {
        match expr {
            Expr::Variable(ident) => self.variable(ident, scope),
            Expr::Text(text) => self.text(text, scope),
            Expr::List(items, _) => {
                for item in items {
                    self.expr(item, scope);
                }
            }
            Expr::Binary(binary) => {
                self.expr(&binary.lhs, scope);
                self.expr(&binary.rhs, scope);
            }
            Expr::Map(block) => self.block(block, scope, &[], &Owner::Other, None),
            Expr::Word(..)
            | Expr::Int(..)
            | Expr::Float(..)
            | Expr::Bool(..)
            | Expr::Quantity(..) => {}
        }
    }

    fn text(&mut self, text: &Text, scope: &mut Scope) {
        for part in &text.parts {
            if let TextPart::Variable(ident) = part {
                self.variable(ident, scope);
            }
        }
    }

    fn variable(&mut self, ident: &Ident, scope: &Scope) {
        let name = &ident.name;
        let key = if let Some((_, span)) = scope.locals.iter().rev().find(|(n, _)| n == name) {
            Some(Key::Local(*span))
        } else if let Some((table, column)) = scope.columns.iter().find(|(_, c)| c == name) {
            Some(Key::Column {
                table: table.clone(),
                column: column.clone(),
            })
        } else if let Some(key) = self.global_key(ident) {
            Some(Key::Global(key))
        } else if scope.any_column {
            let mut tables: Vec<&String> = self
                .tables
                .iter()
                .filter(|(_, columns)| columns.contains(name))
                .map(|(table, _)| table)
                .collect();
            tables.sort();
            tables.first().map(|table| Key::Column {
                table: (*table).clone(),
                column: name.clone(),
            })
        } else {
            None
        };
        if let Some(key) = key {
            self.push(key, ident.span, false);
        }
    }
}
