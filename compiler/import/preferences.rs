//! Preferences: the std/components mixins each preference's fields contain
//! become `use` (the largest first), what every preference shares becomes an
//! abstract `base`, and a preference whose name extends another's
//! (`rhel.9.desktop`, `rhel.9`) inherits from it when that takes fewer
//! statements than inheriting from `base`.

use crate::syntax::ast::Kind;

use super::model::{Catalog, Def, Derive, Field};
use super::stdlib::Std;

/// A preference as a set: its mixins and its fields, all written out.
#[derive(Clone)]
struct Full {
    uses: Vec<String>,
    fields: Vec<Field>,
}

/// What `child` writes when it inherits from `parent`: mixins, fields and
/// unsets; `None` when a parent's mixin or a field nested in another's path
/// cannot be undone by `unset`.
fn relative(child: &Full, parent: &Full) -> Option<(Vec<String>, Vec<Field>, Vec<Vec<String>>)> {
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

fn cost(written: &(Vec<String>, Vec<Field>, Vec<Vec<String>>)) -> usize {
    written.0.len() + written.1.len() + written.2.len()
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
            recognise_mixins(&mut catalog.defs[i], std);
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
    for (n, &i) in indices.iter().enumerate() {
        let Some(mut best) = relative(&full[n], root).map(|w| (None, w)) else {
            continue;
        };
        // The longest name this one extends first.
        let name = &names[n];
        let mut prefix = name.as_str();
        while let Some((shorter, _)) = prefix.rsplit_once('.') {
            prefix = shorter;
            if let Some(p) = names.iter().position(|x| x == prefix) {
                if let Some(written) = relative(&full[n], &full[p]) {
                    if cost(&written) < cost(&best.1) {
                        best = (Some(prefix.to_string()), written);
                    }
                }
                break;
            }
        }
        let def = &mut catalog.defs[i];
        let (parent, (uses, fields, unsets)) = best;
        def.parent = parent.or_else(|| has_base.then(|| "base".to_string()));
        def.uses = uses;
        def.fields = fields;
        def.unsets = unsets;
    }
    if has_base {
        catalog.defs.push(Def {
            kind: Kind::Preference,
            name: "base".into(),
            is_abstract: true,
            parent: None,
            uses: base.uses,
            fields: base.fields,
            unsets: Vec::new(),
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

/// Replaces the fields of std/components mixins by `use`, the largest
/// mixins first, so that a mixin that contains another wins.
fn recognise_mixins(def: &mut Def, std: &Std) {
    for (name, fields) in &std.mixins {
        if fields.iter().all(|f| def.fields.contains(f)) {
            def.fields.retain(|f| !fields.contains(f));
            def.uses.push(name.clone());
        }
    }
}
