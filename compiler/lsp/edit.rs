//! Formatting (the `fmt` printer) and code actions (every diagnostic's
//! fixes, see `diagnostic/fix.rs`).

use std::collections::HashMap;

use lsp_types::*;

use super::convert::{uri_to_path, LineIndex};
use super::span_range;
use super::workspace::Workspace;
use crate::source::FileId;

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
        let fixes = diag.fixes(text);
        if fixes.is_empty() {
            continue;
        }
        let edits: Vec<TextEdit> = fixes
            .iter()
            .map(|fix| TextEdit::new(span_range(&snapshot, fix.span), fix.replacement.clone()))
            .collect();
        let mut changes = HashMap::new();
        changes.insert(uri.clone(), edits);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: fix_title(diag, &fixes),
            kind: Some(CodeActionKind::QUICKFIX),
            is_preferred: Some(true),
            edit: Some(WorkspaceEdit::new(changes)),
            ..CodeAction::default()
        }));
    }
    Some(out)
}

/// "replace with `x` (E0102)" for one replacement, else the help itself.
fn fix_title(diag: &crate::diagnostic::Diagnostic, fixes: &[crate::diagnostic::Fix]) -> String {
    match fixes {
        [one] if !one.replacement.is_empty() && !one.replacement.contains('\n') => {
            format!("replace with `{}` ({})", one.replacement, diag.code)
        }
        _ => format!(
            "{} ({})",
            diag.help.as_deref().unwrap_or("apply the fix"),
            diag.code
        ),
    }
}
