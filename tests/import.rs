//! `citc import`: YAML → `.cit`, proved by round trip. Each release in
//! ../shared/upstream/releases is imported, the catalog built with the
//! release's version, and the result compared with the release byte for
//! byte (v0.3.0, v1.6.0, v1.7.0). Catalogs that do not look like
//! upstream's (tests/import/acme, tests/import/corp) round-trip byte for
//! byte too.

mod common;

use common::project;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn citc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(args)
        .current_dir(project())
        .output()
        .expect("run citc")
}

/// The upstream release folder: carried in tests/golden/releases (v1.7.0),
/// else in ../shared, or `None` (with the reason printed) when it is absent
/// outside CI, as in tests/golden.rs.
fn release_dir(tag: &str) -> Option<PathBuf> {
    let carried = project().join("tests/golden/releases").join(tag);
    if carried.is_dir() {
        return Some(carried);
    }
    let dir = project().join("../shared/upstream/releases").join(tag);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{} is missing, and CI=true", dir.display());
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Imports `source` into DIR/catalog.cit and builds it into DIR/out.
fn import_and_build(source: &Path, version: &str, dir: &Path) -> (PathBuf, PathBuf, String) {
    let catalog = dir.join("catalog.cit");
    let out = citc(&["import", s(source), "-o", s(&catalog)]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "import failed:\n{stderr}");
    let build_dir = dir.join("out");
    let built = citc(&[
        "build",
        s(&catalog),
        "--version",
        version,
        "-o",
        s(&build_dir),
    ]);
    assert!(
        built.status.success(),
        "build of the imported catalog failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    (catalog, build_dir, stderr)
}

/// Every file of `expected` (a release folder) is in `actual` with the same
/// bytes, and `actual` holds nothing else but the build manifest.
fn assert_same_files(expected: &Path, actual: &Path) {
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".citc-build")
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(expected), names(actual), "file names");
    for name in names(expected) {
        let want = std::fs::read(expected.join(&name)).expect("read");
        let got = std::fs::read(actual.join(&name)).expect("read");
        assert!(want == got, "{name} differs from the release");
    }
}

fn round_trips_byte_for_byte(tag: &str) {
    let Some(release) = release_dir(tag) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, out, stderr) = import_and_build(&release, tag, dir.path());
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr.contains(&format!("--version {tag}")),
        "the version is reported: {stderr}"
    );
    assert_same_files(&release, &out);
}

#[test]
fn v1_7_0_round_trips_byte_for_byte() {
    round_trips_byte_for_byte("v1.7.0");
}

#[test]
fn v1_6_0_round_trips_byte_for_byte() {
    round_trips_byte_for_byte("v1.6.0");
}

/// v0.3.0 predates the version label and the checksums, and its gn1 series
/// holds `spec.gpus`, a list of maps: it round-trips byte for byte too.
#[test]
fn v0_3_0_round_trips_byte_for_byte() {
    let Some(release) = release_dir("v0.3.0") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalog, out, stderr) = import_and_build(&release, "v0.3.0", dir.path());
    // Only the warnings the input deserves: v0.3.0 uses what KubeVirt has
    // deprecated since (W0103, W0104).
    for line in stderr.lines().filter(|l| l.starts_with("warning:")) {
        assert!(
            line.contains("[W0103]") || line.contains("[W0104]"),
            "{line}"
        );
    }
    let text = std::fs::read_to_string(&catalog).expect("read");
    assert!(text.contains("checksums = false") && text.contains("version_label = false"));
    assert!(
        text.contains("spec.gpus = ["),
        "the GPU list is written: {text}"
    );
    assert_same_files(&release, &out);
}

/// The imported v1.7.0 catalog is clean: `check --deny warnings`,
/// `fmt --check`, and within 1.05 times catalog.cit's size: the matrices
/// and ratios, not the literal fallback, make it so.
#[test]
fn imported_v1_7_0_is_clean_and_compact() {
    let Some(release) = release_dir("v1.7.0") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalog, _, stderr) = import_and_build(&release, "v1.7.0", dir.path());
    assert!(!stderr.contains("did not round-trip"), "{stderr}");
    let check = citc(&["check", s(&catalog), "--deny", "warnings"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let fmt = citc(&["fmt", "--check", s(&catalog)]);
    assert!(
        fmt.status.success(),
        "{}",
        String::from_utf8_lossy(&fmt.stderr)
    );
    let imported = std::fs::read_to_string(&catalog).expect("read");
    let hand = std::fs::read_to_string(project().join("catalog.cit")).expect("read");
    let (lines, chars) = (imported.lines().count(), imported.chars().count());
    let (hand_lines, hand_chars) = (hand.lines().count(), hand.chars().count());
    eprintln!(
        "imported: {lines} lines, {chars} characters; catalog.cit: {hand_lines}, {hand_chars}"
    );
    assert!(
        lines * 20 <= hand_lines * 21,
        "{lines} lines vs {hand_lines}"
    );
    assert!(
        chars * 20 <= hand_chars * 21,
        "{chars} characters vs {hand_chars}"
    );
    // The idioms: std size tables, variants, mixins, inheritance.
    for idiom in [
        "sizes general_sizes",
        "variants hugepage_variants",
        "use sized",
        "abstract preference base",
        "use diskbus-virtio-blk",
        "allow W0101",
        // Matrices: windows versions × drivers, architectures shared by
        // fedora and rhel; ratios on the series that keep one.
        "preference \"windows.${version}${suffix}\" : base",
        "for windows_versions * windows_variants except (2k3, virtio), (xp, virtio) {",
        "displayName = \"Microsoft Windows ${display_name}${display_name_suffix}\"",
        "when variant == virtio {",
        "preference \"fedora${suffix}\"",
        "for rhel_versions * arch_variants {",
        "displayName = \"Red Hat Enterprise Linux ${version} (${arch})\"",
        "when arch == amd64 { use secureboot }",
        "use architecture, disk-dedicatediothread",
        "ratio 1:2",
        "ratio 1:8",
    ] {
        assert!(imported.contains(idiom), "no `{idiom}` in:\n{imported}");
    }
}

/// A catalog unlike upstream's: its own bundle names, no checksums, a
/// version label of its own in key order, no leading `---`, no
/// `<series>.<size>` names.
#[test]
fn own_catalog_round_trips_byte_for_byte() {
    let source = project().join("tests/import/acme");
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalog, out, stderr) = import_and_build(&source, "2.0.1", dir.path());
    assert!(!stderr.contains("warning:"), "{stderr}");
    let text = std::fs::read_to_string(&catalog).expect("read");
    for setting in [
        "all_bundle = \"everything.yaml\"",
        "preferences_bundle = false",
        "version_label = \"acme.example/release\"",
        "version_label_position = \"sorted\"",
        "document_start = false",
    ] {
        assert!(text.contains(setting), "no `{setting}` in:\n{text}");
    }
    assert!(!text.contains("2.0.1"), "the version is not kept:\n{text}");
    assert_same_files(&source, &out);
}

/// Preferences named in a convention of their own (`corp-win2019`,
/// `corp-win2019-hardened`: a dash, a number after letters) become one
/// matrix of versions × variants, which round-trips byte for byte. The
/// fixture was built once by citc from seven separate definitions.
#[test]
fn own_matrix_round_trips_byte_for_byte() {
    let source = project().join("tests/import/corp");
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalog, out, stderr) = import_and_build(&source, "3.1.4", dir.path());
    assert!(!stderr.contains("warning:"), "{stderr}");
    let text = std::fs::read_to_string(&catalog).expect("read");
    for line in [
        "table corp_win_versions (version) {",
        "preference \"corp-win${version}${suffix}\" : base for corp_win_versions * corp_win_variants {",
        "  plain     \"\"         \"\"",
        "  hardened  -hardened  \" (hardened)\"",
        "displayName = \"Corp Windows Server ${version}${display_name_suffix}\"",
        "when variant == hardened { use secureboot, tpm }",
        "when version == 2019 { use interfacemodel-e1000e  spec.requirements.memory.guest = 2Gi }",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
    // Six preferences in one definition; corp-linux stays on its own.
    assert_eq!(text.matches("preference ").count(), 3, "{text}");
    assert_same_files(&source, &out);
}

/// Fields the schema does not know are written as they are, with warnings.
#[test]
fn import_never_drops_a_field() {
    let out = citc(&["import", "tests/import/unknown-fields.yaml"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for field in [
        "preferredQuantumBus = \"entangled\"",
        "futureFeature",
        "level = 3",
        "enabled = true",
    ] {
        assert!(text.contains(field), "no `{field}` in:\n{text}");
    }
    assert!(stderr.contains("E0201"), "{stderr}");
    assert!(stderr.contains("preferredQuantumBus"), "{stderr}");
}

#[test]
fn unreadable_or_invalid_input_exits_2_with_file_and_line() {
    let out = citc(&["import", "tests/import/invalid.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tests/import/invalid.yaml:6:1: invalid YAML"),
        "{stderr}"
    );
    let out = citc(&["import", "tests/import/missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.yaml"));
    let out = citc(&["import"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_existing_output_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("mine.cit");
    std::fs::write(&target, "// mine\n").expect("write");
    let out = citc(&["import", "tests/import/acme", "-o", s(&target)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "// mine\n");
    let out = citc(&["import", "tests/import/acme", "-o", s(&target), "--force"]);
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&target)
        .expect("read")
        .contains("acme-linux"));
}

/// What citc itself built from a catalog whose version label is not
/// upstream's or whose version does not start with a digit (`acme-2.0`):
/// import must find the label, not write it by hand into every resource.
fn citc_output_round_trips(catalog: &str, version: &str, label: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("first");
    let built = citc(&[
        "build",
        s(&project().join(catalog)),
        "--version",
        version,
        "-o",
        s(&first),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let again = dir.path().join("again");
    std::fs::create_dir(&again).expect("dir");
    let (imported, out, stderr) = import_and_build(&first, version, &again);
    assert!(!stderr.contains("warning:"), "{stderr}");
    let text = std::fs::read_to_string(imported).expect("imported catalog");
    assert!(
        !text.contains(&format!("\"{label}\" =")),
        "the version label is written by hand:\n{text}"
    );
    assert_same_files(&first, &out);
}

#[test]
fn a_vendor_release_with_its_own_version_label_round_trips() {
    citc_output_round_trips(
        "examples/vendor/catalog.cit",
        "acme-2.0",
        "acme.example/catalog-version",
    );
}

#[test]
fn a_release_whose_version_is_not_a_number_round_trips() {
    citc_output_round_trips(
        "tests/downstream/acme.cit",
        "acme-1.0",
        "instancetype.kubevirt.io/common-instancetypes-version",
    );
}

/// Whether `kustomize build` or `kubectl kustomize` can run; prints why
/// not (under CI=true its absence fails the test).
fn kustomize_available() -> bool {
    let on_path = |program: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
    };
    if on_path("kustomize") || on_path("kubectl") {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("neither kustomize nor kubectl is on PATH, and CI=true");
    }
    eprintln!("skipping: neither kustomize nor kubectl is on PATH");
    false
}

/// Upstream's repository as it is today (../shared/upstream/main, a
/// kustomize tree, no catalog) imports into the catalog of the release it
/// builds: built as main-7c1e305b was, it is that release byte for byte.
/// The tree is built as generate.sh builds it (the same function as `citc
/// diff` of a folder): five bundles, `---` first, the version label
/// appended, CHECKSUMS.sha256.
#[test]
fn upstreams_kustomize_tree_imports_as_the_release_it_builds() {
    let Some(release) = release_dir("main-7c1e305b") else {
        return;
    };
    let tree = project().join("../shared/upstream/main");
    if !tree.join("kustomization.yaml").is_file() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{} is missing, and CI=true", tree.display());
        }
        eprintln!("skipping: {} is absent", tree.display());
        return;
    }
    if !kustomize_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalog, out, stderr) = import_and_build(&tree, "v1.6.0-90-g7c1e305b", dir.path());
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr.contains("note: built the kustomize tree in ")
            && stderr.contains(", as upstream's generate.sh builds it (5 bundles"),
        "{stderr}"
    );
    assert_same_files(&release, &out);
    assert_eq!(
        std::fs::read_dir(&out).expect("read dir").count(),
        7,
        "six files and the build manifest"
    );
    let text = std::fs::read_to_string(&catalog).expect("read");
    assert!(
        text.starts_with("// Imported by `citc import` from the kustomize tree main.\n"),
        "{text}"
    );
}
