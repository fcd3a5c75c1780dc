//! What the target of a `patch` or `remove` selects, for hover and go to
//! definition: a name (also one that a series or a matrix made), a
//! pattern, `series NAME`, `label KEY [== VALUE]`. The rules are the
//! resolver's (compiler/resolve/overlay.rs), read back from the analysis:
//! the resources as built, and those a `remove` took out.

use super::index::{Index, TargetSite};
use super::workspace::Snapshot;
use crate::emit::yaml::Yaml;
use crate::source::Span;
use crate::syntax::ast::{Expr, Item, Kind, Target};

/// One resource a target selects.
pub struct Selected {
    pub kind: Kind,
    pub name: String,
    /// Its place in `catalog.resources` (and `Snapshot::documents`); `None`
    /// for a resource that a `remove` took out.
    pub built: Option<usize>,
    /// The `remove` that took it out.
    pub removed_at: Option<Span>,
}

/// The target under an offset.
pub fn target_at(index: &Index, file: crate::source::FileId, offset: u32) -> Option<&TargetSite> {
    index
        .targets
        .iter()
        .find(|t| t.span.file == file && t.span.start <= offset && offset <= t.span.end)
}

/// The resources a target selects: for a `remove`, those it took out; for
/// a `patch`, those built (and any that a `remove` took out afterwards).
pub fn selected(snapshot: &Snapshot, site: &TargetSite) -> Vec<Selected> {
    let catalog = &snapshot.analysis.catalog;
    let mut out = Vec::new();
    if !site.remove {
        for (i, resource) in catalog.resources.iter().enumerate() {
            if matches(snapshot, site, resource.kind, &resource.name, Some(i)) {
                out.push(Selected {
                    kind: resource.kind,
                    name: resource.name.clone(),
                    built: Some(i),
                    removed_at: None,
                });
            }
        }
    }
    for (kind, name, at) in &catalog.removed {
        if site.remove && *at != site.overlay {
            continue;
        }
        if matches(snapshot, site, *kind, name, None) {
            out.push(Selected {
                kind: *kind,
                name: name.clone(),
                built: None,
                removed_at: Some(*at),
            });
        }
    }
    out
}

fn matches(
    snapshot: &Snapshot,
    site: &TargetSite,
    kind: Kind,
    name: &str,
    built: Option<usize>,
) -> bool {
    if site.kind.is_some_and(|k| k != kind) {
        return false;
    }
    match &site.target {
        Target::Name(wanted, _) => wanted == name,
        Target::Pattern(pattern, _) => glob_match(pattern, name),
        Target::Series(series) => {
            kind == Kind::Instancetype
                && match built {
                    Some(i) => snapshot.analysis.catalog.resources[i]
                        .attributes
                        .iter()
                        .any(|(k, v)| k == "series" && *v == series.name),
                    // A removed resource keeps its name only: a series'
                    // instance types are named `<series>.<size>`.
                    None => name.split('.').next() == Some(series.name.as_str()),
                }
        }
        Target::Label {
            key,
            via_alias,
            value,
            ..
        } => {
            let Some(i) = built else {
                return false;
            };
            let label = if *via_alias {
                match alias_label(snapshot, &key.name, site.kind.or(Some(kind))) {
                    Some(label) => label,
                    None => return false,
                }
            } else {
                key.name.clone()
            };
            let Some(have) = document_label(snapshot, i, &label) else {
                return false;
            };
            match value {
                None => true,
                Some(expr) => cell_text(expr).is_some_and(|want| want == have),
            }
        }
    }
}

/// `*` matches any run of characters (dots included), the rest itself:
/// the pattern must match the whole name (as the resolver's `glob_match`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The label key an alias stands for (`class` → `instancetype.kubevirt.io/class`).
fn alias_label(snapshot: &Snapshot, alias: &str, kind: Option<Kind>) -> Option<String> {
    let mut fallback = None;
    for file in &snapshot.analysis.files {
        for item in &file.ast.items {
            let Item::Alias(def) = item else { continue };
            if def.name.name != alias {
                continue;
            }
            let segments = &def.target.segments;
            let label = match segments.as_slice() {
                [metadata, labels, key]
                    if metadata.name == "metadata" && labels.name == "labels" =>
                {
                    key.name.clone()
                }
                _ => continue,
            };
            if def.kind.is_some() && def.kind == kind {
                return Some(label);
            }
            fallback = fallback.or(Some(label));
        }
    }
    fallback
}

/// A label of a built resource as `citc build` writes it (derived ones included).
fn document_label(snapshot: &Snapshot, index: usize, key: &str) -> Option<String> {
    let Some(Yaml::Map(document)) = snapshot.documents.get(index)?.as_ref() else {
        return None;
    };
    let metadata = lookup(document, "metadata")?;
    let Yaml::Map(labels) = lookup(metadata_map(metadata)?, "labels")? else {
        return None;
    };
    match lookup(labels, key)? {
        Yaml::Str(s) => Some(s.clone()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn metadata_map(value: &Yaml) -> Option<&Vec<(String, Yaml)>> {
    match value {
        Yaml::Map(map) => Some(map),
        _ => None,
    }
}

fn lookup<'a>(map: &'a [(String, Yaml)], key: &str) -> Option<&'a Yaml> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A cell's text, as the resolver compares it with a label's value.
fn cell_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Word(w, _) => Some(w.clone()),
        Expr::Text(t) => t.as_literal(),
        Expr::Int(i, _) => Some(i.to_string()),
        Expr::Quantity(q, _) => Some(q.clone()),
        Expr::Bool(b, _) => Some(b.to_string()),
        Expr::Float(f, _) => Some(f.to_string()),
        _ => None,
    }
}

/// Where a selected resource is defined: the header of its definition or
/// series (a removed one is found by its name).
pub fn defined_at(snapshot: &Snapshot, selected: &Selected) -> Option<Span> {
    if let Some(i) = selected.built {
        return Some(snapshot.analysis.catalog.resources[i].span);
    }
    // The best guess among the templates that can make the name: the one
    // with the most text of its own (`windows.${version}` over `${distro}`).
    let mut best: Option<(usize, Span)> = None;
    let mut consider = |literal: usize, span: Span| {
        if best.is_none_or(|(l, _)| literal > l) {
            best = Some((literal, span));
        }
    };
    for file in &snapshot.analysis.files {
        for item in &file.ast.items {
            match item {
                Item::Definition(def) if def.kind == selected.kind => {
                    let written = match def.name.as_literal() {
                        Some(name) => name,
                        None => template_pattern(snapshot, def.name.span),
                    };
                    if written == selected.name {
                        return Some(def.name.span);
                    }
                    if written.contains('*') && glob_match(&written, &selected.name) {
                        consider(written.replace('*', "").len(), def.name.span);
                    }
                }
                Item::Series(def)
                    if selected.kind == Kind::Instancetype
                        && selected.name.split('.').next() == Some(def.name.name.as_str()) =>
                {
                    consider(def.name.name.len() + 1, def.name.span);
                }
                _ => {}
            }
        }
    }
    best.map(|(_, span)| span)
}

/// A matrix's name template as a pattern: `"windows.${version}"` → `windows.*`.
fn template_pattern(snapshot: &Snapshot, span: Span) -> String {
    let text = &snapshot.analysis.sources.get(span.file).text;
    let written = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default()
        .trim_matches('"');
    let mut out = String::new();
    let mut rest = written;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        out.push('*');
        rest = rest[at..].find('}').map_or("", |end| &rest[at + end + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn patterns_match_whole_names() {
        assert!(glob_match("*", "u1.medium"));
        assert!(glob_match("rhel.9*", "rhel.9.desktop"));
        assert!(glob_match("*.virtio", "windows.11.virtio"));
        assert!(glob_match("app.*.lean", "app.std.bronze.lean"));
        assert!(!glob_match("rhel.9", "rhel.9.desktop"));
        assert!(!glob_match("*.virtio", "windows.11"));
    }
}
