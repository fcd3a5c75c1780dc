//! Help that shows code shows code that works: over the UI corpus, every
//! "did you mean `X`?" is applied (the underlined text replaced by `X`, and
//! the `import` the help names added) and the catalog checked again; the
//! diagnostic must be gone from that line.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `citc check FILE --message-format json` in `dir`: one value per line.
fn check(dir: &Path, file: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["check", file, "--message-format", "json", "--quiet"])
        .current_dir(dir)
        .output()
        .expect("run citc check");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The suggestion of a "did you mean `X`?" help.
fn suggestion(help: &str) -> Option<&str> {
    let rest = help.strip_prefix("did you mean `")?;
    let end = rest.find("`?")?;
    Some(&rest[..end])
}

/// `text` with the span (1-based lines and columns, end exclusive) replaced.
fn replace(text: &str, diag: &Value, with: &str) -> Option<String> {
    let n = |v: &Value| v.as_u64().map(|x| x as usize);
    let (line, column) = (n(&diag["line"])?, n(&diag["column"])?);
    let (end_line, end_column) = (n(&diag["end"]["line"])?, n(&diag["end"]["column"])?);
    let offset = |l: usize, c: usize| -> Option<usize> {
        let start: usize = text.split_inclusive('\n').take(l - 1).map(str::len).sum();
        let line_text = text.split_inclusive('\n').nth(l - 1)?;
        let byte = line_text
            .char_indices()
            .nth(c - 1)
            .map_or(line_text.len(), |(b, _)| b);
        Some(start + byte)
    };
    let (from, to) = (offset(line, column)?, offset(end_line, end_column)?);
    (from < to).then(|| format!("{}{with}{}", &text[..from], &text[to..]))
}

#[test]
fn every_did_you_mean_of_the_ui_corpus_fixes_what_it_names() {
    let ui = project().join("tests/ui");
    // The corpus's imports (`../../catalog.cit`, `../vendor/acme.cit`)
    // resolve in a copy of the same layout.
    let work = tempfile::tempdir().expect("temp dir");
    let copy_ui = work.path().join("tests/ui");
    std::fs::create_dir_all(&copy_ui).expect("mkdir");
    std::fs::create_dir_all(work.path().join("tests/vendor")).expect("mkdir");
    std::fs::copy(
        project().join("catalog.cit"),
        work.path().join("catalog.cit"),
    )
    .expect("copy");
    std::fs::copy(
        project().join("tests/vendor/acme.cit"),
        work.path().join("tests/vendor/acme.cit"),
    )
    .expect("copy");

    let mut cases: Vec<PathBuf> = std::fs::read_dir(&ui)
        .expect("tests/ui")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cit"))
        .collect();
    cases.sort();
    let (mut applied, mut failures) = (0, Vec::new());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&case) else {
            continue;
        };
        std::fs::write(copy_ui.join(&name), &text).expect("write");
        for diag in check(&copy_ui, &name) {
            if diag["file"] != name.as_str() {
                continue;
            }
            let Some(with) = diag["help"].as_str().and_then(suggestion) else {
                continue;
            };
            let Some(mut edited) = replace(&text, &diag, with) else {
                continue;
            };
            // "… add `import "std/sizes"`": the help's second step, one
            // line above the rest.
            let mut shift = 0;
            let help = diag["help"].as_str().unwrap_or_default();
            if let Some(import) = help
                .split("add `")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .filter(|line| line.starts_with("import "))
            {
                edited = format!("{import}\n{edited}");
                shift = 1;
            }
            std::fs::write(copy_ui.join(&name), &edited).expect("write");
            let again = check(&copy_ui, &name);
            std::fs::write(copy_ui.join(&name), &text).expect("write");
            applied += 1;
            let line = diag["line"].as_u64().unwrap_or_default() + shift;
            let still = again.iter().any(|d| {
                d["file"] == diag["file"] && d["code"] == diag["code"] && d["line"] == line
            });
            if still {
                failures.push(format!(
                    "{name}:{}: {} `{with}` did not fix {}",
                    diag["line"], diag["code"], diag["message"]
                ));
            }
        }
    }
    assert!(applied >= 20, "only {applied} suggestions were applied");
    assert!(
        failures.is_empty(),
        "{} of {applied} suggestions do not fix what they name:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
