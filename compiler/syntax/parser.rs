//! From text to AST: runs the pest grammar (`grammar/cit.pest`) and turns its
//! pairs into `ast` nodes, decoding strings, text blocks and numbers on the way.

use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;

use super::ast::*;
use super::expected::describe_rules;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

#[derive(Parser)]
#[grammar = "grammar/cit.pest"]
struct CitParser;

/// Parses one file. A syntax error stops the file: the grammar cannot tell
/// where the next good item starts with enough confidence to go on.
///
/// A large file is read in parts on several threads: each part starts at a
/// line that looks like the start of an item, and counts only if the part
/// before it ends exactly there (otherwise that part reads on alone), so
/// the result is always the one a single reading gives.
pub fn parse_file(file: FileId, text: &str) -> Result<File, Diagnostic> {
    let parts = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(text.len() / MIN_PART_BYTES)
        .max(1);
    parse_in_parts(file, text, parts)
}

fn parse_in_parts(file: FileId, text: &str, parts: usize) -> Result<File, Diagnostic> {
    check_line_endings(file, text)?;
    check_nesting(file, text)?;
    let starts = part_starts(text, parts);
    let mut items = Vec::new();
    let mut errors = Vec::new();
    std::thread::scope(|scope| {
        // A part whose thread could not be started is read here, in turn.
        let mut later = starts
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, &start)| {
                let stop = starts.get(i + 1).copied();
                let thread = std::thread::Builder::new()
                    .spawn_scoped(scope, move || read_items(file, text, start, stop));
                (start, stop, thread.ok())
            })
            .collect::<Vec<_>>()
            .into_iter();
        let mut part = read_items(file, text, 0, starts.get(1).copied());
        loop {
            items.append(&mut part.items);
            errors.append(&mut part.errors);
            if let Some(fatal) = part.fatal {
                return Err(fatal);
            }
            part = match (part.ended_at_stop, later.next()) {
                (true, Some((_, _, Some(thread)))) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                (true, Some((start, stop, None))) => read_items(file, text, start, stop),
                _ => return Ok(()),
            };
        }
    })?;
    match errors.into_iter().next() {
        Some(err) => Err(err),
        None => Ok(File { items }),
    }
}

/// Below this many bytes per thread, a file is read on fewer threads: a
/// thread costs more to start than a few hundred lines take to read.
const MIN_PART_BYTES: usize = 4 * 1024;

/// Where each part of the file starts, the first at 0: the first line at or
/// after each 1/parts of the text that begins with a letter, as an item at
/// the left margin does (a wrong guess costs time, never a different AST).
fn part_starts(text: &str, parts: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for k in 1..parts {
        let from = (text.len() * k / parts).max(starts[starts.len() - 1] + 1);
        let found = bytes.get(from..).and_then(|rest| {
            rest.windows(2)
                .position(|w| w[0] == b'\n' && w[1].is_ascii_alphabetic())
        });
        if let Some(at) = found {
            starts.push(from + at + 1);
        }
    }
    starts
}

/// One part of a file, read from its start.
struct Part {
    items: Vec<Item>,
    /// Errors that do not stop the file (a bad escape in a string).
    errors: Vec<Diagnostic>,
    /// A syntax error, which stops the file.
    fatal: Option<Diagnostic>,
    /// Where the item that failed starts.
    failed_at: Option<usize>,
    /// Whether the part ended where the next part starts (an item starts
    /// exactly at `stop`): the next part's items follow.
    ended_at_stop: bool,
}

/// Reads items from `start` until the one that starts at `stop` or the end.
/// When an item starts past `stop` or runs across it, `stop` was not where
/// an item starts, and the part reads on to the end of the file.
fn read_items(file: FileId, text: &str, start: usize, mut stop: Option<usize>) -> Part {
    let mut ctx = Ctx {
        file,
        len: text.len(),
        base: start,
        errors: Vec::new(),
    };
    let mut items = Vec::new();
    let mut ended_at_stop = false;
    let mut fatal = None;
    let mut failed_at = None;
    // Item by item: pest's token queue for a whole 250,000-line catalog
    // would take more memory than everything else the build holds.
    let mut pos = start;
    loop {
        let pairs = match CitParser::parse(Rule::next_item, &text[pos..]) {
            Ok(pairs) => pairs,
            Err(_) => {
                fatal = Some(syntax_error_from(file, text, pos));
                failed_at = Some(pos);
                break;
            }
        };
        let Some(pair) = pairs.flatten().nth(1) else {
            break;
        };
        if pair.as_rule() == Rule::EOI {
            break;
        }
        let item_start = pos + pair.as_span().start();
        let end = pos + pair.as_span().end();
        if let Some(at) = stop {
            if item_start == at {
                ended_at_stop = true;
                break;
            }
            if end > at {
                stop = None;
            }
        }
        ctx.base = pos;
        items.push(ctx.item(pair));
        pos = end;
    }
    Part {
        items,
        errors: ctx.errors,
        fatal,
        failed_at,
        ended_at_stop,
    }
}

/// Every syntax error of a file, and the items that parsed: after an error,
/// reading goes on at the next line that starts an item at the left margin
/// (`mixin`, `preference`, …), so one broken item does not hide the rest.
/// Also the names of the items that did not parse, so that uses of them are
/// not reported again as unknown.
pub fn parse_file_recovering(file: FileId, text: &str) -> Recovered {
    let first = match parse_file(file, text) {
        Ok(parsed) => {
            return Recovered {
                file: parsed,
                errors: Vec::new(),
                broken: Vec::new(),
            }
        }
        Err(diag) => diag,
    };
    if first.code != "E0001" {
        // Too deep, or not text a parser should go on with.
        return Recovered {
            file: File { items: Vec::new() },
            errors: vec![first],
            broken: Vec::new(),
        };
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut broken = Vec::new();
    let mut pos = 0;
    loop {
        let mut part = read_items(file, text, pos, None);
        items.append(&mut part.items);
        errors.append(&mut part.errors);
        let (Some(fatal), Some(failed_at)) = (part.fatal, part.failed_at) else {
            break;
        };
        broken.extend(super::recovery::item_name(&text[failed_at..]));
        let after = (fatal.span.end as usize).max(failed_at + 1);
        errors.push(fatal);
        match super::recovery::next_item_start(text, after) {
            Some(next) => pos = next,
            None => break,
        }
    }
    Recovered {
        file: File { items },
        errors,
        broken,
    }
}

/// What [`parse_file_recovering`] read of a file.
pub struct Recovered {
    /// The items that parsed.
    pub file: File,
    /// Every syntax error (and other errors of reading).
    pub errors: Vec<Diagnostic>,
    /// The names defined by items that did not parse.
    pub broken: Vec<String>,
}

/// The syntax error of the item at `from`, as the grammar's `file` rule
/// reports it from there (what came before parsed, and is blanked out so
/// that positions stay the file's): what was expected where it stops.
fn syntax_error_from(file: FileId, text: &str, from: usize) -> Diagnostic {
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
fn check_line_endings(file: FileId, text: &str) -> Result<(), Diagnostic> {
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
fn check_nesting(file: FileId, text: &str) -> Result<(), Diagnostic> {
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
    if let Some(diag) = super::recovery::explain(file, text, start, positives, &expected) {
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

struct Ctx {
    file: FileId,
    /// Length of the file, for the scope of a file-wide `allow`.
    len: usize,
    /// Where the item being read starts: pest's positions are relative to it.
    base: usize,
    errors: Vec<Diagnostic>,
}

impl Ctx {
    /// The pair's text, without the whitespace and comments pest takes
    /// in after its last token when an optional part is absent
    /// (`sizes T` then a newline): a span ends where its code ends.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + code_len(s.as_str());
        Span::new(self.file, self.base + s.start(), self.base + end)
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn item(&mut self, pair: Pair<Rule>) -> Item {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().peekable();
        // Leading keywords carry no data.
        while let Some(p) = inner.peek() {
            if matches!(
                p.as_rule(),
                Rule::kw_import
                    | Rule::kw_let
                    | Rule::kw_alias
                    | Rule::kw_mixin
                    | Rule::kw_table
                    | Rule::kw_series
                    | Rule::kw_derive
                    | Rule::kw_type
                    | Rule::kw_schema
                    | Rule::kw_release
                    | Rule::kw_patch
                    | Rule::kw_remove
            ) {
                inner.next();
            } else {
                break;
            }
        }
        let mut inner: Vec<Pair<Rule>> = inner.collect();
        match rule {
            Rule::import_item => {
                let text = self.text(inner.remove(0));
                Item::Import(Import {
                    path: text.as_literal().unwrap_or_default(),
                    span: text.span,
                })
            }
            Rule::let_item => {
                let mut it = inner.into_iter();
                let name = self.ident(it.next().expect("grammar: let has a name"));
                let value = self.value(&mut it.peekable());
                Item::Let(LetDef { name, value })
            }
            Rule::alias_item => {
                let target = self.path(inner.pop().expect("grammar: alias has a path"));
                let name = self.ident(inner.pop().expect("grammar: alias has a name"));
                let kind = inner.pop().map(|k| kind_of(k.as_str()));
                Item::Alias(AliasDef { kind, name, target })
            }
            Rule::mixin_item => {
                let body = self.block(inner.pop().expect("grammar: mixin has a body"));
                let name = self.ident(inner.remove(0));
                Item::Mixin(MixinDef { name, body })
            }
            Rule::table_item => {
                let mut columns = Vec::new();
                let mut rows = Vec::new();
                let mut name = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::ident if name.is_none() => name = Some(self.ident(p)),
                        Rule::ident => columns.push(self.ident(p)),
                        Rule::table_row => {
                            let span = self.span(&p);
                            let cells = p.into_inner().map(|c| self.expr(c)).collect();
                            rows.push(TableRow { cells, span });
                        }
                        _ => {}
                    }
                }
                Item::Table(TableDef {
                    name: name.expect("grammar: table has a name"),
                    columns,
                    rows,
                })
            }
            Rule::series_item => {
                let mut is_abstract = false;
                let mut name = None;
                let mut parent = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::abstract_kw => is_abstract = true,
                        Rule::kw_series => {}
                        Rule::ident => name = Some(self.ident(p)),
                        Rule::parent => {
                            let t = self.name_text(first(p));
                            parent = Some(Ident {
                                name: t.as_literal().unwrap_or_default(),
                                span: t.span,
                            });
                        }
                        Rule::block => body = Some(self.block(p)),
                        _ => {}
                    }
                }
                Item::Series(SeriesDef {
                    is_abstract,
                    name: name.expect("grammar: series has a name"),
                    parent,
                    body: body.expect("grammar: series has a body"),
                    span,
                })
            }
            Rule::definition_item => {
                let mut is_abstract = false;
                let mut kind = Kind::Preference;
                let mut name = None;
                let mut parent = None;
                let mut matrix = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::abstract_kw => is_abstract = true,
                        Rule::kind => kind = kind_of(p.as_str()),
                        Rule::string | Rule::resource_name => name = Some(self.name_text(p)),
                        Rule::parent => parent = Some(self.name_text(first(p))),
                        Rule::for_clause => matrix = Some(self.matrix(p)),
                        Rule::block => body = Some(self.block(p)),
                        _ => {}
                    }
                }
                Item::Definition(Definition {
                    is_abstract,
                    kind,
                    name: name.expect("grammar: definition has a name"),
                    parent,
                    matrix,
                    body: body.expect("grammar: definition has a body"),
                    span,
                })
            }
            Rule::derive_item => {
                let kind = kind_of(inner.remove(0).as_str());
                let rules = inner.into_iter().map(|p| self.derive_rule(p)).collect();
                Item::Derive(DeriveDef { kind, rules })
            }
            Rule::type_item => {
                let mut it = inner.into_iter();
                let name = self.ident(it.next().expect("grammar: type name"));
                let fields = it.map(|f| self.field_decl(f)).collect();
                Item::Type(TypeDef { name, fields })
            }
            Rule::schema_item => {
                let type_name = self.ident(inner.pop().expect("grammar: schema type"));
                let kind = kind_of(inner.pop().expect("grammar: schema kind").as_str());
                Item::Schema(SchemaDef { kind, type_name })
            }
            Rule::allow_stmt => {
                let file_span = Span::new(self.file, 0, self.len);
                Item::Allow(self.allow(inner, file_span))
            }
            Rule::release_item => Item::Release(ReleaseDef {
                keyword: Span::new(
                    self.file,
                    span.start as usize,
                    span.start as usize + "release".len(),
                ),
                body: self.block(inner.pop().expect("grammar: release has a body")),
            }),
            Rule::patch_item => {
                let body = self.block(inner.pop().expect("grammar: patch has a body"));
                let selection = self.selection(inner.pop().expect("grammar: patch selects"));
                Item::Patch(PatchDef {
                    selection,
                    body,
                    span,
                })
            }
            Rule::remove_item => {
                let selection = self.selection(inner.pop().expect("grammar: remove selects"));
                Item::Remove(RemoveDef { selection, span })
            }
            other => unreachable!("grammar: unexpected item {other:?}"),
        }
    }

    fn selection(&mut self, pair: Pair<Rule>) -> Selection {
        let span = self.span(&pair);
        let mut kind = None;
        let mut targets = Vec::new();
        for p in pair.into_inner() {
            let target_span = self.span(&p);
            match p.as_rule() {
                Rule::kind => kind = Some(kind_of(p.as_str())),
                Rule::name_pattern if p.as_str().contains('*') => {
                    targets.push(Target::Pattern(p.as_str().to_string(), target_span))
                }
                Rule::name_pattern => {
                    targets.push(Target::Name(p.as_str().to_string(), target_span))
                }
                Rule::string => {
                    let name = self.text(p).as_literal().unwrap_or_default();
                    if name.contains('*') {
                        targets.push(Target::Pattern(name, target_span));
                    } else {
                        targets.push(Target::Name(name, target_span));
                    }
                }
                Rule::series_target => {
                    let name = p
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::ident)
                        .expect("grammar: series target has a name");
                    targets.push(Target::Series(self.ident(name)));
                }
                Rule::label_target => {
                    let mut key = None;
                    let mut via_alias = false;
                    let mut value = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::kw_label | Rule::label_eq => {}
                            Rule::string if key.is_none() => {
                                let text = self.text(q);
                                key = Some(Ident {
                                    name: text.as_literal().unwrap_or_default(),
                                    span: text.span,
                                });
                            }
                            Rule::ident if key.is_none() => {
                                via_alias = true;
                                key = Some(self.ident(q));
                            }
                            _ => value = Some(self.expr(q)),
                        }
                    }
                    targets.push(Target::Label {
                        key: key.expect("grammar: label target has a key"),
                        via_alias,
                        value,
                        span: target_span,
                    });
                }
                _ => {}
            }
        }
        Selection {
            kind,
            targets,
            span,
        }
    }

    fn derive_rule(&mut self, pair: Pair<Rule>) -> DeriveRule {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_label);
        let label = self
            .text(inner.next().expect("grammar: label key"))
            .as_literal()
            .unwrap_or_default();
        let source_pair = inner.next().expect("grammar: label source");
        let is_if = source_pair.as_rule() == Rule::derive_if;
        let target = source_pair
            .into_inner()
            .find(|p| matches!(p.as_rule(), Rule::path | Rule::attribute))
            .expect("grammar: derive source");
        let source = match (is_if, target.as_rule()) {
            (true, _) => DeriveSource::Present(self.path(target)),
            (false, Rule::attribute) => {
                let span = self.span(&target);
                DeriveSource::Attribute(Ident {
                    name: target.as_str()[1..].to_string(),
                    span,
                })
            }
            (false, _) => DeriveSource::Field(self.path(target)),
        };
        DeriveRule {
            label,
            source,
            span,
        }
    }

    fn field_decl(&mut self, pair: Pair<Rule>) -> FieldDecl {
        let mut it = pair.into_inner();
        let name = self.ident(it.next().expect("grammar: field name"));
        let mut required = false;
        let mut deprecated = false;
        let mut ty = None;
        for p in it {
            match (p.as_rule(), p.as_str()) {
                (Rule::field_flag, "required") => required = true,
                (Rule::field_flag, _) => deprecated = true,
                _ => ty = Some(self.type_expr(p)),
            }
        }
        FieldDecl {
            name,
            required,
            deprecated,
            ty: ty.expect("grammar: field type"),
        }
    }

    fn type_expr(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let mut it = pair.into_inner();
        let name = self.ident(it.next().expect("grammar: type name"));
        let args = it
            .map(|arg| match arg.as_rule() {
                Rule::range => {
                    let (lo, hi) = arg.as_str().split_once("..").unwrap_or(("", ""));
                    TypeArg::Range(lo.parse().ok(), hi.parse().ok())
                }
                Rule::string => TypeArg::Text(self.text(arg).as_literal().unwrap_or_default()),
                _ => TypeArg::Type(self.type_expr(arg)),
            })
            .collect();
        TypeExpr { name, args }
    }

    fn allow(&mut self, inner: Vec<Pair<Rule>>, scope: Span) -> Allow {
        let mut it = inner.into_iter().filter(|p| p.as_rule() != Rule::kw_allow);
        let code = self.ident(it.next().expect("grammar: allow code"));
        let reason = it
            .next()
            .map(|r| self.text(r).as_literal().unwrap_or_default())
            .unwrap_or_default();
        Allow {
            code,
            reason,
            scope,
        }
    }

    fn matrix(&mut self, pair: Pair<Rule>) -> Matrix {
        let span = self.span(&pair);
        let mut tables = Vec::new();
        let mut except = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::reference => tables.push(self.ident(p)),
                Rule::except_clause => {
                    for tuple in p.into_inner().filter(|t| t.as_rule() == Rule::except_tuple) {
                        except.push(tuple.into_inner().map(|c| self.expr(c)).collect());
                    }
                }
                _ => {}
            }
        }
        Matrix {
            tables,
            except,
            span,
        }
    }

    fn block(&mut self, pair: Pair<Rule>) -> Block {
        let span = self.span(&pair);
        let statements = pair
            .into_inner()
            .map(|p| {
                if p.as_rule() == Rule::allow_stmt {
                    let inner = p.into_inner().collect();
                    Statement::Allow(self.allow(inner, span))
                } else {
                    self.statement(p)
                }
            })
            .collect();
        Block { statements, span }
    }

    fn statement(&mut self, pair: Pair<Rule>) -> Statement {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let inner: Vec<Pair<Rule>> = pair.into_inner().collect();
        match rule {
            Rule::use_stmt => Statement::Use(
                inner
                    .into_iter()
                    .filter(|p| p.as_rule() == Rule::reference)
                    .map(|p| self.ident(p))
                    .collect(),
            ),
            Rule::sizes_stmt => {
                let mut table = None;
                let mut except = Vec::new();
                for p in inner {
                    match p.as_rule() {
                        Rule::kw_sizes | Rule::kw_except => {}
                        Rule::reference if table.is_none() => table = Some(self.ident(p)),
                        _ => except.push(self.expr(p)),
                    }
                }
                Statement::Sizes {
                    table: table.expect("grammar: sizes names a table"),
                    except,
                    span,
                }
            }
            Rule::variants_stmt => Statement::Variants {
                table: self.ident(inner.into_iter().nth(1).expect("grammar: variants table")),
                span,
            },
            Rule::ratio_stmt => {
                let text = inner.last().map_or("", |p| p.as_str());
                let (cpu, memory) = text.split_once(':').unwrap_or(("0", "0"));
                Statement::Ratio {
                    cpu: cpu.parse().unwrap_or(0),
                    memory_gib: memory.parse().unwrap_or(0),
                    span,
                }
            }
            Rule::when_stmt => {
                let mut variable = None;
                let mut values = Vec::new();
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::ident => variable = Some(self.ident(p)),
                        Rule::when_eq | Rule::when_in => values.extend(
                            p.into_inner()
                                .filter(|v| v.as_rule() != Rule::kw_in)
                                .map(|v| self.expr(v)),
                        ),
                        Rule::block => body = Some(self.block(p)),
                        _ => {}
                    }
                }
                Statement::When {
                    variable: variable.expect("grammar: when names a variable"),
                    values,
                    body: body.expect("grammar: when has a body"),
                }
            }
            Rule::assign_stmt => {
                let mut it = inner.into_iter();
                let path = self.path(it.next().expect("grammar: assignment path"));
                let op = match it.next().expect("grammar: assignment operator").as_str() {
                    ":=" => AssignOp::Replace,
                    _ => AssignOp::Merge,
                };
                let value = self.value(&mut it.peekable());
                Statement::Assign { path, op, value }
            }
            Rule::let_stmt => {
                let mut it = inner.into_iter().filter(|p| p.as_rule() != Rule::kw_let);
                let name = self.ident(it.next().expect("grammar: let has a name"));
                let value = self.value(&mut it.peekable());
                Statement::Let { name, value }
            }
            Rule::unset_stmt => Statement::Unset(
                self.path(
                    inner
                        .into_iter()
                        .find(|p| p.as_rule() == Rule::path)
                        .expect("grammar: unset has a path"),
                ),
            ),
            Rule::nested_stmt => {
                let mut it = inner.into_iter();
                let path = self.path(it.next().expect("grammar: block path"));
                let block = self.block(it.next().expect("grammar: block body"));
                Statement::Assign {
                    path,
                    op: AssignOp::Merge,
                    value: Expr::Map(block),
                }
            }
            other => unreachable!("grammar: unexpected statement {other:?}"),
        }
    }

    fn path(&mut self, pair: Pair<Rule>) -> Path {
        let span = self.span(&pair);
        let segments = pair
            .into_inner()
            .map(|seg| match seg.as_rule() {
                Rule::string => {
                    let text = self.text(seg);
                    Ident {
                        name: text.as_literal().unwrap_or_default(),
                        span: text.span,
                    }
                }
                _ => self.ident(seg),
            })
            .collect();
        Path { segments, span }
    }

    /// A definition name: a quoted template or a bare resource name.
    fn name_text(&mut self, pair: Pair<Rule>) -> Text {
        match pair.as_rule() {
            Rule::string => self.text(pair),
            _ => Text::literal(pair.as_str().to_string(), self.span(&pair)),
        }
    }

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::string => Expr::Text(self.text(pair)),
            Rule::text_block => Expr::Text(self.text_block(pair)),
            Rule::word => Expr::Word(pair.as_str().to_string(), span),
            Rule::quantity | Rule::bad_number => Expr::Quantity(pair.as_str().to_string(), span),
            Rule::bool => Expr::Bool(pair.as_str() == "true", span),
            Rule::int => {
                match pair.as_str().parse::<i64>() {
                    Ok(v) => Expr::Int(v, span),
                    Err(_) => {
                        self.errors.push(
                        Diagnostic::new("E0116", span, "integer does not fit in 64 bits")
                            .label("too large")
                            .help("integers range from -9223372036854775808 to 9223372036854775807"),
                    );
                        Expr::Int(0, span)
                    }
                }
            }
            Rule::float => Expr::Float(pair.as_str().parse::<f64>().unwrap_or(0.0), span),
            Rule::map => Expr::Map(self.block(pair)),
            Rule::list => {
                let mut items = Vec::new();
                let mut it = pair.into_inner().peekable();
                while it.peek().is_some() {
                    items.push(self.value(&mut it));
                }
                Expr::List(items, span)
            }
            Rule::paren => {
                let mut expr = self.value(&mut pair.into_inner().peekable());
                // The parentheses belong to the expression they group.
                if let Expr::Binary(binary) = &mut expr {
                    binary.span = span;
                }
                expr
            }
            Rule::variable => Expr::Variable(self.ident(pair)),
            other => unreachable!("grammar: unexpected value {other:?}"),
        }
    }

    /// A value: one operand, and the operators and operands of an
    /// `arith_tail` after it, if there is one.
    fn value<'i>(
        &mut self,
        pairs: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    ) -> Expr {
        let first = self.expr(pairs.next().expect("grammar: a value"));
        let Some(tail) = pairs.next_if(|p| p.as_rule() == Rule::arith_tail) else {
            return first;
        };
        let mut rest = Vec::new();
        let mut it = tail.into_inner();
        while let (Some(op), Some(operand)) = (it.next(), it.next()) {
            let op_span = self.span(&op);
            let op = match op.as_str() {
                "*" => BinOp::Mul,
                "/" => BinOp::Div,
                "+" => BinOp::Add,
                _ => BinOp::Sub,
            };
            rest.push((op, op_span, self.expr(operand)));
        }
        fold_binary(first, rest)
    }

    fn text(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let inner = first(pair);
        let offset = self.base + inner.as_span().start();
        self.decode(inner.as_str(), offset, span)
    }

    /// `"""` blocks: the first line break after the opening quotes is dropped,
    /// the common indentation of the lines is removed, and the line of the
    /// closing quotes (when blank) ends the text without a final newline.
    fn text_block(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let inner = first(pair);
        let raw = inner.as_str();
        let raw = raw
            .strip_prefix("\r\n")
            .or_else(|| raw.strip_prefix('\n'))
            .unwrap_or(raw);
        let mut lines: Vec<&str> = raw.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        let closing_indent = match lines.last() {
            Some(last) if last.trim().is_empty() => {
                let indent = last.len();
                lines.pop();
                Some(indent)
            }
            _ => None,
        };
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
            .chain(closing_indent)
            .min()
            .unwrap_or(0);
        let stripped: Vec<&str> = lines
            .iter()
            .map(|l| {
                if l.trim().is_empty() {
                    ""
                } else {
                    &l[indent.min(l.len())..]
                }
            })
            .collect();
        // Offsets inside a stripped block are approximate: point at the block.
        let mut text = self.decode(&stripped.join("\n"), 0, span);
        text.span = span;
        text
    }

    /// Decodes escapes and splits `${name}` holes. `offset` is the byte
    /// position of `raw` in the file (0 when unknown).
    fn decode(&mut self, raw: &str, offset: usize, span: Span) -> Text {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = raw.char_indices().peekable();
        let at = |i: usize, len: usize| {
            if offset == 0 {
                span
            } else {
                Span::new(span.file, offset + i, offset + i + len)
            }
        };
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        'n' => lit.push('\n'),
                        't' => lit.push('\t'),
                        'r' => lit.push('\r'),
                        '\\' => lit.push('\\'),
                        '"' => lit.push('"'),
                        '$' => lit.push('$'),
                        'u' => match parse_unicode_escape(&mut chars) {
                            Some(ch) => lit.push(ch),
                            None => self.errors.push(
                                Diagnostic::new("E0111", at(i, 2), "invalid unicode escape")
                                    .label("expected \\u{XXXX}")
                                    .help("write a code point in hex between braces, e.g. \\u{e9}"),
                            ),
                        },
                        other => self.errors.push(
                            Diagnostic::new(
                                "E0111",
                                at(i, 1 + other.len_utf8()),
                                format!("unknown escape `\\{other}`"),
                            )
                            .label("unknown escape")
                            .help("escapes are \\\\, \\\", \\n, \\t, \\r, \\$ and \\u{XXXX}"),
                        ),
                    }
                }
                '$' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                    chars.next();
                    let start = i + 2;
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    let valid = !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if !closed || !valid {
                        self.errors.push(
                            Diagnostic::new("E0111", at(i, name.len() + 2), "invalid interpolation")
                                .label("expected ${name}")
                                .help("interpolate a variable with ${name}; write \\$ for a literal dollar sign"),
                        );
                        continue;
                    }
                    if !lit.is_empty() {
                        parts.push(TextPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(TextPart::Variable(Ident {
                        span: at(start, name.len()),
                        name,
                    }));
                }
                _ => lit.push(c),
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(TextPart::Literal(lit));
        }
        Text { parts, span }
    }
}

fn parse_unicode_escape(chars: &mut std::iter::Peekable<std::str::CharIndices>) -> Option<char> {
    if chars.next()?.1 != '{' {
        return None;
    }
    let mut hex = String::new();
    for (_, c) in chars.by_ref() {
        if c == '}' {
            return u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
        }
        hex.push(c);
    }
    None
}

fn first(pair: Pair<Rule>) -> Pair<Rule> {
    pair.into_inner()
        .next()
        .expect("grammar: rule has an inner pair")
}

fn kind_of(keyword: &str) -> Kind {
    if keyword == "instancetype" {
        Kind::Instancetype
    } else {
        Kind::Preference
    }
}

/// The length of `text` without trailing whitespace and `//` comments.
fn code_len(text: &str) -> usize {
    let mut code = text.trim_end();
    loop {
        let line_start = code.rfind('\n').map_or(0, |i| i + 1);
        let line = &code[line_start..];
        // A `//` outside a string (an even number of quotes before it).
        let comment = line
            .match_indices("//")
            .map(|(i, _)| i)
            .find(|&i| line[..i].matches('"').count().is_multiple_of(2));
        match comment {
            Some(i) if line_start + i > 0 => code = code[..line_start + i].trim_end(),
            _ => return code.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read in any number of parts, a file gives the AST (or the error) of
    /// one reading: also when a part would start inside a text block, a
    /// string or a comment, or in the middle of an error.
    #[test]
    fn reading_in_parts_gives_what_one_reading_gives() {
        let catalog = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog.cit"))
            .expect("catalog.cit");
        let text_blocks = "preference a {\n  metadata.annotations.x = \"\"\"\nline one\nsecond line\n  \"\"\"\n}\n"
            .repeat(40);
        let comments =
            "// comment\nmixin m {\n  spec.cpu.guest = 1 // tail\n}\n// mixin n {\n".repeat(40);
        let mut broken = catalog.clone();
        broken.insert_str(catalog.len() * 3 / 4, "\ninstancetype { oops\n");
        let mut bad_escape = catalog.clone();
        bad_escape.insert_str(catalog.len() / 2, "\nlet escaped = \"\\q\"\n");
        assert_eq!(part_starts(&catalog, 4).len(), 4);
        assert!(parse_in_parts(FileId(1), &broken, 1).is_err());
        assert!(parse_in_parts(FileId(1), &bad_escape, 1).is_err());
        for text in [&catalog, &text_blocks, &comments, &broken, &bad_escape] {
            let whole = format!("{:?}", parse_in_parts(FileId(1), text, 1));
            for parts in 2..=7 {
                let split = format!("{:?}", parse_in_parts(FileId(1), text, parts));
                assert_eq!(split, whole, "{parts} parts");
            }
        }
    }
}
