//! Series: instance types named `<series>.<size>` that share their fields
//! become one series with a size table — std/sizes' when its rows match
//! (with `except` for the rows the series lacks), else a table of the
//! catalog's own — and variants (std/sizes' `hugepage_variants`) when the
//! names and a field follow a variant table. Fields every series shares
//! become a mixin; a series that differs from another by fewer statements
//! than it has is based on it (`series o1 : u1`). A series whose sizes all
//! keep one vCPU:memory ratio declares it (`ratio 1:2`).
//!
//! A group that does not fit (a field set on some sizes only, a size label
//! the derive rule would not give, a missing guest cpu or memory) stays as
//! literal definitions.

use std::collections::BTreeMap;

use crate::syntax::ast::Kind;
use crate::yaml::Yaml;

use super::model::{Catalog, Def, Derive, Field, Lit, Mixin, Series, Table};
use super::stdlib::Std;

const SIZE_LABEL: &str = "instancetype.kubevirt.io/size";
const CPU: [&str; 3] = ["spec", "cpu", "guest"];
const MEMORY: [&str; 3] = ["spec", "memory", "guest"];

/// What a series needs besides its statements.
struct Made {
    series: Series,
    table: Option<Table>,
    std_table: Option<String>,
}

/// Groups instance types into series; returns the std tables used.
pub fn make_series(catalog: &mut Catalog, std: &Std) -> Vec<String> {
    let std_mode = catalog.derive == Derive::Std;
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, def) in catalog.defs.iter().enumerate() {
        if def.kind != Kind::Instancetype || def.is_abstract || def.parent.is_some() {
            continue;
        }
        if let Some((prefix, rest)) = def.name.split_once('.') {
            if is_ident(prefix) && !rest.is_empty() {
                groups.entry(prefix.to_string()).or_default().push(i);
            }
        }
    }
    let mut made: Vec<Made> = Vec::new();
    let mut consumed: Vec<usize> = Vec::new();
    for (name, members) in &groups {
        let defs: Vec<&Def> = members.iter().map(|&i| &catalog.defs[i]).collect();
        if let Some(series) = try_series(name, &defs, std, std_mode) {
            made.push(series);
            consumed.extend(members);
        }
    }
    let mut index = 0;
    catalog.defs.retain(|_| {
        index += 1;
        !consumed.contains(&(index - 1))
    });
    let mut std_tables: Vec<String> = Vec::new();
    for m in &made {
        if let Some(t) = &m.std_table {
            if !std_tables.contains(t) {
                std_tables.push(t.clone());
            }
        }
        if m.series.variants.is_some() {
            std_tables.push("hugepage_variants".into());
        }
        if let Some(table) = &m.table {
            catalog.tables.push(table.clone());
        }
    }
    let mut series: Vec<Series> = made.into_iter().map(|m| m.series).collect();
    share(&mut series, &mut catalog.mixins);
    declare_ratios(&mut series, &catalog.tables, std);
    catalog.series = series;
    std_tables
}

/// `ratio C:M` on each series whose every size has exactly M GiB of memory
/// per C vCPUs (the smallest such integers), so that `citc check` keeps the
/// sizes honest (W0102). A based series inherits its parent's ratio, so a
/// parent declares one only when every series based on it keeps it or
/// declares its own.
fn declare_ratios(series: &mut [Series], tables: &[Table], std: &Std) {
    let own: Vec<Option<(u32, u32)>> = series
        .iter()
        .map(|s| {
            let table = std
                .table(&s.sizes)
                .or_else(|| tables.iter().find(|t| t.name == s.sizes))?;
            let rows: Vec<&Vec<Yaml>> = table
                .rows
                .iter()
                .filter(|r| !matches!(&r[0], Yaml::Str(k) if s.except.contains(k)))
                .collect();
            ratio_of(&rows)
        })
        .collect();
    let parents: Vec<Option<usize>> = series
        .iter()
        .map(|s| {
            let name = s.parent.as_ref()?;
            series.iter().position(|p| p.name == *name)
        })
        .collect();
    // The nearest ancestor that declares a ratio (series have no cycles).
    let declaring = |declared: &[Option<(u32, u32)>], mut i: usize| {
        for _ in 0..parents.len() {
            let p = parents[i]?;
            if declared[p].is_some() {
                return Some(p);
            }
            i = p;
        }
        None
    };
    let mut declared = own.clone();
    while let Some(p) = (0..series.len())
        .filter(|&i| own[i].is_none())
        .find_map(|i| declaring(&declared, i))
    {
        declared[p] = None;
    }
    for i in 0..series.len() {
        let from_parent = declaring(&declared, i).and_then(|p| declared[p]);
        series[i].ratio = declared[i].filter(|r| from_parent != Some(*r));
    }
}

/// The vCPU:GiB ratio every row keeps, in lowest terms, when there is one.
fn ratio_of(rows: &[&Vec<Yaml>]) -> Option<(u32, u32)> {
    const GIB_MILLIS: i128 = 1000 * (1 << 30);
    let gcd = |mut a: i128, mut b: i128| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let mut ratio = None;
    for row in rows {
        let (Some(Yaml::Int(cpu)), Some(Yaml::Str(memory))) = (row.get(1), row.get(2)) else {
            return None;
        };
        let millis = crate::value::Quantity::parse(memory).map(|q| q.millis)?;
        let (per, gib) = (i128::from(*cpu) * GIB_MILLIS, millis);
        if per <= 0 || gib <= 0 {
            return None;
        }
        let g = gcd(per, gib);
        let this = (u32::try_from(per / g).ok()?, u32::try_from(gib / g).ok()?);
        if ratio.is_some_and(|r| r != this) {
            return None;
        }
        ratio = Some(this);
    }
    // One row says nothing about a ladder; huge terms are no ratio a person
    // would declare.
    ratio.filter(|&(c, m)| rows.len() >= 2 && c <= 64 && m <= 1024)
}

fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn field<'a>(def: &'a Def, path: &[&str]) -> Option<&'a Yaml> {
    def.fields
        .iter()
        .find(|f| f.is(path))
        .and_then(|f| match &f.value {
            Lit::Yaml(y) => Some(y),
            Lit::Var(_) => None,
        })
}

/// Each member's size key and variant row (index into the variant table).
struct Member<'a> {
    def: &'a Def,
    size: String,
    variant: Option<usize>,
}

/// A variant table, the members split by it, and each column's field.
type Variants<'a> = (&'a Table, Vec<Member<'a>>, Vec<(Vec<String>, String)>);

/// The variant table and the field its column sets, when the members'
/// names and that field follow it: every size in every variant.
fn variants<'a>(series: &str, defs: &[&'a Def], std: &'a Std) -> Option<Variants<'a>> {
    let table = std.table("hugepage_variants")?;
    let suffix = |row: &Vec<Yaml>| match row.first() {
        Some(Yaml::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let mut members = Vec::new();
    for def in defs {
        let rest = &def.name[series.len() + 1..];
        // The longest suffix that leaves a size.
        let (row, size) = table
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, row)| {
                let s = suffix(row);
                rest.strip_suffix(s.as_str())
                    .filter(|size| !size.is_empty())
                    .map(|size| (i, size, s.len()))
            })
            .max_by_key(|(_, _, len)| *len)
            .map(|(i, size, _)| (i, size.to_string()))?;
        members.push(Member {
            def,
            size,
            variant: Some(row),
        });
    }
    // Every size in every variant.
    let mut sizes: Vec<&str> = members.iter().map(|m| m.size.as_str()).collect();
    sizes.sort();
    sizes.dedup();
    if sizes.len() * table.rows.len() != members.len() {
        return None;
    }
    // Each other column sets one field, the same for every member.
    let mut columns = Vec::new();
    for (c, column) in table.columns.iter().enumerate().skip(1) {
        let first = &members[0];
        let value = &table.rows[first.variant?][c];
        let path = first.def.fields.iter().find_map(|f| match &f.value {
            Lit::Yaml(y) if y == value => Some(f.path.clone()),
            _ => None,
        })?;
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let follows = members.iter().all(|m| {
            m.variant
                .is_some_and(|v| field(m.def, &keys) == Some(&table.rows[v][c]))
        });
        if !follows {
            return None;
        }
        columns.push((path, column.clone()));
    }
    Some((table, members, columns))
}

fn try_series(name: &str, defs: &[&Def], std: &Std, std_mode: bool) -> Option<Made> {
    if defs.len() < 2 {
        return None;
    }
    let (variant_table, members, variant_fields) = match variants(name, defs, std) {
        Some((table, members, fields)) => (Some(table), members, fields),
        None => (
            None,
            defs.iter()
                .map(|def| Member {
                    def,
                    size: def.name[name.len() + 1..].to_string(),
                    variant: None,
                })
                .collect(),
            Vec::new(),
        ),
    };
    let variant_suffix = |m: &Member| -> String {
        match (variant_table, m.variant) {
            (Some(t), Some(v)) => match t.rows[v].first() {
                Some(Yaml::Str(s)) => s.clone(),
                _ => String::new(),
            },
            _ => String::new(),
        }
    };
    // Guest cpu and memory make the size row.
    for m in &members {
        field(m.def, &CPU)?;
        field(m.def, &MEMORY)?;
    }
    // In std mode the size label is the derive rule's: it must say what
    // `@size` will.
    let size_label = ["metadata", "labels", SIZE_LABEL];
    if std_mode
        && !members.iter().all(|m| {
            field(m.def, &size_label)
                == Some(&Yaml::Str(format!("{}{}", m.size, variant_suffix(m))))
        })
    {
        return None;
    }
    let skip = |f: &Field| {
        f.is(&CPU)
            || f.is(&MEMORY)
            || (std_mode && f.is(&size_label))
            || variant_fields.iter().any(|(p, _)| *p == f.path)
    };
    // Every member sets the same paths.
    let paths: Vec<&Vec<String>> = members[0]
        .def
        .fields
        .iter()
        .filter(|f| !skip(f))
        .map(|f| &f.path)
        .collect();
    for m in &members {
        let count = m.def.fields.iter().filter(|f| !skip(f)).count();
        if count != paths.len() {
            return None;
        }
    }
    let mut fields: Vec<Field> = Vec::new();
    let mut extra: Vec<(String, Vec<String>)> = Vec::new(); // column, path
    for path in &paths {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let values: Vec<&Yaml> = members
            .iter()
            .map(|m| field(m.def, &keys))
            .collect::<Option<_>>()?;
        if values.iter().all(|v| *v == values[0]) {
            fields.push(Field::new((*path).clone(), values[0].clone()));
            continue;
        }
        let follows = |column: &dyn Fn(&Member) -> Yaml| {
            members.iter().zip(&values).all(|(m, v)| column(m) == **v)
        };
        // Under metadata, a value is text: a column goes in as `"${column}"`.
        let in_spec = path[0] == "spec";
        let text = |m: &Member, y: Option<&Yaml>| -> Yaml {
            let _ = m;
            match y.and_then(super::text::scalar_text) {
                Some(t) if !in_spec => Yaml::Str(t),
                _ => y.cloned().unwrap_or(Yaml::Null),
            }
        };
        let var = if follows(&|m| text(m, field(m.def, &CPU))) {
            "cpu".to_string()
        } else if follows(&|m| text(m, field(m.def, &MEMORY))) {
            "memory".to_string()
        } else if variant_table.is_none() && follows(&|m| Yaml::Str(m.size.clone())) {
            "size".to_string()
        } else {
            // A column of the series' own table.
            let base = path
                .last()
                .map(|s| s.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
                .unwrap_or_default();
            let column = if is_ident(&base)
                && !["size", "cpu", "memory"].contains(&base.as_str())
                && !extra.iter().any(|(c, _)| *c == base)
            {
                base
            } else {
                format!("column{}", extra.len() + 1)
            };
            extra.push((column.clone(), (*path).clone()));
            column
        };
        let all_text = values.iter().all(|v| matches!(v, Yaml::Str(_)));
        let value = if !in_spec && all_text {
            Lit::Var(format!("\"${{{var}}}\""))
        } else if !in_spec {
            return None;
        } else {
            Lit::Var(var)
        };
        fields.push(Field {
            path: (*path).clone(),
            value,
        });
    }
    for (path, column) in &variant_fields {
        fields.push(Field {
            path: path.clone(),
            value: Lit::Var(column.clone()),
        });
    }
    // One row per size: the same in every variant.
    let mut rows: Vec<Vec<Yaml>> = Vec::new();
    for m in &members {
        let mut row = vec![
            Yaml::Str(m.size.clone()),
            field(m.def, &CPU)?.clone(),
            field(m.def, &MEMORY)?.clone(),
        ];
        for (_, path) in &extra {
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            row.push(field(m.def, &keys)?.clone());
        }
        match rows.iter().find(|r| r[0] == row[0]) {
            Some(existing) if *existing != row => return None,
            Some(_) => {}
            None => rows.push(row),
        }
    }
    // A std table whose rows hold ours, with the fewest left out.
    let (mut sizes, mut except, mut table, mut std_table) = (String::new(), Vec::new(), None, None);
    let candidates = std.tables.iter().filter(|t| {
        extra.is_empty()
            && t.columns == ["size", "cpu", "memory"]
            && rows.iter().all(|r| t.rows.contains(r))
    });
    if let Some(best) = candidates.min_by_key(|t| t.rows.len()) {
        sizes = best.name.clone();
        except = best
            .rows
            .iter()
            .filter(|r| !rows.contains(r))
            .filter_map(|r| match &r[0] {
                Yaml::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        std_table = Some(best.name.clone());
    }
    if std_table.is_none() {
        rows.sort_by_key(|row| amount(row));
        sizes = format!("{}_sizes", name.replace('-', "_"));
        let mut columns = vec!["size".to_string(), "cpu".into(), "memory".into()];
        columns.extend(extra.iter().map(|(c, _)| c.clone()));
        table = Some(Table {
            name: sizes.clone(),
            columns,
            rows,
        });
    }
    let mut uses = Vec::new();
    if std_mode {
        uses.push("sized".to_string());
    } else {
        fields.insert(
            0,
            Field {
                path: CPU.iter().map(|s| s.to_string()).collect(),
                value: Lit::Var("cpu".into()),
            },
        );
        fields.insert(
            1,
            Field {
                path: MEMORY.iter().map(|s| s.to_string()).collect(),
                value: Lit::Var("memory".into()),
            },
        );
    }
    Some(Made {
        series: Series {
            name: name.to_string(),
            parent: None,
            uses,
            sizes,
            except,
            variants: variant_table.map(|t| t.name.clone()),
            ratio: None,
            fields,
            unsets: Vec::new(),
        },
        table,
        std_table,
    })
}

/// Rows in order of cpu, then memory.
fn amount(row: &[Yaml]) -> (i128, i128) {
    let cpu = match &row[1] {
        Yaml::Int(i) => i128::from(*i),
        _ => 0,
    };
    let memory = match &row[2] {
        Yaml::Str(s) => crate::value::Quantity::parse(s).map_or(0, |q| q.millis),
        _ => 0,
    };
    (cpu, memory)
}

/// What every series shares becomes the mixin `common-series`; a series
/// that differs from another by fewer statements than it has is based on it.
fn share(series: &mut [Series], mixins: &mut Vec<Mixin>) {
    if series.len() < 2 {
        return;
    }
    let full: Vec<(Vec<String>, Vec<Field>)> = series
        .iter()
        .map(|s| (s.uses.clone(), s.fields.clone()))
        .collect();
    // Bases first, against the full sets.
    let cost = |uses: &[String], fields: &[Field]| uses.len() + fields.len();
    let mut parent: Vec<Option<usize>> = vec![None; series.len()];
    for b in 0..series.len() {
        let mut best: Option<(usize, usize)> = None;
        for a in 0..series.len() {
            if a == b || series[a].variants != series[b].variants {
                continue;
            }
            let (a_uses, a_fields) = &full[a];
            let (b_uses, b_fields) = &full[b];
            if !a_uses.iter().all(|u| b_uses.contains(u)) {
                continue;
            }
            let written = b_fields.iter().filter(|f| !a_fields.contains(f)).count();
            let unset = a_fields
                .iter()
                .filter(|f| !b_fields.iter().any(|g| g.path == f.path))
                .count();
            let c = written + unset + b_uses.len() - a_uses.len();
            if c < cost(b_uses, b_fields) / 2 && best.is_none_or(|(_, bc)| c < bc) {
                // No cycle: a's chain must not reach b.
                let mut at = Some(a);
                let mut cycle = false;
                while let Some(x) = at {
                    if x == b {
                        cycle = true;
                        break;
                    }
                    at = parent[x];
                }
                if !cycle {
                    best = Some((a, c));
                }
            }
        }
        parent[b] = best.map(|(a, _)| a);
    }
    // The common mixin: what every series without a base shares.
    let roots: Vec<usize> = (0..series.len()).filter(|&i| parent[i].is_none()).collect();
    let mut common_fields: Vec<Field> = full[roots[0]].1.clone();
    let mut common_uses: Vec<String> = full[roots[0]].0.clone();
    for &r in &roots[1..] {
        common_fields.retain(|f| full[r].1.contains(f));
        common_uses.retain(|u| full[r].0.contains(u));
    }
    let with_mixin = roots.len() >= 2 && common_fields.len() + common_uses.len() >= 2;
    if with_mixin {
        mixins.push(Mixin {
            name: "common-series".into(),
            uses: common_uses.clone(),
            fields: common_fields.clone(),
        });
    }
    for i in 0..series.len() {
        match parent[i] {
            Some(a) => {
                let (a_uses, a_fields) = &full[a];
                let (b_uses, b_fields) = &full[i];
                series[i].parent = Some(series[a].name.clone());
                series[i].uses = b_uses
                    .iter()
                    .filter(|u| !a_uses.contains(u))
                    .cloned()
                    .collect();
                series[i].fields = b_fields
                    .iter()
                    .filter(|f| !a_fields.contains(f))
                    .cloned()
                    .collect();
                series[i].unsets = a_fields
                    .iter()
                    .filter(|f| !b_fields.iter().any(|g| g.path == f.path))
                    .map(|f| f.path.clone())
                    .collect();
            }
            None if with_mixin => {
                let mut uses = vec!["common-series".to_string()];
                uses.extend(
                    full[i]
                        .0
                        .iter()
                        .filter(|u| !common_uses.contains(u))
                        .cloned(),
                );
                series[i].uses = uses;
                series[i].fields.retain(|f| !common_fields.contains(f));
            }
            None => {}
        }
    }
}
