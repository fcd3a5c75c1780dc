//! JSON reports laid out for reading: serde_json writes the values, and a
//! [`Layout`] says which objects and lists put an item per line; the rest
//! stays on its line as `{"key": value, …}`.

use std::io::{self, Write};

use serde::Serialize;

/// Which containers break lines, by their path of keys from the top (`*`
/// for a list's item): `&["resources", "*", "changes"]`.
pub type Broken = fn(&[&str]) -> bool;

/// `value` as JSON laid out by `broken`, ending with a newline.
pub fn to_string<T: Serialize>(value: &T, broken: Broken) -> String {
    let mut out = Vec::new();
    let layout = Layout {
        broken,
        open: Vec::new(),
        key: String::new(),
        in_key: false,
    };
    let mut writer = serde_json::Serializer::with_formatter(&mut out, layout);
    // Only a map with keys that are not strings fails, and reports have none.
    if value.serialize(&mut writer).is_err() {
        out.clear();
        out.extend_from_slice(b"null");
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}

struct Open {
    /// The key it sits under (`*` in a list, empty at the top).
    key: String,
    list: bool,
    broken: bool,
    empty: bool,
}

struct Layout {
    broken: Broken,
    open: Vec<Open>,
    /// The key being written or last written.
    key: String,
    in_key: bool,
}

impl Layout {
    fn depth(&self) -> usize {
        self.open.iter().filter(|o| o.broken).count()
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8], list: bool) -> io::Result<()> {
        // The key this container sits under: its object's last key, or `*`
        // in a list.
        let key = match self.open.last() {
            None => None,
            Some(parent) if parent.list => Some("*".to_string()),
            Some(_) => Some(self.key.clone()),
        };
        let mut path: Vec<&str> = self.open.iter().skip(1).map(|o| o.key.as_str()).collect();
        if let Some(key) = &key {
            path.push(key);
        }
        let broken = (self.broken)(&path);
        self.open.push(Open {
            key: key.unwrap_or_default(),
            list,
            broken,
            empty: true,
        });
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        let depth = self.depth();
        let Some(open) = self.open.last_mut() else {
            return Ok(());
        };
        open.empty = false;
        if open.broken {
            let lead = if first { "\n" } else { ",\n" };
            write!(w, "{lead}{:width$}", "", width = 2 * depth)
        } else if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        if let Some(Open {
            broken: true,
            empty: false,
            ..
        }) = self.open.pop()
        {
            write!(w, "\n{:width$}", "", width = 2 * self.depth())?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Layout {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[", true)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{", false)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.key.clear();
        self.in_key = true;
        self.item(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.in_key {
            self.key.push_str(fragment);
        }
        w.write_all(fragment.as_bytes())
    }

    /// As a float reads in YAML output: `1`, not `1.0`.
    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        write!(w, "{value}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn broken_containers_put_an_item_per_line() {
        let value = serde_json::json!({"a": [1, 2], "b": [{"c": [3]}], "d": {"e": []}});
        let text = super::to_string(&value, |path| matches!(path, [] | ["a"] | ["b", "*", "c"]));
        assert_eq!(
            text,
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": [{\"c\": [\n    3\n  ]}],\n  \"d\": {\"e\": []}\n}\n"
        );
    }
}
