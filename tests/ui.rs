//! The UI corpus: every `tests/ui/<case>.cit` is checked by the real binary,
//! and its `short` diagnostics must equal `<case>.stderr` exactly. Cases named
//! after a code (`E0201_…`) must raise that code and no other; `ok_…` cases
//! must be clean. A few cases also keep a snapshot of the human report
//! (`<case>.human`). `CITC_BLESS=1 cargo test --test ui` rewrites the
//! expectations after a reviewed change.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Cases whose human-readable report is snapshotted too.
const HUMAN_CASES: &[&str] = &[
    "E0201_preference_mixin_in_series",
    "E0204_quantity_wrong_case",
    "E0105_python_boolean",
    "E0203_enum_wrong_case",
    "E0102_std_mixin_not_imported",
    "E0104_std_table_not_imported",
    "E0109_conflicting_mixins",
    "E0113_alias_of_other_kind",
    "E0113_std_alias_not_imported",
    "E0201_unknown_field",
    "E0204_quantity_gb",
    "E0230_requirements_unsatisfied",
    "many_independent_errors",
    "E0131_remove_matches_nothing",
    "E0131_patch_after_remove",
    "E0107_overlay_redefines_base",
    "E0230_overlay_removes_what_fits",
    "E0230_two_removes_leave_nothing",
    "E0231_remove_leaves_replacement_dangling",
    "E0206_unset_in_child_series",
    "E0120_patch_when_unknown_size",
    "E0131_pattern_suggests_nearest_names",
    "E0131_label_value_in_another_case",
    "many_syntax_errors_each_reported",
    "E0001_plural_kind_in_patch",
    "E0105_subtraction_without_spaces",
    "W0102_patch_breaks_an_imported_ratio",
    "E0105_let_after_its_use",
    "E0105_mixin_reads_users_local",
    "E0123_share_written_as_a_fraction",
    "E0126_share_not_exact",
    "E0229_max_sockets_below_guest",
    "E0232_overcommit_forgotten_unit",
    "E0233_max_guest_small_guest",
    "W0131_secure_execution_without_architecture",
    "W0102_reversed_ratio",
    "W0102_std_table_rows_off",
    "W0102_ratio_variant_except",
    "W0102_inherited_ratio",
    "E0007_lone_carriage_return",
];

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ui_dir())
        .expect("tests/ui")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".cit").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

fn run(case: &str, format: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args([
            "check",
            &format!("{case}.cit"),
            "--message-format",
            format,
            "--quiet",
        ])
        .current_dir(ui_dir())
        .env("NO_COLOR", "1")
        .output()
        .expect("run citc");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn compare(path: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("CITC_BLESS").is_some() {
        std::fs::write(path, actual).expect("bless");
        return;
    }
    // Every case has its expectation on disk (other harnesses read it too).
    let Ok(expected) = std::fs::read_to_string(path) else {
        failures.push(format!(
            "{} is missing: review the output and run `CITC_BLESS=1 cargo test --test ui`",
            path.display()
        ));
        return;
    };
    if expected != actual {
        failures.push(format!(
            "{}:\n--- expected\n{expected}--- actual\n{actual}",
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        ));
    }
}

#[test]
fn ui_cases_match_their_expected_diagnostics() {
    let mut failures = Vec::new();
    for case in cases() {
        let (code, short) = run(&case, "short");
        // 2 is an I/O failure: only a case about an unreadable file has it.
        let io_case = case.starts_with("E0002");
        assert!(
            matches!(code, Some(0 | 1)) || (io_case && code == Some(2)),
            "{case}: exit code {code:?} (a crash?)\n{short}"
        );
        compare(
            &ui_dir().join(format!("{case}.stderr")),
            &short,
            &mut failures,
        );

        let prefix: String = case.chars().take(5).collect();
        if case.starts_with("ok_") {
            assert_eq!(short, "", "{case} must be clean");
            assert_eq!(code, Some(0), "{case} must exit 0");
        } else if prefix.len() == 5 && prefix[1..].chars().all(|c| c.is_ascii_digit()) {
            let codes: Vec<&str> = short
                .lines()
                .filter_map(|l| l.split('[').nth(1)?.split(']').next())
                .collect();
            assert!(!codes.is_empty(), "{case} raised nothing");
            assert!(
                codes.iter().all(|c| *c == prefix),
                "{case} must raise only {prefix}, raised {codes:?}"
            );
            let expected_exit = match prefix.as_str() {
                p if p.starts_with('W') => 0,
                "E0002" => 2,
                _ => 1,
            };
            assert_eq!(code, Some(expected_exit), "{case}: exit code");
        }
    }
    for case in HUMAN_CASES {
        let (_, human) = run(case, "human");
        compare(
            &ui_dir().join(format!("{case}.human")),
            &human,
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_code_has_a_ui_case() {
    let cases = cases();
    let missing: Vec<&str> = citc::codes::all()
        .map(|c| c.code)
        .filter(|code| !cases.iter().any(|case| case.starts_with(code)))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a tests/ui case: {missing:?}"
    );
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
}

#[test]
fn deny_warnings_fails_on_a_warning_and_allow_silences_it() {
    let check = |case: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_citc"))
            .args(["check", case, "--message-format", "short"])
            .args(extra)
            .current_dir(ui_dir())
            .status()
            .expect("run citc")
            .code()
    };
    assert_eq!(check("W0101_quoted_url.cit", &[]), Some(0));
    assert_eq!(
        check("W0101_quoted_url.cit", &["--deny", "warnings"]),
        Some(1)
    );
    assert_eq!(
        check("ok_allowed_quirk.cit", &["--deny", "warnings"]),
        Some(0)
    );
}

#[test]
fn the_real_catalog_checks_clean_with_deny_warnings() {
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args([
            "check",
            "catalog.cit",
            "--deny",
            "warnings",
            "--message-format",
            "short",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run citc");
    // Nothing but the summary line.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "catalog.cit: 65 instance types, 57 preferences, 0 warnings\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn json_and_github_formats() {
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_citc"))
            .args(["check", "E0203_enum.cit", "--message-format", format])
            .current_dir(ui_dir())
            .output()
            .expect("run citc");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        run("json"),
        "{\"code\":\"E0203\",\"severity\":\"error\",\"message\":\"\\\"ide\\\" is not a valid value for `spec.devices.preferredDiskBus`\",\
\"file\":\"E0203_enum.cit\",\"line\":2,\"column\":3,\"end\":{\"line\":2,\"column\":40},\
\"help\":\"allowed: \\\"virtio\\\", \\\"sata\\\", \\\"scsi\\\", \\\"usb\\\"\",\
\"labels\":[{\"file\":\"E0203_enum.cit\",\"line\":2,\"column\":3,\"end\":{\"line\":2,\"column\":40},\"message\":\"not one of the allowed values\"}],\"fixes\":[]}\n"
    );
    assert_eq!(
        run("github"),
        "::error file=E0203_enum.cit,line=2,col=3,endLine=2,endColumn=40,title=E0203::\"ide\" is not a valid value for `spec.devices.preferredDiskBus`%0Ahelp: allowed: \"virtio\", \"sata\", \"scsi\", \"usb\"\n"
    );
}
