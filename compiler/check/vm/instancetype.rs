//! An instance type as the VM that uses it sees it: the CPU topology it gets,
//! the memory its pod requests, memory hotplug, IO threads, devices and the
//! node selector (KUBEVIRT_RULES.md, "Instance types").

use super::{enabled, spec, spec_int, spec_text, Finding};
use crate::check::semantics::quantity_at;
use crate::diagnostic::Diagnostic;
use crate::kube::{is_label_value, is_qualified_name};
use crate::resolve::Resource;
use crate::value::{Node, Value};

pub fn check(r: &Resource, out: &mut Vec<Finding>) {
    max_sockets(r, out);
    overcommitted_request(r, out);
    memory_hotplug(r, out);
    io_threads(r, out);
    devices(r, out);
    node_selector(r, out);
}

/// validateCPUHotplug: a VM gets one socket per vCPU unless its preference
/// chooses cores, threads or spread (applyGuestCPUTopology), and KubeVirt
/// refuses more sockets than maxSockets.
fn max_sockets(r: &Resource, out: &mut Vec<Finding>) {
    let (Some(max), Some(node), Some(cpu)) = (
        spec_int(r, &["cpu", "maxSockets"]),
        spec(r, &["cpu", "maxSockets"]),
        spec_int(r, &["cpu", "guest"]),
    ) else {
        return;
    };
    if max == 0 || cpu <= 1 || cpu <= max {
        return;
    }
    out.push(Finding::with_detail(
        r,
        Diagnostic::new(
            "E0229",
            node.span,
            format!("`spec.cpu.maxSockets` {max} is below the sockets a VM of this instance type gets"),
        )
        .label(format!("at most {max} sockets"))
        .help("KubeVirt gives a VM one socket per vCPU unless its preference chooses cores, threads or spread, and refuses a VM with more sockets than maxSockets (\"Number of sockets in CPU topology is greater than the maximum sockets allowed\"): VMs with no preference, or with a `sockets` or `any` topology, cannot use it; make maxSockets at least spec.cpu.guest (`spec.cpu.maxSockets = cpu` in a series), or remove it"),
        format!("{cpu} vCPUs"),
    ));
}

/// Bytes as KubeVirt reads a quantity (`Quantity.Value()`: rounded up).
fn bytes(millis: i128) -> i128 {
    (millis + 999).div_euclid(1000)
}

/// The memory request KubeVirt gives the VM's pod when memory is
/// overcommitted (applyMemory, computed in float32 as KubeVirt does), or
/// None when it sets none.
pub fn overcommit_request(r: &Resource) -> Option<(i64, i64)> {
    let percent =
        spec_int(r, &["memory", "overcommitPercent"]).filter(|p| (1..=100).contains(p))?;
    let guest = quantity_at(r, &["spec", "memory", "guest"])?;
    let request = (bytes(guest.millis) as f32 * (1.0 - percent as f32 / 100.0)) as i64;
    Some((percent, request))
}

/// KubeVirt's minimum memory request, 1M (validateMemoryRequestsNegativeOrNull).
const MIN_REQUEST: i64 = 1_000_000;

/// Whether the VM's memory request falls under KubeVirt's minimum: then the
/// error, not the missing-unit warning, is what the author needs.
pub fn request_refused(r: &Resource) -> bool {
    overcommit_request(r).is_some_and(|(_, request)| request > 0 && request < MIN_REQUEST)
}

fn overcommitted_request(r: &Resource, out: &mut Vec<Finding>) {
    let Some((percent, request)) = overcommit_request(r) else {
        return;
    };
    if !(request > 0 && request < MIN_REQUEST) {
        return;
    }
    let (Some(node), Some(guest)) = (
        spec(r, &["memory", "guest"]),
        quantity_at(r, &["spec", "memory", "guest"]),
    ) else {
        return;
    };
    let mut diag = Diagnostic::new(
        "E0232",
        node.span,
        format!(
            "with overcommitPercent {percent}, guest memory {} makes a memory request of {request} bytes, under KubeVirt's 1M minimum",
            guest.text
        ),
    )
    .label(format!("{request} bytes requested"))
    .help(format!(
        "KubeVirt requests guest memory × (1 − overcommitPercent/100) for the VM and refuses every VM whose request is under 1M (1000000 bytes); {}",
        if bytes(guest.millis) < 1 << 20 {
            "a bare number is bytes: write the unit (`Mi`, `Gi`)"
        } else {
            "give more guest memory, or overcommit less"
        }
    ));
    if let Some(p) = spec(r, &["memory", "overcommitPercent"]) {
        diag = diag.with_secondary(p.span, "overcommitted here");
    }
    out.push(Finding::new(r, diag));
}

/// ValidateLiveUpdateMemory, which VM admission runs under KubeVirt's default
/// rollout strategy (LiveUpdate) when maxGuest is set; it reports the first
/// fault, as here. maxGuest below guest is E0228 (semantics.rs).
fn memory_hotplug(r: &Resource, out: &mut Vec<Finding>) {
    let (Some(max_node), Some(max), Some(guest)) = (
        spec(r, &["memory", "maxGuest"]),
        quantity_at(r, &["spec", "memory", "maxGuest"]),
        quantity_at(r, &["spec", "memory", "guest"]),
    ) else {
        return;
    };
    if max.millis < guest.millis {
        return;
    }
    // KubeVirt compares the page size's text with "1Gi".
    let page = quantity_at(r, &["spec", "memory", "hugepages", "pageSize"]);
    let align: i128 = if page.is_some_and(|p| p.text == "1Gi") {
        1 << 30
    } else {
        2 << 20
    };
    let align_text = if align == 1 << 30 { "1Gi" } else { "2Mi" };
    let guest_node = spec(r, &["memory", "guest"]);
    let (fault, at_guest): (String, bool) = if spec(r, &["cpu", "realtime"]).is_some() {
        (
            "memory hotplug is not compatible with realtime VMs".into(),
            false,
        )
    } else if spec(r, &["cpu", "numa", "guestMappingPassthrough"]).is_some() {
        (
            "memory hotplug is not compatible with NUMA guest mapping passthrough".into(),
            false,
        )
    } else if spec(r, &["launchSecurity"]).is_some() {
        (
            "memory hotplug is not compatible with encrypted VMs (launchSecurity)".into(),
            false,
        )
    } else if bytes(guest.millis) % align != 0 {
        (
            format!(
                "guest memory {} is not {align_text} aligned, as memory hotplug needs",
                guest.text
            ),
            true,
        )
    } else if bytes(max.millis) % align != 0 {
        (
            format!(
                "maxGuest {} is not {align_text} aligned, as memory hotplug needs",
                max.text
            ),
            false,
        )
    } else if bytes(guest.millis) < 1 << 30 {
        (
            format!(
                "memory hotplug needs at least 1Gi of guest memory, and this size has {}",
                guest.text
            ),
            true,
        )
    } else {
        return;
    };
    let mut diag = Diagnostic::new("E0233", max_node.span, fault)
        .label("maxGuest turns memory hotplug on")
        .help("under KubeVirt's default VM rollout strategy (LiveUpdate) VM admission refuses every VM that uses it; remove maxGuest here (KubeVirt then leaves hotplug off), or fix the memory");
    if let (true, Some(node)) = (at_guest, guest_node) {
        diag = diag.with_secondary(node.span, format!("guest memory {}", guest.text));
    }
    out.push(Finding::new(r, diag));
}

/// validateIOThreadsPolicy: the supplemental pool needs its size.
fn io_threads(r: &Resource, out: &mut Vec<Finding>) {
    let Some(node) = spec(r, &["ioThreadsPolicy"]) else {
        return;
    };
    if spec_text(r, &["ioThreadsPolicy"]).as_deref() != Some("supplementalPool") {
        return;
    }
    let count = spec_int(r, &["ioThreads", "supplementalPoolThreadCount"]);
    if count.is_some_and(|c| c >= 1) {
        return;
    }
    out.push(Finding::new(
        r,
        Diagnostic::new(
            "E0234",
            node.span,
            "ioThreadsPolicy \"supplementalPool\" needs spec.ioThreads.supplementalPoolThreadCount of 1 or more",
        )
        .label(match count {
            Some(c) => format!("the pool has {c} threads"),
            None => "the pool's size is not set".into(),
        })
        .help("KubeVirt refuses every VM that uses it unless the VM sets the count itself; set spec.ioThreads.supplementalPoolThreadCount (e.g. 4), or use ioThreadsPolicy \"auto\""),
    ));
}

fn text_of<'a>(item: &'a Node, key: &str) -> Option<&'a str> {
    match &item.get_path(&[key])?.value {
        Value::Str(s) => Some(s.as_str()),
        _ => None,
    }
}

/// GPUs and host devices name a device-plugin resource (deviceName) or a
/// DRA claim (claimName + requestName), never both
/// (pkg/dra/admitter validateDRADevices); at most one GPU may show a ramfb
/// display (validateMDEVRamFB).
fn devices(r: &Resource, out: &mut Vec<Finding>) {
    for (field, what) in [("gpus", "GPU"), ("hostDevices", "host device")] {
        let Some(Value::List(items)) = spec(r, &[field]).map(|n| &n.value) else {
            continue;
        };
        let mut dra = 0;
        for item in items {
            let name = text_of(item, "name").unwrap_or("?");
            let device = text_of(item, "deviceName").filter(|d| !d.is_empty());
            let claim = item.get_path(&["claimName"]).is_some()
                || item.get_path(&["requestName"]).is_some();
            let fault = match (device, claim) {
                (None, false) => Some(format!("{what} `{name}` names no device: set deviceName (a device plugin's resource) or claimName and requestName (a DRA claim)")),
                (Some(_), true) => Some(format!("{what} `{name}` sets both deviceName and a DRA claim")),
                (None, true) => {
                    dra += 1;
                    let missing: Vec<&str> = ["claimName", "requestName"]
                        .into_iter()
                        .filter(|k| text_of(item, k).is_none_or(str::is_empty))
                        .collect();
                    (!missing.is_empty()).then(|| format!("DRA {what} `{name}` needs {}", missing.join(" and ")))
                }
                (Some(_), false) => None,
            };
            if let Some(fault) = fault {
                out.push(Finding::new(
                    r,
                    Diagnostic::new("E0240", item.span, fault)
                        .label(format!("a {what} KubeVirt refuses"))
                        .help("KubeVirt admits the instance type but refuses every VM that uses it: a device is either a device plugin's resource (deviceName) or a DRA claim (claimName and requestName)"),
                ));
            }
        }
        if field == "gpus" && dra > 0 && dra < items.len() {
            if let Some(list) = spec(r, &[field]) {
                out.push(Finding::new(
                    r,
                    Diagnostic::new("E0240", list.span, "GPUs mix DRA claims and device-plugin devices")
                        .label("both kinds of GPU")
                        .help("KubeVirt refuses a VM whose GPUs are not all DRA or all device-plugin GPUs: make them one kind"),
                ));
            }
        }
        if field == "gpus" {
            let ramfb = items
                .iter()
                .filter(|g| {
                    g.get_path(&["virtualGPUOptions", "display"])
                        .is_some_and(|display| {
                            enabled(display) && display.get_path(&["ramFB"]).is_none_or(enabled)
                        })
                })
                .count();
            if ramfb > 1 {
                if let Some(list) = spec(r, &[field]) {
                    out.push(Finding::new(
                        r,
                        Diagnostic::new("E0240", list.span, format!("{ramfb} GPUs show a display with ramfb; KubeVirt allows one"))
                            .label("several ramfb displays")
                            .help("KubeVirt refuses the VM (\"configuring multiple displays with ramfb is not valid\"): set virtualGPUOptions.display.ramFB.enabled = false on all but one GPU (a display's ramFB is on unless it says otherwise)"),
                    ));
                }
            }
        }
    }
}

/// The node selector goes into the VM's pod, which the API server checks as
/// labels: a bad key or value means the pod, and so the VM, never starts.
fn node_selector(r: &Resource, out: &mut Vec<Finding>) {
    let Some(Value::Map(selector)) = spec(r, &["nodeSelector"]).map(|n| &n.value) else {
        return;
    };
    for (key, node) in selector.iter() {
        let fault = if !is_qualified_name(key) {
            Some(format!("`{key}` is not a valid node selector key"))
        } else {
            match &node.value {
                Value::Str(v) if !is_label_value(v) => Some(format!(
                    "{v:?} is not a valid node selector value for `{key}`"
                )),
                _ => None,
            }
        };
        if let Some(fault) = fault {
            out.push(Finding::new(
                r,
                Diagnostic::new("E0208", node.span, fault)
                    .label("copied into the pod of every VM that uses this instance type")
                    .help("the API server refuses the VM's pod, so the VM never starts: node selectors are labels, a key is an optional DNS prefix and '/' then at most 63 letters, digits, '-', '_' or '.', and a value at most 63 of those, starting and ending with a letter or digit"),
            ));
        }
    }
}
