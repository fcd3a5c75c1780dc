//! Syntax: the pest grammar binding, the typed AST with spans, and the
//! conversion from pest's pairs to that AST.

pub mod ast;
mod expected;
mod parser;
mod recovery;
mod tokens;

pub use parser::{parse_file, parse_file_recovering, Recovered};
