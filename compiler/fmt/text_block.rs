//! Re-indenting `"""` text blocks. A block's text is its lines with their
//! common indentation removed (see `Ctx::text_block` in syntax/parser.rs), so
//! the lines can move to any indentation as long as they move together; the
//! closing `"""` moves with them because its indentation counts too.

/// The block `raw` (with its `"""` delimiters) with its content lines and
/// closing quotes at `indent` spaces, relative indentation kept. `None` when
/// the block cannot move without changing its text (text right after the
/// opening quotes): the caller keeps it as written.
pub fn reindent(raw: &str, indent: usize) -> Option<String> {
    let inner = raw.strip_prefix("\"\"\"")?.strip_suffix("\"\"\"")?;
    let body = inner
        .strip_prefix('\n')
        .or_else(|| inner.strip_prefix("\r\n"))?;
    let mut lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let closing_on_own_line = lines.last().is_some_and(|l| l.trim().is_empty());
    let common = common_indent(&lines, closing_on_own_line);
    if closing_on_own_line {
        lines.pop();
    }
    let pad = " ".repeat(indent);
    let mut out = String::from("\"\"\"\n");
    for (i, line) in lines.iter().enumerate() {
        if !line.trim().is_empty() {
            out.push_str(&pad);
            out.push_str(&line[common.min(line.len())..]);
        }
        if i + 1 < lines.len() || closing_on_own_line {
            out.push('\n');
        }
    }
    if closing_on_own_line {
        out.push_str(&pad);
    }
    out.push_str("\"\"\"");
    (text_of(&out) == text_of(raw)).then_some(out)
}

/// The smallest indentation of the non-blank lines and of the closing line.
fn common_indent(lines: &[&str], closing_on_own_line: bool) -> usize {
    let closing = closing_on_own_line
        .then(|| lines.last().map_or(0, |l| l.len()))
        .into_iter();
    lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .chain(closing)
        .min()
        .unwrap_or(0)
}

/// The text a block stands for before escapes are decoded, as the parser
/// computes it: the line break after the opening quotes dropped, the common
/// indentation removed, blank lines emptied, a blank closing line dropped.
pub fn text_of(raw: &str) -> String {
    let inner = raw
        .strip_prefix("\"\"\"")
        .and_then(|s| s.strip_suffix("\"\"\""))
        .unwrap_or(raw);
    let body = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .unwrap_or(inner);
    let mut lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let closing_on_own_line = lines.last().is_some_and(|l| l.trim().is_empty());
    let common = common_indent(&lines, closing_on_own_line);
    if closing_on_own_line {
        lines.pop();
    }
    lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                ""
            } else {
                &l[common.min(l.len())..]
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_lines_and_closing_quotes_together() {
        let raw = "\"\"\"\n        a\n          b\n\n        c\n      \"\"\"";
        let out = reindent(raw, 4).expect("movable");
        assert_eq!(out, "\"\"\"\n      a\n        b\n\n      c\n    \"\"\"");
        assert_eq!(text_of(&out), "  a\n    b\n\n  c");
    }

    #[test]
    fn closing_quotes_after_text_stay_there() {
        let raw = "\"\"\"\n   a\n    b\"\"\"";
        assert_eq!(reindent(raw, 2).as_deref(), Some("\"\"\"\n  a\n   b\"\"\""));
    }

    #[test]
    fn text_on_the_opening_line_is_kept_as_written() {
        assert_eq!(reindent("\"\"\"a\n  b\n  \"\"\"", 2), None);
        assert_eq!(reindent("\"\"\"one line\"\"\"", 2), None);
    }

    #[test]
    fn whitespace_only_lines_become_empty_and_tabs_are_content() {
        let raw = "\"\"\"\n\t\ta\n   \n\t\t\tb\n\t\t\"\"\"";
        let out = reindent(raw, 2).expect("movable");
        assert_eq!(out, "\"\"\"\n  a\n\n  \tb\n  \"\"\"");
        assert_eq!(text_of(&out), text_of(raw));
    }

    #[test]
    fn empty_block() {
        assert_eq!(
            reindent("\"\"\"\n\"\"\"", 2).as_deref(),
            Some("\"\"\"\n  \"\"\"")
        );
    }
}
