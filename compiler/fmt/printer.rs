//! The printer: a cursor over the lossless tokens and the lines being
//! written. The grammar walk (`layout.rs`) says which token goes where; the
//! printer owns indentation, the comments met on the way, blank lines, and
//! the marks that let the walk try a one-line layout and take it back.
//!
//! Comments are never dropped: one at the end of a source line stays at the
//! end of the printed line; one on its own line stays on its own line before
//! whatever followed it; one in the middle of a construct ends the printed
//! line there and the construct goes on, indented 4 more, on the next line.

use super::lex::{Kind, Token};

/// Lines longer than this are broken where the layout allows (one-line
/// blocks are opened up, a definition's `for` clause moves to its own line).
pub const MAX_WIDTH: usize = 100;

/// The token the walk expected and did not find. The input parsed, so this
/// is a formatter bug or a construct it does not know yet.
#[derive(Debug)]
pub struct Unexpected {
    pub offset: usize,
    pub expected: &'static str,
}

pub type Result<T> = std::result::Result<T, Unexpected>;

pub struct Printer<'a> {
    tokens: Vec<Token<'a>>,
    /// The next token (comments included) not yet printed.
    pos: usize,
    /// Finished lines.
    pub out: Vec<String>,
    /// The line being written; `None` before its first token.
    line: Option<String>,
    /// Spaces before a statement at the current block depth.
    pub indent: usize,
    /// The current construct goes on past a line break: indent 4 more.
    continuation: bool,
    /// Comments met inside a construct, printed at the next line break.
    pending: Vec<Token<'a>>,
    /// End of the source, for errors at the end of the file.
    source_len: usize,
}

/// A point to come back to (see [`Printer::mark`]).
pub struct Mark {
    pos: usize,
    out_len: usize,
    line: Option<String>,
    continuation: bool,
}

impl<'a> Printer<'a> {
    pub fn new(tokens: Vec<Token<'a>>, source_len: usize) -> Printer<'a> {
        Printer {
            tokens,
            pos: 0,
            out: Vec::new(),
            line: None,
            indent: 0,
            continuation: false,
            pending: Vec::new(),
            source_len,
        }
    }

    // ---------------------------------------------------------- reading

    /// The next token, comments included.
    pub fn raw(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    /// Index of the `n`th significant (non-comment) token from the cursor.
    fn significant_index(&self, n: usize) -> Option<usize> {
        (self.pos..self.tokens.len())
            .filter(|&i| self.tokens[i].kind != Kind::Comment)
            .nth(n)
    }

    /// The `n`th significant token ahead (0 = next).
    pub fn peek_at(&self, n: usize) -> Option<Token<'a>> {
        self.significant_index(n).map(|i| self.tokens[i])
    }

    pub fn peek(&self) -> Option<Token<'a>> {
        self.peek_at(0)
    }

    /// Whether the next significant token is the punctuation or word `text`.
    pub fn at(&self, text: &str) -> bool {
        self.peek().is_some_and(|t| t.is(text))
    }

    pub fn unexpected(&self, expected: &'static str) -> Unexpected {
        Unexpected {
            offset: self.peek().map_or(self.source_len, |t| t.start),
            expected,
        }
    }

    /// Takes the next significant token; comments before it wait in
    /// `pending` for the next line break.
    pub fn bump(&mut self, expected: &'static str) -> Result<Token<'a>> {
        let index = self
            .significant_index(0)
            .ok_or_else(|| self.unexpected(expected))?;
        self.pending
            .extend_from_slice(&self.tokens[self.pos..index]);
        self.pos = index + 1;
        Ok(self.tokens[index])
    }

    /// Takes the next token if it is `text`, else fails.
    pub fn expect(&mut self, text: &str, expected: &'static str) -> Result<Token<'a>> {
        if !self.at(text) {
            return Err(self.unexpected(expected));
        }
        self.bump(expected)
    }

    /// Whether the bracketed group opening at the next significant token
    /// was written on one line with no comment inside.
    pub fn group_is_one_line(&self) -> bool {
        let Some(open) = self.significant_index(0) else {
            return false;
        };
        let mut depth = 0usize;
        for (i, token) in self.tokens.iter().enumerate().skip(open) {
            if i > open && (token.newlines_before > 0 || token.text.contains('\n')) {
                return false;
            }
            match (token.kind, token.text) {
                (Kind::Comment, _) => return false,
                (Kind::Punct, "{" | "[" | "(") => depth += 1,
                (Kind::Punct, "}" | "]" | ")") => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Whether a comment comes before the next significant `text` token.
    pub fn comment_before(&self, text: &str) -> bool {
        self.tokens[self.pos..]
            .iter()
            .take_while(|t| !t.is(text))
            .any(|t| t.kind == Kind::Comment)
    }

    // ---------------------------------------------------------- writing

    /// Writes `text` after `sep` (or at the start of a new line, indented).
    /// Comments met since the last token come first, ending the line.
    pub fn write(&mut self, sep: &str, text: &str) {
        self.flush_pending(true);
        self.write_keeping_comments(sep, text);
    }

    /// Writes `text` and leaves pending comments for the end of the line
    /// (a comma after a list element belongs before the element's comment).
    pub fn write_keeping_comments(&mut self, sep: &str, text: &str) {
        match &mut self.line {
            Some(line) => {
                line.push_str(sep);
                line.push_str(text);
            }
            None => {
                let mut line = " ".repeat(self.line_indent());
                line.push_str(text);
                self.line = Some(line);
            }
        }
    }

    /// Takes the next significant token and writes it as written.
    pub fn token(&mut self, sep: &str, expected: &'static str) -> Result<Token<'a>> {
        let token = self.bump(expected)?;
        self.write(sep, token.text);
        Ok(token)
    }

    /// Takes the word or punctuation `text` and writes it.
    pub fn keyword(&mut self, sep: &str, text: &str, expected: &'static str) -> Result<()> {
        self.expect(text, expected)?;
        self.write(sep, text);
        Ok(())
    }

    /// Appends raw text to the current line (separators between the
    /// statements of a one-line block).
    pub fn push_str(&mut self, text: &str) {
        if let Some(line) = &mut self.line {
            line.push_str(text);
        }
    }

    /// Width of the current line in characters (of its last row when it
    /// holds a text block).
    pub fn width(&self) -> usize {
        self.line
            .as_deref()
            .and_then(|l| l.rsplit('\n').next())
            .map_or(0, |l| l.chars().count())
    }

    fn line_indent(&self) -> usize {
        self.indent + if self.continuation { 4 } else { 0 }
    }

    /// Ends the line: comments still pending, then the comment that ended
    /// this line in the source, if any.
    pub fn end_line(&mut self) {
        self.flush_pending(false);
        self.continuation = false;
        if let Some(token) = self.raw() {
            if token.kind == Kind::Comment && token.newlines_before == 0 {
                self.pos += 1;
                self.append_comment(token);
            }
        }
        self.finish_line();
    }

    /// Moves on to a continuation line (indented 4 more) for what follows.
    pub fn break_line(&mut self) {
        self.finish_line();
        self.continuation = true;
    }

    fn finish_line(&mut self) {
        if let Some(line) = self.line.take() {
            self.out.extend(line.split('\n').map(str::to_string));
        }
    }

    fn append_comment(&mut self, comment: Token<'a>) {
        match &mut self.line {
            Some(line) if comment.newlines_before == 0 => {
                line.push_str("  ");
                line.push_str(comment.text);
            }
            _ => {
                self.finish_line();
                self.write_keeping_comments("", comment.text);
            }
        }
        self.finish_line();
    }

    /// Prints the comments met inside a construct. When the construct goes
    /// on (`continued`), comments on their own line and what follows are
    /// indented as its continuation; at the end of a line they are not, as
    /// they will be when read again as comments before the next element.
    fn flush_pending(&mut self, continued: bool) {
        for comment in std::mem::take(&mut self.pending) {
            self.continuation = continued;
            self.append_comment(comment);
        }
    }

    /// Prints the comments before the next element of a block (or item of
    /// the file) on their own lines, with the blank lines the author put
    /// between them and before the element. No blank line opens a block
    /// (`first`) or comes before its `close`.
    pub fn leading_comments(&mut self, first: bool, close: &str) {
        self.finish_line();
        let mut first = first;
        while let Some(token) = self.raw().filter(|t| t.kind == Kind::Comment) {
            if !first && token.newlines_before >= 2 {
                self.blank_line();
            }
            self.pos += 1;
            self.write_keeping_comments("", token.text);
            self.finish_line();
            first = false;
        }
        if let Some(token) = self.raw() {
            if !first && !token.is(close) && token.newlines_before >= 2 {
                self.blank_line();
            }
        }
    }

    /// Moves past the next token, comment or not (the table reads rows
    /// token by token because line breaks end them).
    pub fn skip_raw(&mut self) {
        self.pos += 1;
    }

    /// Writes `text` as a line of its own at the current indentation.
    pub fn line(&mut self, text: &str) {
        self.finish_line();
        self.write_keeping_comments("", text);
        self.finish_line();
    }

    pub fn blank_line(&mut self) {
        if self.out.last().is_some_and(|l| !l.is_empty()) {
            self.out.push(String::new());
        }
    }

    // ---------------------------------------------------------- marks

    /// Remembers where the walk is, to try a layout and [`reset`] if it
    /// does not fit. Pending comments are printed first: a tried layout
    /// never holds comments.
    ///
    /// [`reset`]: Printer::reset
    pub fn mark(&mut self) -> Mark {
        self.flush_pending(true);
        Mark {
            pos: self.pos,
            out_len: self.out.len(),
            line: self.line.clone(),
            continuation: self.continuation,
        }
    }

    /// Whether everything since `mark` is still on one line.
    pub fn same_line_since(&self, mark: &Mark) -> bool {
        self.out.len() == mark.out_len
    }

    pub fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.out.truncate(mark.out_len);
        self.line = mark.line;
        self.continuation = mark.continuation;
        self.pending.clear();
    }
}
