//! Derived labels: what a catalog's `derive` rules compute from a resolved
//! resource. Lowering writes them; overlays select resources by them.

use super::Resource;
use crate::source::Span;
use crate::syntax::ast::{DeriveRule, DeriveSource, Kind};
use crate::value::Value;

/// Applies the derive rules of the resource's kind, in order.
pub fn derived_labels(
    resource: &Resource,
    rules: &[(Kind, DeriveRule)],
) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    for (kind, rule) in rules {
        if *kind != resource.kind {
            continue;
        }
        let value = match &rule.source {
            DeriveSource::Field(path) => {
                let keys: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
                resource
                    .tree
                    .get_path(&keys)
                    .and_then(|n| n.value.as_text())
            }
            DeriveSource::Present(path) => {
                let keys: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
                match resource.tree.get_path(&keys).map(|n| &n.value) {
                    None | Some(Value::Bool(false)) => None,
                    Some(_) => Some("true".to_string()),
                }
            }
            DeriveSource::Attribute(name) => resource
                .attributes
                .iter()
                .find(|(n, _)| *n == name.name)
                .map(|(_, v)| v.clone()),
        };
        if let Some(value) = value {
            out.push((rule.label.clone(), value, rule.span));
        }
    }
    out
}
