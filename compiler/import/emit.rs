//! Emit: the model → `.cit` text, then `citc fmt`'s canonical layout.
//!
//! Values are written so that they lower back to the same YAML scalars: a
//! YAML string stays a string (`"8"`, never `8`), except a Kubernetes
//! quantity under `spec` (`16Gi`), which lowers to the same text; integers,
//! booleans and numbers stay what they are; multi-line strings become text
//! blocks when a text block gives back exactly the same text.

use std::fmt::Write as _;

use crate::source::FileId;
use crate::syntax::ast::{AliasDef, Kind};
use crate::yaml::Yaml;

use super::model::{Catalog, Def, Derive, Field, Lit, Mixin, Series, Table, When};

use super::text::is_keyword;
use crate::syntax::string_literal;

/// Digits, an optional fraction and a unit: what the grammar reads as a
/// quantity.
fn is_quantity_token(text: &str) -> bool {
    const UNITS: [&str; 13] = [
        "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E", "m",
    ];
    let Some(number) = UNITS.iter().find_map(|u| text.strip_suffix(u)) else {
        return false;
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, "0"));
    !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn is_key_word(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A definition's name: bare when the grammar reads it as a name.
fn resource_name(name: &str) -> String {
    let mut chars = name.chars();
    let bare = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !is_keyword(name);
    if bare {
        name.to_string()
    } else {
        string_literal(name)
    }
}

fn segment(key: &str) -> String {
    if is_key_word(key) && !is_keyword(key) {
        key.to_string()
    } else {
        string_literal(key)
    }
}

/// A table cell: a bare word or number where the grammar reads it back as
/// the same value, else a string.
pub fn cell(value: &Yaml) -> String {
    match value {
        Yaml::Str(s) => {
            let word = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                && s.parse::<f64>().is_err()
                && s != "true"
                && s != "false";
            if word || is_quantity_token(s) {
                s.clone()
            } else {
                string_literal(s)
            }
        }
        other => scalar(other, false),
    }
}

fn float_literal(f: f64) -> String {
    let text = format!("{f:?}");
    if text.contains('.') || text.contains('e') || text.contains("inf") || text.contains("NaN") {
        text
    } else {
        format!("{text}.0")
    }
}

fn scalar(value: &Yaml, in_spec: bool) -> String {
    match value {
        Yaml::Str(s) if in_spec && is_quantity_token(s) => s.clone(),
        Yaml::Str(s) => string_literal(s),
        Yaml::Int(i) => i.to_string(),
        Yaml::Float(f) => float_literal(*f),
        Yaml::Bool(b) => b.to_string(),
        // No literal is null: callers drop nulls with a warning.
        Yaml::Null => "{}".into(),
        Yaml::Seq(items) => {
            let items: Vec<String> = items.iter().map(|i| scalar(i, in_spec)).collect();
            format!("[{}]", items.join(", "))
        }
        Yaml::Map(entries) if entries.is_empty() => "{}".into(),
        Yaml::Map(entries) => {
            let mut fields = Vec::new();
            for (k, v) in entries {
                super::literal::flatten(vec![k.clone()], v, &mut fields);
            }
            let statements: Vec<String> = fields
                .iter()
                .map(|f| {
                    let path: Vec<String> = f.path.iter().map(|s| segment(s)).collect();
                    let value = match &f.value {
                        Lit::Yaml(y) => scalar(y, in_spec),
                        Lit::Var(v) => v.clone(),
                    };
                    format!("{} = {value}", path.join("."))
                })
                .collect();
            format!("{{ {} }}", statements.join("  "))
        }
    }
}

/// A multi-line string as a text block, when the block reads back as the
/// same text: no final newline, no carriage return or tab, no line of only
/// spaces, no `"""`.
fn text_block(text: &str, indent: &str) -> Option<String> {
    if !text.contains('\n')
        || text.ends_with('\n')
        || text.contains('\r')
        || text.contains('\t')
        || text.contains("\"\"\"")
        || text.lines().any(|l| !l.is_empty() && l.trim().is_empty())
        || text.chars().any(|c| c.is_control() && c != '\n')
    {
        return None;
    }
    let mut out = String::from("\"\"\"\n");
    for line in text.split('\n') {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(&line.replace('\\', "\\\\").replace('$', "\\$"));
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("\"\"\"");
    Some(out)
}

/// What the printer needs to know: the aliases it may use.
pub struct Printer<'a> {
    pub aliases: &'a [AliasDef],
}

impl Printer<'_> {
    /// The alias that writes the longest start of `path` for `kind`.
    fn alias_for(&self, kind: Kind, path: &[String]) -> Option<&AliasDef> {
        self.aliases
            .iter()
            .filter(|a| a.kind.is_none_or(|k| k == kind))
            .filter(|a| {
                let target = &a.target.segments;
                target.len() <= path.len() && target.iter().zip(path).all(|(t, p)| t.name == *p)
            })
            .max_by_key(|a| a.target.segments.len())
    }

    fn path(&self, kind: Kind, path: &[String], used: &mut Vec<String>) -> String {
        let (head, rest) = match self.alias_for(kind, path) {
            Some(alias) => {
                let key = format!("{:?}{}", alias.kind, alias.name.name);
                if !used.contains(&key) {
                    used.push(key);
                }
                (
                    Some(alias.name.name.clone()),
                    &path[alias.target.segments.len()..],
                )
            }
            None => (None, path),
        };
        head.into_iter()
            .chain(rest.iter().map(|s| segment(s)))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn value(field: &Field, indent: &str) -> String {
        let in_spec = field.path.first().is_some_and(|s| s == "spec");
        match &field.value {
            Lit::Var(name) => name.clone(),
            Lit::Yaml(Yaml::Str(s)) if s.contains('\n') => {
                text_block(s, &format!("{indent}  ")).unwrap_or_else(|| string_literal(s))
            }
            Lit::Yaml(y) => scalar(y, in_spec),
        }
    }

    /// The statements of a block: `use`, `allow`, unsets, then fields,
    /// with fields under one `spec.X` grouped on one line when they fit.
    fn body(
        &self,
        out: &mut String,
        kind: Kind,
        uses: &[String],
        fields: &[Field],
        unsets: &[Vec<String>],
        used: &mut Vec<String>,
    ) {
        let indent = "  ";
        if !uses.is_empty() {
            let _ = writeln!(out, "{indent}use {}", uses.join(", "));
        }
        if fields.iter().any(suspicious) {
            let _ = writeln!(
                out,
                "{indent}allow W0101 \"imported as written: the YAML carries these quotes, spaces or newlines\""
            );
        }
        for path in unsets {
            let _ = writeln!(out, "{indent}unset {}", self.path(kind, path, used));
        }
        let mut i = 0;
        while i < fields.len() {
            let field = &fields[i];
            let group_len = if field.path.len() >= 3 && field.path[0] == "spec" {
                fields[i..]
                    .iter()
                    .take_while(|f| f.path.len() >= 3 && f.path[..2] == field.path[..2])
                    .count()
            } else {
                1
            };
            if group_len >= 2 {
                let group = &fields[i..i + group_len];
                let statements: Vec<String> = group
                    .iter()
                    .map(|f| {
                        let rest: Vec<String> = f.path[2..].iter().map(|s| segment(s)).collect();
                        format!("{} = {}", rest.join("."), Self::value(f, indent))
                    })
                    .collect();
                let head = self.path(kind, &field.path[..2], used);
                let line = format!("{indent}{head} {{ {} }}", statements.join("  "));
                if line.len() <= 100 && !line.contains('\n') {
                    out.push_str(&line);
                    out.push('\n');
                } else {
                    for f in group {
                        let _ = writeln!(
                            out,
                            "{indent}{} = {}",
                            self.path(kind, &f.path, used),
                            Self::value(f, indent)
                        );
                    }
                }
                i += group_len;
                continue;
            }
            let _ = writeln!(
                out,
                "{indent}{} = {}",
                self.path(kind, &field.path, used),
                Self::value(field, indent)
            );
            i += 1;
        }
    }

    pub fn def(&self, def: &Def, used: &mut Vec<String>) -> String {
        let mut out = String::new();
        if let Some(matrix) = &def.matrix {
            for each in &matrix.tables {
                out.push_str(&table(each));
                out.push('\n');
            }
        }
        if def.is_abstract {
            out.push_str("abstract ");
        }
        let name = match &def.matrix {
            Some(matrix) => super::templates::template_literal(&matrix.name),
            None => resource_name(&def.name),
        };
        let _ = write!(out, "{} {name}", def.kind.keyword());
        if let Some(parent) = &def.parent {
            let _ = write!(out, " : {}", resource_name(parent));
        }
        if let Some(matrix) = &def.matrix {
            let _ = write!(out, " for {}", matrix.over.join(" * "));
            let except: Vec<String> = matrix
                .except
                .iter()
                .map(|keys| {
                    let cells: Vec<String> = keys.iter().map(cell).collect();
                    format!("({})", cells.join(", "))
                })
                .collect();
            if !except.is_empty() {
                let _ = write!(out, " except {}", except.join(", "));
            }
        }
        out.push_str(" {\n");
        self.body(
            &mut out,
            def.kind,
            &def.uses,
            &def.fields,
            &def.unsets,
            used,
        );
        for when in def.matrix.iter().flat_map(|m| &m.whens) {
            out.push_str(&self.when(def.kind, when, used));
        }
        out.push_str("}\n");
        out
    }

    /// `when column == key { … }` (or `in (…)`), on one line when it fits.
    fn when(&self, kind: Kind, when: &When, used: &mut Vec<String>) -> String {
        let keys: Vec<String> = when.keys.iter().map(cell).collect();
        let head = match keys.as_slice() {
            [one] => format!("  when {} == {one} {{", when.column),
            _ => format!("  when {} in ({}) {{", when.column, keys.join(", ")),
        };
        let mut body = String::new();
        self.body(&mut body, kind, &when.uses, &when.fields, &[], used);
        let statements: Vec<&str> = body.lines().map(str::trim).collect();
        let line = format!("{head} {} }}", statements.join("  "));
        if line.len() <= 100 && !body.contains("\"\"\"") {
            return format!("{line}\n");
        }
        let mut out = format!("{head}\n");
        for l in body.lines() {
            let _ = writeln!(out, "  {l}");
        }
        out.push_str("  }\n");
        out
    }

    pub fn series(&self, series: &Series, used: &mut Vec<String>) -> String {
        let mut out = format!("series {}", series.name);
        if let Some(parent) = &series.parent {
            let _ = write!(out, " : {parent}");
        }
        out.push_str(" {\n");
        if !series.uses.is_empty() {
            let _ = writeln!(out, "  use {}", series.uses.join(", "));
        }
        let _ = write!(out, "  sizes {}", series.sizes);
        if !series.except.is_empty() {
            let cells: Vec<String> = series
                .except
                .iter()
                .map(|e| cell(&Yaml::Str(e.clone())))
                .collect();
            let _ = write!(out, " except {}", cells.join(", "));
        }
        out.push('\n');
        if let Some(variants) = &series.variants {
            let _ = writeln!(out, "  variants {variants}");
        }
        if let Some((cpu, memory)) = series.ratio {
            let _ = writeln!(out, "  ratio {cpu}:{memory}");
        }
        self.body(
            &mut out,
            Kind::Instancetype,
            &[],
            &series.fields,
            &series.unsets,
            used,
        );
        out.push_str("}\n");
        out
    }

    pub fn mixin(&self, mixin: &Mixin, kind: Kind, used: &mut Vec<String>) -> String {
        let mut out = format!("mixin {} {{\n", mixin.name);
        self.body(&mut out, kind, &mixin.uses, &mixin.fields, &[], used);
        out.push_str("}\n");
        out
    }
}

pub fn table(table: &Table) -> String {
    let mut out = format!("table {} ({}) {{\n", table.name, table.columns.join(", "));
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        let _ = writeln!(out, "  {}", cells.join("  "));
    }
    out.push_str("}\n");
    out
}

/// An annotation that citc check would warn about (W0101): a URL or a name
/// with quotes, spaces or a newline around it.
fn suspicious(field: &Field) -> bool {
    let [meta, annotations, key] = field.path.as_slice() else {
        return false;
    };
    let Lit::Yaml(Yaml::Str(value)) = &field.value else {
        return false;
    };
    meta == "metadata"
        && annotations == "annotations"
        && (key.ends_with("url") || key.ends_with("name") || key.ends_with("Name"))
        && (value.starts_with('"')
            || value.starts_with('\'')
            || value.ends_with('\n')
            || value.trim() != value)
}

/// The whole catalog as formatted `.cit` text.
pub fn catalog_text(
    catalog: &Catalog,
    aliases: &[AliasDef],
    std_tables: &[String],
    header: &str,
) -> Result<String, crate::diagnostic::Diagnostic> {
    let printer = Printer { aliases };
    let mut used = Vec::new();
    let mut items: Vec<String> = Vec::new();
    for each in &catalog.tables {
        items.push(table(each));
    }
    for mixin in &catalog.mixins {
        items.push(printer.mixin(mixin, Kind::Instancetype, &mut used));
    }
    for series in &catalog.series {
        items.push(printer.series(series, &mut used));
    }
    for def in &catalog.defs {
        items.push(printer.def(def, &mut used));
    }
    let mut out = String::new();
    out.push_str(header);
    out.push('\n');
    let when_uses = catalog
        .defs
        .iter()
        .flat_map(|d| d.matrix.iter().flat_map(|m| &m.whens))
        .flat_map(|w| &w.uses);
    let uses_components = catalog
        .defs
        .iter()
        .flat_map(|d| &d.uses)
        .chain(when_uses)
        .any(|u| !catalog.mixins.iter().any(|m| m.name == *u));
    match &catalog.derive {
        Derive::Std => {
            out.push_str("import \"std/kubevirt\"\n");
            if !std_tables.is_empty() {
                out.push_str("import \"std/sizes\"\n");
            }
            if uses_components {
                out.push_str("import \"std/components\"\n");
            }
        }
        Derive::Own(rules) => {
            if !std_tables.is_empty() {
                out.push_str("import \"std/sizes\"\n");
            }
            out.push('\n');
            out.push_str(
                "// std/kubevirt's aliases, written here because its derive rules do not\n",
            );
            out.push_str("// all agree with this catalog's labels.\n");
            for alias in aliases {
                let key = format!("{:?}{}", alias.kind, alias.name.name);
                if used.contains(&key) {
                    let kind = alias
                        .kind
                        .map(|k| format!("{} ", k.keyword()))
                        .unwrap_or_default();
                    let target: Vec<String> = alias
                        .target
                        .segments
                        .iter()
                        .map(|s| segment(&s.name))
                        .collect();
                    let _ = writeln!(
                        out,
                        "alias {kind}{} = {}",
                        alias.name.name,
                        target.join(".")
                    );
                }
            }
            for kind in [Kind::Instancetype, Kind::Preference] {
                let lines: Vec<&String> = rules
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, l)| l)
                    .collect();
                if !lines.is_empty() {
                    let _ = writeln!(
                        out,
                        "\n// The rules of std/kubevirt that agree with every resource."
                    );
                    let _ = writeln!(out, "derive {} {{", kind.keyword());
                    for line in lines {
                        let _ = writeln!(out, "  {line}");
                    }
                    out.push_str("}\n");
                }
            }
        }
    }
    if !catalog.release.is_empty() {
        out.push_str("\nrelease {\n");
        for (key, value) in &catalog.release {
            let _ = writeln!(out, "  {key} = {value}");
        }
        out.push_str("}\n");
    }
    for item in items {
        out.push('\n');
        out.push_str(&item);
    }
    crate::fmt::format_source(FileId(0), &out)
}
