//! The `json` format, for CI and scripts: every resource with every change,
//! then the changes shared by several resources. serde_json writes it, from
//! structs whose fields are the keys in order, laid out with a line
//! per resource, per change and per grouped change.

use serde::Serialize;

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
    let shared = Shared::of(report);
    let document = JsonReport {
        from: &report.from.title,
        to: &report.to.title,
        summary: JsonSummary {
            added: summary.added,
            removed: summary.removed,
            changed: summary.changed,
            breaking: summary.breaking,
        },
        resources: report
            .entries
            .iter()
            .map(|entry| JsonResource {
                kind: &entry.kind,
                name: &entry.name,
                status: entry.status.as_str(),
                breaking: entry.is_breaking(),
                reason: entry.breaking.as_deref(),
                hint: entry.hint.as_deref(),
                changes: (entry.status == Status::Changed)
                    .then(|| entry.changes.iter().map(JsonChange::of).collect()),
            })
            .collect(),
        grouped_changes: shared
            .changes
            .iter()
            .map(|group| JsonGroup {
                change: JsonChange::of(group.change),
                kind_of_change: group.change.kind(),
                count: group.resources.len(),
                resources: group
                    .resources
                    .iter()
                    .map(|&(kind, name)| JsonName { kind, name })
                    .collect(),
            })
            .collect(),
    };
    crate::emit::json::to_string(&document, |path| {
        matches!(
            path,
            [] | ["resources"]
                | ["grouped_changes"]
                | ["resources", "*", "changes"]
                | ["grouped_changes", "*", "resources"]
        )
    })
}

#[derive(Serialize)]
struct JsonReport<'a> {
    from: &'a str,
    to: &'a str,
    summary: JsonSummary,
    resources: Vec<JsonResource<'a>>,
    grouped_changes: Vec<JsonGroup<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    added: usize,
    removed: usize,
    changed: usize,
    breaking: usize,
}

#[derive(Serialize)]
struct JsonResource<'a> {
    kind: &'a str,
    name: &'a str,
    status: &'static str,
    breaking: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    /// Changed resources only.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<JsonChange<'a>>>,
}

/// `path`, `old`, `new`, `breaking` and the reason when it breaks.
#[derive(Serialize)]
struct JsonChange<'a> {
    path: String,
    old: Option<&'a Yaml>,
    new: Option<&'a Yaml>,
    breaking: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> JsonChange<'a> {
    fn of(change: &'a Change) -> JsonChange<'a> {
        JsonChange {
            path: path_string(&change.path),
            old: change.old.as_ref(),
            new: change.new.as_ref(),
            breaking: change.breaking.is_some(),
            reason: change.breaking.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    #[serde(flatten)]
    change: JsonChange<'a>,
    /// `added`, `removed` or `changed`.
    #[serde(rename = "change")]
    kind_of_change: &'static str,
    count: usize,
    resources: Vec<JsonName<'a>>,
}

#[derive(Serialize)]
struct JsonName<'a> {
    kind: &'a str,
    name: &'a str,
}
