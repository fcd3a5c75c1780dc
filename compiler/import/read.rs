//! Read: the YAML sources (release bundles, folders of YAML files, single
//! files) → the resources they hold, each (kind, name) once, and what the
//! files tell about the release (their names, their leading `---`).
//!
//! Parsing is diff's ([`crate::diff::read::parse_bundle`]): saphyr, with its
//! limits, so any tool's indentation reads the same.
//!
//! A folder holding a kustomize tree (a `kustomization.yaml` at its top) is
//! built as upstream's generate.sh builds it ([`crate::kustomize::generate`],
//! the same build `citc diff` makes of such a folder): the all-bundle and
//! the per-kind bundles, each starting with `---`, every resource stamped
//! with the version label as generate.sh's yq step appends it, and the
//! checksum file. So importing a tree gives the catalog that importing the
//! release it builds gives.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diff::read::parse_bundle;
use crate::diff::{Error, Resource};
use crate::kustomize;
use crate::kustomize::MAX_BUNDLE_BYTES;
use crate::release::{UPSTREAM_DEFAULT_VERSION, UPSTREAM_VERSION_LABEL};
use crate::source::read_input;
use crate::yaml::Yaml;

/// A YAML file that was read.
#[derive(Debug, Clone)]
pub struct File {
    /// The file name, without its folder.
    pub name: String,
    /// The kinds of the documents it holds (empty for an empty bundle).
    pub kinds: BTreeSet<String>,
    /// Whether the text starts with `---`.
    pub document_start: bool,
}

#[derive(Debug, Default)]
pub struct Input {
    /// Every (kind, name) once, in the order first read.
    pub resources: Vec<Resource>,
    pub files: Vec<File>,
    /// Checksum files beside the bundles (`CHECKSUMS.sha256`, `*.sha256`).
    pub checksums: Vec<String>,
    /// What the user should know about how the sources were read (a tree
    /// built, and with which tool).
    pub notes: Vec<String>,
    /// Where each (kind, name) is in `resources`.
    index: HashMap<(String, String), usize>,
}

/// Reads every source: a file is read as a bundle; a folder's `.yaml` and
/// `.yml` files are read (sorted, its sub-folders too). A resource found in
/// several files (the all-bundle and a per-kind bundle) must be the same in
/// each.
pub fn read_sources(sources: &[PathBuf]) -> Result<Input, Error> {
    let mut input = Input::default();
    for source in sources {
        let metadata = std::fs::metadata(source).map_err(|err| {
            Error::new(format!(
                "cannot read {}: {}",
                source.display(),
                crate::source::plain_io_error(&err)
            ))
            .with_help("name release bundles, YAML files or folders that hold them")
        })?;
        if metadata.is_dir() && kustomize::is_tree(source) {
            read_tree(source, &mut input)?;
        } else if metadata.is_dir() {
            let mut files = Vec::new();
            let mut seen = HashSet::new();
            walk(source, &mut files, &mut input.checksums, &mut seen)?;
            if files.is_empty() {
                return Err(Error::new(format!(
                    "{} holds no .yaml or .yml files",
                    source.display()
                ))
                .with_help("name a folder of release bundles or YAML files"));
            }
            for file in files {
                read_file(&file, &mut input)?;
            }
        } else {
            read_file(source, &mut input)?;
        }
    }
    if input.resources.is_empty() {
        return Err(Error::new("the sources hold no instance types or preferences")
            .with_help("name release bundles, or YAML files of VirtualMachine(Cluster)Instancetype and VirtualMachine(Cluster)Preference objects"));
    }
    Ok(input)
}

/// A kustomize tree, built as generate.sh builds it.
fn read_tree(folder: &Path, input: &mut Input) -> Result<(), Error> {
    let generated =
        kustomize::generate(folder, kustomize::Bundles::Every, kustomize::Remote::Refuse)?;
    // generate.sh: `git describe --tags`, else `noversion`.
    let version = generated
        .version
        .clone()
        .unwrap_or_else(|| UPSTREAM_DEFAULT_VERSION.to_string());
    input.notes.push(format!(
        "built the kustomize tree in {} with `{}`, as upstream's generate.sh builds it ({} bundles, version {version})",
        folder.display(),
        generated.tool,
        generated.bundles.len()
    ));
    if !generated.links.is_empty() {
        input.notes.push(format!(
            "{}: symbolic links are not followed: {}",
            folder.display(),
            generated.links.join(", ")
        ));
    }
    for bundle in &generated.bundles {
        let origin = format!("`{}` of {}", generated.tool, folder.display());
        let mut resources = parse_bundle(&bundle.text, &origin)?;
        for resource in &mut resources {
            stamp(&mut resource.body, UPSTREAM_VERSION_LABEL, &version);
        }
        add_file(input, bundle.name.clone(), true, resources, &origin)?;
    }
    input.checksums.push(generated.checksums);
    Ok(())
}

/// What generate.sh's yq step does: the label appended to the resource's
/// labels (the map made, last in metadata, when there is none).
fn stamp(body: &mut Yaml, key: &str, value: &str) {
    let Yaml::Map(top) = body else { return };
    let Some((_, Yaml::Map(metadata))) = top.iter_mut().find(|(k, _)| k == "metadata") else {
        return;
    };
    if !metadata.iter().any(|(k, _)| k == "labels") {
        metadata.push(("labels".to_string(), Yaml::Map(Vec::new())));
    }
    if let Some((_, Yaml::Map(labels))) = metadata.iter_mut().find(|(k, _)| k == "labels") {
        labels.retain(|(k, _)| k != key);
        labels.push((key.to_string(), Yaml::Str(value.to_string())));
    }
}

/// A file's identity: the same folder reached through a symbolic link
/// (`loop -> .`, `up -> ..`) has the same one.
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.dev(), metadata.ino()))
}

/// The YAML files under `dir`, sorted, hidden ones left out. Symbolic links
/// are followed (a release's folder may be a link to where it was
/// unpacked), but every folder and file is read once, by device and inode:
/// a link back to a folder being walked (`loop -> .`, `up -> ..`) or to
/// one already read is skipped, so the walk ends.
fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    checksums: &mut Vec<String>,
    seen: &mut HashSet<(u64, u64)>,
) -> Result<(), Error> {
    if let Some(id) = identity(dir) {
        if !seen.insert(id) {
            return Ok(());
        }
    }
    let unreadable = |err: std::io::Error| {
        Error::new(format!(
            "cannot read the folder {}: {}",
            dir.display(),
            crate::source::plain_io_error(&err)
        ))
        .with_help("check the path and the folder's permissions")
    };
    let mut entries: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        entries.push(entry.map_err(unreadable)?.path());
    }
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, checksums, seen)?;
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            if identity(&path).is_none_or(|id| seen.insert(id)) {
                files.push(path);
            }
        } else if name.ends_with(".sha256") || name.starts_with("CHECKSUMS") {
            checksums.push(name);
        }
    }
    Ok(())
}

fn read_file(path: &Path, input: &mut Input) -> Result<(), Error> {
    let shown = path.display().to_string();
    let text = read_input(path, "the YAML file", MAX_BUNDLE_BYTES)
        .map_err(|err| Error::new(err.message).with_help(err.help))?;
    let resources = match parse_bundle(&text, &shown) {
        Ok(resources) => resources,
        // An empty per-kind bundle (a catalog without that kind) is a file
        // of the release all the same.
        Err(err) if err.message == format!("{shown} holds no documents") => Vec::new(),
        Err(err) => return Err(err),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(shown.clone());
    let document_start = text.trim_start_matches('\u{feff}').starts_with("---");
    add_file(input, name, document_start, resources, &shown)
}

/// Records a file read and the resources it holds.
fn add_file(
    input: &mut Input,
    name: String,
    document_start: bool,
    resources: Vec<Resource>,
    shown: &str,
) -> Result<(), Error> {
    input.files.push(File {
        name,
        kinds: resources.iter().map(|r| r.kind.clone()).collect(),
        document_start,
    });
    for resource in resources {
        let key = (resource.kind.clone(), resource.name.clone());
        match input.index.get(&key).map(|&i| &input.resources[i]) {
            Some(first) if first.body == resource.body => {}
            Some(_) => {
                return Err(Error::new(format!(
                    "{shown}: {} {} differs from the one read before",
                    resource.kind, resource.name
                ))
                .with_help("a resource may appear in several bundles of a release, but the same each time: import one release at a time"))
            }
            None => {
                input.index.insert(key, input.resources.len());
                input.resources.push(resource);
            }
        }
    }
    Ok(())
}
