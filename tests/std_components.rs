//! std/components follows upstream's `preferences/components/`: every
//! component upstream has at main is a std mixin of the same name that
//! sets the same fields to the same values. The next component upstream
//! adds fails this test until std has it.
//!
//! Each component is compiled here as a preference that uses only the std
//! mixin (with each architecture for the per-architecture components,
//! whose folders hold one component per architecture), and its `spec` and
//! labels are compared with the component's YAML as upstream wrote it.

mod common;

use common::project;

use std::path::{Path, PathBuf};
use std::process::Command;

use saphyr::{LoadableYamlNode, Yaml};

/// `../shared/upstream/main/preferences/components`, or `None` (with the
/// reason printed) when it is absent outside CI.
fn components_dir() -> Option<PathBuf> {
    let dir = project().join("../shared/upstream/main/preferences/components");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{} is missing, and CI=true", dir.display());
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

/// A component: its name, the architecture of a per-architecture one, and
/// the patch document upstream applies.
struct Component {
    name: String,
    arch: Option<String>,
    patch: Yaml<'static>,
}

fn patch_in(folder: &Path) -> Yaml<'static> {
    let file = std::fs::read_dir(folder)
        .expect("read component")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && p.file_name().is_some_and(|n| n != "kustomization.yaml")
        })
        .unwrap_or_else(|| panic!("{} has no patch", folder.display()));
    let text = std::fs::read_to_string(&file).expect("read patch");
    Yaml::load_from_str(&text)
        .expect("patch parses")
        .into_iter()
        .next()
        .expect("one document")
}

fn upstream_components(dir: &Path) -> Vec<Component> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read components")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for folder in names {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        if folder.join("kustomization.yaml").is_file() {
            out.push(Component {
                name,
                arch: None,
                patch: patch_in(&folder),
            });
            continue;
        }
        // One folder per architecture.
        let mut arches: Vec<PathBuf> = std::fs::read_dir(&folder)
            .expect("read arches")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.join("kustomization.yaml").is_file())
            .collect();
        arches.sort();
        assert!(
            !arches.is_empty(),
            "{} holds no component",
            folder.display()
        );
        for arch in arches {
            out.push(Component {
                name: name.clone(),
                arch: Some(arch.file_name().unwrap().to_string_lossy().into_owned()),
                patch: patch_in(&arch),
            });
        }
    }
    out
}

fn get<'y>(node: &'y Yaml<'static>, key: &str) -> Option<&'y Yaml<'static>> {
    node.as_mapping_get(key)
}

/// A YAML value as text with its mappings' keys sorted: field order is
/// not part of a component (the bundles sort keys).
fn canonical(node: &Yaml<'static>) -> String {
    match node.as_mapping() {
        Some(map) => {
            let mut entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", canonical(k), canonical(v)))
                .collect();
            entries.sort();
            format!("{{{}}}", entries.join(", "))
        }
        None => format!("{node:?}"),
    }
}

/// The probe preference's name for a component.
fn probe_name(component: &Component) -> String {
    match &component.arch {
        Some(arch) => format!("probe.{}.{arch}", component.name),
        None => format!("probe.{}", component.name),
    }
}

#[test]
fn every_upstream_component_is_a_std_mixin_with_the_same_fields() {
    let Some(dir) = components_dir() else { return };
    let components = upstream_components(&dir);
    assert!(components.len() >= 29, "{} components", components.len());

    // One catalog with a probe preference per component (`spec = {}`: a
    // component may set only labels, and a preference needs a spec).
    let mut catalog = String::from("import \"std/kubevirt\"\nimport \"std/components\"\n\n");
    for component in &components {
        match &component.arch {
            Some(arch) => catalog.push_str(&format!(
                "table {t} (arch) {{\n  {arch}\n}}\n\npreference \"{p}\" for {t} {{\n  use {m}\n  spec = {{}}\n}}\n\n",
                t = probe_name(component).replace(['.', '-'], "_"),
                p = probe_name(component),
                m = component.name,
            )),
            None => catalog.push_str(&format!(
                "preference {} {{\n  use {}\n  spec = {{}}\n}}\n\n",
                probe_name(component),
                component.name
            )),
        }
    }
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::write(work.path().join("probe.cit"), &catalog).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["build", "probe.cit", "--version", "probe", "-o", "out"])
        .current_dir(work.path())
        .output()
        .expect("run citc");
    assert!(
        out.status.success(),
        "a component of upstream's has no std mixin of its name (or it does not compile):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle = std::fs::read_to_string(
        work.path()
            .join("out/common-clusterpreferences-bundle.yaml"),
    )
    .expect("bundle");
    let docs = Yaml::load_from_str(&bundle).expect("bundle parses");

    let mut wrong = Vec::new();
    for component in &components {
        let name = probe_name(component);
        let doc = docs
            .iter()
            .find(|d| {
                get(d, "metadata")
                    .and_then(|m| get(m, "name"))
                    .and_then(Yaml::as_str)
                    == Some(name.as_str())
            })
            .unwrap_or_else(|| panic!("no probe {name} in the bundle"));
        // The same spec, field for field (empty when the component sets none).
        let empty = Yaml::Mapping(Default::default());
        let spec = |d: &Yaml<'static>| canonical(get(d, "spec").unwrap_or(&empty));
        if spec(doc) != spec(&component.patch) {
            wrong.push(format!(
                "{name}: spec {}, upstream's {}",
                spec(doc),
                spec(&component.patch)
            ));
        }
        // Every label the component sets, with its value (derived labels
        // and the version label come on top).
        let labels = get(doc, "metadata").and_then(|m| get(m, "labels"));
        if let Some(wanted) = get(&component.patch, "metadata")
            .and_then(|m| get(m, "labels"))
            .and_then(Yaml::as_mapping)
        {
            for (key, value) in wanted {
                let key = key.as_str().expect("label key");
                if labels.and_then(|l| get(l, key)) != Some(value) {
                    wrong.push(format!("{name}: label {key} is not {value:?}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "std differs from upstream:\n{}",
        wrong.join("\n")
    );
}
