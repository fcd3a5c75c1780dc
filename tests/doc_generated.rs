//! Generated documents of a catalog (issue 13): `citc doc readme` writes
//! upstream's README "## Resources" section byte for byte as readme.sh does
//! (at main from catalog.cit, at v1.7.0 from tests/golden/v1.7.0.cit), `--write` replaces only the section, `--check` fails on a
//! stale one; `citc doc labels` lists every derived label with its rule
//! and every entry of upstream's docs/labels.md.
//!
//! Expectations come from upstream's files in ../shared/upstream (main/ and
//! docs/) and
//! from the text of stdlib/kubevirt.cit, never from the code under test.

mod common;

use common::{citc, project, stderr, stdout};

/// An upstream document in ../shared/upstream/docs, or `None` (with the
/// reason printed) when it is absent outside CI. Under CI=true a missing
/// file fails the test.
fn upstream_doc(name: &str) -> Option<String> {
    let file = project().join("../shared/upstream").join(name);
    if let Ok(text) = std::fs::read_to_string(&file) {
        return Some(text);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing, and CI=true: the doc tests cannot be skipped",
            file.display()
        );
    }
    eprintln!("skipping: {} is absent (CI is not set)", file.display());
    None
}

/// From the line "## Resources" to the end, found without the code under
/// test.
fn resources_section(readme: &str) -> &str {
    let start = readme
        .find("\n## Resources\n")
        .map(|i| i + 1)
        .expect("upstream's README has a Resources section");
    &readme[start..]
}

fn first_different_line(expected: &str, actual: &str) -> String {
    for (n, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected: {e:?}\n  actual:   {a:?}", n + 1);
        }
    }
    format!(
        "{} lines expected, {} written",
        expected.lines().count(),
        actual.lines().count()
    )
}

/// A copy of catalog.cit in a temporary folder, with `edit` applied.
fn catalog_copy(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(project().join("catalog.cit")).expect("catalog.cit");
    std::fs::write(dir.path().join("catalog.cit"), edit(text)).expect("write");
    dir
}

/// The last release's README, from the catalog as it was then.
#[test]
fn readme_of_v1_7_0_is_upstreams_section_byte_for_byte() {
    let Some(readme) = upstream_doc("docs/README-v1.7.0.md") else {
        return;
    };
    let out = citc(
        &["doc", "readme", "--catalog", "tests/golden/v1.7.0.cit"],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let actual = stdout(&out);
    let expected = resources_section(&readme);
    assert!(
        actual == expected,
        "citc doc readme differs from upstream's v1.7.0 README: {}",
        first_different_line(expected, &actual)
    );
}

/// catalog.cit is upstream's main: its README's section, byte for byte.
#[test]
fn readme_is_upstreams_main_section_byte_for_byte() {
    let Some(readme) = upstream_doc("main/README.md") else {
        return;
    };
    let expected = resources_section(&readme);
    let out = citc(&["doc", "readme"], &project());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Printed after the series diagram and table (tests/doc_readme_series.rs).
    let printed = stdout(&out);
    let actual = resources_section(&printed);
    assert!(
        actual == expected,
        "citc doc readme differs from upstream's main README: {}",
        first_different_line(expected, actual)
    );

    // --check on upstream's README itself: up to date.
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("README.md");
    std::fs::write(&copy, &readme).expect("write");
    let catalog = project().join("catalog.cit");
    let out = citc(
        &[
            "doc",
            "readme",
            "--catalog",
            catalog.to_str().unwrap(),
            "--check",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());

    // A renamed preference: another section, and --check fails with a diff.
    let renamed = catalog_copy(|text| {
        let row = "\n  alpine               alpine ";
        assert!(text.contains(row), "catalog.cit's alpine row moved");
        text.replace(row, "\n  alpinelinux          alpine ")
    });
    let out = citc(&["doc", "readme"], renamed.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let section = stdout(&out);
    assert_ne!(resources_section(&section), expected);
    assert!(section.contains("\nalpinelinux | Alpine\n"), "{section}");
    let out = citc(
        &["doc", "readme", "--check", copy.to_str().unwrap()],
        renamed.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`## Resources` section) differ from `citc doc readme`"),
        "{err}"
    );
    assert!(err.contains("-alpine | Alpine"), "{err}");
    assert!(err.contains("+alpinelinux | Alpine"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&copy).expect("read"),
        readme,
        "--check writes nothing"
    );
}

#[test]
fn write_replaces_the_section_and_keeps_what_is_before() {
    let dir = catalog_copy(|text| text);
    let readme = dir.path().join("README.md");
    let head = "# My catalog\n\n```\n## Resources\n```\n\nSome text.\n";

    // No section yet: appended after a blank line.
    std::fs::write(&readme, head).expect("write");
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let section = stdout(&citc(&["doc", "readme"], dir.path()));
    let written = std::fs::read_to_string(&readme).expect("read");
    assert_eq!(written, format!("{head}\n{section}"));
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A stale section with text after it: everything from the heading on
    // is replaced.
    std::fs::write(
        &readme,
        format!("{head}\n## Resources\n\nold table\n\n## Later\n\nmore\n"),
    )
    .expect("write");
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&readme).expect("read"),
        format!("{head}\n{section}")
    );
    // Writing again changes nothing.
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("up to date"), "{}", stderr(&out));
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    // A missing file: --check exits 1, --write creates it.
    let out = citc(&["doc", "readme", "--check", "NEW.md"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = citc(&["doc", "readme", "--write", "NEW.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("NEW.md")).expect("read"),
        section
    );

    // --check and --write together are a usage error; a catalog with
    // errors writes nothing.
    let out = citc(
        &[
            "doc",
            "readme",
            "--check",
            "README.md",
            "--write",
            "README.md",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    std::fs::write(dir.path().join("bad.cit"), "preference p { nope = 1 }\n").expect("write");
    let before = std::fs::read_to_string(&readme).expect("read");
    let out = citc(
        &[
            "doc",
            "readme",
            "--catalog",
            "bad.cit",
            "--write",
            "README.md",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&readme).expect("read"), before);
}

/// (label, what the rule reads) of every rule in stdlib/kubevirt.cit,
/// read from its text: `label "K" from PATH` or `label "K" if PATH`.
fn std_rules() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(project().join("stdlib/kubevirt.cit")).expect("stdlib");
    text.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("label \"")?;
            let (label, rest) = rest.split_once('"')?;
            let mut words = rest.split_whitespace();
            let _how = words.next()?;
            Some((label.to_string(), words.next()?.to_string()))
        })
        .collect()
}

/// The text under `#### \`label\`` up to the next heading.
fn entry<'a>(page: &'a str, label: &str) -> Option<&'a str> {
    let heading = format!("#### `{label}`\n");
    let start = page.find(&heading)? + heading.len();
    let rest = &page[start..];
    Some(&rest[..rest.find("\n#").unwrap_or(rest.len())])
}

#[test]
fn labels_lists_every_derived_label_with_its_rule() {
    // The catalog's own rule is listed with std's.
    let dir = catalog_copy(|text| {
        format!(
            "{text}\nderive preference {{\n  label \"acme.example/efi\" if spec.firmware.preferredEfi\n}}\n"
        )
    });
    let out = citc(&["doc", "labels"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    let rules = std_rules();
    assert!(rules.len() >= 12, "{rules:?}");
    for (label, source) in &rules {
        let text = entry(&page, label).unwrap_or_else(|| panic!("no entry for {label}:\n{page}"));
        assert!(
            text.contains(&format!("`{source}`")),
            "{label}: no rule `{source}` in {text:?}"
        );
        assert!(text.contains("std/kubevirt.cit:"), "{label}: {text:?}");
    }
    let own = entry(&page, "acme.example/efi").expect("the catalog's own rule");
    assert!(own.contains("`spec.firmware.preferredEfi`"), "{own}");
    assert!(own.contains("catalog.cit:"), "{own}");
    assert!(own.contains("preferences: `true`"), "{own}");

    // What no rule can compute, with the values found.
    let (derived, by_hand) = page
        .split_once("## Set by definitions")
        .expect("a section for hand-set labels");
    let vendor = entry(by_hand, "instancetype.kubevirt.io/vendor").expect("vendor");
    assert!(vendor.contains("`kubevirt.io`"), "{vendor}");
    assert!(vendor.contains("alias `vendor`"), "{vendor}");
    for label in ["class", "os-type", "icon-pf", "deprecated"] {
        let label = format!("instancetype.kubevirt.io/{label}");
        assert!(entry(by_hand, &label).is_some(), "{label}");
        assert!(entry(derived, &label).is_none(), "{label}");
    }

    // Every entry of upstream's labels.md is on the page, in one section.
    let Some(upstream) = upstream_doc("main/docs/labels.md") else {
        return;
    };
    let keys: Vec<&str> = upstream
        .lines()
        .filter_map(|line| line.strip_prefix("### `"))
        .filter_map(|rest| rest.split_once('`').map(|(key, _)| key))
        .collect();
    assert_eq!(keys.len(), 14, "{keys:?}");
    for key in keys {
        assert_eq!(
            page.matches(&format!("#### `{key}`\n")).count(),
            1,
            "{key} of upstream's labels.md"
        );
    }
}
