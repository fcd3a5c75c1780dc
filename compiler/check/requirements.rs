//! Preference requirements against the catalog's instance types, with
//! KubeVirt's pairing rules (VALIDATION.md section 4): CPU (R1), memory (R2),
//! spread divisibility (S1), thread and socket limits (V5, V6). A preference
//! that no instance type satisfies cannot be used with any of them.

use super::semantics::{field, int_at, quantity_at, text_at};
use crate::diagnostic::Diagnostic;
use crate::resolve::{Catalog, Resource};
use crate::syntax::ast::Kind;
use crate::value::Value;

/// What an instance type offers to a preference.
struct Offer<'a> {
    name: &'a str,
    cpu: i64,
    memory_millis: i128,
    memory_text: String,
    dedicated: bool,
    max_sockets: Option<i64>,
}

/// How a preference lays out N vCPUs.
struct Layout {
    topology: String,
    across: String,
    ratio: i64,
    arm64: bool,
}

impl Layout {
    fn of(pref: &Resource) -> Layout {
        let topology = text_at(pref, &["spec", "cpu", "preferredCPUTopology"])
            .unwrap_or_else(|| "sockets".into());
        let default_ratio = match int_at(pref, &["spec", "preferSpreadSocketToCoreRatio"]) {
            Some(r) if r != 0 => r,
            _ => 2,
        };
        let arch = text_at(pref, &["spec", "requirements", "architecture"])
            .or_else(|| text_at(pref, &["spec", "preferredArchitecture"]));
        Layout {
            topology: topology.trim_start_matches("prefer").to_ascii_lowercase(),
            across: text_at(pref, &["spec", "cpu", "spreadOptions", "across"])
                .unwrap_or_else(|| "SocketsCores".into()),
            ratio: int_at(pref, &["spec", "cpu", "spreadOptions", "ratio"])
                .unwrap_or(default_ratio),
            arm64: arch.as_deref() == Some("arm64"),
        }
    }

    /// (sockets, cores, threads) for `n` vCPUs (VALIDATION.md section 3).
    fn split(&self, n: i64) -> (i64, i64, i64) {
        let r = self.ratio.max(1);
        if n == 1 {
            return (1, 1, 1);
        }
        match (self.topology.as_str(), self.across.as_str()) {
            ("cores", _) => (1, n, 1),
            ("threads", _) => (1, 1, n),
            ("spread", "CoresThreads") => (1, n / r, r),
            ("spread", "SocketsCoresThreads") => (n / 2 / r, r, 2),
            ("spread", _) => (n / r, r, 1),
            _ => (n, 1, 1),
        }
    }

    /// Why `offer` cannot carry this layout (S1, V5, V6), if it cannot.
    fn refusal(&self, offer: &Offer) -> Option<String> {
        let n = offer.cpu;
        let r = self.ratio;
        if self.topology == "spread" && r > 0 {
            let divisible = match self.across.as_str() {
                "SocketsCoresThreads" => n % 2 == 0 && (n / 2) % r == 0,
                _ => n % r == 0,
            };
            if !divisible {
                return Some(format!(
                    "{n} vCPUs do not spread {} with ratio {r}",
                    self.across
                ));
            }
        }
        let (sockets, _, threads) = self.split(n);
        if offer.dedicated && (threads > 2 || (self.arm64 && threads > 1)) {
            return Some(format!("{threads} threads per core with dedicated CPUs"));
        }
        if let Some(max) = offer.max_sockets.filter(|m| *m != 0) {
            if sockets > max {
                return Some(format!("{sockets} sockets exceed maxSockets {max}"));
            }
        }
        None
    }
}

pub fn check(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let offers: Vec<Offer> = catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Instancetype)
        .filter_map(|r| {
            let memory = quantity_at(r, &["spec", "memory", "guest"])?;
            Some(Offer {
                name: &r.name,
                cpu: int_at(r, &["spec", "cpu", "guest"])?,
                memory_millis: memory.millis,
                memory_text: memory.text,
                dedicated: matches!(
                    field(r, &["spec", "cpu", "dedicatedCPUPlacement"]).map(|n| &n.value),
                    Some(Value::Bool(true))
                ),
                max_sockets: int_at(r, &["spec", "cpu", "maxSockets"]),
            })
        })
        .collect();
    if offers.is_empty() {
        return;
    }
    for pref in catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Preference)
    {
        let Some(requirements) = field(pref, &["spec", "requirements"]) else {
            continue;
        };
        let cpu = int_at(pref, &["spec", "requirements", "cpu", "guest"]).unwrap_or(0);
        let memory = quantity_at(pref, &["spec", "requirements", "memory", "guest"]);
        let memory_millis = memory.as_ref().map_or(0, |q| q.millis);
        let layout = Layout::of(pref);
        let mut near: Vec<(f64, &Offer, Vec<String>)> = Vec::new();
        let mut satisfied = false;
        for offer in &offers {
            let mut reasons = Vec::new();
            let mut distance = 0.0;
            if offer.cpu < cpu {
                reasons.push(format!("{} vCPU < {cpu}", offer.cpu));
                distance += (cpu - offer.cpu) as f64 / cpu.max(1) as f64;
            }
            if offer.memory_millis < memory_millis {
                reasons.push(format!(
                    "{} < {}",
                    offer.memory_text,
                    memory.as_ref().map_or("", |q| q.text.as_str())
                ));
                distance +=
                    (memory_millis - offer.memory_millis) as f64 / memory_millis.max(1) as f64;
            }
            if let Some(refusal) = layout.refusal(offer) {
                reasons.push(refusal);
                distance += 1.0;
            }
            if reasons.is_empty() {
                satisfied = true;
                break;
            }
            near.push((distance, offer, reasons));
        }
        if satisfied {
            continue;
        }
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.name.cmp(b.1.name)));
        let closest: Vec<String> = near
            .iter()
            .take(3)
            .map(|(_, o, reasons)| format!("{} ({})", o.name, reasons.join(", ")))
            .collect();
        // Point at the value that no instance type reaches (a table cell
        // when it came from a row), else at the requirements as a whole.
        let cpu_short = offers.iter().all(|o| o.cpu < cpu);
        let memory_short = offers.iter().all(|o| o.memory_millis < memory_millis);
        let at = match (cpu_short, memory_short) {
            (true, _) => field(pref, &["spec", "requirements", "cpu", "guest"]),
            (false, true) => field(pref, &["spec", "requirements", "memory", "guest"]),
            _ => None,
        }
        .map_or(requirements.span, |node| node.span);
        let mut diag = Diagnostic::new(
            "E0230",
            at,
            format!(
                "no instance type in the catalog satisfies the requirements of preference `{}`",
                pref.name
            ),
        )
        .label(format!(
            "requires {cpu} vCPU and {}{}",
            memory.as_ref().map_or("no memory", |q| q.text.as_str()),
            if layout.topology == "spread" {
                format!(", spread {} ratio {}", layout.across, layout.ratio)
            } else {
                String::new()
            }
        ))
        .help(format!("closest: {}", closest.join("; ")));
        if at != requirements.span {
            diag = diag.with_secondary(pref.span, format!("required by `{}`", pref.name));
        }
        // An overlay that removed instance types may have removed the ones
        // that fit: show where, so the fault is found in the file that has it.
        let removed: Vec<&(Kind, String, crate::source::Span)> = catalog
            .removed
            .iter()
            .filter(|(kind, _, _)| *kind == Kind::Instancetype)
            .collect();
        if let Some((_, first, at)) = removed.first() {
            let others = removed.len() - 1;
            let more = if others > 0 {
                format!(" and {others} more")
            } else {
                String::new()
            };
            diag = diag.with_secondary(*at, format!("`{first}`{more} removed here"));
        }
        diags.push(diag);
    }
}
