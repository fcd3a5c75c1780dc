//! Semantic tokens: every token of a document classified, so that a client
//! with no grammar for .cit (or one that prefers the server's) still
//! highlights it. Names come from the analysis (what a name means: a
//! mixin, a table, a column, a constant, a resource, a field), the rest
//! from a small lexer; where the analysis is of an older text, from the
//! lexer alone.

use lsp_types::*;

use super::convert::{uri_to_path, LineIndex};
use super::index::{Key, Owner};
use super::workspace::{Snapshot, Workspace};
use crate::source::{FileId, Span};
use crate::syntax::ast::{Expr, Item, Statement, TypeArg, TypeExpr};

/// The token types, in the legend's order.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::TYPE,
    SemanticTokenType::CLASS,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::DECORATOR,
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Namespace,
    Type,
    Class,
    Function,
    Parameter,
    Variable,
    Property,
    EnumMember,
    Keyword,
    Comment,
    String,
    Number,
    Operator,
    Decorator,
}

/// The modifiers, in the legend's order (bits).
const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];
const DECLARATION: u32 = 1;
const READONLY: u32 = 2;
const DEFAULT_LIBRARY: u32 = 4;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

const KEYWORDS: &[&str] = &[
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
    "release",
    "patch",
    "remove",
    "use",
    "sizes",
    "variants",
    "ratio",
    "allow",
    "when",
    "unset",
    "for",
    "except",
    "in",
    "label",
    "from",
    "if",
    "required",
    "deprecated",
    "true",
    "false",
];

const PRIMITIVES: &[&str] = &[
    "string",
    "bool",
    "int",
    "number",
    "quantity",
    "enum",
    "dns_subdomain",
    "map",
    "list",
];

pub fn full(workspace: &mut Workspace, params: SemanticTokensParams) -> Option<SemanticTokens> {
    let path = uri_to_path(&params.text_document.uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let text = match workspace.document_at(&path) {
        Some(document) => document.text.clone(),
        // A file not open is read as `citc check` reads one: a regular
        // file, within the size cap.
        None => crate::source::read_input(&path, "file", crate::source::MAX_SOURCE_BYTES).ok()?,
    };
    let analysed = workspace
        .snapshot_for(&path, true)
        .filter(|(snapshot, file)| snapshot.analysis.sources.get(*file).text == text);
    let mut tokens = Tokens::new(&text);
    if let Some((snapshot, file)) = &analysed {
        names(&mut tokens, snapshot, *file);
    }
    lexical(&mut tokens, &text);
    Some(SemanticTokens {
        result_id: None,
        data: tokens.encode(),
    })
}

/// The tokens found so far, each byte classified at most once: the first
/// classification of a byte wins, so names (from the analysis) go first.
struct Tokens<'a> {
    text: &'a str,
    covered: Vec<bool>,
    found: Vec<(usize, usize, Kind, u32)>,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Tokens<'a> {
        Tokens {
            text,
            covered: vec![false; text.len()],
            found: Vec::new(),
        }
    }

    /// Classifies the bytes of `start..end` not yet classified.
    fn add(&mut self, start: usize, end: usize, kind: Kind, modifiers: u32) {
        let end = end.min(self.text.len());
        let mut run: Option<usize> = None;
        for at in start..=end {
            let free = at < end && !self.covered[at];
            match (free, run) {
                (true, None) => run = Some(at),
                (false, Some(from)) => {
                    self.push(from, at, kind, modifiers);
                    run = None;
                }
                _ => {}
            }
            if at < end {
                self.covered[at] = true;
            }
        }
    }

    fn push(&mut self, start: usize, end: usize, kind: Kind, modifiers: u32) {
        // A token does not span lines (clients need not support that), nor
        // holds a line ending (`\n`, `\r\n` or a lone `\r`).
        let mut from = start;
        for (i, b) in self.text[start..end].bytes().enumerate() {
            if b == b'\n' || b == b'\r' {
                if start + i > from {
                    self.found.push((from, start + i, kind, modifiers));
                }
                from = start + i + 1;
            }
        }
        if end > from {
            self.found.push((from, end, kind, modifiers));
        }
    }

    fn encode(mut self) -> Vec<SemanticToken> {
        self.found.sort_by_key(|t| t.0);
        let index = LineIndex::new(self.text);
        let mut out = Vec::with_capacity(self.found.len());
        let (mut line, mut character) = (0u32, 0u32);
        for (start, end, kind, modifiers) in self.found {
            let from = index.position(start);
            let to = index.position(end);
            if to.line != from.line || to.character <= from.character {
                continue;
            }
            let delta_line = from.line - line;
            let delta_start = if delta_line == 0 {
                from.character - character
            } else {
                from.character
            };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length: to.character - from.character,
                token_type: kind as u32,
                token_modifiers_bitset: modifiers,
            });
            line = from.line;
            character = from.character;
        }
        out
    }
}

/// What the analysis knows of the names of a file.
fn names(tokens: &mut Tokens, snapshot: &Snapshot, file: FileId) {
    let sources = &snapshot.analysis.sources;
    let in_file = |span: &Span| span.file == file;
    let std = |span: &Span| sources.get(span.file).path.is_none();
    let index = &snapshot.index;
    // The innermost names first: a variable inside a template name.
    // A derive rule's occurrence is the whole rule, a variable of a text
    // block is placed at the whole block: those are left to the lexer.
    let text = tokens.text;
    let mut occurrences: Vec<_> = index
        .occurrences
        .iter()
        .filter(|o| in_file(&o.span) && !matches!(o.key, Key::Derive(_)))
        .filter(|o| {
            text.get(o.span.start as usize..o.span.end as usize)
                .is_some_and(|name| !name.contains(char::is_whitespace))
        })
        .collect();
    occurrences.sort_by_key(|o| o.span.end - o.span.start);
    for occurrence in occurrences {
        let kind = match occurrence.key {
            Key::Mixin(_) => Kind::Function,
            Key::Table(_) => Kind::Type,
            Key::Column { .. } => Kind::Parameter,
            Key::Series(_) | Key::Resource(..) => Kind::Class,
            Key::Global(_) | Key::Local(_) => Kind::Variable,
            Key::Alias(_) | Key::Derive(_) => Kind::Property,
        };
        let mut modifiers = 0;
        if occurrence.is_definition {
            modifiers |= DECLARATION;
        }
        if matches!(occurrence.key, Key::Global(_) | Key::Local(_)) {
            modifiers |= READONLY;
        }
        if index
            .definitions(&occurrence.key)
            .next()
            .is_some_and(|d| std(&d.span))
        {
            modifiers |= DEFAULT_LIBRARY;
        }
        let (start, end) = (occurrence.span.start as usize, occurrence.span.end as usize);
        // `module::name`: the module, then the name.
        if let Some(sep) = tokens.text[start..end].find("::") {
            tokens.add(start, start + sep, Kind::Namespace, 0);
            tokens.add(start + sep, start + sep + 2, Kind::Operator, 0);
            tokens.add(start + sep + 2, end, kind, modifiers);
        } else {
            tokens.add(start, end, kind, modifiers);
        }
    }
    for header in index.headers.iter().filter(|s| in_file(s)) {
        tokens.add(
            header.start as usize,
            header.end as usize,
            Kind::Class,
            DECLARATION,
        );
    }
    for site in index.targets.iter().filter(|t| in_file(&t.span)) {
        if matches!(
            site.target,
            crate::syntax::ast::Target::Name(..) | crate::syntax::ast::Target::Pattern(..)
        ) {
            tokens.add(
                site.span.start as usize,
                site.span.end as usize,
                Kind::Class,
                0,
            );
        }
    }
    for field in &index.fields {
        for span in field.segments.iter().filter_map(|(_, s)| *s) {
            if in_file(&span) {
                let std_field = matches!(field.owner, Owner::Other) && std(&span);
                let modifiers = if std_field { DEFAULT_LIBRARY } else { 0 };
                tokens.add(
                    span.start as usize,
                    span.end as usize,
                    Kind::Property,
                    modifiers,
                );
            }
        }
    }
    let Some(parsed) = snapshot.analysis.files.iter().find(|f| f.id == file) else {
        return;
    };
    for item in &parsed.ast.items {
        match item {
            Item::Table(def) => {
                for row in &def.rows {
                    cells(tokens, &row.cells);
                }
            }
            Item::Definition(def) => {
                if let Some(matrix) = &def.matrix {
                    for tuple in &matrix.except {
                        cells(tokens, tuple);
                    }
                }
                block_cells(tokens, &def.body.statements);
            }
            Item::Series(def) => block_cells(tokens, &def.body.statements),
            Item::Mixin(def) => block_cells(tokens, &def.body.statements),
            Item::Patch(def) => block_cells(tokens, &def.body.statements),
            Item::Type(def) => {
                let name = def.name.span;
                tokens.add(
                    name.start as usize,
                    name.end as usize,
                    Kind::Type,
                    DECLARATION,
                );
                for field in &def.fields {
                    let span = field.name.span;
                    tokens.add(
                        span.start as usize,
                        span.end as usize,
                        Kind::Property,
                        DECLARATION,
                    );
                    type_expr(tokens, &field.ty);
                }
            }
            Item::Schema(def) => {
                let span = def.type_name.span;
                tokens.add(span.start as usize, span.end as usize, Kind::Type, 0);
            }
            _ => {}
        }
    }
}

fn type_expr(tokens: &mut Tokens, ty: &TypeExpr) {
    let span = ty.name.span;
    let modifiers = if PRIMITIVES.contains(&ty.name.name.as_str()) {
        DEFAULT_LIBRARY
    } else {
        0
    };
    tokens.add(
        span.start as usize,
        span.end as usize,
        Kind::Type,
        modifiers,
    );
    for arg in &ty.args {
        if let TypeArg::Type(inner) = arg {
            type_expr(tokens, inner);
        }
    }
}

/// The values of `when` and `sizes … except` in a block: row keys.
fn block_cells(tokens: &mut Tokens, statements: &[Statement]) {
    for statement in statements {
        match statement {
            Statement::When { values, body, .. } => {
                cells(tokens, values);
                block_cells(tokens, &body.statements);
            }
            Statement::Sizes { except, .. } => cells(tokens, except),
            _ => {}
        }
    }
}

/// Table cells and row keys: a bare word is a member of the table's set.
fn cells(tokens: &mut Tokens, cells: &[Expr]) {
    for cell in cells {
        if let Expr::Word(_, span) = cell {
            tokens.add(span.start as usize, span.end as usize, Kind::EnumMember, 0);
        }
    }
}

/// Everything else, from the text: comments, strings, numbers, keywords,
/// operators, attributes, and names by their place (a path before `=`).
fn lexical(tokens: &mut Tokens, text: &str) {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let start = at;
        if b.is_ascii_whitespace() {
            at += 1;
        } else if text[at..].starts_with("//") {
            at = text[at..].find('\n').map_or(bytes.len(), |n| at + n);
            tokens.add(start, at, Kind::Comment, 0);
        } else if text[at..].starts_with("\"\"\"") {
            at = text[at + 3..]
                .find("\"\"\"")
                .map_or(bytes.len(), |n| at + 3 + n + 3);
            tokens.add(start, at, Kind::String, 0);
        } else if b == b'"' {
            at += 1;
            while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                at += if bytes[at] == b'\\' { 2 } else { 1 };
            }
            at = (at + 1).min(bytes.len());
            tokens.add(start, at, Kind::String, 0);
        } else if b == b'@' {
            at += 1;
            while at < bytes.len() && word(bytes[at]) {
                at += 1;
            }
            tokens.add(start, at, Kind::Decorator, 0);
        } else if word(b) && (b != b'-' || starts_number(text, at)) {
            while at < bytes.len() && (word(bytes[at]) || bytes[at] == b'.') {
                at += 1;
            }
            // `a.` before a `"key"`: the dot is punctuation.
            let mut end = at;
            while end > start + 1 && bytes[end - 1] == b'.' {
                end -= 1;
            }
            classify_word(tokens, text, start, end);
        } else {
            let two = text.get(at..at + 2).unwrap_or("");
            let len = match two {
                ":=" | "==" | "::" => 2,
                _ if matches!(b, b'=' | b'*' | b'/' | b'+' | b'-' | b':') => 1,
                _ => 0,
            };
            if len > 0 {
                tokens.add(at, at + len, Kind::Operator, 0);
                at += len;
            } else {
                // Punctuation ({}()[],.) and anything else: no token.
                at += text[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

/// Whether a `-` at `at` starts a negative number (`-1`) rather than
/// subtracting: a digit follows and no value comes before.
fn starts_number(text: &str, at: usize) -> bool {
    let next_digit = text.as_bytes().get(at + 1).is_some_and(u8::is_ascii_digit);
    let before = text[..at].trim_end();
    next_digit
        && (before.is_empty()
            || before.ends_with(['=', '(', ',', '[', '{'])
            || before.ends_with("=="))
}

fn classify_word(tokens: &mut Tokens, text: &str, start: usize, end: usize) {
    let word = &text[start..end];
    let first = word.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' {
        let kind = if crate::value::Quantity::parse(word).is_some() || word.parse::<f64>().is_ok() {
            Kind::Number
        } else {
            Kind::EnumMember
        };
        tokens.add(start, end, kind, 0);
        return;
    }
    let after = text[end..].trim_start();
    let is_path = (after.starts_with('=') && !after.starts_with("=="))
        || after.starts_with(":=")
        || after.starts_with('{')
        || word.contains('.')
        || text[..start].ends_with('.');
    if KEYWORDS.contains(&word) && !is_path {
        tokens.add(start, end, Kind::Keyword, 0);
    } else if is_path {
        tokens.add(start, end, Kind::Property, 0);
    } else {
        tokens.add(start, end, Kind::Variable, 0);
    }
}
