//! Fixes: the edits that do what a diagnostic's help says, so that an
//! editor can apply them (code actions), `--message-format json` can carry
//! them, and a test can check that each one removes its diagnostic.
//!
//! A check that knows the edit attaches it (`Diagnostic::fix`); a "did you
//! mean `x`?" needs no code of its own: the edit is read off the message.

use super::Diagnostic;
use crate::source::Span;

/// One replacement of source text. The fixes of a diagnostic are one
/// change: applied together, they never overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

/// An edit as a check knows it, before it is laid on the text: the check
/// sees spans, the text decides commas, lines and indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The span's text replaced.
    Replace(Span, String),
    /// An element of a comma list (`use a, b`) removed with one comma, or
    /// the whole statement when it is the only element.
    RemoveListElement(Span),
    /// A statement removed, with its line when nothing else is on it.
    RemoveStatement(Span),
    /// A new line after the span's line, indented as that line.
    LineAfter(Span, String),
}

impl Edit {
    fn span(&self) -> &Span {
        match self {
            Edit::Replace(span, _)
            | Edit::RemoveListElement(span)
            | Edit::RemoveStatement(span)
            | Edit::LineAfter(span, _) => span,
        }
    }
}

impl Diagnostic {
    /// Adds an edit to the change that applies the help.
    pub fn fix(self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.edit(Edit::Replace(span, replacement.into()))
    }

    pub fn edit(mut self, edit: Edit) -> Diagnostic {
        self.fixes.push(edit);
        self
    }

    /// The edits that apply this diagnostic's help to `text`, the text of
    /// its file: the ones the check attached, else the did-you-mean's.
    pub fn fixes(&self, text: &str) -> Vec<Fix> {
        if !self.fixes.is_empty() {
            // A change is laid on this file's text only, whole or not at all.
            let here = |span: &Span| {
                span.file == self.span.file
                    && span.start <= span.end
                    && text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize)
                    && (span.end as usize) <= text.len()
            };
            if !self.fixes.iter().all(|edit| here(edit.span())) {
                return Vec::new();
            }
            let mut fixes: Vec<Fix> = self.fixes.iter().map(|e| lay(e, text)).collect();
            fixes.sort_by_key(|f| f.span.start);
            return fixes;
        }
        let mut fixes: Vec<Fix> = suggestion(text, self)
            .map(|(span, replacement)| Fix { span, replacement })
            .into_iter()
            .collect();
        if let Some(import) = self.help.as_deref().and_then(import_to_add) {
            let at = first_item_line(text);
            fixes.insert(
                0,
                Fix {
                    span: Span::new(self.span.file, at, at),
                    replacement: format!("{import}\n"),
                },
            );
        }
        fixes
    }
}

/// An edit laid on the text.
fn lay(edit: &Edit, text: &str) -> Fix {
    let fix = |span: Span, start: usize, end: usize, replacement: String| Fix {
        span: Span::new(span.file, start, end),
        replacement,
    };
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    match edit {
        Edit::Replace(span, with) => {
            fix(*span, span.start as usize, span.end as usize, with.clone())
        }
        Edit::RemoveStatement(span) => {
            let (start, end) = (span.start as usize, span.end as usize);
            let (first, last) = (line_start(start), line_end(end));
            if text[first..start].trim().is_empty() && text[end..last].trim().is_empty() {
                fix(*span, first, last, String::new())
            } else {
                let after = &text[end..];
                let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
                fix(*span, start, end + spaces, String::new())
            }
        }
        Edit::LineAfter(span, line) => {
            let start = line_start(span.start as usize);
            let indent: String = text[start..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let at = line_end(span.end as usize);
            let newline = if text[..at].ends_with('\n') { "" } else { "\n" };
            fix(*span, at, at, format!("{newline}{indent}{line}\n"))
        }
        Edit::RemoveListElement(span) => {
            let (start, end) = (span.start as usize, span.end as usize);
            let after = &text[end..];
            let spaces = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
            if after[spaces(after)..].starts_with(',') {
                // `a, b` → `b`: the element, its comma and the space after.
                let comma = end + spaces(after);
                let rest = &text[comma + 1..];
                return fix(*span, start, comma + 1 + spaces(rest), String::new());
            }
            let before = text[..start].trim_end_matches([' ', '\t']);
            if before.ends_with(',') {
                // `a, b` → `a`: the comma before it and the element.
                return fix(*span, before.len() - 1, end, String::new());
            }
            // The only element: the statement goes (`use a` on its line).
            fix(*span, line_start(start), line_end(end), String::new())
        }
    }
}

/// The `import "…"` line a help asks to add because what is named is
/// defined there ("… is defined in std/sizes: add `import \"std/sizes\"`").
fn import_to_add(help: &str) -> Option<&str> {
    if !help.contains("defined in ") {
        return None;
    }
    help.split("add `")
        .skip(1)
        .filter_map(|rest| rest.split('`').next())
        .find(|line| line.starts_with("import \""))
}

/// Where a new import goes: after the comments and blank lines that open
/// the file.
fn first_item_line(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !(trimmed.is_empty() || trimmed.starts_with("//")) {
            break;
        }
        at += line.len();
    }
    at
}

/// The edit a diagnostic's "did you mean `x`?" asks for: which text of
/// its span to replace (the name the message quotes), and with what.
fn suggestion(text: &str, diag: &Diagnostic) -> Option<(Span, String)> {
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
