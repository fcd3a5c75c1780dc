//! The page: index.html from the [`Model`], the changes of `--compare` as
//! `citc diff` writes them. Everything static is in the HTML; site.js
//! only hides what the filters leave out.

use std::fmt::Write as _;

use super::model::{Instancetype, Model, Preference, Series};
use crate::diff::compare::Report;
use crate::doc::features::{Feature, FEATURES};

/// What the page says about where it comes from.
pub struct Meta<'a> {
    /// The catalog's file, as given.
    pub catalog: &'a str,
    /// The version stamped on the resources.
    pub version: &'a str,
    /// `--compare`: the report and the REF it compares with.
    pub changes: Option<(&'a Report, &'a str)>,
}

pub fn page(model: &Model, meta: &Meta) -> String {
    let mut out = String::new();
    let title = format!("{} — instance types and preferences", meta.catalog);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"citc doc html\">\n\
<title>{}</title>\n<link rel=\"stylesheet\" href=\"site.css\">\n\
<script src=\"site.js\" defer></script>\n</head>\n<body>\n",
        esc(&title)
    );
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p>Version {}: {} {}, {} {}, {} series. \
Every resource is published twice, cluster-wide and namespaced.</p>\n</header>",
        esc(&title),
        esc(meta.version),
        model.instancetypes.len(),
        plural(model.instancetypes.len(), "instance type", "instance types"),
        model.preferences.len(),
        plural(model.preferences.len(), "preference", "preferences"),
        model.series.len(),
    );
    out.push_str("<nav aria-label=\"Sections\">\n<ul>\n");
    let mut sections = vec![
        ("filters", "Filters"),
        ("sizes", "Sizes"),
        ("series", "Series"),
        ("instancetypes", "Instance types"),
        ("preferences", "Preferences"),
    ];
    if meta.changes.is_some() {
        sections.push(("changes", "Changes"));
    }
    for (id, name) in sections {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{name}</a></li>");
    }
    out.push_str("</ul>\n</nav>\n<main>\n");
    filters(&mut out, model);
    size_grid(&mut out, model);
    series_section(&mut out, model);
    let changes = meta.changes.map(|(report, _)| report);
    instancetypes(&mut out, model, changes);
    preferences(&mut out, model, changes);
    if let Some((report, reference)) = meta.changes {
        changes_section(&mut out, report, reference);
    }
    let _ = writeln!(
        out,
        "</main>\n<footer>\n<p>Written by <code>citc doc html</code> from {}.</p>\n</footer>\n</body>\n</html>",
        esc(meta.catalog)
    );
    out
}

fn filters(out: &mut String, model: &Model) {
    let mut cpus: Vec<i64> = model.instancetypes.iter().filter_map(|t| t.cpu).collect();
    cpus.sort_unstable();
    cpus.dedup();
    let mut memories: Vec<(i128, &str)> = model
        .instancetypes
        .iter()
        .filter_map(|t| t.memory.as_ref().map(|m| (m.units(), m.text.as_str())))
        .collect();
    memories.sort_unstable();
    memories.dedup_by_key(|(bytes, _)| *bytes);
    let mut architectures: Vec<&str> = model
        .preferences
        .iter()
        .filter_map(|p| p.architecture.as_deref())
        .collect();
    architectures.sort_unstable();
    architectures.dedup();

    out.push_str(
        "<section id=\"filters\" aria-labelledby=\"filters-title\">\n\
<h2 id=\"filters-title\">Filters</h2>\n\
<div id=\"filter-form\" class=\"filters\" role=\"search\" aria-label=\"Instance types and preferences\">\n\
<p class=\"field\"><label for=\"search\">Name</label>\n\
<input id=\"search\" name=\"search\" type=\"search\" placeholder=\"u1.large, rhel\"></p>\n",
    );
    let select = |out: &mut String, id: &str, label: &str, options: &[(String, String)]| {
        let _ = writeln!(
            out,
            "<p class=\"field\"><label for=\"{id}\">{label}</label>"
        );
        let _ = writeln!(
            out,
            "<select id=\"{id}\" name=\"{id}\">\n<option value=\"\">any</option>"
        );
        for (value, text) in options {
            let _ = writeln!(
                out,
                "<option value=\"{}\">{}</option>",
                esc(value),
                esc(text)
            );
        }
        out.push_str("</select></p>\n");
    };
    let cpu_options: Vec<(String, String)> = cpus
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let memory_options: Vec<(String, String)> = memories
        .iter()
        .map(|(bytes, text)| (bytes.to_string(), text.to_string()))
        .collect();
    select(out, "cpu-min", "vCPUs at least", &cpu_options);
    select(out, "cpu-max", "vCPUs at most", &cpu_options);
    select(out, "memory-min", "Memory at least", &memory_options);
    select(out, "memory-max", "Memory at most", &memory_options);
    let arch_options: Vec<(String, String)> = architectures
        .iter()
        .map(|a| (a.to_string(), a.to_string()))
        .collect();
    select(out, "arch", "Architecture", &arch_options);
    let preference_options: Vec<(String, String)> = model
        .preferences
        .iter()
        .map(|p| (p.name.clone(), p.name.clone()))
        .collect();
    select(
        out,
        "preference",
        "Meets the requirements of",
        &preference_options,
    );
    out.push_str("<fieldset>\n<legend>Features (instance types)</legend>\n");
    for feature in FEATURES {
        if !model.instancetypes.iter().any(|t| has(t, feature)) {
            continue;
        }
        let key = feature.key;
        let _ = writeln!(
            out,
            "<label class=\"check\"><input type=\"checkbox\" id=\"feature-{key}\" name=\"feature-{key}\" value=\"{key}\"> {}</label>",
            feature.label
        );
    }
    out.push_str(
        "</fieldset>\n<p class=\"field\"><button type=\"button\" id=\"clear-filters\">Clear filters</button></p>\n</div>\n\
<p class=\"note\">vCPUs and memory select instance types by their size, and preferences \
whose requirements a VM of at most that size meets. Architecture selects preferences \
for it and those that name none; instance types name none. Features select instance types.</p>\n",
    );
    let _ = writeln!(
        out,
        "<p id=\"filter-status\" role=\"status\">Showing {} instance types and {} preferences.</p>\n</section>",
        model.instancetypes.len(),
        model.preferences.len()
    );
}

fn has(t: &Instancetype, feature: &Feature) -> bool {
    t.features.iter().any(|(f, _)| f.key == feature.key)
}

fn series_section(out: &mut String, model: &Model) {
    out.push_str("<section id=\"series\" aria-labelledby=\"series-title\">\n<h2 id=\"series-title\">Series</h2>\n");
    if model.series.is_empty() {
        out.push_str("<p>The catalog defines no series.</p>\n</section>\n");
        return;
    }
    // The feature table: features × series, as upstream's README has it.
    out.push_str("<div class=\"scroll\">\n<table class=\"features\">\n<caption>Features of each series, read from the spec of its instance types</caption>\n<thead>\n<tr><th scope=\"col\">Feature</th>");
    for s in &model.series {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&s.name));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for feature in FEATURES {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{} <span class=\"rule\">({})</span></th>",
            feature.label,
            code_spans(feature.rule)
        );
        for s in &model.series {
            match s.features.iter().find(|(f, _)| f.key == feature.key) {
                Some((_, value)) if value.is_empty() => out.push_str("<td>✓</td>"),
                Some((_, value)) => {
                    let _ = write!(out, "<td>✓ {}</td>", esc(value));
                }
                None => out.push_str("<td><span class=\"visually-hidden\">no</span></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("<tr><th scope=\"row\">vCPU-to-memory ratio</th>");
    for s in &model.series {
        let _ = write!(out, "<td>{}</td>", esc(s.ratio.as_deref().unwrap_or("")));
    }
    out.push_str("</tr>\n</tbody>\n</table>\n</div>\n");
    for s in &model.series {
        series_card(out, model, s);
    }
    out.push_str("</section>\n");
}

fn series_card(out: &mut String, model: &Model, s: &Series) {
    let id = anchor("series", &s.name);
    let _ = writeln!(
        out,
        "<article class=\"series\" id=\"{id}\" aria-labelledby=\"{id}-title\">"
    );
    let _ = write!(out, "<h3 id=\"{id}-title\">{}", esc(&s.name));
    if !s.display_name.is_empty() {
        let _ = write!(out, " — {}", esc(&s.display_name));
    }
    out.push_str("</h3>\n");
    let mut facts: Vec<(&str, String)> = Vec::new();
    if !s.class.is_empty() {
        facts.push(("Class", esc(&s.class)));
    }
    if let Some(ratio) = &s.ratio {
        let how = if s.ratio_declared {
            ""
        } else {
            " (most sizes)"
        };
        facts.push(("vCPU-to-memory ratio", format!("{}{how}", esc(ratio))));
    }
    let features: Vec<String> = s
        .features
        .iter()
        .map(|(f, v)| {
            if v.is_empty() {
                f.label.to_string()
            } else {
                format!("{} ({})", f.label, esc(v))
            }
        })
        .collect();
    facts.push(("Features", features.join(", ")));
    let sizes: Vec<String> = s
        .members
        .iter()
        .map(|&i| {
            let t = &model.instancetypes[i];
            let size = t.size.as_deref().unwrap_or(&t.name);
            format!(
                "<a href=\"#{}\">{}</a>",
                anchor("instancetype", &t.name),
                esc(size)
            )
        })
        .collect();
    facts.push(("Sizes", sizes.join(", ")));
    out.push_str("<dl>\n");
    for (term, value) in facts {
        let _ = writeln!(out, "<dt>{term}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n");
    paragraphs(out, &s.description);
    out.push_str("</article>\n");
}

/// A description: paragraphs at blank lines; lines kept as written.
fn paragraphs(out: &mut String, text: &str) {
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let _ = writeln!(out, "<p class=\"description\">{}</p>", esc(paragraph));
    }
}

fn size_grid(out: &mut String, model: &Model) {
    out.push_str("<section id=\"sizes\" aria-labelledby=\"sizes-title\">\n<h2 id=\"sizes-title\">Sizes</h2>\n");
    if model.series.is_empty() {
        out.push_str("<p>The catalog defines no series.</p>\n</section>\n");
        return;
    }
    out.push_str("<div class=\"scroll\">\n<table class=\"grid\">\n<caption>Each series' sizes: guest vCPUs and memory</caption>\n<thead>\n<tr><th scope=\"col\">Size</th>");
    for s in &model.series {
        let _ = write!(
            out,
            "<th scope=\"col\"><a href=\"#{}\">{}</a> <span class=\"sub\">{}</span></th>",
            anchor("series", &s.name),
            esc(&s.name),
            esc(&s.display_name),
        );
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for size in &model.sizes {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(size));
        for s in &model.series {
            let member = s
                .members
                .iter()
                .map(|&i| &model.instancetypes[i])
                .find(|t| t.size.as_deref() == Some(size));
            match member {
                Some(t) => {
                    let _ = write!(
                        out,
                        "<td><a href=\"#{id}\" data-instancetype=\"{name}\" aria-label=\"{name}: {cpu}, {memory}\"><span class=\"cpu\">{cpu}</span> <span class=\"memory\">{memory}</span></a></td>",
                        id = anchor("instancetype", &t.name),
                        name = esc(&t.name),
                        cpu = cpu_text(t.cpu),
                        memory = esc(&memory_text(t)),
                    );
                }
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn cpu_text(cpu: Option<i64>) -> String {
    match cpu {
        Some(1) => "1 vCPU".to_string(),
        Some(n) => format!("{n} vCPUs"),
        None => "vCPUs not set".to_string(),
    }
}

fn memory_text(t: &Instancetype) -> String {
    t.memory
        .as_ref()
        .map_or("memory not set".to_string(), |m| m.text.clone())
}

/// The change badge of a resource, from the report of `--compare`.
fn badge(out: &mut String, changes: Option<&Report>, kinds: [&str; 2], name: &str) {
    let Some(report) = changes else { return };
    let entry = report
        .entries
        .iter()
        .find(|e| e.name == name && kinds.contains(&e.kind.as_str()));
    if let Some(entry) = entry {
        let status = entry.status.as_str();
        let breaking = if entry.is_breaking() { " breaking" } else { "" };
        let _ = write!(
            out,
            " <span class=\"badge {status}{breaking}\">{status}{}</span>",
            if breaking.is_empty() {
                ""
            } else {
                ", breaking"
            }
        );
    }
}

fn instancetypes(out: &mut String, model: &Model, changes: Option<&Report>) {
    out.push_str("<section id=\"instancetypes\" aria-labelledby=\"instancetypes-title\">\n<h2 id=\"instancetypes-title\">Instance types</h2>\n");
    for t in &model.instancetypes {
        let features: Vec<&str> = t.features.iter().map(|(f, _)| f.key).collect();
        let _ = write!(
            out,
            "<details class=\"resource instancetype\" id=\"{id}\" data-name=\"{name}\" data-title=\"{title}\" data-cpu=\"{cpu}\" data-memory=\"{memory}\" data-features=\"{features}\">\n<summary><span class=\"name\">{name}</span> <span class=\"size\">{cpu_text}, {memory_text}</span>",
            id = anchor("instancetype", &t.name),
            name = esc(&t.name),
            title = esc(&t.display_name),
            cpu = t.cpu.unwrap_or(0),
            memory = t.memory.as_ref().map_or(0, |m| m.units()),
            features = features.join(" "),
            cpu_text = cpu_text(t.cpu),
            memory_text = esc(&memory_text(t)),
        );
        if !t.display_name.is_empty() {
            let _ = write!(
                out,
                " <span class=\"title\">{}</span>",
                esc(&t.display_name)
            );
        }
        badge(
            out,
            changes,
            [
                "VirtualMachineClusterInstancetype",
                "VirtualMachineInstancetype",
            ],
            &t.name,
        );
        out.push_str("</summary>\n<div class=\"body\">\n");
        let fits = model.preferences.iter().filter(|p| t.meets(p)).count();
        let _ = writeln!(
            out,
            "<p>Meets the requirements of {fits} of {} preferences.</p>",
            model.preferences.len()
        );
        labels(out, &t.labels);
        yaml(
            out,
            &t.yaml,
            [
                "VirtualMachineClusterInstancetype",
                "VirtualMachineInstancetype",
            ],
        );
        out.push_str("</div>\n</details>\n");
    }
    out.push_str("</section>\n");
}

fn preferences(out: &mut String, model: &Model, changes: Option<&Report>) {
    out.push_str("<section id=\"preferences\" aria-labelledby=\"preferences-title\">\n<h2 id=\"preferences-title\">Preferences</h2>\n");
    for p in &model.preferences {
        let _ = write!(
            out,
            "<details class=\"resource preference\" id=\"{id}\" data-name=\"{name}\" data-title=\"{title}\" data-arch=\"{arch}\" data-required-cpu=\"{cpu}\" data-required-memory=\"{memory}\">\n<summary><span class=\"name\">{name}</span>",
            id = anchor("preference", &p.name),
            name = esc(&p.name),
            title = esc(&p.display_name),
            arch = esc(p.architecture.as_deref().unwrap_or("")),
            cpu = p.required_cpu.unwrap_or(0),
            memory = p.required_memory.as_ref().map_or(0, |m| m.units()),
        );
        if !p.display_name.is_empty() {
            let _ = write!(
                out,
                " <span class=\"title\">{}</span>",
                esc(&p.display_name)
            );
        }
        if let Some(arch) = &p.architecture {
            let _ = write!(out, " <span class=\"arch\">{}</span>", esc(arch));
        }
        badge(
            out,
            changes,
            [
                "VirtualMachineClusterPreference",
                "VirtualMachinePreference",
            ],
            &p.name,
        );
        out.push_str("</summary>\n<div class=\"body\">\n");
        requirements(out, p);
        fitting(out, model, p);
        labels(out, &p.labels);
        yaml(
            out,
            &p.yaml,
            [
                "VirtualMachineClusterPreference",
                "VirtualMachinePreference",
            ],
        );
        out.push_str("</div>\n</details>\n");
    }
    out.push_str("</section>\n");
}

fn requirements(out: &mut String, p: &Preference) {
    if p.requirements.is_empty() {
        out.push_str("<p>No requirements.</p>\n");
        return;
    }
    out.push_str("<table class=\"pairs\">\n<caption>Requirements</caption>\n<tbody>\n");
    for (path, value) in &p.requirements {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">spec.requirements.{}</th><td>{}</td></tr>",
            esc(path),
            esc(value)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The instance types that meet the preference's requirements, by series.
fn fitting(out: &mut String, model: &Model, p: &Preference) {
    let _ = writeln!(
        out,
        "<p class=\"fits\">{} of {} instance types meet its requirements{}</p>",
        p.fits.len(),
        model.instancetypes.len(),
        if p.fits.is_empty() { "." } else { ":" }
    );
    if p.fits.is_empty() {
        return;
    }
    let mut groups: Vec<(Option<&str>, Vec<&Instancetype>)> = Vec::new();
    for &i in &p.fits {
        let t = &model.instancetypes[i];
        let key = t.series.as_deref();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(t),
            None => groups.push((key, vec![t])),
        }
    }
    out.push_str("<ul class=\"fits\">\n");
    for (series, members) in groups {
        let links: Vec<String> = members
            .iter()
            .map(|t| {
                format!(
                    "<a href=\"#{}\">{}</a>",
                    anchor("instancetype", &t.name),
                    esc(&t.name)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<li>{}: {}</li>",
            esc(series.unwrap_or("other")),
            links.join(", ")
        );
    }
    out.push_str("</ul>\n");
}

fn labels(out: &mut String, labels: &[(String, String)]) {
    if labels.is_empty() {
        return;
    }
    out.push_str("<table class=\"pairs\">\n<caption>Labels</caption>\n<tbody>\n");
    for (key, value) in labels {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(key),
            esc(value)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn yaml(out: &mut String, documents: &[String; 2], kinds: [&str; 2]) {
    for (text, kind) in documents.iter().zip(kinds) {
        let _ = writeln!(
            out,
            "<details class=\"yaml\">\n<summary>YAML to apply: {kind}</summary>\n<pre><code>{}</code></pre>\n</details>",
            esc(text)
        );
    }
}

fn changes_section(out: &mut String, report: &Report, reference: &str) {
    let summary = report.summary();
    let _ = writeln!(
        out,
        "<section id=\"changes\" aria-labelledby=\"changes-title\">\n<h2 id=\"changes-title\">Changes since {}</h2>",
        esc(reference)
    );
    let _ = writeln!(
        out,
        "<p>{} added, {} removed, {} changed, {} breaking, as <code>citc diff {}</code> reports them:</p>",
        summary.added,
        summary.removed,
        summary.changed,
        summary.breaking,
        esc(reference)
    );
    let _ = writeln!(
        out,
        "<pre class=\"diff\"><code>{}</code></pre>\n</section>",
        esc(&crate::diff::render::text(report, false))
    );
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The id of a resource's entry: `instancetype-u1_large`. Ids hold
/// letters, digits, `-` and `_` only; `.` becomes `_`, which no Kubernetes
/// name has, so ids stay unique.
fn anchor(kind: &str, name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' => c,
            _ => '_',
        })
        .collect();
    format!("{kind}-{name}")
}

/// Text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text whose `quoted` parts are code, as HTML.
fn code_spans(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}
