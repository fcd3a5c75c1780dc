//! One diagnostic model for every phase. Renderers are plain functions over
//! it: `render_human` (miette's graphical report), `render_short`
//! (`file:line:col: severity[code]: message`), `render_json` (one object a
//! line); for CI, GitHub annotations (`github.rs`), SARIF (`sarif.rs`) and
//! JUnit XML (`junit.rs`), which name files from the repository's root
//! (`paths.rs`).

pub mod echo;
mod excerpt;
mod fix;
mod github;
mod junit;
mod paths;
mod sarif;

pub use fix::{Edit, Fix};

pub use github::{render_github, render_github_grouped};
pub use junit::render_junit;
pub use paths::{file_uri, uri_path, uri_path_decoded, ReportPaths};
pub use sarif::render_sarif;

// A code's severity is in its table entry, so the table defines it.
pub use crate::codes::Severity;

use crate::codes;
use crate::source::{SourceMap, Span};

/// A secondary place involved in a problem (the parent that set a value,
/// the other mixin, the first definition of a duplicated name).
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// What the underline at `span` says.
    pub label: String,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// The edits that do what `help` says, when the check knows them (see
    /// `fix.rs`).
    pub fixes: Vec<Edit>,
}

impl Diagnostic {
    /// An error whose severity comes from the code table.
    pub fn new(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: codes::severity(code),
            message: echo::bounded(message.into(), echo::MAX_MESSAGE_CHARS),
            span,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = echo::bounded(label.into(), echo::MAX_MESSAGE_CHARS);
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: echo::bounded(message.into(), echo::MAX_MESSAGE_CHARS),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(echo::bounded(help.into(), echo::MAX_HELP_CHARS));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How many diagnostics of one code at one place are shown; a matrix gone
/// wrong can make thousands, and the first few say it all.
const MAX_SAME_PLACE: usize = 3;

/// Names for a message about several resources, each once: "`a`", "`a`
/// and `b`", "`a`, `b`, `c` and 4 more (7 resources)".
pub fn name_list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let quoted: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n if n <= SHOWN => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
        n => format!(
            "{} and {} more ({n} resources)",
            quoted.join(", "),
            n - SHOWN
        ),
    }
}

/// Sorts diagnostics by file, then position, then code, drops exact repeats,
/// and folds long runs of one code at one place into a count.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (a.span.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diags.dedup_by(|a, b| a.span == b.span && a.code == b.code && a.message == b.message);
    // (diagnostic, how many like it after it were folded into it)
    let mut kept: Vec<(Diagnostic, usize)> = Vec::with_capacity(diags.len());
    let mut run = 0;
    for diag in diags.drain(..) {
        let same = kept
            .last()
            .is_some_and(|(last, _)| last.span == diag.span && last.code == diag.code);
        run = if same { run + 1 } else { 1 };
        match kept.last_mut() {
            Some((_, hidden)) if run > MAX_SAME_PLACE => *hidden += 1,
            _ => kept.push((diag, 0)),
        }
    }
    diags.extend(kept.into_iter().map(|(mut diag, hidden)| {
        if hidden > 0 {
            let help = diag.help.take().unwrap_or_default();
            diag.help = Some(format!("{help}{}", folded_note(diag.code, hidden)));
        }
        diag
    }));
}

/// What [`sort_diagnostics`] appends to the help of the last diagnostic it
/// shows at a place where it folded `hidden` more of `code`.
fn folded_note(code: &str, hidden: usize) -> String {
    format!(" ({hidden} more {code} here not shown)")
}

/// A diagnostic's help without the note of [`folded_note`], and the number
/// of diagnostics the note says were folded into it.
pub fn split_folded(diag: &Diagnostic) -> (Option<&str>, usize) {
    let Some(help) = diag.help.as_deref() else {
        return (None, 0);
    };
    let suffix = format!(" more {} here not shown)", diag.code);
    let folded = help.strip_suffix(&suffix).and_then(|rest| {
        let open = rest.rfind(" (")?;
        let hidden = rest[open + 2..].parse::<usize>().ok()?;
        Some((&help[..open], hidden))
    });
    match folded {
        Some((help, hidden)) => ((!help.is_empty()).then_some(help), hidden),
        None => (Some(help), 0),
    }
}

/// `file:line:col: severity[code]: message`
pub fn render_short(sources: &SourceMap, diag: &Diagnostic) -> String {
    let file = sources.get(diag.span.file);
    let (line, col) = sources.line_col(diag.span.file, diag.span.start);
    format!(
        "{}:{}:{}: {}[{}]: {}",
        file.name,
        line,
        col,
        diag.severity.as_str(),
        diag.code,
        diag.message
    )
}

/// miette's graphical report: the snippet with the span underlined, the
/// secondary labels of the same file, the help line; labels in other files
/// follow as notes with their own snippet.
pub fn render_human(sources: &SourceMap, diag: &Diagnostic, color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

    let file = sources.get(diag.span.file);
    let mut notes = Vec::new();
    let mut spans = vec![(diag.span.start as usize, diag.span.end as usize)];
    let mut messages = vec![non_empty(&diag.label)];
    for secondary in &diag.secondary {
        if secondary.span.file == diag.span.file {
            spans.push((secondary.span.start as usize, secondary.span.end as usize));
            messages.push(Some(secondary.message.clone()));
        } else {
            notes.push(secondary);
        }
    }
    let (excerpt, moved) = excerpt::Excerpt::new(file, &spans);
    let labels: Vec<LabeledSpan> = moved
        .into_iter()
        .zip(messages)
        .enumerate()
        .map(|(i, (span, message))| {
            if i == 0 {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        })
        .collect();
    let severity = match diag.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut report = MietteDiagnostic::new(diag.message.clone())
        .with_code(diag.code)
        .with_severity(severity)
        .with_labels(labels);
    if let Some(help) = &diag.help {
        report = report.with_help(help.clone());
    }
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let report = miette::Report::new(report).with_source_code(excerpt);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = render_short(sources, diag);
    }
    for note in notes {
        let (line, col) = sources.line_col(note.span.file, note.span.start);
        out.push_str(&format!(
            "  note: {} ({}:{}:{})\n",
            note.message,
            sources.get(note.span.file).name,
            line,
            col
        ));
    }
    out
}

fn non_empty(label: &str) -> Option<String> {
    if label.is_empty() {
        None
    } else {
        Some(label.to_string())
    }
}

/// One JSON object (one line) per diagnostic: code, severity, message, file,
/// line, column, end {line, column}, help, labels [{file, line, column, end,
/// message}], fixes [{file, line, column, end, replacement}]: one change,
/// applied together.
pub fn render_json(sources: &SourceMap, diag: &Diagnostic) -> String {
    let position = |span: Span| {
        let (line, column) = sources.line_col(span.file, span.start);
        let (end_line, end_column) = sources.line_col(span.file, span.end);
        JsonPosition {
            file: &sources.get(span.file).name,
            line,
            column,
            end: JsonEnd {
                line: end_line,
                column: end_column,
            },
        }
    };
    let labels = std::iter::once((diag.span, diag.label.as_str()))
        .chain(diag.secondary.iter().map(|l| (l.span, l.message.as_str())))
        .map(|(span, message)| JsonLabel {
            at: position(span),
            message,
        })
        .collect();
    let fixes = diag
        .fixes(&sources.get(diag.span.file).text)
        .into_iter()
        .map(|fix| JsonFix {
            at: position(fix.span),
            replacement: fix.replacement,
        })
        .collect();
    let line = JsonDiagnostic {
        code: diag.code,
        severity: diag.severity.as_str(),
        message: &diag.message,
        at: position(diag.span),
        help: diag.help.as_deref(),
        labels,
        fixes,
    };
    serde_json::to_string(&line).expect("a diagnostic is always JSON")
}

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    #[serde(flatten)]
    at: JsonPosition<'a>,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(serde::Serialize)]
struct JsonPosition<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end: JsonEnd,
}

#[derive(serde::Serialize)]
struct JsonEnd {
    line: usize,
    column: usize,
}

#[derive(serde::Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    at: JsonPosition<'a>,
    message: &'a str,
}

#[derive(serde::Serialize)]
struct JsonFix<'a> {
    #[serde(flatten)]
    at: JsonPosition<'a>,
    replacement: String,
}

/// `text` as a JSON string, quoted and escaped (serde_json's escaping).
pub fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string is always JSON")
}
