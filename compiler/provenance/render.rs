//! Rendering provenance: the document with a `# where from` comment on each
//! field, a field's chain of assignments with source excerpts, and both as
//! JSON. The document itself is always the emitter's bytes: comments are
//! added beside its lines, never by writing YAML a second time.

use std::fmt::Write as _;

use serde::Serialize;

use super::Shown;
use crate::diagnostic::json_string;
use crate::lower::to_yaml;
use crate::resolve::{Action, Assignment, Via};
use crate::source::{SourceMap, Span};
use crate::yaml::{write_document, Yaml};

/// The document exactly as the build writes it.
pub fn yaml(shown: &Shown) -> String {
    let mut out = String::with_capacity(2048);
    write_document(&mut out, &shown.document);
    out
}

/// The document with each field's origin as a YAML comment: after the value
/// when it fits on its line, else on a line of its own above the field.
pub fn yaml_why(shown: &Shown, sources: &SourceMap) -> String {
    let text = yaml(shown);
    let lines: Vec<&str> = text.lines().collect();
    let mut notes: Vec<(usize, bool, String)> = Vec::new();
    if let Yaml::Map(entries) = &shown.document {
        let mut cursor = 0;
        let mut path = Vec::new();
        place(
            entries,
            0,
            &lines,
            &mut cursor,
            &mut path,
            &mut |path, line, own_line| {
                if let Some(winner) = shown.winner(path) {
                    notes.push((line, own_line, describe(winner, sources)));
                }
            },
        );
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut notes = notes.into_iter().peekable();
    for (index, line) in lines.iter().enumerate() {
        match notes.next_if(|(at, _, _)| *at == index) {
            Some((_, true, note)) => {
                let indent = line.len() - line.trim_start().len();
                let _ = writeln!(out, "{:indent$}# {note}\n{line}", "");
            }
            Some((_, false, note)) => {
                let _ = writeln!(out, "{line}  # {note}");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Finds the line of each leaf of a block map written at `depth` (go-yaml
/// indents nested maps by two and writes lists at their key's indentation)
/// and calls `note` with its path, its line, and whether its value runs
/// over several lines. Stops quietly at a line it cannot place.
fn place(
    entries: &[(String, Yaml)],
    depth: usize,
    lines: &[&str],
    cursor: &mut usize,
    path: &mut Vec<String>,
    note: &mut dyn FnMut(&[String], usize, bool),
) -> bool {
    let indent = depth * 2;
    let indentation = |line: &str| line.len() - line.trim_start_matches(' ').len();
    for (key, value) in entries {
        let is_key_line = |line: &&str| {
            if indentation(line) != indent {
                return false;
            }
            let rest = &line[indent..];
            let ends_key = |r: &str| r.starts_with(':');
            match rest.as_bytes().first() {
                // A key go-yaml had to quote.
                Some(b'"') => rest
                    .strip_prefix(json_string(key).as_str())
                    .is_some_and(ends_key),
                Some(b'\'') => rest
                    .strip_prefix(format!("'{key}'").as_str())
                    .is_some_and(ends_key),
                _ => rest.strip_prefix(key.as_str()).is_some_and(ends_key),
            }
        };
        let Some(offset) = lines[*cursor..].iter().position(is_key_line) else {
            return false;
        };
        let line = *cursor + offset;
        *cursor = line + 1;
        path.push(key.clone());
        match value {
            Yaml::Map(children) if !children.is_empty() => {
                if !place(children, depth + 1, lines, cursor, path, note) {
                    return false;
                }
            }
            _ => {
                // The value goes on while lines are deeper, or are list items.
                let more = lines.get(line + 1).is_some_and(|next| {
                    indentation(next) > indent
                        || (indentation(next) == indent && next[indent..].starts_with("- "))
                });
                note(path, line, more);
            }
        }
        path.pop();
    }
    true
}

/// One line on where an assignment comes from:
/// `catalog.cit:45:3 column `cpu` of row `medium` of table general_sizes, via series u1`.
pub fn describe(assignment: &Assignment, sources: &SourceMap) -> String {
    let mut out = location(assignment.at, sources);
    let what = what(assignment, sources);
    if !what.is_empty() {
        out.push(' ');
        out.push_str(&what);
    }
    if !assignment.via.is_empty() {
        let via: Vec<String> = assignment.via.iter().map(|v| via(v, sources)).collect();
        let _ = write!(out, ", via {}", via.join(" → "));
    }
    out
}

/// What the assignment is, besides where: a table cell, an alias, an
/// `unset`, a derive rule, a value citc writes.
fn what(assignment: &Assignment, sources: &SourceMap) -> String {
    let mut parts = Vec::new();
    match assignment.action {
        Action::Set => {}
        Action::Replace => parts.push("replaced with `:=`".to_string()),
        Action::Unset => parts.push("unset".to_string()),
        Action::Derived => parts.push("derive rule".to_string()),
        Action::Written => parts.push(
            match assignment.path.first().map(String::as_str) {
                Some("apiVersion" | "kind") => "written by citc",
                _ if assignment.path.last().is_some_and(|k| k == "name") => {
                    "the resource's name, written by citc"
                }
                _ => "the release version, stamped by citc (--version, git describe or default_version)",
            }
            .to_string(),
        ),
    }
    if let Some(cell) = &assignment.cell {
        parts.push(format!(
            "column `{}` of row `{}` of table {}, read at {}",
            cell.column,
            cell.row,
            cell.table,
            location(assignment.statement, sources)
        ));
    }
    if let Some(alias) = &assignment.alias {
        parts.push(format!("as `{alias}`"));
    }
    parts.join(", ")
}

fn via(step: &Via, sources: &SourceMap) -> String {
    match step {
        Via::Parent { name, .. } => format!("parent {name}"),
        Via::Series { name, .. } => format!("series {name}"),
        Via::Mixin { name, used_at } => {
            format!("mixin {name} (use at {})", location(*used_at, sources))
        }
        Via::Patch { at } => format!("patch at {}", location(*at, sources)),
    }
}

/// `file:line:column` of a span's start.
pub fn location(span: Span, sources: &SourceMap) -> String {
    let (line, column) = sources.line_col(span.file, span.start);
    format!("{}:{line}:{column}", sources.get(span.file).name)
}

/// The first source line of a span, numbered: `  45 |   medium  1  4Gi`;
/// a long line is cut, as in a diagnostic.
pub fn excerpt(span: Span, sources: &SourceMap) -> String {
    let (line, _) = sources.line_col(span.file, span.start);
    let text = sources
        .get(span.file)
        .text
        .lines()
        .nth(line - 1)
        .unwrap_or_default();
    let text = crate::diagnostic::echo::cut_line(text);
    format!("{line:>5} | {text}")
}

/// A field's chain as YAML: the field and its value, then every assignment
/// as comments, numbered in order, the winner last.
pub fn chain(shown: &Shown, path: &[String], sources: &SourceMap) -> String {
    let mut out = String::new();
    for (field, value) in shown.fields(path) {
        let _ = writeln!(
            out,
            "{}: {}",
            dotted(&field),
            crate::diff::inline::inline(value, 200)
        );
        let chain = shown.chain(&field);
        let winner = chain.iter().rposition(|a| a.action != Action::Unset);
        for (index, assignment) in chain.iter().enumerate() {
            let status = match winner {
                Some(w) if w == index => "wins",
                _ => "overridden",
            };
            let value = assignment
                .value
                .as_ref()
                .map(|v| crate::diff::inline::inline(&to_yaml(v), 72))
                .unwrap_or_else(|| "(unset)".to_string());
            let _ = writeln!(
                out,
                "  # {}. {status}: {value}  {}",
                index + 1,
                describe(assignment, sources)
            );
            let _ = writeln!(out, "  # {}", excerpt(assignment.at, sources));
        }
    }
    out
}

/// A path for people: keys joined with dots, quoted when not plain.
pub fn dotted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| {
            if k.contains(['.', '/', '"', ' ']) {
                json_string(k)
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

// -------------------------------------------------------------------- json

/// The resource as JSON: `{"kind", "name", "document"}`, with `--why` a
/// `"why"` object (each field's dotted path → where its value comes from),
/// and with a field path a `"fields"` list of each field's whole chain.
/// serde_json writes it, from structs whose fields are the keys in order.
pub fn json(shown: &Shown, sources: &SourceMap, why: bool, path: Option<&[String]>) -> String {
    let why = why.then(|| {
        Ordered(
            shown
                .fields(&[])
                .iter()
                .map(|(field, _)| {
                    let winner = shown.winner(field);
                    (
                        dotted(field),
                        winner.map(|w| JsonAssignment::of(w, sources, None)),
                    )
                })
                .collect(),
        )
    });
    let fields = path.map(|path| {
        shown
            .fields(path)
            .into_iter()
            .map(|(field, value)| {
                let chain = shown.chain(&field);
                let winner = chain.iter().rposition(|a| a.action != Action::Unset);
                JsonField {
                    field: dotted(&field),
                    value,
                    chain: chain
                        .iter()
                        .enumerate()
                        .map(|(k, a)| JsonAssignment::of(a, sources, Some(winner != Some(k))))
                        .collect(),
                }
            })
            .collect()
    });
    let document = JsonShown {
        kind: shown.kind.name(),
        name: &shown.resource.name,
        document: &shown.document,
        why,
        fields,
    };
    // A line per field of `why` and of `fields`, and per link of a chain.
    crate::emit::json::to_string(&document, |path| {
        matches!(path, ["why"] | ["fields"] | ["fields", "*", "chain"])
    })
}

#[derive(Serialize)]
struct JsonShown<'a> {
    kind: &'a str,
    name: &'a str,
    document: &'a Yaml,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<Ordered<Option<JsonAssignment<'a>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<JsonField<'a>>>,
}

/// A JSON object whose keys keep the order they are given in.
struct Ordered<T>(Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Serialize)]
struct JsonField<'a> {
    field: String,
    value: &'a Yaml,
    chain: Vec<JsonAssignment<'a>>,
}

/// One assignment: where, what it did, how it got there; with `overridden`
/// (in a chain) also whether a later one won and the value it set.
#[derive(Serialize)]
struct JsonAssignment<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    overridden: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Option<Yaml>>,
    via: Vec<JsonVia<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<JsonCell<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alias: Option<&'a str>,
    description: String,
}

impl<'a> JsonAssignment<'a> {
    fn of(a: &'a Assignment, sources: &'a SourceMap, overridden: Option<bool>) -> Self {
        let (line, column) = sources.line_col(a.at.file, a.at.start);
        let action = match a.action {
            Action::Set => "set",
            Action::Replace => "replace",
            Action::Unset => "unset",
            Action::Derived => "derived",
            Action::Written => "written",
        };
        let via = a
            .via
            .iter()
            .map(|step| {
                let (what, name, at) = match step {
                    Via::Parent { name, at } => ("parent", Some(name.as_str()), *at),
                    Via::Series { name, at } => ("series", Some(name.as_str()), *at),
                    Via::Mixin { name, used_at } => ("mixin", Some(name.as_str()), *used_at),
                    Via::Patch { at } => ("patch", None, *at),
                };
                JsonVia {
                    what,
                    name,
                    file: &sources.get(at.file).name,
                    line: sources.line_col(at.file, at.start).0,
                }
            })
            .collect();
        JsonAssignment {
            file: &sources.get(a.at.file).name,
            line,
            column,
            action,
            overridden,
            value: overridden.map(|_| a.value.as_ref().map(to_yaml)),
            via,
            cell: a.cell.as_ref().map(|cell| JsonCell {
                table: &cell.table,
                row: &cell.row,
                column: &cell.column,
            }),
            alias: a.alias.as_deref(),
            description: describe(a, sources),
        }
    }
}

/// `{"parent": NAME, "file", "line"}` (or `series`, `mixin`; a patch is
/// `"patch": true`).
struct JsonVia<'a> {
    what: &'static str,
    name: Option<&'a str>,
    file: &'a str,
    line: usize,
}

impl Serialize for JsonVia<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(3))?;
        match self.name {
            Some(name) => map.serialize_entry(self.what, name)?,
            None => map.serialize_entry(self.what, &true)?,
        }
        map.serialize_entry("file", self.file)?;
        map.serialize_entry("line", &self.line)?;
        map.end()
    }
}

#[derive(Serialize)]
struct JsonCell<'a> {
    table: &'a str,
    row: &'a str,
    column: &'a str,
}
