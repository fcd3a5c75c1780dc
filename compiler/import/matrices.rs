//! Matrices: preferences whose names follow one template
//! (`windows.${version}${suffix}`) and whose fields differ only by values
//! that follow the template's tables become one `preference … for T1 * T2`
//! with column variables in the fields and `when` blocks for what only some
//! rows set.
//!
//! A name is read as prefix + key + suffix (`windows.` `2k22` `.virtio`):
//! the keys make one table, the suffixes (`""`, `.virtio`) another, and
//! the combinations the input lacks are `except`ed. Every field path is then
//! placed where it varies: the same everywhere → the body; following one
//! table → a column (a string template when only part of it varies), or one
//! `when` per value when the table is small or the field is not on every
//! row; following both → a template of both, or one `when` per suffix.
//! Candidates are measured in lines against the preferences written one by
//! one, and taken greedily, largest saving first: a matrix is written only
//! where it is shorter.

use std::collections::BTreeSet;

use crate::syntax::ast::AliasDef;
use crate::yaml::Yaml;

use super::model::{Field, Lit, Matrix, Part, Table, When};
use super::stdlib::Std;
use super::templates::{
    column_name, common_ends, common_prefix, key_cell, merge_text, shapes, template_literal,
    unique, Pref, Shape, SEPARATORS,
};
use super::text::scalar_text;

/// A matrix to write: its rows (indices into the preferences), its parent
/// (`None`: the root), its statements and the matrix itself.
pub struct Found {
    pub members: Vec<usize>,
    pub parent: Option<usize>,
    pub uses: Vec<String>,
    pub fields: Vec<Field>,
    pub matrix: Matrix,
}

/// What the pass needs besides the preferences.
pub struct Context<'a> {
    pub std: &'a Std,
    /// Recognise std/components mixins (only when std/kubevirt is imported).
    pub std_mode: bool,
    pub aliases: &'a [AliasDef],
    /// Table names already taken (std/sizes', the series').
    pub taken: Vec<String>,
}

/// The matrices worth writing, none sharing a row.
pub fn find(prefs: &[Pref], cx: &Context) -> Vec<Found> {
    let mut candidates: Vec<(usize, Shape)> = Vec::new();
    let mut seen: BTreeSet<Vec<usize>> = BTreeSet::new();
    for shape in shapes(prefs) {
        let members: Vec<usize> = shape.rows.iter().map(|r| r.member).collect();
        if !seen.insert(members) {
            continue;
        }
        let Some(built) = build(&shape, prefs, None, cx) else {
            continue;
        };
        let alone: usize = shape.rows.iter().map(|r| prefs[r.member].alone).sum();
        if built.cost < alone {
            candidates.push((alone - built.cost, shape));
        }
    }
    // Largest saving first; then more rows; then the order found.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.rows.len().cmp(&a.1.rows.len())));
    let mut taken: Vec<usize> = Vec::new();
    let mut chosen: Vec<Shape> = Vec::new();
    for (_, shape) in candidates {
        if shape.rows.iter().all(|r| !taken.contains(&r.member)) {
            taken.extend(shape.rows.iter().map(|r| r.member));
            chosen.push(shape);
        }
    }
    chosen.sort_by_key(|s| s.rows.iter().map(|r| r.member).min());
    let mut tables = cx.taken.clone();
    let mut found: Vec<Found> = Vec::new();
    for shape in chosen {
        // The parent whose fields leave the rows the least to write: the
        // root, or a preference of no matrix that every row extends.
        let mut best = build(&shape, prefs, None, cx).map(|b| (None, b));
        for (q, pref) in prefs.iter().enumerate() {
            if taken.contains(&q) || pref.fields.is_none() {
                continue;
            }
            if let Some(b) = build(&shape, prefs, Some(q), cx) {
                if best.as_ref().is_none_or(|(_, cur)| b.cost < cur.cost) {
                    best = Some((Some(q), b));
                }
            }
        }
        let Some((parent, mut built)) = best else {
            continue;
        };
        // A table another matrix printed already is shared (fedora's and
        // rhel's architectures), under a name that fits both.
        let mut own = Vec::new();
        for mut table in std::mem::take(&mut built.matrix.tables) {
            let same = found.iter().enumerate().find_map(|(f, other)| {
                let at = other
                    .matrix
                    .tables
                    .iter()
                    .position(|t| t.columns == table.columns && t.rows == table.rows)?;
                Some((f, at))
            });
            if let Some((f, at)) = same {
                let old = found[f].matrix.tables[at].name.clone();
                if !old.starts_with(&table.columns[0]) {
                    let name = unique(&format!("{}_variants", table.columns[0]), &tables);
                    tables.push(name.clone());
                    found[f].matrix.tables[at].name = name.clone();
                    for over in found[f].matrix.over.iter_mut().filter(|o| **o == old) {
                        *over = name.clone();
                    }
                }
                table.name = found[f].matrix.tables[at].name.clone();
            } else {
                table.name = unique(&table.name, &tables);
                tables.push(table.name.clone());
                own.push(table.clone());
            }
            built.matrix.over.push(table.name);
        }
        built.matrix.tables = own;
        let mut members: Vec<usize> = shape.rows.iter().map(|r| r.member).collect();
        members.sort_unstable();
        found.push(Found {
            members,
            parent,
            uses: built.uses,
            fields: built.fields,
            matrix: built.matrix,
        });
    }
    found
}

/// A matrix as built for one candidate and parent, with its cost in lines.
struct Built {
    cost: usize,
    uses: Vec<String>,
    fields: Vec<Field>,
    matrix: Matrix,
}

/// A column of one of the matrix's two dimensions (0: keys, 1: suffixes).
struct Column {
    dim: usize,
    name: String,
    cells: Vec<Yaml>,
}

/// The matrix under construction.
struct Builder<'a> {
    cx: &'a Context<'a>,
    /// How many rows each dimension's table has (1: no table).
    size: [usize; 2],
    rows: Vec<[usize; 2]>,
    columns: Vec<Column>,
    /// Each dimension's key column, when it has a table.
    key: [Option<usize>; 2],
    body: Vec<Field>,
    whens: Vec<When>,
}

fn text(value: &Yaml) -> String {
    scalar_text(value).unwrap_or_default()
}

fn is_scalar(value: &Yaml) -> bool {
    matches!(
        value,
        Yaml::Str(_) | Yaml::Int(_) | Yaml::Bool(_) | Yaml::Float(_)
    )
}

/// Builds the matrix for `shape` with `parent`'s fields inherited, or
/// `None` when some field follows no column, template or `when`.
fn build(shape: &Shape, prefs: &[Pref], parent: Option<usize>, cx: &Context) -> Option<Built> {
    let inherited: &[Field] = match parent {
        Some(q) => prefs[q].fields.as_deref()?,
        None => &[],
    };
    // Each row's fields beyond the parent; the parent's paths must all be
    // on every row (a matrix writes no `unset`).
    let mut row_fields: Vec<Vec<&Field>> = Vec::new();
    for row in &shape.rows {
        let fields = prefs[row.member].fields.as_ref()?;
        if !inherited
            .iter()
            .all(|p| fields.iter().any(|f| f.path == p.path))
        {
            return None;
        }
        row_fields.push(fields.iter().filter(|f| !inherited.contains(f)).collect());
    }
    let mut paths: Vec<&Vec<String>> = row_fields.iter().flatten().map(|f| &f.path).collect();
    paths.sort();
    paths.dedup();
    let size = [shape.keys.len(), shape.suffixes.len()];
    let mut b = Builder {
        cx,
        size,
        rows: shape.rows.iter().map(|r| [r.key, r.suffix]).collect(),
        columns: Vec::new(),
        key: [None, None],
        body: Vec::new(),
        whens: Vec::new(),
    };
    let values: Vec<Vec<Option<&Yaml>>> = paths
        .iter()
        .map(|path| {
            row_fields
                .iter()
                .map(|fields| {
                    fields
                        .iter()
                        .find(|f| f.path == **path)
                        .and_then(|f| match &f.value {
                            Lit::Yaml(y) => Some(y),
                            Lit::Var(_) => None,
                        })
                })
                .collect()
        })
        .collect();
    let mut name = vec![Part::Text(shape.prefix.clone())];
    if size[0] > 1 {
        let digits = shape
            .keys
            .iter()
            .any(|k| k.contains(|c: char| c.is_ascii_digit()));
        let cells = shape.keys.iter().map(|k| key_cell(k)).collect();
        let column = b.add_column(0, if digits { "version" } else { "flavor" }, cells);
        b.key[0] = Some(column);
        name.push(Part::Column(b.columns[column].name.clone()));
    } else {
        name.push(Part::Text(shape.keys[0].clone()));
    }
    if size[1] > 1 {
        b.suffix_columns(shape, &paths, &values);
        let column = b.columns.len() - 1;
        name.push(Part::Column(b.columns[column].name.clone()));
    } else {
        name.push(Part::Text(shape.suffixes[0].clone()));
    }
    for (path, values) in paths.iter().zip(&values) {
        b.place(path, values)?;
    }
    let (uses, fields) = b.recognise_body();
    let mut tables = Vec::new();
    let stem: String = shape
        .prefix
        .trim_end_matches(SEPARATORS)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let stem = if stem.is_empty() {
        "names".to_string()
    } else {
        stem
    };
    for (dim, &rows) in size.iter().enumerate() {
        if rows < 2 {
            continue;
        }
        let columns: Vec<&Column> = b.columns.iter().filter(|c| c.dim == dim).collect();
        let table_name = match dim {
            0 => format!("{stem}_{}s", columns[0].name),
            _ => format!("{stem}_variants"),
        };
        tables.push(Table {
            name: table_name,
            columns: columns.iter().map(|c| c.name.clone()).collect(),
            rows: (0..rows)
                .map(|r| columns.iter().map(|c| c.cells[r].clone()).collect())
                .collect(),
        });
    }
    let mut except = Vec::new();
    if size[0] > 1 && size[1] > 1 {
        for k in 0..size[0] {
            for s in 0..size[1] {
                if !b.rows.contains(&[k, s]) {
                    except.push(vec![
                        b.columns[b.key[0]?].cells[k].clone(),
                        b.columns[b.key[1]?].cells[s].clone(),
                    ]);
                }
            }
        }
    }
    let matrix = Matrix {
        name: merge_text(name),
        over: Vec::new(),
        tables,
        except,
        whens: b.whens,
    };
    let cost = cost(&matrix, &uses, &fields);
    Some(Built {
        cost,
        uses,
        fields,
        matrix,
    })
}

impl Builder<'_> {
    fn add_column(&mut self, dim: usize, name: &str, cells: Vec<Yaml>) -> usize {
        let taken: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        self.columns.push(Column {
            dim,
            name: unique(name, &taken),
            cells,
        });
        self.columns.len() - 1
    }

    /// The suffix table's key and suffix columns. The key is a field that
    /// names each suffix row with a word of its own (`arch`: amd64 for the
    /// empty suffix), else the suffix without its separator (`plain` for
    /// none).
    fn suffix_columns(
        &mut self,
        shape: &Shape,
        paths: &[&Vec<String>],
        values: &[Vec<Option<&Yaml>>],
    ) {
        let word = |t: &str| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
                && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        };
        // A label whose value is each suffix's word (`arch`: arm64 for
        // `.arm64`) also names the empty suffix (amd64).
        let from_field = paths.iter().zip(values).find_map(|(path, values)| {
            if path.len() != 3 || path[0] != "metadata" || path[1] != "labels" {
                return None;
            }
            let per = self.by_dim(1, values)?;
            let texts: Vec<String> = per
                .iter()
                .map(|v| match v {
                    Some(Yaml::Str(s)) if word(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let named = shape
                .suffixes
                .iter()
                .zip(&texts)
                .all(|(s, t)| s.is_empty() || s[1..] == *t);
            let distinct: BTreeSet<&String> = texts.iter().collect();
            (named && distinct.len() == texts.len())
                .then(|| (column_name(path, self.cx.aliases), texts))
        });
        let (name, keys) = from_field.unwrap_or_else(|| {
            let mut keys: Vec<String> = shape
                .suffixes
                .iter()
                .map(|s| s.get(1..).unwrap_or_default().to_string())
                .collect();
            for k in keys.iter_mut().filter(|k| k.is_empty()) {
                *k = "plain".into();
            }
            ("variant".to_string(), keys)
        });
        let distinct: BTreeSet<&String> = keys.iter().collect();
        let keys = if distinct.len() == keys.len() {
            keys
        } else {
            (1..=keys.len()).map(|i| format!("v{i}")).collect()
        };
        let key = self.add_column(1, &name, keys.iter().map(|k| key_cell(k)).collect());
        self.key[1] = Some(key);
        let cells = shape
            .suffixes
            .iter()
            .map(|s| Yaml::Str(s.clone()))
            .collect();
        self.add_column(1, "suffix", cells);
    }

    /// The value each row of dimension `dim` has, when the rows that share
    /// it agree (set or not, and on the value).
    fn by_dim<'v>(&self, dim: usize, values: &[Option<&'v Yaml>]) -> Option<Vec<Option<&'v Yaml>>> {
        let mut per: Vec<Option<Option<&Yaml>>> = vec![None; self.size[dim]];
        for (row, value) in self.rows.iter().zip(values) {
            match per[row[dim]] {
                None => per[row[dim]] = Some(*value),
                Some(v) if v == *value => {}
                Some(_) => return None,
            }
        }
        per.into_iter().collect()
    }

    fn when(&mut self, column: usize, keys: Vec<Yaml>) -> &mut When {
        let column = self.columns[column].name.clone();
        let at = match self
            .whens
            .iter()
            .position(|w| w.column == column && w.keys == keys)
        {
            Some(at) => at,
            None => {
                self.whens.push(When {
                    column,
                    keys,
                    uses: Vec::new(),
                    fields: Vec::new(),
                });
                self.whens.len() - 1
            }
        };
        &mut self.whens[at]
    }

    /// Puts one field path where its values vary.
    fn place(&mut self, path: &[String], values: &[Option<&Yaml>]) -> Option<()> {
        let all_set = values.iter().all(Option::is_some);
        if all_set && values.iter().all(|v| *v == values[0]) {
            self.body
                .push(Field::new(path.to_vec(), values[0]?.clone()));
            return Some(());
        }
        // A value citc check would question is only ever written as it is.
        if values.iter().flatten().any(|v| suspicious(path, v)) {
            return None;
        }
        for dim in [0, 1] {
            if let Some(per) = self.by_dim(dim, values) {
                return self.place_in_dim(dim, path, &per, None);
            }
        }
        if all_set && values.iter().all(|v| matches!(v, Some(Yaml::Str(_)))) {
            let texts: Vec<String> = values
                .iter()
                .map(|v| text(v.unwrap_or(&Yaml::Null)))
                .collect();
            if let Some(parts) = self.template_both(path, &texts) {
                let value = Lit::Var(template_literal(&parts));
                self.body.push(Field {
                    path: path.to_vec(),
                    value,
                });
                return Some(());
            }
        }
        // One `when` per suffix row, each with what the keys give it.
        for s in 0..self.size[1] {
            let within: Vec<(usize, Option<&Yaml>)> = self
                .rows
                .iter()
                .zip(values)
                .filter(|(row, _)| row[1] == s)
                .map(|(row, value)| (row[0], *value))
                .collect();
            if within.iter().all(|(_, v)| v.is_none()) {
                continue;
            }
            let mut per: Vec<Option<&Yaml>> = vec![None; self.size[0]];
            for (key, value) in within {
                per[key] = Some(value?);
            }
            self.place_in_dim(0, path, &per, Some(s))?;
        }
        Some(())
    }

    /// A field that follows dimension `dim` (`per`: each of its rows'
    /// value). `within` a suffix's `when`, `per` is `None` for the keys
    /// without that suffix, and the field is set on every row there.
    fn place_in_dim(
        &mut self,
        dim: usize,
        path: &[String],
        per: &[Option<&Yaml>],
        within: Option<usize>,
    ) -> Option<()> {
        let all_set = per.iter().all(Option::is_some);
        let mut distinct: Vec<&Yaml> = Vec::new();
        for v in per.iter().flatten() {
            if !distinct.contains(v) {
                distinct.push(v);
            }
        }
        let field = if distinct.len() == 1 && (all_set || within.is_some()) {
            Some(Field::new(path.to_vec(), distinct[0].clone()))
        } else if all_set
            && distinct.iter().all(|v| is_scalar(v))
            && (self.size[dim] > 3 || self.matches_column(dim, per))
        {
            let values: Vec<&Yaml> = per.iter().flatten().copied().collect();
            Some(Field {
                path: path.to_vec(),
                value: self.column_value(dim, path, &values)?,
            })
        } else {
            None
        };
        if let Some(s) = within {
            // Inside a suffix's `when`, a value per key would need a nested one.
            let column = self.key[1]?;
            let key = self.columns[column].cells[s].clone();
            self.when(column, vec![key]).fields.push(field?);
            return Some(());
        }
        if let Some(field) = field {
            self.body.push(field);
            return Some(());
        }
        // One `when` per value, over the rows that have it.
        let key_column = self.key[dim]?;
        for value in distinct {
            let keys: Vec<Yaml> = (0..self.size[dim])
                .filter(|&r| per[r] == Some(value))
                .map(|r| self.columns[key_column].cells[r].clone())
                .collect();
            let field = Field::new(path.to_vec(), value.clone());
            self.when(key_column, keys).fields.push(field);
        }
        Some(())
    }

    /// Does an existing column of `dim` give these values (as a template)?
    fn matches_column(&self, dim: usize, per: &[Option<&Yaml>]) -> bool {
        let texts: Vec<String> = per
            .iter()
            .map(|v| v.map(text).unwrap_or_default())
            .collect();
        self.existing_template(dim, &texts).is_some()
    }

    /// The value of a field that follows a column of `dim`: the column
    /// itself where its cells are the values, else a string template.
    fn column_value(&mut self, dim: usize, path: &[String], values: &[&Yaml]) -> Option<Lit> {
        let in_spec = path.first().is_some_and(|s| s == "spec");
        if values.iter().all(|v| matches!(v, Yaml::Str(_))) {
            let texts: Vec<String> = values.iter().map(|v| text(v)).collect();
            let parts = self.template_one(dim, path, &texts, "");
            if let [Part::Column(name)] = parts.as_slice() {
                let column = self.columns.iter().find(|c| c.name == *name)?;
                if in_spec && column.cells.iter().zip(values).all(|(c, v)| c == *v) {
                    return Some(Lit::Var(name.clone()));
                }
            }
            return Some(Lit::Var(template_literal(&parts)));
        }
        // Numbers and booleans: a column with exactly these cells.
        if !in_spec {
            return None;
        }
        let cells: Vec<Yaml> = values.iter().map(|v| (*v).clone()).collect();
        let found = self
            .columns
            .iter()
            .position(|c| c.dim == dim && c.cells == cells);
        let column = match found {
            Some(c) => c,
            None => self.add_column(dim, &column_name(path, self.cx.aliases), cells),
        };
        Some(Lit::Var(self.columns[column].name.clone()))
    }

    /// `texts` (one per row of `dim`) as text around one existing column.
    fn existing_template(&self, dim: usize, texts: &[String]) -> Option<Vec<Part>> {
        for column in self.columns.iter().filter(|c| c.dim == dim) {
            let cells: Vec<String> = column.cells.iter().map(text).collect();
            for (at, _) in texts[0].match_indices(cells[0].as_str()) {
                let (left, right) = (&texts[0][..at], &texts[0][at + cells[0].len()..]);
                if texts.iter().zip(&cells).all(|(t, c)| {
                    t.len() == left.len() + c.len() + right.len()
                        && t.starts_with(left)
                        && t.ends_with(right)
                        && &t[left.len()..t.len() - right.len()] == c
                }) {
                    return Some(merge_text(vec![
                        Part::Text(left.into()),
                        Part::Column(column.name.clone()),
                        Part::Text(right.into()),
                    ]));
                }
            }
        }
        None
    }

    /// `texts` (one per row of `dim`) as a template: around an existing
    /// column, else around a new one that holds what differs.
    fn template_one(
        &mut self,
        dim: usize,
        path: &[String],
        texts: &[String],
        tail: &str,
    ) -> Vec<Part> {
        // A spec value is a whole cell: `${memory}Gi` would hide a quantity.
        let in_spec = path.first().is_some_and(|s| s == "spec");
        let existing = self
            .existing_template(dim, texts)
            .filter(|parts| !in_spec || matches!(parts.as_slice(), [Part::Column(_)]));
        if let Some(parts) = existing {
            return parts;
        }
        let (left, right) = if in_spec {
            (String::new(), String::new())
        } else {
            common_ends(texts)
        };
        let cells = texts
            .iter()
            .map(|t| Yaml::Str(t[left.len()..t.len() - right.len()].to_string()))
            .collect();
        let name = format!("{}{tail}", column_name(path, self.cx.aliases));
        let column = self.add_column(dim, &name, cells);
        merge_text(vec![
            Part::Text(left),
            Part::Column(self.columns[column].name.clone()),
            Part::Text(right),
        ])
    }

    /// Text that varies with both tables as key part + suffix part: each
    /// key's text is a prefix all its rows share, each suffix's the rest.
    fn template_both(&mut self, path: &[String], texts: &[String]) -> Option<Vec<Part>> {
        let counts = (0..self.size[0]).map(|k| self.rows.iter().filter(|r| r[0] == k).count());
        let k0 = counts
            .enumerate()
            .max_by_key(|(k, n)| (*n, usize::MAX - k))?
            .0;
        let at_k0: Vec<&String> = self
            .rows
            .iter()
            .zip(texts)
            .filter(|(r, _)| r[0] == k0)
            .map(|(_, t)| t)
            .collect();
        let shared = common_prefix(&at_k0);
        // The longest key part that explains every row.
        for len in (0..=shared.len())
            .rev()
            .filter(|&l| shared.is_char_boundary(l))
        {
            let mut key: Vec<Option<String>> = vec![None; self.size[0]];
            let mut suffix: Vec<Option<String>> = vec![None; self.size[1]];
            key[k0] = Some(shared[..len].to_string());
            for _ in 0..self.rows.len() {
                for (row, t) in self.rows.iter().zip(texts) {
                    match (&key[row[0]], &suffix[row[1]]) {
                        (Some(k), None) if t.starts_with(k.as_str()) => {
                            suffix[row[1]] = Some(t[k.len()..].to_string())
                        }
                        (None, Some(s)) if t.ends_with(s.as_str()) => {
                            key[row[0]] = Some(t[..t.len() - s.len()].to_string())
                        }
                        _ => {}
                    }
                }
            }
            let explained = self.rows.iter().zip(texts).all(|(row, t)| {
                matches!((&key[row[0]], &suffix[row[1]]), (Some(k), Some(s)) if format!("{k}{s}") == *t)
            });
            if !explained {
                continue;
            }
            let key: Vec<String> = key.into_iter().collect::<Option<_>>()?;
            let suffix: Vec<String> = suffix.into_iter().collect::<Option<_>>()?;
            let mut parts = self.template_one(0, path, &key, "");
            parts.extend(self.template_one(1, path, &suffix, "_suffix"));
            return Some(merge_text(parts));
        }
        None
    }

    /// The body's and each `when`'s std/components mixins, recognised as in
    /// the preferences pass; a `when` may count on what the body sets.
    fn recognise_body(&mut self) -> (Vec<String>, Vec<Field>) {
        let mut uses = Vec::new();
        let mut fields = self.body.clone();
        if !self.cx.std_mode {
            return (uses, fields);
        }
        // `use architecture` where a column of its variable's name feeds
        // every field it sets, as the mixin would.
        for (name, sets) in &self.cx.std.column_mixins {
            let fed = sets.iter().all(|(path, variable)| {
                let Some(column) = self.columns.iter().find(|c| c.name == *variable) else {
                    return false;
                };
                let text = column.cells.iter().all(|c| matches!(c, Yaml::Str(_)));
                let template = Lit::Var(format!("\"${{{variable}}}\""));
                fields.iter().any(|f| {
                    f.path == *path
                        && (f.value == Lit::Var(variable.clone()) || (text && f.value == template))
                })
            });
            if fed {
                fields.retain(|f| !sets.iter().any(|(path, _)| *path == f.path));
                uses.push(name.clone());
            }
        }
        recognise(&mut uses, &mut fields, &[], self.cx.std);
        for when in &mut self.whens {
            recognise(&mut when.uses, &mut when.fields, &self.body, self.cx.std);
        }
        (uses, fields)
    }
}

/// Replaces the fields of std/components mixins by `use`, the largest
/// first; `around` holds fields that are set anyway (by the block around).
pub fn recognise(uses: &mut Vec<String>, fields: &mut Vec<Field>, around: &[Field], std: &Std) {
    for (name, mixin) in &std.mixins {
        let here = mixin.iter().filter(|f| fields.contains(f)).count();
        if here > 0
            && mixin
                .iter()
                .all(|f| fields.contains(f) || around.contains(f))
        {
            fields.retain(|f| !mixin.contains(f));
            uses.push(name.clone());
        }
    }
}

/// An annotation citc check would warn about (W0101), as emit writes it
/// with an `allow`: only constant values may carry one.
fn suspicious(path: &[String], value: &Yaml) -> bool {
    let Yaml::Str(s) = value else { return false };
    path.first().is_some_and(|p| p == "metadata")
        && (s.starts_with('"') || s.starts_with('\'') || s.ends_with('\n') || s.trim() != s)
}

/// Lines a block takes as emit writes it: a `use` line, then one line per
/// field, fields under one `spec.X` sharing one.
pub fn block_lines(uses: &[String], fields: &[Field]) -> usize {
    let mut lines = usize::from(!uses.is_empty());
    let mut last: Option<&[String]> = None;
    for field in fields {
        let group = (field.path.len() >= 3 && field.path[0] == "spec").then(|| &field.path[..2]);
        if group.is_none() || group != last {
            lines += 1;
        }
        last = group;
    }
    lines
}

/// The lines the matrix takes: its tables, its header, body and `when`s.
fn cost(matrix: &Matrix, uses: &[String], fields: &[Field]) -> usize {
    // A row's cells beyond its key read like a quarter of a line each.
    let tables: usize = matrix
        .tables
        .iter()
        .map(|t| t.rows.len() + 3 + t.rows.len() * (t.columns.len() - 1) / 4)
        .sum();
    let header = 30
        + matrix
            .tables
            .iter()
            .map(|t| t.name.len() + 3)
            .sum::<usize>()
        + matrix.except.len() * 14;
    let whens: usize = matrix
        .whens
        .iter()
        .map(|w| {
            let width = 20
                + w.keys.len() * 6
                + w.uses.iter().map(|u| u.len() + 2).sum::<usize>()
                + w.fields
                    .iter()
                    .map(|f| f.path.join(".").len() + 12)
                    .sum::<usize>();
            if width <= 100 {
                1
            } else {
                2 + block_lines(&w.uses, &w.fields)
            }
        })
        .sum();
    tables + 1 + header / 100 + block_lines(uses, fields) + whens + 2
}
