//! Any string citc writes, `citc diff` reads back the same. Random strings,
//! rich in what YAML treats specially (U+2028/U+2029 and U+0085, which
//! go-yaml counts as line breaks; tabs, CR, a BOM, C0 and C1 controls,
//! quotes, indicators), are written by the emitter as values, keys and list
//! items, then read by diff's reader and by a second reader, serde_yaml
//! (libyaml's scanner, from which go-yaml was ported): both must give back
//! exactly what was written.

use citc::yaml::{write_document, Yaml};
use proptest::prelude::*;

const SPECIAL: &[char] = &[
    'a', 'b', 'x', ' ', ' ', '\t', '\n', '\n', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{FEFF}',
    '\u{0}', '\u{1}', '\u{1B}', '\u{7F}', '\u{9F}', '\u{A0}', '"', '\'', ':', '#', '-', '|', '>',
    '&', '*', '!', '%', '@', '`', '{', '}', '[', ']', ',', '?', '\\', 'é', '😀', '\u{FFFE}', '0',
    '1', '.', '~', '=',
];

fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        8 => proptest::sample::select(SPECIAL),
        1 => any::<char>(),
    ];
    proptest::collection::vec(c, 0..120).prop_map(|chars| chars.into_iter().collect())
}

/// A preference holding `s` as a value, a key and a list item, at two
/// depths.
fn document(s: &str) -> Yaml {
    let text = || Yaml::Str(s.to_string());
    Yaml::Map(vec![
        (
            "apiVersion".into(),
            Yaml::Str("instancetype.kubevirt.io/v1beta1".into()),
        ),
        (
            "kind".into(),
            Yaml::Str("VirtualMachineClusterPreference".into()),
        ),
        (
            "metadata".into(),
            Yaml::Map(vec![
                ("name".into(), Yaml::Str("p".into())),
                (
                    "annotations".into(),
                    Yaml::Map(vec![(s.to_string(), text())]),
                ),
            ]),
        ),
        (
            "spec".into(),
            Yaml::Map(vec![
                ("value".into(), text()),
                (
                    "list".into(),
                    Yaml::Seq(vec![text(), Yaml::Seq(vec![text()])]),
                ),
                ("nested".into(), Yaml::Map(vec![("deeper".into(), text())])),
            ]),
        ),
    ])
}

/// Maps with their keys sorted, as the emitter writes them.
fn sorted(value: &Yaml) -> Yaml {
    match value {
        Yaml::Map(entries) => {
            let mut entries: Vec<(String, Yaml)> = entries
                .iter()
                .map(|(k, v)| (k.clone(), sorted(v)))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Yaml::Map(entries)
        }
        Yaml::Seq(items) => Yaml::Seq(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Our value as serde_yaml holds it.
fn as_serde(value: &Yaml) -> serde_yaml::Value {
    match value {
        Yaml::Map(entries) => serde_yaml::Value::Mapping(
            entries
                .iter()
                .map(|(k, v)| (serde_yaml::Value::String(k.clone()), as_serde(v)))
                .collect(),
        ),
        Yaml::Seq(items) => serde_yaml::Value::Sequence(items.iter().map(as_serde).collect()),
        Yaml::Str(s) => serde_yaml::Value::String(s.clone()),
        other => panic!("only strings, maps and lists here: {other:?}"),
    }
}

fn written(s: &str) -> (Yaml, String) {
    let doc = document(s);
    let mut out = String::new();
    write_document(&mut out, &doc);
    (doc, out)
}

fn check(s: &str) -> Result<(), TestCaseError> {
    let (doc, out) = written(s);
    let read = citc::diff::read::parse_bundle(&out, "t")
        .map_err(|err| TestCaseError::fail(format!("{s:?}: diff cannot read {out:?}: {err}")))?;
    prop_assert_eq!(read.len(), 1);
    prop_assert_eq!(
        sorted(&read[0].body),
        sorted(&doc),
        "diff's reader, {:?} written as {:?}",
        s,
        out
    );
    let second: serde_yaml::Value = serde_yaml::from_str(&out).map_err(|err| {
        TestCaseError::fail(format!("{s:?}: serde_yaml cannot read {out:?}: {err}"))
    })?;
    prop_assert_eq!(
        second,
        as_serde(&doc),
        "serde_yaml, {:?} written as {:?}",
        s,
        out
    );
    Ok(())
}

/// The cases found by hand first: each read back wrong by diff before.
#[test]
fn line_breaks_go_yaml_writes_raw_read_back_the_same() {
    for s in [
        "a\u{2028}b",
        "a\u{2029}b",
        " a\u{2028}b",
        "a\u{2028}\u{2028}b",
        "a\n\u{2028}b",
        "a\n\u{2028} b",
        "a\nb\u{2029}c",
        "\u{2028}\nx",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p\u{2028}q",
    ] {
        check(s).unwrap_or_else(|err| panic!("{err}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_string_written_reads_back_the_same(s in text()) {
        check(&s)?;
    }
}
