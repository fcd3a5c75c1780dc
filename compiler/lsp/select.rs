//! What the target of a `patch` or `remove` selects, for hover and go to
//! definition: a name (also one that a series or a matrix made), a
//! pattern, `series NAME`, `label KEY [== VALUE]`. The rules are the
//! resolver's (compiler/resolve/overlay.rs), read back from the analysis:
//! the resources as built, and those a `remove` took out.

use super::index::{Index, TargetSite};
use super::workspace::Snapshot;
use crate::resolve::Resource;
use crate::source::Span;
use crate::syntax::ast::{Expr, Item, Kind, Target};
use crate::yaml::Yaml;

/// One resource a target selects.
pub struct Selected {
    pub kind: Kind,
    pub name: String,
    /// Its place in `catalog.resources` (and `Snapshot::documents`); `None`
    /// for a resource that a `remove` took out.
    pub built: Option<usize>,
    /// The `remove` that took it out.
    pub removed_at: Option<Span>,
    /// Where it is defined: its definition's or series' name.
    pub defined: Span,
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
            if matches(snapshot, site, resource, Some(i)) {
                out.push(Selected {
                    kind: resource.kind,
                    name: resource.name.clone(),
                    built: Some(i),
                    removed_at: None,
                    defined: resource.span,
                });
            }
        }
    }
    for (resource, at) in &catalog.removed {
        if site.remove && *at != site.overlay {
            continue;
        }
        if matches(snapshot, site, resource, None) {
            out.push(Selected {
                kind: resource.kind,
                name: resource.name.clone(),
                built: None,
                removed_at: Some(*at),
                defined: resource.span,
            });
        }
    }
    out
}

fn matches(
    snapshot: &Snapshot,
    site: &TargetSite,
    resource: &Resource,
    built: Option<usize>,
) -> bool {
    let (kind, name) = (resource.kind, resource.name.as_str());
    if site.kind.is_some_and(|k| k != kind) {
        return false;
    }
    match &site.target {
        Target::Name(wanted, _) => wanted == name,
        Target::Pattern(pattern, _) => glob_match(pattern, name),
        Target::Series(series) => {
            kind == Kind::Instancetype
                && resource
                    .attributes
                    .iter()
                    .any(|(k, v)| k == "series" && *v == series.name)
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
