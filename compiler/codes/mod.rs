//! The table of diagnostic codes: one entry per code, with its severity, a
//! title and the long explanation that `citc explain CODE` prints. The
//! entries live by family: the language (syntax and resolution), the
//! checker, and warnings.

mod check;
mod language;
mod warnings;

/// Whether a code stops the build (an error) or not (a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub explanation: &'static str,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

/// Every code, in code order within each family: errors of the language,
/// errors of the checker, then warnings.
pub fn all() -> impl Iterator<Item = &'static CodeInfo> {
    language::CODES
        .iter()
        .chain(check::CODES)
        .chain(warnings::CODES)
}

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all().find(|c| c.code == code)
}

pub fn severity(code: &str) -> Severity {
    lookup(code).map_or(Severity::Error, |c| c.severity)
}
