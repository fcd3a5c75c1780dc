//! Release settings: what the files and labels of the input say about how
//! the catalog is released — the bundle names (`prefix`, or one name per
//! bundle), the checksum file, the leading `---`, and the version label,
//! which is taken out of every resource (its value comes from `--version`
//! when the catalog is built).

use crate::diff::Resource;
use crate::kube::ApiKind;
use crate::release::{UPSTREAM_CHECKSUMS, UPSTREAM_PREFIX, UPSTREAM_VERSION_LABEL};
use crate::yaml::Yaml;

use super::read::Input;

/// What the release block says, and the version the input carries.
#[derive(Debug, Default)]
pub struct Detected {
    /// `release { … }` settings, as `.cit` text values.
    pub settings: Vec<(String, String)>,
    /// The version label and its value, when every resource carries one.
    pub version: Option<(String, String)>,
    pub notes: Vec<String>,
}

fn kind_word(kind: ApiKind) -> &'static str {
    match kind {
        ApiKind::VirtualMachineClusterInstancetype => "clusterinstancetypes",
        ApiKind::VirtualMachineClusterPreference => "clusterpreferences",
        ApiKind::VirtualMachineInstancetype => "instancetypes",
        ApiKind::VirtualMachinePreference => "preferences",
    }
}

fn quoted(text: &str) -> String {
    crate::syntax::string_literal(text)
}

/// Detects the release settings and strips the version label from
/// `input.resources`.
pub fn detect(input: &mut Input) -> Detected {
    let mut detected = Detected::default();
    bundle_names(input, &mut detected);
    version_label(&mut input.resources, &mut detected);
    detected
}

/// Which file is the all-bundle and which the bundle of each kind; the
/// settings that name them as the input does.
fn bundle_names(input: &Input, detected: &mut Detected) {
    let present: std::collections::BTreeSet<String> =
        input.resources.iter().map(|r| r.kind.clone()).collect();
    let mut all: Vec<&str> = Vec::new();
    let mut per_kind: [Vec<&str>; 4] = Default::default();
    for file in &input.files {
        let by_name = ApiKind::ALL.iter().position(|k| {
            file.name
                .ends_with(&format!("-{}-bundle.yaml", kind_word(*k)))
        });
        if file.name.contains("all-bundle") || (file.kinds.len() > 1 && file.kinds == present) {
            all.push(&file.name);
        } else if file.kinds.len() == 1 {
            let kind = file.kinds.iter().next().map(String::as_str);
            if let Some(i) = ApiKind::ALL.iter().position(|k| Some(k.name()) == kind) {
                per_kind[i].push(&file.name);
            }
        } else if let (true, Some(i)) = (file.kinds.is_empty(), by_name) {
            per_kind[i].push(&file.name);
        } else {
            all.push(&file.name);
        }
    }
    let is_release = all.len() <= 1
        && per_kind.iter().all(|files| files.len() <= 1)
        && input.files.len() == all.len() + per_kind.iter().map(Vec::len).sum::<usize>();
    if !is_release {
        detected.notes.push(format!(
            "the {} files are not one release's bundles: the catalog builds upstream's file names",
            input.files.len()
        ));
        return;
    }
    let all = all.first().copied();
    let kinds: [Option<&str>; 4] = per_kind.map(|files| files.first().copied());
    // PREFIX-instancetypes-all-bundle.yaml and its siblings?
    let prefix = all
        .and_then(|a| a.strip_suffix("-instancetypes-all-bundle.yaml"))
        .or_else(|| {
            ApiKind::ALL.iter().zip(&kinds).find_map(|(k, name)| {
                name.and_then(|n| n.strip_suffix(&format!("-{}-bundle.yaml", kind_word(*k))))
            })
        });
    let named = |prefix: &str| {
        all.is_none_or(|a| a == format!("{prefix}-instancetypes-all-bundle.yaml"))
            && ApiKind::ALL.iter().zip(&kinds).all(|(k, name)| {
                name.is_none_or(|n| n == format!("{prefix}-{}-bundle.yaml", kind_word(*k)))
            })
    };
    let settings = &mut detected.settings;
    match prefix {
        Some(prefix) if named(prefix) && !prefix.is_empty() => {
            if prefix != UPSTREAM_PREFIX {
                settings.push(("prefix".into(), quoted(prefix)));
            }
            if all.is_none() {
                settings.push(("all_bundle".into(), "false".into()));
            }
            for (kind, name) in ApiKind::ALL.iter().zip(&kinds) {
                if name.is_none() {
                    settings.push((format!("{}_bundle", kind_word(*kind)), "false".into()));
                }
            }
        }
        _ => {
            settings.push(("all_bundle".into(), all.map_or("false".into(), quoted)));
            for (kind, name) in ApiKind::ALL.iter().zip(&kinds) {
                settings.push((
                    format!("{}_bundle", kind_word(*kind)),
                    name.map_or("false".into(), quoted),
                ));
            }
        }
    }
    match input.checksums.as_slice() {
        [] => settings.push(("checksums".into(), "false".into())),
        [one] if one == UPSTREAM_CHECKSUMS => {}
        [one, ..] => settings.push(("checksums".into(), quoted(one))),
    }
    // An empty bundle (a kind the catalog has none of) starts with nothing.
    let with_documents: Vec<_> = input.files.iter().filter(|f| !f.kinds.is_empty()).collect();
    let with_start = with_documents.iter().filter(|f| f.document_start).count();
    if with_start == 0 && !with_documents.is_empty() {
        settings.push(("document_start".into(), "false".into()));
    } else if with_start < with_documents.len() {
        detected.notes.push(
            "some files start with `---` and some do not: the build starts each with `---`".into(),
        );
    }
}

fn labels_of(body: &Yaml) -> Option<&Vec<(String, Yaml)>> {
    let Yaml::Map(top) = body else { return None };
    let (_, Yaml::Map(meta)) = top.iter().find(|(k, _)| k == "metadata")? else {
        return None;
    };
    match meta.iter().find(|(k, _)| k == "labels") {
        Some((_, Yaml::Map(labels))) => Some(labels),
        _ => None,
    }
}

/// Does a label value look like a release version (`v1.7.0`, `1.2`,
/// `noversion`, `v1.7.0-dirty`)?
fn looks_like_version(value: &str) -> bool {
    let digit = value.contains(|c: char| c.is_ascii_digit());
    let v_number = value
        .strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    value == "noversion" || v_number || digit && value.contains(['.', '-'])
}

/// The version label: a label every resource carries with one value. The
/// best evidence first: upstream's key (whatever its value: `acme-1.0`
/// too); a label appended after the sorted ones in every document, as
/// upstream's yq step appends it; a key that says `version` with a value
/// that looks like one (`v1.7.0`, `acme-1.0`, `2024-12`); any such value.
fn version_label(resources: &mut [Resource], detected: &mut Detected) {
    let Some(first) = resources.first().and_then(|r| labels_of(&r.body)) else {
        detected
            .settings
            .push(("version_label".into(), "false".into()));
        return;
    };
    let appended_everywhere = |key: &str| {
        resources.iter().all(|r| {
            labels_of(&r.body).is_some_and(|labels| {
                let n = labels.len();
                n >= 2 && labels[n - 1].0 == key && labels[n - 2].0.as_str() > key
            })
        })
    };
    let mut candidates: Vec<(u8, String, String)> = first
        .iter()
        .filter_map(|(k, v)| match v {
            Yaml::Str(v) => Some((k.clone(), v.clone())),
            _ => None,
        })
        .filter(|(k, v)| {
            resources.iter().all(|r| {
                labels_of(&r.body).is_some_and(|labels| {
                    labels
                        .iter()
                        .any(|(key, value)| key == k && *value == Yaml::Str(v.clone()))
                })
            })
        })
        .filter_map(|(k, v)| {
            let says_version = k.contains("version");
            let rank = if k == UPSTREAM_VERSION_LABEL {
                0
            } else if appended_everywhere(&k) && (says_version || looks_like_version(&v)) {
                1
            } else if says_version && looks_like_version(&v) {
                2
            } else if looks_like_version(&v) {
                3
            } else {
                return None;
            };
            Some((rank, k, v))
        })
        .collect();
    candidates.sort_by_key(|(rank, _, _)| *rank);
    let Some((_, key, value)) = candidates.into_iter().next() else {
        detected
            .settings
            .push(("version_label".into(), "false".into()));
        return;
    };
    if key != UPSTREAM_VERSION_LABEL {
        detected
            .settings
            .push(("version_label".into(), quoted(&key)));
    }
    // Last (after the sorted labels, as upstream's yq step appends it), or
    // in key order with the others?
    let last_everywhere = resources.iter().all(|r| {
        labels_of(&r.body).is_some_and(|labels| labels.last().is_some_and(|(k, _)| *k == key))
    });
    if !last_everywhere {
        detected
            .settings
            .push(("version_label_position".into(), quoted("sorted")));
    }
    for resource in resources.iter_mut() {
        strip_label(&mut resource.body, &key);
    }
    detected.version = Some((key, value));
}

fn strip_label(body: &mut Yaml, key: &str) {
    let Yaml::Map(top) = body else { return };
    let Some((_, Yaml::Map(meta))) = top.iter_mut().find(|(k, _)| k == "metadata") else {
        return;
    };
    let mut now_empty = false;
    if let Some((_, Yaml::Map(labels))) = meta.iter_mut().find(|(k, _)| k == "labels") {
        labels.retain(|(k, _)| k != key);
        now_empty = labels.is_empty();
    }
    if now_empty {
        meta.retain(|(k, _)| k != "labels");
    }
}
