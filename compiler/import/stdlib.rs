//! What import knows of the standard library, read from the library itself
//! (never a copy in Rust): std/kubevirt's aliases and derive rules,
//! std/sizes' tables, and the fields each std/components mixin sets.

use crate::resolve::STDLIB;
use crate::source::FileId;
use crate::syntax::ast::{
    AliasDef, AssignOp, DeriveRule, DeriveSource, Expr, Item, Kind, MixinDef, Statement, TextPart,
};
use crate::yaml::Yaml;

use super::literal::flatten;
use super::model::{Field, Table};

pub struct Std {
    pub aliases: Vec<AliasDef>,
    pub rules: Vec<(Kind, DeriveRule)>,
    pub tables: Vec<Table>,
    /// std/components' mixins that need no variable, with their fields;
    /// the largest first.
    pub mixins: Vec<(String, Vec<Field>)>,
    /// std/components' mixins that copy variables into fields
    /// (`architecture`: `arch = arch` …): each field's path and variable.
    pub column_mixins: Vec<(String, Vec<ColumnField>)>,
}

/// A field a mixin copies a variable into: its path and the variable.
pub type ColumnField = (Vec<String>, String);

fn module(name: &str) -> Vec<Item> {
    STDLIB
        .iter()
        .find(|m| m.module == name)
        .map(|m| m.ast(FileId(0)).items)
        .unwrap_or_default()
}

/// A table cell as YAML: words and strings are text.
fn cell(expr: &Expr) -> Option<Yaml> {
    Some(match expr {
        Expr::Word(w, _) => Yaml::Str(w.clone()),
        Expr::Quantity(q, _) => Yaml::Str(q.clone()),
        Expr::Int(i, _) => Yaml::Int(*i),
        Expr::Float(f, _) => Yaml::Float(*f),
        Expr::Bool(b, _) => Yaml::Bool(*b),
        Expr::Text(text) => Yaml::Str(
            text.parts
                .iter()
                .map(|p| match p {
                    TextPart::Literal(s) => Some(s.as_str()),
                    TextPart::Variable(_) => None,
                })
                .collect::<Option<String>>()?,
        ),
        _ => return None,
    })
}

impl Std {
    pub fn load() -> Std {
        let mut std = Std {
            aliases: Vec::new(),
            rules: Vec::new(),
            tables: Vec::new(),
            mixins: Vec::new(),
            column_mixins: Vec::new(),
        };
        for item in module("std/kubevirt") {
            match item {
                Item::Alias(alias) => std.aliases.push(alias),
                Item::Derive(derive) => {
                    for rule in derive.rules {
                        std.rules.push((derive.kind, rule));
                    }
                }
                _ => {}
            }
        }
        for item in module("std/sizes") {
            if let Item::Table(table) = item {
                let rows: Option<Vec<Vec<Yaml>>> = table
                    .rows
                    .iter()
                    .map(|row| row.cells.iter().map(cell).collect())
                    .collect();
                if let Some(rows) = rows {
                    std.tables.push(Table {
                        name: table.name.name,
                        columns: table.columns.into_iter().map(|c| c.name).collect(),
                        rows,
                    });
                }
            }
        }
        for item in module("std/components") {
            if let Item::Mixin(mixin) = item {
                if let Some(fields) = mixin_fields(&mixin.name.name) {
                    std.mixins.push((mixin.name.name, fields));
                } else if let Some(fields) = column_fields(&mixin, &std.aliases) {
                    std.column_mixins.push((mixin.name.name, fields));
                }
            }
        }
        std.mixins
            .sort_by_key(|(_, fields)| std::cmp::Reverse(fields.len()));
        // `architecture` before the two it covers.
        std.column_mixins
            .sort_by_key(|(_, fields)| std::cmp::Reverse(fields.len()));
        std
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// The fields a std/components mixin sets, by compiling a preference that
/// uses it; `None` when it needs a variable (or sets nothing).
fn mixin_fields(name: &str) -> Option<Vec<Field>> {
    let text = format!(
        "import \"std/components\"\nrelease {{ version_label = false }}\npreference p {{ use {name} }}\n"
    );
    let compiled = crate::compile_str("mixin.cit", &text, "v0");
    let doc = compiled.documents.first()?;
    let Yaml::Map(top) = &doc.yaml else {
        return None;
    };
    let mut fields = Vec::new();
    for (key, value) in top {
        match (key.as_str(), value) {
            ("metadata", Yaml::Map(meta)) => {
                for (k, v) in meta {
                    if k != "name" {
                        flatten(vec!["metadata".into(), k.clone()], v, &mut fields);
                    }
                }
            }
            ("spec", spec) => flatten(vec!["spec".into()], spec, &mut fields),
            _ => {}
        }
    }
    (!fields.is_empty()).then_some(fields)
}

/// The fields of a mixin whose every statement is `path = variable`, with
/// a preference alias at the head of a path written out.
fn column_fields(mixin: &MixinDef, aliases: &[AliasDef]) -> Option<Vec<ColumnField>> {
    let mut fields = Vec::new();
    for statement in &mixin.body.statements {
        let Statement::Assign {
            path,
            op: AssignOp::Merge,
            value: Expr::Variable(variable),
        } = statement
        else {
            return None;
        };
        let mut keys: Vec<String> = path.segments.iter().map(|s| s.name.clone()).collect();
        let alias = aliases.iter().find(|a| {
            a.kind.is_none_or(|k| k == Kind::Preference) && Some(&a.name.name) == keys.first()
        });
        if let Some(alias) = alias {
            keys.splice(..1, alias.target.segments.iter().map(|s| s.name.clone()));
        }
        fields.push((keys, variable.name.clone()));
    }
    (!fields.is_empty()).then_some(fields)
}

/// A derive rule as the line that declares it.
pub fn rule_line(rule: &DeriveRule) -> String {
    let label = crate::syntax::string_literal(&rule.label);
    match &rule.source {
        DeriveSource::Field(path) => format!("label {label} from {}", path.dotted()),
        DeriveSource::Present(path) => format!("label {label} if {}", path.dotted()),
        DeriveSource::Attribute(name) => format!("label {label} from @{}", name.name),
    }
}
