//! Preference requirements against the catalog's instance types, with
//! KubeVirt's pairing rules (VALIDATION.md section 4): CPU (R1), memory (R2),
//! spread divisibility (S1), thread and socket limits (V5, V6). A preference
//! that no instance type satisfies cannot be used with any of them.

use super::semantics::{field, int_at, quantity_at, text_at};
use crate::diagnostic::Diagnostic;
use crate::resolve::{Catalog, Resource};
use crate::source::Span;
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

fn offer(r: &Resource) -> Option<Offer<'_>> {
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
}

/// What a preference requires, and why an instance type falls short.
struct Need {
    cpu: i64,
    memory: Option<crate::value::Quantity>,
    layout: Layout,
}

impl Need {
    fn of(pref: &Resource) -> Need {
        Need {
            cpu: int_at(pref, &["spec", "requirements", "cpu", "guest"]).unwrap_or(0),
            memory: quantity_at(pref, &["spec", "requirements", "memory", "guest"]),
            layout: Layout::of(pref),
        }
    }

    fn memory_millis(&self) -> i128 {
        self.memory.as_ref().map_or(0, |q| q.millis)
    }

    /// Why `offer` does not satisfy it (empty: it does), and how far off.
    fn shortfall(&self, offer: &Offer) -> (Vec<String>, f64) {
        let (cpu, memory_millis) = (self.cpu, self.memory_millis());
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
                self.memory.as_ref().map_or("", |q| q.text.as_str())
            ));
            distance += (memory_millis - offer.memory_millis) as f64 / memory_millis.max(1) as f64;
        }
        if let Some(refusal) = self.layout.refusal(offer) {
            reasons.push(refusal);
            distance += 1.0;
        }
        (reasons, distance)
    }

    fn describe(&self) -> String {
        format!(
            "requires {} vCPU and {}{}",
            self.cpu,
            self.memory
                .as_ref()
                .map_or("no memory", |q| q.text.as_str()),
            if self.layout.topology == "spread" {
                format!(
                    ", spread {} ratio {}",
                    self.layout.across, self.layout.ratio
                )
            } else {
                String::new()
            }
        )
    }
}

/// A preference that no instance type satisfies, and where to report it.
struct Unmet<'a> {
    pref: &'a Resource,
    /// The value no instance type reaches, else the requirements.
    at: Span,
    need: Need,
    closest: Vec<String>,
    /// The `remove`s that took out instance types that fit, in order, with
    /// what each took that fit.
    removes: Vec<(Span, Vec<&'a str>)>,
}

pub fn check(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let offers: Vec<Offer> = catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Instancetype)
        .filter_map(offer)
        .collect();
    if offers.is_empty() {
        return;
    }
    let removed: Vec<(Offer, Span)> = catalog
        .removed
        .iter()
        .filter(|(r, _)| r.kind == Kind::Instancetype)
        .filter_map(|(r, by)| Some((offer(r)?, *by)))
        .collect();
    let mut unmet: Vec<Unmet> = Vec::new();
    for pref in catalog
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Preference)
    {
        let Some(requirements) = field(pref, &["spec", "requirements"]) else {
            continue;
        };
        let need = Need::of(pref);
        let mut near: Vec<(f64, &Offer, Vec<String>)> = Vec::new();
        let mut satisfied = false;
        for offer in &offers {
            let (reasons, distance) = need.shortfall(offer);
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
        let closest = near
            .iter()
            .take(3)
            .map(|(_, o, reasons)| format!("{} ({})", o.name, reasons.join(", ")))
            .collect();
        // Point at the value that no instance type reaches (a table cell
        // when it came from a row), else at the requirements as a whole.
        let cpu_short = offers.iter().all(|o| o.cpu < need.cpu);
        let memory_short = offers
            .iter()
            .all(|o| o.memory_millis < need.memory_millis());
        let at = match (cpu_short, memory_short) {
            (true, _) => field(pref, &["spec", "requirements", "cpu", "guest"]),
            (false, true) => field(pref, &["spec", "requirements", "memory", "guest"]),
            _ => None,
        }
        .map_or(requirements.span, |node| node.span);
        // The removes that took out what would have fit.
        let mut removes: Vec<(Span, Vec<&str>)> = Vec::new();
        for (offer, by) in &removed {
            if !need.shortfall(offer).0.is_empty() {
                continue;
            }
            match removes.iter_mut().find(|(span, _)| span == by) {
                Some((_, names)) => names.push(offer.name),
                None => removes.push((*by, vec![offer.name])),
            }
        }
        unmet.push(Unmet {
            pref,
            at,
            need,
            closest,
            removes,
        });
    }
    report(unmet, diags);
}

/// One diagnostic per cause: the `remove`s that took out what fit (at the
/// first of them, in the file that made the change), else the requirement
/// that nothing reaches; each names every preference it leaves unmet.
fn report(unmet: Vec<Unmet>, diags: &mut Vec<Diagnostic>) {
    let mut groups: Vec<Vec<Unmet>> = Vec::new();
    for item in unmet {
        let same = |g: &Vec<Unmet>| {
            g[0].at == item.at
                && g[0]
                    .removes
                    .iter()
                    .map(|r| r.0)
                    .eq(item.removes.iter().map(|r| r.0))
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(group) => group.push(item),
            None => groups.push(vec![item]),
        }
    }
    for group in groups {
        let first = &group[0];
        let names: Vec<&str> = group.iter().map(|u| u.pref.name.as_str()).collect();
        let who = crate::diagnostic::name_list(&names);
        let preferences = if names.len() == 1 {
            "preference"
        } else {
            "preferences"
        };
        let diag = match first.removes.as_slice() {
            [] => {
                let mut diag = Diagnostic::new(
                    "E0230",
                    first.at,
                    format!("no instance type in the catalog satisfies the requirements of {preferences} {who}"),
                )
                .label(first.need.describe())
                .help(format!("closest: {}", first.closest.join("; ")));
                for u in &group {
                    if u.at != u.pref.span {
                        diag = diag
                            .with_secondary(u.pref.span, format!("required by `{}`", u.pref.name));
                    }
                }
                diag
            }
            [(by, fit), rest @ ..] => {
                let fit_names = crate::diagnostic::name_list(fit);
                let mut diag = Diagnostic::new(
                    "E0230",
                    *by,
                    format!("after this `remove`, no instance type satisfies the requirements of {preferences} {who}"),
                )
                .label(format!("removes {fit_names}, which fit"))
                .with_secondary(first.at, first.need.describe());
                for (other, fit) in rest {
                    diag = diag.with_secondary(
                        *other,
                        format!(
                            "also removes {}, which fit",
                            crate::diagnostic::name_list(fit)
                        ),
                    );
                }
                let kept = fit.first().copied().unwrap_or_default();
                let remove_too = format!("remove preference {}", names.join(", "));
                diag.help(format!(
                    "keep an instance type that fits (`{kept}`), or remove the {preferences} too: `{remove_too}`"
                ))
                .edit(crate::diagnostic::Edit::LineAfter(*by, remove_too))
            }
        };
        diags.push(diag);
    }
}
