#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}
pub fn go_yaml_key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.cmp(b)
}
fn j(out: &mut String, y: &Yaml) {
    match y {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(&b.to_string()),
        Yaml::Int(i) => out.push_str(&i.to_string()),
        Yaml::Float(f) => out.push_str(&f.to_string()),
        Yaml::Str(s) => out.push_str(&format!("{s:?}")),
        Yaml::Seq(v) => {
            out.push('[');
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                j(out, x);
            }
            out.push(']');
        }
        Yaml::Map(v) => {
            out.push('{');
            for (i, (k, x)) in v.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!("{k:?}:"));
                j(out, x);
            }
            out.push('}');
        }
    }
}
pub fn write_document(out: &mut String, doc: &Yaml) {
    out.push_str("---\n");
    j(out, doc);
    out.push('\n');
}
