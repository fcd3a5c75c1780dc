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
//!
//! Input may be hostile (a download, a file from a pull request): a bundle
//! file is at most [`MAX_BUNDLE_BYTES`], and before any tree is built the
//! parser's events are scanned to bound nesting ([`MAX_DEPTH`]), the number
//! of values ([`MAX_NODES`]) and what aliases repeat ([`MAX_ALIAS_NODES`],
//! [`MAX_ALIAS_BYTES`]), so that no input can overflow the stack or
//! exhaust memory. A release holds only the four kinds of [`ApiKind`].

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use saphyr_parser::{Event, Parser, ScanError};

use super::{Conventions, Error, Resource, Snapshot};
use crate::kube::ApiKind;
use crate::kustomize::MAX_BUNDLE_BYTES;
use crate::source::read_input;
use crate::yaml::Yaml;

/// How deep maps and sequences may nest. Kubernetes objects are shallow:
/// upstream's bundles nest 6 deep.
pub const MAX_DEPTH: usize = 64;
/// How many values (scalars, maps, sequences, counting the copies aliases
/// make) a bundle file may hold. Upstream's all-bundle has about 15 000.
pub const MAX_NODES: usize = 2_000_000;
/// How many values aliases may repeat in a bundle file.
pub const MAX_ALIAS_NODES: usize = 100_000;
/// How many bytes of text aliases may repeat in a bundle file.
pub const MAX_ALIAS_BYTES: usize = 16 << 20;
/// How far (in characters) the parser may read past the end of the last
/// event it produced. The parser keeps every token it reads ahead (a flow
/// collection `[0,0,…]` after `- ` could still turn out to be a map key), at
/// some 350 bytes each: without a bound, a 256 MiB file of `- [0,0,…]`
/// would take 45 GB.
pub const MAX_LOOKAHEAD: usize = 512 << 10;

/// Reads a bundle file, or the bundles of a folder named as upstream names
/// them.
pub fn read_path(path: &Path, label: &str) -> Result<Snapshot, Error> {
    read_path_with(path, label, &Conventions::default())
}

/// Reads a bundle file, or the bundles of a folder named as one of the
/// conventions names them.
pub fn read_path_with(
    path: &Path,
    label: &str,
    conventions: &Conventions,
) -> Result<Snapshot, Error> {
    let files = if path.is_dir() {
        bundle_files_in(path, conventions)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut resources = Vec::new();
    let mut origin: HashMap<(String, String), &Path> = HashMap::new();
    for file in &files {
        let text = read_input(file, "the bundle", MAX_BUNDLE_BYTES)
            .map_err(|err| Error::new(err.message).with_help(err.help))?;
        for resource in parse_documents(&text, &file.display().to_string())? {
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
    if resources.is_empty() {
        return Err(no_documents(&path.display().to_string()));
    }
    Ok(Snapshot::with_conventions(label, resources, conventions))
}

/// The bundle files of a folder: the all-bundle when there is one (it holds
/// every kind), else whichever per-kind bundles are there; each convention
/// (the catalog's release names first, then upstream's) is tried in turn.
pub fn bundle_files_in(dir: &Path, conventions: &Conventions) -> Result<Vec<PathBuf>, Error> {
    let unreadable = |err: std::io::Error| {
        Error::new(format!(
            "cannot read the folder {}: {}",
            dir.display(),
            crate::source::plain_io_error(&err)
        ))
        .with_help("check the path and the folder's permissions")
    };
    let entries = std::fs::read_dir(dir).map_err(unreadable)?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(unreadable)?;
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
    for release in &conventions.releases {
        if let Some(all) = release.all_bundle.as_deref() {
            if let Some(all) = pick(all)? {
                return Ok(vec![all]);
            }
        }
        let mut files = Vec::new();
        for kind in ApiKind::ALL {
            if let Some(file) = release.kind_bundle(kind) {
                files.extend(pick(file)?);
            }
        }
        if !files.is_empty() {
            return Ok(files);
        }
    }
    let expected: Vec<String> = conventions
        .releases
        .iter()
        .map(|release| release.bundle_names().join(", "))
        .collect();
    Err(Error::new(format!("no bundle files in {}", dir.display())).with_help(format!(
        "a release folder holds the all-bundle or some of the per-kind bundles (optionally with a `-<version>` suffix before `.yaml`): {}",
        expected.join("; or ")
    )))
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
/// document must be a map with one of the four kinds of a release and
/// `metadata.name`, and there must be at least one. Never panics, whatever
/// `text` is; input beyond the limits of this module is an error.
pub fn parse_bundle(text: &str, file: &str) -> Result<Vec<Resource>, Error> {
    let resources = parse_documents(text, file)?;
    if resources.is_empty() {
        return Err(no_documents(file));
    }
    Ok(resources)
}

fn no_documents(what: &str) -> Error {
    Error::new(format!("{what} holds no documents")).with_help(
        "a release has at least one instance type or preference; check that the file is complete",
    )
}

/// The documents of a bundle, none at all included: in a folder of
/// per-kind bundles, a catalog without instance types writes empty
/// instance-type bundles.
fn parse_documents(text: &str, file: &str) -> Result<Vec<Resource>, Error> {
    let invalid = |err: ScanError| {
        let marker = err.marker();
        Error::new(format!(
            "{file}:{}:{}: invalid YAML: {}",
            marker.line(),
            marker.col() + 1,
            err.info()
        ))
        .with_help("a bundle is a stream of YAML documents separated by `---`")
    };
    // U+0085, U+2028 and U+2029 are line breaks to go-yaml, which wrote
    // the bundle, and not to saphyr, which reads it.
    let (text, markers) = super::line_breaks::as_yaml_1_2(text);
    let text = &*text;
    check_limits(text, file).map_err(|why| match why {
        Refusal::Invalid(err) => invalid(err),
        Refusal::Limit(err) => err,
    })?;
    let documents = MarkedYaml::load_from_str(text).map_err(invalid)?;
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
        let mut body = to_yaml(document, file)?;
        if let Some(markers) = &markers {
            restore_breaks(&mut body, markers);
        }
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
        if !ApiKind::ALL.iter().any(|k| k.name() == kind) {
            let kinds: Vec<&str> = ApiKind::ALL.iter().map(|k| k.name()).collect();
            return Err(
                at(&format!("is a {kind}, not an instance type or preference")).with_help(format!(
                    "a release holds only {}; check that this is a bundle of common-instancetypes",
                    kinds.join(", ")
                )),
            );
        }
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

const DEPTH_HELP: &str =
    "Kubernetes objects are shallow (upstream's bundles nest 6 deep): this is not a release bundle";

/// Why [`check_limits`] refused a text.
enum Refusal {
    Invalid(ScanError),
    Limit(Error),
}

/// Scans the parser's events, without building anything, and refuses what
/// would nest deeper than [`MAX_DEPTH`] or hold too many values; what
/// aliases repeat is counted as often as they repeat it.
fn check_limits(text: &str, file: &str) -> Result<(), Refusal> {
    // The parser reads characters through `feed`, which pretends the text
    // ends once it is MAX_LOOKAHEAD past the last event: `cut` then says so.
    let consumed = Cell::new(0usize);
    let last_event = Cell::new(0usize);
    let cut = Cell::new(false);
    let mut chars = text.chars();
    let feed = std::iter::from_fn(|| {
        if consumed.get() > last_event.get() + MAX_LOOKAHEAD {
            cut.set(true);
            return None;
        }
        consumed.set(consumed.get() + 1);
        chars.next()
    });
    let mut parser = Parser::new_from_iter(feed);
    let lookahead = |line: usize| {
        Refusal::Limit(
            Error::new(format!(
                "{file}:{line}: the YAML parser would have to read more than {} KiB ahead",
                MAX_LOOKAHEAD >> 10
            ))
            .with_help(
                "a flow collection (`[…]`, `{…}`) or a single value this long is not a release bundle; \
                 write long collections in block style, one item a line",
            ),
        )
    };
    // Per open map or sequence: its anchor, and the counts when it opened.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    // Per anchor: how many values and bytes of text it holds, expanded.
    let mut anchors: HashMap<usize, (usize, usize)> = HashMap::new();
    let (mut nodes, mut bytes) = (0usize, 0usize);
    let (mut alias_nodes, mut alias_bytes) = (0usize, 0usize);
    while let Some(next) = parser.next_event() {
        if cut.get() {
            let line = text
                .chars()
                .take(last_event.get())
                .filter(|c| *c == '\n')
                .count();
            return Err(lookahead(line + 1));
        }
        let (event, span) = match next {
            Ok(next) => next,
            // The scanner's own bound on flow nesting (`[[[…`), reached
            // before any event past MAX_DEPTH.
            Err(err) if err.info() == "recursion limit exceeded" => {
                return Err(Refusal::Limit(
                    Error::new(format!(
                        "{file}:{}:{}: values nested deeper than {MAX_DEPTH} levels",
                        err.marker().line(),
                        err.marker().col() + 1
                    ))
                    .with_help(DEPTH_HELP),
                ))
            }
            Err(err) => return Err(Refusal::Invalid(err)),
        };
        last_event.set(span.end.index());
        let at = |what: String, help: &str| {
            Refusal::Limit(
                Error::new(format!(
                    "{file}:{}:{}: {what}",
                    span.start.line(),
                    span.start.col() + 1
                ))
                .with_help(help.to_string()),
            )
        };
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return Err(at(
                        format!("values nested deeper than {MAX_DEPTH} levels"),
                        DEPTH_HELP,
                    ));
                }
                open.push((anchor, nodes, bytes));
                nodes += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, nodes_before, bytes_before)) = open.pop() {
                    if anchor > 0 {
                        anchors.insert(anchor, (nodes - nodes_before, bytes - bytes_before));
                    }
                }
            }
            Event::Scalar(value, _, anchor, _) => {
                nodes += 1;
                bytes += value.len();
                if anchor > 0 {
                    anchors.insert(anchor, (1, value.len()));
                }
            }
            Event::Alias(anchor) => {
                if !anchors.contains_key(&anchor) && open.iter().any(|(a, _, _)| *a == anchor) {
                    return Err(at(
                        "an alias inside the value its anchor names".to_string(),
                        "a value that contains itself has no end: this is not a release bundle",
                    ));
                }
                let (n, b) = anchors.get(&anchor).copied().unwrap_or((1, 0));
                nodes = nodes.saturating_add(n);
                bytes = bytes.saturating_add(b);
                alias_nodes = alias_nodes.saturating_add(n);
                alias_bytes = alias_bytes.saturating_add(b);
                let help = "release bundles use no aliases (`*name`); this file repeats far more than any release";
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(at(
                        format!("aliases repeat more than {MAX_ALIAS_NODES} values"),
                        help,
                    ));
                }
                if alias_bytes > MAX_ALIAS_BYTES {
                    return Err(at(
                        format!(
                            "aliases repeat more than {} MiB of text",
                            MAX_ALIAS_BYTES >> 20
                        ),
                        help,
                    ));
                }
            }
            Event::StreamEnd => break,
            _ => {}
        }
        if nodes > MAX_NODES {
            return Err(at(
                format!("more than {MAX_NODES} values in one file"),
                "upstream's all-bundle holds about 15 000; split the release or check that this is a bundle",
            ));
        }
    }
    Ok(())
}

/// A saphyr node → our YAML value. Scalars are resolved by YAML 1.2's core
/// schema, which agrees with go-yaml v2 on everything go-yaml writes plain.
fn to_yaml(node: &MarkedYaml, file: &str) -> Result<Yaml, Error> {
    let unsupported = |what: &str| {
        Err(Error::new(format!(
            "{file}:{}:{}: {what} is not supported in a bundle",
            node.span.start.line(),
            node.span.start.col() + 1
        ))
        .with_help(
            "release bundles hold plain Kubernetes YAML: maps with string keys, lists and scalars",
        ))
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
                    scalar => super::inline::inline(&scalar, usize::MAX),
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

/// Every string and key of `value` with the line breaks that
/// [`super::line_breaks`] marked put back.
fn restore_breaks(value: &mut Yaml, markers: &super::line_breaks::Markers) {
    match value {
        Yaml::Str(s) => *s = markers.restore(s),
        Yaml::Seq(items) => items.iter_mut().for_each(|v| restore_breaks(v, markers)),
        Yaml::Map(entries) => {
            for (key, v) in entries.iter_mut() {
                *key = markers.restore(key);
                restore_breaks(v, markers);
            }
        }
        _ => {}
    }
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
            "---\nkind: VirtualMachinePreference\nmetadata:\n  name: a\nspec:\n  gpus:\n  - name: g\n    n: 1\n";
        let kustomize_new =
            "---\nkind: VirtualMachinePreference\nmetadata:\n  name: a\nspec:\n  gpus:\n    - name: g\n      n: 1\n";
        assert_eq!(
            parse_bundle(kustomize_old, "a").unwrap(),
            parse_bundle(kustomize_new, "b").unwrap()
        );
    }

    #[test]
    fn quoted_numbers_stay_strings() {
        let docs = parse_bundle(
            "kind: VirtualMachinePreference\nmetadata:\n  name: a\n  labels:\n    cpu: \"8\"\nx: 8\n",
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
        let err = parse_bundle(
            "kind: VirtualMachinePreference\nmetadata:\n  name: [a\n",
            "bad.yaml",
        )
        .unwrap_err();
        assert!(err.message.starts_with("bad.yaml:"), "{err}");
        let err = parse_bundle(
            "---\nkind: VirtualMachinePreference\n---\n- 1\n",
            "list.yaml",
        )
        .unwrap_err();
        assert!(
            err.message.contains(
                "list.yaml:2: document 1 (VirtualMachinePreference) has no `metadata.name`"
            ),
            "{err}"
        );
        let err = parse_bundle("a: 1\na: 2\n", "dup.yaml").unwrap_err();
        assert!(err.message.starts_with("dup.yaml:"), "{err}");
    }

    #[test]
    fn limits_are_errors_with_a_line() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = parse_bundle(&deep, "deep.yaml").unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "deep.yaml:1:{}: values nested deeper than {MAX_DEPTH} levels",
                MAX_DEPTH + 1
            )
        );
        assert!(err.help.is_some());
        // Exactly at the limit: read, then refused as not a map.
        let at_limit = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        let err = parse_bundle(&at_limit, "ok.yaml").unwrap_err();
        assert!(err.message.contains("is not a map"), "{err}");
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let err = parse_bundle(laughs, "l.yaml").unwrap_err();
        assert!(err.message.starts_with("l.yaml:5:"), "{err}");
        assert!(err.message.contains("aliases repeat more than"), "{err}");
        // Found by the diff_yaml fuzz target: a recursive alias was "a
        // malformed value", without a help line.
        let err = parse_bundle(
            "kind: VirtualMachinePreference\nspec: &s {l: [*s]}\n",
            "r.yaml",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "r.yaml:2:15: an alias inside the value its anchor names"
        );
        assert!(err.help.is_some());
        let err = parse_bundle("kind: VirtualMachinePreference\n[a]: 1\n", "k.yaml").unwrap_err();
        assert!(err.message.contains("a complex map key"), "{err}");
        assert!(err.help.is_some());
        let empty = parse_bundle("# nothing\n---\n", "e.yaml").unwrap_err();
        assert_eq!(empty.message, "e.yaml holds no documents");
    }

    #[test]
    fn only_the_four_kinds_are_read() {
        let err = parse_bundle(
            "kind: VirtualMachinePreference\nmetadata: {name: a}\n---\nkind: Secret\nmetadata: {name: s}\n",
            "s.yaml",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "s.yaml:4: document 2 is a Secret, not an instance type or preference"
        );
    }

    #[test]
    fn release_asset_names_are_accepted() {
        const ALL_BUNDLE: &str = "common-instancetypes-all-bundle.yaml";
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
