//! The typed AST of a .cit file. Every node keeps the span it was parsed from.

use serde::{Deserialize, Serialize};

use crate::source::Span;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Item {
    Import(Import),
    Let(LetDef),
    Alias(AliasDef),
    Mixin(MixinDef),
    Table(TableDef),
    Series(SeriesDef),
    Definition(Definition),
    Derive(DeriveDef),
    Type(TypeDef),
    Schema(SchemaDef),
    /// `allow CODE "reason"` at the top of a file: for the whole file.
    Allow(Allow),
    /// `release { settings }`: how the release is named and stamped.
    Release(ReleaseDef),
    /// `patch SELECTION { statements }`: changes resources already defined.
    Patch(PatchDef),
    /// `remove SELECTION`: leaves resources already defined out.
    Remove(RemoveDef),
}

/// `release { prefix = "acme"  version_label = "acme.example/version" }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReleaseDef {
    pub body: Block,
    /// The `release` keyword.
    pub keyword: Span,
}

/// `patch [kind] target, … { statements }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PatchDef {
    pub selection: Selection,
    pub body: Block,
    pub span: Span,
}

/// `remove [kind] target, …`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoveDef {
    pub selection: Selection,
    pub span: Span,
}

/// Which resources an overlay applies to: those of `kind` (both kinds when
/// `None`) that any of the targets matches.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Selection {
    pub kind: Option<Kind>,
    pub targets: Vec<Target>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Target {
    /// `u1.medium`, `"rhel.9"`: one resource by name.
    Name(String, Span),
    /// `rhel.*`, `*`: names matching a pattern, `*` matching any run of
    /// characters.
    Pattern(String, Span),
    /// `series u1`: the instance types a series made.
    Series(Ident),
    /// `label "key" [== value]` or `label alias [== value]`: resources with
    /// the label (set, or derived), with that value when one is given.
    Label {
        key: Ident,
        /// The key was written as an alias name, not a quoted label key.
        via_alias: bool,
        value: Option<Expr>,
        span: Span,
    },
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Name(_, span) | Target::Pattern(_, span) | Target::Label { span, .. } => *span,
            Target::Series(ident) => ident.span,
        }
    }
}

/// `allow W0101 "reason"`: silences a warning code in the enclosing block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Allow {
    pub code: Ident,
    pub reason: String,
    /// The block (or file) the allowance covers.
    pub scope: Span,
}

/// `type Name { field: [required] [deprecated] type }` (stdlib/schema.cit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeDef {
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldDecl {
    pub name: Ident,
    pub required: bool,
    pub deprecated: bool,
    pub ty: TypeExpr,
}

/// `int(0..100)`, `enum("a", "b")`, `list(GPU)`, `CPUInstancetype`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeExpr {
    pub name: Ident,
    pub args: Vec<TypeArg>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TypeArg {
    Range(Option<i64>, Option<i64>),
    Text(String),
    Type(TypeExpr),
}

/// `schema preference = VirtualMachinePreferenceSpec`: the type of a kind's spec.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchemaDef {
    pub kind: Kind,
    pub type_name: Ident,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Import {
    pub path: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LetDef {
    pub name: Ident,
    pub value: Expr,
}

/// `alias [kind] name = path`: a short name for a long field path.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AliasDef {
    pub kind: Option<Kind>,
    pub name: Ident,
    pub target: Path,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MixinDef {
    pub name: Ident,
    pub body: Block,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableDef {
    pub name: Ident,
    pub columns: Vec<Ident>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableRow {
    pub cells: Vec<Expr>,
    pub span: Span,
}

/// `series NAME [: PARENT] { sizes T; variants V; body }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeriesDef {
    pub is_abstract: bool,
    pub name: Ident,
    pub parent: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Instancetype,
    Preference,
}

impl Kind {
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Instancetype => "instancetype",
            Kind::Preference => "preference",
        }
    }
}

/// `[abstract] instancetype|preference NAME [: PARENT] [for T * U except (...)] { body }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Definition {
    pub is_abstract: bool,
    pub kind: Kind,
    /// A plain name, or a template with `${column}` when `matrix` is set.
    pub name: Text,
    pub parent: Option<Text>,
    pub matrix: Option<Matrix>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Matrix {
    pub tables: Vec<Ident>,
    /// Row-key tuples to leave out, one key per table.
    pub except: Vec<Vec<Expr>>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeriveDef {
    pub kind: Kind,
    pub rules: Vec<DeriveRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeriveRule {
    pub label: String,
    pub source: DeriveSource,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum DeriveSource {
    /// `from spec.cpu.guest`: the value, as text, when the field is set.
    Field(Path),
    /// `from @size`: a property of the generated resource.
    Attribute(Ident),
    /// `if spec.cpu.realtime`: "true" when the field is set (and not false).
    Present(Path),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Block {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Statement {
    Use(Vec<Ident>),
    Sizes {
        table: Ident,
        except: Vec<Expr>,
        span: Span,
    },
    Variants {
        table: Ident,
        span: Span,
    },
    /// `ratio 1:4`: the series' vCPU to GiB-of-memory ratio.
    Ratio {
        cpu: u32,
        memory_gib: u32,
        span: Span,
    },
    Allow(Allow),
    When {
        variable: Ident,
        values: Vec<Expr>,
        body: Block,
    },
    Assign {
        path: Path,
        op: AssignOp,
        value: Expr,
    },
    /// `let name = value` in a block: a constant for the statements after
    /// it in the block and in the blocks nested in it.
    Let {
        name: Ident,
        value: Expr,
    },
    /// `unset path`: removes a field that the parent, the mixins or an
    /// earlier statement set.
    Unset(Path),
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`: deep-merge into what the parent and mixins set.
    Merge,
    /// `:=`: replace the whole subtree.
    Replace,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// A string literal after escapes, split into literal parts and `${name}` holes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Text {
    pub parts: Vec<TextPart>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TextPart {
    Literal(String),
    Variable(Ident),
}

impl Text {
    pub fn literal(value: String, span: Span) -> Text {
        Text {
            parts: vec![TextPart::Literal(value)],
            span,
        }
    }

    /// The text when it has no interpolation.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TextPart::Literal(s) => out.push_str(s),
                TextPart::Variable(_) => return None,
            }
        }
        Some(out)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Expr {
    Text(Text),
    /// A bare word in a table cell or a condition: `nano`, `2xmedium`.
    Word(String, Span),
    Int(i64, Span),
    Float(f64, Span),
    Bool(bool, Span),
    Quantity(String, Span),
    Map(Block),
    List(Vec<Expr>, Span),
    Variable(Ident),
    /// `a * b`, `a / b`, `a + b`, `a - b` (parentheses only group).
    Binary(Box<Binary>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binary {
    pub op: BinOp,
    /// The operator itself.
    pub op_span: Span,
    pub lhs: Expr,
    pub rhs: Expr,
    /// The whole expression.
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    fn binds_tighter(self) -> bool {
        matches!(self, BinOp::Mul | BinOp::Div)
    }
}

/// Builds `first op1 e1 op2 e2 …` with `*` and `/` before `+` and `-`, each
/// level left-associative.
pub fn fold_binary(first: Expr, rest: Vec<(BinOp, Span, Expr)>) -> Expr {
    fn node(lhs: Expr, (op, op_span): (BinOp, Span), rhs: Expr) -> Expr {
        let span = lhs.span().to(rhs.span());
        Expr::Binary(Box::new(Binary {
            op,
            op_span,
            lhs,
            rhs,
            span,
        }))
    }
    let mut sum: Option<(Expr, (BinOp, Span))> = None;
    let mut product = first;
    for (op, op_span, rhs) in rest {
        if op.binds_tighter() {
            product = node(product, (op, op_span), rhs);
        } else {
            let left = match sum.take() {
                None => product,
                Some((lhs, pending)) => node(lhs, pending, product),
            };
            sum = Some((left, (op, op_span)));
            product = rhs;
        }
    }
    match sum {
        None => product,
        Some((lhs, pending)) => node(lhs, pending, product),
    }
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Text(t) => t.span,
            Expr::Word(_, s)
            | Expr::Int(_, s)
            | Expr::Float(_, s)
            | Expr::Bool(_, s)
            | Expr::Quantity(_, s)
            | Expr::List(_, s) => *s,
            Expr::Map(b) => b.span,
            Expr::Variable(i) => i.span,
            Expr::Binary(b) => b.span,
        }
    }
}
