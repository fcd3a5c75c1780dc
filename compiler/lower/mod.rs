//! Lower: resolved resources become Kubernetes documents. Computes the
//! derived labels from the stdlib's `derive` rules, writes `apiVersion`,
//! `kind` and `metadata.name`, sorts keys in go-yaml v2's order and appends
//! the release's version label last, as upstream's yq step does.

use std::rc::Rc;

use crate::diagnostic::Diagnostic;
use crate::kube::{ApiKind, API_VERSION};
use crate::release::{LabelPosition, Release};
use crate::resolve::{derived_labels, Catalog, Resource};
use crate::syntax::ast::{DeriveRule, Kind};
use crate::value::{Node, Value};
use crate::yaml::{go_yaml_key_cmp, Yaml};

/// How a build stamps the release version on every resource.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    /// The label key; `None` writes no version label.
    pub label: Option<&'a str>,
    pub position: LabelPosition,
    pub version: &'a str,
}

impl<'a> Stamp<'a> {
    pub fn new(release: &'a Release, version: &'a str) -> Stamp<'a> {
        Stamp {
            label: release.version_label.as_deref(),
            position: release.label_position,
            version,
        }
    }
}

/// One Kubernetes document, ready to emit.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: ApiKind,
    pub name: String,
    pub yaml: Yaml,
}

/// Lowers every resource into its two documents, sorted by kind then name.
pub fn lower(catalog: &Catalog, version: &str, diags: &mut Vec<Diagnostic>) -> Vec<Document> {
    let mut documents = Vec::with_capacity(catalog.resources.len() * 2);
    let stamp = Stamp::new(&catalog.release, version);
    for resource in &catalog.resources {
        let Some(cluster) = lower_cluster_document(resource, &catalog.derive_rules, &stamp, diags)
        else {
            continue;
        };
        let [cluster_kind, namespaced_kind] = ApiKind::of(resource.kind);
        let mut namespaced = cluster.clone();
        set_kind(&mut namespaced, namespaced_kind);
        for (kind, yaml) in [(cluster_kind, cluster), (namespaced_kind, namespaced)] {
            documents.push(Document {
                kind,
                name: resource.name.clone(),
                yaml,
            });
        }
    }
    documents.sort_by(|a, b| (a.kind, a.name.as_bytes()).cmp(&(b.kind, b.name.as_bytes())));
    documents
}

/// The cluster-wide document of one resource; the namespaced one differs
/// only in its `kind`. `None` when the resource has errors.
pub fn lower_cluster_document(
    resource: &Resource,
    rules: &[(Kind, DeriveRule)],
    stamp: &Stamp,
    diags: &mut Vec<Diagnostic>,
) -> Option<Yaml> {
    let body = lower_resource(resource, rules, diags)?;
    Some(document(
        ApiKind::of(resource.kind)[0],
        &resource.name,
        body,
        stamp,
    ))
}

/// Sets a document's `kind` (the namespaced twin of a cluster-wide one).
pub fn set_kind(doc: &mut Yaml, kind: ApiKind) {
    if let Yaml::Map(entries) = doc {
        if let Some((_, value)) = entries.iter_mut().find(|(k, _)| k == "kind") {
            *value = Yaml::Str(kind.name().to_string());
        }
    }
}

/// Lowering's own checks (stray top-level fields, hand-written derived
/// labels) without building the documents: what `citc check` needs.
pub fn check(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for resource in &catalog.resources {
        lowered_tree(resource, &catalog.derive_rules, diags);
    }
}

/// The resource's tree with derived labels, checked for stray top-level
/// fields, as a YAML map with sorted keys.
fn lower_resource(
    resource: &Resource,
    rules: &[(Kind, DeriveRule)],
    diags: &mut Vec<Diagnostic>,
) -> Option<Yaml> {
    lowered_tree(resource, rules, diags).map(|tree| to_yaml(&tree))
}

/// The resource's tree with its derived labels; `None` when it has a stray
/// top-level field or a hand-written label that its rules derive otherwise.
fn lowered_tree(
    resource: &Resource,
    rules: &[(Kind, DeriveRule)],
    diags: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let mut tree = resource.tree.clone();
    let Value::Map(top) = &mut tree.value else {
        return None;
    };
    let mut ok = true;
    for (key, node) in top.iter() {
        let allowed = match key.as_str() {
            "spec" => true,
            "metadata" => match &node.value {
                Value::Map(meta) => {
                    for (meta_key, meta_node) in meta.iter() {
                        if meta_key != "labels" && meta_key != "annotations" {
                            diags.push(
                                Diagnostic::new("E0113", meta_node.span, format!("`metadata.{meta_key}` cannot be set in a definition"))
                                    .label("not allowed here")
                                    .help("a definition sets metadata.labels and metadata.annotations; citc writes the name"),
                            );
                            ok = false;
                        }
                    }
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !allowed {
            diags.push(
                Diagnostic::new(
                    "E0113",
                    node.span,
                    format!("unknown top-level field `{key}`"),
                )
                .label("not `metadata` or `spec`")
                .help("fields go under `spec.` or `metadata.labels` / `metadata.annotations`"),
            );
            ok = false;
        }
    }
    let labels = derived_labels(resource, rules);
    if !labels.is_empty() {
        let meta =
            Rc::make_mut(top).get_or_insert_with("metadata", || Node::empty_map(resource.span));
        if let Value::Map(meta) = &mut meta.value {
            let label_map =
                Rc::make_mut(meta).get_or_insert_with("labels", || Node::empty_map(resource.span));
            if let Value::Map(label_map) = &mut label_map.value {
                for (key, value, span) in labels {
                    if let Some(existing) = label_map.get(&key) {
                        if existing.value.as_text().as_deref() != Some(value.as_str()) {
                            diags.push(
                                Diagnostic::new("E0114", existing.span, format!("label `{key}` is derived from the spec, but is written here as {:?}", existing.value.as_text().unwrap_or_default()))
                                    .label("hand-written label")
                                    .with_secondary(span, format!("this rule derives {value:?} for `{}`", resource.name))
                                    .help("remove the hand-written label; citc derives it"),
                            );
                            ok = false;
                            continue;
                        }
                    }
                    Rc::make_mut(label_map).insert(key, Node::new(Value::Str(value), span));
                }
            }
        }
    }
    ok.then_some(tree)
}

/// A value tree as YAML with every map sorted in go-yaml v2's key order.
pub fn to_yaml(node: &Node) -> Yaml {
    match &node.value {
        Value::Str(s) => Yaml::Str(s.clone()),
        Value::Int(i) => Yaml::Int(*i),
        Value::Float(f) => Yaml::Float(*f),
        Value::Bool(b) => Yaml::Bool(*b),
        Value::Quantity(q) => Yaml::Str(q.text.clone()),
        Value::List(items) => Yaml::Seq(items.iter().map(to_yaml).collect()),
        Value::Map(map) => {
            let mut entries: Vec<(String, Yaml)> =
                map.iter().map(|(k, v)| (k.clone(), to_yaml(v))).collect();
            entries.sort_by(|a, b| go_yaml_key_cmp(&a.0, &b.0));
            Yaml::Map(entries)
        }
    }
}

/// The full document: apiVersion, kind, metadata (with name and the version
/// label), spec.
fn document(kind: ApiKind, name: &str, body: Yaml, stamp: &Stamp) -> Yaml {
    let mut metadata: Vec<(String, Yaml)> = Vec::new();
    let mut spec = None;
    if let Yaml::Map(top) = body {
        for (key, value) in top {
            match (key.as_str(), value) {
                ("metadata", Yaml::Map(meta)) => metadata = meta,
                ("spec", v) => spec = Some(v),
                _ => {}
            }
        }
    }
    metadata.push(("name".to_string(), Yaml::Str(name.to_string())));
    metadata.sort_by(|a, b| go_yaml_key_cmp(&a.0, &b.0));
    if let Some(label) = stamp.label {
        stamp_version(&mut metadata, label, stamp);
    }
    let mut doc = vec![
        ("apiVersion".to_string(), Yaml::Str(API_VERSION.to_string())),
        ("kind".to_string(), Yaml::Str(kind.name().to_string())),
        ("metadata".to_string(), Yaml::Map(metadata)),
    ];
    if let Some(spec) = spec {
        doc.push(("spec".to_string(), spec));
    }
    Yaml::Map(doc)
}

/// Adds the version label to sorted metadata. `Last` does what upstream's
/// release step (`yq '.metadata.labels["KEY"] = VERSION'`) does after
/// kustomize sorted the keys: the label goes after the other labels, and a
/// missing `labels` map is added after the other metadata keys.
fn stamp_version(metadata: &mut Vec<(String, Yaml)>, label: &str, stamp: &Stamp) {
    let entry = (label.to_string(), Yaml::Str(stamp.version.to_string()));
    let labels = metadata.iter_mut().find(|(k, _)| k == "labels");
    match (labels, stamp.position) {
        (Some((_, Yaml::Map(labels))), LabelPosition::Last) => {
            labels.retain(|(k, _)| k != label);
            labels.push(entry);
        }
        (Some((_, Yaml::Map(labels))), LabelPosition::Sorted) => {
            labels.retain(|(k, _)| k != label);
            labels.push(entry);
            labels.sort_by(|a, b| go_yaml_key_cmp(&a.0, &b.0));
        }
        _ => {
            metadata.retain(|(k, _)| k != "labels");
            metadata.push(("labels".to_string(), Yaml::Map(vec![entry])));
            if stamp.position == LabelPosition::Sorted {
                metadata.sort_by(|a, b| go_yaml_key_cmp(&a.0, &b.0));
            }
        }
    }
}
