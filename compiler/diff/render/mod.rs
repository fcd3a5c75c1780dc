//! Render: a [`Report`] → text for a person ([`text`]), a unified diff
//! ([`unified`]), JSON for CI ([`json`]) or Markdown for release notes
//! ([`markdown`]). Pure functions from a report to a string; whether to
//! colour is the caller's decision.
//!
//! The human formats show what [`super::group`] gathers once: twins, shared
//! changes and series. Counts are always of resources, each kind counted.
//! `json` keeps every resource and every change, and adds the shared
//! changes.

mod json;
mod markdown;
mod resources;
mod text;
mod unified;

pub use json::json;
pub use markdown::{markdown, Links, Options as MarkdownOptions};
pub use text::text;
pub use unified::{canonical, unified};

use anstyle::{AnsiColor, Style};

use super::compare::{Side, Summary};
use super::inline::{write_flow, write_json_string};

/// How long a value may get in `text` and `markdown` before it is cut.
const VALUE_WIDTH: usize = 72;

/// Where lists of names and resources wrap in `text` and `unified`.
const LINE_WIDTH: usize = 100;

// ------------------------------------------------------------------ shared

// The renderers' styles (anstyle's; written only when colour is on).
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default();
const GREEN: Style = AnsiColor::Green.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const CYAN: Style = AnsiColor::Cyan.on_default();
/// `breaking:`.
const BREAKING: Style = RED.bold();

/// `text` in `style` when `color` is on; plain otherwise.
fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

fn counts_line(summary: &Summary) -> String {
    format!(
        "{} added, {} removed, {} changed, {} breaking",
        summary.added, summary.removed, summary.changed, summary.breaking
    )
}

fn side_line(side: &Side) -> String {
    match &side.version {
        Some(version) if *version != side.label => format!("{version} ({})", side.label),
        Some(_) => side.label.clone(),
        None => format!("{} (no version label)", side.label),
    }
}

/// `1 resource`, `3 resources`.
fn plural(count: usize, what: &str) -> String {
    if count == 1 {
        format!("{count} {what}")
    } else {
        format!("{count} {what}s")
    }
}
