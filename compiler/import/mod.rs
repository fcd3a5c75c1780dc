//! Import: YAML instance types and preferences → an idiomatic `.cit`
//! catalog (`citc import`).
//!
//! One file per pass, each a rewrite of [`model::Catalog`]:
//! - [`read`]: bundles, folders and files → resources (diff's YAML
//!   reader); a folder holding a kustomize tree is built first, as
//!   generate.sh builds it ([`crate::kustomize`]);
//! - [`release`]: the bundle names and the version label → `release { … }`;
//! - [`literal`]: one definition per resource, every field written out;
//! - [`labels`]: derived labels left to std/kubevirt's rules (or own rules);
//! - [`series`]: instance types → series with size tables and variants,
//!   and `ratio C:M` where every size keeps one;
//! - [`preferences`]: std mixins recognised, an inheritance tree;
//! - [`matrices`]: preferences whose names and fields follow tables become
//!   one `preference "…${column}…" for T1 * T2 { … when … }` (called by
//!   `preferences`, which measures them against the tree), the names read
//!   and the string templates found by [`templates`];
//! - [`emit`]: the model → formatted text;
//! - [`verify`]: the text compiled again and compared with the input;
//! - [`text`]: scalars, one-line values and reserved words as text, for
//!   every pass (the bottom of this room).
//!
//! Import never drops a field: what the schema does not know is written as
//! it is and reported. It never prints; the command line does.

pub mod emit;
pub mod labels;
pub mod literal;
pub mod matrices;
pub mod model;
pub mod preferences;
pub mod read;
pub mod release;
pub mod series;
pub mod stdlib;
pub mod templates;
pub mod text;
pub mod verify;

use std::path::PathBuf;

use crate::diff::Error;

/// What an import made.
pub struct Imported {
    /// The catalog, formatted.
    pub text: String,
    /// Warnings for the user: fields the schema does not know, kinds that
    /// disagree, what the round trip found.
    pub warnings: Vec<String>,
    /// The version the input carries (build with `--version` it).
    pub version: Option<String>,
    /// How the sources were read, for the user (a kustomize tree built).
    pub notes: Vec<String>,
    pub instance_types: usize,
    pub preferences: usize,
}

/// How far import compacts: `literal` writes one definition per resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub literal: bool,
}

/// The whole import: read, detect the release, one definition per resource,
/// then the compaction passes, then text, verified by compiling it again.
pub fn import(sources: &[PathBuf], options: Options) -> Result<Imported, Error> {
    let mut input = read::read_sources(sources)?;
    let release = release::detect(&mut input);
    let mut warnings = release.notes.clone();
    let header = header(sources);
    let mut text = import_text(&input, &release, options, &header, &mut warnings)?;
    let version = release.version.as_ref().map(|(_, v)| v.clone());
    let mut found = verify::round_trip(&text, &input.resources, version.as_deref());
    if !options.literal && !found.is_empty() {
        // Compaction must never cost a field: when the compact catalog does
        // not give back what the literal one does, the literal one is written.
        let literal = Options { literal: true };
        let literal_text = import_text(&input, &release, literal, &header, &mut Vec::new())?;
        let literal_found = verify::round_trip(&literal_text, &input.resources, version.as_deref());
        if literal_found.len() < found.len() {
            found = literal_found;
            found.push(
                "the compacted catalog did not round-trip (a bug in citc import): wrote the literal one"
                    .into(),
            );
            text = literal_text;
        }
    }
    warnings.extend(found);
    let count = |suffix: &str| {
        input
            .resources
            .iter()
            .filter(|r| r.kind.ends_with(suffix))
            .map(|r| &r.name)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    Ok(Imported {
        text,
        warnings,
        version,
        notes: input.notes.clone(),
        instance_types: count("Instancetype"),
        preferences: count("Preference"),
    })
}

/// The catalog's text from what was read, by the passes `options` asks for.
fn import_text(
    input: &read::Input,
    release: &release::Detected,
    options: Options,
    header: &str,
    warnings: &mut Vec<String>,
) -> Result<String, Error> {
    let std = stdlib::Std::load();
    let mut defs = literal::definitions(&input.resources, warnings);
    let derive = labels::leave_to_rules(&mut defs, &std);
    let mut catalog = model::Catalog {
        derive,
        release: release.settings.clone(),
        tables: Vec::new(),
        mixins: Vec::new(),
        series: Vec::new(),
        defs,
    };
    let mut std_tables = Vec::new();
    if !options.literal {
        std_tables = series::make_series(&mut catalog, &std);
        preferences::arrange(&mut catalog, &std);
    }
    emit::catalog_text(&catalog, &std.aliases, &std_tables, header).map_err(|d| {
        Error::new(format!(
            "import wrote a catalog that does not format: {}",
            d.message
        ))
        .with_help("this is a bug in citc import; `--literal` may work around it")
    })
}

fn header(sources: &[PathBuf]) -> String {
    let names: Vec<String> = sources
        .iter()
        .map(|s| {
            // `.` is named by the folder it is.
            let name = s
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .or_else(|| {
                    let real = s.canonicalize().ok()?;
                    Some(real.file_name()?.to_string_lossy().into_owned())
                })
                .unwrap_or_else(|| s.display().to_string());
            if crate::kustomize::is_tree(s) {
                format!("the kustomize tree {name}")
            } else {
                name
            }
        })
        .collect();
    format!(
        "// Imported by `citc import` from {}.\n",
        names.join(", ").replace('\n', " ")
    )
}
