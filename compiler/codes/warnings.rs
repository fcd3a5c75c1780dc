//! Warnings (W01xx): suspicious data that still builds; `allow` silences them.

use super::{CodeInfo, W};

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "W0101",
        severity: W,
        title: "suspicious string",
        explanation: "An annotation that should hold a plain URL or name starts with a quote, ends with a newline or has spaces around it: usually a quoting accident in YAML. Upstream's documentation-url and support-url annotations are like this on purpose (their bundles carry the quotes), so catalog.cit allows them with a reason.

Mistake:

    documentationUrl = \"\\\"https://example.com\\\"\\n\"

Fix:

    documentationUrl = \"https://example.com\"

or, when intended: `allow W0101 \"upstream quirk\"`.
",
    },
    CodeInfo {
        code: "W0102",
        severity: W,
        title: "size off the series' ratio",
        explanation: "A series that declares `ratio C:M` promises M GiB of memory for every C vCPUs; this size breaks it.

Mistake:

    series cx1 { ratio 1:2  sizes compute_sizes ... }   // with a row `large 2 8Gi`

Fix: correct the size table (large 2 4Gi) or the declared ratio.
",
    },
    CodeInfo {
        code: "W0103",
        severity: W,
        title: "deprecated without a replacement",
        explanation: "A resource labelled deprecated should tell its users what to use instead.

Mistake:

    preference rhel.7 : rhel { use deprecated }

Fix:

    preference rhel.7 : rhel { use deprecated  replacedBy = \"rhel.9\" }
",
    },
    CodeInfo {
        code: "W0104",
        severity: W,
        title: "deprecated field or value",
        explanation: "KubeVirt deprecates this field or value: spec.launchSecurity on instance types (use the preference's preferredLaunchSecurity), preferredUseEfi / preferredUseSecureBoot (use preferredEfi), and the prefer* CPU topologies (preferSockets → sockets, …).

Mistake:

    preference p { spec.cpu.preferredCPUTopology = \"preferSockets\" }

Fix:

    preference p { spec.cpu.preferredCPUTopology = \"sockets\" }
",
    },
    CodeInfo {
        code: "W0105",
        severity: W,
        title: "unusual huge page size",
        explanation: "x86_64 nodes offer 2Mi and 1Gi huge pages; other sizes rarely exist on a node.

Mistake:

    series m1 { spec.memory.hugepages.pageSize = 4Mi ... }

Fix:

    series m1 { spec.memory.hugepages.pageSize = 2Mi ... }
",
    },
    CodeInfo {
        code: "W0106",
        severity: W,
        title: "required architecture not preferred",
        explanation: "The preference requires an architecture but does not prefer it: a VM that does not set its architecture gets the cluster's default and may fail the requirement.

Mistake:

    preference p { spec.requirements.architecture = \"arm64\" }

Fix: the `architecture` mixin sets both (and the arch label).

    preference p { spec.requirements.architecture = \"arm64\"  spec.preferredArchitecture = \"arm64\" }
",
    },
    CodeInfo {
        code: "W0107",
        severity: W,
        title: "spread options ignored",
        explanation: "spec.cpu.spreadOptions only matter when preferredCPUTopology is spread.

Mistake:

    preference p { use cpu-topology-sockets  spec.cpu.spreadOptions.ratio = 4 }

Fix: remove the spreadOptions, or use cpu-topology-spread.
",
    },
    CodeInfo {
        code: "W0108",
        severity: W,
        title: "allowance that silences nothing",
        explanation: "An `allow` covers its block (or its file, at the top level) and no warning of that code arises there: it is stale, or in the wrong block.

Mistake:

    preference p { allow W0101 \"urls\" }

Fix: remove it, or move it into the definition or mixin whose values raise the warning.
",
    },
    CodeInfo {
        code: "W0109",
        severity: W,
        title: "import cycle",
        explanation: "A file is imported back by a file it imports (directly or through others). Files are loaded once, so the catalog still compiles; the cycle usually means two files that should be one, or definitions that belong in a third file both import.

Mistake:

    // a.cit
    import \"b.cit\"
    // b.cit
    import \"a.cit\"

Fix: move what both need into `common.cit` and import that from each.
",
    },
    CodeInfo {
        code: "W0110",
        severity: W,
        title: "memory without a unit",
        explanation: "A guest memory or a memory requirement below 1Mi: a bare number is bytes, so \
`memory.guest = 4` asks for 4 bytes. It is almost always a forgotten unit.\n\nMistake:\n\n    spec.requirements.memory.guest = 2\n\nFix:\n\n    spec.requirements.memory.guest = 2Gi\n",
    },
    CodeInfo {
        code: "W0111",
        severity: W,
        title: "patch that changes nothing",
        explanation: "A `patch` left every resource it selects as it was: its fields already \
have the values it sets (often because the imported catalog adopted the change), or its body \
is empty. It does no harm, but it no longer says anything true about the catalog.\n\n\
Mistake:\n\n    import \"upstream/catalog.cit\"\n    patch preference fedora { spec.devices.preferredDiskBus = \"virtio\" }  // upstream's value already\n\n\
Fix: remove the patch.\n",
    },
    CodeInfo {
        code: "W0120",
        severity: W,
        title: "table column that nothing reads",
        explanation: "No statement, mixin, name or `when` reads this column of a table that the \
catalog uses, so every row gives the same resources: a `variants` table whose page size nothing \
reads makes the same spec under two names. (The first column of a `sizes` or `variants` table \
names the resources, and counts as read.)\n\nMistake:\n\n    table my_variants (suffix, pagesize) { \"\"  2Mi\n                                           \"1gi\"  1Gi }\n    series m1 { variants my_variants  use sized  sizes memory_sizes }\n\n\
Fix: read it (`spec.memory.hugepages.pageSize = pagesize`), or remove the column.\n",
    },
    CodeInfo {
        code: "W0121",
        severity: W,
        title: "constant that nothing reads",
        explanation: "A `let` (global or in a block) that no value, name or `when` reads: a \
leftover, or a name misspelt where it was meant to be used. `release_url` is read by `citc diff` \
and never reported.\n\nMistake:\n\n    let headroom = 512Mi\n    series t1 { spec.memory.guest = cpu * 2Gi }\n\n\
Fix: use it, or remove it.\n",
    },
    CodeInfo {
        code: "W0122",
        severity: W,
        title: "table that nothing uses",
        explanation: "A table of the catalog that no `sizes`, `variants` or `for` names: its rows \
make nothing.\n\nFix: name it where it was meant (`sizes my_sizes`, `for my_table`), or remove \
it. Tables of the standard library are not reported.\n",
    },
    CodeInfo {
        code: "W0123",
        severity: W,
        title: "replacement on a resource that is not deprecated",
        explanation: "`replacedBy` names the resource to use instead of a deprecated one; on a \
resource without `deprecated = \"true\"` consoles ignore it, and it says something untrue.\n\n\
Mistake:\n\n    preference rhel.8 { replacedBy = \"rhel.9\" }\n\n\
Fix:\n\n    preference rhel.8 { use deprecated  replacedBy = \"rhel.9\" }\n",
    },
    CodeInfo {
        code: "W0130",
        severity: W,
        title: "machine type outside KubeVirt's defaults",
        explanation: "A VM that chooses no machine type gets the preference's preferredMachineType, and KubeVirt refuses it unless it matches the cluster's emulatedMachines (validateEmulatedMachine); KubeVirt's defaults are q35* and pc-q35* on amd64, virt* on arm64, s390-ccw-virtio* on s390x. A cluster can list others, so this is a warning.\n\nMistake:\n\n    preference legacy { spec.machine.preferredMachineType = \"pc-i440fx-rhel7.6.0\" }\n\nFix:\n\n    preference legacy { spec.machine.preferredMachineType = \"pc-q35-rhel9.6.0\" }\n\nor, for a cluster configured for it: `allow W0130 \"our clusters emulate i440fx\"`.\n",
    },
    CodeInfo {
        code: "W0131",
        severity: W,
        title: "refused on amd64, and the preference names no architecture",
        explanation: "A VM that uses a preference naming no architecture (no preferredArchitecture, no requirements.architecture) gets the cluster's default, amd64 on most clusters, and there KubeVirt refuses what the preference sets: launch security other than exactly one of sev, snp and tdx with the firmware they need (E0238), or a custom logical block size other than 512 on the sata bus amd64 disks get (E0236). On a cluster whose default is s390x or arm64 it may be right, so this is a warning; naming the architecture makes it an error, or makes it go away.\n\nMistake:\n\n    preference secure { use launch-security }   // IBM Secure Execution, `{}`\n\nFix:\n\n    preference secure { use launch-security  spec.preferredArchitecture = \"s390x\" }\n",
    },
];
