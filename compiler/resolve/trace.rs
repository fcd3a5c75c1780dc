//! Provenance, recorded while resolving: for every field of every resource,
//! each assignment that set it, in order, with the way it got there (a
//! parent, a mixin and its `use`, a series, a patch) and, for a value read
//! from a table, the row and column.
//!
//! Tracing is off unless asked for (`citc show`): the resolver then holds no
//! [`Tracer`], and each place that records costs one `if let` on `None`.
//! The tracer follows the resolver's recursion with a stack of logs, one per
//! tree being built (an instance, a mixin); a finished log is copied into
//! the log of the tree that merges it, each entry gaining one more [`Via`].

use crate::hash::HashMap;
use std::rc::Rc;

use super::Table;
use crate::source::Span;
use crate::syntax::ast::Kind;
use crate::value::Node;

/// One assignment of one field (a leaf: a scalar, a list or an empty map).
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The field, with aliases expanded: `["spec", "cpu", "guest"]`.
    pub path: Vec<String>,
    /// Where the value was written: the statement (`guest = 2`), the
    /// assignment inside a map literal, or the table cell it was read from.
    pub at: Span,
    /// The path of the statement that applied it, as written.
    pub statement: Span,
    pub action: Action,
    /// The value set; `None` for an `unset`.
    pub value: Option<Node>,
    /// How the assignment reached the resource, outermost first: empty for
    /// the resource's own definition.
    pub via: Vec<Via>,
    /// The path as written, when an alias stands for its first segment.
    pub alias: Option<String>,
    /// The table row the value was read from.
    pub cell: Option<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `=`: merged into what was there.
    Set,
    /// `:=`: replaced what was there.
    Replace,
    /// `unset`.
    Unset,
    /// Computed by a `derive` rule (recorded by lowering's callers).
    Derived,
    /// Written by citc itself: apiVersion, kind, the name, the version label.
    Written,
}

/// One step of the way from an assignment to the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Inherited from the parent `name`, named at `at` in the child.
    Parent { name: String, at: Span },
    /// A level of the series the instance type was made from.
    Series { name: String, at: Span },
    /// Brought in by mixin `name`, through the `use` at `used_at`.
    Mixin { name: String, used_at: Span },
    /// A `patch` overlay, applied after resolution.
    Patch { at: Span },
}

/// A table cell: `column` of the row `row` of `table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub table: String,
    pub row: String,
    pub column: String,
}

/// What a traced resolution records: every resource's assignments, and
/// the aliases, to read field paths as an author writes them.
#[derive(Debug, Default)]
pub struct Provenance {
    pub resources: HashMap<(Kind, String), Vec<Assignment>>,
    /// (alias, the kind it is for or `None` for both, target keys).
    pub aliases: Vec<(String, Option<Kind>, Vec<String>)>,
    /// The `version_label` setting of the catalog's `release` block, if set.
    pub version_label: Option<Span>,
}

impl Provenance {
    /// The keys an alias stands for, for a resource of `kind`.
    pub fn alias(&self, name: &str, kind: Kind) -> Option<&[String]> {
        let target = |wanted: Option<Kind>| {
            self.aliases
                .iter()
                .find(|(n, k, _)| n == name && *k == wanted)
                .map(|(_, _, keys)| keys.as_slice())
        };
        target(Some(kind)).or_else(|| target(None))
    }
}

/// The resolver's recording state (see the module documentation).
#[derive(Default)]
pub(super) struct Tracer {
    /// The log of each tree being built, innermost last.
    frames: Vec<Vec<Assignment>>,
    /// What entries recorded now get as their `via` (a series level, a patch).
    pub context: Vec<Via>,
    /// The log of the mixin `mixin_tree` returned last, until merged.
    pub finished: Rc<Vec<Assignment>>,
    /// Logs of resolved instances, by the resolver's memo key.
    pub instances: HashMap<String, Rc<Vec<Assignment>>>,
    /// Logs of static mixins, like the resolver's cache of their trees.
    pub mixins: HashMap<(String, Kind), Rc<Vec<Assignment>>>,
    /// Every table cell, by its span: a value that carries one was read there.
    cells: HashMap<Span, Cell>,
    pub out: Provenance,
}

impl Tracer {
    pub fn new<'t>(tables: impl Iterator<Item = (&'t String, &'t Table<'t>)>) -> Tracer {
        let mut cells = HashMap::default();
        for (name, table) in tables {
            for row in &table.rows {
                let key = Table::key(row);
                for (column, node) in row {
                    cells.insert(
                        node.span,
                        Cell {
                            table: name.clone(),
                            row: key.clone(),
                            column: column.clone(),
                        },
                    );
                }
            }
        }
        Tracer {
            cells,
            ..Tracer::default()
        }
    }

    pub fn push_frame(&mut self, log: Vec<Assignment>) {
        self.frames.push(log);
    }

    pub fn pop_frame(&mut self) -> Vec<Assignment> {
        self.frames.pop().unwrap_or_default()
    }

    /// Appends `log` to the current frame, each entry reached through the
    /// current context and then `via`.
    pub fn absorb(&mut self, log: &[Assignment], via: Option<Via>) {
        let prefix: Vec<Via> = self.context.iter().cloned().chain(via).collect();
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        frame.extend(log.iter().map(|entry| {
            let mut entry = entry.clone();
            entry.via.splice(0..0, prefix.iter().cloned());
            entry
        }));
    }

    /// Records one statement: each leaf of `value` under `keys` (or, for an
    /// `unset`, the path itself). `statement` is the path's span as written.
    pub fn record(
        &mut self,
        keys: &[&str],
        value: Option<&Node>,
        action: Action,
        statement: Span,
        alias: Option<String>,
    ) {
        let mut entries = Vec::new();
        match value {
            None => {
                entries.push(self.entry(keys, &[], None, statement, statement, &action, &alias))
            }
            Some(node) => {
                let mut leaves = Vec::new();
                leaves_with_keys(node, &mut Vec::new(), &mut leaves);
                for (sub, leaf) in leaves {
                    // The top value written right after its path is cited
                    // with it (`guest = 2`), as `set_path` underlines it.
                    let at = if sub.is_empty() && !self.cells.contains_key(&leaf.span) {
                        let after = leaf.span.file == statement.file
                            && leaf.span.start >= statement.end
                            && leaf.span.start <= statement.end + 16;
                        if after {
                            statement.to(leaf.span)
                        } else {
                            statement
                        }
                    } else {
                        leaf.span
                    };
                    let entry = self.entry(keys, &sub, Some(leaf), at, statement, &action, &alias);
                    entries.push(entry);
                }
            }
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.extend(entries);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &self,
        keys: &[&str],
        sub: &[&str],
        value: Option<&Node>,
        at: Span,
        statement: Span,
        action: &Action,
        alias: &Option<String>,
    ) -> Assignment {
        Assignment {
            path: keys.iter().chain(sub).map(|k| k.to_string()).collect(),
            at,
            statement,
            action: action.clone(),
            value: value.cloned(),
            via: self.context.clone(),
            alias: alias.clone(),
            cell: value.and_then(|v| self.cells.get(&v.span).cloned()),
        }
    }
}

/// Every leaf under `node` with its keys (empty maps and lists are leaves).
fn leaves_with_keys<'n>(
    node: &'n Node,
    prefix: &mut Vec<&'n str>,
    out: &mut Vec<(Vec<&'n str>, &'n Node)>,
) {
    match &node.value {
        crate::value::Value::Map(map) if !map.is_empty() => {
            for (key, child) in map.iter() {
                prefix.push(key);
                leaves_with_keys(child, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push((prefix.clone(), node)),
    }
}
