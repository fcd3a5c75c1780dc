//! Doc: generated documents. What the standard library offers, read from
//! the embedded modules with the compiler's own parser; and what a catalog
//! holds, written from its analysis and lowered documents (the same
//! pipeline as `citc build`, never a second one).
//!
//! - [`std_reference`]: the Markdown reference of every std module
//!   (`citc doc std`, committed as `grammar/STD.md`).
//! - [`readme`]: the "## Resources" section of upstream's README.md, as
//!   upstream's scripts/readme.sh writes it (`citc doc readme`).
//! - [`series`]: the "# Series" table and the series diagram of the README,
//!   from the specs and the catalog's `readme_series` (`citc doc readme`).
//! - [`labels`]: the labels of a catalog, derived or set by hand, in the
//!   style of upstream's docs/labels.md (`citc doc labels`).
//! - [`html`]: a static site of a catalog to choose from: series, size
//!   grid, resources with their YAML, filters (`citc doc html`).
//!
//! Where std defines a name (for resolve's help lines) is
//! `crate::resolve::std_index`, below this room.

pub mod features;
pub mod html;
pub mod labels;
pub mod readme;
pub mod series;
mod std_reference;

pub use std_reference::std_reference;

/// The `//` comment right above the item whose first line holds `offset`,
/// without the markers; lines that are only `//` separate paragraphs. A run
/// of one-line items of the same keyword with no blank line between them
/// (the aliases of one group) shares the comment above the run.
pub fn doc_comment(text: &str, offset: usize) -> String {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let keyword = |line: &str| {
        line.trim_start()
            .trim_start_matches("abstract ")
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let own_line = text[line_start..].lines().next().unwrap_or_default();
    let own_keyword = keyword(own_line);
    let mut lines: Vec<&str> = Vec::new();
    for line in text[..line_start].lines().rev() {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix("//") {
            lines.push(comment.strip_prefix(' ').unwrap_or(comment));
        } else if lines.is_empty()
            && !trimmed.is_empty()
            && !trimmed.ends_with('{')
            && keyword(trimmed) == own_keyword
        {
            continue;
        } else {
            break;
        }
    }
    lines.reverse();
    lines.join("\n")
}

/// A module's own comment: the comment lines at the top of its file, when a
/// blank line separates them from the first item.
pub fn module_comment(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        match line.trim().strip_prefix("//") {
            Some(comment) => lines.push(comment.strip_prefix(' ').unwrap_or(comment)),
            None if line.trim().is_empty() => return lines.join("\n"),
            None => return String::new(),
        }
    }
    lines.join("\n")
}
