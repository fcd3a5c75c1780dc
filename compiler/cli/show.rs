//! `citc show`: one resource as the YAML the build writes for it, and with
//! `--why` (or a field path) where each value comes from.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{report, stdout, MessageFormat};
use crate::kube::ApiKind;
use crate::provenance::{self, render, NotFound, KIND_NAMES};
use crate::release::validate_version;
use crate::{analyze_traced, resolve};

/// Show a resource as the YAML document the build writes for it, and why
/// each field has its value.
///
/// Without --why the output is the document byte for byte as it appears in
/// the bundles (same lowering, emitter, release settings and version). With
/// --why each field carries a comment that says where its value was set:
/// file:line:column, and the way it got there (a table row and column, a
/// parent, a mixin and the `use` that applied it, a series, a patch, a
/// derive rule, an alias, or citc itself).
///
/// With a FIELD_PATH, only that field (or the fields under it) is shown,
/// with its whole chain: every assignment that set it, in order, each
/// overridden one marked and the winner last, with the source line.
///
/// Exit codes: 0 shown; 1 the catalog has errors (they are printed);
/// 2 an unknown resource, kind or field, or an unreadable catalog.
#[derive(Args)]
pub struct ShowArgs {
    /// The resource's name (`u1.medium`, `rhel.9`).
    #[arg(required_unless_present = "all")]
    name: Option<String>,
    /// Only this field and its chain: a dotted path (`spec.cpu.guest`),
    /// an alias (`displayName`), quoted segments for keys with dots
    /// (`metadata.labels."instancetype.kubevirt.io/vendor"`).
    field_path: Option<String>,
    /// The catalog.
    #[arg(long, default_value = "catalog.cit")]
    catalog: PathBuf,
    /// instancetype or preference, or an API kind
    /// (VirtualMachineClusterInstancetype, VirtualMachineInstancetype,
    /// VirtualMachineClusterPreference, VirtualMachinePreference); the
    /// cluster-wide kind is shown unless a namespaced one is named.
    #[arg(long)]
    kind: Option<String>,
    /// Annotate every field with where its value comes from.
    #[arg(long)]
    why: bool,
    /// Every resource of the catalog, one document after the other.
    #[arg(long, conflicts_with_all = ["name", "field_path"])]
    all: bool,
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// Release version for the version label, as for `citc build`
    /// [default: `git describe --tags --dirty`, else the catalog's
    /// `default_version`].
    #[arg(long)]
    version: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The document; comments for --why and for a field's chain.
    Yaml,
    /// {"kind", "name", "document"}, plus "why" and a field's "fields".
    Json,
}

pub fn run(args: ShowArgs) -> ExitCode {
    if let Some(version) = &args.version {
        if let Err(problem) = validate_version(version) {
            eprintln!("error: --version {version:?} {problem}");
            return ExitCode::from(2);
        }
    }
    let kind = match args.kind.as_deref().map(|k| (k, provenance::parse_kind(k))) {
        None => None,
        Some((_, Some(kind))) => Some(kind),
        Some((text, None)) => {
            eprintln!("error: unknown kind `{text}`");
            eprintln!("  help: --kind takes one of {}", KIND_NAMES.join(", "));
            return ExitCode::from(2);
        }
    };
    let analysis = analyze_traced(resolve::Root::Path(&args.catalog));
    if analysis.has_errors() {
        report(
            &analysis.sources,
            &analysis.diagnostics,
            MessageFormat::Human,
        );
        return super::diagnostics_exit_code(&analysis.diagnostics).unwrap_or(ExitCode::from(1));
    }
    let catalog = &analysis.catalog;
    let version = args
        .version
        .clone()
        .or_else(|| super::build::git_describe(&args.catalog))
        .unwrap_or_else(|| catalog.release.default_version.clone());
    let resources: Vec<&resolve::Resource> = match &args.name {
        None => catalog
            .resources
            .iter()
            .filter(|r| kind.is_none_or(|(k, _)| k == r.kind))
            .collect(),
        Some(name) => match provenance::find(catalog, name, kind.map(|(k, _)| k)) {
            Ok(resource) => vec![resource],
            Err(NotFound::Ambiguous) => {
                eprintln!("error: both an instance type and a preference are named `{name}`");
                eprintln!("  help: say which with --kind instancetype or --kind preference");
                return ExitCode::from(2);
            }
            Err(NotFound::Unknown { closest }) => {
                let what = match kind {
                    Some((k, _)) => k.keyword(),
                    None => "resource",
                };
                eprintln!(
                    "error: no {what} named `{name}` in {}",
                    args.catalog.display()
                );
                match closest {
                    Some(best) => eprintln!("  help: did you mean `{best}`?"),
                    None => eprintln!("  help: `citc show --all` prints every resource"),
                }
                return ExitCode::from(2);
            }
        },
    };
    let mut out = String::new();
    for resource in resources {
        let api_kind = match kind {
            Some((_, Some(api))) => api,
            _ => ApiKind::of(resource.kind)[0],
        };
        let Some(shown) = provenance::show(catalog, resource, api_kind, &version) else {
            eprintln!("error: `{}` could not be lowered", resource.name);
            return ExitCode::from(1);
        };
        let path = match &args.field_path {
            None => None,
            Some(text) => {
                let Some(provenance) = catalog.provenance.as_ref() else {
                    return ExitCode::from(1);
                };
                match shown.field_path(text, provenance) {
                    Ok(path) => Some(path),
                    Err(message) => {
                        eprintln!("error: {message}");
                        return ExitCode::from(2);
                    }
                }
            }
        };
        let sources = &analysis.sources;
        let text = match (args.format, &path) {
            (Format::Json, path) => render::json(&shown, sources, args.why, path.as_deref()),
            (Format::Yaml, Some(path)) => render::chain(&shown, path, sources),
            (Format::Yaml, None) if args.why => render::yaml_why(&shown, sources),
            (Format::Yaml, None) => render::yaml(&shown),
        };
        out.push_str(&text);
    }
    stdout::text(&out);
    ExitCode::SUCCESS
}
