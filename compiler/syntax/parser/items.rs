//! Top-level items (`mixin`, `preference`, `patch`, …) and the parts only
//! items have: selections and their targets, derive rules, type fields,
//! `allow`, matrices.

use pest::iterators::Pair;

use super::{first, kind_of, Ctx};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;

impl Ctx {
    pub(super) fn item(&mut self, pair: Pair<Rule>) -> Item {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().peekable();
        // Leading keywords carry no data.
        while let Some(p) = inner.peek() {
            if matches!(
                p.as_rule(),
                Rule::kw_import
                    | Rule::kw_let
                    | Rule::kw_alias
                    | Rule::kw_mixin
                    | Rule::kw_table
                    | Rule::kw_series
                    | Rule::kw_derive
                    | Rule::kw_type
                    | Rule::kw_schema
                    | Rule::kw_release
                    | Rule::kw_patch
                    | Rule::kw_remove
            ) {
                inner.next();
            } else {
                break;
            }
        }
        let mut inner: Vec<Pair<Rule>> = inner.collect();
        match rule {
            Rule::import_item => {
                let text = self.text(inner.remove(0));
                Item::Import(Import {
                    path: text.as_literal().unwrap_or_default(),
                    span: text.span,
                })
            }
            Rule::let_item => {
                let mut it = inner.into_iter();
                let name = self.ident(it.next().expect("grammar: let has a name"));
                let value = self.value(&mut it.peekable());
                Item::Let(LetDef { name, value })
            }
            Rule::alias_item => {
                let target = self.path(inner.pop().expect("grammar: alias has a path"));
                let name = self.ident(inner.pop().expect("grammar: alias has a name"));
                let kind = inner.pop().map(|k| kind_of(k.as_str()));
                Item::Alias(AliasDef { kind, name, target })
            }
            Rule::mixin_item => {
                let body = self.block(inner.pop().expect("grammar: mixin has a body"));
                let name = self.ident(inner.remove(0));
                Item::Mixin(MixinDef { name, body })
            }
            Rule::table_item => {
                let mut columns = Vec::new();
                let mut rows = Vec::new();
                let mut name = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::ident if name.is_none() => name = Some(self.ident(p)),
                        Rule::ident => columns.push(self.ident(p)),
                        Rule::table_row => {
                            let span = self.span(&p);
                            let cells = p.into_inner().map(|c| self.expr(c)).collect();
                            rows.push(TableRow { cells, span });
                        }
                        _ => {}
                    }
                }
                Item::Table(TableDef {
                    name: name.expect("grammar: table has a name"),
                    columns,
                    rows,
                })
            }
            Rule::series_item => {
                let mut is_abstract = false;
                let mut name = None;
                let mut parent = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::abstract_kw => is_abstract = true,
                        Rule::kw_series => {}
                        Rule::ident => name = Some(self.ident(p)),
                        Rule::parent => {
                            let t = self.name_text(first(p));
                            parent = Some(Ident {
                                name: t.as_literal().unwrap_or_default(),
                                span: t.span,
                            });
                        }
                        Rule::block => body = Some(self.block(p)),
                        _ => {}
                    }
                }
                Item::Series(SeriesDef {
                    is_abstract,
                    name: name.expect("grammar: series has a name"),
                    parent,
                    body: body.expect("grammar: series has a body"),
                    span,
                })
            }
            Rule::definition_item => {
                let mut is_abstract = false;
                let mut kind = Kind::Preference;
                let mut name = None;
                let mut parent = None;
                let mut matrix = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::abstract_kw => is_abstract = true,
                        Rule::kind => kind = kind_of(p.as_str()),
                        Rule::string | Rule::resource_name => name = Some(self.name_text(p)),
                        Rule::parent => parent = Some(self.name_text(first(p))),
                        Rule::for_clause => matrix = Some(self.matrix(p)),
                        Rule::block => body = Some(self.block(p)),
                        _ => {}
                    }
                }
                Item::Definition(Definition {
                    is_abstract,
                    kind,
                    name: name.expect("grammar: definition has a name"),
                    parent,
                    matrix,
                    body: body.expect("grammar: definition has a body"),
                    span,
                })
            }
            Rule::derive_item => {
                let kind = kind_of(inner.remove(0).as_str());
                let rules = inner.into_iter().map(|p| self.derive_rule(p)).collect();
                Item::Derive(DeriveDef { kind, rules })
            }
            Rule::type_item => {
                let mut it = inner.into_iter();
                let name = self.ident(it.next().expect("grammar: type name"));
                let fields = it.map(|f| self.field_decl(f)).collect();
                Item::Type(TypeDef { name, fields })
            }
            Rule::schema_item => {
                let type_name = self.ident(inner.pop().expect("grammar: schema type"));
                let kind = kind_of(inner.pop().expect("grammar: schema kind").as_str());
                Item::Schema(SchemaDef { kind, type_name })
            }
            Rule::allow_stmt => {
                let file_span = Span::new(self.file, 0, self.len);
                Item::Allow(self.allow(inner, file_span))
            }
            Rule::release_item => Item::Release(ReleaseDef {
                keyword: Span::new(
                    self.file,
                    span.start as usize,
                    span.start as usize + "release".len(),
                ),
                body: self.block(inner.pop().expect("grammar: release has a body")),
            }),
            Rule::patch_item => {
                let body = self.block(inner.pop().expect("grammar: patch has a body"));
                let selection = self.selection(inner.pop().expect("grammar: patch selects"));
                Item::Patch(PatchDef {
                    selection,
                    body,
                    span,
                })
            }
            Rule::remove_item => {
                let selection = self.selection(inner.pop().expect("grammar: remove selects"));
                Item::Remove(RemoveDef { selection, span })
            }
            other => unreachable!("grammar: unexpected item {other:?}"),
        }
    }

    fn selection(&mut self, pair: Pair<Rule>) -> Selection {
        let span = self.span(&pair);
        let mut kind = None;
        let mut targets = Vec::new();
        for p in pair.into_inner() {
            let target_span = self.span(&p);
            match p.as_rule() {
                Rule::kind => kind = Some(kind_of(p.as_str())),
                Rule::name_pattern if p.as_str().contains('*') => {
                    targets.push(Target::Pattern(p.as_str().to_string(), target_span))
                }
                Rule::name_pattern => {
                    targets.push(Target::Name(p.as_str().to_string(), target_span))
                }
                Rule::string => {
                    let name = self.text(p).as_literal().unwrap_or_default();
                    if name.contains('*') {
                        targets.push(Target::Pattern(name, target_span));
                    } else {
                        targets.push(Target::Name(name, target_span));
                    }
                }
                Rule::series_target => {
                    let name = p
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::ident)
                        .expect("grammar: series target has a name");
                    targets.push(Target::Series(self.ident(name)));
                }
                Rule::label_target => {
                    let mut key = None;
                    let mut via_alias = false;
                    let mut value = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::kw_label | Rule::label_eq => {}
                            Rule::string if key.is_none() => {
                                let text = self.text(q);
                                key = Some(Ident {
                                    name: text.as_literal().unwrap_or_default(),
                                    span: text.span,
                                });
                            }
                            Rule::ident if key.is_none() => {
                                via_alias = true;
                                key = Some(self.ident(q));
                            }
                            _ => value = Some(self.expr(q)),
                        }
                    }
                    targets.push(Target::Label {
                        key: key.expect("grammar: label target has a key"),
                        via_alias,
                        value,
                        span: target_span,
                    });
                }
                _ => {}
            }
        }
        Selection {
            kind,
            targets,
            span,
        }
    }

    fn derive_rule(&mut self, pair: Pair<Rule>) -> DeriveRule {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_label);
        let label = self
            .text(inner.next().expect("grammar: label key"))
            .as_literal()
            .unwrap_or_default();
        let source_pair = inner.next().expect("grammar: label source");
        let is_if = source_pair.as_rule() == Rule::derive_if;
        let target = source_pair
            .into_inner()
            .find(|p| matches!(p.as_rule(), Rule::path | Rule::attribute))
            .expect("grammar: derive source");
        let source = match (is_if, target.as_rule()) {
            (true, _) => DeriveSource::Present(self.path(target)),
            (false, Rule::attribute) => {
                let span = self.span(&target);
                DeriveSource::Attribute(Ident {
                    name: target.as_str()[1..].to_string(),
                    span,
                })
            }
            (false, _) => DeriveSource::Field(self.path(target)),
        };
        DeriveRule {
            label,
            source,
            span,
        }
    }

    fn field_decl(&mut self, pair: Pair<Rule>) -> FieldDecl {
        let mut it = pair.into_inner();
        let name = self.ident(it.next().expect("grammar: field name"));
        let mut required = false;
        let mut deprecated = false;
        let mut ty = None;
        for p in it {
            match (p.as_rule(), p.as_str()) {
                (Rule::field_flag, "required") => required = true,
                (Rule::field_flag, _) => deprecated = true,
                _ => ty = Some(self.type_expr(p)),
            }
        }
        FieldDecl {
            name,
            required,
            deprecated,
            ty: ty.expect("grammar: field type"),
        }
    }

    fn type_expr(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let mut it = pair.into_inner();
        let name = self.ident(it.next().expect("grammar: type name"));
        let args = it
            .map(|arg| match arg.as_rule() {
                Rule::range => {
                    let (lo, hi) = arg.as_str().split_once("..").unwrap_or(("", ""));
                    TypeArg::Range(lo.parse().ok(), hi.parse().ok())
                }
                Rule::string => TypeArg::Text(self.text(arg).as_literal().unwrap_or_default()),
                _ => TypeArg::Type(self.type_expr(arg)),
            })
            .collect();
        TypeExpr { name, args }
    }

    pub(super) fn allow(&mut self, inner: Vec<Pair<Rule>>, scope: Span) -> Allow {
        let mut it = inner.into_iter().filter(|p| p.as_rule() != Rule::kw_allow);
        let code = self.ident(it.next().expect("grammar: allow code"));
        let reason = it
            .next()
            .map(|r| self.text(r).as_literal().unwrap_or_default())
            .unwrap_or_default();
        Allow {
            code,
            reason,
            scope,
        }
    }

    fn matrix(&mut self, pair: Pair<Rule>) -> Matrix {
        let span = self.span(&pair);
        let mut tables = Vec::new();
        let mut except = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::reference => tables.push(self.ident(p)),
                Rule::except_clause => {
                    for tuple in p.into_inner().filter(|t| t.as_rule() == Rule::except_tuple) {
                        except.push(tuple.into_inner().map(|c| self.expr(c)).collect());
                    }
                }
                _ => {}
            }
        }
        Matrix {
            tables,
            except,
            span,
        }
    }
}
