//! The language's meaning, on small catalogs: each test compiles a source and
//! compares documents with YAML written out by hand.

use citc::kube::ApiKind;
use citc::yaml::write_document;

/// Compiles `source` and returns the YAML of every cluster-wide document, by name.
fn build(source: &str) -> Vec<(String, String)> {
    let compilation = citc::compile_str("test.cit", source, "v9");
    let rendered: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| citc::diagnostic::render_short(&compilation.sources, d))
        .collect();
    assert!(
        !compilation.has_errors(),
        "unexpected errors:\n{}",
        rendered.join("\n")
    );
    compilation
        .documents
        .iter()
        .filter(|d| {
            matches!(
                d.kind,
                ApiKind::VirtualMachineClusterInstancetype
                    | ApiKind::VirtualMachineClusterPreference
            )
        })
        .map(|d| {
            let mut text = String::new();
            write_document(&mut text, &d.yaml);
            (d.name.clone(), text)
        })
        .collect()
}

fn document(docs: &[(String, String)], name: &str) -> String {
    docs.iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| {
            panic!(
                "no document {name}; have {:?}",
                docs.iter().map(|d| &d.0).collect::<Vec<_>>()
            )
        })
}

#[test]
fn inheritance_applies_parent_then_mixins_then_own_fields() {
    let docs = build(
        r#"
        mixin virtio { spec.devices.preferredDiskBus = "virtio"  spec.devices.preferredRng = {} }
        abstract preference base {
          spec.devices.preferredDiskBus = "sata"
          spec.devices.preferredInterfaceModel = "e1000"
        }
        preference child : base {
          use virtio
          spec.devices.preferredInterfaceModel = "virtio"
        }
        preference grandchild : child {
          spec.devices.preferredDiskBus = "scsi"
        }
        "#,
    );
    assert_eq!(docs.len(), 2, "the abstract base makes no document");
    assert_eq!(
        document(&docs, "child"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: child
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  devices:
    preferredDiskBus: virtio
    preferredInterfaceModel: virtio
    preferredRng: {}
"
    );
    assert_eq!(
        document(&docs, "grandchild"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: grandchild
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  devices:
    preferredDiskBus: scsi
    preferredInterfaceModel: virtio
    preferredRng: {}
"
    );
}

#[test]
fn replace_operator_drops_the_inherited_subtree() {
    let docs = build(
        r#"
        abstract preference base { spec.clock.preferredTimer { hpet.present = false  pit.tickPolicy = "delay" } }
        preference merged : base { spec.clock.preferredTimer.rtc.tickPolicy = "catchup" }
        preference replaced : base { spec.clock.preferredTimer := { rtc.tickPolicy = "catchup" } }
        "#,
    );
    assert_eq!(
        document(&docs, "merged"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: merged
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  clock:
    preferredTimer:
      hpet:
        present: false
      pit:
        tickPolicy: delay
      rtc:
        tickPolicy: catchup
"
    );
    assert_eq!(
        document(&docs, "replaced"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: replaced
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  clock:
    preferredTimer:
      rtc:
        tickPolicy: catchup
"
    );
}

#[test]
fn mixins_merge_and_the_definition_settles_their_conflicts() {
    let docs = build(
        r#"
        mixin efi { spec.firmware.preferredEfi.secureBoot = false }
        mixin secure { spec.firmware.preferredEfi.secureBoot = true  spec.features.preferredSmm = {} }
        mixin persisted { spec.firmware.preferredEfi.persistent = true }
        preference p {
          use efi, secure, persisted
          spec.firmware.preferredEfi.secureBoot = true
        }
        "#,
    );
    assert_eq!(
        document(&docs, "p"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: p
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  features:
    preferredSmm: {}
  firmware:
    preferredEfi:
      persistent: true
      secureBoot: true
"
    );
}

#[test]
fn matrix_expands_the_cross_product_minus_exceptions() {
    let docs = build(
        r#"
        table versions (version, memory) {
          xp  128Mi
          10  2Gi
        }
        table drivers (driver, suffix) {
          emulated ""
          virtio   ".virtio"
        }
        preference "win.${version}${suffix}" for versions * drivers except (xp, virtio) {
          spec.requirements.memory.guest = memory
          when driver == virtio { spec.devices.preferredDiskBus = "virtio" }
          when version in (10) { spec.devices.preferredTPM.persistent = true }
        }
        "#,
    );
    let names: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(names, ["win.10", "win.10.virtio", "win.xp"]);
    assert_eq!(
        document(&docs, "win.10.virtio"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: win.10.virtio
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  devices:
    preferredDiskBus: virtio
    preferredTPM:
      persistent: true
  requirements:
    memory:
      guest: 2Gi
"
    );
}

#[test]
fn series_sizes_variants_and_derived_labels() {
    let docs = build(
        r#"
        import "std/kubevirt"
        table sizes (size, cpu, memory) {
          small  1  2Gi
          large  2  4Gi
        }
        table pages (suffix, pagesize) {
          ""     2Mi
          "1gi"  1Gi
        }
        series x1 {
          use sized
          sizes sizes
          variants pages
          class = "example"
          spec.cpu.dedicatedCPUPlacement = true
          spec.cpu.numa.guestMappingPassthrough = {}
          spec.memory.hugepages.pageSize = pagesize
        }
        series y1 : x1 {
          sizes sizes except small
          class = "other"
        }
        "#,
    );
    let names: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "x1.large",
            "x1.large1gi",
            "x1.small",
            "x1.small1gi",
            "y1.large",
            "y1.large1gi"
        ]
    );
    assert_eq!(
        document(&docs, "y1.large1gi"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterInstancetype
metadata:
  labels:
    instancetype.kubevirt.io/class: other
    instancetype.kubevirt.io/cpu: \"2\"
    instancetype.kubevirt.io/dedicatedCPUPlacement: \"true\"
    instancetype.kubevirt.io/hugepages: 1Gi
    instancetype.kubevirt.io/memory: 4Gi
    instancetype.kubevirt.io/numa: \"true\"
    instancetype.kubevirt.io/size: large1gi
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: y1.large1gi
spec:
  cpu:
    dedicatedCPUPlacement: true
    guest: 2
    numa:
      guestMappingPassthrough: {}
  memory:
    guest: 4Gi
    hugepages:
      pageSize: 1Gi
"
    );
}

#[test]
fn preference_labels_are_derived_from_requirements_and_architecture() {
    let docs = build(
        r#"
        import "std/kubevirt"
        preference p {
          spec.preferredArchitecture = "arm64"
          spec.requirements { architecture = "arm64"  cpu.guest = 2  memory.guest = 1.5Gi }
        }
        "#,
    );
    assert_eq!(
        document(&docs, "p"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  labels:
    instancetype.kubevirt.io/preferred-architecture: arm64
    instancetype.kubevirt.io/required-architecture: arm64
    instancetype.kubevirt.io/required-cpu: \"2\"
    instancetype.kubevirt.io/required-memory: 1.5Gi
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: p
spec:
  preferredArchitecture: arm64
  requirements:
    architecture: arm64
    cpu:
      guest: 2
    memory:
      guest: 1.5Gi
"
    );
}

#[test]
fn text_blocks_strip_indentation_and_strings_interpolate() {
    let docs = build(
        r#"
        let project = "example"
        preference p {
          metadata.annotations.description = """
            First line of ${project}.

              indented line
            last line
            """
          metadata.annotations.url = "\"https://${project}.io\"\n"
          spec = {}
        }
        "#,
    );
    assert_eq!(
        document(&docs, "p"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  annotations:
    description: |-
      First line of example.

        indented line
      last line
    url: |
      \"https://example.io\"
  name: p
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec: {}
"
    );
}

#[test]
fn every_definition_yields_both_kinds_in_kind_then_name_order() {
    let compilation = citc::compile_str(
        "t.cit",
        r#"
        preference b { spec = {} }
        preference a.10 { spec = {} }
        preference a.9 { spec = {} }
        instancetype z { spec.cpu.guest = 1  spec.memory.guest = 1Gi }
        "#,
        "v1",
    );
    assert!(!compilation.has_errors());
    let order: Vec<String> = compilation
        .documents
        .iter()
        .map(|d| format!("{}/{}", d.kind.name(), d.name))
        .collect();
    assert_eq!(
        order,
        [
            "VirtualMachineClusterInstancetype/z",
            "VirtualMachineClusterPreference/a.10",
            "VirtualMachineClusterPreference/a.9",
            "VirtualMachineClusterPreference/b",
            "VirtualMachineInstancetype/z",
            "VirtualMachinePreference/a.10",
            "VirtualMachinePreference/a.9",
            "VirtualMachinePreference/b",
        ]
    );
}

/// The codes of the errors `source` raises, in order.
fn error_codes(source: &str) -> Vec<String> {
    let compilation = citc::compile_str("test.cit", source, "v9");
    compilation
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect()
}

#[test]
fn arithmetic_is_exact_and_written_as_a_person_would() {
    let docs = build(
        r#"
        let half = 512Mi
        table sizes (size, cpu, memory) {
          small  2  2Gi
          odd    3  512Mi
        }
        series t {
          sizes sizes
          spec.cpu.guest = cpu * 2 - 1
          spec.memory.guest = cpu * memory
          spec.memory.overcommitPercent = (cpu + 1) * 10 / 2
        }
        preference p {
          spec.requirements.memory.guest = 1Gi + half
          spec.requirements.cpu.guest = 12 / 4
        }
        preference d { spec.requirements.memory.guest = 1.5G * 2 + 500M / 2 }
        "#,
    );
    assert_eq!(
        document(&docs, "t.small"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterInstancetype
metadata:
  name: t.small
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  cpu:
    guest: 3
  memory:
    guest: 4Gi
    overcommitPercent: 15
"
    );
    assert!(document(&docs, "t.odd").contains("guest: 1536Mi\n"));
    assert!(document(&docs, "t.odd").contains("overcommitPercent: 20\n"));
    assert_eq!(
        document(&docs, "p"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: p
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  requirements:
    cpu:
      guest: 3
    memory:
      guest: 1536Mi
"
    );
    // Decimal suffixes stay decimal.
    assert!(document(&docs, "d").contains("guest: 3250M\n"));
}

#[test]
fn arithmetic_errors_have_their_codes() {
    let one = |expr: &str| {
        error_codes(&format!(
            "table s (size, cpu, memory) {{ a 2 1Gi }}\n\
             series t {{ sizes s  spec.cpu.guest = cpu  spec.memory.guest = {expr} }}"
        ))
    };
    assert_eq!(one("memory * 2Gi"), ["E0123"]);
    assert_eq!(one("size + 1Gi"), ["E0123"]);
    assert_eq!(one("\"4\" + 1Gi"), ["E0123"]);
    assert_eq!(one("cpu + 1Gi"), ["E0123"]);
    assert_eq!(one("memory * 1.5"), ["E0123"]);
    assert_eq!(one("2 / memory"), ["E0123"]);
    assert_eq!(one("memory - 2Gi"), ["E0124"]);
    assert_eq!(one("memory * 9223372036854775807"), ["E0124"]);
    assert_eq!(one("9223372036854775807 + cpu"), ["E0124"]);
    assert_eq!(one("memory / (cpu - 2)"), ["E0125"]);
    assert_eq!(one("memory / 3"), ["E0126"]);
    assert_eq!(one("7 / cpu"), ["E0126"]);
    // Precedence: * and / before + and -, left to right.
    assert_eq!(
        one("memory + memory * 2 - 1Gi / 2 - 512Mi"),
        Vec::<String>::new()
    );
}

#[test]
fn local_let_is_scoped_to_its_block_and_may_not_hide_a_variable() {
    let docs = build(
        r#"
        let base = 1Gi
        mixin m {
          let extra = 256Mi
          spec.requirements.memory.guest = base + extra
        }
        preference p {
          use m
          let cpus = 2
          spec.requirements.cpu.guest = cpus
          spec.cpu {
            let ratio = cpus * 2
            preferredCPUTopology = "spread"
            spreadOptions.ratio = ratio
          }
        }
        "#,
    );
    let p = document(&docs, "p");
    assert!(p.contains("ratio: 4\n"), "{p}");
    assert!(p.contains("guest: 1280Mi\n"), "{p}");
    // Not visible before it, outside its block, or in the mixins it uses.
    assert_eq!(
        error_codes("preference p { spec.cpu { let n = 1 } spec.requirements.cpu.guest = n }"),
        ["E0105"]
    );
    assert_eq!(
        error_codes("preference p { spec.requirements.cpu.guest = n  let n = 1 }"),
        ["E0105"]
    );
    assert_eq!(
        error_codes(
            "mixin m { spec.requirements.cpu.guest = n }\npreference p { let n = 1  use m }"
        ),
        ["E0105"]
    );
    // Hiding a global, a column or an outer local is an error.
    assert_eq!(
        error_codes("let n = 1\npreference p { let n = 2  spec.requirements.cpu.guest = n }"),
        ["E0127"]
    );
    assert_eq!(
        error_codes(
            "preference p { let n = 1  spec.cpu { let n = 2  spreadOptions.ratio = n } spec.requirements.cpu.guest = n }"
        ),
        ["E0127"]
    );
    assert_eq!(
        error_codes(
            "table v (arch) { amd64 }\npreference \"p.${arch}\" for v { let arch = \"x\"  spec.requirements.cpu.guest = 1 }"
        ),
        ["E0127"]
    );
}

#[test]
fn unset_removes_an_inherited_field_and_the_maps_it_leaves_empty() {
    let docs = build(
        r#"
        alias preference displayName = metadata.annotations."openshift.io/display-name"
        mixin secureboot {
          spec.features.preferredSmm = {}
          spec.firmware.preferredEfi.secureBoot = true
        }
        preference rhel.9 {
          use secureboot
          displayName = "RHEL 9"
          spec.devices.preferredDiskBus = "virtio"
        }
        preference rhel.9.nosecure : rhel.9 {
          unset spec.firmware.preferredEfi.secureBoot
          unset displayName
          unset spec.devices.preferredDiskBus
          spec.devices.preferredDiskBus = "sata"
        }
        "#,
    );
    assert_eq!(
        document(&docs, "rhel.9.nosecure"),
        "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: rhel.9.nosecure
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
spec:
  devices:
    preferredDiskBus: sata
  features:
    preferredSmm: {}
"
    );
    assert!(document(&docs, "rhel.9").contains("secureBoot: true"));
    // In order with assignments: an unset after the assignment removes it.
    assert_eq!(
        error_codes(
            "preference p { spec.devices.preferredDiskBus = \"sata\"  unset spec.devices.preferredDiskBus  spec.devices.preferredInterfaceModel = \"virtio\" }"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        error_codes(
            "preference p { unset spec.devices.preferredDiskBus  spec.devices.preferredDiskBus = \"sata\" }"
        ),
        ["E0128"]
    );
    assert_eq!(
        error_codes("preference p { spec.cpu.spreadOptions.ratio = 1  unset spec.cpu.spreadOptions.ratio.x }"),
        ["E0128"]
    );
    assert_eq!(
        error_codes("preference p { spec.cpu { unset spreadOptions } }"),
        ["E0129"]
    );
    // An unset settles a conflict between two mixins.
    assert_eq!(
        error_codes(
            "mixin a { spec.devices.preferredDiskBus = \"sata\" }\nmixin b { spec.devices.preferredDiskBus = \"virtio\" }\npreference p { use a, b  unset spec.devices.preferredDiskBus  spec.devices.preferredInterfaceModel = \"virtio\" }"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_list_of_maps_is_a_sequence_of_maps() {
    let docs = build(
        r#"
        instancetype gn1.xlarge {
          spec.cpu.guest = 4
          spec.memory.guest = 16Gi
          spec.gpus = [
            { name = "gpu1"  deviceName = "nvidia.com/A400" },
            { deviceName = "nvidia.com/A10"  name = "gpu2" },
          ]
        }
        "#,
    );
    assert!(document(&docs, "gn1.xlarge").contains(
        "  gpus:\n  - deviceName: nvidia.com/A400\n    name: gpu1\n  - deviceName: nvidia.com/A10\n    name: gpu2\n"
    ));
}
