//! Robustness: no input makes citc panic, and the YAML it writes reads back
//! as the value it wrote. Property tests run a bounded number of cases
//! (PROPTEST_CASES, default 256), so CI runs them every time; the longer
//! coverage-guided search is the cargo-fuzz target in tests/fuzz.

mod common;

use common::catalog_text;

use std::collections::BTreeMap;

use citc::yaml::{write_document, Yaml};
use proptest::prelude::*;

/// Every diagnostic of a compilation points inside a loaded file.
fn assert_sane(text: &str) {
    let compilation = citc::compile_str("fuzz.cit", text, "v0");
    for diag in &compilation.diagnostics {
        let file = compilation.sources.get(diag.span.file);
        assert!(diag.span.start <= diag.span.end, "{diag:?}");
        assert!(
            diag.span.end as usize <= file.text.len(),
            "{diag:?} beyond {}",
            file.name
        );
        assert!(diag.help.is_some(), "{} has no help line", diag.code);
    }
}

/// Pieces of the language, to splice into real text.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\"\"\"",
    "=",
    ":=",
    ":",
    ",",
    "*",
    "\n",
    " ",
    "use",
    "for",
    "except",
    "when",
    "in",
    "==",
    "series",
    "preference",
    "instancetype",
    "mixin",
    "table",
    "let",
    "alias",
    "derive",
    "abstract",
    "import",
    "${",
    "${x}",
    "1.5.Gi",
    "4GB",
    "512Mi",
    "-1",
    "0",
    "99999999999999999999",
    "true",
    "@size",
    "//",
    "\\",
    "é",
    "\u{0}",
    "allow W0101 \"x\"",
    "ratio 1:2",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        assert_sane(&text);
    }

    #[test]
    fn spliced_catalog_never_panics(edits in prop::collection::vec((0usize..100_000, 0usize..TOKENS.len(), 0usize..40), 1..6)) {
        let mut text = catalog_text();
        for (at, token, cut) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, TOKENS[token]);
        }
        assert_sane(&text);
    }
}

/// Any string but for NEL, LS and PS: YAML 1.1 (go-yaml, and so citc) treats
/// them as line breaks and writes them raw inside single quotes, where YAML
/// 1.2 (saphyr, the reader here) takes them as ordinary characters and keeps
/// the indentation that follows. Kubernetes reads YAML 1.1, so citc stays
/// byte-compatible with kustomize there; the emitter's unit tests pin that.
fn text() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| s.replace(['\u{85}', '\u{2028}', '\u{2029}'], "x"))
}

/// A YAML tree of strings, ints, bools, lists and maps (no floats: kustomize
/// writes whole floats as ints, so they do not round-trip by design).
fn yaml_value() -> impl Strategy<Value = Yaml> {
    let leaf = prop_oneof![
        text().prop_map(Yaml::Str),
        "[ -~\\n\\t]{0,120}".prop_map(Yaml::Str),
        prop_oneof![
            Just("yes"),
            Just("on"),
            Just("8"),
            Just("0x1F"),
            Just("1:20"),
            Just("2024-01-01"),
            Just("- x"),
            Just("a: b"),
            Just(" lead"),
            Just("x\n\n"),
            Just("")
        ]
        .prop_map(|s| Yaml::Str(s.to_string())),
        any::<i64>().prop_map(Yaml::Int),
        any::<bool>().prop_map(Yaml::Bool),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Yaml::Seq),
            prop::collection::btree_map(text(), inner, 0..6)
                .prop_map(|m: BTreeMap<String, Yaml>| Yaml::Map(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// What the emitter writes, a real YAML parser (saphyr) reads back as the same value.
    #[test]
    fn emitted_yaml_reads_back_as_the_same_value(spec in yaml_value()) {
        let doc = Yaml::Map(vec![
            ("kind".to_string(), Yaml::Str("VirtualMachinePreference".to_string())),
            ("metadata".to_string(), Yaml::Map(vec![("name".to_string(), Yaml::Str("n".to_string()))])),
            ("spec".to_string(), spec),
        ]);
        let mut text = String::new();
        write_document(&mut text, &doc);
        let read = citc::diff::read::parse_bundle(&text, "emitted.yaml");
        let read = read.unwrap_or_else(|e| panic!("saphyr cannot read what we wrote: {e}\n{text}"));
        prop_assert_eq!(read.len(), 1);
        prop_assert_eq!(&read[0].body, &doc, "\n{}", text);
    }
}
