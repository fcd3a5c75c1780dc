//! Help lines for unknown names: the closest name in scope, or the std
//! module that defines the name when the catalog does not import it. The
//! std index is built on the first such error only (see std_index.rs).

use crate::hash::HashMap;
use crate::source::Span;

use super::std_index::{import_help, kind_plural, std_index, REFERENCE_PAGE};
use crate::suggest::closest;
use crate::syntax::ast::{AliasDef, Kind};

/// E0102 and E0104: `what` is "mixin" or "table"; `known` are the names in
/// scope; `define` says how to define one.
pub(super) fn unknown_name_help<'k>(
    what: &str,
    name: &str,
    known: impl Iterator<Item = &'k str>,
    define: &str,
) -> String {
    let index = std_index();
    let (in_std, std_names): (Option<&str>, Vec<&str>) = match what {
        "mixin" => (index.mixin(name), index.mixin_names().collect()),
        _ => (index.table(name), index.table_names().collect()),
    };
    if let Some(module) = in_std {
        return import_help(what, name, module);
    }
    if let Some(best) = closest(name, known) {
        return format!("did you mean `{best}`?");
    }
    if let Some(best) = closest(name, std_names.iter().copied()) {
        let module = match what {
            "mixin" => index.mixin(best),
            _ => index.table(best),
        }
        .unwrap_or_default();
        return format!(
            "did you mean `{best}`? It is defined in {module}: add `import \"{module}\"`"
        );
    }
    define.to_string()
}

/// E0105 for a name that a std module defines as a constant.
pub(super) fn std_constant_help(name: &str) -> Option<String> {
    std_index()
        .constant(name)
        .map(|module| import_help("constant", name, module))
}

/// E0113: `name` starts a top-level path of a `kind` definition but is not
/// `metadata`, `spec` or an alias of the kind. Says that aliases differ by
/// kind, and lists the ones valid here.
pub(super) fn unknown_top_level_help(
    name: &str,
    kind: Kind,
    aliases: &HashMap<String, [Option<&AliasDef>; 3]>,
) -> String {
    let valid = |slots: &[Option<&AliasDef>; 3]| match kind {
        Kind::Instancetype => slots[0].is_some() || slots[1].is_some(),
        Kind::Preference => slots[0].is_some() || slots[2].is_some(),
    };
    let mut names: Vec<&str> = aliases
        .iter()
        .filter(|(_, slots)| valid(slots))
        .map(|(name, _)| name.as_str())
        .collect();
    names.sort_unstable();
    let index = std_index();
    let here = if names.is_empty() {
        let std_names = index.alias_names(kind);
        let module = std_names
            .first()
            .and_then(|first| index.alias_for(first, kind))
            .unwrap_or("std/kubevirt");
        format!(
            "none is defined here; {module} has these for {}: {} (add `import \"{module}\"`, \
see {REFERENCE_PAGE})",
            kind_plural(kind),
            std_names.join(", ")
        )
    } else {
        format!(
            "the aliases of {} here: {} (see {REFERENCE_PAGE})",
            kind_plural(kind),
            names.join(", ")
        )
    };
    let other = match kind {
        Kind::Instancetype => Kind::Preference,
        Kind::Preference => Kind::Instancetype,
    };
    let of_other_kind = aliases
        .get(name)
        .is_some_and(|slots| slots[0].is_none() && slots[other_slot(other)].is_some());
    if of_other_kind {
        return format!(
            "`{name}` is an alias of {} only: aliases differ by kind; {here}",
            kind_plural(other)
        );
    }
    if let Some(module) = index.alias_for(name, kind) {
        return format!(
            "{}; aliases differ by kind, see {REFERENCE_PAGE}",
            import_help("alias", name, module)
        );
    }
    if let Some((module, for_kind)) = index.alias_of_other_kind(name, kind) {
        return format!(
            "`{name}` is an alias of {} only ({module}): aliases differ by kind; {here}",
            kind_plural(for_kind)
        );
    }
    let best = closest(name, names.iter().copied().chain(["metadata", "spec"]));
    match best {
        Some(best) => format!("did you mean `{best}`? Aliases differ by kind; {here}"),
        None => format!(
            "fields go under `spec.` or `metadata.`, or start with an alias; aliases differ by \
kind; {here}"
        ),
    }
}

fn other_slot(kind: Kind) -> usize {
    match kind {
        Kind::Instancetype => 1,
        Kind::Preference => 2,
    }
}

/// E0105 for a name that a local `let` defines where the reader cannot see
/// it: later in the same block (a `let` is visible only after it), or in
/// the definition that uses the mixin that reads it (a mixin sees its
/// user's row, not its user's locals). The help says which.
pub(super) fn explain_unbound_locals(
    files: &[super::ParsedFile],
    diags: &mut [crate::diagnostic::Diagnostic],
) {
    use crate::syntax::ast::Item;
    if !diags.iter().any(|d| d.code == "E0105") {
        return;
    }
    let mut locals = Vec::new();
    let mut mixin_bodies = Vec::new();
    for file in files {
        for item in &file.ast.items {
            let body = match item {
                Item::Mixin(def) => {
                    mixin_bodies.push(def.body.span);
                    &def.body
                }
                Item::Series(def) => &def.body,
                Item::Definition(def) => &def.body,
                Item::Patch(def) => &def.body,
                _ => continue,
            };
            let mut names = Vec::new();
            super::effects::local_lets(body, &mut names);
            locals.extend(
                names
                    .into_iter()
                    .map(|n| (n.name.as_str(), n.span, body.span)),
            );
        }
    }
    let inside = |outer: Span, inner: Span| {
        outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
    };
    for diag in diags.iter_mut().filter(|d| d.code == "E0105") {
        for (name, at, body) in &locals {
            if diag.message != format!("unknown variable `{name}`") {
                continue;
            }
            if inside(*body, diag.span) && diag.span.start < at.start {
                diag.help = Some(format!(
                    "`{name}` is defined by a `let` further down: a `let` is visible only after it; move it above this line"
                ));
                diag.secondary.push(crate::diagnostic::Label {
                    span: *at,
                    message: "defined here, after its use".into(),
                });
                break;
            }
            if mixin_bodies.iter().any(|m| inside(*m, diag.span)) && !inside(*body, diag.span) {
                diag.help = Some(format!(
                    "a mixin sees the row of the definition that uses it and the global constants, not its local `let`s: make `{name}` a global `let` or a table column, or set the field in the definition"
                ));
                diag.secondary.push(crate::diagnostic::Label {
                    span: *at,
                    message: "a local of the definition that uses the mixin".into(),
                });
                break;
            }
        }
    }
}
