//! Provenance: why a resource has each of its values. The resolver records
//! the assignments while it resolves (see `resolve::Provenance`, off unless
//! asked for); this module adds what lowering writes (derived labels, the
//! name, the version label), finds resources and fields as an author names
//! them, and renders ([`render`]) the annotated document and a field's chain.
//!
//! It never resolves by itself: it reads a traced [`Analysis`](crate::Analysis).

mod cite;
pub mod render;

pub use cite::cite;

use crate::kube::ApiKind;
use crate::lower::{self, Stamp};
use crate::resolve::{derived_labels, Action, Assignment, Catalog, Provenance, Resource};
use crate::suggest::closest;
use crate::syntax::ast::Kind;
use crate::value::{Node, Value};
use crate::yaml::Yaml;

/// One resource as `citc show` prints it: the document the build writes
/// for it, and every assignment of each of its fields, in order.
pub struct Shown<'c> {
    pub resource: &'c Resource,
    pub kind: ApiKind,
    pub document: Yaml,
    pub history: Vec<Assignment>,
}

/// The kinds a resource may be asked for by: its own keyword, or one of
/// the two API kinds it becomes.
pub const KIND_NAMES: [&str; 6] = [
    "instancetype",
    "preference",
    "VirtualMachineClusterInstancetype",
    "VirtualMachineClusterPreference",
    "VirtualMachineInstancetype",
    "VirtualMachinePreference",
];

/// `--kind`: the resource kind, and the API kind when one was named.
pub fn parse_kind(text: &str) -> Option<(Kind, Option<ApiKind>)> {
    match text.to_ascii_lowercase().as_str() {
        "instancetype" | "instancetypes" => Some((Kind::Instancetype, None)),
        "preference" | "preferences" => Some((Kind::Preference, None)),
        lower => ApiKind::ALL
            .into_iter()
            .find(|k| k.name().to_ascii_lowercase() == lower)
            .map(|api| {
                let kind = match api {
                    ApiKind::VirtualMachineClusterInstancetype
                    | ApiKind::VirtualMachineInstancetype => Kind::Instancetype,
                    _ => Kind::Preference,
                };
                (kind, Some(api))
            }),
    }
}

/// Why a resource could not be found.
#[derive(Debug, PartialEq, Eq)]
pub enum NotFound {
    /// No resource of that name (and kind); the closest name, if any.
    Unknown { closest: Option<String> },
    /// An instance type and a preference share the name: `--kind` decides.
    Ambiguous,
}

/// The resource named `name`, of `kind` when given.
pub fn find<'c>(
    catalog: &'c Catalog,
    name: &str,
    kind: Option<Kind>,
) -> Result<&'c Resource, NotFound> {
    let of_kind = |r: &&Resource| kind.is_none_or(|k| k == r.kind);
    let mut matches = catalog
        .resources
        .iter()
        .filter(of_kind)
        .filter(|r| r.name == name);
    match (matches.next(), matches.next()) {
        (Some(one), None) => Ok(one),
        (Some(_), Some(_)) => Err(NotFound::Ambiguous),
        (None, _) => {
            let names = catalog
                .resources
                .iter()
                .filter(of_kind)
                .map(|r| r.name.as_str());
            Err(NotFound::Unknown {
                closest: closest(name, names).map(str::to_string),
            })
        }
    }
}

/// Lowers `resource` as the build does and gathers its whole history: the
/// resolver's assignments, then the derived labels and what citc writes.
/// `None` when lowering fails (the catalog has errors) or the analysis was
/// not traced.
pub fn show<'c>(
    catalog: &'c Catalog,
    resource: &'c Resource,
    kind: ApiKind,
    version: &str,
) -> Option<Shown<'c>> {
    let provenance = catalog.provenance.as_ref()?;
    let stamp = Stamp::new(&catalog.release, version);
    let mut diags = Vec::new();
    let mut document =
        lower::lower_cluster_document(resource, &catalog.derive_rules, &stamp, &mut diags)?;
    lower::set_kind(&mut document, kind);
    let history = history(catalog, provenance, resource, kind, version);
    Some(Shown {
        resource,
        kind,
        document,
        history,
    })
}

fn history(
    catalog: &Catalog,
    provenance: &Provenance,
    resource: &Resource,
    kind: ApiKind,
    version: &str,
) -> Vec<Assignment> {
    let key = (resource.kind, resource.name.clone());
    let mut out = provenance.resources.get(&key).cloned().unwrap_or_default();
    let entry = |path: &[&str], value: &str, at, action| Assignment {
        path: path.iter().map(|k| k.to_string()).collect(),
        at,
        statement: at,
        action,
        value: Some(Node::new(Value::Str(value.to_string()), at)),
        via: Vec::new(),
        alias: None,
        cell: None,
    };
    for (label, value, rule) in derived_labels(resource, &catalog.derive_rules) {
        out.push(entry(
            &["metadata", "labels", &label],
            &value,
            rule,
            Action::Derived,
        ));
    }
    let at = resource.span;
    out.push(entry(
        &["apiVersion"],
        crate::kube::API_VERSION,
        at,
        Action::Written,
    ));
    out.push(entry(&["kind"], kind.name(), at, Action::Written));
    out.push(entry(
        &["metadata", "name"],
        &resource.name,
        at,
        Action::Written,
    ));
    if let Some(label) = &catalog.release.version_label {
        let at = provenance.version_label.unwrap_or(at);
        out.push(entry(
            &["metadata", "labels", label],
            version,
            at,
            Action::Written,
        ));
    }
    out
}

impl Shown<'_> {
    /// Every assignment of the field at `path`, in order (the winner last):
    /// those that set it, and the `unset`s of it or of a map above it.
    pub fn chain(&self, path: &[String]) -> Vec<&Assignment> {
        self.history
            .iter()
            .filter(|a| a.path == path || (a.action == Action::Unset && path.starts_with(&a.path)))
            .collect()
    }

    /// The assignment whose value the field has: the last that set it.
    pub fn winner(&self, path: &[String]) -> Option<&Assignment> {
        self.history
            .iter()
            .rev()
            .find(|a| a.path == path && a.action != Action::Unset)
    }

    /// The fields of the document (its leaves) at or under `prefix`.
    pub fn fields(&self, prefix: &[String]) -> Vec<(Vec<String>, &Yaml)> {
        let mut out = Vec::new();
        yaml_leaves(&self.document, &mut Vec::new(), &mut out);
        out.retain(|(path, _)| path.starts_with(prefix));
        out
    }

    /// A field path as the author writes it (`spec.cpu.guest`,
    /// `displayName`, `metadata.labels."instancetype.kubevirt.io/vendor"`):
    /// its keys, with an alias expanded. Errors say what is closest.
    pub fn field_path(&self, text: &str, provenance: &Provenance) -> Result<Vec<String>, String> {
        let mut keys = split_path(text)?;
        if let Some(target) = provenance.alias(&keys[0], self.resource.kind) {
            keys.splice(0..1, target.iter().cloned());
        }
        if !self.fields(&keys).is_empty() {
            return Ok(keys);
        }
        let paths: Vec<String> = self
            .fields(&[])
            .into_iter()
            .flat_map(|(path, _)| {
                // Every map on the way is a field too.
                (1..=path.len())
                    .map(|n| render::dotted(&path[..n]))
                    .collect::<Vec<_>>()
            })
            .collect();
        let typed = render::dotted(&keys);
        let aliases = provenance
            .aliases
            .iter()
            .filter(|(_, k, _)| k.is_none_or(|k| k == self.resource.kind))
            .map(|(name, _, _)| name.as_str());
        let candidates = paths.iter().map(String::as_str).chain(aliases);
        let help = match closest(&typed, candidates.clone()).or_else(|| closest(text, candidates)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "its top-level fields: {}",
                top_level(&self.document).join(", ")
            ),
        };
        Err(format!(
            "`{}` has no field `{text}`\n  help: {help}",
            self.resource.name
        ))
    }
}

fn top_level(doc: &Yaml) -> Vec<&str> {
    match doc {
        Yaml::Map(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// Every leaf of a document (scalars, lists, empty maps) with its keys.
fn yaml_leaves<'y>(
    node: &'y Yaml,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'y Yaml)>,
) {
    match node {
        Yaml::Map(entries) if !entries.is_empty() => {
            for (key, child) in entries {
                prefix.push(key.clone());
                yaml_leaves(child, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push((prefix.clone(), node)),
    }
}

/// Splits a dotted path; `"…"` quotes a segment that holds dots or slashes.
pub fn split_path(text: &str) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                if current.is_empty() && !was_quoted {
                    return Err(format!("`{text}` has an empty segment"));
                }
                keys.push(std::mem::take(&mut current));
                was_quoted = false;
            }
            _ => current.push(c),
        }
    }
    if quoted {
        return Err(format!("`{text}` has an unclosed quote"));
    }
    if current.is_empty() && !was_quoted {
        return Err(format!("`{text}` has an empty segment"));
    }
    keys.push(current);
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_on_dots_outside_quotes() {
        assert_eq!(
            split_path(r#"metadata.labels."instancetype.kubevirt.io/vendor""#).unwrap(),
            ["metadata", "labels", "instancetype.kubevirt.io/vendor"]
        );
        assert_eq!(
            split_path("spec.cpu.guest").unwrap(),
            ["spec", "cpu", "guest"]
        );
        assert!(split_path("spec..cpu").is_err());
        assert!(split_path("spec.\"cpu").is_err());
    }

    #[test]
    fn kinds_are_keywords_or_api_kinds() {
        assert_eq!(parse_kind("instancetype"), Some((Kind::Instancetype, None)));
        assert_eq!(
            parse_kind("VirtualMachinePreference"),
            Some((Kind::Preference, Some(ApiKind::VirtualMachinePreference)))
        );
        assert_eq!(parse_kind("pod"), None);
    }
}
