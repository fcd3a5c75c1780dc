//! Field checks: every resource's spec against the schema (unknown fields,
//! types, enums, quantities, ranges, required fields), its metadata against
//! Kubernetes' rules for labels and annotations, and its name.

use super::schema::{Schema, Ty};
use crate::diagnostic::Diagnostic;
use crate::kube::{is_dns_subdomain, is_label_value, is_qualified_name, quantity_help};
use crate::resolve::Resource;
use crate::suggest::closest;
use crate::syntax::ast::Kind;
use crate::value::{Node, Quantity, Value};

pub fn check_resource(schema: &Schema, resource: &Resource, diags: &mut Vec<Diagnostic>) {
    check_name(resource, diags);
    if let Some(meta) = resource.tree.get_path(&["metadata"]) {
        check_metadata(meta, diags);
    }
    let Some(root) = schema.roots.get(&resource.kind) else {
        return;
    };
    match resource.tree.get_path(&["spec"]) {
        Some(spec) => check_value(
            schema,
            spec,
            &Ty::Object(root.clone()),
            &FieldPath::Root("spec"),
            &resource.unsets,
            diags,
        ),
        None => {
            // The CRD requires `spec` on every resource, even a preference
            // whose spec type has no required field.
            let missing: Vec<&str> = schema
                .object(root)
                .map(|object| {
                    object
                        .fields
                        .iter()
                        .filter(|(_, f)| f.required)
                        .map(|(n, _)| n.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let help = if missing.is_empty() {
                "the API server refuses a resource without `spec`: set a spec field, or `spec = {}` for an empty one".to_string()
            } else {
                format!(
                    "the API server refuses a resource without `spec`: set spec.{}",
                    missing.join(" and spec.")
                )
            };
            diags.push(
                Diagnostic::new(
                    "E0206",
                    resource.span,
                    format!(
                        "{} `{}` has no spec",
                        kind_name(resource.kind),
                        resource.name
                    ),
                )
                .label("no `spec` here or in a parent or mixin")
                .help(help),
            );
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Instancetype => "instance type",
        Kind::Preference => "preference",
    }
}

fn check_name(resource: &Resource, diags: &mut Vec<Diagnostic>) {
    if !is_dns_subdomain(&resource.name) {
        let suggestion = resource.name.to_ascii_lowercase().replace('_', "-");
        let help = if is_dns_subdomain(&suggestion) {
            format!("names are lower-case letters, digits, '-' and '.', like `{suggestion}`")
        } else {
            "names are lower-case letters, digits, '-' and '.', start and end with a letter or digit, at most 253 characters".to_string()
        };
        diags.push(
            Diagnostic::new(
                "E0207",
                resource.span,
                format!("`{}` is not a valid resource name", resource.name),
            )
            .label("not a DNS-1123 subdomain")
            .help(help),
        );
    }
}

fn check_metadata(meta: &Node, diags: &mut Vec<Diagnostic>) {
    if let Some(Value::Map(labels)) = meta.get_path(&["labels"]).map(|n| &n.value) {
        for (key, node) in labels.iter() {
            if !is_qualified_name(key) {
                diags.push(
                    Diagnostic::new("E0208", node.span, format!("`{key}` is not a valid label key"))
                        .label("invalid label key")
                        .help("a label key is an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'"),
                );
            }
            match &node.value {
                Value::Str(value) if !is_label_value(value) => diags.push(
                    Diagnostic::new("E0208", node.span, format!("{value:?} is not a valid value for label `{key}`"))
                        .label("invalid label value")
                        .help("a label value is at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
                ),
                Value::Str(_) => {}
                other => diags.push(wrong_type(node, &Ty::String { max_len: None }, &format!("metadata.labels.{key}"), other)),
            }
        }
    }
    if let Some(Value::Map(annotations)) = meta.get_path(&["annotations"]).map(|n| &n.value) {
        for (key, node) in annotations.iter() {
            if !is_qualified_name(key) {
                diags.push(
                    Diagnostic::new("E0208", node.span, format!("`{key}` is not a valid annotation key"))
                        .label("invalid annotation key")
                        .help("an annotation key is an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'"),
                );
            }
            if !matches!(node.value, Value::Str(_)) {
                diags.push(wrong_type(
                    node,
                    &Ty::String { max_len: None },
                    &format!("metadata.annotations.{key}"),
                    &node.value,
                ));
            }
        }
    }
}

/// Where a value is (`spec.cpu.guest`, `spec.devices.disks[0]`): a chain of
/// steps on the stack, made into text only when a diagnostic names it, so
/// that checking a valid resource allocates nothing for it.
#[derive(Clone, Copy)]
pub enum FieldPath<'a> {
    Root(&'a str),
    Key(&'a FieldPath<'a>, &'a str),
    Index(&'a FieldPath<'a>, usize),
}

impl FieldPath<'_> {
    /// The keys from the root (a list index as `[i]`).
    fn keys(&self) -> Vec<String> {
        match self {
            FieldPath::Root(root) => vec![root.to_string()],
            FieldPath::Key(parent, key) => {
                let mut keys = parent.keys();
                keys.push(key.to_string());
                keys
            }
            FieldPath::Index(parent, index) => {
                let mut keys = parent.keys();
                keys.push(format!("[{index}]"));
                keys
            }
        }
    }
}

/// E0206 at the `unset` that removed a required field (or a field below
/// it, leaving it empty and so removed), with where it was set as a note:
/// the author of the `unset` is the one to act.
fn unset_removed(
    path: &FieldPath,
    field_name: &str,
    set_at: crate::source::Span,
    unsets: &Unsets,
) -> Option<Diagnostic> {
    let mut missing = path.keys();
    missing.push(field_name.to_string());
    let (keys, at) = unsets
        .iter()
        .rev()
        .find(|(keys, _)| keys.starts_with(&missing))?;
    Some(
        Diagnostic::new(
            "E0206",
            *at,
            format!("this `unset` leaves `{path}` without `{field_name}`, which it needs"),
        )
        .label(format!("removes `{}`", keys.join(".")))
        .with_secondary(set_at, format!("`{path}` comes from here"))
        .help(format!(
            "`{}` is required: set it again after the `unset`, or remove the `unset`",
            missing.join(".")
        )),
    )
}

impl std::fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldPath::Root(root) => f.write_str(root),
            FieldPath::Key(parent, key) => write!(f, "{parent}.{key}"),
            FieldPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// The `unset`s that applied to a resource (see `Resource::unsets`).
pub type Unsets = [(Vec<String>, crate::source::Span)];

pub fn check_value(
    schema: &Schema,
    node: &Node,
    ty: &Ty,
    path: &FieldPath,
    unsets: &Unsets,
    diags: &mut Vec<Diagnostic>,
) {
    match (ty, &node.value) {
        (Ty::Object(name), Value::Map(map)) => {
            let Some(object) = schema.object(name) else {
                return;
            };
            for (key, child) in map.iter() {
                let child_path = FieldPath::Key(path, key);
                match object.fields.get(key) {
                    Some(field) => {
                        if field.deprecated {
                            diags.push(
                                Diagnostic::new(
                                    "W0104",
                                    child.span,
                                    format!("`{child_path}` is deprecated"),
                                )
                                .label("deprecated field")
                                .help(deprecation_help(&child_path.to_string())),
                            );
                        }
                        check_value(schema, child, &field.ty, &child_path, unsets, diags);
                    }
                    None => diags.push(unknown_field(
                        key,
                        &child_path.to_string(),
                        child,
                        name,
                        object.fields.keys(),
                    )),
                }
            }
            for (field_name, field) in &object.fields {
                if field.required && !map.contains_key(field_name) {
                    if let Some(diag) = unset_removed(path, field_name, node.span, unsets) {
                        diags.push(diag);
                        continue;
                    }
                    diags.push(
                        Diagnostic::new(
                            "E0206",
                            node.span,
                            format!("`{path}` needs `{field_name}`"),
                        )
                        .label(format!("`{field_name}` is required here"))
                        .help(format!(
                            "set `{path}.{field_name}` ({})",
                            field.ty.describe()
                        )),
                    );
                }
            }
        }
        (Ty::Map(inner), Value::Map(map)) => {
            for (key, child) in map.iter() {
                check_value(
                    schema,
                    child,
                    inner,
                    &FieldPath::Key(path, key),
                    unsets,
                    diags,
                );
            }
        }
        (Ty::List(inner), Value::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(
                    schema,
                    item,
                    inner,
                    &FieldPath::Index(path, i),
                    unsets,
                    diags,
                );
            }
        }
        (Ty::String { max_len }, Value::Str(s)) => {
            if let Some(max) = max_len {
                if s.chars().count() > *max {
                    diags.push(
                        Diagnostic::new(
                            "E0205",
                            node.span,
                            format!("`{path}` is longer than {max} characters"),
                        )
                        .label(format!("{} characters", s.chars().count()))
                        .help(format!("shorten it to at most {max} characters")),
                    );
                }
            }
        }
        (Ty::Bool, Value::Bool(_)) | (Ty::Number, Value::Int(_) | Value::Float(_)) => {}
        (Ty::Int { min, max }, Value::Int(v)) => {
            let below = min.is_some_and(|m| *v < m);
            let above = max.is_some_and(|m| *v > m);
            if below || above {
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                    (Some(lo), None) => format!("at least {lo}"),
                    (None, Some(hi)) => format!("at most {hi}"),
                    (None, None) => String::new(),
                };
                diags.push(
                    Diagnostic::new("E0205", node.span, format!("`{path}` is {v}, out of range"))
                        .label("out of range")
                        .help(format!("`{path}` must be {range}")),
                );
            }
        }
        (Ty::Quantity, Value::Quantity(_) | Value::Int(_)) => {}
        (Ty::Quantity, Value::Str(s)) => {
            if Quantity::parse(s).is_none() {
                diags.push(malformed_quantity(s, &path.to_string(), node));
            }
        }
        (Ty::Enum(values), Value::Str(s)) => {
            if !values.iter().any(|v| v == s) {
                let help = match crate::suggest::closest_value(s, values.iter().map(String::as_str))
                {
                    Some(best) => {
                        format!("did you mean \"{best}\"? allowed: {}", quote_all(values))
                    }
                    None => format!("allowed: {}", quote_all(values)),
                };
                diags.push(
                    Diagnostic::new(
                        "E0203",
                        node.span,
                        format!("{s:?} is not a valid value for `{path}`"),
                    )
                    .label("not one of the allowed values")
                    .help(help),
                );
            }
        }
        (Ty::DnsSubdomain, Value::Str(s)) => {
            if !is_dns_subdomain(s) {
                diags.push(
                    Diagnostic::new("E0207", node.span, format!("{s:?} is not a DNS-1123 subdomain"))
                        .label("invalid name")
                        .help("use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"),
                );
            }
        }
        (ty, value) => diags.push(wrong_type(node, ty, &path.to_string(), value)),
    }
}

pub fn malformed_quantity(text: &str, path: &str, node: &Node) -> Diagnostic {
    Diagnostic::new(
        "E0204",
        node.span,
        format!("`{text}` is not a valid quantity for `{path}`"),
    )
    .label("malformed quantity")
    .help(quantity_help(text))
}

fn wrong_type(node: &Node, ty: &Ty, path: &str, value: &Value) -> Diagnostic {
    let found = match value {
        Value::Str(s) => format!("the string {s:?}"),
        Value::Int(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Quantity(q) => format!("the quantity {}", q.text),
        Value::List(_) => "a list".to_string(),
        Value::Map(_) => "a map".to_string(),
    };
    let help = match (ty, value) {
        (
            Ty::String { .. } | Ty::Enum(_),
            Value::Int(_) | Value::Bool(_) | Value::Quantity(_) | Value::Float(_),
        ) => {
            format!(
                "write it as a string: \"{}\"",
                value.as_text().unwrap_or_default()
            )
        }
        (Ty::Int { .. }, Value::Str(s)) if s.parse::<i64>().is_ok() => {
            format!("write the number without quotes: {s}")
        }
        (Ty::Bool, Value::Str(s)) if s == "true" || s == "false" => {
            format!("write the boolean without quotes: {s}")
        }
        (Ty::Object(_), _) => {
            "this field is an object: set its fields, or `{}` for an empty one".to_string()
        }
        _ => format!("`{path}` takes {}", ty.describe()),
    };
    Diagnostic::new(
        "E0202",
        node.span,
        format!("`{path}` expects {}, found {found}", ty.describe()),
    )
    .label(format!("expected {}", ty.describe()))
    .help(help)
}

fn unknown_field<'a>(
    key: &str,
    path: &str,
    node: &Node,
    type_name: &str,
    fields: impl Iterator<Item = &'a String>,
) -> Diagnostic {
    let names: Vec<&str> = fields.map(String::as_str).collect();
    let help = match closest(key, names.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("`{type_name}` has: {}", names.join(", ")),
    };
    Diagnostic::new("E0201", node.span, format!("unknown field `{path}`"))
        .label(format!("`{type_name}` has no field `{key}`"))
        .help(help)
}

fn deprecation_help(path: &str) -> String {
    match path {
        "spec.launchSecurity" => "launchSecurity on instance types is deprecated: use the preference's spec.preferredLaunchSecurity".to_string(),
        p if p.ends_with("preferredUseEfi") || p.ends_with("preferredUseSecureBoot") => {
            "use spec.firmware.preferredEfi (with secureBoot) instead".to_string()
        }
        _ => "KubeVirt will remove this field in a future API version".to_string(),
    }
}

fn quote_all(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
