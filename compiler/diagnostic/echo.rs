//! Bounds on what citc prints of a file's content outside a diagnostic's
//! snippet (which `excerpt` bounds): the diffs of `build --check`, `doc
//! --check` and `fmt --check --diff`. A line is cut to
//! [`MAX_LINE_CHARS`](super::excerpt::MAX_LINE_CHARS) characters and a diff
//! to a number of lines, so no input is ever echoed whole.

use super::excerpt::MAX_LINE_CHARS;

/// Longest message or label of a diagnostic: one that quotes a value from
/// the file (a text block of thousands of lines given to an enum field)
/// keeps its start.
pub const MAX_MESSAGE_CHARS: usize = 600;
/// Longest help (which may list many allowed values or names).
pub const MAX_HELP_CHARS: usize = 2000;

/// `text` cut to `max` characters, with `…` where it was cut.
pub fn bounded(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// `line` cut to [`MAX_LINE_CHARS`] characters, with `…` where it was cut.
pub fn cut_line(line: &str) -> String {
    bounded(line.to_string(), MAX_LINE_CHARS)
}

/// The lines of a unified diff from `old` to `new` (headers `old_name` and
/// `new_name`, `context` lines around each change), each cut by
/// [`cut_line`], at most `max_lines` of them followed by `… N more lines`.
pub fn unified_diff(
    old: &str,
    new: &str,
    (old_name, new_name): (&str, &str),
    context: usize,
    max_lines: usize,
) -> Vec<String> {
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header(old_name, new_name)
        .to_string();
    let mut lines = Vec::new();
    for line in text.split_inclusive('\n') {
        lines.push(cut_line(line.strip_suffix('\n').unwrap_or(line)));
        if !line.ends_with('\n') {
            lines.push("\\ No newline at end of file".to_string());
        }
    }
    if lines.len() > max_lines {
        let more = lines.len() - max_lines;
        lines.truncate(max_lines);
        lines.push(format!("… {more} more lines"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_and_long_diffs_capped() {
        let old: String = (0..100)
            .map(|i| format!("{i} {}\n", "x".repeat(500)))
            .collect();
        let lines = unified_diff(&old, "", ("a", "b"), 1, 10);
        assert_eq!(lines.len(), 11);
        // Two file headers, one hunk header, 100 removed lines.
        assert_eq!(lines[10], format!("… {} more lines", 103 - 10));
        assert!(lines
            .iter()
            .all(|l| l.chars().count() <= MAX_LINE_CHARS + 1));
        assert!(lines[3].ends_with('…'), "{}", lines[3]);
    }
}
