//! Values and text as release notes show them: strings bare unless they
//! would read as something else, long values around what changed, code
//! spans that survive backticks, text escaped for Markdown.

use crate::yaml::Yaml;

/// How much unchanged text is kept on each side of what changed in a long
/// value.
const CONTEXT: usize = 24;

/// A table cell: the text escaped, `—` when there is none.
pub(super) fn cell(text: Option<&str>) -> String {
    match text {
        Some(text) => escape(text).replace('|', "\\|"),
        None => "—".to_string(),
    }
}

/// Text outside code: Markdown's active characters escaped, on one line.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

// ------------------------------------------------------------------ values

/// A value on one line, as a reader reads it: a string plain unless it
/// would read as something else (`"1"`, `"true"`, `""`, one with spaces at
/// its ends or several lines), maps as `{key: value}`, lists as `[a, b]`.
pub(super) fn value(value: &Yaml) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Yaml) {
    super::super::write_flow(out, value, |out, s| {
        if plain(s) {
            out.push_str(s)
        } else {
            super::super::write_json_string(out, s)
        }
    });
}

/// Whether a string reads as itself without quotes.
fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let scalar_like = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off"
    ) || s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_digit() || "._-+eE".contains(c));
    !scalar_like
        && !first.is_whitespace()
        && !s.ends_with(char::is_whitespace)
        && !"{[\"'&*!|>%@,#".contains(first)
        && !s.chars().any(|c| c.is_control() || c == '`')
        && !s.contains(", ")
}

/// `text` cut to `max` characters, with `…`.
pub(super) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Two values that differ, each cut to about `max` characters around what
/// differs: the common start and end are dropped but for some context, so
/// that two long values that differ near their end show where.
pub(super) fn around(old: &str, new: &str, max: usize) -> (String, String) {
    if old.chars().count() <= max && new.chars().count() <= max {
        return (old.to_string(), new.to_string());
    }
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let side = |chars: &[char]| -> String {
        let mut start = prefix.saturating_sub(CONTEXT);
        // Start after a space, so that the context is whole words.
        if start > 0 {
            if let Some(space) = chars[start..prefix].iter().position(|c| *c == ' ') {
                start += space + 1;
            }
        }
        let changed_end = chars.len() - suffix;
        let mut end = (changed_end + CONTEXT).min(chars.len());
        if end < chars.len() {
            if let Some(space) = chars[changed_end..end].iter().rposition(|c| *c == ' ') {
                end = changed_end + space;
            }
        }
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        let window: String = chars[start..end].iter().collect();
        let budget = max.saturating_sub(2);
        if window.chars().count() > budget {
            text.push_str(&cut(&window, budget));
            return text;
        }
        text.push_str(&window);
        if end < chars.len() {
            text.push('…');
        }
        text
    };
    (side(&a), side(&b))
}

/// Inline Markdown code that survives backticks in the text.
pub(super) fn code(text: &str) -> String {
    let fence = if text.contains('`') { "``" } else { "`" };
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_code_survives_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }

    #[test]
    fn strings_are_plain_unless_they_would_read_as_something_else() {
        assert_eq!(value(&Yaml::Str("cores".into())), "cores");
        assert_eq!(value(&Yaml::Str("1.5Gi".into())), "1.5Gi");
        for quoted in ["1", "1.5", "true", "", " a", "a\nb", "null", "2024-01-01"] {
            assert_eq!(
                value(&Yaml::Str(quoted.into())),
                crate::diagnostic::json_string(quoted),
                "{quoted:?}"
            );
        }
        assert_eq!(value(&Yaml::Int(1)), "1");
        let map = Yaml::Map(vec![("utc".into(), Yaml::Map(vec![]))]);
        assert_eq!(value(&map), "{utc: {}}");
    }

    #[test]
    fn long_values_are_shown_around_what_changed() {
        let old = format!("{} the end is near", "word ".repeat(40));
        let new = format!("{} the end is here", "word ".repeat(40));
        let (a, b) = around(&old, &new, 72);
        assert!(a.starts_with('…') && a.ends_with("is near"), "{a}");
        assert!(b.starts_with('…') && b.ends_with("is here"), "{b}");
        assert_ne!(a, b);
        assert!(a.chars().count() <= 72);
        // Short values are whole.
        assert_eq!(around("a", "b", 72), ("a".into(), "b".into()));
        // A change at the start keeps the start.
        let (a, b) = around(
            &format!("x{}", "y".repeat(100)),
            &format!("z{}", "y".repeat(100)),
            20,
        );
        assert!(a.starts_with('x') && b.starts_with('z'), "{a} {b}");
        assert!(a.ends_with('…'), "{a}");
    }
}
