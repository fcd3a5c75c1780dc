//! Completion. The context comes from the document's current text (it is
//! usually half-typed), the names from the last analysis that parsed.

use lsp_types::*;

use super::convert::{uri_to_path, LineIndex};
use super::hover::{field_type, type_text};
use super::index::Key;
use super::workspace::{Snapshot, Workspace};
use crate::check::Ty;
use crate::fmt::lex::{self, Kind as TokenKind};
use crate::syntax::ast::{Expr, Item, Kind};

const TOP_KEYWORDS: &[&str] = &[
    "import",
    "let",
    "alias",
    "mixin",
    "table",
    "series",
    "abstract",
    "instancetype",
    "preference",
    "derive",
    "type",
    "schema",
    "allow",
    "release",
    "patch",
    "remove",
];
const STATEMENT_KEYWORDS: &[&str] = &[
    "use", "sizes", "variants", "ratio", "allow", "when", "let", "unset",
];

pub fn completion(
    workspace: &mut Workspace,
    params: CompletionParams,
) -> Option<CompletionResponse> {
    let position = params.text_document_position;
    let uri = &position.text_document.uri;
    let path = uri_to_path(uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let text = workspace.document_at(&path)?.text.clone();
    let offset = LineIndex::new(&text).offset(position.position);
    // A file opened with a syntax error has no good analysis yet: its own
    // (broken) one still knows the keywords and the schema.
    let (snapshot, file) = workspace
        .snapshot_for(&path, true)
        .or_else(|| workspace.snapshot_for(&path, false))?;
    let context = Context::new(&text, offset);
    // Scopes come from the analysed text, which the text being typed has
    // moved on from: the cursor, in the analysed text.
    let analysed = analysed_offset(&snapshot.analysis.sources.get(file).text, &text, offset);
    let items = context.items(&snapshot, file, analysed);
    Some(CompletionResponse::Array(items))
}

/// Where the cursor is, as far as completion cares.
struct Context<'a> {
    /// The line up to the cursor.
    line: &'a str,
    /// The partial word being typed (dots included).
    partial: &'a str,
    /// Block depth at the cursor (0: top level).
    depth: usize,
    /// The keyword of the enclosing top-level item.
    item: Option<&'a str>,
    /// Paths of the enclosing nested blocks (`spec.annotations {`).
    prefix: Vec<String>,
}

impl<'a> Context<'a> {
    fn new(text: &'a str, offset: usize) -> Context<'a> {
        let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &text[line_start..offset];
        let partial_start = line
            .char_indices()
            .rev()
            .take_while(|(_, c)| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '/' | '@')
            })
            .last()
            .map_or(line.len(), |(i, _)| i);
        let partial = &line[partial_start..];
        let tokens = lex::lex(&text[..line_start]);
        let mut stack: Vec<Option<String>> = Vec::new();
        let mut item = None;
        let mut line_first = 0;
        for (i, token) in tokens.iter().enumerate() {
            if token.newlines_before > 0 || i == 0 {
                line_first = i;
            }
            if token.kind == TokenKind::Comment {
                continue;
            }
            if stack.is_empty() && token.kind == TokenKind::Term {
                if TOP_KEYWORDS.contains(&token.text) && token.text != "abstract" {
                    item = Some(token.text);
                }
                if token.newlines_before > 0 && token.text == "abstract" {
                    item = None;
                }
            }
            if token.is("{") {
                let opener = if stack.is_empty() || tokens[line_first].is("when") {
                    None
                } else {
                    let before = |k: usize| i.checked_sub(k).map(|j| &tokens[j]);
                    match (before(1), before(2)) {
                        (Some(t), _) if t.kind == TokenKind::Term && i - 1 == line_first => {
                            Some(t.text.to_string())
                        }
                        (Some(eq), Some(t))
                            if (eq.is("=") || eq.is(":=")) && t.kind == TokenKind::Term =>
                        {
                            Some(t.text.to_string())
                        }
                        _ => None,
                    }
                };
                stack.push(opener);
            } else if token.is("}") {
                stack.pop();
            }
        }
        // Braces on the current line before the cursor.
        let mut depth = stack.len() as i64;
        for token in lex::lex(line) {
            if token.is("{") {
                depth += 1;
            } else if token.is("}") {
                depth -= 1;
            }
        }
        let prefix = stack.iter().flatten().cloned().collect();
        Context {
            line,
            partial,
            depth: depth.max(0) as usize,
            item: if depth > 0 { item } else { None },
            prefix,
        }
    }

    /// The line before the partial word.
    fn before(&self) -> &'a str {
        &self.line[..self.line.len() - self.partial.len()]
    }

    fn kinds(&self) -> Vec<Kind> {
        match self.item {
            Some("series") | Some("instancetype") => vec![Kind::Instancetype],
            Some("preference") => vec![Kind::Preference],
            _ => vec![Kind::Instancetype, Kind::Preference],
        }
    }

    fn items(
        &self,
        snapshot: &Snapshot,
        file: crate::source::FileId,
        offset: usize,
    ) -> Vec<CompletionItem> {
        let before = self.before();
        let words: Vec<&str> = before.split_whitespace().collect();
        let last = words.last().copied().unwrap_or("");
        let first = words.first().copied().unwrap_or("");
        if first == "allow" && words.len() == 1 {
            return crate::codes::all()
                .filter(|c| c.severity == crate::diagnostic::Severity::Warning)
                .map(|c| item(c.code, CompletionItemKind::CONSTANT, Some(c.title)))
                .collect();
        }
        if first == "use" {
            // In a series, an instance type or a preference: the mixins
            // whose fields that kind has.
            let kinds = self.kinds();
            let mut fit = Fit::new(snapshot);
            let mut out = names(
                snapshot,
                |k| matches!(k, Key::Mixin(_)),
                CompletionItemKind::MODULE,
            );
            if let [kind] = kinds.as_slice() {
                out.retain(|item| fit.mixin(&item.label, *kind));
            }
            return out;
        }
        if matches!(last, "sizes" | "variants" | "for" | "*") && !before.contains("except") {
            return names(
                snapshot,
                |k| matches!(k, Key::Table(_)),
                CompletionItemKind::STRUCT,
            );
        }
        if let Some(keys) = self.row_keys(snapshot, &words, file, offset) {
            return keys;
        }
        if last == ":" || (last.ends_with(':') && words.len() >= 2 && self.depth == 0) {
            let kind = match first {
                "series" => None,
                _ if words.contains(&"preference") => Some(Kind::Preference),
                _ => Some(Kind::Instancetype),
            };
            return names(
                snapshot,
                |k| match (k, kind) {
                    (Key::Series(_), None) => true,
                    (Key::Resource(rk, _), Some(kind)) => *rk == kind,
                    _ => false,
                },
                CompletionItemKind::CLASS,
            );
        }
        if self.depth == 0 {
            return TOP_KEYWORDS
                .iter()
                .map(|k| item(k, CompletionItemKind::KEYWORD, None))
                .collect();
        }
        if let Some(eq) = words.iter().position(|w| *w == "=" || *w == ":=") {
            if eq == 1 {
                return self.values(snapshot, words[0], file, offset);
            }
        }
        if self.partial.contains('.') {
            return self.fields(snapshot);
        }
        if words.is_empty() {
            let mut out: Vec<CompletionItem> = STATEMENT_KEYWORDS
                .iter()
                .map(|k| item(k, CompletionItemKind::KEYWORD, None))
                .collect();
            out.push(item(
                "spec",
                CompletionItemKind::FIELD,
                Some("the resource's spec"),
            ));
            out.push(item(
                "metadata",
                CompletionItemKind::FIELD,
                Some("labels and annotations"),
            ));
            out.extend(names(
                snapshot,
                |k| matches!(k, Key::Alias(_)),
                CompletionItemKind::PROPERTY,
            ));
            return out;
        }
        Vec::new()
    }

    /// The segments of a path typed here, from the resource's root.
    fn full_path(&self, snapshot: &Snapshot, written: &str) -> Vec<String> {
        let mut segments: Vec<String> = self.prefix.iter().flat_map(|p| split_path(p)).collect();
        let mut typed = split_path(written);
        if segments.is_empty() {
            if let Some(first) = typed.first().cloned() {
                if let Some(target) = alias_target(snapshot, &first, &self.kinds()) {
                    typed.splice(0..1, target);
                }
            }
        }
        segments.extend(typed);
        segments
    }

    fn fields(&self, snapshot: &Snapshot) -> Vec<CompletionItem> {
        let Some(dot) = self.partial.rfind('.') else {
            return Vec::new();
        };
        let path = self.full_path(snapshot, &self.partial[..dot]);
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let schema = snapshot.schema();
        let mut out: Vec<CompletionItem> = Vec::new();
        for kind in self.kinds() {
            let Some((Ty::Object(name), _)) = field_type(snapshot, schema, kind, &path) else {
                continue;
            };
            let Some(object) = schema.object(&name) else {
                continue;
            };
            for (field, decl) in &object.fields {
                if out.iter().any(|i| &i.label == field) {
                    continue;
                }
                let mut completion = item(field, CompletionItemKind::FIELD, None);
                completion.detail = Some(type_text(&decl.ty));
                if let Ty::Enum(values) = &decl.ty {
                    completion.documentation = Some(Documentation::String(format!(
                        "one of: {}",
                        values.join(", ")
                    )));
                }
                completion.deprecated = Some(decl.deprecated).filter(|d| *d);
                out.push(completion);
            }
        }
        out
    }

    /// After `path =`: the field's enum values or booleans, and variables.
    fn values(
        &self,
        snapshot: &Snapshot,
        written: &str,
        file: crate::source::FileId,
        offset: usize,
    ) -> Vec<CompletionItem> {
        let path = self.full_path(snapshot, written);
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let schema = snapshot.schema();
        let mut out = Vec::new();
        for kind in self.kinds() {
            match field_type(snapshot, schema, kind, &path) {
                Some((Ty::Enum(values), _)) => {
                    out.extend(
                        values.iter().map(|v| {
                            item(&format!("{v:?}"), CompletionItemKind::ENUM_MEMBER, None)
                        }),
                    );
                    break;
                }
                Some((Ty::Bool, _)) => {
                    out.extend(["true", "false"].map(|v| item(v, CompletionItemKind::VALUE, None)));
                    break;
                }
                _ => {}
            }
        }
        out.extend(variables(snapshot, file, offset as u32));
        out
    }

    /// Row keys after `except` (of the table in that position) and values
    /// of the column after `when COLUMN ==` or `in (`.
    fn row_keys(
        &self,
        snapshot: &Snapshot,
        words: &[&str],
        file: crate::source::FileId,
        offset: usize,
    ) -> Option<Vec<CompletionItem>> {
        let before = self.before();
        if words.first() == Some(&"when")
            && words.len() >= 3
            && matches!(words[2], "==" | "in" | "in(")
        {
            let column = words[1];
            let mut values: Vec<String> = Vec::new();
            // The tables of the row in scope (a series' sizes and variants,
            // a matrix's tables); elsewhere (a mixin, a patch) any table.
            let in_scope: Option<Vec<String>> = innermost_scope(snapshot, file, offset as u32)
                .map(|columns| {
                    columns
                        .iter()
                        .filter(|(_, c)| c == column)
                        .map(|(t, _)| t.clone())
                        .collect::<Vec<_>>()
                })
                .filter(|tables| !tables.is_empty());
            for def in tables(snapshot) {
                if let Some(wanted) = &in_scope {
                    if !wanted.iter().any(|key| table_key_is(snapshot, key, def)) {
                        continue;
                    }
                }
                if let Some(at) = def.columns.iter().position(|c| c.name == column) {
                    for row in &def.rows {
                        if let Some(cell) = row.cells.get(at).and_then(cell_text) {
                            if !values.contains(&cell) {
                                values.push(cell);
                            }
                        }
                    }
                }
            }
            return Some(
                values
                    .iter()
                    .map(|v| item(v, CompletionItemKind::ENUM_MEMBER, Some(column)))
                    .collect(),
            );
        }
        let except = before.find(" except")?;
        let header = &before[..except];
        let header_words: Vec<&str> = header.split_whitespace().collect();
        let tables_named: Vec<&str> =
            if let Some(sizes) = header_words.iter().position(|w| *w == "sizes") {
                header_words.get(sizes + 1).into_iter().copied().collect()
            } else if let Some(for_at) = header_words.iter().position(|w| *w == "for") {
                header_words[for_at + 1..]
                    .iter()
                    .copied()
                    .filter(|w| *w != "*")
                    .collect()
            } else {
                Vec::new()
            };
        // Inside `( … )`: the position in the tuple picks the table.
        let after = &before[except..];
        let position = match after.rfind('(') {
            Some(open) if !after[open..].contains(')') => after[open..].matches(',').count(),
            _ => 0,
        };
        let table = tables_named.get(position)?;
        let def = tables(snapshot).find(|t| t.name.name == *table)?;
        Some(
            def.rows
                .iter()
                .filter_map(|row| row.cells.first().and_then(cell_text))
                .map(|key| item(&key, CompletionItemKind::ENUM_MEMBER, Some(table)))
                .collect(),
        )
    }
}

fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn alias_target(snapshot: &Snapshot, name: &str, kinds: &[Kind]) -> Option<Vec<String>> {
    let mut fallback = None;
    for file in &snapshot.analysis.files {
        for item in &file.ast.items {
            if let Item::Alias(def) = item {
                if def.name.name == name {
                    let segments: Vec<String> =
                        def.target.segments.iter().map(|s| s.name.clone()).collect();
                    match def.kind {
                        Some(kind) if kinds.len() == 1 && kinds[0] == kind => {
                            return Some(segments)
                        }
                        _ => fallback = fallback.or(Some(segments)),
                    }
                }
            }
        }
    }
    fallback
}

fn tables(snapshot: &Snapshot) -> impl Iterator<Item = &crate::syntax::ast::TableDef> {
    snapshot.analysis.files.iter().flat_map(|f| {
        f.ast.items.iter().filter_map(|item| match item {
            Item::Table(def) => Some(def),
            _ => None,
        })
    })
}

fn cell_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Word(w, _) => Some(w.clone()),
        Expr::Text(t) => t.as_literal().map(|s| format!("{s:?}")),
        Expr::Int(i, _) => Some(i.to_string()),
        Expr::Quantity(q, _) => Some(q.clone()),
        Expr::Bool(b, _) => Some(b.to_string()),
        _ => None,
    }
}

/// Variables in scope at an offset: the enclosing row's columns, the
/// local constants before it, the global constants.
fn variables(snapshot: &Snapshot, file: crate::source::FileId, offset: u32) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = Vec::new();
    let mut add = |name: String, detail: &str| {
        if !out.iter().any(|i| i.label == name) {
            out.push(item(&name, CompletionItemKind::VARIABLE, Some(detail)));
        }
    };
    let inside = |s: crate::source::Span| s.file == file && s.start <= offset && offset <= s.end;
    if let Some((body, columns)) = snapshot
        .index
        .scopes
        .iter()
        .filter(|(s, _)| inside(*s))
        .min_by_key(|(s, _)| s.end - s.start)
    {
        for (_, column) in columns {
            add(column.clone(), "column");
        }
        for occurrence in &snapshot.index.occurrences {
            if let Key::Local(span) = occurrence.key {
                if occurrence.is_definition
                    && inside(*body)
                    && span.file == file
                    && body.start <= span.start
                    && span.start < offset
                {
                    let text = &snapshot.analysis.sources.get(file).text;
                    add(
                        text[span.start as usize..span.end as usize].to_string(),
                        "local constant",
                    );
                }
            }
        }
    }
    for occurrence in &snapshot.index.occurrences {
        if let (Key::Global(name), true) = (&occurrence.key, occurrence.is_definition) {
            add(name.clone(), "constant");
        }
    }
    out
}

fn names(
    snapshot: &Snapshot,
    wanted: impl Fn(&Key) -> bool,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = Vec::new();
    for occurrence in &snapshot.index.occurrences {
        if !occurrence.is_definition || !wanted(&occurrence.key) {
            continue;
        }
        let name = match &occurrence.key {
            // A mixin or table as written (its key differs when another
            // file defines the same name).
            Key::Mixin(_) | Key::Table(_) => {
                let text = &snapshot.analysis.sources.get(occurrence.span.file).text;
                text[occurrence.span.start as usize..occurrence.span.end as usize].to_string()
            }
            Key::Series(n) | Key::Resource(_, n) | Key::Alias(n) => n.clone(),
            _ => continue,
        };
        if out.iter().any(|i| i.label == name) {
            continue;
        }
        let source = &snapshot.analysis.sources.get(occurrence.span.file).name;
        out.push(item(
            &name,
            kind,
            Some(&format!("{} ({source})", occurrence.key.describe())),
        ));
    }
    out
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<&str>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        ..CompletionItem::default()
    }
}

/// The (table, column) pairs of the innermost series or definition body
/// around an offset.
fn innermost_scope(
    snapshot: &Snapshot,
    file: crate::source::FileId,
    offset: u32,
) -> Option<&Vec<(String, String)>> {
    snapshot
        .index
        .scopes
        .iter()
        .filter(|(s, _)| s.file == file && s.start <= offset && offset <= s.end)
        .min_by_key(|(s, _)| s.end - s.start)
        .map(|(_, columns)| columns)
}

/// Whether a table definition is the one an index key names.
fn table_key_is(snapshot: &Snapshot, key: &str, def: &crate::syntax::ast::TableDef) -> bool {
    snapshot
        .index
        .definitions(&Key::Table(key.to_string()))
        .any(|o| o.span == def.name.span)
}

/// Which kinds a mixin's fields belong to: every field it sets (through
/// the mixins it uses too) must be a field of the kind.
struct Fit<'a> {
    snapshot: &'a Snapshot,
    seen: std::collections::HashMap<(String, Kind), bool>,
}

impl<'a> Fit<'a> {
    fn new(snapshot: &'a Snapshot) -> Fit<'a> {
        Fit {
            snapshot,
            seen: std::collections::HashMap::new(),
        }
    }

    /// Whether the mixin written `name` (as completion lists it) fits `kind`.
    fn mixin(&mut self, name: &str, kind: Kind) -> bool {
        let definitions: Vec<crate::source::Span> = self
            .snapshot
            .index
            .occurrences
            .iter()
            .filter(|o| o.is_definition && matches!(o.key, Key::Mixin(_)))
            .filter(|o| {
                let text = &self.snapshot.analysis.sources.get(o.span.file).text;
                &text[o.span.start as usize..o.span.end as usize] == name
            })
            .map(|o| o.span)
            .collect();
        definitions.iter().any(|span| self.mixin_at(*span, kind))
    }

    /// The mixin defined at a name span.
    fn mixin_at(&mut self, span: crate::source::Span, kind: Kind) -> bool {
        let id = (format!("{:?}:{}", span.file, span.start), kind);
        if let Some(known) = self.seen.get(&id) {
            return *known;
        }
        // A cycle (an error of its own) fits, so that it does not recurse.
        self.seen.insert(id.clone(), true);
        let snapshot = self.snapshot;
        let body = snapshot.analysis.files.iter().find_map(|f| {
            f.ast.items.iter().find_map(|item| match item {
                Item::Mixin(def) if def.name.span == span => Some(&def.body),
                _ => None,
            })
        });
        let fits = body.is_none_or(|body| self.block(body, kind, &[]));
        self.seen.insert(id, fits);
        fits
    }

    fn block(&mut self, block: &crate::syntax::ast::Block, kind: Kind, prefix: &[String]) -> bool {
        use crate::syntax::ast::Statement;
        for statement in &block.statements {
            let fits = match statement {
                Statement::Use(names) => names.iter().all(|name| {
                    let used: Vec<crate::source::Span> = self
                        .snapshot
                        .index
                        .at(name.span.file, name.span.start)
                        .and_then(|o| self.snapshot.index.definitions(&o.key).next())
                        .map(|d| d.span)
                        .into_iter()
                        .collect();
                    used.iter().all(|span| self.mixin_at(*span, kind))
                }),
                Statement::When { body, .. } => self.block(body, kind, prefix),
                Statement::Assign { path, value, .. } => {
                    let written: Vec<String> =
                        path.segments.iter().map(|s| s.name.clone()).collect();
                    let full = if prefix.is_empty() {
                        match strict_alias(self.snapshot, &written[0], kind) {
                            Some(Some(target)) => target
                                .into_iter()
                                .chain(written[1..].iter().cloned())
                                .collect(),
                            Some(None) => return false,
                            None => written,
                        }
                    } else {
                        prefix.iter().cloned().chain(written).collect()
                    };
                    let path: Vec<&str> = full.iter().map(String::as_str).collect();
                    let schema = self.snapshot.schema();
                    field_type(self.snapshot, schema, kind, &path).is_some()
                        && match value {
                            Expr::Map(inner) => self.block(inner, kind, &full),
                            _ => true,
                        }
                }
                _ => true,
            };
            if !fits {
                return false;
            }
        }
        true
    }
}

/// An alias for a kind: `Some(Some(target))`, `Some(None)` when the name
/// is an alias of the other kind only, `None` when it is no alias.
fn strict_alias(snapshot: &Snapshot, name: &str, kind: Kind) -> Option<Option<Vec<String>>> {
    let mut any = false;
    for file in &snapshot.analysis.files {
        for item in &file.ast.items {
            if let Item::Alias(def) = item {
                if def.name.name == name {
                    any = true;
                    if def.kind.is_none_or(|k| k == kind) {
                        let target = def.target.segments.iter().map(|s| s.name.clone()).collect();
                        return Some(Some(target));
                    }
                }
            }
        }
    }
    any.then_some(None)
}

/// Where an offset of the current text falls in an older version of it:
/// the same place before the edited region, shifted after it, the start
/// of the region inside it.
fn analysed_offset(old: &str, new: &str, offset: usize) -> usize {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    if offset <= prefix {
        offset
    } else if offset >= new.len() - suffix {
        offset + old.len() - new.len()
    } else {
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::analysed_offset;

    #[test]
    fn offsets_follow_an_edit() {
        let old = "series s {\n  use a\n}\n";
        let new = "series s {\n  use a\n  when size == \n}\n";
        let at = new.find("== ").unwrap_or_default() + 3;
        // Inside the typed text: where it was typed, before the `}`.
        assert_eq!(
            analysed_offset(old, new, at),
            old.find('}').unwrap_or_default()
        );
        assert_eq!(analysed_offset(old, new, 3), 3);
        assert_eq!(analysed_offset(old, new, new.len()), old.len());
    }
}
