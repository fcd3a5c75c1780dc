//! Compare: two snapshots → a [`Report`].
//!
//! Resources are matched by kind and name: each is added, removed, changed
//! or the same. For a changed resource every differing field is one
//! [`Change`] with its path and old and new values; a subtree present on
//! one side only is one change at its root, as is a list whose length
//! changed.
//!
//! Then each change is classified. Breaking, with the reason:
//! - a removed resource (VMs and templates name it);
//! - a changed `spec` of an instance type (VMs that name it get the new
//!   values when they restart), unless only the spelling of an equal
//!   quantity changed;
//! - a tighter preference requirement: a new one, a raised one (quantities
//!   compare by amount: `1.5Gi` equals `1536Mi`), or a changed
//!   non-numeric one such as the architecture;
//! - a removed or changed label: labels are what users and tools select
//!   on (cpu, memory, class, os-type, …). Annotations are for display and
//!   never break.
//!
//! A removed resource whose spec reappears under a new name in the same kind
//! is still reported as removed and added, with a rename hint on both.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::inline::inline;
use super::{Resource, Snapshot};
use crate::kube::ApiKind;
use crate::value::Quantity;
use crate::yaml::{go_yaml_key_cmp, Yaml};

/// Everything that differs between two snapshots.
#[derive(Debug, Clone)]
pub struct Report {
    pub from: Side,
    pub to: Side,
    /// Sorted by kind, then name.
    pub entries: Vec<Entry>,
    /// (kind, name) of every resource on both sides, changed or not, sorted:
    /// what "all instance types" means when a change touches all of them.
    pub on_both_sides: Vec<(String, String)>,
}

/// What a report says about one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// The version label, else what the user named.
    pub title: String,
    /// What the user named.
    pub label: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Added,
    Removed,
    Changed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// One resource that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: String,
    pub name: String,
    pub status: Status,
    /// For changed resources: every differing field, in key order.
    pub changes: Vec<Change>,
    /// Why the resource as a whole breaks users (removed resources).
    pub breaking: Option<String>,
    /// A rename hint for removed and added resources.
    pub hint: Option<String>,
    /// The resource on each side, for the unified format.
    pub old: Option<Yaml>,
    pub new: Option<Yaml>,
}

impl Entry {
    pub fn is_breaking(&self) -> bool {
        self.breaking.is_some() || self.changes.iter().any(|c| c.breaking.is_some())
    }
}

/// One differing field. `None` means absent on that side.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: Vec<Segment>,
    pub old: Option<Yaml>,
    pub new: Option<Yaml>,
    /// Why it breaks users, when it does.
    pub breaking: Option<String>,
    /// Where the catalog compiled now sets the new value (`catalog.cit:45`),
    /// when the report was cited (see `provenance::cite`).
    pub source: Option<String>,
}

impl Change {
    /// `added`, `removed` or `changed`: which sides have a value.
    pub fn kind(&self) -> &'static str {
        match (&self.old, &self.new) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "changed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Counts of resources. `breaking` counts the resources with at least one
/// breaking change, removed ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub breaking: usize,
}

impl Summary {
    pub fn any(&self) -> bool {
        self.added + self.removed + self.changed > 0
    }
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for entry in &self.entries {
            match entry.status {
                Status::Added => summary.added += 1,
                Status::Removed => summary.removed += 1,
                Status::Changed => summary.changed += 1,
            }
            if entry.is_breaking() {
                summary.breaking += 1;
            }
        }
        summary
    }
}

/// The dotted form used in every format: `metadata.labels."a.b/c"`,
/// `spec.gpus[0].name`. Keys other than letters, digits, `_` and `-` are
/// quoted, as in a .cit path.
pub fn path_string(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let plain = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    out.push_str(key);
                } else {
                    out.push('"');
                    for c in key.chars() {
                        if c == '"' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                }
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Compares two snapshots.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Report {
    let mut entries = Vec::new();
    let mut on_both_sides = Vec::new();
    // Both lists are sorted by (kind, name): walk them side by side.
    let (mut olds, mut news) = (
        old.resources.iter().peekable(),
        new.resources.iter().peekable(),
    );
    loop {
        let order = match (olds.peek(), news.peek()) {
            (Some(a), Some(b)) => (&a.kind, &a.name).cmp(&(&b.kind, &b.name)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match order {
            Ordering::Less => entries.extend(olds.next().map(removed)),
            Ordering::Greater => entries.extend(news.next().map(added)),
            Ordering::Equal => {
                if let (Some(a), Some(b)) = (olds.next(), news.next()) {
                    on_both_sides.push((a.kind.clone(), a.name.clone()));
                    entries.extend(changed(a, b));
                }
            }
        }
    }
    hint_renames(&mut entries);
    Report {
        from: side(old),
        to: side(new),
        entries,
        on_both_sides,
    }
}

fn side(snapshot: &Snapshot) -> Side {
    Side {
        title: snapshot.title().to_string(),
        label: snapshot.label.clone(),
        version: snapshot.version.clone(),
    }
}

fn removed(resource: &Resource) -> Entry {
    Entry {
        kind: resource.kind.clone(),
        name: resource.name.clone(),
        status: Status::Removed,
        changes: Vec::new(),
        breaking: Some(removed_reason(&format!("`{}`", resource.name))),
        hint: None,
        old: Some(resource.body.clone()),
        new: None,
    }
}

/// Why removing resources breaks users; `what` names them (`` `u1.small` ``,
/// `them`).
pub fn removed_reason(what: &str) -> String {
    format!("removed: VMs and templates that name {what} can no longer be created or started")
}

/// The entry of a resource on both sides, if it differs.
fn changed(old: &Resource, new: &Resource) -> Option<Entry> {
    let mut changes = Vec::new();
    diff_values(&mut Vec::new(), &old.body, &new.body, &mut changes);
    if changes.is_empty() {
        return None;
    }
    let family = Family::of(&old.kind);
    for change in &mut changes {
        change.breaking = classify(family, change);
    }
    Some(Entry {
        kind: old.kind.clone(),
        name: old.name.clone(),
        status: Status::Changed,
        changes,
        breaking: None,
        hint: None,
        old: Some(old.body.clone()),
        new: Some(new.body.clone()),
    })
}

fn added(resource: &Resource) -> Entry {
    Entry {
        kind: resource.kind.clone(),
        name: resource.name.clone(),
        status: Status::Added,
        changes: Vec::new(),
        breaking: None,
        hint: None,
        old: None,
        new: Some(resource.body.clone()),
    }
}

/// Records every difference between `old` and `new` under `path`.
fn diff_values(path: &mut Vec<Segment>, old: &Yaml, new: &Yaml, out: &mut Vec<Change>) {
    match (old, new) {
        (Yaml::Map(a), Yaml::Map(b)) => {
            let mut keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
            keys.extend(
                b.iter()
                    .map(|(k, _)| k)
                    .filter(|k| !a.iter().any(|(ka, _)| ka == *k)),
            );
            keys.sort_by(|x, y| go_yaml_key_cmp(x, y));
            for key in keys {
                let va = a.iter().find(|(k, _)| k == key).map(|(_, v)| v);
                let vb = b.iter().find(|(k, _)| k == key).map(|(_, v)| v);
                path.push(Segment::Key(key.clone()));
                match (va, vb) {
                    (Some(va), Some(vb)) => diff_values(path, va, vb, out),
                    (va, vb) => out.push(change(path, va, vb)),
                }
                path.pop();
            }
        }
        (Yaml::Seq(a), Yaml::Seq(b)) if a.len() == b.len() => {
            for (index, (va, vb)) in a.iter().zip(b).enumerate() {
                path.push(Segment::Index(index));
                diff_values(path, va, vb, out);
                path.pop();
            }
        }
        _ if same(old, new) => {}
        _ => out.push(change(path, Some(old), Some(new))),
    }
}

/// Equality of values, where `.nan` equals `.nan`: a float that is not a
/// number is still the same value as the same text in the other release.
fn same(old: &Yaml, new: &Yaml) -> bool {
    match (old, new) {
        (Yaml::Float(a), Yaml::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
        (Yaml::Seq(a), Yaml::Seq(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Yaml::Map(a), Yaml::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => old == new,
    }
}

fn change(path: &[Segment], old: Option<&Yaml>, new: Option<&Yaml>) -> Change {
    Change {
        path: path.to_vec(),
        old: old.cloned(),
        new: new.cloned(),
        breaking: None,
        source: None,
    }
}

// ------------------------------------------------------------ classification

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Instancetype,
    Preference,
    Other,
}

impl Family {
    fn of(kind: &str) -> Family {
        match ApiKind::ALL.into_iter().find(|k| k.name() == kind) {
            Some(
                ApiKind::VirtualMachineClusterInstancetype | ApiKind::VirtualMachineInstancetype,
            ) => Family::Instancetype,
            Some(ApiKind::VirtualMachineClusterPreference | ApiKind::VirtualMachinePreference) => {
                Family::Preference
            }
            None => Family::Other,
        }
    }
}

const LABELS: &[&str] = &["metadata", "labels"];
const SPEC: &[&str] = &["spec"];
const REQUIREMENTS: &[&str] = &["spec", "requirements"];

/// Why a change breaks users, if it does.
fn classify(family: Family, change: &Change) -> Option<String> {
    if let Some(reason) = label_break(change) {
        return Some(reason);
    }
    match family {
        Family::Instancetype if touches(&change.path, SPEC) => {
            let respelled = match (&change.old, &change.new) {
                (Some(a), Some(b)) => same_amount(a, b),
                _ => false,
            };
            (!respelled).then(|| {
                "the spec of an existing instance type changed: VMs that use it get the new value when they restart"
                    .to_string()
            })
        }
        Family::Preference => requirement_break(change),
        _ => None,
    }
}

/// A label that was there and is gone or has another value.
fn label_break(change: &Change) -> Option<String> {
    let old = leaves_under(&change.path, change.old.as_ref(), LABELS)?;
    let new = leaves_under(&change.path, change.new.as_ref(), LABELS)?;
    let mut reasons = Vec::new();
    for (key, old_value) in &old {
        let label = path_string(key);
        match new.iter().find(|(k, _)| k == key) {
            None => reasons.push(format!("label {label} removed")),
            Some((_, new_value)) if !same(new_value, old_value) => reasons.push(format!(
                "label {label} changed from {} to {}",
                inline(old_value, 40),
                inline(new_value, 40)
            )),
            Some(_) => {}
        }
    }
    (!reasons.is_empty()).then(|| {
        format!(
            "{}: selectors that match the old label no longer find this resource",
            reasons.join("; ")
        )
    })
}

/// A preference requirement that is new, raised, or changed.
fn requirement_break(change: &Change) -> Option<String> {
    let old = leaves_under(&change.path, change.old.as_ref(), REQUIREMENTS)?;
    let new = leaves_under(&change.path, change.new.as_ref(), REQUIREMENTS)?;
    let mut reasons = Vec::new();
    for (key, new_value) in &new {
        let what = path_string(key);
        match old.iter().find(|(k, _)| k == key) {
            None => reasons.push(format!("{what} = {} is new", inline(new_value, 40))),
            Some((_, old_value)) => match (amount(old_value), amount(new_value)) {
                (Some(a), Some(b)) if b > a => reasons.push(format!(
                    "{what} raised from {} to {}",
                    inline(old_value, 40),
                    inline(new_value, 40)
                )),
                (Some(_), Some(_)) => {}
                _ if !same(old_value, new_value) => reasons.push(format!(
                    "{what} changed from {} to {}",
                    inline(old_value, 40),
                    inline(new_value, 40)
                )),
                _ => {}
            },
        }
    }
    (!reasons.is_empty()).then(|| {
        format!(
            "tighter requirement: {}; VMs that met the old requirements may be rejected",
            reasons.join("; ")
        )
    })
}

/// Whether a change at `path` covers something under `target`: it is at
/// `target` or inside it, or it replaces a subtree that contains it.
fn touches(path: &[Segment], target: &[&str]) -> bool {
    let common = path.len().min(target.len());
    path[..common]
        .iter()
        .zip(target)
        .all(|(segment, key)| matches!(segment, Segment::Key(k) if k == key))
}

/// The leaves under `target` of a value that sits at `path`, with their
/// paths relative to `target`. `None` when the change does not touch
/// `target`; an empty list when that side has nothing there.
fn leaves_under<'a>(
    path: &[Segment],
    value: Option<&'a Yaml>,
    target: &[&str],
) -> Option<Vec<(Vec<Segment>, &'a Yaml)>> {
    if !touches(path, target) {
        return None;
    }
    let mut leaves = Vec::new();
    let Some(mut value) = value else {
        return Some(leaves);
    };
    // The leaves' paths start at `target`: below it when the change is.
    let mut prefix: Vec<Segment> = if path.len() >= target.len() {
        path[target.len()..].to_vec()
    } else {
        for key in &target[path.len()..] {
            match value {
                Yaml::Map(entries) => match entries.iter().find(|(k, _)| k == key) {
                    Some((_, inner)) => value = inner,
                    None => return Some(leaves),
                },
                _ => return Some(leaves),
            }
        }
        Vec::new()
    };
    collect_leaves(&mut prefix, value, &mut leaves);
    Some(leaves)
}

fn collect_leaves<'a>(
    path: &mut Vec<Segment>,
    value: &'a Yaml,
    out: &mut Vec<(Vec<Segment>, &'a Yaml)>,
) {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => {
            for (key, inner) in entries {
                path.push(Segment::Key(key.clone()));
                collect_leaves(path, inner, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), value)),
    }
}

/// The amount of a number or a quantity, in thousandths.
fn amount(value: &Yaml) -> Option<i128> {
    match value {
        Yaml::Int(i) => Some(i128::from(*i) * 1000),
        Yaml::Float(f) if f.is_finite() => Some((f * 1000.0).round() as i128),
        Yaml::Str(s) => Quantity::parse(s).map(|q| q.millis),
        _ => None,
    }
}

/// `1.5Gi` and `1536Mi`: different text, one amount.
fn same_amount(a: &Yaml, b: &Yaml) -> bool {
    matches!((amount(a), amount(b)), (Some(x), Some(y)) if x == y)
}

// ------------------------------------------------------------------ renames

/// Pairs each removed resource with an added one of the same kind whose
/// spec is the same, and says so on both.
fn hint_renames(entries: &mut [Entry]) {
    let spec_key = |entry: &Entry, body: &Option<Yaml>| -> Option<String> {
        let Some(Yaml::Map(top)) = body else {
            return None;
        };
        let spec = top.iter().find(|(k, _)| k == "spec").map(|(_, v)| v)?;
        Some(format!("{}\n{}", entry.kind, inline(spec, usize::MAX)))
    };
    let mut added: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if entry.status == Status::Added {
            if let Some(key) = spec_key(entry, &entry.new) {
                added.entry(key).or_default().push(index);
            }
        }
    }
    let mut pairs = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        if entry.status != Status::Removed {
            continue;
        }
        let partner = spec_key(entry, &entry.old)
            .and_then(|key| added.get_mut(&key))
            .filter(|candidates| !candidates.is_empty())
            .map(|candidates| candidates.remove(0));
        if let Some(partner) = partner {
            pairs.push((index, partner));
        }
    }
    for (removed, added) in pairs {
        let old_name = entries
            .get(removed)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        let new_name = entries
            .get(added)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        if let Some(entry) = entries.get_mut(removed) {
            entry.hint = Some(format!(
                "renamed? `{new_name}` was added with the same spec"
            ));
        }
        if let Some(entry) = entries.get_mut(added) {
            entry.hint = Some(format!(
                "renamed? `{old_name}` was removed and had the same spec"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
        Yaml::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }
    fn s(text: &str) -> Yaml {
        Yaml::Str(text.to_string())
    }
    fn resource(kind: &str, name: &str, body: Yaml) -> Resource {
        Resource {
            kind: kind.into(),
            name: name.into(),
            body,
        }
    }
    const PREF: &str = "VirtualMachineClusterPreference";
    const IT: &str = "VirtualMachineClusterInstancetype";

    fn pref(requirements: Yaml, labels: Yaml) -> Yaml {
        map(vec![
            ("metadata", map(vec![("labels", labels)])),
            ("spec", map(vec![("requirements", requirements)])),
        ])
    }

    fn changes(old: Resource, new: Resource) -> Vec<Change> {
        let report = compare(
            &Snapshot::new("a", vec![old]),
            &Snapshot::new("b", vec![new]),
        );
        assert_eq!(report.entries.len(), 1);
        report.entries[0].changes.clone()
    }

    #[test]
    fn requirements_compare_by_amount() {
        let req = |mem: &str| map(vec![("memory", map(vec![("guest", s(mem))]))]);
        let labels = map(vec![]);
        let lowered = changes(
            resource(PREF, "p", pref(req("2Gi"), labels.clone())),
            resource(PREF, "p", pref(req("1536Mi"), labels.clone())),
        );
        assert_eq!(
            path_string(&lowered[0].path),
            "spec.requirements.memory.guest"
        );
        assert_eq!(lowered[0].breaking, None);
        let raised = changes(
            resource(PREF, "p", pref(req("1.5Gi"), labels.clone())),
            resource(PREF, "p", pref(req("2Gi"), labels.clone())),
        );
        assert!(raised[0]
            .breaking
            .as_deref()
            .unwrap()
            .contains("raised from"));
        let respelled = changes(
            resource(PREF, "p", pref(req("1.5Gi"), labels.clone())),
            resource(PREF, "p", pref(req("1536Mi"), labels)),
        );
        assert_eq!(respelled[0].breaking, None);
    }

    #[test]
    fn a_new_requirement_is_breaking_and_a_dropped_one_is_not() {
        let labels = map(vec![]);
        let none = map(vec![]);
        let arch = map(vec![("architecture", s("arm64"))]);
        let tightened = changes(
            resource(PREF, "p", pref(none.clone(), labels.clone())),
            resource(PREF, "p", pref(arch.clone(), labels.clone())),
        );
        assert_eq!(
            path_string(&tightened[0].path),
            "spec.requirements.architecture"
        );
        assert!(tightened[0]
            .breaking
            .as_deref()
            .unwrap()
            .contains("architecture = \"arm64\" is new"));
        let loosened = changes(
            resource(PREF, "p", pref(arch, labels.clone())),
            resource(PREF, "p", pref(none, labels)),
        );
        assert_eq!(loosened[0].breaking, None);
    }

    #[test]
    fn whole_spec_added_to_a_preference_is_one_change_classified_inside() {
        let old = map(vec![("metadata", map(vec![]))]);
        let new = map(vec![
            ("metadata", map(vec![])),
            (
                "spec",
                map(vec![(
                    "requirements",
                    map(vec![("cpu", map(vec![("guest", Yaml::Int(2))]))]),
                )]),
            ),
        ]);
        let found = changes(resource(PREF, "p", old), resource(PREF, "p", new));
        assert_eq!(found.len(), 1);
        assert_eq!(path_string(&found[0].path), "spec");
        assert!(found[0].breaking.as_deref().unwrap().contains("cpu.guest"));
    }

    #[test]
    fn labels_removed_or_changed_break_and_added_ones_do_not() {
        let req = map(vec![]);
        let old = map(vec![("instancetype.kubevirt.io/os-type", s("linux"))]);
        let new = map(vec![
            ("instancetype.kubevirt.io/os-type", s("windows")),
            ("instancetype.kubevirt.io/arch", s("amd64")),
        ]);
        let found = changes(
            resource(PREF, "p", pref(req.clone(), old)),
            resource(PREF, "p", pref(req, new)),
        );
        assert_eq!(found.len(), 2);
        let (arch, os) = (&found[0], &found[1]);
        assert_eq!(
            path_string(&arch.path),
            "metadata.labels.\"instancetype.kubevirt.io/arch\""
        );
        assert_eq!(arch.breaking, None);
        assert!(os
            .breaking
            .as_deref()
            .unwrap()
            .contains("changed from \"linux\" to \"windows\""));
    }

    #[test]
    fn instance_type_spec_changes_break_unless_only_respelled() {
        let it = |mem: &str, desc: &str| {
            map(vec![
                (
                    "metadata",
                    map(vec![("annotations", map(vec![("d", s(desc))]))]),
                ),
                ("spec", map(vec![("memory", map(vec![("guest", s(mem))]))])),
            ])
        };
        let found = changes(
            resource(IT, "u", it("2Gi", "a")),
            resource(IT, "u", it("2048Mi", "b")),
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].breaking, None, "annotations are display only");
        assert_eq!(found[1].breaking, None, "same amount");
        let found = changes(
            resource(IT, "u", it("2Gi", "a")),
            resource(IT, "u", it("4Gi", "a")),
        );
        assert!(found[0].breaking.is_some());
    }

    #[test]
    fn lists_of_another_length_are_one_change() {
        let body = |items: Vec<Yaml>| map(vec![("spec", map(vec![("gpus", Yaml::Seq(items))]))]);
        let found = changes(
            resource("Other", "x", body(vec![s("a")])),
            resource("Other", "x", body(vec![s("a"), s("b")])),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(path_string(&found[0].path), "spec.gpus");
        let found = changes(
            resource("Other", "x", body(vec![s("a"), s("b")])),
            resource("Other", "x", body(vec![s("a"), s("c")])),
        );
        assert_eq!(path_string(&found[0].path), "spec.gpus[1]");
    }

    #[test]
    fn renames_are_removed_plus_added_with_a_hint() {
        let spec = |cpu: i64| map(vec![("spec", map(vec![("cpu", Yaml::Int(cpu))]))]);
        let report = compare(
            &Snapshot::new(
                "a",
                vec![resource(IT, "old", spec(1)), resource(IT, "gone", spec(3))],
            ),
            &Snapshot::new(
                "b",
                vec![resource(IT, "new", spec(1)), resource(IT, "other", spec(2))],
            ),
        );
        let by_name = |name: &str| report.entries.iter().find(|e| e.name == name).unwrap();
        assert_eq!(by_name("old").status, Status::Removed);
        assert!(by_name("old").hint.as_deref().unwrap().contains("`new`"));
        assert!(by_name("new").hint.as_deref().unwrap().contains("`old`"));
        assert_eq!(by_name("gone").hint, None);
        assert_eq!(by_name("other").hint, None);
        let summary = report.summary();
        assert_eq!(
            summary,
            Summary {
                added: 2,
                removed: 2,
                changed: 0,
                breaking: 2
            }
        );
    }

    #[test]
    fn paths_quote_keys_that_are_not_plain() {
        let path = vec![
            Segment::Key("metadata".into()),
            Segment::Key("labels".into()),
            Segment::Key("instancetype.kubevirt.io/cpu".into()),
            Segment::Index(2),
        ];
        assert_eq!(
            path_string(&path),
            "metadata.labels.\"instancetype.kubevirt.io/cpu\"[2]"
        );
    }
}
