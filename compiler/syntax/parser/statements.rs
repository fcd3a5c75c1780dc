//! Blocks and the statements in them (`use`, `sizes`, `when`, assignments,
//! …), and field paths.

use pest::iterators::Pair;

use super::Ctx;
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;

impl Ctx {
    pub(super) fn block(&mut self, pair: Pair<Rule>) -> Block {
        let span = self.span(&pair);
        let statements = pair
            .into_inner()
            .map(|p| {
                if p.as_rule() == Rule::allow_stmt {
                    let inner = p.into_inner().collect();
                    Statement::Allow(self.allow(inner, span))
                } else {
                    self.statement(p)
                }
            })
            .collect();
        Block { statements, span }
    }

    fn statement(&mut self, pair: Pair<Rule>) -> Statement {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let inner: Vec<Pair<Rule>> = pair.into_inner().collect();
        match rule {
            Rule::use_stmt => Statement::Use(
                inner
                    .into_iter()
                    .filter(|p| p.as_rule() == Rule::reference)
                    .map(|p| self.ident(p))
                    .collect(),
            ),
            Rule::sizes_stmt => {
                let mut table = None;
                let mut except = Vec::new();
                for p in inner {
                    match p.as_rule() {
                        Rule::kw_sizes | Rule::kw_except => {}
                        Rule::reference if table.is_none() => table = Some(self.ident(p)),
                        _ => except.push(self.expr(p)),
                    }
                }
                Statement::Sizes {
                    table: table.expect("grammar: sizes names a table"),
                    except,
                    span,
                }
            }
            Rule::variants_stmt => Statement::Variants {
                table: self.ident(inner.into_iter().nth(1).expect("grammar: variants table")),
                span,
            },
            Rule::ratio_stmt => {
                let text = inner.last().map_or("", |p| p.as_str());
                let (cpu, memory) = text.split_once(':').unwrap_or(("0", "0"));
                Statement::Ratio {
                    cpu: cpu.parse().unwrap_or(0),
                    memory_gib: memory.parse().unwrap_or(0),
                    span,
                }
            }
            Rule::when_stmt => {
                let mut variable = None;
                let mut values = Vec::new();
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::ident => variable = Some(self.ident(p)),
                        Rule::when_eq | Rule::when_in => values.extend(
                            p.into_inner()
                                .filter(|v| v.as_rule() != Rule::kw_in)
                                .map(|v| self.expr(v)),
                        ),
                        Rule::block => body = Some(self.block(p)),
                        _ => {}
                    }
                }
                Statement::When {
                    variable: variable.expect("grammar: when names a variable"),
                    values,
                    body: body.expect("grammar: when has a body"),
                }
            }
            Rule::assign_stmt => {
                let mut it = inner.into_iter();
                let path = self.path(it.next().expect("grammar: assignment path"));
                let op = match it.next().expect("grammar: assignment operator").as_str() {
                    ":=" => AssignOp::Replace,
                    _ => AssignOp::Merge,
                };
                let value = self.value(&mut it.peekable());
                Statement::Assign { path, op, value }
            }
            Rule::let_stmt => {
                let mut it = inner.into_iter().filter(|p| p.as_rule() != Rule::kw_let);
                let name = self.ident(it.next().expect("grammar: let has a name"));
                let value = self.value(&mut it.peekable());
                Statement::Let { name, value }
            }
            Rule::unset_stmt => Statement::Unset(
                self.path(
                    inner
                        .into_iter()
                        .find(|p| p.as_rule() == Rule::path)
                        .expect("grammar: unset has a path"),
                ),
            ),
            Rule::nested_stmt => {
                let mut it = inner.into_iter();
                let path = self.path(it.next().expect("grammar: block path"));
                let block = self.block(it.next().expect("grammar: block body"));
                Statement::Assign {
                    path,
                    op: AssignOp::Merge,
                    value: Expr::Map(block),
                }
            }
            other => unreachable!("grammar: unexpected statement {other:?}"),
        }
    }

    pub(super) fn path(&mut self, pair: Pair<Rule>) -> Path {
        let span = self.span(&pair);
        let segments = pair
            .into_inner()
            .map(|seg| match seg.as_rule() {
                Rule::string => {
                    let text = self.text(seg);
                    Ident {
                        name: text.as_literal().unwrap_or_default(),
                        span: text.span,
                    }
                }
                _ => self.ident(seg),
            })
            .collect();
        Path { segments, span }
    }

    /// A definition name: a quoted template or a bare resource name.
    pub(super) fn name_text(&mut self, pair: Pair<Rule>) -> Text {
        match pair.as_rule() {
            Rule::string => self.text(pair),
            _ => Text::literal(pair.as_str().to_string(), self.span(&pair)),
        }
    }
}
