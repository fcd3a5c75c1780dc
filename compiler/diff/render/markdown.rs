//! The `markdown` format: release notes, or a pull-request comment.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{counts_line, inline, plural, VALUE_WIDTH};
use crate::diff::compare::{path_string, removed_reason, Change, Report, Status};
use crate::diff::group::{describe, items, Item, ResourceId, Series, Shared, SHARED_MIN};

/// More names than this in a series go into a `<details>` block.
const NAMES_INLINE: usize = 8;

/// Release notes: counts, breaking changes first, then removed and added
/// resources (series of one prefix together), the changes shared by
/// [`SHARED_MIN`] resources or more once each, and the changed resources
/// with their own changes.
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
    let shared = Shared::of(report);
    let removed = items(report, Status::Removed);
    let added = items(report, Status::Added);
    let changed = items(report, Status::Changed);
    write_breaking(&mut out, &shared, [&removed, &added, &changed]);
    for (title, items) in [("Removed", &removed), ("Added", &added)] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for item in items {
            match item {
                Item::One(twins) => {
                    let _ = writeln!(
                        out,
                        "- {} ({}){}",
                        code(&twins.entry.name),
                        twins.kinds(),
                        hint(twins.entry.hint.as_deref())
                    );
                }
                Item::Series(series) => write_series(&mut out, series),
            }
        }
    }
    if !shared.is_empty() {
        let _ = writeln!(
            out,
            "\n### Shared changes\n\nEach made in the same way to {SHARED_MIN} or more resources, listed once.\n"
        );
        for block in shared.blocks() {
            let description = describe(block.resources, report, &code);
            let _ = writeln!(
                out,
                "- In {}: {}",
                plural(block.resources.len(), "resource"),
                description.segments.join("; ")
            );
            for shared in &block.changes {
                let _ = writeln!(out, "  - {}", change_item(shared.change, shared.source));
            }
            if description.abbreviated {
                write_all_resources(&mut out, block.resources);
            }
        }
    }
    if !changed.is_empty() {
        let _ = writeln!(out, "\n### Changed\n");
        let total: usize = changed.iter().map(Item::count).sum();
        let mut covered = 0;
        for item in &changed {
            let Item::One(twins) = item else { continue };
            if shared.covers(twins.entry) {
                covered += twins.kinds.len();
                continue;
            }
            let own = shared.own(twins.entry);
            let in_shared = twins.entry.changes.len() - own.len();
            let plus = if in_shared > 0 {
                format!(" — plus {} above", plural(in_shared, "shared change"))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- {} ({}){plus}",
                code(&twins.entry.name),
                twins.kinds()
            );
            for change in own {
                let _ = writeln!(out, "  - {}", change_item(change, change.source.as_deref()));
            }
        }
        if covered == total {
            let _ = writeln!(
                out,
                "- All {covered}, changed only by the shared changes above."
            );
        } else if covered > 0 {
            let _ = writeln!(
                out,
                "- And {covered} more, changed only by the shared changes above."
            );
        }
    }
    out
}

/// Every reason to worry, once: removed resources and series, each shared
/// breaking change, and the resources with breaking changes of their own.
fn write_breaking(out: &mut String, shared: &Shared, sections: [&Vec<Item>; 3]) {
    let mut lines = Vec::new();
    let [removed, added, changed] = sections;
    for item in removed.iter().chain(added) {
        match item {
            // Only a removed series breaks: nobody names an added one yet.
            Item::Series(series) if series.removed => lines.push(format!(
                "- {} ({}; {}): {}",
                code(&format!("{}.*", series.prefix)),
                plural(series.names.len(), "name"),
                series.kinds(),
                removed_reason("them")
            )),
            Item::Series(_) => {}
            Item::One(twins) => {
                if let Some(reason) = &twins.entry.breaking {
                    lines.push(format!(
                        "- {} ({}): {reason}",
                        code(&twins.entry.name),
                        twins.kinds()
                    ));
                }
            }
        }
    }
    for group in &shared.changes {
        if let Some(reason) = &group.change.breaking {
            lines.push(format!(
                "- {} in {} (see shared changes): {reason}",
                code(&path_string(&group.change.path)),
                plural(group.resources.len(), "resource")
            ));
        }
    }
    for item in changed {
        let Item::One(twins) = item else { continue };
        let mut reasons: Vec<&str> = twins.entry.breaking.iter().map(String::as_str).collect();
        for change in shared.own(twins.entry) {
            if let Some(reason) = &change.breaking {
                if !reasons.contains(&reason.as_str()) {
                    reasons.push(reason);
                }
            }
        }
        if !reasons.is_empty() {
            lines.push(format!(
                "- {} ({}): {}",
                code(&twins.entry.name),
                twins.kinds(),
                reasons.join("; ")
            ));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "\n### Breaking changes\n\n{}", lines.join("\n"));
    }
}

/// `` `rt1.*` `` with its names, inline or, when many, in a `<details>`.
fn write_series(out: &mut String, series: &Series) {
    let whole = match (series.whole, series.removed) {
        (true, true) => ", the whole series",
        (true, false) => ", a new series",
        (false, _) => "",
    };
    let names: Vec<String> = series.names.iter().map(|n| code(n)).collect();
    let head = format!(
        "- {} — {}{whole} ({})",
        code(&format!("{}.*", series.prefix)),
        plural(series.names.len(), "name"),
        series.kinds()
    );
    if names.len() <= NAMES_INLINE {
        let _ = writeln!(out, "{head}: {}", names.join(", "));
    } else {
        let _ = writeln!(
            out,
            "{head}\n\n  <details><summary>{}</summary>\n\n  {}\n\n  </details>\n",
            plural(names.len(), "name"),
            names.join(", ")
        );
    }
}

/// Every resource of a shared change whose description left some out, by
/// kind, in a `<details>` block.
fn write_all_resources(out: &mut String, resources: &[ResourceId]) {
    let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (kind, name) in resources {
        by_kind.entry(kind).or_default().push(code(name));
    }
    let _ = writeln!(
        out,
        "\n  <details><summary>All {}</summary>\n",
        plural(resources.len(), "resource")
    );
    for (kind, names) in by_kind {
        let _ = writeln!(out, "  {kind}: {}\n", names.join(", "));
    }
    let _ = writeln!(out, "  </details>\n");
}

/// `` `path`: `old` → `new` **(breaking)** ``, then where the new value is
/// set (`` (`catalog.cit:45`) ``) when known.
fn change_item(change: &Change, source: Option<&str>) -> String {
    let path = code(&path_string(&change.path));
    let what = match (&change.old, &change.new) {
        (None, Some(new)) => format!("added {}", code(&inline(new, VALUE_WIDTH))),
        (Some(old), None) => format!("removed (was {})", code(&inline(old, VALUE_WIDTH))),
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
    let source = source
        .map(|s| format!(" ({})", code(s)))
        .unwrap_or_default();
    format!("{path}: {what}{flag}{source}")
}

fn hint(hint: Option<&str>) -> String {
    hint.map(|h| format!(" — {h}")).unwrap_or_default()
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
    fn markdown_code_survives_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
