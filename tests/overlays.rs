//! Overlays (`patch`, `remove`): a catalog changes the resources of a
//! catalog it imports. Each test writes a base catalog and an overlay that
//! imports it, compiles the overlay and looks at the documents.

use std::path::Path;

use citc::kube::ApiKind;
use citc::yaml::write_document;

const BASE: &str = r#"
import "std/kubevirt"
import "std/components"

table sizes (size, cpu, memory) {
  small  1  2Gi
  large  4  8Gi
}

series s1 {
  use sized
  sizes sizes
  vendor = "base.example"
  class = "general.purpose"
}

series s2 : s1 {
  class = "compute"
}

abstract preference root { vendor = "base.example" }
preference linux : root { use diskbus-virtio-blk, rng }
preference linux.efi : linux { use efi }
preference windows : root { spec.devices.preferredDiskBus = "sata" }
"#;

/// Compiles `overlay` (which may `import "base.cit"`) beside BASE; returns
/// the cluster-wide documents by name, or the short diagnostics.
fn compile(overlay: &str) -> Result<Vec<(String, String)>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("base.cit"), BASE).expect("write base");
    let top = dir.path().join("top.cit");
    std::fs::write(&top, overlay).expect("write overlay");
    let compilation = citc::compile(citc::resolve::Root::Path(Path::new(&top)), "v1");
    if compilation.has_errors() {
        return Err(compilation
            .diagnostics
            .iter()
            .map(|d| citc::diagnostic::render_short(&compilation.sources, d))
            .collect::<Vec<_>>()
            .join("\n"));
    }
    Ok(compilation
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
        .collect())
}

fn docs(overlay: &str) -> Vec<(String, String)> {
    compile(overlay).unwrap_or_else(|errors| panic!("unexpected errors:\n{errors}"))
}

fn doc<'a>(docs: &'a [(String, String)], name: &str) -> &'a str {
    docs.iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no {name} in {:?}", names(docs)))
}

fn names(docs: &[(String, String)]) -> Vec<&str> {
    docs.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn a_patch_of_everything_re_vendors_every_resource() {
    let docs = docs("import \"base.cit\"\npatch * { vendor = \"acme.example\" }\n");
    assert_eq!(docs.len(), 7);
    for (name, text) in &docs {
        assert!(
            text.contains("instancetype.kubevirt.io/vendor: acme.example\n"),
            "{name}:\n{text}"
        );
        assert!(!text.contains("base.example"), "{name}:\n{text}");
    }
}

#[test]
fn remove_takes_names_patterns_series_and_kinds() {
    let docs = docs(
        "import \"base.cit\"\nremove instancetype series s2\nremove preference linux.*, windows\n",
    );
    assert_eq!(names(&docs), ["s1.large", "s1.small", "linux"]);
}

#[test]
fn a_patch_applies_to_the_resource_as_built_not_to_its_children() {
    // Like a kustomize patch: `linux.efi` inherited from `linux` before the
    // patch, so it keeps the virtio disk bus.
    let docs = docs(
        "import \"base.cit\"\npatch preference linux { spec.devices.preferredDiskBus = \"scsi\" }\n",
    );
    assert!(doc(&docs, "linux").contains("preferredDiskBus: scsi"));
    assert!(doc(&docs, "linux.efi").contains("preferredDiskBus: virtio"));
}

#[test]
fn a_patch_uses_mixins_unsets_fields_and_reads_the_row() {
    let docs = docs(
        r#"import "base.cit"
patch instancetype series s1 {
  when size == large { spec.memory.overcommitPercent = 10 }
  spec.cpu.model = "host-${size}"
}
patch preference linux.efi {
  use secureboot
  unset spec.devices.preferredRng
}
"#,
    );
    assert!(doc(&docs, "s1.large").contains("overcommitPercent: 10"));
    assert!(!doc(&docs, "s1.small").contains("overcommitPercent"));
    assert!(doc(&docs, "s1.small").contains("model: host-small"));
    assert!(!doc(&docs, "s2.small").contains("model:"), "series s1 only");
    let efi = doc(&docs, "linux.efi");
    assert!(efi.contains("secureBoot: true"), "{efi}");
    assert!(!efi.contains("preferredRng"), "{efi}");
}

#[test]
fn derived_labels_follow_a_patch_and_labels_select() {
    let docs = docs(
        r#"import "base.cit"
patch instancetype s1.small { spec.cpu.guest = 2 }
// Derived labels select too: s1.large and s2.large have 4 vCPUs.
patch instancetype label "instancetype.kubevirt.io/cpu" == "4" { spec.cpu.model = "big" }
patch label class == "compute" { spec.memory.overcommitPercent = 5 }
"#,
    );
    assert!(doc(&docs, "s1.small").contains("instancetype.kubevirt.io/cpu: \"2\""));
    assert!(doc(&docs, "s1.large").contains("model: big"));
    assert!(doc(&docs, "s2.large").contains("model: big"));
    assert!(!doc(&docs, "s1.small").contains("model: big"));
    assert!(doc(&docs, "s2.small").contains("overcommitPercent: 5"));
    assert!(!doc(&docs, "s1.small").contains("overcommitPercent"));
}

#[test]
fn overlays_apply_after_the_overlays_of_the_files_imported() {
    // top imports mid, mid imports base: mid's patch runs first, then top's.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("base.cit"), BASE).expect("write");
    std::fs::write(
        dir.path().join("mid.cit"),
        "import \"base.cit\"\npatch preference windows { spec.devices.preferredDiskBus = \"scsi\" }\n",
    )
    .expect("write");
    let top = dir.path().join("top.cit");
    std::fs::write(
        &top,
        // Listed before the import of mid, and still applied after mid's.
        "patch preference windows { spec.devices.preferredDiskBus = \"virtio\" }\nimport \"mid.cit\"\n",
    )
    .expect("write");
    let compilation = citc::compile(citc::resolve::Root::Path(&top), "v1");
    assert!(!compilation.has_errors());
    let windows = compilation
        .documents
        .iter()
        .find(|d| d.name == "windows")
        .expect("windows");
    let mut text = String::new();
    write_document(&mut text, &windows.yaml);
    assert!(text.contains("preferredDiskBus: virtio"), "{text}");
}

#[test]
fn an_overlay_adds_resources_built_on_the_base() {
    let docs = docs(
        r#"import "base.cit"
series acme : s1 { sizes sizes except small  vendor = "acme.example" }
preference acme.linux : linux { displayName = "ACME Linux" }
"#,
    );
    assert!(doc(&docs, "acme.large").contains("instancetype.kubevirt.io/class: general.purpose"));
    assert!(doc(&docs, "acme.linux").contains("preferredDiskBus: virtio"));
}

#[test]
fn every_target_must_select_something() {
    let errors = compile(
        r#"import "base.cit"
remove preference windows
patch preference windows { spec.devices.preferredDiskBus = "scsi" }
remove instancetype s1.huge, s3.*
patch preference series s1 { }
patch instancetype label class == "nothing" { }
"#,
    )
    .expect_err("targets that select nothing");
    for expected in [
        "top.cit:3:18: error[E0131]: no preference named `windows`",
        "top.cit:4:21: error[E0131]: no instance type named `s1.huge`",
        "top.cit:4:30: error[E0131]: `s3.*` matches no instance type",
        "top.cit:5:25: error[E0131]: a series makes instance types, not preferences",
        "top.cit:6:20: error[E0131]: no instance type has the label `instancetype.kubevirt.io/class` with the value \"nothing\"",
    ] {
        assert!(errors.contains(expected), "missing {expected:?} in:\n{errors}");
    }
}

/// A patch's `when` reads the columns of the rows that made what it
/// selects; a selected resource without that column is left alone, and a
/// value no selected resource has is an error.
#[test]
fn a_patch_when_on_a_matrix_column_skips_resources_without_it() {
    let overlay = r#"import "base.cit"
table arches (arch, suffix) {
  amd64  ""
  s390x  ".s390x"
}
preference "os${suffix}" : linux for arches {
  spec.preferredArchitecture = arch
}
patch preference os*, linux {
  when arch == s390x { spec.devices.preferredNetworkInterfaceMultiQueue = true }
}
"#;
    let docs = docs(overlay);
    assert!(doc(&docs, "os.s390x").contains("preferredNetworkInterfaceMultiQueue: true"));
    assert!(!doc(&docs, "os").contains("MultiQueue"));
    assert!(!doc(&docs, "linux").contains("MultiQueue"));

    let errors = compile(&overlay.replace("arch == s390x", "arch == s390")).unwrap_err();
    assert!(
        errors.contains("error[E0120]: no resource this patch selects has `arch` = `s390`"),
        "{errors}"
    );
    let errors = compile(&overlay.replace("arch == s390x", "arc == s390x")).unwrap_err();
    assert!(
        errors.contains("error[E0105]: unknown variable `arc`"),
        "{errors}"
    );
}
