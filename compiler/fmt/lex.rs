//! A lossless token stream for the formatter. The pest grammar drops
//! comments and whitespace; this lexer keeps every comment and counts the
//! line breaks before each token, so the layout can put comments back where
//! they were and keep the author's blank lines.
//!
//! Tokens are coarse on purpose: a dotted path with quoted segments
//! (`metadata.labels."kubevirt.io/os"`), a number, a quantity, a bare word and
//! a string are each one `Term`, printed exactly as written.

/// What a token is, as far as layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A word, number, quantity, string or dotted path: never changed.
    Term,
    /// A `"""` block: re-indented, its text kept (see `text_block`).
    TextBlock,
    /// `{ } ( ) [ ] , * : = := ==` (and any stray character).
    Punct,
    /// `// …` to the end of the line, without trailing whitespace.
    Comment,
}

#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Byte offset in the source.
    pub start: usize,
    /// Line breaks between the previous token and this one.
    pub newlines_before: usize,
}

impl Token<'_> {
    pub fn is(&self, text: &str) -> bool {
        self.text == text && self.kind != Kind::Comment
    }
}

/// Splits `text` into tokens. Never fails: anything unexpected becomes a
/// one-character `Punct` that the layout then refuses.
pub fn lex(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut newlines = 0;
    while let Some(c) = text[pos..].chars().next() {
        let rest = &text[pos..];
        let end = match c {
            '\n' => {
                newlines += 1;
                pos += 1;
                continue;
            }
            ' ' | '\t' | '\r' => {
                pos += 1;
                continue;
            }
            _ if rest.starts_with("//") => pos + rest.find('\n').unwrap_or(rest.len()),
            _ if rest.starts_with("\"\"\"") => {
                pos + 3 + rest[3..].find("\"\"\"").map_or(rest.len() - 3, |i| i + 3)
            }
            '"' => term_end(text, pos),
            _ if is_word_char(c) => term_end(text, pos),
            ':' | '=' if rest[1..].starts_with('=') => pos + 2,
            _ => pos + c.len_utf8(),
        };
        let kind = match c {
            _ if rest.starts_with("//") => Kind::Comment,
            _ if rest.starts_with("\"\"\"") => Kind::TextBlock,
            '"' => Kind::Term,
            _ if is_word_char(c) => Kind::Term,
            _ => Kind::Punct,
        };
        let slice = &text[pos..end];
        tokens.push(Token {
            kind,
            text: if kind == Kind::Comment {
                slice.trim_end()
            } else {
                slice
            },
            start: pos,
            newlines_before: newlines,
        });
        newlines = 0;
        pos = end;
    }
    tokens
}

/// Characters of words, numbers, quantities, ranges (`0..100`), resource
/// names (`rhel.9`) and attributes (`@size`).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')
}

/// The end of a term starting at `start`: words and strings joined by dots,
/// with no space between them (a path like `spec.annotations."a/b".c`).
fn term_end(text: &str, start: usize) -> usize {
    let mut pos = start;
    loop {
        pos = if text[pos..].starts_with('"') {
            string_end(text, pos)
        } else {
            pos + text[pos..]
                .find(|c: char| !is_word_char(c))
                .unwrap_or(text.len() - pos)
        };
        let rest = &text[pos..];
        // `module::name` is one name (grammar/cit.pest: reference, variable).
        let qualified = pos > start
            && rest.starts_with("::")
            && rest[2..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if qualified {
            pos += 2;
            continue;
        }
        let dotted_string =
            text[..pos].ends_with('.') && rest.starts_with('"') && !rest.starts_with("\"\"\"");
        if !(dotted_string || rest.starts_with('.')) {
            return pos;
        }
    }
}

/// The end of a `"…"` string starting at `start` (past the closing quote,
/// or at the line break of an unterminated one).
fn string_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_name_is_one_term() {
        let tokens = lex("use components::efi, rng\nx = m::c * 2");
        let terms: Vec<&str> = tokens
            .iter()
            .filter(|t| t.kind == Kind::Term)
            .map(|t| t.text)
            .collect();
        assert_eq!(terms, ["use", "components::efi", "rng", "x", "m::c", "2"]);
    }

    fn texts(source: &str) -> Vec<(Kind, &str, usize)> {
        lex(source)
            .into_iter()
            .map(|t| (t.kind, t.text, t.newlines_before))
            .collect()
    }

    #[test]
    fn paths_with_quoted_segments_are_one_term() {
        assert_eq!(
            texts(r#"spec.annotations."vm.kubevirt.io/os".x="a\"b""#),
            vec![
                (Kind::Term, r#"spec.annotations."vm.kubevirt.io/os".x"#, 0),
                (Kind::Punct, "=", 0),
                (Kind::Term, r#""a\"b""#, 0),
            ]
        );
    }

    #[test]
    fn strings_side_by_side_stay_apart() {
        assert_eq!(
            texts(r#""a""b""#),
            vec![(Kind::Term, r#""a""#, 0), (Kind::Term, r#""b""#, 0)]
        );
    }

    #[test]
    fn comments_text_blocks_and_operators() {
        assert_eq!(
            texts("a := 1Gi // note  \n\n\"\"\"\n  x\n  \"\"\" == -1 1:4"),
            vec![
                (Kind::Term, "a", 0),
                (Kind::Punct, ":=", 0),
                (Kind::Term, "1Gi", 0),
                (Kind::Comment, "// note", 0),
                (Kind::TextBlock, "\"\"\"\n  x\n  \"\"\"", 2),
                (Kind::Punct, "==", 0),
                (Kind::Term, "-1", 0),
                (Kind::Term, "1", 0),
                (Kind::Punct, ":", 0),
                (Kind::Term, "4", 0),
            ]
        );
    }
}
