//! The YAML emitter's unit tests (compiler/emit/yaml.rs).
//!
//! Every expected text below is written out by hand from design/YAML.md
//! and go-yaml v2's source, never produced by the emitter.
use super::*;

#[test]
fn the_fast_path_for_words_agrees_with_the_full_scan() {
    for word in [
        "a",
        "16Gi",
        "instancetype.kubevirt.io/cpu",
        "2xlarge",
        "v1.7.0",
        "_x",
        "/a",
        "a-b_c.d",
        "Z9",
    ] {
        assert_eq!(analyze(word), scan(word), "{word}");
    }
}

fn doc(node: &Yaml) -> String {
    let mut out = String::new();
    write_document(&mut out, node);
    out
}

fn s(text: &str) -> Yaml {
    Yaml::Str(text.to_string())
}

fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
    Yaml::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Asserts how the string `value` is written after `k:`.
fn assert_value(value: &str, written: &str) {
    let expected = format!("---\nk: {written}\n");
    assert_eq!(
        doc(&map(vec![("k", s(value))])),
        expected,
        "value {value:?}"
    );
}

fn assert_float(f: f64, written: &str) {
    assert_eq!(
        doc(&Yaml::Float(f)),
        format!("---\n{written}\n"),
        "float {f:?}"
    );
}

// 2.3.1: strings that would read back as something else are double-quoted.

#[test]
fn null_and_bool_words_are_double_quoted() {
    assert_value("", r#""""#);
    assert_value("~", r#""~""#);
    assert_value("null", r#""null""#);
    assert_value("Null", r#""Null""#);
    assert_value("NULL", r#""NULL""#);
    assert_value("true", r#""true""#);
    assert_value("True", r#""True""#);
    assert_value("FALSE", r#""FALSE""#);
    assert_value("yes", r#""yes""#);
    assert_value("Yes", r#""Yes""#);
    assert_value("no", r#""no""#);
    assert_value("on", r#""on""#);
    assert_value("OFF", r#""OFF""#);
    assert_value("y", r#""y""#);
    assert_value("Y", r#""Y""#);
    assert_value("n", r#""n""#);
    assert_value("N", r#""N""#);
}

#[test]
fn mixed_case_words_stay_plain() {
    assert_value("nULL", "nULL");
    assert_value("yES", "yES");
    assert_value("tRUE", "tRUE");
    assert_value("yes please", "yes please");
}

#[test]
fn infinity_and_nan_words_are_double_quoted() {
    assert_value(".inf", r#"".inf""#);
    assert_value("-.Inf", r#""-.Inf""#);
    assert_value("+.INF", r#""+.INF""#);
    assert_value(".nan", r#"".nan""#);
    assert_value(".NaN", r#"".NaN""#);
}

#[test]
fn integers_in_go_syntax_are_double_quoted() {
    assert_value("8", r#""8""#);
    assert_value("0", r#""0""#);
    assert_value("-1", r#""-1""#);
    assert_value("+1", r#""+1""#);
    assert_value("017", r#""017""#);
    assert_value("0x1F", r#""0x1F""#);
    assert_value("0X1f", r#""0X1f""#);
    assert_value("0o17", r#""0o17""#);
    assert_value("0b101", r#""0b101""#);
    assert_value("-0b101", r#""-0b101""#);
    assert_value("0b-101", r#""0b-101""#);
    assert_value("1_000", r#""1_000""#);
    assert_value("9223372036854775807", r#""9223372036854775807""#);
    assert_value("-9223372036854775808", r#""-9223372036854775808""#);
    assert_value("18446744073709551615", r#""18446744073709551615""#);
}

#[test]
fn integers_go_cannot_parse_stay_plain() {
    // Too big for uint64 and not decimal, so not a float either.
    assert_value("0x1FFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFF");
    assert_value("0x", "0x");
    assert_value("0b", "0b");
    assert_value("09x", "09x");
    assert_value("-", "'-'");
    assert_value("+", "+");
}

#[test]
fn floats_are_double_quoted() {
    assert_value("1.5", r#""1.5""#);
    assert_value("1e3", r#""1e3""#);
    assert_value("1E+3", r#""1E+3""#);
    assert_value(".5", r#"".5""#);
    assert_value("-.5", r#""-.5""#);
    assert_value("08", r#""08""#);
    assert_value("1.", r#""1.""#);
    assert_value("1_0.5", r#""1_0.5""#);
    assert_value(".5_0", r#"".5_0""#);
    // Too big for int64 and uint64, but a float.
    assert_value("99999999999999999999", r#""99999999999999999999""#);
}

#[test]
fn floats_go_cannot_parse_stay_plain() {
    assert_value("1e999", "1e999"); // ParseFloat: value out of range
    assert_value(".5e999", ".5e999");
    assert_value("._5", "._5"); // '_' must sit between digits
    assert_value("1e", "1e");
    assert_value(".", ".");
    assert_value("0.1.2", "0.1.2");
}

#[test]
fn timestamps_are_double_quoted() {
    assert_value("2024-01-01", r#""2024-01-01""#);
    assert_value("2024-1-2", r#""2024-1-2""#);
    assert_value("2024-02-29", r#""2024-02-29""#);
    assert_value("2024-1-2T15:04:05Z", r#""2024-1-2T15:04:05Z""#);
    assert_value(
        "2024-01-01t10:00:00.5+02:00",
        r#""2024-01-01t10:00:00.5+02:00""#,
    );
    assert_value("2024-01-01 10:00:00", r#""2024-01-01 10:00:00""#);
    assert_value("2024-01-01  1:2:3.123", r#""2024-01-01  1:2:3.123""#);
}

#[test]
fn near_timestamps_stay_plain() {
    assert_value("2024-13-01", "2024-13-01");
    assert_value("2023-02-29", "2023-02-29");
    assert_value("2024-04-31", "2024-04-31");
    assert_value("20240-01-01", "20240-01-01");
    assert_value("2024-01-01T10:00:00", "2024-01-01T10:00:00"); // no zone
    assert_value("2024-01-01T24:00:00Z", "2024-01-01T24:00:00Z");
    assert_value("2024-01-01x", "2024-01-01x");
    assert_value("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5");
}

#[test]
fn base_60_numbers_are_double_quoted() {
    assert_value("1:20", r#""1:20""#);
    assert_value("12:30:45", r#""12:30:45""#);
    assert_value("-1:20.5", r#""-1:20.5""#);
    assert_value("1:2:3", r#""1:2:3""#);
    assert_value("1:60", "1:60");
    assert_value("1:", "'1:'");
}

// 2.3.3: plain, unless an indicator or an edge space forbids it.

#[test]
fn plain_strings_stay_plain() {
    for text in [
        "16Gi",
        "1.5Gi",
        "0.1.2",
        "v1.7.0",
        "2xlarge",
        "<<",
        "a:b",
        "a#b",
        "-x",
        "--",
        "?x",
        ":x",
        "x,y",
        "x'y",
        "x\"y",
        "a\\b",
        "é",
        "日本",
        "a - b",
        "x!",
        "compute.exclusive",
        "hidden,kubevirt,alpine",
        "Microsoft Windows Server 2008/2008 R2 (virtio)",
    ] {
        assert_value(text, text);
    }
}

#[test]
fn indicators_and_edge_spaces_are_single_quoted() {
    assert_value("a: b", "'a: b'");
    assert_value("x:", "'x:'");
    assert_value("x: ", "'x: '");
    assert_value("a #b", "'a #b'");
    assert_value("#x", "'#x'");
    assert_value("- x", "'- x'");
    assert_value("-", "'-'");
    assert_value("? x", "'? x'");
    assert_value("?", "'?'");
    assert_value(":", "':'");
    assert_value(" lead", "' lead'");
    assert_value("trail ", "'trail '");
    assert_value("{x", "'{x'");
    assert_value("[a]", "'[a]'");
    assert_value("---", "'---'");
    assert_value("...x", "'...x'");
    assert_value("'x", "'''x'");
    assert_value("\"x", "'\"x'");
    for first in [",", "]", "}", "&", "*", "!", "|", ">", "%", "@", "`"] {
        assert_value(&format!("{first}x"), &format!("'{first}x'"));
    }
}

// 2.3.4 and 2.3.6: double quotes and their escapes.

#[test]
fn tab_emoji_and_controls_are_double_quoted_and_escaped() {
    assert_value("a\tb", r#""a\tb""#);
    assert_value("\u{1F600}", r#""\U0001F600""#);
    assert_value("\u{1}", r#""\x01""#);
    assert_value("\u{7F}", r#""\x7F""#);
    assert_value("\u{9F}", r#""\x9F""#);
    assert_value("x\u{FEFF}", r#""x\uFEFF""#);
    assert_value("\u{FFFE}", r#""\uFFFE""#);
}

#[test]
fn double_quoted_escapes() {
    let text = "\0\u{7}\u{8}\t\u{B}\u{C}\r\u{1B}\"\\\u{85}\u{2028}\u{2029}";
    assert_value(text, r#""\0\a\b\t\v\f\r\e\"\\\N\L\P""#);
}

#[test]
fn printable_unicode_is_raw_even_in_double_quotes() {
    assert_value("\té日本\u{A0}", "\"\\té日本\u{A0}\"");
    assert_value("a\u{A0}b", "a\u{A0}b");
}

#[test]
fn line_break_followed_by_space_is_double_quoted_without_a_block() {
    assert_value("a\u{2028} b", r#""a\L b""#);
    assert_value("a \n b", r#""a \n b""#);
}

#[test]
fn unicode_line_separator_alone_is_single_quoted_as_go_yaml_does() {
    // U+2028 is a printable line break: plain is refused, single quotes
    // are not, and go-yaml restarts the indentation after it.
    assert_value("a\u{2028}b", "'a\u{2028}  b'");
}

// 2.4: literal blocks.

#[test]
fn literal_block_headers() {
    assert_value("a\nb", "|-\n  a\n  b");
    assert_value("x\n", "|\n  x");
    assert_value("x\n\n", "|+\n  x\n");
    assert_value("\n", "|2+\n");
    assert_value("  a\nb", "|2-\n    a\n  b");
    assert_value("\na", "|2-\n\n  a");
    assert_value(" a\n", "|2\n   a");
}

#[test]
fn literal_block_lines() {
    assert_value("a\n\nb", "|-\n  a\n\n  b"); // empty lines have no indentation
    assert_value("x\n y", "|-\n  x\n   y");
    assert_value("- one\n- two\n", "|\n  - one\n  - two");
    assert_value("a: b\n#c", "|-\n  a: b\n  #c");
    assert_value("\"q\"\n", "|\n  \"q\"");
}

#[test]
fn literal_block_is_never_folded() {
    let text = format!("{} {}\nz", "x".repeat(50), "y".repeat(50));
    let written = format!("|-\n  {} {}\n  z", "x".repeat(50), "y".repeat(50));
    assert_value(&text, &written);
}

#[test]
fn literal_block_is_followed_by_the_next_key() {
    let node = map(vec![
        ("a", s("x\n")),
        ("b", s("x\n\n")),
        ("c", s("x")),
        ("d", s("y\nz")),
    ]);
    assert_eq!(
        doc(&node),
        "---\na: |\n  x\nb: |+\n  x\n\nc: x\nd: |-\n  y\n  z\n"
    );
}

#[test]
fn literal_block_indents_under_its_key() {
    let node = map(vec![("a", map(vec![("k", s("x\ny"))]))]);
    assert_eq!(doc(&node), "---\na:\n  k: |-\n    x\n    y\n");
}

#[test]
fn literal_block_refused_goes_double_quoted() {
    assert_value("trailing space \nx", r#""trailing space \nx""#);
    assert_value("a\nb ", r#""a\nb ""#);
    assert_value("a\tb\nc", r#""a\tb\nc""#);
    assert_value("a\nb\u{1}", r#""a\nb\x01""#);
    assert_value("a\r\nb", r#""a\r\nb""#);
}

// 2.4: folding at 80 columns.

#[test]
fn long_plain_line_folds_after_column_80() {
    let text = "This is a long description that goes on and on so that it will exceed the eighty column limit of go-yaml v2";
    let node = map(vec![("desc", s(text))]);
    let expected = "---\ndesc: This is a long description that goes on and on so that it will exceed the eighty\n  column limit of go-yaml v2\n";
    assert_eq!(doc(&node), expected);
}

#[test]
fn plain_folds_only_once_more_than_80_characters_are_on_the_line() {
    // "k: " + 77 characters reach column 80 exactly: that space stays.
    let x77 = "x".repeat(77);
    assert_value(&format!("{x77} b c"), &format!("{x77} b\n  c"));
}

#[test]
fn plain_never_folds_at_a_double_space() {
    let x78 = "x".repeat(78);
    assert_value(&format!("{x78}  c d"), &format!("{x78}  c\n  d"));
}

#[test]
fn folded_lines_indent_at_key_column_plus_two() {
    let words = "aaaaaaaaa ".repeat(10);
    let node = map(vec![("spec", map(vec![("k", s(words.trim_end()))]))]);
    let first = "aaaaaaaaa ".repeat(8);
    let expected = format!(
        "---\nspec:\n  k: {}\n    aaaaaaaaa aaaaaaaaa\n",
        first.trim_end()
    );
    assert_eq!(doc(&node), expected);
}

#[test]
fn folded_list_items_indent_at_dash_column_plus_two() {
    let words = "aaaaaaaaa ".repeat(10);
    let node = map(vec![("k", Yaml::Seq(vec![s(words.trim_end())]))]);
    let first = "aaaaaaaaa ".repeat(8);
    let expected = format!("---\nk:\n- {}\n  aaaaaaaaa aaaaaaaaa\n", first.trim_end());
    assert_eq!(doc(&node), expected);
}

#[test]
fn double_quoted_folds() {
    // `k: "\t` is 6 columns; 74 more reach 80, so the first space stays.
    let x74 = "x".repeat(74);
    assert_value(&format!("\t{x74} y z"), &format!("\"\\t{x74} y\n  z\""));
}

#[test]
fn double_quoted_fold_escapes_a_following_space() {
    let x75 = "x".repeat(75);
    assert_value(&format!("\t{x75}  z"), &format!("\"\\t{x75}\n  \\ z\""));
}

#[test]
fn double_quoted_never_folds_at_the_last_character() {
    let x76 = "x".repeat(76);
    assert_value(&format!("\t{x76} "), &format!("\"\\t{x76} \""));
}

#[test]
fn single_quoted_folds() {
    let x76 = "x".repeat(76);
    assert_value(&format!("#{x76} y z"), &format!("'#{x76}\n  y z'"));
}

#[test]
fn single_quoted_never_folds_at_the_first_or_last_character() {
    let key = "k".repeat(90);
    let first = map(vec![(key.as_str(), s(" lead x"))]);
    assert_eq!(doc(&first), format!("---\n{key}: ' lead\n  x'\n"));
    let last = map(vec![(key.as_str(), s("ab "))]);
    assert_eq!(doc(&last), format!("---\n{key}: 'ab '\n"));
}

// 2.4: keys.

#[test]
fn simple_keys_are_never_folded() {
    let key = "abcdefghi ".repeat(12); // 119 bytes once trimmed
    let node = map(vec![(key.trim_end(), s("v"))]);
    assert_eq!(doc(&node), format!("---\n{}: v\n", key.trim_end()));
}

#[test]
fn keys_needing_quotes() {
    let node = map(vec![
        ("8", Yaml::Int(1)),
        ("a: b", Yaml::Int(2)),
        ("", Yaml::Int(3)),
        ("true", Yaml::Int(4)),
        ("- x", Yaml::Int(5)),
        ("a\tb", Yaml::Int(6)),
    ]);
    let expected = "---\n\"8\": 1\n'a: b': 2\n\"\": 3\n\"true\": 4\n'- x': 5\n\"a\\tb\": 6\n";
    assert_eq!(doc(&node), expected);
}

#[test]
fn key_over_128_bytes_is_explicit() {
    let long = "a".repeat(129);
    assert_eq!(
        doc(&map(vec![(long.as_str(), s("v"))])),
        format!("---\n? {long}\n: v\n")
    );
    let at_limit = "a".repeat(128);
    assert_eq!(
        doc(&map(vec![(at_limit.as_str(), s("v"))])),
        format!("---\n{at_limit}: v\n")
    );
    // Bytes count, not characters: 65 × 'é' is 130 bytes.
    let accents = "é".repeat(65);
    assert_eq!(
        doc(&map(vec![(accents.as_str(), s("v"))])),
        format!("---\n? {accents}\n: v\n")
    );
}

#[test]
fn explicit_key_is_folded_like_a_value() {
    // go-yaml writes the `? ` key outside the simple-key context, so it
    // folds: 8 words reach column 81.
    let key = "abcdefghi ".repeat(13);
    let node = map(vec![(key.trim_end(), s("v"))]);
    let line1 = "abcdefghi ".repeat(8);
    let line2 = "abcdefghi ".repeat(5);
    let expected = format!("---\n? {}\n  {}\n: v\n", line1.trim_end(), line2.trim_end());
    assert_eq!(doc(&node), expected);
}

#[test]
fn key_with_newline_is_explicit() {
    assert_eq!(
        doc(&map(vec![("a\nb", s("v"))])),
        "---\n? |-\n  a\n  b\n: v\n"
    );
    assert_eq!(doc(&map(vec![("a\n", s("v"))])), "---\n? |\n  a\n: v\n");
}

#[test]
fn explicit_key_with_collection_values() {
    let long = "a".repeat(129);
    let nested = map(vec![(
        long.as_str(),
        map(vec![("x", Yaml::Int(1)), ("z", Yaml::Int(2))]),
    )]);
    assert_eq!(doc(&nested), format!("---\n? {long}\n: x: 1\n  z: 2\n"));
    let list = map(vec![(
        long.as_str(),
        Yaml::Seq(vec![Yaml::Int(1), Yaml::Int(2)]),
    )]);
    assert_eq!(doc(&list), format!("---\n? {long}\n: - 1\n  - 2\n"));
}

// 2.1: layout.

#[test]
fn nested_maps_and_empty_collections() {
    let node = map(vec![
        ("a", map(vec![])),
        ("b", Yaml::Seq(vec![])),
        (
            "c",
            map(vec![("d", map(vec![])), ("e", map(vec![("f", s("g"))]))]),
        ),
    ]);
    assert_eq!(
        doc(&node),
        "---\na: {}\nb: []\nc:\n  d: {}\n  e:\n    f: g\n"
    );
}

#[test]
fn sequence_of_scalars_is_compact() {
    let items = vec![
        s("a"),
        s("8"),
        Yaml::Int(1),
        Yaml::Bool(true),
        Yaml::Null,
        s("x\ny"),
    ];
    let node = map(vec![("k", Yaml::Seq(items))]);
    assert_eq!(
        doc(&node),
        "---\nk:\n- a\n- \"8\"\n- 1\n- true\n- null\n- |-\n  x\n  y\n"
    );
}

#[test]
fn sequence_of_maps_puts_the_first_key_after_the_dash() {
    let gpu = |device: &str, name: &str| map(vec![("deviceName", s(device)), ("name", s(name))]);
    let gpus = Yaml::Seq(vec![gpu("x", "v"), gpu("z", "w")]);
    let node = map(vec![("spec", map(vec![("gpus", gpus)]))]);
    let expected =
        "---\nspec:\n  gpus:\n  - deviceName: x\n    name: v\n  - deviceName: z\n    name: w\n";
    assert_eq!(doc(&node), expected);
}

#[test]
fn nested_sequences() {
    let inner = Yaml::Seq(vec![s("a"), s("b")]);
    let items = vec![
        inner,
        Yaml::Seq(vec![s("c")]),
        Yaml::Seq(vec![]),
        map(vec![]),
    ];
    let node = map(vec![("k", Yaml::Seq(items))]);
    assert_eq!(doc(&node), "---\nk:\n- - a\n  - b\n- - c\n- []\n- {}\n");
}

#[test]
fn sequence_inside_a_map_inside_a_sequence() {
    let item = map(vec![
        ("a", Yaml::Seq(vec![Yaml::Int(1), Yaml::Int(2)])),
        ("b", map(vec![("c", Yaml::Int(3))])),
    ]);
    let node = map(vec![("k", Yaml::Seq(vec![item]))]);
    assert_eq!(doc(&node), "---\nk:\n- a:\n  - 1\n  - 2\n  b:\n    c: 3\n");
}

#[test]
fn top_level_values() {
    assert_eq!(doc(&s("x")), "---\nx\n");
    assert_eq!(doc(&s("8")), "---\n\"8\"\n");
    assert_eq!(doc(&s("a\nb")), "---\n|-\n  a\n  b\n");
    assert_eq!(doc(&Yaml::Null), "---\nnull\n");
    assert_eq!(doc(&Yaml::Bool(false)), "---\nfalse\n");
    assert_eq!(doc(&Yaml::Int(-42)), "---\n-42\n");
    assert_eq!(doc(&map(vec![])), "---\n{}\n");
    assert_eq!(doc(&Yaml::Seq(vec![])), "---\n[]\n");
    let list = Yaml::Seq(vec![s("a"), map(vec![("b", s("c")), ("d", s("e"))])]);
    assert_eq!(doc(&list), "---\n- a\n- b: c\n  d: e\n");
}

#[test]
fn documents_are_appended() {
    let mut out = String::new();
    write_document(&mut out, &map(vec![("a", Yaml::Int(1))]));
    write_document(&mut out, &map(vec![("b", Yaml::Int(2))]));
    assert_eq!(out, "---\na: 1\n---\nb: 2\n");
}

#[test]
fn scalars_other_than_strings() {
    let node = map(vec![
        ("nil", Yaml::Null),
        ("t", Yaml::Bool(true)),
        ("f", Yaml::Bool(false)),
        ("i", Yaml::Int(8191)),
        ("min", Yaml::Int(i64::MIN)),
    ]);
    assert_eq!(
        doc(&node),
        "---\nnil: null\nt: true\nf: false\ni: 8191\nmin: -9223372036854775808\n"
    );
}

#[test]
fn floats_use_go_shortest_g_format() {
    assert_float(1.5, "1.5");
    assert_float(-2.5, "-2.5");
    assert_float(0.1, "0.1");
    assert_float(100.25, "100.25");
    assert_float(123456.7, "123456.7");
    assert_float(1234567.5, "1.2345675e+06");
    assert_float(0.0001, "0.0001");
    assert_float(0.00001, "1e-05");
    assert_float(1.5e-7, "1.5e-07");
    assert_float(5e-324, "5e-324");
    assert_float(f64::INFINITY, ".inf");
    assert_float(f64::NEG_INFINITY, "-.inf");
    assert_float(f64::NAN, ".nan");
}

#[test]
fn whole_floats_are_written_as_ints_like_json_does() {
    assert_float(5.0, "5");
    assert_float(1e6, "1000000");
    assert_float(-0.0, "0");
    assert_float(-3.0, "-3");
    assert_float(123456789012345680.0, "123456789012345680");
    assert_float(1e19, "10000000000000000000"); // fits uint64
                                                // Beyond int64/uint64 go-yaml reads a float back, or JSON wrote an exponent.
    assert_float(2e19, "2e+19");
    assert_float(-1e19, "-1e+19");
    assert_float(1e20, "1e+20");
    assert_float(1e21, "1e+21");
    assert_float(1e100, "1e+100");
}

// 2.2: key order.

#[test]
fn key_order_cases() {
    assert_eq!(go_yaml_key_cmp("a9", "a10"), Ordering::Less);
    assert_eq!(go_yaml_key_cmp("a10", "a9"), Ordering::Greater);
    assert_eq!(go_yaml_key_cmp("a_b", "aB"), Ordering::Less);
    assert_eq!(go_yaml_key_cmp("v10", "v1alpha2"), Ordering::Less);
    assert_eq!(go_yaml_key_cmp("B", "a"), Ordering::Less);
    assert_eq!(go_yaml_key_cmp("a", "ab"), Ordering::Less);
    assert_eq!(
        go_yaml_key_cmp("centos.stream10", "centos.stream9"),
        Ordering::Greater
    );
    assert_eq!(go_yaml_key_cmp("a1", "a01"), Ordering::Less);
    assert_eq!(go_yaml_key_cmp("2_", "20"), Ordering::Less);
    assert_eq!(go_yaml_key_cmp("same", "same"), Ordering::Equal);
}

#[test]
fn key_order_of_a_list() {
    let mut keys = vec!["A", "10", "_x", "9"];
    keys.sort_by(|a, b| go_yaml_key_cmp(a, b));
    assert_eq!(keys, ["_x", "9", "10", "A"]);
}

// 1: documents from the v1.7.0 all-bundle, copied verbatim.

const CX1_2XLARGE: &str = r#"---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterInstancetype
metadata:
  annotations:
    instancetype.kubevirt.io/description: |-
      The CX Series provides exclusive compute resources for compute
      intensive applications.

      *CX* is the abbreviation of "Compute Exclusive".

      The exclusive resources are given to the compute threads of the
      VM. In order to ensure this, some additional cores (depending
      on the number of disks and NICs) will be requested to offload
      the IO threading from cores dedicated to the workload.
      In addition, in this series, the NUMA topology of the used
      cores is provided to the VM.

      The amount of spec.cpu.maxSockets is set to the same as
      guest cpus. This avoids KubeVirt's default behavior of
      providing extra CPUs for hotplugging, which can exceed the
      amount of available CPUs on a node and cause the VM to fail.

      Requirements for CX series instance types:
      - CPU manager has to be enabled.
      - Huge pages have to be available on the nodes.
    instancetype.kubevirt.io/displayName: Compute Exclusive
  labels:
    instancetype.kubevirt.io/class: compute.exclusive
    instancetype.kubevirt.io/cpu: "8"
    instancetype.kubevirt.io/dedicatedCPUPlacement: "true"
    instancetype.kubevirt.io/hugepages: 2Mi
    instancetype.kubevirt.io/icon-pf: pficon-registry
    instancetype.kubevirt.io/isolateEmulatorThread: "true"
    instancetype.kubevirt.io/memory: 16Gi
    instancetype.kubevirt.io/numa: "true"
    instancetype.kubevirt.io/size: 2xlarge
    instancetype.kubevirt.io/vendor: kubevirt.io
    instancetype.kubevirt.io/version: "1"
    instancetype.kubevirt.io/common-instancetypes-version: v1.7.0
  name: cx1.2xlarge
spec:
  cpu:
    dedicatedCPUPlacement: true
    guest: 8
    isolateEmulatorThread: true
    maxSockets: 8
    numa:
      guestMappingPassthrough: {}
  ioThreadsPolicy: auto
  memory:
    guest: 16Gi
    hugepages:
      pageSize: 2Mi
"#;

const CX_DESCRIPTION: &str = "The CX Series provides exclusive compute resources for compute
intensive applications.

*CX* is the abbreviation of \"Compute Exclusive\".

The exclusive resources are given to the compute threads of the
VM. In order to ensure this, some additional cores (depending
on the number of disks and NICs) will be requested to offload
the IO threading from cores dedicated to the workload.
In addition, in this series, the NUMA topology of the used
cores is provided to the VM.

The amount of spec.cpu.maxSockets is set to the same as
guest cpus. This avoids KubeVirt's default behavior of
providing extra CPUs for hotplugging, which can exceed the
amount of available CPUs on a node and cause the VM to fail.

Requirements for CX series instance types:
- CPU manager has to be enabled.
- Huge pages have to be available on the nodes.";

#[test]
fn reemits_cx1_2xlarge_from_the_v1_7_0_bundle() {
    let prefix = "instancetype.kubevirt.io/";
    let label = |name: &str, value: &str| (format!("{prefix}{name}"), s(value));
    let labels = Yaml::Map(vec![
        label("class", "compute.exclusive"),
        label("cpu", "8"),
        label("dedicatedCPUPlacement", "true"),
        label("hugepages", "2Mi"),
        label("icon-pf", "pficon-registry"),
        label("isolateEmulatorThread", "true"),
        label("memory", "16Gi"),
        label("numa", "true"),
        label("size", "2xlarge"),
        label("vendor", "kubevirt.io"),
        label("version", "1"),
        label("common-instancetypes-version", "v1.7.0"),
    ]);
    let annotations = Yaml::Map(vec![
        label("description", CX_DESCRIPTION),
        label("displayName", "Compute Exclusive"),
    ]);
    let cpu = map(vec![
        ("dedicatedCPUPlacement", Yaml::Bool(true)),
        ("guest", Yaml::Int(8)),
        ("isolateEmulatorThread", Yaml::Bool(true)),
        ("maxSockets", Yaml::Int(8)),
        ("numa", map(vec![("guestMappingPassthrough", map(vec![]))])),
    ]);
    let memory = map(vec![
        ("guest", s("16Gi")),
        ("hugepages", map(vec![("pageSize", s("2Mi"))])),
    ]);
    let document = map(vec![
        ("apiVersion", s("instancetype.kubevirt.io/v1beta1")),
        ("kind", s("VirtualMachineClusterInstancetype")),
        (
            "metadata",
            map(vec![
                ("annotations", annotations),
                ("labels", labels),
                ("name", s("cx1.2xlarge")),
            ]),
        ),
        (
            "spec",
            map(vec![
                ("cpu", cpu),
                ("ioThreadsPolicy", s("auto")),
                ("memory", memory),
            ]),
        ),
    ]);
    assert_eq!(doc(&document), CX1_2XLARGE);
}

const ALPINE: &str = r#"---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  annotations:
    iconClass: icon-alpine
    openshift.io/display-name: Alpine
    openshift.io/documentation-url: |
      "https://github.com/kubevirt/common-instancetypes"
    openshift.io/provider-display-name: KubeVirt
    openshift.io/support-url: |
      "https://github.com/kubevirt/common-instancetypes/issues"
    tags: hidden,kubevirt,alpine
  labels:
    instancetype.kubevirt.io/os-type: linux
    instancetype.kubevirt.io/required-cpu: "1"
    instancetype.kubevirt.io/required-memory: 512Mi
    instancetype.kubevirt.io/vendor: kubevirt.io
    instancetype.kubevirt.io/common-instancetypes-version: v1.7.0
  name: alpine
spec:
  annotations:
    vm.kubevirt.io/os: linux
  devices:
    preferredDiskBus: virtio
    preferredInterfaceModel: virtio
    preferredRng: {}
  requirements:
    cpu:
      guest: 1
    memory:
      guest: 512Mi
"#;

#[test]
fn reemits_alpine_from_the_v1_7_0_bundle() {
    let annotations = map(vec![
        ("iconClass", s("icon-alpine")),
        ("openshift.io/display-name", s("Alpine")),
        (
            "openshift.io/documentation-url",
            s("\"https://github.com/kubevirt/common-instancetypes\"\n"),
        ),
        ("openshift.io/provider-display-name", s("KubeVirt")),
        (
            "openshift.io/support-url",
            s("\"https://github.com/kubevirt/common-instancetypes/issues\"\n"),
        ),
        ("tags", s("hidden,kubevirt,alpine")),
    ]);
    let labels = map(vec![
        ("instancetype.kubevirt.io/os-type", s("linux")),
        ("instancetype.kubevirt.io/required-cpu", s("1")),
        ("instancetype.kubevirt.io/required-memory", s("512Mi")),
        ("instancetype.kubevirt.io/vendor", s("kubevirt.io")),
        (
            "instancetype.kubevirt.io/common-instancetypes-version",
            s("v1.7.0"),
        ),
    ]);
    let devices = map(vec![
        ("preferredDiskBus", s("virtio")),
        ("preferredInterfaceModel", s("virtio")),
        ("preferredRng", map(vec![])),
    ]);
    let requirements = map(vec![
        ("cpu", map(vec![("guest", Yaml::Int(1))])),
        ("memory", map(vec![("guest", s("512Mi"))])),
    ]);
    let spec = map(vec![
        ("annotations", map(vec![("vm.kubevirt.io/os", s("linux"))])),
        ("devices", devices),
        ("requirements", requirements),
    ]);
    let document = map(vec![
        ("apiVersion", s("instancetype.kubevirt.io/v1beta1")),
        ("kind", s("VirtualMachineClusterPreference")),
        (
            "metadata",
            map(vec![
                ("annotations", annotations),
                ("labels", labels),
                ("name", s("alpine")),
            ]),
        ),
        ("spec", spec),
    ]);
    assert_eq!(doc(&document), ALPINE);
}
