//! The features of an instance type, read from its resolved spec: the one
//! place that says how. README's series table (`series.rs`) shows the ones
//! upstream's README has; the page (`html/`) filters and tabulates them all.

use crate::value::{Node, Value};

/// A property an instance type has or lacks.
pub struct Feature {
    /// The row's label, as upstream's README writes it.
    pub label: &'static str,
    /// The token of the page's filters and data attributes.
    pub key: &'static str,
    /// How it is read from the spec, in words (README.md, the page).
    pub rule: &'static str,
    /// The feature's value in an instance type's tree: `Some("")` for a
    /// plain yes, `Some("2Mi")` where it has a value worth showing, `None`
    /// when the instance type lacks it.
    pub value: fn(&Node) -> Option<String>,
    /// Whether upstream's README table has the row.
    pub in_readme: bool,
}

impl Feature {
    pub fn has(&self, tree: &Node) -> bool {
        (self.value)(tree).is_some()
    }
}

/// Every feature, in the order tables list them.
pub const FEATURES: &[Feature] = &[
    Feature {
        label: "Hugepages",
        key: "hugepages",
        rule: "`spec.memory.hugepages` is set",
        value: |tree| {
            let hugepages = tree.get_path(&["spec", "memory", "hugepages"])?;
            Some(
                hugepages
                    .get_path(&["pageSize"])
                    .and_then(|n| n.value.as_text())
                    .unwrap_or_default(),
            )
        },
        in_readme: true,
    },
    Feature {
        label: "Overcommitted Memory",
        key: "overcommitted-memory",
        rule: "`spec.memory.overcommitPercent` is above 0",
        value: |tree| match tree
            .get_path(&["spec", "memory", "overcommitPercent"])
            .map(|n| &n.value)
        {
            Some(Value::Int(percent)) if *percent > 0 => Some(format!("{percent}%")),
            _ => None,
        },
        in_readme: true,
    },
    Feature {
        label: "Dedicated CPU",
        key: "dedicated-cpu",
        rule: "`spec.cpu.dedicatedCPUPlacement` is true",
        value: |tree| dedicated_cpu(tree).then(String::new),
        in_readme: true,
    },
    Feature {
        label: "Burstable CPU performance",
        key: "burstable-cpu",
        rule: "the absence of dedicated CPU: shared cores may burst beyond their baseline",
        value: |tree| (!dedicated_cpu(tree)).then(String::new),
        in_readme: true,
    },
    Feature {
        label: "Isolated emulator threads",
        key: "isolated-emulator-threads",
        rule: "`spec.cpu.isolateEmulatorThread` is true",
        value: |tree| is_true(tree, &["spec", "cpu", "isolateEmulatorThread"]).then(String::new),
        in_readme: true,
    },
    Feature {
        label: "vNUMA",
        key: "vnuma",
        rule: "`spec.cpu.numa.guestMappingPassthrough` is set",
        value: |tree| {
            tree.get_path(&["spec", "cpu", "numa", "guestMappingPassthrough"])
                .map(|_| String::new())
        },
        in_readme: true,
    },
    Feature {
        label: "Realtime",
        key: "realtime",
        rule: "`spec.cpu.realtime` is set",
        value: |tree| {
            tree.get_path(&["spec", "cpu", "realtime"])
                .map(|_| String::new())
        },
        in_readme: false,
    },
];

/// The rows of upstream's README table.
pub fn readme_features() -> impl Iterator<Item = &'static Feature> {
    FEATURES.iter().filter(|f| f.in_readme)
}

fn dedicated_cpu(tree: &Node) -> bool {
    is_true(tree, &["spec", "cpu", "dedicatedCPUPlacement"])
}

fn is_true(tree: &Node, path: &[&str]) -> bool {
    matches!(
        tree.get_path(path).map(|n| &n.value),
        Some(Value::Bool(true))
    )
}
