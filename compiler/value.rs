//! Resolved values: the typed tree that resolution produces and lowering
//! reads. Every node remembers where it was set.

use std::rc::Rc;

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Boxed: quantities are rare next to strings, and this keeps every
    /// value (and so every node of every tree) small.
    Quantity(Box<Quantity>),
    List(Vec<Node>),
    /// Shared: an inherited subtree is not copied until it is changed
    /// (`Rc::make_mut`), so long inheritance chains stay cheap.
    Map(Rc<Map>),
}

/// A small ordered map. Most maps of a catalog hold a handful of keys, so a
/// vector with linear lookup is smaller and faster than a hash map; keys keep
/// the order they were set in.
#[derive(Debug, Clone, Default)]
pub struct Map {
    entries: Vec<(String, Node)>,
}

impl PartialEq for Map {
    /// Maps are equal when they hold the same keys and values, in any order.
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Map {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, replacing its value if it is there.
    pub fn insert(&mut self, key: String, value: Node) {
        match self.get_mut(&key) {
            Some(existing) => *existing = value,
            None => self.push(key, value),
        }
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(index).1)
    }

    /// Most maps hold one or two keys (`spec.cpu.guest` makes two maps of
    /// one), so grow one slot at a time while small instead of doubling.
    fn push(&mut self, key: String, value: Node) {
        if self.entries.len() == self.entries.capacity() {
            let more = (self.entries.len() / 2).max(1);
            self.entries.reserve_exact(more);
        }
        self.entries.push((key, value));
    }

    /// The value at `key`, inserted with `make` if missing (the key is only
    /// allocated then).
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> Node) -> &mut Node {
        let index = match self.entries.iter().position(|(k, _)| k == key) {
            Some(index) => index,
            None => {
                self.push(key.to_string(), make());
                self.entries.len() - 1
            }
        };
        &mut self.entries[index].1
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }
}

impl IntoIterator for Map {
    type Item = (String, Node);
    type IntoIter = std::vec::IntoIter<(String, Node)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A value and the span of the source that set it.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl PartialEq for Node {
    /// Nodes are equal when their values are; where they came from does not matter.
    fn eq(&self, other: &Node) -> bool {
        self.value == other.value
    }
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node { value, span }
    }

    pub fn empty_map(span: Span) -> Node {
        Node::new(Value::Map(Rc::default()), span)
    }

    /// The node at a dotted path of keys, if every step is a map.
    pub fn get_path<'a>(&'a self, keys: &[&str]) -> Option<&'a Node> {
        let mut node = self;
        for key in keys {
            match &node.value {
                Value::Map(map) => node = map.get(key)?,
                _ => return None,
            }
        }
        Some(node)
    }
}

impl Value {
    /// The kind of value, with its article: "an integer", "a map".
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Quantity(_) => "a quantity",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// The text of a scalar, as a label or a name would show it.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Quantity(q) => Some(q.text.clone()),
            Value::List(_) | Value::Map(_) => None,
        }
    }
}

/// A Kubernetes quantity as written (`512Mi`, `1.5Gi`, `2`), with its exact
/// amount so that quantities compare by size, not by spelling.
#[derive(Debug, Clone)]
pub struct Quantity {
    pub text: String,
    /// The amount in thousandths of the base unit (exact for every suffix).
    pub millis: i128,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.text == other.text
    }
}

impl Quantity {
    /// Parses `<decimal><suffix>` with the binary (Ki..Ei) and decimal
    /// (m, k..E) suffixes of Kubernetes.
    pub fn parse(text: &str) -> Option<Quantity> {
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        let multiplier_millis: i128 = match suffix {
            "" => 1000,
            "m" => 1,
            "k" => 1000 * 1000,
            "M" => 1000 * 1000_i128.pow(2),
            "G" => 1000 * 1000_i128.pow(3),
            "T" => 1000 * 1000_i128.pow(4),
            "P" => 1000 * 1000_i128.pow(5),
            "E" => 1000 * 1000_i128.pow(6),
            "Ki" => 1000 << 10,
            "Mi" => 1000 << 20,
            "Gi" => 1000 << 30,
            "Ti" => 1000 << 40,
            "Pi" => 1000 << 50,
            "Ei" => 1000 << 60,
            _ => return None,
        };
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() || frac.contains('.') || frac.len() > 18 {
            return None;
        }
        let whole: i128 = whole.parse().ok()?;
        let frac_value: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        let scale = 10_i128.pow(frac.len() as u32);
        let millis = whole.checked_mul(multiplier_millis)?
            + frac_value.checked_mul(multiplier_millis)? / scale;
        Some(Quantity {
            text: text.to_string(),
            millis,
        })
    }

    /// Whole base units (bytes, cores), rounded down.
    pub fn units(&self) -> i128 {
        self.millis / 1000
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    #[test]
    fn quantities_compare_by_amount() {
        let q = |s: &str| Quantity::parse(s).expect(s).millis;
        assert_eq!(q("1.5Gi"), q("1536Mi"));
        assert_eq!(q("512Mi") * 2, q("1Gi"));
        assert!(q("1Gi") > q("1G"));
        assert_eq!(q("2"), 2000);
        assert_eq!(q("500m"), 500);
        assert_eq!(
            Quantity::parse("1.5Gi").map(|x| x.units()),
            Some(1_610_612_736)
        );
    }

    #[test]
    fn malformed_quantities_are_refused() {
        for bad in ["4GB", "1.5.Gi", "Gi", "", ".5Gi", "1..5Mi"] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
    }
}
