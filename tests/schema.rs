//! The stdlib schema (stdlib/schema.cit) agrees with KubeVirt's JSON Schema
//! in ../shared/kubevirt-api: the same object types reachable from the two
//! specs, the same fields, types, enums, ranges, required and deprecated flags.

use std::collections::BTreeMap;
use std::path::PathBuf;

use citc::check::{Schema, Ty};
use citc::resolve::ParsedFile;
use citc::source::FileId;
use citc::syntax::ast::Kind;

/// A minimal JSON value and parser: enough for the schema file.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut map = BTreeMap::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b'}' {
                        self.i += 1;
                        return Json::Obj(map);
                    }
                    let Json::Str(key) = self.value() else {
                        panic!("key")
                    };
                    self.ws();
                    assert_eq!(self.s[self.i], b':');
                    self.i += 1;
                    let v = self.value();
                    map.insert(key, v);
                    self.ws();
                    if self.s[self.i] == b',' {
                        self.i += 1;
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b']' {
                        self.i += 1;
                        return Json::Arr(items);
                    }
                    items.push(self.value());
                    self.ws();
                    if self.s[self.i] == b',' {
                        self.i += 1;
                    }
                }
            }
            b'"' => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let c = self.s[self.i];
                    self.i += 1;
                    match c {
                        b'"' => return Json::Str(out),
                        b'\\' => {
                            let e = self.s[self.i];
                            self.i += 1;
                            match e {
                                b'n' => out.push('\n'),
                                b't' => out.push('\t'),
                                b'u' => {
                                    let hex = std::str::from_utf8(&self.s[self.i..self.i + 4])
                                        .expect("hex");
                                    self.i += 4;
                                    out.push(
                                        char::from_u32(u32::from_str_radix(hex, 16).expect("hex"))
                                            .unwrap_or('?'),
                                    );
                                }
                                other => out.push(other as char),
                            }
                        }
                        _ => {
                            // Copy UTF-8 sequences byte by byte.
                            let start = self.i - 1;
                            let mut end = self.i;
                            while end < self.s.len() && (self.s[end] & 0xC0) == 0x80 {
                                end += 1;
                            }
                            out.push_str(std::str::from_utf8(&self.s[start..end]).expect("utf8"));
                            self.i = end;
                        }
                    }
                }
            }
            b't' => {
                self.i += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Json::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Json::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                Json::Num(
                    std::str::from_utf8(&self.s[start..self.i])
                        .expect("num")
                        .parse()
                        .expect("number"),
                )
            }
        }
    }
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.get(key),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

fn json_schema() -> Option<Json> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/kubevirt-api/instancetype-v1beta1.schema.json");
    match std::fs::read(&path) {
        Ok(bytes) => Some(Parser { s: &bytes, i: 0 }.value()),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{} is missing under CI", path.display())
        }
        Err(_) => {
            eprintln!("skipping: {} is absent", path.display());
            None
        }
    }
}

fn stdlib_schema() -> Schema {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stdlib/schema.cit"),
    )
    .expect("schema.cit");
    let ast = citc::syntax::parse_file(FileId(0), &text).expect("schema.cit parses");
    let mut diags = Vec::new();
    let schema = Schema::load(
        &[ParsedFile {
            id: FileId(0),
            ast,
            import_rank: 0,
            imports: Vec::new(),
            is_std: true,
            broken: Vec::new(),
            complete: true,
        }],
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    schema
}

/// The JSON property's type, written the way the stdlib writes it.
fn expected_type(prop: &Json, defs: &Json) -> Ty {
    if let Some(reference) = prop.get("$ref").and_then(Json::str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if name == "Quantity" {
            return Ty::Quantity;
        }
        assert!(defs.get(name).is_some(), "dangling $ref {name}");
        return Ty::Object(name.rsplit('.').next().unwrap_or_default().to_string());
    }
    if let Some(Json::Arr(values)) = prop.get("enum") {
        return Ty::Enum(
            values
                .iter()
                .filter_map(|v| v.str().map(str::to_string))
                .collect(),
        );
    }
    let int = |key: &str| match prop.get(key) {
        Some(Json::Num(n)) => Some(*n as i64),
        _ => None,
    };
    match prop.get("type").and_then(Json::str) {
        Some("integer") => Ty::Int {
            min: int("minimum"),
            max: int("maximum"),
        },
        Some("number") => Ty::Number,
        Some("boolean") => Ty::Bool,
        Some("string") => match prop.get("pattern").and_then(Json::str) {
            Some(p) if p.contains("[KMGTPE]i") => Ty::Quantity,
            Some(p) if p.starts_with("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.") => Ty::DnsSubdomain,
            _ => Ty::String {
                max_len: int("maxLength").map(|n| n as usize),
            },
        },
        Some("array") => Ty::List(Box::new(expected_type(
            prop.get("items").expect("items"),
            defs,
        ))),
        Some("object") => Ty::Map(Box::new(expected_type(
            prop.get("additionalProperties")
                .expect("additionalProperties"),
            defs,
        ))),
        other => panic!("unexpected property type {other:?}: {prop:?}"),
    }
}

#[test]
fn stdlib_schema_agrees_with_kubevirt_json_schema() {
    let Some(json) = json_schema() else { return };
    let defs = json.get("$defs").expect("$defs");
    let schema = stdlib_schema();
    assert_eq!(
        schema.roots.get(&Kind::Instancetype).map(String::as_str),
        Some("VirtualMachineInstancetypeSpec")
    );
    assert_eq!(
        schema.roots.get(&Kind::Preference).map(String::as_str),
        Some("VirtualMachinePreferenceSpec")
    );

    let mut queue = vec![
        "v1beta1.VirtualMachineInstancetypeSpec".to_string(),
        "v1beta1.VirtualMachinePreferenceSpec".to_string(),
    ];
    let mut seen = Vec::new();
    let mut problems = Vec::new();
    while let Some(def_name) = queue.pop() {
        if seen.contains(&def_name) {
            continue;
        }
        seen.push(def_name.clone());
        let def = defs.get(&def_name).expect("def");
        let short = def_name.rsplit('.').next().unwrap_or_default();
        let Some(object) = schema.object(short) else {
            problems.push(format!("type {short} is missing from stdlib/schema.cit"));
            continue;
        };
        let required: Vec<&str> = match def.get("required") {
            Some(Json::Arr(r)) => r.iter().filter_map(Json::str).collect(),
            _ => Vec::new(),
        };
        let Some(Json::Obj(props)) = def.get("properties") else {
            if !object.fields.is_empty() {
                problems.push(format!(
                    "{short} has fields in the stdlib but none in the JSON Schema"
                ));
            }
            continue;
        };
        for (name, prop) in props {
            let Some(field) = object.fields.get(name) else {
                problems.push(format!("{short}.{name} is missing from the stdlib"));
                continue;
            };
            let expected = expected_type(prop, defs);
            if field.ty != expected {
                problems.push(format!(
                    "{short}.{name}: stdlib {:?}, JSON Schema {expected:?}",
                    field.ty
                ));
            }
            if field.required != required.contains(&name.as_str()) {
                problems.push(format!("{short}.{name}: required flag differs"));
            }
            let deprecated = prop.get("deprecated") == Some(&Json::Bool(true));
            if field.deprecated != deprecated {
                problems.push(format!("{short}.{name}: deprecated flag differs"));
            }
            for reference in refs(prop) {
                queue.push(reference);
            }
        }
        for name in object.fields.keys() {
            if !props.contains_key(name) {
                problems.push(format!(
                    "{short}.{name} is in the stdlib but not in the JSON Schema"
                ));
            }
        }
    }
    let declared = schema.types.len();
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(
        declared,
        seen.len(),
        "the stdlib declares types that no spec reaches"
    );
}

fn refs(prop: &Json) -> Vec<String> {
    let mut out = Vec::new();
    match prop {
        Json::Obj(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Json::Str(r)) => {
                        let name = r.rsplit('/').next().unwrap_or_default();
                        if name != "Quantity" {
                            out.push(name.to_string());
                        }
                    }
                    _ => out.extend(refs(value)),
                }
            }
        }
        Json::Arr(items) => items.iter().for_each(|i| out.extend(refs(i))),
        _ => {}
    }
    out
}
