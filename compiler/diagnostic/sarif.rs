//! SARIF 2.1.0 (OASIS), the log GitHub code scanning uploads
//! (github/codeql-action/upload-sarif) and SARIF viewers read: one run of
//! the tool `citc`, a rule per code that occurs (its title and `citc
//! explain` text), a result per diagnostic with its region and the other
//! places involved as related locations, and its fix when it has one. Files are named relative to
//! `%SRCROOT%`, the repository's root (paths.rs). tests/reports.rs
//! validates the log against the SARIF 2.1.0 schema.

use serde_json::{json, Value};

use super::paths::{file_uri, uri_path, ReportPaths};
use super::{Diagnostic, Severity};
use crate::codes;
use crate::source::{SourceMap, Span};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF log of `diagnostics`, as indented JSON.
pub fn render_sarif(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let paths = ReportPaths::from_env();
    let mut codes_used: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    codes_used.sort_unstable();
    codes_used.dedup();
    let rules: Vec<Value> = codes_used.iter().map(|code| rule(code)).collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diag| {
            let rule_index = codes_used.binary_search(&diag.code).unwrap_or(0);
            result(sources, &paths, diag, rule_index)
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "citc",
                "version": crate::version::LONG,
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = paths.root() {
        run["originalUriBaseIds"] = json!({
            "%SRCROOT%": { "uri": format!("{}/", file_uri(&root.display().to_string())) }
        });
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: &str) -> Value {
    let Some(info) = codes::lookup(code) else {
        return json!({ "id": code });
    };
    let summary = info
        .explanation
        .split("\n\n")
        .next()
        .unwrap_or(info.title)
        .trim();
    json!({
        "id": code,
        "name": info.title,
        "shortDescription": { "text": info.title },
        "fullDescription": { "text": summary },
        "help": { "text": info.explanation },
        "defaultConfiguration": { "level": level(info.severity) },
    })
}

fn result(sources: &SourceMap, paths: &ReportPaths, diag: &Diagnostic, rule_index: usize) -> Value {
    let mut text = diag.message.clone();
    if let Some(help) = &diag.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut primary = location(sources, paths, diag.span);
    if !diag.label.is_empty() {
        primary["message"] = json!({ "text": diag.label });
    }
    let related: Vec<Value> = diag
        .secondary
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut place = location(sources, paths, label.span);
            place["id"] = json!(i + 1);
            place["message"] = json!({ "text": label.message });
            place
        })
        .collect();
    let mut result = json!({
        "ruleId": diag.code,
        "ruleIndex": rule_index,
        "level": level(diag.severity),
        "message": { "text": text },
        "locations": [primary],
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    // The edits that apply the help: one fix, its replacements in one file.
    let fixes = diag.fixes(&sources.get(diag.span.file).text);
    if !fixes.is_empty() {
        let replacements: Vec<Value> = fixes
            .iter()
            .map(|fix| {
                let place = location(sources, paths, fix.span);
                json!({
                    "deletedRegion": place["physicalLocation"]["region"],
                    "insertedContent": { "text": fix.replacement },
                })
            })
            .collect();
        let artifact =
            location(sources, paths, diag.span)["physicalLocation"]["artifactLocation"].clone();
        result["fixes"] = json!([{
            "description": { "text": diag.help.clone().unwrap_or_default() },
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": replacements,
            }],
        }]);
    }
    result
}

fn location(sources: &SourceMap, paths: &ReportPaths, span: Span) -> Value {
    let file = sources.get(span.file);
    let (name, relative) = paths.name(file);
    let artifact = if relative {
        json!({ "uri": uri_path(&name), "uriBaseId": "%SRCROOT%" })
    } else if name.starts_with('/') {
        json!({ "uri": file_uri(&name) })
    } else {
        json!({ "uri": uri_path(&name) })
    };
    let (start_line, start_column) = sources.line_col(span.file, span.start);
    let (end_line, end_column) = sources.line_col(span.file, span.end);
    json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            }
        }
    })
}
