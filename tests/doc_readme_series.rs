//! The series diagram and table of the README (issue 25): `citc doc
//! readme` writes the mermaid diagram under "## Structure" and the feature
//! table under "# Series" from the catalog — the marks from the series'
//! instance types, the order, groups and names from catalog.cit's
//! `readme_series` — byte for byte as upstream's README at main has them;
//! `--check` fails when either is stale, `--write` restores them; a vendor
//! catalog gets its own series and names.
//!
//! Expectations come from upstream's README in ../shared/upstream/main,
//! cut out here without the code under test.

mod common;

use common::{citc, project, stderr, stdout};

/// Upstream's README at main, or `None` (with the reason printed) when it
/// is absent outside CI; under CI=true a missing file fails the test.
fn upstream_readme() -> Option<String> {
    let file = project().join("../shared/upstream/main/README.md");
    if let Ok(text) = std::fs::read_to_string(&file) {
        return Some(text);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{} is missing, and CI=true", file.display());
    }
    eprintln!("skipping: {} is absent (CI is not set)", file.display());
    None
}

/// The ```mermaid block of `readme`, fences included.
fn mermaid(readme: &str) -> &str {
    let start = readme.find("```mermaid\n").expect("a mermaid block");
    let end = start + readme[start..].find("\n```\n").expect("its closing fence") + 5;
    &readme[start..end]
}

/// The lines of the table after "# Series", up to the first blank line.
fn series_table(readme: &str) -> &str {
    let start = readme.find("\n# Series\n\n").expect("a # Series heading") + 11;
    let end = start
        + readme[start..]
            .find("\n\n")
            .expect("a blank line after the table")
        + 1;
    &readme[start..end]
}

/// The table's cells without the spaces around them (a separator's
/// dashes as one).
fn cells(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|line| {
            line.split('|')
                .map(|c| match c.trim() {
                    dashes if !dashes.is_empty() && dashes.chars().all(|ch| ch == '-') => {
                        "-".to_string()
                    }
                    cell => cell.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A copy of `catalog` (relative to the project) in a temporary folder as
/// catalog.cit, with `edit` applied, and upstream's README beside it.
fn repo(catalog: &str, readme: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(project().join(catalog)).expect("catalog");
    std::fs::write(dir.path().join("catalog.cit"), edit(text)).expect("write");
    std::fs::write(dir.path().join("README.md"), readme).expect("write");
    dir
}

fn replace_once(text: String, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn the_diagram_and_table_are_upstreams_and_check_passes_on_its_readme() {
    let Some(readme) = upstream_readme() else {
        return;
    };
    let out = citc(&["doc", "readme"], &project());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    // The diagram is written whole: upstream's, byte for byte.
    assert_eq!(mermaid(&printed), mermaid(&readme));
    // A table written afresh is padded evenly; its cells are upstream's.
    assert_eq!(cells(series_table(&printed)), cells(series_table(&readme)));
    assert_ne!(
        series_table(&printed),
        series_table(&readme),
        "upstream's padding is uneven: a fresh table cannot match it by chance"
    );

    // Into upstream's README: nothing changes, --check passes.
    let dir = repo("catalog.cit", &readme, |text| text);
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("up to date"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).expect("read"),
        readme
    );
}

#[test]
fn a_stale_mark_fails_check_and_write_restores_upstreams_bytes() {
    let Some(readme) = upstream_readme() else {
        return;
    };
    // The README loses RT's vNUMA mark.
    let row = "*vNUMA*                     |     |     |  ✓   |     |     |  ✓  |     \n";
    let stale = replace_once(
        readme.clone(),
        row,
        "*vNUMA*                     |     |     |  ✓   |     |     |     |     \n",
    );
    let dir = repo("catalog.cit", &stale, |text| text);
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("differ from `citc doc readme`"), "{err}");
    assert!(err.contains(&format!("+{}", row.trim_end())), "{err}");
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).expect("read"),
        readme
    );
}

#[test]
fn the_marks_follow_the_specs_and_the_names_follow_the_declaration() {
    let Some(readme) = upstream_readme() else {
        return;
    };
    // o1 no longer overcommits; m1 gets dedicated cores (so it is no longer
    // burstable); u1 is called "General" in the diagram.
    let dir = repo("catalog.cit", &readme, |text| {
        let text = replace_once(text, "  spec.memory.overcommitPercent = 50\n", "");
        let text = replace_once(
            text,
            "series m1 {\n  use common-series\n",
            "series m1 {\n  use common-series\n  spec.cpu.dedicatedCPUPlacement = true\n",
        );
        replace_once(text, "u1 = \"Universal\"", "u1 = \"General\"")
    });
    let out = citc(&["doc", "readme"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let table = cells(series_table(&printed));
    let column = |name: &str| table[0].iter().position(|c| c == name).expect(name);
    let row = |label: &str| {
        table
            .iter()
            .find(|r| r[0] == format!("*{label}*"))
            .expect(label)
    };
    assert_eq!(row("Overcommitted Memory")[column("O")], "");
    assert_eq!(row("Dedicated CPU")[column("M")], "✓");
    assert_eq!(row("Burstable CPU performance")[column("M")], "");
    assert_eq!(row("Burstable CPU performance")[column("U")], "✓");
    assert!(mermaid(&printed).contains("General([General]):::series --> u1:::instancetype\n"));
    assert!(!printed.contains("Universal"));

    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("+General([General])"), "{err}");
}

#[test]
fn every_series_is_declared_once_and_every_declared_name_is_a_series() {
    let readme = "# T\n";
    for (edit, says) in [
        (
            ("    d1 = \"Dedicated\"\n", ""),
            "the series `d1` is not in `readme_series`",
        ),
        (
            (
                "    d1 = \"Dedicated\"\n",
                "    d1 = \"Dedicated\"\n    x9 = \"X\"\n",
            ),
            "names `x9`, but the catalog has no series `x9`",
        ),
        (
            (
                "    d1 = \"Dedicated\"\n",
                "    d1 = \"Dedicated\"\n    u1 = \"Again\"\n",
            ),
            "names `u1` twice",
        ),
        (
            (
                "    d1 = \"Dedicated\"\n",
                "    d1 = \"Dedicated (vCPU)\"\n",
            ),
            "has `(`, which the mermaid diagram cannot show",
        ),
        (
            ("    d1 = \"Dedicated\"\n", "    d1 = 1\n"),
            "`readme_series` is a map of groups",
        ),
    ] {
        let dir = repo("catalog.cit", readme, |text| {
            replace_once(text, edit.0, edit.1)
        });
        let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{says}: {err}");
        assert!(err.contains(says), "{says}: {err}");
        assert!(err.contains("catalog.cit:"), "names the file: {err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("README.md")).expect("read"),
            readme,
            "nothing written"
        );
    }
}

#[test]
fn a_readme_without_them_fails_check_and_gets_them_from_write() {
    let dir = repo("catalog.cit", "# A catalog\n\nIntro.\n", |text| text);
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("has no `## Structure` diagram")
            && err.contains("no `# Series` table")
            && err.contains("no `## Resources` section"),
        "{err}"
    );
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.path().join("README.md")).expect("read");
    let printed = stdout(&citc(&["doc", "readme"], dir.path()));
    assert_eq!(written, format!("# A catalog\n\nIntro.\n\n{printed}"));
    let structure = written
        .find("## Structure\n\n```mermaid\n")
        .expect("diagram");
    let series = written.find("\n# Series\n\n.").expect("table");
    let resources = written.find("\n## Resources\n").expect("resources");
    assert!(structure < series && series < resources, "{written}");
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A hand-made README with only the resources section gets the diagram
    // and the table before it, and keeps its own text.
    let dir = repo(
        "catalog.cit",
        "# A catalog\n\n## Resources\n\nold\n",
        |text| text,
    );
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.path().join("README.md")).expect("read");
    assert_eq!(written, format!("# A catalog\n\n{printed}"));
}

#[test]
fn a_vendor_catalog_gets_its_own_series_and_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = citc(
        &["doc", "readme", "--catalog", "examples/vendor/catalog.cit"],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let table = cells(series_table(&printed));
    assert_eq!(table[0], [".", "G", "R"]);
    let row = |label: &str| {
        table
            .iter()
            .find(|r| r[0] == format!("*{label}*"))
            .unwrap_or_else(|| panic!("{label}: {table:?}"))
            .clone()
    };
    // g1 is time-shared at 1:4; r1 has dedicated cores at 1:8.
    assert_eq!(row("Dedicated CPU"), ["*Dedicated CPU*", "", "✓"]);
    assert_eq!(
        row("Burstable CPU performance"),
        ["*Burstable CPU performance*", "✓", ""]
    );
    assert_eq!(
        row("vCPU-To-Memory Ratio"),
        ["*vCPU-To-Memory Ratio*", "1:4", "1:8"]
    );
    let diagram = mermaid(&printed);
    assert!(diagram.contains("General([General]):::series --> g1:::instancetype\n"));
    assert!(diagram.contains("([Memory Optimised]):::series --> r1:::instancetype\n"));
    for upstream in [
        "Universal",
        "Workload",
        "Compute Exclusive",
        "u1:",
        "cx1",
        "rt1",
        "| U ",
        "CX",
    ] {
        assert!(
            !diagram.contains(upstream) && !series_table(&printed).contains(upstream),
            "{upstream} in ACME's README parts:\n{printed}"
        );
    }
    // Written into a README and checked.
    std::fs::write(dir.path().join("README.md"), "# ACME\n").expect("write");
    let catalog = project().join("examples/vendor/catalog.cit");
    let args = |flag: &'static str| {
        vec![
            "doc".to_string(),
            "readme".to_string(),
            "--catalog".to_string(),
            catalog.display().to_string(),
            flag.to_string(),
            "README.md".to_string(),
        ]
    };
    for flag in ["--write", "--check"] {
        let argv = args(flag);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = citc(&argv, dir.path());
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stderr(&out));
    }
}

#[test]
fn readme_documents_each_rule_of_the_table() {
    let readme = std::fs::read_to_string(project().join("README.md")).expect("README.md");
    let rules = citc::doc::series::rules();
    let documented: String = rules.lines().map(|l| format!("    {l}\n")).collect();
    assert!(
        readme.contains(&documented),
        "README.md's `doc` section lacks the table's rules as citc applies them:\n{rules}"
    );
}

#[test]
fn without_a_declaration_the_output_is_the_resources_section_alone() {
    let readme = "# T\n";
    let dir = repo("catalog.cit", readme, |text| {
        let start = text.find("let readme_series = {").expect("the declaration");
        let end = start + text[start..].find("\n}\n").expect("its end") + 3;
        format!("{}{}", &text[..start], &text[end..])
    });
    let out = citc(&["doc", "readme"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("## Resources\n"),
        "{}",
        stdout(&out)
    );
    let out = citc(&["doc", "readme", "--write", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = citc(&["doc", "readme", "--check", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
