//! W0102: a series that declares `ratio C:M` promises M GiB of memory for
//! every C vCPUs, and its sizes (its own and those of the series based on
//! it, which inherit the ratio) are held to it.
//!
//! The warning goes where the author fixes it. When every size is off by the
//! same factor, the ratio is wrong (a reversed `8:1`): one warning at the
//! `ratio` line, with the ratio the sizes have. Otherwise each row that is
//! off gets its own, at its memory cell; rows of a table in another file
//! (the standard library) are not the author's to change, so those get one
//! warning at the `ratio` line naming them.

use super::semantics::{field, int_at, quantity_at};
use crate::diagnostic::Diagnostic;
use crate::resolve::{Catalog, ParsedFile, Ratio, Resource};
use crate::source::Span;
use crate::syntax::ast::{Expr, Item, Statement};

const GIB_MILLIS: i128 = 1000 << 30;

/// A size of a series with a ratio.
struct Size<'a> {
    resource: &'a Resource,
    cpu: i128,
    memory_millis: i128,
    memory_text: String,
    /// Where its memory was written (a table cell, usually).
    cell: Span,
}

impl Size<'_> {
    fn expected_millis(&self, ratio: &Ratio) -> i128 {
        self.cpu * i128::from(ratio.memory_gib) * GIB_MILLIS / i128::from(ratio.cpu.max(1))
    }

    /// The size's name within its series (`large`, `large1gi`).
    fn size_name(&self) -> &str {
        attribute(self.resource, "size").unwrap_or(&self.resource.name)
    }
}

fn attribute<'a>(resource: &'a Resource, name: &str) -> Option<&'a str> {
    resource
        .attributes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

pub fn check(files: &[ParsedFile], catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    // Sizes by the `ratio` statement they are held to, in catalog order.
    let mut groups: Vec<(Ratio, Vec<Size>)> = Vec::new();
    for resource in &catalog.resources {
        let Some(ratio) = resource.ratio else {
            continue;
        };
        let (Some(cpu), Some(memory)) = (
            int_at(resource, &["spec", "cpu", "guest"]),
            quantity_at(resource, &["spec", "memory", "guest"]),
        ) else {
            continue;
        };
        let size = Size {
            resource,
            cpu: i128::from(cpu),
            memory_millis: memory.millis,
            memory_text: memory.text,
            cell: field(resource, &["spec", "memory", "guest"]).map_or(resource.span, |n| n.span),
        };
        // By series too: a series based on another inherits its ratio, and
        // its own sizes may be the ones that are off.
        let series = attribute(resource, "series");
        match groups.iter_mut().find(|(r, sizes)| {
            r.span == ratio.span && attribute(sizes[0].resource, "series") == series
        }) {
            Some((_, sizes)) => sizes.push(size),
            None => groups.push((ratio, vec![size])),
        }
    }
    for (ratio, sizes) in &groups {
        let off: Vec<&Size> = sizes
            .iter()
            .filter(|s| s.memory_millis != s.expected_millis(ratio))
            .collect();
        if off.is_empty() {
            continue;
        }
        if off.len() == sizes.len() && sizes.len() > 1 && same_proportion(sizes) {
            diags.push(wrong_ratio(files, ratio, sizes));
            continue;
        }
        // A value set by a file that imports the series' (a downstream's
        // `patch`) is that file's to change: reported there.
        let rank = |file| {
            files
                .iter()
                .find(|f| f.id == file)
                .map_or(0, |f| f.import_rank)
        };
        let (patched, off): (Vec<&Size>, Vec<&Size>) = off
            .into_iter()
            .partition(|s| rank(s.cell.file) > rank(ratio.span.file));
        let mut by_cell: Vec<(Span, Vec<&Size>)> = Vec::new();
        for size in patched {
            match by_cell.iter_mut().find(|(cell, _)| *cell == size.cell) {
                Some((_, sizes)) => sizes.push(size),
                None => by_cell.push((size.cell, vec![size])),
            }
        }
        for (_, sizes) in &by_cell {
            diags.push(patched_off(ratio, sizes));
        }
        let (here, elsewhere): (Vec<&Size>, Vec<&Size>) = off
            .into_iter()
            .partition(|s| s.cell.file == ratio.span.file);
        for size in here {
            diags.push(row_off(files, ratio, size));
        }
        if !elsewhere.is_empty() {
            diags.push(rows_elsewhere(files, ratio, &elsewhere));
        }
    }
}

/// Every size has the same memory per vCPU.
fn same_proportion(sizes: &[Size]) -> bool {
    let first = &sizes[0];
    sizes
        .iter()
        .all(|s| s.memory_millis * first.cpu == first.memory_millis * s.cpu)
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// The sizes' own ratio as `C:M` in smallest integers, when one fits.
fn actual_ratio(size: &Size) -> Option<(i128, i128)> {
    // memory / cpu GiB per vCPU = memory_millis / (cpu * GIB_MILLIS)
    let (num, den) = (size.memory_millis, size.cpu * GIB_MILLIS);
    if num <= 0 || den <= 0 {
        return None;
    }
    let g = gcd(num, den);
    let (gib, cpus) = (num / g, den / g);
    (gib <= 1024 && cpus <= 1024).then_some((cpus, gib))
}

/// The series whose body declares the `ratio`.
fn declared_by(files: &[ParsedFile], ratio: &Ratio) -> Option<String> {
    files
        .iter()
        .flat_map(|f| &f.ast.items)
        .find_map(|item| match item {
            Item::Series(def)
                if def.span.file == ratio.span.file
                    && def.span.start <= ratio.span.start
                    && ratio.span.end <= def.span.end =>
            {
                Some(def.name.name.clone())
            }
            _ => None,
        })
}

fn wrong_ratio(files: &[ParsedFile], ratio: &Ratio, sizes: &[Size]) -> Diagnostic {
    let first = &sizes[0];
    let series = attribute(first.resource, "series").unwrap_or(&first.resource.name);
    let declared = declared_by(files, ratio);
    // A ratio inherited from the parent series is right for the parent: the
    // child is where the author declares its own.
    let inherited = declared.as_deref().is_some_and(|d| d != series);
    let (at, whose) = if inherited {
        (
            first.resource.span,
            format!(
                "the ratio {}:{} it inherits from `{}`",
                ratio.cpu,
                ratio.memory_gib,
                declared.as_deref().unwrap_or("?")
            ),
        )
    } else {
        (
            ratio.span,
            format!("its ratio {}:{}", ratio.cpu, ratio.memory_gib),
        )
    };
    let mut diag = Diagnostic::new(
        "W0102",
        at,
        format!("every size of `{series}` is off {whose} by the same factor"),
    )
    .label(format!(
        "{} sizes, each with {} for {} vCPU",
        sizes.len(),
        first.memory_text,
        first.cpu
    ))
    .with_secondary(
        first.cell,
        format!(
            "`{}` has {} for {} vCPU",
            first.size_name(),
            first.memory_text,
            first.cpu
        ),
    );
    if inherited {
        diag = diag.with_secondary(ratio.span, "the ratio, declared in the parent series");
    }
    let place = if inherited {
        format!(" in series `{series}`")
    } else {
        String::new()
    };
    diag = match actual_ratio(first) {
        // Inherited, the ratio is the parent's: the child needs a line of its own.
        Some((cpus, gib)) if !inherited => diag
            .help(format!(
                "the sizes have {gib} GiB per {cpus} vCPU: write `ratio {cpus}:{gib}` (C:M is vCPUs, then GiB)"
            ))
            .fix(ratio.span, format!("ratio {cpus}:{gib}")),
        Some((cpus, gib)) => diag.help(format!(
            "the sizes have {gib} GiB per {cpus} vCPU: write `ratio {cpus}:{gib}`{place} (C:M is vCPUs, then GiB)"
        )),
        None => diag.help("no ratio of small whole numbers fits the sizes: fix the ratio (C:M is vCPUs, then GiB) or the size table"),
    };
    diag
}

fn gib_text(millis: i128) -> String {
    let gib = millis as f64 / GIB_MILLIS as f64;
    format!("{gib}Gi")
}

/// A downstream's value that takes sizes of an imported series off its
/// ratio: at the value, naming the sizes once.
fn patched_off(ratio: &Ratio, sizes: &[&Size]) -> Diagnostic {
    let first = sizes[0];
    let names: Vec<&str> = sizes.iter().map(|s| s.resource.name.as_str()).collect();
    let expected = gib_text(first.expected_millis(ratio));
    Diagnostic::new(
        "W0102",
        first.cell,
        format!(
            "this value takes {} off the series' ratio {}:{}: {} for {} vCPU",
            crate::diagnostic::name_list(&names),
            ratio.cpu,
            ratio.memory_gib,
            first.memory_text,
            first.cpu
        ),
    )
    .label(format!("the ratio asks for {expected}"))
    .with_secondary(ratio.span, "the imported series declares its ratio here")
    .help(format!(
        "set {expected}, or select fewer sizes; an instance type with other proportions belongs in a `series` of your own, with its own `ratio`"
    ))
}

fn row_off(files: &[ParsedFile], ratio: &Ratio, size: &Size) -> Diagnostic {
    let expected = gib_text(size.expected_millis(ratio));
    let key = size_key(files, size);
    let leave_out = leave_out(files, size, key.as_deref());
    let fix = leave_out.clone().and_then(|(code, at)| Some((at?, code)));
    let leave_out = leave_out
        .map(|(code, _)| format!(", or leave the size out with `{code}`"))
        .unwrap_or_default();
    // The row's key: one warning for the row, not one per variant.
    let diag = Diagnostic::new(
        "W0102",
        size.cell,
        format!(
            "size `{}` has {} for {} vCPU, off the series' ratio {}:{}",
            key.as_deref().unwrap_or(size.size_name()),
            size.memory_text,
            size.cpu,
            ratio.cpu,
            ratio.memory_gib
        ),
    )
    .label("this row's memory")
    .with_secondary(ratio.span, "ratio declared here")
    .help(format!(
        "the ratio asks for {expected}: fix the row or the ratio{leave_out}"
    ));
    match fix {
        Some((at, code)) => diag.fix(at, code),
        None => diag,
    }
}

fn rows_elsewhere(files: &[ParsedFile], ratio: &Ratio, off: &[&Size]) -> Diagnostic {
    let first = off[0];
    let series = attribute(first.resource, "series").unwrap_or(&first.resource.name);
    let mut names: Vec<String> = Vec::new();
    for size in off {
        let name = format!("`{}`", size.size_name());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let declared = declared_by(files, ratio);
    let inherited = declared.as_deref().is_some_and(|d| d != series);
    let at = if inherited {
        first.resource.span
    } else {
        ratio.span
    };
    let shown = names.len().min(4);
    let mut list = names[..shown].join(", ");
    if names.len() > shown {
        list.push_str(&format!(" and {} more", names.len() - shown));
    }
    let mut diag = Diagnostic::new(
        "W0102",
        at,
        format!(
            "{} of `{series}` {} off the ratio {}:{}: {list}",
            if names.len() == 1 { "a size".to_string() } else { format!("{} sizes", names.len()) },
            if names.len() == 1 { "is" } else { "are" },
            ratio.cpu,
            ratio.memory_gib
        ),
    )
    .label(if inherited { "its sizes, of a table in another file, are off the inherited ratio" } else { "sizes of a table in another file are off this ratio" })
    .with_secondary(
        first.cell,
        format!(
            "`{}` has {} for {} vCPU; the ratio asks for {}",
            first.size_name(),
            first.memory_text,
            first.cpu,
            gib_text(first.expected_millis(ratio))
        ),
    )
    .help(match leave_out_all(files, off) {
        Some((code, _)) => format!("change the ratio, use a size table whose rows fit it, or leave these sizes out with `{code}`"),
        None => "change the ratio, or use a size table whose rows fit it".to_string(),
    });
    if let Some((code, Some(at))) = leave_out_all(files, off) {
        diag = diag.fix(at, code);
    }
    if inherited {
        diag = diag.with_secondary(ratio.span, "the ratio, declared in the parent series");
    }
    diag
}

/// `sizes TABLE except …` leaving every one of `off` out, when they are all
/// rows of one sizes table of one series; with the series' own `sizes`
/// statement, which the code replaces, when it has one.
fn leave_out_all(files: &[ParsedFile], off: &[&Size]) -> Option<(String, Option<Span>)> {
    let first = off[0];
    let series = attribute(first.resource, "series")?;
    let (table, _) = row_of(files, first.cell)?;
    let own = own_sizes(files, series).filter(|(t, _, _)| *t == table);
    let at = own.as_ref().map(|(_, _, at)| *at);
    let mut except: Vec<String> = own.map(|(_, except, _)| except).unwrap_or_default();
    for size in off {
        if attribute(size.resource, "series") != Some(series) {
            return None;
        }
        let key = size_key(files, size)?;
        if row_of(files, size.cell)?.0 != table {
            return None;
        }
        if !except.contains(&key) {
            except.push(key);
        }
    }
    Some((format!("sizes {table} except {}", except.join(", ")), at))
}

/// The key of the sizes table row that holds the size's memory, when its
/// memory comes from one (the key starts the size's name; a variants table's
/// key would end it).
fn size_key(files: &[ParsedFile], size: &Size) -> Option<String> {
    let (_, key) = row_of(files, size.cell)?;
    size.size_name().starts_with(&key).then_some(key)
}

/// `sizes TABLE except …, KEY` for the series that made the size: code that
/// leaves exactly that size (with its variants) out; `except` takes size
/// keys only (a variant's name there is E0115).
fn leave_out(
    files: &[ParsedFile],
    size: &Size,
    key: Option<&str>,
) -> Option<(String, Option<Span>)> {
    let key = key?.to_string();
    let (table, _) = row_of(files, size.cell)?;
    let series = attribute(size.resource, "series")?;
    let own = own_sizes(files, series).filter(|(t, _, _)| *t == table);
    let at = own.as_ref().map(|(_, _, at)| *at);
    let mut except: Vec<String> = own.map(|(_, except, _)| except).unwrap_or_default();
    except.push(key);
    Some((format!("sizes {table} except {}", except.join(", ")), at))
}

/// The table and row key of the table row that holds `cell`.
fn row_of(files: &[ParsedFile], cell: Span) -> Option<(String, String)> {
    let file = files.iter().find(|f| f.id == cell.file)?;
    file.ast.items.iter().find_map(|item| {
        let Item::Table(table) = item else {
            return None;
        };
        let row = table
            .rows
            .iter()
            .find(|row| row.span.start <= cell.start && cell.end <= row.span.end)?;
        Some((table.name.name.clone(), cell_text(row.cells.first()?)?))
    })
}

/// The `sizes` statement a series writes itself: its table and the keys it
/// already leaves out.
fn own_sizes(files: &[ParsedFile], series: &str) -> Option<(String, Vec<String>, Span)> {
    files.iter().flat_map(|f| &f.ast.items).find_map(|item| {
        let Item::Series(def) = item else { return None };
        if def.name.name != series {
            return None;
        }
        def.body
            .statements
            .iter()
            .find_map(|statement| match statement {
                Statement::Sizes {
                    table,
                    except,
                    span,
                } => Some((
                    table.name.clone(),
                    except.iter().filter_map(cell_text).collect(),
                    *span,
                )),
                _ => None,
            })
    })
}

fn cell_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Word(word, _) => Some(word.clone()),
        Expr::Int(i, _) => Some(i.to_string()),
        Expr::Quantity(q, _) => Some(q.clone()),
        Expr::Text(text) => text.as_literal(),
        _ => None,
    }
}
