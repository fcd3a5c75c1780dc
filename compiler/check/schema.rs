//! The API schema as the checker uses it, read from the `type` and `schema`
//! items of the loaded files (stdlib/schema.cit).

use crate::hash::HashMap;

use crate::hash::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::resolve::ParsedFile;
use crate::source::Span;
use crate::suggest::closest;
use crate::syntax::ast::{Item, Kind, TypeArg, TypeExpr};

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String { max_len: Option<usize> },
    Bool,
    Int { min: Option<i64>, max: Option<i64> },
    Number,
    Quantity,
    Enum(Vec<String>),
    DnsSubdomain,
    Map(Box<Ty>),
    List(Box<Ty>),
    Object(String),
}

impl Ty {
    /// How the type reads in a message.
    pub fn describe(&self) -> String {
        match self {
            Ty::String { .. } => "a string".into(),
            Ty::Bool => "a boolean".into(),
            Ty::Int { .. } => "an integer".into(),
            Ty::Number => "a number".into(),
            Ty::Quantity => "a quantity".into(),
            Ty::Enum(_) => "one of a set of strings".into(),
            Ty::DnsSubdomain => "a DNS subdomain name".into(),
            Ty::Map(_) => "a map".into(),
            Ty::List(_) => "a list".into(),
            Ty::Object(name) => format!("a `{name}` map"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub ty: Ty,
    pub required: bool,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub struct ObjectType {
    pub fields: IndexMap<String, Field>,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct Schema {
    pub types: HashMap<String, ObjectType>,
    /// The spec type of each kind.
    pub roots: HashMap<Kind, String>,
}

const BUILTINS: &[&str] = &[
    "string",
    "bool",
    "int",
    "number",
    "quantity",
    "enum",
    "dns_subdomain",
    "map",
    "list",
];

impl Schema {
    pub fn load(files: &[ParsedFile], diags: &mut Vec<Diagnostic>) -> Schema {
        let mut schema = Schema::default();
        let mut pending = Vec::new();
        for file in files {
            for item in &file.ast.items {
                match item {
                    Item::Type(def) => pending.push(def),
                    Item::Schema(def) => {
                        schema.roots.insert(def.kind, def.type_name.name.clone());
                    }
                    _ => {}
                }
            }
        }
        let names: Vec<String> = pending.iter().map(|d| d.name.name.clone()).collect();
        for def in pending {
            let mut fields = IndexMap::default();
            for field in &def.fields {
                match type_of(&field.ty, &names) {
                    Ok(ty) => {
                        fields.insert(
                            field.name.name.clone(),
                            Field {
                                ty,
                                required: field.required,
                                deprecated: field.deprecated,
                            },
                        );
                    }
                    Err(d) => diags.push(d),
                }
            }
            schema.types.insert(
                def.name.name.clone(),
                ObjectType {
                    fields,
                    span: def.name.span,
                },
            );
        }
        schema
    }

    pub fn object(&self, name: &str) -> Option<&ObjectType> {
        self.types.get(name)
    }
}

fn type_of(expr: &TypeExpr, names: &[String]) -> Result<Ty, Diagnostic> {
    let arg_type = |i: usize| match expr.args.get(i) {
        Some(TypeArg::Type(t)) => type_of(t, names),
        _ => Err(bad_type(
            expr,
            "expects a type argument, as in list(string)",
        )),
    };
    Ok(match expr.name.name.as_str() {
        "string" => Ty::String {
            max_len: match expr.args.first() {
                Some(TypeArg::Range(_, max)) => max.map(|m| m.max(0) as usize),
                _ => None,
            },
        },
        "bool" => Ty::Bool,
        "number" => Ty::Number,
        "quantity" => Ty::Quantity,
        "dns_subdomain" => Ty::DnsSubdomain,
        "int" => match expr.args.first() {
            Some(TypeArg::Range(min, max)) => Ty::Int {
                min: *min,
                max: *max,
            },
            _ => Ty::Int {
                min: None,
                max: None,
            },
        },
        "enum" => Ty::Enum(
            expr.args
                .iter()
                .filter_map(|a| match a {
                    TypeArg::Text(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        ),
        "map" => Ty::Map(Box::new(arg_type(0)?)),
        "list" => Ty::List(Box::new(arg_type(0)?)),
        name if names.iter().any(|n| n == name) => Ty::Object(name.to_string()),
        name => {
            let candidates = BUILTINS
                .iter()
                .copied()
                .chain(names.iter().map(String::as_str));
            let help = match closest(name, candidates) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "types: {}, or a `type` declared in the schema",
                    BUILTINS.join(", ")
                ),
            };
            return Err(
                Diagnostic::new("E0210", expr.name.span, format!("unknown type `{name}`"))
                    .label("no such type")
                    .help(help),
            );
        }
    })
}

fn bad_type(expr: &TypeExpr, what: &str) -> Diagnostic {
    Diagnostic::new(
        "E0210",
        expr.name.span,
        format!("`{}` {what}", expr.name.name),
    )
    .label("malformed type")
    .help("write list(T) or map(T) with the element type T")
}
