//! What happens to a VM that uses a resource. KubeVirt admits an instance
//! type or preference on its own (semantics.rs has those rules) and checks
//! the rest only when a VM uses it: VM admission and, when the VM starts, the
//! VM instance's admission and the API server's checks of its metadata. These
//! rules are read from KubeVirt's code; KUBEVIRT_RULES.md beside this folder
//! lists every rule that depends on a field an instance type or preference
//! sets, where KubeVirt has it, and which check here (or why none) covers it.
//!
//! The VM in mind is the one `citc-admit -vm` makes: it sets nothing of what
//! the resource sets, so what the resource says is what KubeVirt checks. A
//! rule that only some clusters apply (a feature gate, a configured list) is
//! a warning; one that KubeVirt's defaults apply is an error.

mod instancetype;
mod preference;

use crate::diagnostic::Diagnostic;
use crate::resolve::Resource;
use crate::syntax::ast::Kind;
use crate::value::{Node, Value};

/// A diagnostic about one resource, with what to say about that resource
/// when several resources share it (a series' field reaches every size).
pub struct Finding {
    pub diag: Diagnostic,
    /// `u1.large (4 vCPUs)`; the resource's name when there is nothing more.
    pub detail: String,
}

impl Finding {
    fn new(resource: &Resource, diag: Diagnostic) -> Finding {
        Finding {
            diag,
            detail: format!("`{}`", resource.name),
        }
    }

    fn with_detail(
        resource: &Resource,
        diag: Diagnostic,
        detail: impl std::fmt::Display,
    ) -> Finding {
        Finding {
            diag,
            detail: format!("`{}` ({detail})", resource.name),
        }
    }
}

pub fn check_resource(resource: &Resource, out: &mut Vec<Finding>) {
    match resource.kind {
        Kind::Instancetype => instancetype::check(resource, out),
        Kind::Preference => preference::check(resource, out),
    }
    annotation_keys(resource, out);
}

/// One diagnostic per place and message: a field set once in a series or a
/// mixin reaches many resources, and the author changes it once. The label
/// names the resources (a few, then a count).
pub fn report(findings: Vec<Finding>, diags: &mut Vec<Diagnostic>) {
    let mut groups: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    for finding in findings {
        let same = groups.iter_mut().find(|(d, _)| {
            d.code == finding.diag.code
                && d.span == finding.diag.span
                && d.message == finding.diag.message
        });
        match same {
            Some((_, details)) => {
                if !details.contains(&finding.detail) {
                    details.push(finding.detail);
                }
            }
            None => groups.push((finding.diag, vec![finding.detail])),
        }
    }
    for (mut diag, details) in groups {
        if details.len() > 1 {
            const SHOWN: usize = 4;
            let mut names = details[..details.len().min(SHOWN)].join(", ");
            if details.len() > SHOWN {
                names.push_str(&format!(" and {} more", details.len() - SHOWN));
            }
            diag.label = format!("{}: {} resources, {names}", diag.label, details.len());
        }
        diags.push(diag);
    }
}

/// The node at a dotted path under `spec`.
fn spec<'a>(resource: &'a Resource, path: &[&str]) -> Option<&'a Node> {
    resource.tree.get_path(&["spec"])?.get_path(path)
}

fn spec_text(resource: &Resource, path: &[&str]) -> Option<String> {
    match &spec(resource, path)?.value {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn spec_bool(resource: &Resource, path: &[&str]) -> Option<bool> {
    match spec(resource, path)?.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

fn spec_int(resource: &Resource, path: &[&str]) -> Option<i64> {
    match spec(resource, path)?.value {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

/// A `FeatureState`-like map is on when present and not `enabled: false`
/// (KubeVirt defaults a missing `enabled` to true).
fn enabled(node: &Node) -> bool {
    match &node.value {
        Value::Map(map) => !matches!(
            map.get("enabled").map(|n| &n.value),
            Some(Value::Bool(false))
        ),
        _ => false,
    }
}

/// Annotations under `spec.annotations` are copied onto the VM instance,
/// whose metadata the API server checks when the VM starts
/// (ValidateObjectMetaAccessor): a key that is not a qualified name makes
/// every VM that uses the resource fail to start, although KubeVirt admitted
/// the resource (its `spec.annotations` is a plain map in the CRD).
fn annotation_keys(resource: &Resource, out: &mut Vec<Finding>) {
    let Some(Value::Map(annotations)) = spec(resource, &["annotations"]).map(|n| &n.value) else {
        return;
    };
    for (key, node) in annotations.iter() {
        if !crate::kube::is_qualified_name(key) {
            out.push(Finding::new(
                resource,
                Diagnostic::new(
                    "E0208",
                    node.span,
                    format!("`{key}` is not a valid annotation key"),
                )
                .label("copied onto every VM instance that uses this resource")
                .help("KubeVirt admits the resource, but the API server refuses the VM instance when the VM starts: an annotation key is an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
            ));
        }
    }
}

pub use instancetype::request_refused;
