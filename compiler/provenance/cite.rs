//! Citations for `citc diff`: the source line that sets each new value of
//! the catalog compiled now.

use super::{parse_kind, show};
use crate::diff::compare::{Report, Segment, Status};
use crate::resolve::Catalog;
use crate::source::SourceMap;

/// Sets `source` (`catalog.cit:45`) on every change of `report` whose new
/// value comes from `catalog` (traced), when one line sets all of it. The
/// report's new side must be `catalog`, compiled with `version`.
pub fn cite(report: &mut Report, catalog: &Catalog, sources: &SourceMap, version: &str) {
    for entry in report
        .entries
        .iter_mut()
        .filter(|e| e.status == Status::Changed)
    {
        let Some((kind, Some(api_kind))) = parse_kind(&entry.kind) else {
            continue;
        };
        let Ok(resource) = super::find(catalog, &entry.name, Some(kind)) else {
            continue;
        };
        let Some(shown) = show(catalog, resource, api_kind, version) else {
            continue;
        };
        for change in entry.changes.iter_mut().filter(|c| c.new.is_some()) {
            // Lists are one field: a change inside one is the list's.
            let keys: Vec<String> = change
                .path
                .iter()
                .map_while(|segment| match segment {
                    Segment::Key(key) => Some(key.clone()),
                    Segment::Index(_) => None,
                })
                .collect();
            let mut lines = shown.fields(&keys).into_iter().map(|(field, _)| {
                let winner = shown.winner(&field)?;
                let (line, _) = sources.line_col(winner.at.file, winner.at.start);
                Some((winner.at.file, line))
            });
            let Some(Some(first)) = lines.next() else {
                continue;
            };
            if lines.all(|other| other == Some(first)) {
                let (file, line) = first;
                change.source = Some(format!("{}:{line}", sources.get(file).name));
            }
        }
    }
}
