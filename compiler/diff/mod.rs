//! Diff: what changed between two versions of a catalog, in terms of
//! instance types and preferences, and whether any of it breaks users.
//!
//! One file per phase:
//! - [`refs`]: what a REF on the command line names — a bundle file or
//!   folder, a git revision of the catalog's repository, a release in a
//!   releases folder, or a release to download (its last step,
//!   refs/download.rs: fetched over https, verified and cached);
//! - [`read`]: YAML bundles, as any tool wrote them → a [`Snapshot`]
//!   (with [`line_breaks`]: YAML 1.1's line breaks read as go-yaml reads
//!   them);
//! - [`compare`]: two snapshots → a [`compare::Report`]: resources added,
//!   removed and changed, every changed field, breaking changes with their
//!   reason, rename hints;
//! - [`group`]: what the renderers show once — twins, changes shared by
//!   many resources, series added or removed together;
//! - [`render`]: a report → text, unified diff, JSON or Markdown;
//! - [`inline`]: a value on one line, for hints, groups and renderers.
//!
//! Compiling a catalog and printing are the command line's job
//! (`cli/diff.rs`); this module never prints and never exits.

pub mod compare;
pub mod group;
pub mod inline;
mod line_breaks;
pub mod read;
pub mod refs;
pub mod render;

use std::fmt;

use crate::lower::Document;
use crate::release::Release;
use crate::yaml::Yaml;

/// How the releases being compared name their files and stamp their
/// version: upstream's way, and the catalog's own when it has a `release`
/// block. A folder is read by the first whose bundle names it holds; every
/// convention's version label is taken out of the resources.
#[derive(Debug, Clone)]
pub struct Conventions {
    /// The catalog's first, then upstream's.
    pub releases: Vec<Release>,
}

impl Default for Conventions {
    fn default() -> Conventions {
        Conventions {
            releases: vec![Release::default()],
        }
    }
}

impl Conventions {
    /// The catalog's release settings, then upstream's.
    pub fn with(release: Release) -> Conventions {
        let mut conventions = Conventions::default();
        if release != conventions.releases[0] {
            conventions.releases.insert(0, release);
        }
        conventions
    }

    fn version_labels(&self) -> impl Iterator<Item = &str> {
        self.releases
            .iter()
            .filter_map(|r| r.version_label.as_deref())
    }
}

/// One resource of a snapshot, keyed by kind and name. The release's
/// version label has been taken out of `body`: it is metadata of the whole
/// snapshot (see [`Snapshot::version`]), never a change.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: String,
    pub name: String,
    pub body: Yaml,
}

/// One side of a diff: every resource of a catalog or a release.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// What the user named (`v0.3.0`, `catalog.cit`, a path).
    pub label: String,
    /// The common-instancetypes version label of the resources, when they
    /// carry one (several distinct values are joined with ", ").
    pub version: Option<String>,
    /// Sorted by kind, then name; (kind, name) is unique.
    pub resources: Vec<Resource>,
}

impl Snapshot {
    /// Builds a snapshot, moving upstream's version label out of every
    /// resource. `resources` must have unique (kind, name) pairs.
    pub fn new(label: impl Into<String>, resources: Vec<Resource>) -> Snapshot {
        Snapshot::with_conventions(label, resources, &Conventions::default())
    }

    /// Builds a snapshot, moving the version labels of the conventions out
    /// of every resource.
    pub fn with_conventions(
        label: impl Into<String>,
        resources: Vec<Resource>,
        conventions: &Conventions,
    ) -> Snapshot {
        let mut versions: Vec<String> = Vec::new();
        let mut resources: Vec<Resource> = resources
            .into_iter()
            .map(|mut resource| {
                for version in conventions
                    .version_labels()
                    .filter_map(|key| take_version_label(&mut resource.body, key))
                {
                    if !versions.contains(&version) {
                        versions.push(version);
                    }
                }
                resource
            })
            .collect();
        resources.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
        versions.sort();
        Snapshot {
            label: label.into(),
            version: (!versions.is_empty()).then(|| versions.join(", ")),
            resources,
        }
    }

    /// The documents of a compiled catalog.
    pub fn from_documents(
        label: impl Into<String>,
        documents: &[Document],
        conventions: &Conventions,
    ) -> Snapshot {
        let resources = documents
            .iter()
            .map(|doc| Resource {
                kind: doc.kind.name().to_string(),
                name: doc.name.clone(),
                body: doc.yaml.clone(),
            })
            .collect();
        Snapshot::with_conventions(label, resources, conventions)
    }

    /// How the snapshot is called in reports: its version label, else what
    /// the user named.
    pub fn title(&self) -> &str {
        self.version.as_deref().unwrap_or(&self.label)
    }
}

/// Removes `metadata.labels[key]` and returns its value. A labels map left
/// empty is removed too, so that a release without the label and one with
/// only the label compare equal.
fn take_version_label(body: &mut Yaml, key: &str) -> Option<String> {
    let metadata = map_get_mut(body, "metadata")?;
    let labels = map_get_mut(metadata, "labels")?;
    let Yaml::Map(entries) = labels else {
        return None;
    };
    let index = entries.iter().position(|(k, _)| k == key)?;
    let (_, value) = entries.remove(index);
    let empty = entries.is_empty();
    if empty {
        if let Yaml::Map(meta) = metadata {
            meta.retain(|(key, _)| key != "labels");
        }
    }
    Some(match value {
        Yaml::Str(s) => s,
        other => inline::inline(&other, usize::MAX),
    })
}

fn map_get_mut<'a>(map: &'a mut Yaml, key: &str) -> Option<&'a mut Yaml> {
    match map {
        Yaml::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// Why a diff could not be made: a message for the user, with the file or
/// the REF it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub help: Option<String>,
}

impl Error {
    /// Bounded as a diagnostic is: a message that quotes a value of the
    /// input (a YAML `kind` of a megabyte) keeps its start.
    pub fn new(message: impl Into<String>) -> Error {
        use crate::diagnostic::echo;
        Error {
            message: echo::bounded(message.into(), echo::MAX_MESSAGE_CHARS),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        use crate::diagnostic::echo;
        self.help = Some(echo::bounded(help.into(), echo::MAX_HELP_CHARS));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<crate::kustomize::Error> for Error {
    fn from(err: crate::kustomize::Error) -> Error {
        Error::new(err.message).with_help(err.help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(labels: Vec<(&str, &str)>) -> Yaml {
        Yaml::Map(vec![(
            "metadata".into(),
            Yaml::Map(vec![(
                "labels".into(),
                Yaml::Map(
                    labels
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), Yaml::Str(v.to_string())))
                        .collect(),
                ),
            )]),
        )])
    }

    #[test]
    fn the_version_label_is_metadata_of_the_snapshot() {
        let snapshot = Snapshot::new(
            "x",
            vec![
                Resource {
                    kind: "K".into(),
                    name: "b".into(),
                    body: labelled(vec![
                        ("a", "1"),
                        (crate::release::UPSTREAM_VERSION_LABEL, "v1.7.0"),
                    ]),
                },
                Resource {
                    kind: "K".into(),
                    name: "a".into(),
                    body: labelled(vec![(crate::release::UPSTREAM_VERSION_LABEL, "v1.7.0")]),
                },
            ],
        );
        assert_eq!(snapshot.version.as_deref(), Some("v1.7.0"));
        assert_eq!(snapshot.resources[0].name, "a");
        assert_eq!(
            snapshot.resources[0].body,
            Yaml::Map(vec![("metadata".into(), Yaml::Map(vec![]))])
        );
        assert_eq!(snapshot.resources[1].body, labelled(vec![("a", "1")]));
    }
}
