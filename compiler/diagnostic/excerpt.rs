//! The part of a source file that a human report shows. miette is given an
//! excerpt, not the whole file: only the lines near the labels, and a line
//! longer than [`MAX_LINE_CHARS`] cut to a window around the label on it (as
//! rustc does). A one-line 1 MB catalog then prints a short snippet, and
//! miette never sees a column beyond what it can format.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::SourceFile;

/// Longest line shown whole, in characters.
pub const MAX_LINE_CHARS: usize = 160;
/// Characters kept before a label's start on a cut line.
const LEAD_CHARS: usize = 50;
/// Lines shown before and after the labelled ones (miette's default).
const CONTEXT_LINES: usize = 1;
/// Most lines a label covers: a span over a whole block of thousands of
/// lines is cut after these, so a report never echoes a file whole.
pub const MAX_SPAN_LINES: usize = 8;

/// An excerpt of one file: the text of lines `first_line..` (0-based), long
/// lines cut, and the label spans moved into it.
pub struct Excerpt {
    name: String,
    text: String,
    first_line: usize,
    /// The primary span in the excerpt, with its real 0-based line and
    /// column, so that the report's header names the real place.
    primary: (SourceSpan, usize, usize),
}

impl Excerpt {
    /// An excerpt of `file` covering `spans` (byte ranges; the first is the
    /// primary one). Returns it with the spans moved into it.
    pub fn new(file: &SourceFile, spans: &[(usize, usize)]) -> (Excerpt, Vec<SourceSpan>) {
        let text = file.text.as_str();
        let line_of = |offset: usize| text[..offset].matches('\n').count();
        let lines: Vec<(usize, usize)> = line_ranges(text);
        let clamp = |o: usize| floor_boundary(text, o.min(text.len()));
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| {
                let (s, e) = (clamp(s), clamp(e.max(s)));
                // A label over many lines keeps its first MAX_SPAN_LINES.
                let last = line_of(s) + MAX_SPAN_LINES - 1;
                match lines.get(last) {
                    Some(&(_, line_end)) if e > line_end => (s, line_end),
                    _ => (s, e),
                }
            })
            .collect();
        let first = spans
            .iter()
            .map(|&(s, _)| line_of(s))
            .min()
            .unwrap_or(0)
            .saturating_sub(CONTEXT_LINES);
        let last = spans
            .iter()
            .map(|&(_, e)| line_of(e))
            .max()
            .unwrap_or(0)
            .saturating_add(CONTEXT_LINES)
            .min(lines.len().saturating_sub(1));
        // Each kept line: where it starts in the excerpt, which bytes of the
        // real line it keeps, and whether it was cut at either end.
        let mut out = String::new();
        let mut kept: Vec<KeptLine> = Vec::new();
        for (index, &(start, end)) in lines.iter().enumerate().take(last + 1).skip(first) {
            let line = &text[start..end];
            let (from, to) = if line.chars().count() <= MAX_LINE_CHARS {
                (start, end)
            } else {
                let anchor = spans
                    .iter()
                    .map(|&(s, _)| s)
                    .find(|&s| s >= start && s <= end)
                    .unwrap_or(start);
                window(text, start, end, anchor)
            };
            let prefix = if from > start { "…" } else { "" };
            out.push_str(prefix);
            let excerpt_start = out.len();
            // A lone CR (error E0007) shown as a space: miette would start
            // a line there that the line numbers do not count.
            for (i, c) in text[from..to].char_indices() {
                let lone_cr = c == '\r' && text.as_bytes().get(from + i + 1) != Some(&b'\n');
                out.push(if lone_cr { ' ' } else { c });
            }
            if to < end {
                out.push('…');
            }
            if index + 1 < lines.len() {
                out.push('\n');
            }
            kept.push(KeptLine {
                excerpt_start,
                from,
                to,
            });
        }
        let moved: Vec<SourceSpan> = spans
            .iter()
            .map(|&(s, e)| {
                let start = move_offset(&kept, s);
                let end = move_offset(&kept, e).max(start);
                SourceSpan::from((start, end - start))
            })
            .collect();
        let (line, column) = {
            let (s, _) = spans.first().copied().unwrap_or((0, 0));
            let line = line_of(s);
            (line, text[lines[line].0..s].chars().count())
        };
        let primary = moved.first().copied().unwrap_or(SourceSpan::from((0, 0)));
        (
            Excerpt {
                name: file.name.clone(),
                text: out,
                first_line: first,
                primary: (primary, line, column),
            },
            moved,
        )
    }
}

struct KeptLine {
    excerpt_start: usize,
    from: usize,
    to: usize,
}

/// Where a real offset lands in the excerpt: inside a kept line, or at the
/// nearest end of what was kept of it.
fn move_offset(kept: &[KeptLine], offset: usize) -> usize {
    let index = kept.partition_point(|k| k.from <= offset).saturating_sub(1);
    match kept.get(index) {
        Some(k) => k.excerpt_start + offset.clamp(k.from, k.to) - k.from,
        None => 0,
    }
}

/// The byte range of every line, without its `\n`.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices('\n') {
        lines.push((start, at));
        start = at + 1;
    }
    lines.push((start, text.len()));
    lines
}

/// A window of at most [`MAX_LINE_CHARS`] characters of the line
/// `start..end`, beginning a little before `anchor`.
fn window(text: &str, start: usize, end: usize, anchor: usize) -> (usize, usize) {
    let before: Vec<usize> = text[start..anchor]
        .char_indices()
        .map(|(i, _)| start + i)
        .collect();
    let from = if before.len() > LEAD_CHARS {
        before[before.len() - LEAD_CHARS]
    } else {
        start
    };
    let to = text[from..end]
        .char_indices()
        .nth(MAX_LINE_CHARS)
        .map_or(end, |(i, _)| from + i);
    (from, to)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let (line, column) = if *span == self.primary.0 && context_lines_before == 0 {
            (self.primary.1, self.primary.2)
        } else {
            (inner.line() + self.first_line, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn excerpt(text: &str, spans: &[(usize, usize)]) -> (String, Vec<SourceSpan>) {
        let mut sources = SourceMap::default();
        let id = sources.add("t.cit".into(), None, text.into());
        let (e, moved) = Excerpt::new(sources.get(id), spans);
        (e.text, moved)
    }

    #[test]
    fn short_lines_are_kept_whole_and_far_lines_dropped() {
        let text = "a\nb\nc\nd\ne\n";
        let (out, moved) = excerpt(text, &[(4, 5)]);
        assert_eq!(out, "b\nc\nd\n");
        assert_eq!(&out[moved[0].offset()..moved[0].offset() + 1], "c");
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let text = format!("{}XYZ{}\n", "a".repeat(100_000), "b".repeat(100_000));
        let (out, moved) = excerpt(&text, &[(100_000, 100_003)]);
        assert!(out.chars().count() < MAX_LINE_CHARS + 4, "{out:?}");
        let at = moved[0].offset();
        assert_eq!(&out[at..at + 3], "XYZ");
        assert!(out.starts_with('…') && out.trim_end().ends_with('…'));
    }

    #[test]
    fn a_label_over_many_lines_shows_only_its_first_lines() {
        let text: String = (0..1000).map(|i| format!("secret line {i}\n")).collect();
        let (out, moved) = excerpt(&text, &[(0, text.len())]);
        let span = &out[moved[0].offset()..moved[0].offset() + moved[0].len()];
        assert_eq!(span.lines().count(), MAX_SPAN_LINES, "{span}");
        assert!(!out.contains("secret line 999"), "{out}");
    }
}
