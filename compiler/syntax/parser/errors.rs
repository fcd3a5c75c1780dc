//! Syntax errors and the checks that refuse a file before pest reads it:
//! lone carriage returns, nesting too deep, and pest's failure in words.

use pest::Parser;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::expected::describe_rules;
use crate::syntax::grammar::{CitParser, Rule};
use crate::syntax::recovery;

/// The syntax error of the item at `from`, as the grammar's `file` rule
/// reports it from there (what came before parsed, and is blanked out so
/// that positions stay the file's): what was expected where it stops.
pub(super) fn syntax_error_from(file: FileId, text: &str, from: usize) -> Diagnostic {
    if from == 0 {
        return whole_file_syntax_error(file, text, 0);
    }
    // Every byte before `from` a space (newlines kept, so lines stay
    // lines): the same length, and valid UTF-8.
    let masked: String = text[..from]
        .bytes()
        .map(|b| if b == b'\n' { '\n' } else { ' ' })
        .chain(text[from..].chars())
        .collect();
    whole_file_syntax_error(file, &masked, from)
}

/// A syntax error as the grammar's `file` rule reports it: with what was
/// expected where the whole file stops matching.
fn whole_file_syntax_error(file: FileId, text: &str, item_start: usize) -> Diagnostic {
    match CitParser::parse(Rule::file, text) {
        Err(e) => syntax_error(file, text, e),
        // Not expected: the item failed on its own, so the file fails too.
        Ok(_) => Diagnostic::new(
            "E0001",
            Span::new(file, item_start, item_start),
            "expected an item".to_string(),
        )
        .label("expected an item")
        .help("see grammar/LANGUAGE.md for the syntax of each construct"),
    }
}

/// Refuses a carriage return that no line feed follows. Editors and the
/// language server end a line there (the protocol says so), while the
/// grammar would read it as a space, and a comment would run on to the
/// next `\n`: one file, two readings. Refused rather than guessed, at the
/// first one (no lone CR comes before it, so every reader agrees on its
/// line and column).
pub(super) fn check_line_endings(file: FileId, text: &str) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    let lone = bytes
        .iter()
        .enumerate()
        .find(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    let Some((at, _)) = lone else {
        return Ok(());
    };
    let count = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    let more = match count {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Err(Diagnostic::new(
        "E0007",
        Span::new(file, at, at),
        format!("this line ends with a lone carriage return (CR){more}"),
    )
    .label("CR without LF")
    .help("save the file with LF (or CRLF) line endings; in a string, write `\\r`"))
}

/// Deeper nesting than any catalog needs, and shallow enough that the
/// recursive parser and evaluator stay far from the end of the stack.
pub const MAX_NESTING: usize = 64;

/// Refuses input nested deeper than [`MAX_NESTING`] before the recursive
/// descent sees it. Brackets inside strings and comments do not count.
pub(super) fn check_nesting(file: FileId, text: &str) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Diagnostic::new(
                        "E0003",
                        Span::new(file, i, i + 1),
                        format!("nesting deeper than {MAX_NESTING} levels"),
                    )
                    .label("too deep")
                    .help("flatten the structure: use dotted paths (a.b.c = 1) instead of nested blocks"));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn syntax_error(file: FileId, text: &str, err: pest::error::Error<Rule>) -> Diagnostic {
    let (start, end) = match err.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    // Underline the offending token: up to the next space, at least one
    // character, at most 40 (all counted in characters, not bytes).
    let start = start.min(text.len());
    let rest = &text[start..];
    let token_len = rest
        .char_indices()
        .take(40)
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or_else(|| rest.char_indices().nth(40).map_or(rest.len(), |(i, _)| i))
        .max(rest.chars().next().map_or(0, char::len_utf8));
    let mut end = end.max(start + token_len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let found = if rest.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{}`", &text[start..end.min(text.len())])
    };
    let (expected, positives) = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            (describe_rules(positives), positives.as_slice())
        }
        pest::error::ErrorVariant::CustomError { message } => (message.clone(), &[][..]),
    };
    if let Some(diag) = recovery::explain(file, text, start, positives, &expected) {
        return diag;
    }
    Diagnostic::new(
        "E0001",
        Span::new(file, start, end.min(text.len())),
        format!("expected {expected}, found {found}"),
    )
    .label(format!("expected {expected}"))
    .help("see grammar/LANGUAGE.md for the syntax of each construct; `citc explain E0001` has an example")
}
