//! Document symbols (the outline) and folding ranges.

use lsp_types::*;

use super::convert::{uri_to_path, LineIndex};
use super::span_range;
use super::workspace::Workspace;
use crate::fmt::lex::{self, Kind as TokenKind};
use crate::source::Span;
use crate::syntax::ast::{Item, Kind, Text, TextPart};

pub fn symbols(
    workspace: &mut Workspace,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let path = uri_to_path(&params.text_document.uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let (snapshot, file) = workspace.snapshot_for(&path, true)?;
    let parsed = snapshot.analysis.files.iter().find(|f| f.id == file)?;
    let text = &snapshot.analysis.sources.get(file).text;
    let slice = |span: Span| {
        text.get(span.start as usize..span.end as usize)
            .unwrap_or_default()
            .to_string()
    };
    let mut out = Vec::new();
    for item in &parsed.ast.items {
        let (name, detail, kind, whole, selection): (String, &str, SymbolKind, Span, Span) =
            match item {
                Item::Series(def) => (
                    def.name.name.clone(),
                    "series",
                    SymbolKind::CLASS,
                    def.span,
                    def.name.span,
                ),
                Item::Definition(def) => (
                    template(&def.name),
                    match def.kind {
                        Kind::Instancetype => "instancetype",
                        Kind::Preference => "preference",
                    },
                    match def.kind {
                        Kind::Instancetype => SymbolKind::STRUCT,
                        Kind::Preference => SymbolKind::OBJECT,
                    },
                    def.span,
                    def.name.span,
                ),
                Item::Mixin(def) => (
                    def.name.name.clone(),
                    "mixin",
                    SymbolKind::FUNCTION,
                    def.name.span.to(def.body.span),
                    def.name.span,
                ),
                Item::Table(def) => {
                    let end = def.rows.last().map_or(def.name.span, |r| r.span);
                    (
                        def.name.name.clone(),
                        "table",
                        SymbolKind::ENUM,
                        def.name.span.to(end),
                        def.name.span,
                    )
                }
                Item::Let(def) => (
                    def.name.name.clone(),
                    "let",
                    SymbolKind::CONSTANT,
                    def.name.span.to(def.value.span()),
                    def.name.span,
                ),
                Item::Alias(def) => (
                    def.name.name.clone(),
                    "alias",
                    SymbolKind::PROPERTY,
                    def.name.span.to(def.target.span),
                    def.name.span,
                ),
                Item::Derive(def) => {
                    let Some(first) = def.rules.first() else {
                        continue;
                    };
                    let last = def.rules.last().map_or(first.span, |r| r.span);
                    (
                        format!("derive {}", def.kind.keyword()),
                        "derive",
                        SymbolKind::EVENT,
                        first.span.to(last),
                        first.span,
                    )
                }
                Item::Type(def) => {
                    let end = def.fields.last().map_or(def.name.span, |f| f.name.span);
                    (
                        def.name.name.clone(),
                        "type",
                        SymbolKind::INTERFACE,
                        def.name.span.to(end),
                        def.name.span,
                    )
                }
                Item::Release(def) => (
                    "release".into(),
                    "release",
                    SymbolKind::NAMESPACE,
                    def.keyword.to(def.body.span),
                    def.keyword,
                ),
                Item::Patch(def) => (
                    format!("patch {}", slice(def.selection.span)),
                    "patch",
                    SymbolKind::OPERATOR,
                    def.span,
                    def.selection.span,
                ),
                Item::Remove(def) => (
                    format!("remove {}", slice(def.selection.span)),
                    "remove",
                    SymbolKind::OPERATOR,
                    def.span,
                    def.selection.span,
                ),
                Item::Import(_) | Item::Schema(_) | Item::Allow(_) => continue,
            };
        let range = span_range(&snapshot, whole.to(selection));
        #[allow(deprecated)]
        out.push(DocumentSymbol {
            name,
            detail: Some(detail.into()),
            kind,
            tags: None,
            deprecated: None,
            range,
            selection_range: span_range(&snapshot, selection),
            children: None,
        });
    }
    Some(DocumentSymbolResponse::Nested(out))
}

fn template(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(s) => s.clone(),
            TextPart::Variable(v) => format!("${{{}}}", v.name),
        })
        .collect()
}

/// Blocks, text blocks and runs of comment lines, from the current text
/// (so that folding works in a file that does not parse).
pub fn folding(workspace: &mut Workspace, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let path = uri_to_path(&params.text_document.uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let text = &workspace.document_at(&path)?.text;
    let index = LineIndex::new(text);
    let line = |offset: usize| index.position(offset).line;
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut comments: Option<(u32, u32)> = None;
    let range = |start: u32, end: u32, kind: Option<FoldingRangeKind>| FoldingRange {
        start_line: start,
        end_line: end,
        kind,
        ..FoldingRange::default()
    };
    for token in lex::lex(text) {
        if token.kind == TokenKind::Comment && token.newlines_before > 0 {
            let at = line(token.start);
            comments = match comments {
                Some((start, end)) if end + 1 == at && token.newlines_before == 1 => {
                    Some((start, at))
                }
                previous => {
                    if let Some((start, end)) = previous.filter(|(s, e)| e > s) {
                        out.push(range(start, end, Some(FoldingRangeKind::Comment)));
                    }
                    Some((at, at))
                }
            };
            continue;
        }
        match token.kind {
            TokenKind::Punct if token.text == "{" => open.push(token.start),
            TokenKind::Punct if token.text == "}" => {
                if let Some(start) = open.pop() {
                    let (start, end) = (line(start), line(token.start));
                    if end > start {
                        out.push(range(start, end, None));
                    }
                }
            }
            TokenKind::TextBlock => {
                let (start, end) = (line(token.start), line(token.start + token.text.len()));
                if end > start {
                    out.push(range(start, end, None));
                }
            }
            _ => {}
        }
    }
    if let Some((start, end)) = comments.filter(|(s, e)| e > s) {
        out.push(range(start, end, Some(FoldingRangeKind::Comment)));
    }
    out.sort_by_key(|r| (r.start_line, r.end_line));
    Some(out)
}
