//! Release settings: how a build names its files and stamps its resources.
//!
//! Upstream's conventions are the defaults (its `scripts/generate.sh`): five
//! bundles named `common-…-bundle.yaml`, `CHECKSUMS.sha256`, every file
//! starting with `---`, and the label
//! `instancetype.kubevirt.io/common-instancetypes-version` appended last to
//! every resource's labels. A catalog changes them with a `release { … }`
//! block (grammar/LANGUAGE.md#release); the settings of the catalog being
//! built apply, not those of the catalogs it imports.

use crate::diagnostic::Diagnostic;
use crate::kube::ApiKind;
use crate::source::Span;
use crate::suggest::closest;
use crate::value::{Node, Value};

/// The global `let` that names where releases are downloaded from: read by
/// `citc diff`, not by the catalog (see README, `diff`).
pub const RELEASE_URL_CONSTANT: &str = "release_url";

pub const UPSTREAM_PREFIX: &str = "common";
pub const UPSTREAM_VERSION_LABEL: &str = "instancetype.kubevirt.io/common-instancetypes-version";
pub const UPSTREAM_CHECKSUMS: &str = "CHECKSUMS.sha256";
pub const UPSTREAM_DEFAULT_VERSION: &str = "noversion";

/// Where the version label goes among a resource's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelPosition {
    /// After the sorted labels, as upstream's `yq` step appends it.
    Last,
    /// In key order with the other labels, as kustomize would write it.
    Sorted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The bundle of every document; `None` when it is not written.
    pub all_bundle: Option<String>,
    /// The bundle of each kind, in the order of [`ApiKind::ALL`].
    pub kind_bundles: [Option<String>; 4],
    /// The `sha256sum` file of the bundles.
    pub checksums: Option<String>,
    /// The label that carries the release version.
    pub version_label: Option<String>,
    pub label_position: LabelPosition,
    /// Every file starts with `---` (upstream's generate.sh writes one
    /// before kustomize's output).
    pub document_start: bool,
    /// The version when neither --version nor `git describe` gives one.
    pub default_version: String,
}

impl Default for Release {
    fn default() -> Release {
        Release {
            all_bundle: Some(all_bundle_name(UPSTREAM_PREFIX)),
            kind_bundles: ApiKind::ALL.map(|kind| Some(kind_bundle_name(UPSTREAM_PREFIX, kind))),
            checksums: Some(UPSTREAM_CHECKSUMS.to_string()),
            version_label: Some(UPSTREAM_VERSION_LABEL.to_string()),
            label_position: LabelPosition::Last,
            document_start: true,
            default_version: UPSTREAM_DEFAULT_VERSION.to_string(),
        }
    }
}

fn all_bundle_name(prefix: &str) -> String {
    format!("{prefix}-instancetypes-all-bundle.yaml")
}

/// `common-clusterinstancetypes-bundle.yaml` and its siblings.
fn kind_bundle_name(prefix: &str, kind: ApiKind) -> String {
    let what = match kind {
        ApiKind::VirtualMachineClusterInstancetype => "clusterinstancetypes",
        ApiKind::VirtualMachineClusterPreference => "clusterpreferences",
        ApiKind::VirtualMachineInstancetype => "instancetypes",
        ApiKind::VirtualMachinePreference => "preferences",
    };
    format!("{prefix}-{what}-bundle.yaml")
}

/// The settings a `release` block may hold, with what each takes.
pub const SETTINGS: &[(&str, &str)] = &[
    ("prefix", "a word: the five bundles are named PREFIX-instancetypes-all-bundle.yaml, PREFIX-instancetypes-bundle.yaml, …"),
    ("all_bundle", "the all-bundle's file name, or false"),
    ("instancetypes_bundle", "the VirtualMachineInstancetype bundle's file name, or false"),
    ("clusterinstancetypes_bundle", "the VirtualMachineClusterInstancetype bundle's file name, or false"),
    ("preferences_bundle", "the VirtualMachinePreference bundle's file name, or false"),
    ("clusterpreferences_bundle", "the VirtualMachineClusterPreference bundle's file name, or false"),
    ("checksums", "the checksum file's name, or false"),
    ("version_label", "the label key that carries the version, or false"),
    ("version_label_position", "\"last\" (after the sorted labels) or \"sorted\""),
    ("document_start", "true or false: whether each file starts with `---`"),
    ("default_version", "the version when --version and git give none"),
];

impl Release {
    /// Every file a build writes (the bundles, then the checksums), in no
    /// particular order.
    pub fn file_names(&self) -> Vec<&str> {
        let mut names = self.bundle_names();
        names.extend(self.checksums.as_deref());
        names
    }

    /// The bundles a build writes: the all-bundle, then one per kind.
    pub fn bundle_names(&self) -> Vec<&str> {
        self.all_bundle
            .iter()
            .chain(self.kind_bundles.iter().flatten())
            .map(String::as_str)
            .collect()
    }

    /// The same release with each bundle named as a release asset:
    /// `-VERSION` before its extension (`common-instancetypes-all-bundle-v1.7.0.yaml`),
    /// as upstream's `.github/scripts/build.sh` renames them after the
    /// build. The checksum file keeps its name and lists the new names.
    /// An error when two files would then share a name.
    pub fn with_versioned_names(&self, version: &str) -> Result<Release, String> {
        let mut release = self.clone();
        let rename = |name: &mut Option<String>| {
            if let Some(name) = name {
                *name = versioned_name(name, version);
            }
        };
        rename(&mut release.all_bundle);
        release.kind_bundles.iter_mut().for_each(rename);
        let mut names = release.file_names();
        names.sort_unstable();
        match names.windows(2).find(|pair| pair[0] == pair[1]) {
            Some(pair) => Err(format!(
                "with the version in their names, two files would be named `{}`",
                pair[0]
            )),
            None => Ok(release),
        }
    }

    /// The bundle of one kind, when it is written.
    pub fn kind_bundle(&self, kind: ApiKind) -> Option<&str> {
        let index = ApiKind::ALL.iter().position(|k| *k == kind)?;
        self.kind_bundles[index].as_deref()
    }

    /// The settings of a `release` block, evaluated to a map: unknown
    /// settings and bad values are reported, the rest applied over the
    /// defaults. Settings apply in order; a bundle's own name wins over the
    /// name `prefix` gives it wherever it is written.
    pub fn from_settings(block: &Node, keyword: Span, diags: &mut Vec<Diagnostic>) -> Release {
        let mut release = Release::default();
        let Value::Map(settings) = &block.value else {
            return release;
        };
        if let Some(node) = settings.get("prefix") {
            if let Some(prefix) = text(node, "prefix", diags) {
                if valid_prefix(&prefix, node.span, diags) {
                    release.all_bundle = Some(all_bundle_name(&prefix));
                    release.kind_bundles =
                        ApiKind::ALL.map(|kind| Some(kind_bundle_name(&prefix, kind)));
                }
            }
        }
        for (key, node) in settings.iter() {
            match key.as_str() {
                "prefix" => {}
                "all_bundle" => release.all_bundle = file_name(node, key, diags, release.all_bundle),
                "instancetypes_bundle" => set_kind(&mut release, ApiKind::VirtualMachineInstancetype, node, key, diags),
                "clusterinstancetypes_bundle" => set_kind(&mut release, ApiKind::VirtualMachineClusterInstancetype, node, key, diags),
                "preferences_bundle" => set_kind(&mut release, ApiKind::VirtualMachinePreference, node, key, diags),
                "clusterpreferences_bundle" => set_kind(&mut release, ApiKind::VirtualMachineClusterPreference, node, key, diags),
                "checksums" => release.checksums = file_name(node, key, diags, release.checksums),
                "version_label" => match &node.value {
                    Value::Bool(false) => release.version_label = None,
                    Value::Str(label) if crate::kube::is_qualified_name(label) => {
                        release.version_label = Some(label.clone())
                    }
                    Value::Str(label) => diags.push(bad_value(
                        node,
                        key,
                        format!("{label:?} is not a valid label key"),
                        "a label key is `prefix/name`: a DNS subdomain, `/`, and at most 63 letters, digits, `-`, `_` and `.` (e.g. \"acme.example/catalog-version\"); or false for no version label",
                    )),
                    _ => diags.push(wrong_type(node, key, "a label key or false")),
                },
                "version_label_position" => match node.value.as_text().as_deref() {
                    Some("last") if matches!(node.value, Value::Str(_)) => release.label_position = LabelPosition::Last,
                    Some("sorted") if matches!(node.value, Value::Str(_)) => release.label_position = LabelPosition::Sorted,
                    _ => diags.push(wrong_type(node, key, "\"last\" or \"sorted\"")),
                },
                "document_start" => match node.value {
                    Value::Bool(on) => release.document_start = on,
                    _ => diags.push(wrong_type(node, key, "true or false")),
                },
                "default_version" => match &node.value {
                    Value::Str(version) => match validate_version(version) {
                        Ok(()) => release.default_version = version.clone(),
                        Err(problem) => diags.push(bad_value(
                            node,
                            key,
                            format!("{version:?} {problem}"),
                            "a version is a label value: at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
                        )),
                    },
                    _ => diags.push(wrong_type(node, key, "a string")),
                },
                unknown => {
                    let names = SETTINGS.iter().map(|(name, _)| *name);
                    let help = match closest(unknown, names) {
                        Some(best) => format!("did you mean `{best}`? {best} is {}", describe(best)),
                        None => format!("a release block sets: {}", SETTINGS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")),
                    };
                    diags.push(
                        Diagnostic::new("E0132", node.span, format!("unknown release setting `{unknown}`"))
                            .label("not a release setting")
                            .help(help),
                    );
                }
            }
        }
        release.check_files(keyword, diags);
        release
    }

    /// At least one file, and no two files with one name.
    fn check_files(&mut self, keyword: Span, diags: &mut Vec<Diagnostic>) {
        let names = self.file_names();
        if self.all_bundle.is_none() && self.kind_bundles.iter().all(Option::is_none) {
            diags.push(
                Diagnostic::new("E0133", keyword, "this release writes no bundle")
                    .label("every bundle is set to false")
                    .help("name at least one bundle, e.g. `all_bundle = \"acme-all-bundle.yaml\"`"),
            );
            return;
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
            diags.push(
                Diagnostic::new(
                    "E0133",
                    keyword,
                    format!("this release writes two files named `{}`", pair[0]),
                )
                .label("two settings give the same file name")
                .help("give every bundle and the checksum file a name of its own"),
            );
        }
    }
}

/// `name` with `-VERSION` before its extension (the last `.`), or at its
/// end when it has none.
fn versioned_name(name: &str, version: &str) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{}-{version}{}", &name[..dot], &name[dot..]),
        _ => format!("{name}-{version}"),
    }
}

fn describe(setting: &str) -> &'static str {
    SETTINGS
        .iter()
        .find(|(name, _)| *name == setting)
        .map_or("", |(_, what)| what)
}

fn text(node: &Node, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        _ => {
            diags.push(wrong_type(node, key, "a string"));
            None
        }
    }
}

fn valid_prefix(prefix: &str, span: Span, diags: &mut Vec<Diagnostic>) -> bool {
    let ok = !prefix.is_empty()
        && prefix.len() <= 200
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !prefix.starts_with('.');
    if !ok {
        diags.push(
            Diagnostic::new("E0133", span, format!("{prefix:?} cannot start a file name"))
                .label("not a file-name prefix")
                .help("a prefix is letters, digits, `-`, `_` and `.`, not starting with `.` (e.g. \"acme\")"),
        );
    }
    ok
}

fn set_kind(
    release: &mut Release,
    kind: ApiKind,
    node: &Node,
    key: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let index = ApiKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    let current = release.kind_bundles[index].take();
    release.kind_bundles[index] = file_name(node, key, diags, current);
}

/// A file name setting: a plain name in the output folder, or `false`.
/// On a bad value the current name is kept (the error stops the build).
fn file_name(
    node: &Node,
    key: &str,
    diags: &mut Vec<Diagnostic>,
    current: Option<String>,
) -> Option<String> {
    match &node.value {
        Value::Bool(false) => None,
        Value::Str(name) => {
            let problem = if name.is_empty() {
                Some("is empty")
            } else if name.contains('/') || name.contains('\\') {
                Some("holds a `/`: files are written into the output folder itself")
            } else if name.starts_with('.') {
                Some("starts with `.`: hidden names are citc's own (the build manifest)")
            } else if name.len() > 255 {
                Some("is longer than 255 bytes")
            } else if name.chars().any(char::is_control) {
                Some("holds a control character")
            } else {
                None
            };
            match problem {
                None => Some(name.clone()),
                Some(problem) => {
                    diags.push(bad_value(
                        node,
                        key,
                        format!("the file name {name:?} {problem}"),
                        "a file name is a plain name such as \"acme-instancetypes-all-bundle.yaml\"",
                    ));
                    current
                }
            }
        }
        _ => {
            diags.push(wrong_type(node, key, "a file name or false"));
            current
        }
    }
}

fn wrong_type(node: &Node, key: &str, expected: &str) -> Diagnostic {
    Diagnostic::new("E0133", node.span, format!("`{key}` takes {expected}"))
        .label("not accepted here")
        .help(format!("{key} is {}", describe(key)))
}

fn bad_value(node: &Node, key: &str, message: String, help: &str) -> Diagnostic {
    Diagnostic::new("E0133", node.span, format!("`{key}`: {message}"))
        .label("invalid value")
        .help(help.to_string())
}

/// A version is stamped into a label, so it must be a label value.
pub fn validate_version(version: &str) -> Result<(), &'static str> {
    if version.is_empty() {
        return Err("is empty");
    }
    if version.len() > 63 {
        return Err("is longer than 63 characters");
    }
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !version.chars().all(ok_char) {
        return Err("holds a character a label value cannot");
    }
    let alnum = |c: Option<char>| c.is_none_or(|c| c.is_ascii_alphanumeric());
    if !alnum(version.chars().next()) || !alnum(version.chars().last()) {
        return Err("must start and end with a letter or digit");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_names_are_upstream_release_assets() {
        let release = Release::default().with_versioned_names("v1.7.0").unwrap();
        let mut names = release.file_names();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "CHECKSUMS.sha256",
                "common-clusterinstancetypes-bundle-v1.7.0.yaml",
                "common-clusterpreferences-bundle-v1.7.0.yaml",
                "common-instancetypes-all-bundle-v1.7.0.yaml",
                "common-instancetypes-bundle-v1.7.0.yaml",
                "common-preferences-bundle-v1.7.0.yaml",
            ]
        );
        assert_eq!(versioned_name("bundle", "v1"), "bundle-v1");
        assert_eq!(versioned_name("a.b.json", "v1"), "a.b-v1.json");
        assert_eq!(versioned_name(".hidden", "v1"), ".hidden-v1");
    }

    #[test]
    fn versioned_names_that_collide_are_an_error() {
        let release = Release {
            all_bundle: Some("all.yaml".into()),
            checksums: Some("all-v1.yaml".into()),
            ..Release::default()
        };
        let err = release.with_versioned_names("v1").unwrap_err();
        assert!(err.contains("`all-v1.yaml`"), "{err}");
    }

    #[test]
    fn an_empty_version_is_refused() {
        assert_eq!(validate_version(""), Err("is empty"));
        assert_eq!(validate_version("v1.7.0"), Ok(()));
    }
}
