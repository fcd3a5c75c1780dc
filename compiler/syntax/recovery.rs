//! Explaining syntax errors at the line the author must change. pest says
//! where it stopped and what it wanted there; that place is often a line or
//! a whole definition after the mistake (a missing `}` is noticed at the next
//! definition, a trailing comma at the next statement). This module runs only
//! when pest has failed: it re-reads the text as coarse tokens, looks for the
//! lexical faults that explain the failure (an unclosed string or bracket),
//! then for the common shapes of a mistake around pest's position, and says
//! what to change where. `None` leaves pest's own message.

use super::grammar::Rule;
use super::tokens::{scan, Kind, Token};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::suggest::edit_distance;

/// The statement keywords, for "did you mean" on a misspelled one.
const STATEMENT_KEYWORDS: &[&str] = &["use", "sizes", "variants", "ratio", "allow", "when"];
/// The keywords that start a top-level item.
const ITEM_KEYWORDS: &[&str] = &[
    "import",
    "let",
    "alias",
    "mixin",
    "table",
    "series",
    "instancetype",
    "preference",
    "derive",
    "abstract",
    "type",
    "schema",
    "allow",
    "release",
    "patch",
    "remove",
];
const UNITS: &[&str] = &[
    "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E", "m",
];

/// The keyword closest to `word`: a little more forgiving than names, as
/// keywords are few and short (`sise` is two edits from `sizes`).
fn closest_keyword(word: &str, keywords: &[&'static str]) -> Option<&'static str> {
    let len = word.chars().count();
    let limit = if len >= 4 { (len / 3).max(2) } else { 1 };
    keywords
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, _)| *d <= limit && *d > 0)
        .min()
        .map(|(_, k)| k)
}

struct Ctx<'a> {
    file: FileId,
    text: &'a str,
    tokens: Vec<Token>,
    /// pest's position.
    pos: usize,
    positives: &'a [Rule],
}

/// A better diagnostic for pest's failure at `pos`, where it expected
/// `positives` (`expected` is their description), if one of the known
/// mistakes explains it.
pub(super) fn explain(
    file: FileId,
    text: &str,
    pos: usize,
    positives: &[Rule],
    expected: &str,
) -> Option<Diagnostic> {
    let ctx = Ctx {
        file,
        text,
        tokens: scan(text),
        pos,
        positives,
    };
    ctx.open_string()
        .or_else(|| ctx.brackets())
        .or_else(|| ctx.at_position(expected))
}

impl Ctx<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn tok_span(&self, t: Token) -> Span {
        self.span(t.start, t.end)
    }

    fn str_of(&self, t: Token) -> &str {
        &self.text[t.start..t.end]
    }

    fn is(&self, t: Token, s: &str) -> bool {
        t.kind != Kind::Comment && self.str_of(t) == s
    }

    /// Tokens that matter to the grammar (no comments).
    fn code(&self) -> impl Iterator<Item = (usize, Token)> + '_ {
        self.tokens
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, t)| t.kind != Kind::Comment)
    }

    /// The first token of the statement or item whose `{` is token `open`:
    /// the first of its line, or of the head's line when the `{` ends a `for`
    /// clause on a continuation line (as `citc fmt` writes long matrix heads).
    fn opener_head(&self, open: usize) -> usize {
        let mut first = open;
        loop {
            while first > 0 && self.tokens[first - 1].line == self.tokens[first].line {
                first -= 1;
            }
            let t = self.tokens[first];
            if first > 0 && t.kind == Kind::Word && self.str_of(t) == "for" {
                first -= 1;
                continue;
            }
            return first;
        }
    }

    /// The indentation of the statement or item whose `{` is token `open`.
    fn opener_indent(&self, open: usize) -> usize {
        self.indent_of(self.tokens[self.opener_head(open)].start)
    }

    fn line_number(&self, offset: usize) -> usize {
        self.text[..offset].matches('\n').count() + 1
    }

    /// The indentation of the line holding `offset`, in characters.
    fn indent_of(&self, offset: usize) -> usize {
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .count()
    }

    fn first_on_line(&self, index: usize) -> bool {
        let t = self.tokens[index];
        index == 0 || self.tokens[index - 1].line < t.line
    }

    // ------------------------------------------------------ lexical faults

    /// A string or text block that is never closed, at or before pest's stop.
    fn open_string(&self) -> Option<Diagnostic> {
        let t = self.tokens.iter().copied().find(|t| {
            t.start <= self.pos
                && match t.kind {
                    Kind::OpenStr => true,
                    Kind::TextBlock => {
                        let s = self.str_of(*t);
                        s.len() < 6 || !s.ends_with("\"\"\"")
                    }
                    _ => false,
                }
        })?;
        if t.kind == Kind::TextBlock {
            return Some(
                Diagnostic::new(
                    "E0005",
                    self.span(t.start, t.start + 3),
                    "this text block is never closed",
                )
                .label("the text block opens here")
                .help("end the text with `\"\"\"` on a line of its own"),
            );
        }
        let line_end = self.text[t.start..]
            .find('\n')
            .map_or(self.text.len(), |i| t.start + i);
        let line_end = self.text[..line_end].trim_end().len();
        Some(
            Diagnostic::new(
                "E0005",
                self.span(t.start, t.start + 1),
                "this string is never closed",
            )
            .label("the string opens here and runs to the end of the line")
            .help(
                "add the closing `\"` at the end of the text; a string cannot span lines \
(for multi-line text use a text block: `\"\"\"` … `\"\"\"`)",
            )
            .fix(self.span(line_end, line_end), "\""),
        )
    }

    /// An unclosed or unexpected bracket that explains pest's stop.
    fn brackets(&self) -> Option<Diagnostic> {
        let mut stack: Vec<usize> = Vec::new();
        // Pairs of `{ }` whose `}` is first on its line but left of the `{`'s
        // line: the `}` is the outer block's, and this block lost its own.
        let mut misaligned: Option<(usize, usize)> = None;
        for (i, t) in self.code() {
            if t.kind != Kind::Punct {
                continue;
            }
            let s = self.str_of(t);
            match s {
                "{" | "(" | "[" => stack.push(i),
                "}" | ")" | "]" => {
                    let want = match s {
                        "}" => "{",
                        ")" => "(",
                        _ => "[",
                    };
                    let matches = |j: &usize| self.str_of(self.tokens[*j]) == want;
                    match stack.last() {
                        Some(&top) if matches(&top) => {
                            stack.pop();
                            let open = self.tokens[top];
                            if want == "{"
                                && misaligned.is_none()
                                && self.first_on_line(i)
                                && open.line < t.line
                                && self.indent_of(t.start) < self.opener_indent(top)
                            {
                                misaligned = Some((top, i));
                            }
                        }
                        Some(&top) if stack.iter().any(matches) => {
                            // `( … }`: the innermost opener was never closed.
                            return self.unclosed(top, Some(i));
                        }
                        _ => {
                            if t.start > self.pos {
                                return None;
                            }
                            let opener = want;
                            let diag = Diagnostic::new(
                                "E0004",
                                self.tok_span(t),
                                format!("unexpected `{s}`: no `{opener}` is open here"),
                            )
                            .label(format!("this `{s}` closes nothing"));
                            // `{ ]`: the other closer was meant.
                            if let Some(&top) = stack.last() {
                                let open = self.str_of(self.tokens[top]);
                                if self.tokens[top].line == t.line {
                                    let closer = match open {
                                        "{" => "}",
                                        "(" => ")",
                                        _ => "]",
                                    };
                                    return Some(
                                        diag.help(format!(
                                            "write `{closer}` to close the `{open}` before it"
                                        ))
                                        .fix(self.tok_span(t), closer),
                                    );
                                }
                            }
                            return Some(
                                diag.help(format!(
                                    "remove this `{s}`, or add the `{opener}` it was meant to close"
                                ))
                                .fix(self.tok_span(t), ""),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        let &outermost = stack.first()?;
        match misaligned {
            Some((open, close)) if self.tokens[open].start > self.tokens[outermost].start => {
                self.unclosed(open, Some(close))
            }
            _ => self.unclosed(outermost, None),
        }
    }

    /// The bracket at token `open` is never closed; `hint` is the token
    /// before which its closer was probably meant, if known.
    fn unclosed(&self, open: usize, hint: Option<usize>) -> Option<Diagnostic> {
        let t = self.tokens[open];
        let s = self.str_of(t);
        let closer = match s {
            "{" => "}",
            "(" => ")",
            _ => "]",
        };
        let hint = hint.or_else(|| {
            if s == "{" {
                // The first later line indented at or left of the opening line.
                let indent = self.opener_indent(open);
                self.code().map(|(i, _)| i).find(|&i| {
                    self.tokens[i].line > t.line
                        && self.first_on_line(i)
                        && self.indent_of(self.tokens[i].start) <= indent
                })
            } else {
                // The first token that cannot be inside the brackets.
                self.code().map(|(i, _)| i).find(|&i| {
                    self.tokens[i].start > t.start
                        && matches!(self.str_of(self.tokens[i]), "{" | "}" | "=" | ":=")
                })
            }
        });
        let hint_after_stop = s == "{" && hint.is_some_and(|h| self.tokens[h].start > self.pos);
        if t.start > self.pos || hint_after_stop {
            // pest stopped before this could matter: another mistake comes first.
            return None;
        }
        let line = self.line_number(t.start);
        let mut diag = if s == "{" {
            let head_start = self.tokens[self.opener_head(open)].start;
            let head = self.text[head_start..t.start]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let message = if head.is_empty() || head.chars().count() > 60 {
                "this block is never closed".to_string()
            } else {
                format!("the block of `{head}` is never closed")
            };
            Diagnostic::new("E0004", self.tok_span(t), message)
                .label("this `{` has no matching `}`")
        } else {
            Diagnostic::new("E0004", self.tok_span(t), format!("`{s}` is never closed"))
                .label(format!("this `{s}` has no matching `{closer}`"))
        };
        match hint {
            Some(h) => {
                let h = self.tokens[h];
                let (before, help, at, insert) = if s == "{" {
                    // A line of its own, at the opening line's indentation.
                    let line_start = self.text[..h.start].rfind('\n').map_or(0, |i| i + 1);
                    (
                        "before this line",
                        format!(
                            "add `}}` to close the `{{` of line {line}, before line {}",
                            self.line_number(h.start)
                        ),
                        line_start,
                        format!("{}}}\n", " ".repeat(self.opener_indent(open))),
                    )
                } else {
                    (
                        "before this",
                        format!("add `{closer}` before `{}`", self.str_of(h)),
                        self.text[..h.start].trim_end().len(),
                        closer.to_string(),
                    )
                };
                diag = diag
                    .with_secondary(
                        self.tok_span(h),
                        format!("`{closer}` probably missing {before}"),
                    )
                    .help(help)
                    .fix(self.span(at, at), insert);
            }
            None => {
                let end = self.text.len();
                let newline = if self.text.ends_with('\n') { "" } else { "\n" };
                let indent = " ".repeat(self.opener_indent(open));
                diag = diag
                    .help(format!(
                        "add `{closer}` at the end of the file to close the `{s}` of line {line}"
                    ))
                    .fix(self.span(end, end), format!("{newline}{indent}{closer}\n"));
            }
        }
        Some(diag)
    }

    // ------------------------------------------------- around pest's stop

    fn expects(&self, rules: &[Rule]) -> bool {
        self.positives.iter().any(|r| rules.contains(r))
    }

    fn at_position(&self, expected: &str) -> Option<Diagnostic> {
        let cur_index = self
            .code()
            .find(|(_, t)| t.start >= self.pos)
            .map(|(i, _)| i);
        let cur = cur_index.map(|i| self.tokens[i]);
        let prev_index = self
            .code()
            .filter(|(_, t)| t.end <= self.pos)
            .map(|(i, _)| i)
            .last();
        let prev = prev_index.map(|i| self.tokens[i]);
        let prev2 =
            prev_index.and_then(|p| self.code().filter(|(i, _)| *i < p).map(|(_, t)| t).last());
        let cur_text = cur.map_or("", |t| self.str_of(t));

        if let Some(d) = cur.and_then(|c| self.yaml_habits(c, prev)) {
            return Some(d);
        }
        if let Some(d) = self.trailing_comma(cur, prev, prev2) {
            return Some(d);
        }
        if let Some(d) = cur.and_then(|c| self.comma_between_statements(c, prev?)) {
            return Some(d);
        }
        if let Some(d) = cur.and_then(|c| self.plural_kind(c, prev?)) {
            return Some(d);
        }
        if let Some(d) = cur.and_then(|c| self.expression_in_cell(c)) {
            return Some(d);
        }
        if let Some(d) = cur.and_then(|c| self.top_level_word(c, cur_index?)) {
            return Some(d);
        }
        if let (Some(p), Some(p2)) = (prev, prev2) {
            if let Some(d) = self.spaced_quantity(p, p2) {
                return Some(d);
            }
        }
        if let (Some(p), Some(pi)) = (prev, prev_index) {
            if let Some(d) = self.statement_typo(p, pi, cur) {
                return Some(d);
            }
            if let Some(d) = self.use_without_comma(p) {
                return Some(d);
            }
        }
        if let (Some(c), Some(p)) = (cur, prev) {
            if self.expects(&[Rule::assign_op]) && c.line == p.line && self.is_value_start(c) {
                let path = self.str_of(p);
                let value = self.rest_of_line(c);
                return Some(
                    Diagnostic::new(
                        "E0001",
                        self.tok_span(c),
                        format!("expected `=` between `{path}` and its value"),
                    )
                    .label("expected `=` before this value")
                    .help(format!("write `{path} = {value}`"))
                    .fix(self.span(p.end, p.end), " ="),
                );
            }
            if self.expects(&[Rule::when_eq, Rule::when_in]) && cur_text == "=" {
                return Some(
                    Diagnostic::new(
                        "E0001",
                        self.tok_span(c),
                        "`when` compares with `==`, not `=`",
                    )
                    .label("expected `==` or `in`")
                    .help("write `==` here: `when name == value { … }`")
                    .fix(self.tok_span(c), "=="),
                );
            }
        }
        // Something missing at the end of a line is reported there, not at
        // the first token of the next line; a statement or an item that
        // cannot start here is reported where it is.
        let starts_something = self.expects(&[
            Rule::path,
            Rule::key_word,
            Rule::import_item,
            Rule::definition_item,
            Rule::series_item,
            Rule::kw_import,
            Rule::kw_series,
            Rule::file,
            Rule::EOI,
        ]);
        let p = prev?;
        let later_line = cur.is_none_or(|c| c.line > p.line);
        if starts_something || !later_line {
            return None;
        }
        // A definition's head with no `{`: that is what is missing.
        let expected = if self.expects(&[Rule::block]) {
            "`{`"
        } else {
            expected
        };
        let found = match cur {
            Some(c) => format!("`{}`", self.short(c)),
            None => "end of file".to_string(),
        };
        let after = self.short(p);
        Some(
            Diagnostic::new(
                "E0001",
                self.tok_span(p),
                format!("expected {expected} after `{after}`, found {found} on the next line"),
            )
            .label(format!("expected {expected} after this"))
            .help(format!(
                "complete the line: {expected} must follow `{after}` (see grammar/LANGUAGE.md)"
            )),
        )
    }

    /// The text of a token, at most 40 characters.
    fn short(&self, t: Token) -> String {
        let s = self.str_of(t);
        match s.char_indices().nth(40) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s.to_string(),
        }
    }

    /// The text from token `t` to the end of its line, without a comment.
    fn rest_of_line(&self, t: Token) -> String {
        let mut end = t.end;
        for u in self
            .tokens
            .iter()
            .filter(|u| u.start >= t.start && u.line == t.line)
        {
            if u.kind != Kind::Comment {
                end = u.end;
            }
        }
        let s = &self.text[t.start..end];
        match s.char_indices().nth(60) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s.to_string(),
        }
    }

    fn is_value_start(&self, t: Token) -> bool {
        match t.kind {
            Kind::Word => !self.str_of(t).starts_with('@'),
            Kind::Str | Kind::TextBlock => true,
            Kind::Punct => self.str_of(t) == "[",
            _ => false,
        }
    }

    /// `# comment`, `'text'`, `- item`, `key: value`.
    fn yaml_habits(&self, cur: Token, prev: Option<Token>) -> Option<Diagnostic> {
        let s = self.str_of(cur);
        if s == "#" {
            return Some(
                Diagnostic::new(
                    "E0001",
                    self.tok_span(cur),
                    "comments start with `//`, not `#`",
                )
                .label("not a comment in .cit")
                .help("write `//` instead of `#`")
                .fix(self.tok_span(cur), "//"),
            );
        }
        if s == "'" {
            let line_end = self.text[cur.start..]
                .find('\n')
                .map_or(self.text.len(), |i| cur.start + i);
            let inner = self.text[cur.start + 1..line_end]
                .split('\'')
                .next()
                .unwrap_or("");
            let mut diag = Diagnostic::new(
                "E0001",
                self.tok_span(cur),
                "strings are written in double quotes, not single quotes",
            )
            .label("single quote")
            .help(format!("write `\"{inner}\"`"));
            let closing = cur.start + 1 + inner.len();
            if self.text[closing..line_end].starts_with('\'') && !inner.contains('"') {
                diag = diag.fix(self.span(cur.start, closing + 1), format!("\"{inner}\""));
            }
            return Some(diag);
        }
        if s == "-" && self.text[cur.end..].starts_with([' ', '\t']) {
            return Some(
                Diagnostic::new(
                    "E0001",
                    self.tok_span(cur),
                    "`- item` is YAML; a .cit list is written in brackets",
                )
                .label("a YAML list item")
                .help("write the list as `name = [\"a\", \"b\"]`"),
            );
        }
        if s == ":" && self.expects(&[Rule::assign_op]) {
            let p = prev?;
            let path = self.str_of(p);
            let after = self
                .code()
                .find(|(_, t)| t.start > cur.start)
                .map(|(_, t)| t);
            let (help, fix) = match after {
                Some(a) if a.line == cur.line && self.str_of(a) != "{" => (
                    format!("write `{path} = {}`", self.rest_of_line(a)),
                    Some(" ="),
                ),
                Some(a) if a.line == cur.line => {
                    (format!("remove the `:`: `{path} {{ … }}`"), Some(""))
                }
                _ => (
                    format!(
                        "nest the fields in a block, `{path} {{ … }}`, or set each with a dotted path, `{path}.field = value`"
                    ),
                    None,
                ),
            };
            let mut diag = Diagnostic::new(
                "E0001",
                self.tok_span(cur),
                "fields are set with `=`, not `:`",
            )
            .label("expected `=`")
            .help(help);
            if let Some(with) = fix {
                diag = diag.fix(self.tok_span(cur), with);
            }
            return Some(diag);
        }
        None
    }

    /// `use a, b,` and the other comma lists that take no trailing comma.
    /// `x = 1,` followed by another statement: commas separate list
    /// elements, never statements.
    fn comma_between_statements(&self, cur: Token, prev: Token) -> Option<Diagnostic> {
        if !self.is(cur, ",") || prev.kind == Kind::Punct && !self.is(prev, "}") {
            return None;
        }
        if !self.expects(&[Rule::path, Rule::key_word, Rule::bin_op, Rule::arith_tail]) {
            return None;
        }
        Some(
            Diagnostic::new(
                "E0001",
                self.tok_span(cur),
                "statements are not separated by commas",
            )
            .label("remove this comma")
            .help("write one statement per line, or several on one line two spaces apart: `a = 1  b = 2`")
            .fix(self.tok_span(cur), " "),
        )
    }

    /// `patch instancetypes u1 { … }`: a kind written in the plural (or
    /// misspelt) where `patch` and `remove` take one.
    fn plural_kind(&self, cur: Token, prev: Token) -> Option<Diagnostic> {
        if prev.kind != Kind::Word || cur.line != prev.line {
            return None;
        }
        let word = self.str_of(prev);
        let kind = closest_keyword(word, &["instancetype", "preference"]).or_else(|| {
            ["instancetype", "preference"]
                .into_iter()
                .find(|k| word.eq_ignore_ascii_case(k) && word != *k)
        })?;
        let head = self
            .code()
            .filter(|(_, t)| t.end <= prev.start && t.line == prev.line)
            .map(|(_, t)| self.str_of(t))
            .next()?;
        if !matches!(head, "patch" | "remove") {
            return None;
        }
        Some(
            Diagnostic::new(
                "E0001",
                self.tok_span(prev),
                format!("`{word}` is not a kind: `{head}` takes `instancetype` or `preference`"),
            )
            .label(format!("write `{kind}`"))
            .help(format!(
                "a kind is written in the singular, and selects every resource of it that the targets match: `{head} {kind} …`"
            ))
            .fix(self.tok_span(prev), kind),
        )
    }

    /// `small  1  1Gi * 2` in a table: cells are literals.
    fn expression_in_cell(&self, cur: Token) -> Option<Diagnostic> {
        if !matches!(self.str_of(cur), "*" | "/" | "+" | "-" | "(") {
            return None;
        }
        // The innermost `{` still open at pest's stop, and the word that
        // starts its line.
        let mut open: Vec<usize> = Vec::new();
        for (i, t) in self.code().filter(|(_, t)| t.end <= cur.start) {
            match self.str_of(t) {
                "{" => open.push(i),
                "}" => {
                    open.pop();
                }
                _ => {}
            }
        }
        let head = self.tokens[self.opener_head(*open.last()?)];
        if self.str_of(head) != "table" {
            return None;
        }
        Some(
            Diagnostic::new(
                "E0001",
                self.tok_span(cur),
                "a table cell is a literal value, not an expression",
            )
            .label("arithmetic is not allowed in a cell")
            .help("write the value itself (`2Gi`), or compute it where the column is read: `spec.memory.guest = memory * 2`"),
        )
    }

    fn trailing_comma(
        &self,
        cur: Option<Token>,
        prev: Option<Token>,
        prev2: Option<Token>,
    ) -> Option<Diagnostic> {
        let prev = prev?;
        let comma = if self.is(prev, ",") && cur.is_none_or(|c| c.kind != Kind::Word) {
            prev
        } else {
            // The comma ended a line, so the next statement's first word was
            // read as one more item: `use a, b,` / `  x = 1`.
            let p2 = prev2?;
            let c = cur?;
            let swallowed = self.is(p2, ",")
                && prev.kind == Kind::Word
                && prev.line > p2.line
                && [":", "=", ":=", "{", "."].contains(&self.str_of(c));
            if !swallowed {
                return None;
            }
            p2
        };
        // What list is it? The keyword that starts it.
        let mut keyword = "";
        let mut line_start_word = "";
        for (_, t) in self
            .code()
            .filter(|(_, t)| t.end <= comma.start)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let s = self.str_of(t);
            if ["use", "except", "in"].contains(&s) && keyword.is_empty() {
                keyword = s;
            }
            if matches!(s, "{" | "}" | "=" | ":=") {
                break;
            }
            if !keyword.is_empty() && t.kind == Kind::Word {
                line_start_word = s;
            }
        }
        let what = match (keyword, line_start_word) {
            ("use", _) => "trailing comma after the last mixin",
            ("except", "sizes") => "trailing comma after the last excluded size",
            ("except", _) => "trailing comma after the last excluded combination",
            ("in", _) => "trailing comma after the last value of `in (…)`",
            _ => "trailing comma",
        };
        Some(
            Diagnostic::new("E0001", self.tok_span(comma), what)
                .label("nothing follows this `,`")
                .help("remove the `,`")
                .fix(self.tok_span(comma), ""),
        )
    }

    /// A word where a top-level item starts: a misspelled keyword, or a
    /// field set outside of any definition.
    fn top_level_word(&self, cur: Token, index: usize) -> Option<Diagnostic> {
        if cur.kind != Kind::Word
            || !self.expects(&[
                Rule::file,
                Rule::import_item,
                Rule::series_item,
                Rule::kw_import,
                Rule::kw_series,
                Rule::abstract_kw,
            ])
        {
            return None;
        }
        let word = self.str_of(cur);
        if let Some(keyword) = closest_keyword(word, ITEM_KEYWORDS) {
            return Some(
                Diagnostic::new(
                    "E0006",
                    self.tok_span(cur),
                    format!("unknown keyword `{word}`"),
                )
                .label("not a keyword")
                .help(format!("did you mean `{keyword}`?")),
            );
        }
        let next = self
            .code()
            .find(|(i, _)| *i > index)
            .map(|(_, t)| self.str_of(t));
        if matches!(next, Some("=" | ":=" | "{" | ":")) {
            return Some(
                Diagnostic::new(
                    "E0001",
                    self.tok_span(cur),
                    format!("`{word}` is set outside of any definition"),
                )
                .label("a field at the top level")
                .help(format!(
                    "move it into a `preference`, `instancetype`, `series` or `mixin` block; \
for a constant write `let {word} = …`"
                )),
            );
        }
        Some(
            Diagnostic::new("E0001", self.tok_span(cur), format!("expected a top-level item, found `{}`", self.short(cur)))
                .label("not a top-level item")
                .help("a file is a list of items, each starting with a keyword: import, let, alias, mixin, table, series, instancetype, preference, derive, abstract, release, patch, remove"),
        )
    }

    /// `memory = 2 Gi`: the quantity was read as `2`, then `Gi` as the next
    /// statement.
    fn spaced_quantity(&self, unit: Token, number: Token) -> Option<Diagnostic> {
        let u = self.str_of(unit);
        let n = self.str_of(number);
        if unit.line != number.line
            || !UNITS.contains(&u)
            || number.kind != Kind::Word
            || !n.starts_with(|c: char| c.is_ascii_digit())
            || !n.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return None;
        }
        Some(
            Diagnostic::new(
                "E0001",
                self.span(number.start, unit.end),
                format!("a space splits the quantity `{n} {u}`"),
            )
            .label("one quantity, written as two tokens")
            .help(format!("write `{n}{u}` without the space"))
            .fix(self.span(number.start, unit.end), format!("{n}{u}")),
        )
    }

    /// `uses foo`: a statement keyword misspelled, read as a field path.
    fn statement_typo(&self, prev: Token, index: usize, cur: Option<Token>) -> Option<Diagnostic> {
        let cur = cur?;
        let word = self.str_of(prev);
        let starts_statement = self.first_on_line(index)
            || self
                .code()
                .filter(|(i, _)| *i < index)
                .last()
                .is_some_and(|(_, t)| self.is(t, "{"));
        if !self.expects(&[Rule::assign_op])
            || prev.kind != Kind::Word
            || word.contains('.')
            || cur.line != prev.line
            || !starts_statement
            || !matches!(cur.kind, Kind::Word | Kind::Str)
        {
            return None;
        }
        let keyword = closest_keyword(word, STATEMENT_KEYWORDS)?;
        Some(
            Diagnostic::new(
                "E0006",
                self.tok_span(prev),
                format!("unknown statement `{word}`"),
            )
            .label("not a statement keyword")
            .help(format!("did you mean `{keyword}`?")),
        )
    }

    /// `use a b`: mixins separated by a space.
    fn use_without_comma(&self, prev: Token) -> Option<Diagnostic> {
        if !self.expects(&[Rule::assign_op]) || prev.kind != Kind::Word {
            return None;
        }
        let line: Vec<Token> = self
            .code()
            .map(|(_, t)| t)
            .filter(|t| t.line == prev.line && t.end <= prev.end)
            .collect();
        let use_at = line.iter().rposition(|t| self.is(*t, "use"))?;
        let items = &line[use_at + 1..];
        if items
            .iter()
            .any(|t| !(t.kind == Kind::Word || self.is(*t, ",")))
        {
            return None;
        }
        let missing = items
            .windows(2)
            .find(|w| w[0].kind == Kind::Word && w[1].kind == Kind::Word)
            .map(|w| w[1])?;
        let names: Vec<&str> = items
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| self.str_of(*t))
            .collect();
        Some(
            Diagnostic::new(
                "E0001",
                self.tok_span(missing),
                format!("expected `,` before `{}`", self.str_of(missing)),
            )
            .label("mixins are separated by commas")
            .help(format!("write `use {}`", names.join(", ")))
            .fix(
                self.span(items[0].start, items[items.len() - 1].end),
                names.join(", "),
            ),
        )
    }
}

/// Where the next top-level item starts at or after `from`: a line that
/// begins with an item keyword at the left margin.
pub fn next_item_start(text: &str, from: usize) -> Option<usize> {
    let mut at = from.min(text.len());
    // From the start of the next line.
    at += text[at..].find('\n')? + 1;
    while at < text.len() {
        let line = &text[at..];
        let word: &str = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if ITEM_KEYWORDS.contains(&word) {
            return Some(at);
        }
        at += line.find('\n')? + 1;
    }
    None
}

/// The name an item defines, from its first line (`mixin dedicated-cpu {`,
/// `abstract preference "rhel.${v}" : …`), if it names one.
pub fn item_name(item: &str) -> Option<String> {
    let line = item
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))?;
    let mut words = line.split_whitespace();
    let mut keyword = words.next()?;
    if keyword == "abstract" {
        keyword = words.next()?;
    }
    if !matches!(
        keyword,
        "let" | "alias" | "mixin" | "table" | "series" | "instancetype" | "preference"
    ) {
        return None;
    }
    let mut name = words.next()?;
    if matches!(name, "instancetype" | "preference") && keyword == "alias" {
        name = words.next()?;
    }
    let name = name
        .split(['{', '(', '=', ':'])
        .next()
        .unwrap_or(name)
        .trim_matches('"');
    (!name.is_empty()).then(|| name.to_string())
}
