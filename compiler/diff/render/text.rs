//! The `text` format: counts first, then removed, added, shared and
//! changed resources, breaking changes explained, coloured on a terminal.

use std::fmt::Write as _;

use anstyle::Style;

use super::{
    counts_line, plural, side_line, BOLD, BREAKING, CYAN, DIM, GREEN, LINE_WIDTH, RED, VALUE_WIDTH,
    YELLOW,
};
use crate::diff::compare::{path_string, removed_reason, Change, Report, Status};
use crate::diff::group::{describe, items, wrap, Item, Series, Shared, Twins, SHARED_MIN};
use crate::diff::inline::inline;

type Paint<'p> = &'p dyn Fn(Style, &str) -> String;

/// The default report: counts first, then removed and added resources
/// (series of one prefix together), the changes shared by
/// [`SHARED_MIN`] resources or more once each, and every changed resource
/// with its own changes.
pub fn text(report: &Report, color: bool) -> String {
    let paint = |style: Style, s: &str| super::paint(color, style, s);
    let summary = report.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {}",
        paint(BOLD, &side_line(&report.from)),
        paint(BOLD, &side_line(&report.to))
    );
    let _ = writeln!(out, "{}", counts_line(&summary));
    if !summary.any() {
        let _ = writeln!(out, "no change");
        return out;
    }
    let shared = Shared::of(report);
    for (status, title) in [(Status::Removed, "Removed"), (Status::Added, "Added")] {
        let items = items(report, status);
        if items.is_empty() {
            continue;
        }
        let count: usize = items.iter().map(Item::count).sum();
        let _ = writeln!(out, "\n{}", paint(BOLD, &format!("{title} ({count})")));
        for item in &items {
            match item {
                Item::One(twins) => {
                    let changes: Vec<&Change> = twins.entry.changes.iter().collect();
                    write_twins(&mut out, twins, &changes, 0, &paint)
                }
                Item::Series(series) => write_series(&mut out, series, &paint),
            }
        }
    }
    if !shared.is_empty() {
        write_shared(&mut out, report, &shared, &paint);
    }
    let changed = items(report, Status::Changed);
    if !changed.is_empty() {
        let count: usize = changed.iter().map(Item::count).sum();
        let _ = writeln!(out, "\n{}", paint(BOLD, &format!("Changed ({count})")));
        let mut covered = 0;
        for item in &changed {
            let Item::One(twins) = item else { continue };
            if shared.covers(twins.entry) {
                covered += twins.kinds.len();
                continue;
            }
            let own = shared.own(twins.entry);
            let in_shared = twins.entry.changes.len() - own.len();
            write_twins(&mut out, twins, &own, in_shared, &paint);
        }
        if covered > 0 {
            let lead = if covered == count { "all" } else { "and" };
            let _ = writeln!(
                out,
                "  {lead} {}, changed only by the shared changes above",
                if covered == count {
                    covered.to_string()
                } else {
                    format!("{covered} more")
                }
            );
        }
    }
    out
}

/// A resource (and its twin): its mark, name and kinds, then `changes`,
/// why it breaks, and a rename hint.
fn write_twins(
    out: &mut String,
    twins: &Twins,
    changes: &[&Change],
    in_shared: usize,
    paint: Paint,
) {
    let entry = twins.entry;
    let (mark, style) = mark(entry.status);
    let _ = writeln!(
        out,
        "  {} {}  {}",
        paint(style, mark),
        paint(BOLD, &entry.name),
        paint(DIM, &twins.kinds())
    );
    for change in changes {
        let line = change_line(change, paint);
        let _ = writeln!(out, "      {}", cited(line, change.source.as_deref()));
        if let Some(reason) = &change.breaking {
            let _ = writeln!(out, "          {} {reason}", paint(BREAKING, "breaking:"));
        }
    }
    if in_shared > 0 {
        let _ = writeln!(
            out,
            "      {}",
            paint(
                DIM,
                &format!("plus {} above", plural(in_shared, "shared change"))
            )
        );
    }
    if let Some(reason) = &entry.breaking {
        let _ = writeln!(out, "      {} {reason}", paint(BREAKING, "breaking:"));
    }
    if let Some(hint) = &entry.hint {
        let _ = writeln!(out, "      {} {hint}", paint(CYAN, "hint:"));
    }
}

fn mark(status: Status) -> (&'static str, Style) {
    match status {
        Status::Added => ("+", GREEN),
        Status::Removed => ("-", RED),
        Status::Changed => ("~", YELLOW),
    }
}

/// `rt1.*`, how many names and whether it is the whole series, its kinds;
/// then every name, and why removing them breaks users.
fn write_series(out: &mut String, series: &Series, paint: Paint) {
    let status = if series.removed {
        Status::Removed
    } else {
        Status::Added
    };
    let (mark, style) = mark(status);
    let whole = match (series.whole, series.removed) {
        (true, true) => ", the whole series",
        (true, false) => ", a new series",
        (false, _) => "",
    };
    let _ = writeln!(
        out,
        "  {} {}  {}{whole}  {}",
        paint(style, mark),
        paint(BOLD, &format!("{}.*", series.prefix)),
        plural(series.names.len(), "name"),
        paint(DIM, &series.kinds())
    );
    let names: Vec<String> = series.names.iter().map(|n| n.to_string()).collect();
    for line in wrap(&names, ",", LINE_WIDTH, "      ", "      ") {
        let _ = writeln!(out, "{line}");
    }
    if series.removed {
        let _ = writeln!(
            out,
            "      {} {}",
            paint(BREAKING, "breaking:"),
            removed_reason("them")
        );
    }
}

/// Each block of shared changes: the resources it touches, then its
/// changes.
fn write_shared(out: &mut String, report: &Report, shared: &Shared, paint: Paint) {
    let count = shared.changes.len();
    let each = if count == 1 { "" } else { "each " };
    let _ = writeln!(
        out,
        "\n{}",
        paint(
            BOLD,
            &format!(
                "Shared changes ({}, {each}made to {SHARED_MIN} or more resources)",
                plural(count, "change")
            )
        )
    );
    for block in shared.blocks() {
        let description = describe(block.resources, report, &|name| name.to_string());
        let lead = format!("in {}:", plural(block.resources.len(), "resource"));
        let lines = wrap(
            &description.segments,
            ";",
            LINE_WIDTH,
            &format!("  {} ", paint(BOLD, &lead)),
            "    ",
        );
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        for shared in &block.changes {
            let line = change_line(shared.change, paint);
            let _ = writeln!(out, "      {}", cited(line, shared.source));
            if let Some(reason) = &shared.change.breaking {
                let _ = writeln!(out, "          {} {reason}", paint(BREAKING, "breaking:"));
            }
        }
    }
}

/// A change line with the source line that sets its new value, if known.
fn cited(line: String, source: Option<&str>) -> String {
    match source {
        Some(source) => format!("{line}  ({source})"),
        None => line,
    }
}

/// `+ path: new`, `- path: old`, `~ path: old → new`.
pub(super) fn change_line(change: &Change, paint: Paint) -> String {
    let path = path_string(&change.path);
    match (&change.old, &change.new) {
        (None, Some(new)) => format!("{} {path}: {}", paint(GREEN, "+"), inline(new, VALUE_WIDTH)),
        (Some(old), None) => format!("{} {path}: {}", paint(RED, "-"), inline(old, VALUE_WIDTH)),
        (Some(old), Some(new)) => format!(
            "{} {path}: {} → {}",
            paint(YELLOW, "~"),
            inline(old, VALUE_WIDTH),
            inline(new, VALUE_WIDTH)
        ),
        (None, None) => format!("  {path}"),
    }
}
