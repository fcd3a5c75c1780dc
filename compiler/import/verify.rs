//! Verify: the imported text is compiled again and its documents compared
//! with the resources that were read. What differs, and what the checker
//! says about the text, becomes a warning: an import that does not give
//! back its input says so.

use std::collections::HashMap;

use crate::diagnostic::render_short;
use crate::diff::Resource;
use crate::yaml::Yaml;

/// Keys sorted at every level, so that maps compare by content.
fn normalized(value: &Yaml) -> Yaml {
    match value {
        Yaml::Map(entries) => {
            let mut entries: Vec<(String, Yaml)> = entries
                .iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Yaml::Map(entries)
        }
        Yaml::Seq(items) => Yaml::Seq(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

fn strip_label(doc: &mut Yaml, key: &str) {
    let Yaml::Map(top) = doc else { return };
    let Some((_, Yaml::Map(meta))) = top.iter_mut().find(|(k, _)| k == "metadata") else {
        return;
    };
    let mut empty = false;
    if let Some((_, Yaml::Map(labels))) = meta.iter_mut().find(|(k, _)| k == "labels") {
        labels.retain(|(k, _)| k != key);
        empty = labels.is_empty();
    }
    if empty {
        meta.retain(|(k, _)| k != "labels");
    }
}

/// Warnings: the checker's findings on `text`, and every resource that the
/// compiled catalog does not give back as it was read.
pub fn round_trip(text: &str, resources: &[Resource], version: Option<&str>) -> Vec<String> {
    let mut warnings = Vec::new();
    let compiled = crate::compile_str("imported.cit", text, version.unwrap_or("v0"));
    for diag in &compiled.diagnostics {
        warnings.push(format!(
            "the imported catalog: {}",
            render_short(&compiled.sources, diag)
        ));
    }
    if compiled.has_errors() {
        warnings.push(
            "the imported catalog has errors, so its round trip could not be checked".to_string(),
        );
        return warnings;
    }
    let label = compiled.release.version_label.clone();
    let mut built: HashMap<(&str, &str), Yaml> = HashMap::new();
    for doc in &compiled.documents {
        let mut yaml = doc.yaml.clone();
        if let Some(label) = &label {
            strip_label(&mut yaml, label);
        }
        built.insert((doc.kind.name(), doc.name.as_str()), normalized(&yaml));
    }
    let mut differ = Vec::new();
    for resource in resources {
        match built.remove(&(resource.kind.as_str(), resource.name.as_str())) {
            Some(yaml) if yaml == normalized(&resource.body) => {}
            Some(_) => differ.push(format!("{} {} differs", resource.kind, resource.name)),
            None => differ.push(format!("{} {} is missing", resource.kind, resource.name)),
        }
    }
    let mut extra: Vec<String> = built
        .keys()
        .map(|(kind, name)| format!("{kind} {name} is added"))
        .collect();
    extra.sort();
    differ.extend(extra);
    if !differ.is_empty() {
        let shown: Vec<&str> = differ.iter().take(8).map(String::as_str).collect();
        let more = differ.len().saturating_sub(shown.len());
        warnings.push(format!(
            "round trip: building the imported catalog does not give back the input: {}{}",
            shown.join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        ));
    }
    warnings
}
