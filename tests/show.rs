//! `citc show`: the document is the build's bytes, and `--why` cites the
//! line that set each value. Expected lines are found in the sources by
//! their text, never computed by citc.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, Yaml};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn citc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run citc")
}

fn stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn show(args: &[&str]) -> String {
    let mut all = vec!["show"];
    all.extend(args);
    all.extend(["--version", "v1"]);
    stdout(&citc(&all))
}

/// `file:line` of the first line of `file` (in the repository, or the
/// standard library) that contains `needle`.
fn line_of(file: &str, needle: &str) -> String {
    let path = match file.strip_prefix("std/") {
        Some(name) => root().join("stdlib").join(name),
        None => root().join(file),
    };
    let text = std::fs::read_to_string(&path).expect("source");
    let line = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in {file}"));
    format!("{file}:{}:", line + 1)
}

/// The comment on the line of `field` (`key: value  # …`, or the comment
/// line above it).
fn why_of<'t>(text: &'t str, field: &str) -> &'t str {
    let lines: Vec<&str> = text.lines().collect();
    let index = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no `{field}` in\n{text}"));
    match lines[index].split_once("  # ") {
        Some((_, why)) => why,
        None => lines[index - 1].trim_start().trim_start_matches("# "),
    }
}

/// The document of `name` of `kind` in the build's all-bundle.
fn built(catalog: &str, kind: &str, name: &str) -> String {
    let bundle = stdout(&citc(&["build", catalog, "--version", "v1", "-o", "-"]));
    bundle
        .split("---\n")
        .map(|doc| format!("---\n{doc}"))
        .find(|doc| {
            doc.contains(&format!("\nkind: {kind}\n"))
                && doc.contains(&format!("\n  name: {name}\n"))
        })
        .unwrap_or_else(|| panic!("{kind} {name} not in the bundle"))
}

#[test]
fn the_document_is_the_bytes_the_build_writes() {
    for (name, kind, args) in [
        ("u1.medium", "VirtualMachineClusterInstancetype", vec![]),
        (
            "cx1.2xlarge1gi",
            "VirtualMachineClusterInstancetype",
            vec![],
        ),
        (
            "cx1.2xlarge1gi",
            "VirtualMachineInstancetype",
            vec!["--kind", "VirtualMachineInstancetype"],
        ),
        ("fedora.arm64", "VirtualMachineClusterPreference", vec![]),
        (
            "centos.stream9.desktop",
            "VirtualMachineClusterPreference",
            vec![],
        ),
        (
            "rhel.9.desktop",
            "VirtualMachinePreference",
            vec!["--kind", "VirtualMachinePreference"],
        ),
    ] {
        let mut all = vec![name];
        all.extend(args);
        assert_eq!(show(&all), built("catalog.cit", kind, name), "{name}");
    }
}

#[test]
fn why_cites_the_size_row_cell() {
    let text = show(&["u1.medium", "--why"]);
    let why = why_of(&text, "guest");
    assert!(
        why.starts_with(&line_of("std/sizes.cit", "  medium ")),
        "{why}"
    );
    assert!(why.contains("row `medium` of table general_sizes"), "{why}");
    assert!(why.contains("series u1"), "{why}");
}

#[test]
fn why_follows_mixins_through_their_use() {
    let text = show(&["rhel.9.desktop", "--why"]);
    let why = why_of(&text, "preferredAutoattachInputDevice");
    assert!(
        why.starts_with(&line_of(
            "std/components.cit",
            "preferredAutoattachInputDevice"
        )),
        "{why}"
    );
    let use_desktop = line_of("catalog.cit", "preference rhel.9.desktop");
    let use_line: usize = use_desktop.split(':').nth(1).unwrap().parse().unwrap();
    assert!(
        why.contains(&format!(
            "mixin desktop (use at catalog.cit:{}:",
            use_line + 1
        )),
        "{why}"
    );
}

#[test]
fn why_names_the_parent_that_set_a_field() {
    let text = show(&["rhel.9.desktop", "--why"]);
    let why = why_of(&text, "instancetype.kubevirt.io/os-type");
    assert!(
        why.starts_with(&line_of("catalog.cit", "osType = \"linux\"")),
        "{why}"
    );
    assert!(
        why.contains("parent rhel.9 → parent rhel → parent linux"),
        "{why}"
    );
}

#[test]
fn a_field_chain_shows_the_overridden_value_then_the_winner() {
    let text = show(&["fedora", "displayName"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r#"metadata.annotations."openshift.io/display-name": "Fedora (amd64)""#
    );
    assert!(
        lines[1].contains("1. overridden: \"Linux Guest\""),
        "{text}"
    );
    assert!(lines[1].contains(&line_of("catalog.cit", "displayName = \"Linux Guest\"")));
    assert!(lines[1].contains("via parent linux"), "{text}");
    assert!(lines[2].contains("displayName = \"Linux Guest\""), "{text}");
    assert!(lines[3].contains("2. wins: \"Fedora (amd64)\""), "{text}");
    assert!(lines[3].contains(&line_of(
        "catalog.cit",
        "displayName = \"Fedora (${arch})\""
    )));
}

#[test]
fn why_points_derived_labels_at_their_rule() {
    let text = show(&["u1.medium", "--why"]);
    let why = why_of(&text, "instancetype.kubevirt.io/cpu");
    assert!(
        why.starts_with(&line_of(
            "std/kubevirt.cit",
            "\"instancetype.kubevirt.io/cpu\" from"
        )),
        "{why}"
    );
    assert!(why.contains("derive rule"), "{why}");
}

#[test]
fn why_names_a_patch_overlay_and_the_release_version_label() {
    let catalog = "examples/downstream/catalog.cit";
    let text = show(&["fedora", "--why", "--catalog", catalog]);
    let why = why_of(&text, "instancetype.kubevirt.io/vendor");
    assert!(
        why.starts_with(&line_of(catalog, "patch * { vendor")),
        "{why}"
    );
    assert!(why.contains("via patch at"), "{why}");
    let why = why_of(&text, "acme.example/catalog-version");
    assert!(
        why.starts_with(&line_of(catalog, "version_label =")),
        "{why}"
    );
    assert!(why.contains("release version"), "{why}");
    // The chain keeps upstream's value, overridden by the patch.
    let chain = show(&["fedora", "vendor", "--catalog", catalog]);
    assert!(chain.contains("1. overridden: \"kubevirt.io\""), "{chain}");
    assert!(chain.contains("2. wins: \"acme.example\""), "{chain}");
    // Without a `release` block, citc stamps upstream's label itself.
    let text = show(&["u1.medium", "--why"]);
    let why = why_of(
        &text,
        "instancetype.kubevirt.io/common-instancetypes-version",
    );
    assert!(why.contains("stamped by citc"), "{why}");
}

#[test]
fn why_keeps_the_document_valid_yaml_with_the_same_values() {
    let plain = show(&["cx1.2xlarge1gi"]);
    let why = show(&["cx1.2xlarge1gi", "--why"]);
    assert_ne!(plain, why);
    let load = |text: &str| format!("{:?}", Yaml::load_from_str(text).expect("YAML"));
    assert_eq!(load(&plain), load(&why));
}

#[test]
fn json_has_the_document_and_each_fields_origin() {
    let text = show(&["u1.medium", "spec.cpu.guest", "--why", "--format", "json"]);
    let docs = Yaml::load_from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let json = &docs[0];
    let get = |y: &'_ Yaml<'_>, key: &str| -> String {
        format!(
            "{:?}",
            y.as_mapping_get(key).unwrap_or_else(|| panic!("no {key}"))
        )
    };
    assert!(get(json, "kind").contains("VirtualMachineClusterInstancetype"));
    assert!(get(json, "name").contains("u1.medium"));
    let document = json.as_mapping_get("document").expect("document");
    assert!(document.as_mapping_get("spec").is_some());
    let why = json.as_mapping_get("why").expect("why");
    let guest = why
        .as_mapping_get("spec.cpu.guest")
        .expect("spec.cpu.guest");
    assert!(get(guest, "file").contains("std/sizes.cit"));
    assert!(get(guest, "cell").contains("general_sizes"));
    let fields = json.as_mapping_get("fields").expect("fields");
    let chain = fields[0].as_mapping_get("chain").expect("chain");
    let winner = &chain[chain.as_sequence().expect("list").len() - 1];
    assert!(get(winner, "overridden").contains("false"), "{text}");
}

#[test]
fn an_unknown_name_gets_did_you_mean_and_exit_2() {
    let out = citc(&["show", "u1.mediun"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no resource named `u1.mediun`"), "{err}");
    assert!(err.contains("did you mean `u1.medium`?"), "{err}");
    let out = citc(&["show", "u1.medium", "--kind", "preference"]);
    assert_eq!(out.status.code(), Some(2));
    let out = citc(&["show", "u1.medium", "--kind", "pod"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("VirtualMachineClusterPreference"));
}

#[test]
fn an_unknown_field_gets_the_closest_one() {
    let out = citc(&["show", "u1.medium", "spec.cpu.gust"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `spec.cpu.guest`?"), "{err}");
}

#[test]
fn kinds_select_the_document() {
    let text = show(&["u1.medium", "--kind", "instancetype"]);
    assert!(text.contains("\nkind: VirtualMachineClusterInstancetype\n"));
    let text = show(&["u1.medium", "--kind", "VirtualMachineInstancetype"]);
    assert!(text.contains("\nkind: VirtualMachineInstancetype\n"));
}

#[test]
fn a_catalog_with_errors_prints_them_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("bad.cit");
    std::fs::write(&catalog, "preference p : missing { }\n").expect("write");
    let out = citc(&["show", "p", "--catalog", path(&catalog)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0103"));
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
