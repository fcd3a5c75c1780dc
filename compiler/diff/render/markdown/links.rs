//! Links: where a citation of the catalog (`catalog.cit:395`) points to
//! when the repository's URL is known.

use std::collections::HashMap;
use std::fmt::Write as _;

/// Where a citation (`catalog.cit:395`) links to: `base` + the file's path
/// in the repository + `#L395`.
#[derive(Debug, Clone, Default)]
pub struct Links {
    base: String,
    /// A source's name as cited → its path in the repository.
    files: HashMap<String, String>,
}

impl Links {
    /// `base` is the URL of the repository's files at this version
    /// (`https://github.com/OWNER/REPO/blob/REVISION`); `files` maps the
    /// names citations use to paths from the repository's top.
    pub fn new(base: &str, files: HashMap<String, String>) -> Links {
        Links {
            base: base.trim_end_matches('/').to_string(),
            files,
        }
    }

    /// The URL of a citation `FILE:LINE`, when FILE is in the repository.
    pub fn url(&self, citation: &str) -> Option<String> {
        let (file, line) = citation.rsplit_once(':')?;
        line.parse::<usize>().ok()?;
        let path = self.files.get(file)?;
        Some(format!("{}/{}#L{line}", self.base, url_path(path)))
    }
}

/// A path with every byte but unreserved characters and `/` escaped.
fn url_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_point_into_the_repository() {
        let links = Links::new(
            "https://github.com/o/r/blob/abc/",
            HashMap::from([(
                "catalog.cit".to_string(),
                "cat alog/catalog.cit".to_string(),
            )]),
        );
        assert_eq!(
            links.url("catalog.cit:395").as_deref(),
            Some("https://github.com/o/r/blob/abc/cat%20alog/catalog.cit#L395")
        );
        assert_eq!(links.url("std/kubevirt.cit:52"), None);
        assert_eq!(links.url("catalog.cit"), None);
    }
}
