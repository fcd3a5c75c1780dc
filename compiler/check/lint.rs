//! Warnings for suspicious data: strings that look like a quoting accident,
//! memory without a unit, deprecated resources that name no replacement
//! (sizes off their series' ratio are ratio.rs).

use super::semantics::quantity_at;
use crate::diagnostic::Diagnostic;
use crate::resolve::{Catalog, Resource};
use crate::value::Value;

pub const DEPRECATED_LABEL: &str = "instancetype.kubevirt.io/deprecated";
pub const REPLACED_BY: &str = "instancetype.kubevirt.io/replaced-by";

pub fn check_resource(resource: &Resource, diags: &mut Vec<Diagnostic>) {
    suspicious_strings(resource, diags);
    tiny_memory(resource, diags);
}

/// Guest memory below 1Mi is bytes, not a VM: almost always a forgotten
/// unit (`memory.guest = 4` for 4Gi).
fn tiny_memory(resource: &Resource, diags: &mut Vec<Diagnostic>) {
    const ONE_MI_MILLIS: i128 = 1000 * (1 << 20);
    for path in [
        &["spec", "memory", "guest"][..],
        &["spec", "requirements", "memory", "guest"][..],
    ] {
        let Some(memory) = quantity_at(resource, path) else {
            continue;
        };
        // Zero is an error of its own (E0221), and so is a request that
        // overcommit takes under KubeVirt's minimum (E0232).
        if memory.millis >= ONE_MI_MILLIS
            || memory.millis == 0
            || (path[1] == "memory" && super::vm::request_refused(resource))
        {
            continue;
        }
        let Some(node) = super::semantics::field(resource, path) else {
            continue;
        };
        let text = memory
            .text
            .trim_end_matches(|c: char| c.is_ascii_alphabetic());
        diags.push(
            Diagnostic::new(
                "W0110",
                node.span,
                format!(
                    "`{}` is {} bytes of memory: a unit is probably missing",
                    path.join("."),
                    memory.text
                ),
            )
            .label("less than 1Mi")
            .help(format!(
                "write the unit: `{text}Gi` or `{text}Mi` (a bare number is bytes)"
            )),
        );
    }
}

/// Annotations that hold a URL or a name should be plain text.
fn suspicious_strings(resource: &Resource, diags: &mut Vec<Diagnostic>) {
    let Some(Value::Map(annotations)) = resource
        .tree
        .get_path(&["metadata", "annotations"])
        .map(|n| &n.value)
    else {
        return;
    };
    for (key, node) in annotations.iter() {
        let plain_expected = key.ends_with("url") || key.ends_with("name") || key.ends_with("Name");
        let Value::Str(value) = &node.value else {
            continue;
        };
        if !plain_expected {
            continue;
        }
        let problem = if value.starts_with('"') || value.starts_with('\'') {
            Some("starts with a quote")
        } else if value.ends_with('\n') {
            Some("ends with a newline")
        } else if value.trim() != value {
            Some("has spaces around it")
        } else {
            None
        };
        if let Some(problem) = problem {
            let plain = crate::syntax::string_literal(value.trim().trim_matches(['"', '\'']));
            diags.push(
                Diagnostic::new("W0101", node.span, format!("the value of `{key}` {problem}"))
                    .label(format!("{value:?}"))
                    .help(format!("write the plain value, `{plain}`; if this is intended, say so with `allow W0101 \"reason\"`")),
            );
        }
    }
}

/// Deprecated resources should name what replaces them, and it must exist;
/// a replacement on a resource that is not deprecated says nothing to its
/// users (consoles read it only beside the label).
pub fn check_catalog(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    replaced_but_not_deprecated(catalog, diags);
    for resource in &catalog.resources {
        let Some(flag) = resource
            .tree
            .get_path(&["metadata", "labels", DEPRECATED_LABEL])
        else {
            continue;
        };
        if flag.value.as_text().as_deref() != Some("true") {
            continue;
        }
        let replacement = resource
            .tree
            .get_path(&["metadata", "annotations", REPLACED_BY]);
        match replacement.and_then(|n| n.value.as_text()) {
            None => diags.push(
                Diagnostic::new(
                    "W0103",
                    resource.span,
                    format!("`{}` is deprecated but names no replacement", resource.name),
                )
                .label("deprecated")
                .with_secondary(flag.span, "marked deprecated here")
                .help("name the resource to use instead: replacedBy = \"<name>\""),
            ),
            Some(name) => {
                let exists = catalog
                    .resources
                    .iter()
                    .any(|r| r.kind == resource.kind && r.name == name);
                let removed_by = catalog
                    .removed
                    .iter()
                    .find(|(r, _)| r.kind == resource.kind && r.name == name)
                    .map(|(_, by)| *by);
                if let (false, Some(by)) = (exists, removed_by) {
                    // The importer's `remove` made it dangle: blame it.
                    let span = replacement.map_or(flag.span, |n| n.span);
                    diags.push(
                        Diagnostic::new(
                            "E0231",
                            by,
                            format!(
                                "this `remove` takes out `{name}`, which `{}` names as its replacement",
                                resource.name
                            ),
                        )
                        .label(format!("removes `{name}`"))
                        .with_secondary(span, format!("`{}` is replaced by `{name}`", resource.name))
                        .help(format!(
                            "keep `{name}`, remove `{}` too, or patch it to name another: `patch {} {} {{ replacedBy = \"…\" }}`",
                            resource.name,
                            resource.kind.keyword(),
                            resource.name
                        )),
                    );
                } else if !exists {
                    let span = replacement.map_or(flag.span, |n| n.span);
                    diags.push(
                        Diagnostic::new(
                            "E0231",
                            span,
                            format!(
                                "`{}` is replaced by `{name}`, which does not exist",
                                resource.name
                            ),
                        )
                        .label("no such resource")
                        .help(format!(
                            "name an existing {} of the catalog",
                            resource.kind.keyword()
                        )),
                    );
                }
            }
        }
    }
}

/// W0123: `replacedBy` on resources that are not deprecated, one warning per
/// place that sets it, naming the resources it reaches.
fn replaced_but_not_deprecated(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let mut by_place: Vec<(crate::source::Span, Vec<&str>)> = Vec::new();
    for resource in &catalog.resources {
        let Some(replacement) = resource
            .tree
            .get_path(&["metadata", "annotations", REPLACED_BY])
        else {
            continue;
        };
        let deprecated = resource
            .tree
            .get_path(&["metadata", "labels", DEPRECATED_LABEL])
            .and_then(|n| n.value.as_text());
        if deprecated.as_deref() == Some("true") {
            continue;
        }
        match by_place
            .iter_mut()
            .find(|(span, _)| *span == replacement.span)
        {
            Some((_, names)) => {
                if !names.contains(&resource.name.as_str()) {
                    names.push(&resource.name);
                }
            }
            None => by_place.push((replacement.span, vec![&resource.name])),
        }
    }
    for (span, names) in by_place {
        let who = crate::diagnostic::name_list(&names);
        let (names_verb, is) = if names.len() == 1 {
            ("names", "is")
        } else {
            ("name", "are")
        };
        diags.push(
            Diagnostic::new(
                "W0123",
                span,
                format!("{who} {names_verb} a replacement but {is} not deprecated"),
            )
            .label("a replacement without `deprecated = \"true\"`")
            .help("deprecate it too (`use deprecated`, or `deprecated = \"true\"`), or remove `replacedBy`: consoles offer the replacement only for a deprecated resource"),
        );
    }
}
