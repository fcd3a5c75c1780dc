//! Derive rules read a field of the spec (`from spec.cpu.guest`, `if
//! spec.cpu.numa`) or a property of a generated resource (`from @size`). A
//! path the schema does not have would make a rule that silently never
//! applies, so every path must exist for the rule's kind.

use super::schema::{Schema, Ty};
use crate::diagnostic::Diagnostic;
use crate::resolve::Catalog;
use crate::suggest::closest;
use crate::syntax::ast::{DeriveRule, DeriveSource, Kind, Path};

/// The properties a generated resource has, by kind (see resolve's series
/// expansion): instance types of a series know their size and series.
fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Instancetype => "instance types",
        Kind::Preference => "preferences",
    }
}

fn attributes(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Instancetype => &["size", "series"],
        Kind::Preference => &[],
    }
}

pub fn check_rules(schema: &Schema, catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for (kind, rule) in &catalog.derive_rules {
        if !crate::kube::is_qualified_name(&rule.label) {
            diags.push(
                Diagnostic::new(
                    "E0208",
                    rule.span,
                    format!("`{}` is not a valid label key", rule.label),
                )
                .label("this rule would write it into every resource")
                .help("a label key is an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
            );
        }
        match &rule.source {
            DeriveSource::Field(path) => match check_path(schema, *kind, path, true) {
                Err(diag) => diags.push(diag),
                // `from` writes a value as text: a map or a list has none.
                Ok(Some(ty @ (Ty::Object(_) | Ty::Map(_) | Ty::List(_)))) => {
                    diags.push(from_a_structure(schema, rule, path, &ty));
                }
                Ok(_) => {}
            },
            DeriveSource::Present(path) => {
                if let Err(diag) = check_path(schema, *kind, path, false) {
                    diags.push(diag);
                }
            }
            DeriveSource::Attribute(name) => {
                let known = attributes(*kind);
                if !known.contains(&name.name.as_str()) {
                    let help = match closest(&name.name, known.iter().copied()) {
                        Some(best) => format!("did you mean `@{best}`?"),
                        None if known.is_empty() => format!(
                            "{} have no `@` properties; read a field instead (`from spec.…`)",
                            plural(*kind)
                        ),
                        None => format!(
                            "{} have: {}",
                            plural(*kind),
                            known
                                .iter()
                                .map(|a| format!("@{a}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    diags.push(
                        Diagnostic::new(
                            "E0122",
                            name.span,
                            format!("{} have no property `@{}`", plural(*kind), name.name),
                        )
                        .label("this rule would never apply")
                        .help(help),
                    );
                }
            }
        }
    }
}

/// Walks `path` through the kind's schema: the type of the field it names
/// (`None` where the schema says nothing: metadata, a map's keys), or a
/// diagnostic at the first segment that does not exist.
fn check_path(
    schema: &Schema,
    kind: Kind,
    path: &Path,
    from: bool,
) -> Result<Option<Ty>, Diagnostic> {
    let Some(root) = schema.roots.get(&kind) else {
        return Ok(None);
    };
    let mut segments = path.segments.iter();
    let Some(first) = segments.next() else {
        return Ok(None);
    };
    if first.name == "metadata" {
        // Labels and annotations are free-form maps.
        return Ok(None);
    }
    if first.name != "spec" {
        return Err(
            Diagnostic::new(
                "E0122",
                first.span,
                format!("a derive rule reads `{}`, which is not a field of a {}", path.dotted(), kind.keyword()),
            )
            .label("not `spec` or `metadata`")
            .help("derive rules read fields under `spec` (e.g. `from spec.cpu.guest`) or a property such as `@size`"),
        );
    }
    let mut ty = Ty::Object(root.clone());
    for segment in segments {
        match ty {
            Ty::Object(name) => {
                let Some(object) = schema.object(&name) else {
                    return Ok(None);
                };
                match object.fields.get(&segment.name) {
                    Some(field) => ty = field.ty.clone(),
                    None => {
                        let help = match closest(
                            &segment.name,
                            object.fields.keys().map(String::as_str),
                        ) {
                            // A `from` rule cannot read a map or a list: say
                            // so rather than suggest another error.
                            Some(best) if from && is_structure(&object.fields[best].ty) => format!(
                                "the nearest field, `{best}`, is {}: a `from` rule writes a value; `if {}.{best}` labels whether it is set",
                                object.fields[best].ty.describe(),
                                path.segments.iter().take_while(|s| s.span != segment.span).map(|s| s.name.as_str()).collect::<Vec<_>>().join(".")
                            ),
                            Some(best) => format!("did you mean `{best}`?"),
                            None => format!(
                                "`{name}` has: {}",
                                object.fields.keys().cloned().collect::<Vec<_>>().join(", ")
                            ),
                        };
                        return Err(Diagnostic::new(
                            "E0122",
                            segment.span,
                            format!(
                                "a derive rule reads `{}`, but `{name}` has no field `{}`",
                                path.dotted(),
                                segment.name
                            ),
                        )
                        .label("no such field: this rule would never apply")
                        .help(help));
                    }
                }
            }
            // A map's keys are the author's; nothing more to check.
            Ty::Map(_) => return Ok(None),
            other => {
                return Err(Diagnostic::new(
                    "E0122",
                    segment.span,
                    format!(
                        "a derive rule reads `{}`, but the field before `{}` is {}",
                        path.dotted(),
                        segment.name,
                        other.describe()
                    ),
                )
                .label("nothing below this")
                .help("read the field itself, not a part of it"))
            }
        }
    }
    Ok(Some(ty))
}

/// A `from` rule that names a map or a list: the label would never be
/// written. The help names the scalar fields below, or `if`.
fn from_a_structure(schema: &Schema, rule: &DeriveRule, path: &Path, ty: &Ty) -> Diagnostic {
    let dotted = path.dotted();
    let scalars: Vec<String> = match ty {
        Ty::Object(name) => schema
            .object(name)
            .map(|object| {
                object
                    .fields
                    .iter()
                    .filter(|(_, f)| !matches!(f.ty, Ty::Object(_) | Ty::Map(_) | Ty::List(_)))
                    .map(|(field, _)| format!("`{dotted}.{field}`"))
                    .take(4)
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let read = if scalars.is_empty() {
        String::new()
    } else {
        format!("read a value below it ({}), or ", scalars.join(", "))
    };
    Diagnostic::new(
        "E0122",
        path.span,
        format!(
            "a `from` rule writes a value as the label, but `{dotted}` is {}",
            ty.describe()
        ),
    )
    .label("no value to write: the label would never be set")
    .help(format!(
        "{read}write `if {dotted}` to label whether it is set (\"true\")"
    ))
    .fix(rule.span, format!("label \"{}\" if {dotted}", rule.label))
}

fn is_structure(ty: &Ty) -> bool {
    matches!(ty, Ty::Object(_) | Ty::Map(_) | Ty::List(_))
}
