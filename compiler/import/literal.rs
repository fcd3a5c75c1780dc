//! Literal: every resource becomes one definition with its fields written
//! out, the cluster and namespaced documents of one name merged. This is the
//! importer's ground truth: the later passes only regroup these fields.

use std::collections::HashMap;

use crate::diff::Resource;
use crate::kube::{ApiKind, API_VERSION};
use crate::syntax::ast::Kind;
use crate::yaml::Yaml;

use super::model::{Def, Field};

fn kind_of(api: &str) -> Option<(Kind, bool)> {
    ApiKind::ALL.iter().find(|k| k.name() == api).map(|k| {
        let kind = match k {
            ApiKind::VirtualMachineClusterInstancetype | ApiKind::VirtualMachineInstancetype => {
                Kind::Instancetype
            }
            _ => Kind::Preference,
        };
        let cluster = matches!(
            k,
            ApiKind::VirtualMachineClusterInstancetype | ApiKind::VirtualMachineClusterPreference
        );
        (kind, cluster)
    })
}

/// The body without `kind`: what the two documents of one name share.
fn without_kind(body: &Yaml) -> Yaml {
    match body {
        Yaml::Map(entries) => Yaml::Map(
            entries
                .iter()
                .filter(|(k, _)| k != "kind")
                .cloned()
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One definition per name and kind, sorted by kind then name.
pub fn definitions(resources: &[Resource], notes: &mut Vec<String>) -> Vec<Def> {
    // (kind, name) → [cluster body, namespaced body]
    let mut by_name: HashMap<(Kind, &str), [Option<&Yaml>; 2]> = HashMap::new();
    let mut order: Vec<(Kind, &str)> = Vec::new();
    for resource in resources {
        let Some((kind, cluster)) = kind_of(&resource.kind) else {
            continue;
        };
        let key = (kind, resource.name.as_str());
        let slot = by_name.entry(key).or_insert_with(|| {
            order.push(key);
            [None, None]
        });
        slot[usize::from(!cluster)] = Some(&resource.body);
    }
    order.sort_by(|a, b| (a.0 as u8, a.1).cmp(&(b.0 as u8, b.1)));
    let mut defs = Vec::with_capacity(order.len());
    for key in order {
        let [cluster, namespaced] = by_name[&key];
        let (kind, name) = key;
        let [cluster_kind, namespaced_kind] = ApiKind::of(kind);
        let body = match (cluster, namespaced) {
            (Some(c), Some(n)) => {
                if without_kind(c) != without_kind(n) {
                    notes.push(format!(
                        "{} {name} and {} {name} differ: imported the cluster one (a catalog writes both kinds from one definition)",
                        cluster_kind.name(),
                        namespaced_kind.name()
                    ));
                }
                c
            }
            (Some(c), None) => {
                notes.push(format!(
                    "{name}: only {} in the input; the build writes {} too",
                    cluster_kind.name(),
                    namespaced_kind.name()
                ));
                c
            }
            (None, Some(n)) => {
                notes.push(format!(
                    "{name}: only {} in the input; the build writes {} too",
                    namespaced_kind.name(),
                    cluster_kind.name()
                ));
                n
            }
            (None, None) => continue,
        };
        defs.push(definition(kind, name, body, notes));
    }
    defs
}

fn definition(kind: Kind, name: &str, body: &Yaml, notes: &mut Vec<String>) -> Def {
    let mut fields = Vec::new();
    if let Yaml::Map(top) = body {
        for (key, value) in top {
            match (key.as_str(), value) {
                ("kind", _) => {}
                ("apiVersion", Yaml::Str(v)) if v == API_VERSION => {}
                ("apiVersion", other) => notes.push(format!(
                    "{name}: apiVersion {} is written as {API_VERSION}",
                    super::text::inline_yaml(other)
                )),
                ("metadata", Yaml::Map(meta)) => {
                    for (meta_key, meta_value) in meta {
                        match meta_key.as_str() {
                            "name" => {}
                            "labels" | "annotations" => flatten(
                                vec!["metadata".into(), meta_key.clone()],
                                meta_value,
                                &mut fields,
                            ),
                            other => {
                                notes.push(format!(
                                    "{name}: metadata.{other} kept as written, but a definition cannot set it (E0113)"
                                ));
                                flatten(
                                    vec!["metadata".into(), other.into()],
                                    meta_value,
                                    &mut fields,
                                );
                            }
                        }
                    }
                }
                ("spec", spec) => flatten(vec!["spec".into()], spec, &mut fields),
                (other, value) => {
                    notes.push(format!(
                        "{name}: top-level field `{other}` kept as written, but a definition sets only metadata and spec (E0113)"
                    ));
                    flatten(vec![other.into()], value, &mut fields);
                }
            }
        }
    }
    let before = fields.len();
    fields.retain(|f| f.value != super::model::Lit::Yaml(Yaml::Null));
    if fields.len() != before {
        notes.push(format!(
            "{name}: {} null value(s) left out: a catalog has no null (KubeVirt reads a null field as unset)",
            before - fields.len()
        ));
    }
    Def {
        kind,
        name: name.to_string(),
        is_abstract: false,
        parent: None,
        uses: Vec::new(),
        fields,
        unsets: Vec::new(),
        matrix: None,
    }
}

/// Leaves of a value: scalars, lists and empty maps, each with its path.
pub fn flatten(path: Vec<String>, value: &Yaml, out: &mut Vec<Field>) {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                let mut sub = path.clone();
                sub.push(key.clone());
                flatten(sub, value, out);
            }
        }
        other => out.push(Field::new(path, other.clone())),
    }
}
