//! Read: YAML bundles → a [`Snapshot`].
//!
//! A bundle is a stream of Kubernetes documents; every document becomes a
//! [`Resource`] keyed by its `kind` and `metadata.name`. A folder may hold
//! the all-bundle or any subset of the per-kind bundles, named as upstream
//! names them, with or without the `-<version>` suffix of upstream's release
//! assets. The YAML may come from any tool (older kustomize indented
//! sequences differently): values are read with saphyr, not compared as text.
//!
//! Every failure names the file and, where the parser knows it, the line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::{Error, Resource, Snapshot};
use crate::emit::bundle::{bundle_file, ALL_BUNDLE};
use crate::emit::yaml::Yaml;
use crate::lower::ApiKind;

/// Reads a bundle file, or the bundles of a folder.
pub fn read_path(path: &Path, label: &str) -> Result<Snapshot, Error> {
    let files = if path.is_dir() {
        bundle_files_in(path)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut resources = Vec::new();
    let mut origin: HashMap<(String, String), &Path> = HashMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|err| Error::new(format!("cannot read {}: {err}", file.display())))?;
        for resource in parse_bundle(&text, &file.display().to_string())? {
            let key = (resource.kind.clone(), resource.name.clone());
            if let Some(first) = origin.insert(key, file) {
                return Err(Error::new(format!(
                    "{} {} is in both {} and {}",
                    resource.kind,
                    resource.name,
                    first.display(),
                    file.display()
                ))
                .with_help(
                    "a folder holds either the all-bundle or per-kind bundles, each resource once",
                ));
            }
            resources.push(resource);
        }
    }
    Ok(Snapshot::new(label, resources))
}

/// The bundle files of a folder: the all-bundle when there is one (it holds
/// every kind), else whichever per-kind bundles are there.
pub fn bundle_files_in(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| Error::new(format!("cannot read the folder {}: {err}", dir.display())))?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| {
            Error::new(format!("cannot read the folder {}: {err}", dir.display()))
        })?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    let pick = |bundle: &str| -> Result<Option<PathBuf>, Error> {
        let matching: Vec<&String> = names
            .iter()
            .filter(|n| is_bundle_named(n, bundle))
            .collect();
        match matching.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(dir.join(one))),
            several => {
                // The plain name wins over suffixed copies of the same bundle.
                if several.iter().any(|n| n.as_str() == bundle) {
                    return Ok(Some(dir.join(bundle)));
                }
                let list: Vec<&str> = several.iter().map(|n| n.as_str()).collect();
                Err(Error::new(format!(
                    "{} holds several copies of {bundle}: {}",
                    dir.display(),
                    list.join(", ")
                ))
                .with_help("keep one release per folder"))
            }
        }
    };
    if let Some(all) = pick(ALL_BUNDLE)? {
        return Ok(vec![all]);
    }
    let mut files = Vec::new();
    for kind in ApiKind::ALL {
        if let Some(file) = pick(bundle_file(kind))? {
            files.push(file);
        }
    }
    if files.is_empty() {
        let expected: Vec<&str> = ApiKind::ALL.iter().map(|k| bundle_file(*k)).collect();
        return Err(Error::new(format!("no bundle files in {}", dir.display())).with_help(format!(
            "a release folder holds {ALL_BUNDLE} or some of {} (optionally with a `-<version>` suffix before `.yaml`)",
            expected.join(", ")
        )));
    }
    Ok(files)
}

/// `common-instancetypes-all-bundle.yaml`, or with upstream's release-asset
/// suffix, `common-instancetypes-all-bundle-v1.7.0.yaml`.
fn is_bundle_named(file_name: &str, bundle: &str) -> bool {
    let Some(stem) = bundle.strip_suffix(".yaml") else {
        return file_name == bundle;
    };
    if file_name == bundle {
        return true;
    }
    file_name
        .strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(".yaml"))
        .is_some_and(|version| !version.is_empty())
}

/// Parses a stream of documents. Empty documents are skipped; every other
/// document must be a map with `kind` and `metadata.name`.
pub fn parse_bundle(text: &str, file: &str) -> Result<Vec<Resource>, Error> {
    let documents = MarkedYaml::load_from_str(text).map_err(|err| {
        let marker = err.marker();
        Error::new(format!(
            "{file}:{}:{}: invalid YAML: {}",
            marker.line(),
            marker.col() + 1,
            err.info()
        ))
    })?;
    let mut resources = Vec::with_capacity(documents.len());
    let mut seen = HashSet::new();
    for (index, document) in documents.iter().enumerate() {
        let at = |what: &str| {
            Error::new(format!(
                "{file}:{}: document {} {what}",
                document.span.start.line(),
                index + 1
            ))
        };
        let body = to_yaml(document, file)?;
        let Yaml::Map(entries) = &body else {
            if body == Yaml::Null {
                continue;
            }
            return Err(at("is not a map").with_help("a bundle holds Kubernetes objects"));
        };
        let field = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        let kind = match field("kind") {
            Some(Yaml::Str(kind)) if !kind.is_empty() => kind.clone(),
            _ => return Err(at("has no `kind`").with_help("every Kubernetes object has a kind")),
        };
        let name = match field("metadata") {
            Some(Yaml::Map(meta)) => meta.iter().find(|(k, _)| k == "name").map(|(_, v)| v),
            _ => None,
        };
        let name = match name {
            Some(Yaml::Str(name)) if !name.is_empty() => name.clone(),
            _ => {
                return Err(at(&format!("({kind}) has no `metadata.name`"))
                    .with_help("resources are compared by kind and name"))
            }
        };
        if !seen.insert((kind.clone(), name.clone())) {
            return Err(at(&format!("repeats {kind} {name}"))
                .with_help("each resource may appear once in a bundle"));
        }
        resources.push(Resource { kind, name, body });
    }
    Ok(resources)
}

/// A saphyr node → our YAML value. Scalars are resolved by YAML 1.2's core
/// schema, which agrees with go-yaml v2 on everything go-yaml writes plain.
fn to_yaml(node: &MarkedYaml, file: &str) -> Result<Yaml, Error> {
    let unsupported = |what: &str| {
        Err(Error::new(format!(
            "{file}:{}:{}: {what} is not supported in a bundle",
            node.span.start.line(),
            node.span.start.col() + 1
        )))
    };
    Ok(match &node.data {
        YamlData::Value(scalar) => scalar_to_yaml(scalar),
        YamlData::Representation(text, style, tag) => {
            match Scalar::parse_from_cow_and_metadata(text.clone(), *style, tag.as_ref()) {
                Some(scalar) => scalar_to_yaml(&scalar),
                None => return unsupported(&format!("the scalar `{text}` with its tag")),
            }
        }
        YamlData::Sequence(items) => Yaml::Seq(
            items
                .iter()
                .map(|item| to_yaml(item, file))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, value) in map.iter() {
                let key = match to_yaml(key, file)? {
                    Yaml::Str(s) => s,
                    Yaml::Map(_) | Yaml::Seq(_) => return unsupported("a complex map key"),
                    scalar => super::render::inline(&scalar, usize::MAX),
                };
                entries.push((key, to_yaml(value, file)?));
            }
            Yaml::Map(entries)
        }
        YamlData::Tagged(_, inner) => to_yaml(inner, file)?,
        YamlData::Alias(_) => return unsupported("an unresolved alias"),
        YamlData::BadValue => return unsupported("a malformed value"),
    })
}

fn scalar_to_yaml(scalar: &Scalar) -> Yaml {
    match scalar {
        Scalar::Null => Yaml::Null,
        Scalar::Boolean(b) => Yaml::Bool(*b),
        Scalar::Integer(i) => Yaml::Int(*i),
        Scalar::FloatingPoint(f) => Yaml::Float(f.into_inner()),
        Scalar::String(s) => Yaml::Str(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_indented_either_way_read_the_same() {
        let kustomize_old =
            "---\nkind: K\nmetadata:\n  name: a\nspec:\n  gpus:\n  - name: g\n    n: 1\n";
        let kustomize_new =
            "---\nkind: K\nmetadata:\n  name: a\nspec:\n  gpus:\n    - name: g\n      n: 1\n";
        assert_eq!(
            parse_bundle(kustomize_old, "a").unwrap(),
            parse_bundle(kustomize_new, "b").unwrap()
        );
    }

    #[test]
    fn quoted_numbers_stay_strings() {
        let docs = parse_bundle(
            "kind: K\nmetadata:\n  name: a\n  labels:\n    cpu: \"8\"\nx: 8\n",
            "f",
        )
        .unwrap();
        let Yaml::Map(top) = &docs[0].body else {
            panic!("not a map")
        };
        assert_eq!(top[2], ("x".to_string(), Yaml::Int(8)));
        let Yaml::Map(meta) = &top[1].1 else {
            panic!("no metadata")
        };
        assert_eq!(
            meta[1].1,
            Yaml::Map(vec![("cpu".into(), Yaml::Str("8".into()))])
        );
    }

    #[test]
    fn malformed_yaml_names_the_file_and_line() {
        let err = parse_bundle("kind: K\nmetadata:\n  name: [a\n", "bad.yaml").unwrap_err();
        assert!(err.message.starts_with("bad.yaml:"), "{err}");
        let err = parse_bundle("---\nkind: K\n---\n- 1\n", "list.yaml").unwrap_err();
        assert!(
            err.message
                .contains("list.yaml:2: document 1 (K) has no `metadata.name`"),
            "{err}"
        );
        let err = parse_bundle("a: 1\na: 2\n", "dup.yaml").unwrap_err();
        assert!(err.message.starts_with("dup.yaml:"), "{err}");
    }

    #[test]
    fn release_asset_names_are_accepted() {
        assert!(is_bundle_named(ALL_BUNDLE, ALL_BUNDLE));
        assert!(is_bundle_named(
            "common-instancetypes-all-bundle-v1.7.0.yaml",
            ALL_BUNDLE
        ));
        assert!(!is_bundle_named(
            "common-instancetypes-all-bundle-.yaml",
            ALL_BUNDLE
        ));
        assert!(!is_bundle_named(
            "common-instancetypes-all-bundle.yaml",
            "common-instancetypes-bundle.yaml"
        ));
    }
}
