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

use super::compare::{Side, Summary};
use super::inline::{write_flow, write_json_string};

/// How long a value may get in `text` and `markdown` before it is cut.
const VALUE_WIDTH: usize = 72;

/// Where lists of names and resources wrap in `text` and `unified`.
const LINE_WIDTH: usize = 100;

// ------------------------------------------------------------------ shared

/// `text` painted with an SGR style named as in the renderers ("1" bold,
/// "2" dim, "31" red, "32" green, "33" yellow, "36" cyan, "1;31" bold red),
/// through anstyle; plain when `color` is off.
fn paint(color: bool, code: &str, text: &str) -> String {
    use anstyle::{AnsiColor, Style};
    if !color {
        return text.to_string();
    }
    let style = code
        .split(';')
        .fold(Style::new(), |style, part| match part {
            "1" => style.bold(),
            "2" => style.dimmed(),
            "31" => style.fg_color(Some(AnsiColor::Red.into())),
            "32" => style.fg_color(Some(AnsiColor::Green.into())),
            "33" => style.fg_color(Some(AnsiColor::Yellow.into())),
            "36" => style.fg_color(Some(AnsiColor::Cyan.into())),
            _ => style,
        });
    format!("{style}{text}{style:#}")
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
