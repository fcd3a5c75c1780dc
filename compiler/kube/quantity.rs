//! Resource quantities as Kubernetes writes them (`512Mi`, `1.5Gi`).

/// The accepted forms of a quantity, with a hint for common slips.
pub fn quantity_help(text: &str) -> String {
    let units = "a quantity is a decimal number and an optional suffix: Ki Mi Gi Ti Pi Ei (powers of 1024) or m k M G T P E (powers of 1000), e.g. 512Mi, 1.5Gi";
    let upper = text.to_ascii_uppercase();
    for (wrong, right) in [
        ("KB", "Ki"),
        ("MB", "Mi"),
        ("GB", "Gi"),
        ("TB", "Ti"),
        ("KIB", "Ki"),
        ("MIB", "Mi"),
        ("GIB", "Gi"),
        ("TIB", "Ti"),
    ] {
        if upper.ends_with(wrong) {
            return format!(
                "did you mean `{}{right}`? {units}",
                text[..text.len() - wrong.len()].trim_end()
            );
        }
    }
    // A binary suffix in the wrong case: `2gi`, `512MI`.
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &text[number.len()..];
    if !number.is_empty() && number.trim().parse::<f64>().is_ok() {
        for right in ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] {
            if suffix.eq_ignore_ascii_case(right) {
                return format!("did you mean `{}{right}`? {units}", number.trim_end());
            }
        }
    }
    units.to_string()
}
