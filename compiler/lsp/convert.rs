//! Positions and names as the protocol has them: byte offsets ↔ LSP
//! positions (lines and UTF-16 columns), paths ↔ `file://` URIs.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

/// The start of every line of a text, for offset ↔ position in O(log n).
/// Lines end as the protocol says: at `\n`, `\r\n` or a lone `\r`.
/// Every conversion of the server goes through it (edits, diagnostics,
/// requests), so all of them agree on where a line is.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(
                text.match_indices(['\n', '\r'])
                    .filter(|&(i, _)| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// Where a line's text ends, before its line ending.
    fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.text.len();
        };
        if self.text[..next].ends_with("\r\n") {
            next - 2
        } else {
            next - 1
        }
    }

    /// The byte offset of a position; past the end of a line is its end
    /// (before the line ending), past the last line the end of the text,
    /// and a column inside a character's UTF-16 pair the character's end.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line_end = self.line_end(position.line as usize);
        let mut units = 0usize;
        for (i, c) in self.text[start..line_end].char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        line_end
    }
}

/// `file:///a/b%20c.cit` → `/a/b c.cit`; `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority of `localhost` or nothing: the path starts at the next `/`.
    let path = &rest[rest.find('/')?..];
    crate::diagnostic::uri_path_decoded(path).map(PathBuf::from)
}

/// `/a/b c.cit` → `file:///a/b%20c.cit`.
pub fn path_to_uri(path: &Path) -> Uri {
    crate::diagnostic::file_uri(&path.to_string_lossy())
        .parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a valid URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns() {
        let text = "ab\né𝄞x\n";
        let index = LineIndex::new(text);
        // `x` is after é (1 unit) and 𝄞 (2 units).
        let x = text.find('x').unwrap_or_default();
        assert_eq!(index.position(x), Position::new(1, 3));
        assert_eq!(index.offset(Position::new(1, 3)), x);
        assert_eq!(index.offset(Position::new(0, 99)), 2);
    }

    #[test]
    fn lf_crlf_and_a_lone_cr_each_end_a_line() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        for (needle, line) in [("a", 0), ("b", 1), ("c", 2), ("d", 3)] {
            let at = text.find(needle).unwrap_or_default();
            assert_eq!(index.position(at), Position::new(line, 0), "{needle}");
            assert_eq!(index.offset(Position::new(line, 0)), at, "{needle}");
            // Past the end of a line is before its line ending.
            assert_eq!(index.offset(Position::new(line, 9)), at + 1, "{needle}");
        }
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn uris_round_trip() {
        let path = Path::new("/tmp/a b/c%.cit");
        let uri = path_to_uri(path);
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/c%25.cit");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
    }
}
