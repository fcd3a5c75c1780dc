//! Values: literals, lists, maps, arithmetic, and strings and text blocks
//! with their escapes and `${name}` holes decoded.

use pest::iterators::Pair;

use super::{first, Ctx};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;

impl Ctx {
    pub(super) fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::string => Expr::Text(self.text(pair)),
            Rule::text_block => Expr::Text(self.text_block(pair)),
            Rule::word => Expr::Word(pair.as_str().to_string(), span),
            Rule::quantity | Rule::bad_number => Expr::Quantity(pair.as_str().to_string(), span),
            Rule::bool => Expr::Bool(pair.as_str() == "true", span),
            Rule::int => {
                match pair.as_str().parse::<i64>() {
                    Ok(v) => Expr::Int(v, span),
                    Err(_) => {
                        self.errors.push(
                        Diagnostic::new("E0116", span, "integer does not fit in 64 bits")
                            .label("too large")
                            .help("integers range from -9223372036854775808 to 9223372036854775807"),
                    );
                        Expr::Int(0, span)
                    }
                }
            }
            Rule::float => Expr::Float(pair.as_str().parse::<f64>().unwrap_or(0.0), span),
            Rule::map => Expr::Map(self.block(pair)),
            Rule::list => {
                let mut items = Vec::new();
                let mut it = pair.into_inner().peekable();
                while it.peek().is_some() {
                    items.push(self.value(&mut it));
                }
                Expr::List(items, span)
            }
            Rule::paren => {
                let mut expr = self.value(&mut pair.into_inner().peekable());
                // The parentheses belong to the expression they group.
                if let Expr::Binary(binary) = &mut expr {
                    binary.span = span;
                }
                expr
            }
            Rule::variable => Expr::Variable(self.ident(pair)),
            other => unreachable!("grammar: unexpected value {other:?}"),
        }
    }

    /// A value: one operand, and the operators and operands of an
    /// `arith_tail` after it, if there is one.
    pub(super) fn value<'i>(
        &mut self,
        pairs: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    ) -> Expr {
        let first = self.expr(pairs.next().expect("grammar: a value"));
        let Some(tail) = pairs.next_if(|p| p.as_rule() == Rule::arith_tail) else {
            return first;
        };
        let mut rest = Vec::new();
        let mut it = tail.into_inner();
        while let (Some(op), Some(operand)) = (it.next(), it.next()) {
            let op_span = self.span(&op);
            let op = match op.as_str() {
                "*" => BinOp::Mul,
                "/" => BinOp::Div,
                "+" => BinOp::Add,
                _ => BinOp::Sub,
            };
            rest.push((op, op_span, self.expr(operand)));
        }
        fold_binary(first, rest)
    }

    pub(super) fn text(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let inner = first(pair);
        let offset = self.base + inner.as_span().start();
        self.decode(inner.as_str(), offset, span)
    }

    /// `"""` blocks: the first line break after the opening quotes is dropped,
    /// the common indentation of the lines is removed, and the line of the
    /// closing quotes (when blank) ends the text without a final newline.
    fn text_block(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let inner = first(pair);
        let raw = inner.as_str();
        let raw = raw
            .strip_prefix("\r\n")
            .or_else(|| raw.strip_prefix('\n'))
            .unwrap_or(raw);
        let mut lines: Vec<&str> = raw.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        let closing_indent = match lines.last() {
            Some(last) if last.trim().is_empty() => {
                let indent = last.len();
                lines.pop();
                Some(indent)
            }
            _ => None,
        };
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
            .chain(closing_indent)
            .min()
            .unwrap_or(0);
        let stripped: Vec<&str> = lines
            .iter()
            .map(|l| {
                if l.trim().is_empty() {
                    ""
                } else {
                    &l[indent.min(l.len())..]
                }
            })
            .collect();
        // Offsets inside a stripped block are approximate: point at the block.
        let mut text = self.decode(&stripped.join("\n"), 0, span);
        text.span = span;
        text
    }

    /// Decodes escapes and splits `${name}` holes. `offset` is the byte
    /// position of `raw` in the file (0 when unknown).
    fn decode(&mut self, raw: &str, offset: usize, span: Span) -> Text {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = raw.char_indices().peekable();
        let at = |i: usize, len: usize| {
            if offset == 0 {
                span
            } else {
                Span::new(span.file, offset + i, offset + i + len)
            }
        };
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        'n' => lit.push('\n'),
                        't' => lit.push('\t'),
                        'r' => lit.push('\r'),
                        '\\' => lit.push('\\'),
                        '"' => lit.push('"'),
                        '$' => lit.push('$'),
                        'u' => match parse_unicode_escape(&mut chars) {
                            Some(ch) => lit.push(ch),
                            None => self.errors.push(
                                Diagnostic::new("E0111", at(i, 2), "invalid unicode escape")
                                    .label("expected \\u{XXXX}")
                                    .help("write a code point in hex between braces, e.g. \\u{e9}"),
                            ),
                        },
                        other => self.errors.push(
                            Diagnostic::new(
                                "E0111",
                                at(i, 1 + other.len_utf8()),
                                format!("unknown escape `\\{other}`"),
                            )
                            .label("unknown escape")
                            .help("escapes are \\\\, \\\", \\n, \\t, \\r, \\$ and \\u{XXXX}"),
                        ),
                    }
                }
                '$' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                    chars.next();
                    let start = i + 2;
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    let valid = !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if !closed || !valid {
                        self.errors.push(
                            Diagnostic::new("E0111", at(i, name.len() + 2), "invalid interpolation")
                                .label("expected ${name}")
                                .help("interpolate a variable with ${name}; write \\$ for a literal dollar sign"),
                        );
                        continue;
                    }
                    if !lit.is_empty() {
                        parts.push(TextPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(TextPart::Variable(Ident {
                        span: at(start, name.len()),
                        name,
                    }));
                }
                _ => lit.push(c),
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(TextPart::Literal(lit));
        }
        Text { parts, span }
    }
}

fn parse_unicode_escape(chars: &mut std::iter::Peekable<std::str::CharIndices>) -> Option<char> {
    if chars.next()?.1 != '{' {
        return None;
    }
    let mut hex = String::new();
    for (_, c) in chars.by_ref() {
        if c == '}' {
            return u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
        }
        hex.push(c);
    }
    None
}
