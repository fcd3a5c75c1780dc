//! Names and text for matrices: names read as prefix + key + suffix,
//! string templates (`"Fedora (${arch})"`)
//! found in what rows share, column and table names, row keys as cells,
//! and the natural order of keys (`2k3` before `2k12`).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::syntax::ast::{AliasDef, Kind};
use crate::yaml::Yaml;

use super::model::{Field, Part};
use super::text::is_keyword;
use crate::syntax::string_literal;

/// A preference as this pass sees it: its name, every field it sets beyond
/// the root (mixins written out, sorted by path), and the lines it takes
/// when written alone; `fields` is `None` when it cannot be a row.
pub struct Pref {
    pub name: String,
    pub fields: Option<Vec<Field>>,
    pub alone: usize,
}

/// What separates a name's key from its suffix (`.`, and `-` or `_` in
/// catalogs of other conventions).
pub(super) const SEPARATORS: [char; 3] = ['.', '-', '_'];

/// Numbers in text compare by value: `2k3` < `2k12` < `7` < `10` < `xp`.
pub(super) fn natural(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(&rb) {
        let order = match (x.0, y.0) {
            (true, true) => {
                let (tx, ty) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then(tx.cmp(ty))
            }
            // Digits before letters.
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.1.cmp(y.1),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    ra.len().cmp(&rb.len()).then(a.cmp(b))
}

/// A row key as a cell: a canonical integer is written as one (`10`), so
/// that tables, `when` and `except` read naturally; its text is the same.
pub(super) fn key_cell(text: &str) -> Yaml {
    match text.parse::<i64>() {
        Ok(i) if i.to_string() == text => Yaml::Int(i),
        _ => Yaml::Str(text.to_string()),
    }
}

/// The longest prefix and suffix every text shares, cut where a word or a
/// number ends (`Fedora (` not `Fedora (a` for amd64 and arm64).
pub(super) fn common_ends(texts: &[String]) -> (String, String) {
    let refs: Vec<&String> = texts.iter().collect();
    let mut left = common_prefix(&refs).to_string();
    while !left.is_empty() && !texts.iter().all(|t| boundary(t, left.len())) {
        left.pop();
    }

    let rests: Vec<String> = texts
        .iter()
        .map(|t| t[left.len()..].chars().rev().collect())
        .collect();
    let rest_refs: Vec<&String> = rests.iter().collect();
    let mut right: String = common_prefix(&rest_refs).chars().rev().collect();
    // What varies keeps its brackets whole: `${title}` for `Desktop (amd64)`.
    let fits = |right: &str| {
        texts.iter().all(|t| {
            boundary(t, t.len() - right.len()) && balanced(&t[left.len()..t.len() - right.len()])
        })
    };
    while !right.is_empty() && !fits(&right) {
        right.remove(0);
    }
    (left, right)
}

/// Every bracket closed, in order.
pub(super) fn balanced(text: &str) -> bool {
    let mut open = Vec::new();
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => open.push(c),
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if open.pop() != Some(want) {
                    return false;
                }
            }
            _ => {}
        }
    }
    open.is_empty()
}

/// Is byte `at` of `t` between two characters of different kinds (or an end)?
pub(super) fn boundary(t: &str, at: usize) -> bool {
    if !t.is_char_boundary(at) {
        return false;
    }
    let (Some(before), Some(after)) = (t[..at].chars().last(), t[at..].chars().next()) else {
        return true;
    };
    let class = |c: char| {
        if c.is_ascii_digit() {
            1
        } else if c.is_alphanumeric() {
            2
        } else {
            0
        }
    };
    class(before) == 0 || class(after) == 0 || class(before) != class(after)
}

pub(super) fn common_prefix<'t>(texts: &[&'t String]) -> &'t str {
    let Some(first) = texts.first() else {
        return "";
    };
    let mut len = first.len();
    for t in &texts[1..] {
        len = first
            .char_indices()
            .zip(t.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    &first[..len]
}

pub(super) fn merge_text(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for part in parts {
        match (out.last_mut(), part) {
            (_, Part::Text(t)) if t.is_empty() => {}
            (Some(Part::Text(a)), Part::Text(b)) => a.push_str(&b),
            (_, part) => out.push(part),
        }
    }
    out
}

/// A template as a `.cit` string: text escaped, columns as `${name}`.
pub fn template_literal(parts: &[Part]) -> String {
    let mut out = String::from("\"");
    for part in parts {
        match part {
            Part::Text(t) => {
                let quoted = string_literal(t);
                out.push_str(&quoted[1..quoted.len() - 1]);
            }
            Part::Column(c) => {
                out.push_str("${");
                out.push_str(c);
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

/// A column's name for a field: the alias that writes the path, else its
/// last telling key, in snake case (`interface_model`, `display_name`).
pub(super) fn column_name(path: &[String], aliases: &[AliasDef]) -> String {
    let alias = aliases.iter().find(|a| {
        a.kind.is_none_or(|k| k == Kind::Preference)
            && a.target.segments.len() == path.len()
            && a.target
                .segments
                .iter()
                .zip(path)
                .all(|(s, p)| s.name == *p)
    });
    let raw = match alias {
        Some(a) => a.name.name.clone(),
        None => path
            .iter()
            .rev()
            .find(|s| !["guest", "value", "spec", "metadata"].contains(&s.as_str()))
            .map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
            .unwrap_or_default(),
    };
    let mut snake = String::new();
    for c in raw.chars() {
        if c.is_ascii_uppercase() {
            if !snake.is_empty() && !snake.ends_with('_') {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            snake.push(c);
        } else if !snake.ends_with('_') {
            snake.push('_');
        }
    }
    let snake = snake.trim_matches('_');
    let snake = snake.strip_prefix("preferred_").unwrap_or(snake);
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        "column".into()
    } else {
        snake.to_string()
    }
}

/// `name`, or `name_2`, `name_3`, … when it is taken.
pub(super) fn unique(name: &str, taken: &[String]) -> String {
    let reserved = |n: &str| taken.iter().any(|t| t == n) || is_keyword(n);
    if !reserved(name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{name}_{i}"))
        .find(|n| !reserved(n))
        .unwrap_or_default()
}

/// One row of a candidate: a preference and its key and suffix indices.
#[derive(Clone)]
pub(super) struct Row {
    pub member: usize,
    pub key: usize,
    pub suffix: usize,
}

/// A candidate matrix: names `prefix + key + suffix`.
pub(super) struct Shape {
    pub prefix: String,
    pub keys: Vec<String>,
    pub suffixes: Vec<String>,
    pub rows: Vec<Row>,
}

/// `name` as `prefix` + key + suffix: the key has no separator, the suffix
/// is empty or one separator and a word; a key follows a separator or is a
/// number after letters (`centos.stream` `9`).
fn split(name: &str, prefix: &str) -> Option<(String, String)> {
    let rest = name.strip_prefix(prefix)?;
    let (key, suffix) = match rest.find(SEPARATORS) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if suffix.len() == 1 || suffix.get(1..).is_some_and(|s| s.contains(SEPARATORS)) {
        return None;
    }
    if let (Some(last), Some(first)) = (prefix.chars().last(), key.chars().next()) {
        let boundary =
            SEPARATORS.contains(&last) || (last.is_ascii_alphabetic() && first.is_ascii_digit());
        if !boundary {
            return None;
        }
    }
    Some((key.to_string(), suffix.to_string()))
}

/// Every candidate: for each prefix, each set of suffixes, with either the
/// keys that have all of them or the keys that have any (then `except`).
pub(super) fn shapes(prefs: &[Pref]) -> Vec<Shape> {
    let mut prefixes: BTreeSet<&str> = BTreeSet::new();
    for pref in prefs.iter().filter(|p| p.fields.is_some()) {
        for (at, _) in pref.name.char_indices().chain([(pref.name.len(), ' ')]) {
            let prefix = &pref.name[..at];
            if split(&pref.name, prefix).is_some() {
                prefixes.insert(prefix);
            }
        }
    }
    let mut out = Vec::new();
    // The longest prefix first: of two readings of the same names,
    // `corp-win${version}` (2019) beats `corp-${version}` (win2019).
    for prefix in prefixes.into_iter().rev() {
        let mut parsed: Vec<(usize, String, String)> = prefs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.fields.is_some())
            .filter_map(|(i, p)| split(&p.name, prefix).map(|(k, s)| (i, k, s)))
            .collect();
        // A name equal to the prefix has no key: it cannot sit among keys.
        if parsed.iter().any(|(_, k, _)| !k.is_empty()) {
            parsed.retain(|(_, k, _)| !k.is_empty());
        }
        let mut suffixes: Vec<String> = parsed.iter().map(|(_, _, s)| s.clone()).collect();
        suffixes.sort_by(|a, b| natural(a, b));
        suffixes.dedup();
        if parsed.len() < 2 || suffixes.len() > 8 {
            continue;
        }
        for mask in 1u32..(1 << suffixes.len()) {
            let chosen: Vec<&String> = (0..suffixes.len())
                .filter(|b| mask & (1 << b) != 0)
                .map(|b| &suffixes[b])
                .collect();
            let within: Vec<&(usize, String, String)> = parsed
                .iter()
                .filter(|(_, _, s)| chosen.contains(&s))
                .collect();
            let mut any: Vec<String> = within.iter().map(|(_, k, _)| k.clone()).collect();
            any.sort_by(|a, b| natural(a, b));
            any.dedup();
            let all: Vec<String> = any
                .iter()
                .filter(|k| {
                    chosen
                        .iter()
                        .all(|s| within.iter().any(|(_, k2, s2)| k2 == *k && s2 == *s))
                })
                .cloned()
                .collect();
            for keys in [all, any] {
                let rows: Vec<Row> = within
                    .iter()
                    .filter_map(|(m, k, s)| {
                        Some(Row {
                            member: *m,
                            key: keys.iter().position(|x| x == k)?,
                            suffix: chosen.iter().position(|x| *x == s)?,
                        })
                    })
                    .collect();
                if rows.len() < 2 || keys.is_empty() {
                    continue;
                }
                out.push(Shape {
                    prefix: prefix.to_string(),
                    keys,
                    suffixes: chosen.iter().map(|s| s.to_string()).collect(),
                    rows,
                });
            }
        }
    }
    out
}
