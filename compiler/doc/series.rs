//! `citc doc readme`: the series table ("# Series") and the series diagram
//! (the mermaid block under "## Structure") of upstream's README.md, from
//! the catalog.
//!
//! What a series *is* comes from its instance types (their specs, after
//! parents, mixins and patches) and its name; how the README *presents*
//! the series — their order, the groups of the diagram and the name each
//! series has there — is what the catalog's root file declares in a global
//! `let readme_series` (see grammar/LANGUAGE.md, "The README's series").
//! citc holds no list of series.
//!
//! Each row of the table is a feature of `features.rs` that upstream's
//! README has, the one place that says how a feature is read from a spec.

use std::collections::HashSet;

use super::features::readme_features;
use crate::resolve::Resource;
use crate::source::SourceMap;
use crate::syntax::ast::{self, Expr, Statement, TextPart};
use crate::value::{Quantity, Value};
use crate::Analysis;
// The global `let` that declares the README's series.
use crate::resolve::SERIES_DECLARATION as DECLARATION;

/// The last row's label: the ratio of the series' largest instance type.
pub const RATIO_LABEL: &str = "vCPU-To-Memory Ratio";

/// One series as the README shows it.
pub struct Series {
    /// `cx1`.
    pub name: String,
    /// The diagram's name for it: `Compute Exclusive`.
    pub title: String,
    /// The table's column: `CX` (the name without its version digits).
    pub column: String,
    /// One mark per row of `readme_features()`.
    pub features: Vec<bool>,
    /// `1:2`.
    pub ratio: String,
}

/// A group of the diagram: `Workload agnostic` and its series.
pub struct Group {
    pub title: String,
    pub series: Vec<Series>,
}

/// The catalog's declared groups with their series derived, `None` when
/// the root file declares no `readme_series` (the README then has only
/// its resource tables), or an error message naming the file and line.
pub fn series_groups(analysis: &Analysis) -> Result<Option<Vec<Group>>, String> {
    let Some(root) = analysis.files.first() else {
        return Ok(None);
    };
    let Some(value) = root.ast.items.iter().find_map(|item| match item {
        ast::Item::Let(def) if def.name.name == DECLARATION => Some(&def.value),
        _ => None,
    }) else {
        return Ok(None);
    };
    let sources = &analysis.sources;
    let declared = read_declaration(value, sources)?;
    let mut groups = Vec::new();
    let mut listed = HashSet::new();
    for (title, series) in declared {
        let mut group = Group {
            title,
            series: Vec::new(),
        };
        for (ident, series_title) in series {
            let name = ident.name.clone();
            let members: Vec<&Resource> = analysis
                .catalog
                .resources
                .iter()
                .filter(|r| {
                    r.attributes
                        .iter()
                        .any(|(k, v)| k == "series" && *v == name)
                })
                .collect();
            if members.is_empty() {
                return Err(at(
                    sources,
                    ident.span,
                    &format!("`{DECLARATION}` names `{name}`, but the catalog has no series `{name}` with instance types: remove it or fix the name"),
                ));
            }
            if !listed.insert(name.clone()) {
                return Err(at(
                    sources,
                    ident.span,
                    &format!("`{DECLARATION}` names `{name}` twice: keep one"),
                ));
            }
            group.series.push(Series {
                column: column_name(&name),
                features: readme_features()
                    .map(|f| members.iter().all(|r| f.has(&r.tree)))
                    .collect(),
                ratio: ratio(&members),
                title: series_title,
                name,
            });
        }
        groups.push(group);
    }
    // A series the README leaves out would drift out of sight.
    for resource in &analysis.catalog.resources {
        if let Some((_, name)) = resource.attributes.iter().find(|(k, _)| k == "series") {
            if !listed.contains(name) {
                return Err(at(
                    sources,
                    resource.span,
                    &format!("the series `{name}` is not in `{DECLARATION}`: add it to one of its groups"),
                ));
            }
        }
    }
    Ok(Some(groups))
}

type Declared = Vec<(String, Vec<(ast::Ident, String)>)>;

/// `{ "Group" = { series = "Title" … } … }`, as written.
fn read_declaration(value: &Expr, sources: &SourceMap) -> Result<Declared, String> {
    let shape = format!(
        "`{DECLARATION}` is a map of groups, each a map of series to the name the diagram gives it: `let {DECLARATION} = {{ \"Workload agnostic\" = {{ u1 = \"Universal\" }} }}`"
    );
    let Expr::Map(block) = value else {
        return Err(at(sources, value.span(), &shape));
    };
    let mut groups = Vec::new();
    for statement in &block.statements {
        let Statement::Assign {
            path,
            value: Expr::Map(members),
            ..
        } = statement
        else {
            return Err(at(sources, block.span, &shape));
        };
        let [group] = path.segments.as_slice() else {
            return Err(at(sources, path.span, &shape));
        };
        let mut series = Vec::new();
        for member in &members.statements {
            let Statement::Assign {
                path,
                value: Expr::Text(text),
                ..
            } = member
            else {
                return Err(at(sources, members.span, &shape));
            };
            let [name] = path.segments.as_slice() else {
                return Err(at(sources, path.span, &shape));
            };
            let title = match text.parts.as_slice() {
                [TextPart::Literal(title)] => title.clone(),
                _ => {
                    return Err(at(
                        sources,
                        text.span,
                        "the diagram's name of a series is plain text, without `${…}`",
                    ))
                }
            };
            check_title(&title).map_err(|m| at(sources, text.span, &m))?;
            series.push((name.clone(), title));
        }
        check_title(&group.name).map_err(|m| at(sources, group.span, &m))?;
        groups.push((group.name.clone(), series));
    }
    Ok(groups)
}

/// A name in the diagram is a mermaid label: no brackets or quotes.
fn check_title(title: &str) -> Result<(), String> {
    if title.trim().is_empty() || !title.chars().any(char::is_alphanumeric) {
        return Err(format!("`{DECLARATION}`: a name needs letters or digits"));
    }
    match title.chars().find(|c| "()[]{}<>\"|:;#`".contains(*c)) {
        Some(c) => Err(format!(
            "`{DECLARATION}`: `{title}` has `{c}`, which the mermaid diagram cannot show in a label: leave it out"
        )),
        None => Ok(()),
    }
}

fn at(sources: &SourceMap, span: crate::source::Span, message: &str) -> String {
    let (line, col) = sources.line_col(span.file, span.start);
    format!("{}:{line}:{col}: {message}", sources.get(span.file).name)
}

/// `cx1` → `CX`: the series' name without its version, upper case.
pub fn column_name(series: &str) -> String {
    series
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_uppercase()
}

/// The vCPU-to-memory ratio of the series' largest instance type (most
/// vCPUs, then most memory): small sizes give light guests more memory
/// per vCPU, the ladder's ratio holds from the middle up. `1:4`; `2:1`
/// for half a GiB per vCPU; `?` when no instance type has both.
fn ratio(members: &[&Resource]) -> String {
    let sized = members.iter().filter_map(|r| {
        let cpu = match r.tree.get_path(&["spec", "cpu", "guest"])?.value {
            Value::Int(cpu) if cpu > 0 => cpu as i128,
            _ => return None,
        };
        let memory = match &r.tree.get_path(&["spec", "memory", "guest"])?.value {
            Value::Quantity(q) => q.millis,
            Value::Str(s) => Quantity::parse(s)?.millis,
            _ => return None,
        };
        Some((cpu, memory))
    });
    let Some((cpu, memory)) = sized.max() else {
        return "?".to_string();
    };
    // memory / cpu in GiB per vCPU, as a reduced fraction.
    let gib: i128 = 1000 << 30;
    let (mut a, mut b) = (memory, cpu * gib);
    let g = gcd(a, b).max(1);
    a /= g;
    b /= g;
    format!("{b}:{a}")
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

// ------------------------------------------------------------------- table

/// The table, one line per row, ending in a newline. `old` is the table as
/// the README has it: a cell whose content is unchanged keeps its padding
/// there (upstream aligns its table by hand, and not evenly), so only what
/// changed is rewritten; new cells and a new table are padded evenly.
pub fn series_table(groups: &[Group], old: Option<&str>) -> String {
    let series: Vec<&Series> = groups.iter().flat_map(|g| &g.series).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec![".".to_string()];
    header.extend(series.iter().map(|s| s.column.clone()));
    rows.push(header);
    rows.push(vec!["-".to_string(); series.len() + 1]);
    for (i, feature) in readme_features().enumerate() {
        let mut row = vec![format!("*{}*", feature.label)];
        row.extend(
            series
                .iter()
                .map(|s| if s.features[i] { "✓" } else { "" }.to_string()),
        );
        rows.push(row);
    }
    let mut ratio = vec![format!("*{RATIO_LABEL}*")];
    ratio.extend(series.iter().map(|s| s.ratio.clone()));
    rows.push(ratio);

    let widths: Vec<usize> = (0..=series.len())
        .map(|c| {
            let longest = rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
            if c == 0 {
                longest + 1
            } else {
                (longest + 2).max(5)
            }
        })
        .collect();
    let old = old.map(OldTable::parse);
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, content)| {
                let last = c == row.len() - 1;
                old.as_ref()
                    .and_then(|old| old.cell(r, &rows[r][0], &rows[0][c], content))
                    .unwrap_or_else(|| fresh_cell(content, r == 1, c, widths[c], last))
            })
            .collect();
        out.push_str(&cells.join("|"));
        out.push('\n');
    }
    out
}

/// A cell padded to `width`: the first column left-aligned, the others
/// centred, the separator all dashes; nothing trails in the last column.
fn fresh_cell(content: &str, separator: bool, column: usize, width: usize, last: bool) -> String {
    if separator {
        return "-".repeat(width);
    }
    let len = content.chars().count();
    let cell = if column == 0 {
        format!("{content:<width$}")
    } else {
        let left = (width - len) / 2;
        format!(
            "{}{content}{}",
            " ".repeat(left),
            " ".repeat(width - len - left)
        )
    };
    if last {
        cell.trim_end().to_string()
    } else {
        cell
    }
}

/// The README's table, cell by cell as written.
struct OldTable {
    rows: Vec<Vec<String>>,
}

impl OldTable {
    fn parse(text: &str) -> OldTable {
        OldTable {
            rows: text
                .lines()
                .map(|line| line.split('|').map(str::to_string).collect())
                .collect(),
        }
    }

    /// The README's cell for row `label` (the separator: row 1) and column
    /// `column`, when it holds `content`.
    fn cell(&self, r: usize, label: &str, column: &str, content: &str) -> Option<String> {
        let header = self.rows.first()?;
        let c = header.iter().position(|cell| cell.trim() == column)?;
        let row = if r == 1 {
            self.rows.get(1)?
        } else {
            self.rows
                .iter()
                .enumerate()
                .find(|(i, row)| *i != 1 && row[0].trim() == label)?
                .1
        };
        let cell = row.get(c)?;
        let same = if r == 1 {
            !cell.is_empty() && cell.chars().all(|ch| ch == '-')
        } else {
            cell.trim() == content
        };
        same.then(|| cell.clone())
    }
}

// ----------------------------------------------------------------- diagram

/// The mermaid block, from its opening fence to its closing one, ending in
/// a newline: one node per group, and under it each series (by the
/// declared name) leading to its instance types (by the series' name).
pub fn series_diagram(groups: &[Group]) -> Result<String, String> {
    let mut out = String::from(
        "```mermaid\ngraph TD\n\n\
classDef grp fill:white,stroke:lightgray,color:gray\n\
classDef series fill:lightyellow,stroke:lightgray\n\
classDef instancetype fill:\n\n",
    );
    let mut ids = HashSet::new();
    let group_ids: Vec<String> = groups.iter().map(|g| group_id(&g.title)).collect();
    for (group, id) in groups.iter().zip(&group_ids) {
        if !ids.insert(id.clone()) {
            return Err(format!("`{DECLARATION}`: the groups `{}` and another have the same diagram node `{id}`: give them names that differ in their first word or initials", group.title));
        }
        out.push_str(&format!("{id}({})\n", group.title));
    }
    // Upstream styles its first group with a `class` line as well.
    if let Some(first) = group_ids.first() {
        out.push_str(&format!("class {first} grp\n"));
    }
    for (group, gid) in groups.iter().zip(&group_ids) {
        for series in &group.series {
            let id = series_id(&series.title);
            if !ids.insert(id.clone()) {
                return Err(format!("`{DECLARATION}`: `{}` and another name have the same diagram node `{id}`: give the series names that differ in more than case and spaces", series.title));
            }
            out.push_str(&format!(
                "\n{gid}:::grp --> {id}:::series\n{id}([{}]):::series --> {}:::instancetype\n",
                series.title, series.name
            ));
        }
    }
    out.push_str("```\n");
    Ok(out)
}

/// A group's node: its first word without vowels, then the initials of the
/// other words, in lower case (`Workload agnostic` → `wrklda`).
fn group_id(title: &str) -> String {
    let mut words = title
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty());
    let mut id: String = words
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !"aeiouAEIOU".contains(*c))
        .collect();
    for word in words {
        id.extend(word.chars().next());
    }
    id.to_lowercase()
}

/// A series' node: its name's letters and digits, lower case after the
/// first (`Compute Exclusive` → `Computeexclusive`).
fn series_id(title: &str) -> String {
    let mut chars = title.chars().filter(|c| c.is_alphanumeric());
    let first = chars.next().map(String::from).unwrap_or_default();
    first + &chars.collect::<String>().to_lowercase()
}

/// README.md's account of the table's rows, one line per rule.
pub fn rules() -> String {
    let mut out = String::new();
    for feature in readme_features() {
        out.push_str(&format!("- *{}*: {}\n", feature.label, feature.rule));
    }
    out.push_str(&format!(
        "- *{RATIO_LABEL}*: the ratio of the series' largest instance type\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_and_columns_follow_upstreams_names() {
        assert_eq!(group_id("Workload agnostic"), "wrklda");
        assert_eq!(group_id("Workload specific"), "wrklds");
        assert_eq!(series_id("Compute Exclusive"), "Computeexclusive");
        assert_eq!(column_name("rt1"), "RT");
        assert_eq!(column_name("cx12"), "CX");
    }

    #[test]
    fn an_unchanged_cell_keeps_its_padding_a_changed_one_is_redone() {
        let groups = vec![Group {
            title: "G".into(),
            series: vec![Series {
                name: "a1".into(),
                title: "A".into(),
                column: "A".into(),
                features: vec![true, false, true, false, true, false],
                ratio: "1:4".into(),
            }],
        }];
        let fresh = series_table(&groups, None);
        assert!(fresh.starts_with(".                           |  A\n"));
        assert!(fresh.contains("*Hugepages*                 |  ✓\n"));
        let old = fresh.replace("|  ✓\n", "|✓\n").replace("|  A\n", "| A\n");
        let again = series_table(&groups, Some(&old));
        assert_eq!(again, old);
        let wrong = old.replacen(
            "*Hugepages*                 |✓",
            "*Hugepages*                 |",
            1,
        );
        assert!(series_table(&groups, Some(&wrong)).contains("*Hugepages*                 |  ✓\n"));
    }
}
