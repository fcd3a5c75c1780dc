//! Codes of the checker (E02xx): the schema, KubeVirt's admission rules and
//! preference requirements.

use super::{CodeInfo, E};

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0201",
        severity: E,
        title: "unknown field",
        explanation: "A field that the instancetype.kubevirt.io/v1beta1 schema (std/schema) does not declare. KubeVirt's API server would prune it or, with strict validation, reject it. The help line suggests the closest field name.

Mistake:

    preference p { spec.devices.preferedDiskBus = \"virtio\" }

Fix:

    preference p { spec.devices.preferredDiskBus = \"virtio\" }
",
    },
    CodeInfo {
        code: "E0202",
        severity: E,
        title: "wrong value type",
        explanation: "The value's type does not match the field's type in the schema: a string where an integer is expected, a number where a label needs text, a scalar where an object is expected.

Mistake:

    series u1 { spec.cpu.guest = \"2\" ... }

Fix:

    series u1 { spec.cpu.guest = 2 ... }
",
    },
    CodeInfo {
        code: "E0203",
        severity: E,
        title: "value outside an enum",
        explanation: "The field accepts only a fixed set of strings; the help line lists them.

Mistake:

    preference p { spec.devices.preferredDiskBus = \"ide\" }

Fix: use one of virtio, sata, scsi, usb.

    preference p { spec.devices.preferredDiskBus = \"sata\" }
",
    },
    CodeInfo {
        code: "E0204",
        severity: E,
        title: "malformed quantity",
        explanation: "A Kubernetes quantity is a decimal number with an optional suffix: Ki Mi Gi Ti Pi Ei (powers of 1024) or m k M G T P E (powers of 1000). `4GB`, `1.5.Gi` and `2 Gi` are not quantities.

Mistake:

    preference p { spec.requirements.memory.guest = 4GB }

Fix:

    preference p { spec.requirements.memory.guest = 4Gi }
",
    },
    CodeInfo {
        code: "E0205",
        severity: E,
        title: "number out of range",
        explanation: "An integer (or a string length) is outside the range the schema allows, for example `spec.memory.overcommitPercent` must be from 0 to 100.

Mistake:

    series o1 : u1 { spec.memory.overcommitPercent = 150 }

Fix:

    series o1 : u1 { spec.memory.overcommitPercent = 50 }
",
    },
    CodeInfo {
        code: "E0206",
        severity: E,
        title: "required field missing",
        explanation: "The schema requires this field: an instance type needs spec.cpu.guest and spec.memory.guest; a preference's requirements.cpu needs guest.

Mistake:

    instancetype tiny { spec.cpu.guest = 1 }

Fix:

    instancetype tiny { spec.cpu.guest = 1  spec.memory.guest = 512Mi }
",
    },
    CodeInfo {
        code: "E0207",
        severity: E,
        title: "invalid resource name",
        explanation: "Kubernetes names are DNS-1123 subdomains: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters. This also applies to matrix-made names and to fields that hold names.

Mistake:

    preference Windows_11 { }

Fix:

    preference windows.11 { }
",
    },
    CodeInfo {
        code: "E0208",
        severity: E,
        title: "invalid label or annotation",
        explanation: "Label and annotation keys are qualified names (an optional DNS prefix and '/', then at most 63 characters); label values are at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit. The same rules hold for two maps of the spec that KubeVirt admits as plain maps but copies onto what a VM makes: `spec.annotations` (of an instance type or a preference) goes onto the VM instance, which the API server refuses when the VM starts, and an instance type's `spec.nodeSelector` goes into the VM's pod, which the API server refuses too.

Mistake:

    preference p { labels.\"example.com/os type\" = \"linux\" }

Fix:

    preference p { labels.\"example.com/os-type\" = \"linux\" }
",
    },
    CodeInfo {
        code: "E0210",
        severity: E,
        title: "unknown schema type",
        explanation: "A field declaration in the schema names a type that is neither built in (string, bool, int, number, quantity, enum, dns_subdomain, map, list) nor declared with `type`.

Mistake:

    type EFI { secureBoot: boolean }

Fix:

    type EFI { secureBoot: bool }
",
    },
    CodeInfo {
        code: "E0211",
        severity: E,
        title: "invalid allow",
        explanation: "`allow` silences warnings only. Naming an error code, or a code that does not exist, is an error: fix errors instead of hiding them.

Mistake:

    preference p { allow E0201 \"typo is fine\" }

Fix: remove the allowance and correct the field; for a warning, `allow W0101 \"reason\"`.
",
    },
    CodeInfo {
        code: "E0220",
        severity: E,
        title: "instance type without vCPUs",
        explanation: "spec.cpu.guest is 0. KubeVirt admits it (the field is unsigned) and runs a VM of the instance type with one vCPU: its topology becomes 0 sockets, which the VM's domain reads as 1. citc asks for the value that says what happens.

Mistake:

    instancetype x { spec.cpu.guest = 0  spec.memory.guest = 1Gi }

Fix:

    instancetype x { spec.cpu.guest = 1  spec.memory.guest = 1Gi }
",
    },
    CodeInfo {
        code: "E0221",
        severity: E,
        title: "instance type without memory",
        explanation: "spec.memory.guest is zero. KubeVirt admits it (it checks no minimum unless memory is overcommitted, E0232), but the VM gets no memory and its guest cannot boot.

Mistake:

    instancetype x { spec.cpu.guest = 1  spec.memory.guest = 0 }

Fix:

    instancetype x { spec.cpu.guest = 1  spec.memory.guest = 512Mi }
",
    },
    CodeInfo {
        code: "E0222",
        severity: E,
        title: "overcommitted memory with huge pages",
        explanation: "KubeVirt rejects an instance type that sets spec.memory.overcommitPercent (other than 0) together with spec.memory.hugepages: huge pages cannot be overcommitted (VALIDATION.md I2).

Mistake:

    series o1 : m1 { spec.memory.overcommitPercent = 50 }

Fix: base the overcommitted series on one without huge pages.

    series o1 : u1 { spec.memory.overcommitPercent = 50 }
",
    },
    CodeInfo {
        code: "E0223",
        severity: E,
        title: "isolateEmulatorThread without dedicatedCPUPlacement",
        explanation: "The emulator thread can only be isolated onto a dedicated core: every VM using this instance type would be rejected (VALIDATION.md V2).

Mistake:

    series d1 { spec.cpu.isolateEmulatorThread = true ... }

Fix:

    series d1 { spec.cpu.dedicatedCPUPlacement = true  spec.cpu.isolateEmulatorThread = true ... }
",
    },
    CodeInfo {
        code: "E0224",
        severity: E,
        title: "realtime or NUMA without what they need",
        explanation: "spec.cpu.realtime needs dedicatedCPUPlacement and numa.guestMappingPassthrough; NUMA passthrough needs dedicatedCPUPlacement and huge pages (VALIDATION.md V3, V4).

Mistake:

    series rt1 { spec.cpu.realtime = {} ... }

Fix:

    series rt1 {
      use dedicated-cpu
      spec.cpu.realtime = {}
      spec.cpu.numa.guestMappingPassthrough = {}
      spec.memory.hugepages.pageSize = 1Gi
    }
",
    },
    CodeInfo {
        code: "E0225",
        severity: E,
        title: "invalid spread options",
        explanation: "With the spread CPU topology, spreading across CoresThreads only allows a ratio of 2, and a ratio of 0 makes KubeVirt divide by zero (VALIDATION.md P3, S1).

Mistake:

    preference p { use cpu-topology-spread  spec.cpu.spreadOptions.ratio = 0 }

Fix:

    preference p { use cpu-topology-spread  spec.cpu.spreadOptions.ratio = 4 }
",
    },
    CodeInfo {
        code: "E0226",
        severity: E,
        title: "secure boot without SMM",
        explanation: "EFI secure boot (on unless secureBoot = false) requires SMM; without spec.features.preferredSmm every VM using the preference is rejected (VALIDATION.md V19).

Mistake:

    preference p { spec.firmware.preferredEfi.secureBoot = true }

Fix: the `secureboot` mixin sets both.

    preference p { use secureboot }
",
    },
    CodeInfo {
        code: "E0227",
        severity: E,
        title: "required and preferred architectures differ",
        explanation: "A VM that does not choose its architecture gets the preference's preferredArchitecture, which then fails the preference's own requirements.architecture (VALIDATION.md R3).

Mistake:

    preference p { spec.preferredArchitecture = \"amd64\"  spec.requirements.architecture = \"arm64\" }

Fix:

    preference p { spec.preferredArchitecture = \"arm64\"  spec.requirements.architecture = \"arm64\" }
",
    },
    CodeInfo {
        code: "E0228",
        severity: E,
        title: "memory does not fit the huge pages or maxGuest",
        explanation: "Guest memory must be at least one huge page and a whole number of them; maxGuest must not be below guest memory (VALIDATION.md V1, V8).

Mistake:

    instancetype x { spec.cpu.guest = 1  spec.memory.guest = 1536Mi  spec.memory.hugepages.pageSize = 1Gi }

Fix:

    instancetype x { spec.cpu.guest = 1  spec.memory.guest = 2Gi  spec.memory.hugepages.pageSize = 1Gi }
",
    },
    CodeInfo {
        code: "E0229",
        severity: E,
        title: "maxSockets below the sockets the guest gets",
        explanation: "KubeVirt gives a VM one socket per vCPU unless the VM's preference chooses cores, threads or spread, and refuses a VM with more sockets than spec.cpu.maxSockets (validateCPUHotplug). An instance type whose maxSockets is below spec.cpu.guest cannot be used without a preference, or with a `sockets` or `any` one.

Mistake:

    series c1 { use sized  sizes compute_sizes  spec.cpu.maxSockets = 2 }

Fix: as many sockets as vCPUs (what upstream's cx1 does).

    series c1 { use sized  sizes compute_sizes  spec.cpu.maxSockets = cpu }
",
    },
    CodeInfo {
        code: "E0230",
        severity: E,
        title: "preference requirements nobody satisfies",
        explanation: "No instance type of the catalog meets the preference's requirements under KubeVirt's rules: enough vCPUs (R1) and memory (R2, compared as quantities), vCPUs that divide by the spread ratio (S1), at most 2 threads per core with dedicated CPUs (1 on arm64, V5), and no more sockets than maxSockets (V6). The help line names the closest instance types and why each fails.

Mistake:

    preference big { spec.requirements.cpu.guest = 128 }

Fix: lower the requirement, or add an instance type that meets it.
",
    },
    CodeInfo {
        code: "E0231",
        severity: E,
        title: "replacement does not exist",
        explanation: "A deprecated resource names a replacement (replacedBy) that is not in the catalog.

Mistake:

    preference rhel.7 : rhel { use deprecated  replacedBy = \"rhel.99\" }

Fix:

    preference rhel.7 : rhel { use deprecated  replacedBy = \"rhel.9\" }
",
    },
    CodeInfo {
        code: "E0232",
        severity: E,
        title: "overcommitted memory request under KubeVirt's minimum",
        explanation: "With spec.memory.overcommitPercent p, KubeVirt requests guest × (1 − p/100) of memory for the VM (applyMemory, in float32) and refuses a request under 1M, 1000000 bytes (validateMemoryRequestsNegativeOrNull). Usually the guest memory lacks its unit.

Mistake:

    instancetype o { spec.cpu.guest = 1  spec.memory.guest = 1024  spec.memory.overcommitPercent = 50 }

Fix:

    instancetype o { spec.cpu.guest = 1  spec.memory.guest = 1Gi  spec.memory.overcommitPercent = 50 }
",
    },
    CodeInfo {
        code: "E0233",
        severity: E,
        title: "memory hotplug that KubeVirt refuses",
        explanation: "spec.memory.maxGuest turns memory hotplug on, and under KubeVirt's default VM rollout strategy (LiveUpdate) VM admission checks it (ValidateLiveUpdateMemory): not with realtime, NUMA passthrough or launch security; guest memory and maxGuest 2Mi aligned (1Gi with 1Gi huge pages); at least 1Gi of guest memory; amd64 only. A cluster with the Stage strategy skips these checks.

Mistake:

    series h1 { use sized  sizes general_sizes  spec.memory.maxGuest = memory * 4 }   // nano has 512Mi

Fix: leave the small sizes out, or set maxGuest only where guest memory is 1Gi or more.

    series h1 { use sized  sizes general_sizes except nano  spec.memory.maxGuest = memory * 4 }
",
    },
    CodeInfo {
        code: "E0234",
        severity: E,
        title: "supplemental IO thread pool without a size",
        explanation: "ioThreadsPolicy \"supplementalPool\" needs spec.ioThreads.supplementalPoolThreadCount of 1 or more; KubeVirt refuses every VM that uses the instance type unless the VM sets the count itself (validateIOThreadsPolicy).

Mistake:

    instancetype io { spec.cpu.guest = 2  spec.memory.guest = 4Gi  spec.ioThreadsPolicy = \"supplementalPool\" }

Fix:

    instancetype io { spec.cpu.guest = 2  spec.memory.guest = 4Gi  spec.ioThreadsPolicy = \"supplementalPool\"  spec.ioThreads.supplementalPoolThreadCount = 4 }
",
    },
    CodeInfo {
        code: "E0235",
        severity: E,
        title: "video type with the graphics device turned off",
        explanation: "A preference that turns the graphics device off (preferredAutoattachGraphicsDevice = false) and prefers a video type gives every VM a video device without graphics, which KubeVirt refuses (validateVideoConfig).

Mistake:

    preference headless { spec.devices { preferredAutoattachGraphicsDevice = false  preferredVideoType = \"virtio\" } }

Fix:

    preference headless { spec.devices.preferredAutoattachGraphicsDevice = false }
",
    },
    CodeInfo {
        code: "E0236",
        severity: E,
        title: "disk setting that KubeVirt refuses",
        explanation: "A preference's disk settings reach the VM's disks, and KubeVirt refuses: CD-ROMs on the virtio bus (validateBusSupport); a custom block size with matchVolume on, a logical size above the physical one, a logical size other than 512 on a sata disk (the bus amd64 disks get when the preference sets no preferredDiskBus; a warning, W0131, when the preference names no architecture either), a discard granularity that is not a multiple of the logical size, or a size that is not a power of 2 from 512 to 2097152 (validateBlockSize).

Mistake:

    preference p {
      spec.preferredArchitecture = \"amd64\"
      spec.devices.preferredDiskBlockSize.custom { logical = 4096  physical = 4096 }
    }

Fix: a bus that takes 4096-byte sectors.

    preference p {
      spec.preferredArchitecture = \"amd64\"
      spec.devices.preferredDiskBus = \"virtio\"
      spec.devices.preferredDiskBlockSize.custom { logical = 4096  physical = 4096 }
    }
",
    },
    CodeInfo {
        code: "E0237",
        severity: E,
        title: "not supported on the preference's architecture",
        explanation: "The preference's architecture (preferredArchitecture, else requirements.architecture, else amd64, the usual cluster default) does not support something it prefers, and KubeVirt refuses every VM that uses it: video types (amd64 vga, cirrus, virtio, ramfb, bochs; arm64 virtio, ramfb; s390x virtio), sata and usb disk buses and BIOS boot on arm64, panic devices on s390x.

Mistake:

    preference p.arm64 { spec.preferredArchitecture = \"arm64\"  spec.devices.preferredVideoType = \"vga\" }

Fix:

    preference p.arm64 { spec.preferredArchitecture = \"arm64\"  spec.devices.preferredVideoType = \"virtio\" }
",
    },
    CodeInfo {
        code: "E0238",
        severity: E,
        title: "launch security that KubeVirt refuses",
        explanation: "preferredLaunchSecurity is checked against the preference's architecture (validateLaunchSecurity): on s390x (IBM Secure Execution) `{}` is right; arm64 has none; on amd64 exactly one of sev, snp and tdx, with UEFI, SEV and SNP without secure boot, SNP and TDX without persistent EFI variables, TDX without SMM. A preference that names no architecture is checked as amd64, the usual cluster default, with a warning (W0131) instead: on an s390x cluster `{}` is right.

Mistake:

    preference secure { use launch-security  spec.preferredArchitecture = \"amd64\" }   // `{}`

Fix: Secure Execution is for s390x.

    preference secure { use launch-security  spec.preferredArchitecture = \"s390x\" }
",
    },
    CodeInfo {
        code: "E0239",
        severity: E,
        title: "Hyper-V feature whose dependency is turned off",
        explanation: "synic needs vpindex, synictimer synic, ipi and tlbflush vpindex, evmcs vapic. KubeVirt turns on a missing dependency itself, but refuses a VM whose dependency is turned off (`enabled = false`) (ValidateVirtualMachineInstanceHypervFeatureDependencies).

Mistake:

    preference w { spec.features.preferredHyperv { synic = {}  vpindex.enabled = false } }

Fix:

    preference w { spec.features.preferredHyperv { synic = {}  vpindex = {} } }
",
    },
    CodeInfo {
        code: "E0240",
        severity: E,
        title: "GPU or host device that KubeVirt refuses",
        explanation: "Each GPU and host device of an instance type is a device plugin's resource (deviceName) or a DRA claim (claimName and requestName), never neither nor both; GPUs are all of one kind; at most one GPU shows a display with ramfb (pkg/dra/admitter, validateMDEVRamFB). KubeVirt admits the instance type and refuses every VM that uses it.

Mistake:

    instancetype g { spec.cpu.guest = 4  spec.memory.guest = 16Gi  spec.gpus = [{ name = \"gpu1\" }] }

Fix:

    instancetype g { spec.cpu.guest = 4  spec.memory.guest = 16Gi  spec.gpus = [{ name = \"gpu1\"  deviceName = \"nvidia.com/GA102GL_A10\" }] }
",
    },
];
