//! Hover: a resource's YAML, a field's type and final values, a name's
//! definition, a code's explanation, a quantity's exact amount.

use std::collections::HashSet;

use lsp_types::*;

use super::index::{FieldSite, Key, Owner};
use super::select;
use super::workspace::{Snapshot, Workspace};
use super::{span_range, target};
use crate::check::{Schema, Ty};
use crate::resolve::Resource;
use crate::source::Span;
use crate::syntax::ast::{Item, Kind, Target};
use crate::value::{Node, Quantity, Value};

/// Longest resolved YAML shown, in lines.
const MAX_YAML_LINES: usize = 60;
/// Most resources listed with a field's final value.
const MAX_RESOURCES: usize = 10;
/// Longest definition excerpt, in lines.
const MAX_DEFINITION_LINES: usize = 20;

pub fn hover(workspace: &mut Workspace, params: HoverParams) -> Option<Hover> {
    let position = params.text_document_position_params;
    let target = target(
        workspace,
        &position.text_document.uri,
        position.position,
        true,
    )?;
    let snapshot = &target.snapshot;
    let text = &snapshot.analysis.sources.get(target.file).text;
    let (word_start, word) = word_at(text, target.offset as usize);
    let word_span = Span::new(target.file, word_start, word_start + word.len());
    let markdown = code_hover(word)
        .or_else(|| quantity_hover(word))
        .or_else(|| resource_hover(snapshot, target.file, target.offset))
        .or_else(|| target_hover(snapshot, target.file, target.offset))
        .or_else(|| field_hover(snapshot, target.file, target.offset))
        .or_else(|| name_hover(snapshot, target.file, target.offset))?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(span_range(snapshot, word_span)),
    })
}

/// The word (name, path, number, code) around an offset.
pub fn word_at(text: &str, offset: usize) -> (usize, &str) {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@');
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start, &text[start..end])
}

fn code_hover(word: &str) -> Option<String> {
    let bytes = word.as_bytes();
    let looks_like_code = bytes.len() == 5
        && matches!(bytes[0], b'E' | b'W')
        && bytes[1..].iter().all(u8::is_ascii_digit);
    if !looks_like_code {
        return None;
    }
    let info = crate::codes::lookup(word)?;
    Some(format!(
        "**{}** ({}): {}\n\n{}",
        info.code,
        info.severity.as_str(),
        info.title,
        info.explanation
    ))
}

fn quantity_hover(word: &str) -> Option<String> {
    // A plain number is a number first; only a suffix makes a quantity.
    if !word.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let quantity = Quantity::parse(word)?;
    let units = quantity.millis / 1000;
    let amount = if quantity.millis % 1000 == 0 {
        group_digits(units)
    } else {
        format!("{}.{:03}", group_digits(units), quantity.millis % 1000)
            .trim_end_matches('0')
            .to_string()
    };
    let gib = quantity.millis as f64 / 1000.0 / (1u64 << 30) as f64;
    Some(format!(
        "quantity `{word}` = **{amount}** (bytes of memory, or cores of CPU)\n\n= {gib} GiB",
    ))
}

fn group_digits(n: i128) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    let plain = n.to_string();
    if out.contains('_') {
        format!("{plain} ({out})")
    } else {
        plain
    }
}

/// On the name of a definition or series: what `citc build` writes for it.
fn resource_hover(snapshot: &Snapshot, file: crate::source::FileId, offset: u32) -> Option<String> {
    let header = *snapshot
        .index
        .headers
        .iter()
        .find(|s| s.file == file && s.start <= offset && offset <= s.end)?;
    let resources: Vec<(usize, &Resource)> = snapshot
        .analysis
        .catalog
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.span == header)
        .collect();
    let Some(&(first, resource)) = resources.first() else {
        return Some("abstract: makes no resource by itself (its children inherit it)".into());
    };
    let mut out = String::new();
    if resources.len() > 1 {
        let names: Vec<&str> = resources.iter().map(|(_, r)| r.name.as_str()).collect();
        out.push_str(&format!(
            "makes {} resources: {}\n\n",
            names.len(),
            names.join(", ")
        ));
        out.push_str(&format!("`{}`:\n", resource.name));
    }
    out.push_str(&resource_yaml(snapshot, first));
    Some(out)
}

/// The YAML `citc build` writes for a resource (the cluster-wide kind).
fn resource_yaml(snapshot: &Snapshot, index: usize) -> String {
    let Some(yaml) = snapshot.documents.get(index).and_then(Option::as_ref) else {
        return "(not built: the resource has errors)".into();
    };
    let mut text = String::new();
    crate::yaml::write_document(&mut text, yaml);
    let mut out = String::from("```yaml\n");
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_YAML_LINES) {
        out.push_str(line);
        out.push('\n');
    }
    if lines.len() > MAX_YAML_LINES {
        out.push_str(&format!(
            "# … {} more lines\n",
            lines.len() - MAX_YAML_LINES
        ));
    }
    out.push_str("```");
    out
}

/// Most resources listed for a target that selects many.
const MAX_SELECTED: usize = 30;

/// On a target of a `patch` or `remove`: what it selects (one resource by
/// name: its YAML as built).
fn target_hover(snapshot: &Snapshot, file: crate::source::FileId, offset: u32) -> Option<String> {
    let site = select::target_at(&snapshot.index, file, offset)?;
    let selected = select::selected(snapshot, site);
    let sources = &snapshot.analysis.sources;
    let place = |span: Span| {
        let (line, _) = sources.line_col(span.file, span.start);
        format!("{}:{line}", sources.get(span.file).name)
    };
    let what = |s: &select::Selected| match s.kind {
        Kind::Instancetype => "instance type",
        Kind::Preference => "preference",
    };
    let verb = if site.remove { "removes" } else { "patches" };
    if let (Target::Name(..), [one]) = (&site.target, selected.as_slice()) {
        let mut out = format!(
            "{verb} {} `{}`, defined at {}",
            what(one),
            one.name,
            place(one.defined)
        );
        match (one.built, one.removed_at) {
            (Some(i), _) => {
                out.push_str("\n\nas built (after every overlay):\n");
                out.push_str(&resource_yaml(snapshot, i));
            }
            (None, Some(at)) if !site.remove => {
                out.push_str(&format!("\n\n(removed at {})", place(at)))
            }
            _ => {}
        }
        return Some(out);
    }
    if selected.is_empty() {
        return Some(format!("{verb} nothing: no resource matches (E0131)"));
    }
    let mut out = format!("{verb} {} resource(s):\n", selected.len());
    for one in selected.iter().take(MAX_SELECTED) {
        let defined = place(one.defined);
        let removed = match one.removed_at {
            Some(at) if !site.remove => format!(", removed at {}", place(at)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "- {} `{}`{defined}{removed}\n",
            what(one),
            one.name
        ));
    }
    if selected.len() > MAX_SELECTED {
        out.push_str(&format!("- and {} more\n", selected.len() - MAX_SELECTED));
    }
    Some(out.trim_end().to_string())
}

/// On a field path: its type in the schema, KubeVirt's description of
/// it, the doc comment of its declaration, and its final value in each
/// resource the assignment reaches. Plain paragraphs and lists, no
/// tables: Neovim and Emacs show Markdown tables as raw pipes.
fn field_hover(snapshot: &Snapshot, file: crate::source::FileId, offset: u32) -> Option<String> {
    let (site, segment) = snapshot.index.field_at(file, offset)?;
    let path: Vec<&str> = site.segments[..=segment]
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    let dotted = path.join(".");
    let schema = snapshot.schema();
    let kinds: Vec<Kind> = match site.owner.kind() {
        Some(kind) => vec![kind],
        None => vec![Kind::Instancetype, Kind::Preference],
    };
    let mut out = format!("field `{dotted}`");
    let typed: Vec<(Kind, Ty)> = kinds
        .iter()
        .filter_map(|k| Some((*k, field_type(snapshot, schema, *k, &path)?.0)))
        .collect();
    // A mixin's field that both kinds have alike.
    let both = typed.len() == 2 && typed[0].1 == typed[1].1;
    for kind in &kinds {
        if let Some((ty, doc)) = field_type(snapshot, schema, *kind, &path) {
            let whose = if both {
                "instance types and preferences"
            } else {
                crate::resolve::kind_plural(*kind)
            };
            out.push_str(&format!(": `{}` ({whose})", type_text(&ty)));
            if let Some(description) = super::apidoc::description(*kind, &path) {
                out.push_str(&format!("\n\n{description} (KubeVirt)"));
            }
            if let Some(doc) = doc {
                out.push_str(&format!("\n\n{doc}"));
            }
            break;
        }
    }
    let resources = reached(snapshot, site);
    if !resources.is_empty() {
        out.push_str("\n\nWhat the build writes:\n");
        for resource in resources.iter().take(MAX_RESOURCES) {
            let line = match resource.tree.get_path(&path) {
                None => "(unset) — removed later".to_string(),
                Some(node) => format!("{} — {}", show(node), origin_note(snapshot, site, node)),
            };
            out.push_str(&format!("- `{}`: {line}\n", resource.name));
        }
        if resources.len() > MAX_RESOURCES {
            out.push_str(&format!("- and {} more\n", resources.len() - MAX_RESOURCES));
        }
    }
    Some(out.trim_end().to_string())
}

fn show(node: &Node) -> String {
    match &node.value {
        Value::Map(map) if map.is_empty() => "`{}`".into(),
        Value::Map(map) => format!("a map of {}", map.len()),
        Value::List(items) => format!("a list of {}", items.len()),
        Value::Str(s) => format!("`{s:?}`").replace('\n', "\\n"),
        other => format!("`{}`", other.as_text().unwrap_or_default()),
    }
}

/// Whose value the resource ends up with: this assignment's, another's
/// that replaced or overrode it, or (a map) this one's merged with others.
fn origin_note(snapshot: &Snapshot, site: &FieldSite, node: &Node) -> String {
    let inside =
        |outer: Span, s: Span| s.file == outer.file && outer.start <= s.start && s.end <= outer.end;
    let sources = &snapshot.analysis.sources;
    let place = |span: Span| {
        let (line, _) = sources.line_col(span.file, span.start);
        format!("{}:{line}", sources.get(span.file).name)
    };
    if let Value::Map(map) = &node.value {
        if !map.is_empty() {
            // A map merges key by key: who wrote its keys.
            let mut leaves = Vec::new();
            leaf_spans(node, &mut leaves);
            let mut writers: Vec<Span> = Vec::new();
            for leaf in leaves {
                let writer = snapshot
                    .index
                    .fields
                    .iter()
                    .filter(|f| inside(f.statement, leaf))
                    .min_by_key(|f| f.statement.end - f.statement.start);
                if let Some(writer) = writer {
                    let statement = outermost(snapshot, writer.statement);
                    if !writers.contains(&statement) {
                        writers.push(statement);
                    }
                }
            }
            let mine = outermost(snapshot, site.statement);
            if writers.contains(&mine) {
                let others: Vec<String> = writers
                    .iter()
                    .filter(|w| **w != mine)
                    .map(|w| place(*w))
                    .collect();
                return if others.is_empty() {
                    "set here".into()
                } else {
                    format!("merged with {}", others.join(", "))
                };
            }
        }
    }
    if inside(site.statement, node.span) {
        return "set here".into();
    }
    let other = snapshot
        .index
        .fields
        .iter()
        .find(|other| other.statement != site.statement && inside(other.statement, node.span));
    match other {
        Some(other) if other.replace => format!("replaced at {}", place(other.statement)),
        Some(other) => format!("overridden at {}", place(other.statement)),
        None => format!("set here (from {})", place(node.span)),
    }
}

/// The spans of a value's scalars (and empty maps), where they were written.
fn leaf_spans(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Map(map) if !map.is_empty() => {
            for (_, child) in map.iter() {
                leaf_spans(child, out);
            }
        }
        _ => out.push(node.span),
    }
}

/// The outermost assignment that holds a statement (`spec.annotations { a
/// = "1" }` for its `a = "1"`).
fn outermost(snapshot: &Snapshot, statement: Span) -> Span {
    snapshot
        .index
        .fields
        .iter()
        .map(|f| f.statement)
        .filter(|s| {
            s.file == statement.file && s.start <= statement.start && statement.end <= s.end
        })
        .max_by_key(|s| s.end - s.start)
        .unwrap_or(statement)
}

/// The resources an assignment's item reaches.
fn reached<'a>(snapshot: &'a Snapshot, site: &FieldSite) -> Vec<&'a Resource> {
    let index = &snapshot.index;
    let resources = &snapshot.analysis.catalog.resources;
    match &site.owner {
        Owner::Series(series) => resources
            .iter()
            .filter(|r| r.kind == Kind::Instancetype)
            .filter(|r| {
                let mut current = r.name.split('.').next().map(str::to_string);
                let mut steps = 0;
                while let Some(name) = current {
                    if &name == series {
                        return true;
                    }
                    steps += 1;
                    if steps > 256 {
                        break;
                    }
                    current = index.series_parents.get(&name).cloned();
                }
                false
            })
            .collect(),
        Owner::Definition { kind, name } => {
            let own: HashSet<&str> = resources
                .iter()
                .filter(|r| r.span == *name)
                .map(|r| r.name.as_str())
                .collect();
            let written = snapshot.analysis.sources.get(name.file).text
                [name.start as usize..name.end as usize]
                .trim_matches('"')
                .to_string();
            resources
                .iter()
                .filter(|r| r.kind == *kind)
                .filter(|r| {
                    let mut current = Some(r.name.clone());
                    let mut steps = 0;
                    while let Some(n) = current {
                        if own.contains(n.as_str()) || n == written {
                            return true;
                        }
                        steps += 1;
                        if steps > 256 {
                            break;
                        }
                        current = index.definition_parents.get(&(*kind, n)).cloned();
                    }
                    false
                })
                .collect()
        }
        Owner::Mixin(mixin) => {
            let mixins = &snapshot.analysis.catalog.mixins;
            resources
                .iter()
                .filter(|r| {
                    let mut pending: Vec<&str> = r.uses.iter().map(|(m, _)| m.as_str()).collect();
                    let mut seen = HashSet::new();
                    while let Some(m) = pending.pop() {
                        if m == mixin {
                            return true;
                        }
                        if seen.insert(m) {
                            if let Some(info) = mixins.get(m) {
                                pending.extend(info.uses.iter().map(String::as_str));
                            }
                        }
                    }
                    false
                })
                .collect()
        }
        Owner::Patch(_) | Owner::Other => {
            let path: Vec<&str> = site.segments.iter().map(|(s, _)| s.as_str()).collect();
            resources
                .iter()
                .filter(|r| {
                    r.tree.get_path(&path).is_some_and(|n| {
                        n.span.file == site.statement.file
                            && site.statement.start <= n.span.start
                            && n.span.end <= site.statement.end
                    })
                })
                .collect()
        }
    }
}

/// A field's type, and the doc comment of its declaration (or its type's).
pub fn field_type(
    snapshot: &Snapshot,
    schema: &Schema,
    kind: Kind,
    path: &[&str],
) -> Option<(Ty, Option<String>)> {
    let (first, rest) = path.split_first()?;
    let mut ty = match *first {
        "spec" => Ty::Object(schema.roots.get(&kind)?.clone()),
        "metadata" => match rest.first() {
            None => {
                return Some((
                    Ty::Map(Box::new(Ty::Map(Box::new(Ty::String { max_len: None })))),
                    None,
                ))
            }
            Some(&"labels") | Some(&"annotations") => {
                return Some((
                    if rest.len() == 1 {
                        Ty::Map(Box::new(Ty::String { max_len: None }))
                    } else {
                        Ty::String { max_len: None }
                    },
                    None,
                ))
            }
            Some(_) => return None,
        },
        _ => return None,
    };
    let mut doc = None;
    for segment in rest {
        ty = match ty {
            Ty::Object(name) => {
                let field = schema.object(&name)?.fields.get(*segment)?;
                doc = field_doc(snapshot, &name, segment);
                field.ty.clone()
            }
            Ty::Map(inner) => *inner,
            _ => return None,
        };
    }
    if doc.is_none() {
        if let Ty::Object(name) = &ty {
            doc = schema
                .object(name)
                .and_then(|o| doc_comment(snapshot, o.span));
        }
    }
    Some((ty, doc))
}

fn field_doc(snapshot: &Snapshot, type_name: &str, field: &str) -> Option<String> {
    for file in &snapshot.analysis.files {
        for item in &file.ast.items {
            if let Item::Type(def) = item {
                if def.name.name == type_name {
                    let decl = def.fields.iter().find(|f| f.name.name == field)?;
                    return doc_comment(snapshot, decl.name.span);
                }
            }
        }
    }
    None
}

pub fn type_text(ty: &Ty) -> String {
    match ty {
        Ty::String { max_len: Some(max) } => format!("string(..{max})"),
        Ty::String { max_len: None } => "string".into(),
        Ty::Bool => "bool".into(),
        Ty::Int { min, max } => match (min, max) {
            (None, None) => "int".into(),
            (min, max) => format!(
                "int({}..{})",
                min.map(|m| m.to_string()).unwrap_or_default(),
                max.map(|m| m.to_string()).unwrap_or_default()
            ),
        },
        Ty::Number => "number".into(),
        Ty::Quantity => "quantity".into(),
        Ty::Enum(values) => format!(
            "enum({})",
            values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::DnsSubdomain => "dns_subdomain".into(),
        Ty::Map(inner) => format!("map({})", type_text(inner)),
        Ty::List(inner) => format!("list({})", type_text(inner)),
        Ty::Object(name) => name.clone(),
    }
}

/// The `//` lines right above the line of `span`.
pub fn doc_comment(snapshot: &Snapshot, span: Span) -> Option<String> {
    let text = &snapshot.analysis.sources.get(span.file).text;
    let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let mut lines = Vec::new();
    for line in text[..line_start].lines().rev() {
        match line.trim().strip_prefix("//") {
            Some(comment) => lines.push(comment.strip_prefix(' ').unwrap_or(comment).to_string()),
            None => break,
        }
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

/// The lines that define a name: its line, and for a block opened there,
/// the lines to the block's end.
pub fn definition_excerpt(snapshot: &Snapshot, span: Span) -> String {
    let text = &snapshot.analysis.sources.get(span.file).text;
    let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let mut depth = 0i32;
    let mut out = Vec::new();
    for line in text[line_start..].lines() {
        out.push(line);
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        if depth <= 0 || out.len() >= MAX_DEFINITION_LINES {
            if depth > 0 {
                out.push("  …");
            }
            break;
        }
    }
    out.join("\n")
}

/// On a name: its definition's lines and the doc comment above them.
fn name_hover(snapshot: &Snapshot, file: crate::source::FileId, offset: u32) -> Option<String> {
    let occurrence = snapshot.index.at(file, offset)?;
    let definition = snapshot.index.definitions(&occurrence.key).next()?;
    let sources = &snapshot.analysis.sources;
    let (line, _) = sources.line_col(definition.span.file, definition.span.start);
    let mut out = format!(
        "{} — {}:{line}\n```cit\n{}\n```",
        occurrence.key.describe(),
        sources.get(definition.span.file).name,
        definition_excerpt(snapshot, definition.span)
    );
    if let Some(doc) = doc_comment(snapshot, definition.span) {
        out.push_str(&format!("\n\n{doc}"));
    }
    if let Key::Column { table, column } = &occurrence.key {
        out.push_str(&format!("\n\ncolumn `{column}` of table `{table}`"));
    }
    Some(out)
}
