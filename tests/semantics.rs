//! The language's meaning, on small catalogs: each test compiles a source and
//! compares documents with YAML written out by hand.

use citc::emit::yaml::write_document;
use citc::lower::ApiKind;

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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: child
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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: grandchild
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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: merged
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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: replaced
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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: p
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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: win.10.virtio
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
  labels:
    instancetype.kubevirt.io/common-instancetypes-version: v9
  name: p
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
