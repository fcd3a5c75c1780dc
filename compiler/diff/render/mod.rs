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
use crate::yaml::Yaml;

/// How long a value may get in `text` and `markdown` before it is cut.
const VALUE_WIDTH: usize = 72;

/// Where lists of names and resources wrap in `text` and `unified`.
const LINE_WIDTH: usize = 100;

// ------------------------------------------------------------------ values

/// A value on one line: strings double-quoted with JSON escapes, maps as
/// `{key: value}`, lists as `[a, b]`; cut with `…` past `max` characters.
pub fn inline(value: &Yaml, max: usize) -> String {
    let mut out = String::new();
    write_inline(&mut out, value);
    if out.chars().count() > max {
        let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        return cut;
    }
    out
}

pub(super) fn write_inline(out: &mut String, value: &Yaml) {
    write_flow(out, value, write_json_string);
}

/// A value on one line, maps as `{key: value}` and lists as `[a, b]`,
/// with strings written by `string` (quoted for JSON and text, plain where
/// they read as themselves in release notes).
pub(super) fn write_flow(out: &mut String, value: &Yaml, string: fn(&mut String, &str)) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => out.push_str(&i.to_string()),
        Yaml::Float(f) => write_float(out, *f),
        Yaml::Str(s) => string(out, s),
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(out, item, string);
            }
            out.push(']');
        }
        Yaml::Map(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                write_flow(out, item, string);
            }
            out.push('}');
        }
    }
}

fn write_float(out: &mut String, f: f64) {
    if f.is_finite() {
        out.push_str(&f.to_string());
    } else {
        out.push_str("null");
    }
}

/// One JSON string escaper for all of citc: the diagnostics' JSON uses it too.
pub(super) fn write_json_string(out: &mut String, s: &str) {
    out.push_str(&crate::diagnostic::json_string(s));
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_values_are_one_line_and_cut() {
        let value = Yaml::Map(vec![
            ("a".into(), Yaml::Str("x\ny".into())),
            ("b".into(), Yaml::Seq(vec![Yaml::Int(1), Yaml::Bool(true)])),
        ]);
        assert_eq!(inline(&value, 100), r#"{a: "x\ny", b: [1, true]}"#);
        assert_eq!(inline(&value, 8), "{a: \"x\\…");
    }

    #[test]
    fn json_strings_escape_control_characters() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\u{1}");
        assert_eq!(out, r#""a\"b\\c\u0001""#);
    }
}
