//! Go to definition, find references and rename, over the [`Index`] of
//! the analysis that loads the document.
//!
//! [`Index`]: super::index::Index

use std::collections::HashMap;

use lsp_types::*;

use super::index::{Key, Occurrence};
use super::workspace::{Snapshot, Workspace};
use super::{select, span_range, target, Failure, Target};
use crate::source::Span;

fn location(workspace: &mut Workspace, snapshot: &Snapshot, span: Span) -> Option<Location> {
    Some(Location::new(
        workspace.uri_of(snapshot, span.file)?,
        span_range(snapshot, span),
    ))
}

pub fn definition(
    workspace: &mut Workspace,
    params: GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let position = params.text_document_position_params;
    let target = target(
        workspace,
        &position.text_document.uri,
        position.position,
        true,
    )?;
    let Some(occurrence) = target
        .snapshot
        .index
        .at(target.file, target.offset)
        .cloned()
    else {
        return target_definition(workspace, &target);
    };
    let locations: Vec<Location> = target
        .snapshot
        .index
        .definitions(&occurrence.key)
        .map(|o| o.span)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|span| location(workspace, &target.snapshot, span))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations
            .into_iter()
            .next()
            .map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

/// On a target of a `patch` or `remove` (a pattern, a name that a series
/// or a matrix made, a label): where each resource it selects is defined.
fn target_definition(workspace: &mut Workspace, target: &Target) -> Option<GotoDefinitionResponse> {
    let snapshot = &target.snapshot;
    let site = select::target_at(&snapshot.index, target.file, target.offset)?;
    let mut spans: Vec<Span> = Vec::new();
    for selected in select::selected(snapshot, site) {
        if !spans.contains(&selected.defined) {
            spans.push(selected.defined);
        }
    }
    let locations: Vec<Location> = spans
        .into_iter()
        .filter_map(|span| location(workspace, snapshot, span))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations
            .into_iter()
            .next()
            .map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

pub fn references(workspace: &mut Workspace, params: ReferenceParams) -> Option<Vec<Location>> {
    let position = params.text_document_position;
    let target = target(
        workspace,
        &position.text_document.uri,
        position.position,
        true,
    )?;
    let occurrence = target
        .snapshot
        .index
        .at(target.file, target.offset)?
        .clone();
    let include = params.context.include_declaration;
    let spans: Vec<Span> = target
        .snapshot
        .index
        .references(&occurrence.key)
        .filter(|o| include || !o.is_definition)
        .map(|o| o.span)
        .collect();
    Some(
        spans
            .into_iter()
            .filter_map(|span| location(workspace, &target.snapshot, span))
            .collect(),
    )
}

/// What a rename at a position would rename, or why it cannot.
fn renamable(snapshot: &Snapshot, occurrence: &Occurrence) -> Result<(), Failure> {
    let definitions: Vec<&Occurrence> = snapshot.index.definitions(&occurrence.key).collect();
    if definitions.is_empty() {
        return Err(Failure::refused(format!(
            "no definition of this {} in the loaded files",
            occurrence.key.describe()
        )));
    }
    let sources = &snapshot.analysis.sources;
    if let Some(std) = snapshot
        .index
        .references(&occurrence.key)
        .find(|o| o.is_definition && sources.get(o.span.file).path.is_none())
    {
        return Err(Failure::refused(format!(
            "`{}` is defined in the standard library ({}), which cannot be renamed",
            name_text(snapshot, std.span),
            sources.get(std.span.file).name
        )));
    }
    if matches!(occurrence.key, Key::Derive(_)) {
        return Err(Failure::refused(
            "a derive rule's label is not a name to rename",
        ));
    }
    Ok(())
}

/// The text of a name at a span, without the quotes of a quoted one.
fn name_text(snapshot: &Snapshot, span: Span) -> String {
    let text = &snapshot.analysis.sources.get(span.file).text;
    let written = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default();
    unquoted(written).1.to_string()
}

/// (offset of the name inside, the name) of a possibly quoted name.
fn unquoted(written: &str) -> (usize, &str) {
    match written.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => (1, inner),
        None => (0, written),
    }
}

pub fn prepare_rename(
    workspace: &mut Workspace,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, Failure> {
    let Some(target) = target(workspace, &params.text_document.uri, params.position, false) else {
        return Ok(None);
    };
    let Some(occurrence) = target.snapshot.index.at(target.file, target.offset) else {
        return Err(Failure::refused("there is no name to rename here"));
    };
    renamable(&target.snapshot, occurrence)?;
    Ok(Some(PrepareRenameResponse::Range(span_range(
        &target.snapshot,
        occurrence.span,
    ))))
}

fn valid_name(key: &Key, name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| {
        c.is_ascii_alphabetic()
            || c == '_'
            || (matches!(key, Key::Resource(..)) && c.is_ascii_alphanumeric())
    });
    let dot_ok = matches!(key, Key::Resource(..));
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || (dot_ok && c == '.'))
}

pub fn rename(
    workspace: &mut Workspace,
    params: RenameParams,
) -> Result<Option<WorkspaceEdit>, Failure> {
    let position = params.text_document_position;
    let Some(target) = target(
        workspace,
        &position.text_document.uri,
        position.position,
        false,
    ) else {
        return Ok(None);
    };
    let snapshot = &target.snapshot;
    let Some(occurrence) = snapshot.index.at(target.file, target.offset).cloned() else {
        return Err(Failure::refused("there is no name to rename here"));
    };
    renamable(snapshot, &occurrence)?;
    let new_name = params.new_name;
    let what = occurrence.key.describe();
    if !valid_name(&occurrence.key, &new_name) {
        return Err(Failure::refused(format!(
            "`{new_name}` is not a valid {what} name: letters, digits, `_` and `-`, starting with a letter or `_`"
        )));
    }
    let renamed = occurrence.key.renamed(&new_name);
    let collision = snapshot.index.definitions(&renamed).next();
    let variable_collision = matches!(
        occurrence.key,
        Key::Local(_) | Key::Column { .. } | Key::Global(_)
    ) && snapshot.index.occurrences.iter().any(|o| {
        o.is_definition
            && matches!(o.key, Key::Local(_) | Key::Column { .. } | Key::Global(_))
            && name_text(snapshot, o.span) == new_name
    });
    if let Some(existing) = collision {
        let (line, _) = snapshot
            .analysis
            .sources
            .line_col(existing.span.file, existing.span.start);
        return Err(Failure::refused(format!(
            "a {what} named `{new_name}` already exists ({}:{line})",
            snapshot.analysis.sources.get(existing.span.file).name
        )));
    }
    if variable_collision {
        return Err(Failure::refused(format!(
            "a variable named `{new_name}` already exists: the two would be confused"
        )));
    }
    let mut spans: Vec<Span> = Vec::new();
    for span in snapshot.index.references(&occurrence.key).map(|o| o.span) {
        let text = &snapshot.analysis.sources.get(span.file).text;
        let written = text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default();
        let (skip, inner) = unquoted(written);
        let start = span.start as usize + skip;
        let inner_span = Span::new(span.file, start, start + inner.len());
        if !spans.contains(&inner_span) {
            spans.push(inner_span);
        }
    }
    if let Some(broken) = rename_breaks(workspace, snapshot, &spans, &new_name) {
        return Err(Failure::refused(format!(
            "renaming to `{new_name}` would make the catalog invalid: {broken}"
        )));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for inner_span in spans {
        let Some(uri) = workspace.uri_of(snapshot, inner_span.file) else {
            continue;
        };
        let edits = changes.entry(uri).or_default();
        let edit = TextEdit::new(span_range(snapshot, inner_span), new_name.clone());
        if !edits.contains(&edit) {
            edits.push(edit);
        }
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}

/// The first error that renaming `spans` to `new_name` would bring, as
/// `citc check` would report it: the rename is made on copies of the
/// texts and the catalog analysed again (names `check` refuses, such as a
/// resource name that is no DNS-1123 subdomain, E0207, or a keyword).
fn rename_breaks(
    workspace: &Workspace,
    snapshot: &Snapshot,
    spans: &[Span],
    new_name: &str,
) -> Option<String> {
    let sources = &snapshot.analysis.sources;
    let root = sources.get(crate::source::FileId(0)).path.clone()?;
    let mut unsaved: HashMap<std::path::PathBuf, String> = workspace
        .documents
        .values()
        .filter(|d| !d.oversized())
        .map(|d| (d.path.clone(), d.text.clone()))
        .collect();
    let mut by_file: HashMap<crate::source::FileId, Vec<Span>> = HashMap::new();
    for span in spans {
        by_file.entry(span.file).or_default().push(*span);
    }
    for (file, mut edits) in by_file {
        let source = sources.get(file);
        let path = source.path.clone()?;
        let mut text = source.text.clone();
        // From the end, so that earlier offsets still hold.
        edits.sort_by_key(|span| std::cmp::Reverse(span.start));
        for span in edits {
            text.replace_range(span.start as usize..span.end as usize, new_name);
        }
        unsaved.insert(path, text);
    }
    // Errors counted by code: a message that names the old name changes
    // with the rename without being a new error.
    let errors = |diagnostics: &[crate::diagnostic::Diagnostic]| {
        let mut count: HashMap<&'static str, usize> = HashMap::new();
        for d in diagnostics {
            if d.severity == crate::diagnostic::Severity::Error {
                *count.entry(d.code).or_default() += 1;
            }
        }
        count
    };
    let before = errors(&snapshot.diagnostics);
    let after = Snapshot::new(&root, &unsaved);
    let counted = errors(&after.diagnostics);
    let more = |code: &str| counted.get(code) > before.get(code).or(Some(&0));
    let known: std::collections::HashSet<&str> = snapshot
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    let new_errors: Vec<&crate::diagnostic::Diagnostic> = after
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error && more(d.code))
        .collect();
    let broken = new_errors
        .iter()
        .find(|d| !known.contains(d.message.as_str()))
        .or(new_errors.first())?;
    let source = after.analysis.sources.get(broken.span.file);
    let (line, column) = after
        .analysis
        .sources
        .line_col(broken.span.file, broken.span.start);
    Some(format!(
        "{}:{line}:{column}: error[{}]: {}",
        source.name, broken.code, broken.message
    ))
}
