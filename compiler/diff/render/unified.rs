//! The `unified` format: a unified diff of the canonical YAML of each
//! resource that differs, one file per resource.

use std::fmt::Write as _;

use similar::TextDiff;

use super::text::change_line;
use super::{counts_line, plural, LINE_WIDTH};
use crate::diff::compare::Report;
use crate::diff::group::{describe, wrap, Shared};
use crate::yaml::{go_yaml_key_cmp, write_document, Yaml};

/// A unified diff of the canonical YAML of every resource that differs
/// (keys in go-yaml order, version label left out), one file per resource.
///
/// A change made to [`SHARED_MIN`](crate::diff::group::SHARED_MIN) or more resources is said once in the
/// `#` header, and a resource whose every change is such a change gets no
/// file of its own: its diff would only repeat the header. `--format json`
/// still lists each.
pub fn unified(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} → {}: {}",
        report.from.title,
        report.to.title,
        counts_line(&report.summary())
    );
    let shared = Shared::of(report);
    let plain = |_: anstyle::Style, s: &str| s.to_string();
    for block in shared.blocks() {
        let description = describe(block.resources, report, &|name| name.to_string());
        let lead = format!(
            "# shared, in {}: ",
            plural(block.resources.len(), "resource")
        );
        for line in wrap(&description.segments, ";", LINE_WIDTH, &lead, "#   ") {
            let _ = writeln!(out, "{line}");
        }
        for change in &block.changes {
            let _ = writeln!(out, "#     {}", change_line(change.change, &plain));
        }
    }
    let covered: usize = report.entries.iter().filter(|e| shared.covers(e)).count();
    if covered > 0 {
        let _ = writeln!(
            out,
            "# not shown: {} changed only by the shared changes above",
            plural(covered, "resource")
        );
    }
    for entry in report.entries.iter().filter(|e| !shared.covers(e)) {
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
            let style = if line.starts_with("+++") || line.starts_with("---") {
                super::BOLD
            } else if line.starts_with('+') {
                super::GREEN
            } else if line.starts_with('-') {
                super::RED
            } else if line.starts_with("@@") {
                super::CYAN
            } else {
                anstyle::Style::new()
            };
            let _ = writeln!(out, "{}", super::paint(color, style, line));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_sorts_keys_like_go_yaml() {
        let body = Yaml::Map(vec![
            ("spec".into(), Yaml::Map(vec![])),
            ("kind".into(), Yaml::Str("K".into())),
        ]);
        assert_eq!(canonical(&body), "kind: K\nspec: {}\n");
    }
}
