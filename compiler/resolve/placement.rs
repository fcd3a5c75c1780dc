//! Statements that mean something only in one place: `sizes`, `variants`
//! and `ratio` shape a series' rows, so anywhere else they would be ignored
//! without a word. Checked once per definition and mixin, with a worklist
//! through `when` bodies.

use super::*;
use crate::diagnostic::Edit;

impl<'a> Resolver<'a, '_> {
    pub(super) fn check_placement(&mut self) {
        let definitions = self.symbols.definitions.clone();
        for def in definitions {
            let owner = match def.kind {
                Kind::Instancetype => "an instance type",
                Kind::Preference => "a preference",
            };
            self.series_only_statements(&def.body, owner);
        }
        for overlay in self.symbols.overlays.clone() {
            if let Overlay::Patch(def) = overlay {
                self.series_only_statements(&def.body, "a patch");
            }
        }
        let mut mixins: Vec<&'a MixinDef> = self.symbols.mixins.values().copied().collect();
        mixins.sort_by_key(|m| (m.name.span.file, m.name.span.start));
        for mixin in mixins {
            self.series_only_statements(&mixin.body, "a mixin");
        }
        let mut series: Vec<&'a SeriesDef> = self.symbols.series.values().copied().collect();
        series.sort_by_key(|s| (s.span.file, s.span.start));
        for def in series {
            for statement in &def.body.statements {
                if let Statement::Ratio {
                    cpu,
                    memory_gib,
                    span,
                } = statement
                {
                    if *cpu == 0 || *memory_gib == 0 {
                        self.diags.push(
                            Diagnostic::new(
                                "E0205",
                                *span,
                                format!("`ratio {cpu}:{memory_gib}` has a zero side"),
                            )
                            .label("out of range")
                            .help("a ratio is vCPUs : GiB of memory, both at least 1, e.g. `ratio 1:4`"),
                        );
                    }
                }
            }
        }
    }

    fn series_only_statements(&mut self, block: &Block, owner: &str) {
        let mut pending = vec![block];
        while let Some(block) = pending.pop() {
            for statement in &block.statements {
                let (keyword, span) = match statement {
                    Statement::Sizes { span, .. } => ("sizes", *span),
                    Statement::Variants { span, .. } => ("variants", *span),
                    Statement::Ratio { span, .. } => ("ratio", *span),
                    Statement::When { body, .. } => {
                        pending.push(body);
                        continue;
                    }
                    _ => continue,
                };
                self.diags.push(
                    Diagnostic::new(
                        "E0130",
                        span,
                        format!("`{keyword}` works only in a series, not in {owner}"),
                    )
                    .label("ignored here")
                    .help(format!(
                        "move `{keyword}` into a `series` (instance types come in sizes from a series), or remove it"
                    ))
                    .edit(Edit::RemoveStatement(span)),
                );
            }
        }
    }
}
