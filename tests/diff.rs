//! `citc diff` end to end: the real releases in ../shared/upstream/releases,
//! the catalog against v1.7.0, a git repository made in the test, downloads
//! from a server on 127.0.0.1, errors and exit codes.
//!
//! Expectations are computed here from the bundles themselves (a line scan
//! for names, saphyr for values), never with the diff code under test.

mod common;

use common::{git, project, stderr, stdout};

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use saphyr::{LoadableYamlNode, Yaml};

const VERSION_LABEL: &str = "instancetype.kubevirt.io/common-instancetypes-version";

/// The catalog as it was at release v1.7.0 (catalog.cit follows main).
const GOLDEN_V1_7_0: &str = "tests/golden/v1.7.0.cit";

/// The releases carried in tests/golden/releases (v1.7.0, main-7c1e305b):
/// always there, so the tests that need only them run in any clone.
fn carried_releases() -> PathBuf {
    project().join("tests/golden/releases")
}

/// `../shared/upstream/releases`, or `None` (with the reason printed) when
/// it is absent outside CI. Under CI=true a missing folder fails the test.
fn releases() -> Option<PathBuf> {
    let dir = project().join("../shared/upstream/releases");
    if dir.join("v1.7.0").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing, and CI=true: the diff tests cannot be skipped",
            dir.display()
        );
    }
    eprintln!("skipping: {} is absent (CI is not set)", dir.display());
    None
}

fn citc_env(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    // Downloads must go to the test's own server, never through a proxy.
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(var);
    }
    // Markdown links citations in GitHub Actions: only where a test says.
    for var in ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"] {
        command.env_remove(var);
    }
    // And never to a cache outside the test.
    let scratch = std::env::temp_dir().join("citc-diff-tests-no-cache");
    command.env("CITC_CACHE_DIR", &scratch);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run citc")
}

fn citc(args: &[&str], dir: &Path) -> Output {
    citc_env(args, dir, &[])
}

fn parse_json(text: &str) -> Yaml<'_> {
    // JSON is YAML 1.2: saphyr reads the report without a second parser.
    let docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}\n{text}"));
    assert_eq!(docs.len(), 1, "{text}");
    docs.into_iter().next().expect("one document")
}

fn get<'a, 'b>(y: &'a Yaml<'b>, key: &str) -> &'a Yaml<'b> {
    y.as_mapping_get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {y:?}"))
}

fn int(y: &Yaml, key: &str) -> i64 {
    get(y, key)
        .as_integer()
        .unwrap_or_else(|| panic!("`{key}` is not an integer"))
}

fn text<'a>(y: &'a Yaml, key: &str) -> &'a str {
    get(y, key)
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {y:?}"))
}

fn summary(report: &Yaml) -> [i64; 4] {
    let s = get(report, "summary");
    [
        int(s, "added"),
        int(s, "removed"),
        int(s, "changed"),
        int(s, "breaking"),
    ]
}

fn resources<'a, 'b>(report: &'a Yaml<'b>) -> &'a [Yaml<'b>] {
    get(report, "resources")
        .as_vec()
        .expect("resources is a list")
}

/// (kind, name, status) of every resource of a JSON report.
fn statuses(report: &Yaml) -> BTreeSet<(String, String, String)> {
    resources(report)
        .iter()
        .map(|r| {
            (
                text(r, "kind").to_string(),
                text(r, "name").to_string(),
                text(r, "status").to_string(),
            )
        })
        .collect()
}

/// (kind, name) → the document's text, from a bundle, by scanning the
/// `kind:` and `  name:` lines of each document.
fn scan_names(bundle: &Path) -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(bundle).expect("read bundle");
    let mut out = BTreeMap::new();
    for doc in text.split("\n---\n") {
        let kind = doc.lines().find_map(|l| l.strip_prefix("kind: "));
        let name = doc.lines().find_map(|l| l.strip_prefix("  name: "));
        if let (Some(kind), Some(name)) = (kind, name) {
            out.insert((kind.to_string(), name.to_string()), doc.to_string());
        }
    }
    out
}

/// Whether two documents hold the same value once the version label is
/// taken out (read with saphyr, so indentation does not matter).
fn same_value(a: &str, b: &str) -> bool {
    let strip = |doc: &str| -> String {
        doc.lines()
            .filter(|l| !l.trim_start().starts_with(VERSION_LABEL))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .trim_start_matches("---\n")
            .to_string()
    };
    let (a, b) = (strip(a), strip(b));
    let load = |t: &str| Yaml::load_from_str(t).expect("document").into_iter().next();
    load(&a) == load(&b)
}

/// The expected (kind, name, status) set between two all-bundles.
fn expected_statuses(old: &Path, new: &Path) -> BTreeSet<(String, String, String)> {
    let (before, after) = (scan_names(old), scan_names(new));
    let mut out = BTreeSet::new();
    for ((kind, name), doc) in &before {
        let status = match after.get(&(kind.clone(), name.clone())) {
            None => "removed",
            Some(new_doc) if !same_value(doc, new_doc) => "changed",
            Some(_) => continue,
        };
        out.insert((kind.clone(), name.clone(), status.to_string()));
    }
    for (kind, name) in after.keys() {
        if !before.contains_key(&(kind.clone(), name.clone())) {
            out.insert((kind.clone(), name.clone(), "added".to_string()));
        }
    }
    out
}

fn count(set: &BTreeSet<(String, String, String)>, status: &str) -> i64 {
    set.iter().filter(|(_, _, s)| s == status).count() as i64
}

// ------------------------------------------------------------------ releases

#[test]
fn v1_6_0_to_v1_7_0_lists_the_architecture_changes_per_preference() {
    let Some(releases) = releases() else { return };
    let (old, new) = (releases.join("v1.6.0"), releases.join("v1.7.0"));
    let out = citc(
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "json",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = stdout(&out);
    let report = parse_json(&json);
    assert_eq!(text(&report, "from"), "v1.6.0");
    assert_eq!(text(&report, "to"), "v1.7.0");

    // Expected: every v1.7.0 preference with an architecture requirement,
    // found by scanning its text; none of them had one in v1.6.0.
    let before = scan_names(&old.join("common-instancetypes-all-bundle.yaml"));
    let after = scan_names(&new.join("common-instancetypes-all-bundle.yaml"));
    let with_arch: BTreeMap<(String, String), String> = after
        .iter()
        .filter_map(|(key, doc)| {
            let arch = doc
                .lines()
                .find_map(|l| l.strip_prefix("    architecture: "))?;
            assert!(!before[key].contains("\n    architecture: "), "{key:?}");
            Some((key.clone(), arch.to_string()))
        })
        .collect();
    assert_eq!(with_arch.len(), 24, "12 preferences, each in both kinds");

    let listed = resources(&report);
    for ((kind, name), arch) in &with_arch {
        let resource = listed
            .iter()
            .find(|r| text(r, "kind") == kind && text(r, "name") == name)
            .unwrap_or_else(|| panic!("{kind} {name} is not in the report"));
        assert_eq!(text(resource, "status"), "changed");
        let changes = get(resource, "changes").as_vec().expect("changes");
        let change = |path: &str| {
            changes
                .iter()
                .find(|c| text(c, "path") == path)
                .unwrap_or_else(|| panic!("{name}: no change at {path}"))
        };
        let requirement = change("spec.requirements.architecture");
        assert!(get(requirement, "old").is_null());
        assert_eq!(text(requirement, "new"), arch);
        assert_eq!(get(requirement, "breaking").as_bool(), Some(true));
        let label = change("metadata.labels.\"instancetype.kubevirt.io/required-architecture\"");
        assert_eq!(text(label, "new"), arch);
        assert_eq!(
            get(label, "breaking").as_bool(),
            Some(false),
            "an added label breaks nobody"
        );
        assert_eq!(text(change("spec.preferredArchitecture"), "new"), arch);
    }
    // Every other resource agrees with an independent comparison.
    let expected = expected_statuses(
        &old.join("common-instancetypes-all-bundle.yaml"),
        &new.join("common-instancetypes-all-bundle.yaml"),
    );
    assert_eq!(statuses(&report), expected);
    let changed = count(&expected, "changed");
    assert_eq!(summary(&report), [0, 0, changed, 24]);

    // The text report: counts first, then the architecture changes once
    // per architecture, with the preferences they were made to (each of
    // them in both kinds), instead of once per preference.
    let out = citc(
        &["diff", old.to_str().unwrap(), new.to_str().unwrap()],
        &project(),
    );
    let report = stdout(&out);
    assert_eq!(
        report.lines().nth(1),
        Some(format!("0 added, 0 removed, {changed} changed, 24 breaking").as_str()),
        "{report}"
    );
    let arm64: BTreeSet<&str> = with_arch
        .iter()
        .filter(|(_, arch)| arch.as_str() == "arm64")
        .map(|((_, name), _)| name.as_str())
        .collect();
    let lead = format!(
        "  in {} resources: {} (",
        arm64.len() * 2,
        arm64.iter().copied().collect::<Vec<_>>().join(", ")
    );
    assert!(report.contains(&lead), "{lead}\n{report}");
    assert_eq!(
        report
            .matches("      + spec.requirements.architecture: \"arm64\"\n")
            .count(),
        1,
        "{report}"
    );
    assert!(
        !report.contains("  ~ rhel.9.arm64  "),
        "a preference changed only by shared changes has no section: {report}"
    );
}

#[test]
fn v0_3_0_to_v1_7_0_counts_agree_with_an_independent_count() {
    let Some(releases) = releases() else { return };
    let args = [
        "diff",
        "v0.3.0",
        "v1.7.0",
        "--releases",
        releases.to_str().unwrap(),
        "--format",
        "json",
    ];
    let out = citc(&args, &project());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = stdout(&out);
    let report = parse_json(&json);
    // v0.3.0 has no version label: the report names it as the user did.
    assert_eq!(text(&report, "from"), "v0.3.0");
    assert_eq!(text(&report, "to"), "v1.7.0");

    let expected = expected_statuses(
        &releases.join("v0.3.0/common-instancetypes-all-bundle.yaml"),
        &releases.join("v1.7.0/common-instancetypes-all-bundle.yaml"),
    );
    assert_eq!(statuses(&report), expected);
    let [added, removed, changed, breaking] = summary(&report);
    assert_eq!(
        [added, removed, changed],
        [
            count(&expected, "added"),
            count(&expected, "removed"),
            count(&expected, "changed")
        ]
    );
    assert!(
        added > 100 && removed > 30 && changed > 80,
        "a large diff: {:?}",
        summary(&report)
    );
    // Every removal breaks; so do the instance types whose spec changed.
    assert!(breaking >= removed && breaking < removed + changed);

    // The label move from annotations to labels, on one instance type.
    let u1 = resources(&report)
        .iter()
        .find(|r| {
            text(r, "kind") == "VirtualMachineClusterInstancetype" && text(r, "name") == "u1.medium"
        })
        .expect("u1.medium changed");
    let paths: Vec<&str> = get(u1, "changes")
        .as_vec()
        .expect("changes")
        .iter()
        .map(|c| text(c, "path"))
        .collect();
    assert!(
        paths.contains(&"metadata.annotations.\"instancetype.kubevirt.io/class\""),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"metadata.labels.\"instancetype.kubevirt.io/class\""),
        "{paths:?}"
    );

    // The catalog of v1.7.0 compiled now: the same report against it.
    let out = citc(
        &[
            "diff",
            "v0.3.0",
            "--catalog",
            GOLDEN_V1_7_0,
            "--releases",
            releases.to_str().unwrap(),
            "--format",
            "json",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json_now = stdout(&out);
    let now = parse_json(&json_now);
    assert_eq!(summary(&now), summary(&report));
    assert_eq!(statuses(&now), expected);

    // Text: counts first, removed resources with the reason they break.
    let out = citc(
        &[
            "diff",
            "v0.3.0",
            "v1.7.0",
            "--releases",
            releases.to_str().unwrap(),
        ],
        &project(),
    );
    let report = stdout(&out);
    assert_eq!(
        report.lines().next(),
        Some("v0.3.0 (no version label) → v1.7.0")
    );
    assert_eq!(
        report.lines().nth(1),
        Some(
            format!("{added} added, {removed} removed, {changed} changed, {breaking} breaking")
                .as_str()
        )
    );
    // The gn1 series went whole: one item with every name.
    let gn1: Vec<&str> = expected
        .iter()
        .filter(|(kind, name, status)| {
            kind == "VirtualMachineClusterInstancetype"
                && name.starts_with("gn1.")
                && status == "removed"
        })
        .map(|(_, name, _)| name.as_str())
        .collect();
    let series = format!(
        "  - gn1.*  {} names, the whole series  VirtualMachineClusterInstancetype, VirtualMachineInstancetype\n      {}\n      breaking: removed",
        gn1.len(),
        gn1.join(", ")
    );
    assert!(report.contains(&series), "{series}\n{report}");
    assert!(
        report.contains("hint: renamed? `u1.small` was added with the same spec"),
        "{report}"
    );
}

#[test]
fn the_catalog_built_as_v1_7_0_has_no_change_against_v1_7_0() {
    let releases = carried_releases();
    let releases = releases.to_str().unwrap();
    for version in [Some("v1.7.0"), None] {
        let mut args = vec![
            "diff",
            "v1.7.0",
            "--catalog",
            GOLDEN_V1_7_0,
            "--releases",
            releases,
            "--fail-on",
            "any",
            "--format",
            "json",
        ];
        if let Some(version) = version {
            args.extend(["--version", version]);
        }
        let out = citc(&args, &project());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json = stdout(&out);
        let report = parse_json(&json);
        assert_eq!(
            summary(&report),
            [0, 0, 0, 0],
            "the version label is never a change"
        );
        assert!(resources(&report).is_empty());
        assert_eq!(
            get(&report, "grouped_changes").as_vec().map(Vec::len),
            Some(0)
        );
        if version.is_some() {
            assert_eq!(text(&report, "to"), "v1.7.0");
        }
    }
    let out = citc(
        &[
            "diff",
            "v1.7.0",
            "--catalog",
            GOLDEN_V1_7_0,
            "--releases",
            releases,
            "--version",
            "v1.7.0",
        ],
        &project(),
    );
    assert_eq!(
        stdout(&out),
        "v1.7.0 → v1.7.0 (tests/golden/v1.7.0.cit)\n0 added, 0 removed, 0 changed, 0 breaking\nno change\n"
    );
}

/// A release folder may hold only some per-kind bundles, named as
/// upstream's release assets are (`-<version>` suffix).
#[test]
fn folders_with_some_suffixed_per_kind_bundles() {
    let Some(releases) = releases() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    for version in ["v1.6.0", "v1.7.0"] {
        let folder = dir.path().join(version);
        std::fs::create_dir(&folder).expect("mkdir");
        std::fs::copy(
            releases
                .join(version)
                .join("common-clusterpreferences-bundle.yaml"),
            folder.join(format!("common-clusterpreferences-bundle-{version}.yaml")),
        )
        .expect("copy");
    }
    // Found as folders by path, and as release names in --releases.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let releases_dir = dir.path().to_str().unwrap();
    for (args, cwd) in [
        (
            vec!["diff", "v1.6.0", "v1.7.0", "--format", "json"],
            dir.path(),
        ),
        (
            vec![
                "diff",
                "v1.6.0",
                "v1.7.0",
                "--releases",
                releases_dir,
                "--format",
                "json",
            ],
            elsewhere.path(),
        ),
    ] {
        let out = citc(&args, cwd);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json = stdout(&out);
        let report = parse_json(&json);
        assert!(resources(&report)
            .iter()
            .all(|r| text(r, "kind") == "VirtualMachineClusterPreference"));
        assert_eq!(
            summary(&report)[3],
            12,
            "the cluster-wide half of the architecture requirements"
        );
    }
}

/// v1.7.0 as a vendor would ship it: every resource re-labelled, the rt1
/// series deleted, one field of one instance type changed.
fn revendored(v1_7_0: &Path) -> tempfile::TempDir {
    let text = std::fs::read_to_string(v1_7_0.join("common-instancetypes-all-bundle.yaml"))
        .expect("read bundle");
    let mut edited = 0;
    let docs: Vec<String> = text
        .split("\n---\n")
        .filter(|doc| !doc.contains("\n  name: rt1."))
        .map(|doc| {
            let mut doc = doc.replace(
                "instancetype.kubevirt.io/vendor: kubevirt.io",
                "instancetype.kubevirt.io/vendor: acme.example",
            );
            if doc.contains("kind: VirtualMachineClusterInstancetype\n")
                && doc.contains("\n  name: u1.medium\n")
            {
                doc = doc.replace(
                    "spec:\n  cpu:\n    guest: 1\n",
                    "spec:\n  cpu:\n    guest: 2\n",
                );
                edited += 1;
            }
            doc
        })
        .collect();
    assert_eq!(edited, 1, "u1.medium's cpu is where this test expects it");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("common-instancetypes-all-bundle.yaml"),
        docs.join("\n---\n"),
    )
    .expect("write");
    dir
}

#[test]
fn a_revendored_release_shows_each_shared_change_once() {
    let releases = carried_releases();
    let upstream = releases.join("v1.7.0");
    let acme = revendored(&upstream);
    let bundle = upstream.join("common-instancetypes-all-bundle.yaml");
    let all = scan_names(&bundle);
    let rt1: Vec<&str> = all
        .keys()
        .filter(|(kind, name)| {
            kind == "VirtualMachineClusterInstancetype" && name.starts_with("rt1.")
        })
        .map(|(_, name)| name.as_str())
        .collect();
    let removed = all
        .keys()
        .filter(|(_, name)| name.starts_with("rt1."))
        .count();
    let changed = all.len() - removed;
    let per_kind = |kind: &str| {
        all.keys()
            .filter(|(k, name)| k == kind && !name.starts_with("rt1."))
            .count()
    };
    assert_eq!(rt1.len() * 2, removed, "rt1 is in both kinds");
    let diff = |format: &str| {
        let out = citc(
            &[
                "diff",
                upstream.to_str().unwrap(),
                acme.path().to_str().unwrap(),
                "--format",
                format,
            ],
            &project(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let vendor = "metadata.labels.\"instancetype.kubevirt.io/vendor\"";

    // Text: the relabelling once, with its count; rt1 as one series; the
    // one resource with a change of its own, and nobody else.
    let report = diff("text");
    assert_eq!(
        report.lines().nth(1),
        Some(
            format!(
                "0 added, {removed} removed, {changed} changed, {} breaking",
                all.len()
            )
            .as_str()
        ),
        "every resource breaks: removed, or a label changed\n{report}"
    );
    let change = format!("      ~ {vendor}: \"kubevirt.io\" → \"acme.example\"\n");
    assert_eq!(report.matches(&change).count(), 1, "{report}");
    let block = format!(
        "  in {changed} resources: all VirtualMachineClusterInstancetype and VirtualMachineInstancetype ({} each);\n    all VirtualMachineClusterPreference and VirtualMachinePreference ({} each)\n{change}          breaking: label \"instancetype.kubevirt.io/vendor\" changed",
        per_kind("VirtualMachineClusterInstancetype"),
        per_kind("VirtualMachineClusterPreference"),
    );
    assert!(report.contains(&block), "{block}\n{report}");
    let series = format!(
        "  - rt1.*  {} names, the whole series  VirtualMachineClusterInstancetype, VirtualMachineInstancetype\n      {}\n      breaking: removed",
        rt1.len(),
        rt1.join(", ")
    );
    assert!(report.contains(&series), "{series}\n{report}");
    let own = "  ~ u1.medium  VirtualMachineClusterInstancetype\n      ~ spec.cpu.guest: 1 → 2\n          breaking: the spec of an existing instance type changed";
    assert!(report.contains(own), "{report}");
    assert!(
        report.contains("      plus 1 shared change above\n"),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "  and {} more, changed only by the shared changes above\n",
            changed - 1
        )),
        "{report}"
    );
    assert!(report.lines().count() < 30, "{report}");

    // Markdown: counted in resources (an instance type is one, whatever its
    // kinds), the relabelling once with the resources it touches, rt1 in
    // the Removed table, u1.medium's own change with its size and kind,
    // and no line that only repeats what was said.
    let notes = diff("markdown");
    let instance_types = per_kind("VirtualMachineClusterInstancetype");
    let preferences = per_kind("VirtualMachineClusterPreference");
    assert_eq!(per_kind("VirtualMachineInstancetype"), instance_types);
    assert!(
        notes.contains(&format!(
            "\n\n{} instance types removed and {instance_types} changed. {preferences} preferences changed. \
             Changes to {} instance types and {preferences} preferences can break existing users",
            rt1.len(),
            rt1.len() + instance_types
        )),
        "{notes}"
    );
    let relabelled = "- label `instancetype.kubevirt.io/vendor`: `kubevirt.io` → `acme.example` **(breaking)**\n";
    assert_eq!(notes.matches(relabelled).count(), 1, "{notes}");
    assert!(
        notes.contains(&format!(
            "**In all {instance_types} instance types and all {preferences} preferences:**\n\n{relabelled}"
        )),
        "{notes}"
    );
    assert!(
        notes.contains(&format!(
            "- All {instance_types} instance types and all {preferences} preferences — label \"instancetype.kubevirt.io/vendor\" changed"
        )),
        "{notes}"
    );
    assert!(notes.contains("**In `u1.medium` (2 vCPUs, 4Gi; VirtualMachineClusterInstancetype only):**\n\n- `spec.cpu.guest`: `1` → `2` **(breaking)**\n"), "{notes}");
    assert!(
        notes.contains(&format!(
            "- {} instance types are removed (see **Removed**)",
            rt1.len()
        )),
        "{notes}"
    );
    let removed_table = notes
        .split("### Removed\n")
        .nth(1)
        .and_then(|rest| rest.split("\n### ").next())
        .expect("a Removed section");
    for name in &rt1 {
        assert!(
            removed_table.contains(&format!("\n| `{name}` | ")),
            "{name}: {removed_table}"
        );
    }
    assert!(!notes.contains("changed only by"), "{notes}");
    assert!(
        notes.contains("applies to both, unless a kind is named."),
        "{notes}"
    );

    // Unified: the relabelling in the header; files only for the removed
    // resources and the one with a change of its own.
    let patch = diff("unified");
    assert!(
        patch.contains(&format!(
            "#     ~ {vendor}: \"kubevirt.io\" → \"acme.example\"\n"
        )),
        "{patch}"
    );
    assert!(
        patch.contains(&format!(
            "# not shown: {} resources changed only by the shared changes above\n",
            changed - 1
        )),
        "{patch}"
    );
    assert_eq!(patch.matches("\n--- a/").count(), removed + 1, "{patch}");

    // JSON: every resource with every change, as before, plus the group.
    let json = diff("json");
    let report = parse_json(&json);
    assert_eq!(
        summary(&report),
        [0, removed as i64, changed as i64, all.len() as i64]
    );
    assert_eq!(resources(&report).len(), all.len());
    for resource in resources(&report) {
        if text(resource, "status") != "changed" {
            continue;
        }
        let changes = get(resource, "changes").as_vec().expect("changes");
        assert!(
            changes.iter().any(|c| text(c, "path") == vendor),
            "{resource:?}"
        );
        let expected = if text(resource, "name") == "u1.medium"
            && text(resource, "kind") == "VirtualMachineClusterInstancetype"
        {
            2
        } else {
            1
        };
        assert_eq!(changes.len(), expected, "{resource:?}");
    }
    let groups = get(&report, "grouped_changes").as_vec().expect("a list");
    assert_eq!(groups.len(), 1, "{json}");
    let group = &groups[0];
    assert_eq!(text(group, "path"), vendor);
    assert_eq!(text(group, "change"), "changed");
    assert_eq!(text(group, "old"), "kubevirt.io");
    assert_eq!(text(group, "new"), "acme.example");
    assert_eq!(get(group, "breaking").as_bool(), Some(true));
    assert_eq!(int(group, "count"), changed as i64);
    let members: BTreeSet<(String, String)> = get(group, "resources")
        .as_vec()
        .expect("resources")
        .iter()
        .map(|r| (text(r, "kind").to_string(), text(r, "name").to_string()))
        .collect();
    let kept: BTreeSet<(String, String)> = all
        .keys()
        .filter(|(_, name)| !name.starts_with("rt1."))
        .cloned()
        .collect();
    assert_eq!(members, kept);

    // --fail-on is about the report, not how it is shown.
    let out = citc(
        &[
            "diff",
            upstream.to_str().unwrap(),
            acme.path().to_str().unwrap(),
            "--fail-on",
            "breaking",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(1));
}

// ------------------------------------------------------------------ errors and exit codes

/// Two one-document bundles in a temp dir: `old.yaml` and `new.yaml`.
fn two_bundles(old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old.yaml"), old).expect("write");
    std::fs::write(dir.path().join("new.yaml"), new).expect("write");
    dir
}

const PREFERENCE: &str = "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  annotations:
    openshift.io/display-name: DISPLAY
  labels:
    instancetype.kubevirt.io/os-type: linux
  name: p
spec:
  requirements:
    memory:
      guest: MEMORY
";

fn preference(display: &str, memory: &str) -> String {
    PREFERENCE
        .replace("DISPLAY", display)
        .replace("MEMORY", memory)
}

#[test]
fn fail_on_sets_the_exit_code() {
    let code = |dir: &Path, fail_on: &str| {
        let out = citc(&["diff", "old.yaml", "new.yaml", "--fail-on", fail_on], dir);
        assert!(
            out.stderr.is_empty() || !stderr(&out).contains("panicked"),
            "{}",
            stderr(&out)
        );
        out.status.code()
    };
    let same = two_bundles(&preference("A", "1Gi"), &preference("A", "1Gi"));
    let cosmetic = two_bundles(&preference("A", "1Gi"), &preference("B", "1Gi"));
    let lowered = two_bundles(&preference("A", "2Gi"), &preference("A", "1.5Gi"));
    let respelled = two_bundles(&preference("A", "1.5Gi"), &preference("A", "1536Mi"));
    let raised = two_bundles(&preference("A", "1.5Gi"), &preference("A", "2Gi"));
    for (dir, any, breaking) in [
        (&same, 0, 0),
        (&cosmetic, 1, 0),
        (&lowered, 1, 0),
        (&respelled, 1, 0),
        (&raised, 1, 1),
    ] {
        assert_eq!(code(dir.path(), "never"), Some(0));
        assert_eq!(code(dir.path(), "any"), Some(any));
        assert_eq!(code(dir.path(), "breaking"), Some(breaking));
    }
    let out = citc(
        &["diff", "old.yaml", "new.yaml", "--format", "markdown"],
        raised.path(),
    );
    let notes = stdout(&out);
    assert!(notes.starts_with("## Changes from `old.yaml` to `new.yaml`\n\n1 preference changed. Changes to 1 preference can break existing users: see **Breaking changes**.\n\nPreferences are published as `VirtualMachineClusterPreference` only.\n"), "{notes}");
    assert!(notes.contains("### Breaking changes\n\n- `p` (A) — tighter requirement: memory.guest raised from \"1.5Gi\" to \"2Gi\""), "{notes}");
    assert!(
        notes.contains(
            "**In `p` (A):**\n\n- `spec.requirements.memory.guest`: `1.5Gi` → `2Gi` **(breaking)**\n"
        ),
        "{notes}"
    );
    // A bad --fail-on is a usage error.
    assert_eq!(code(raised.path(), "sometimes"), Some(2));
}

#[test]
fn a_label_that_users_select_on_breaks_when_removed() {
    let dir = two_bundles(
        &preference("A", "1Gi"),
        &preference("A", "1Gi").replace(
            "  labels:\n    instancetype.kubevirt.io/os-type: linux\n",
            "",
        ),
    );
    let out = citc(
        &[
            "diff",
            "old.yaml",
            "new.yaml",
            "--format",
            "json",
            "--fail-on",
            "breaking",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json = stdout(&out);
    let report = parse_json(&json);
    let change = &get(&resources(&report)[0], "changes")
        .as_vec()
        .expect("changes")[0];
    assert_eq!(text(change, "path"), "metadata.labels");
    assert!(
        text(change, "reason").contains("os-type\" removed"),
        "{json}"
    );
}

#[test]
fn unified_diffs_show_canonical_yaml_per_resource() {
    let dir = two_bundles(
        // Another tool's style: sequences indented, keys out of order.
        "kind: VirtualMachinePreference\nmetadata:\n  name: a\nspec:\n  list:\n    - x: 1\n      z: 2\n  b: 1\n",
        "---\nkind: VirtualMachinePreference\nmetadata:\n  name: a\nspec:\n  b: 2\n  list:\n  - x: 1\n    z: 2\n",
    );
    let out = citc(
        &["diff", "old.yaml", "new.yaml", "--format", "unified"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "# old.yaml → new.yaml: 0 added, 0 removed, 1 changed, 0 breaking\n\
         --- a/VirtualMachinePreference/a\n+++ b/VirtualMachinePreference/a\n@@ -2,7 +2,7 @@\n metadata:\n   name: a\n spec:\n-  b: 1\n+  b: 2\n   list:\n   - x: 1\n     z: 2\n"
    );
}

#[test]
fn an_unresolvable_ref_lists_what_was_tried() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("catalog.cit"), "preference p { }\n").expect("write");
    std::fs::create_dir(dir.path().join("releases")).expect("mkdir");
    std::fs::create_dir(dir.path().join("releases/v1.0.0")).expect("mkdir");
    let out = citc(&["diff", "v9.9.9"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for tried in [
        "error: cannot find `v9.9.9`; tried, in order:",
        "  - a file or folder: there is no v9.9.9",
        "  - a git revision: catalog.cit is not in a git repository",
        "  - a release: no folder v9.9.9 in ./releases (it has: v1.0.0)",
        "  - a download: catalog.cit declares no `let release_url",
        "help: ",
    ] {
        assert!(err.contains(tried), "missing {tried:?} in:\n{err}");
    }
    assert!(stdout(&out).is_empty());
}

#[test]
fn bad_input_is_an_error_with_the_file_name_never_a_panic() {
    let cases: [(&str, &str); 7] = [
        ("a: [1\n", "invalid YAML"),
        ("kind: VirtualMachinePreference\nmetadata: {}\n", "has no `metadata.name`"),
        ("- 1\n", "is not a map"),
        (
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
            "old.yaml:1: document 1 is a Secret, not an instance type or preference",
        ),
        ("", "old.yaml holds no documents"),
        ("a: 1\na: 2\n", "invalid YAML"),
        (
            "---\nkind: VirtualMachinePreference\nmetadata: {name: a}\n---\nkind: VirtualMachinePreference\nmetadata: {name: a}\n",
            "repeats VirtualMachinePreference a",
        ),
    ];
    for (bad, message) in cases {
        let dir = two_bundles(bad, "kind: VirtualMachinePreference\nmetadata: {name: a}\n");
        let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {err}");
        assert!(
            err.contains("old.yaml") && err.contains(message),
            "{bad:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // An empty folder, and a catalog with errors.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    std::fs::write(
        dir.path().join("new.yaml"),
        "kind: VirtualMachinePreference\nmetadata: {name: a}\n",
    )
    .expect("write");
    let out = citc(&["diff", "empty", "new.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no bundle files in empty"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("catalog.cit"),
        "preference p : missing { }\n",
    )
    .expect("write");
    let out = citc(&["diff", "new.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the catalog has errors"),
        "{}",
        stderr(&out)
    );
    // One REF and no catalog to compare it with.
    std::fs::remove_file(dir.path().join("catalog.cit")).expect("rm");
    let out = citc(&["diff", "new.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there is no catalog catalog.cit to compare `new.yaml` with"),
        "{}",
        stderr(&out)
    );
}

// ------------------------------------------------------------------ git revisions

#[test]
fn a_git_revision_compiles_the_catalog_and_its_imports_as_they_were() {
    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path();
    let write = |path: &str, text: &str| {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    };
    // The catalog sits in a subfolder and imports a file of another one.
    write(
        "cat/catalog.cit",
        "import \"std/kubevirt\"\nimport \"more/prefs.cit\"\n\
         instancetype small { spec.cpu.guest = 1  spec.memory.guest = 1Gi }\n\
         preference p { spec.requirements.cpu.guest = 1 }\n",
    );
    write(
        "cat/more/prefs.cit",
        "preference q { spec.devices.preferredDiskBus = \"virtio\" }\n",
    );
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "one"]);
    git(root, &["tag", "v1.0.0"]);
    write(
        "cat/catalog.cit",
        "import \"std/kubevirt\"\nimport \"more/prefs.cit\"\n\
         instancetype small { spec.cpu.guest = 2  spec.memory.guest = 1Gi }\n\
         preference p { spec.requirements.cpu.guest = 2 }\n",
    );
    write(
        "cat/more/prefs.cit",
        "preference r { spec.devices.preferredDiskBus = \"virtio\" }\n",
    );
    git(root, &["commit", "-qam", "two"]);

    let check = |args: &[&str]| {
        let out = citc(args, root);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let json = stdout(&out);
        let report = parse_json(&json);
        assert_eq!(
            text(&report, "from"),
            "v1.0.0",
            "built with git describe of the revision"
        );
        // small: spec and cpu label changed; p: requirement raised;
        // q → r: removed and added, with a rename hint; each in both kinds.
        assert_eq!(summary(&report), [2, 2, 4, 6], "{json}");
        let expected: BTreeSet<(String, String, String)> = [
            ("VirtualMachineClusterInstancetype", "small", "changed"),
            ("VirtualMachineInstancetype", "small", "changed"),
            ("VirtualMachineClusterPreference", "p", "changed"),
            ("VirtualMachinePreference", "p", "changed"),
            ("VirtualMachineClusterPreference", "q", "removed"),
            ("VirtualMachinePreference", "q", "removed"),
            ("VirtualMachineClusterPreference", "r", "added"),
            ("VirtualMachinePreference", "r", "added"),
        ]
        .iter()
        .map(|(k, n, s)| (k.to_string(), n.to_string(), s.to_string()))
        .collect();
        assert_eq!(statuses(&report), expected);
        let q = resources(&report)
            .iter()
            .find(|r| text(r, "name") == "q")
            .expect("q");
        assert_eq!(text(q, "hint"), "renamed? `r` was added with the same spec");
    };
    // One REF: the revision against the catalog in the work tree.
    check(&[
        "diff",
        "HEAD~1",
        "--catalog",
        "cat/catalog.cit",
        "--format",
        "json",
        "--fail-on",
        "breaking",
    ]);
    // Two REFs: two revisions; a tag works as well as any revision.
    check(&[
        "diff",
        "v1.0.0",
        "HEAD",
        "--catalog",
        "cat/catalog.cit",
        "--format",
        "json",
        "--fail-on",
        "any",
    ]);
    // From inside the catalog's folder, with the default --catalog.
    let out = citc(
        &["diff", "HEAD", "--format", "json", "--fail-on", "any"],
        &root.join("cat"),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "HEAD is the work tree: {}",
        stderr(&out)
    );

    // A revision that has no catalog yet falls through to the other steps.
    write("cat/new.cit", "preference z { }\n");
    let out = citc(&["diff", "HEAD", "--catalog", "cat/new.cit"], root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a git revision: the revision"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("has no cat/new.cit"),
        "{}",
        stderr(&out)
    );
}

// ------------------------------------------------------------------ downloads

/// Serves `files` (URL path → body) on 127.0.0.1 for at most `limit`
/// connections, counting requests; 404 for anything else.
fn serve(files: Vec<(String, Vec<u8>)>, limit: usize) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(limit) {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body): (&str, &[u8]) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body),
                None => ("404 Not Found", b"not found"),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/yaml\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    (port, requests)
}

#[test]
fn a_release_is_downloaded_from_the_catalogs_url_and_cached() {
    let releases = carried_releases();
    let bundle = std::fs::read(releases.join("v1.7.0/common-instancetypes-all-bundle.yaml"))
        .expect("bundle");
    let (port, requests) = serve(
        vec![(
            "/download/v1.7.0/common-instancetypes-all-bundle-v1.7.0.yaml".to_string(),
            bundle,
        )],
        10,
    );
    let dir = tempfile::tempdir().expect("temp dir");
    // The catalog's own release_url points at GitHub: point it at the local
    // server instead (tests never reach the internet).
    let catalog = std::fs::read_to_string(project().join(GOLDEN_V1_7_0)).expect("golden catalog");
    let local = format!(
        "let release_url = \"http://127.0.0.1:{port}/download/\\${{version}}/common-instancetypes-all-bundle-\\${{version}}.yaml\""
    );
    let mut lines: Vec<String> = catalog
        .lines()
        .filter(|l| !l.starts_with("let release_url"))
        .map(str::to_string)
        .collect();
    lines.push(local);
    std::fs::write(dir.path().join("catalog.cit"), lines.join("\n") + "\n").expect("write catalog");
    let cache = dir.path().join("cache");
    let run = || {
        citc_env(
            &[
                "diff",
                "v1.7.0",
                "--version",
                "v1.7.0",
                "--format",
                "json",
                "--fail-on",
                "any",
                "--allow-http",
            ],
            dir.path(),
            &[("CITC_CACHE_DIR", &cache)],
        )
    };

    let out = run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = stdout(&out);
    assert_eq!(summary(&parse_json(&json)), [0, 0, 0, 0]);
    // The bundle, and CHECKSUMS.sha256 beside it (404 here: noted).
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    assert!(
        stderr(&out).contains("note: the release publishes no CHECKSUMS.sha256"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("downloaded from http://127.0.0.1"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("warning: downloading http://127.0.0.1"),
        "{}",
        stderr(&out)
    );
    // The bundle, and its sha256 recorded beside it.
    let mut cached: Vec<_> = std::fs::read_dir(cache.join("releases"))
        .expect("cache folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    cached.sort();
    assert_eq!(cached.len(), 2, "{cached:?}");
    assert_eq!(format!("{}.sha256", cached[0]), cached[1]);

    // The second run reads the cache and asks the server nothing.
    let out = run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    assert!(
        stderr(&out).contains("release v1.7.0, cached in"),
        "{}",
        stderr(&out)
    );

    // A release the server does not have: an error that says so, nothing cached.
    let out = citc_env(
        &["diff", "v0.0.1", "--allow-http"],
        dir.path(),
        &[("CITC_CACHE_DIR", &cache)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a download: GET http://127.0.0.1"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    // Still the one bundle and its digest: nothing cached for the 404.
    assert_eq!(
        std::fs::read_dir(cache.join("releases"))
            .expect("cache")
            .count(),
        2
    );
}

/// Against the catalog compiled now, text and markdown cite the line that
/// sets each new value: on a resource's own change, and on a shared change
/// when one line sets it in every resource.
#[test]
fn changes_of_the_catalog_cite_the_line_that_sets_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(project().join("catalog.cit")).expect("catalog.cit");
    std::fs::write(dir.path().join("catalog.cit"), &text).expect("write");
    let out = citc(
        &["build", "catalog.cit", "--version", "v1", "-o", "old"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // One resource's own change, and one that every u1 size shares.
    let edited = text
        .replacen("spec.cpu.maxSockets = cpu", "spec.cpu.maxSockets = 64", 1)
        .replacen(
            "displayName = \"General Purpose\"",
            "displayName = \"Universal\"",
            1,
        );
    assert_ne!(edited, text);
    std::fs::write(dir.path().join("catalog.cit"), &edited).expect("write");
    let line = |needle: &str| {
        let n = edited
            .lines()
            .position(|l| l.contains(needle))
            .expect(needle);
        format!("catalog.cit:{}", n + 1)
    };
    let sockets = line("spec.cpu.maxSockets = 64");
    let display = line("displayName = \"Universal\"");

    let out = citc(&["diff", "old", "--version", "v1"], dir.path());
    let report = stdout(&out);
    assert!(
        report.contains(&format!("\"General Purpose\" → \"Universal\"  ({display})")),
        "{report}"
    );
    assert!(report.contains(&format!("→ 64  ({sockets})")), "{report}");

    let out = citc(
        &["diff", "old", "--version", "v1", "--format", "markdown"],
        dir.path(),
    );
    let report = stdout(&out);
    assert!(report.contains(&format!("(`{display}`)")), "{report}");

    // With the repository's URL, citations are links to the line.
    let link = |base: &str, citation: &str| {
        let (file, line) = citation.rsplit_once(':').expect("file:line");
        format!("([{citation}]({base}/{file}#L{line}))")
    };
    let base = "https://github.com/acme/catalog/blob/v2";
    let out = citc(
        &[
            "diff",
            "old",
            "--version",
            "v1",
            "--format",
            "markdown",
            "--link-base",
            &format!("{base}/"),
        ],
        dir.path(),
    );
    let report = stdout(&out);
    assert!(report.contains(&link(base, &display)), "{report}");
    assert!(report.contains(&link(base, &sockets)), "{report}");
    // In GitHub Actions, the repository at the commit being built.
    let out = citc_env(
        &["diff", "old", "--version", "v1", "--format", "markdown"],
        dir.path(),
        &[
            ("GITHUB_SERVER_URL", Path::new("https://github.example")),
            ("GITHUB_REPOSITORY", Path::new("acme/catalog")),
            ("GITHUB_SHA", Path::new("0123abc")),
        ],
    );
    let report = stdout(&out);
    assert!(
        report.contains(&link(
            "https://github.example/acme/catalog/blob/0123abc",
            &display
        )),
        "{report}"
    );
    // The text format is for a terminal: no links.
    let out = citc(
        &["diff", "old", "--version", "v1", "--link-base", base],
        dir.path(),
    );
    assert!(!stdout(&out).contains(base), "{}", stdout(&out));
    // A base that is no URL is a usage error.
    let out = citc(
        &[
            "diff",
            "old",
            "--format",
            "markdown",
            "--link-base",
            "blob/v2",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not an http(s) URL"),
        "{}",
        stderr(&out)
    );
    // In a git repository, paths are from its top, whatever the folder
    // citc runs in.
    let repo = tempfile::tempdir().expect("temp dir");
    let sub = repo.path().join("cat");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(sub.join("catalog.cit"), &edited).expect("write");
    git(repo.path(), &["init", "-q"]);
    let out = citc(
        &["build", "catalog.cit", "--version", "v1", "-o", "old"],
        &sub,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(sub.join("catalog.cit"), &text).expect("write");
    let out = citc(
        &[
            "diff",
            "old",
            "--version",
            "v2",
            "--format",
            "markdown",
            "--link-base",
            base,
        ],
        &sub,
    );
    let report = stdout(&out);
    let original_display = {
        let n = text
            .lines()
            .position(|l| l.contains("displayName = \"General Purpose\""))
            .expect("the display name");
        format!("catalog.cit:{}", n + 1)
    };
    let (_, line) = original_display.rsplit_once(':').expect("file:line");
    assert!(
        report.contains(&format!(
            "([{original_display}]({base}/cat/catalog.cit#L{line}))"
        )),
        "{report}"
    );

    // JSON stays as it was: no citation.
    let out = citc(
        &["diff", "old", "--version", "v1", "--format", "json"],
        dir.path(),
    );
    assert!(!stdout(&out).contains("catalog.cit:"), "{}", stdout(&out));
}
