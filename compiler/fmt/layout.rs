//! The grammar walk: one function per construct of `grammar/cit.pest`,
//! saying which token goes where. Spacing, indentation and comments are the
//! printer's job; this file only decides separators (`sep`: what goes
//! between the previous token and this one on the same line) and where
//! lines end.
//!
//! The input has already parsed, so the walk trusts its shape and reports a
//! missing token as `Unexpected` (a bug, never a user error).

use super::lex::Kind;
use super::printer::{Printer, Result, MAX_WIDTH};
use super::text_block;

/// Prints one element of a block: a statement, a derive rule, a field.
type Element<'a> = fn(&mut Printer<'a>) -> Result<()>;

/// One top-level item (or the comments at the end of the file), printed.
struct Chunk<'a> {
    lines: Vec<String>,
    /// `import`, `let`, `mixin`, `preference` (without `abstract`)…; `None`
    /// for comments after the last item.
    keyword: Option<&'a str>,
    /// The item, without the comments before it, took one line.
    single_line: bool,
    /// The author left a blank line before it (or before its comments).
    blank_before: bool,
}

impl<'a> Printer<'a> {
    /// Prints the whole file: items one after the other, each with the
    /// comments before it, separated by blank lines (see [`blank_between`]).
    pub fn file(&mut self) -> Result<String> {
        let mut chunks = Vec::new();
        while let Some(first) = self.raw() {
            let blank_before = first.newlines_before >= 2;
            self.leading_comments(true, "");
            let keyword = self.item_keyword();
            let start = self.out.len();
            if keyword.is_some() {
                self.item()?;
                self.end_line();
            }
            chunks.push(Chunk {
                single_line: self.out.len() == start + 1,
                lines: std::mem::take(&mut self.out),
                keyword,
                blank_before,
            });
        }
        let mut text = String::new();
        for (i, chunk) in chunks.iter().enumerate() {
            if i > 0 && blank_between(&chunks[i - 1], chunk) {
                text.push('\n');
            }
            for line in &chunk.lines {
                text.push_str(line);
                text.push('\n');
            }
        }
        Ok(text)
    }

    fn item_keyword(&self) -> Option<&'a str> {
        match self.peek()? {
            t if t.is("abstract") => self.peek_at(1).map(|t| t.text),
            t => Some(t.text),
        }
    }

    fn item(&mut self) -> Result<()> {
        let keyword = self.peek().map_or("", |t| t.text);
        match keyword {
            "import" => {
                self.term(" ", "`import`")?;
                self.term(" ", "a file name")
            }
            "let" => {
                self.term(" ", "`let`")?;
                self.term(" ", "a name")?;
                self.keyword(" ", "=", "`=`")?;
                self.value(" ")
            }
            "alias" => {
                self.term(" ", "`alias`")?;
                if self.at("instancetype") || self.at("preference") {
                    self.term(" ", "a kind")?;
                }
                self.term(" ", "a name")?;
                self.keyword(" ", "=", "`=`")?;
                self.term(" ", "a field path")
            }
            "mixin" => {
                self.term(" ", "`mixin`")?;
                self.term(" ", "a name")?;
                self.block(" ", Self::statement)
            }
            "table" => self.table(),
            "abstract" | "series" | "instancetype" | "preference" => self.definition(),
            "derive" => {
                self.term(" ", "`derive`")?;
                self.term(" ", "a kind")?;
                self.block(" ", Self::derive_rule)
            }
            "type" => {
                self.term(" ", "`type`")?;
                self.term(" ", "a type name")?;
                self.block(" ", Self::field_decl)
            }
            "schema" => {
                self.term(" ", "`schema`")?;
                self.term(" ", "a kind")?;
                self.keyword(" ", "=", "`=`")?;
                self.term(" ", "a type name")
            }
            "allow" => self.allow(),
            "release" => {
                self.term(" ", "`release`")?;
                self.block(" ", Self::statement)
            }
            "patch" => {
                self.term(" ", "`patch`")?;
                self.selection()?;
                self.block(" ", Self::statement)
            }
            "remove" => {
                self.term(" ", "`remove`")?;
                self.selection()
            }
            _ => Err(self.unexpected("a top-level item")),
        }
    }

    /// Takes a word, number, string or path and writes it as written.
    fn term(&mut self, sep: &str, expected: &'static str) -> Result<()> {
        if self.peek().is_some_and(|t| t.kind == Kind::Term) {
            self.token(sep, expected).map(drop)
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// `a, b, c` (names or values).
    fn comma_list(&mut self, sep: &str) -> Result<()> {
        self.term(sep, "a name or a value")?;
        while self.at(",") {
            self.keyword("", ",", "`,`")?;
            self.term(" ", "a name or a value")?;
        }
        Ok(())
    }

    // ---------------------------------------------------------- items

    /// `[abstract] series|instancetype|preference NAME [: PARENT] [for …] {`.
    /// A header longer than [`MAX_WIDTH`] puts its `for` clause on a
    /// continuation line.
    fn definition(&mut self) -> Result<()> {
        let break_before_for = !self.comment_before("{") && {
            let mark = self.mark();
            let has_for = self.definition_header(false)?;
            let too_wide = self.width() + " {".len() > MAX_WIDTH;
            self.reset(mark);
            has_for && too_wide
        };
        self.definition_header(break_before_for)?;
        self.block(" ", Self::statement)
    }

    /// Prints the header; says whether it has a `for` clause.
    fn definition_header(&mut self, break_before_for: bool) -> Result<bool> {
        if self.at("abstract") {
            self.term(" ", "`abstract`")?;
        }
        self.term(" ", "`series`, `instancetype` or `preference`")?;
        self.term(" ", "a name")?;
        if self.at(":") {
            self.keyword(" ", ":", "`:`")?;
            self.term(" ", "a parent")?;
        }
        if !self.at("for") {
            return Ok(false);
        }
        if break_before_for {
            self.break_line();
        }
        self.term(" ", "`for`")?;
        self.term(" ", "a table")?;
        while self.at("*") {
            self.keyword(" ", "*", "`*`")?;
            self.term(" ", "a table")?;
        }
        if self.at("except") {
            self.term(" ", "`except`")?;
            self.except_tuple(" ")?;
            while self.at(",") {
                self.keyword("", ",", "`,`")?;
                self.except_tuple(" ")?;
            }
        }
        Ok(true)
    }

    /// `[kind] target, …` of `patch` and `remove`: a target is `series S`,
    /// `label K [== V]`, or a name or pattern.
    fn selection(&mut self) -> Result<()> {
        if self.at("instancetype") || self.at("preference") {
            self.term(" ", "a kind")?;
        }
        self.target(" ")?;
        while self.at(",") {
            self.keyword("", ",", "`,`")?;
            self.target(" ")?;
        }
        Ok(())
    }

    fn target(&mut self, sep: &str) -> Result<()> {
        let keyword_led = self.peek_at(1).is_some_and(|t| t.kind == Kind::Term);
        if keyword_led && self.at("series") {
            self.term(sep, "`series`")?;
            return self.term(" ", "a series");
        }
        if keyword_led && self.at("label") {
            self.term(sep, "`label`")?;
            self.term(" ", "a label key")?;
            if self.at("==") {
                self.keyword(" ", "==", "`==`")?;
                self.term(" ", "a value")?;
            }
            return Ok(());
        }
        // A pattern is several tokens (`rt1.` `*`), written without spaces.
        let first = self.bump("a name or a pattern")?;
        self.write(sep, first.text);
        let mut end = first.start + first.text.len();
        while let Some(next) = self.peek() {
            let part = next.kind == Kind::Term || next.is("*");
            if !part || next.start != end {
                break;
            }
            self.bump("a pattern")?;
            self.write("", next.text);
            end = next.start + next.text.len();
        }
        Ok(())
    }

    /// `(k1, k2)`: row keys of a combination to leave out.
    fn except_tuple(&mut self, sep: &str) -> Result<()> {
        self.keyword(sep, "(", "`(`")?;
        self.comma_list("")?;
        self.keyword("", ")", "`)`")
    }

    /// `table NAME (col, …) { rows }`; the rows are aligned by `table.rs`.
    fn table(&mut self) -> Result<()> {
        self.term(" ", "`table`")?;
        self.term(" ", "a table name")?;
        self.keyword(" ", "(", "`(`")?;
        self.term("", "a column name")?;
        while self.at(",") {
            self.bump("`,`")?;
            if self.at(")") {
                break; // a trailing comma is dropped
            }
            self.write("", ",");
            self.term(" ", "a column name")?;
        }
        self.keyword("", ")", "`)`")?;
        self.keyword(" ", "{", "`{`")?;
        self.table_body()
    }

    /// `label "NAME" from PATH|@attr` or `label "NAME" if PATH`.
    fn derive_rule(&mut self) -> Result<()> {
        self.keyword(" ", "label", "`label`")?;
        self.term(" ", "a label name")?;
        if !(self.at("from") || self.at("if")) {
            return Err(self.unexpected("`from` or `if`"));
        }
        self.term(" ", "`from` or `if`")?;
        self.term(" ", "a field path or an attribute")
    }

    /// `name: [required] [deprecated] type` in a `type` item.
    fn field_decl(&mut self) -> Result<()> {
        self.term(" ", "a field name")?;
        self.keyword("", ":", "`:`")?;
        while self.at("required") || self.at("deprecated") {
            self.term(" ", "a field flag")?;
        }
        self.type_expr(" ")
    }

    /// `string`, `int(0..100)`, `enum("a", "b")`, `map(list(GPU))`.
    fn type_expr(&mut self, sep: &str) -> Result<()> {
        self.term(sep, "a type")?;
        if self.at("(") {
            self.keyword("", "(", "`(`")?;
            self.type_expr("")?;
            while self.at(",") {
                self.keyword("", ",", "`,`")?;
                self.type_expr(" ")?;
            }
            self.keyword("", ")", "`)`")?;
        }
        Ok(())
    }

    /// `allow CODE "reason"`, at the top of a file or in a block.
    fn allow(&mut self) -> Result<()> {
        self.term(" ", "`allow`")?;
        self.term(" ", "a diagnostic code")?;
        self.term(" ", "a reason")
    }

    // ---------------------------------------------------------- statements

    fn statement(&mut self) -> Result<()> {
        let first = self.peek().ok_or_else(|| self.unexpected("a statement"))?;
        // `use a` is a statement; `use = 1` and `use { … }` set a field `use`.
        let keyword_led =
            first.kind == Kind::Term && self.peek_at(1).is_some_and(|t| t.kind == Kind::Term);
        match first.text {
            "use" if keyword_led => {
                self.term(" ", "`use`")?;
                self.comma_list(" ")
            }
            "sizes" if keyword_led => {
                self.term(" ", "`sizes`")?;
                self.term(" ", "a table")?;
                let except_values = self.peek_at(1).is_some_and(|t| t.kind == Kind::Term);
                if self.at("except") && except_values {
                    self.term(" ", "`except`")?;
                    self.comma_list(" ")?;
                }
                Ok(())
            }
            "variants" if keyword_led => {
                self.term(" ", "`variants`")?;
                self.term(" ", "a table")
            }
            "ratio" if keyword_led => {
                // `1:4` is one token of the grammar: no spaces inside.
                self.term(" ", "`ratio`")?;
                self.term(" ", "a ratio")?;
                self.keyword("", ":", "`:`")?;
                self.term("", "a ratio")
            }
            "allow" if keyword_led => self.allow(),
            "when" if keyword_led => self.when(),
            "let" if keyword_led => {
                self.term(" ", "`let`")?;
                self.term(" ", "a name")?;
                self.keyword(" ", "=", "`=`")?;
                self.value(" ")
            }
            "unset" if keyword_led => {
                self.term(" ", "`unset`")?;
                self.term(" ", "a field path")
            }
            _ => self.assignment(),
        }
    }

    /// `when var == value { … }` or `when var in (a, b) { … }`.
    fn when(&mut self) -> Result<()> {
        self.term(" ", "`when`")?;
        self.term(" ", "a variable")?;
        if self.at("==") {
            self.keyword(" ", "==", "`==`")?;
            self.term(" ", "a value")?;
        } else {
            self.keyword(" ", "in", "`==` or `in`")?;
            self.keyword(" ", "(", "`(`")?;
            self.comma_list("")?;
            self.keyword("", ")", "`)`")?;
        }
        self.block(" ", Self::statement)
    }

    /// `path = value`, `path := value` or `path { … }`.
    fn assignment(&mut self) -> Result<()> {
        self.term(" ", "a statement")?;
        match self.peek() {
            Some(t) if t.is("=") || t.is(":=") => {
                self.token(" ", "`=` or `:=`")?;
                self.value(" ")
            }
            Some(t) if t.is("{") => self.block(" ", Self::statement),
            _ => Err(self.unexpected("`=`, `:=` or `{`")),
        }
    }

    // ---------------------------------------------------------- values

    fn value(&mut self, sep: &str) -> Result<()> {
        match self.peek() {
            Some(t) if t.is("{") => self.block(sep, Self::statement),
            Some(t) if t.is("[") => self.list(sep),
            Some(t) if t.kind == Kind::TextBlock => {
                let token = self.bump("a value")?;
                let text = text_block::reindent(token.text, self.indent + 2);
                self.write(sep, text.as_deref().unwrap_or(token.text));
                Ok(())
            }
            _ => self.expression(sep),
        }
    }

    /// An operand, then any `op operand` after it: `cpu * 2Gi`,
    /// `(memory + 512Mi) / 2`. One space around each operator, none inside
    /// parentheses.
    fn expression(&mut self, sep: &str) -> Result<()> {
        self.operand(sep)?;
        loop {
            match self.peek() {
                Some(t) if t.kind == Kind::Punct && matches!(t.text, "*" | "/" | "+") => {
                    self.token(" ", "an operator")?;
                }
                Some(t) if t.kind == Kind::Term && t.text == "-" => {
                    self.token(" ", "an operator")?;
                }
                // `a -1`: the operator and a number the lexer keeps as one
                // term (`-1` alone is a negative number), written as is.
                Some(t) if t.kind == Kind::Term && t.text.starts_with('-') => {
                    self.term(" ", "an operand")?;
                    continue;
                }
                _ => return Ok(()),
            }
            self.operand(" ")?;
        }
    }

    fn operand(&mut self, sep: &str) -> Result<()> {
        if self.at("(") {
            self.keyword(sep, "(", "`(`")?;
            self.expression("")?;
            self.keyword("", ")", "`)`")
        } else {
            self.term(sep, "a value")
        }
    }

    /// `{ … }`: on one line (`{ a = 1  b = 2 }`, `{}`) when the author wrote
    /// it on one line and it fits, else one element per line.
    fn block(&mut self, sep: &str, element: Element<'a>) -> Result<()> {
        if self.group_is_one_line() {
            let mark = self.mark();
            self.block_on_one_line(sep, element)?;
            if self.same_line_since(&mark) && self.width() <= MAX_WIDTH {
                return Ok(());
            }
            self.reset(mark);
        }
        self.block_on_lines(sep, element)
    }

    /// Elements after `{ `, two spaces apart (nothing else separates
    /// statements on a line), then ` }`.
    fn block_on_one_line(&mut self, sep: &str, element: Element<'a>) -> Result<()> {
        self.keyword(sep, "{", "`{`")?;
        let mut empty = true;
        while !self.at("}") {
            if !empty {
                self.push_str(" ");
            }
            element(self)?;
            empty = false;
        }
        self.keyword(if empty { "" } else { " " }, "}", "`}`")
    }

    fn block_on_lines(&mut self, sep: &str, element: Element<'a>) -> Result<()> {
        self.keyword(sep, "{", "`{`")?;
        if self.raw().is_some_and(|t| t.is("}")) {
            return self.keyword("", "}", "`}`");
        }
        self.end_line();
        self.indent += 2;
        let mut first = true;
        loop {
            self.leading_comments(first, "}");
            if self.at("}") || self.peek().is_none() {
                break;
            }
            element(self)?;
            self.end_line();
            first = false;
        }
        self.indent -= 2;
        self.keyword(" ", "}", "`}`")
    }

    /// `[a, b]` when written on one line and it fits, else one element per
    /// line, each followed by a comma.
    fn list(&mut self, sep: &str) -> Result<()> {
        if self.group_is_one_line() {
            let mark = self.mark();
            self.list_on_one_line(sep)?;
            if self.same_line_since(&mark) && self.width() <= MAX_WIDTH {
                return Ok(());
            }
            self.reset(mark);
        }
        self.list_on_lines(sep)
    }

    fn list_on_one_line(&mut self, sep: &str) -> Result<()> {
        self.keyword(sep, "[", "`[`")?;
        let mut first = true;
        while !self.at("]") {
            self.value(if first { "" } else { " " })?;
            first = false;
            if !self.at(",") {
                break;
            }
            self.bump("`,`")?;
            if !self.at("]") {
                self.write("", ","); // a trailing comma is dropped
            }
        }
        self.keyword("", "]", "`]`")
    }

    fn list_on_lines(&mut self, sep: &str) -> Result<()> {
        self.keyword(sep, "[", "`[`")?;
        if self.raw().is_some_and(|t| t.is("]")) {
            return self.keyword("", "]", "`]`");
        }
        self.end_line();
        self.indent += 2;
        let mut first = true;
        loop {
            self.leading_comments(first, "]");
            if self.at("]") || self.peek().is_none() {
                break;
            }
            self.value(" ")?;
            if self.at(",") {
                self.bump("`,`")?;
            }
            self.write_keeping_comments("", ",");
            self.end_line();
            first = false;
        }
        self.indent -= 2;
        self.keyword(" ", "]", "`]`")
    }
}

/// Top-level items are separated by one blank line, except a run of
/// one-line items of the same keyword (imports, lets, aliases, one-line
/// mixins…), where the author's blank lines (at most one) are kept.
fn blank_between(previous: &Chunk, next: &Chunk) -> bool {
    let same_run = previous.single_line && next.single_line && previous.keyword == next.keyword;
    if same_run || next.keyword.is_none() {
        next.blank_before
    } else {
        true
    }
}
