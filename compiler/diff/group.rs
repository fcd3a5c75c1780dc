//! Group: how the entries of a [`Report`] are gathered so that a report
//! reads well when many resources differ in the same way. The renderers
//! use it; the report itself is untouched, so its counts, its breaking
//! changes and `--fail-on` do not depend on any of this.
//!
//! Three gatherings:
//! - twins: a cluster-wide resource and its namespaced twin
//!   (`VirtualMachineClusterPreference alpine`, `VirtualMachinePreference
//!   alpine`) that differ in the same way are one item with both kinds;
//! - shared changes: a change made in the same way (same path, same old and
//!   new value, same reason to break) to [`SHARED_MIN`] or more resources is
//!   shown once with the resources it touches, and changes that touch
//!   exactly the same resources are shown together, as one [`Block`];
//! - series: [`SERIES_MIN`] or more names of one prefix (`rt1.*`) added or
//!   removed at once, with the same kinds, are one item.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::compare::{path_string, Change, Entry, Report, Status};
use super::inline::inline;

/// A change made to this many resources or more is a shared change. Three,
/// so that a change to one resource and its namespaced twin is still shown
/// with the resource, and anything wider is shown once.
pub const SHARED_MIN: usize = 3;

/// This many added or removed names of one prefix or more are a series.
pub const SERIES_MIN: usize = 3;

/// How many names a description lists before "and N more".
const NAMES_SHOWN: usize = 10;

/// A resource by kind and name.
pub type ResourceId<'a> = (&'a str, &'a str);

// ------------------------------------------------------------------ twins

/// A resource, or a cluster-wide resource and its namespaced twin that
/// differ in the same way.
pub struct Twins<'a> {
    pub entry: &'a Entry,
    pub kinds: Vec<&'a str>,
}

impl Twins<'_> {
    pub fn kinds(&self) -> String {
        self.kinds.join(", ")
    }
}

/// `VirtualMachineClusterPreference` → `VirtualMachinePreference`.
fn namespaced_twin(kind: &str) -> Option<String> {
    kind.strip_prefix("VirtualMachineCluster")
        .map(|rest| format!("VirtualMachine{rest}"))
}

/// Instance types before preferences, whatever the scope.
fn family(kind: &str) -> String {
    kind.replacen("Cluster", "", 1)
}

/// Added and removed twins are listed without their content, so only what
/// is shown needs to agree.
fn same_difference(a: &Entry, b: &Entry) -> bool {
    a.status == b.status && a.changes == b.changes && a.hint == b.hint
}

/// The entries of one status with their twins merged, instance types
/// before preferences, by name.
pub fn twins(report: &Report, status: Status) -> Vec<Twins<'_>> {
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
        groups.push(Twins { entry, kinds });
    }
    groups.sort_by(|a, b| {
        family(a.kinds[0])
            .cmp(&family(b.kinds[0]))
            .then_with(|| a.entry.name.cmp(&b.entry.name))
            .then_with(|| a.kinds.cmp(&b.kinds))
    });
    groups
}

// ------------------------------------------------------------------ shared changes

/// One change made in the same way to several resources.
pub struct SharedChange<'a> {
    pub change: &'a Change,
    /// The line that sets the new value, when one line sets it everywhere.
    pub source: Option<&'a str>,
    /// Sorted by kind, then name.
    pub resources: Vec<ResourceId<'a>>,
}

/// Every shared change of a report, sorted by path, then by kind of
/// change and values.
pub struct Shared<'a> {
    pub changes: Vec<SharedChange<'a>>,
    keys: HashSet<String>,
}

/// Shared changes that touch exactly the same resources.
pub struct Block<'s, 'a> {
    pub resources: &'s [ResourceId<'a>],
    pub changes: Vec<&'s SharedChange<'a>>,
}

/// What makes two changes the same: path, values (an integer is not a
/// float, `.nan` is `.nan`) and the reason they break. `Debug` spells all
/// of it out. Not where the value is set: that may differ between resources.
fn change_key(change: &Change) -> String {
    format!(
        "{:?}",
        (&change.path, &change.old, &change.new, &change.breaking)
    )
}

impl<'a> Shared<'a> {
    pub fn of(report: &'a Report) -> Shared<'a> {
        let mut by_key: HashMap<String, SharedChange<'a>> = HashMap::new();
        for entry in report
            .entries
            .iter()
            .filter(|e| e.status == Status::Changed)
        {
            for change in &entry.changes {
                let shared = by_key
                    .entry(change_key(change))
                    .or_insert_with(|| SharedChange {
                        change,
                        source: change.source.as_deref(),
                        resources: Vec::new(),
                    });
                if shared.source != change.source.as_deref() {
                    shared.source = None;
                }
                shared
                    .resources
                    .push((entry.kind.as_str(), entry.name.as_str()));
            }
        }
        let mut shared: Vec<(String, SharedChange<'a>)> = by_key
            .into_iter()
            .filter(|(_, s)| s.resources.len() >= SHARED_MIN)
            .collect();
        let describe = |c: &Change| {
            (
                path_string(&c.path),
                c.kind(),
                c.old.as_ref().map(|v| inline(v, usize::MAX)),
                c.new.as_ref().map(|v| inline(v, usize::MAX)),
            )
        };
        shared.sort_by(|(ka, a), (kb, b)| {
            describe(a.change)
                .cmp(&describe(b.change))
                .then_with(|| ka.cmp(kb))
        });
        let keys = shared.iter().map(|(key, _)| key.clone()).collect();
        Shared {
            changes: shared.into_iter().map(|(_, s)| s).collect(),
            keys,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn contains(&self, change: &Change) -> bool {
        !self.keys.is_empty() && self.keys.contains(&change_key(change))
    }

    /// The changes of an entry that are its own, not shared.
    pub fn own<'e>(&self, entry: &'e Entry) -> Vec<&'e Change> {
        entry.changes.iter().filter(|c| !self.contains(c)).collect()
    }

    /// A changed entry whose every change is shown among the shared ones.
    pub fn covers(&self, entry: &Entry) -> bool {
        entry.status == Status::Changed && entry.changes.iter().all(|c| self.contains(c))
    }

    /// The shared changes gathered by the resources they touch: the widest
    /// first, changes in path order within each.
    pub fn blocks(&self) -> Vec<Block<'_, 'a>> {
        let mut blocks: Vec<Block<'_, 'a>> = Vec::new();
        for shared in &self.changes {
            match blocks
                .iter_mut()
                .find(|b| b.resources == shared.resources.as_slice())
            {
                Some(block) => block.changes.push(shared),
                None => blocks.push(Block {
                    resources: &shared.resources,
                    changes: vec![shared],
                }),
            }
        }
        blocks.sort_by(|a, b| {
            b.resources
                .len()
                .cmp(&a.resources.len())
                .then_with(|| a.resources.cmp(b.resources))
        });
        blocks
    }
}

/// Resources said compactly, one segment per kind (or per kind and its
/// twin, when they hold the same names): `all VirtualMachineClusterPreference
/// and VirtualMachinePreference (54 each)`, `all … except u1.small (56)`,
/// `fedora, rhel.9 (VirtualMachineClusterPreference)`, `a, b, …, and 40
/// more (…)`.
pub struct Description {
    pub segments: Vec<String>,
    /// Some names were left out ("and N more").
    pub abbreviated: bool,
}

/// Describes `resources` (changed ones, so "all" means all of a kind that
/// exist on both sides); `name` spells one name (plain, or as code).
pub fn describe(
    resources: &[ResourceId],
    report: &Report,
    name: &dyn Fn(&str) -> String,
) -> Description {
    let mut by_kind: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (kind, n) in resources {
        by_kind.entry(kind).or_default().push(n);
    }
    let mut on_both: HashMap<&str, Vec<&str>> = HashMap::new();
    for (kind, n) in &report.on_both_sides {
        on_both.entry(kind.as_str()).or_default().push(n.as_str());
    }
    let mut kinds: Vec<&str> = by_kind.keys().copied().collect();
    kinds.sort_by_key(|k| (family(k), *k));
    let mut done: HashSet<&str> = HashSet::new();
    let mut description = Description {
        segments: Vec::new(),
        abbreviated: false,
    };
    for kind in kinds {
        if !done.insert(kind) {
            continue;
        }
        let names = &by_kind[kind];
        let mut together = vec![kind];
        if let Some(twin) = namespaced_twin(kind) {
            if let Some((&twin, twin_names)) = by_kind.get_key_value(twin.as_str()) {
                if twin_names == names && on_both.get(twin) == on_both.get(kind) {
                    together.push(twin);
                    done.insert(twin);
                }
            }
        }
        let kinds_text = together.join(" and ");
        let each = if together.len() > 1 { " each" } else { "" };
        let count = names.len();
        let all: &[&str] = on_both.get(kind).map(Vec::as_slice).unwrap_or_default();
        let missing: Vec<&str> = all
            .iter()
            .filter(|n| names.binary_search(n).is_err())
            .copied()
            .collect();
        let list = |names: &[&str]| names.iter().map(|n| name(n)).collect::<Vec<_>>();
        let segment = if missing.is_empty() && count == all.len() {
            format!("all {kinds_text} ({count}{each})")
        } else if !missing.is_empty() && missing.len() <= 3 && count > NAMES_SHOWN {
            format!(
                "all {kinds_text} except {} ({count}{each})",
                list(&missing).join(", ")
            )
        } else if count <= NAMES_SHOWN {
            format!("{} ({kinds_text})", list(names).join(", "))
        } else {
            description.abbreviated = true;
            let shown = 6;
            format!(
                "{}, and {} more ({kinds_text})",
                list(&names[..shown]).join(", "),
                count - shown
            )
        };
        description.segments.push(segment);
    }
    description
}

// ------------------------------------------------------------------ series

/// Names of one prefix added or removed together, with the same kinds.
pub struct Series<'a> {
    /// `rt1` for `rt1.small`, `rt1.large`, …
    pub prefix: &'a str,
    pub kinds: Vec<&'a str>,
    pub names: Vec<&'a str>,
    /// Removed, else added.
    pub removed: bool,
    /// No name of the prefix is left on the other side: a series removed
    /// whole, or a new one.
    pub whole: bool,
}

impl Series<'_> {
    pub fn kinds(&self) -> String {
        self.kinds.join(", ")
    }

    /// Resources, each kind counted.
    pub fn count(&self) -> usize {
        self.names.len() * self.kinds.len()
    }
}

/// What a section lists: a resource (with its twin), or a series.
pub enum Item<'a> {
    One(Twins<'a>),
    Series(Series<'a>),
}

impl Item<'_> {
    /// Resources, each kind counted.
    pub fn count(&self) -> usize {
        match self {
            Item::One(twins) => twins.kinds.len(),
            Item::Series(series) => series.count(),
        }
    }
}

fn prefix(name: &str) -> Option<&str> {
    name.split_once('.').map(|(prefix, _)| prefix)
}

/// The items of one status in the order of [`twins`]. Added and removed
/// resources of one prefix and the same kinds make a series when there are
/// [`SERIES_MIN`] names or more; one with a rename hint stays on its own.
pub fn items(report: &Report, status: Status) -> Vec<Item<'_>> {
    let twins = twins(report, status);
    if status == Status::Changed {
        return twins.into_iter().map(Item::One).collect();
    }
    let series_key = |t: &Twins<'_>| -> Option<(String, Vec<String>)> {
        if t.entry.hint.is_some() {
            return None;
        }
        let prefix = prefix(&t.entry.name)?;
        Some((
            prefix.to_string(),
            t.kinds.iter().map(|k| k.to_string()).collect(),
        ))
    };
    let mut sizes: HashMap<(String, Vec<String>), usize> = HashMap::new();
    for t in &twins {
        if let Some(key) = series_key(t) {
            *sizes.entry(key).or_default() += 1;
        }
    }
    // The other side: what is there when these were removed, or was there
    // before these were added.
    let other = if status == Status::Removed {
        Status::Added
    } else {
        Status::Removed
    };
    let mut other_side: Vec<(&str, &str)> = report
        .on_both_sides
        .iter()
        .map(|(k, n)| (k.as_str(), n.as_str()))
        .collect();
    other_side.extend(
        report
            .entries
            .iter()
            .filter(|e| e.status == other)
            .map(|e| (e.kind.as_str(), e.name.as_str())),
    );
    let mut items: Vec<Item<'_>> = Vec::new();
    let mut placed: HashMap<(String, Vec<String>), usize> = HashMap::new();
    for t in twins {
        let key = series_key(&t).filter(|key| sizes[key] >= SERIES_MIN);
        let Some(key) = key else {
            items.push(Item::One(t));
            continue;
        };
        if let Some(&at) = placed.get(&key) {
            if let Some(Item::Series(series)) = items.get_mut(at) {
                series.names.push(t.entry.name.as_str());
            }
            continue;
        }
        let prefix = prefix(&t.entry.name).unwrap_or_default();
        let whole = !other_side.iter().any(|(kind, name)| {
            t.kinds.contains(kind)
                && name
                    .strip_prefix(prefix)
                    .is_some_and(|r| r.starts_with('.'))
        });
        placed.insert(key, items.len());
        items.push(Item::Series(Series {
            prefix,
            kinds: t.kinds,
            names: vec![t.entry.name.as_str()],
            removed: status == Status::Removed,
            whole,
        }));
    }
    items
}

/// `items` joined by `sep` and a space, in lines of at most `width`
/// characters: the first line starts with `first`, the others with `rest`.
/// An item is cut at spaces only when it is longer than a line.
pub fn wrap(items: &[String], sep: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    let len = |s: &str| s.chars().count();
    let mut place = |piece: &str, line: &mut String, empty: &mut bool| {
        if !*empty && len(line) + 1 + len(piece) > width {
            lines.push(std::mem::replace(line, rest.to_string()));
            *empty = true;
        }
        if !*empty {
            line.push(' ');
        }
        line.push_str(piece);
        *empty = false;
    };
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item}{sep}")
        } else {
            item.clone()
        };
        if len(rest) + len(&piece) <= width {
            place(&piece, &mut line, &mut empty);
        } else {
            for word in piece.split(' ').filter(|w| !w.is_empty()) {
                place(word, &mut line, &mut empty);
            }
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::compare::compare;
    use crate::diff::{Resource, Snapshot};
    use crate::yaml::Yaml;

    const IT: &str = "VirtualMachineClusterInstancetype";
    const NS_IT: &str = "VirtualMachineInstancetype";

    /// A resource whose labels are `labels`.
    fn labelled(kind: &str, name: &str, labels: &[(&str, &str)]) -> Resource {
        let labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), Yaml::Str(v.to_string())))
            .collect();
        Resource {
            kind: kind.into(),
            name: name.into(),
            body: Yaml::Map(vec![(
                "metadata".into(),
                Yaml::Map(vec![("labels".into(), Yaml::Map(labels))]),
            )]),
        }
    }

    fn report(old: Vec<Resource>, new: Vec<Resource>) -> Report {
        compare(&Snapshot::new("a", old), &Snapshot::new("b", new))
    }

    #[test]
    fn a_change_is_shared_from_three_resources_with_the_same_values() {
        let names = ["a", "b", "c", "d"];
        let old = names
            .iter()
            .map(|n| labelled(IT, n, &[("vendor", "x"), ("tier", "1")]))
            .collect();
        // vendor: x → y on a, b, c; → z on d. tier: 1 → 2 on a and b only.
        let new = vec![
            labelled(IT, "a", &[("vendor", "y"), ("tier", "2")]),
            labelled(IT, "b", &[("vendor", "y"), ("tier", "2")]),
            labelled(IT, "c", &[("vendor", "y"), ("tier", "1")]),
            labelled(IT, "d", &[("vendor", "z"), ("tier", "1")]),
        ];
        let report = report(old, new);
        let shared = Shared::of(&report);
        assert_eq!(shared.changes.len(), 1);
        let group = &shared.changes[0];
        assert_eq!(path_string(&group.change.path), "metadata.labels.vendor");
        assert_eq!(group.change.new, Some(Yaml::Str("y".into())));
        assert_eq!(group.resources, vec![(IT, "a"), (IT, "b"), (IT, "c")]);
        assert!(
            group.change.breaking.is_some(),
            "a changed label still breaks"
        );
        let entry = |name: &str| report.entries.iter().find(|e| e.name == name).unwrap();
        assert!(shared.covers(entry("c")));
        assert!(!shared.covers(entry("a")), "a has its own tier change");
        assert_eq!(shared.own(entry("a")).len(), 1);
        assert!(!shared.covers(entry("d")));
        assert_eq!(report.summary().breaking, 4, "counts are the report's");
    }

    #[test]
    fn no_shared_changes_means_no_groups() {
        let report = report(
            vec![
                labelled(IT, "a", &[("v", "1")]),
                labelled(IT, "b", &[("v", "1")]),
            ],
            vec![
                labelled(IT, "a", &[("v", "2")]),
                labelled(IT, "b", &[("v", "2")]),
            ],
        );
        assert!(Shared::of(&report).is_empty());
        assert_eq!(Shared::of(&report).blocks().len(), 0);
    }

    #[test]
    fn descriptions_say_all_except_or_a_few_names() {
        let names: Vec<String> = (0..20).map(|i| format!("n{i:02}")).collect();
        let old: Vec<Resource> = names
            .iter()
            .flat_map(|n| {
                [
                    labelled(IT, n, &[("v", "1")]),
                    labelled(NS_IT, n, &[("v", "1")]),
                ]
            })
            .collect();
        let report = report(old.clone(), old);
        let ids = |kinds: &[&'static str], names: &[String]| -> Vec<(&'static str, String)> {
            kinds
                .iter()
                .flat_map(|k| names.iter().map(move |n| (*k, n.clone())))
                .collect()
        };
        let say = |ids: &[(&'static str, String)]| {
            let ids: Vec<ResourceId> = ids.iter().map(|(k, n)| (*k, n.as_str())).collect();
            describe(&ids, &report, &|n| n.to_string())
                .segments
                .join("; ")
        };
        assert_eq!(
            say(&ids(&[IT, NS_IT], &names)),
            format!("all {IT} and {NS_IT} (20 each)")
        );
        assert_eq!(say(&ids(&[IT], &names)), format!("all {IT} (20)"));
        assert_eq!(
            say(&ids(&[IT], &names[1..])),
            format!("all {IT} except n00 (19)")
        );
        assert_eq!(
            say(&ids(&[IT], &names[..3])),
            format!("n00, n01, n02 ({IT})")
        );
        let mut some = names[..5].to_vec();
        some.extend(names[9..].iter().cloned());
        let ids: Vec<ResourceId> = some.iter().map(|n| (IT, n.as_str())).collect();
        let description = describe(&ids, &report, &|n| n.to_string());
        assert_eq!(
            description.segments,
            vec![format!("n00, n01, n02, n03, n04, n09, and 10 more ({IT})")]
        );
        assert!(description.abbreviated);
    }

    #[test]
    fn series_gather_names_of_one_prefix() {
        let old = vec![
            labelled(IT, "rt1.small", &[]),
            labelled(IT, "rt1.large", &[]),
            labelled(IT, "rt1.xlarge", &[]),
            labelled(IT, "u1.small", &[]),
            labelled(IT, "u1.large", &[]),
            labelled(IT, "u1.xlarge", &[]),
            labelled(IT, "u1.nano", &[]),
            labelled(IT, "cx1.small", &[]),
        ];
        let new = vec![labelled(IT, "u1.nano", &[])];
        let report = report(old, new);
        let items = items(&report, Status::Removed);
        let described: Vec<String> = items
            .iter()
            .map(|item| match item {
                Item::One(t) => t.entry.name.clone(),
                Item::Series(s) => {
                    format!("{}.* {} whole={}", s.prefix, s.names.join(","), s.whole)
                }
            })
            .collect();
        assert_eq!(
            described,
            vec![
                "cx1.small",
                "rt1.* rt1.large,rt1.small,rt1.xlarge whole=true",
                "u1.* u1.large,u1.small,u1.xlarge whole=false",
            ]
        );
        assert_eq!(items.iter().map(Item::count).sum::<usize>(), 7);
    }

    #[test]
    fn wrap_keeps_items_whole_unless_longer_than_a_line() {
        let items: Vec<String> = ["aaa bbb", "ccc ddd", "eee"].map(String::from).to_vec();
        assert_eq!(
            wrap(&items, ";", 13, "> ", "  "),
            vec!["> aaa bbb;", "  ccc ddd;", "  eee"]
        );
        let long = vec!["aaaa bbbb cccc dddd".to_string()];
        assert_eq!(wrap(&long, ",", 10, "", ""), vec!["aaaa bbbb", "cccc dddd"]);
    }
}
