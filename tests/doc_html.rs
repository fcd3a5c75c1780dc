//! `citc doc html`: the site of a catalog. What the page must show is
//! computed here from the bundle `citc build -o -` writes (saphyr for the
//! values), from upstream's README for the series' features, and from
//! `citc diff` for the changes — never with the page code under test.
//!
//! The browser test loads the page in headless Chromium (Debian's
//! `chromium`, driven by playwright-core), uses the filters and the search,
//! reads what the page then shows, runs html-validate and axe-core, and
//! keeps a screenshot in target/tmp/doc-html/page.png. The npm packages are
//! pinned in tests/browser/package-lock.json and installed once per machine
//! (tests/tools/npm.sh). Without Chromium or npm it skips with the reason,
//! unless CI=true.

mod common;

use common::project;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, Yaml};

fn citc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env(
            "CITC_CACHE_DIR",
            std::env::temp_dir().join("citc-doc-html-no-cache"),
        )
        .output()
        .expect("run citc")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "citc failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes the site of `catalog` (relative to the project) into a new
/// temporary folder; returns the folder and index.html.
fn site(catalog: &str, extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let mut args = vec![
        "doc",
        "html",
        "--catalog",
        catalog,
        "--version",
        "v9.9.9",
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    ok(&citc(&args, &project()));
    let index = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    (dir, index)
}

/// HTML text back to text (the escapes `citc doc html` writes).
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

// ------------------------------------------------------------- the bundle

/// One resource of the bundle, as the test reads it.
#[derive(Debug, Clone)]
struct Resource {
    kind: String,
    name: String,
    title: String,
    /// The document's text as the bundle holds it, from its `---`.
    text: String,
    cpu: Option<i64>,
    memory: Option<u128>,
    required_cpu: Option<i64>,
    required_memory: Option<u128>,
    architecture: Option<String>,
    dedicated: bool,
    hugepages: bool,
}

/// Bytes of a Kubernetes quantity of the forms the catalogs use.
fn bytes(text: &str) -> u128 {
    let (number, unit) = text.split_at(
        text.find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(text.len()),
    );
    let scale: f64 = match unit {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0_f64.powi(4),
        other => panic!("unit {other} in {text}"),
    };
    (number.parse::<f64>().expect("number") * scale) as u128
}

fn bundle(catalog: &str) -> Vec<Resource> {
    let all = ok(&citc(
        &["build", catalog, "--version", "v9.9.9", "-o", "-"],
        &project(),
    ));
    let mut resources = Vec::new();
    for text in all.split("---\n").filter(|t| !t.trim().is_empty()) {
        let docs = Yaml::load_from_str(text).expect("yaml");
        let doc = &docs[0];
        let str_at = |path: &[&str]| -> Option<String> {
            let mut node = doc;
            for key in path {
                node = node.as_mapping_get(key)?;
            }
            match node {
                Yaml::Value(s) => s
                    .as_str()
                    .map(String::from)
                    .or_else(|| s.as_integer().map(|i| i.to_string()))
                    .or_else(|| s.as_bool().map(|b| b.to_string())),
                Yaml::Representation(s, _, _) => Some(s.to_string()),
                Yaml::Mapping(_) => Some("{}".to_string()),
                _ => None,
            }
        };
        let int = |path: &[&str]| str_at(path).map(|s| s.parse::<i64>().expect("integer"));
        resources.push(Resource {
            kind: str_at(&["kind"]).expect("kind"),
            name: str_at(&["metadata", "name"]).expect("name"),
            title: str_at(&[
                "metadata",
                "annotations",
                "instancetype.kubevirt.io/displayName",
            ])
            .or_else(|| str_at(&["metadata", "annotations", "openshift.io/display-name"]))
            .unwrap_or_default(),
            text: format!("---\n{text}"),
            cpu: int(&["spec", "cpu", "guest"]),
            memory: str_at(&["spec", "memory", "guest"]).map(|m| bytes(&m)),
            required_cpu: int(&["spec", "requirements", "cpu", "guest"]),
            required_memory: str_at(&["spec", "requirements", "memory", "guest"])
                .map(|m| bytes(&m)),
            architecture: str_at(&["spec", "requirements", "architecture"])
                .or_else(|| str_at(&["spec", "preferredArchitecture"])),
            dedicated: str_at(&["spec", "cpu", "dedicatedCPUPlacement"]).as_deref() == Some("true"),
            hugepages: str_at(&["spec", "memory", "hugepages", "pageSize"]).is_some(),
        });
    }
    assert!(!resources.is_empty(), "the bundle of {catalog} is empty");
    resources
}

fn of_kind<'a>(resources: &'a [Resource], kind: &str) -> Vec<&'a Resource> {
    resources.iter().filter(|r| r.kind == kind).collect()
}

/// Whether `t` meets `p`'s requirements: guest vCPUs and memory at least
/// the required ones.
fn meets(t: &Resource, p: &Resource) -> bool {
    p.required_cpu
        .is_none_or(|c| t.cpu.is_some_and(|cpu| cpu >= c))
        && p.required_memory
            .is_none_or(|m| t.memory.is_some_and(|mem| mem >= m))
}

// --------------------------------------------------------------- the page

/// The HTML of one resource's entry, from its `<details` to the next entry.
fn entry<'a>(index: &'a str, kind: &str, name: &str) -> &'a str {
    let marker = format!(
        "class=\"resource {kind}\" id=\"{kind}-{}\"",
        name.replace('.', "_")
    );
    let start = index
        .find(&marker)
        .unwrap_or_else(|| panic!("no entry for {kind} {name}"));
    let rest = &index[start..];
    let end = rest[1..]
        .find("<details class=\"resource")
        .map_or(rest.find("</section>").expect("end of section"), |e| e + 1);
    &rest[..end]
}

/// The names linked as `>NAME</a>` in `html`.
fn linked(html: &str) -> BTreeSet<String> {
    html.split("<a ")
        .skip(1)
        .filter_map(|link| link.split_once('>')?.1.split_once("</a>"))
        .map(|(name, _)| name.to_string())
        .collect()
}

#[test]
fn every_resource_is_shown_with_the_yaml_citc_builds() {
    let resources = bundle("catalog.cit");
    let (_dir, index) = site("catalog.cit", &[]);
    for resource in &resources {
        let kind = if resource.kind.ends_with("Instancetype") {
            "instancetype"
        } else {
            "preference"
        };
        let html = entry(&index, kind, &resource.name);
        let yaml_blocks: Vec<String> = html
            .split("<pre><code>")
            .skip(1)
            .map(|block| unescape(block.split("</code></pre>").next().expect("block")))
            .collect();
        assert!(
            yaml_blocks.contains(&resource.text),
            "the entry of {} {} lacks its document as `citc build` writes it",
            resource.kind,
            resource.name
        );
        assert!(
            html.contains("<caption>Labels</caption>"),
            "{} shows no labels",
            resource.name
        );
    }
}

#[test]
fn each_preference_lists_the_instance_types_that_meet_its_requirements() {
    let resources = bundle("catalog.cit");
    let (_dir, index) = site("catalog.cit", &[]);
    let types = of_kind(&resources, "VirtualMachineClusterInstancetype");
    let preferences = of_kind(&resources, "VirtualMachineClusterPreference");
    let mut partial = 0;
    for p in &preferences {
        let expected: BTreeSet<String> = types
            .iter()
            .filter(|t| meets(t, p))
            .map(|t| t.name.clone())
            .collect();
        if expected.len() < types.len() {
            partial += 1;
        }
        let html = entry(&index, "preference", &p.name);
        let list = html
            .split("<ul class=\"fits\">")
            .nth(1)
            .map(|rest| rest.split("</ul>").next().expect("list"))
            .unwrap_or("");
        assert_eq!(
            linked(list),
            expected,
            "instance types that meet {}",
            p.name
        );
        assert!(
            html.contains(&format!(
                "{} of {} instance types meet",
                expected.len(),
                types.len()
            )),
            "the count of {}",
            p.name
        );
    }
    // The test means something only when some preferences rule sizes out.
    assert!(
        partial >= 5,
        "only {partial} preferences rule instance types out"
    );
}

/// The series feature table of upstream's README, or `None` when the
/// README is absent outside CI.
fn upstream_series_table() -> Option<BTreeMap<String, Vec<String>>> {
    let path = project().join("../shared/upstream/main/README.md");
    let Ok(readme) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is missing, and CI=true",
            path.display()
        );
        eprintln!("skipping: {} is absent (CI is not set)", path.display());
        return None;
    };
    let lines: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "# Series")
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    let cells = |line: &str| -> Vec<String> {
        line.split('|')
            .map(|c| c.trim().trim_matches('*').to_string())
            .collect()
    };
    let mut table = BTreeMap::new();
    table.insert("series".to_string(), cells(lines[0])[1..].to_vec());
    for line in &lines[2..] {
        let row = cells(line);
        table.insert(row[0].clone(), row[1..].to_vec());
    }
    Some(table)
}

#[test]
fn series_features_and_ratios_agree_with_upstreams_readme() {
    let Some(upstream) = upstream_series_table() else {
        return;
    };
    let (_dir, index) = site("catalog.cit", &[]);
    let table = index
        .split("<table class=\"features\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the features table");
    let header: Vec<String> = table
        .split("<th scope=\"col\">")
        .skip(2)
        .map(|c| c.split("</th>").next().expect("cell").to_string())
        .collect();
    let rows: BTreeMap<String, Vec<bool>> = table
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let th = &row[..row.find("</th>").expect("row title")];
            let title = th.split(" <span").next().unwrap_or_default().to_string();
            let cells: Vec<bool> = row
                .split("<td>")
                .skip(1)
                .map(|c| c.starts_with('✓') || c.starts_with("1:"))
                .collect();
            (title, cells)
        })
        .collect();
    let ratio_row: Vec<String> = table
        .split("vCPU-to-memory ratio</th>")
        .nth(1)
        .expect("ratio row")
        .split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().expect("cell").to_string())
        .collect();
    let names = &upstream["series"];
    let mut compared = 0;
    for (column, series) in names.iter().enumerate() {
        // Upstream names a series by its letters: `CX` is cx1.
        let Some(ours) = header.iter().position(|h| {
            h.trim_end_matches(char::is_numeric)
                .eq_ignore_ascii_case(series)
        }) else {
            panic!("upstream's series {series} is not on the page ({header:?})");
        };
        for (title, ours_title) in [
            ("Hugepages", "Hugepages"),
            ("Overcommitted Memory", "Overcommitted Memory"),
            ("Dedicated CPU", "Dedicated CPU"),
            ("Burstable CPU performance", "Burstable CPU performance"),
            ("Isolated emulator threads", "Isolated emulator threads"),
            ("vNUMA", "vNUMA"),
        ] {
            let expected = upstream[title][column] == "✓";
            assert_eq!(
                rows[ours_title][ours], expected,
                "{ours_title} of series {series}"
            );
            compared += 1;
        }
        assert_eq!(
            ratio_row[ours], upstream["vCPU-To-Memory Ratio"][column],
            "the ratio of series {series}"
        );
    }
    assert_eq!(compared, 6 * names.len());
}

#[test]
fn the_size_grid_has_every_series_instance_type_in_its_cell() {
    for catalog in ["catalog.cit", "examples/vendor/catalog.cit"] {
        let resources = bundle(catalog);
        let (_dir, index) = site(catalog, &[]);
        let grid = index
            .split("<table class=\"grid\">")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .expect("the grid");
        for t in of_kind(&resources, "VirtualMachineClusterInstancetype") {
            let cell = grid
                .split("<td>")
                .find(|c| c.contains(&format!("data-instancetype=\"{}\"", t.name)))
                .unwrap_or_else(|| panic!("{catalog}: {} is not in the grid", t.name));
            let cpu = t.cpu.expect("cpu");
            let vcpus = if cpu == 1 {
                "1 vCPU".to_string()
            } else {
                format!("{cpu} vCPUs")
            };
            assert!(
                cell.contains(&vcpus),
                "{catalog}: the cell of {}: {cell}",
                t.name
            );
        }
    }
}

#[test]
fn compare_shows_the_changes_as_citc_diff_reports_them() {
    let releases = project().join("tests/golden/releases");
    let releases = releases.to_str().expect("utf-8");
    let (_dir, index) = site(
        "catalog.cit",
        &["--compare", "v1.7.0", "--releases", releases],
    );
    let diff = ok(&citc(
        &[
            "diff",
            "v1.7.0",
            "--releases",
            releases,
            "--version",
            "v9.9.9",
        ],
        &project(),
    ));
    let shown = index
        .split("<pre class=\"diff\"><code>")
        .nth(1)
        .and_then(|rest| rest.split("</code></pre>").next())
        .expect("the changes");
    assert_eq!(unescape(shown), diff);
    // Added resources carry a badge; the diff's text names them after `+`.
    let added: Vec<&str> = diff
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("+ "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(!added.is_empty(), "v1.7.0 → now adds resources");
    for name in added {
        assert!(
            entry(&index, "preference", name).contains("<span class=\"badge added\">added</span>"),
            "{name} has no `added` badge"
        );
    }
}

#[test]
fn the_site_is_deterministic_and_replaced_only_when_citc_wrote_it() {
    let (dir, first) = site("catalog.cit", &[]);
    let (_other, second) = site("catalog.cit", &[]);
    assert!(first == second, "two runs wrote different pages");
    let out = dir.path().join("site");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("read site")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".citc-build", "index.html", "site.css", "site.js"]);
    // No file of the page comes from elsewhere.
    for needle in ["http://", "https://", "//cdn"] {
        for tag in ["<script", "<link"] {
            assert!(
                !first.split(tag).skip(1).any(|t| t
                    .split('>')
                    .next()
                    .unwrap_or("")
                    .contains(needle)),
                "a {tag} loads from the network"
            );
        }
    }
    let target = out.to_str().expect("utf-8");
    // Its own folder is replaced.
    ok(&citc(&["doc", "html", "-o", target], &project()));
    // A file it did not write makes it refuse, and leaves the folder.
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let refused = citc(&["doc", "html", "-o", target], &project());
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("notes.txt") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(out.join("notes.txt").exists());
    // A build's folder is citc's, but not a site.
    let build = dir.path().join("_build");
    let build = build.to_str().expect("utf-8");
    ok(&citc(&["build", "catalog.cit", "-o", build], &project()));
    let refused = citc(&["doc", "html", "-o", build], &project());
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("output of `citc build`"), "{stderr}");
    assert!(Path::new(build)
        .join("common-instancetypes-all-bundle.yaml")
        .exists());
    // -o is required, and html's options belong to html.
    let missing = citc(&["doc", "html"], &project());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("-o DIR"));
    let misplaced = citc(&["doc", "labels", "--compare", "v1.7.0"], &project());
    assert_eq!(misplaced.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&misplaced.stderr).contains("--compare is for `citc doc html`"));
}

#[test]
fn a_catalog_with_errors_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("catalog.cit"),
        "import \"std/kubevirt\"\n\ninstancetype small {\n  spec.cpu.gust = 1\n}\n",
    )
    .expect("write");
    let out = citc(&["doc", "html", "-o", "site"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("site").exists());
}

// ------------------------------------------------------------ the browser

/// Where Chromium is, or `None` (with the reason printed) outside CI.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    let reason = format!(
        "no Chromium at {} (Debian: apt-get install -y chromium; or set CHROMIUM)",
        path.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{reason}, and CI=true requires the browser test"
    );
    eprintln!("skipping the browser test: {reason} (CI is not set)");
    None
}

/// The pinned npm packages of tests/browser, or `None` (with the reason
/// printed) when they cannot be had here outside CI.
fn node_modules() -> Option<PathBuf> {
    let out = Command::new("bash")
        .arg(project().join("tests/tools/npm.sh"))
        .arg(project().join("tests/browser"))
        .output()
        .expect("run bash");
    let reason = String::from_utf8_lossy(&out.stderr).trim().to_string();
    match out.status.code() {
        Some(0) => Some(PathBuf::from(
            String::from_utf8_lossy(&out.stdout).trim().lines().last()?,
        )),
        Some(3) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipping the browser test: {reason} (CI is not set)");
            None
        }
        _ => panic!("tests/tools/npm.sh failed: {reason}"),
    }
}

fn names(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a name").to_string())
        .collect()
}

#[test]
fn the_page_works_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let Some(modules) = node_modules() else {
        return;
    };
    let resources = bundle("catalog.cit");
    let (dir, _index) = site("catalog.cit", &[]);
    let artefacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doc-html");
    std::fs::create_dir_all(&artefacts).expect("mkdir");
    let screenshot = artefacts.join("page.png");
    let _ = std::fs::remove_file(&screenshot);
    let out = Command::new("node")
        .arg(project().join("tests/browser/page.test.mjs"))
        .arg(&modules)
        .arg(dir.path().join("site"))
        .arg(&screenshot)
        .arg(&chromium)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "the browser test failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the browser test's JSON");
    for list in ["consoleErrors", "external", "validation", "violations"] {
        assert_eq!(result[list], serde_json::json!([]), "{list}");
    }
    let png = std::fs::read(&screenshot).expect("the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a screenshot"
    );
    eprintln!("screenshot: {}", screenshot.display());

    // What each step should show, from the bundle.
    let types = of_kind(&resources, "VirtualMachineClusterInstancetype");
    let preferences = of_kind(&resources, "VirtualMachineClusterPreference");
    let select = |list: &[&Resource], keep: &dyn Fn(&Resource) -> bool| -> BTreeSet<String> {
        list.iter()
            .filter(|r| keep(r))
            .map(|r| r.name.clone())
            .collect()
    };
    let all = |_: &Resource| true;
    let named = |r: &Resource| r.name.contains("u1.") || r.title.to_lowercase().contains("u1.");
    let two_gi = 2u128 << 30;
    let realtime = preferences
        .iter()
        .find(|p| p.name == "rhel.9.realtime")
        .expect("rhel.9.realtime");
    let expected: Vec<(&str, BTreeSet<String>, BTreeSet<String>)> = vec![
        ("initial", select(&types, &all), select(&preferences, &all)),
        (
            "search",
            select(&types, &named),
            select(&preferences, &named),
        ),
        (
            "cpu-min",
            select(&types, &|t| t.cpu.is_some_and(|c| c >= 16)),
            select(&preferences, &all),
        ),
        (
            "memory-max",
            select(&types, &|t| t.memory.is_some_and(|m| m <= two_gi)),
            select(&preferences, &|p| p.required_memory.unwrap_or(0) <= two_gi),
        ),
        (
            "features",
            select(&types, &|t| t.dedicated && t.hugepages),
            select(&preferences, &all),
        ),
        (
            "arch",
            select(&types, &all),
            select(&preferences, &|p| {
                p.architecture.as_deref().is_none_or(|a| a == "arm64")
            }),
        ),
        (
            "preference",
            select(&types, &|t| meets(t, realtime)),
            select(&preferences, &all),
        ),
        ("reset", select(&types, &all), select(&preferences, &all)),
    ];
    for (step, types_shown, preferences_shown) in expected {
        let shown = &result["steps"][step];
        // Each step must narrow something, or it tests nothing.
        if !matches!(step, "initial" | "reset") {
            assert!(
                types_shown.len() < types.len() || preferences_shown.len() < preferences.len(),
                "step {step} filters nothing"
            );
        }
        assert_eq!(
            names(&shown["instancetypes"]),
            types_shown,
            "instance types after {step}"
        );
        assert_eq!(
            names(&shown["preferences"]),
            preferences_shown,
            "preferences after {step}"
        );
        assert_eq!(
            names(&shown["grid"]),
            types_shown,
            "grid cells after {step}"
        );
        assert_eq!(
            shown["status"].as_str(),
            Some(
                format!(
                    "Showing {} of {} instance types and {} of {} preferences.",
                    types_shown.len(),
                    types.len(),
                    preferences_shown.len(),
                    preferences.len()
                )
                .as_str()
            ),
            "status after {step}"
        );
    }
}
