//! The coarse tokens that syntax-error analysis (`recovery`) reads: words,
//! strings (closed or not), text blocks, comments and punctuation, with the
//! line of each. Used only after pest has failed.

/// What a token is, as far as explaining an error cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Names, numbers, quantities, dotted paths, `@size`, a lone `-`.
    Word,
    /// A closed `"…"`.
    Str,
    /// A `"` with no closing quote before the end of its line.
    OpenStr,
    /// A `"""` block, closed or running to the end of the file.
    TextBlock,
    Comment,
    /// Any other character, or `==` and `:=`.
    Punct,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

/// The tokens of `text` (never fails; a stray character is a `Punct`).
pub(super) fn scan(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut line = 0;
    while let Some(c) = text[pos..].chars().next() {
        let rest = &text[pos..];
        let (kind, end) = match c {
            '\n' => {
                line += 1;
                pos += 1;
                continue;
            }
            _ if c.is_whitespace() => {
                pos += c.len_utf8();
                continue;
            }
            _ if rest.starts_with("//") => {
                (Kind::Comment, pos + rest.find('\n').unwrap_or(rest.len()))
            }
            _ if rest.starts_with("\"\"\"") => {
                let end = rest[3..]
                    .find("\"\"\"")
                    .map_or(text.len(), |i| pos + 3 + i + 3);
                (Kind::TextBlock, end)
            }
            '"' => string_end(text, pos),
            _ if is_word_char(c) => {
                let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
                (Kind::Word, pos + len)
            }
            ':' | '=' if rest[1..].starts_with('=') => (Kind::Punct, pos + 2),
            _ => (Kind::Punct, pos + c.len_utf8()),
        };
        tokens.push(Token {
            kind,
            start: pos,
            end,
            line,
        });
        line += text[pos..end].matches('\n').count();
        pos = end;
    }
    tokens
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')
}

/// A `"…"` string from `start`: closed, or open at the end of its line.
/// `start` is the byte of the quote.
fn string_end(text: &str, start: usize) -> (Kind, usize) {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            // As in the grammar, `\` escapes any character, a line break too.
            b'\\' => {
                i += 1;
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
            b'"' => return (Kind::Str, i + 1),
            b'\n' => return (Kind::OpenStr, i),
            _ => i += 1,
        }
    }
    (Kind::OpenStr, bytes.len())
}
