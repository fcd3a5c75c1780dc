//! GitHub Actions annotations (`::error file=…,line=…::message`), one per
//! root cause.
//!
//! GitHub shows at most 10 error and 10 warning annotations of a step. A
//! mistake reached many times (a typo in a mixin, met again through every
//! row of a table that uses it) makes as many diagnostics, with the same
//! code and the same label (what is wrong at the place) but different
//! places or values; written one by one, they would push the others, the
//! line that explains them among them, past the limit. So diagnostics of
//! one root cause become one annotation at the first of them, whose message
//! lists where else it is reported.

use super::paths::ReportPaths;
use super::{split_folded, Diagnostic};
use crate::source::SourceMap;

/// How many other places a grouped annotation lists by name.
const MAX_PLACES: usize = 10;

/// One annotation for one diagnostic.
pub fn render_github(sources: &SourceMap, diag: &Diagnostic) -> String {
    annotation(sources, &ReportPaths::from_env(), diag, &[])
}

/// The annotations of `diagnostics`, one per root cause, in their order.
pub fn render_github_grouped(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Vec<String> {
    let paths = ReportPaths::from_env();
    let mut groups: Vec<(RootCause, Vec<&Diagnostic>)> = Vec::new();
    for diag in diagnostics {
        let cause = RootCause::of(diag);
        match groups.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, members)) => members.push(diag),
            None => groups.push((cause, vec![diag])),
        }
    }
    groups
        .iter()
        .map(|(_, members)| annotation(sources, &paths, members[0], &members[1..]))
        .collect()
}

/// What makes two diagnostics one mistake: the code and what is said at
/// the place (its label, else its message) and the help, values aside.
#[derive(PartialEq, Eq)]
struct RootCause<'a> {
    code: &'a str,
    said: &'a str,
    help: Option<&'a str>,
}

impl RootCause<'_> {
    fn of(diag: &Diagnostic) -> RootCause<'_> {
        RootCause {
            code: diag.code,
            said: if diag.label.is_empty() {
                &diag.message
            } else {
                &diag.label
            },
            help: split_folded(diag).0,
        }
    }
}

fn annotation(
    sources: &SourceMap,
    paths: &ReportPaths,
    diag: &Diagnostic,
    others: &[&Diagnostic],
) -> String {
    let place = |d: &Diagnostic| {
        let (line, col) = sources.line_col(d.span.file, d.span.start);
        (paths.name(sources.get(d.span.file)).0, line, col)
    };
    let (file, line, col) = place(diag);
    let (end_line, end_col) = sources.line_col(diag.span.file, diag.span.end);
    let (help, folded) = split_folded(diag);
    let mut message = diag.message.clone();
    if let Some(help) = help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if !others.is_empty() {
        let total = 1 + folded + others.iter().map(|d| 1 + split_folded(d).1).sum::<usize>();
        let here = format!("{file}:{line}:{col}");
        let mut places: Vec<String> = others
            .iter()
            .map(|d| {
                let (f, l, c) = place(d);
                format!("{f}:{l}:{c}")
            })
            .filter(|p| *p != here)
            .collect();
        places.dedup();
        let listed = places.len().min(MAX_PLACES);
        let mut also = places[..listed].join(", ");
        if places.len() > listed {
            also.push_str(&format!(", and {} more", places.len() - listed));
        }
        message.push_str(&format!(
            "\nthe same {} is reported {total} times, from one cause",
            diag.code
        ));
        if !also.is_empty() {
            message.push_str(&format!("; also at: {also}"));
        }
    } else if folded > 0 {
        message.push_str(&format!(
            "\n({folded} more {} at this place not shown)",
            diag.code
        ));
    }
    format!(
        "::{} file={file},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
        diag.severity.as_str(),
        property(diag.code),
        data(&message),
        file = property(&file),
    )
}

fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
