//! KubeVirt's own rules on one instance type or preference (VALIDATION.md
//! sections 1, 2 and 6): what admission would reject, or what fails for
//! every VM that uses the resource.

use crate::diagnostic::Diagnostic;
use crate::resolve::Resource;
use crate::syntax::ast::Kind;
use crate::value::{Node, Quantity, Value};

/// The node at a dotted path under the resource's tree.
pub fn field<'a>(resource: &'a Resource, path: &[&str]) -> Option<&'a Node> {
    resource.tree.get_path(path)
}

pub fn int_at(resource: &Resource, path: &[&str]) -> Option<i64> {
    match field(resource, path)?.value {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

pub fn quantity_at(resource: &Resource, path: &[&str]) -> Option<Quantity> {
    match &field(resource, path)?.value {
        Value::Quantity(q) => Some((**q).clone()),
        Value::Str(s) => Quantity::parse(s),
        Value::Int(i) => Quantity::parse(&i.to_string()),
        _ => None,
    }
}

pub fn text_at(resource: &Resource, path: &[&str]) -> Option<String> {
    match &field(resource, path)?.value {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn is_true(resource: &Resource, path: &[&str]) -> bool {
    matches!(
        field(resource, path).map(|n| &n.value),
        Some(Value::Bool(true))
    )
}

/// A feature is on when its map is present and does not say `enabled: false`.
fn feature_on(resource: &Resource, path: &[&str]) -> bool {
    match field(resource, path).map(|n| &n.value) {
        Some(Value::Map(map)) => !matches!(
            map.get("enabled").map(|n| &n.value),
            Some(Value::Bool(false))
        ),
        _ => false,
    }
}

pub fn check_resource(resource: &Resource, diags: &mut Vec<Diagnostic>) {
    match resource.kind {
        Kind::Instancetype => check_instancetype(resource, diags),
        Kind::Preference => check_preference(resource, diags),
    }
}

fn check_instancetype(r: &Resource, diags: &mut Vec<Diagnostic>) {
    if let (Some(0), Some(node)) = (
        int_at(r, &["spec", "cpu", "guest"]),
        field(r, &["spec", "cpu", "guest"]),
    ) {
        diags.push(
            Diagnostic::new(
                "E0220",
                node.span,
                "spec.cpu.guest = 0 asks for no vCPUs, and VMs get one",
            )
            .label("0 vCPUs")
            .help("KubeVirt admits 0 and runs a VM of this instance type with one vCPU (one socket of one core): write spec.cpu.guest = 1 to say what happens, or the vCPUs you meant"),
        );
    }
    let memory = quantity_at(r, &["spec", "memory", "guest"]);
    if let (Some(q), Some(node)) = (&memory, field(r, &["spec", "memory", "guest"])) {
        if q.millis <= 0 {
            diags.push(
                Diagnostic::new(
                    "E0221",
                    node.span,
                    "spec.memory.guest is 0: a VM of this instance type gets no memory",
                )
                .label("no memory")
                .help("KubeVirt admits it (it checks no minimum unless memory is overcommitted), but a guest without memory cannot boot: set spec.memory.guest to a positive quantity such as 512Mi"),
            );
        }
    }
    // I2: overcommitted memory cannot be backed by huge pages.
    if let (Some(percent), Some(pages)) = (
        field(r, &["spec", "memory", "overcommitPercent"]),
        field(r, &["spec", "memory", "hugepages"]),
    ) {
        if !matches!(percent.value, Value::Int(0)) {
            diags.push(
                Diagnostic::new("E0222", percent.span, "spec.memory.overcommitPercent and spec.memory.hugepages should not be requested together")
                    .label("overcommitted memory")
                    .with_secondary(pages.span, "huge pages requested here")
                    .help("huge pages cannot be overcommitted: remove one of the two"),
            );
        }
    }
    // V2: the emulator thread is isolated onto a dedicated core.
    if is_true(r, &["spec", "cpu", "isolateEmulatorThread"])
        && !is_true(r, &["spec", "cpu", "dedicatedCPUPlacement"])
    {
        if let Some(node) = field(r, &["spec", "cpu", "isolateEmulatorThread"]) {
            diags.push(
                Diagnostic::new(
                    "E0223",
                    node.span,
                    "isolateEmulatorThread needs dedicatedCPUPlacement",
                )
                .label("set without spec.cpu.dedicatedCPUPlacement")
                .help("set spec.cpu.dedicatedCPUPlacement = true, or remove isolateEmulatorThread"),
            );
        }
    }
    // V3 and V4: realtime and NUMA passthrough need pinned CPUs (and huge pages for NUMA).
    let dedicated = is_true(r, &["spec", "cpu", "dedicatedCPUPlacement"]);
    let numa = field(r, &["spec", "cpu", "numa", "guestMappingPassthrough"]);
    if let Some(node) = field(r, &["spec", "cpu", "realtime"]) {
        let mut missing = Vec::new();
        if !dedicated {
            missing.push("spec.cpu.dedicatedCPUPlacement = true");
        }
        if numa.is_none() {
            missing.push("spec.cpu.numa.guestMappingPassthrough = {}");
        }
        if !missing.is_empty() {
            diags.push(
                Diagnostic::new(
                    "E0224",
                    node.span,
                    "realtime needs dedicated CPUs and NUMA passthrough",
                )
                .label("realtime requested here")
                .help(format!("add {}", missing.join(" and "))),
            );
        }
    }
    if let Some(node) = numa {
        let mut missing = Vec::new();
        if !dedicated {
            missing.push("spec.cpu.dedicatedCPUPlacement = true");
        }
        if field(r, &["spec", "memory", "hugepages"]).is_none() {
            missing.push("spec.memory.hugepages.pageSize");
        }
        if !missing.is_empty() {
            diags.push(
                Diagnostic::new(
                    "E0224",
                    node.span,
                    "NUMA passthrough needs dedicated CPUs and huge pages",
                )
                .label("NUMA passthrough requested here")
                .help(format!("add {}", missing.join(" and "))),
            );
        }
    }
    // V1: memory is a whole number of huge pages; maxGuest is not below guest.
    if let (Some(memory), Some(page), Some(node)) = (
        &memory,
        quantity_at(r, &["spec", "memory", "hugepages", "pageSize"]),
        field(r, &["spec", "memory", "hugepages", "pageSize"]),
    ) {
        if page.millis > 0 && (memory.millis < page.millis || memory.millis % page.millis != 0) {
            diags.push(
                Diagnostic::new(
                    "E0228",
                    node.span,
                    format!(
                        "memory {} is not a whole number of {} huge pages",
                        memory.text, page.text
                    ),
                )
                .label("page size")
                .help("make spec.memory.guest a multiple of the page size"),
            );
        }
        if page.text != "2Mi" && page.text != "1Gi" {
            diags.push(
                Diagnostic::new(
                    "W0105",
                    node.span,
                    format!("huge page size {} is unusual", page.text),
                )
                .label("not 2Mi or 1Gi")
                .help("x86_64 nodes offer 2Mi and 1Gi huge pages"),
            );
        }
    }
    if let (Some(memory), Some(max), Some(node)) = (
        &memory,
        quantity_at(r, &["spec", "memory", "maxGuest"]),
        field(r, &["spec", "memory", "maxGuest"]),
    ) {
        if max.millis < memory.millis {
            diags.push(
                Diagnostic::new("E0228", node.span, format!("maxGuest {} is below guest memory {}", max.text, memory.text))
                    .label("below spec.memory.guest")
                    .help("maxGuest is the ceiling for memory hotplug: make it at least spec.memory.guest"),
            );
        }
    }
}

const DEPRECATED_TOPOLOGIES: &[(&str, &str)] = &[
    ("preferSockets", "sockets"),
    ("preferCores", "cores"),
    ("preferThreads", "threads"),
    ("preferSpread", "spread"),
    ("preferAny", "any"),
];

fn check_preference(r: &Resource, diags: &mut Vec<Diagnostic>) {
    let topology = text_at(r, &["spec", "cpu", "preferredCPUTopology"]);
    if let (Some(t), Some(node)) = (
        &topology,
        field(r, &["spec", "cpu", "preferredCPUTopology"]),
    ) {
        if let Some((_, new)) = DEPRECATED_TOPOLOGIES.iter().find(|(old, _)| old == t) {
            diags.push(
                Diagnostic::new(
                    "W0104",
                    node.span,
                    format!("preferredCPUTopology {t:?} is deprecated"),
                )
                .label("deprecated value")
                .help(format!("use \"{new}\"")),
            );
        }
    }
    let spread = matches!(topology.as_deref(), Some("spread" | "preferSpread"));
    if let Some(options) = field(r, &["spec", "cpu", "spreadOptions"]) {
        if !spread {
            diags.push(
                Diagnostic::new(
                    "W0107",
                    options.span,
                    "spreadOptions are ignored unless the CPU topology is spread",
                )
                .label("ignored")
                .help("set spec.cpu.preferredCPUTopology = \"spread\", or remove spreadOptions"),
            );
        }
    }
    if let (Some(0), Some(node)) = (
        int_at(r, &["spec", "cpu", "spreadOptions", "ratio"]),
        field(r, &["spec", "cpu", "spreadOptions", "ratio"]),
    ) {
        diags.push(
            Diagnostic::new(
                "E0225",
                node.span,
                "a spread ratio of 0 makes KubeVirt divide by zero",
            )
            .label("ratio 0")
            .help("use a ratio of 1 or more (the default is 2)"),
        );
    }
    if spread
        && text_at(r, &["spec", "cpu", "spreadOptions", "across"]).as_deref()
            == Some("CoresThreads")
    {
        let ratio = int_at(r, &["spec", "cpu", "spreadOptions", "ratio"]).unwrap_or(2);
        if ratio != 2 {
            if let Some(node) = field(r, &["spec", "cpu", "spreadOptions", "ratio"]) {
                diags.push(
                    Diagnostic::new("E0225", node.span, "only a ratio of 2 (1 core 2 threads) is allowed when spreading vCPUs over cores and threads")
                        .label(format!("ratio {ratio}"))
                        .help("set spreadOptions.ratio = 2, or spread across SocketsCores or SocketsCoresThreads"),
                );
            }
        }
    }
    // V19: secure boot needs SMM.
    if let Some(efi) = field(r, &["spec", "firmware", "preferredEfi"]) {
        let secure_boot = !matches!(
            field(r, &["spec", "firmware", "preferredEfi", "secureBoot"]).map(|n| &n.value),
            Some(Value::Bool(false))
        );
        // TDX keeps secure boot's keys in its firmware and needs no SMM
        // (validateDomainSpec).
        let tdx = field(r, &["spec", "preferredLaunchSecurity", "tdx"]).is_some();
        if secure_boot && !tdx && !feature_on(r, &["spec", "features", "preferredSmm"]) {
            let span = field(r, &["spec", "firmware", "preferredEfi", "secureBoot"])
                .map_or(efi.span, |n| n.span);
            diags.push(
                Diagnostic::new("E0226", span, "EFI secure boot requires SMM, which this preference does not enable")
                    .label("secure boot is on (it is unless secureBoot = false)")
                    .help("add `spec.features.preferredSmm = {}` (the `secureboot` mixin does both), or set `secureBoot = false`"),
            );
        }
    }
    // R3: a VM that does not choose its architecture gets the preferred one.
    let required = field(r, &["spec", "requirements", "architecture"]);
    let preferred = field(r, &["spec", "preferredArchitecture"]);
    match (required, preferred) {
        (Some(req), Some(pref)) if req.value != pref.value => diags.push(
            Diagnostic::new(
                "E0227",
                req.span,
                format!(
                    "the preference requires architecture {} but prefers {}",
                    req.value.as_text().unwrap_or_default(),
                    pref.value.as_text().unwrap_or_default()
                ),
            )
            .label("required here")
            .with_secondary(pref.span, "preferred here")
            .help("every VM that does not set its architecture would fail: make the two equal"),
        ),
        (Some(req), None) => diags.push(
            Diagnostic::new("W0106", req.span, "the preference requires an architecture but does not prefer it")
                .label("required architecture")
                .help("set spec.preferredArchitecture to the same value, or VMs get the cluster's default architecture and fail"),
        ),
        _ => {}
    }
}
