//! Preferences: the std/components mixins each preference's fields contain
//! become `use` (the largest first), what every preference shares becomes an
//! abstract `base`, and a preference whose name extends another's
//! (`rhel.9.desktop`, `rhel.9`) inherits from it when that takes fewer
//! statements than inheriting from `base`. Preferences that make a matrix
//! (`matrices`) are written as one, and stay parents to the others.

use crate::syntax::ast::Kind;

use super::matrices::{self, block_lines, recognise, Context};
use super::model::{Catalog, Def, Derive, Field};
use super::stdlib::Std;
use super::templates::Pref;

/// A preference as a set: its mixins and its fields, all written out.
#[derive(Clone)]
struct Full {
    uses: Vec<String>,
    fields: Vec<Field>,
}

/// The mixins, fields and unsets a preference writes under its parent.
type Written = (Vec<String>, Vec<Field>, Vec<Vec<String>>);

/// What `child` writes when it inherits from `parent`: mixins, fields and
/// unsets; `None` when a parent's mixin or a field nested in another's path
/// cannot be undone by `unset`.
fn relative(child: &Full, parent: &Full) -> Option<Written> {
    if !parent.uses.iter().all(|u| child.uses.contains(u)) {
        return None;
    }
    let nested =
        |a: &[String], b: &[String]| a.len() != b.len() && a.iter().zip(b).all(|(x, y)| x == y);
    if child
        .fields
        .iter()
        .any(|f| parent.fields.iter().any(|p| nested(&f.path, &p.path)))
    {
        return None;
    }
    let uses = child
        .uses
        .iter()
        .filter(|u| !parent.uses.contains(u))
        .cloned()
        .collect();
    let fields = child
        .fields
        .iter()
        .filter(|f| !parent.fields.contains(f))
        .cloned()
        .collect();
    let unsets = parent
        .fields
        .iter()
        .filter(|p| !child.fields.iter().any(|f| f.path == p.path))
        .map(|p| p.path.clone())
        .collect();
    Some((uses, fields, unsets))
}

fn cost(written: &Written) -> usize {
    written.0.len() + written.1.len() + written.2.len()
}

/// Each preference's parent (`None`: the root) and what it writes under it.
/// Preferences in `fixed` keep the parent given there (a matrix's rows):
/// they are only parents to the others.
fn tree(
    full: &[Full],
    names: &[String],
    root: &Full,
    fixed: &[Option<Option<usize>>],
) -> (Vec<Option<usize>>, Vec<Option<Written>>) {
    // Each preference inherits from whichever of base, the preference its
    // name extends, or another preference makes it write the least; an
    // unrelated preference costs one statement more (it reads less well),
    // and ties go to the more general parent.
    let mut parent: Vec<Option<usize>> = fixed.iter().map(|f| f.flatten()).collect();
    let mut written: Vec<Option<Written>> = vec![None; full.len()];
    for n in 0..full.len() {
        if fixed[n].is_some() {
            continue;
        }
        let Some(from_root) = relative(&full[n], root) else {
            continue;
        };
        let mut best: (usize, usize, Option<usize>, Written) =
            (cost(&from_root), 0, None, from_root);
        for p in 0..full.len() {
            if p == n {
                continue;
            }
            let mut at = Some(p);
            let mut cycle = false;
            while let Some(x) = at {
                cycle |= x == n;
                at = if cycle { None } else { parent[x] };
            }
            if cycle {
                continue;
            }
            let Some(w) = relative(&full[n], &full[p]) else {
                continue;
            };
            let extends = names[n].starts_with(&format!("{}.", names[p]));
            let c = cost(&w) + usize::from(!extends);
            let general = full[p].fields.len() + full[p].uses.len();
            if (c, general) < (best.0, best.1) {
                best = (c, general, Some(p), w);
            }
        }
        parent[n] = best.2;
        written[n] = Some(best.3);
    }
    (parent, written)
}

/// A preference's fields with its mixins written out, sorted by path.
fn expanded(full: &Full, std: &Std) -> Vec<Field> {
    let mut fields = full.fields.clone();
    for name in &full.uses {
        if let Some((_, mixin)) = std.mixins.iter().find(|(n, _)| n == name) {
            for field in mixin {
                if !fields.contains(field) {
                    fields.push(field.clone());
                }
            }
        }
    }
    fields.sort_by(|a, b| a.path.cmp(&b.path));
    fields
}

pub fn arrange(catalog: &mut Catalog, std: &Std) {
    let std_mode = catalog.derive == Derive::Std;
    let indices: Vec<usize> = (0..catalog.defs.len())
        .filter(|&i| {
            let d = &catalog.defs[i];
            d.kind == Kind::Preference && !d.is_abstract && d.parent.is_none()
        })
        .collect();
    if std_mode {
        for &i in &indices {
            let def = &mut catalog.defs[i];
            recognise(&mut def.uses, &mut def.fields, &[], std);
        }
    }
    if indices.len() < 2 {
        return;
    }
    let full: Vec<Full> = indices
        .iter()
        .map(|&i| Full {
            uses: catalog.defs[i].uses.clone(),
            fields: catalog.defs[i].fields.clone(),
        })
        .collect();
    // The base: what every preference shares.
    let mut base = full[0].clone();
    for f in &full[1..] {
        base.uses.retain(|u| f.uses.contains(u));
        base.fields.retain(|x| f.fields.contains(x));
    }
    let has_base = base.uses.len() + base.fields.len() >= 2
        && !catalog
            .defs
            .iter()
            .any(|d| d.kind == Kind::Preference && d.name == "base");
    let empty = Full {
        uses: Vec::new(),
        fields: Vec::new(),
    };
    let root = if has_base { &base } else { &empty };
    let names: Vec<String> = indices
        .iter()
        .map(|&i| catalog.defs[i].name.clone())
        .collect();
    // Matrices, measured against the tree without them.
    let (_, alone) = tree(&full, &names, root, &vec![None; full.len()]);
    let root_fields = expanded(root, std);
    let prefs: Vec<Pref> = (0..full.len())
        .map(|n| Pref {
            name: names[n].clone(),
            fields: alone[n].as_ref().map(|_| {
                let mut fields = expanded(&full[n], std);
                fields.retain(|f| !root_fields.contains(f));
                fields
            }),
            alone: alone[n].as_ref().map_or(0, |(uses, fields, unsets)| {
                3 + block_lines(uses, fields) + unsets.len()
            }),
        })
        .collect();
    let mut taken: Vec<String> = std.tables.iter().map(|t| t.name.clone()).collect();
    taken.extend(catalog.tables.iter().map(|t| t.name.clone()));
    let context = Context {
        std,
        std_mode,
        aliases: &std.aliases,
        taken,
    };
    let found = matrices::find(&prefs, &context);
    let mut fixed: Vec<Option<Option<usize>>> = vec![None; full.len()];
    for matrix in &found {
        for &m in &matrix.members {
            fixed[m] = Some(matrix.parent);
        }
    }
    let (parent, mut written) = tree(&full, &names, root, &fixed);
    let parent_name = |p: Option<usize>| match p {
        Some(p) => Some(names[p].clone()),
        None => has_base.then(|| "base".to_string()),
    };
    for (n, &i) in indices.iter().enumerate() {
        let Some((uses, fields, unsets)) = written[n].take() else {
            continue;
        };
        let def = &mut catalog.defs[i];
        def.parent = parent_name(parent[n]);
        def.uses = uses;
        def.fields = fields;
        def.unsets = unsets;
    }
    // A matrix takes the place of its first row; the other rows go.
    let mut gone: Vec<usize> = Vec::new();
    for matrix in found {
        let def = &mut catalog.defs[indices[matrix.members[0]]];
        def.parent = parent_name(matrix.parent);
        def.uses = matrix.uses;
        def.fields = matrix.fields;
        def.unsets = Vec::new();
        def.matrix = Some(matrix.matrix);
        gone.extend(matrix.members[1..].iter().map(|&m| indices[m]));
    }
    let mut at = 0;
    catalog.defs.retain(|_| {
        at += 1;
        !gone.contains(&(at - 1))
    });
    if has_base {
        catalog.defs.push(Def {
            kind: Kind::Preference,
            name: "base".into(),
            is_abstract: true,
            parent: None,
            uses: base.uses,
            fields: base.fields,
            unsets: Vec::new(),
            matrix: None,
        });
        // The base before the preferences that inherit from it.
        let at = catalog
            .defs
            .iter()
            .position(|d| d.kind == Kind::Preference)
            .unwrap_or(0);
        let base = catalog.defs.pop();
        if let Some(base) = base {
            catalog.defs.insert(at, base);
        }
    }
}
