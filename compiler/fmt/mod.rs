//! Fmt: the one canonical layout of a `.cit` file (`citc fmt`).
//!
//! The layout:
//! - 2 spaces of indentation per block level; one statement, rule, field or
//!   table row per line; no trailing whitespace; one final newline.
//! - Single spaces around `=`, `:=`, `==`, `:` (parent) and `*`, after `,`
//!   and between words: `use a, b`, `for t1 * t2 except (a, b), (c, d)`,
//!   `when v in (a, b)`; none inside `( )`, `[ ]` and type arguments
//!   (`int(0..100)`), none before the `:` of a field (`guest: int`).
//! - A block written on one line stays on one line when it fits in 100
//!   columns: `{ use efi }`, `{ cpu.guest = 1  memory.guest = 2Gi }`
//!   (statements two spaces apart), `{}`; otherwise one statement per line.
//!   Lists alike: `["a", "b"]`, or one element per line with a comma after
//!   each.
//! - Table rows are aligned in columns: each cell padded to the widest cell
//!   of its column plus 2 spaces; comments after rows start in one column,
//!   2 spaces after the widest row.
//! - Top-level items are separated by one blank line, except runs of
//!   one-line items of the same keyword (imports, lets, aliases…), which
//!   keep the author's choice of no blank line or one. Inside blocks the
//!   author's blank lines between statements are kept (at most one), never
//!   after `{` or before `}`.
//! - A definition header longer than 100 columns puts its `for` clause on a
//!   continuation line indented 4; other long lines are left long.
//! - Strings, numbers, quantities and paths are kept exactly as written.
//!   Text blocks keep their text: their lines and closing `"""` move
//!   together to one level deeper than the statement.
//! - Comments stay where they are: on their own line before what follows
//!   them, or at the end of their line (two spaces before `//`).
//!
//! How: [`lex`] keeps the comments and line breaks that the grammar drops;
//! `layout` walks the tokens along the grammar and prints them through the
//! `printer`; `table` aligns rows; [`text_block`] re-indents `"""` blocks.
//! [`format_source`] formats only text that parses, and checks its own
//! output: it parses, and it has the same tokens and comments as the input.

mod layout;
pub mod lex;
mod printer;
mod table;
pub mod text_block;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::parse_file;
use lex::Kind;

/// The canonical layout of `text`. Text that does not parse is returned as
/// the parser's diagnostic (E0001; E0111 or E0116 for a bad escape or an
/// integer out of range), and is never formatted.
pub fn format_source(file: FileId, text: &str) -> Result<String, Diagnostic> {
    parse_file(file, text)?;
    let mut printer = printer::Printer::new(lex::lex(text), text.len());
    let formatted = printer
        .file()
        .map_err(|e| formatter_bug(file, e.offset, format!("expected {}", e.expected)))?;
    if content(text) != content(&formatted) {
        return Err(formatter_bug(
            file,
            0,
            "the layout would change a token or a comment".to_string(),
        ));
    }
    if let Err(diag) = parse_file(file, &formatted) {
        return Err(formatter_bug(
            file,
            0,
            format!("the layout would not parse: {}", diag.message),
        ));
    }
    Ok(formatted)
}

/// What layout must not change: the tokens (text blocks by their text,
/// without the trailing commas that layout drops or adds) and the comments.
fn content(text: &str) -> (Vec<String>, Vec<&str>) {
    let tokens = lex::lex(text);
    let mut significant = Vec::new();
    let mut comments = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let next = tokens[i + 1..].iter().find(|t| t.kind != Kind::Comment);
        match token.kind {
            Kind::Comment => comments.push(token.text),
            Kind::TextBlock => significant.push(text_block::text_of(token.text)),
            _ if token.is(",") && next.is_some_and(|t| t.is(")") || t.is("]")) => {}
            _ => significant.push(token.text.to_string()),
        }
    }
    (significant, comments)
}

fn formatter_bug(file: FileId, offset: usize, detail: String) -> Diagnostic {
    Diagnostic::new(
        "E0001",
        Span::new(file, offset, offset),
        "citc fmt cannot lay out this file",
    )
    .label(detail)
    .help("the file parses, so this is a bug in citc fmt; the file was left unchanged")
}
