//! Errors of the compiler core: each case is a small source and the exact
//! `short` diagnostics it must produce (file:line:col: severity[code]: message),
//! plus the help line where it matters.

use citc::diagnostic::render_short;

fn check(source: &str) -> Vec<String> {
    let compilation = citc::compile_str("test.cit", source, "v0");
    assert!(compilation.documents.is_empty() || !compilation.has_errors());
    compilation
        .diagnostics
        .iter()
        .map(|d| render_short(&compilation.sources, d))
        .collect()
}

fn helps(source: &str) -> Vec<String> {
    let compilation = citc::compile_str("test.cit", source, "v0");
    compilation
        .diagnostics
        .iter()
        .filter_map(|d| d.help.clone())
        .collect()
}

#[test]
fn syntax_error_points_at_the_token() {
    assert_eq!(
        check("preference p {\n  spec.cpu.guest = \n}\n"),
        ["test.cit:2:18: error[E0001]: expected a value after `=`, found `}` on the next line"]
    );
}

#[test]
fn unterminated_string_is_a_syntax_error() {
    let out = check("preference p {\n  tags = \"abc\n}\n");
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0],
        "test.cit:2:10: error[E0005]: this string is never closed"
    );
}

#[test]
fn unknown_parent() {
    assert_eq!(
        check("preference linux { spec = {} }\npreference fedora : linxu { }\n"),
        ["test.cit:2:21: error[E0103]: unknown parent `linxu`"]
    );
    assert_eq!(
        helps("preference linux { spec = {} }\npreference fedora : linxu { }\n"),
        ["did you mean `linux`?"]
    );
}

#[test]
fn unknown_mixin_suggests_the_closest_name() {
    let src = "mixin secureboot { spec.features.preferredSmm = {} }\npreference p {\n  use secureBoot\n}\n";
    assert_eq!(
        check(src),
        ["test.cit:3:7: error[E0102]: unknown mixin `secureBoot`"]
    );
    assert_eq!(helps(src), ["did you mean `secureboot`?"]);
}

#[test]
fn unknown_imports() {
    let out = check("import \"std/kubvirt\"\nimport \"no/such/file.cit\"\n");
    assert_eq!(
        out,
        [
            "test.cit:1:8: error[E0101]: no standard-library module `std/kubvirt`",
            "test.cit:2:8: error[E0002]: cannot read `no/such/file.cit`: No such file or directory",
        ]
    );
}

#[test]
fn inheritance_cycle() {
    let out = check("preference a : b { }\npreference b : c { }\npreference c : a { }\n");
    assert!(!out.is_empty());
    assert!(out.iter().all(|l| l.contains("error[E0106]")), "{out:?}");
    assert_eq!(
        out[0],
        "test.cit:1:12: error[E0106]: `a` inherits from itself: a → b → c → a"
    );
}

#[test]
fn series_inheritance_cycle() {
    let src = "table s (size, cpu, memory) {\n  small 1 1Gi\n}\nseries a : b { sizes s }\nseries b : a { }\n";
    assert_eq!(
        check(src),
        [
            "test.cit:4:8: error[E0106]: series `a` inherits from itself",
            "test.cit:5:8: error[E0106]: series `b` inherits from itself",
        ]
    );
}

#[test]
fn mixin_cycle() {
    let src = "mixin a { use b }\nmixin b { use a }\npreference p { use a }\n";
    assert_eq!(
        check(src),
        ["test.cit:2:15: error[E0106]: mixin `a` uses itself"]
    );
}

#[test]
fn duplicate_resource_names_from_definitions_and_matrices() {
    assert_eq!(
        check("preference rhel.9 { spec = {} }\npreference rhel.9 { spec = {} }\n"),
        ["test.cit:2:12: error[E0107]: two preferences are named `rhel.9`"]
    );
    let matrix =
        "table t (v, s) {\n  a \"\"\n  b \"\"\n}\npreference \"x${s}\" for t { spec = {} }\n";
    assert_eq!(
        check(matrix),
        ["test.cit:3:5: error[E0107]: two preferences are named `x`"]
    );
}

#[test]
fn duplicate_mixin_names() {
    assert_eq!(
        check("mixin efi { }\nmixin efi { }\n"),
        ["test.cit:2:7: error[E0108]: the mixin `efi` is defined twice"]
    );
}

#[test]
fn conflicting_mixins_name_both() {
    let src = "mixin sata { spec.devices.preferredDiskBus = \"sata\" }\n\
               mixin virtio { spec.devices.preferredDiskBus = \"virtio\" }\n\
               preference p { use sata, virtio }\n\
               preference q { use sata, virtio  spec.devices.preferredDiskBus = \"scsi\" }\n";
    assert_eq!(
        check(src),
        ["test.cit:3:26: error[E0109]: mixins `sata` and `virtio` set `spec.devices.preferredDiskBus` to different values"]
    );
}

#[test]
fn table_row_with_missing_cell() {
    assert_eq!(
        check("table sizes (size, cpu, memory) {\n  small 1 2Gi\n  large 2\n}\n"),
        ["test.cit:3:3: error[E0110]: this row has 2 cells but table `sizes` has 3 columns"]
    );
}

#[test]
fn unknown_variable_and_unknown_table() {
    let src = "table sizes (size, cpu, memory) {\n  small 1 2Gi\n}\nseries s1 {\n  sizes sizes\n  spec.cpu.guest = cpus\n}\nseries s2 { sizes sizez }\n";
    assert_eq!(
        check(src),
        [
            "test.cit:6:20: error[E0105]: unknown variable `cpus`",
            "test.cit:8:19: error[E0104]: unknown table `sizez`",
        ]
    );
}

#[test]
fn independent_errors_are_all_reported_in_order() {
    let src =
        "preference a : nothing { }\npreference b { use nomixin }\npreference c { spec.x = y }\n";
    assert_eq!(
        check(src),
        [
            "test.cit:1:16: error[E0103]: unknown parent `nothing`",
            "test.cit:2:20: error[E0102]: unknown mixin `nomixin`",
            "test.cit:3:25: error[E0105]: unknown variable `y`",
        ]
    );
}

#[test]
fn every_code_has_an_explanation_and_a_help_line_in_its_diagnostics() {
    for code in citc::codes::all() {
        assert!(
            code.explanation.len() > 80,
            "{} needs a longer explanation",
            code.code
        );
        assert!(
            code.explanation.contains("Mistake") || code.explanation.contains("Fix"),
            "{}",
            code.code
        );
    }
    let src = "preference a : nothing { }\nmixin efi { }\nmixin efi { }\n";
    let compilation = citc::compile_str("test.cit", src, "v0");
    assert!(compilation.diagnostics.iter().all(|d| d.help.is_some()));
}

#[test]
fn a_run_of_one_error_at_one_place_is_folded_into_a_count() {
    let rows: String = (0..50).map(|i| format!("  r{i} \"\"\n")).collect();
    // The second definition makes the 50 names of the first again: 50
    // distinct errors at one place.
    let src = format!("table t (v, s) {{\n{rows}}}\n\npreference \"x${{v}}\" for t {{ }}\npreference \"x${{v}}\" for t {{ }}\n");
    let compilation = citc::compile_str("test.cit", &src, "v0");
    let dups: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0107")
        .collect();
    assert_eq!(
        dups.len(),
        3,
        "{:?}",
        dups.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    assert!(
        dups[2]
            .help
            .as_deref()
            .is_some_and(|h| h.ends_with("(47 more E0107 here not shown)")),
        "{:?}",
        dups[2].help
    );
}

#[test]
fn an_unknown_top_level_name_suggests_the_alias_it_resembles() {
    let src = "import \"std/kubevirt\"\n\npreference p {\n  displayname = \"x\"\n  spce.cpu.preferredCPUTopology = \"sockets\"\n}\n";
    assert_eq!(
        check(src),
        [
            "test.cit:4:3: error[E0113]: unknown top-level field `displayname`",
            "test.cit:5:3: error[E0113]: unknown top-level field `spce`",
        ]
    );
    let helps = helps(src);
    assert_eq!(helps.len(), 2, "{helps:?}");
    assert!(helps[0].starts_with("did you mean `displayName`? Aliases differ by kind; the aliases of preferences here: annotations, arch,"), "{helps:?}");
    assert!(helps[1].starts_with("did you mean `spec`?"), "{helps:?}");
    assert!(helps[1].contains("(see grammar/STD.md)"), "{helps:?}");
}

/// A syntax mistake is reported at the line to change, with the fix.
fn first_with_help(source: &str) -> (String, String) {
    let compilation = citc::compile_str("test.cit", source, "v0");
    let diag = compilation.diagnostics.first().expect("a diagnostic");
    (
        render_short(&compilation.sources, diag),
        diag.help.clone().unwrap_or_default(),
    )
}

#[test]
fn a_missing_brace_is_reported_at_the_block_that_is_never_closed() {
    let src = "preference a {\n  osType = \"linux\"\n\npreference b {\n  osType = \"windows\"\n}\n";
    assert_eq!(
        first_with_help(src),
        (
            "test.cit:1:14: error[E0004]: the block of `preference a` is never closed".to_string(),
            "add `}` to close the `{` of line 1, before line 4".to_string()
        )
    );
    let compilation = citc::compile_str("test.cit", src, "v0");
    let secondary = &compilation.diagnostics[0].secondary[0];
    assert_eq!(
        compilation
            .sources
            .line_col(secondary.span.file, secondary.span.start),
        (4, 1)
    );
}

#[test]
fn syntax_mistakes_have_their_fix() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "mixin a { osType = \"l\" }\npreference p {\n  use a,\n  osType = \"x\"\n}\n",
            "test.cit:3:8: error[E0001]: trailing comma after the last mixin",
            "remove the `,`",
        ),
        (
            "preference p {\n  displayName = \"Acme\n}\n",
            "test.cit:2:17: error[E0005]: this string is never closed",
            "add the closing `\"` at the end of the text; a string cannot span lines (for multi-line text use a text block: `\"\"\"` … `\"\"\"`)",
        ),
        (
            "serise u1 { }\n",
            "test.cit:1:1: error[E0006]: unknown keyword `serise`",
            "did you mean `series`?",
        ),
        (
            "instancetype i {\n  spec.cpu.guest 2\n}\n",
            "test.cit:2:18: error[E0001]: expected `=` between `spec.cpu.guest` and its value",
            "write `spec.cpu.guest = 2`",
        ),
        (
            "instancetype i {\n  spec.cpu.guest: 2\n}\n",
            "test.cit:2:17: error[E0001]: fields are set with `=`, not `:`",
            "write `spec.cpu.guest = 2`",
        ),
        (
            "instancetype i {\n  spec.memory.guest = 2 Gi\n}\n",
            "test.cit:2:23: error[E0001]: a space splits the quantity `2 Gi`",
            "write `2Gi` without the space",
        ),
        (
            "preference p {\n  osType = 'linux'\n}\n",
            "test.cit:2:12: error[E0001]: strings are written in double quotes, not single quotes",
            "write `\"linux\"`",
        ),
        (
            "mixin a { osType = \"l\" }\nmixin b { osType = \"l\" }\npreference p {\n  use a b\n}\n",
            "test.cit:4:9: error[E0001]: expected `,` before `b`",
            "write `use a, b`",
        ),
    ];
    for (source, message, help) in cases {
        assert_eq!(
            first_with_help(source),
            (message.to_string(), help.to_string()),
            "{source}"
        );
    }
}

#[test]
fn syntax_analysis_never_panics_on_truncated_text() {
    let catalog = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog.cit"))
        .expect("catalog.cit");
    let mut cut = 0;
    while cut < catalog.len() {
        if catalog.is_char_boundary(cut) {
            let compilation = citc::compile_str("test.cit", &catalog[..cut], "v0");
            for d in &compilation.diagnostics {
                assert!(d.help.is_some(), "{}", d.message);
            }
        }
        cut += 997;
    }
}
