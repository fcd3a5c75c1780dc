//! Values on one line, as every report shows them: compare's hints and
//! group's shared changes as well as the renderers (and doc's and
//! provenance's pages), so it sits below all three.

use crate::yaml::Yaml;

/// A value on one line: strings double-quoted with JSON escapes, maps as
/// `{key: value}`, lists as `[a, b]`; cut with `…` past `max` characters.
pub fn inline(value: &Yaml, max: usize) -> String {
    let mut out = String::new();
    write_inline(&mut out, value);
    if out.chars().count() > max {
        let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        return cut;
    }
    out
}

fn write_inline(out: &mut String, value: &Yaml) {
    write_flow(out, value, write_json_string);
}

/// A value on one line, maps as `{key: value}` and lists as `[a, b]`,
/// with strings written by `string` (quoted for JSON and text, plain where
/// they read as themselves in release notes).
pub(in crate::diff) fn write_flow(out: &mut String, value: &Yaml, string: fn(&mut String, &str)) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => out.push_str(&i.to_string()),
        Yaml::Float(f) => write_float(out, *f),
        Yaml::Str(s) => string(out, s),
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(out, item, string);
            }
            out.push(']');
        }
        Yaml::Map(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                write_flow(out, item, string);
            }
            out.push('}');
        }
    }
}

fn write_float(out: &mut String, f: f64) {
    if f.is_finite() {
        out.push_str(&f.to_string());
    } else {
        out.push_str("null");
    }
}

/// One JSON string escaper for all of citc: the diagnostics' JSON uses it too.
pub(in crate::diff) fn write_json_string(out: &mut String, s: &str) {
    out.push_str(&crate::diagnostic::json_string(s));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_values_are_one_line_and_cut() {
        let value = Yaml::Map(vec![
            ("a".into(), Yaml::Str("x\ny".into())),
            ("b".into(), Yaml::Seq(vec![Yaml::Int(1), Yaml::Bool(true)])),
        ]);
        assert_eq!(inline(&value, 100), r#"{a: "x\ny", b: [1, true]}"#);
        assert_eq!(inline(&value, 8), "{a: \"x\\…");
    }

    #[test]
    fn json_strings_escape_control_characters() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\u{1}");
        assert_eq!(out, r#""a\"b\\c\u0001""#);
    }
}
