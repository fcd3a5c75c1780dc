//! KubeVirt's own description of a field, for hover: the JSON schema of
//! instancetype.kubevirt.io/v1beta1 that KubeVirt's OpenAPI spec was
//! turned into (`kubevirt-api.schema.json`, a copy of
//! ../shared/kubevirt-api/instancetype-v1beta1.schema.json carried in the
//! repository so that the binary needs nothing beside it; tests/lsp.rs
//! checks that the two are the same).

use std::sync::OnceLock;

use serde_json::Value;

use crate::syntax::ast::Kind;

const SCHEMA: &str = include_str!("kubevirt-api.schema.json");

fn schema() -> Option<&'static Value> {
    static PARSED: OnceLock<Option<Value>> = OnceLock::new();
    PARSED
        .get_or_init(|| serde_json::from_str(SCHEMA).ok())
        .as_ref()
}

/// The definition a `$ref` names (`#/$defs/NAME`), or the node itself.
fn follow<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    // A chain of references is short; the bound keeps a bad file finite.
    for _ in 0..8 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| root.get("$defs")?.get(name))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

fn description_of<'a>(root: &'a Value, node: &'a Value) -> Option<&'a str> {
    node.get("description")
        .or_else(|| follow(root, node).get("description"))
        .and_then(Value::as_str)
}

/// The description of the field at `path` (from the resource's root:
/// `spec.cpu.guest`, `metadata.labels`) of a kind, as KubeVirt documents it.
pub fn description(kind: Kind, path: &[&str]) -> Option<String> {
    let root = schema()?;
    let resource = match kind {
        Kind::Instancetype => "VirtualMachineClusterInstancetype",
        Kind::Preference => "VirtualMachineClusterPreference",
    };
    let mut node = root.get("$defs")?.get(resource)?;
    for segment in path {
        let object = follow(root, node);
        node = match object.get("properties").and_then(|p| p.get(*segment)) {
            Some(field) => field,
            // A map's values (labels, annotations) or a list's items.
            None => object
                .get("additionalProperties")
                .filter(|v| v.is_object())
                .or_else(|| object.get("items"))?,
        };
    }
    description_of(root, node).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_both_kinds_have_kubevirts_descriptions() {
        let guest = description(Kind::Instancetype, &["spec", "cpu", "guest"]);
        assert_eq!(
            guest.as_deref(),
            Some("Required number of vCPUs to expose to the guest.")
        );
        let bus = description(Kind::Preference, &["spec", "devices", "preferredDiskBus"]);
        assert!(bus.is_some_and(|d| d.contains("preferred bus for Disk")));
        assert!(description(Kind::Instancetype, &["spec", "cpu", "nothing"]).is_none());
        assert!(description(Kind::Instancetype, &["spec", "devices"]).is_none());
    }
}
