//! A vendor's catalog and the mistakes its authors make (issue 10).
//!
//! `tests/vendor/acme.cit` is a small, realistic catalog written the way a
//! vendor would: its own size tables and a std one, a ratio, preferences
//! with inheritance and std mixins, a matrix with `when`, derive rules of its
//! own and a deprecated preference. It must stay clean, formatted and
//! buildable.
//!
//! Each case of `CASES` is one mistake, a textual mutation of acme.cit (one
//! exact snippet replaced by another; the snippet must occur exactly once so
//! that a case cannot silently stop applying), and the first diagnostic it
//! must produce in `short` format, `file:line:col: severity[code]`: the line
//! is the one the author must change.
//!
//! `KNOWN_GAPS` are mistakes that citc reports elsewhere, confusingly, or not
//! at all: `want` says what it should do, `got` is the first diagnostic it
//! gives today (the whole line, empty for none). The test checks that they
//! still behave so; when one is fixed, move it to `CASES`.

use citc::diagnostic::render_short;
use std::path::Path;
use std::process::Command;

const ACME: &str = include_str!("vendor/acme.cit");

/// acme.cit with `from` (which must occur exactly once) replaced by `to`.
fn mutate(mistake: &str, from: &str, to: &str) -> String {
    let count = ACME.matches(from).count();
    assert_eq!(
        count, 1,
        "case `{mistake}`: the snippet {from:?} occurs {count} times in acme.cit"
    );
    ACME.replacen(from, to, 1)
}

/// Every diagnostic of a compilation of `text` as acme.cit, in short format.
fn diagnostics(text: &str) -> Vec<String> {
    let compilation = citc::compile_str("acme.cit", text, "v1");
    compilation
        .diagnostics
        .iter()
        .map(|d| render_short(&compilation.sources, d))
        .collect()
}

fn citc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run citc")
}

#[test]
fn acme_is_clean_formatted_and_builds() {
    assert_eq!(diagnostics(ACME), Vec::<String>::new());
    let compilation = citc::compile_str("acme.cit", ACME, "v1");
    // 25 instance types and 9 preferences, each cluster-wide and namespaced.
    assert_eq!(compilation.documents.len(), 2 * (25 + 9));

    let path = "tests/vendor/acme.cit";
    let check = citc(&["check", path, "--deny", "warnings"]);
    assert!(
        check.status.success(),
        "citc check --deny warnings: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let fmt = citc(&["fmt", "--check", path]);
    assert!(
        fmt.status.success(),
        "citc fmt --check: {}",
        String::from_utf8_lossy(&fmt.stdout)
    );

    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("_build");
    let dir = dir.to_str().expect("utf-8 path");
    let build = citc(&["build", path, "-o", dir, "--version", "v1"]);
    assert!(
        build.status.success(),
        "citc build: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let all = std::fs::read_to_string(Path::new(dir).join("common-instancetypes-all-bundle.yaml"))
        .expect("the all-bundle");
    for expected in [
        "name: ac1.xlarge",
        "name: am1.large1gi",
        "name: ao1.8xlarge",
        "name: acme.debian.arm64",
        "acme.example/dedicated: \"true\"",
        "acme.example/disk-bus: sata",
        "instancetype.kubevirt.io/replaced-by: acme.debian.amd64",
    ] {
        assert!(all.contains(expected), "the all-bundle lacks `{expected}`");
    }
    assert!(
        !all.contains("name: acme.alma.arm64"),
        "except (alma, arm64)"
    );
}

#[test]
fn mistakes_are_reported_at_the_line_to_change() {
    assert!(CASES.len() >= 35);
    let mut failures = Vec::new();
    for &(mistake, from, to, expect) in CASES {
        let got = diagnostics(&mutate(mistake, from, to));
        let first = got.first().map_or("", String::as_str);
        if !first.starts_with(&format!("{expect}: ")) {
            failures.push(format!(
                "{mistake}: {from:?} → {to:?}\n  expected {expect}\n  got {}",
                if got.is_empty() {
                    "nothing".to_string()
                } else {
                    got.join("\n      ")
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} mistakes are not reported as expected:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn known_gaps_still_behave_as_recorded() {
    let mut changed = Vec::new();
    for &(mistake, from, to, want, recorded) in KNOWN_GAPS {
        let got = diagnostics(&mutate(mistake, from, to));
        let first = got.first().map_or("", String::as_str);
        if first != recorded {
            changed.push(format!(
                "{mistake}: {from:?} → {to:?}\n  wanted: {want}\n  recorded {recorded:?}\n  now {first:?}"
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "known gaps that changed (fixed? move them to CASES with their new diagnostic):\n{}",
        changed.join("\n")
    );
}

const CASES: &[(&str, &str, &str, &str)] = &[
    ("field typo", "spec.ioThreadsPolicy = \"auto\"", "spec.ioThreadPolicy = \"auto\"", "acme.cit:46:3: error[E0201]"),
    ("field wrong case", "spec.cpu.dedicatedCPUPlacement = true", "spec.cpu.dedicatedCpuPlacement = true", "acme.cit:45:3: error[E0201]"),
    ("alias wrong case", "displayName = \"ACME Compute\"", "displayname = \"ACME Compute\"", "acme.cit:39:3: error[E0113]"),
    ("string for int", "spec.memory.overcommitPercent = 25", "spec.memory.overcommitPercent = \"25\"", "acme.cit:75:3: error[E0202]"),
    ("`4GB` in a size table", "small   2   4Gi", "small   2   4GB", "acme.cit:15:15: error[E0204]"),
    ("`1gi` for a quantity", "spec.requirements.memory.guest = 1Gi", "spec.requirements.memory.guest = 1gi", "acme.cit:96:36: error[E0204]"),
    ("`True` for a boolean", "spec.cpu.dedicatedCPUPlacement = true", "spec.cpu.dedicatedCPUPlacement = True", "acme.cit:45:36: error[E0105]"),
    ("enum case", "spec.ioThreadsPolicy = \"auto\"", "spec.ioThreadsPolicy = \"Auto\"", "acme.cit:46:3: error[E0203]"),
    ("enum value", "spec.ioThreadsPolicy = \"auto\"", "spec.ioThreadsPolicy = \"dedicated\"", "acme.cit:46:3: error[E0203]"),
    ("preference-only alias `iconClass` in a series", "icon = \"pficon-cpu\"", "iconClass = \"pficon-cpu\"", "acme.cit:40:3: error[E0113]"),
    ("instance-type-only alias `class` in a preference", "displayName = \"Legacy Linux on ACME\"", "class = \"legacy\"", "acme.cit:133:3: error[E0113]"),
    ("alias `description` (instance types only) in a preference", "displayName = \"Linux on ACME\"\n", "description = \"Linux on ACME\"\n", "acme.cit:94:3: error[E0113]"),
    ("unknown mixin", "  use efi\n", "  use uefi\n", "acme.cit:100:7: error[E0102]"),
    ("std/components mixins without `import \"std/components\"`", "import \"std/components\"\n", "", "acme.cit:91:7: error[E0102]"),
    ("import typo", "import \"std/components\"", "import \"std/component\"", "acme.cit:9:8: error[E0101]"),
    ("unknown table", "sizes acme_memory_sizes", "sizes acme_mem_sizes", "acme.cit:51:9: error[E0104]"),
    ("std/sizes tables without `import \"std/sizes\"`", "import \"std/sizes\"\n", "", "acme.cit:51:12: error[E0104]"),
    ("`use rng` (a preference mixin) in a series", "  use acme-series\n  sizes acme_compute_sizes", "  use acme-series, rng\n  sizes acme_compute_sizes", "acme.cit:35:20: error[E0201]"),
    ("missing sizes", "  sizes acme_compute_sizes\n", "", "acme.cit:34:8: error[E0112]"),
    ("row off ratio", "large   8   16Gi", "large   8   12Gi", "acme.cit:17:15: warning[W0102]"),
    ("except unknown size", "except nano, micro, 2xmedium", "except nano, micro, 2xmed", "acme.cit:72:43: error[E0115]"),
    ("when unknown value", "when distro == ubuntu", "when distro == ubunt", "acme.cit:126:18: error[E0120]"),
    ("duplicate series", "series am1 {", "series ac1 {", "acme.cit:49:8: error[E0108]"),
    ("duplicate row key", "large   4  32Gi", "medium  4  32Gi", "acme.cit:23:3: error[E0107]"),
    ("unknown parent", "preference acme.linux.secure : acme.linux.efi {", "preference acme.linux.secure : acme.linux-efi {", "acme.cit:104:32: error[E0103]"),
    ("inheritance cycle", "preference acme.linux : acme-base {", "preference acme.linux : acme.linux.secure {", "acme.cit:91:12: error[E0106]"),
    ("derive unknown field", "if spec.cpu.dedicatedCPUPlacement", "if spec.cpu.dedicatedCpuPlacement", "acme.cit:80:46: error[E0122]"),
    ("pref without spec", "abstract preference acme-base {", "preference acme-base {", "acme.cit:85:12: error[E0206]"),
    ("requirement too big", "spec.requirements.cpu.guest = 1\n", "spec.requirements.cpu.guest = 64\n", "acme.cit:95:3: error[E0230]"),
    ("requirement too big in table", "ubuntu  \"Ubuntu\"     2  4Gi", "ubuntu  \"Ubuntu\"     2  400Gi", "acme.cit:112:27: error[E0230]"),
    ("deprecated w/o replacedBy", "  replacedBy = \"acme.debian.amd64\"\n", "", "acme.cit:131:12: warning[W0103]"),
    ("replacedBy nothing", "replacedBy = \"acme.debian.amd64\"", "replacedBy = \"acme.debian.x86_64\"", "acme.cit:134:3: error[E0231]"),
    ("label value with space", "version = \"1\"", "version = \"v1 beta\"", "acme.cit:31:3: error[E0208]"),
    ("vendor uppercase+space", "vendor = \"acme.example\"\n  version", "vendor = \"ACME Example\"\n  version", "acme.cit:30:3: error[E0208]"),
    ("uppercase series name", "series ac1 {", "series AC1 {", "acme.cit:34:8: error[E0207]"),
    ("underscore pref name", "preference acme.legacy :", "preference acme_legacy :", "acme.cit:131:12: error[E0207]"),
    ("matrix name from title", "\"acme.${distro}.${arch}\"", "\"acme.${title}.${arch}\"", "acme.cit:120:12: error[E0207]"),
    ("overcommit+hugepages", "  spec.memory.hugepages.pageSize = pagesize\n", "  spec.memory.hugepages.pageSize = pagesize\n  spec.memory.overcommitPercent = 10\n", "acme.cit:59:3: error[E0222]"),
    ("bad quantity 1.5.Gi", "spec.requirements.memory.guest = 1Gi", "spec.requirements.memory.guest = 1.5.Gi", "acme.cit:96:36: error[E0204]"),
    ("missing closing brace", "  spec.ioThreadsPolicy = \"auto\"\n}\n", "  spec.ioThreadsPolicy = \"auto\"\n\n", "acme.cit:34:12: error[E0004]"),
    ("missing opening brace", "series ag1 {", "series ag1", "acme.cit:61:8: error[E0001]"),
    ("trailing comma", "interfacemodel-virtio-net, rng\n", "interfacemodel-virtio-net, rng,\n", "acme.cit:92:57: error[E0001]"),
    ("unterminated string", "displayName = \"ACME Compute\"", "displayName = \"ACME Compute", "acme.cit:39:17: error[E0005]"),
    ("keyword typo", "preference acme.legacy :", "prefernce acme.legacy :", "acme.cit:131:1: error[E0006]"),
    ("word in int cell", "small   2   4Gi", "small   two 4Gi", "acme.cit:15:11: error[E0202]"),
    ("2gi in table", "medium  2  16Gi", "medium  2  16gi", "acme.cit:22:14: error[E0204]"),
    ("arch enum in table", "  arm64\n}", "  aarch64\n}", "acme.cit:117:3: error[E0203]"),
    ("unknown variable", "\"${title} on ACME (${arch})\"", "\"${name} on ACME (${arch})\"", "acme.cit:123:20: error[E0105]"),
    ("row cell count", "debian  \"Debian\"     1  1Gi", "debian  \"Debian\"     1Gi", "acme.cit:111:3: error[E0110]"),
    ("matrix except unknown", "except (alma, arm64)", "except (alma, aarch64)", "acme.cit:121:50: error[E0115]"),
    ("isolate w/o dedicated", "spec.cpu.dedicatedCPUPlacement = true", "spec.cpu.isolateEmulatorThread = true", "acme.cit:45:3: error[E0223]"),
    ("secureboot w/o smm", "  use secureboot, tpm\n", "  use efi-persisted, tpm\n  spec.firmware.preferredEfi.secureBoot = true\n", "acme.cit:106:3: error[E0226]"),
    ("handwritten derived label", "  class = \"compute\"\n", "  class = \"compute\"\n  labels.\"instancetype.kubevirt.io/cpu\" = \"2\"\n", "acme.cit:39:3: error[E0114]"),
    ("conflicting mixins", "use deprecated, diskbus-sata", "use deprecated, diskbus-sata, diskbus-virtio-blk", "acme.cit:132:33: error[E0109]"),
    ("when with =", "when distro == ubuntu", "when distro = ubuntu", "acme.cit:126:15: error[E0001]"),
    ("instancetype field in pref", "spec.requirements.cpu.guest = 1\n", "spec.cpu.guest = 1\n", "acme.cit:95:3: error[E0201]"),
    ("string for int in req", "spec.requirements.cpu.guest = 1\n", "spec.requirements.cpu.guest = \"1\"\n", "acme.cit:95:3: error[E0202]"),
    ("unknown hugepage size", "spec.memory.hugepages.pageSize = pagesize", "spec.memory.hugepages.pageSize = 4Mi", "acme.cit:58:3: warning[W0105]"),
    ("colon instead of =", "osType = \"linux\"", "osType: \"linux\"", "acme.cit:93:9: error[E0001]"),
    ("percent > 100", "spec.memory.overcommitPercent = 25", "spec.memory.overcommitPercent = 125", "acme.cit:75:3: error[E0205]"),
    ("when quantity vs int", "when distro == ubuntu", "when memory == 4", "acme.cit:126:18: error[E0121]"),
    ("when int vs quantity", "when distro == ubuntu", "when cpu == 2Gi", "acme.cit:126:15: error[E0121]"),
    ("when unknown var", "when distro == ubuntu", "when os == ubuntu", "acme.cit:126:8: error[E0105]"),
    ("memory without unit in table", "small   2   4Gi", "small   2   4", "acme.cit:15:15: warning[W0102]"),
    ("parent of wrong kind", "preference acme.linux.efi : acme.linux {", "preference acme.linux.efi : ac1.small {", "acme.cit:99:29: error[E0103]"),
    ("abstract typo", "abstract preference acme-base", "abstarct preference acme-base", "acme.cit:85:1: error[E0006]"),
    ("label key uppercase", "  class = \"compute\"\n", "  class = \"compute\"\n  labels.\"ACME/Tier\" = \"gold\"\n", "acme.cit:39:3: error[E0208]"),
    ("when size in series typo", "  spec.ioThreadsPolicy = \"auto\"\n", "  spec.ioThreadsPolicy = \"auto\"\n  when size == xlage { spec.ioThreadsPolicy = \"shared\" }\n", "acme.cit:47:16: error[E0120]"),
    ("replacedBy an instancetype", "replacedBy = \"acme.debian.amd64\"", "replacedBy = \"ac1.small\"", "acme.cit:134:3: error[E0231]"),
    ("cpu as quantity 2.5", "small   2   4Gi", "small   2.5 4Gi", "acme.cit:15:11: error[E0202]"),
    ("matrix table unknown", "for acme_distros * acme_arches", "for acme_distro * acme_arches", "acme.cit:121:9: error[E0104]"),
    ("quoted number cpu", "small   2   4Gi", "small   \"2\" 4Gi", "acme.cit:15:11: error[E0202]"),
    ("series parent unknown", "series ao1 : ag1 {", "series ao1 : ag {", "acme.cit:71:14: error[E0103]"),
    ("string not closed in table", "alma    \"AlmaLinux\"  1  2Gi", "alma    \"AlmaLinux  1  2Gi", "acme.cit:110:11: error[E0005]"),
    ("unknown field in matrix", "spec.requirements.cpu.guest = cpu", "spec.requirement.cpu.guest = cpu", "acme.cit:124:3: error[E0201]"),
    ("interpolation in derive", "supportUrl = \"https://support.acme.example/\"", "supportUrl = \"https://support.acme.example/${distro}\"", "acme.cit:88:48: error[E0105]"),
    ("import of nonexistent file", "import \"std/components\"\n", "import \"std/components\"\nimport \"acme-extra.cit\"\n", "acme.cit:10:8: error[E0002]"),
    ("map instead of value", "spec.ioThreadsPolicy = \"auto\"", "spec.ioThreadsPolicy { auto = true }", "acme.cit:46:3: error[E0202]"),
    ("deprecated on series", "  spec.ioThreadsPolicy = \"auto\"\n", "  spec.ioThreadsPolicy = \"auto\"\n  deprecated = \"true\"\n", "acme.cit:34:8: warning[W0103]"),
    ("preferredArchitecture enum", "use architecture\n", "spec.preferredArchitecture = \"x86_64\"\n", "acme.cit:122:3: error[E0203]"),
    ("alias typo in mixin", "vendor = \"acme.example\"\n  version", "vendr = \"acme.example\"\n  version", "acme.cit:30:3: error[E0113]"),
    ("field typo in mixin", "version = \"1\"\n}", "version = \"1\"\n  spec.ioThreadPolicy = \"auto\"\n}", "acme.cit:32:3: error[E0201]"),
    ("when outside matrix", "  replacedBy = \"acme.debian.amd64\"\n", "  replacedBy = \"acme.debian.amd64\"\n  when distro == debian { use efi }\n", "acme.cit:135:8: error[E0105]"),
    ("template misses a column", "\"acme.${distro}.${arch}\"", "\"acme.${distro}\"", "acme.cit:120:12: error[E0107]"),
    ("unclosed text block", "    intensive applications.\n    \"\"\"\n", "    intensive applications.\n", "acme.cit:41:17: error[E0005]"),
    ("int for string label", "version = \"1\"", "version = 1", "acme.cit:31:3: error[E0202]"),
    ("hash comment", "// ACME's scheduler reads", "# ACME's scheduler reads", "acme.cit:78:1: error[E0001]"),
    ("mixin cycle", "  use sized\n", "  use sized, acme-series\n", "acme.cit:29:14: error[E0106]"),
    ("mixin name typo in series", "  use acme-series\n  sizes acme_compute_sizes", "  use acme-serie\n  sizes acme_compute_sizes", "acme.cit:35:7: error[E0102]"),
    ("dup matrix row", "  arm64\n}", "  amd64\n}", "acme.cit:117:3: error[E0107]"),
    ("negative cpu", "small   2   4Gi", "small   -2  4Gi", "acme.cit:15:11: error[E0205]"),
    ("zero cpu", "small   2   4Gi", "small   0   4Gi", "acme.cit:15:11: error[E0220]"),
    ("spread w/o topology", "  use efi\n", "  use efi\n  spec.cpu.spreadOptions.ratio = 4\n", "acme.cit:101:3: warning[W0107]"),
    ("instancetype spec in series path typo top", "spec.ioThreadsPolicy = \"auto\"", "specs.ioThreadsPolicy = \"auto\"", "acme.cit:46:3: error[E0113]"),
    ("`sizes` in a preference", "use efi\n", "use efi\n  sizes general_sizes\n", "acme.cit:101:3: error[E0130]"),
    ("`ratio` in a preference", "  use efi\n", "  use efi\n  ratio 1:2\n", "acme.cit:101:3: error[E0130]"),
    ("memory requirement without a unit (`= 1`)", "spec.requirements.memory.guest = 1Gi", "spec.requirements.memory.guest = 1", "acme.cit:96:3: warning[W0110]"),
    ("derive rule with an invalid label key", "label \"acme.example/dedicated\"", "label \"acme.example/Dedicated CPU\"", "acme.cit:80:3: error[E0208]"),
    ("`variants` in a preference", "  use efi\n", "  use efi\n  variants hugepage_variants\n", "acme.cit:101:3: error[E0130]"),
    ("matrix `except (alma)` with one key for two tables", "except (alma, arm64)", "except (alma)", "acme.cit:121:44: error[E0115]"),
    ("`ratio 0:2`", "ratio 1:2", "ratio 0:2", "acme.cit:37:3: error[E0205]"),
    ("`ratio 1:4` on a std table whose small sizes are off it", "  sizes general_sizes except nano, micro\n", "  sizes general_sizes except nano, micro\n  ratio 1:4\n", "acme.cit:64:3: warning[W0102]"),
    ("ratio written memory-first (`8:1`): every row is off, so the ratio is what is wrong", "ratio 1:8", "ratio 8:1", "acme.cit:53:3: warning[W0102]"),
    ("`instancetype` written for `series`", "series ag1 {", "instancetype ag1 {", "acme.cit:63:3: error[E0130]"),
];

const KNOWN_GAPS: &[(&str, &str, &str, &str, &str)] = &[
    ("the series mixin lost `use sized`", "  use sized\n", "", "the series head (34) or the mixin that lost `use sized` (29), not the first spec line", "acme.cit:44:3: error[E0206]: `spec.cpu` needs `guest` — in `ac1.small`, `ac1.medium`, `ac1.large` and 1 more (4 resources)"),
    ("`use sized` in a preference", "  use efi\n", "  use efi, sized\n", "the `use efi, sized` line (100), not std/kubevirt.cit", "std/kubevirt.cit:58:20: error[E0105]: unknown variable `cpu`"),
    ("ratio bad syntax", "ratio 1:2", "ratio 1/2", "the line (37) is right, but `ratio` is read as a field: help says `write ratio = 1/2`", "acme.cit:37:9: error[E0001]: expected `=` between `ratio` and its value"),
    ("unquoted key with slash", "spec.ioThreadsPolicy = \"auto\"", "spec.annotations.acme.example/tier = \"gold\"", "the line (46) is right, but no hint to quote the key `\"acme.example/tier\"`", "acme.cit:46:32: error[E0001]: expected `=` or `:=` or `{`, found `/tier`"),
    ("unquoted string", "displayName = \"ACME Compute\"", "displayName = ACME Compute", "the line (39) is right, but the message should say that strings are quoted", "acme.cit:39:22: error[E0001]: expected `{` after `Compute`, found `icon` on the next line"),
];
