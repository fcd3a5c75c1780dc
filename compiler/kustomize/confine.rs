//! Confinement: before a tree is built, every kustomization file in it is
//! read for the paths it names. kustomize itself follows `../` from a
//! kustomization to any folder of the machine, and fetches a remote base
//! (`github.com/…?ref=…`, `https://…`) from the network; a copy of the tree
//! alone stops neither. So a path that climbs above the tree's top, an
//! absolute path, a remote base, or a path the tree does not hold is
//! refused, naming the kustomization file and the field.
//!
//! Only the fields that name files or folders are read (`resources`,
//! `components`, `patches[].path`, `configMapGenerator[].files`, …), from
//! the parser's events. kustomize reads a kustomization as go-yaml and
//! then JSON do: field names match whatever their case (`Resources:`,
//! `RESOURCES:`, even `reſources` with a long s), and a merge key (`<<:`)
//! or an alias brings in fields from elsewhere. So names are compared
//! folded as Go folds them, and a merge key or an alias anywhere in a
//! kustomization is refused (upstream's kustomizations use neither).
//!
//! A remote resource is refused unless [`Remote::AllowHttps`] (`citc diff
//! --allow-remote-resources`): then an `https://` URL is left to kustomize
//! to fetch, and any other remote form (plain http, ssh, `git@`, `file://`)
//! is still refused.

use std::path::Path;

use saphyr_parser::{Event, Parser};

use super::{Error, KUSTOMIZATION_NAMES};

/// The largest kustomization file read: upstream's are a few hundred bytes.
/// (The parser keeps what it reads ahead; this bounds it.)
const MAX_KUSTOMIZATION_BYTES: u64 = 256 << 10;
/// How deep a kustomization may nest.
const MAX_DEPTH: usize = 64;

/// Fields whose list items are paths.
const LISTS_OF_PATHS: &[&str] = &[
    "resources",
    "components",
    "bases",
    "crds",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "patchesStrategicMerge",
];

/// Fields whose items name a file with `path:`.
const WITH_PATH: &[&str] = &[
    "patches",
    "patchesJson6902",
    "replacements",
    "openapi",
    "generators",
    "transformers",
    "validators",
];

/// Fields whose items name files with `files:` (`key=path` or `path`),
/// `envs:` and `env:`.
const WITH_FILES: &[&str] = &[
    "configMapGenerator",
    "secretGenerator",
    "generators",
    "transformers",
];

/// Whether a kustomization may name a remote resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Remote {
    /// Every remote resource is refused.
    #[default]
    Refuse,
    /// An `https://` URL is fetched by kustomize; other remote forms are
    /// refused.
    AllowHttps,
}

/// Every field and key name this module reads.
fn known_names() -> impl Iterator<Item = &'static str> {
    LISTS_OF_PATHS
        .iter()
        .chain(WITH_PATH)
        .chain(WITH_FILES)
        .copied()
        .chain(["path", "files", "envs", "env"])
}

/// A key as kustomize matches it: Go's encoding/json takes a field name
/// whatever its case, folding as Unicode does (`ſ` is an `s`, the Kelvin
/// sign a `k`). A key that folds to one of ours becomes ours.
fn canonical_key(key: &str) -> String {
    let fold = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '\u{17F}' => 's',
                '\u{212A}' => 'k',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    };
    let folded = fold(key);
    known_names()
        .find(|name| fold(name) == folded)
        .map_or_else(|| key.to_string(), str::to_string)
}

/// How a scalar names a path, if it does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PathValue {
    Plain,
    /// `key=path`: the path is after the last `=`.
    AfterEquals,
    /// A list item that is a path, or an inline patch when it has several
    /// lines (`patchesStrategicMerge`).
    PathOrInline,
}

fn path_value(field: &str, key: &str, in_list_of_field: bool) -> Option<PathValue> {
    if in_list_of_field && key == field && LISTS_OF_PATHS.contains(&field) {
        return Some(if field == "patchesStrategicMerge" {
            PathValue::PathOrInline
        } else {
            PathValue::Plain
        });
    }
    if key == "path" && WITH_PATH.contains(&field) {
        return Some(PathValue::Plain);
    }
    if WITH_FILES.contains(&field) {
        return match key {
            "files" => Some(PathValue::AfterEquals),
            "envs" | "env" => Some(PathValue::Plain),
            _ => None,
        };
    }
    None
}

/// Checks every kustomization file under `root` (a copy, which holds only
/// folders and regular files). `shown` is what names the tree's files in
/// messages, put before their path: `tree/` for a folder, `REV:` for a git
/// revision.
pub fn check_tree(root: &Path, shown: &str, remote: Remote) -> Result<(), Error> {
    let mut pending = vec![String::new()];
    while let Some(folder) = pending.pop() {
        let dir = root.join(&folder);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue; // the copy was just written; kustomize reports what it cannot read
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = join_shown(&folder, &name);
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(relative);
            } else if kind.is_file() && KUSTOMIZATION_NAMES.contains(&name.as_str()) {
                check_file(root, &folder, &relative, shown, remote)?;
            }
        }
    }
    Ok(())
}

fn join_shown(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

/// An open map or sequence, and whether it is the key of its parent map.
enum Frame {
    Map {
        key: Option<String>,
        want_key: bool,
        as_key: bool,
    },
    Seq {
        as_key: bool,
    },
}

fn check_file(
    root: &Path,
    folder: &str,
    relative: &str,
    shown: &str,
    remote: Remote,
) -> Result<(), Error> {
    let file = format!("{shown}{relative}");
    let help = "citc builds a kustomize tree only from what the tree holds: its kustomizations \
                may name folders and files inside it (`../` as long as it stays inside), \
                nothing above its top, no absolute path and no remote base; give the folder \
                that holds all of the release (the repository's top)";
    let text = crate::source::read_input(
        &root.join(relative),
        "the kustomization",
        MAX_KUSTOMIZATION_BYTES,
    )
    .map_err(|err| Error::new(format!("{file}: {}", err.reason), help))?;
    let mut frames: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(&text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|err| {
            Error::new(
                format!(
                    "{file}:{}:{}: not YAML: {}",
                    err.marker().line(),
                    err.marker().col() + 1,
                    err.info()
                ),
                "fix the kustomization; kustomize cannot read it either",
            )
        })?;
        let line = span.start.line();
        // The top-level field being read, and the key that holds the
        // value at hand (for a list item, the key of the list).
        let field = match frames.first() {
            Some(Frame::Map { key: Some(k), .. }) => k.clone(),
            _ => String::new(),
        };
        let holder = frames.iter().rev().find_map(|f| match f {
            Frame::Map { key, .. } => Some(key.clone().unwrap_or_default()),
            Frame::Seq { .. } => None,
        });
        let in_list = matches!(frames.last(), Some(Frame::Seq { .. }));
        let wants_key = matches!(frames.last(), Some(Frame::Map { want_key: true, .. }));
        match event {
            Event::DocumentStart(_) | Event::DocumentEnd => frames.clear(),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if frames.len() >= MAX_DEPTH {
                    return Err(Error::new(
                        format!("{file}:{line}: nested more than {MAX_DEPTH} deep"),
                        "this is not a kustomization of a release",
                    ));
                }
                if let Some(Frame::Map { key, want_key, .. }) = frames.last_mut() {
                    if *want_key {
                        *key = None; // a map or list as a key: no field of ours
                    }
                }
                frames.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        key: None,
                        want_key: true,
                        as_key: wants_key,
                    }
                } else {
                    Frame::Seq { as_key: wants_key }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let as_key = match frames.pop() {
                    Some(Frame::Map { as_key, .. } | Frame::Seq { as_key }) => as_key,
                    None => false,
                };
                if let Some(Frame::Map { want_key, .. }) = frames.last_mut() {
                    *want_key = !as_key;
                }
            }
            Event::Scalar(value, ..) => {
                if wants_key {
                    if value == "<<" {
                        return Err(Error::new(
                            format!("{file}:{line}: a merge key (`<<`)"),
                            "write the fields themselves: kustomize would merge them in, and citc \
                             reads the paths of a kustomization before it is built",
                        ));
                    }
                    if let Some(Frame::Map { key, want_key, .. }) = frames.last_mut() {
                        *key = Some(canonical_key(&value));
                        *want_key = false;
                    }
                    continue;
                }
                let holder = holder.unwrap_or_default();
                if let Some(how) = path_value(&field, &holder, in_list) {
                    check_path(root, folder, &value, how, remote).map_err(|why| {
                        let help = if why.contains("remote resource") {
                            REMOTE_HELP
                        } else {
                            help
                        };
                        Error::new(format!("{file}:{line}: `{value}` ({field}) {why}"), help)
                    })?;
                }
                if let Some(Frame::Map { want_key, .. }) = frames.last_mut() {
                    *want_key = true;
                }
            }
            Event::Alias(_) => {
                return Err(Error::new(
                    format!(
                        "{file}:{line}: an alias (`*name`){}",
                        if field.is_empty() {
                            String::new()
                        } else {
                            format!(" in {field}")
                        }
                    ),
                    "write the value itself: citc reads the paths of a kustomization before it \
                     is built, and follows no aliases there",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

const REMOTE_HELP: &str = "citc builds a kustomize tree only from what the tree holds, so that \
    kustomize fetches nothing from the network; vendor the remote base into the tree, or pass \
    --allow-remote-resources to let kustomize fetch https:// resources (plain http, ssh and git@ \
    stay refused)";

/// Why `value`, read in the kustomization of `folder` (relative to the
/// top), does not name something inside the tree.
fn check_path(
    root: &Path,
    folder: &str,
    value: &str,
    how: PathValue,
    remote: Remote,
) -> Result<(), String> {
    if how == PathValue::PathOrInline && value.contains('\n') {
        return Ok(());
    }
    let path = match how {
        PathValue::AfterEquals => value.rsplit_once('=').map_or(value, |(_, p)| p),
        _ => value,
    }
    .trim();
    if path.is_empty() {
        return Ok(());
    }
    if path.contains("://") || path.starts_with("git@") || path.starts_with("git::") {
        if remote == Remote::AllowHttps && path.starts_with("https://") {
            return Ok(());
        }
        return Err(match remote {
            Remote::Refuse => "is a remote resource: citc builds only what the tree holds".into(),
            Remote::AllowHttps => {
                "is a remote resource that is not https://: remote resources are fetched over https only".into()
            }
        });
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err("is an absolute path".into());
    }
    let Some(inside) = join_inside(folder, path) else {
        return Err("leaves the tree: it climbs above its top".into());
    };
    if std::fs::symlink_metadata(root.join(&inside)).is_err() {
        return Err(format!(
            "names {}, which the tree does not hold (a remote base is not fetched)",
            if inside.is_empty() { "." } else { &inside }
        ));
    }
    Ok(())
}

/// `folder` + `path` with `.` and `..` resolved; `None` when it climbs above
/// the top.
fn join_inside(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn check(files: &[(&str, &str)]) -> Result<(), String> {
        let dir = tree(files);
        check_tree(dir.path(), "t/", Remote::Refuse).map_err(|e| e.message)
    }

    #[test]
    fn paths_inside_the_tree_pass() {
        let files = [
            (
                "kustomization.yaml",
                "resources:\n  - ./a\ncomponents: [\"a/c\"]\n",
            ),
            (
                "a/kustomization.yaml",
                "resources: [x.yaml]\npatches:\n  - path: ../p.yaml\n    target: {kind: X}\n  - patch: |-\n      path: /etc/passwd\nconfigMapGenerator:\n  - name: m\n    files: [k=../p.yaml]\ncommonAnnotations:\n  url: https://example.com\n",
            ),
            ("a/x.yaml", "x: 1\n"),
            ("a/c/kustomization.yaml", "kind: Component\n"),
            ("p.yaml", "p: 1\n"),
        ];
        assert_eq!(check(&files), Ok(()));
    }

    #[test]
    fn paths_that_leave_the_tree_are_refused() {
        for (kustomization, needle) in [
            ("resources:\n  - ../../outside\n", "leaves the tree"),
            ("resources: [/etc]\n", "absolute path"),
            (
                "resources:\n- https://github.com/kubevirt/common-instancetypes//instancetypes?ref=v1.0.0\n",
                "remote resource",
            ),
            (
                "resources:\n- github.com/kubevirt/common-instancetypes/instancetypes?ref=v1.0.0\n",
                "which the tree does not hold",
            ),
            ("patches:\n  - path: ../../p.yaml\n", "leaves the tree"),
            (
                "configMapGenerator:\n- name: x\n  files:\n  - key=../../../etc/passwd\n",
                "leaves the tree",
            ),
            ("x: &p ../..\nresources:\n- *p\n", "an alias"),
            // kustomize matches field names whatever their case, and
            // merges `<<` and aliases in.
            ("Resources:\n  - ../../outside\n", "leaves the tree"),
            ("RESOURCES: [../../outside]\n", "leaves the tree"),
            ("re\u{17F}ources: [../../outside]\n", "leaves the tree"),
            ("PATCHES:\n  - PATH: ../../p.yaml\n", "leaves the tree"),
            ("<<: {resources: [../../outside]}\n", "a merge key"),
            ("x: &l [../../outside]\nresources: *l\n", "an alias"),
            ("x: &k resources\n*k : [../../outside]\n", "an alias"),
        ] {
            let err = check(&[
                ("sub/kustomization.yaml", kustomization),
                ("kustomization.yaml", "resources: [sub]\n"),
            ])
            .expect_err(kustomization);
            assert!(err.contains(needle), "{kustomization}: {err}");
            assert!(err.starts_with("t/sub/kustomization.yaml:"), "{err}");
        }
    }

    #[test]
    fn remote_resources_need_allowing_and_https() {
        let dir = tree(&[(
            "kustomization.yaml",
            "resources:\n- https://example.com/base?ref=v1\n",
        )]);
        let refused = check_tree(dir.path(), "t/", Remote::Refuse).expect_err("refused");
        assert!(
            refused.message.contains("t/kustomization.yaml:2"),
            "{refused:?}"
        );
        assert!(
            refused.help.contains("--allow-remote-resources"),
            "{refused:?}"
        );
        assert_eq!(check_tree(dir.path(), "t/", Remote::AllowHttps), Ok(()));
        for url in [
            "http://example.com/base",
            "git@github.com:o/r.git",
            "ssh://git@github.com/o/r",
            "file:///etc",
            "git::https://example.com/r",
        ] {
            let dir = tree(&[("kustomization.yaml", &format!("resources:\n- {url}\n"))]);
            let err = check_tree(dir.path(), "t/", Remote::AllowHttps).expect_err(url);
            assert!(err.message.contains("not https://"), "{url}: {err:?}");
        }
    }

    #[test]
    fn join_inside_stays_inside() {
        assert_eq!(join_inside("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(join_inside("a", "../..//x"), None);
        assert_eq!(join_inside("", "./x/./y").as_deref(), Some("x/y"));
    }
}
