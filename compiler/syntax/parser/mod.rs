//! From text to AST: runs the pest grammar (`grammar/cit.pest`) item by item,
//! on several threads for a large file, and turns its pairs into `ast` nodes.
//! The conversion is split by what it reads: items, statements, values.

mod errors;
mod items;
mod statements;
mod values;

use pest::iterators::Pair;
use pest::Parser;

use super::ast::*;
use super::grammar::{CitParser, Rule};
use super::recovery;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use errors::{check_line_endings, check_nesting, syntax_error_from};

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
        broken.extend(recovery::item_name(&text[failed_at..]));
        let after = (fatal.span.end as usize).max(failed_at + 1);
        errors.push(fatal);
        match recovery::next_item_start(text, after) {
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
