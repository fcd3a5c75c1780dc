//! Kustomize: a release kept as a kustomize tree, built into its bundles
//! as upstream's scripts/generate.sh builds them. Used by `citc diff` (a
//! folder or a git revision holding a tree is a REF) and by `citc import`
//! (a folder holding a tree is a SOURCE), so that both read a tree the same
//! way.
//!
//! One file per step:
//! - [`copy`]: a folder on disk copied into a temporary folder (folders and
//!   regular files only, no symbolic links, no `.git`, bounded);
//! - [`confine`]: every kustomization of the copy read for the paths it
//!   names: nothing above the tree's top, nothing absolute, nothing remote;
//! - [`tool`]: `kustomize build`, else `kubectl kustomize`, bounded in
//!   time ([`tool::timeout`]) and in output.
//!
//! Messages name the tree's files as the user named the tree (`tree/sub/…`
//! for a folder, `REV:sub/…` for a git revision): the tool's own error
//! output has the temporary folder's path replaced, since that folder is
//! gone when citc exits.
//!
//! generate.sh writes `---` and then `kustomize build` of the tree's top
//! into the all-bundle, and of `VirtualMachineInstancetypes/` and its three
//! siblings into the per-kind bundles; it then stamps every resource with
//! the version label (`git describe --tags`, else `noversion`) and writes
//! `CHECKSUMS.sha256`. [`generate`] does the same but the stamping, which
//! is for its callers: diff takes the label out of every resource anyway,
//! and import appends it as yq does.

pub mod confine;
pub mod copy;
pub mod tool;

pub use confine::Remote;

use std::path::Path;
use std::process::{Command, Stdio};

use crate::kube::ApiKind;
use crate::release::Release;

/// The largest bundle file read, by diff and import or from kustomize's
/// output: upstream's all-bundle is about 200 KB, a thousand times that
/// still fits.
pub const MAX_BUNDLE_BYTES: u64 = 256 << 20;

/// The names of the file that makes a folder a kustomize tree (upstream's
/// first; kustomize reads the other two as well).
pub const KUSTOMIZATION_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Why a tree could not be built: a message naming the folder or file, and
/// what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub help: String,
}

impl Error {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Whether `dir` holds a kustomize tree: a kustomization file at its top.
pub fn is_tree(dir: &Path) -> bool {
    dir.is_dir()
        && KUSTOMIZATION_NAMES
            .iter()
            .any(|name| dir.join(name).is_file())
}

/// One bundle built from a tree.
pub struct Bundle {
    /// Its file name, as generate.sh names it.
    pub name: String,
    /// `---` and the tool's output, as generate.sh writes it before yq.
    pub text: String,
}

/// Which bundles to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundles {
    /// The all-bundle only (every resource; what a diff needs).
    All,
    /// The all-bundle and the per-kind bundles whose folders the tree has.
    Every,
}

/// A tree built as generate.sh builds it.
pub struct Generated {
    /// The all-bundle first.
    pub bundles: Vec<Bundle>,
    /// The checksum file generate.sh writes beside them.
    pub checksums: String,
    /// Which tool built them: `kustomize build` or `kubectl kustomize`.
    pub tool: &'static str,
    /// `git describe --tags --dirty` of the folder, when it is in a git
    /// repository: the version generate.sh would stamp (marked `-dirty`
    /// when the work tree is modified, as `citc build` marks it).
    pub version: Option<String>,
    /// Symbolic links in the folder that were not followed.
    pub links: Vec<String>,
}

/// Builds the tree in `folder` (a folder on disk with a kustomization at
/// its top) as generate.sh does: copied, checked, built.
pub fn generate(folder: &Path, which: Bundles, remote: Remote) -> Result<Generated, Error> {
    let shown = folder.display().to_string();
    let prefix = format!("{}/", shown.trim_end_matches('/'));
    let copy = copy::copy_folder(folder)?;
    let release = Release::default();
    let mut targets: Vec<(String, String)> = Vec::new();
    if let Some(all) = &release.all_bundle {
        targets.push((String::new(), all.clone()));
    }
    if which == Bundles::Every {
        for kind in ApiKind::ALL {
            // generate.sh's folders: `VirtualMachineInstancetypes`, …
            let sub = format!("{}s", kind.name());
            if let (true, Some(name)) = (is_tree(&copy.root.join(&sub)), release.kind_bundle(kind))
            {
                targets.push((sub, name.to_string()));
            }
        }
    }
    confine::check_tree(&copy.root, &prefix, remote)?;
    // The bundles are built at once (each build is a process of its own;
    // a thread that cannot be started builds on this one in turn).
    let results: Vec<Result<Built, Failure>> = std::thread::scope(|scope| {
        let started: Vec<_> = targets
            .iter()
            .map(|(sub, _)| {
                let dir = copy.root.join(sub);
                std::thread::Builder::new().spawn_scoped(scope, move || run(&dir))
            })
            .collect();
        started
            .into_iter()
            .zip(&targets)
            .map(|(thread, (sub, _))| match thread {
                Ok(thread) => thread.join().unwrap_or_else(|_| {
                    Err(Failure::Failed {
                        tool: "kustomize",
                        message: "the build stopped unexpectedly".to_string(),
                    })
                }),
                Err(_) => run(&copy.root.join(sub)),
            })
            .collect()
    });
    let mut bundles = Vec::new();
    let mut used = "";
    for ((sub, name), result) in targets.into_iter().zip(results) {
        let built = result.map_err(|failure| match failure {
            Failure::Refused(err) => err,
            Failure::NoTool => no_tool(&format!("{shown} holds a kustomize tree")),
            Failure::Failed { tool, message } => Error::new(
                format!(
                    "`{tool}` could not build the kustomize tree in {}: {}",
                    if sub.is_empty() {
                        shown.clone()
                    } else {
                        format!("{shown}/{sub}")
                    },
                    without_temp(&message, &copy.temp, &copy.root, &prefix)
                ),
                "fix the tree (`kubectl kustomize` shows the same error), or give the release's bundles instead",
            ),
        })?;
        used = built.tool;
        bundles.push(Bundle {
            name,
            text: format!("---\n{}", built.text),
        });
    }
    Ok(Generated {
        bundles,
        checksums: release
            .checksums
            .unwrap_or_else(|| crate::release::UPSTREAM_CHECKSUMS.to_string()),
        tool: used,
        version: git_describe(folder),
        links: copy.links.clone(),
    })
}

/// The error when neither tool is on PATH; `what` says what needed one.
pub fn no_tool(what: &str) -> Error {
    Error::new(
        format!("{what}, but neither `kustomize` nor `kubectl` is on PATH to build it"),
        "install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) \
         or kubectl, or give the release's bundles: a folder, or a name in --releases DIR",
    )
}

/// The output of one build.
pub struct Built {
    pub text: String,
    pub tool: &'static str,
}

/// Why [`build`] gave no output.
pub enum Failure {
    /// A kustomization names a path outside the tree (see [`confine`]).
    Refused(Error),
    /// Neither kustomize nor kubectl is on PATH.
    NoTool,
    Failed {
        tool: &'static str,
        message: String,
    },
}

/// Builds `dir`, a folder of the tree copied at `root` (made by
/// [`copy::confined_temp`] in `temp`, holding only folders and regular
/// files), once every kustomization of the tree has been checked. `shown`
/// is put before the tree's paths in messages (`REV:`).
pub fn build(
    temp: &Path,
    root: &Path,
    dir: &Path,
    shown: &str,
    remote: Remote,
) -> Result<Built, Failure> {
    confine::check_tree(root, shown, remote).map_err(Failure::Refused)?;
    run(dir).map_err(|failure| match failure {
        Failure::Failed { tool, message } => Failure::Failed {
            tool,
            message: without_temp(&message, temp, root, shown),
        },
        other => other,
    })
}

/// `message` with the paths of the copy named as the user names the tree:
/// `root/x` becomes `{shown}x`, and anything else in `temp` (the empty
/// folders above the copy) is said to be outside the tree.
fn without_temp(message: &str, temp: &Path, root: &Path, shown: &str) -> String {
    let root = root.to_string_lossy();
    let temp = temp.to_string_lossy();
    let top = shown.strip_suffix('/').unwrap_or(shown);
    message
        .replace(&format!("{root}/"), shown)
        .replace(&*root, top)
        .replace(&*temp, "(outside the tree)")
}

fn run(dir: &Path) -> Result<Built, Failure> {
    match tool::run(dir) {
        Ok((tool, text)) => Ok(Built { text, tool }),
        Err(tool::ToolFailure::NoTool) => Err(Failure::NoTool),
        Err(tool::ToolFailure::Failed { tool, message }) => Err(Failure::Failed { tool, message }),
    }
}

/// `git describe --tags --dirty` run in `folder`; `None` outside a
/// repository, without a tag, or when the description is no label value.
fn git_describe(folder: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["describe", "--tags", "--dirty"])
        .current_dir(folder)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())?;
    let version = String::from_utf8(out.stdout).ok()?.trim().to_string();
    crate::release::validate_version(&version).ok()?;
    Some(version)
}
