//! Line breaks as go-yaml reads them. YAML 1.1 (go-yaml v2 and v3,
//! libyaml: citc's emitter and kustomize) counts U+0085 (NEL), U+2028 and
//! U+2029 as line breaks; YAML 1.2 (saphyr, diff's reader) counts them as
//! ordinary characters. go-yaml writes U+2028 and U+2029 raw in
//! single-quoted scalars and literal blocks, followed by the indentation
//! of the next line: `'a<LS>  b'` is `a<LS>b` to go-yaml and `a<LS>  b` to
//! saphyr, and a literal block whose line starts with one ends early for
//! saphyr.
//!
//! [`as_yaml_1_2`] rewrites a text so that saphyr sees the lines go-yaml
//! sees: every U+2028 or U+2029 becomes a marker character (one the text
//! does not hold) and a `\n`, indented to stay inside its block scalar; a
//! NEL becomes `\n`, as go-yaml reads it. [`Markers::restore`] then turns
//! each marker in a string read back into the break it stands for, with
//! the `\n` or the space saphyr made of the line break after it: go-yaml
//! keeps U+2028 and U+2029 as they are in a scalar, and never folds them.

use std::borrow::Cow;

const LS: char = '\u{2028}';
const PS: char = '\u{2029}';
const NEL: char = '\u{85}';

fn is_yaml_1_1_break(c: char) -> bool {
    matches!(c, NEL | LS | PS)
}

/// The marker characters put in place of U+2028 and U+2029.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Markers {
    ls: char,
    ps: char,
}

impl Markers {
    /// `value` with every marker turned back into its break, taking the
    /// `\n` (a block scalar) or the space (a folded flow scalar) that
    /// followed it.
    pub fn restore(&self, value: &str) -> String {
        if !value.contains([self.ls, self.ps]) {
            return value.to_string();
        }
        let mut out = String::with_capacity(value.len());
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            let original = if c == self.ls {
                LS
            } else if c == self.ps {
                PS
            } else {
                out.push(c);
                continue;
            };
            out.push(original);
            if matches!(chars.peek(), Some('\n' | ' ')) {
                chars.next();
            }
        }
        out
    }
}

/// A block scalar being read.
struct Block {
    /// The column its indentation indicator counts from.
    base: usize,
    indicator: Option<usize>,
    /// The content's indentation, once known.
    indent: Option<usize>,
}

/// `text` as saphyr must read it to see go-yaml's lines, and the markers
/// to restore in the strings read; the text itself when it holds none of
/// these breaks.
pub fn as_yaml_1_2(text: &str) -> (Cow<'_, str>, Option<Markers>) {
    if !text.chars().any(is_yaml_1_1_break) {
        return (Cow::Borrowed(text), None);
    }
    // Two private-use characters the text does not hold (found in one
    // pass, whatever the text holds).
    let first = 0xF0000u32;
    let mut used = vec![false; 0x10000];
    for c in text.chars() {
        if let Some(slot) = (c as u32)
            .checked_sub(first)
            .and_then(|i| used.get_mut(i as usize))
        {
            *slot = true;
        }
    }
    let mut free = (0..0xFFFEu32)
        .filter(|i| !used[*i as usize])
        .filter_map(|i| char::from_u32(first + i));
    let (Some(ls), Some(ps)) = (free.next(), free.next()) else {
        return (Cow::Borrowed(text), None);
    };
    let markers = Markers { ls, ps };
    let mut out = String::with_capacity(text.len() + 64);
    let mut block: Option<Block> = None;
    // The indentation of the physical line being read (flow scalars'
    // continuation lines are indented past it).
    let mut physical_indent = 0;
    // The quote of the quoted scalar open at the end of the line read, and
    // how far to indent the next line.
    let mut quote: Option<(char, usize)> = None;
    let mut pad_next: Option<usize> = None;
    let mut rest = text;
    while !rest.is_empty() {
        // One line as go-yaml splits them, and the break that ends it.
        let end = rest
            .find(|c: char| c == '\n' || c == '\r' || is_yaml_1_1_break(c))
            .unwrap_or(rest.len());
        let line = &rest[..end];
        let brk = rest[end..].chars().next();
        let brk_len = match brk {
            Some('\r') if rest[end..].starts_with("\r\n") => 2,
            Some(c) => c.len_utf8(),
            None => 0,
        };
        rest = &rest[end + brk_len..];

        let spaces = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim_matches([' ', '\t']).is_empty();
        let mut in_block = false;
        if let Some(current) = &mut block {
            let indent = current.indent.or_else(|| {
                current
                    .indicator
                    .map(|n| current.base + n)
                    .or((!blank).then_some(spaces))
            });
            if blank || indent.is_some_and(|i| spaces >= i && i > current.base) {
                in_block = true;
                if !blank && current.indent.is_none() {
                    current.indent = indent;
                }
            } else {
                block = None;
            }
        }
        // A line after a break inside a quoted scalar is indented past
        // the line the scalar is on, as saphyr wants its continuations.
        if let Some(pad) = pad_next.take() {
            if !in_block && !blank && spaces < pad {
                out.extend(std::iter::repeat_n(' ', pad - spaces));
            }
        }
        if !in_block {
            quote = scan_quotes(line, quote);
        }
        match brk {
            Some(c @ (LS | PS)) => {
                if blank {
                    let pad = match &block {
                        Some(Block {
                            indent: Some(i), ..
                        }) if in_block => *i,
                        Some(b) if in_block => b.base + b.indicator.unwrap_or(1),
                        _ => quote.map_or(physical_indent + 1, |(_, column)| {
                            column.max(physical_indent + 1)
                        }),
                    };
                    out.extend(std::iter::repeat_n(' ', pad));
                } else {
                    out.push_str(line);
                }
                out.push(if c == LS { markers.ls } else { markers.ps });
                out.push('\n');
                if let (Some((_, column)), false) = (quote, in_block) {
                    pad_next = Some(column.max(physical_indent + 1));
                }
            }
            Some(NEL) => {
                out.push_str(line);
                out.push('\n');
            }
            _ => {
                out.push_str(line);
                out.push_str(&text[text.len() - rest.len() - brk_len..text.len() - rest.len()]);
                physical_indent = rest.len() - rest.trim_start_matches(' ').len();
            }
        }
        if !in_block && quote.is_none() {
            if let Some(header) = block_header(line) {
                block = Some(header);
            }
        }
    }
    (Cow::Owned(out), Some(markers))
}

/// Which quoted scalar is open after `line` (outside block scalars), given
/// the one open before it: a quote opens a scalar only where a value
/// starts (`key: '`, `- "`, `['`), `''` and `\"` are escapes, and a comment
/// ends the line.
fn scan_quotes(line: &str, mut quote: Option<(char, usize)>) -> Option<(char, usize)> {
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote.map(|(q, _)| q), c) {
            (Some('\''), '\'') => {
                if matches!(chars.peek(), Some((_, '\''))) {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some('"'), '"') => quote = None,
            (Some(_), _) => {}
            (None, '#') if i == 0 || line[..i].ends_with([' ', '\t']) => break,
            (None, '\'' | '"') => {
                let before = &line[..i];
                let trimmed = before.trim_end();
                let value_starts = trimmed.is_empty()
                    || trimmed.ends_with(['[', '{', ','])
                    || (before.ends_with(' ') && trimmed.ends_with([':', '-', '?']));
                if value_starts {
                    quote = Some((c, line[..i].chars().count()));
                }
            }
            (None, _) => {}
        }
    }
    quote
}

/// The block scalar a line opens, when it ends with a block scalar header
/// (`key: |-`, `- |2-`, `? |`), with the column its indicator counts from.
fn block_header(line: &str) -> Option<Block> {
    let content = line.trim_end();
    let (before, last) = content.rsplit_once(' ').unwrap_or(("", content));
    let mut chars = last.chars();
    if !matches!(chars.next(), Some('|' | '>')) {
        return None;
    }
    let rest = chars.as_str();
    if rest.len() > 2
        || rest
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == '+'))
    {
        return None;
    }
    let indicator = rest
        .chars()
        .find(char::is_ascii_digit)
        .and_then(|d| d.to_digit(10))
        .map(|d| d as usize);
    let before = before.trim_end();
    if !(before.is_empty()
        || before.ends_with(':')
        || before.ends_with('-')
        || before.ends_with('?')
        || before.ends_with("---"))
    {
        return None;
    }
    // The indicator counts from the node that holds the scalar: the map's
    // column for `key: |2-`, `? |2-` and `: |2-`, the last `-` for `- |2-`.
    let lead = before.len() - before.trim_start_matches([' ', '-']).len();
    let base = if before.ends_with('-') && !before.ends_with("---") {
        before.rfind('-').unwrap_or(0)
    } else if before.ends_with('?') || before.ends_with(':') && before.trim_start() == ":" {
        before.len() - before.trim_start().len()
    } else {
        lead
    };
    Some(Block {
        base,
        indicator,
        indent: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (String, Option<Markers>) {
        let (text, markers) = as_yaml_1_2(text);
        (text.into_owned(), markers)
    }

    #[test]
    fn text_without_those_breaks_is_untouched() {
        assert!(matches!(as_yaml_1_2("a: 'b\n  c'\n").0, Cow::Borrowed(_)));
    }

    #[test]
    fn each_break_becomes_a_marker_and_a_line() {
        let (text, markers) = read("x: 'a\u{2028}  b'\n");
        let m = markers.expect("markers");
        // (indented to the quote's column, as saphyr wants it)
        assert_eq!(text, format!("x: 'a{}\n   b'\n", m.ls));
        assert_eq!(m.restore(&format!("a{} b", m.ls)), "a\u{2028}b");
        // A line of a literal block that starts with the break is indented
        // to the block.
        let (text, markers) = read("x: |-\n  a\n\u{2029}   b\n");
        let m = markers.expect("markers");
        assert_eq!(text, format!("x: |-\n  a\n  {}\n   b\n", m.ps));
        assert_eq!(m.restore(&format!("a\n{}\n b", m.ps)), "a\n\u{2029} b");
    }
}
