//! Check: the type checker and linter over resolved resources. Reads the API
//! schema from the stdlib, checks every field, applies KubeVirt's semantic
//! rules, pairs preferences with instance types, and warns about suspicious
//! data. `allow` statements silence warnings in their block.

mod derive;
mod fields;
mod lint;
mod ratio;
mod requirements;
mod schema;
mod semantics;
mod vm;

pub use schema::{Schema, Ty};

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{Catalog, ParsedFile};
use crate::syntax::ast::{Allow, Block, Item, Statement};

pub fn check(files: &[ParsedFile], catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let schema = Schema::load(files, diags);
    let mut per_resource = PerResource::default();
    let mut local = Vec::new();
    let mut vm_findings = Vec::new();
    for resource in &catalog.resources {
        fields::check_resource(&schema, resource, &mut local);
        semantics::check_resource(resource, &mut local);
        lint::check_resource(resource, &mut local);
        check_version_label(resource, catalog, &mut local);
        for mut diag in local.drain(..) {
            point_at_use(&mut diag, resource, catalog);
            per_resource.add(diag, &resource.name);
        }
        let first = vm_findings.len();
        vm::check_resource(resource, &mut vm_findings);
        for finding in &mut vm_findings[first..] {
            point_at_use(&mut finding.diag, resource, catalog);
        }
    }
    per_resource.finish(diags);
    vm::report(vm_findings, diags);
    ratio::check(files, catalog, diags);
    requirements::check(catalog, diags);
    lint::check_catalog(catalog, diags);
    derive::check_rules(&schema, catalog, diags);
    check_not_empty(files, catalog, diags);
}

/// The release's version label is the build's to write (E0134).
fn check_version_label(
    resource: &crate::resolve::Resource,
    catalog: &Catalog,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(key) = catalog.release.version_label.as_deref() else {
        return;
    };
    if let Some(node) = resource.tree.get_path(&["metadata", "labels", key]) {
        diags.push(
            Diagnostic::new(
                "E0134",
                node.span,
                format!("the label `{key}` is stamped by the build"),
            )
            .label("written by hand")
            .help("remove it: `citc build --version V` writes the version on every resource (a `release` block's `version_label` names another key)"),
        );
    }
}

/// A fault in a value that a mixin brought in is the author's `use` of the
/// mixin more often than the mixin (a preference mixin used in a series, a
/// std mixin that does not fit): when the mixin lives in another file (the
/// standard library, a shared file), the diagnostic moves to the `use`, with
/// the mixin's line as a note; in the same file it stays at the mixin, with
/// the `use` as a note.
fn point_at_use(diag: &mut Diagnostic, resource: &crate::resolve::Resource, catalog: &Catalog) {
    let inside = |outer: crate::source::Span, inner: crate::source::Span| {
        outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
    };
    for (mixin, use_span) in resource.uses.iter() {
        // The mixins this `use` reaches, walked without recursion.
        let mut pending = vec![mixin.as_str()];
        let mut seen = crate::hash::HashSet::default();
        while let Some(name) = pending.pop() {
            if !seen.insert(name) {
                continue;
            }
            let Some(info) = catalog.mixins.get(name) else {
                continue;
            };
            if inside(info.body, diag.span) {
                if use_span.file != diag.span.file {
                    let original = diag.span;
                    diag.span = *use_span;
                    diag.label = format!("the value at fault comes from `{mixin}`");
                    let rest = diag.help.take().unwrap_or_default();
                    diag.help = Some(format!(
                        "remove `{mixin}` from this `use`, or set the field here to override it; {rest}"
                    ));
                    // The mixin's own fixes were edits of the mixin's file.
                    diag.fixes = vec![crate::diagnostic::Edit::RemoveListElement(*use_span)];
                    diag.secondary.insert(
                        0,
                        crate::diagnostic::Label {
                            span: original,
                            message: format!("set here, in mixin `{name}`"),
                        },
                    );
                } else {
                    diag.secondary.push(crate::diagnostic::Label {
                        span: *use_span,
                        message: format!("`{}` uses `{mixin}` here", resource.name),
                    });
                }
                return;
            }
            pending.extend(info.uses.iter().map(String::as_str));
        }
    }
}

/// A catalog that defines nothing would build empty bundles over a good
/// release; that is almost always a wrong file or a lost edit. Reported only
/// when nothing else is wrong (a syntax error also leaves no resources).
fn check_not_empty(files: &[ParsedFile], catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    if !catalog.resources.is_empty() || diags.iter().any(Diagnostic::is_error) {
        return;
    }
    let Some(root) = files.first() else { return };
    diags.push(
        Diagnostic::new(
            EMPTY_CATALOG,
            crate::source::Span::new(root.id, 0, 0),
            "the catalog defines no instance types and no preferences",
        )
        .label("nothing to build")
        .help("define a `series` or a `preference` (see grammar/LANGUAGE.md), check that this is the right file, or pass --allow-empty if an empty release is intended"),
    );
}

/// The code of an empty catalog, which `--allow-empty` lets through.
pub const EMPTY_CATALOG: &str = "E0119";

/// Removes the warnings that an `allow` covers. An `allow` that names an
/// error or an unknown code is itself an error; one that silences nothing
/// is a warning.
pub fn apply_allows(files: &[ParsedFile], diags: &mut Vec<Diagnostic>) {
    let mut allows = Vec::new();
    for file in files {
        for item in &file.ast.items {
            match item {
                Item::Allow(allow) => allows.push(allow.clone()),
                Item::Mixin(def) => collect(&def.body, &mut allows),
                Item::Series(def) => collect(&def.body, &mut allows),
                Item::Definition(def) => collect(&def.body, &mut allows),
                Item::Patch(def) => collect(&def.body, &mut allows),
                _ => {}
            }
        }
    }
    let mut used = vec![false; allows.len()];
    diags.retain(|diag| {
        if diag.severity != Severity::Warning {
            return true;
        }
        let covering = allows.iter().position(|a| {
            a.code.name == diag.code
                && a.scope.file == diag.span.file
                && a.scope.start <= diag.span.start
                && diag.span.end <= a.scope.end
        });
        if let Some(index) = covering {
            used[index] = true;
        }
        covering.is_none()
    });
    for (allow, used) in allows.iter().zip(used) {
        match codes::lookup(&allow.code.name) {
            Some(info) if info.severity == Severity::Warning => {
                if !used {
                    diags.push(
                        Diagnostic::new(
                            "W0108",
                            allow.code.span,
                            format!("`allow {}` silences nothing here", allow.code.name),
                        )
                        .label("unused allowance")
                        .help("remove it, or move it into the block that has the warning"),
                    );
                }
            }
            Some(_) => diags.push(
                Diagnostic::new(
                    "E0211",
                    allow.code.span,
                    format!("{} is an error and cannot be allowed", allow.code.name),
                )
                .label("an error")
                .help("only warnings (W codes) can be allowed; fix the error instead"),
            ),
            None => diags.push(
                Diagnostic::new(
                    "E0211",
                    allow.code.span,
                    format!("unknown code {}", allow.code.name),
                )
                .label("no such code")
                .help("`citc explain CODE` lists what each code means; warnings start with W"),
            ),
        }
    }
}

fn collect(block: &Block, out: &mut Vec<Allow>) {
    for statement in &block.statements {
        match statement {
            Statement::Allow(allow) => out.push(allow.clone()),
            Statement::When { body, .. } => collect(body, out),
            _ => {}
        }
    }
}

/// Diagnostics of the per-resource checks, one per fault: the same fault in
/// several resources (a series' sizes, a matrix's rows, a mixin's users) is
/// one diagnostic that names them, once, with a count.
#[derive(Default)]
struct PerResource<'a> {
    diags: Vec<(Diagnostic, Vec<&'a str>)>,
    index: crate::hash::HashMap<(crate::source::Span, &'static str, String), usize>,
}

impl<'a> PerResource<'a> {
    fn add(&mut self, diag: Diagnostic, resource: &'a str) {
        let key = (diag.span, diag.code, diag.message.clone());
        match self.index.get(&key) {
            Some(&at) => {
                let names = &mut self.diags[at].1;
                if !names.contains(&resource) {
                    names.push(resource);
                }
            }
            None => {
                self.index.insert(key, self.diags.len());
                self.diags.push((diag, vec![resource]));
            }
        }
    }

    fn finish(self, out: &mut Vec<Diagnostic>) {
        for (mut diag, names) in self.diags {
            if names.len() > 1 {
                diag.message = format!(
                    "{} — in {}",
                    diag.message,
                    crate::diagnostic::name_list(&names)
                );
            }
            out.push(diag);
        }
    }
}
