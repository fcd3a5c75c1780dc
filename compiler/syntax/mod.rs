//! Syntax: the pest grammar binding, the typed AST with spans, and the
//! conversion from pest's pairs to that AST.

pub mod ast;
mod expected;
mod grammar;
mod parser;
mod recovery;
mod tokens;

pub use parser::{parse_file, parse_file_recovering, Recovered};

use std::fmt::Write as _;

/// `"text"` with the escapes of the language; `$` is escaped so that no
/// `${…}` is read as interpolation.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '$' => out.push_str("\\$"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
