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

use crate::kube::ApiKind;
use crate::lower::Document;
use crate::yaml::Yaml;

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
    heading_start(readme, RESOURCES_HEADING)
}

/// The byte offset of the first line that is `heading`, outside fenced
/// code blocks.
fn heading_start(readme: &str, heading: &str) -> Option<usize> {
    lines(readme)
        .find(|line| !line.fenced && line.text.trim_end() == heading)
        .map(|line| line.start)
}

/// A line of a README: where it starts, its text with the newline, and
/// whether it is inside (or is a fence of) a fenced code block.
struct Line<'a> {
    start: usize,
    text: &'a str,
    fenced: bool,
}

fn lines(readme: &str) -> impl Iterator<Item = Line<'_>> {
    let mut offset = 0;
    let mut fenced = false;
    readme.split_inclusive('\n').map(move |text| {
        let fence = text.trim().starts_with("```");
        let line = Line {
            start: offset,
            text,
            fenced: fenced || fence,
        };
        if fence {
            fenced = !fenced;
        }
        offset += text.len();
        line
    })
}

/// The heading the series diagram is under (a mermaid block).
pub const STRUCTURE_HEADING: &str = "## Structure";
/// The heading the series table is under.
pub const SERIES_HEADING: &str = "# Series";

/// Where the series diagram is: the first ```` ```mermaid ```` block after
/// the "## Structure" heading and before the next heading, fences included.
pub fn diagram_range(readme: &str) -> Option<std::ops::Range<usize>> {
    let after = heading_start(readme, STRUCTURE_HEADING)?;
    let mut start = None;
    for line in lines(readme).filter(|l| l.start > after) {
        match start {
            None if line.text.trim_end() == "```mermaid" => start = Some(line.start),
            None if !line.fenced && line.text.starts_with('#') => return None,
            Some(start) if line.text.trim().starts_with("```") => {
                return Some(start..line.start + line.text.len());
            }
            _ => {}
        }
    }
    None
}

/// Where the series table is: the first run of lines with a `|` after the
/// "# Series" heading and before the next heading.
pub fn table_range(readme: &str) -> Option<std::ops::Range<usize>> {
    let after = heading_start(readme, SERIES_HEADING)?;
    let mut range: Option<std::ops::Range<usize>> = None;
    for line in lines(readme).filter(|l| l.start > after && !l.fenced) {
        let row = line.text.contains('|');
        match &mut range {
            None if row => range = Some(line.start..line.start + line.text.len()),
            None if line.text.starts_with('#') => return None,
            Some(r) if row => r.end = line.start + line.text.len(),
            Some(_) => break,
            None => {}
        }
    }
    range
}

/// What `citc doc readme` writes into a README: the series diagram and
/// table when the catalog declares its series, and the resource tables.
pub struct Generated {
    /// The declared groups and their series, for the table.
    pub groups: Option<Vec<crate::doc::series::Group>>,
    /// The mermaid block.
    pub diagram: Option<String>,
    /// From "## Resources" to the end.
    pub resources: String,
}

impl Generated {
    /// A README's parts that the output has but the README lacks.
    pub fn missing(&self, readme: &str) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.diagram.is_some() && diagram_range(readme).is_none() {
            missing.push("`## Structure` diagram (a ```mermaid block)");
        }
        if self.groups.is_some() && table_range(readme).is_none() {
            missing.push("`# Series` table");
        }
        if section_start(readme).is_none() {
            missing.push("`## Resources` section");
        }
        missing
    }

    /// `readme` with every generated part replaced; a part it lacks is
    /// added, before "## Resources" (the diagram before "# Series"), or at
    /// the end.
    pub fn rewrite(&self, readme: &str) -> String {
        let mut out = readme.to_string();
        if let Some(diagram) = &self.diagram {
            out = match diagram_range(&out) {
                Some(range) => splice(&out, range, diagram),
                None => insert_before(
                    &out,
                    &[SERIES_HEADING, RESOURCES_HEADING],
                    &format!("{STRUCTURE_HEADING}\n\n{diagram}"),
                ),
            };
        }
        if let Some(groups) = &self.groups {
            out = match table_range(&out) {
                Some(range) => {
                    let table = crate::doc::series::series_table(groups, Some(&out[range.clone()]));
                    splice(&out, range, &table)
                }
                None => {
                    let table = crate::doc::series::series_table(groups, None);
                    insert_before(
                        &out,
                        &[RESOURCES_HEADING],
                        &format!("{SERIES_HEADING}\n\n{table}"),
                    )
                }
            };
        }
        replace_section(&out, &self.resources)
    }
}

fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..range.start], &text[range.end..])
}

/// `part` (ending in a newline) and a blank line, before the first of
/// `headings` that `readme` has, or appended after a blank line.
fn insert_before(readme: &str, headings: &[&str], part: &str) -> String {
    match headings.iter().find_map(|h| heading_start(readme, h)) {
        Some(start) => format!("{}{part}\n{}", &readme[..start], &readme[start..]),
        None => appended(readme, &format!("{part}\n")),
    }
}

/// `readme` with `part` appended after a blank line.
fn appended(readme: &str, part: &str) -> String {
    let mut out = readme.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(part);
    out
}

/// `readme` with everything from the heading to the end replaced by
/// `section`; a README without the heading gets the section appended after
/// a blank line.
pub fn replace_section(readme: &str, section: &str) -> String {
    match section_start(readme) {
        Some(start) => format!("{}{section}", &readme[..start]),
        None => appended(readme, section),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_runs_from_the_heading_to_the_end() {
        let readme = "# T\n\n```\n## Resources\n```\n\n## Resources\n\nold\n";
        assert_eq!(
            section_start(readme).map(|start| &readme[start..]),
            Some("## Resources\n\nold\n")
        );
        assert_eq!(
            replace_section(readme, "## Resources\n\nnew\n"),
            "# T\n\n```\n## Resources\n```\n\n## Resources\n\nnew\n"
        );
        assert_eq!(
            replace_section("# T", "## Resources\n"),
            "# T\n\n## Resources\n"
        );
        assert_eq!(replace_section("", "## Resources\n"), "## Resources\n");
        assert_eq!(section_start("# T\n### Resources\n"), None);
    }
}
