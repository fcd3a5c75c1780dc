//! citc's reports for CI, read by real consumers: the SARIF log validated
//! against the SARIF 2.1.0 schema (check-jsonschema), the JUnit XML read by
//! junitparser (the Python package), both pinned in tests/tools/reports.txt
//! and installed once per machine (tests/tools/venv.sh); and GitHub
//! annotations, which name files from the repository's root and give one
//! annotation per root cause. A consumer that cannot be installed here
//! skips its check with the reason, unless CI=true.

mod common;

use common::{project, stdout};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// `citc ARGS` in `dir`, with GITHUB_WORKSPACE set to `workspace` (or unset).
fn citc(args: &[&str], dir: &Path, workspace: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    match workspace {
        Some(w) => command.env("GITHUB_WORKSPACE", w),
        None => command.env_remove("GITHUB_WORKSPACE"),
    };
    command.output().expect("run citc")
}

/// Runs a script of tests/tools; its stdout's last line, or `None` (with
/// the reason printed) when it says the tool cannot be had here (exit 3)
/// and CI is not set.
fn tool(script: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("bash")
        .arg(project().join("tests/tools").join(script))
        .args(args)
        .output()
        .expect("run bash");
    let reason = String::from_utf8_lossy(&out.stderr).trim().to_string();
    match out.status.code() {
        Some(0) => Some(stdout(&out).trim().lines().last()?.to_string()),
        Some(3) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipping: {script}: {reason} (CI is not set)");
            None
        }
        _ => panic!("{script} {args:?} failed: {reason}"),
    }
}

fn venv() -> Option<PathBuf> {
    let requirements = project().join("tests/tools/reports.txt");
    tool("venv.sh", &[requirements.to_str().expect("utf-8")]).map(PathBuf::from)
}

/// A repository with a catalog in catalogs/acme that imports ../base.cit,
/// with an error in each file.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let acme = repo.path().join("catalogs/acme");
    std::fs::create_dir_all(&acme).expect("mkdir");
    std::fs::write(
        repo.path().join("catalogs/base.cit"),
        "import \"std/kubevirt\"\n\nmixin base {\n  use nosuch\n  spec.cpu.gust = 1\n}\n",
    )
    .expect("write");
    std::fs::write(
        acme.join("catalog.cit"),
        "import \"../base.cit\"\n\npreference p : missing { }\n\ninstancetype small {\n  use base\n  spec.cpu.guest = 1\n  spec.memory.guest = 1Gi\n}\n",
    )
    .expect("write");
    repo
}

/// The diagnostics as `--message-format json` gives them: the reference the
/// other formats are compared with.
fn json_diagnostics(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["check"];
    all.extend(args);
    all.extend(["--message-format", "json"]);
    stdout(&citc(&all, dir, None))
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[test]
fn the_sarif_log_is_valid_sarif_2_1_0_and_says_what_check_says() {
    let repo = repository();
    let args = [
        "check",
        "catalogs/acme/catalog.cit",
        "--message-format",
        "sarif",
    ];
    let out = citc(&args, repo.path(), Some(repo.path()));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let log: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "citc");
    assert_eq!(
        run["tool"]["driver"]["semanticVersion"],
        env!("CARGO_PKG_VERSION")
    );
    let root = format!("file://{}/", repo.path().canonicalize().unwrap().display());
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root.as_str());

    // The same diagnostics as the JSON format, in order, with their rules.
    let expected = json_diagnostics(repo.path(), &["catalogs/acme/catalog.cit"]);
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), expected.len());
    assert!(results.len() >= 2);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for (result, diag) in results.iter().zip(&expected) {
        assert_eq!(result["ruleId"], diag["code"]);
        let rule = &rules[result["ruleIndex"].as_u64().expect("index") as usize];
        assert_eq!(rule["id"], diag["code"]);
        assert_eq!(result["level"], diag["severity"]);
        let place = &result["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(place["region"]["startLine"], diag["line"]);
        assert_eq!(place["region"]["startColumn"], diag["column"]);
        // The same fixes: SARIF's replacements are JSON's edits.
        let inserted: Vec<&Value> = result["fixes"][0]["artifactChanges"][0]["replacements"]
            .as_array()
            .map(|r| r.iter().map(|r| &r["insertedContent"]["text"]).collect())
            .unwrap_or_default();
        let replacements: Vec<&Value> = diag["fixes"]
            .as_array()
            .expect("fixes")
            .iter()
            .map(|f| &f["replacement"])
            .collect();
        assert_eq!(inserted, replacements);
    }
    // A diagnostic with a fix carries it as SARIF's `fixes`.
    std::fs::write(
        repo.path().join("typo.cit"),
        "instancetype small {\n  spec.cpu.gust = 1\n  spec.memory.guest = 1Gi\n}\n",
    )
    .expect("write");
    let typo = citc(
        &["check", "typo.cit", "--message-format", "sarif"],
        repo.path(),
        Some(repo.path()),
    );
    let typo: Value = serde_json::from_str(&stdout(&typo)).expect("one JSON document");
    let unknown_field = typo["runs"][0]["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["ruleId"] == "E0201"))
        .expect("E0201");
    let change = &unknown_field["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "typo.cit", "{typo}");
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"], "guest",
        "{typo}"
    );
    assert_eq!(
        change["replacements"][0]["deletedRegion"]["startColumn"],
        12
    );
    // Files are named from the repository's root, the import too (which
    // the catalog names `../base.cit`).
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"catalogs/base.cit"), "{uris:?}");
    assert!(uris.contains(&"catalogs/acme/catalog.cit"), "{uris:?}");

    // Valid against the schema, and so is the log of a clean catalog.
    let clean = citc(
        &["check", "catalog.cit", "--message-format", "sarif"],
        &project(),
        None,
    );
    assert_eq!(clean.status.code(), Some(0));
    let clean_log: Value = serde_json::from_str(&stdout(&clean)).expect("JSON");
    assert_eq!(clean_log["runs"][0]["results"], serde_json::json!([]));
    let (Some(venv), Some(schema)) = (venv(), tool("sarif-schema.sh", &[])) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, text) in [
        ("errors.sarif", stdout(&out)),
        ("clean.sarif", stdout(&clean)),
    ] {
        std::fs::write(dir.path().join(name), text).expect("write");
        files.push(dir.path().join(name));
    }
    // The schema's one pattern that is not an ECMAScript regex (an
    // unbalanced `]` in toolComponent.language) is read as Python reads it.
    let check = Command::new(venv.join("bin/check-jsonschema"))
        .args(["--regex-variant", "python", "--schemafile", &schema])
        .args(&files)
        .output()
        .expect("run check-jsonschema");
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        String::from_utf8_lossy(&check.stderr)
    );
    // The validator is not a rubber stamp: a log with a wrong type fails.
    let broken = stdout(&out).replacen("\"ruleIndex\": 0", "\"ruleIndex\": \"0\"", 1);
    assert_ne!(broken, stdout(&out));
    std::fs::write(dir.path().join("broken.sarif"), broken).expect("write");
    let check = Command::new(venv.join("bin/check-jsonschema"))
        .args(["--regex-variant", "python", "--schemafile", &schema])
        .arg(dir.path().join("broken.sarif"))
        .output()
        .expect("run check-jsonschema");
    assert_eq!(check.status.code(), Some(1));
}

/// What junitparser reads of a report: per suite (name, tests, failures),
/// per case (name, classname, [(result kind, type, message)], system-out).
const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        results = [(type(r).__name__, r.type, r.message) for r in case.result]
        cases.append({"name": case.name, "classname": case.classname,
                      "results": results, "out": case.system_out})
    suites.append({"name": suite.name, "tests": suite.tests,
                   "failures": suite.failures, "cases": cases})
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "suites": suites}))
"#;

fn read_junit(venv: &Path, report: &str) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, report).expect("write");
    let out = Command::new(venv.join("bin/python"))
        .args(["-c", READ_JUNIT])
        .arg(&file)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "junitparser cannot read the report: {}\n{report}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout(&out)).expect("JSON")
}

#[test]
fn the_junit_report_is_read_by_junitparser() {
    let repo = repository();
    std::fs::write(
        repo.path().join("warn.cit"),
        "import \"std/kubevirt\"\nimport \"std/sizes\"\n\nseries s {\n  use sized\n  sizes general_sizes\n  ratio 1:3\n}\n",
    )
    .expect("write");
    let warnings = json_diagnostics(repo.path(), &["warn.cit"]);
    assert!(
        !warnings.is_empty() && warnings.iter().all(|d| d["severity"] == "warning"),
        "the fixture has warnings only: {warnings:?}"
    );
    let errors = json_diagnostics(repo.path(), &["catalogs/acme/catalog.cit"]);
    let report = |args: &[&str]| {
        let mut all = vec!["check", "--message-format", "junit"];
        all.extend(args);
        citc(&all, repo.path(), None)
    };
    let failing = report(&["catalogs/acme/catalog.cit"]);
    let warned = report(&["warn.cit"]);
    let denied = report(&["warn.cit", "--deny", "warnings"]);
    let clean = citc(
        &["check", "catalog.cit", "--message-format", "junit"],
        &project(),
        None,
    );
    assert_eq!(
        [
            failing.status.code(),
            warned.status.code(),
            denied.status.code(),
            clean.status.code()
        ],
        [Some(1), Some(0), Some(1), Some(0)]
    );
    let Some(venv) = venv() else { return };

    // Errors: one failed case per diagnostic, named by code and place, its
    // type the code; the files without one pass.
    let read = read_junit(&venv, &stdout(&failing));
    assert_eq!(read["failures"], errors.len());
    let cases = read["suites"][0]["cases"].as_array().expect("cases");
    for (case, diag) in cases.iter().zip(&errors) {
        // JSON names the import as written; reports from the root.
        let file = match diag["file"].as_str().unwrap() {
            "../base.cit" => "catalogs/base.cit",
            file => file,
        };
        let place = format!("{file}:{}:{}", diag["line"], diag["column"]);
        assert_eq!(
            case["name"],
            format!("{} {place}", diag["code"].as_str().unwrap()).as_str()
        );
        assert_eq!(case["results"][0][0], "Failure");
        assert_eq!(case["results"][0][1], diag["code"]);
        assert_eq!(case["results"][0][2], diag["message"]);
    }
    // Warnings pass, shown in the case's output, unless denied.
    let read = read_junit(&venv, &stdout(&warned));
    assert_eq!(read["failures"], 0);
    assert_eq!(read["tests"], warnings.len());
    let out = read["suites"][0]["cases"][0]["out"]
        .as_str()
        .expect("system-out");
    assert!(out.contains("warning["), "{out}");
    let read = read_junit(&venv, &stdout(&denied));
    assert_eq!(read["failures"], warnings.len());
    // A clean catalog: one passing case per file read.
    let read = read_junit(&venv, &stdout(&clean));
    assert_eq!(
        (read["tests"].as_u64(), read["failures"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(read["suites"][0]["cases"][0]["name"], "catalog.cit");
}

/// The `file=` of each annotation line.
fn annotated_files(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split("file=").nth(1))
        .map(|rest| rest.split(',').next().unwrap().to_string())
        .collect()
}

#[test]
fn annotations_name_files_from_the_repository_root() {
    let repo = repository();
    let args = [
        "check",
        "catalogs/acme/catalog.cit",
        "--message-format",
        "github",
    ];
    // On GitHub: relative to the checkout, wherever the job runs from.
    let acme = repo.path().join("catalogs/acme");
    for dir in [repo.path(), acme.as_path()] {
        let catalog = if dir == repo.path() {
            "catalogs/acme/catalog.cit"
        } else {
            "catalog.cit"
        };
        let out = citc(
            &["check", catalog, "--message-format", "github"],
            dir,
            Some(repo.path()),
        );
        let files = annotated_files(&stdout(&out));
        assert_eq!(
            files,
            ["catalogs/acme/catalog.cit", "catalogs/base.cit"],
            "from {}: {}",
            dir.display(),
            stdout(&out)
        );
    }
    // Elsewhere: relative to the working directory; never `../base.cit`.
    let out = citc(&args, repo.path(), None);
    let files = annotated_files(&stdout(&out));
    assert_eq!(files, ["catalogs/acme/catalog.cit", "catalogs/base.cit"]);
    // A file outside the working directory is named by its absolute path.
    let out = citc(
        &["check", "catalog.cit", "--message-format", "github"],
        &acme,
        None,
    );
    let base = repo
        .path()
        .join("catalogs/base.cit")
        .canonicalize()
        .unwrap();
    assert_eq!(
        annotated_files(&stdout(&out)),
        ["catalog.cit".to_string(), base.display().to_string()]
    );
}

#[test]
fn one_root_cause_is_one_annotation() {
    // A typo in a mixin that a table of 21 sizes reaches: one unknown field
    // per row, and the statement that the typo leaves without its field.
    let dir = tempfile::tempdir().expect("temp dir");
    let rows: String = (1..=21).map(|i| format!("  s{i}  {i}  {i}Gi\n")).collect();
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!(
            "import \"std/kubevirt\"\n\ntable my_sizes (size, cpu, memory) {{\n{rows}}}\n\nmixin mine {{\n  spec.cpu.gust = cpu\n  spec.memory.guest = memory\n}}\n\nseries u1 {{\n  use mine\n  sizes my_sizes\n}}\n"
        ),
    )
    .expect("write");
    let diagnostics = json_diagnostics(dir.path(), &["catalog.cit"]);
    let typos = diagnostics.iter().filter(|d| d["code"] == "E0201").count();
    assert_eq!(typos, 21, "one E0201 per row: {diagnostics:?}");
    let out = citc(
        &["check", "catalog.cit", "--message-format", "github"],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let annotations: Vec<&str> = text.lines().collect();
    let e0201: Vec<&&str> = annotations
        .iter()
        .filter(|a| a.contains("title=E0201"))
        .collect();
    assert_eq!(e0201.len(), 1, "{text}");
    assert!(
        e0201[0].contains("the same E0201 is reported 21 times, from one cause; also at: catalog.cit:5:7, catalog.cit:6:7"),
        "{}",
        e0201[0]
    );
    assert!(e0201[0].contains("and 10 more"), "{}", e0201[0]);
    // The line of the typo (the mixin's statement, which E0206 points at)
    // is within GitHub's 10 annotations of a step.
    let typo_line = 3 + 21 + 1 + 3;
    let at_typo = annotations
        .iter()
        .position(|a| a.contains(&format!("line={typo_line},")))
        .unwrap_or_else(|| panic!("no annotation at line {typo_line}: {text}"));
    assert!(at_typo < 10, "{text}");
    assert!(annotations.len() < diagnostics.len());
}
