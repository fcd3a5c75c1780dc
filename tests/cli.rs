//! The `citc` binary: exit codes, the atomic output directory, and bad input
//! that must give diagnostics, never a panic.

mod common;

use common::{catalog_text, citc, stderr};

use std::path::Path;
use std::process::Command;

/// A temp dir holding a copy of catalog.cit with `text` as its content.
fn temp_catalog(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("catalog.cit"), text).expect("write catalog");
    dir
}

#[test]
fn check_exit_codes() {
    let good = temp_catalog(&catalog_text());
    let out = citc(&["check", "catalog.cit"], good.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let bad = temp_catalog("preference p : missing { }\n");
    let out = citc(&["check", "catalog.cit"], bad.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("E0103"), "{text}");
    assert!(
        text.contains("catalog.cit:1:16"),
        "human output names file, line and column: {text}"
    );

    let out = citc(
        &["check", "catalog.cit", "--message-format", "short"],
        bad.path(),
    );
    assert_eq!(
        stderr(&out),
        "catalog.cit:1:16: error[E0103]: unknown parent `missing`\n"
    );

    // Without an argument, check reads catalog.cit, like every command.
    let out = citc(&["check", "--message-format", "short"], bad.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "catalog.cit:1:16: error[E0103]: unknown parent `missing`\n"
    );
    let out = citc(&["check", "--deny", "everything"], bad.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad argument is a usage error"
    );
    let out = citc(&["frobnicate"], bad.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_catalog_is_a_diagnostic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = citc(
        &["check", "nope.cit", "--message-format", "short"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing file is an I/O failure"
    );
    assert!(
        stderr(&out).contains("error[E0002]: cannot read catalog nope.cit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn explain_prints_every_code_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    for code in citc::codes::all() {
        let out = citc(&["explain", code.code], dir.path());
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains(code.title));
    }
    assert_eq!(
        citc(&["explain", "E9999"], dir.path()).status.code(),
        Some(2)
    );
}

#[test]
fn build_replaces_the_output_only_on_success() {
    let dir = temp_catalog(&catalog_text());
    let out = citc(
        &["build", "catalog.cit", "--version", "v1", "-o", "_build"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let build = dir.path().join("_build");
    let before: Vec<(String, Vec<u8>)> = read_dir(&build);
    assert_eq!(before.len(), 7, "six files and the manifest");

    // A broken catalog: the previous _build stays exactly as it was.
    std::fs::write(
        dir.path().join("catalog.cit"),
        catalog_text().replace("use common-series", "use commn-series"),
    )
    .expect("write");
    let out = citc(
        &["build", "catalog.cit", "--version", "v2", "-o", "_build"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        read_dir(&build),
        before,
        "a failed build must not touch _build"
    );

    // Nothing is left beside it either.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("citc-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A good build replaces it as a whole; a file citc did not write stops
    // it, until --force says to replace it too.
    std::fs::write(build.join("stale.yaml"), "old").expect("write stale");
    std::fs::write(dir.path().join("catalog.cit"), catalog_text()).expect("write");
    let out = citc(
        &["build", "catalog.cit", "--version", "v3", "-o", "_build"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("stale.yaml"), "{}", stderr(&out));
    let out = citc(
        &[
            "build",
            "catalog.cit",
            "--version",
            "v3",
            "-o",
            "_build",
            "--force",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let after = read_dir(&build);
    assert_eq!(after.len(), 7, "six files and the manifest");
    assert_eq!(after[0].0, ".citc-build");
    assert!(String::from_utf8_lossy(&after[2].1).contains("common-instancetypes-version: v3"));
}

#[test]
fn version_defaults_to_noversion_outside_git() {
    let dir = temp_catalog("preference p { spec = {} }\n");
    let out = citc(&["build", "catalog.cit", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bundle = std::fs::read_to_string(dir.path().join("out/common-preferences-bundle.yaml"))
        .expect("bundle");
    assert!(
        bundle.contains("common-instancetypes-version: noversion"),
        "{bundle}"
    );
}

#[test]
fn version_comes_from_git_describe() {
    let dir = temp_catalog("preference p { spec = {} }\n");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .expect("git")
    };
    git(&["init", "-q"]);
    git(&["add", "catalog.cit"]);
    git(&["commit", "-qm", "c"]);
    git(&["tag", "v7.7.7"]);
    let out = citc(&["build", "catalog.cit", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bundle = std::fs::read_to_string(dir.path().join("out/common-preferences-bundle.yaml"))
        .expect("bundle");
    assert!(
        bundle.contains("common-instancetypes-version: v7.7.7\n"),
        "{bundle}"
    );

    // A modified tree is never stamped as the release it was cut from.
    std::fs::write(
        dir.path().join("catalog.cit"),
        "preference p { spec = {} }\npreference q { spec = {} }\n",
    )
    .expect("edit");
    let out = citc(&["build", "catalog.cit", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bundle = std::fs::read_to_string(dir.path().join("out/common-preferences-bundle.yaml"))
        .expect("bundle");
    assert!(
        bundle.contains("common-instancetypes-version: v7.7.7-dirty\n"),
        "{bundle}"
    );
}

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// Truncating catalog.cit anywhere, or deleting any of its lines, gives
/// diagnostics (or a valid smaller catalog), never a crash.
#[test]
fn damaged_catalogs_never_panic() {
    let text = catalog_text();
    let lines: Vec<&str> = text.lines().collect();
    let mut cases: Vec<String> = Vec::new();
    for cut in (0..text.len()).step_by(text.len() / 40 + 1) {
        let mut end = cut;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        cases.push(text[..end].to_string());
    }
    for index in (0..lines.len()).step_by(7) {
        let mut damaged = lines.clone();
        damaged.remove(index);
        cases.push(damaged.join("\n"));
    }
    for damaged in cases {
        let compilation =
            std::panic::catch_unwind(|| citc::compile_str("catalog.cit", &damaged, "v0"));
        let compilation = compilation.unwrap_or_else(|_| panic!("panicked on:\n{damaged}"));
        for diag in &compilation.diagnostics {
            assert!(diag.help.is_some(), "{} has no help line", diag.code);
            assert!(diag.span.end as usize <= damaged.len() || diag.span.file.0 != 0);
        }
    }
}

#[test]
fn build_check_reports_stale_output_without_writing() {
    let dir = temp_catalog(&catalog_text());
    let build = |extra: &[&str]| {
        let mut args = vec!["build", "catalog.cit", "--version", "v1", "-o", "_build"];
        args.extend_from_slice(extra);
        citc(&args, dir.path())
    };
    // Nothing there yet: every file is missing, and nothing gets written.
    let out = build(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
    assert!(
        !dir.path().join("_build").exists(),
        "--check must not write"
    );

    assert_eq!(build(&[]).status.code(), Some(0));
    let out = build(&["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A hand edit and a stray file are both reported, with a diff line.
    let bundle = dir.path().join("_build/common-preferences-bundle.yaml");
    let text = std::fs::read_to_string(&bundle).expect("bundle");
    std::fs::write(
        &bundle,
        text.replacen("required-cpu: \"8\"", "required-cpu: \"9\"", 1),
    )
    .expect("edit");
    std::fs::write(dir.path().join("_build/old.yaml"), "x").expect("stray");
    let before = read_dir(&dir.path().join("_build"));
    let out = build(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stderr(&out);
    assert!(
        report.contains("common-preferences-bundle.yaml"),
        "{report}"
    );
    assert!(
        report.contains("-    instancetype.kubevirt.io/required-cpu: \"9\""),
        "{report}"
    );
    assert!(report.contains("old.yaml"), "{report}");
    assert_eq!(
        read_dir(&dir.path().join("_build")),
        before,
        "--check must not write"
    );
}

/// A failure in the middle of writing (a full disk, say) leaves the previous
/// output exactly as it was, and no staging directory behind.
#[test]
fn a_failure_while_writing_keeps_the_previous_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("_build");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("common-instancetypes-all-bundle.yaml"), "previous").expect("write");
    std::fs::write(
        out.join(".citc-build"),
        "# documents: 1\ncommon-instancetypes-all-bundle.yaml\n",
    )
    .expect("write");
    let names = ["common-instancetypes-all-bundle.yaml".to_string()];
    let options = citc::emit::outdir::Options {
        force: false,
        protected: &[],
        files: &names,
        documents: 1,
        lock_wait: citc::emit::outdir::DEFAULT_LOCK_WAIT,
    };
    let result = citc::emit::outdir::replace_dir(&out, &options, |staging| {
        std::fs::write(
            staging.join("common-instancetypes-all-bundle.yaml"),
            "half of the new",
        )?;
        Err(std::io::Error::other("No space left on device"))
    });
    assert!(result.is_err());
    assert_eq!(
        read_dir(&out),
        [
            (
                ".citc-build".to_string(),
                b"# documents: 1\ncommon-instancetypes-all-bundle.yaml\n".to_vec()
            ),
            (
                "common-instancetypes-all-bundle.yaml".to_string(),
                b"previous".to_vec()
            )
        ]
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["_build"], "staging left behind");
}

#[test]
fn an_unwritable_output_is_an_error_and_touches_nothing() {
    let dir = temp_catalog(&catalog_text());
    // The output's parent is a file: no directory can be made there, even as root.
    std::fs::write(dir.path().join("blocker"), "a file").expect("write");
    let out = citc(
        &["build", "catalog.cit", "-o", "blocker/_build"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("blocker/_build: Not a directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("blocker")).expect("read"),
        "a file"
    );
}

#[test]
fn unreadable_inputs_are_diagnostics() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("binary.cit"), [0xff, 0xfe, 0x00, 0x41]).expect("write");
    std::fs::create_dir(dir.path().join("folder.cit")).expect("mkdir");
    for name in ["binary.cit", "folder.cit"] {
        let out = citc(&["check", name, "--message-format", "short"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).contains("error[E0002]"),
            "{name}: {}",
            stderr(&out)
        );
    }
}

/// Every command that compiles the catalog defaults to catalog.cit, and
/// when there is none says how to name one.
#[test]
fn a_missing_default_catalog_says_how_to_name_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &["check"][..],
        &["build", "-o", "out"],
        &["show", "u1.small"],
        &["doc", "readme"],
    ] {
        let out = citc(args, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.contains("catalog.cit"), "{args:?}: {err}");
        assert!(err.contains("--catalog FILE"), "{args:?}: {err}");
    }
}
