//! Render: a [`Report`] → text for a person, a unified diff, JSON for CI,
//! or Markdown for release notes. Pure functions from a report to a string;
//! whether to colour is the caller's decision.
//!
//! In `text` and `markdown`, a cluster-wide resource and its namespaced twin
//! (`VirtualMachineClusterPreference alpine` and `VirtualMachinePreference
//! alpine`) that changed in the same way are shown once, with both kinds;
//! counts are always of resources, each kind counted.

use std::collections::HashMap;
use std::fmt::Write as _;

use similar::TextDiff;

use super::compare::{path_string, Change, Entry, Report, Status, Summary};
use crate::emit::yaml::{go_yaml_key_cmp, write_document, Yaml};

/// How long a value may get in `text` and `markdown` before it is cut.
const VALUE_WIDTH: usize = 72;

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

fn write_inline(out: &mut String, value: &Yaml) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => out.push_str(&i.to_string()),
        Yaml::Float(f) => write_float(out, *f),
        Yaml::Str(s) => write_json_string(out, s),
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline(out, item);
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
                write_inline(out, item);
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
fn write_json_string(out: &mut String, s: &str) {
    out.push_str(&crate::diagnostic::json_string(s));
}

// ------------------------------------------------------------------ groups

/// One line of a report: a resource, or a cluster-wide resource and its
/// namespaced twin that differ in the same way.
struct Group<'a> {
    entry: &'a Entry,
    kinds: Vec<&'a str>,
}

impl Group<'_> {
    fn kinds(&self) -> String {
        self.kinds.join(", ")
    }
}

/// `VirtualMachineClusterPreference` → `VirtualMachinePreference`.
fn namespaced_twin(kind: &str) -> Option<String> {
    kind.strip_prefix("VirtualMachineCluster")
        .map(|rest| format!("VirtualMachine{rest}"))
}

/// Added and removed twins are listed without their content, so only what
/// is shown needs to agree.
fn same_difference(a: &Entry, b: &Entry) -> bool {
    a.status == b.status && a.changes == b.changes && a.hint == b.hint
}

/// The groups of one status, instance types before preferences, by name.
fn groups(report: &Report, status: Status) -> Vec<Group<'_>> {
    let entries: Vec<&Entry> = report
        .entries
        .iter()
        .filter(|e| e.status == status)
        .collect();
    let index: HashMap<(&str, &str), usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.kind.as_str(), e.name.as_str()), i))
        .collect();
    let mut merged = vec![false; entries.len()];
    let mut groups = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if merged[i] {
            continue;
        }
        let mut kinds = vec![entry.kind.as_str()];
        if let Some(twin) = namespaced_twin(&entry.kind) {
            if let Some(&j) = index.get(&(twin.as_str(), entry.name.as_str())) {
                if !merged[j] && same_difference(entry, entries[j]) {
                    merged[j] = true;
                    kinds.push(entries[j].kind.as_str());
                }
            }
        }
        groups.push(Group { entry, kinds });
    }
    let family = |kind: &str| kind.replacen("Cluster", "", 1);
    groups.sort_by(|a, b| {
        family(a.kinds[0])
            .cmp(&family(b.kinds[0]))
            .then_with(|| a.entry.name.cmp(&b.entry.name))
            .then_with(|| a.kinds.cmp(&b.kinds))
    });
    groups
}

fn counts_line(summary: &Summary) -> String {
    format!(
        "{} added, {} removed, {} changed, {} breaking",
        summary.added, summary.removed, summary.changed, summary.breaking
    )
}

fn side_line(side: &super::compare::Side) -> String {
    match &side.version {
        Some(version) if *version != side.label => format!("{version} ({})", side.label),
        Some(_) => side.label.clone(),
        None => format!("{} (no version label)", side.label),
    }
}

const SECTIONS: [(Status, &str); 3] = [
    (Status::Removed, "Removed"),
    (Status::Added, "Added"),
    (Status::Changed, "Changed"),
];

// ------------------------------------------------------------------ text

/// The default report: counts first, then removed, added and changed
/// resources with every changed field, breaking changes explained.
pub fn text(report: &Report, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let summary = report.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {}",
        paint("1", &side_line(&report.from)),
        paint("1", &side_line(&report.to))
    );
    let _ = writeln!(out, "{}", counts_line(&summary));
    if !summary.any() {
        let _ = writeln!(out, "no change");
        return out;
    }
    for (status, title) in SECTIONS {
        let groups = groups(report, status);
        if groups.is_empty() {
            continue;
        }
        let count: usize = groups.iter().map(|g| g.kinds.len()).sum();
        let _ = writeln!(out, "\n{}", paint("1", &format!("{title} ({count})")));
        for group in &groups {
            let entry = group.entry;
            let (mark, code) = match status {
                Status::Added => ("+", "32"),
                Status::Removed => ("-", "31"),
                Status::Changed => ("~", "33"),
            };
            let _ = writeln!(
                out,
                "  {} {}  {}",
                paint(code, mark),
                paint("1", &entry.name),
                paint("2", &group.kinds())
            );
            for change in &entry.changes {
                let _ = writeln!(out, "      {}", change_line(change, &paint));
                if let Some(reason) = &change.breaking {
                    let _ = writeln!(out, "          {} {reason}", paint("1;31", "breaking:"));
                }
            }
            if let Some(reason) = &entry.breaking {
                let _ = writeln!(out, "      {} {reason}", paint("1;31", "breaking:"));
            }
            if let Some(hint) = &entry.hint {
                let _ = writeln!(out, "      {} {hint}", paint("36", "hint:"));
            }
        }
    }
    out
}

fn change_line(change: &Change, paint: &dyn Fn(&str, &str) -> String) -> String {
    let path = path_string(&change.path);
    match (&change.old, &change.new) {
        (None, Some(new)) => format!("{} {path}: {}", paint("32", "+"), inline(new, VALUE_WIDTH)),
        (Some(old), None) => format!("{} {path}: {}", paint("31", "-"), inline(old, VALUE_WIDTH)),
        (Some(old), Some(new)) => format!(
            "{} {path}: {} → {}",
            paint("33", "~"),
            inline(old, VALUE_WIDTH),
            inline(new, VALUE_WIDTH)
        ),
        (None, None) => format!("  {path}"),
    }
}

// ------------------------------------------------------------------ unified

/// A unified diff of the canonical YAML of every resource that differs
/// (keys in go-yaml order, version label left out), one file per resource.
pub fn unified(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} → {}: {}",
        report.from.title,
        report.to.title,
        counts_line(&report.summary())
    );
    for entry in &report.entries {
        let old = entry.old.as_ref().map(canonical).unwrap_or_default();
        let new = entry.new.as_ref().map(canonical).unwrap_or_default();
        let path = format!("{}/{}", entry.kind, entry.name);
        let a = match entry.old {
            Some(_) => format!("a/{path}"),
            None => "/dev/null".to_string(),
        };
        let b = match entry.new {
            Some(_) => format!("b/{path}"),
            None => "/dev/null".to_string(),
        };
        let diff = TextDiff::from_lines(old.as_str(), new.as_str());
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        for line in text.lines() {
            let code = if line.starts_with("+++") || line.starts_with("---") {
                "1"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with("@@") {
                "36"
            } else {
                ""
            };
            if color && !code.is_empty() {
                let _ = writeln!(out, "\x1b[{code}m{line}\x1b[0m");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}

/// One resource as go-yaml v2 writes it, keys sorted, without `---`.
pub fn canonical(body: &Yaml) -> String {
    let mut text = String::new();
    write_document(&mut text, &sorted(body));
    text.strip_prefix("---\n").unwrap_or(&text).to_string()
}

fn sorted(value: &Yaml) -> Yaml {
    match value {
        Yaml::Map(entries) => {
            let mut entries: Vec<(String, Yaml)> = entries
                .iter()
                .map(|(k, v)| (k.clone(), sorted(v)))
                .collect();
            entries.sort_by(|a, b| go_yaml_key_cmp(&a.0, &b.0));
            Yaml::Map(entries)
        }
        Yaml::Seq(items) => Yaml::Seq(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

// ------------------------------------------------------------------ json

/// The machine-readable report: `from`, `to`, `summary` and `resources`.
/// Absent values are `null`. Besides the documented keys, a resource has
/// `breaking` and, when there is one, `reason` (removed) and `hint`
/// (rename); a breaking change has its `reason`.
pub fn json(report: &Report) -> String {
    let summary = report.summary();
    let mut out = String::from("{\n  \"from\": ");
    write_json_string(&mut out, &report.from.title);
    out.push_str(",\n  \"to\": ");
    write_json_string(&mut out, &report.to.title);
    let _ = write!(
        out,
        ",\n  \"summary\": {{\"added\": {}, \"removed\": {}, \"changed\": {}, \"breaking\": {}}},\n  \"resources\": [",
        summary.added, summary.removed, summary.changed, summary.breaking
    );
    for (i, entry) in report.entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("    {\"kind\": ");
        write_json_string(&mut out, &entry.kind);
        out.push_str(", \"name\": ");
        write_json_string(&mut out, &entry.name);
        let _ = write!(
            out,
            ", \"status\": \"{}\", \"breaking\": {}",
            entry.status.as_str(),
            entry.is_breaking()
        );
        if let Some(reason) = &entry.breaking {
            out.push_str(", \"reason\": ");
            write_json_string(&mut out, reason);
        }
        if let Some(hint) = &entry.hint {
            out.push_str(", \"hint\": ");
            write_json_string(&mut out, hint);
        }
        if entry.status == Status::Changed {
            out.push_str(", \"changes\": [");
            for (k, change) in entry.changes.iter().enumerate() {
                out.push_str(if k == 0 { "\n" } else { ",\n" });
                out.push_str("      {\"path\": ");
                write_json_string(&mut out, &path_string(&change.path));
                out.push_str(", \"old\": ");
                write_json_value(&mut out, change.old.as_ref());
                out.push_str(", \"new\": ");
                write_json_value(&mut out, change.new.as_ref());
                let _ = write!(out, ", \"breaking\": {}", change.breaking.is_some());
                if let Some(reason) = &change.breaking {
                    out.push_str(", \"reason\": ");
                    write_json_string(&mut out, reason);
                }
                out.push('}');
            }
            out.push_str("\n    ]");
        }
        out.push('}');
    }
    if !report.entries.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("]\n}\n");
    out
}

fn write_json_value(out: &mut String, value: Option<&Yaml>) {
    let Some(value) = value else {
        out.push_str("null");
        return;
    };
    match value {
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_value(out, Some(item));
            }
            out.push(']');
        }
        Yaml::Map(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_string(out, key);
                out.push_str(": ");
                write_json_value(out, Some(item));
            }
            out.push('}');
        }
        scalar => write_inline(out, scalar),
    }
}

// ------------------------------------------------------------------ markdown

/// Release notes: counts, breaking changes first, then removed, added and
/// changed resources.
pub fn markdown(report: &Report) -> String {
    let summary = report.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Changes from {} to {}\n\n{}.",
        code(&report.from.title),
        code(&report.to.title),
        counts_line(&summary)
    );
    if !summary.any() {
        return out;
    }
    let breaking: Vec<Group> = SECTIONS
        .iter()
        .flat_map(|(status, _)| groups(report, *status))
        .filter(|g| g.entry.is_breaking())
        .collect();
    if !breaking.is_empty() {
        let _ = writeln!(out, "\n### Breaking changes\n");
        for group in &breaking {
            let mut reasons: Vec<&str> = group.entry.breaking.iter().map(String::as_str).collect();
            for change in &group.entry.changes {
                if let Some(reason) = &change.breaking {
                    if !reasons.contains(&reason.as_str()) {
                        reasons.push(reason);
                    }
                }
            }
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                code(&group.entry.name),
                group.kinds(),
                reasons.join("; ")
            );
        }
    }
    for (status, title) in SECTIONS {
        let groups = groups(report, status);
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for group in &groups {
            let hint = group
                .entry
                .hint
                .as_ref()
                .map(|h| format!(" — {h}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} ({}){hint}",
                code(&group.entry.name),
                group.kinds()
            );
            for change in &group.entry.changes {
                let path = code(&path_string(&change.path));
                let what = match (&change.old, &change.new) {
                    (None, Some(new)) => format!("added {}", code(&inline(new, VALUE_WIDTH))),
                    (Some(old), None) => {
                        format!("removed (was {})", code(&inline(old, VALUE_WIDTH)))
                    }
                    (Some(old), Some(new)) => format!(
                        "{} → {}",
                        code(&inline(old, VALUE_WIDTH)),
                        code(&inline(new, VALUE_WIDTH))
                    ),
                    (None, None) => String::new(),
                };
                let flag = if change.breaking.is_some() {
                    " **(breaking)**"
                } else {
                    ""
                };
                let _ = writeln!(out, "  - {path}: {what}{flag}");
            }
        }
    }
    out
}

/// Inline Markdown code that survives backticks in the text.
fn code(text: &str) -> String {
    let fence = if text.contains('`') { "``" } else { "`" };
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
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
    fn canonical_sorts_keys_like_go_yaml() {
        let body = Yaml::Map(vec![
            ("spec".into(), Yaml::Map(vec![])),
            ("kind".into(), Yaml::Str("K".into())),
        ]);
        assert_eq!(canonical(&body), "kind: K\nspec: {}\n");
    }

    #[test]
    fn json_strings_escape_control_characters() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\u{1}");
        assert_eq!(out, r#""a\"b\\c\u0001""#);
    }

    #[test]
    fn markdown_code_survives_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
