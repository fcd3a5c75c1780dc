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
        explanation: "Label and annotation keys are qualified names (an optional DNS prefix and '/', then at most 63 characters); label values are at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.

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
        explanation: "spec.cpu.guest is 0. KubeVirt accepts it (the field is unsigned), but no VM can run with zero vCPUs.

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
        explanation: "spec.memory.guest is zero. No VM can run without memory.

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
];
