//! Release settings (`release { … }`): how a build names its files and
//! stamps its resources. Upstream's conventions are the defaults; each test
//! changes one setting and looks at the files a build makes.

mod common;

use common::citc;

/// A small catalog: one preference with a label, one without any.
const RESOURCES: &str = r#"
preference labelled {
  metadata.labels."zz.example/last" = "z"
  metadata.labels."aa.example/first" = "a"
  spec.devices.preferredDiskBus = "virtio"
}
preference plain { spec.devices.preferredDiskBus = "sata" }
"#;

/// The files a build of `release` + RESOURCES makes, by name.
fn files(release: &str) -> Vec<(String, String)> {
    let source = format!("{release}\n{RESOURCES}");
    let compilation = citc::compile_str("test.cit", &source, "v1.2.3");
    let messages: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| citc::diagnostic::render_short(&compilation.sources, d))
        .collect();
    assert!(!compilation.has_errors(), "{}", messages.join("\n"));
    citc::emit::bundle::bundles(&compilation.documents, &compilation.release)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("utf-8")))
        .collect()
}

fn names(files: &[(String, String)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| panic!("no file {name} in {:?}", names(files)))
}

/// The document of `name` in a bundle's text.
fn document<'a>(bundle: &'a str, name: &str) -> &'a str {
    bundle
        .split("---\n")
        .find(|doc| doc.contains(&format!("\n  name: {name}\n")))
        .unwrap_or_else(|| panic!("no document {name} in:\n{bundle}"))
}

#[test]
fn without_a_release_block_the_names_and_label_are_upstreams() {
    let files = files("");
    assert_eq!(
        names(&files),
        [
            "CHECKSUMS.sha256",
            "common-clusterinstancetypes-bundle.yaml",
            "common-clusterpreferences-bundle.yaml",
            "common-instancetypes-all-bundle.yaml",
            "common-instancetypes-bundle.yaml",
            "common-preferences-bundle.yaml",
        ]
    );
    let all = file(&files, "common-instancetypes-all-bundle.yaml");
    assert!(all.starts_with("---\n"), "{all}");
    // Appended after the sorted labels, as upstream's yq step does…
    assert!(document(all, "labelled").contains(
        "  labels:\n    aa.example/first: a\n    zz.example/last: z\n    instancetype.kubevirt.io/common-instancetypes-version: v1.2.3\n  name: labelled\n"
    ));
    // …and, where a resource has no labels, a `labels` map after the name.
    assert!(document(all, "plain").contains(
        "metadata:\n  name: plain\n  labels:\n    instancetype.kubevirt.io/common-instancetypes-version: v1.2.3\nspec:"
    ));
}

#[test]
fn a_prefix_renames_the_five_bundles_and_a_bundles_own_name_wins() {
    let files = files(
        r#"release {
          clusterpreferences_bundle = "acme-cluster-prefs.yaml"
          prefix = "acme"
          checksums = "SHA256SUMS"
        }"#,
    );
    assert_eq!(
        names(&files),
        [
            "SHA256SUMS",
            "acme-cluster-prefs.yaml",
            "acme-clusterinstancetypes-bundle.yaml",
            "acme-instancetypes-all-bundle.yaml",
            "acme-instancetypes-bundle.yaml",
            "acme-preferences-bundle.yaml",
        ]
    );
    let sums = file(&files, "SHA256SUMS");
    let listed: Vec<&str> = sums.lines().map(|l| &l[66..]).collect();
    assert_eq!(
        listed,
        [
            "acme-cluster-prefs.yaml",
            "acme-clusterinstancetypes-bundle.yaml",
            "acme-instancetypes-all-bundle.yaml",
            "acme-instancetypes-bundle.yaml",
            "acme-preferences-bundle.yaml",
        ],
        "every bundle, in file-name order"
    );
}

#[test]
fn the_version_label_can_be_renamed_sorted_or_left_out() {
    let renamed = files(r#"release { version_label = "acme.example/version" }"#);
    let all = file(&renamed, "common-instancetypes-all-bundle.yaml");
    assert!(!all.contains("common-instancetypes-version"), "{all}");
    assert!(document(all, "labelled")
        .contains("    zz.example/last: z\n    acme.example/version: v1.2.3\n  name: labelled\n"));

    let sorted = files(
        r#"release { version_label = "mm.example/version"  version_label_position = "sorted" }"#,
    );
    let all = file(&sorted, "common-instancetypes-all-bundle.yaml");
    assert!(document(all, "labelled").contains(
        "    aa.example/first: a\n    mm.example/version: v1.2.3\n    zz.example/last: z\n"
    ));
    assert!(document(all, "plain")
        .contains("metadata:\n  labels:\n    mm.example/version: v1.2.3\n  name: plain\n"));

    let none = files("release { version_label = false }");
    let all = file(&none, "common-instancetypes-all-bundle.yaml");
    assert!(!all.contains("v1.2.3"), "{all}");
    assert!(document(all, "plain").contains("metadata:\n  name: plain\nspec:"));
}

#[test]
fn document_start_false_drops_only_each_files_first_separator() {
    let files = files("release { document_start = false }");
    for (name, text) in &files {
        if name.ends_with(".yaml") && !text.is_empty() {
            assert!(text.starts_with("apiVersion: "), "{name}:\n{text}");
        }
    }
    let all = file(&files, "common-instancetypes-all-bundle.yaml");
    assert_eq!(all.matches("---\n").count(), 3, "4 documents, 3 separators");
}

#[test]
fn bundles_and_checksums_set_to_false_are_not_written() {
    let files = files(
        r#"release {
          instancetypes_bundle = false
          clusterinstancetypes_bundle = false
          checksums = false
        }"#,
    );
    assert_eq!(
        names(&files),
        [
            "common-clusterpreferences-bundle.yaml",
            "common-instancetypes-all-bundle.yaml",
            "common-preferences-bundle.yaml",
        ]
    );
}

#[test]
fn build_check_diff_and_stdout_follow_the_release_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = format!(
        r#"release {{ prefix = "acme"  all_bundle = false  version_label = "acme.example/v"  default_version = "dev" }}
{RESOURCES}"#
    );
    std::fs::write(dir.path().join("catalog.cit"), catalog).expect("write");
    let out = citc(&["build", "catalog.cit", "-o", "out"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            ".citc-build",
            "CHECKSUMS.sha256",
            "acme-clusterinstancetypes-bundle.yaml",
            "acme-clusterpreferences-bundle.yaml",
            "acme-instancetypes-bundle.yaml",
            "acme-preferences-bundle.yaml",
        ]
    );
    let prefs =
        std::fs::read_to_string(dir.path().join("out/acme-preferences-bundle.yaml")).expect("read");
    assert!(
        prefs.contains("acme.example/v: dev\n"),
        "the default version: {prefs}"
    );

    // --check knows the names; a second build replaces its own output.
    let out = citc(
        &["build", "catalog.cit", "-o", "out", "--check"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = citc(&["build", "catalog.cit", "-o", "out"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // diff reads the folder by the catalog's names and takes the catalog's
    // version label out: no change.
    let out = citc(&["diff", "out", "--format", "json"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("\"summary\": {\"added\": 0, \"removed\": 0, \"changed\": 0"),
        "{report}"
    );
    assert!(report.contains("\"from\": \"dev\""), "{report}");

    // `-o -` writes every document even though no all-bundle file is named.
    let out = citc(&["build", "catalog.cit", "-o", "-"], dir.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("\nkind: ").count(), 4, "{text}");
}

#[test]
fn the_release_block_of_an_imported_catalog_is_not_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("base.cit"),
        format!("release {{ prefix = \"base\" }}\n{RESOURCES}"),
    )
    .expect("write");
    std::fs::write(dir.path().join("top.cit"), "import \"base.cit\"\n").expect("write");
    let out = citc(&["build", "top.cit", "-o", "out"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir
        .path()
        .join("out/common-instancetypes-all-bundle.yaml")
        .is_file());
    let out = citc(&["build", "base.cit", "-o", "out2"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir
        .path()
        .join("out2/base-instancetypes-all-bundle.yaml")
        .is_file());
}
