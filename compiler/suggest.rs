//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    // On a tie, a candidate that extends what was typed (`gpu` → `gpus`)
    // is the likelier one.
    candidates
        .map(|c| (edit_distance(name, c), !c.starts_with(name), c))
        .filter(|(d, _, _)| *d <= limit)
        .min()
        .map(|(_, _, c)| c)
}

/// Edit distance over characters, counting a swap of neighbours as one edit
/// (optimal string alignment, strsim's), so `linxu` is one edit from `linux`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// The candidate a mistyped *value* most likely meant: one that differs only
/// in case, else one that the value contains or that contains it (`win11`
/// for `11`), else the closest by edit distance.
pub fn closest_value<'a>(
    value: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    if let Some(same) = candidates.clone().find(|c| c.eq_ignore_ascii_case(value)) {
        return Some(same);
    }
    let lower = value.to_ascii_lowercase();
    let contained = candidates
        .clone()
        .filter(|c| {
            let c = c.to_ascii_lowercase();
            c.len() >= 2 && (lower.contains(&c) || c.contains(&lower))
        })
        .max_by_key(|c| c.len());
    contained.or_else(|| closest(value, candidates))
}

/// The `count` names nearest to what a `*` pattern spells before its first
/// `*` (what it names by hand), nearest first: for a pattern that matches
/// nothing (`centos.7*` after a removal, `rhel8.*` for `rhel.8*`).
pub fn nearest_to_pattern<'a>(
    pattern: &str,
    names: impl Iterator<Item = &'a str>,
    count: usize,
) -> Vec<&'a str> {
    let literal = pattern.split('*').next().unwrap_or(pattern);
    let width = literal.chars().count();
    let mut scored: Vec<(usize, &str)> = names
        .map(|name| {
            let head: String = name.chars().take(width).collect();
            (edit_distance(literal, &head), name)
        })
        .collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(count).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos() {
        let names = ["secureboot", "efi", "tpm"];
        assert_eq!(
            super::closest("secureBoot", names.iter().copied()),
            Some("secureboot")
        );
        assert_eq!(
            super::closest("linxu", ["linux"].iter().copied()),
            Some("linux")
        );
        assert_eq!(super::closest("zzzzz", names.iter().copied()), None);
        assert_eq!(
            super::closest("gpu", ["cpu", "gpus"].iter().copied()),
            Some("gpus")
        );
    }

    #[test]
    fn values_by_case_containment_then_distance() {
        let values = ["xp", "2k22", "10", "11"];
        let best = |v| super::closest_value(v, values.iter().copied());
        assert_eq!(best("XP"), Some("xp"));
        assert_eq!(best("win11"), Some("11"));
        assert_eq!(best("2k2"), Some("2k22"));
        assert_eq!(best("vista"), None);
    }
}
