//! Resources as a reader of release notes counts them: an instance type or
//! a preference is one thing, whether the release publishes it as the
//! cluster-wide kind, the namespaced kind or both. The kinds are said once
//! (see [`Kinds`]); a resource is named with its kind only when it is not
//! in every kind of its family.
//!
//! Also what a user chooses a resource by: an instance type's size (vCPUs
//! and memory) and class, a preference's display name.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diff::compare::{Entry, Report, Status};
use crate::diff::group::ResourceId;
use crate::yaml::Yaml;

/// Instance types or preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    InstanceType,
    Preference,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::InstanceType, Family::Preference];

    pub fn of(kind: &str) -> Option<Family> {
        if kind.ends_with("Instancetype") {
            Some(Family::InstanceType)
        } else if kind.ends_with("Preference") {
            Some(Family::Preference)
        } else {
            None
        }
    }

    /// `1 preference`, `3 instance types`.
    pub fn count(self, n: usize) -> String {
        format!("{n} {}", self.noun(n))
    }

    pub fn noun(self, n: usize) -> &'static str {
        match (self, n == 1) {
            (Family::InstanceType, true) => "instance type",
            (Family::InstanceType, false) => "instance types",
            (Family::Preference, true) => "preference",
            (Family::Preference, false) => "preferences",
        }
    }

    /// The cluster-wide kind, then the namespaced one.
    pub fn kinds(self) -> [&'static str; 2] {
        match self {
            Family::InstanceType => [
                "VirtualMachineClusterInstancetype",
                "VirtualMachineInstancetype",
            ],
            Family::Preference => [
                "VirtualMachineClusterPreference",
                "VirtualMachinePreference",
            ],
        }
    }
}

/// The kinds each family has in the two releases compared: what "every
/// kind" means for a resource.
pub struct Kinds {
    present: BTreeMap<Family, BTreeSet<String>>,
}

impl Kinds {
    pub fn of(report: &Report) -> Kinds {
        let mut present: BTreeMap<Family, BTreeSet<String>> = BTreeMap::new();
        let kinds = report
            .on_both_sides
            .iter()
            .map(|(kind, _)| kind)
            .chain(report.entries.iter().map(|e| &e.kind));
        for kind in kinds {
            if let Some(family) = Family::of(kind) {
                present.entry(family).or_default().insert(kind.clone());
            }
        }
        Kinds { present }
    }

    /// The kinds of `family`, cluster-wide first.
    pub fn of_family(&self, family: Family) -> Vec<&str> {
        let mut kinds: Vec<&str> = self
            .present
            .get(&family)
            .map(|k| k.iter().map(String::as_str).collect())
            .unwrap_or_default();
        kinds.sort_by_key(|k| !k.contains("Cluster"));
        kinds
    }

    /// Whether `kinds` (of one resource) are every kind of its family.
    pub fn complete(&self, family: Family, kinds: &[&str]) -> bool {
        self.of_family(family).iter().all(|k| kinds.contains(k))
    }

    /// `" (VirtualMachineClusterPreference only)"` for a resource that is
    /// not in every kind of its family; `""` otherwise.
    pub fn qualifier(&self, family: Family, kinds: &[&str]) -> String {
        if self.complete(family, kinds) {
            String::new()
        } else {
            let mut kinds = kinds.to_vec();
            kinds.sort_by_key(|k| !k.contains("Cluster"));
            format!(" ({} only)", kinds.join(" and "))
        }
    }
}

/// Resources counted by family: distinct names added, removed, changed,
/// and with a breaking change.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub breaking: usize,
}

impl Counts {
    pub fn any(&self) -> bool {
        self.added + self.removed + self.changed > 0
    }
}

pub fn counts(report: &Report) -> BTreeMap<Family, Counts> {
    let mut names: BTreeMap<(Family, &str), BTreeSet<&str>> = BTreeMap::new();
    for entry in &report.entries {
        let Some(family) = Family::of(&entry.kind) else {
            continue;
        };
        names
            .entry((family, entry.status.as_str()))
            .or_default()
            .insert(&entry.name);
        if entry.is_breaking() {
            names
                .entry((family, "breaking"))
                .or_default()
                .insert(&entry.name);
        }
    }
    let mut counts: BTreeMap<Family, Counts> = BTreeMap::new();
    for ((family, what), names) in names {
        let slot = counts.entry(family).or_default();
        let n = names.len();
        match what {
            "added" => slot.added = n,
            "removed" => slot.removed = n,
            "changed" => slot.changed = n,
            _ => slot.breaking = n,
        }
    }
    counts
}

// ------------------------------------------------------------------ what users choose by

fn get<'a>(body: &'a Yaml, path: &[&str]) -> Option<&'a Yaml> {
    path.iter().try_fold(body, |value, key| match value {
        Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    })
}

fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::Str(s) => Some(s.clone()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::Float(f) if f.is_finite() => Some(f.to_string()),
        _ => None,
    }
}

/// What a user chooses a resource by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    /// A preference's `openshift.io/display-name`.
    pub display_name: Option<String>,
    /// An instance type's `spec.cpu.guest`.
    pub cpus: Option<String>,
    /// An instance type's `spec.memory.guest`.
    pub memory: Option<String>,
    /// An instance type's class: its `instancetype.kubevirt.io/displayName`.
    pub class: Option<String>,
}

impl Choice {
    /// From the resource as the newer release has it (the older one for a
    /// removed resource).
    pub fn of(entry: &Entry) -> Choice {
        let Some(body) = entry.new.as_ref().or(entry.old.as_ref()) else {
            return Choice::default();
        };
        let annotation = |key: &str| {
            get(body, &["metadata", "annotations", key])
                .and_then(scalar)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        match Family::of(&entry.kind) {
            Some(Family::InstanceType) => Choice {
                cpus: get(body, &["spec", "cpu", "guest"]).and_then(scalar),
                memory: get(body, &["spec", "memory", "guest"]).and_then(scalar),
                class: annotation("instancetype.kubevirt.io/displayName"),
                ..Choice::default()
            },
            Some(Family::Preference) => Choice {
                display_name: annotation("openshift.io/display-name"),
                ..Choice::default()
            },
            None => Choice::default(),
        }
    }

    /// `2 vCPUs, 4Gi` for an instance type, the display name for a
    /// preference; `None` when the resource says neither.
    pub fn short(&self) -> Option<String> {
        if let Some(name) = &self.display_name {
            return Some(name.clone());
        }
        let cpus = self.cpus.as_ref().map(|c| {
            let one = c == "1";
            format!("{c} vCPU{}", if one { "" } else { "s" })
        });
        match (cpus, &self.memory) {
            (Some(c), Some(m)) => Some(format!("{c}, {m}")),
            (Some(c), None) => Some(c),
            (None, Some(m)) => Some(m.clone()),
            (None, None) => None,
        }
    }
}

// ------------------------------------------------------------------ who

/// One resource of a group: its name, its kinds and what users choose it by.
pub struct Named<'a> {
    pub family: Family,
    pub name: &'a str,
    pub kinds: Vec<&'a str>,
    pub choice: Choice,
}

/// Resources (kind, name) gathered by family and name, in family then name
/// order, with what users choose them by (from their entries in the report).
pub fn named<'a>(report: &'a Report, resources: &[ResourceId<'a>]) -> Vec<Named<'a>> {
    let entries: HashMap<(&str, &str), &Entry> = report
        .entries
        .iter()
        .map(|e| ((e.kind.as_str(), e.name.as_str()), e))
        .collect();
    let mut by_name: BTreeMap<(Family, &str), Vec<&str>> = BTreeMap::new();
    for (kind, name) in resources {
        if let Some(family) = Family::of(kind) {
            by_name.entry((family, name)).or_default().push(kind);
        }
    }
    by_name
        .into_iter()
        .map(|((family, name), kinds)| {
            let choice = kinds
                .iter()
                .find_map(|k| entries.get(&(*k, name)))
                .map(|e| Choice::of(e))
                .unwrap_or_default();
            Named {
                family,
                name,
                kinds,
                choice,
            }
        })
        .collect()
}

/// Whether `named` (of one family) are every resource of that family that
/// is in both releases, each in every kind.
pub fn all_of_family(report: &Report, kinds: &Kinds, family: Family, named: &[&Named]) -> bool {
    let on_both: BTreeSet<&str> = report
        .on_both_sides
        .iter()
        .filter(|(kind, _)| Family::of(kind) == Some(family))
        .map(|(_, name)| name.as_str())
        .collect();
    let these: BTreeSet<&str> = named.iter().map(|n| n.name).collect();
    !these.is_empty() && these == on_both && named.iter().all(|n| kinds.complete(family, &n.kinds))
}

/// The resources of `family` in both releases that `named` leaves out.
pub fn missing_of_family<'r>(report: &'r Report, family: Family, named: &[&Named]) -> Vec<&'r str> {
    let these: BTreeSet<&str> = named.iter().map(|n| n.name).collect();
    let missing: BTreeSet<&str> = report
        .on_both_sides
        .iter()
        .filter(|(kind, name)| Family::of(kind) == Some(family) && !these.contains(name.as_str()))
        .map(|(_, name)| name.as_str())
        .collect();
    missing.into_iter().collect()
}

/// Entries of one status as rows: one per family and name, with the kinds
/// it has that status in.
pub fn rows(report: &Report, status: Status) -> Vec<Named<'_>> {
    let ids: Vec<ResourceId> = report
        .entries
        .iter()
        .filter(|e| e.status == status)
        .map(|e| (e.kind.as_str(), e.name.as_str()))
        .collect();
    named(report, &ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::compare::compare;
    use crate::diff::{Resource, Snapshot};

    fn resource(kind: &str, name: &str, spec: Yaml) -> Resource {
        Resource {
            kind: kind.into(),
            name: name.into(),
            body: Yaml::Map(vec![("spec".into(), spec)]),
        }
    }

    fn sized(cpus: i64, memory: &str) -> Yaml {
        Yaml::Map(vec![
            (
                "cpu".into(),
                Yaml::Map(vec![("guest".into(), Yaml::Int(cpus))]),
            ),
            (
                "memory".into(),
                Yaml::Map(vec![("guest".into(), Yaml::Str(memory.into()))]),
            ),
        ])
    }

    #[test]
    fn a_resource_in_both_kinds_counts_once() {
        let [cluster, namespaced] = Family::InstanceType.kinds();
        let old = vec![
            resource(cluster, "a", sized(1, "1Gi")),
            resource(namespaced, "a", sized(1, "1Gi")),
        ];
        let new = vec![
            resource(cluster, "a", sized(2, "1Gi")),
            resource(namespaced, "a", sized(2, "1Gi")),
            resource(cluster, "b", sized(1, "2Gi")),
        ];
        let report = compare(&Snapshot::new("o", old), &Snapshot::new("n", new));
        let counts = counts(&report);
        assert_eq!(
            counts[&Family::InstanceType],
            Counts {
                added: 1,
                removed: 0,
                changed: 1,
                breaking: 1,
            }
        );
        let kinds = Kinds::of(&report);
        let added = rows(&report, Status::Added);
        assert_eq!(added.len(), 1);
        assert_eq!(
            kinds.qualifier(Family::InstanceType, &added[0].kinds),
            format!(" ({cluster} only)")
        );
        assert_eq!(added[0].choice.short().as_deref(), Some("1 vCPU, 2Gi"));
        let changed = rows(&report, Status::Changed);
        assert_eq!(changed[0].kinds.len(), 2);
        assert_eq!(changed[0].choice.short().as_deref(), Some("2 vCPUs, 1Gi"));
        let refs: Vec<&Named> = changed.iter().collect();
        assert!(all_of_family(&report, &kinds, Family::InstanceType, &refs));
    }
}
