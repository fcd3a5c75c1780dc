//! `citc diff`: what changed since a release — for a maintainer before a
//! release, for a CI gate on every pull request, and as release notes.
//!
//! Resolves each REF (`diff::refs`), reads bundles or compiles the catalog,
//! compares (`diff::compare`), prints the report (`diff::render`) and maps
//! `--fail-on` to the exit code: 0 nothing that meets it, 1 something
//! does, 2 errors (usage, a REF that resolves nowhere, unreadable input, a
//! catalog with errors).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::build::git_describe;
use super::{report, MessageFormat};
use crate::diff::compare::{compare, Summary};
use crate::diff::refs::{self, Held, Lookup, Source};
use crate::diff::render::{Links, MarkdownOptions};
use crate::diff::{read, render, Conventions, Error, Snapshot};
use crate::resolve;
use crate::source::SourceMap;
use crate::source::{read_input, MAX_SOURCE_BYTES};

/// Compare a previous release with the catalog, or two releases.
///
/// Two REFs need no catalog: in a clone of a repository from before citc,
/// `citc diff v1.6.0 v1.7.0` and `citc diff v1.7.0 .` work as they are.
///
/// A REF is, tried in order: a bundle file or folder, or a folder holding
/// a kustomize tree (a kustomization.yaml at its top: copied below empty
/// folders, checked that no kustomization names a path outside it or a
/// remote one (see --allow-remote-resources), and built as upstream's
/// generate.sh builds the all-bundle, with `kustomize build`, else
/// `kubectl kustomize`, stopped after $CITC_KUSTOMIZE_TIMEOUT seconds
/// (default 120) or 256 MiB of output; a revision's files are named
/// REV:path); a git revision of the repository that holds
/// the catalog, else of the current folder's (the catalog and its imports
/// as of that revision are compiled; a revision without the catalog is read
/// from the release bundles committed in it, else its kustomize tree is
/// built the same way, and an error names both tools when neither is on
/// PATH); a release folder in the releases folder
/// (--releases, else releases/ beside the catalog), whose bundles may carry
/// upstream's `-<version>` suffix; a download from the catalog's
/// `let release_url = "https://…/\${version}/…"`, cached in $CITC_CACHE_DIR,
/// else $XDG_CACHE_HOME/citc, else ~/.cache/citc. Downloads are https only
/// (see --allow-http), at most 64 MiB, checked against the release's
/// CHECKSUMS.sha256 when it publishes one; a cached copy whose sha256 is
/// not the one recorded beside it when it was downloaded, or that is not a
/// valid release, is downloaded again.
///
/// Bundles hold only VirtualMachine{Cluster,}{Instancetype,Preference}
/// documents, at least one; files are at most 256 MiB, nested at most 64
/// deep, with bounded alias expansion.
///
/// The common-instancetypes-version label is shown in the header, never
/// counted as a change. Each side is named by its version: a tag's name, a
/// revision's `git describe --tags`, a tree folder's `git describe --tags
/// --dirty`, a bundle's version label; else by what was given.
///
/// The markdown format is release notes: counted in instance types and
/// preferences (each one thing in both its kinds), with each preference's
/// display name and each instance type's size, breaking changes first.
/// Compared with the catalog compiled now, it cites the line that sets
/// each new value, as a link with --link-base (or in GitHub Actions).
///
/// A change made in the same way to 3 or more resources is shown once in
/// text, markdown and unified, with the resources it touches; in text and
/// unified, names of one prefix added or removed together (rt1.*) are one
/// item. json lists every resource and every change, and adds
/// `grouped_changes`. Counts and --fail-on do not depend on this.
///
/// Exit codes: 0 no change that meets --fail-on, 1 one does, 2 errors
/// (usage, a REF found nowhere or unreadable, refused input, a failed
/// download, a catalog with errors).
#[derive(Args)]
pub struct DiffArgs {
    /// What to compare from.
    #[arg(value_name = "REF")]
    reference: String,
    /// What to compare to, found like REF [default: the catalog, compiled now].
    #[arg(value_name = "REF2")]
    reference2: Option<String>,
    /// The catalog: compiled when there is no REF2; its repository, its
    /// releases/ folder and its release URL serve to find REFs. With two
    /// REFs it may be absent [default: catalog.cit].
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// The folder of releases, one folder of bundles per release name.
    #[arg(long, value_name = "DIR")]
    releases: Option<PathBuf>,
    /// Version label of the catalog compiled now (shown, never compared)
    /// [default: `git describe --tags` of the catalog's directory, else `noversion`].
    #[arg(long)]
    version: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Which changes make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    fail_on: FailOn,
    /// How to print the catalog's diagnostics, if it has errors.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Allow the catalog's release_url to be plain http:// (with a
    /// warning); without it, downloads are https only.
    #[arg(long)]
    allow_http: bool,
    /// Let a kustomize tree (a folder or a git revision) name remote
    /// resources for kustomize to fetch: https:// URLs only (plain http,
    /// ssh and git@ stay refused). Without it, a kustomization that names
    /// a remote resource is refused, naming its file and line, before
    /// kustomize runs.
    #[arg(long)]
    allow_remote_resources: bool,
    /// Markdown: the URL of the repository's files at this version
    /// (https://github.com/OWNER/REPO/blob/REVISION); a citation such as
    /// catalog.cit:395 becomes a link to URL/PATH#L395, PATH from the
    /// repository's top [default in GitHub Actions:
    /// $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA].
    #[arg(long, value_name = "URL")]
    link_base: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Grouped by removed, added, shared changes, changed; counts first;
    /// coloured on a terminal.
    Text,
    /// A unified diff of the canonical YAML of each resource that differs;
    /// shared changes said once in the header.
    Unified,
    /// from, to, summary, resources and grouped_changes, for CI.
    Json,
    /// Release notes: counts of instance types and preferences, breaking
    /// changes first, display names and sizes, links to the catalog.
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Exit 1 when a change breaks users.
    Breaking,
    /// Exit 1 on any added, removed or changed resource.
    Any,
    /// Exit 0 whatever changed.
    Never,
}

/// Why the diff could not be made.
enum Failure {
    /// Already printed (the catalog's diagnostics).
    Reported,
    Error(Error),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Failure {
        Failure::Error(err)
    }
}

pub fn run(args: DiffArgs) -> ExitCode {
    if let Err(code) = super::build::version_arg(args.version.clone()) {
        return code;
    }
    let summary = match diff(&args) {
        Ok(summary) => summary,
        Err(Failure::Reported) => return ExitCode::from(2),
        Err(Failure::Error(err)) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let fails = match args.fail_on {
        FailOn::Breaking => summary.breaking > 0,
        FailOn::Any => summary.any(),
        FailOn::Never => false,
    };
    if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn diff(args: &DiffArgs) -> Result<Summary, Failure> {
    let default_catalog = PathBuf::from("catalog.cit");
    let catalog = args.catalog.as_ref().unwrap_or(&default_catalog);
    // A catalog named on the command line must be there; the default one
    // may be absent when two REFs are compared (a repository before citc).
    if args.catalog.is_some() && !catalog.is_file() {
        return Err(
            Error::new(format!("there is no catalog {}", catalog.display()))
                .with_help("check the path given to --catalog, or leave it out to compare two REFs")
                .into(),
        );
    }
    let links = link_base(args)?;
    // The catalog's release settings say how its own builds are named and
    // stamped, so that a folder it built can be read and compared.
    // Compared with the catalog compiled now, text and markdown cite the
    // line that sets each new value: only then is provenance recorded.
    let cite = args.reference2.is_none() && matches!(args.format, Format::Text | Format::Markdown);
    let mut analysis = catalog.is_file().then(|| {
        let root = resolve::Root::Path(catalog);
        if cite {
            crate::analyze_traced(root)
        } else {
            crate::analyze(root)
        }
    });
    let conventions = match &analysis {
        Some(analysis) if !analysis.has_errors() => {
            Conventions::with(analysis.catalog.release.clone())
        }
        _ => Conventions::default(),
    };
    let lookup = Lookup {
        catalog,
        releases: args.releases.as_deref(),
        cache: refs::default_cache_dir(),
        allow_http: args.allow_http,
        remote: if args.allow_remote_resources {
            crate::kustomize::Remote::AllowHttps
        } else {
            crate::kustomize::Remote::Refuse
        },
        conventions: &conventions,
    };
    let old = load(&args.reference, &lookup, &conventions, args.message_format)?;
    let mut cited_version = None;
    let new = match (&args.reference2, analysis.as_mut()) {
        (Some(reference), _) => load(reference, &lookup, &conventions, args.message_format)?,
        (None, None) => {
            let here = catalog
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let help = if crate::kustomize::is_tree(here) {
                format!(
                    "give a second REF: `citc diff {} {}` compares with the kustomize tree here; \
                     or pass --catalog FILE",
                    args.reference,
                    here.display()
                )
            } else {
                "pass --catalog FILE, or give a second REF".to_string()
            };
            return Err(Error::new(format!(
                "there is no catalog {} to compare `{}` with",
                catalog.display(),
                args.reference
            ))
            .with_help(help)
            .into());
        }
        (None, Some(analysis)) => {
            let version = args
                .version
                .clone()
                .or_else(|| git_describe(catalog))
                .unwrap_or_else(|| analysis.catalog.release.default_version.clone());
            let label = catalog.display().to_string();
            cited_version = Some(version.clone());
            snapshot(
                analysis,
                Some(version),
                &label,
                &conventions,
                args.message_format,
            )?
        }
    };
    let mut report = compare(&old, &new);
    let mut markdown_links = None;
    if let (Some(analysis), Some(version), true) = (&analysis, cited_version, cite) {
        crate::provenance::cite(&mut report, &analysis.catalog, &analysis.sources, &version);
        markdown_links = links.map(|base| repository_links(&base, catalog, &analysis.sources));
    }
    let color = super::color::stdout();
    let text = match args.format {
        Format::Text => render::text(&report, color),
        Format::Unified => render::unified(&report, color),
        Format::Json => render::json(&report),
        Format::Markdown => render::markdown(
            &report,
            MarkdownOptions {
                links: markdown_links.as_ref(),
            },
        ),
    };
    super::stdout::write(text.as_bytes());
    Ok(report.summary())
}

/// The base URL citations link to: --link-base, else GitHub Actions'
/// repository at the commit being built; `None` outside Actions.
fn link_base(args: &DiffArgs) -> Result<Option<String>, Failure> {
    if let Some(base) = &args.link_base {
        let scheme = base
            .split_once("://")
            .is_some_and(|(scheme, rest)| matches!(scheme, "https" | "http") && !rest.is_empty());
        if !scheme {
            return Err(Error::new(format!("--link-base {base:?} is not an http(s) URL"))
                .with_help("give the URL of the repository's files at this version, such as https://github.com/OWNER/REPO/blob/v1.8.0")
                .into());
        }
        return Ok(Some(base.clone()));
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Ok(
        match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(server), Some(repository), Some(sha)) => Some(format!(
                "{}/{repository}/blob/{sha}",
                server.trim_end_matches('/')
            )),
            _ => None,
        },
    )
}

/// Where each file of the catalog is in its repository (from the top of
/// the git repository that holds the catalog, else from the catalog's
/// folder); the standard library is citc's, not the repository's.
fn repository_links(base: &str, catalog: &std::path::Path, sources: &SourceMap) -> Links {
    let dir = catalog
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let top = std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|top| PathBuf::from(top.trim_end_matches(['\n', '\r'])))
        .unwrap_or_else(|| dir.to_path_buf());
    let top = top.canonicalize().unwrap_or(top);
    let mut files = HashMap::new();
    for path in sources.paths() {
        let Some(id) = sources.find_path(path) else {
            continue;
        };
        let Ok(real) = path.canonicalize() else {
            continue;
        };
        let Ok(relative) = real.strip_prefix(&top) else {
            continue;
        };
        let relative: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.insert(sources.get(id).name.clone(), relative.join("/"));
    }
    Links::new(base, files)
}

/// `citc doc html --compare REF`: REF found and read as `citc diff REF`
/// finds it, compared with the catalog analysed in `analysis` (stamped with
/// `version`). Errors are printed; the exit code is returned.
pub(super) fn compare_with_catalog(
    reference: &str,
    catalog: &std::path::Path,
    releases: Option<&std::path::Path>,
    allow_remote_resources: bool,
    analysis: &mut crate::Analysis,
    version: &str,
    format: MessageFormat,
) -> Result<crate::diff::compare::Report, ExitCode> {
    let conventions = Conventions::with(analysis.catalog.release.clone());
    let lookup = Lookup {
        catalog,
        releases,
        cache: refs::default_cache_dir(),
        allow_http: false,
        remote: if allow_remote_resources {
            crate::kustomize::Remote::AllowHttps
        } else {
            crate::kustomize::Remote::Refuse
        },
        conventions: &conventions,
    };
    let label = catalog.display().to_string();
    let sides = load(reference, &lookup, &conventions, format).and_then(|old| {
        let new = snapshot(
            analysis,
            Some(version.to_string()),
            &label,
            &conventions,
            format,
        )?;
        Ok((old, new))
    });
    match sides {
        Ok((old, new)) => Ok(compare(&old, &new)),
        Err(Failure::Reported) => Err(ExitCode::from(2)),
        Err(Failure::Error(err)) => {
            eprintln!("error: {err}");
            Err(ExitCode::from(2))
        }
    }
}

/// Resolves a REF and reads or compiles what it names.
fn load(
    reference: &str,
    lookup: &Lookup,
    conventions: &Conventions,
    format: MessageFormat,
) -> Result<Snapshot, Failure> {
    let resolved = refs::resolve(reference, lookup)?;
    for message in &resolved.messages {
        eprintln!("{message}");
    }
    if let Some(how) = &resolved.how {
        eprintln!("{reference}: {how}");
    }
    Ok(match resolved.source {
        Source::Bundles(path) => read::read_path_with(&path, reference, conventions)?,
        Source::Tree(generated) => {
            let origin = format!("`{}` of {reference}", generated.tool);
            let all = generated.bundles.first().map_or("", |b| b.text.as_str());
            let mut snapshot = Snapshot::with_conventions(
                reference,
                read::parse_bundle(all, &origin)?,
                conventions,
            );
            // What generate.sh would stamp: the folder's git description.
            if snapshot.version.is_none() {
                snapshot.version = generated.version;
            }
            snapshot
        }
        Source::Downloaded { url, text } => {
            Snapshot::with_conventions(reference, read::parse_bundle(&text, &url)?, conventions)
        }
        Source::Release(release) => {
            let mut snapshot = match release.held {
                Held::Bundles(extracted) => {
                    read::read_path_with(&extracted.path, reference, conventions)?
                }
                Held::Built(built) => {
                    let origin = format!("`{}` of {reference}", built.tool);
                    Snapshot::with_conventions(
                        reference,
                        read::parse_bundle(&built.text, &origin)?,
                        conventions,
                    )
                }
            };
            // What upstream's generate.sh would have stamped on every
            // resource; committed bundles that carry a label keep theirs.
            if snapshot.version.is_none() {
                snapshot.version = Some(release.version);
            }
            snapshot
        }
        Source::Revision(revision) => {
            // Compiled under its path in the repository, so that messages
            // never show the temporary folder.
            let path = revision.root.join(&revision.relative);
            let text = read_input(&path, "catalog", MAX_SOURCE_BYTES)
                .map_err(|err| Error::new(err.message).with_help(err.help))?;
            let root = resolve::Root::Text {
                name: &revision.relative,
                text: &text,
                dir: &revision.root,
            };
            let mut analysis = crate::analyze(root);
            snapshot(
                &mut analysis,
                Some(revision.version),
                reference,
                conventions,
                format,
            )?
        }
    })
}

/// The documents of an analysed catalog, stamped with `version` (else the
/// catalog's default version). Its own version label is taken out along
/// with those of `conventions`.
fn snapshot(
    analysis: &mut crate::Analysis,
    version: Option<String>,
    label: &str,
    conventions: &Conventions,
    format: MessageFormat,
) -> Result<Snapshot, Failure> {
    let release = analysis.catalog.release.clone();
    let version = version.unwrap_or_else(|| release.default_version.clone());
    let documents = crate::lower::lower(&analysis.catalog, &version, &mut analysis.diagnostics);
    if analysis.has_errors() {
        crate::diagnostic::sort_diagnostics(&mut analysis.diagnostics);
        report(&analysis.sources, &analysis.diagnostics, format);
        eprintln!("error: cannot compare `{label}`: the catalog has errors");
        return Err(Failure::Reported);
    }
    let mut conventions = conventions.clone();
    if !conventions.releases.contains(&release) {
        conventions.releases.insert(0, release);
    }
    Ok(Snapshot::from_documents(label, &documents, &conventions))
}
