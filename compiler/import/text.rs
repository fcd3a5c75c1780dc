//! How the importer shows values and names as text: scalars as labels
//! show them, a YAML value on one line for messages, and the words the
//! grammar reserves. Below every other file of import/, which all use it.

use crate::yaml::Yaml;

/// A scalar as a label or derive rule shows it.
pub fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::Str(s) => Some(s.clone()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::Float(f) => Some(f.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A YAML value on one line, for messages.
pub fn inline_yaml(value: &Yaml) -> String {
    match value {
        Yaml::Null => "null".into(),
        Yaml::Str(s) => format!("{s:?}"),
        Yaml::Seq(_) | Yaml::Map(_) => "a collection".into(),
        other => scalar_text(other).unwrap_or_default(),
    }
}

const KEYWORDS: &[&str] = &[
    "abstract",
    "alias",
    "allow",
    "derive",
    "except",
    "for",
    "from",
    "if",
    "import",
    "in",
    "instancetype",
    "label",
    "let",
    "mixin",
    "patch",
    "preference",
    "ratio",
    "release",
    "remove",
    "schema",
    "series",
    "sizes",
    "table",
    "type",
    "unset",
    "use",
    "variants",
    "when",
    "true",
    "false",
];

/// A word the grammar reserves: no column or table may be named so.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}
