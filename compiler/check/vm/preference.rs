//! A preference as the VM that uses it sees it: what KubeVirt refuses once
//! the preferred values are in the VM, on the preference's architecture
//! (KUBEVIRT_RULES.md, "Preferences").

use super::{enabled, spec, spec_bool, spec_int, spec_text, Finding};
use crate::diagnostic::Diagnostic;
use crate::resolve::Resource;
use crate::value::Node;

pub fn check(r: &Resource, out: &mut Vec<Finding>) {
    let arch = Arch::of(r);
    video(r, arch, out);
    disks(r, arch, out);
    firmware_and_panic(r, arch, out);
    launch_security(r, arch, out);
    hyperv(r, out);
    machine_type(r, arch, out);
}

/// The architecture of a VM that uses the preference and sets none: the
/// preferred one (or the required one), else the cluster's default, which
/// is amd64 unless the cluster says otherwise.
#[derive(Clone, Copy)]
struct Arch {
    name: &'static str,
    /// Named by the preference, not assumed.
    named: bool,
}

impl Arch {
    fn of(r: &Resource) -> Arch {
        let named = spec_text(r, &["preferredArchitecture"])
            .or_else(|| spec_text(r, &["requirements", "architecture"]));
        match named.as_deref() {
            Some("arm64") => Arch {
                name: "arm64",
                named: true,
            },
            Some("s390x") => Arch {
                name: "s390x",
                named: true,
            },
            Some(_) => Arch {
                name: "amd64",
                named: true,
            },
            None => Arch {
                name: "amd64",
                named: false,
            },
        }
    }

    /// How a message says which architecture it means.
    fn says(self) -> String {
        format!("on {}", self.name)
    }
}

/// A diagnostic whose help says, when the preference names no
/// architecture, why amd64 is assumed.
fn refuse(
    r: &Resource,
    code: &'static str,
    node: &Node,
    message: String,
    label: &str,
    help: &str,
) -> Finding {
    let arch = Arch::of(r);
    let help = if arch.named || !message.contains("amd64") {
        help.to_string()
    } else {
        format!("{help} (the preference names no architecture, so VMs get the cluster's default, usually amd64; spec.preferredArchitecture names another)")
    };
    Finding::new(
        r,
        Diagnostic::new(code, node.span, message)
            .label(label)
            .help(help),
    )
}

/// validateVideoConfig and validateVideoType{Amd64,Arm64,S390x}.
fn video(r: &Resource, arch: Arch, out: &mut Vec<Finding>) {
    let Some(node) = spec(r, &["devices", "preferredVideoType"]) else {
        return;
    };
    if let (Some(false), Some(off)) = (
        spec_bool(r, &["devices", "preferredAutoattachGraphicsDevice"]),
        spec(r, &["devices", "preferredAutoattachGraphicsDevice"]),
    ) {
        out.push(Finding::new(
            r,
            Diagnostic::new(
                "E0235",
                node.span,
                "a video type with the graphics device turned off",
            )
            .label("a video device for VMs with no graphics device")
            .with_secondary(off.span, "graphics device turned off here")
            .help("KubeVirt refuses every VM that uses it (\"Video configuration is not allowed when autoattachGraphicsDevice is set to false\"): remove preferredVideoType, or the preferredAutoattachGraphicsDevice = false"),
        ));
    }
    let allowed: &[&str] = match arch.name {
        "arm64" => &["virtio", "ramfb"],
        "s390x" => &["virtio"],
        _ => &["vga", "cirrus", "virtio", "ramfb", "bochs"],
    };
    let Some(video) = spec_text(r, &["devices", "preferredVideoType"]) else {
        return;
    };
    if !allowed.contains(&video.as_str()) {
        out.push(refuse(
            r,
            "E0237",
            node,
            format!("video type {video:?} is not supported {}", arch.says()),
            "not supported on this architecture",
            &format!(
                "KubeVirt refuses every VM that uses it; {} supports {}",
                arch.name,
                quoted(allowed)
            ),
        ));
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The disk bus a VM's disks get: the preferred one, else what KubeVirt
/// sets for the architecture (SetAmd64Defaults: sata; arm64, s390x: virtio).
fn disk_bus(r: &Resource, arch: Arch) -> String {
    spec_text(r, &["devices", "preferredDiskBus"]).unwrap_or_else(|| {
        if arch.name == "amd64" {
            "sata"
        } else {
            "virtio"
        }
        .to_string()
    })
}

/// validateBusSupport (CD-ROMs on virtio), validateDiskBus (arm64), and
/// validateBlockSize for the block size every disk gets.
fn disks(r: &Resource, arch: Arch, out: &mut Vec<Finding>) {
    if let (Some("virtio"), Some(node)) = (
        spec_text(r, &["devices", "preferredCdromBus"]).as_deref(),
        spec(r, &["devices", "preferredCdromBus"]),
    ) {
        out.push(refuse(
            r,
            "E0236",
            node,
            "CD-ROMs cannot use the virtio bus".into(),
            "virtio CD-ROM",
            "KubeVirt refuses every VM with a CD-ROM that takes this bus (\"Bus type virtio is invalid for CD-ROM device\"): use \"sata\" or \"scsi\"",
        ));
    }
    if arch.name == "arm64" {
        for field in ["preferredDiskBus", "preferredCdromBus", "preferredLunBus"] {
            if let (Some(bus), Some(node)) = (
                spec_text(r, &["devices", field]),
                spec(r, &["devices", field]),
            ) {
                if bus == "sata" || bus == "usb" {
                    out.push(refuse(
                        r,
                        "E0237",
                        node,
                        format!("disk bus {bus:?} is not supported {}", arch.says()),
                        "not supported on arm64",
                        "KubeVirt refuses every VM whose disks take this bus (\"Arm64 not support this disk bus type, please use virtio or scsi\"): use \"virtio\" or \"scsi\"",
                    ));
                }
            }
        }
    }
    block_size(r, arch, out);
}

const MIN_BLOCK: i64 = 512;
const MAX_BLOCK: i64 = 2_097_152;

fn block_size(r: &Resource, arch: Arch, out: &mut Vec<Finding>) {
    let Some(custom) = spec(r, &["devices", "preferredDiskBlockSize", "custom"]) else {
        return;
    };
    let mut push = |code: &'static str, node: &Node, message: String| {
        out.push(refuse(
            r,
            code,
            node,
            message,
            "the block size every disk of the VM gets",
            "KubeVirt refuses every VM that uses it; a custom block size is a power of 2 from 512 to 2097152, its logical size at most its physical size (512 on a sata disk), its discard granularity a multiple of the logical size",
        ))
    };
    if let Some(matching) = spec(r, &["devices", "preferredDiskBlockSize", "matchVolume"]) {
        if enabled(matching) {
            push(
                "E0236",
                matching,
                "a custom block size with matchVolume on".into(),
            );
            return;
        }
    }
    let int = |key: &str| spec_int(r, &["devices", "preferredDiskBlockSize", "custom", key]);
    let at = |key: &str| {
        spec(r, &["devices", "preferredDiskBlockSize", "custom", key]).unwrap_or(custom)
    };
    let logical = int("logical").unwrap_or(0);
    let physical = int("physical").unwrap_or(0);
    let bus = disk_bus(r, arch);
    if logical > physical {
        push(
            "E0236",
            at("logical"),
            format!("logical block size {logical} is larger than the physical size {physical}"),
        );
    } else if bus == "sata" && logical != MIN_BLOCK {
        let chosen = spec(r, &["devices", "preferredDiskBus"]).is_some();
        // sata by default on an assumed amd64: the cluster decides.
        let code = if chosen || arch.named {
            "E0236"
        } else {
            "W0131"
        };
        let why = if chosen {
            String::new()
        } else {
            format!(
                " (the bus KubeVirt gives disks {} when the preference sets no preferredDiskBus)",
                arch.says()
            )
        };
        push(
            code,
            at("logical"),
            format!("logical block size {logical} on sata disks, which take only 512{why}"),
        );
    } else if let Some(granularity) =
        int("discardGranularity").filter(|g| logical != 0 && g % logical != 0)
    {
        push(
            "E0236",
            at("discardGranularity"),
            format!(
                "discard granularity {granularity} is not a multiple of the logical size {logical}"
            ),
        );
    } else {
        for (key, size) in [("logical", logical), ("physical", physical)] {
            let fault = if size < MIN_BLOCK {
                Some("below the minimum of 512")
            } else if size > MAX_BLOCK {
                Some("above the maximum of 2097152")
            } else if size & (size - 1) != 0 {
                Some("not a power of 2")
            } else {
                None
            };
            if let Some(fault) = fault {
                push(
                    "E0236",
                    at(key),
                    format!("{key} block size {size} is {fault}"),
                );
            }
        }
    }
}

/// Arm64 boots with UEFI only (validateBootOptions); s390x has no custom
/// panic devices (validatePanicDevices).
fn firmware_and_panic(r: &Resource, arch: Arch, out: &mut Vec<Finding>) {
    if let (Some(true), Some(node), "arm64") = (
        spec_bool(r, &["firmware", "preferredUseBios"]),
        spec(r, &["firmware", "preferredUseBios"]),
        arch.name,
    ) {
        out.push(refuse(
            r,
            "E0237",
            node,
            format!("BIOS boot is not supported {}", arch.says()),
            "BIOS",
            "KubeVirt refuses every VM that uses it (\"Arm64 does not support bios boot, please change to uefi boot\"): remove preferredUseBios; arm64 VMs boot with UEFI by default",
        ));
    }
    if let (Some(node), "s390x") = (
        spec(r, &["devices", "preferredPanicDeviceModel"]),
        arch.name,
    ) {
        out.push(refuse(
            r,
            "E0237",
            node,
            format!("panic devices are not supported {}", arch.says()),
            "a panic device",
            "KubeVirt refuses every VM that uses it (\"custom panic devices are not supported on s390x architecture\"): remove preferredPanicDeviceModel",
        ));
    }
}

/// validateLaunchSecurity and ValidateLaunchSecurityAmd64.
fn launch_security(r: &Resource, arch: Arch, out: &mut Vec<Finding>) {
    let Some(node) = spec(r, &["preferredLaunchSecurity"]) else {
        return;
    };
    const HELP: &str = "KubeVirt refuses every VM that uses it";
    match arch.name {
        "s390x" => return,
        "arm64" => {
            out.push(refuse(
                r,
                "E0238",
                node,
                format!("launch security is not supported {}", arch.says()),
                "launch security",
                &format!("{HELP} (\"No launchSecurity support for architecture: arm64\"): remove preferredLaunchSecurity"),
            ));
            return;
        }
        _ => {}
    }
    // amd64 assumed: then it is the cluster's default architecture that
    // decides, and an s390x cluster runs Secure Execution's `{}`.
    let code = if arch.named { "E0238" } else { "W0131" };
    let types: Vec<&str> = ["sev", "snp", "tdx"]
        .into_iter()
        .filter(|t| node.get_path(&[t]).is_some())
        .collect();
    if types.len() != 1 {
        out.push(refuse(
            r,
            code,
            node,
            format!(
                "launch security {} needs exactly one of sev, snp and tdx, and this sets {}",
                arch.says(),
                if types.is_empty() { "none".to_string() } else { types.join(" and ") }
            ),
            "launch security",
            &format!("{HELP} (\"One and only one launchSecurity type can be set\"); IBM Secure Execution (`{{}}`) is for s390x: set spec.preferredArchitecture = \"s390x\""),
        ));
        return;
    }
    let kind = types[0].to_ascii_uppercase();
    let smm = spec(r, &["features", "preferredSmm"]).is_some_and(enabled);
    if kind == "TDX" && smm {
        out.push(refuse(
            r,
            code,
            node,
            "TDX does not work with SMM".into(),
            "TDX",
            &format!("{HELP}: remove spec.features.preferredSmm"),
        ));
    }
    // Which EFI the VM gets (applyFirmwarePreferences): none with BIOS.
    let bios = spec_bool(r, &["firmware", "preferredUseBios"]) == Some(true);
    let efi = spec(r, &["firmware", "preferredEfi"]);
    let legacy_efi = spec_bool(r, &["firmware", "preferredUseEfi"]) == Some(true);
    if bios || (efi.is_none() && !legacy_efi) {
        out.push(refuse(
            r,
            code,
            node,
            format!("{kind} needs UEFI, and the preference does not boot with it"),
            "launch security",
            &format!("{HELP} (\"{kind} requires OVMF (UEFI)\"): set spec.firmware.preferredEfi (with secureBoot = false for SEV and SNP)"),
        ));
        return;
    }
    let secure_boot = match efi {
        Some(_) => spec_bool(r, &["firmware", "preferredEfi", "secureBoot"]) != Some(false),
        None => spec_bool(r, &["firmware", "preferredUseSecureBoot"]) != Some(false),
    };
    if (kind == "SEV" || kind == "SNP") && secure_boot {
        out.push(refuse(
            r,
            code,
            node,
            format!("{kind} does not work with secure boot, which is on unless secureBoot = false"),
            "launch security",
            &format!("{HELP}: set spec.firmware.preferredEfi.secureBoot = false"),
        ));
    }
    if (kind == "SNP" || kind == "TDX")
        && spec_bool(r, &["firmware", "preferredEfi", "persistent"]) == Some(true)
    {
        out.push(refuse(
            r,
            code,
            node,
            format!("{kind} does not work with persistent EFI variables"),
            "launch security",
            &format!("{HELP}: set spec.firmware.preferredEfi.persistent = false"),
        ));
    }
}

/// ValidateVirtualMachineInstanceHypervFeatureDependencies: KubeVirt turns on
/// a Hyper-V feature's missing dependency itself, but refuses one turned off.
fn hyperv(r: &Resource, out: &mut Vec<Finding>) {
    const NEEDS: &[(&str, &str)] = &[
        ("evmcs", "vapic"),
        ("ipi", "vpindex"),
        ("tlbflush", "vpindex"),
        ("synictimer", "synic"),
        ("synic", "vpindex"),
    ];
    for (feature, needs) in NEEDS {
        let (Some(on), Some(off)) = (
            spec(r, &["features", "preferredHyperv", feature]),
            spec(r, &["features", "preferredHyperv", needs]),
        ) else {
            continue;
        };
        if enabled(on) && !enabled(off) {
            out.push(Finding::new(
                r,
                Diagnostic::new(
                    "E0239",
                    on.span,
                    format!("Hyper-V `{feature}` needs `{needs}`, which is turned off"),
                )
                .label(format!("needs {needs}"))
                .with_secondary(off.span, format!("{needs} turned off here"))
                .help(format!("KubeVirt refuses every VM that uses it (\"'{feature}' requires '{needs}', which was disabled\"): remove the `enabled = false` of {needs} (KubeVirt then turns it on), or turn {feature} off")),
            ));
        }
    }
}

/// validateEmulatedMachine against KubeVirt's default emulatedMachines
/// (pkg/virt-config): a cluster may configure others, so a warning.
fn machine_type(r: &Resource, arch: Arch, out: &mut Vec<Finding>) {
    let (Some(machine), Some(node)) = (
        spec_text(r, &["machine", "preferredMachineType"]),
        spec(r, &["machine", "preferredMachineType"]),
    ) else {
        return;
    };
    let globs: &[&str] = match arch.name {
        "arm64" => &["virt*"],
        "s390x" => &["s390-ccw-virtio*"],
        _ => &["q35*", "pc-q35*"],
    };
    if machine.is_empty() || globs.iter().any(|g| glob_matches(g, &machine)) {
        return;
    }
    out.push(Finding::new(
        r,
        Diagnostic::new(
            "W0130",
            node.span,
            format!(
                "machine type {machine:?} is not one of KubeVirt's default emulated machines {} ({})",
                arch.says(),
                globs.join(", ")
            ),
        )
        .label("outside the default emulatedMachines")
        .help(format!(
            "VMs that choose no machine type get it, and a cluster with KubeVirt's default configuration refuses them; use a machine type that matches {} (e.g. {:?}), or keep it for clusters whose KubeVirt configuration lists it (`allow W0130 \"reason\"`){}",
            globs.join(" or "),
            globs[0].trim_end_matches('*'),
            if arch.named { "" } else { "; the preference names no architecture, so amd64, the usual cluster default, is assumed" }
        )),
    ));
}

/// Go's filepath.Match for the patterns KubeVirt uses (`prefix*`): `*`
/// matches any run of characters but '/'.
fn glob_matches(pattern: &str, text: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => text
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.contains('/')),
        None => pattern == text,
    }
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn machine_globs_match_as_go_does() {
        assert!(glob_matches("q35*", "q35"));
        assert!(glob_matches("pc-q35*", "pc-q35-rhel9.6.0"));
        assert!(!glob_matches("q35*", "pc-i440fx-2.0"));
        assert!(!glob_matches("q35*", "q35/x"));
        assert!(glob_matches(
            "s390-ccw-virtio*",
            "s390-ccw-virtio-rhel9.6.0"
        ));
    }
}
