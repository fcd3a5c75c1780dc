//! Expansion: series (sizes x variants) and definitions with a matrix
//! (`for`) become one instance per row, named from the row.

use crate::hash::HashSet;

use super::*;

impl<'a> Resolver<'a, '_> {
    /// Turns series and definitions into one instance per row of their matrix.
    pub(super) fn expand(&mut self) -> Vec<Instance<'a>> {
        let mut instances = Vec::new();
        let mut series: Vec<&'a SeriesDef> = self.symbols.series.values().copied().collect();
        series.sort_by_key(|s| (s.span.file, s.span.start));
        for def in series {
            if !def.is_abstract {
                self.expand_series(def, &mut instances);
            }
        }
        let definitions = self.symbols.definitions.clone();
        for def in definitions {
            self.expand_definition(def, &mut instances);
        }
        instances
    }

    /// The series and its ancestors, root first; `None` after reporting a
    /// cycle or a missing parent.
    fn series_chain(&mut self, def: &'a SeriesDef) -> Option<Vec<&'a SeriesDef>> {
        let mut chain = vec![def];
        let mut seen = HashSet::from_iter([def.name.name.as_str()]);
        let mut current = def;
        while let Some(parent) = &current.parent {
            let Some(next) = self.symbols.series.get(&parent.name).copied() else {
                let help =
                    match closest(&parent.name, self.symbols.series.keys().map(String::as_str)) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "a series can only be based on another series".to_string(),
                    };
                self.diags.push(
                    Diagnostic::new(
                        "E0103",
                        parent.span,
                        format!("unknown parent series `{}`", parent.name),
                    )
                    .label("no such series")
                    .help(help),
                );
                return None;
            };
            if !seen.insert(next.name.name.as_str()) {
                let names: Vec<&str> = chain.iter().map(|s| s.name.name.as_str()).collect();
                self.diags.push(
                    Diagnostic::new(
                        "E0106",
                        def.name.span,
                        format!("series `{}` inherits from itself", def.name.name),
                    )
                    .label("part of an inheritance cycle")
                    .with_secondary(
                        parent.span,
                        format!(
                            "`{}` closes the cycle {} -> {}",
                            current.name.name,
                            names.join(" -> "),
                            next.name.name
                        ),
                    )
                    .help("inheritance must form a tree: remove one of the parents"),
                );
                return None;
            }
            chain.push(next);
            current = next;
        }
        chain.reverse();
        Some(chain)
    }

    fn expand_series(&mut self, def: &'a SeriesDef, out: &mut Vec<Instance<'a>>) {
        let Some(chain) = self.series_chain(def) else {
            return;
        };
        // The nearest `sizes` and `variants` statements win.
        let mut sizes = None;
        let mut variants = None;
        let mut ratio = None;
        for series in chain.iter().rev() {
            for statement in &series.body.statements {
                match statement {
                    Statement::Sizes { table, except, .. } if sizes.is_none() => {
                        sizes = Some((table, except))
                    }
                    Statement::Variants { table, .. } if variants.is_none() => {
                        variants = Some(table)
                    }
                    Statement::Ratio {
                        cpu,
                        memory_gib,
                        span,
                    } if ratio.is_none() => {
                        ratio = Some(Ratio {
                            cpu: *cpu,
                            memory_gib: *memory_gib,
                            span: *span,
                        })
                    }
                    _ => {}
                }
            }
        }
        let Some((size_table, except)) = sizes else {
            self.diags.push(
                Diagnostic::new(
                    "E0112",
                    def.name.span,
                    format!("series `{}` has no sizes", def.name.name),
                )
                .label("no `sizes` statement here or in a parent series")
                .help("a series needs a size table, named with `sizes`: `sizes general_sizes` (from std/sizes), or a `table` of your own whose first column names the size"),
            );
            return;
        };
        let Some(size_rows) = self.lookup_table(size_table).map(|t| t.rows.clone()) else {
            return;
        };
        let variant_rows = match variants {
            Some(name) => match self.lookup_table(name) {
                Some(t) => t.rows.clone(),
                None => return,
            },
            None => vec![Vec::new()],
        };
        let globals = &self.symbols.globals;
        let mut excluded = HashSet::default();
        for key in except {
            let env = Env {
                row: Vec::new(),
                globals,
            };
            match eval_scalar(key, &env).ok().and_then(|n| n.value.as_text()) {
                Some(k) if size_rows.iter().any(|r| Table::key(r) == k) => {
                    excluded.insert(k);
                }
                _ => self.diags.push(
                    Diagnostic::new(
                        "E0115",
                        key.span(),
                        format!("table `{}` has no row `{}`", size_table.name, describe(key)),
                    )
                    .label("no such size")
                    .help(format!(
                        "sizes of `{}`: {}",
                        size_table.name,
                        size_rows
                            .iter()
                            .map(|r| Table::key(r))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
            }
        }
        for size_row in &size_rows {
            let size_key = Table::key(size_row);
            if excluded.contains(&size_key) {
                continue;
            }
            for variant_row in &variant_rows {
                let size = format!("{size_key}{}", Table::key(variant_row));
                let mut row = size_row.clone();
                row.extend(variant_row.iter().cloned());
                out.push(Instance {
                    kind: Kind::Instancetype,
                    name: format!("{}.{size}", def.name.name),
                    span: def.name.span,
                    is_abstract: false,
                    row,
                    origin: Origin::Series(chain.clone()),
                    attributes: vec![
                        ("size".to_string(), size),
                        ("series".to_string(), def.name.name.clone()),
                    ],
                    ratio,
                });
            }
        }
    }

    fn expand_definition(&mut self, def: &'a Definition, out: &mut Vec<Instance<'a>>) {
        let rows = match &def.matrix {
            None => vec![Vec::new()],
            Some(matrix) => match self.matrix_rows(matrix) {
                Some(rows) => rows,
                None => return,
            },
        };
        for row in rows {
            let env = Env {
                row,
                globals: &self.symbols.globals,
            };
            let name = match interpolate(&def.name, &env) {
                Ok(name) => name,
                Err(d) => {
                    self.diags.push(d);
                    return;
                }
            };
            let parent = match &def.parent {
                Some(text) => match interpolate(text, &env) {
                    Ok(p) => Some((p, text.span)),
                    Err(d) => {
                        self.diags.push(d);
                        return;
                    }
                },
                None => None,
            };
            out.push(Instance {
                kind: def.kind,
                name,
                span: def.name.span,
                is_abstract: def.is_abstract,
                row: env.row,
                origin: Origin::Definition { def, parent },
                attributes: Vec::new(),
                ratio: None,
            });
        }
    }

    /// The cross product of the matrix's tables, minus the `except` tuples.
    fn matrix_rows(&mut self, matrix: &Matrix) -> Option<Vec<Vec<(String, Node)>>> {
        let mut tables = Vec::new();
        for name in &matrix.tables {
            tables.push((name.name.clone(), self.lookup_table(name)?.rows.clone()));
        }
        let mut excluded: Vec<Vec<String>> = Vec::new();
        for tuple in &matrix.except {
            if tuple.len() < tables.len() {
                if let (Some(first), Some(last)) = (tuple.first(), tuple.last()) {
                    self.diags.push(
                        Diagnostic::new(
                            "E0115",
                            first.span().to(last.span()),
                            format!(
                                "the matrix has {} tables, this tuple has only {} key{}",
                                tables.len(),
                                tuple.len(),
                                if tuple.len() == 1 { "" } else { "s" }
                            ),
                        )
                        .label("excludes nothing as written")
                        .help(format!(
                            "write one row key per table of the matrix, in order: ({})",
                            tables
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
            }
            let env = Env {
                row: Vec::new(),
                globals: &self.symbols.globals,
            };
            let mut keys = Vec::new();
            for (i, cell) in tuple.iter().enumerate() {
                let key = eval_scalar(cell, &env)
                    .ok()
                    .and_then(|n| n.value.as_text())
                    .unwrap_or_default();
                match tables.get(i) {
                    Some((name, rows)) if !rows.iter().any(|r| Table::key(r) == key) => {
                        self.diags.push(
                            Diagnostic::new(
                                "E0115",
                                cell.span(),
                                format!("table `{name}` has no row `{key}`"),
                            )
                            .label("no such row")
                            .help(format!(
                                "rows of `{name}`: {}",
                                rows.iter()
                                    .map(|r| Table::key(r))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        )
                    }
                    None => self.diags.push(
                        Diagnostic::new(
                            "E0115",
                            cell.span(),
                            format!(
                                "the matrix has {} tables, this tuple has more keys",
                                tables.len()
                            ),
                        )
                        .label("extra key")
                        .help("write one row key per table of the matrix, in order"),
                    ),
                    _ => {}
                }
                keys.push(key);
            }
            excluded.push(keys);
        }
        // Each combination: its row keys (for `except`) and its variables.
        let combinations = tables
            .iter()
            .try_fold(1usize, |n, (_, rows)| n.checked_mul(rows.len()));
        if combinations.is_none_or(|n| n > MAX_MATRIX_SIZE) {
            self.diags.push(
                Diagnostic::new(
                    "E0117",
                    matrix.span,
                    format!("this matrix makes more than {MAX_MATRIX_SIZE} combinations"),
                )
                .label("too many combinations")
                .help("split the definition, or leave rows out of its tables"),
            );
            return None;
        }
        let mut product: Vec<(Vec<String>, Row)> = vec![(Vec::new(), Vec::new())];
        for (_, rows) in &tables {
            let mut next = Vec::with_capacity(product.len() * rows.len());
            for (keys, vars) in &product {
                for row in rows {
                    let mut keys = keys.clone();
                    keys.push(Table::key(row));
                    let mut vars = vars.clone();
                    vars.extend(row.iter().cloned());
                    next.push((keys, vars));
                }
            }
            product = next;
        }
        Some(
            product
                .into_iter()
                .filter(|(keys, _)| !excluded.iter().any(|ex| ex == keys))
                .map(|(_, vars)| vars)
                .collect(),
        )
    }
}
