//! Evaluation: each instance's tree, from its parent, its mixins (in
//! order, with conflicts reported) and its own statements.

use crate::hash::HashMap;
use crate::hash::IndexSet;

use super::*;

impl<'a> Resolver<'a, '_> {
    pub(super) fn evaluate(&mut self, instances: &[Instance<'a>]) -> Vec<Resource> {
        let mut by_name: HashMap<&str, usize> = HashMap::default();
        for (index, instance) in instances.iter().enumerate() {
            if let Some(&first) = by_name.get(instance.name.as_str()) {
                let first = &instances[first];
                if first.kind == instance.kind {
                    let (mut again, mut before) =
                        row_cells_at_fault(first, instance).unwrap_or((instance.span, first.span));
                    // Across files, the redefinition is the importer's.
                    let rank = |span: Span| self.symbols.import_ranks.get(&span.file).copied();
                    if again.file != before.file && rank(before) > rank(again) {
                        std::mem::swap(&mut again, &mut before);
                    }
                    // A downstream redefining what the catalog it imports
                    // defines wants a patch.
                    let help = if again.file != before.file {
                        format!(
                            "`{name}` is already defined in another file: to change it, write `patch {kind} {name} {{ … }}`; to add a resource of your own, give it a new name",
                            name = instance.name,
                            kind = instance.kind.keyword()
                        )
                    } else {
                        "every resource needs a unique name: rename one, or leave the row out with `except`".to_string()
                    };
                    let mut diag = Diagnostic::new(
                        "E0107",
                        again,
                        format!(
                            "two {}s are named `{}`",
                            instance.kind.keyword(),
                            instance.name
                        ),
                    )
                    .label("this makes the name again")
                    .with_secondary(before, "first made here")
                    .help(help);
                    // A plain definition of the importer turns into the
                    // patch the help names; one with a parent or a matrix
                    // is the author's to rewrite.
                    let redefinition = [instance, first].into_iter().find(|i| i.span == again);
                    if let Some(Instance {
                        origin: Origin::Definition { def, parent: None },
                        ..
                    }) = redefinition
                    {
                        if before.file != again.file && def.matrix.is_none() && !def.is_abstract {
                            let keyword = Span::new(
                                def.span.file,
                                def.span.start as usize,
                                def.name.span.start as usize,
                            );
                            diag = diag.fix(keyword, format!("patch {} ", def.kind.keyword()));
                        }
                    }
                    self.diags.push(diag);
                    continue;
                }
            }
            by_name.insert(&instance.name, index);
        }
        let mut resources = Vec::new();
        for instance in instances {
            if instance.is_abstract {
                continue;
            }
            if let Some(tree) = self.instance_tree(instance, instances, &by_name) {
                let key = format!("{}/{}", instance.kind.keyword(), instance.name);
                if let Some(tracer) = &mut self.trace {
                    let log = tracer.instances.get(&key).map(|l| l.to_vec());
                    let id = (instance.kind, instance.name.clone());
                    tracer.out.resources.insert(id, log.unwrap_or_default());
                }
                resources.push(Resource {
                    kind: instance.kind,
                    name: instance.name.clone(),
                    span: instance.span,
                    tree,
                    attributes: instance.attributes.clone(),
                    ratio: instance.ratio,
                    uses: self.use_sites.get(&key).cloned().unwrap_or_default(),
                    unsets: self.unset_sites.get(&key).cloned().unwrap_or_default(),
                    // Only patches read the row again.
                    row: if self.symbols.overlays.is_empty() {
                        Rc::default()
                    } else {
                        Rc::new(instance.row.clone())
                    },
                });
            }
        }
        resources
    }

    /// The full tree of an instance: parent, then mixins, then its own fields.
    /// Memoized by name so that long inheritance chains are resolved once.
    fn instance_tree(
        &mut self,
        instance: &Instance<'a>,
        all: &[Instance<'a>],
        by_name: &HashMap<&str, usize>,
    ) -> Option<Node> {
        let memo_key = format!("{}/{}", instance.kind.keyword(), instance.name);
        if let Some(done) = self.memo.get(&memo_key) {
            return done.clone();
        }
        // Each level of inheritance is a level of recursion here.
        if self.in_progress.len() >= MAX_INHERITANCE_DEPTH {
            self.diags.push(
                Diagnostic::new(
                    "E0118",
                    instance.span,
                    format!(
                        "`{}` has more than {MAX_INHERITANCE_DEPTH} ancestors",
                        instance.name
                    ),
                )
                .label("inheritance chain too deep")
                .help("share fields through mixins instead of very long chains of parents"),
            );
            self.memo.insert(memo_key, None);
            return None;
        }
        if let Some(start) = self.in_progress.get_index_of(&memo_key) {
            // The chain from this instance back to itself: `x → y → x`.
            let chain: Vec<&str> = self
                .in_progress
                .iter()
                .skip(start)
                .map(|key| key.split_once('/').map_or(key.as_str(), |(_, name)| name))
                .chain([instance.name.as_str()])
                .collect();
            self.diags.push(
                Diagnostic::new(
                    "E0106",
                    instance.span,
                    format!(
                        "`{}` inherits from itself: {}",
                        instance.name,
                        chain.join(" → ")
                    ),
                )
                .label("part of an inheritance cycle")
                .help("inheritance must form a tree: remove one of the parents in the chain"),
            );
            self.memo.insert(memo_key, None);
            return None;
        }
        self.in_progress.insert(memo_key.clone());
        let outer_context = self.trace.as_mut().map(|tracer| {
            tracer.push_frame(Vec::new());
            std::mem::take(&mut tracer.context)
        });
        let outer_uses = std::mem::take(&mut self.level_uses);
        let outer_unsets = std::mem::take(&mut self.level_unsets);
        let globals = Rc::clone(&self.symbols.globals);
        let env = Env {
            row: instance.row.clone(),
            globals: &globals,
        };
        let result = match &instance.origin {
            Origin::Series(chain) => {
                let mut tree = Some(Node::empty_map(instance.span));
                for series in chain {
                    if let Some(tracer) = &mut self.trace {
                        tracer.context = vec![trace::Via::Series {
                            name: series.name.name.clone(),
                            at: series.name.span,
                        }];
                    }
                    tree = tree
                        .and_then(|t| self.apply_level(t, &series.body, &env, Kind::Instancetype));
                }
                tree
            }
            Origin::Definition { def, parent } => {
                let base = match parent {
                    None => Some(Node::empty_map(instance.span)),
                    Some((parent_name, span)) => match by_name.get(parent_name.as_str()) {
                        Some(&index) if all[index].kind == instance.kind => {
                            let tree = self.instance_tree(&all[index], all, by_name);
                            // The parent's `use`s come first, as its fields do.
                            let parent_key = format!("{}/{parent_name}", instance.kind.keyword());
                            if let Some(tracer) = &mut self.trace {
                                if let Some(log) = tracer.instances.get(&parent_key).cloned() {
                                    let via = trace::Via::Parent {
                                        name: parent_name.clone(),
                                        at: *span,
                                    };
                                    tracer.absorb(&log, Some(via));
                                }
                            }
                            if let Some(sites) = self.use_sites.get(&parent_key) {
                                self.level_uses.splice(0..0, sites.iter().cloned());
                            }
                            if let Some(sites) = self.unset_sites.get(&parent_key) {
                                self.level_unsets.splice(0..0, sites.iter().cloned());
                            }
                            tree
                        }
                        _ => {
                            let candidates = all
                                .iter()
                                .filter(|i| i.kind == instance.kind)
                                .map(|i| i.name.as_str());
                            let help = match closest(parent_name, candidates) {
                                Some(best) => format!("did you mean `{best}`?"),
                                None => format!(
                                    "the parent must be another {}",
                                    instance.kind.keyword()
                                ),
                            };
                            self.diags.push(
                                Diagnostic::new(
                                    "E0103",
                                    *span,
                                    format!("unknown parent `{parent_name}`"),
                                )
                                .label(format!("no {} with this name", instance.kind.keyword()))
                                .help(help),
                            );
                            None
                        }
                    },
                };
                base.and_then(|b| self.apply_level(b, &def.body, &env, def.kind))
            }
        };
        self.in_progress.pop();
        if let (Some(tracer), Some(outer)) = (&mut self.trace, outer_context) {
            let log = tracer.pop_frame();
            tracer.instances.insert(memo_key.clone(), Rc::new(log));
            tracer.context = outer;
        }
        let sites = std::mem::replace(&mut self.level_uses, outer_uses);
        self.use_sites.insert(memo_key.clone(), Rc::new(sites));
        let unsets = std::mem::replace(&mut self.level_unsets, outer_unsets);
        self.unset_sites.insert(memo_key.clone(), Rc::new(unsets));
        self.memo.insert(memo_key, result.clone());
        result
    }

    /// One level of a definition: `base` (the parent's tree), then its mixins
    /// in order, then its own statements. Two mixins that set one field to
    /// different values are an error unless the statements set it too.
    pub(super) fn apply_level(
        &mut self,
        base: Node,
        body: &Block,
        env: &Env,
        kind: Kind,
    ) -> Option<Node> {
        let mut flat = Flat::default();
        self.flatten(body, env, 0, kind, &mut flat);

        let mut mixed = Node::empty_map(body.span);
        let mut set_by: HashMap<String, (&Ident, Span, Node)> = HashMap::default();
        let mut conflicts = Vec::new();
        let mut ok = !flat.failed;
        for mixin in &flat.uses {
            self.level_uses.push((mixin.name.clone(), mixin.span));
            let tree = self.mixin_tree(mixin, env, kind, &mut IndexSet::default());
            if let Some(tracer) = &mut self.trace {
                let log = std::mem::take(&mut tracer.finished);
                let via = trace::Via::Mixin {
                    name: mixin.name.clone(),
                    used_at: mixin.span,
                };
                tracer.absorb(&log, Some(via));
            }
            let Some(tree) = tree else {
                ok = false;
                continue;
            };
            // Conflicts are between two mixins: one alone has none, and its
            // leaves need not be listed.
            let mut mixin_leaves = Vec::new();
            if flat.uses.len() > 1 {
                leaves(&tree, &mut Vec::new(), &mut mixin_leaves);
            }
            for (path, leaf) in mixin_leaves {
                if let Some((other, other_span, other_value)) = set_by.get(&path) {
                    if *other_value != *leaf && other.name != mixin.name {
                        conflicts.push((
                            path.clone(),
                            (*other).clone(),
                            *other_span,
                            (*mixin).clone(),
                            leaf.span,
                            other_value.clone(),
                            leaf.clone(),
                        ));
                    }
                }
                set_by.insert(path, (mixin, leaf.span, leaf.clone()));
            }
            merge(&mut mixed, tree);
        }
        let mut tree = base;
        merge(&mut tree, mixed);

        ok &= self.apply_assigns(&mut tree, &flat, env, kind, true);
        // Conflicts the definition settles by setting (or unsetting) the
        // field itself are fine.
        let own_paths: Vec<String> = if conflicts.is_empty() {
            Vec::new()
        } else {
            flat.steps
                .iter()
                .map(|step| self.expand_alias(step.path(), kind).join("."))
                .collect()
        };
        for (path, first, first_span, second, second_span, first_value, second_value) in conflicts {
            let overridden = own_paths
                .iter()
                .any(|own| path == *own || path.starts_with(&format!("{own}.")));
            if !overridden {
                self.diags.push(
                    Diagnostic::new(
                        "E0109",
                        second.span,
                        format!(
                            "mixins `{}` and `{}` set `{path}` to different values",
                            first.name, second.name
                        ),
                    )
                    .label(format!(
                        "`{}` sets it to {}",
                        second.name,
                        show(&second_value)
                    ))
                    .with_secondary(
                        first.span,
                        format!("`{}` sets it to {}", first.name, show(&first_value)),
                    )
                    .with_secondary(first_span, format!("set by `{}` here", first.name))
                    .with_secondary(second_span, format!("set by `{}` here", second.name))
                    .help(format!(
                        "set `{path}` in the definition itself to say which value wins"
                    )),
                );
                ok = false;
            }
        }
        ok.then_some(tree)
    }

    /// The statements of a block with `when` and local `let` resolved:
    /// mixins to use and steps to apply, in source order. `scope` is the
    /// environment of the statements (see [`Flat`]).
    fn flatten<'b, 'e>(
        &mut self,
        block: &'b Block,
        base: &Env<'e>,
        mut scope: usize,
        kind: Kind,
        flat: &mut Flat<'b, 'e>,
    ) {
        for statement in &block.statements {
            match statement {
                Statement::Use(names) => flat.uses.extend(names.iter()),
                Statement::Assign { path, op, value } => {
                    flat.steps.push(Step::Assign(path, *op, value, scope))
                }
                Statement::Unset(path) => flat.steps.push(Step::Unset(path)),
                Statement::Let { name, value } => {
                    let env = flat.env(base, scope);
                    // A local `let` may not hide a column, an outer `let` or a
                    // constant of its own file (it would read as the same
                    // thing); one of another file it hides, as a nearer
                    // definition does, so that std can grow.
                    let hidden = env.row_value(&name.name).or_else(|| {
                        env.lookup(name)
                            .filter(|global| global.span.file == name.span.file)
                    });
                    if let Some(existing) = hidden {
                        self.diags.push(shadowing(name, existing));
                        flat.failed = true;
                        continue;
                    }
                    let Some(node) = self.eval_value(value, env, kind) else {
                        // What follows would only repeat the error.
                        flat.failed = true;
                        return;
                    };
                    let local = env.with(name.name.clone(), node);
                    flat.scopes.push(local);
                    scope = flat.scopes.len();
                }
                Statement::When {
                    variable,
                    values,
                    body,
                } => {
                    let env = flat.env(base, scope);
                    let Some(current) = env.lookup(variable).and_then(|n| n.value.as_text()) else {
                        // In a patch, a column that other selected resources
                        // have: this one is not of that table, so the `when`
                        // does not apply to it.
                        if self.patch_columns.contains(&variable.name) {
                            continue;
                        }
                        self.diags
                            .push(unknown_variable(&variable.name, variable.span, env));
                        continue;
                    };
                    let matches = values.iter().any(|v| {
                        eval_scalar(v, env)
                            .ok()
                            .and_then(|n| n.value.as_text())
                            .as_deref()
                            == Some(current.as_str())
                    });
                    if matches {
                        self.flatten(body, base, scope, kind, flat);
                    }
                }
                // Handled by series expansion and by the checker.
                Statement::Sizes { .. }
                | Statement::Variants { .. }
                | Statement::Ratio { .. }
                | Statement::Allow(_) => {}
            }
        }
    }

    /// A mixin's own tree: the mixins it uses, then its statements. `stack`
    /// holds the mixins being evaluated, in order, to report a cycle.
    fn mixin_tree(
        &mut self,
        name: &Ident,
        env: &Env,
        kind: Kind,
        stack: &mut IndexSet<String>,
    ) -> Option<Node> {
        if let Some(diag) = self.symbols.scopes.unsettled(
            &self.symbols.mixin_names,
            "mixin",
            &name.name,
            name.span,
            "E0102",
        ) {
            self.diags.push(diag);
            return None;
        }
        let (Some(key), Some(def)) = (self.mixin_key(name), self.mixin(name)) else {
            let help = hints::unknown_name_help(
                "mixin",
                &name.name,
                self.symbols.mixin_names.names(),
                "define it with `mixin NAME { ... }`, or import the file that does",
            );
            self.diags.push(
                Diagnostic::new("E0102", name.span, format!("unknown mixin `{}`", name.name))
                    .label("no such mixin")
                    .help(help),
            );
            return None;
        };
        if stack.contains(&key) {
            let chain: Vec<&str> = stack.iter().map(String::as_str).collect();
            self.diags.push(
                Diagnostic::new(
                    "E0106",
                    name.span,
                    format!("mixin `{}` uses itself", name.name),
                )
                .label("part of a cycle")
                .with_secondary(
                    def.name.span,
                    format!("cycle: {} -> {}", chain.join(" -> "), name.name),
                )
                .help("mixins must not use each other in a cycle"),
            );
            return None;
        }
        let cache_key = (key.clone(), kind);
        if let Some(cached) = self.static_mixins.get(&cache_key) {
            if let Some(tracer) = &mut self.trace {
                tracer.finished = tracer.mixins.get(&cache_key).cloned().unwrap_or_default();
            }
            return cached.clone();
        }
        stack.insert(key.clone());
        let outer_context = self.trace.as_mut().map(|tracer| {
            tracer.push_frame(Vec::new());
            std::mem::take(&mut tracer.context)
        });
        let mut flat = Flat::default();
        self.flatten(&def.body, env, 0, kind, &mut flat);
        let mut tree = Node::empty_map(def.body.span);
        let mut ok = !flat.failed;
        for used in flat.uses.iter().copied() {
            let used_tree = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                self.mixin_tree(used, env, kind, stack)
            });
            if let Some(tracer) = &mut self.trace {
                let log = std::mem::take(&mut tracer.finished);
                let via = trace::Via::Mixin {
                    name: used.name.clone(),
                    used_at: used.span,
                };
                tracer.absorb(&log, Some(via));
            }
            match used_tree {
                Some(t) => merge(&mut tree, t),
                None => ok = false,
            }
        }
        ok &= self.apply_assigns(&mut tree, &flat, env, kind, true);
        stack.pop();
        let result = ok.then_some(tree);
        let is_static = self.is_static_mixin(&key);
        if let (Some(tracer), Some(outer)) = (&mut self.trace, outer_context) {
            let log = Rc::new(tracer.pop_frame());
            if is_static {
                tracer.mixins.insert(cache_key.clone(), Rc::clone(&log));
            }
            tracer.finished = log;
            tracer.context = outer;
        }
        if is_static {
            self.static_mixins.insert(cache_key, result.clone());
        }
        result
    }

    /// Whether a mixin's tree (by key) is the same wherever it is used: no
    /// variables, no `when`, and only mixins that are static too. Memoised,
    /// so a chain of mixins is walked once, not once per link.
    fn is_static_mixin(&mut self, key: &str) -> bool {
        if let Some(&known) = self.static_flags.get(key) {
            return known;
        }
        let Some(def) = self.symbols.mixins.get(key).copied() else {
            return false;
        };
        // Until known: a mixin in a cycle is not static (the cycle is an error).
        self.static_flags.insert(key.to_string(), false);
        let result = def.body.statements.iter().all(|statement| match statement {
            Statement::Assign { value, .. } => !reads_variables(value),
            Statement::Use(names) => names.iter().all(|used| {
                let Some(used) = self.mixin_key(used) else {
                    return false;
                };
                stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.is_static_mixin(&used)
                })
            }),
            // A local `let` is checked against the variables of each use.
            Statement::When { .. } | Statement::Let { .. } => false,
            Statement::Unset(_)
            | Statement::Sizes { .. }
            | Statement::Variants { .. }
            | Statement::Ratio { .. }
            | Statement::Allow(_) => true,
        });
        self.static_flags.insert(key.to_string(), result);
        result
    }

    /// A path with its first segment replaced by an alias's target, if any.
    fn expand_alias<'p>(&self, path: &'p Path, kind: Kind) -> Vec<&'p str>
    where
        'a: 'p,
    {
        let first = path.segments[0].name.as_str();
        let alias = self
            .symbols
            .aliases
            .get(first)
            .and_then(|slots| slots[alias_slot(Some(kind))].or(slots[alias_slot(None)]));
        let mut keys: Vec<&'p str> = match alias {
            Some(alias) => alias
                .target
                .segments
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
            None => vec![first],
        };
        keys.extend(path.segments[1..].iter().map(|s| s.name.as_str()));
        keys
    }

    /// Whether a top-level path starts with `metadata`, `spec` or an alias of
    /// the kind; reports E0113 with the closest name otherwise.
    fn starts_known_path(&mut self, path: &Path, kind: Kind) -> bool {
        let first = &path.segments[0];
        let known = |slots: &[Option<&AliasDef>; 3]| {
            slots[alias_slot(Some(kind))]
                .or(slots[alias_slot(None)])
                .is_some()
        };
        if first.name == "metadata"
            || first.name == "spec"
            || self.symbols.aliases.get(&first.name).is_some_and(known)
        {
            return true;
        }
        let help = hints::unknown_top_level_help(&first.name, kind, &self.symbols.aliases);
        self.diags.push(
            Diagnostic::new(
                "E0113",
                first.span,
                format!("unknown top-level field `{}`", first.name),
            )
            .label("not `metadata`, `spec` or an alias")
            .help(help),
        );
        false
    }

    /// Applies assignments and `unset`s to `tree` in order. Aliases apply
    /// at the top of a definition or mixin; inside a map literal, keys are
    /// literal and `unset` is refused.
    fn apply_assigns(
        &mut self,
        tree: &mut Node,
        flat: &Flat<'_, '_>,
        env: &Env,
        kind: Kind,
        aliases: bool,
    ) -> bool {
        let mut ok = true;
        for step in &flat.steps {
            let path = step.path();
            if let Step::Unset(_) = step {
                if !aliases {
                    let map = self.map_paths.last().map(String::as_str);
                    self.diags.push(unset_in_map(path, map));
                    ok = false;
                    continue;
                }
            }
            if aliases && !self.starts_known_path(path, kind) {
                ok = false;
                continue;
            }
            let keys = if aliases {
                self.expand_alias(path, kind)
            } else {
                path.segments.iter().map(|s| s.name.as_str()).collect()
            };
            // Only the top of a definition or mixin records: a map literal's
            // leaves are recorded with the statement that assigns it.
            let result = match step {
                Step::Unset(_) => {
                    if let Some(tracer) = self.trace.as_mut().filter(|_| aliases) {
                        let alias = written_alias(path, &keys);
                        tracer.record(&keys, None, trace::Action::Unset, path.span, alias);
                    }
                    self.level_unsets
                        .push((keys.iter().map(|k| k.to_string()).collect(), path.span));
                    unset_path(tree, &keys, path)
                }
                Step::Assign(_, op, value, scope) => {
                    let env = flat.env(env, *scope);
                    let map = matches!(value, Expr::Map(_));
                    if map {
                        let full = match self.map_paths.last() {
                            Some(outer) => format!("{outer}.{}", keys.join(".")),
                            None => keys.join("."),
                        };
                        self.map_paths.push(full);
                    }
                    let node = self.eval_value(value, env, kind);
                    if map {
                        self.map_paths.pop();
                    }
                    let Some(node) = node else {
                        ok = false;
                        continue;
                    };
                    if let Some(tracer) = self.trace.as_mut().filter(|_| aliases) {
                        let action = match op {
                            AssignOp::Replace => trace::Action::Replace,
                            _ => trace::Action::Set,
                        };
                        let alias = written_alias(path, &keys);
                        tracer.record(&keys, Some(&node), action, path.span, alias);
                    }
                    // `= {}` on a map that is already there merges nothing
                    // into it: `:= {}` was meant, to empty it.
                    if *op == AssignOp::Merge && aliases {
                        let empty = matches!(&node.value, Value::Map(m) if m.is_empty());
                        let filled = tree
                            .get_path(&keys)
                            .is_some_and(|n| matches!(&n.value, Value::Map(m) if !m.is_empty()));
                        if empty && filled {
                            self.diags.push(merges_nothing(path, value.span()));
                        }
                    }
                    set_path(tree, &keys, node, *op == AssignOp::Replace, path.span)
                }
            };
            if let Err(d) = result {
                self.diags.push(d);
                ok = false;
            }
        }
        ok
    }

    fn eval_value(&mut self, expr: &Expr, env: &Env, kind: Kind) -> Option<Node> {
        match expr {
            Expr::Map(block) => self.eval_block(block, env, Some(kind)),
            // A list of maps (`spec.gpus = [{ name = "gpu1" … }]`): each map
            // is a block of statements, like a map value.
            Expr::List(items, span) if items.iter().any(holds_map) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval_value(item, env, kind)?);
                }
                Some(Node::new(Value::List(out), *span))
            }
            other => eval_scalar(other, env).map_err(|d| self.diags.push(d)).ok(),
        }
    }

    /// A map literal: its assignments applied to an empty map.
    pub(super) fn eval_block(
        &mut self,
        block: &Block,
        env: &Env,
        kind: Option<Kind>,
    ) -> Option<Node> {
        let mut flat = Flat::default();
        self.flatten(block, env, 0, kind.unwrap_or(Kind::Preference), &mut flat);
        if let Some(first) = flat.uses.first() {
            self.diags.push(
                Diagnostic::new(
                    "E0116",
                    first.span,
                    "`use` is only allowed at the top of a definition or mixin",
                )
                .label("inside a map")
                .help("move the `use` statement to the definition's top level"),
            );
            return None;
        }
        let mut tree = Node::empty_map(block.span);
        let ok = self.apply_assigns(
            &mut tree,
            &flat,
            env,
            kind.unwrap_or(Kind::Preference),
            false,
        );
        (ok && !flat.failed).then_some(tree)
    }
}

/// Whether a value holds a map with fields (inside lists, too).
fn holds_map(expr: &Expr) -> bool {
    match expr {
        Expr::Map(block) => !block.statements.is_empty(),
        Expr::List(items, _) => items.iter().any(holds_map),
        _ => false,
    }
}

/// For two instances of one table-driven definition that got the same
/// name: the table cells that made the name, in the second row and the
/// first (the first variable of the name whose cells differ). `None` when
/// the name comes from no row.
fn row_cells_at_fault(first: &Instance, again: &Instance) -> Option<(Span, Span)> {
    let cell = |instance: &Instance, column: &str| {
        instance
            .row
            .iter()
            .rev()
            .find(|(name, _)| name == column)
            .map(|(_, node)| node.span)
    };
    let columns: Vec<&str> = match &again.origin {
        Origin::Definition { def, .. } => def
            .name
            .parts
            .iter()
            .filter_map(|part| match part {
                TextPart::Variable(ident) => Some(ident.name.as_str()),
                TextPart::Literal(_) => None,
            })
            .collect(),
        // A series names its instances by the size row's key.
        Origin::Series(_) => again
            .row
            .first()
            .map(|(c, _)| c.as_str())
            .into_iter()
            .collect(),
    };
    columns.into_iter().find_map(|column| {
        let (a, b) = (cell(again, column)?, cell(first, column)?);
        (a != b).then_some((a, b))
    })
}

/// The path as written, when an alias expanded its first segment.
fn written_alias(path: &Path, keys: &[&str]) -> Option<String> {
    let expanded = keys.len() != path.segments.len()
        || keys.first() != path.segments.first().map(|s| s.name.as_str()).as_ref();
    expanded.then(|| path.dotted())
}

/// A block's statements with `when` and local `let` resolved.
#[derive(Default)]
struct Flat<'b, 'e> {
    uses: Vec<&'b Ident>,
    steps: Vec<Step<'b>>,
    /// The environments that local `let`s make: a step's scope `n > 0` is
    /// `scopes[n - 1]`, scope 0 the block's own environment. Empty unless
    /// the block has a `let`.
    scopes: Vec<Env<'e>>,
    /// A local `let` failed: the block's tree is not made.
    failed: bool,
}

impl<'e> Flat<'_, 'e> {
    fn env<'s>(&'s self, base: &'s Env<'e>, scope: usize) -> &'s Env<'e> {
        match scope {
            0 => base,
            n => &self.scopes[n - 1],
        }
    }
}

enum Step<'b> {
    /// An assignment, with the scope its value is evaluated in.
    Assign(&'b Path, AssignOp, &'b Expr, usize),
    Unset(&'b Path),
}

impl<'b> Step<'b> {
    fn path(&self) -> &'b Path {
        match self {
            Step::Assign(path, ..) | Step::Unset(path) => path,
        }
    }
}

fn shadowing(name: &Ident, existing: &Node) -> Diagnostic {
    Diagnostic::new(
        "E0127",
        name.span,
        format!(
            "the local constant `{}` would hide a variable of the same name",
            name.name
        ),
    )
    .label("already a variable here")
    .with_secondary(
        existing.span,
        format!("`{}` gets its value here", name.name),
    )
    .help(format!(
        "rename the local constant (`{}_local`, or a name that says what it holds): a local \
         `let` may not hide a table column, a global `let` or an outer local",
        name.name
    ))
}

/// E0129: `unset` inside a map value (`spec.firmware { unset … }`); `map`
/// is the map's full path when the value is assigned to one.
fn unset_in_map(path: &Path, map: Option<&str>) -> Diagnostic {
    let full = match map {
        Some(map) => format!(" (`unset {map}.{}`)", path.dotted()),
        None => String::new(),
    };
    Diagnostic::new(
        "E0129",
        path.span,
        "`unset` is only allowed at the top of a definition or mixin",
    )
    .label("inside a map value")
    .help(format!(
        "a map value starts empty, so there is nothing to remove: write `unset` with the full \
         path at the top of the definition{full}"
    ))
}

/// W0124: `path = {}` where a map is already set: merging an empty map
/// changes nothing.
fn merges_nothing(path: &Path, value: Span) -> Diagnostic {
    let dotted = path.dotted();
    Diagnostic::new(
        "W0124",
        path.span,
        format!(
            "`{dotted} = {{}}` merges an empty map into the one already set: it changes nothing"
        ),
    )
    .label("has no effect")
    .help(format!(
        "to empty it, replace it: `{dotted} := {{}}`; to leave it as it is, remove this line"
    ))
    .fix(
        Span::new(path.span.file, path.span.end as usize, value.start as usize),
        " := ",
    )
}
