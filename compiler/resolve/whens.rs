//! `when` conditions checked against the tables they test. A `when` that
//! compares a column with a value no row has would silently never (or
//! always) apply, so every compared value must be one of the column's
//! values, and of its type. Checked once per definition, series and used
//! mixin, before expansion, whatever the rows turn out to be; and once per
//! `patch`, against the rows of the resources it selects.

use crate::hash::HashSet;

use super::*;

/// The values each column of a definition's tables can take, and where they
/// come from ("row of `general_sizes`", "resource this patch selects").
type Domains = HashMap<String, (String, Vec<Node>)>;

impl<'a> Resolver<'a, '_> {
    pub(super) fn check_whens(&mut self) {
        let mut series: Vec<&'a SeriesDef> = self.symbols.series.values().copied().collect();
        series.sort_by_key(|s| (s.span.file, s.span.start));
        for def in series {
            let domains = self.series_domains(def);
            self.check_block_whens(&def.body, &domains);
        }
        let definitions = self.symbols.definitions.clone();
        for def in definitions {
            let mut domains = Domains::default();
            if let Some(matrix) = &def.matrix {
                for table in &matrix.tables {
                    self.add_domain(&mut domains, table);
                }
            }
            self.check_block_whens(&def.body, &domains);
        }
    }

    /// The columns of a series' size and variant tables: its own or, as in
    /// expansion, the nearest ancestor's.
    fn series_domains(&self, def: &'a SeriesDef) -> Domains {
        let mut domains = Domains::default();
        let (mut sizes, mut variants) = (None, None);
        let mut current = Some(def);
        let mut seen = HashSet::default();
        while let Some(series) = current {
            if !seen.insert(series.name.name.as_str()) {
                break;
            }
            for statement in &series.body.statements {
                match statement {
                    Statement::Sizes { table, .. } if sizes.is_none() => sizes = Some(table),
                    Statement::Variants { table, .. } if variants.is_none() => {
                        variants = Some(table)
                    }
                    _ => {}
                }
            }
            current = series
                .parent
                .as_ref()
                .and_then(|p| self.symbols.series.get(&p.name).copied());
        }
        for table in sizes.into_iter().chain(variants) {
            self.add_domain(&mut domains, table);
        }
        domains
    }

    fn add_domain(&self, domains: &mut Domains, table: &Ident) {
        let Some(table) = self.table_named(table) else {
            return;
        };
        for row in &table.rows {
            for (column, value) in row {
                domains
                    .entry(column.clone())
                    .or_insert_with(|| (format!("row of `{}`", table.def.name.name), Vec::new()))
                    .1
                    .push(value.clone());
            }
        }
    }

    /// A patch's `when`s, against the rows of the resources it selects: a
    /// value none of them has (a misspelt size) would leave them all
    /// unchanged.
    pub(super) fn check_patch_whens(&mut self, def: &'a PatchDef, selected: &[&Resource]) {
        let mut domains = Domains::default();
        for resource in selected {
            for (column, value) in resource.row.iter() {
                domains
                    .entry(column.clone())
                    .or_insert_with(|| ("resource this patch selects".to_string(), Vec::new()))
                    .1
                    .push(value.clone());
            }
        }
        self.check_block_whens(&def.body, &domains);
    }

    /// Walks a block, its `when` bodies and the mixins it uses (each once),
    /// with a worklist: chains of mixins can be as long as the input likes.
    fn check_block_whens(&mut self, block: &'a Block, domains: &Domains) {
        let mut pending = vec![block];
        let mut seen_mixins: HashSet<&str> = HashSet::default();
        while let Some(block) = pending.pop() {
            for statement in &block.statements {
                match statement {
                    Statement::When {
                        variable,
                        values,
                        body,
                    } => {
                        if let Some((table, domain)) = domains.get(&variable.name) {
                            for value in values {
                                self.check_when_value(variable, table, domain, value);
                            }
                        }
                        pending.push(body);
                    }
                    Statement::Use(names) => {
                        for name in names {
                            if let Some(def) = self.mixin(name) {
                                if seen_mixins.insert(def.name.name.as_str()) {
                                    pending.push(&def.body);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn check_when_value(&mut self, column: &Ident, source: &str, domain: &[Node], value: &Expr) {
        let env = Env {
            row: Vec::new(),
            globals: &self.symbols.globals,
        };
        // A variable compared with a variable is checked when it is evaluated.
        let Ok(node) = eval_scalar(value, &env) else {
            return;
        };
        let Some(text) = node.value.as_text() else {
            return;
        };
        if domain
            .iter()
            .any(|n| n.value.as_text().as_deref() == Some(text.as_str()))
        {
            return;
        }
        let texts: Vec<String> = domain.iter().filter_map(|n| n.value.as_text()).collect();
        let suggestion = crate::suggest::closest_value(&text, texts.iter().map(String::as_str));
        let help = match suggestion {
            Some(best) => format!(
                "did you mean `{best}`? (`{}` is one of: {})",
                column.name,
                value_list(domain)
            ),
            None => format!("`{}` is one of: {}", column.name, value_list(domain)),
        };
        let class = type_class(&node.value);
        let mut classes: Vec<&str> = domain.iter().map(|n| type_class(&n.value)).collect();
        let plural = |class: &str| match class {
            "a word or string" => "words or strings",
            "a number" => "numbers",
            "a boolean" => "booleans",
            "a quantity" => "quantities",
            "a list" => "lists",
            _ => "maps",
        };
        classes.sort_unstable();
        classes.dedup();
        let diagnostic = if classes.contains(&class) {
            Diagnostic::new(
                "E0120",
                value.span(),
                format!(
                    "no {source} has `{}` = `{text}`: this `when` never applies to it",
                    column.name
                ),
            )
            .label(if source.starts_with("row") {
                "matches no row"
            } else {
                "matches none of them"
            })
        } else {
            Diagnostic::new(
                "E0121",
                value.span(),
                format!(
                    "`{}` is compared with {class}, but its values in every {source} are {}",
                    column.name,
                    classes
                        .iter()
                        .map(|c| plural(c))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
            .label(format!("{class}: never equal to a `{}`", column.name))
        };
        self.diags.push(diagnostic.help(help));
    }
}

fn type_class(value: &Value) -> &'static str {
    match value {
        Value::Str(_) => "a word or string",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Quantity(_) => "a quantity",
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
    }
}

/// The distinct values of a column, in row order.
fn value_list(domain: &[Node]) -> String {
    let mut seen = Vec::new();
    for node in domain {
        if let Some(text) = node.value.as_text() {
            if !seen.contains(&text) {
                seen.push(text);
            }
        }
    }
    seen.join(", ")
}
