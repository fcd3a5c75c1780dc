//! What the page shows, read from the lowered documents (the YAML citc
//! builds) and, for what a document does not say, from the resolved
//! resources: the series and size an instance type was made from, and a
//! series' declared ratio.

use std::collections::HashMap;

use crate::doc::features::{Feature, FEATURES};
use crate::kube::ApiKind;
use crate::lower::Document;
use crate::resolve::{Catalog, Resource};
use crate::syntax::ast::Kind;
use crate::value::Quantity;
use crate::yaml::{write_document, Yaml};

/// Everything the page shows.
pub struct Model {
    pub series: Vec<Series>,
    /// The rows of the size grid, in the order the series list them.
    pub sizes: Vec<String>,
    pub instancetypes: Vec<Instancetype>,
    pub preferences: Vec<Preference>,
}

pub struct Series {
    pub name: String,
    pub display_name: String,
    pub class: String,
    pub description: String,
    /// `1:4`: the declared ratio, else the one most of its sizes have.
    pub ratio: Option<String>,
    /// Whether `ratio` was declared (`ratio 1:4`) rather than read from the sizes.
    pub ratio_declared: bool,
    /// The features every instance type of the series has, with their
    /// values joined (`2Mi, 1Gi`).
    pub features: Vec<(&'static Feature, String)>,
    /// Indexes into [`Model::instancetypes`].
    pub members: Vec<usize>,
}

pub struct Instancetype {
    pub name: String,
    /// The series it was made from; `None` for an instance type defined on its own.
    pub series: Option<String>,
    pub size: Option<String>,
    pub display_name: String,
    pub cpu: Option<i64>,
    pub memory: Option<Quantity>,
    pub features: Vec<(&'static Feature, String)>,
    pub labels: Vec<(String, String)>,
    /// The documents to apply: cluster-wide, then namespaced.
    pub yaml: [String; 2],
}

pub struct Preference {
    pub name: String,
    pub display_name: String,
    /// `spec.requirements.architecture`, else `spec.preferredArchitecture`.
    pub architecture: Option<String>,
    pub required_cpu: Option<i64>,
    pub required_memory: Option<Quantity>,
    /// Every field under `spec.requirements`, as (dotted path, value).
    pub requirements: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    pub yaml: [String; 2],
    /// Indexes into [`Model::instancetypes`] of those that meet the requirements.
    pub fits: Vec<usize>,
}

impl Instancetype {
    /// Whether it meets `preference`'s cpu and memory requirements, as
    /// KubeVirt checks them: guest vCPUs and guest memory at least the
    /// required ones.
    pub fn meets(&self, preference: &Preference) -> bool {
        let cpu = match preference.required_cpu {
            Some(required) => self.cpu.is_some_and(|cpu| cpu >= required),
            None => true,
        };
        let memory = match &preference.required_memory {
            Some(required) => self
                .memory
                .as_ref()
                .is_some_and(|m| m.millis >= required.millis),
            None => true,
        };
        cpu && memory
    }
}

/// Builds the model from the catalog and its lowered documents.
pub fn model(catalog: &Catalog, documents: &[Document]) -> Model {
    let documents = Documents::new(documents);
    let instancetypes = instancetypes(catalog, &documents);
    let declared = declared_series(catalog);
    let series = declared
        .iter()
        .filter_map(|(name, ratio, _)| series(name, ratio.clone(), &instancetypes, &documents))
        .collect();
    let sizes: Vec<Vec<String>> = declared.into_iter().map(|(_, _, sizes)| sizes).collect();
    let preferences = preferences(catalog, &documents, &instancetypes);
    Model {
        series,
        sizes: merge_orders(&sizes),
        instancetypes,
        preferences,
    }
}

/// The lowered documents by kind and name.
struct Documents<'a>(HashMap<(ApiKind, &'a str), &'a Document>);

impl<'a> Documents<'a> {
    fn new(documents: &'a [Document]) -> Documents<'a> {
        Documents(
            documents
                .iter()
                .map(|d| ((d.kind, d.name.as_str()), d))
                .collect(),
        )
    }

    /// A resource's cluster-wide and namespaced documents.
    fn pair(&self, kind: Kind, name: &str) -> Option<[&'a Document; 2]> {
        let [cluster, namespaced] = ApiKind::of(kind);
        Some([
            *self.0.get(&(cluster, name))?,
            *self.0.get(&(namespaced, name))?,
        ])
    }
}

fn attribute(resource: &Resource, key: &str) -> Option<String> {
    resource
        .attributes
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

/// The series in the order the catalog makes them, each with its declared
/// ratio and its sizes in the order of its size table.
fn declared_series(catalog: &Catalog) -> Vec<(String, Option<String>, Vec<String>)> {
    let mut declared: Vec<(String, Option<String>, Vec<String>)> = Vec::new();
    for r in catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Instancetype)
    {
        let Some(name) = attribute(r, "series") else {
            continue;
        };
        let index = match declared.iter().position(|(n, _, _)| *n == name) {
            Some(index) => index,
            None => {
                let ratio = r
                    .ratio
                    .map(|ratio| format!("{}:{}", ratio.cpu, ratio.memory_gib));
                declared.push((name, ratio, Vec::new()));
                declared.len() - 1
            }
        };
        declared[index].2.extend(attribute(r, "size"));
    }
    declared
}

/// Every instance type, by name (the order of a bundle).
fn instancetypes(catalog: &Catalog, documents: &Documents) -> Vec<Instancetype> {
    let mut resources: Vec<&Resource> = catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Instancetype)
        .collect();
    resources.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    resources
        .into_iter()
        .filter_map(|r| {
            let [cluster, namespaced] = documents.pair(Kind::Instancetype, &r.name)?;
            let spec = at(&cluster.yaml, &["spec"]).cloned().unwrap_or(Yaml::Null);
            Some(Instancetype {
                name: r.name.clone(),
                series: attribute(r, "series"),
                size: attribute(r, "size"),
                display_name: text_at(
                    &cluster.yaml,
                    &[
                        "metadata",
                        "annotations",
                        "instancetype.kubevirt.io/displayName",
                    ],
                ),
                cpu: int_at(&spec, &["cpu", "guest"]),
                memory: quantity_at(&spec, &["memory", "guest"]),
                features: FEATURES
                    .iter()
                    .filter_map(|f| (f.value)(&r.tree).map(|value| (f, value)))
                    .collect(),
                labels: labels(&cluster.yaml),
                yaml: [render(&cluster.yaml), render(&namespaced.yaml)],
            })
        })
        .collect()
}

/// A series from its instance types; its name, class and description are
/// those its instance types carry. `None` when it made none.
fn series(
    name: &str,
    declared_ratio: Option<String>,
    instancetypes: &[Instancetype],
    documents: &Documents,
) -> Option<Series> {
    let members: Vec<usize> = (0..instancetypes.len())
        .filter(|&i| instancetypes[i].series.as_deref() == Some(name))
        .collect();
    let first = &instancetypes[*members.first()?];
    let [doc, _] = documents.pair(Kind::Instancetype, &first.name)?;
    let annotation = |key: &str| text_at(&doc.yaml, &["metadata", "annotations", key]);
    // A feature of the series is one every member has; values are joined.
    let features = FEATURES
        .iter()
        .filter_map(|f| {
            let mut values: Vec<&str> = Vec::new();
            for &i in &members {
                let (_, value) = instancetypes[i]
                    .features
                    .iter()
                    .find(|(g, _)| g.key == f.key)?;
                if !value.is_empty() && !values.contains(&value.as_str()) {
                    values.push(value);
                }
            }
            Some((f, values.join(", ")))
        })
        .collect();
    Some(Series {
        name: name.to_string(),
        display_name: annotation("instancetype.kubevirt.io/displayName"),
        class: text_at(
            &doc.yaml,
            &["metadata", "labels", "instancetype.kubevirt.io/class"],
        ),
        description: annotation("instancetype.kubevirt.io/description"),
        ratio_declared: declared_ratio.is_some(),
        ratio: declared_ratio.or_else(|| common_ratio(members.iter().map(|&i| &instancetypes[i]))),
        features,
        members,
    })
}

/// Every preference, by name, with the instance types that meet it.
fn preferences(
    catalog: &Catalog,
    documents: &Documents,
    instancetypes: &[Instancetype],
) -> Vec<Preference> {
    let mut names: Vec<&str> = catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Preference)
        .map(|r| r.name.as_str())
        .collect();
    names.sort_unstable_by_key(|n| n.as_bytes());
    names
        .into_iter()
        .filter_map(|name| {
            let [cluster, namespaced] = documents.pair(Kind::Preference, name)?;
            let spec = at(&cluster.yaml, &["spec"]).cloned().unwrap_or(Yaml::Null);
            let mut requirements = Vec::new();
            if let Some(tree) = at(&spec, &["requirements"]) {
                flatten(tree, "", &mut requirements);
            }
            let mut preference = Preference {
                name: name.to_string(),
                display_name: text_at(
                    &cluster.yaml,
                    &["metadata", "annotations", "openshift.io/display-name"],
                ),
                architecture: at(&spec, &["requirements", "architecture"])
                    .or_else(|| at(&spec, &["preferredArchitecture"]))
                    .map(scalar),
                required_cpu: int_at(&spec, &["requirements", "cpu", "guest"]),
                required_memory: quantity_at(&spec, &["requirements", "memory", "guest"]),
                requirements,
                labels: labels(&cluster.yaml),
                yaml: [render(&cluster.yaml), render(&namespaced.yaml)],
                fits: Vec::new(),
            };
            preference.fits = (0..instancetypes.len())
                .filter(|&i| instancetypes[i].meets(&preference))
                .collect();
            Some(preference)
        })
        .collect()
}

fn int_at(yaml: &Yaml, path: &[&str]) -> Option<i64> {
    match at(yaml, path) {
        Some(Yaml::Int(n)) => Some(*n),
        _ => None,
    }
}

fn quantity_at(yaml: &Yaml, path: &[&str]) -> Option<Quantity> {
    at(yaml, path).and_then(|q| Quantity::parse(&scalar(q)))
}

/// The vCPU-to-memory ratio (`1:4`, memory in GiB per vCPU) that most of
/// `types` have; `None` when none has a whole one.
fn common_ratio<'a>(types: impl Iterator<Item = &'a Instancetype>) -> Option<String> {
    let mut counts: Vec<(i128, usize)> = Vec::new();
    for t in types {
        let (Some(cpu), Some(memory)) = (t.cpu, &t.memory) else {
            continue;
        };
        let gib = 1000_i128 << 30;
        if cpu <= 0 || memory.millis % (gib * cpu as i128) != 0 {
            continue;
        }
        let per_cpu = memory.millis / gib / cpu as i128;
        match counts.iter_mut().find(|(r, _)| *r == per_cpu) {
            Some((_, n)) => *n += 1,
            None => counts.push((per_cpu, 1)),
        }
    }
    // The most frequent; on a tie the first seen, so the output is stable.
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .iter()
        .find(|(_, n)| *n == best)
        .map(|(r, _)| format!("1:{r}"))
}

/// One order that keeps the order of every list: a name new to the merged
/// list goes after the name before it in its own list and after the names
/// other lists placed there (`large1gi` stays next to `large`); a list's
/// first new names go before the first merged name that follows them.
fn merge_orders(lists: &[Vec<String>]) -> Vec<String> {
    let mut merged: Vec<String> = Vec::new();
    for list in lists {
        let mut after: Option<usize> = None;
        for (n, name) in list.iter().enumerate() {
            if let Some(i) = merged.iter().position(|m| m == name) {
                after = Some(i);
                continue;
            }
            let at = match after {
                Some(i) => {
                    let mut at = i + 1;
                    while at < merged.len() && !list.contains(&merged[at]) {
                        at += 1;
                    }
                    at
                }
                None => list[n..]
                    .iter()
                    .find_map(|later| merged.iter().position(|m| m == later))
                    .unwrap_or(merged.len()),
            };
            merged.insert(at, name.clone());
            after = Some(at);
        }
    }
    merged
}

/// The document as `citc build` writes it into a bundle.
fn render(yaml: &Yaml) -> String {
    let mut out = String::new();
    write_document(&mut out, yaml);
    out
}

fn labels(doc: &Yaml) -> Vec<(String, String)> {
    match at(doc, &["metadata", "labels"]) {
        Some(Yaml::Map(entries)) => entries
            .iter()
            .map(|(k, v)| (k.clone(), scalar(v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every scalar under `tree` as (dotted path, value).
fn flatten(tree: &Yaml, prefix: &str, out: &mut Vec<(String, String)>) {
    match tree {
        Yaml::Map(entries) => {
            for (key, value) in entries {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(value, &path, out);
            }
        }
        _ => out.push((prefix.to_string(), scalar(tree))),
    }
}

fn at<'a>(yaml: &'a Yaml, path: &[&str]) -> Option<&'a Yaml> {
    let mut node = yaml;
    for key in path {
        let Yaml::Map(entries) = node else {
            return None;
        };
        node = &entries.iter().find(|(k, _)| k == key)?.1;
    }
    Some(node)
}

fn text_at(yaml: &Yaml, path: &[&str]) -> String {
    at(yaml, path).map(scalar).unwrap_or_default()
}

/// A value on one line, as the page shows it.
fn scalar(value: &Yaml) -> String {
    match value {
        Yaml::Str(s) => s.clone(),
        Yaml::Int(i) => i.to_string(),
        Yaml::Float(f) => f.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "null".to_string(),
        other => crate::diff::inline::inline(other, 200),
    }
}

#[cfg(test)]
mod tests {
    use super::merge_orders;

    #[test]
    fn merged_sizes_keep_every_series_order() {
        let list = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let merged = merge_orders(&[
            list("medium medium1gi large large1gi"),
            list("nano micro small medium 2xmedium large xlarge"),
        ]);
        assert_eq!(
            merged,
            list("nano micro small medium medium1gi 2xmedium large large1gi xlarge")
        );
    }
}
