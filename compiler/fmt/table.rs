//! A table's rows, aligned in columns. Rows are lines in the grammar (a
//! line break ends a row), so this part reads the tokens one by one with
//! their line breaks instead of through the grammar walk.
//!
//! Each cell is padded to the widest cell of its column plus [`GAP`]; the
//! last cell of a row is not padded. Comments at the end of rows start in one
//! column, [`GAP`] after the widest row.

use super::lex::Kind;
use super::printer::{Printer, Result, Unexpected};

/// Spaces between columns, and between the widest row and the comments.
const GAP: usize = 2;

/// A line of a table's body: a row (with the comment that ends it, if any)
/// or a comment on its own line (`cells` empty).
struct TableLine<'a> {
    cells: Vec<&'a str>,
    comment: Option<&'a str>,
    blank_before: bool,
}

impl<'a> Printer<'a> {
    /// The rows after `{`, then `}`.
    pub fn table_body(&mut self) -> Result<()> {
        if self.raw().is_some_and(|t| t.is("}")) {
            return self.keyword("", "}", "`}`");
        }
        self.end_line();
        let lines = self.table_lines()?;
        let widths = column_widths(&lines);
        let comment_column = lines
            .iter()
            .filter(|l| !l.cells.is_empty())
            .map(|l| row_text(&l.cells, &widths).chars().count() + GAP)
            .max()
            .unwrap_or(0);
        self.indent += 2;
        for line in &lines {
            if line.blank_before {
                self.blank_line();
            }
            let mut text = row_text(&line.cells, &widths);
            if let Some(comment) = line.comment {
                if !line.cells.is_empty() {
                    pad_to(&mut text, comment_column);
                }
                text.push_str(comment);
            }
            self.line(&text);
        }
        self.indent -= 2;
        self.keyword(" ", "}", "`}`")
    }

    /// Reads the rows and comments up to the closing `}` (not taken).
    fn table_lines(&mut self) -> Result<Vec<TableLine<'a>>> {
        let mut lines: Vec<TableLine<'a>> = Vec::new();
        // Whether the last line is a row that the next cell may continue.
        let mut row_open = false;
        loop {
            let Some(token) = self.raw() else {
                return Err(self.unexpected("`}`"));
            };
            let blank_before = token.newlines_before >= 2 && !lines.is_empty();
            let new_line = token.newlines_before > 0 || !row_open;
            match token.kind {
                Kind::Punct if token.text == "}" => return Ok(lines),
                Kind::Comment => {
                    match lines.last_mut() {
                        Some(row) if row_open && !new_line => row.comment = Some(token.text),
                        _ => lines.push(TableLine {
                            cells: Vec::new(),
                            comment: Some(token.text),
                            blank_before,
                        }),
                    }
                    row_open = false;
                }
                Kind::Term => {
                    match lines.last_mut() {
                        Some(row) if !new_line => row.cells.push(token.text),
                        _ => lines.push(TableLine {
                            cells: vec![token.text],
                            comment: None,
                            blank_before,
                        }),
                    }
                    row_open = true;
                }
                _ => {
                    return Err(Unexpected {
                        offset: token.start,
                        expected: "a table cell",
                    })
                }
            }
            self.skip_raw();
        }
    }
}

/// The widest cell of each column, in characters.
fn column_widths(lines: &[TableLine]) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for line in lines {
        for (i, cell) in line.cells.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    widths
}

/// The cells of a row, each but the last padded to its column.
fn row_text(cells: &[&str], widths: &[usize]) -> String {
    let mut text = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            let column_start: usize = widths[..i].iter().map(|w| w + GAP).sum();
            pad_to(&mut text, column_start);
        }
        text.push_str(cell);
    }
    text
}

fn pad_to(text: &mut String, width: usize) {
    let missing = width.saturating_sub(text.chars().count());
    text.extend(std::iter::repeat_n(' ', missing));
}
