//! Statements with no effect: a table that nothing uses, a column that
//! nothing reads, a constant that nothing reads. Each still compiles, and
//! each usually means a name misspelt where it was meant to be used (a
//! `variants` table whose page size nothing reads makes the same spec
//! under two names). Found from the text of every loaded file, so a column
//! read by a std mixin (`cpu` by `sized`) counts; reported only in the
//! catalog's own files, never in std's.
//!
//! A patch that changes nothing (W0111) is reported where patches apply,
//! a `when` that never matches (E0120) where `when`s are checked.

use crate::hash::HashSet;

use super::*;

/// The global `let` that declares the README's series (read by
/// `citc doc readme`).
pub const SERIES_DECLARATION: &str = "readme_series";

/// `let` names that citc itself reads.
const READ_BY_CITC: &[&str] = &[crate::release::RELEASE_URL_CONSTANT, SERIES_DECLARATION];

/// Every variable name read anywhere (a `module::` prefix dropped) but in
/// a mixin that nothing uses, and every table named by `sizes`, `variants`
/// (with the first column naming the resources) or `for`.
#[derive(Default)]
struct Reads<'a> {
    variables: HashSet<&'a str>,
    /// What each mixin reads, counted only if some `use` names the mixin
    /// (std's `sized` reads `memory` only where it is used).
    in_mixins: HashMap<&'a str, Vec<&'a str>>,
    used_mixins: HashSet<&'a str>,
    /// The mixin being read, if any.
    mixin: Option<&'a str>,
    tables: HashSet<&'a str>,
    /// Tables whose first column makes names: `sizes` and `variants`.
    naming_tables: HashSet<&'a str>,
}

fn unqualified(name: &str) -> &str {
    name.rsplit_once("::").map_or(name, |(_, n)| n)
}

impl<'a> Reads<'a> {
    fn read(&mut self, name: &'a str) {
        let name = unqualified(name);
        match self.mixin {
            Some(mixin) => self.in_mixins.entry(mixin).or_default().push(name),
            None => {
                self.variables.insert(name);
            }
        }
    }

    /// Adds what the used mixins read.
    fn finish(&mut self) {
        for (mixin, names) in &self.in_mixins {
            if self.used_mixins.contains(mixin) {
                self.variables.extend(names.iter().copied());
            }
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Variable(ident) => self.read(&ident.name),
            Expr::Text(text) => self.text(text),
            Expr::Binary(b) => {
                self.expr(&b.lhs);
                self.expr(&b.rhs);
            }
            Expr::List(items, _) => items.iter().for_each(|i| self.expr(i)),
            Expr::Map(block) => self.block(block),
            Expr::Word(..)
            | Expr::Int(..)
            | Expr::Float(..)
            | Expr::Bool(..)
            | Expr::Quantity(..) => {}
        }
    }

    fn text(&mut self, text: &'a Text) {
        for part in &text.parts {
            if let TextPart::Variable(ident) = part {
                self.read(&ident.name);
            }
        }
    }

    fn block(&mut self, block: &'a Block) {
        for statement in &block.statements {
            match statement {
                Statement::Sizes { table, except, .. } => {
                    let name = unqualified(&table.name);
                    self.tables.insert(name);
                    self.naming_tables.insert(name);
                    except.iter().for_each(|e| self.expr(e));
                }
                Statement::Variants { table, .. } => {
                    let name = unqualified(&table.name);
                    self.tables.insert(name);
                    self.naming_tables.insert(name);
                }
                Statement::When {
                    variable,
                    values,
                    body,
                } => {
                    self.read(&variable.name);
                    values.iter().for_each(|v| self.expr(v));
                    self.block(body);
                }
                Statement::Assign { value, .. } | Statement::Let { value, .. } => self.expr(value),
                Statement::Use(names) => {
                    for name in names {
                        self.used_mixins.insert(unqualified(&name.name));
                    }
                }
                Statement::Ratio { .. } | Statement::Allow(_) | Statement::Unset(_) => {}
            }
        }
    }

    fn item(&mut self, item: &'a Item) {
        match item {
            Item::Let(def) => self.expr(&def.value),
            Item::Mixin(def) => {
                self.mixin = Some(&def.name.name);
                self.block(&def.body);
                self.mixin = None;
            }
            Item::Series(def) => self.block(&def.body),
            Item::Definition(def) => {
                self.text(&def.name);
                if let Some(parent) = &def.parent {
                    self.text(parent);
                }
                if let Some(matrix) = &def.matrix {
                    for table in &matrix.tables {
                        self.tables.insert(unqualified(&table.name));
                    }
                    matrix.except.iter().flatten().for_each(|e| self.expr(e));
                }
                self.block(&def.body);
            }
            Item::Patch(def) => {
                self.selection(&def.selection);
                self.block(&def.body);
            }
            Item::Remove(def) => self.selection(&def.selection),
            Item::Release(def) => self.block(&def.body),
            Item::Table(def) => def
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .for_each(|c| self.expr(c)),
            Item::Import(_)
            | Item::Alias(_)
            | Item::Derive(_)
            | Item::Type(_)
            | Item::Schema(_)
            | Item::Allow(_) => {}
        }
    }

    fn selection(&mut self, selection: &'a Selection) {
        for target in &selection.targets {
            if let Target::Label {
                value: Some(value), ..
            } = target
            {
                self.expr(value);
            }
        }
    }
}

impl<'a> Resolver<'a, '_> {
    /// W0120, W0121, W0122 for the catalog's own files.
    pub(super) fn check_effects(&mut self, files: &'a [ParsedFile]) {
        let mut reads = Reads::default();
        for file in files {
            for item in &file.ast.items {
                reads.item(item);
            }
        }
        reads.finish();
        for file in files.iter().filter(|f| !f.is_std) {
            for item in &file.ast.items {
                match item {
                    Item::Table(def) => self.table_effect(def, &reads),
                    Item::Let(def) => self.let_effect(&def.name, &reads),
                    _ => {}
                }
            }
            let mut locals = Vec::new();
            for item in &file.ast.items {
                let body = match item {
                    Item::Mixin(def) => &def.body,
                    Item::Series(def) => &def.body,
                    Item::Definition(def) => &def.body,
                    Item::Patch(def) => &def.body,
                    _ => continue,
                };
                local_lets(body, &mut locals);
            }
            for name in locals {
                self.let_effect(name, &reads);
            }
        }
    }

    fn table_effect(&mut self, def: &TableDef, reads: &Reads) {
        let name = def.name.name.as_str();
        if !reads.tables.contains(name) {
            self.diags.push(
                Diagnostic::new("W0122", def.name.span, format!("table `{name}` is never used"))
                    .label("no `sizes`, `variants` or `for` names it")
                    .help(format!(
                        "name it where it was meant (`sizes {name}`, `variants {name}`, `for {name}`), or remove it"
                    )),
            );
            return;
        }
        let skip = usize::from(reads.naming_tables.contains(name));
        for column in def.columns.iter().skip(skip) {
            if reads.variables.contains(column.name.as_str()) {
                continue;
            }
            self.diags.push(
                Diagnostic::new(
                    "W0120",
                    column.span,
                    format!(
                        "nothing reads column `{}` of `{name}`: its rows differ only in a value no resource gets",
                        column.name
                    ),
                )
                .label("never read")
                .help(format!(
                    "read it where it was meant (for example `spec.… = {}` or `\"${{{}}}\"` in a name), or remove the column",
                    column.name, column.name
                )),
            );
        }
    }

    fn let_effect(&mut self, name: &Ident, reads: &Reads) {
        if reads.variables.contains(name.name.as_str())
            || READ_BY_CITC.contains(&name.name.as_str())
        {
            return;
        }
        self.diags.push(
            Diagnostic::new(
                "W0121",
                name.span,
                format!("nothing reads the constant `{}`", name.name),
            )
            .label("never read")
            .help("use it where it was meant, or remove it"),
        );
    }
}

/// The names of the `let`s in a block and the blocks nested in it.
pub(super) fn local_lets<'a>(block: &'a Block, out: &mut Vec<&'a Ident>) {
    for statement in &block.statements {
        match statement {
            Statement::Let { name, value } => {
                out.push(name);
                if let Expr::Map(inner) = value {
                    local_lets(inner, out);
                }
            }
            Statement::When { body, .. } => local_lets(body, out),
            Statement::Assign {
                value: Expr::Map(inner),
                ..
            } => local_lets(inner, out),
            _ => {}
        }
    }
}
