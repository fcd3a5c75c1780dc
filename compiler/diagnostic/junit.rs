//! JUnit XML, the test report that GitLab, Jenkins and Prow show: one
//! test suite, `citc check`; a test case per diagnostic that fails the
//! check (errors, and warnings under `--deny warnings`), named by its code
//! and place, with a `<failure>`; a passing test case per file checked
//! without one; warnings that do not fail are passing cases with the
//! warning in `<system-out>`. tests/reports.rs reads the report with
//! junitparser.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::paths::ReportPaths;
use super::{render_short, Diagnostic};
use crate::source::SourceMap;

/// The JUnit XML report of `diagnostics` over the files of `sources`.
pub fn render_junit(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    warnings_fail: bool,
) -> String {
    let paths = ReportPaths::from_env();
    let name_of = |file| paths.name(sources.get(file)).0;
    let mut cases = String::new();
    let mut failures = 0;
    let mut tests = 0;
    let mut reported = BTreeSet::new();
    for diag in diagnostics {
        let file = name_of(diag.span.file);
        let (line, col) = sources.line_col(diag.span.file, diag.span.start);
        let fails = diag.is_error() || warnings_fail;
        reported.insert(file.clone());
        tests += 1;
        let mut text = render_short(sources, diag);
        if let Some(help) = &diag.help {
            let _ = write!(text, "\nhelp: {help}");
        }
        let _ = writeln!(
            cases,
            "    <testcase name=\"{} {}:{line}:{col}\" classname=\"{}\" file=\"{}\" line=\"{line}\">",
            diag.code,
            escape(&file),
            escape(&file),
            escape(&file),
        );
        if fails {
            failures += 1;
            let _ = writeln!(
                cases,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                diag.code,
                escape(&diag.message),
                escape(&text)
            );
        } else {
            let _ = writeln!(cases, "      <system-out>{}</system-out>", escape(&text));
        }
        cases.push_str("    </testcase>\n");
    }
    // Every file read from disk and not reported gets its passing case.
    let mut clean: Vec<String> = sources
        .paths()
        .filter_map(|path| sources.find_path(path))
        .map(name_of)
        .filter(|name| !reported.contains(name))
        .collect();
    clean.sort();
    clean.dedup();
    for file in &clean {
        tests += 1;
        let _ = writeln!(
            cases,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"/>",
            escape(file),
            escape(file),
            escape(file)
        );
    }
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\"");
    [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string(),
        format!("<testsuites name=\"citc\" {counts}>\n"),
        format!("  <testsuite name=\"citc check\" {counts}>\n"),
        cases,
        "  </testsuite>\n</testsuites>\n".to_string(),
    ]
    .concat()
}

/// Text for an XML attribute or element; characters XML 1.0 cannot hold
/// (control characters other than tab and newlines) become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}"
        );
    }
}
