//! Formatting (the `fmt` printer) and code actions (every "did you mean").

use std::collections::HashMap;

use lsp_types::*;

use super::convert::{uri_to_path, LineIndex};
use super::span_range;
use super::workspace::Workspace;
use crate::source::{FileId, Span};

pub fn formatting(
    workspace: &mut Workspace,
    params: DocumentFormattingParams,
) -> Option<Vec<TextEdit>> {
    let path = uri_to_path(&params.text_document.uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let text = &workspace.document_at(&path)?.text;
    // Text that does not parse is not formatted: the diagnostics say why.
    let formatted = crate::fmt::format_source(FileId(0), text).ok()?;
    if &formatted == text {
        return Some(Vec::new());
    }
    let index = LineIndex::new(text);
    Some(vec![TextEdit::new(index.range(0, text.len()), formatted)])
}

pub fn code_actions(
    workspace: &mut Workspace,
    params: CodeActionParams,
) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let path = uri_to_path(&uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let (snapshot, file) = workspace.snapshot_for(&path, false)?;
    let text = &snapshot.analysis.sources.get(file).text;
    let index = LineIndex::new(text);
    let wanted = (
        index.offset(params.range.start),
        index.offset(params.range.end),
    );
    let mut out = Vec::new();
    for diag in &snapshot.diagnostics {
        if diag.span.file != file
            || (diag.span.end as usize) < wanted.0
            || (diag.span.start as usize) > wanted.1
        {
            continue;
        }
        let Some((span, replacement)) = suggestion(text, diag) else {
            continue;
        };
        let edit = TextEdit::new(span_range(&snapshot, span), replacement.clone());
        let mut changes = HashMap::new();
        changes.insert(uri.clone(), vec![edit]);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("replace with `{replacement}` ({})", diag.code),
            kind: Some(CodeActionKind::QUICKFIX),
            is_preferred: Some(true),
            edit: Some(WorkspaceEdit::new(changes)),
            ..CodeAction::default()
        }));
    }
    Some(out)
}

/// The edit a diagnostic's "did you mean `x`?" asks for: which text of
/// its span to replace (the name the message quotes), and with what.
pub fn suggestion(text: &str, diag: &crate::diagnostic::Diagnostic) -> Option<(Span, String)> {
    let help = diag.help.as_deref()?;
    let at = help.find("did you mean ")? + "did you mean ".len();
    let rest = &help[at..];
    let (replacement, quoted) = if let Some(r) = rest.strip_prefix('`') {
        (r[..r.find('`')?].to_string(), false)
    } else if let Some(r) = rest.strip_prefix('"') {
        (format!("\"{}\"", &r[..r.find('"')?]), true)
    } else {
        return None;
    };
    let start = diag.span.start as usize;
    let written = text.get(start..diag.span.end as usize)?;
    let mut candidates: Vec<String> = quoted_parts(&diag.message, '`');
    candidates.extend(
        quoted_parts(&diag.message, '"')
            .into_iter()
            .map(|s| format!("\"{s}\"")),
    );
    if quoted {
        let first_quoted = candidates
            .iter()
            .position(|c| c.starts_with('"'))
            .unwrap_or(0);
        candidates.rotate_left(first_quoted);
    }
    // A dotted name whose suggestion is one segment: replace the segment
    // closest to it.
    let mut wrong = None;
    for candidate in candidates {
        if candidate.contains('.') && !replacement.contains('.') {
            let segment = candidate
                .split('.')
                .min_by_key(|s| crate::suggest::edit_distance(s, &replacement))
                .unwrap_or_default()
                .to_string();
            if written.contains(&segment) {
                let base = written.find(&candidate).unwrap_or(0);
                let within = written[base..].find(&segment).map(|i| base + i)?;
                wrong = Some((within, segment));
                break;
            }
        }
        if let Some(i) = written.find(&candidate) {
            wrong = Some((i, candidate));
            break;
        }
    }
    let (offset, wrong) = match wrong {
        Some(found) => found,
        None if written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.@".contains(c)) =>
        {
            (0, written.to_string())
        }
        None => return None,
    };
    if wrong == replacement {
        return None;
    }
    let from = start + offset;
    Some((
        Span::new(diag.span.file, from, from + wrong.len()),
        replacement,
    ))
}

fn quoted_parts(text: &str, quote: char) -> Vec<String> {
    text.split(quote)
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
