//! Trees: evaluating expressions in an environment, setting a field path,
//! and the deep merge that inheritance and mixins are built on.

use std::rc::Rc;

use crate::hash::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use crate::source::Span;
use crate::syntax::ast::{Expr, Ident, Path, Text, TextPart};

use super::scope::{Found, Names, Scopes};
use crate::value::{Node, Quantity, Value};

/// The variables visible while a definition is evaluated: the columns of its
/// matrix row first, then the global `let` constants.
pub struct Env<'a> {
    pub row: Vec<(String, Node)>,
    pub globals: &'a Globals,
}

/// The global `let` constants of every file, by key, and which one a name
/// means where it is written (see [`Scopes`]).
#[derive(Default, Clone)]
pub struct Globals {
    pub values: IndexMap<String, Node>,
    pub names: Names,
    pub scopes: Rc<Scopes>,
}

impl Globals {
    /// The constant `written` (a name or `module::name`) means in `from`.
    pub fn get(&self, written: &str, from: FileId) -> Option<&Node> {
        match self.scopes.find(&self.names, from, written) {
            Found::Key(key) => self.values.get(key),
            _ => None,
        }
    }
}

impl<'a> Env<'a> {
    /// This environment with one more variable, for a local `let`.
    pub fn with(&self, name: String, value: Node) -> Env<'a> {
        let mut row = Vec::with_capacity(self.row.len() + 1);
        row.extend(self.row.iter().cloned());
        row.push((name, value));
        Env {
            row,
            globals: self.globals,
        }
    }

    /// The value of the variable `name`: a column or local `let`, else the
    /// global constant the name means in the file that writes it.
    pub fn lookup(&self, name: &Ident) -> Option<&Node> {
        self.row_value(&name.name)
            .or_else(|| self.globals.get(&name.name, name.span.file))
    }

    /// A column or local `let` named `name`.
    pub fn row_value(&self, name: &str) -> Option<&Node> {
        self.row
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn names(&self) -> Vec<&str> {
        self.row
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(self.globals.names.names())
            .collect()
    }
}

/// Deep merge: maps merge key by key, anything else replaces.
pub fn merge(dst: &mut Node, src: Node) {
    match (&mut dst.value, src.value) {
        // Nothing to merge into: share the incoming map instead of copying it.
        (Value::Map(into), Value::Map(from)) if into.is_empty() => {
            *into = from;
        }
        (Value::Map(into), Value::Map(from)) => {
            let into = Rc::make_mut(into);
            let from = Rc::unwrap_or_clone(from);
            for (key, value) in from {
                match into.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (_, value) => {
            dst.value = value;
            dst.span = src.span;
        }
    }
}

/// Every leaf of a tree with its dotted path (empty maps count as leaves).
pub fn leaves<'a>(node: &'a Node, prefix: &mut Vec<&'a str>, out: &mut Vec<(String, &'a Node)>) {
    match &node.value {
        Value::Map(map) if !map.is_empty() => {
            for (key, child) in map.iter() {
                prefix.push(key);
                leaves(child, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push((prefix.join("."), node)),
    }
}

/// Sets `value` at `keys` under `root`, creating maps on the way. With
/// `replace`, the subtree is replaced; otherwise it is deep-merged.
pub fn set_path(
    root: &mut Node,
    keys: &[&str],
    mut value: Node,
    replace: bool,
    span: Span,
) -> Result<(), Diagnostic> {
    // A scalar written right after its path is underlined with it: `a.b = 1`.
    let written_here = value.span.file == span.file
        && value.span.start >= span.end
        && value.span.start <= span.end + 16;
    if written_here && !matches!(value.value, Value::Map(_)) {
        value.span = span.to(value.span);
    }
    let mut node = root;
    for (depth, key) in keys.iter().enumerate() {
        if !matches!(node.value, Value::Map(_)) {
            return Err(Diagnostic::new(
                "E0116",
                span,
                format!(
                    "`{}` is {}, not a map",
                    keys[..depth].join("."),
                    node.value.kind_name()
                ),
            )
            .label("this path goes through a scalar")
            .with_secondary(node.span, "set here")
            .help("set the field itself, or replace the parent with `:=` and a map"));
        }
        let Value::Map(map) = &mut node.value else {
            unreachable!("checked above")
        };
        let map = Rc::make_mut(map);
        // Look the key up before allocating it: most paths exist already.
        node = map.get_or_insert_with(key, || Node::empty_map(span));
        if depth + 1 == keys.len() {
            if replace {
                *node = value;
            } else {
                merge(node, value);
            }
            return Ok(());
        }
    }
    // An empty path sets the root itself.
    if replace {
        *node = value;
    } else {
        merge(node, value);
    }
    Ok(())
}

/// Evaluates a scalar or list expression. Maps are evaluated by the caller,
/// which knows the statements they may contain.
pub fn eval_scalar(expr: &Expr, env: &Env) -> Result<Node, Diagnostic> {
    let span = expr.span();
    let value = match expr {
        Expr::Text(text) => Value::Str(interpolate(text, env)?),
        Expr::Word(word, _) => Value::Str(word.clone()),
        Expr::Int(i, _) => Value::Int(*i),
        Expr::Float(f, _) => Value::Float(*f),
        Expr::Bool(b, _) => Value::Bool(*b),
        Expr::Quantity(text, _) => match Quantity::parse(text) {
            Some(q) => Value::Quantity(Box::new(q)),
            None => {
                return Err(Diagnostic::new(
                    "E0204",
                    span,
                    format!("`{text}` is not a valid quantity"),
                )
                .label("malformed quantity")
                .help(crate::kube::quantity_help(text)))
            }
        },
        // A variable's value keeps the span where it was written (a table
        // cell, a `let`), so errors point at the data, not at its use.
        Expr::Variable(ident) => {
            return match env.lookup(ident) {
                Some(node) => Ok(node.clone()),
                None => Err(unknown_variable(&ident.name, ident.span, env)),
            }
        }
        Expr::Binary(binary) => {
            let lhs = eval_scalar(&binary.lhs, env)?;
            let rhs = eval_scalar(&binary.rhs, env)?;
            return super::arith::apply(binary, &lhs, &rhs);
        }
        Expr::List(items, _) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(eval_scalar(item, env)?);
            }
            Value::List(out)
        }
        Expr::Map(block) => {
            if block.statements.is_empty() {
                Value::Map(Rc::default())
            } else {
                return Err(Diagnostic::new("E0116", span, "a map is not allowed here")
                    .label("expected a scalar")
                    .help("maps can be assigned to fields; table cells and constants used in text must be scalars"));
            }
        }
    };
    Ok(Node::new(value, span))
}

/// The text of a string with its `${name}` holes filled.
pub fn interpolate(text: &Text, env: &Env) -> Result<String, Diagnostic> {
    let mut out = String::new();
    for part in &text.parts {
        match part {
            TextPart::Literal(s) => out.push_str(s),
            TextPart::Variable(ident) => {
                let node = env
                    .lookup(ident)
                    .ok_or_else(|| unknown_variable(&ident.name, ident.span, env))?;
                match node.value.as_text() {
                    Some(s) => out.push_str(&s),
                    None => {
                        return Err(Diagnostic::new(
                            "E0116",
                            ident.span,
                            format!(
                                "`{}` is {} and cannot be written into text",
                                ident.name,
                                node.value.kind_name()
                            ),
                        )
                        .label("not a scalar")
                        .help(
                            "only strings, numbers, booleans and quantities can be interpolated",
                        ))
                    }
                }
            }
        }
    }
    Ok(out)
}

pub fn unknown_variable(name: &str, span: Span, env: &Env) -> Diagnostic {
    let globals = env.globals;
    if let Some(diag) = globals
        .scopes
        .unsettled(&globals.names, "constant", name, span, "E0105")
    {
        return diag;
    }
    let names = env.names();
    let boolean = match name.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some("true"),
        "false" | "no" | "off" => Some("false"),
        _ => None,
    };
    // `memory-1Gi`: a subtraction written without spaces is one name.
    let subtraction = name.match_indices('-').find_map(|(at, _)| {
        let (left, right) = (&name[..at], &name[at + 1..]);
        let operand = right.starts_with(|c: char| c.is_ascii_digit()) || names.contains(&right);
        (names.contains(&left) && operand).then(|| format!("{left} - {right}"))
    });
    let help = match crate::suggest::closest(name, names.iter().copied()) {
        _ if subtraction.is_some() => format!(
            "names may contain `-`, so `{name}` is one name: write spaces around the operator, `{}`",
            subtraction.clone().unwrap_or_default()
        ),
        // `True`, `yes`: a boolean written as YAML or Python would.
        _ if boolean.is_some() => format!(
            "booleans are written `true` and `false`: did you mean `{}`?",
            boolean.unwrap_or_default()
        ),
        // A constant of a std module that is not imported.
        _ if super::hints::std_constant_help(name).is_some() => {
            super::hints::std_constant_help(name).unwrap_or_default()
        }
        Some(best) => format!("did you mean `{best}`?"),
        None if names.is_empty() => {
            "no variables are bound here; define one with `let`".to_string()
        }
        None => format!("variables here: {}", names.join(", ")),
    };
    let diag = Diagnostic::new("E0105", span, format!("unknown variable `{name}`"))
        .label("not bound here")
        .help(help);
    // The name as written (not inside a `${…}`): the spaces go in there.
    match subtraction {
        Some(spaced) if (span.end - span.start) as usize == name.len() => diag.fix(span, spaced),
        _ => diag,
    }
}

/// `unset`: removes the field at `keys` under `root`, then every map that
/// the removal left empty (so no `firmware: {}` is written). The field must
/// be set; otherwise E0128 names what is set where the path stops. `path` is
/// the path as written (its first segment may be an alias of several keys).
pub fn unset_path(root: &mut Node, keys: &[&str], path: &Path) -> Result<(), Diagnostic> {
    // Check first, without copying maps shared with a parent.
    let alias_keys = keys.len() + 1 - path.segments.len().min(keys.len());
    let segment_span = |depth: usize| path.segments[depth.saturating_sub(alias_keys - 1)].span;
    let shown = |keys: &[&str]| {
        keys.iter()
            .map(|k| {
                if k.contains(['.', '/', '"', ' ']) {
                    format!("{k:?}")
                } else {
                    k.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut node = &*root;
    for (depth, key) in keys.iter().enumerate() {
        let Value::Map(map) = &node.value else {
            return Err(Diagnostic::new(
                "E0128",
                segment_span(depth),
                format!(
                    "`{}` is {}: nothing under it can be unset",
                    shown(&keys[..depth]),
                    node.value.kind_name()
                ),
            )
            .label("goes through a value that is not a map")
            .with_secondary(node.span, "set here")
            .help(format!(
                "to remove the value itself, write `unset {}`",
                shown(&keys[..depth])
            )));
        };
        let Some(child) = map.get(key) else {
            let prefix = shown(&keys[..depth]);
            let help = match crate::suggest::closest(key, map.keys().map(String::as_str)) {
                // The underlined segment's replacement, then the path it makes.
                Some(best) => {
                    let mut guess = keys[..depth].to_vec();
                    guess.push(best);
                    format!("did you mean `{best}`? (`{}`)", shown(&guess))
                }
                None if map.is_empty() => format!(
                    "nothing is set under `{prefix}`: `unset` removes only what the parent, \
                     the mixins or an earlier statement set"
                ),
                None => {
                    let set: Vec<&str> = map.keys().map(String::as_str).collect();
                    let under = if depth == 0 {
                        "at the top".to_string()
                    } else {
                        format!("under `{prefix}`")
                    };
                    format!(
                        "set {under}: {}; `unset` removes only what the parent, the mixins or \
                         an earlier statement set",
                        set.join(", ")
                    )
                }
            };
            return Err(Diagnostic::new(
                "E0128",
                segment_span(depth),
                format!("`{}` is not set, so it cannot be unset", shown(keys)),
            )
            .label(format!("nothing sets `{key}` here"))
            .help(help));
        };
        node = child;
    }
    remove(root, keys);
    Ok(())
}

fn remove(node: &mut Node, keys: &[&str]) {
    let (Value::Map(map), Some((first, rest))) = (&mut node.value, keys.split_first()) else {
        return;
    };
    let map = Rc::make_mut(map);
    if rest.is_empty() {
        map.remove(first);
        return;
    }
    if let Some(child) = map.get_mut(first) {
        remove(child, rest);
        if matches!(&child.value, Value::Map(m) if m.is_empty()) {
            map.remove(first);
        }
    }
}
