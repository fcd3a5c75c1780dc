//! Overlays: `patch` and `remove` change the resources that definitions
//! made, for a downstream catalog that imports someone else's.
//!
//! They apply to resolved resources, as a kustomize patch applies to built
//! ones: a patch of `rhel.9` does not reach `rhel.9.desktop`, which
//! inherited from it (select both, `rhel.9*`, to change both). Derived
//! labels are computed after, so they follow what a patch changes. Overlays
//! apply file by file, each file's after those of the files it imports,
//! and in source order within a file. A target that selects nothing is an
//! error: a misspelt name must not leave a resource silently unchanged.

use super::*;

/// Where each removed resource was removed, to explain a later target that
/// no longer finds it.
type Removed = HashMap<(Kind, String), Span>;

impl<'a> Resolver<'a, '_> {
    /// The resources after every overlay, and those removed (with the
    /// `remove` that removed each), in order.
    pub(super) fn apply_overlays(
        &mut self,
        mut resources: Vec<Resource>,
    ) -> (Vec<Resource>, Vec<(Resource, Span)>) {
        let mut removed = Removed::default();
        let mut removed_in_order = Vec::new();
        for overlay in self.symbols.overlays.clone() {
            match overlay {
                Overlay::Remove(def) => {
                    let selected = self.select(&def.selection, &resources, &removed);
                    let mut keep = vec![true; resources.len()];
                    for index in selected {
                        keep[index] = false;
                        let resource = &resources[index];
                        removed.insert((resource.kind, resource.name.clone()), def.span);
                        removed_in_order.push((resource.clone(), def.span));
                    }
                    let mut keep = keep.into_iter();
                    resources.retain(|_| keep.next().unwrap_or(true));
                }
                Overlay::Patch(def) => {
                    let selected = self.select(&def.selection, &resources, &removed);
                    let chosen: Vec<&Resource> = selected.iter().map(|&i| &resources[i]).collect();
                    self.check_patch_whens(def, &chosen);
                    self.patch_columns = chosen
                        .iter()
                        .flat_map(|r| r.row.iter().map(|(column, _)| column.clone()))
                        .collect();
                    let mut changed = false;
                    for &index in &selected {
                        changed |= self.patch(&mut resources[index], def);
                    }
                    self.patch_columns.clear();
                    // A patch with an error is reported for that alone.
                    let inside = |span: Span| {
                        span.file == def.span.file
                            && def.span.start <= span.start
                            && span.end <= def.span.end
                    };
                    let failed = self.diags.iter().any(|d| d.is_error() && inside(d.span));
                    if !changed && !selected.is_empty() && !failed {
                        self.diags.push(unchanged(def, selected.len()));
                    }
                }
            }
        }
        (resources, removed_in_order)
    }

    /// Applies a patch's body to one resource, as one more level of its
    /// definition: its mixins, then its statements, with the resource's row
    /// bound as variables. Says whether the resource changed.
    fn patch(&mut self, resource: &mut Resource, def: &'a PatchDef) -> bool {
        let globals = Rc::clone(&self.symbols.globals);
        let env = Env {
            row: resource.row.as_ref().clone(),
            globals: &globals,
        };
        let outer = std::mem::take(&mut self.level_uses);
        let id = (resource.kind, resource.name.clone());
        let outer_context = self.trace.as_mut().map(|tracer| {
            let log = tracer.out.resources.remove(&id).unwrap_or_default();
            tracer.push_frame(log);
            std::mem::replace(
                &mut tracer.context,
                vec![trace::Via::Patch { at: def.span }],
            )
        });
        let tree = self.apply_level(resource.tree.clone(), &def.body, &env, resource.kind);
        if let (Some(tracer), Some(outer)) = (&mut self.trace, outer_context) {
            let log = tracer.pop_frame();
            tracer.out.resources.insert(id, log);
            tracer.context = outer;
        }
        let new_uses = std::mem::replace(&mut self.level_uses, outer);
        if !new_uses.is_empty() {
            let mut uses = resource.uses.as_ref().clone();
            uses.extend(new_uses);
            resource.uses = Rc::new(uses);
        }
        match tree {
            Some(tree) if tree != resource.tree => {
                resource.tree = tree;
                true
            }
            _ => false,
        }
    }

    /// The indices of the resources the selection matches, in order. Every
    /// target must match at least one.
    fn select(
        &mut self,
        selection: &Selection,
        resources: &[Resource],
        removed: &Removed,
    ) -> Vec<usize> {
        let of_kind = |r: &Resource| selection.kind.is_none_or(|k| k == r.kind);
        let mut selected = vec![false; resources.len()];
        for target in &selection.targets {
            let mut resolved_label = None;
            let matches: Vec<usize> = match target {
                Target::Name(name, _) => indices(resources, |r| of_kind(r) && r.name == *name),
                Target::Pattern(pattern, _) => {
                    indices(resources, |r| of_kind(r) && glob_match(pattern, &r.name))
                }
                Target::Series(series) => {
                    if !self.known_series(series, selection.kind) {
                        continue;
                    }
                    indices(resources, |r| {
                        r.kind == Kind::Instancetype
                            && r.attributes
                                .iter()
                                .any(|(k, v)| k == "series" && *v == series.name)
                    })
                }
                Target::Label {
                    key,
                    via_alias,
                    value,
                    ..
                } => {
                    let Some(label) = self.label_key(key, *via_alias, selection.kind) else {
                        continue;
                    };
                    let wanted = match value {
                        None => None,
                        Some(expr) => {
                            let env = Env {
                                row: Vec::new(),
                                globals: &self.symbols.globals,
                            };
                            match eval_scalar(expr, &env) {
                                Ok(node) => Some(node.value.as_text().unwrap_or_default()),
                                Err(d) => {
                                    self.diags.push(d);
                                    continue;
                                }
                            }
                        }
                    };
                    let rules = &self.symbols.derive_rules;
                    let found = indices(resources, |r| {
                        of_kind(r)
                            && label_of(r, &label, rules)
                                .is_some_and(|v| wanted.as_ref().is_none_or(|w| *w == v))
                    });
                    resolved_label = Some(label);
                    found
                }
            };
            if matches.is_empty() {
                let diag = self.nothing_selected(
                    target,
                    selection,
                    resources,
                    removed,
                    resolved_label.as_deref(),
                );
                self.diags.push(diag);
            }
            for index in matches {
                selected[index] = true;
            }
        }
        indices_where(&selected)
    }

    fn known_series(&mut self, series: &Ident, kind: Option<Kind>) -> bool {
        if kind == Some(Kind::Preference) {
            self.diags.push(
                Diagnostic::new(
                    "E0131",
                    series.span,
                    format!("a series makes instance types, not preferences: `series {}` selects none here", series.name),
                )
                .label("no preference comes from a series")
                .help(format!("write `instancetype series {}`, or select preferences by name", series.name)),
            );
            return false;
        }
        if self.symbols.series.contains_key(&series.name) {
            return true;
        }
        let help = hints::unknown_name_help(
            "series",
            &series.name,
            self.symbols.series.keys().map(String::as_str),
            "a series is defined with `series NAME { … }` here or in an imported catalog",
        );
        self.diags.push(
            Diagnostic::new(
                "E0131",
                series.span,
                format!("unknown series `{}`", series.name),
            )
            .label("no such series")
            .help(help),
        );
        false
    }

    /// The label key a target names: a quoted key, or an alias of one.
    fn label_key(&mut self, key: &Ident, via_alias: bool, kind: Option<Kind>) -> Option<String> {
        if !via_alias {
            return Some(key.name.clone());
        }
        let slots = self.symbols.aliases.get(&key.name);
        let alias = slots.and_then(|slots| match kind {
            Some(kind) => slots[alias_slot(Some(kind))].or(slots[alias_slot(None)]),
            None => slots[alias_slot(None)]
                .or(slots[alias_slot(Some(Kind::Instancetype))])
                .or(slots[alias_slot(Some(Kind::Preference))]),
        });
        let segments: Option<Vec<&str>> =
            alias.map(|a| a.target.segments.iter().map(|s| s.name.as_str()).collect());
        match segments.as_deref() {
            Some(["metadata", "labels", label]) => Some(label.to_string()),
            Some(_) => {
                self.diags.push(
                    Diagnostic::new("E0131", key.span, format!("the alias `{}` is not a label", key.name))
                        .label("names a field, not a label")
                        .help("select by a label: `label \"example.com/key\" == \"value\"`, or an alias of `metadata.labels.\"…\"`"),
                );
                None
            }
            None => {
                self.diags.push(
                    Diagnostic::new("E0131", key.span, format!("unknown alias `{}`", key.name))
                        .label("no such alias")
                        .help(format!("quote a label key: `label \"{}\"`, or import the module that defines the alias (`vendor` and `class` are std/kubevirt's)", key.name)),
                );
                None
            }
        }
    }

    /// E0131 for a target that matches no resource, with the likeliest
    /// reason.
    fn nothing_selected(
        &self,
        target: &Target,
        selection: &Selection,
        resources: &[Resource],
        removed: &Removed,
        label: Option<&str>,
    ) -> Diagnostic {
        let kind = selection.kind;
        let what = match kind {
            Some(Kind::Instancetype) => "instance type",
            Some(Kind::Preference) => "preference",
            None => "resource",
        };
        let names = || {
            resources
                .iter()
                .filter(move |r| kind.is_none_or(|k| k == r.kind))
                .map(|r| r.name.as_str())
        };
        let span = target.span();
        match target {
            Target::Name(name, _) => {
                let gone = [Kind::Instancetype, Kind::Preference]
                    .into_iter()
                    .filter(|k| kind.is_none_or(|kind| kind == *k))
                    .find_map(|k| removed.get(&(k, name.clone())));
                let diag = Diagnostic::new("E0131", span, format!("no {what} named `{name}`"))
                    .label("matches nothing");
                if let Some(at) = gone {
                    return diag
                        .with_secondary(*at, "removed here")
                        .help("an overlay cannot reach a resource that an earlier `remove` took out: move this before the `remove`, or drop it");
                }
                let other_kind = resources
                    .iter()
                    .find(|r| r.name == *name && kind.is_some_and(|k| k != r.kind));
                if let Some(other) = other_kind {
                    let article = match other.kind {
                        Kind::Instancetype => "an instance type",
                        Kind::Preference => "a preference",
                    };
                    let diag = diag.help(format!(
                        "`{name}` is {article}; write `{} {name}`",
                        other.kind.keyword()
                    ));
                    // The kind word opens the selection; with other
                    // targets beside this one, it is theirs too.
                    return match (kind, selection.targets.len()) {
                        (Some(written), 1) => {
                            let start = selection.span.start as usize;
                            let word = Span::new(span.file, start, start + written.keyword().len());
                            diag.fix(word, other.kind.keyword())
                        }
                        _ => diag,
                    };
                }
                match closest(name, names()) {
                    Some(best) => diag.help(format!("did you mean `{best}`?")),
                    None => diag.help(format!(
                        "`patch` and `remove` change resources that are already defined; to add one, define it: `{} {name} {{ … }}`",
                        kind.unwrap_or(Kind::Preference).keyword()
                    )),
                }
            }
            Target::Pattern(pattern, _) => {
                let removed_here = removed
                    .iter()
                    .filter(|((k, n), _)| {
                        kind.is_none_or(|kind| kind == *k) && glob_match(pattern, n)
                    })
                    .map(|(_, at)| *at)
                    .min_by_key(|at| (at.file, at.start));
                let diag = Diagnostic::new("E0131", span, format!("`{pattern}` matches no {what}"))
                    .label("matches nothing");
                match removed_here {
                    Some(at) => diag
                        .with_secondary(at, "what it matched was removed here")
                        .help(
                            "an overlay cannot reach resources that an earlier `remove` took out",
                        ),
                    None if names().next().is_none() => diag.help(format!(
                        "the catalog has no {what} for a pattern to match: `patch` and `remove` change resources defined here or in an imported catalog"
                    )),
                    None => {
                        let nearest = crate::suggest::nearest_to_pattern(pattern, names(), 4);
                        diag.help(format!(
                            "`*` matches any run of characters, and the pattern must match the whole name; the nearest names: {}",
                            nearest.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        ))
                    }
                }
            }
            Target::Series(series) => Diagnostic::new(
                "E0131",
                span,
                format!("series `{}` has no instance types left", series.name),
            )
            .label("matches nothing")
            .help(
                "the series is abstract, or its instance types were removed by an earlier `remove`",
            ),
            Target::Label { key, value, .. } => {
                let wanted = value
                    .as_ref()
                    .map(|v| format!(" with the value {:?}", describe(v)))
                    .unwrap_or_default();
                let diag = Diagnostic::new(
                    "E0131",
                    span,
                    format!(
                        "no {what} has the label `{}`{wanted}",
                        label.unwrap_or(&key.name)
                    ),
                )
                .label("matches nothing");
                // The values the label has, for a value written in another case.
                let rules = &self.symbols.derive_rules;
                let values: Vec<String> = match label {
                    Some(label) => resources
                        .iter()
                        .filter(|r| kind.is_none_or(|k| k == r.kind))
                        .filter_map(|r| label_of(r, label, rules))
                        .collect(),
                    None => Vec::new(),
                };
                let written = value.as_ref().map(describe).unwrap_or_default();
                match crate::suggest::closest_value(&written, values.iter().map(String::as_str)) {
                    Some(best) => match value {
                        // Written as a word, offered as a word when it is one.
                        Some(v @ Expr::Word(..))
                            if best.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) =>
                        {
                            diag.help(format!("did you mean `{best}`?")).fix(v.span(), best)
                        }
                        Some(v) => {
                            let literal = crate::syntax::string_literal(best);
                            diag.help(format!("did you mean `{literal}`?"))
                                .fix(v.span(), literal)
                        }
                        None => diag.help("labels are matched as the resource will be written (hand-written and derived); check the key and the value"),
                    },
                    _ => diag.help("labels are matched as the resource will be written (hand-written and derived); check the key and the value"),
                }
            }
        }
    }

    /// The root file's release settings; a `release` block in an imported
    /// file is its own build's business and is not used here.
    pub(super) fn release(&mut self, root: Option<FileId>) -> Release {
        let releases = self.symbols.releases.clone();
        let mut chosen: Option<&ReleaseDef> = None;
        for (file, def) in releases {
            if Some(file) != root {
                continue;
            }
            if let Some(first) = chosen {
                self.diags.push(
                    Diagnostic::new("E0108", def.keyword, "the release settings are given twice")
                        .label("a second `release` block")
                        .with_secondary(first.keyword, "first given here")
                        .help("merge the two blocks into one"),
                );
                continue;
            }
            chosen = Some(def);
        }
        let Some(def) = chosen else {
            return Release::default();
        };
        let globals = Rc::clone(&self.symbols.globals);
        let env = Env {
            row: Vec::new(),
            globals: &globals,
        };
        match self.eval_block(&def.body, &env, None) {
            Some(settings) => {
                if let (Some(tracer), Value::Map(map)) = (&mut self.trace, &settings.value) {
                    tracer.out.version_label = map.get("version_label").map(|n| n.span);
                }
                let release = Release::from_settings(&settings, def.keyword, self.diags);
                if let Value::Map(map) = &settings.value {
                    self.check_version_label_not_derived(map.get("version_label"));
                }
                release
            }
            None => Release::default(),
        }
    }

    /// E0135: the version label is stamped over every resource's labels,
    /// so a key that a derive rule writes would silently replace the
    /// derived value.
    fn check_version_label_not_derived(&mut self, setting: Option<&crate::value::Node>) {
        let Some(node) = setting else { return };
        let Value::Str(key) = &node.value else { return };
        let Some((_, rule)) = self
            .symbols
            .derive_rules
            .iter()
            .find(|(_, rule)| rule.label == *key)
        else {
            return;
        };
        self.diags.push(
            Diagnostic::new(
                "E0135",
                node.span,
                format!("the version label `{key}` is a label citc derives"),
            )
            .label("the build would write the version over the derived value")
            .with_secondary(rule.span, "derived here")
            .help("name a key of its own, e.g. \"acme.example/catalog-version\" (or false for no version label)"),
        );
    }
}

/// W0111: a patch that left every resource it selects as it was.
fn unchanged(def: &PatchDef, selected: usize) -> Diagnostic {
    let what = if selected == 1 {
        "the resource it selects".to_string()
    } else {
        format!("any of the {selected} resources it selects")
    };
    let span = Span::new(
        def.span.file,
        def.span.start as usize,
        def.selection.span.end as usize,
    );
    Diagnostic::new("W0111", span, format!("this patch changes nothing in {what}"))
        .label("changes nothing")
        .help("its fields already have these values (did the imported catalog adopt the change?), or its body is empty: remove the patch")
}

fn indices(resources: &[Resource], keep: impl Fn(&Resource) -> bool) -> Vec<usize> {
    (0..resources.len())
        .filter(|&i| keep(&resources[i]))
        .collect()
}

fn indices_where(flags: &[bool]) -> Vec<usize> {
    (0..flags.len()).filter(|&i| flags[i]).collect()
}

/// A label of the resource as it will be written: hand-written, else derived.
fn label_of(resource: &Resource, key: &str, rules: &[(Kind, DeriveRule)]) -> Option<String> {
    if let Some(value) = resource
        .tree
        .get_path(&["metadata", "labels", key])
        .and_then(|n| n.value.as_text())
    {
        return Some(value);
    }
    derived_labels(resource, rules)
        .into_iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, v, _)| v)
}

/// Whether `name` matches `pattern` as a whole, `*` matching any run of
/// characters (dots included).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part");
    let Some(mut tail) = name.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for part in middle {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn patterns_match_whole_names() {
        assert!(glob_match("*", "u1.medium"));
        assert!(glob_match("rt1.*", "rt1.large"));
        assert!(!glob_match("rt1.*", "rt10.large"));
        assert!(glob_match("rhel.9*", "rhel.9"));
        assert!(glob_match("rhel.9*", "rhel.9.desktop"));
        assert!(glob_match("*.virtio", "windows.10.virtio"));
        assert!(!glob_match("*.virtio", "windows.10"));
        assert!(glob_match("windows.*.virtio", "windows.2k8.virtio"));
        assert!(glob_match("a*a", "aa"));
        assert!(!glob_match("a*a", "a"));
        assert!(glob_match("u1.medium", "u1.medium"));
        assert!(!glob_match("u1.medium", "u1.mediums"));
    }
}
