//! The `json` format, for CI and scripts: every resource with every change,
//! then the changes shared by several resources.

use std::fmt::Write as _;

use super::write_json_string;
use crate::diff::compare::{path_string, Change, Report, Status};
use crate::diff::group::Shared;
use crate::yaml::Yaml;

/// The machine-readable report: `from`, `to`, `summary`, `resources` (every
/// resource, every change, whatever is shared) and `grouped_changes`: each
/// change made in the same way to [`SHARED_MIN`](crate::diff::group::SHARED_MIN) or more resources, with
/// `count` and the `resources` [{kind, name}] it touches. Absent values are
/// `null`. Besides the documented keys, a resource has `breaking` and, when
/// there is one, `reason` (removed) and `hint` (rename); a breaking change
/// has its `reason`.
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
                out.push_str("      {");
                write_change(&mut out, change);
                out.push('}');
            }
            out.push_str("\n    ]");
        }
        out.push('}');
    }
    if !report.entries.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("],\n  \"grouped_changes\": [");
    let shared = Shared::of(report);
    for (i, group) in shared.changes.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("    {");
        write_change(&mut out, group.change);
        let _ = write!(
            out,
            ", \"change\": \"{}\", \"count\": {}, \"resources\": [",
            group.change.kind(),
            group.resources.len()
        );
        for (k, (kind, name)) in group.resources.iter().enumerate() {
            out.push_str(if k == 0 { "\n" } else { ",\n" });
            out.push_str("      {\"kind\": ");
            write_json_string(&mut out, kind);
            out.push_str(", \"name\": ");
            write_json_string(&mut out, name);
            out.push('}');
        }
        out.push_str("\n    ]}");
    }
    if !shared.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("]\n}\n");
    out
}

/// `"path": …, "old": …, "new": …, "breaking": …` and the reason when it
/// breaks.
fn write_change(out: &mut String, change: &Change) {
    out.push_str("\"path\": ");
    write_json_string(out, &path_string(&change.path));
    out.push_str(", \"old\": ");
    write_json_value(out, change.old.as_ref());
    out.push_str(", \"new\": ");
    write_json_value(out, change.new.as_ref());
    let _ = write!(out, ", \"breaking\": {}", change.breaking.is_some());
    if let Some(reason) = &change.breaking {
        out.push_str(", \"reason\": ");
        write_json_string(out, reason);
    }
}

fn write_json_value(out: &mut String, value: Option<&Yaml>) {
    match value {
        Some(value) => crate::yaml::write_json(out, value),
        None => out.push_str("null"),
    }
}
