//! The `markdown` format: release notes a maintainer pastes as they are,
//! or a pull-request comment.
//!
//! Written for a reader who thinks in instance types and preferences, not
//! in Kubernetes documents: counts and lists are of resources (one
//! preference, whether published as one kind or two; the kinds are said
//! once), each with what a user chooses it by (a preference's display
//! name, an instance type's size), breaking changes first, and no section
//! that only repeats what was said. Where the new value of a change is set
//! in the catalog is a link when the repository's URL is known ([`Links`]).

mod links;
mod values;

use std::collections::HashMap;
use std::fmt::Write as _;

pub use links::Links;
use values::{around, cell, code, cut, escape, value};

use super::resources::{
    all_of_family, counts, missing_of_family, named, rows, Choice, Counts, Family, Kinds, Named,
};
use super::VALUE_WIDTH;
use crate::diff::compare::{removed_reason, Change, Report, Segment, Status};
use crate::diff::group::{twins, ResourceId, Shared, Twins};

/// A list this long or longer goes into a `<details>` block.
const DETAILS_FROM: usize = 20;
/// A group of more names than this is said by its count in a sentence
/// (`all 54 preferences but …` when it is so).
const NAMES_INLINE: usize = 10;
/// A group of changes made to more resources than this lists them in a
/// table below the changes; fewer are named in its lead.
const NAMES_BY_NAME: usize = 2;

/// How to write the notes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Citations become links.
    pub links: Option<&'a Links>,
}

/// Release notes: the versions, what changed counted in resources, the
/// kinds once, then breaking changes, removed and added resources (tables
/// with what users choose by), and changed resources: each change shared
/// by several resources once, with them, then each resource's own changes.
pub fn markdown(report: &Report, options: Options) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Changes from {} to {}\n",
        code(&report.from.title),
        code(&report.to.title)
    );
    let counts = counts(report);
    let kinds = Kinds::of(report);
    let _ = writeln!(out, "{}", summary(&counts, &kinds));
    if !counts.values().any(Counts::any) {
        return out;
    }
    let notes = Notes {
        report,
        kinds: &kinds,
        shared: Shared::of(report),
        changed: twins(report, Status::Changed),
        links: options.links,
    };
    if let Some(paragraph) = notes.kinds_paragraph(&counts) {
        let _ = writeln!(out, "\n{paragraph}");
    }
    notes.write_breaking(&mut out);
    for (status, title) in [(Status::Removed, "Removed"), (Status::Added, "Added")] {
        let rows = rows(report, status);
        if !rows.is_empty() {
            let _ = writeln!(out, "\n### {title}");
            notes.write_tables(&mut out, &rows, status);
        }
    }
    notes.write_changed(&mut out);
    out
}

/// `3 preferences added and 4 changed. Instance types are unchanged. No
/// breaking changes.`
fn summary(counts: &std::collections::BTreeMap<Family, Counts>, kinds: &Kinds) -> String {
    let mut sentences = Vec::new();
    let mut unchanged = Vec::new();
    for family in Family::ALL {
        let c = counts.get(&family).copied().unwrap_or_default();
        if !c.any() {
            if !kinds.of_family(family).is_empty() {
                unchanged.push(family);
            }
            continue;
        }
        let parts: Vec<(usize, &str)> = [
            (c.added, "added"),
            (c.removed, "removed"),
            (c.changed, "changed"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .collect();
        let words: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, (n, verb))| {
                if i == 0 {
                    format!("{} {verb}", family.count(*n))
                } else {
                    format!("{n} {verb}")
                }
            })
            .collect();
        sentences.push(format!("{}.", and_list(&words)));
    }
    if sentences.is_empty() {
        return "No instance type or preference changed.".to_string();
    }
    for family in unchanged {
        sentences.push(match family {
            Family::InstanceType => "Instance types are unchanged.".to_string(),
            Family::Preference => "Preferences are unchanged.".to_string(),
        });
    }
    let breaking: Vec<String> = Family::ALL
        .iter()
        .filter_map(|f| {
            let n = counts.get(f)?.breaking;
            (n > 0).then(|| f.count(n))
        })
        .collect();
    if breaking.is_empty() {
        sentences.push("No breaking changes.".to_string());
    } else {
        sentences.push(format!(
            "Changes to {} can break existing users: see **Breaking changes**.",
            and_list(&breaking)
        ));
    }
    sentences.join(" ")
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

struct Notes<'r> {
    report: &'r Report,
    kinds: &'r Kinds,
    shared: Shared<'r>,
    /// Every changed resource, with its twin when they changed alike.
    changed: Vec<Twins<'r>>,
    links: Option<&'r Links>,
}

impl<'r> Notes<'r> {
    /// The kinds, said once: which each family is published as, and that
    /// what follows applies to each.
    fn kinds_paragraph(
        &self,
        counts: &std::collections::BTreeMap<Family, Counts>,
    ) -> Option<String> {
        let involved: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|f| counts.get(f).is_some_and(Counts::any))
            .collect();
        let pairs: Vec<Family> = involved
            .iter()
            .copied()
            .filter(|f| self.kinds.of_family(*f).len() == 2)
            .collect();
        let mut sentences = Vec::new();
        match pairs.as_slice() {
            [] => {}
            [family] => {
                let [cluster, namespaced] = family.kinds();
                let what = match family {
                    Family::InstanceType => "Each instance type",
                    Family::Preference => "Each preference",
                };
                sentences.push(format!(
                    "{what} is published in two kinds, {} (cluster-wide) and {} (namespaced); \
                     what is listed here applies to both",
                    code(cluster),
                    code(namespaced)
                ));
            }
            _ => {
                let [ci, ni] = Family::InstanceType.kinds();
                let [cp, np] = Family::Preference.kinds();
                sentences.push(format!(
                    "Each instance type and preference is published in two kinds, cluster-wide \
                     ({}, {}) and namespaced ({}, {}); what is listed here applies to both",
                    code(ci),
                    code(cp),
                    code(ni),
                    code(np)
                ));
            }
        }
        if !pairs.is_empty() && self.some_incomplete() {
            if let Some(last) = sentences.last_mut() {
                last.push_str(", unless a kind is named");
            }
        }
        for family in involved.iter().filter(|f| !pairs.contains(f)) {
            if let [kind] = self.kinds.of_family(*family).as_slice() {
                let what = match family {
                    Family::InstanceType => "Instance types",
                    Family::Preference => "Preferences",
                };
                sentences.push(format!("{what} are published as {} only", code(kind)));
            }
        }
        (!sentences.is_empty()).then(|| format!("{}.", sentences.join(". ")))
    }

    /// Whether some resource listed is not in every kind of its family, or
    /// changed in one kind otherwise than in the other.
    fn some_incomplete(&self) -> bool {
        let rows_incomplete = [Status::Added, Status::Removed]
            .into_iter()
            .flat_map(|status| rows(self.report, status))
            .any(|row| !self.kinds.complete(row.family, &row.kinds));
        let twins_incomplete = self.changed.iter().any(|twins| {
            Family::of(&twins.entry.kind)
                .is_some_and(|family| !self.kinds.complete(family, &twins.kinds))
        });
        rows_incomplete || twins_incomplete
    }

    // ------------------------------------------------------------ breaking

    /// Every reason to worry, once: removed resources (counted), each
    /// shared breaking change with the resources it touches, and the
    /// resources with breaking changes of their own, gathered by reason.
    fn write_breaking(&self, out: &mut String) {
        let mut lines = Vec::new();
        // Removed resources: one line, the table under Removed says which.
        let removed: Vec<String> = Family::ALL
            .iter()
            .filter_map(|family| {
                let n = rows(self.report, Status::Removed)
                    .iter()
                    .filter(|r| r.family == *family)
                    .count();
                (n > 0).then(|| family.count(n))
            })
            .collect();
        if !removed.is_empty() {
            let one = removed.len() == 1 && removed[0].starts_with("1 ");
            lines.push(format!(
                "- {} {} removed (see **Removed**) — {}",
                and_list(&removed),
                if one { "is" } else { "are" },
                after_removed(&removed_reason(if one { "it" } else { "them" }))
            ));
        }
        // Breaking changes, gathered by their reasons: a shared change and
        // the same change made with other values elsewhere are one line.
        let mut by_reasons: Vec<(String, Vec<ResourceId>)> = Vec::new();
        let mut add = |reasons: String, ids: Vec<ResourceId<'r>>| match by_reasons
            .iter_mut()
            .find(|(r, _)| *r == reasons)
        {
            Some((_, resources)) => resources.extend(ids),
            None => by_reasons.push((reasons, ids)),
        };
        for group in &self.shared.changes {
            if let Some(reason) = &group.change.breaking {
                add(reason.clone(), group.resources.clone());
            }
        }
        for twins in &self.changed {
            let mut reasons: Vec<&str> = Vec::new();
            for change in self.shared.own(twins.entry) {
                if let Some(reason) = &change.breaking {
                    if !reasons.contains(&reason.as_str()) {
                        reasons.push(reason);
                    }
                }
            }
            if !reasons.is_empty() {
                let ids = twins
                    .kinds
                    .iter()
                    .map(|k| (*k, twins.entry.name.as_str()))
                    .collect();
                add(reasons.join("; "), ids);
            }
        }
        for (reasons, mut resources) in by_reasons {
            resources.sort();
            resources.dedup();
            let who = match named(self.report, &resources).as_slice() {
                [one] => self.name_with_choice(one),
                _ => self.who_short(&resources),
            };
            lines.push(format!("- {} — {reasons}", capitalized(&who)));
        }
        if !lines.is_empty() {
            let _ = writeln!(out, "\n### Breaking changes\n\n{}", lines.join("\n"));
        }
    }

    // ------------------------------------------------------------ added, removed

    /// One table per family: instance types with their size and class,
    /// preferences with their display name.
    fn write_tables(&self, out: &mut String, rows: &[Named], status: Status) {
        let hints: HashMap<&str, &str> = self
            .report
            .entries
            .iter()
            .filter(|e| e.status == status)
            .filter_map(|e| Some((e.name.as_str(), e.hint.as_deref()?)))
            .collect();
        for family in Family::ALL {
            let rows: Vec<&Named> = rows.iter().filter(|r| r.family == family).collect();
            if rows.is_empty() {
                continue;
            }
            let mut table = String::new();
            let name_cell = |row: &Named| {
                let mut cell = format!(
                    "{}{}",
                    code(row.name),
                    self.kinds.qualifier(family, &row.kinds)
                );
                if let Some(hint) = hints.get(row.name) {
                    let _ = write!(cell, " — {hint}");
                }
                cell
            };
            match family {
                Family::InstanceType => {
                    let classes = rows.iter().any(|r| r.choice.class.is_some());
                    let _ = writeln!(
                        table,
                        "| Instance type | vCPUs | Memory |{}\n|---|---|---|{}",
                        if classes { " Class |" } else { "" },
                        if classes { "---|" } else { "" }
                    );
                    for row in &rows {
                        let Choice {
                            cpus,
                            memory,
                            class,
                            ..
                        } = &row.choice;
                        let _ = write!(
                            table,
                            "| {} | {} | {} |",
                            name_cell(row),
                            cell(cpus.as_deref()),
                            cell(memory.as_deref())
                        );
                        if classes {
                            let _ = write!(table, " {} |", cell(class.as_deref()));
                        }
                        table.push('\n');
                    }
                }
                Family::Preference => {
                    let _ = writeln!(table, "| Preference | Display name |\n|---|---|");
                    for row in &rows {
                        let _ = writeln!(
                            table,
                            "| {} | {} |",
                            name_cell(row),
                            cell(row.choice.display_name.as_deref())
                        );
                    }
                }
            }
            if rows.len() >= DETAILS_FROM {
                let _ = writeln!(
                    out,
                    "\n<details><summary>{}</summary>\n\n{table}\n</details>",
                    family.count(rows.len())
                );
            } else {
                let _ = write!(out, "\n{table}");
            }
        }
    }

    // ------------------------------------------------------------ changed

    /// The changes shared by several resources, once each with the
    /// resources they touch (widest first), then each resource's own.
    fn write_changed(&self, out: &mut String) {
        let blocks = self.shared.blocks();
        let own: Vec<&Twins> = self
            .changed
            .iter()
            .filter(|t| !self.shared.covers(t.entry))
            .collect();
        if blocks.is_empty() && own.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n### Changed");
        for block in &blocks {
            let named = named(self.report, block.resources);
            let (who, tables) = self.who_long(&named);
            let _ = writeln!(out, "\n**In {who}:**\n");
            for shared in &block.changes {
                let _ = writeln!(out, "- {}", self.change_item(shared.change, shared.source));
            }
            out.push_str(&tables);
        }
        for twins in own {
            let named = self.named_twins(twins);
            let _ = writeln!(out, "\n**In {}:**\n", self.name_with_choice(&named));
            for change in self.shared.own(twins.entry) {
                let _ = writeln!(
                    out,
                    "- {}",
                    self.change_item(change, change.source.as_deref())
                );
            }
        }
    }

    // ------------------------------------------------------------ names

    fn named_twins(&self, twins: &Twins<'r>) -> Named<'r> {
        let ids: Vec<ResourceId> = twins
            .kinds
            .iter()
            .map(|k| (*k, twins.entry.name.as_str()))
            .collect();
        named(self.report, &ids)
            .into_iter()
            .next()
            .unwrap_or(Named {
                family: Family::of(&twins.entry.kind).unwrap_or(Family::Preference),
                name: twins.entry.name.as_str(),
                kinds: twins.kinds.clone(),
                choice: Choice::default(),
            })
    }

    /// `` `windows.10` (Microsoft Windows 10) ``, `` `u1.medium` (1 vCPU,
    /// 4Gi) ``, with its kind when it is not in every kind.
    fn name_with_choice(&self, named: &Named) -> String {
        let mut notes: Vec<String> = named
            .choice
            .short()
            .map(|c| escape(&c))
            .into_iter()
            .collect();
        if !self.kinds.complete(named.family, &named.kinds) {
            notes.push(format!("{} only", named.kinds.join(" and ")));
        }
        if notes.is_empty() {
            code(named.name)
        } else {
            format!("{} ({})", code(named.name), notes.join("; "))
        }
    }

    /// Resources in a sentence, by name only: `` `a`, `b` and `c` ``, or
    /// `all 54 preferences`, or `all 54 preferences but `x``, or `40
    /// preferences (listed under Changed)`.
    fn who_short(&self, resources: &[ResourceId]) -> String {
        let named = named(self.report, resources);
        let mut parts = Vec::new();
        for family in Family::ALL {
            let these: Vec<&Named> = named.iter().filter(|n| n.family == family).collect();
            if these.is_empty() {
                continue;
            }
            if all_of_family(self.report, self.kinds, family, &these) {
                parts.push(format!("all {}", family.count(these.len())));
            } else if these.len() <= NAMES_INLINE {
                let names: Vec<String> = these
                    .iter()
                    .map(|n| format!("{}{}", code(n.name), self.kinds.qualifier(family, &n.kinds)))
                    .collect();
                parts.push(and_list(&names));
            } else {
                parts.push(format!(
                    "{} (listed under Changed)",
                    family.count(these.len())
                ));
            }
        }
        and_list(&parts)
    }

    /// Resources as the lead of a group of changes: one or two by name with
    /// what users choose them by; more by their count (or `all 54
    /// preferences`), then listed in a table.
    fn who_long(&self, named: &[Named]) -> (String, String) {
        let mut parts = Vec::new();
        let mut tables = String::new();
        for family in Family::ALL {
            let these: Vec<&Named> = named.iter().filter(|n| n.family == family).collect();
            if these.is_empty() {
                continue;
            }
            if all_of_family(self.report, self.kinds, family, &these) {
                parts.push(format!("all {}", family.count(these.len())));
                continue;
            }
            let missing = missing_of_family(self.report, family, &these);
            let complete = these.iter().all(|n| self.kinds.complete(family, &n.kinds));
            if these.len() > NAMES_INLINE && complete && !missing.is_empty() && missing.len() <= 3 {
                let but: Vec<String> = missing.iter().map(|n| code(n)).collect();
                parts.push(format!(
                    "all {} but {}",
                    family.count(these.len() + missing.len()),
                    and_list(&but)
                ));
            } else if these.len() <= NAMES_BY_NAME {
                let names: Vec<String> = these.iter().map(|n| self.name_with_choice(n)).collect();
                parts.push(and_list(&names));
            } else {
                parts.push(family.count(these.len()));
                let rows: Vec<Named> = these
                    .iter()
                    .map(|n| Named {
                        family: n.family,
                        name: n.name,
                        kinds: n.kinds.clone(),
                        choice: n.choice.clone(),
                    })
                    .collect();
                self.write_tables(&mut tables, &rows, Status::Changed);
            }
        }
        (and_list(&parts), tables)
    }

    // ------------------------------------------------------------ changes

    /// `` `spec.cpu.guest`: `1` → `2` **(breaking)** ``, then where the new
    /// value is set, as a link when the repository's URL is known.
    fn change_item(&self, change: &Change, source: Option<&str>) -> String {
        let what = match (&change.old, &change.new) {
            (None, Some(new)) => format!("added {}", code(&cut(&value(new), VALUE_WIDTH))),
            (Some(old), None) => format!("removed (was {})", code(&cut(&value(old), VALUE_WIDTH))),
            (Some(old), Some(new)) => {
                let (old, new) = around(&value(old), &value(new), VALUE_WIDTH);
                format!("{} → {}", code(&old), code(&new))
            }
            (None, None) => String::new(),
        };
        let flag = if change.breaking.is_some() {
            " **(breaking)**"
        } else {
            ""
        };
        let source = source
            .map(|s| match self.links.and_then(|l| l.url(s)) {
                Some(url) => format!(" ([{}]({url}))", escape(s)),
                None => format!(" ({})", code(s)),
            })
            .unwrap_or_default();
        format!("{}: {what}{flag}{source}", field(&change.path))
    }
}

/// `all 54 preferences` → `All 54 preferences`.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `removed: VMs and …` → `VMs and …`.
fn after_removed(reason: &str) -> &str {
    reason.strip_prefix("removed: ").unwrap_or(reason)
}

/// A field for a reader: `label `key``, `annotation `key``, else the
/// dotted path.
fn field(path: &[Segment]) -> String {
    if let [Segment::Key(meta), Segment::Key(map), Segment::Key(key)] = path {
        if meta == "metadata" {
            match map.as_str() {
                "labels" => return format!("label {}", code(key)),
                "annotations" => return format!("annotation {}", code(key)),
                _ => {}
            }
        }
    }
    code(&crate::diff::compare::path_string(path))
}
