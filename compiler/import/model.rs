//! The catalog that import writes, before it becomes text: definitions,
//! series, tables and mixins with their fields as flat paths. Every pass
//! (literal, labels, series, preferences, matrices) rewrites this model;
//! `emit` prints it.

use crate::syntax::ast::Kind;
use crate::yaml::Yaml;

/// A field's value: a YAML value as read, or an expression of the table's
/// columns (`cpu`, or `"${memory}"` where text is wanted), written as is.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Yaml(Yaml),
    Var(String),
}

/// One assignment, `path = value`, with the path as its keys (aliases are
/// applied when printing).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub path: Vec<String>,
    pub value: Lit,
}

impl Field {
    pub fn new(path: Vec<String>, value: Yaml) -> Field {
        Field {
            path,
            value: Lit::Yaml(value),
        }
    }

    pub fn is(&self, path: &[&str]) -> bool {
        self.path.len() == path.len() && self.path.iter().zip(path).all(|(a, b)| a == b)
    }
}

/// An instance type or preference definition.
#[derive(Debug, Clone)]
pub struct Def {
    pub kind: Kind,
    pub name: String,
    pub is_abstract: bool,
    pub parent: Option<String>,
    pub uses: Vec<String>,
    pub fields: Vec<Field>,
    pub unsets: Vec<Vec<String>>,
    /// `for …`: one definition per combination of the matrix's rows; then
    /// `name` is only the first row's name (for ordering) and the matrix
    /// holds the name template.
    pub matrix: Option<Matrix>,
}

/// A part of a string template: literal text or `${column}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Column(String),
}

/// `preference "<name template>" : parent for T1 * T2 except (…) { … }`,
/// with the tables it alone uses.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub name: Vec<Part>,
    /// The tables of `for`, by name.
    pub over: Vec<String>,
    /// The tables printed before the definition: those of `over` that no
    /// earlier matrix printed.
    pub tables: Vec<Table>,
    /// Row keys (as cells) of the combinations left out, one per table.
    pub except: Vec<Vec<Yaml>>,
    pub whens: Vec<When>,
}

/// `when column == key { … }` or `when column in (k1, k2) { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct When {
    pub column: String,
    pub keys: Vec<Yaml>,
    pub uses: Vec<String>,
    pub fields: Vec<Field>,
}

/// A table: named rows, the first column being the row's key.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Yaml>>,
}

/// A series: one instance type per row of its size table (and variant).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub parent: Option<String>,
    pub uses: Vec<String>,
    pub sizes: String,
    pub except: Vec<String>,
    pub variants: Option<String>,
    /// `ratio C:M`: every size has M GiB of memory per C vCPUs.
    pub ratio: Option<(u32, u32)>,
    pub fields: Vec<Field>,
    pub unsets: Vec<Vec<String>>,
}

/// A mixin of the catalog's own.
#[derive(Debug, Clone)]
pub struct Mixin {
    pub name: String,
    pub uses: Vec<String>,
    pub fields: Vec<Field>,
}

/// Whether the catalog imports std/kubevirt (its aliases and derive rules),
/// or writes its own derive rules because std's disagree with the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Derive {
    Std,
    /// The rules (as `derive` lines) of std/kubevirt that agree with the input.
    Own(Vec<(Kind, String)>),
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub derive: Derive,
    /// `release { … }` settings, already written as `.cit` values.
    pub release: Vec<(String, String)>,
    pub tables: Vec<Table>,
    pub mixins: Vec<Mixin>,
    pub series: Vec<Series>,
    pub defs: Vec<Def>,
}

impl Catalog {
    pub fn instance_types(&self) -> usize {
        self.defs
            .iter()
            .filter(|d| d.kind == Kind::Instancetype && !d.is_abstract)
            .count()
    }
}
