//! `citc doc readme`: the "## Resources" section of upstream's README.md,
//! from the compiled documents, byte for byte as upstream's scripts/readme.sh
//! writes it from the namespaced bundles:
//!
//! ```text
//! yq '.[] | [.metadata.name, .spec.cpu.guest, .spec.memory.guest] | join("  |  ")'
//! yq '.[] | [.metadata.name, .metadata.annotations."openshift.io/display-name"] | join(" | ")'
//! ```
//!
//! in bundle order (by name), under a fixed heading and table headers. A
//! field that is not set is empty, as yq's `join` writes null.
//!
//! readme.sh replaces the README from the heading's line to the end of the
//! file (`sed '/## Resources/Q'`); [`replace_section`] does the same, and
//! appends the section to a README that has no heading yet.

use crate::emit::yaml::Yaml;
use crate::lower::{ApiKind, Document};

/// The heading the section starts with; it runs to the end of the file.
pub const RESOURCES_HEADING: &str = "## Resources";

/// The section, from the heading to the end, ending in a newline.
pub fn resources_section(documents: &[Document]) -> String {
    let mut out = String::new();
    out.push_str(RESOURCES_HEADING);
    out.push_str(
        "\n\nThe following instancetype resources (cluster-wide and namespaced) are\n\
provided by this project:\n\n\
Name | vCPUs | Memory\n\
-----|-------|-------\n",
    );
    for doc in of_kind(documents, ApiKind::VirtualMachineInstancetype) {
        let row = [
            doc.name.clone(),
            text_at(&doc.yaml, &["spec", "cpu", "guest"]),
            text_at(&doc.yaml, &["spec", "memory", "guest"]),
        ];
        out.push_str(&row.join("  |  "));
        out.push('\n');
    }
    out.push_str(
        "\nThe following preference resources (cluster-wide and namespaced) are\n\
provided by this project:\n\n\
Name | Guest OS\n\
-----|---------\n",
    );
    for doc in of_kind(documents, ApiKind::VirtualMachinePreference) {
        let row = [
            doc.name.clone(),
            text_at(
                &doc.yaml,
                &["metadata", "annotations", "openshift.io/display-name"],
            ),
        ];
        out.push_str(&row.join(" | "));
        out.push('\n');
    }
    out
}

/// The documents of one kind, by name (the order of a bundle).
fn of_kind(documents: &[Document], kind: ApiKind) -> Vec<&Document> {
    let mut docs: Vec<&Document> = documents.iter().filter(|d| d.kind == kind).collect();
    docs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    docs
}

/// The scalar at `path` as yq prints it; empty when it is not set (yq's
/// `join` writes null as nothing).
fn text_at(yaml: &Yaml, path: &[&str]) -> String {
    let mut node = yaml;
    for key in path {
        let Yaml::Map(entries) = node else {
            return String::new();
        };
        match entries.iter().find(|(k, _)| k == key) {
            Some((_, value)) => node = value,
            None => return String::new(),
        }
    }
    match node {
        Yaml::Str(s) => s.clone(),
        Yaml::Int(i) => i.to_string(),
        Yaml::Float(f) => f.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null | Yaml::Seq(_) | Yaml::Map(_) => String::new(),
    }
}

/// The byte offset where the section starts in `readme`: the first line
/// that is the heading (outside fenced code blocks).
pub fn section_start(readme: &str) -> Option<usize> {
    let mut offset = 0;
    let mut fenced = false;
    for line in readme.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && trimmed == RESOURCES_HEADING {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The section as it stands in `readme`, from the heading to the end.
pub fn current_section(readme: &str) -> Option<&str> {
    section_start(readme).map(|start| &readme[start..])
}

/// `readme` with everything from the heading to the end replaced by
/// `section`; a README without the heading gets the section appended after
/// a blank line.
pub fn replace_section(readme: &str, section: &str) -> String {
    match section_start(readme) {
        Some(start) => format!("{}{section}", &readme[..start]),
        None => {
            let mut out = readme.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(section);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_runs_from_the_heading_to_the_end() {
        let readme = "# T\n\n```\n## Resources\n```\n\n## Resources\n\nold\n";
        assert_eq!(current_section(readme), Some("## Resources\n\nold\n"));
        assert_eq!(
            replace_section(readme, "## Resources\n\nnew\n"),
            "# T\n\n```\n## Resources\n```\n\n## Resources\n\nnew\n"
        );
        assert_eq!(
            replace_section("# T", "## Resources\n"),
            "# T\n\n## Resources\n"
        );
        assert_eq!(replace_section("", "## Resources\n"), "## Resources\n");
        assert_eq!(current_section("# T\n### Resources\n"), None);
    }
}
